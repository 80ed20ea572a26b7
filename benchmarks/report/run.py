"""Time the executive report on the `medium` demo: all three formats, against the time of
computing its numbers with the library functions alone, in the same run.

* baseline: the calls whose results the report shows — `roi` by platform (with the
  comparison) and by platform x market, `insights`, `attribution.workspace.compare`,
  `clv_by`, `costs.allocate`, `content` and `quality` — with nothing rendered;
* report: `build_report(..., formats=("html", "pdf", "xlsx"))`: gathering the same numbers,
  building charts, and writing the three files; with the time per section and per format.

Goals (issue 5): all three formats in under 30 s on this 2-core machine, and the report no
slower than 1.5x its numbers. Results go to `benchmarks/report/results.md`. Usage::

    .venv/bin/python benchmarks/report/run.py [--workspace medium.duckdb] [--repeats 2]

Without `--workspace` it generates the medium demo first (about 3 minutes), in a temporary
folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

PERIOD = "2026-Q3"
HERE = Path(__file__).parent


def baseline(ws, profile: str = "dtc") -> None:
    from socialroi.deliver.report.sections_a import report_metrics
    from socialroi.errors import SocialroiError
    from socialroi.journeys.touches import JourneySettings
    from socialroi.measure.attribution.workspace import COMPARE_ORDER, compare
    from socialroi.measure.clv.workspace import clv_by
    from socialroi.measure.content import formats_table, posts_table, publishing_vs_engagement
    from socialroi.measure.costs.allocate import allocate
    from socialroi.measure.insights import insights
    from socialroi.measure.profiles import load_profile
    from socialroi.measure.quality import coverage, findings, fx_used, skipped_rows, unmapped_utms
    from socialroi.measure.roi import roi
    from socialroi.model.periods import parse_period

    prof = load_profile(profile)
    p = parse_period(PERIOD)
    metrics = report_metrics(prof)
    plat = roi(ws, PERIOD, prof, by=("platform",), compare="previous", metrics=metrics)
    roi(ws, PERIOD, prof, by=("platform", "market"), metrics=metrics)
    settings = JourneySettings(lookback_days=prof.lookback_days, kinds=prof.kinds)
    models = compare(ws, p, settings, tuple(dict.fromkeys([*COMPARE_ORDER, prof.model])))
    insights(ws, PERIOD, prof, compare="previous", by_platform=plat, attribution=models)
    try:
        clv_by(ws, PERIOD, by=("platform", "market"))
    except SocialroiError:
        clv_by(ws, PERIOD, by=("platform", "market"), predict=False)
    allocate(ws, p)
    posts_table(ws, p)
    publishing_vs_engagement(ws, p)
    formats_table(ws, p)
    coverage(ws, p)
    findings(ws, p)
    skipped_rows(ws, p)
    unmapped_utms(ws, p)
    fx_used(ws, p)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", help="a medium demo workspace (generated when absent)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", default=str(HERE / "results.md"))
    args = ap.parse_args()

    from socialroi.deliver.report import build_report
    from socialroi.land.workspace import Workspace

    tmp = Path(tempfile.mkdtemp(prefix="socialroi-bench-report-"))
    try:
        if args.workspace:
            db = tmp / "medium.duckdb"
            shutil.copy(args.workspace, db)  # never write to the caller's workspace
        else:
            from socialroi.demo.run import run_demo

            db = tmp / "medium.duckdb"
            run_demo(workspace=db, scale="medium", out=tmp / "exports")
        with Workspace.open(db) as ws:
            rows = ws.store.raw.execute(
                "SELECT (SELECT count(*) FROM touchpoints), (SELECT count(*) FROM conversions), "
                "(SELECT count(*) FROM posts)"
            ).fetchone()
        base_times, report_times, detail = [], [], {}
        # Each measured step opens the workspace afresh: nothing one computed (the workspace
        # remembers a period's attribution, allocation and CLV) helps the next.
        for i in range(args.repeats):
            with Workspace.open(db) as ws:
                t0 = time.perf_counter()
                baseline(ws)
                base_times.append(time.perf_counter() - t0)
            timings: dict[str, float] = {}
            with Workspace.open(db) as ws:
                t0 = time.perf_counter()
                build_report(ws, period=PERIOD, out=tmp / f"out{i}", timings=timings)
                report_times.append(time.perf_counter() - t0)
            if report_times[-1] == min(report_times):
                detail = timings
            print(f"run {i + 1}: numbers {base_times[-1]:.1f}s, report {report_times[-1]:.1f}s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    b, r = min(base_times), min(report_times)
    lines = [
        "# Executive report benchmark",
        "",
        f"Generated by `benchmarks/report/run.py` on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()} (a shared machine: the "
        f"figures are best of {args.repeats}, and a busy neighbour moves them).",
        "",
        f"Workspace: the `medium` demo ({rows[0]:,} visits, {rows[1]:,} conversions, "
        f"{rows[2]:,} posts), period {PERIOD}, profile dtc, compared with the previous quarter.",
        "",
        "| measure | seconds | goal |",
        "|---|---:|---|",
        f"| numbers alone (library calls, nothing rendered) | {b:.1f} | |",
        f"| report, all three formats | {r:.1f} | < 30 |",
        f"| ratio report / numbers | {r / b:.2f}x | <= 1.5x |",
        "",
        "Where the report's time goes (fastest run):",
        "",
        "| step | seconds |",
        "|---|---:|",
    ]
    for k, v in detail.items():
        lines.append(f"| {k} | {v:.2f} |")
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
