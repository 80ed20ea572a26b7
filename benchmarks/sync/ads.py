"""Sync throughput of the Google Ads and Pinterest connectors against their fakes, with
importing the same rows as the export files as the peer in the same run.

    python benchmarks/sync/ads.py --google-ads 300 --pinterest-ads 250 --days 80

Google Ads: `--google-ads` ads (a Video campaign's among them) x `--days` days through GAQL
searchStream (31-day windows, batches of 10,000 rows), against the web interface's Ad report
download. Pinterest: `--pinterest-ads` ads x `--days` days of ad analytics (250 ads a call, one
90-day window), against the Ads Manager export. Days end yesterday (Pinterest keeps 90 days and
the command line syncs up to today). Uses `child` / `measure` of `sources.py` (each command a
child process reporting its own peak memory). Writes `benchmarks/sync/ads.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(HERE)]

from tests.fakes.google_ads import FakeGoogleAds  # noqa: E402
from tests.fakes.pinterest import FakePinterest  # noqa: E402
from tests.fakes.server import FakeApi  # noqa: E402
from tests.sources.google_ads.test_api import report_csv  # noqa: E402
from tests.sources.pinterest.test_api import ads_csv  # noqa: E402

from sources import child, measure, result_table, write_results  # noqa: E402

CID, ACT = "1234567890", "549755885175"


def google_rows(g: FakeGoogleAds, ads: int, days: list[str]) -> None:
    g.add_customer(CID)
    for a in range(ads):
        camp = 1000 + a // 20
        kind = "VIDEO" if camp % 5 == 0 else "SEARCH"
        for i, day in enumerate(days):
            impr = 500 + (a * 37 + i * 11) % 900
            g.ads[CID].append(
                {"date": day, "campaign_id": str(camp), "campaign": f"Campaign {camp}",
                 "type": kind, "ad_group_id": str(5000 + a // 5), "ad_group": f"Group {a // 5}",
                 "ad_id": str(90000 + a), "ad": None, "cost": (300 + (a + i) % 700) * 10_000,
                 "impr": impr, "clicks": impr // 30, "views": impr // 3 if kind == "VIDEO" else 0,
                 "conv": float((a + i) % 3), "value": float((a + i) % 3) * 25.0})  # fmt: skip


def pinterest_rows(p: FakePinterest, ads: int, days: list[str]) -> None:
    p.ad_accounts[ACT] = {"id": ACT, "name": "Voltiq US Ads", "currency": "USD"}
    p.ads[ACT], p.ad_rows[ACT] = [], []
    for a in range(ads):
        ad, camp, group = f"687{a:09d}", f"626{a // 25:09d}", f"268{a // 5:09d}"
        p.ads[ACT].append({"id": ad, "ad_group_id": group, "campaign_id": camp})
        for i, d in enumerate(days):
            p.ad_rows[ACT].append(
                {"AD_ID": ad, "DATE": d, "CAMPAIGN_ID": camp, "CAMPAIGN_NAME": f"Spring {a // 25}",
                 "CAMPAIGN_OBJECTIVE_TYPE": "CONSIDERATION", "AD_GROUP_ID": group,
                 "AD_GROUP_NAME": f"Group {a // 5}", "AD_NAME": f"Pin {a}",
                 "SPEND_IN_MICRO_DOLLAR": (400 + (a + i) % 900) * 10_000,
                 "PAID_IMPRESSION": 1000 + (a * 7 + i) % 500, "CLICKTHROUGH_1": 30 + (a + i) % 20,
                 "OUTBOUND_CLICK_1": 10 + a % 7, "VIDEO_MRC_VIEWS_1": None,
                 "TOTAL_CONVERSIONS": (a + i) % 3,
                 "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": ((a + i) % 3) * 30_000_000})  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--google-ads", type=int, default=300)
    ap.add_argument("--pinterest-ads", type=int, default=250)
    ap.add_argument("--days", type=int, default=80)
    ap.add_argument("--results", default=str(HERE / "ads.md"))
    args = ap.parse_args(argv)
    until = dt.date.today() - dt.timedelta(days=1)
    days = [(until - dt.timedelta(days=args.days - 1 - i)).isoformat() for i in range(args.days)]
    span = ["--since", days[0], "--until", days[-1]]
    work = Path(tempfile.mkdtemp(prefix="socialroi-sync-ads-"))
    cfg = {"SOCIALROI_CONFIG_DIR": str(work / "cfg")}
    boot = child(["init", "-w", str(work / "empty.duckdb")], cfg)  # start-up and an empty file
    out = []
    with FakeApi() as fake:
        env = {**cfg, "SOCIALROI_GOOGLE_ADS_API_BASE": fake.base_url,
               "SOCIALROI_PINTEREST_API_BASE": fake.base_url,
               "SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN": "dev-token-1"}  # fmt: skip
        g = FakeGoogleAds(fake)
        google_rows(g, args.google_ads, days)
        for name in ("google_ads", "pinterest"):  # the import's workspace exists, as the sync's
            child(["init", "-w", str(work / f"{name}-files.duckdb")], cfg)
        f = work / "Ad report.csv"
        f.write_text(report_csv("Ad report", g.ads[CID], ads=True))
        out.append(measure(work, "google_ads", env, ["google_ads", "--token", "ya29.good",
                                                     "--account", "123-456-7890"],
                           ["google_ads", *span], [f], ["--timezone", "America/New_York"],
                           len(g.ads[CID])))  # fmt: skip
        fake.routes.clear()
        p = FakePinterest(fake)
        pinterest_rows(p, args.pinterest_ads, days)
        f = work / f"pinterest_ads_report_{days[0]}_{days[-1]}.csv"
        f.write_text(ads_csv(p.ad_rows[ACT]))
        out.append(measure(work, "pinterest", env, ["pinterest", "--token", "pina_good",
                                                    "--account", f"ads:{ACT}"],
                           ["pinterest", *span], [f], [], len(p.ad_rows[ACT])))  # fmt: skip
    lines = [
        "# Sync benchmark: Google Ads and Pinterest ad analytics",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores (shared with other work), {args.days} days. Start-up of a "
        f"command (`socialroi init`): {boot[0]:.1f} s, {boot[1]:,.0f} MB; *net* subtracts it.",
        "",
        *result_table(out, boot, "rows"),
    ]
    return write_results(lines, args.results)


if __name__ == "__main__":
    raise SystemExit(main())
