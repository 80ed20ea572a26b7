"""LinkedIn sync throughput against the fake, with importing the same figures as the export
files as the peer in the same run.

    python benchmarks/sync/linkedin.py --creatives 40 --days 365

- Ads: `creatives` x `days` creative-day rows synced from the fake's `adAnalytics` (31-day
  requests) against importing them as Campaign Manager's Ad performance report (UTF-16 CSV);
- Page: `days` of Page statistics and one post a day, synced, against importing the content,
  followers and visitors workbooks of the same figures.

The fake serves on loopback from this process; every measured command is a child process (the
CLI) that reports its own peak memory (see `sources.py`). Writes `benchmarks/sync/linkedin.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parents[1]), str(HERE.parents[1] / "src")]

from tests.fakes.linkedin import FakeLinkedIn, fill  # noqa: E402
from tests.fakes.server import FakeApi  # noqa: E402
from tests.sources.linkedin.exports import ad_report, page_exports  # noqa: E402

from sources import child, write_results  # noqa: E402

ORG, ADS = "2414183", "507404993"


def grow(li: FakeLinkedIn, creatives: int, days: list[str]) -> None:
    """More creatives than the test data, each with a row every day."""
    li.creatives[ADS] = [
        {"id": f"urn:li:sponsoredCreative:{900001 + k}", "name": f"Ad {k}",
         "campaign": f"urn:li:sponsoredCampaign:{600001 + k % 2}"}
        for k in range(creatives)
    ]  # fmt: skip
    li.analytics[ADS] = []
    for i, d in enumerate(days):
        y, m, dd = (int(x) for x in d.split("-"))
        for k in range(creatives):
            li.analytics[ADS].append({
                "pivotValues": [f"urn:li:sponsoredCreative:{900001 + k}"],
                "dateRange": {"start": {"year": y, "month": m, "day": dd},
                              "end": {"year": y, "month": m, "day": dd}},
                "impressions": 1000 + 7 * k + i % 50, "clicks": 10 + k % 9,
                "landingPageClicks": 8 + k % 5, "videoViews": 0,
                "externalWebsiteConversions": (i + k) % 3,
                "costInLocalCurrency": f"{12 + 0.25 * k + 0.01 * (i % 90):.2f}",
                "conversionValueInLocalCurrency": f"{((i + k) % 3) * 80.0:.1f}",
            })  # fmt: skip


def measure(label: str, files: list[Path], streams: list[str], account: str, since: str, until: str,
            env: dict[str, str], tmp: Path, rows: int) -> list[str]:  # fmt: skip
    f, a = str(tmp / f"{label}-files.duckdb"), str(tmp / f"{label}-api.duckdb")
    for w in (f, a):
        child(["init", "-w", w, "--base-currency", "EUR"], env)
    t_imp, m_imp, _ = child(["import", "-w", f, *map(str, files)], env)
    child(["connect", "linkedin", "-w", a, "--token", "good-token", "--account", account], env)
    sync = ["sync", "linkedin", "-w", a, "--since", since, "--until", until]
    sync += [x for s in streams for x in ("--stream", s)]
    t_sync, m_sync, _ = child(sync, env)
    t_again, m_again, out = child(sync, env)
    assert " 0 new, 0 changed" in out, out
    return [f"| {label} | {rows:,} | {t_sync:.1f} | {m_sync:.0f} | {t_imp:.1f} | {m_imp:.0f} | "
            f"{t_sync / t_imp:.2f} | {t_again:.1f} |"]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--creatives", type=int, default=40)
    ap.add_argument("--days", type=int, default=365)
    args = ap.parse_args()
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=args.days)
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range(args.days)]
    since, until = days[0], days[-1]
    lines = []
    with tempfile.TemporaryDirectory() as t, FakeApi() as fake:
        tmp = Path(t)
        env = {"SOCIALROI_LINKEDIN_API_BASE": fake.base_url,
               "SOCIALROI_CONFIG_DIR": str(tmp / "config")}  # fmt: skip
        li = FakeLinkedIn(fake)
        fill(li, days, ORG, ADS)
        grow(li, args.creatives, days)
        report = ad_report(li, ADS, tmp / "ad_performance_report.csv")
        lines += measure("ads (creative x day)", [report], ["ad_analytics"], f"ads:{ADS}",
                         since, until, env, tmp, len(li.analytics[ADS]))  # fmt: skip
        pages = page_exports(li, ORG, tmp)
        lines += measure("Page days + one post a day", pages, ["page_statistics", "page_posts"],
                         f"org:{ORG}", since, until, env, tmp, 2 * len(days))  # fmt: skip
    head = [
        "# LinkedIn sync against the fake, and importing the same figures as files",
        "",
        f"`python benchmarks/sync/linkedin.py --creatives {args.creatives} --days {args.days}`"
        f" on {os.cpu_count()} cores, {dt.date.today()}. Seconds and peak MB of the CLI process;"
        " the second sync of the same days reads everything and writes nothing.",
        "",
        "| what | rows | sync s | sync MB | import s | import MB | sync / import | 2nd sync s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    write_results(head + lines, HERE / "linkedin.md")


if __name__ == "__main__":
    main()
