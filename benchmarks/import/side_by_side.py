"""Two versions of `socialroi import` on the same folder, in turn: is a change faster?

    python benchmarks/import/side_by_side.py EXPORTS --base main~1 [--head WORKTREE|REV]
        [--rounds 5] [--keep DIR]

On this shared machine two runs of one version differ by up to 2 s of 20 (the host's load
moves), and a benchmark measures one version at a time, so a change of a few per cent cannot
be seen in it. This runs the same `socialroi import` command line of the folder with the
base and the head version in turn, swapping which goes first every round, each into a fresh
workspace, and compares them round by round: the drift of the machine falls on both alike.

The base (and the head, unless it is the working tree) is checked out in a temporary git
worktree. Each import is a child process: its wall time, and its CPU time and peak memory
from `wait4` (its own and its reaped children's: the parse-ahead worker and the workbook
readers count; the peak is the largest process's). Prints every round and the mean
difference with twice its standard error; `--same-rows` checks afterwards that the two
versions' last workspaces hold the same rows (`same_rows.py`).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from same_rows import compare  # noqa: E402 - this folder is not a package


def checkout(rev: str, into: Path) -> Path:
    """`rev` in a detached worktree at `into`; the source folder to run."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force",
                    str(into), rev], check=True, capture_output=True)  # fmt: skip
    return into / "src"


def import_once(src: Path, exports: Path, workspace: Path) -> dict[str, float]:
    """One `socialroi import` of the folder into a fresh workspace with the code in `src`."""
    for p in (workspace, Path(f"{workspace}.wal")):
        p.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-m", "socialroi.deliver.cli.main", "import", "-w", str(workspace),
           str(exports)]  # fmt: skip
    with tempfile.TemporaryFile() as err:  # a pipe could fill while nobody reads it
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # 1: some file failed, which both versions may say
            err.seek(0)
            said = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"the import with {src} failed ({proc.returncode}):\n{said}")
    # wait4: the child's own usage and its reaped children's; peak memory: the largest one
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "mb": usage.ru_maxrss / 1024}


def summary(name: str, base: list[float], head: list[float], unit: str) -> str:
    diffs = [h - b for b, h in zip(base, head, strict=True)]
    mean_b, mean_h = statistics.fmean(base), statistics.fmean(head)
    se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else float("nan")
    change = (mean_h - mean_b) / mean_b * 100 if mean_b else float("nan")
    return (
        f"| {name} | {mean_b:,.2f} {unit} | {mean_h:,.2f} {unit} | "
        f"{mean_h - mean_b:+,.2f} ± {2 * se:,.2f} {unit} ({change:+.1f} %) |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("exports", help="the folder of exports to import")
    ap.add_argument("--base", required=True, help="the version before (a git revision)")
    ap.add_argument("--head", default=str(ROOT),
                    help="the version after: a revision or a checkout (default: here)")  # fmt: skip
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--same-rows", action="store_true", help="compare the last workspaces")
    ap.add_argument("--keep", help="keep the workspaces in this folder")
    args = ap.parse_args(argv)
    exports = Path(args.exports).resolve()
    work = Path(args.keep or tempfile.mkdtemp(prefix="socialroi-side-"))
    work.mkdir(parents=True, exist_ok=True)
    trees: list[Path] = []
    try:
        trees.append(work / "base-tree")
        sources = {"base": checkout(args.base, trees[-1])}
        head = Path(args.head)
        if head.is_dir() and (head / "src" / "socialroi").is_dir():
            sources["head"] = head.resolve() / "src"
        else:
            trees.append(work / "head-tree")
            sources["head"] = checkout(args.head, trees[-1])
        got: dict[str, list[dict[str, float]]] = {"base": [], "head": []}
        print(f"{args.rounds} rounds of `socialroi import {exports.name}`, base {args.base}, "
              f"head {args.head}", flush=True)  # fmt: skip
        for r in range(args.rounds):
            order = ("base", "head") if r % 2 == 0 else ("head", "base")
            line = []
            for side in order:
                m = import_once(sources[side], exports, work / f"{side}.duckdb")
                got[side].append(m)
                line.append(f"{side} {m['wall']:.2f} s wall {m['cpu']:.2f} s CPU "
                            f"{m['mb']:,.0f} MB")  # fmt: skip
            load = os.getloadavg()[0]
            print(f"round {r + 1}: " + ", ".join(line) + f" (load {load:.1f})", flush=True)
        print()
        print("| | base | head | head - base (± 2 standard errors) |")
        print("|---|---:|---:|---:|")
        for key, name, unit in (("wall", "wall", "s"), ("cpu", "CPU", "s"),
                                ("mb", "peak memory", "MB")):  # fmt: skip
            print(summary(name, [m[key] for m in got["base"]], [m[key] for m in got["head"]],
                          unit))  # fmt: skip
        if args.same_rows:
            same = compare(str(work / "base.duckdb"), str(work / "head.duckdb"))
            print("\nsame rows" if same else "\nTHE ROWS DIFFER")
            return 0 if same else 1
        return 0
    finally:
        for tree in trees:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           capture_output=True, check=False)  # fmt: skip
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
