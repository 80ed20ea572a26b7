"""`connect` and `sync` while `socialroi serve` holds the workspace: sent to the server (no
lock error), the token saved by the command line and only its reference sent."""

from __future__ import annotations

from tests.deliver.cli.test_serve_shell import _cli, served  # noqa: F401 - the fixture

ACT = "act_1234567890"


def test_connect_and_sync_run_through_the_server(served, fake_meta, config_dir):  # noqa: F811
    path, _base, _token, _proc = served
    env = {
        "SOCIALROI_META_API_BASE": fake_meta.fake.base_url,
        "SOCIALROI_CONFIG_DIR": str(config_dir),
    }
    r = _cli("connect", "meta", "-w", str(path), "--token", "good-token", "--account", ACT, env=env)
    assert r.returncode == 0, r.stderr
    assert "through it" in r.stderr and "meta connected: act_1234567890" in r.stdout
    assert "good-token" in (config_dir / "credentials.json").read_text()
    r = _cli("sync", "-w", str(path), "--since", "2026-03-01", "--until", "2026-03-10", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "120 new, 0 changed, 0 unchanged" in r.stdout
    r = _cli("connections", "-w", str(path), "--format", "csv", env=env)
    assert "meta,act_1234567890,ad_insights,2026-03-10" in r.stdout
