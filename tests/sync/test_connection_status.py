"""What `socialroi connections`, the Connections page and /api/v1/connections say about a
connection: last good sync, next sync, the grant's lapse flagged a week ahead, the last error
in plain words."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync import schedule
from socialroi.sync.credentials import Grant
from socialroi.sync.run import sync
from tests.sync.test_meta_ads_sync import ACT, connected, opts

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def _with_grant(tmp_path, lapses_in: dt.timedelta) -> Workspace:
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency="EUR")
    grant = Grant("access-abcdef", "refresh-abcdef", NOW + dt.timedelta(hours=1),
                  refresh_expires_at=NOW + lapses_in)  # fmt: skip
    connecting.save(ws, "meta", grant, [ACT])
    return ws


def test_a_grant_lapsing_in_six_days_is_flagged_in_eight_not(tmp_path):
    ws = _with_grant(tmp_path, dt.timedelta(days=8))
    [row] = connecting.status(ws, now=NOW)
    assert row["grant_lapses"] == NOW + dt.timedelta(days=8) and row["lapsing"] is False
    ws.close()
    ws = _with_grant(tmp_path, dt.timedelta(days=6))
    [row] = connecting.status(ws, now=NOW)
    assert row["grant_lapses"] == NOW + dt.timedelta(days=6) and row["lapsing"] is True


def test_without_a_refresh_token_the_access_token_decides(tmp_path):
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency="EUR")
    connecting.save(ws, "meta", Grant("access-abcdef", None, NOW + dt.timedelta(days=5)), [ACT])
    [row] = connecting.status(ws, now=NOW)
    assert row["grant_lapses"] == NOW + dt.timedelta(days=5) and row["lapsing"]


def test_last_good_sync_next_sync_and_a_plain_error(fake_meta, tmp_path):
    ws = connected(tmp_path)
    [row] = connecting.status(ws)
    assert row["last_good_sync"] is None and row["next_sync"] is None and not row["lapsing"]
    sync(ws, ["meta"], opts())
    [row] = connecting.status(ws)
    good = row["last_good_sync"]
    assert good is not None and row["rows"] == 120 and row["health"] == "ok"
    # a later failure keeps the last good sync, and its message is one line without the token
    conns.set_health(ws.store, "meta", "failed", "meta/ad_insights: refused good-token\n  at x",
                     synced=True)  # fmt: skip
    at = dt.datetime(2026, 12, 7, 18, 3, tzinfo=dt.UTC)
    schedule.announce(ws.path, 6 * 3600, at)
    try:
        [row] = connecting.status(ws)
    finally:
        schedule.forget(ws.path)
    assert row["last_good_sync"] == good and row["health"] == "failed"
    assert row["last_error"] == "meta/ad_insights: refused [token] at x"
    assert row["next_sync"] == at


def test_the_command_line_lists_the_lapse_and_the_fix(tmp_path):
    ws = _with_grant(tmp_path, dt.timedelta(days=3))
    ws.close()
    got = CliRunner().invoke(main, ["connections", "-w", str(tmp_path / "ws.duckdb"),
                                    "--format", "csv"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "(soon: socialroi connect meta)" in got.output and "not scheduled" in got.output
    assert "refresh-abcdef" not in got.output


def test_rows_count_what_each_streams_last_good_sync_landed(fake_meta, tmp_path):
    """Organic streams (Instagram media and account days) count like the ads stream: the rows
    each stream's last landing inserted or updated; a sync that changes nothing keeps them."""
    from tests.sources.meta.test_api_organic import IG, fill

    fill(fake_meta)
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency="EUR")
    connecting.connect_token(ws, "meta", "good-token", [ACT, f"ig:{IG}"])
    first = sync(ws, ["meta"], opts())
    assert {r.status for r in first} == {"ok"}, [r.error for r in first]
    landed = {r.account: 0 for r in first}
    for r in first:
        landed[r.account] += r.new + r.changed
    rows = {r["account"]: r["rows"] for r in connecting.status(ws)}
    assert rows == landed and rows[ACT] == 120 and rows[f"ig:{IG}"] == 30 + 10
    assert sync(ws, ["meta"], opts())[0].status == "unchanged"
    assert {r["account"]: r["rows"] for r in connecting.status(ws)} == landed
    # a revision: the ads stream's last landing is one changed row, the organic one's stays
    fake_meta.insights["1234567890"][0]["spend"] = "999.00"
    fake_meta.ig[IG]["daily"][dt.date(2026, 3, 2)]["reach"] = 5
    again = {(r.account, r.stream): r for r in sync(ws, ["meta"], opts())}
    assert again[(ACT, "ad_insights")].changed == 1
    assert again[(f"ig:{IG}", "ig_account")].changed == 1
    assert again[(f"ig:{IG}", "ig_media")].status == "unchanged"
    rows = {r["account"]: r["rows"] for r in connecting.status(ws)}
    assert rows == {ACT: 1, f"ig:{IG}": 30 + 1}


def test_each_member_whose_own_consent_lapses_is_flagged_by_name(tmp_path, config_dir):
    """`linkedin_members`: every member consents for themself (`Auth.per_account`), so each
    member's own grant decides its flag, its token expiry and the command that renews it."""
    from socialroi.sync.credentials import Credentials, account_ref

    ws, now = Workspace.open(tmp_path / "ws.duckdb", base_currency="EUR"), dt.datetime.now(dt.UTC)
    soon, later = "member:Soon4Lapse1", "member:Later5Lapse"
    for member, days in ((soon, 3), (later, 200)):
        grant = Grant(f"tok-{member[7:]}", f"refresh-{member[7:]}", now + dt.timedelta(days=50 + days),
                      refresh_expires_at=now + dt.timedelta(days=days))  # fmt: skip
        connecting.save(ws, "linkedin_members", grant, [member])
    ref = conns.get_connection(ws.store, "linkedin_members").credential_ref
    assert Credentials().get(account_ref(ref, soon)).access_token == "tok-Soon4Lapse1"
    rows = {r["account"]: r for r in connecting.status(ws, now=now)}
    assert rows[soon]["lapsing"] and not rows[later]["lapsing"]
    assert rows[soon]["grant_lapses"] == now + dt.timedelta(days=3)
    assert rows[later]["token_expires"] == now + dt.timedelta(days=250)
    assert rows[soon]["renew"] == f"socialroi connect linkedin_members --account {soon}"
    ws.close()
    got = CliRunner().invoke(main, ["connections", "-w", str(tmp_path / "ws.duckdb"),
                                    "--format", "csv"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert f"(soon: socialroi connect linkedin_members --account {soon})" in got.output
    assert f"--account {later})" not in got.output
    assert "tok-" not in got.output and "refresh-" not in got.output
