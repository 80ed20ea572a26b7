"""Salesforce REST API (SOQL) synced against the fake: nextRecordsUrl paging, OAuth refresh with
the instance URL and rotation, faults, and `connect` + `sync` equal to importing the same
opportunities as the report export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.roi import roi
from socialroi.sources.api import get_connector
from socialroi.store import connections as conns
from socialroi.sync.run import sync
from tests.fakes.salesforce import FakeSalesforce
from tests.sources import api_kit
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

ORG = "voltiq.my.salesforce.com"
LA = ZoneInfo("America/Los_Angeles")


SRC = api_kit.SOURCES["salesforce"]
sf = SRC.fixture("sf")
opts, connected = SRC.opts, SRC.connected
SINCE, UNTIL = SRC.since, SRC.until


def _q(ws: Workspace, sql: str):
    return ws.store.raw.execute(sql).fetchall()


def test_soql_pages_by_next_records_url_and_lands_each_stream(sf, tmp_path):
    ws = connected(tmp_path)
    res = {r.stream: r for r in sync(ws, ["salesforce"], opts())}
    assert all(r.status == "ok" for r in res.values()), [r.error for r in res.values()]
    assert (res["opportunities"].records, res["leads"].records,
            res["campaign_members"].records) == (20, 25, 16)  # fmt: skip
    pages = [c.path for c in sf.fake.calls(r"/query") if "Opportunity" in c.query.get("q", "")
             or "/query/" in c.path]  # fmt: skip
    assert any(p.endswith("-8") for p in pages) and any(p.endswith("-16") for p in pages)
    assert all(c.bearer == "00D!good" for c in sf.fake.calls(r"/services/data/"))
    kinds = dict(_q(ws, "SELECT kind, count(*) FROM conversions GROUP BY 1"))
    assert kinds == {"opportunity": 20, "won": 8, "lead": 25}
    # won as the report's Won column says; the amount in the org's corporate currency
    won = _q(ws, "SELECT value, currency FROM conversions WHERE conversion_id = "
                 "'salesforce:0065g00000Opp001AAA:won'")  # fmt: skip
    assert won == [(5750.0, "USD")]
    # the created day is the org's (Los Angeles): 2026-03-02 05:30 UTC is March 1st there
    got = _q(ws, "SELECT local_date FROM conversions WHERE conversion_id = "
                 "'salesforce:0065g00000Opp001AAA:opportunity'")  # fmt: skip
    assert str(got[0][0]) == "2026-03-01"
    touches = _q(ws, "SELECT source, medium, campaign FROM touchpoints ORDER BY touch_id LIMIT 1")
    assert touches == [("email", "email", "Spring webinar")]


def test_the_lag_window_re_reads_modified_records(sf, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["salesforce"], opts())
    opp = sf.objects["Opportunity"][0]
    opp.update(StageName="Closed Won", IsWon=True, IsClosed=True,
               SystemModstamp="2026-04-01T09:00:00.000+0000")  # fmt: skip
    today = dt.date(2026, 4, 1)
    got = {r.stream: r for r in sync(ws, ["salesforce"], opts(since=None, until=today,
                                                                  today=today))}  # fmt: skip
    res = got["opportunities"]
    assert res.window == "2026-03-30..2026-04-01"  # 2 days of lag up to today
    assert res.records == 1 and res.new == 1  # the won conversion
    assert _q(ws, "SELECT count(*) FROM conversions WHERE kind = 'won'")[0][0] == 9


def test_refresh_takes_the_instance_url_and_persists_a_rotated_refresh_token(
    sf, tmp_path, config_dir,  # noqa: F811
):  # fmt: skip
    sf.rotate = True
    ws = connected(tmp_path, token="00D!stale", expires_in=60, refresh_token="5Aep-refresh",
                   client_id="3MVG9-consumer-key", client_secret="s3cret")  # fmt: skip
    got = sync(ws, ["salesforce"], opts())
    assert all(r.status == "ok" for r in got), [r.error for r in got]
    assert sf.refreshed == ["5Aep-refresh"]  # once: the new token lasts the session timeout
    assert all(c.bearer == "00D!renewed-1" for c in sf.fake.calls(r"/services/data/"))
    text = (config_dir / "credentials.json").read_text()
    assert "5Aep-rotated-1" in text and "5Aep-refresh" not in text
    assert "https://voltiq.my.salesforce.com" in text  # the instance URL, kept with the grant
    conn = conns.get_connection(ws.store, "salesforce")
    assert conn.token_expires_at is not None  # no expires_in: the 15-minute floor


def test_data_calls_go_to_the_instance_url(monkeypatch):
    monkeypatch.delenv("SOCIALROI_SALESFORCE_API_BASE", raising=False)
    c = get_connector("salesforce")
    assert c.data_base({"instance_url": "https://voltiq.my.salesforce.com"}) == (
        "https://voltiq.my.salesforce.com")  # fmt: skip
    assert c.base() == "https://login.salesforce.com"  # the token endpoint stays there
    with pytest.raises(Exception, match="instance_url"):
        c.data_base({})


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>", "not JSON"),
        ({"totalSize": 3, "done": True, "records": {"Id": 1}}, "no 'records' list"),
        ({"totalSize": 3, "done": False, "records": [], "nextRecordsUrl": "https://evil.example/x"},
         "nextRecordsUrl is not a query URL"),
    ],
)  # fmt: skip
def test_a_malformed_second_page_stores_nothing_of_the_stream(sf, tmp_path, body, says):
    ws = connected(tmp_path)
    sf.fake.fault(r"/query/01g0000-8$", status=200, body=body)  # opportunities, page 2
    got = {r.stream: r for r in sync(ws, ["salesforce"], opts())}
    res = got["opportunities"]
    assert res.status == "failed" and says in res.error, res.error
    assert "salesforce/opportunities" in res.error and "Nothing of this stream" in res.error
    assert got["leads"].status == "ok"
    assert _q(ws, "SELECT count(*) FROM conversions WHERE kind <> 'lead'")[0][0] == 0
    assert conns.cursor(ws.store, "salesforce", ORG, "opportunities") is None


def test_a_multi_currency_org_reads_each_amount_currency(sf, tmp_path):
    sf.multi_currency = True
    for n, o in enumerate(sf.objects["Opportunity"]):
        o["CurrencyIsoCode"] = "EUR" if n % 2 else "USD"
    ws = connected(tmp_path)
    sync(ws, ["salesforce"], opts())
    got = dict(_q(ws, "SELECT currency, count(*) FROM conversions WHERE kind = 'won' GROUP BY 1"))
    assert got == {"EUR": 4, "USD": 4}


def test_the_org_host_is_checked(tmp_path, config_dir):  # noqa: F811
    ws = Workspace.open(tmp_path / "ws.duckdb")
    with pytest.raises(Exception, match="My Domain"):
        api_kit.connected(tmp_path, "salesforce", "x", ["voltiq.example.com"])
    ws.close()


# -- the same opportunities as the report export ---------------------------------------------


def report_csv(sf: FakeSalesforce) -> str:
    """The opportunities as Reports > Export > Details Only writes them (English US: M/D/YYYY
    days in the org's time zone), with its footer."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount",
                "Created Date", "Close Date", "Lead Source", "Primary Campaign Source", "Won",
                "Closed", "Billing Country"])  # fmt: skip

    def us(day: dt.date) -> str:
        return f"{day.month}/{day.day}/{day.year}"

    for o in sf.objects["Opportunity"]:
        created = dt.datetime.strptime(o["CreatedDate"], "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(LA)
        w.writerow([o["Id"], o["Name"], o["Account.Name"], o["StageName"], f"{o['Amount']:.2f}",
                    us(created.date()), us(dt.date.fromisoformat(o["CloseDate"])),
                    o["LeadSource"] or "", o["Campaign.Name"] or "", int(o["IsWon"]),
                    int(o["IsClosed"]), o["Account.BillingCountry"]])  # fmt: skip
    w.writerow([])
    w.writerow(["Grand Totals (20 records)"])
    w.writerow(["Confidential Information - Do Not Distribute"])
    w.writerow(["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."])
    return out.getvalue()


def _opps(ws: Workspace) -> pd.DataFrame:
    df = ws.table("conversions").execute().drop(columns=["batch_id"])
    df = df[df["kind"] != "lead"]
    return df.sort_values("conversion_id").reset_index(drop=True)


def test_connect_then_sync_equals_the_file_import(sf, tmp_path, monkeypatch):
    path = tmp_path / "report1772900000000.csv"
    path.write_text(report_csv(sf))
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "EUR"]).exit_code == 0
    got = run(main, ["import", "-w", f, str(path), "--timezone", "America/Los_Angeles",
                     "--currency", "USD"])  # fmt: skip
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "salesforce", "-w", a, "--token", "00D!good", "--account", ORG])
    assert got.exit_code == 0, got.output
    # the report carries opportunities only: sync that stream (leads and campaign responses
    # are what the API adds)
    got = run(main, ["sync", "salesforce", "-w", a, "--stream", "opportunities", "--since",
                     "2026-03-01", "--until", "2026-03-31"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert f"salesforce/opportunities {ORG} 2026-03-01..2026-03-31: 28 new" in got.output
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        pd.testing.assert_frame_equal(_opps(wf), _opps(wa))
        r = [roi(w, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)
             for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*r)
        won = _opps(wa).query("kind == 'won'")
        assert len(won) == 8 and won["value_base"].sum() > 0


# -- Bulk API 2.0 for long windows -------------------------------------------------------------


def _all(ws: Workspace, table: str, key: str) -> pd.DataFrame:
    df = ws.table(table).execute().drop(columns=["batch_id"])
    return df.sort_values(key).reset_index(drop=True)


def test_a_long_window_reads_bulk_jobs_and_stores_what_rest_queries_store(
    sf, tmp_path, monkeypatch
):
    from socialroi.sources.salesforce import api as sf_api

    monkeypatch.setattr(sf_api, "BULK_PART", 7)  # results in parts of 7: the locator pages
    rest = connected(tmp_path)
    sync(rest, ["salesforce"], opts())
    (tmp_path / "b").mkdir()
    bulk = api_kit.connected(tmp_path / "b", "salesforce", "00D!good", [ORG])
    got = sync(bulk, ["salesforce"], opts(since=dt.date(2026, 1, 1)))
    assert all(r.status == "ok" for r in got), [r.error for r in got]
    assert len(sf.jobs) == 3  # one job per stream
    parts = [c.query.get("locator") for c in sf.fake.calls(r"/results$")]
    assert parts.count(None) == 3 and "7" in parts and "14" in parts
    for table, key in (("conversions", "conversion_id"), ("touchpoints", "touch_id")):
        pd.testing.assert_frame_equal(_all(rest, table, key), _all(bulk, table, key))


def test_a_failed_bulk_job_stores_nothing(sf, tmp_path):
    sf.fail_jobs = True
    ws = connected(tmp_path)
    got = sync(ws, ["salesforce"], opts(since=dt.date(2026, 1, 1)))
    assert all(r.status == "failed" for r in got)
    assert "ended Failed: InvalidBatch" in got[0].error
    assert _q(ws, "SELECT count(*) FROM conversions")[0][0] == 0


# -- a session that ends in the middle of a stream; a pasted token's instance ------------------


def test_a_session_that_ends_mid_stream_is_renewed_once_and_the_call_sent_again(sf, tmp_path):
    """Salesforce states no expiry: the session ends by inactivity timeout, and its calls answer
    401 INVALID_SESSION_ID. A refresh token renews it and the refused call goes again."""
    ws = connected(tmp_path, expires_in=7200, refresh_token="5Aep-refresh",
                   client_id="3MVG9-consumer-key")  # fmt: skip
    sf.session_calls = 3  # the second page of opportunities meets the timeout
    res = {r.stream: r for r in sync(ws, ["salesforce"], opts())}
    assert all(r.status == "ok" for r in res.values()), [r.error for r in res.values()]
    assert (res["opportunities"].records, res["leads"].records,
            res["campaign_members"].records) == (20, 25, 16)  # fmt: skip
    assert sf.refreshed == ["5Aep-refresh"] and len(sf.refused) == 1
    data = sf.fake.calls(r"/services/data/")
    i = next(n for n, c in enumerate(data) if c.path == sf.refused[0])
    assert data[i].bearer == "00D!good" and data[i + 1].path == data[i].path  # sent again
    assert all(c.bearer == "00D!renewed-1" for c in data[i + 1 :])
    # the renewed grant is kept: the next sync starts with it, and changes nothing
    again = sync(ws, ["salesforce"], opts())
    assert {r.status for r in again} == {"unchanged"} and sf.refreshed == ["5Aep-refresh"]


def test_a_session_that_cannot_be_renewed_ends_the_connection_with_the_fix(sf, tmp_path):
    ws = connected(tmp_path)  # a pasted token without a refresh token
    sf.session_calls = 3
    [res] = sync(ws, ["salesforce"], opts())  # the connection stops at its first stream
    assert res.stream == "opportunities" and res.status == "failed" and len(sf.refused) == 1
    assert "socialroi connect salesforce" in res.error and sf.refreshed == []
    assert conns.get_connection(ws.store, "salesforce").health == "expired"
    # a refresh the org refuses (the refresh token revoked) ends it the same way, once
    (tmp_path / "b").mkdir()
    ws = connected(tmp_path / "b", expires_in=7200, refresh_token="5Aep-revoked")
    sf.tokens.add("00D!good")
    sf.session_calls = 1
    got = sync(ws, ["salesforce"], opts())
    assert got[-1].status == "failed" and "socialroi connect salesforce" in got[-1].error
    assert len([c for c in sf.fake.calls(r"/services/oauth2/token")]) == 1


def test_a_pasted_token_goes_to_the_orgs_instance(sf, tmp_path, monkeypatch, config_dir):  # noqa: F811
    """`sf org display` gives an access token and its Instance Url: `connect --token` keeps the
    instance (named, or the org's My Domain host) as a consent's token response would."""
    from socialroi.sync.credentials import Credentials

    w = str(tmp_path / "ws.duckdb")
    run = CliRunner().invoke
    got = run(main, ["connect", "salesforce", "-w", w, "--token", "00D!good", "--account", ORG])
    assert got.exit_code == 0, got.output
    [grant] = Credentials()._read().values()
    assert grant["extra"]["instance_url"] == "https://voltiq.my.salesforce.com"
    got = run(main, ["connect", "salesforce", "-w", w, "--token", "00D!good", "--account", ORG,
                     "--instance-url", "https://VOLTIQ.my.salesforce.com/"])  # fmt: skip
    assert got.exit_code == 0, got.output
    [grant] = Credentials()._read().values()
    assert grant["extra"]["instance_url"] == "https://voltiq.my.salesforce.com"
    monkeypatch.delenv("SOCIALROI_SALESFORCE_API_BASE")
    c = get_connector("salesforce")
    assert c.data_base(grant["extra"]) == "https://voltiq.my.salesforce.com"
    # never another host, nor plain http; not on a consent, not for other sources
    for bad in ("https://evil.example", "http://voltiq.my.salesforce.com",
                "https://voltiq.my.salesforce.com.evil.example/x"):  # fmt: skip
        got = run(main, ["connect", "salesforce", "-w", w, "--token", "00D!good", "--account",
                         ORG, "--instance-url", bad])  # fmt: skip
        assert got.exit_code != 0 and "not a Salesforce instance" in got.output, bad
    got = run(main, ["connect", "salesforce", "-w", w, "--account", ORG, "--client-id", "x",
                     "--instance-url", "https://voltiq.my.salesforce.com"])  # fmt: skip
    assert got.exit_code != 0 and "--instance-url goes with --token" in got.output
    got = run(main, ["connect", "hubspot", "-w", w, "--token", "pat-1", "--account", "1234567",
                     "--instance-url", "https://voltiq.my.salesforce.com"])  # fmt: skip
    assert got.exit_code != 0 and "hubspot takes no --instance-url" in got.output


def test_a_datetime_that_does_not_exist_fails_the_stream_with_its_record(sf, tmp_path):
    """An API answer is untrusted text: a CreatedDate of 2026-02-30 fails the opportunities
    stream with the record's field and value (it used to end in "day is out of range"), and
    nothing of the stream is stored."""
    sf.objects["Opportunity"][2]["CreatedDate"] = "2026-02-30T10:30:00.000+0000"
    ws = connected(tmp_path)
    got = {r.stream: r for r in sync(ws, ["salesforce"], opts())}
    res = got["opportunities"]
    assert res.status == "failed", res
    assert "not a datetime" in res.error and "2026-02-30T10:30:00.000+0000" in res.error
    assert "CreatedDate" in res.error, res.error
    assert _q(ws, "SELECT count(*) FROM conversions WHERE kind <> 'lead'")[0][0] == 0
