"""Token renewal and the consent flow, on a connector that uses RFC 6749 refresh tokens.

The connector here (`acme`) is a test double of a platform with rotating refresh tokens; its
one stream reads the fake Graph API's insights edge so the rows are real staging frames."""

from __future__ import annotations

import datetime as dt
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from socialroi import Workspace
from socialroi.sources import api as apimod
from socialroi.sources.meta import api as meta_api
from socialroi.sync import connect as connecting
from socialroi.sync import oauth
from socialroi.sync.credentials import Credentials, Grant
from socialroi.sync.http import Limits
from socialroi.sync.run import SyncOptions, sync
from tests.fakes.oauth import FakeOAuth

ACT = "act_1234567890"


@pytest.fixture
def acme(fake_meta, monkeypatch):
    stream = apimod.Stream(
        "acme", "daily", "test stream", meta_api.AD_INSIGHTS.path, meta_api.ad_insights_staged,
        params=meta_api.AD_INSIGHTS.params, window_params=meta_api.AD_INSIGHTS.window_params,
        replaces={"ad_metrics": "metric_date"}, lag_days=3,
    )  # fmt: skip
    connector = apimod.Connector(
        "acme", "Acme test platform", "https://api.acme.invalid",
        apimod.Auth("oauth2", authorize_url="https://acme.invalid/authorize",
                    token_path="/oauth/token", scopes=("read", "reports"),
                    refresh="refresh_token"),
        (stream,), "act_<id>", lambda a: (("daily",), a.removeprefix("act_")),
    )  # fmt: skip
    monkeypatch.setitem(apimod.CONNECTORS, "acme", connector)
    fake_meta.fake.env(monkeypatch, "acme")
    fake_meta.tokens.discard("good-token")
    token = FakeOAuth(fake_meta.fake, "/oauth/token", fake_meta.tokens, rotate=True)
    return connector, token, fake_meta


def opts(**kw) -> SyncOptions:
    base = {"since": dt.date(2026, 3, 1), "until": dt.date(2026, 3, 10),
            "today": dt.date(2026, 3, 10), "sleep": lambda s: None,
            "limits": Limits(max_attempts=3, backoff=0.01)}  # fmt: skip
    return SyncOptions(**{**base, **kw})


def _connect_expired(tmp_path, token: FakeOAuth) -> Workspace:
    token.refresh_tokens.add("refresh-0")
    ws = Workspace.open(tmp_path / "ws.duckdb")
    grant = Grant("stale", "refresh-0", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
                  client_id="app-1", client_secret="s3cret")  # fmt: skip
    connecting.save(ws, "acme", grant, [ACT])
    return ws


def test_an_expired_token_is_refreshed_and_the_rotated_one_saved_first(acme, tmp_path, monkeypatch):
    _connector, token, meta = acme
    ws = _connect_expired(tmp_path, token)
    events: list[str] = []
    real_put = Credentials.put
    seen = meta.fake.requests

    def put(self, ref, grant):
        calls = sum(1 for r in seen if r.path.endswith("/insights"))
        events.append(f"saved {grant.refresh_token} after {calls} data calls")
        real_put(self, ref, grant)

    monkeypatch.setattr(Credentials, "put", put)
    [res] = sync(ws, ["acme"], opts())
    assert res.status == "ok", res.error
    assert token.log == ["refresh_token"]
    first_data = next(i for i, r in enumerate(seen) if r.path.endswith("/insights"))
    assert seen[first_data].bearer == "access-1"
    assert events == ["saved refresh-1 after 0 data calls"]  # saved before it was used
    grant = Credentials().get(connecting.conns.get_connection(ws.store, "acme").credential_ref)
    assert grant.refresh_token == "refresh-1" and grant.access_token == "access-1"
    assert "refresh-0" not in token.refresh_tokens  # the old one is void: losing the new = lost


def test_a_revoked_refresh_token_names_the_connection_and_the_fix(acme, tmp_path):
    _connector, token, _meta = acme
    ws = _connect_expired(tmp_path, token)
    token.refresh_tokens.clear()
    [res] = sync(ws, ["acme"], opts())  # one failed line: the next connection would still run
    assert res.status == "failed" and res.stream == "all streams"
    assert "acme connection" in res.error and "socialroi connect acme" in res.error
    assert "refresh-0" not in res.error
    assert connecting.conns.get_connection(ws.store, "acme").health == "expired"


