"""Dashboard API latency and a loopback load test, against the same queries run directly.

    python benchmarks/web/run.py --workspace demo.duckdb [--scale medium] [--users 50]

1. Direct: each main API view's query run on the workspace in this process (the library
   call the endpoint makes: `socialroi.measure.roi.roi`, `insights`, `attribution.compare`, ...).
2. The server (`socialroi serve`, its own process) on 127.0.0.1: the first request of each
   endpoint (computes and caches), then `--requests` sequential requests each: p50 / p95.
3. Load: `--users` concurrent clients (asyncio + httpx) for `--seconds`, each cycling
   through the endpoints; every response must be 200. With `--import FILE` (repeatable),
   `socialroi import --force FILE` runs from the shell every `--import-every` seconds
   meanwhile, as a cron job would: the server runs it (its single writer), so every
   cached answer goes stale and is computed again under load.

The workspace is copied first (the server adds its user tables). Results go to
results.md beside this file (or `--out`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ENDPOINTS = {  # API path -> view name
    "/api/v1/overview": "overview",
    "/api/v1/metrics": "explore",
    "/api/v1/attribution": "attribution",
    "/api/v1/content": "content",
    "/api/v1/costs": "costs",
    "/api/v1/clv": "clv",
    "/api/v1/imports": "data",
}
PERIODS = ("2026-Q3",)  # one filter set: each new one costs a cold computation first


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def direct(path: Path) -> dict[str, float]:
    """Seconds for each view's library calls on the workspace, no web layer, no cache."""
    from socialroi import Workspace
    from socialroi.deliver.web.filters import Filters
    from socialroi.deliver.web.views import VIEWS

    out = {}
    with Workspace.open(path) as ws:
        for api, name in ENDPOINTS.items():
            t = time.perf_counter()
            VIEWS[name](ws, Filters(PERIODS[0]))
            out[api] = time.perf_counter() - t
            print(f"direct {api}: {out[api]:.2f} s", flush=True)
    return out


