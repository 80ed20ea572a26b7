"""Sync throughput and memory: `socialroi sync` against the fake Graph API, per Meta stream,
with importing the same records as the file export as the peer in the same run.

    python benchmarks/sync/run.py --ads 500 --days 100 --media 5000

The fake (tests/fakes/meta.py) serves the records on loopback from this process; every
measured command runs as a child process (`python -m socialroi.deliver.cli.main ...`), so
its peak memory (max RSS from `wait4`) is the command's own, not the fake's. Measured per
stream: the first sync (rows/s), a second sync of the same days (nothing changes), and the
file import of the same records (Ads Manager CSV / Business Suite post CSV). Writes
`benchmarks/sync/results.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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


def child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak MB, output) of one CLI command in a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialroi.deliver.cli.main", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out}")
    return secs, usage.ru_maxrss / 1024, out


def fill(meta: FakeMeta, ads: int, days: int, media: int, start: dt.date) -> None:
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ads", type=int, default=500)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--media", type=int, default=5000)
    ap.add_argument("--results", default=str(HERE / "results.md"))
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="socialroi-sync-bench-"))
    start = dt.date(2026, 1, 1)
    until = start + dt.timedelta(days=args.days - 1)
    span = ["--since", start.isoformat(), "--until", until.isoformat()]
    rows: list[tuple] = []
    boot = child(
        ["connections", "-w", str(work / "empty.duckdb")],
        {"SOCIALROI_CONFIG_DIR": str(work / "cfg")},
    )
    with FakeApi() as fake:
        meta = FakeMeta(fake, page_size=500)
        meta.polls_before_done = 0
        fill(meta, args.ads, args.days, args.media, start)
        env = {"SOCIALROI_META_API_BASE": fake.base_url, "SOCIALROI_CONFIG_DIR": str(work / "cfg")}
        n_ads, n_media = len(meta.insights[ACT]), len(meta.ig[IG]["media"])
        for stream, account, n in (
            ("ad_insights", f"act_{ACT}", n_ads),
            ("ig_media", f"ig:{IG}", n_media),
        ):
            ws = str(work / f"{stream}.duckdb")
            child(["connect", "meta", "-w", ws, "--token", "good-token", "--account", account], env)
            first = child(["sync", "-w", ws, "--stream", stream, *span], env)
            second = child(["sync", "-w", ws, "--stream", stream, *span], env)
            assert " 0 new, 0 changed" in second[2], second[2]
            if stream == "ad_insights":
                f = work / "Voltiq-Ads.csv"
                f.write_bytes(ads_manager_csv(meta.insights[ACT]))
            else:
                f = _ig_export(meta, work, start, until)
            imp = child(["import", "-w", str(work / f"{stream}-files.duckdb"), str(f)], env)
            rows.append((stream, n, first, second, imp, meta))
    lines = [
        "# Sync benchmark",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores (shared). Fake Graph API on loopback in the benchmark's "
        "process; every command a child process (peak memory = its max RSS). "
        f"Ad insights: {args.ads} ads x {args.days} days x 2 publisher platforms ("
        + (f"{-(-args.days // 90)} async report job(s)" if args.days > 31 else "plain reads")
        + f", 500 records a page); Instagram media: {args.media} with nested insights, 500 a page."
        f" Start-up of a command (`socialroi connections` on an empty workspace): {boot[0]:.1f} s, "
        f"{boot[1]:,.0f} MB; *net* rows/s subtract it.",
        "",
        "| stream | records | first sync s | net rows/s | peak MB | second sync s (0 changed) | "
        "file import s | net rows/s | peak MB | sync / file time (net) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stream, n, first, second, imp, _ in rows:
        s_net, i_net = max(first[0] - boot[0], 0.01), max(imp[0] - boot[0], 0.01)
        lines.append(
            f"| meta/{stream} | {n:,} | {first[0]:.1f} | {n / s_net:,.0f} | {first[1]:,.0f} | "
            f"{second[0]:.1f} | {imp[0]:.1f} | {n / i_net:,.0f} | {imp[1]:,.0f} | "
            f"{s_net / i_net:.2f} |"
        )
    lines += [
        "",
        "Sync times include the HTTP round trips to the fake (loopback) and the comparison "
        "with stored rows; the file import reads a CSV the benchmark wrote.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.results).write_text(text)
    return 0


def _ig_export(meta: FakeMeta, work: Path, start: dt.date, until: dt.date) -> Path:
    """The media as the Business Suite post export (lifetime figures, UTC publish times read
    in US Pacific as the importer assumes without a registered time zone)."""
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
    path = work / f"{start:%b-%d-%Y}_{until:%b-%d-%Y}_1.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8-sig")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
