"""Google's OAuth as every Google connector uses it (`kit.google`): the token endpoint on its
own host, reached only as configured."""

from __future__ import annotations

import pytest

from socialroi.sources.api import get_connector
from socialroi.sync.http import Api


@pytest.mark.parametrize("source", ["ga4", "google_ads"])
def test_the_token_endpoint_host_is_reached_only_as_configured(monkeypatch, source):
    c = get_connector(source)
    assert c.auth.authorize_params["access_type"] == "offline"
    monkeypatch.delenv(c.env_base, raising=False)
    api = Api(source, c.base(), hosts=c.allowed_hosts())
    assert api.url(c.auth.token_path) == "https://oauth2.googleapis.com/token"
    # a host the platform does not own never receives the token
    assert api.url("https://evil.example/token?x=1") == c.base_url + "/token?x=1"
    monkeypatch.setenv(c.env_base, "http://127.0.0.1:9")
    api = Api(source, c.base(), hosts=c.allowed_hosts())
    assert api.url(c.auth.token_path) == "http://127.0.0.1:9/token"
