"""Answers in seconds: the dashboard's first overview after a restart, and a change of filter.

    python benchmarks/answers/run.py --workspace large.duckdb --import FILE [--account @x]

On a copy of the workspace with no answer kept yet, against `socialroi serve` (its own
process, no warm-up):

1. **cold**: the first overview of a server that has nothing kept: every measure computed
   (the old path: what every first overview after a restart cost before answers were kept).
2. **cached**: the same request again, from the server's memory (median of 20).
3. **filter change, same server**: new filters (a platform, a market, both, no comparison);
   the base measures are remembered, the figures for the filters are computed.
4. **after a restart**: the server is stopped and started again. The overview asked before
   comes back from the workspace file; then new filter changes, whose base measures are read
   back from the file in the new process.
5. **data changed while the server was down**: `socialroi import --force FILE` from the shell
   (it brings the kept answers up to date before it returns; its time is reported), then the
   first overview of the next start, which must be current.

Results go to results.md beside this file (or `--out`).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "web"))
import run as web  # noqa: E402  (the web benchmark's server helpers)

GOAL_RESTART, GOAL_FILTER = 10.0, 1.0
FILTERS_BEFORE = ({"platform": "tiktok"}, {"market": "US"})
FILTERS_AFTER = (
    {"platform": "instagram"},
    {"market": "DE"},
    {"platform": "facebook", "market": "MX"},
    {"compare": "none"},
)


def get(base: str, headers: dict, params: dict) -> tuple[float, dict]:
    t = time.perf_counter()
    r = httpx.get(f"{base}/api/v1/overview", params=params, headers=headers, timeout=3600)
    took = time.perf_counter() - t
    r.raise_for_status()
    return took, r.json()


def stop(server) -> None:
    server.terminate()
    server.wait(60)


def session(path: Path, token: str, period: str, steps) -> list[tuple[str, float, dict]]:
    port = web.free_port()
    server = web.start_server(path, port)
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    out = []
    try:
        for label, params in steps:
            took, body = get(base, headers, {"period": period, **params})
            out.append((label, took, body["as_of"]))
            print(f"{label}: {took:.2f} s (current: {body['as_of']['current']})", flush=True)
    finally:
        stop(server)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True, type=Path)
    ap.add_argument("--scale", default="large", help="Label for the results (demo scale).")
    ap.add_argument("--period", default="2026-Q3")
    ap.add_argument("--import", dest="imp", type=Path, help="A file to re-import meanwhile.")
    ap.add_argument("--account", help="--account for that file, if it needs one.")
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="socialroi-answers-bench-"))
    path = tmp / "ws.duckdb"
    shutil.copy(args.workspace, path)
    rows: list[tuple[str, float, dict]] = []
    try:
        _forget_kept(path)
        token = web.token_for(path)
        p = args.period
        first = [("cold: first overview, nothing kept", {})]
        first += [("cached: the same again", {})] * 20
        first += [(f"filter change, same server: {_q(f)}", f) for f in FILTERS_BEFORE]
        got = session(path, token, p, first)
        cached = statistics.median(t for label, t, _ in got if label.startswith("cached"))
        rows += [got[0], ("cached: the same again (median of 20)", cached, got[1][2])]
        rows += [r for r in got if r[0].startswith("filter")]
        after = [("after a restart: first overview", {})]
        after += [(f"after a restart, filter change: {_q(f)}", f) for f in FILTERS_AFTER]
        rows += session(path, token, p, after)
        if args.imp:
            exe = Path(sys.executable).with_name("socialroi")
            cmd = [str(exe), "import", "--force", "-w", str(path), str(args.imp)]
            if args.account:
                cmd += ["--account", args.account]
            t = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True)
            took = time.perf_counter() - t
            if done.returncode:
                raise SystemExit(f"import failed: {done.stderr[-2000:]}")
            print(f"import from the shell (with its refresh): {took:.1f} s", flush=True)
            rows.append(("`socialroi import --force` of one file, with the refresh", took, {}))
            rows += session(path, token, p, [("after the import and a restart: overview", {})])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = render(args, rows)
    print(text)
    args.out.write_text(text)


def _forget_kept(path: Path) -> None:
    from socialroi import Workspace
    from socialroi.store import answers

    with Workspace.open(path) as ws:
        answers.clear(ws.store)


def _q(params: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items())


def render(args, rows) -> str:
    cold = rows[0][1]
    lines = [
        "# Answers in seconds: first overview after a restart, change of filter",
        "",
        f"Workspace: the `{args.scale}` demo (seed 7), period {args.period}. Machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "shared with other work while this ran (load average above 10), so absolute times are "
        "rough; the ratios are measured in the same run.",
        "",
        f"Command: `python benchmarks/answers/run.py --workspace <demo.duckdb> --scale "
        f"{args.scale}" + (" --import <file>" if args.imp else "") + "`",
        "",
        "`GET /api/v1/overview` against `socialroi serve --no-warm`; **cold** is the old path "
        "(nothing kept: every measure computed, what each first overview after a restart "
        "cost before).",
        "",
        "| step | seconds | cold / this | answer |",
        "| --- | ---: | ---: | --- |",
    ]
    for label, took, as_of in rows:
        state = ""
        if as_of:
            kind = "current" if as_of.get("current") else "last good"
            state = f"{kind} ({as_of['data_version']})"
        ratio = f"{cold / took:,.0f}x" if took and as_of and label != rows[0][0] else ""
        lines.append(f"| {label} | {took:.3f} | {ratio} | {state} |")
    restart = next(t for label, t, _ in rows if label == "after a restart: first overview")
    changes = [t for label, t, _ in rows if "filter change" in label]
    lines += [
        "",
        f"Goals: first overview after a restart <= {GOAL_RESTART:.0f} s: "
        f"{'met' if restart <= GOAL_RESTART else 'NOT met'} ({restart:.2f} s); a change of "
        f"filter <= {GOAL_FILTER:.0f} s: {'met' if max(changes) <= GOAL_FILTER else 'NOT met'} "
        f"(slowest {max(changes):.2f} s, median {statistics.median(changes):.2f} s).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