def test_the_consent_flow_on_a_loopback_port(acme, tmp_path):
    connector, token, _meta = acme
    shown: list[str] = []

    def browser(url: str) -> None:
        """The user consents: the platform redirects the browser to the loopback URI."""
        shown.append(url)
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert q["response_type"] == "code" and q["scope"] == "read reports"
        assert q["code_challenge_method"] == "S256"
        token.expect_code("code-xyz", q["code_challenge"])
        target = f"{q['redirect_uri']}?code=code-xyz&state={q['state']}"
        threading.Thread(target=httpx.get, args=(target,), daemon=True).start()

    grant = oauth.consent(connector, "app-1", "s3cret", show=browser, timeout=20)
    assert shown[0].startswith("https://acme.invalid/authorize?")
    assert grant.access_token == "access-1" and grant.refresh_token == "refresh-1"
    assert grant.expires_at is not None and token.log == ["authorization_code"]


def test_a_redirect_with_a_wrong_state_is_ignored(acme):
    connector, token, _meta = acme

    def forged(url: str) -> None:
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        target = f"{q['redirect_uri']}?code=evil&state=not-the-state"
        threading.Thread(target=httpx.get, args=(target,), daemon=True).start()

    with pytest.raises(Exception, match="no consent arrived"):
        oauth.consent(connector, "app-1", None, show=forged, timeout=2)
    assert token.log == []


def test_a_short_lived_token_is_renewed_before_each_stream(acme, tmp_path):
    """Tokens shorter than the renewal margin (Google's last an hour; a backfill can outlive
    one) are renewed before every stream, each rotation saved before it is used."""
    _connector, token, meta = acme
    token.expires_in = 300
    ws = _connect_expired(tmp_path, token)
    meta.add_account("5550001", "Voltiq MX", "MXN", "America/Mexico_City")
    conn = connecting.conns.get_connection(ws.store, "acme")
    conn.accounts.append("act_5550001")
    connecting.conns.save_connection(ws.store, conn)
    results = sync(ws, ["acme"], opts())
    assert [r.status for r in results] == ["ok", "unchanged"]  # the second account has no rows
    assert token.log == ["refresh_token"] * 3  # once to start, then before each stream
    grant = Credentials().get(conn.credential_ref)
    assert grant.refresh_token == "refresh-3" and token.refresh_tokens == {"refresh-3"}
    bearers = {r.bearer for r in meta.fake.requests if r.path.endswith("/insights")}
    assert bearers == {"access-2", "access-3"}


def test_meta_consent_ends_with_a_long_lived_token(fake_meta):
    """Meta's login dialog gives a token for hours; connect exchanges it at once for the
    60-day one (Meta has no refresh tokens)."""
    from socialroi.sources.api import get_connector

    def browser(url: str) -> None:
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert q["scope"].startswith("ads_read,")  # Meta separates scopes with commas
        fake_meta.codes.add("meta-code")
        target = f"{q['redirect_uri']}?code=meta-code&state={q['state']}"
        threading.Thread(target=httpx.get, args=(target,), daemon=True).start()

    grant = oauth.consent(get_connector("meta"), "app-1", "s3cret", show=browser, timeout=20)
    assert fake_meta.exchanged == ["short-lived-1"]
    assert grant.access_token == "renewed-1"
    assert grant.expires_at - dt.datetime.now(dt.UTC) > dt.timedelta(days=59)


def test_a_refresh_tokens_own_lifetime_is_kept_and_names_when_the_grant_lapses():
    import datetime as dt

    from socialroi.sync.auth import grant_from
    from socialroi.sync.credentials import Grant

    old = Grant("a", "r1", None, "app", "secret")
    assert old.lapses_at is None  # the platform never said
    got = grant_from(
        {"access_token": "a2", "expires_in": 5184000, "refresh_token": "r2",
         "refresh_token_expires_in": 31536000},  # LinkedIn's documented answer
        old,
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    assert abs((got.refresh_expires_at - now).days - 365) <= 1
    assert got.lapses_at == got.refresh_expires_at
    again = grant_from({"access_token": "a3", "expires_in": 86400, "refresh_token": "r3"}, got)
    assert again.refresh_expires_at == got.refresh_expires_at  # not forgotten when omitted
    tiktok = grant_from({"access_token": "a", "refresh_expires_in": "86400"}, old)
    assert abs((tiktok.refresh_expires_at - now).total_seconds() - 86400) < 60
    assert Grant.from_json(again.to_json()) == again
    assert "r3" not in repr(again) and "a3" not in repr(again)
    no_refresh = Grant("a", None, now + dt.timedelta(days=3))
    assert no_refresh.lapses_at == no_refresh.expires_at
