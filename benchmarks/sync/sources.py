"""Sync throughput per source (GA4, HubSpot, Shopify, Salesforce) against their fakes, with
importing the same records as the file export as the peer in the same run, and the memory of
a GA4 backfill of a million rows.

    python benchmarks/sync/sources.py --ga4-rows 100000 --deals 20000 --orders 10000 \
        --opportunities 20000 --backfill-rows 1000000

Each fake serves on loopback from this process (the GA4 fake computes its rows from their index,
so a million rows cost the benchmark nothing); every measured command is a child process
(the CLI run by `runpy`) that reports its own peak memory (VmHWM) when it exits.
Writes `benchmarks/sync/sources.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.fakes import hubspot as hs_fake  # noqa: E402
from tests.fakes import salesforce as sf_fake  # noqa: E402
from tests.fakes import shopify as shop_fake  # noqa: E402
from tests.fakes.ga4 import DIMS, METS, FakeGa4  # noqa: E402
from tests.fakes.server import FakeApi, Reply, Request  # noqa: E402
from tests.sources.ga4.test_api import report_csv  # noqa: E402
from tests.sources.hubspot.test_api import contacts_csv, deals_csv  # noqa: E402
from tests.sources.salesforce.test_api import report_csv as sf_report_csv  # noqa: E402
from tests.sources.shopify.test_api import orders_csv  # noqa: E402

# The child reports its own peak: VmHWM of /proc/self/status is the high-water mark of the
# process's own memory map. (`wait4`'s ru_maxrss is not: Linux carries the forking parent's
# peak across exec into it, so a child of a big benchmark process would report the parent's.)
PEAK = (
    "import atexit, runpy, sys\n"
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            print('VmHWM-kB', line.split()[1], file=sys.stderr, flush=True)\n"
    "atexit.register(peak)\n"
    "sys.argv = ['socialroi', *sys.argv[1:]]\n"
    "runpy.run_module('socialroi.deliver.cli.main', run_name='__main__')\n"
)


def child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak MB of the command's own process, output) of one CLI command."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    kb = [int(x.split()[1]) for x in proc.stderr.splitlines() if x.startswith("VmHWM-kB")]
    return secs, (kb[-1] / 1024 if kb else float("nan")), proc.stdout


SOURCES = ("facebook", "instagram", "tiktok", "google", "(direct)", "linkedin", "pinterest",
           "youtube")  # fmt: skip
COUNTRIES = ("United States", "Germany", "Mexico", "Singapore", "Brazil")
START = dt.date(2026, 1, 1)


class IndexedGa4(FakeGa4):
    """GA4 rows computed from their index: `per_day` rows a day from START (campaigns x
    sources x countries), none held in memory."""

    def __init__(self, fake: FakeApi, per_day: int, days: int) -> None:
        super().__init__(fake)
        self.per_day, self.days = per_day, days
        self.add_property("123456789")

    def row(self, i: int) -> dict[str, str]:
        day = START + dt.timedelta(days=i // self.per_day)
        k = i % self.per_day
        s = SOURCES[k % len(SOURCES)]
        c = COUNTRIES[(k // len(SOURCES)) % len(COUNTRIES)]
        camp = f"campaign-{k // (len(SOURCES) * len(COUNTRIES))}"
        return {"date": f"{day:%Y%m%d}", "sessionSource": s, "sessionMedium": "paid_social",
                "sessionCampaignName": camp, "sessionDefaultChannelGroup": "Paid Social",
                "country": c, "sessions": str(10 + i % 97), "engagedSessions": str(5 + i % 41),
                "keyEvents": str(i % 5), "totalRevenue": f"{(i % 13) * 7.5:.2f}"}  # fmt: skip

    def _report(self, req: Request) -> Reply | dict:
        body = json.loads(req.body)
        rng = body["dateRanges"][0]
        lo = (dt.date.fromisoformat(rng["startDate"]) - START).days
        hi = (dt.date.fromisoformat(rng["endDate"]) - START).days
        first, last = max(lo, 0) * self.per_day, min(hi + 1, self.days) * self.per_day
        total = max(0, last - first)
        off, limit = int(body.get("offset", 0)), int(body["limit"])
        rows = [self.row(first + j) for j in range(off, min(off + limit, total))]
        shaped = [{"dimensionValues": [{"value": r[d]} for d in DIMS],
                   "metricValues": [{"value": r[m]} for m in METS]} for r in rows]  # fmt: skip
        return {"dimensionHeaders": [{"name": d} for d in DIMS],
                "metricHeaders": [{"name": m} for m in METS], "rowCount": total,
                "metadata": {"currencyCode": "USD", "timeZone": "America/New_York"},
                "rows": shaped}  # fmt: skip


def measure(work: Path, name: str, env: dict, connect: list[str], span: list[str],
            files: list[Path], import_opts: list[str], n: int) -> dict:  # fmt: skip
    ws = str(work / f"{name}.duckdb")
    child(["connect", *connect[:1], "-w", ws, *connect[1:]], env)
    first = child(["sync", "-w", ws, *span], env)
    second = child(["sync", "-w", ws, *span], env)
    assert " 0 new, 0 changed" in second[2], second[2]
    imp = child(["import", "-w", str(work / f"{name}-files.duckdb"), *import_opts,
                 *map(str, files)], env) if files else None  # fmt: skip
    print(
        f"{name}: {n:,} records, first sync {first[0]:.1f} s / {first[1]:,.0f} MB, second "
        f"{second[0]:.1f} s, file import {imp[0] if imp else 0:.1f} s",
        flush=True,
    )
    return {"name": name, "n": n, "first": first, "second": second, "import": imp}


def result_table(out: list[dict], boot: tuple, what: str = "records") -> list[str]:
    """The Markdown table of `measure` results: times, net `what`/s (a command's start-up
    `boot` subtracted), peaks, and the sync's time over the import's (raw and net)."""
    lines = [
        f"| source | {what} | first sync s | net {what}/s | peak MB | second sync s "
        f"(0 changed) | file import s | net {what}/s | peak MB | sync / file time | (net) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in out:
        first, second, imp = r["first"], r["second"], r["import"]
        s_net, i_net = max(first[0] - boot[0], 0.01), max(imp[0] - boot[0], 0.01)
        lines.append(
            f"| {r['name']} | {r['n']:,} | {first[0]:.1f} | {r['n'] / s_net:,.0f} | "
            f"{first[1]:,.0f} | {second[0]:.1f} | {imp[0]:.1f} | {r['n'] / i_net:,.0f} | "
            f"{imp[1]:,.0f} | {first[0] / imp[0]:.2f} | {s_net / i_net:.2f} |"
        )
    return lines


def write_results(lines: list[str], path: str | Path) -> int:
    """The results page of a sync benchmark: printed, and written to `path` (Markdown, one
    newline at the end); returns the exit code (0)."""
    text = "\n".join(lines).rstrip("\n") + "\n"
    print(text)
    Path(path).write_text(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ga4-rows", type=int, default=100_000)
    ap.add_argument("--deals", type=int, default=20_000)
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--opportunities", type=int, default=20_000)
    ap.add_argument("--backfill-rows", type=int, default=1_000_000)
    ap.add_argument("--results", default=str(HERE / "sources.md"))
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="socialroi-sync-sources-"))
    cfg = {"SOCIALROI_CONFIG_DIR": str(work / "cfg")}
    boot = child(["init", "-w", str(work / "empty.duckdb")], cfg)  # start-up and an empty file
    out = []
    with FakeApi() as fake:
        env = {**cfg, **{f"SOCIALROI_{s}_API_BASE": fake.base_url
                         for s in ("GA4", "HUBSPOT", "SHOPIFY", "SALESFORCE")}}  # fmt: skip
        # GA4: per_day rows a day over 100 days
        per_day = max(1, args.ga4_rows // 100)
        g = IndexedGa4(fake, per_day, 100)
        until = START + dt.timedelta(days=99)
        span = ["--since", START.isoformat(), "--until", until.isoformat()]
        f = work / "ga4.csv"
        rows = [g.row(i) for i in range(per_day * 100)]
        f.write_text(report_csv(rows).replace("20260301", f"{START:%Y%m%d}"))
        del rows
        out.append(measure(work, "ga4", env, ["ga4", "--token", "ya29.good", "--account",
                                              "123456789"], ["ga4", *span], [f],
                           ["--currency", "USD"], per_day * 100))  # fmt: skip
        fake.routes.clear()
        # HubSpot
        h = hs_fake.FakeHubspot(fake)
        hs_fake.fill(h, deals=args.deals, contacts=args.deals, spread=24 / args.deals)
        for w, t in (("deals", deals_csv(h)), ("contacts", contacts_csv(h))):
            (work / f"hubspot-{w}.csv").write_text(t)
        span = ["--since", "2026-01-01", "--until", "2026-12-31"]
        out.append(measure(work, "hubspot", env, ["hubspot", "--token", "pat-na1-good",
                                                  "--account", h.portal], ["hubspot", *span],
                           [work / "hubspot-deals.csv", work / "hubspot-contacts.csv"],
                           ["--timezone", "America/New_York", "--currency", "USD"],
                           args.deals * 2))  # fmt: skip
        fake.routes.clear()
        # Shopify: a long window, so one bulk operation
        s = shop_fake.FakeShopify(fake, page_size=250)
        s.polls_before_done = 0
        shop_fake.fill(s, n=args.orders, spread=40 / args.orders)
        (work / "orders_export.csv").write_text(orders_csv(s))
        out.append(measure(work, "shopify", env, ["shopify", "--token", "shpat_good",
                                                  "--account", "voltiq"], ["shopify", *span],
                           [work / "orders_export.csv"], [], args.orders))  # fmt: skip
        fake.routes.clear()
        # Salesforce
        sf = sf_fake.FakeSalesforce(fake)
        sf_fake.fill(sf, opportunities=args.opportunities, leads=10)
        (work / "sf.csv").write_text(sf_report_csv(sf).replace("(20 records)", ""))
        out.append(measure(work, "salesforce", env, ["salesforce", "--token", "00D!good",
                                                     "--account", "voltiq.my.salesforce.com"],
                           ["salesforce", "--stream", "opportunities", *span], [work / "sf.csv"],
                           ["--timezone", "America/Los_Angeles", "--currency", "USD"],
                           args.opportunities))  # fmt: skip
        fake.routes.clear()
        # the GA4 backfill: a million rows in one sync
        days = 365
        per_day = max(1, args.backfill_rows // days)
        IndexedGa4(fake, per_day, days)
        until = START + dt.timedelta(days=days - 1)
        ws = str(work / "backfill.duckdb")
        child(["connect", "ga4", "-w", ws, "--token", "ya29.good", "--account", "123456789"], env)
        back = child(["sync", "ga4", "-w", ws, "--since", START.isoformat(), "--until",
                      until.isoformat()], env)  # fmt: skip
        back_n = per_day * days
    lines = [
        "# Sync benchmark: GA4, HubSpot, Shopify, Salesforce",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores (shared with other work). Fakes on loopback in the benchmark's "
        "process; every command a child process reporting its own peak memory (VmHWM; `wait4`'s "
        "ru_maxrss would carry the forking benchmark's peak). Start-up of a "
        f"command (`socialroi init`): {boot[0]:.1f} s, "
        f"{boot[1]:,.0f} MB; *net* rows/s subtract it. Records: GA4 report rows; HubSpot deals "
        "+ contacts (10,000-result cap passed by re-querying); Shopify orders (one bulk "
        "operation, JSONL); Salesforce opportunities (SOQL, 2,000 a page).",
        "",
        *result_table(out, boot, "records"),
    ]
    lines += [
        "",
        f"**GA4 backfill:** {back_n:,} rows ({days} days x {per_day:,} rows a day, "
        f"{-(-days // 92)} windows of 92 days, 100,000 rows a request) in one sync: "
        f"{back[0]:.0f} s ({back_n / max(back[0] - boot[0], 0.01):,.0f} rows/s net), peak "
        f"memory {back[1]:,.0f} MB (start-up {boot[1]:,.0f} MB).",
        "",
    ]
    return write_results(lines, args.results)


if __name__ == "__main__":
    raise SystemExit(main())
