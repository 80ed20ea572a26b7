"""Import throughput: `socialroi import` against DuckDB reading the same files, in one run.

    python benchmarks/import/run.py --scale medium
    python benchmarks/import/run.py --exports demo-exports      # a folder already written

Generates the Voltiq demo at the scale and writes every source's exports (or takes a folder
of exports), then, in one run:

- imports the whole folder as `socialroi import` does (`runs.plan` + `runs.run`: detect,
  parse, validate, unify, upsert, one batch per file, small files' commits shared) into a
  fresh workspace, in a child process so its wall time and peak memory (max RSS) are its own;
- reads every file DuckDB has a reader for (`CREATE TABLE AS SELECT * FROM read_csv /
  read_parquet / read_json` into an in-memory database, one connection per file);
- for each GA4 event month in Parquet, runs socialroi's own GA4 SQL on it in DuckDB alone,
  and a bare sessionization (`duckdb_sessions`): where the GA4 step's time goes;
- the same GA4 SQL over all the Parquet months in one statement, on every thread
  (`ga4_whole_run`): the least the GA4 step can cost on this machine, the floor any shape of
  the import meets;
- DuckDB's reads again, into tables of one database file ended by a checkpoint
  (`duckdb_read_durable`): what writing them down costs, as a workspace must. Shown beside
  the goal's figure, which stays the in-memory read.

The ratio is socialroi's time over DuckDB's on the same files (the files DuckDB reads: CSV,
JSON lines, Parquet; workbooks and zips have no DuckDB row and are counted apart). Prints rows/s
per report and in total and writes them to `benchmarks/import/results.md`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path

import duckdb

HERE = Path(__file__).parent
READERS = {".csv": "read_csv", ".tsv": "read_csv", ".txt": "read_csv",
           ".parquet": "read_parquet", ".json": "read_json", ".jsonl": "read_json"}  # fmt: skip


def duckdb_read(path: Path) -> tuple[int, float, float] | None:
    """(rows, seconds, CPU seconds) for DuckDB's own reader of the file, or None if it has
    none."""
    fn = READERS.get(path.suffix.lower())
    if fn is None:
        return None
    con = duckdb.connect()
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        con.execute(f"CREATE TABLE t AS SELECT * FROM {fn}(?)", [str(path)])
        n = con.execute("SELECT count(*) FROM t").fetchone()[0]
        return int(n), time.perf_counter() - t0, time.process_time() - c0
    except duckdb.Error:
        return None
    finally:
        con.close()


def duckdb_read_durable(paths: list[Path], db: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) for DuckDB reading every file it has a reader for into a table
    of one database file, one table per file, then a checkpoint: the in-memory read plus
    what writing it down costs (a workspace is a file)."""
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        for i, path in enumerate(paths):
            fn = READERS[path.suffix.lower()]
            with contextlib.suppress(duckdb.Error):
                con.execute(f"CREATE TABLE t{i} AS SELECT * FROM {fn}(?)", [str(path)])
        con.execute("CHECKPOINT")
        return time.perf_counter() - t0, time.process_time() - c0
    finally:
        con.close()
        for p in (db, Path(f"{db}.wal")):
            p.unlink(missing_ok=True)


def ga4_whole_run(paths: list[Path]) -> tuple[int, float, float] | None:
    """(months, seconds, CPU seconds) for DuckDB running socialroi's GA4 SQL (flatten,
    sessions with their market, conversions) over every GA4 event month in Parquet at once:
    one statement each, reading the months in parallel on every thread, in memory, with
    nothing around it. A month is one row group, which one thread reads, so month by month
    the statements use one core; here they use all. A session that runs over a month's end
    is one session here and two rows (the later kept) in the import: a floor, not the
    import's output."""
    months = [p for p in paths if p.suffix.lower() == ".parquet"]
    if not months:
        return None
    sql = _ga4_statements(months)
    if sql is None:
        return None
    con = duckdb.connect()
    try:
        con.execute(sql[0])
        t0, c0 = time.perf_counter(), time.process_time()
        for statement in sql[1:]:
            con.execute(statement)
        return len(months), time.perf_counter() - t0, time.process_time() - c0
    finally:
        con.close()


