"""Meta ad insights: `connect` + `sync` against the fake equal importing the same records as
the Ads Manager export, and the same account and day from both counts once."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.roi import roi
from tests.sync.conftest import config_dir as config_dir  # noqa: F401
from tests.sync.conftest import fake_meta as fake_meta  # noqa: F401 - the fixture

ACT = "act_1234567890"
HEADER = [
    "Reporting starts", "Reporting ends", "Day", "Account ID", "Account name", "Campaign name",
    "Campaign ID", "Ad set name", "Ad set ID", "Ad name", "Ad ID", "Platform", "Objective",
    "Currency", "Amount spent", "Impressions", "Reach", "Clicks (all)", "Link clicks",
    "Purchases", "Purchases conversion value",
]  # fmt: skip


def ads_manager_csv(records: list[dict]) -> bytes:
    """The records as Ads Manager's "Export table data" writes them (daily, ad level,
    Platform breakdown, Account ID and Currency columns)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    for r in records:
        purchases = next(
            (a["value"] for a in r.get("actions", []) if a["action_type"] == "omni_purchase"), ""
        )
        value = next(
            (a["value"] for a in r.get("action_values", []) if a["action_type"] == "omni_purchase"),
            "",
        )
        w.writerow([r["date_start"], r["date_stop"], r["date_start"], r["account_id"], r["account_name"],
                    r["campaign_name"], r["campaign_id"], r["adset_name"], r["adset_id"], r["ad_name"],
                    r["ad_id"], r["publisher_platform"], r["objective"], r["account_currency"], r["spend"],
                    r["impressions"], r["reach"], r["clicks"], r["inline_link_clicks"], purchases, value])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def _facts(ws: Workspace) -> pd.DataFrame:
    df = ws.table("ad_metrics").execute().drop(columns=["batch_id"])
    return df.sort_values(list(df.columns[:4])).reset_index(drop=True)


def _roi(ws: Workspace) -> pd.DataFrame:
    return roi(ws, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)


