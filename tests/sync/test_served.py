"""`connect` and `sync` while `socialroi serve` holds the workspace: sent to the server (no
lock error), the token saved by the command line and only its reference sent."""

from __future__ import annotations

import datetime as dt

from tests.deliver.cli.test_serve_shell import _cli, served  # noqa: F401 - the fixture
from tests.sync.conftest import fill

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


def test_sync_every_sends_each_run_to_the_server(
    served,  # noqa: F811
    fake_meta,
    config_dir,
    monkeypatch,
    capsys,
):
    """The loop stays in the shell (it is not sent whole: it would hold the server), each run
    is one `sync` the server runs under its write lock: no lock error, one line per run."""
    from socialroi.deliver.cli import schedule as loop
    from socialroi.sync import schedule

    path, _base, _token, _proc = served
    today = dt.datetime.now(dt.UTC).date()
    fill(fake_meta, days=[str(today - dt.timedelta(days=d)) for d in (3, 2, 1)])  # 36 records
    env = {"SOCIALROI_META_API_BASE": fake_meta.fake.base_url}
    r = _cli("connect", "meta", "-w", str(path), "--token", "good-token", "--account", ACT, env=env)
    assert r.returncode == 0, r.stderr
    real = schedule.run_every

    def two_runs(every, run, **kw):
        return real(every, run, **{**kw, "wait": lambda s: False, "runs": 2})

    monkeypatch.setattr(schedule, "run_every", two_runs)
    loop.keep(str(path), "6h", ["meta"])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2, out
    assert lines[0].endswith("UTC sync: 1 stream(s): 36 new, 0 changed, 0 unchanged rows; 0 failed")
    assert lines[1].endswith("1 stream(s): 0 new, 0 changed, 36 unchanged rows; 0 failed")
    assert err.count("through it") == 2 and "lock" not in err.lower()
    assert not schedule.schedule_file(path).exists()  # the loop ended: the schedule is gone