def _ga4_statements(months: list[Path]) -> list[str] | None:
    """socialroi's GA4 statements over these Parquet months (laid out as the first one): the
    countries table, then the flatten, the sessions with their market and the conversions,
    built by the product's functions; None for a layout it flattens in Arrow instead."""
    import pyarrow.parquet as pq

    from socialroi.sources.ga4.bigquery import READ_COLUMNS, _duck_type
    from socialroi.sources.ga4.bigquery_sql import (
        conversions_sql,
        flatten_sql,
        sessions_with_market,
    )
    from socialroi.sources.kit.countries import country_table

    pf = pq.ParquetFile(months[0])
    layout = {f.name: _duck_type(f.type) for f in pf.schema_arrow if f.name in READ_COLUMNS}
    files = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in months) + "]"
    flat = flatten_sql(layout, f"read_parquet({files}, file_row_number = true)")
    if flat is None:
        return None
    names = ", ".join(
        "('" + name.replace("'", "''") + f"', '{code}')" for name, code in country_table()
    )
    return [
        f"CREATE TABLE countries AS SELECT * FROM (VALUES {names}) t(name, code)",
        f"CREATE TABLE norm AS {flat}",
        f"CREATE TABLE sessions AS {sessions_with_market()}",
        f"CREATE TABLE conv AS {conversions_sql()}",
    ]


def duckdb_sessions(path: Path) -> tuple[float, float, float, float] | None:
    """For a GA4 event month in Parquet, DuckDB alone running two pieces of SQL into tables
    of an in-memory database, as (seconds, CPU seconds) of each:

    - socialroi's own, built by the product's functions: the events flattened from the file
      (`flatten_sql`), grouped into sessions with their market (`sessions_with_market`), the
      conversions picked out (`conversions_sql`). No Python between the statements, no
      checks, no upsert, nothing durable.
    - a bare sessionization: each (visitor, ga_session_id) with its first time and landing
      page, the least any sessions need; no source, campaign, click id or referrer.

    None for a file it cannot take (JSON lines, another layout)."""
    if path.suffix.lower() != ".parquet":
        return None
    sql = _ga4_statements([path])
    if sql is None:
        return None
    file = "'" + str(path).replace("'", "''") + "'"

    def param(key: str, field: str) -> str:
        return f"list_filter(event_params, e -> e.key = '{key}')[1].value.{field}"

    con = duckdb.connect()
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        for statement in sql:
            con.execute(statement)
        ours = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        con.execute(
            "CREATE TABLE bare AS SELECT user_pseudo_id, sid, min(event_timestamp) AS first, "
            "arg_min(page, event_timestamp) AS landing_page FROM (SELECT user_pseudo_id, "
            f"event_timestamp, {param('ga_session_id', 'int_value')} AS sid, "
            f"{param('page_location', 'string_value')} AS page FROM read_parquet({file})) "
            "WHERE sid IS NOT NULL GROUP BY ALL"
        )
        bare = time.perf_counter() - t0, time.process_time() - c0
        return (*ours, *bare)
    finally:
        con.close()


