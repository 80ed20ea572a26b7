"""Sync throughput and memory: `sync` against the fake Graph API, per Meta stream, with the
file import of the same records as the peer, in the same run.

    python benchmarks/sync/run.py --ads 100 --days 100 --media 2000

The fake (tests/fakes/meta.py) runs in its own process (`--serve`), so what is measured is
the sync's own work. Each phase runs in a child process (`--phase`) that reports its wall
time, its CPU time (steadier than wall time on a shared machine) and its memory: max RSS
before the phase (the interpreter with socialroi imported and the workspace open) and after
it (the phase's peak). Phases per stream: the first sync, a second sync of the same days
(nothing changes), and `import` of the same records as the export (Ads Manager CSV /
Business Suite post CSV). Writes `benchmarks/sync/results.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.fakes.meta import FakeMeta, ig_media, insight  # noqa: E402
from tests.fakes.server import FakeApi  # noqa: E402
from tests.sources.meta.test_api_ads import ads_manager_csv  # noqa: E402

HERE = Path(__file__).parent
ACT, IG = "1234567890", "17841400000000001"
START = dt.date(2026, 1, 1)


def fill(meta: FakeMeta, ads: int, days: int, media: int, start: dt.date = START) -> None:
    meta.add_account(ACT, "Voltiq EU", "EUR", "Europe/Berlin")
    for i in range(days):
        day = (start + dt.timedelta(days=i)).isoformat()
        for ad in range(ads):
            for platform in ("facebook", "instagram"):
                meta.insights[ACT].append(
                    insight(ACT, day, ad, platform, spend=5 + ad % 40 + i * 0.01,
                            impressions=900 + ad + i, clicks=20 + ad % 9, purchases=ad % 3,
                            value=(ad % 3) * 39.5)
                )  # fmt: skip
    items = []
    for i in range(media):
        when = dt.datetime.combine(start + dt.timedelta(days=i % days), dt.time(12), dt.UTC)
        items.append(ig_media(f"17900{i:012d}", when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                              views=1000 + i, reach=800 + i, likes=i % 90, comments=i % 7,
                              shares=i % 5, saved=i % 3, caption=f"post {i}"))  # fmt: skip
    meta.ig[IG] = {"username": "voltiq.us", "name": "Voltiq US", "media": items, "daily": {}}


def ig_export(meta: FakeMeta, path: Path) -> None:
    """The media as the Business Suite post export (lifetime figures; UTC publish times shown
    in US Pacific, as the importer reads them without a registered time zone)."""
    la = ZoneInfo("America/Los_Angeles")
    out = [
        '"Post ID","Account ID","Account username","Account name","Description","Publish time",'
        '"Permalink","Post type","Date","Views","Reach","Likes","Comments","Shares","Saves"'
    ]
    for m in meta.ig[IG]["media"]:
        v = {d["name"]: d["values"][0]["value"] for d in m["insights"]["data"]}
        at = dt.datetime.strptime(m["timestamp"], "%Y-%m-%dT%H:%M:%S%z").astimezone(la)
        cells = [m["id"], IG, "voltiq.us", "Voltiq US", m["caption"], f"{at:%Y-%m-%d %H:%M}",
                 m["permalink"], "IG image", "Lifetime", v["views"], v["reach"], v["likes"],
                 v["comments"], v["shares"], v["saved"]]  # fmt: skip
        out.append(",".join(f'"{c}"' for c in cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8-sig")


def serve(args: argparse.Namespace) -> int:
    """The fake in its own process: writes the exports of the same records, prints its URL."""
    work = Path(args.workdir)
    with FakeApi() as fake:
        meta = FakeMeta(fake, page_size=500)
        meta.polls_before_done = 0
        fill(meta, args.ads, args.days, args.media)
        (work / "ads.csv").write_bytes(ads_manager_csv(meta.insights[ACT]))
        until = START + dt.timedelta(days=args.days - 1)
        ig_export(meta, work / f"{START:%b-%d-%Y}_{until:%b-%d-%Y}_1.csv")
        counts = {"ad_insights": len(meta.insights[ACT]), "ig_media": args.media}
        print(json.dumps({"base": fake.base_url, "counts": counts}), flush=True)
        sys.stdin.read()  # until the parent closes our stdin
    return 0


def phase(args: argparse.Namespace) -> int:
    """One measured phase in this (child) process; prints a JSON line."""
    from socialroi import Workspace
    from socialroi.sync import connect as connecting
    from socialroi.sync.run import SyncOptions, sync

    ws = Workspace.open(args.workspace)
    ws.rules  # noqa: B018 - load the channel rules before measuring
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0, c0 = time.perf_counter(), time.process_time()
    if args.phase == "import":
        got = ws.import_files([args.file])
        note = got[0].describe()
    else:
        if args.phase == "connect":
            connecting.connect_token(ws, "meta", "good-token", [args.account])
        until = START + dt.timedelta(days=args.days - 1)
        opts = SyncOptions(since=START, until=until, streams=[args.stream])
        note = "; ".join(r.describe() for r in sync(ws, ["meta"], opts))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ws.close()
    print(json.dumps({"wall": wall, "cpu": cpu, "floor_mb": before, "peak_mb": peak, "note": note}))
    return 0


def child(extra: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *extra], env={**os.environ, **env}, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"{extra} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ads", type=int, default=100)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--media", type=int, default=2000)
    ap.add_argument("--results", default=str(HERE / "results.md"))
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    ap.add_argument("--workspace", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--account", help=argparse.SUPPRESS)
    ap.add_argument("--stream", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        return serve(args)
    if args.phase:
        return phase(args)
    work = Path(tempfile.mkdtemp(prefix="socialroi-sync-bench-"))
    sizes = ["--ads", str(args.ads), "--days", str(args.days), "--media", str(args.media)]
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--workdir", str(work), *sizes],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    info = json.loads(server.stdout.readline())  # type: ignore[union-attr]
    env = {"SOCIALROI_META_API_BASE": info["base"], "SOCIALROI_CONFIG_DIR": str(work / "cfg")}
    files = {"ad_insights": work / "ads.csv", "ig_media": next(work.glob("*_1.csv"))}
    accounts = {"ad_insights": f"act_{ACT}", "ig_media": f"ig:{IG}"}
    rows = []
    try:
        for stream in ("ad_insights", "ig_media"):
            base = [*sizes, "--stream", stream, "--account", accounts[stream]]
            ws = ["--workspace", str(work / f"{stream}.duckdb")]
            first = child(["--phase", "connect", *ws, *base], env)
            second = child(["--phase", "sync", *ws, *base], env)
            assert " 0 new, 0 changed" in second["note"], second["note"]
            fws = ["--workspace", str(work / f"{stream}-files.duckdb")]
            imp = child(["--phase", "import", *fws, *base, "--file", str(files[stream])], env)
            rows.append((stream, info["counts"][stream], first, second, imp))
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(60)
    write(args, rows)
    return 0


def write(args: argparse.Namespace, rows: list[tuple]) -> None:
    lines = [
        "# Sync benchmark",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores shared with other jobs (load varies: compare CPU seconds). "
        "The fake Graph API runs in its own process; each phase in a child process. Ad "
        f"insights: {args.ads} ads x {args.days} days x 2 publisher platforms ("
        + (f"{-(-args.days // 90)} async report job(s)" if args.days > 31 else "plain reads")
        + f", 500 records a page); Instagram media: {args.media} with nested insights, 500 a "
        "page. Memory: max RSS of the phase's process before the phase (socialroi imported, "
        "workspace open) and at its end.",
        "",
        "| stream | records | first sync: wall s / CPU s | rows per CPU s | MB before / peak | "
        "second sync (0 changed): CPU s | file import: wall s / CPU s | rows per CPU s | "
        "MB before / peak | sync / import CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stream, n, first, second, imp in rows:
        lines.append(
            f"| meta/{stream} | {n:,} | {first['wall']:.1f} / {first['cpu']:.1f} | "
            f"{n / first['cpu']:,.0f} | {first['floor_mb']:,.0f} / {first['peak_mb']:,.0f} | "
            f"{second['cpu']:.1f} | {imp['wall']:.1f} / {imp['cpu']:.1f} | "
            f"{n / imp['cpu']:,.0f} | {imp['floor_mb']:,.0f} / {imp['peak_mb']:,.0f} | "
            f"{first['cpu'] / imp['cpu']:.2f} |"
        )
    lines += [
        "",
        "The sync's CPU includes its HTTP client (JSON decoding of every page), the conversion "
        "to the export's rows, the same parser as the file, and the comparison with stored "
        "rows; the import's includes reading and sniffing the CSV.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.results).write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
