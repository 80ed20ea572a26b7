"""Answers in seconds: the dashboard's first overview after a restart, and a change of filter,
side by side with the code before (a baseline checkout) in the same run.

    python benchmarks/answers/run.py --workspace large.duckdb --baseline /path/to/main/src

For each side (this checkout's `src`, and the baseline's `src` when given), on its own copy
of the workspace with no answer kept, against `socialroi serve` run with that side's code
(`PYTHONPATH`), one after the other:

1. **cold** (`--no-warm`): the first overview of a server that has nothing kept: every
   measure computed.
2. **cached**: the same request again, from the server's memory (median of 5).
3. **after a restart without warm-up** (`--no-warm`): the overview asked before comes back
   from the workspace file; the first filter change reads what it needs from the file.
4. **after a restart with the warm-up** (`serve`'s default): the server's background work
   (the kept views, and since this change the preset periods and the sums by campaign) is
   waited for until the server's CPU time stays flat, and reported as its own row.
5. **filter changes after it**: a platform, a market, both, a campaign, no comparison; then
   changes of period: to two presets the server computed in its warm-up, and to a range no
   preset covers (attributed when asked).

A figure check: every headline figure of every filter change is compared between the two
sides (they must agree to 1e-9 relative). Results go to results.md beside this file (or
`--out`).
"""

from __future__ import annotations

import argparse
import math
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
SRC = HERE.parent.parent / "src"
sys.path.insert(0, str(HERE.parent / "web"))
import run as web  # noqa: E402  (the web benchmark's server helpers)

GOAL_RESTART, GOAL_FILTER = 10.0, 1.0
FILTERS = (
    {"platform": "tiktok"},
    {"market": "US"},
    {"platform": "instagram"},
    {"market": "DE"},
    {"platform": "facebook", "market": "MX"},
    {"campaign": None},  # the campaign: the first the after side's overview lists
    {"campaign": None, "platform": "instagram"},
    {"compare": "none"},
)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(base: str, headers: dict, params: dict, pid: int) -> tuple[float, float, dict]:
    """Wall time, the server's CPU time, and the answer of one overview request."""
    cpu, t = cpu_seconds(pid), time.perf_counter()
    r = httpx.get(f"{base}/api/v1/overview", params=params, headers=headers, timeout=7200)
    took = time.perf_counter() - t
    r.raise_for_status()
    return took, cpu_seconds(pid) - cpu, r.json()


def start(path: Path, src: Path, warm: bool = False) -> tuple[subprocess.Popen, int]:
    port = web.free_port()
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(src)
    try:
        return web.start_server(path, port, warm=warm), port
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def settle(pid: int, quiet: float = 0.05, seconds: int = 4, limit: float = 3600) -> float:
    """Wait until the server's CPU time stays flat (its background work is done); the CPU
    time it used meanwhile."""
    start = last = cpu_seconds(pid)
    still, t0 = 0, time.perf_counter()
    while still < seconds and time.perf_counter() - t0 < limit:
        time.sleep(1)
        now = cpu_seconds(pid)
        still = still + 1 if now - last < quiet else 0
        last = now
    return last - start


def session(path: Path, src: Path, token: str, period: str, steps, warm=False) -> list[tuple]:
    server, port = start(path, src, warm)
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    out = []
    try:
        if warm:
            t = time.perf_counter()
            cpu = settle(server.pid)
            took = time.perf_counter() - t
            out.append(("after a restart: the warm-up (background, before any request)",
                        took, cpu, {}))  # fmt: skip
            print(f"  warm-up: {took:.1f} s (server CPU {cpu:.1f} s)", flush=True)
        for label, params in steps:
            took, cpu, body = get(base, headers, {"period": period, **params}, server.pid)
            out.append((label, took, cpu, body))
            print(f"  {label}: {took:.2f} s (server CPU {cpu:.2f} s)", flush=True)
    finally:
        server.terminate()
        server.wait(60)
    return out


def side(
    name: str, src: Path, workspace: Path, period: str, tmp: Path, choice: dict
) -> dict[str, tuple]:
    print(f"{name} ({src}):", flush=True)
    path = tmp / name / "ws.duckdb"
    path.parent.mkdir(parents=True)
    shutil.copy(workspace, path)
    subprocess.run(
        [sys.executable, "-c", FORGET, str(path)],
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
    )
    token = web.token_for(path)
    first = [("cold: first overview, nothing kept", {})]
    first += [("cached: the same again", {})] * 5
    got = session(path, src, token, period, first)
    rows = {got[0][0]: got[0]}
    cached = statistics.median(t for label, t, _, _ in got[1:])
    cpu = statistics.median(c for label, _, c, _ in got[1:])
    rows["cached: the same again (median of 5)"] = ("", cached, cpu, got[1][3])
    choice.setdefault("campaign", (got[0][3].get("data", {}).get("campaigns") or [""])[0])
    first = ("after a restart without warm-up: first overview", {})
    change = ("after a restart without warm-up: first filter change, platform=tiktok",
              {"platform": "tiktok"})  # fmt: skip
    rows.update({r[0]: r for r in session(path, src, token, period, [first, change])})
    after = [("after the warm-up: first overview", {})]
    for f in FILTERS:
        f = _chosen(f, choice)
        after.append((f"after the warm-up, filter change: {_q(f)}", f))
    for p in choice["periods"]:
        after.append((f"after the warm-up, period change: period={p}", {"period": p}))
    rows.update({r[0]: r for r in session(path, src, token, period, after, warm=True)})
    return rows