def test_connect_then_sync_equals_the_file_import(fake_meta, tmp_path):  # noqa: F811
    path = tmp_path / "Voltiq-Ads-Mar-1-2026-Mar-10-2026.csv"
    path.write_bytes(ads_manager_csv(fake_meta.insights["1234567890"]))
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "USD"]).exit_code == 0
    got = run(main, ["import", "-w", f, str(path), "--timezone", "Europe/Berlin"])
    assert got.exit_code == 0, got.output
    assert (
        run(main, ["connect", "meta", "-w", a, "--token", "good-token", "--account", ACT]).exit_code
        == 0
    )
    got = run(main, ["sync", "meta", "-w", a, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 0, got.output
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        pd.testing.assert_frame_equal(_facts(wf), _facts(wa))
        for t in ("accounts", "campaigns"):
            pd.testing.assert_frame_equal(
                wf.table(t).execute().drop(columns=["batch_id"], errors="ignore").sort_values(wf.table(t).columns[0]).reset_index(drop=True),
                wa.table(t).execute().drop(columns=["batch_id"], errors="ignore").sort_values(wa.table(t).columns[0]).reset_index(drop=True),
            )  # fmt: skip
        pd.testing.assert_frame_equal(_roi(wf), _roi(wa))
        assert _roi(wa)["true_cost"].iloc[-1] > 0


def test_the_same_days_from_a_file_and_the_api_count_once(fake_meta, tmp_path):  # noqa: F811
    # the file reports the same account and days at campaign level (other keys than the API's
    # ad-level rows): without superseding, spend would count twice
    recs = fake_meta.insights["1234567890"]
    df = pd.DataFrame(recs)
    df["spend"] = df["spend"].astype(float)
    camp = df.groupby(["date_start", "campaign_id", "publisher_platform"], as_index=False).agg(
        spend=("spend", "sum"),
        account_id=("account_id", "first"),
        campaign_name=("campaign_name", "first"),
    )
    rows = [
        [
            "Day",
            "Account ID",
            "Campaign name",
            "Campaign ID",
            "Platform",
            "Currency",
            "Amount spent",
        ]
    ]
    rows += [[r.date_start, r.account_id, r.campaign_name, r.campaign_id, r.publisher_platform, "EUR", f"{r.spend:.2f}"]
             for r in camp.itertuples()]  # fmt: skip
    path = tmp_path / "campaigns.csv"
    path.write_text("\n".join(",".join(map(str, r)) for r in rows))
    ws = Workspace.open(tmp_path / "ws.duckdb")
    ws.import_files([path], platform="meta", report="ads_manager")
    total = round(df["spend"].sum(), 2)
    assert (
        round(ws.store.raw.execute("SELECT sum(spend) FROM ad_metrics").fetchone()[0], 2) == total
    )
    ws.close()
    run = CliRunner().invoke
    w = str(tmp_path / "ws.duckdb")
    run(main, ["connect", "meta", "-w", w, "--token", "good-token", "--account", ACT])
    got = run(main, ["sync", "-w", w, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 0 and "file rows of the same days replaced" in got.output, got.output
    with Workspace.open(w) as ws:
        assert (
            round(ws.store.raw.execute("SELECT sum(spend) FROM ad_metrics").fetchone()[0], 2)
            == total
        )
        assert (
            ws.store.raw.execute("SELECT count(*) FROM ad_metrics WHERE ad_id IS NULL").fetchone()[
                0
            ]
            == 0
        )


def test_sync_prefers_files_when_told(fake_meta, tmp_path):  # noqa: F811
    recs = fake_meta.insights["1234567890"]
    first = [r for r in recs if r["date_start"] <= "2026-03-05"]
    path = tmp_path / "first-days.csv"
    path.write_bytes(ads_manager_csv([{**r, "spend": "1.00"} for r in first]))
    ws = Workspace.open(tmp_path / "ws.duckdb")
    ws.import_files([path])
    ws.close()
    run = CliRunner().invoke
    w = str(tmp_path / "ws.duckdb")
    run(main, ["connect", "meta", "-w", w, "--token", "good-token", "--account", ACT])
    got = run(
        main,
        ["sync", "-w", w, "--since", "2026-03-01", "--until", "2026-03-10", "--prefer", "files"],
    )
    assert got.exit_code == 0, got.output
    assert f"{len(first)} rows left to the files" in got.output
    with Workspace.open(w) as ws:
        early = ws.store.raw.execute(
            "SELECT sum(spend) FROM ad_metrics WHERE metric_date <= DATE '2026-03-05'"
        ).fetchone()[0]
        assert early == len(first) * 1.0
        assert ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone()[0] == len(recs)
    assert dt.date(2026, 3, 5)


def test_a_file_imported_after_a_sync_does_not_count_the_days_twice(fake_meta, tmp_path):  # noqa: F811
    run = CliRunner().invoke
    w = str(tmp_path / "ws.duckdb")
    run(main, ["connect", "meta", "-w", w, "--token", "good-token", "--account", ACT])
    got = run(main, ["sync", "-w", w, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 0, got.output
    recs = fake_meta.insights["1234567890"]
    total = round(sum(float(r["spend"]) for r in recs), 2)
    later = [
        {**r, "ad_id": str(int(r["ad_id"]) + 1000)} for r in recs if r["date_start"] <= "2026-03-03"
    ]
    path = tmp_path / "renamed-ads.csv"  # the same days under other ad ids: would count twice
    path.write_bytes(ads_manager_csv(later))
    got = run(main, ["import", "-w", w, str(path)])
    assert got.exit_code == 0 and "data-quality finding" in got.output, got.output
    with Workspace.open(w) as ws:
        assert (
            round(ws.store.raw.execute("SELECT sum(spend) FROM ad_metrics").fetchone()[0], 2)
            == total
        )
        kind = ws.store.raw.execute(
            "SELECT kind, rows FROM dq_findings WHERE kind = 'superseded_by_sync'"
        ).fetchall()
        assert kind == [("superseded_by_sync", len(later))]