def token_for(path: Path) -> str:
    from socialroi import Workspace
    from socialroi.store.web import WebStore

    with Workspace.open(path) as ws:
        store = WebStore(ws)
        if not any(u.username == "bench" for u in store.users()):
            store.add_user("bench", "bench-load-passphrase", "viewer", actor="benchmark")
        uid = [u for u in store.users() if u.username == "bench"][0].user_id
        return store.create_token(uid, "benchmark", "benchmark")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path, port: int, warm: bool = False) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("socialroi")
    log = open(path.with_suffix(".log"), "wb")  # noqa: SIM115 - the server's lifetime
    warming = "--warm" if warm else "--no-warm"
    proc = subprocess.Popen(
        [str(exe), "serve", "-w", str(path), "--port", str(port), warming],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    proc.log_path = path.with_suffix(".log")
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start: " + proc.log_path.read_text()[-2000:])


def sequential(base: str, headers: dict, n: int) -> tuple[dict, dict]:
    first, lat = {}, {}
    with httpx.Client(base_url=base, headers=headers, timeout=1800) as c:
        for api in ENDPOINTS:
            for period in PERIODS:  # first request computes and caches
                t = time.perf_counter()
                r = c.get(api, params={"period": period})
                if period == PERIODS[0]:
                    first[api] = time.perf_counter() - t
                r.raise_for_status()
            print(f"first {api}: {first[api]:.2f} s", flush=True)
            times = []
            for _ in range(n):
                t = time.perf_counter()
                c.get(api, params={"period": PERIODS[0]}).raise_for_status()
                times.append(time.perf_counter() - t)
            lat[api] = times
    return first, lat


async def load(base: str, headers: dict, users: int, seconds: float) -> dict:
    stop = time.perf_counter() + seconds
    times: list[float] = []
    per: dict[str, list[float]] = {api: [] for api in ENDPOINTS}
    errors: list[str] = []
    stale: list[int] = []
    apis = list(ENDPOINTS)

    async def user(i: int, client: httpx.AsyncClient) -> None:
        k = i
        while time.perf_counter() < stop:
            api, period = apis[k % len(apis)], PERIODS[(k // len(apis)) % len(PERIODS)]
            k += 1
            t = time.perf_counter()
            try:
                r = await client.get(api, params={"period": period})
                if r.status_code != 200:
                    errors.append(f"{api} {r.status_code}")
                elif b'"current": false' in r.content:  # the last good answer, marked
                    stale.append(1)
            except httpx.HTTPError as exc:
                errors.append(f"{api} {type(exc).__name__}")
            times.append(time.perf_counter() - t)
            per[api].append(times[-1])

    # Idle connections close on the client's side first (2 s, the server keeps them 30 s), so
    # a request never goes out on a connection the server is closing at that moment.
    limits = httpx.Limits(
        max_connections=users, max_keepalive_connections=users, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(
        base_url=base, headers=headers, timeout=60, limits=limits
    ) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(user(i, client) for i in range(users)))
        elapsed = time.perf_counter() - t0
    return {
        "requests": len(times),
        "errors": errors,
        "stale": len(stale),
        "seconds": elapsed,
        "times": times,
        "per": per,
    }


def importer(path: Path, files: list[Path], every: float, stop: float, out: dict) -> None:
    """Re-import `files` from the shell (through the running server) until `stop`."""
    exe = Path(sys.executable).with_name("socialroi")
    while time.perf_counter() < stop:
        t = time.perf_counter()
        for f in files:
            cmd = [str(exe), "import", "--force", "-w", str(path), str(f)]
            if f.parent.name.startswith("@"):
                cmd += ["--account", f.parent.name]
            got = subprocess.run(cmd, capture_output=True, text=True)
            out["imports"] += 1
            if got.returncode != 0:
                out["errors"].append(got.stderr.strip()[-300:])
        out["import_seconds"].append(time.perf_counter() - t)
        time.sleep(max(0.0, every - (time.perf_counter() - t)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", required=True, type=Path)
    ap.add_argument("--scale", default="medium", help="Label for the results (demo scale).")
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results.md"))
    ap.add_argument("--import", dest="imports", type=Path, action="append", default=[])
    ap.add_argument("--import-every", type=float, default=10.0)
    ap.add_argument(
        "--skip-direct",
        action="store_true",
        help="Do not run the views in-process first (their cold cost is in benchmarks/answers)",
    )
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="socialroi-web-bench-"))
    path = tmp / "ws.duckdb"
    shutil.copy(args.workspace, path)
    try:
        base_times = {} if args.skip_direct else direct(path)
        token = token_for(path)
        port = free_port()
        server = start_server(path, port)
        try:
            base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
            first, lat = sequential(base, headers, args.requests)
            imp = {"imports": 0, "errors": [], "import_seconds": []}
            worker = threading.Thread(
                target=importer,
                args=(path, args.imports, args.import_every, time.perf_counter() + args.seconds,
                      imp),
            )  # fmt: skip
            if args.imports:
                worker.start()
            result = asyncio.run(load(base, headers, args.users, args.seconds))
            if args.imports:
                worker.join()
            result["imp"] = imp
        finally:
            server.terminate()
            server.wait(30)
            errors = server.log_path.read_text(errors="replace")
            if "Traceback" in errors:
                print("server errors:\n" + errors[-5000:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write(args, base_times, first, lat, result)


NOTE = """\
The library memoises its base measures per open workspace (`socialroi.measure.measures`), so a view
computed after another may reuse part of its work and the order matters: on `large`, CLV took
52 s in the direct column but 0.18 s as the server's first request (run alone: 17 s cold,
0.2 s right after the overview). The
web layer's own cost (p50/p95 and the load test) does not grow with the data: answers come
from the cache whatever the workspace's size."""


def imports_text(args, imp: dict) -> str:
    if not args.imports:
        return "No imports ran during the load test."
    took = imp["import_seconds"]
    return (
        f"Meanwhile `socialroi import --force` of {len(args.imports)} file(s) ran from the "
        f"shell every {args.import_every:.0f} s, through the running server: "
        f"{imp['imports']} imports, {len(imp['errors'])} failed"
        + (f" ({imp['errors'][0]})" if imp["errors"] else "")
        + (f", {statistics.median(took):.1f} s each round (median)" if took else "")
        + ". Each import makes every cached answer stale: the server computes the views again "
        "in the background, and readers get the last good answer meanwhile, marked with its "
        "data version (`as_of`)."
    )


def command_tail(args) -> str:
    tail = f" --users {args.users} --seconds {args.seconds:.0f}"
    tail += "".join(f" --import <exports>/{'/'.join(f.parts[-3:])}" for f in args.imports)
    if args.imports:
        tail += f" --import-every {args.import_every:.0f}"
    return tail + (" --skip-direct" if args.skip_direct else "")


def write(args, base_times, first, lat, result) -> None:
    rows = []
    for api in ENDPOINTS:
        p50, p95 = statistics.median(lat[api]), pct(lat[api], 0.95)
        base = base_times.get(api, first[api])  # without the direct run: the first request
        shown = f"{base_times[api]:.2f} s" if api in base_times else "not run"
        rows.append(
            f"| `{api}` | {shown} | {first[api]:.2f} s | {p50 * 1000:.1f} ms "
            f"| {p95 * 1000:.1f} ms | {base / p95:,.0f}x |"
        )
    t = result["times"]
    cpu = os.cpu_count()
    load_row = (
        f"| {result['requests']:,} | {len(result['errors'])} "
        f"| {result['requests'] / result['seconds']:,.0f} | {statistics.median(t) * 1000:.1f} ms "
        f"| {pct(t, 0.95) * 1000:.1f} ms | {max(t) * 1000:.1f} ms |"
    )
    per = "\n".join(
        f"| `{api}` | {len(v):,} | {statistics.median(v) * 1000:.1f} ms "
        f"| {pct(v, 0.95) * 1000:.1f} ms |"
        for api, v in result["per"].items()
        if v
    )
    command = "python benchmarks/web/run.py --workspace <demo.duckdb> --scale "
    command += args.scale + command_tail(args)
    text = f"""# Dashboard API benchmark

Workspace: the `{args.scale}` demo (seed 7). Machine: {cpu} cores, shared with other work
while this ran, so absolute times are rough; the ratios are measured in the same run.

Command: `{command}`

{NOTE}

## Latency per endpoint (period 2026-Q3)

- **direct**: the endpoint's library calls run on the workspace in-process, no web layer and
  no cache (one run each) — what an uncached request costs.
- **first request**: through the server, computing and caching the result.
- **p50 / p95**: {args.requests} sequential requests after that, served from the cache keyed
  by (filters, workspace data version); a new import or cost edit makes them stale.

| endpoint | direct | first request | p50 | p95 | direct / p95 |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Goal: p95 under 200 ms for the overview endpoints —
{"met" if pct(lat["/api/v1/overview"], 0.95) < 0.2 else "NOT met"} for `/api/v1/overview`
(p95 {pct(lat["/api/v1/overview"], 0.95) * 1000:.1f} ms).

## Load test (loopback)

{args.users} concurrent clients (asyncio + httpx, one process) for {args.seconds:.0f} s against
`socialroi serve` in its own process, each cycling through the seven endpoints (cached
beforehand by the first requests).

| requests | errors | requests/s | p50 | p95 | max |
| --- | --- | --- | --- | --- | --- |
{load_row}

Errors: {", ".join(sorted(set(result["errors"]))) or "none"}. Answers served as the last good
one while a newer one was computed (`as_of.current` false): {result.get("stale", 0):,}.

{imports_text(args, result["imp"])}
Load-test latency is mostly queueing: the 50 clients (one Python process) and the server
share the machine's cores with each other and with other work, so requests wait for CPU;
requests/s is the figure to compare between runs.

Under that load, per endpoint:

| endpoint | requests | p50 | p95 |
| --- | --- | --- | --- |
{per}
"""
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