def _chosen(f: dict, choice: dict) -> dict:
    """A filter of FILTERS with its campaign filled in."""
    return {k: (choice["campaign"] if k == "campaign" else v) for k, v in f.items()}


FORGET = """
import sys
from socialroi import Workspace
from socialroi.store import answers
with Workspace.open(sys.argv[1]) as ws:
    answers.clear(ws.store)
"""


def _q(params: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items())


def headline(body: dict) -> dict[str, float]:
    """The headline cards' values and comparison values."""
    out = {}
    for c in body.get("data", body).get("headline", []):
        for part in ("value", "previous"):
            if isinstance(c.get(part), int | float):
                out[f"{c['metric']}.{part}"] = c[part]
    return out


def largest_difference(a: dict, b: dict) -> float:
    worst = 0.0
    for k in set(a) | set(b):
        x, y = a.get(k), b.get(k)
        if x is None or y is None:
            return math.inf
        if x != y:
            worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True, type=Path)
    ap.add_argument("--baseline", type=Path, help="The `src` folder of the code to compare.")
    ap.add_argument("--scale", default="large", help="Label for the results (demo scale).")
    ap.add_argument("--period", default="2026-Q3", help="A quarter, like 2026-Q3.")
    ap.add_argument("--campaign", help="The campaign to filter on (default: the first listed).")
    ap.add_argument(
        "--period-changes",
        default="2026-Q4,2026-09,2026-07-01..2026-08-15",
        help="Periods to change to after the filters, comma-separated (default: two of the "
        "large demo's presets, whose data ends on 2026-10-01, and a range no preset covers).",
    )
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    args = ap.parse_args()
    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="socialroi-answers-bench-"))
    try:
        choice = {"campaign": args.campaign} if args.campaign else {}
        choice["periods"] = [p for p in args.period_changes.split(",") if p]
        after = side("after", SRC, args.workspace, args.period, tmp, choice)
        before = None
        if args.baseline:
            before = side("before", args.baseline, args.workspace, args.period, tmp, choice)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = render(args, before, after, load, os.getloadavg())
    print(text)
    args.out.write_text(text)


def render(args, before: dict | None, after: dict, load_start, load_end) -> str:
    lines = [
        "# Answers in seconds: first overview after a restart, change of filter",
        "",
        f"Workspace: the `{args.scale}` demo (seed 7), period {args.period}. Machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"shared with other work (load average {load_start[0]:.1f} at the start, "
        f"{load_end[0]:.1f} at the end). Both sides ran in the same run, one after the "
        "other. On a shared machine wall time is mostly waiting for a core; the server's "
        "CPU time (user + system, all its threads, from /proc) is what the answer costs and "
        "what an idle machine's wall time comes close to.",
        "",
        "`GET /api/v1/overview` against `socialroi serve` (`--no-warm` for the cold start and "
        "the first restart); **before** is the baseline checkout, **after** this one. The "
        "warm-up row is the server's background work after the second restart, waited for "
        "before the first request (on the before side it has nothing to do but read).",
        "",
        "| step | before wall s | after wall s | before CPU s | after CPU s | "
        "before / after (CPU) | headline figures |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, (_, took, cpu, body) in after.items():
        b = before.get(label) if before else None
        label = label.replace("|", "\\|")  # a campaign's name may hold pipes (BR | Q3 | ...)
        if b is None:
            lines.append(f"| {label} | | {took:.3f} | | {cpu:.3f} | | |")
            continue
        diff = largest_difference(headline(b[3]), headline(body))
        same = "same" if diff == 0 else f"largest relative difference {diff:.1e}"
        if "warm-up (background" in label:
            same = ""
        elif "campaign=" in label:
            same = "(before: no campaign filter, answers all campaigns)"
        ratio = f"{b[2] / cpu:,.1f}x" if cpu > 0 else ""
        lines.append(
            f"| {label} | {b[1]:.3f} | {took:.3f} | {b[2]:.3f} | {cpu:.3f} | {ratio} | {same} |"
        )
    changes = [
        (t, c) for label, (_, t, c, _) in after.items() if "after the warm-up, filter" in label
    ]
    periods = [(label, t, c) for label, (_, t, c, _) in after.items() if "period change" in label]
    restart = after["after a restart without warm-up: first overview"][1]
    walls, cpus = [t for t, _ in changes], [c for _, c in changes]
    lines += [
        "",
        f"Goals: first overview after a restart <= {GOAL_RESTART:.0f} s: "
        f"{'met' if restart <= GOAL_RESTART else 'NOT met'} ({restart:.2f} s wall). A change "
        f"of filter <= {GOAL_FILTER:.0f} s: wall time "
        f"{'met' if max(walls) <= GOAL_FILTER else 'NOT met'} (slowest {max(walls):.2f} s, "
        f"median {statistics.median(walls):.2f} s); server CPU time "
        f"{'met' if max(cpus) <= GOAL_FILTER else 'NOT met'} (slowest {max(cpus):.2f} s, "
        f"median {statistics.median(cpus):.2f} s).",
        "",
        *[f"- {label}: {t:.2f} s wall, {c:.2f} s CPU" for label, t, c in periods],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
