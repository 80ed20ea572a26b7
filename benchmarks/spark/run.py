"""Spark against DuckDB on the demo: the same workspace, the same commands, side by side.

    python benchmarks/spark/run.py --scale tiny

Generates the Voltiq demo, imports its export files into a DuckDB workspace and into a
Spark workspace (`spark:PATH`, a local session with `SOCIALROI_SPARK_MASTER`, default
`local[2]`, and `SOCIALROI_SPARK_CONF`), then runs `roi`, `attribute`, `costs` and `clv`
(JSON) on each, in one process, one after the other. Prints the seconds of each step on each
engine, their ratio, and how many figures agree (to 1e-9 relative) and the largest relative
difference, and writes them to `benchmarks/spark/results.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the parity helpers the tests use

from tests.spark.parity import (  # noqa: E402
    COMMANDS,
    differences,
    import_like_demo,
    run_json,
)

from socialroi.demo.run import run_demo  # noqa: E402

HERE = Path(__file__).parent


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, load average {load:.1f} at start"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="tiny")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", default=str(HERE / "results.md"))
    args = ap.parse_args()
    os.environ.setdefault("SOCIALROI_SPARK_MASTER", "local[2]")
    os.environ.setdefault("SOCIALROI_SPARK_CONF", "spark.sql.shuffle.partitions=2")
    at = machine()
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        duck = root / "demo.duckdb"
        t0 = time.perf_counter()
        run = run_demo(workspace=duck, seed=args.seed, scale=args.scale, out=root / "exports")
        t_duck_import = run.seconds["import"]
        print(f"generated and imported into DuckDB in {time.perf_counter() - t0:.1f}s", flush=True)
        location = f"spark:{root / 'spark'}"
        t0 = time.perf_counter()
        ws = import_like_demo(location, run.files, duck)
        t_spark_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        ws.store.publish()
        t_publish = time.perf_counter() - t0
        ws.close()
        rows.append(("import (all files)", t_duck_import, t_spark_import, ""))
        rows.append(("publish to Spark", 0.0, t_publish, "Parquet of every table"))
        print(rows[-2], rows[-1], flush=True)
        for name in COMMANDS:
            t0 = time.perf_counter()
            a = run_json(str(duck), name)
            td = time.perf_counter() - t0
            t0 = time.perf_counter()
            b = run_json(location, name)
            ts = time.perf_counter() - t0
            n, worst, diffs = differences(a, b)
            agree = f"{n - len(diffs)}/{n} figures equal, largest relative difference {worst:.1e}"
            rows.append((" ".join(COMMANDS[name]), td, ts, agree))
            print(rows[-1], flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"# Spark vs DuckDB — demo scale `{args.scale}` (seed {args.seed})",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {at}; Python "
        f"{platform.python_version()}, Spark {os.environ['SOCIALROI_SPARK_MASTER']} "
        f"({os.environ['SOCIALROI_SPARK_CONF']}), {len(run.files)} export files. One process: "
        "the Spark session starts once (its start-up is in the import row); each command "
        f"opens its workspace as the CLI does. Peak RSS of the Python process {peak:,.0f} MB "
        "(Spark's JVM not included).",
        "",
        "| step | DuckDB s | Spark s | Spark / DuckDB | figures |",
        "|---|---:|---:|---:|---|",
    ]
    for step, td, ts, agree in rows:
        ratio = f"{ts / td:.1f}x" if td else "—"
        lines.append(f"| {step} | {td:.1f} | {ts:.1f} | {ratio} | {agree} |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
