"""YouTube views by traffic source: the `traffic_sources` sync against its fake, with importing
the same rows as Studio's Traffic source Chart data as the peer.

    python benchmarks/sync/youtube_traffic.py --days 730

The fake channel has every traffic source Studio names (`traffic.SOURCES`) on every one of
`--days` days. `connect` and two syncs of the one stream run as child processes of the CLI
(`benchmarks/sync/sources.py` measures the same way: wall time and the command's own peak
memory), as does the import of the same rows as a Chart data.csv. The second sync must
change nothing. Writes `benchmarks/sync/youtube-traffic.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "src")]

from tests.fakes.server import FakeApi  # noqa: E402
from tests.fakes.youtube import HANDLE, FakeYouTube  # noqa: E402

import sources as kit  # noqa: E402 - benchmarks/sync/sources.py: child(), measure()
from socialroi.sources.youtube.traffic import SOURCES, source_name  # noqa: E402

START = dt.date(2024, 1, 1)


def fill(yt: FakeYouTube, days: int) -> None:
    for d in range(days):
        day = (START + dt.timedelta(days=d)).isoformat()
        for k, code in enumerate(sorted(SOURCES)):
            minutes = round(3.25 * (d % 50 + k), 2)
            yt.sources[day, code] = {"views": 5 + (d * 7 + k * 13) % 400,
                                     "estimatedMinutesWatched": minutes}  # fmt: skip


def chart(folder: Path, yt: FakeYouTube) -> Path:
    lines = ["Date,Traffic source,Views"]
    lines += [f"{d},{source_name(s)},{v['views']}" for (d, s), v in sorted(yt.sources.items())]
    folder.mkdir(parents=True)
    out = folder / "Chart data.csv"
    out.write_text("\n".join(lines) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--results", default=str(HERE / "youtube-traffic.md"))
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="socialroi-sync-yttraffic-"))
    cfg = {"SOCIALROI_CONFIG_DIR": str(work / "cfg")}
    kit.child(["init", "-w", str(work / "empty.duckdb")], cfg)
    boot = kit.child(["connections", "-w", str(work / "empty.duckdb")], cfg)
    end = START + dt.timedelta(days=args.days - 1)
    with FakeApi() as fake:
        env = {**cfg, "SOCIALROI_YOUTUBE_API_BASE": fake.base_url}
        yt = FakeYouTube(fake)
        fill(yt, args.days)
        n = len(yt.sources)
        f = chart(work / "@voltiqtech" / f"Traffic source {START}_{end} Voltiq Tech", yt)
        span = ["--stream", "traffic_sources", "--since", START.isoformat(), "--until",
                end.isoformat()]  # fmt: skip
        r = kit.measure(work, "youtube", env, ["youtube", "--token", "ya29.good", "--account",
                                              HANDLE], ["youtube", *span], [f], [], n)  # fmt: skip
        requests = len(fake.calls(r"/v2/reports$")) // 2
    first, second, imp = r["first"], r["second"], r["import"]
    s_net, i_net = max(first[0] - boot[0], 0.01), max(imp[0] - boot[0], 0.01)
    lines = [
        "# Sync benchmark: YouTube views by traffic source",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `python benchmarks/sync/"
        f"youtube_traffic.py --days {args.days}`, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores (shared with other work). The fake serves on loopback in the "
        "benchmark's process; every command is a child process reporting its own peak memory "
        f"(VmHWM). Start-up of a command: {boot[0]:.1f} s, {boot[1]:,.0f} MB; *net* subtracts it.",
        "",
        f"Records: {args.days} days x {len(SOURCES)} traffic sources = {n:,} `view_sources` rows, "
        f"{requests} Analytics API `reports.query` requests a sync (366-day windows). The peer "
        "imports the same rows as Studio's Traffic source Chart data.csv.",
        "",
        "| rows landed | first sync s | peak MB | second sync s (0 changed) | file import s | "
        "peak MB | sync / file time, gross (net) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {n:,} | {first[0]:.1f} | {first[1]:,.0f} | {second[0]:.1f} | {imp[0]:.1f} | "
        f"{imp[1]:,.0f} | {first[0] / imp[0]:.2f} ({s_net / i_net:.2f}) |",
        "",
    ]
    return kit.write_results(lines, args.results)


if __name__ == "__main__":
    raise SystemExit(main())
