"""OAuth 1.0a signing checked against the published worked examples."""

from __future__ import annotations

from socialroi.sync import oauth1


def test_rfc_5849_section_1_2_example():
    # GET http://photos.example.net/photos?file=vacation.jpg&size=original, RFC 5849 1.2
    base = oauth1.base_string(
        "GET", "http://photos.example.net/photos?file=vacation.jpg&size=original",
        [("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
         ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131202"),
         ("oauth_nonce", "chapoH")],
    )  # fmt: skip
    assert oauth1.signature(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00") == (
        "MdpQcU8iPSUjWoN/UDMsK2sui9I="
    )


def test_x_creating_a_signature_example():
    # X's "Creating a signature" page: POST statuses/update with a status containing "+"
    head = oauth1.authorization(
        "POST", "https://api.twitter.com/1.1/statuses/update.json",
        {"include_entities": "true", "status": "Hello Ladies + Gentlemen, a signed OAuth request!"},
        consumer_key="xvz1evFS4wEEPTGEFPHBog",
        consumer_secret="kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        token_secret="LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", timestamp=1318622958,
    )  # fmt: skip
    assert 'oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"' in head


def test_the_base_uri_drops_default_ports_and_lowercases():
    assert oauth1.base_uri("HTTPS://Ads-API.X.com:443/12/accounts?x=1") == (
        "https://ads-api.x.com/12/accounts"
    )
    assert oauth1.base_uri("http://127.0.0.1:8123/a") == "http://127.0.0.1:8123/a"