def child_import(exports: Path, db: Path) -> None:
    """In the child: the `socialroi import` run of the folder; prints JSON timings."""
    from socialroi.land import runs
    from socialroi.land.ahead import peak_mb
    from socialroi.land.workspace import Workspace

    t_start, c_start = time.perf_counter(), time.process_time()
    planned = runs.plan([exports], ahead=True)
    t_plan = time.perf_counter() - t_start
    files = {f.name: (f.path, r.key) for f, r in planned.todo}
    out: list[dict] = []
    last = [time.perf_counter(), time.process_time()]

    def on_file(res) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        path, key = files.get(res.file, (None, f"{res.source}/{res.report}"))
        # a file's own time when the run measured it (grouped files are reported together,
        # after their shared commit), else the time since the file before
        took = (
            (res.seconds, res.cpu) if getattr(res, "seconds", 0) else (now - last[0], cpu - last[1])
        )
        out.append({"file": res.file, "path": str(path) if path else None, "key": key,
                    "status": res.status, "rows": res.rows_read, "s": took[0],
                    "cpu": took[1], "reason": res.reason})  # fmt: skip
        last[0], last[1] = now, cpu

    with Workspace.open(db) as ws:
        last[0], last[1] = time.perf_counter(), time.process_time()
        summary = runs.run(ws.store, [exports], base_currency=ws.base_currency, rules=ws.rules,
                           planned=planned, on_file=on_file)  # fmt: skip
    wall, cpu = time.perf_counter() - t_start, time.process_time() - c_start
    peak = peak_mb()  # this process's own (ru_maxrss would carry the parent's across exec)
    # the parse-ahead worker's CPU (start-up included) counts; its memory is its own
    worker = getattr(summary, "ahead", None) or {}
    print(json.dumps({"plan_s": t_plan, "wall_s": wall, "cpu_s": cpu + worker.get("cpu", 0.0),
                      "peak_mb": peak, "worker_cpu_s": worker.get("cpu", 0.0),
                      "worker_peak_mb": worker.get("peak_mb", 0.0), "worker": worker,
                      "files": out}))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="medium", choices=["tiny", "small", "medium", "large"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--exports", help="Import this folder of exports instead of generating one")
    ap.add_argument("--workdir", help="Folder for exports and workspace (default: a temp dir)")
    ap.add_argument("--results", default=str(HERE / "results.md"))
    ap.add_argument("--child-import", nargs=2, metavar=("EXPORTS", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_import:
        child_import(Path(args.child_import[0]), Path(args.child_import[1]))
        return 0
    work = Path(args.workdir or tempfile.mkdtemp(prefix="socialroi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.duckdb"
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    notes: list[str] = []
    made = ""
    if args.exports:
        out = Path(args.exports)
        what = f"exports folder `{out.name}`"
    else:
        out = work / "exports"
        made = _generate(args, out, notes)
        what = f"demo `{args.scale}`, seed {args.seed}"
    files = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files ({size / 1e6:,.1f} MB); importing ...", flush=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parents[1] / "src"), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, __file__, "--child-import", str(out), str(db)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 1
    imp = json.loads(proc.stdout.strip().splitlines()[-1])
    (work / "import-timings.json").write_text(json.dumps(imp, indent=1))
    print(f"socialroi import: {imp['wall_s']:.1f}s; DuckDB reads ...", flush=True)
    duckdb_read(next(p for p in files if p.suffix.lower() in READERS))  # warm up, not timed
    per = defaultdict(lambda: {"files": 0, "rows": 0, "sr_s": 0.0, "db_rows": 0, "db_s": 0.0,
                               "sr_db_s": 0.0, "sr_cpu": 0.0, "db_cpu": 0.0,
                               "sr_db_cpu": 0.0})  # fmt: skip
    db_total = sr_same = db_cpu = sr_cpu = 0.0
    sql = dict.fromkeys(("files", "ours_s", "ours_cpu", "bare_s", "bare_cpu", "read_s",
                         "read_cpu", "sr_s", "sr_cpu"), 0.0)  # fmt: skip
    for f in imp["files"]:
        if f["status"] == "failed":
            notes.append(f"import failed: {f['file']}: {f['reason']}")
        row = per[f["key"]]
        row["files"] += 1
        row["rows"] += f["rows"]
        row["sr_s"] += f["s"]
        row["sr_cpu"] += f["cpu"]
        path = Path(f["path"]) if f["path"] else None
        d = duckdb_read(path) if path is not None and path.name == Path(f["file"]).name else None
        if d is not None:
            row["db_rows"] += d[0]
            row["db_s"] += d[1]
            row["sr_db_s"] += f["s"]
            row["db_cpu"] += d[2]
            row["sr_db_cpu"] += f["cpu"]
            db_total += d[1]
            sr_same += f["s"]
            db_cpu += d[2]
            sr_cpu += f["cpu"]
            g = duckdb_sessions(path) if f["key"] == "ga4/events" else None
            if g is not None:  # this month's SQL, and a bare sessionization, beside its read
                sql["files"] += 1
                for k, v in zip(("ours_s", "ours_cpu", "bare_s", "bare_cpu"), g, strict=True):
                    sql[k] += v
                sql["read_s"] += d[1]
                sql["read_cpu"] += d[2]
                sql["sr_s"] += f["s"]
                sql["sr_cpu"] += f["cpu"]
    read = [Path(f["path"]) for f in imp["files"] if f["path"] and Path(f["path"]).suffix.lower()
            in READERS and Path(f["path"]).name == Path(f["file"]).name]  # fmt: skip
    print("DuckDB into a database file; GA4 SQL over the whole run ...", flush=True)
    durable = duckdb_read_durable(read, work / "durable.duckdb")
    whole = ga4_whole_run([p for p in read if "ga4" in p.parts and p.name.startswith("events_")])
    same = {"db_s": db_total, "sr_s": sr_same, "db_cpu": db_cpu, "sr_cpu": sr_cpu, "sql": sql,
            "durable": durable, "whole": whole}  # fmt: skip
    text = _render(what, made, files, size, imp, per, same, notes)
    print(text)
    Path(args.results).write_text(text)
    return 0


def _generate(args: argparse.Namespace, out: Path, notes: list[str]) -> str:
    from socialroi.demo.generate import generate
    from socialroi.demo.run import writer_modules

    t0 = time.perf_counter()
    world = generate(args.seed, args.scale)
    gen_s = time.perf_counter() - t0
    print(f"generated {args.scale}: {len(world['sessions']):,} sessions in {gen_s:.1f}s")
    t0 = time.perf_counter()
    for name, mod in writer_modules().items():
        try:
            mod.write(world, out)
        except Exception as exc:  # noqa: BLE001 - a broken writer is reported, not fatal
            notes.append(f"writer {name} failed: {type(exc).__name__}: {exc}")
            traceback.print_exc()
    return f" Generate {gen_s:.1f}s, write {time.perf_counter() - t0:.1f}s."


def _render(what, made, files, size, imp, per, same, notes) -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        )
    lines = [
        f"# Import benchmark — {what}",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {cpu}, {os.cpu_count()} cores "
        f"(shared), Python {sys.version.split()[0]}, DuckDB {duckdb.__version__}. "
        f"{len(files)} files, {size / 1e6:,.1f} MB.{made}",
        "",
        "socialroi = the `socialroi import` run of the folder (detect every file, then parse, "
        "validate, unify, upsert, one batch per file, small files' commits shared) in its own "
        "process. DuckDB = "
        "`CREATE TABLE AS SELECT * FROM read_csv/read_parquet/read_json` of each file it has a "
        "reader for (workbooks and zips have no DuckDB row).",
        "",
        f"**socialroi import {imp['wall_s']:.1f} s** wall, {imp['cpu_s']:.1f} s CPU (detection "
        f"{imp['plan_s']:.1f} s). DuckDB reading every file it has a reader for: "
        f"{same['db_s']:.1f} s wall, {same['db_cpu']:.1f} s CPU. **Whole run over DuckDB: "
        f"{imp['wall_s'] / same['db_s']:.1f}x wall, {imp['cpu_s'] / same['db_cpu']:.1f}x "
        f"CPU.** On the same files only (without detection and workbooks): "
        f"{same['sr_s'] / same['db_s']:.1f}x wall, {same['sr_cpu'] / same['db_cpu']:.1f}x "
        f"CPU. Peak memory of the import (max RSS): **{imp['peak_mb']:,.0f} MB**"
        + (
            f" (its parse-ahead worker: {imp['worker_peak_mb']:,.0f} MB, "
            f"{imp['worker_cpu_s']:.1f} s CPU, counted in the import's CPU)."
            if imp.get("worker_peak_mb")
            else "."
        ),
        "",
        "CPU time (all threads of the process) is the steadier figure on a shared machine: "
        "other processes stretch wall time, not CPU time.",
        "",
        _durable(imp, same),
        "",
        _ga4_sql(same["sql"]),
        "",
        _floor(imp, same),
        "",
        "| report | files | rows | socialroi s | socialroi CPU s | socialroi rows/s | DuckDB s "
        "| DuckDB CPU s | socialroi / DuckDB (wall) | socialroi / DuckDB (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    tot = {"rows": 0, "sr_s": 0.0, "db_rows": 0, "db_s": 0.0, "files": 0, "sr_db_s": 0.0,
           "sr_cpu": 0.0, "db_cpu": 0.0, "sr_db_cpu": 0.0}  # fmt: skip
    for key in sorted(per):
        r = per[key]
        for k in tot:
            tot[k] += r[k]
        lines.append(_row(key, r))
    lines.append(_row("**total**", tot))
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _ga4_sql(q: dict) -> str:
    """Where GA4 events' time goes: socialroi's import of the months, DuckDB running the
    product's SQL on them alone, a bare sessionization, and their bare read."""
    if not q["files"]:
        return "No GA4 event month in Parquet: no comparison of the GA4 SQL."
    return (
        f"**GA4 event months in Parquet ({q['files']:.0f})**: socialroi's import "
        f"{q['sr_s']:.2f} s wall, {q['sr_cpu']:.2f} s CPU; DuckDB alone running socialroi's "
        f"SQL on them (flatten, sessions with their market, conversions; in memory, no checks "
        f"or upsert) {q['ours_s']:.2f} s, {q['ours_cpu']:.2f} s CPU = "
        f"**{q['ours_s'] / q['read_s']:.1f}x their bare read** ({q['read_s']:.2f} s, "
        f"{q['read_cpu']:.2f} s CPU); a bare sessionization (visitor, session, first time "
        f"and landing page; no source or click id) {q['bare_s']:.2f} s, {q['bare_cpu']:.2f} s "
        f"CPU = {q['bare_s'] / q['read_s']:.1f}x the read. The SQL's sources, campaigns and "
        f"click ids cost {q['ours_s'] / q['bare_s']:.1f}x the bare grouping, the import "
        f"around it {q['sr_s'] / q['ours_s']:.1f}x the SQL."
    )


def _durable(imp: dict, same: dict) -> str:
    """The same reads written down: a database file and a checkpoint, as a workspace is."""
    s, cpu = same["durable"]
    return (
        f"DuckDB reading the same files into tables of one database file, then a checkpoint "
        f"(written down, as a workspace is; not the goal's measure): {s:.1f} s wall, "
        f"{cpu:.1f} s CPU; the import over it: {imp['wall_s'] / s:.1f}x wall, "
        f"{imp['cpu_s'] / cpu:.1f}x CPU."
    )


def _floor(imp: dict, same: dict) -> str:
    """What the GA4 SQL alone, at its most parallel, takes of the goal's budget (2x the
    read)."""
    if same["whole"] is None:
        return "No GA4 event month in Parquet: no floor for the GA4 step."
    n, s, cpu = same["whole"]
    budget = 2 * same["db_s"]
    return (
        f"**The GA4 floor**: socialroi's GA4 SQL over all {n} Parquet months at once (one "
        f"statement each, every thread, in memory, nothing around it) {s:.2f} s wall, "
        f"{cpu:.2f} s CPU: {s / same['db_s']:.2f}x DuckDB's read of the whole folder, "
        f"{s / budget:.0%} of the goal's budget (2x the read, {budget:.1f} s) before any "
        f"other file, check, upsert or write; the import took {imp['wall_s']:.1f} s."
    )


def _row(key: str, r: dict) -> str:
    sr = r["rows"] / r["sr_s"] if r["sr_s"] else 0
    ratio = f"{r['sr_db_s'] / r['db_s']:,.1f}x" if r["db_s"] else "—"
    ratio_cpu = f"{r['sr_db_cpu'] / r['db_cpu']:,.1f}x" if r["db_cpu"] > 0.005 else "—"
    db_s = f"{r['db_s']:.2f}" if r["db_s"] else "—"
    db_cpu = f"{r['db_cpu']:.2f}" if r["db_s"] else "—"
    return (
        f"| {key} | {r['files']} | {r['rows']:,} | {r['sr_s']:.2f} | {r['sr_cpu']:.2f} | "
        f"{sr:,.0f} | {db_s} | {db_cpu} | {ratio} | {ratio_cpu} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
