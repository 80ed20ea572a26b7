"""A full `roi` run against a hand-written DuckDB query of the same workspace, in one run.

    python benchmarks/roi/run.py --workspace large.duckdb [--period 2026-Q3]

The baseline is the least any ROI table needs: one SQL statement that joins each purchase to
the last social touch of the same person in the 30 days before it (last click, no identity
stitching beyond the visitor id), sums its revenue by platform, and sums ad spend by
platform. socialroi's run does everything `socialroi roi` does: duplicate-free conversions,
stitched journeys, the profile's model, sourced and influenced credit, the cost allocation,
content, followers and CLV, for platform x market. Prints seconds, the ratio and peak
memory, and writes `benchmarks/roi/results.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import time
from pathlib import Path

import duckdb

from socialroi.land.workspace import Workspace
from socialroi.measure.roi import roi

HERE = Path(__file__).parent

BASELINE = """
WITH p AS (SELECT * FROM conversions WHERE kind = 'purchase'
           AND local_date BETWEEN ?::DATE AND ?::DATE AND visitor_id IS NOT NULL),
t AS (SELECT visitor_id, occurred_at, channel_platform FROM touchpoints
      WHERE channel_platform IS NOT NULL),
last_touch AS (
  SELECT p.conversion_id, p.value_base, t.channel_platform,
         row_number() OVER (PARTITION BY p.conversion_id ORDER BY t.occurred_at DESC) AS r
  FROM p JOIN t ON t.visitor_id = p.visitor_id AND t.occurred_at <= p.occurred_at
   AND t.occurred_at > p.occurred_at - INTERVAL 30 DAY),
revenue AS (SELECT channel_platform AS platform, sum(value_base) AS revenue, count(*) AS n
            FROM last_touch WHERE r = 1 GROUP BY 1),
spend AS (SELECT platform, sum(spend_base) AS spend FROM ad_metrics
          WHERE metric_date BETWEEN ?::DATE AND ?::DATE GROUP BY 1)
SELECT coalesce(r.platform, s.platform) AS platform, revenue, spend, revenue / spend AS roas
FROM revenue r FULL JOIN spend s ON r.platform = s.platform ORDER BY 1
"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--period", default="2026-Q3")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--models", default="last_click,position_based,markov")
    args = ap.parse_args(argv)
    load0 = os.getloadavg()
    started = time.perf_counter()
    ws = Workspace.open(args.workspace)
    raw = ws.store.raw
    counts = {
        t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("touchpoints", "conversions", "ad_metrics", "posts", "post_metrics", "costs")
    }
    from socialroi.model.periods import parse_period

    p = parse_period(args.period)
    days = [p.start, p.end, p.start, p.end]
    rows = []
    base_s, base = timed(lambda: raw.execute(BASELINE, days).df(), args.repeat)
    rows.append(("DuckDB SQL: last click revenue + spend by platform", base_s, 1.0, len(base)))
    ws.close()

    def fresh(**kw):
        # a fresh workspace object each time: nothing one run computed helps the next
        with Workspace.open(args.workspace) as w:
            return roi(w, p, **kw)

    for model in args.models.split(","):
        s, res = timed(
            lambda m=model: fresh(profile="dtc", by=("platform", "market"), model=m),
            args.repeat,
        )
        rows.append((f"socialroi roi, dtc, platform x market, {model}", s, s / base_s,
                     len(res.table)))  # fmt: skip
        print(f"{model}: {s:.2f} s ({s / base_s:.1f}x the SQL baseline)", flush=True)
    s, res = timed(lambda: fresh(profile="b2b", by=("platform",)), 1)
    rows.append(("socialroi roi, b2b, platform, position_based", s, s / base_s, len(res.table)))
    load1 = os.getloadavg()
    lines = [
        "# ROI run: socialroi against a hand-written DuckDB query\n\n",
        f"Workspace `{Path(args.workspace).name}`, period {args.period}: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + ".\n\n",
        "| run | seconds | ratio to SQL | rows |\n|---|---:|---:|---:|\n",
    ]
    for name, s, ratio, n in rows:
        lines.append(f"| {name} | {s:.2f} | {ratio:.1f}x | {n} |\n")
    lines.append(
        f"\nBest of {args.repeat} (b2b: one run), one process, run on {dt.date.today()} in "
        f"{time.perf_counter() - started:.0f} s on {platform.machine()} with {os.cpu_count()} "
        f"CPUs (load average {load0[0]:.1f} at start, {load1[0]:.1f} at end: other jobs "
        f"shared the machine, so compare the ratios); peak memory {peak_mb():,.0f} MB; "
        f"Python {sys.version.split()[0]}, DuckDB {duckdb.__version__}.\n"
    )
    (HERE / "results.md").write_text("".join(lines))
    print("".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
