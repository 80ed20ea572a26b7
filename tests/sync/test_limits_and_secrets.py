"""Bounds of the HTTP layer (timeouts, body size) and where secrets go (keyring, file mode)."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import json
import sys
import types

import pytest

from socialroi import Workspace
from socialroi.errors import SocialroiError
from socialroi.sync import connect as connecting
from socialroi.sync.credentials import Credentials, Grant
from socialroi.sync.http import Limits, retry_after
from socialroi.sync.run import SyncOptions, sync

ACT = "act_1234567890"


def opts(**limits) -> SyncOptions:
    return SyncOptions(since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 10), today=dt.date(2026, 3, 10),
                       sleep=lambda s: None, limits=Limits(**{"max_attempts": 3, "backoff": 0.01, **limits}))  # fmt: skip


def test_a_timeout_is_retried(fake_meta, tmp_path):
    ws = Workspace.open(tmp_path / "ws.duckdb")
    connecting.connect_token(ws, "meta", "good-token", [ACT])
    fake_meta.fake.fault(r"/insights$", status=200, body={"data": []}, delay=1.5)
    [res] = sync(ws, ["meta"], opts(timeout=0.5))
    assert res.status == "ok", res.error and res.records == 120


def test_a_body_over_the_limit_is_refused_while_read(fake_meta, tmp_path):
    ws = Workspace.open(tmp_path / "ws.duckdb")
    connecting.connect_token(ws, "meta", "good-token", [ACT])
    [res] = sync(ws, ["meta"], opts(max_bytes=5_000))  # a page of 25 records is ~15 kB
    assert res.status == "failed" and "larger than" in res.error and "page 1" in res.error
    assert ws.store.count("ad_metrics") == 0


def test_retry_after_as_seconds_or_http_date():
    assert retry_after("7") == 7.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after("soon") is None


def test_a_retry_after_beyond_the_bound_ends_the_stream(fake_meta, tmp_path):
    ws = Workspace.open(tmp_path / "ws.duckdb")
    connecting.connect_token(ws, "meta", "good-token", [ACT])
    fake_meta.fake.fault(r"/insights$", status=429, headers={"Retry-After": "86400"})
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "failed" and "asks to wait 86400 s" in res.error


def test_tokens_go_to_the_keyring_when_asked(monkeypatch, tmp_path, config_dir):
    vault: dict[tuple[str, str], str] = {}
    fake = types.ModuleType("keyring")
    fake.__spec__ = importlib.machinery.ModuleSpec("keyring", None)
    fake.get_password = lambda s, k: vault.get((s, k))
    fake.set_password = lambda s, k, v: vault.__setitem__((s, k), v)
    fake.delete_password = lambda s, k: vault.pop((s, k))
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setenv("SOCIALROI_CREDENTIALS", "keyring")
    ws = Workspace.open(tmp_path / "ws.duckdb")
    conn = connecting.connect_token(ws, "meta", "secret-token", [ACT])
    assert not (config_dir / "credentials.json").exists()
    assert json.loads(vault[("socialroi", conn.credential_ref)])["access_token"] == "secret-token"
    connecting.disconnect(ws, "meta")
    assert vault == {}


def test_a_credentials_file_others_can_read_is_refused(config_dir):
    creds = Credentials()
    creds.put("ref", Grant("t"))
    (config_dir / "credentials.json").chmod(0o644)
    with pytest.raises(SocialroiError, match="can be read by other users"):
        creds.get("ref")
    assert "tok-9" not in repr(Grant("tok-9", "ref-9")) and "ref-9" not in str(
        Grant("tok-9", "ref-9")
    )
