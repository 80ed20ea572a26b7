"""A period no preset covers: the overview of a new custom range, this checkout against a
baseline, side by side in one run.

    python benchmarks/answers/range.py --workspace large.duckdb --baseline /path/to/main/src

Each side gets its own copy of the workspace (kept answers from one side must not serve the
other), and each round asks both, in turn, for the overview of a range neither has seen
(2026-07-06..2026-08-21, then a day later each round), with its comparison period: what a
dashboard user waits for after typing a custom range. Each overview runs in a fresh process
with that side's code (`PYTHONPATH`), and reports its wall and CPU time and its first headline
figures, which must agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE.parent.parent / "src"
CHILD = """
import json, sys, time
from socialroi.land.workspace import Workspace
from socialroi.deliver.web.views import overview
from socialroi.deliver.web.filters import Filters
ws = Workspace.open(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
v = overview(ws, Filters(sys.argv[2]))
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c,
                  "headline": [[h["metric"], h["value"]] for h in v.data["headline"]]}))
"""


def ask(src: Path, workspace: Path, period: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", CHILD, str(workspace), period], env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True, type=Path)
    ap.add_argument("--baseline", required=True, type=Path, help="The `src` of the code before.")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--first", default="2026-07-06", help="The first round's range start.")
    ap.add_argument("--days", type=int, default=47, help="Days in each range.")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="socialroi-range-bench-"))
    try:
        sides = {
            "before": (args.baseline, tmp / "before.duckdb"),
            "after": (SRC, tmp / "after.duckdb"),
        }
        for _, copy in sides.values():
            shutil.copy(args.workspace, copy)
        got: dict[str, list[dict]] = {"before": [], "after": []}
        start = dt.date.fromisoformat(args.first)
        for r in range(args.rounds):
            a = start + dt.timedelta(days=r)
            period = f"{a}..{a + dt.timedelta(days=args.days - 1)}"
            order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
            for side in order:
                res = ask(*sides[side], period)
                got[side].append(res)
                print(f"round {r + 1} {side} {period}: {res['wall']:.2f} s wall, "
                      f"{res['cpu']:.2f} s CPU", flush=True)  # fmt: skip
            same = got["before"][-1]["headline"] == got["after"][-1]["headline"]
            print(f"round {r + 1}: headline figures {'the same' if same else 'DIFFER'}")
        for key in ("wall", "cpu"):
            b = [x[key] for x in got["before"]]
            a = [x[key] for x in got["after"]]
            diff = [y - x for x, y in zip(b, a, strict=True)]
            spread = 2 * statistics.stdev(diff) / len(diff) ** 0.5 if len(diff) > 1 else 0.0
            print(f"{key}: before {statistics.mean(b):.2f} s, after {statistics.mean(a):.2f} s, "
                  f"after - before {statistics.mean(diff):+.2f} ± {spread:.2f} s "
                  f"({statistics.mean(diff) / statistics.mean(b):+.1%})")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
