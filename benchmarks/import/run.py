"""Import throughput: socialroi's importer against DuckDB reading the same files.

    python benchmarks/import/run.py --scale medium

Generates the Voltiq demo at the scale, writes every available source's exports, then in
one run imports each file through `Workspace.import_files` (parse, validate, unify, upsert)
and reads the same file with DuckDB alone (`CREATE TABLE AS SELECT * FROM read_csv /
read_parquet / read_json`). Prints rows/s per report and in total, the ratio, and the peak
memory, and writes them to `benchmarks/import/results.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path

import duckdb

from socialroi.demo.generate import generate
from socialroi.demo.run import import_order, writer_modules
from socialroi.errors import SocialroiError
from socialroi.land.workspace import Workspace

HERE = Path(__file__).parent


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def duckdb_read(path: Path) -> tuple[int, float] | None:
    """(rows, seconds) for DuckDB's own reader of the file, or None if it has none."""
    fn = {".csv": "read_csv", ".tsv": "read_csv", ".txt": "read_csv", ".parquet": "read_parquet",
          ".json": "read_json", ".jsonl": "read_json"}.get(path.suffix.lower())  # fmt: skip
    if fn is None:
        return None
    con = duckdb.connect()
    try:
        t0 = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM {fn}(?)", [str(path)])
        n = con.execute("SELECT count(*) FROM t").fetchone()[0]
        return int(n), time.perf_counter() - t0
    except duckdb.Error:
        return None
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="large", choices=["tiny", "small", "medium", "large"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", help="Folder for exports and workspace (default: a temp dir)")
    ap.add_argument("--results", default=str(HERE / "results.md"))
    args = ap.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="socialroi-bench-"))
    out, db = work / "exports", work / "bench.duckdb"
    if db.exists():
        db.unlink()
    notes: list[str] = []
    t0 = time.perf_counter()
    world = generate(args.seed, args.scale)
    gen_s, gen_mb = time.perf_counter() - t0, peak_mb()
    sessions = len(world["sessions"])
    print(f"generated {args.scale}: {sessions:,} sessions in {gen_s:.1f}s (peak {gen_mb:,.0f} MB)")
    t0 = time.perf_counter()
    files: list[Path] = []
    for name, mod in writer_modules().items():
        try:
            files += [Path(p) for p in mod.write(world, out)]
        except Exception as exc:  # noqa: BLE001 - a broken writer is reported, not fatal
            notes.append(f"writer {name} failed: {type(exc).__name__}: {exc}")
            traceback.print_exc()
    write_s = time.perf_counter() - t0
    del world
    files = import_order(files)
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files ({size / 1e6:,.1f} MB) in {write_s:.1f}s")
    per = defaultdict(lambda: {"files": 0, "rows": 0, "sr_s": 0.0, "db_rows": 0, "db_s": 0.0})
    t_import = 0.0
    with Workspace.open(db) as ws:
        for f in files:
            t0 = time.perf_counter()
            try:
                (res,) = ws.import_files([f])
            except SocialroiError as exc:
                notes.append(f"import failed: {exc}")
                continue
            dt_s = time.perf_counter() - t0
            t_import += dt_s
            key = f"{res.source}/{res.report}"
            row = per[key]
            row["files"] += 1
            row["rows"] += res.rows_read
            row["sr_s"] += dt_s
            d = duckdb_read(f)
            if d is not None:
                row["db_rows"] += d[0]
                row["db_s"] += d[1]
    imp_mb = peak_mb()
    lines = [
        f"# Import benchmark — scale `{args.scale}`",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, "
        f"DuckDB {duckdb.__version__}. Demo seed {args.seed}: {sessions:,} sessions; "
        f"{len(files)} files, {size / 1e6:,.1f} MB. Generate {gen_s:.1f}s, write {write_s:.1f}s.",
        "",
        "socialroi = `Workspace.import_files` per file (detect, parse, validate, unify, upsert, "
        "one transaction per file). DuckDB = `CREATE TABLE AS SELECT * FROM read_csv/"
        "read_parquet/read_json` of the same file (xlsx and zip files have no DuckDB row).",
        "",
        "| report | files | rows | socialroi s | socialroi rows/s | DuckDB s | DuckDB rows/s "
        "| DuckDB / socialroi |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    tot = {"rows": 0, "sr_s": 0.0, "db_rows": 0, "db_s": 0.0, "files": 0}
    for key in sorted(per):
        r = per[key]
        for k in tot:
            tot[k] += r[k]
        lines.append(_row(key, r))
    lines.append(_row("**total**", tot))
    lines += [
        "",
        f"Peak memory (max RSS): {gen_mb:,.0f} MB after generating, {imp_mb:,.0f} MB after "
        f"importing. Import wall time {t_import:.1f}s.",
    ]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.results).write_text(text)
    return 0


def _row(key: str, r: dict) -> str:
    sr = r["rows"] / r["sr_s"] if r["sr_s"] else 0
    db = r["db_rows"] / r["db_s"] if r["db_s"] else 0
    ratio = f"{db / sr:,.0f}x" if sr and db else "—"
    return (
        f"| {key} | {r['files']} | {r['rows']:,} | {r['sr_s']:.2f} | {sr:,.0f} | "
        f"{r['db_s']:.2f} | {db:,.0f} | {ratio} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
