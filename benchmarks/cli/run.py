"""Start-up of the `socialroi` command: `--help`, a command's `--help` and error returns,
against `python -c pass` in the same run, and against an earlier commit of the code.

    python benchmarks/cli/run.py [--before main] [--repeat 7]

Each case runs in a fresh interpreter (the way a user runs the command), `--repeat` times;
the median wall time is reported, with its ratio to `python -c pass` (the interpreter's own
start). `--before REF` also runs the same cases on the code of that git commit (its `src/`
exported to a temporary folder), so the change is measured on the same machine at the same
load. Writes `benchmarks/cli/results.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent

CASES = {
    "socialroi --help": ["--help"],
    "socialroi roi --help": ["roi", "--help"],
    "socialroi report --help": ["report", "--help"],
    "usage error (roi without --period)": ["roi"],
    "no workspace (status in an empty folder)": ["status"],
}
RUN = "import sys; from socialroi.deliver.cli.main import main; main(sys.argv[1:])"


def timed(argv: list[str], env: dict[str, str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def export_src(ref: str, into: Path) -> Path:
    """The `src/` folder of commit `ref`, written under `into`."""
    archive = into / "src.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def measure(src: Path, cwd: Path, repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("SOCIALROI_WORKSPACE", None)
    return {
        name: timed([sys.executable, "-c", RUN, *args], env, cwd, repeat)
        for name, args in CASES.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="a git commit to compare with (e.g. main)")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = tmp / "empty"
        empty.mkdir()
        base = timed([sys.executable, "-c", "pass"], dict(os.environ), empty, args.repeat)
        now = measure(ROOT / "src", empty, args.repeat)
        before = measure(export_src(args.before, tmp), empty, args.repeat) if args.before else {}
    lines = [
        "# CLI start-up: `socialroi` against `python -c pass`",
        "",
        f"Median of {args.repeat} fresh interpreters per case; `python -c pass` takes "
        f"{base * 1000:.0f} ms here.",
        "",
        "| case | "
        + (f"before ({args.before}) s | ratio | " if before else "")
        + "now s | ratio |",
        "|---|" + ("---:|---:|" if before else "") + "---:|---:|",
    ]
    for name in CASES:
        row = f"| {name} | "
        if before:
            row += f"{before[name]:.3f} | {before[name] / base:.0f}x | "
        row += f"{now[name]:.3f} | {now[name] / base:.0f}x |"
        lines.append(row)
    lines += [
        "",
        f"Run on {dt.date.today()} on {platform.machine()} with {os.cpu_count()} CPUs (load "
        f"average {load0:.1f} at start, {os.getloadavg()[0]:.1f} at end: other jobs shared the "
        f"machine, so compare the ratios); Python {platform.python_version()}.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    (HERE / "results.md").write_text(text)


if __name__ == "__main__":
    main()
