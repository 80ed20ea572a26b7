"""HubSpot CRM v3 synced against the fake: search paging past the 10,000 cap, pipelines and
won stages, associations, tokens and faults, and `connect` + `sync` equal to importing the same
deals and contacts as the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.roi import roi
from socialroi.sources.hubspot import api as hubspot_api
from socialroi.store import connections as conns
from socialroi.sync.run import sync
from tests.fakes.hubspot import FakeHubspot
from tests.sources import api_kit
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

PORTAL = "2468135"
NY = ZoneInfo("America/New_York")


SRC = api_kit.SOURCES["hubspot"]
hs = SRC.fixture("hs")
opts, connected = SRC.opts, SRC.connected
SINCE, UNTIL = SRC.since, SRC.until


def _rows(ws: Workspace, where: str = "") -> list[tuple]:
    return ws.store.raw.execute(
        f"SELECT conversion_id, kind, value, currency FROM conversions {where} ORDER BY 1"
    ).fetchall()


def test_deals_and_contacts_land_with_won_decided_by_hubspot(hs, tmp_path):
    ws = connected(tmp_path)
    res = {r.stream: r for r in sync(ws, ["hubspot"], opts())}
    assert res["deals"].status == "ok", res["deals"].error
    assert res["contacts"].status == "ok", res["contacts"].error
    won = {r[0] for r in _rows(ws, "WHERE kind = 'won'")}
    want = {f"hubspot:deal-{d['hs_object_id']}:won" for d in hs.objects["deals"].values()
            if d["hs_is_closed_won"] == "true"}  # fmt: skip
    assert won == want and len(want) == 9
    # the custom won stage of the Enterprise pipeline counts as won
    assert any(hs.objects["deals"][w.split("-")[1].split(":")[0]]["dealstage"] == "1100002"
               for w in won)  # fmt: skip
    assert len(_rows(ws, "WHERE kind = 'opportunity'")) == 24
    kinds = dict(ws.store.raw.execute(
        "SELECT kind, count(*) FROM conversions WHERE conversion_id LIKE 'hubspot:contact-%' "
        "GROUP BY 1").fetchall())  # fmt: skip
    assert kinds == {"lead": 30, "mql": 15, "sql": 8}
    # associations: the first contact is the user, the primary company the customer
    got = ws.store.raw.execute(
        "SELECT user_id, customer_id, email_hash IS NOT NULL FROM conversions "
        "WHERE conversion_id = 'hubspot:deal-8801:opportunity'"
    ).fetchone()
    assert got == ("hubspot:contact:5001", "hubspot:company:acme 0", True)
    # times are UTC, local days the portal's (New York)
    got = ws.store.raw.execute(
        "SELECT occurred_at, local_date FROM conversions "
        "WHERE conversion_id = 'hubspot:contact-5001:lead'"
    ).fetchone()
    assert str(got[1]) == "2026-03-01"
    searches = hs.fake.calls(r"/search$")
    assert all(c.bearer == "pat-na1-good" for c in searches)


def test_search_pages_to_the_last_page(hs, tmp_path, monkeypatch):
    monkeypatch.setattr(hubspot_api, "SEARCH_LIMIT", 7)
    ws = connected(tmp_path)
    [deals, contacts] = sync(ws, ["hubspot"], opts())
    assert deals.status == contacts.status == "ok"
    afters = [json.loads(c.body).get("after") for c in hs.fake.calls(r"deals/search$")]
    assert afters == [None, "7", "14", "21"]  # 24 deals, 7 a page
    assert deals.records == 24


def test_the_10000_result_cap_is_passed_by_querying_again(hs, tmp_path, monkeypatch):
    # the fake refuses to page past `cap` results of one query, as HubSpot does at 10,000
    hs.cap = 10
    monkeypatch.setattr(hubspot_api, "SEARCH_CAP", 10)
    monkeypatch.setattr(hubspot_api, "SEARCH_LIMIT", 4)
    ws = connected(tmp_path)
    [deals, contacts] = sync(ws, ["hubspot"], opts())
    assert deals.status == "ok", deals.error
    assert contacts.status == "ok", contacts.error
    assert deals.records == 24 and contacts.records == 30
    bodies = [json.loads(c.body) for c in hs.fake.calls(r"deals/search$")]
    lows = {b["filterGroups"][0]["filters"][0]["value"] for b in bodies}
    assert len(lows) > 2  # several queries, each from the last modification time read
    assert all(int(b.get("after") or 0) + b["limit"] <= 10 for b in bodies)


def test_the_lag_window_re_reads_recently_modified_deals(hs, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["hubspot"], opts())
    # a deal is won later: HubSpot moves its stage and its modification time
    d = hs.objects["deals"]["8801"]
    d.update(dealstage="closedwon", hs_is_closed_won="true", hs_is_closed="true",
             hs_lastmodifieddate="2026-04-01T09:00:00.000Z")  # fmt: skip
    today = dt.date(2026, 4, 1)
    deals, _ = sync(ws, ["hubspot"], opts(since=None, until=today, today=today))
    assert deals.window == "2026-03-30..2026-04-01"  # 2 days of lag up to today
    assert deals.records == 1 and (deals.new, deals.changed) == (1, 0)
    assert _rows(ws, "WHERE conversion_id = 'hubspot:deal-8801:won'")
    assert conns.cursor(ws.store, "hubspot", PORTAL, "deals") == today


def test_an_expired_token_is_refreshed_and_the_rotated_refresh_token_persisted(
    hs, tmp_path, config_dir,  # noqa: F811
):  # fmt: skip
    hs.rotate = True
    ws = connected(tmp_path, token="stale", expires_in=60, refresh_token="rt-1",
                   client_id="app-id", client_secret="s3cret")  # fmt: skip
    got = sync(ws, ["hubspot"], opts())
    assert all(r.status == "ok" for r in got), [r.error for r in got]
    assert hs.refreshed == ["rt-1"]
    assert all(c.bearer == "access-1" for c in hs.fake.calls(r"/search$"))
    text = (config_dir / "credentials.json").read_text()
    assert "rt-2" in text and "rt-1" not in text and "access-1" in text
    # the next sync (token still fresh) uses what was saved, no refresh
    sync(ws, ["hubspot"], opts())
    assert hs.refreshed == ["rt-1"]


@pytest.mark.parametrize(
    ("pattern", "body", "says"),
    [
        (r"deals/search$", b"<html>", "not JSON"),
        (r"deals/search$", {"results": {"id": 1}}, "no 'results' list"),
        (r"deals/search$", {"results": [{"id": "1"}]}, "no id and properties"),
        (r"contacts/batch/read$", {"status": "COMPLETE"}, "no 'results' list"),
    ],
)
def test_a_malformed_page_stores_nothing_of_the_stream(hs, tmp_path, pattern, body, says):
    ws = connected(tmp_path)
    hs.fake.fault(pattern, status=200, body=body)
    deals, contacts = sync(ws, ["hubspot"], opts())
    assert deals.status == "failed" and says in deals.error, deals.error
    assert "hubspot/deals" in deals.error and "Nothing of this stream" in deals.error
    assert contacts.status == "ok"  # the other stream still runs
    assert not _rows(ws, "WHERE conversion_id LIKE 'hubspot:deal-%'")
    assert conns.cursor(ws.store, "hubspot", PORTAL, "deals") is None


def test_a_token_of_another_portal_is_refused(hs, tmp_path):
    hs.details["portalId"] = 999
    ws = connected(tmp_path)
    deals, contacts = sync(ws, ["hubspot"], opts())
    assert deals.status == "failed" and "belongs to portal 999" in deals.error


# -- the same records as files ---------------------------------------------------------------


def _local(value: str | None) -> str:
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(NY)
    return when.strftime("%Y-%m-%d %H:%M")


def deals_csv(hs: FakeHubspot) -> str:
    """The deals as Deals > Export view writes them (times in the portal's time zone, stage
    labels, associated contact as 'Name (email)', Is Closed Won added to the view)."""
    stage = {(p["id"], s["id"]): s["label"] for p in hs_pipelines() for s in p["stages"]}
    pipe = {p["id"]: p["label"] for p in hs_pipelines()}
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Currency",
                "Create Date", "Close Date", "Associated Contact", "Associated Contact IDs",
                "Associated Company", "Is Closed Won", "Is Deal Closed?"])  # fmt: skip
    for did, d in hs.objects["deals"].items():
        cids = sorted(hs.assoc["contacts"][did])
        first = hs.objects["contacts"][str(cids[0])]
        company = hs.objects["companies"][str(hs.assoc["companies"][did][0])]["name"]
        w.writerow([did, d["dealname"], stage[(d["pipeline"], d["dealstage"])],
                    pipe[d["pipeline"]], d["amount"], d["deal_currency_code"],
                    _local(d["createdate"]), _local(d["closedate"]),
                    f"Buyer ({first['email']})", ";".join(map(str, cids)), company,
                    d["hs_is_closed_won"], d["hs_is_closed"]])  # fmt: skip
    return out.getvalue()


def hs_pipelines() -> list[dict]:
    from tests.fakes.hubspot import PIPELINES

    return PIPELINES


def contacts_csv(hs: FakeHubspot) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Record ID", "First Name", "Email", "Company Name", "Country/Region",
                "Became a Lead Date", "Became a Marketing Qualified Lead Date",
                "Became a Sales Qualified Lead Date", "Became an Opportunity Date",
                "Original Source", "Original Source Drill-Down 1",
                "Original Source Drill-Down 2"])  # fmt: skip
    for cid, c in hs.objects["contacts"].items():
        w.writerow([cid, "Buyer", c["email"], c["company"], c["country"],
                    _local(c.get("hs_lifecyclestage_lead_date")),
                    _local(c.get("hs_lifecyclestage_marketingqualifiedlead_date")),
                    _local(c.get("hs_lifecyclestage_salesqualifiedlead_date")), "",
                    c["hs_analytics_source"], c["hs_analytics_source_data_1"],
                    c["hs_analytics_source_data_2"]])  # fmt: skip
    return out.getvalue()


def _conversions(ws: Workspace) -> pd.DataFrame:
    df = ws.table("conversions").execute().drop(columns=["batch_id"])
    return df.sort_values("conversion_id").reset_index(drop=True)


def test_connect_then_sync_equals_the_file_import(hs, tmp_path):
    (tmp_path / "hubspot-crm-exports-deals-2026-03-31.csv").write_text(deals_csv(hs))
    (tmp_path / "hubspot-crm-exports-contacts-2026-03-31.csv").write_text(contacts_csv(hs))
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "USD"]).exit_code == 0
    got = run(main, ["import", "-w", f, "--timezone", "America/New_York", "--currency", "USD",
                     str(tmp_path / "hubspot-crm-exports-deals-2026-03-31.csv"),
                     str(tmp_path / "hubspot-crm-exports-contacts-2026-03-31.csv")])  # fmt: skip
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "hubspot", "-w", a, "--token", "pat-na1-good",
                     "--account", PORTAL])  # fmt: skip
    assert got.exit_code == 0, got.output
    got = run(main, ["sync", "hubspot", "-w", a, "--since", "2026-03-01", "--until",
                     "2026-03-31"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "hubspot/deals 2468135 2026-03-01..2026-03-31: 33 new" in got.output
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        pd.testing.assert_frame_equal(_conversions(wf), _conversions(wa))
        r = [roi(w, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)
             for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*r)
        won = _conversions(wa).query("kind == 'won'")
        assert len(won) == 9 and won["value_base"].sum() > 0
