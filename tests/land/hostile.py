"""A seeded mutator over the demo's export files, and the checks every damaged import must pass.

`cases(exports, seed, n)` yields `Case`s: one demo export damaged one way (truncated, bits
flipped, NUL bytes, a column deleted / renamed / duplicated / its header blanked, another
delimiter or encoding, extreme numbers and dates, formula cells, empty files, odd zips,
damaged workbooks and Parquet). `attempt(ws, case)` imports it into a workspace that already
holds the originals and returns what happened, checking:

- no traceback: only `ImportFailed` / `SocialroiError` may come out;
- no partial write: a refused file leaves every table exactly as it was;
- no double count: an accepted file adds at most `allowance` rows to any table (0 when the
  mutation changed no line's content, else two per line changed: a changed id is a new line);
- no implausible value stored: every stored value keeps the model's rules;
- bounded time (per case) and memory (the process's peak, checked by the callers).

Run outside the suite: `python -m tests.land.hostile --cases 1000` (one worker process at a
time under an address-space limit; a worker that dies is a memory kill or a crash).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import random
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from socialroi import Workspace
from socialroi.errors import ImportFailed, SocialroiError
from socialroi.model.rules import rules, window
from socialroi.model.schema import TABLES
from socialroi.store.duckdb import quote

EXTREME_NUMBERS = ["-1e308", "1e309", "-5", "1e13", "NaN", "inf", "-inf", "12%", "-0", "1e-320"]
EXTREME_DATES = [
    "9999-12-31", "1970-01-01", "1677-09-21", "2262-04-12", "2099-01-01", "2025-02-30",
    "0001-01-01", "31/12/9999",
]  # fmt: skip
FORMULAS = ["=SUM(A1:A9)", '=HYPERLINK("http://x","y")', "@cmd", "+1+1", "=1/0"]
CASE_SECONDS = 120  # one import taking longer is a hang


@dataclass
class Case:
    index: int
    source: Path  # the demo export it was made from
    mutation: str
    name: str  # the damaged file's name
    data: bytes
    allowance: int  # rows any table may gain

    def write(self, folder: Path) -> Path:
        # keep the platform and @handle folders: some exports name neither
        rel = Path(self.source.parent.parent.name) / self.source.parent.name
        path = folder / f"case{self.index}" / rel / self.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.data)
        return path


# -- mutations -----------------------------------------------------------------------------


def _text(data: bytes) -> tuple[str, str] | None:
    for enc in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, enc
    return None


def _grid_csv(data: bytes) -> tuple[list[list[str]], str, str] | None:
    got = _text(data)
    if got is None:
        return None
    text, enc = got
    sample = text[:4000]
    delim = max(",;\t", key=sample.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delim)), delim, enc


def _csv_bytes(rows: list[list[str]], delim: str, enc: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(enc)


def _header_index(rows: list[list]) -> int:
    """The first row with as many filled cells as the widest row: the header, under banners."""
    width = max((sum(1 for c in r if c not in (None, "")) for r in rows[:40]), default=0)
    for i, r in enumerate(rows[:40]):
        if sum(1 for c in r if c not in (None, "")) == width:
            return i
    return 0


def _numberish(v) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float):
        return True
    try:
        float(str(v).replace(",", ""))
        return True
    except ValueError:
        return False


_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{8}$)")


def _dateish(v) -> bool:
    return isinstance(v, dt.date) or bool(_DATE.match(str(v)))


def _figure_column(header: list, j: int) -> bool:
    """Not an id column: an extreme number there is a changed id, a new line (not a figure)."""
    name = str(header[j]) if j < len(header) else ""
    return not re.search(r"\bid\b|ID|编号|Record|Número", name, re.IGNORECASE)


def mutate_grid(rows: list[list], rng: random.Random, kind: str) -> tuple[list[list], int] | None:
    """A grid (header under banners, then data rows) damaged one way; (grid, allowance)."""
    rows = [list(r) for r in rows]
    h = _header_index(rows)
    body = list(range(h + 1, len(rows)))
    width = len(rows[h]) if rows else 0
    if not width:
        return None
    col = rng.randrange(width)
    if kind == "col_delete":
        for r in rows[h:]:
            if col < len(r):
                del r[col]
        return rows, 0
    if kind == "col_rename":
        rows[h][col] = "Renamed column"
        return rows, 0
    if kind == "col_blank_header":
        rows[h][col] = ""
        return rows, 0
    if kind == "col_duplicate":
        for r in rows[h:]:
            if col < len(r):
                r.insert(col + 1, r[col])
        return rows, 0
    if kind == "row_duplicate" and body:
        i = rng.choice(body)
        rows.insert(i + 1, list(rows[i]))
        return rows, 0
    if not body:
        return None
    if kind == "extreme_number":
        cells = [
            (i, j)
            for i in body
            for j, v in enumerate(rows[i])
            if _numberish(v) and _figure_column(rows[h], j)
        ]
        if not cells:
            return None
        i, j = rng.choice(cells)
        new = rng.choice(EXTREME_NUMBERS)
        if isinstance(rows[i][j], int | float):  # a number cell of a workbook stays one
            with contextlib.suppress(ValueError):
                new = float(new)
        rows[i][j] = new
        return rows, 0
    if kind == "extreme_date":
        cells = [(i, j) for i in body for j, v in enumerate(rows[i]) if _dateish(v)]
        if not cells:
            return None
        i, j = rng.choice(cells)
        rows[i][j] = rng.choice(EXTREME_DATES)
        return rows, 0
    if kind == "formula":
        i = rng.choice(body)
        j = rng.randrange(len(rows[i])) if rows[i] else 0
        if rows[i]:
            rows[i][j] = rng.choice(FORMULAS)
        return rows, 2
    return None


GRID_KINDS = (
    "col_delete", "col_rename", "col_blank_header", "col_duplicate", "row_duplicate",
    "extreme_number", "extreme_date", "formula",
)  # fmt: skip


def mutate_csv(data: bytes, rng: random.Random, kind: str) -> tuple[bytes, int] | None:
    got = _grid_csv(data)
    if got is None:
        return None
    rows, delim, enc = got
    if kind == "delimiter":
        return _csv_bytes(rows, ";" if delim != ";" else "\t", enc), 0
    if kind == "encoding":
        target = rng.choice(["utf-16", "utf-8-sig", "cp1252"])
        text = _csv_bytes(rows, delim, "utf-8").decode("utf-8")
        try:
            return text.encode(target), 0
        except UnicodeEncodeError:
            return text.encode("utf-16"), 0
    if kind == "nul_cell":
        h = _header_index(rows)
        if len(rows) <= h + 1:
            return None
        i = rng.randrange(h + 1, len(rows))
        if not rows[i]:
            return None
        j = rng.randrange(len(rows[i]))
        rows[i][j] = rows[i][j][:1] + "\x00" + rows[i][j][1:]
        return _csv_bytes(rows, delim, enc), 0
    out = mutate_grid(rows, rng, kind)
    if out is None:
        return None
    grid, allowance = out
    return _csv_bytes([["" if v is None else str(v) for v in r] for r in grid], delim, enc), (
        allowance
    )


def mutate_workbook(data: bytes, suffix: str, rng: random.Random, kind: str):
    """A workbook's sheets read, one sheet damaged, written back in the same format."""
    from tests.fixtures.linkedin.make_fixtures import write_xls, write_xlsx

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
    names = [n for n, rows in sheets.items() if len(rows) > 1]
    if not names:
        return None
    name = rng.choice(names)
    out = mutate_grid(sheets[name], rng, kind)
    if out is None:
        return None
    sheets[name], allowance = out
    tmp = io.BytesIO()
    path = Path(f"/tmp/_hostile_{rng.random()}{suffix}")
    try:
        for rows in sheets.values():
            for r in rows:
                for k, v in enumerate(r):
                    if isinstance(v, dt.time | dt.timedelta):
                        r[k] = str(v)
        (write_xls if suffix == ".xls" else write_xlsx)(path, sheets)
        tmp.write(path.read_bytes())
    except Exception:  # noqa: BLE001 - a value the writer cannot hold: no such case
        return None
    finally:
        path.unlink(missing_ok=True)
    return tmp.getvalue(), allowance


def mutate_parquet(data: bytes, rng: random.Random, kind: str):
    table = pq.read_table(io.BytesIO(data))
    rows = table.to_pylist()
    if not rows:
        return None
    r = rng.choice(rows)
    if kind == "extreme_date":
        r["event_date"] = rng.choice(["99991231", "19700101", "16770921", "22620412"])
    elif kind == "extreme_number":
        if r.get("ecommerce"):
            r["ecommerce"]["purchase_revenue"] = rng.choice([-1e308, math.inf, -5.0, 1e13])
        else:
            r["event_timestamp"] = rng.choice([-(2**63), 2**63 - 1, 0, -1])
    elif kind == "col_delete":
        keep = [c for c in table.column_names if c != rng.choice(table.column_names)]
        buf = io.BytesIO()
        pq.write_table(table.select(keep), buf)
        return buf.getvalue(), 0
    else:
        return None
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), buf)
    return buf.getvalue(), 0


def _zip(members: dict[str, bytes], dirs: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for d in dirs:
            zf.writestr(zipfile.ZipInfo(d), b"")
        for n, b in members.items():
            zf.writestr(n, b)
    return buf.getvalue()


BYTE_KINDS = ("truncate", "bitflip", "nul16", "empty", "xls_header_nul")
ZIP_KINDS = ("zip_folder_only", "zip_bomb", "zip_wrap", "zip_nested", "zip_member_damaged")
TEXT_KINDS = GRID_KINDS + ("delimiter", "encoding", "nul_cell")


def mutate(src: Path, rng: random.Random) -> tuple[str, str, bytes, int]:
    """(mutation, file name, bytes, allowance) for one demo export."""
    data = src.read_bytes()
    suffix = src.suffix.lower()
    kinds = list(BYTE_KINDS) + list(ZIP_KINDS)
    if suffix == ".csv":
        kinds += list(TEXT_KINDS) * 2
    elif suffix in (".xlsx", ".xls"):
        kinds += list(GRID_KINDS) * 2
    elif suffix == ".parquet":
        kinds += ["extreme_date", "extreme_number", "col_delete"] * 2
    for _ in range(20):
        kind = rng.choice(kinds)
        got = _mutate(src, data, suffix, rng, kind)
        if got is not None:
            name, out, allowance = got
            return kind, name, out, allowance
    return "truncate", src.name, data[: len(data) // 2], 2


def _mutate(src: Path, data: bytes, suffix: str, rng: random.Random, kind: str):
    name = src.name
    if kind == "truncate":
        return name, data[: rng.randrange(0, max(len(data), 1))], 2
    if kind == "bitflip":
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            if b:
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return name, bytes(b), 6
    if kind == "nul16":
        b = bytearray(data)
        at = rng.randrange(max(len(b) - 16, 1))
        b[at : at + 16] = b"\x00" * 16
        return name, bytes(b), 2
    if kind == "xls_header_nul":
        if suffix != ".xls":
            return None
        b = bytearray(data)
        at = rng.randrange(0, 496)
        b[at : at + 16] = b"\x00" * 16
        return name, bytes(b), 0
    if kind == "empty":
        return name, b"", 0
    if kind == "zip_folder_only":
        return src.stem + ".zip", _zip({}, ("exports/",)), 0
    if kind == "zip_bomb":
        return src.stem + ".zip", _zip({"bomb.csv": b"0" * (4 << 20)}), 0
    if kind == "zip_wrap" and suffix != ".zip":
        return src.stem + ".zip", _zip({name: data}), 0
    if kind == "zip_nested" and suffix != ".zip":
        return src.stem + ".zip", _zip({"inner.zip": _zip({name: data})}), 0
    if kind == "zip_member_damaged":
        z = bytearray(_zip({name: data}) if suffix != ".zip" else data)
        at = rng.randrange(30, max(len(z) // 2, 31))
        z[at] ^= 0xFF
        return src.stem + ".zip", bytes(z), 2
    if suffix == ".csv" and kind in TEXT_KINDS:
        out = mutate_csv(data, rng, kind)
    elif suffix in (".xlsx", ".xls") and kind in GRID_KINDS:
        out = mutate_workbook(data, suffix, rng, kind)
    elif suffix == ".parquet":
        out = mutate_parquet(data, rng, kind)
    else:
        return None
    return None if out is None else (name, out[0], out[1])


def exports_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".json")


def cases(exports: list[Path], seed: int, n: int, start: int = 0) -> Iterator[Case]:
    for i in range(start, n):
        rng = random.Random(f"{seed}:{i}")
        src = rng.choice(exports)
        kind, name, data, allowance = mutate(src, rng)
        yield Case(i, src, kind, name, data, allowance)


# -- the checks ----------------------------------------------------------------------------


def fingerprint(ws: Workspace) -> dict[str, tuple]:
    """Row count and the sum of every numeric column, per table."""
    out = {}
    for name, spec in TABLES.items():
        nums = [c.name for c in spec.columns if c.dtype in ("int64", "float64")]
        cols = "".join(f", sum({quote(c)})" for c in nums if c != "batch_id")
        out[name] = tuple(ws.store.raw.execute(f"SELECT count(*){cols} FROM {quote(name)}")
                          .fetchone())  # fmt: skip
    return out


def implausible(ws: Workspace) -> list[str]:
    """Stored values that break the model's rules (an empty list when there are none)."""
    bad = []
    for table in TABLES:
        for column, rule in rules(table).items():
            c = quote(column)
            if rule.kind == "date":
                lo, hi = window(rule)
                cond = f"CAST({c} AS DATE) NOT BETWEEN DATE '{lo}' AND DATE '{hi}'"
            else:
                cond = f"NOT isfinite({c}) OR {c} < {rule.low} OR {c} > {rule.high}"
            n = ws.store.raw.execute(
                f"SELECT count(*) FROM {quote(table)} WHERE {c} IS NOT NULL AND ({cond})"
            ).fetchone()[0]
            if n:
                bad.append(f"{table}.{column}: {n}")
    return bad


@dataclass
class Outcome:
    index: int
    mutation: str
    file: str
    result: str  # loaded, unchanged, refused, traceback, partial_write, double_count, ...
    message: str = ""
    seconds: float = 0.0

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


def attempt(ws: Workspace, case: Case, folder: Path) -> Outcome:
    path = case.write(folder)
    before = fingerprint(ws)
    t0 = time.monotonic()
    out = Outcome(case.index, case.mutation, f"{case.source.parent.name}/{case.name}", "")
    try:
        results = ws.import_files([path])
    except (ImportFailed, SocialroiError) as exc:
        out.seconds = time.monotonic() - t0
        after = fingerprint(ws)
        if after != before:
            out.result, out.message = "partial_write", str(exc)
        elif path.name not in str(exc) and "no such file" not in str(exc):
            out.result, out.message = "unnamed_refusal", str(exc)
        else:
            out.result, out.message = "refused", str(exc)
        return out
    except BaseException as exc:  # noqa: BLE001 - the very thing this test looks for
        import traceback

        out.seconds = time.monotonic() - t0
        out.result = "traceback"
        out.message = "".join(traceback.format_exception(exc))[-2000:]
        return out
    finally:
        shutil.rmtree(path.parents[2], ignore_errors=True)
    out.seconds = time.monotonic() - t0
    after = fingerprint(ws)
    grown = {t: after[t][0] - before[t][0] for t in TABLES if TABLES[t].kind != "system"}
    over = {t: g for t, g in grown.items() if g > case.allowance}
    statuses = {r.status for r in results}
    if out.seconds > CASE_SECONDS:
        out.result = "hang"
    elif over:
        out.result, out.message = "double_count", f"{over} (allowed {case.allowance})"
    elif bad := implausible(ws):
        out.result, out.message = "implausible_stored", "; ".join(bad)
    elif not results or not statuses <= {"loaded", "unchanged"}:
        out.result, out.message = "nothing_imported", str(statuses)
    else:
        out.result = "loaded" if "loaded" in statuses else "unchanged"
        out.message = "; ".join(r.describe() for r in results)[:300]
    return out


BAD = ("traceback", "partial_write", "double_count", "implausible_stored", "hang",
       "memory_kill", "unnamed_refusal", "nothing_imported")  # fmt: skip


# -- outside the suite: many cases, one worker process at a time ---------------------------


def _worker(db: Path, exports: Path, seed: int, start: int, end: int, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    folder = db.parent / "cases"
    with Workspace.open(db) as ws:
        for case in cases(exports_of(exports), seed, end, start):
            print(json.dumps({"start": case.index}), flush=True)
            print(attempt(ws, case, folder).as_json(), flush=True)
    print(json.dumps({"peak_mib": _peak_mib()}), flush=True)


def _peak_mib() -> int:
    """Peak resident memory of this process and the workbook readers it started, in MiB."""
    return (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        // 1024
    )


def main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--seed", type=int, default=22)
    p.add_argument("--memory-gib", type=float, default=4.0)
    p.add_argument("--dir", type=Path, default=Path("/tmp/hostile-run"))
    p.add_argument("--worker", nargs=2, type=int)
    p.add_argument("--db", type=Path)
    p.add_argument("--exports", type=Path)
    a = p.parse_args(argv)
    memory = int(a.memory_gib * (1 << 30))
    if a.worker:
        _worker(a.db, a.exports, a.seed, a.worker[0], a.worker[1], memory)
        return 0
    from socialroi.demo.run import run_demo

    a.dir.mkdir(parents=True, exist_ok=True)
    db, exports = a.dir / "demo.duckdb", a.dir / "exports"
    if not db.exists():
        run_demo(workspace=db, seed=5, scale="tiny", out=exports)
    work = a.dir / "work" / "ws.duckdb"
    work.parent.mkdir(exist_ok=True)
    shutil.copy(db, work)
    log = (a.dir / "outcomes.jsonl").open("w")
    i, t0, peak = 0, time.monotonic(), 0
    while i < a.cases:
        cmd = [sys.executable, "-m", "tests.land.hostile", "--seed", str(a.seed), "--db",
               str(work), "--exports", str(exports), "--memory-gib", str(a.memory_gib),
               "--worker", str(i), str(a.cases)]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        current = i
        for line in proc.stdout:
            rec = json.loads(line)
            if "start" in rec:
                current = rec["start"]
                continue
            if "peak_mib" in rec:
                peak = max(peak, rec["peak_mib"])
                continue
            log.write(line)
            i = rec["index"] + 1
        proc.wait()
        if i <= current and i < a.cases:  # the worker died inside a case
            dead = Outcome(current, "?", "?", "memory_kill", f"worker exit {proc.returncode}")
            log.write(dead.as_json() + "\n")
            i = current + 1
    log.close()
    outcomes = [json.loads(x) for x in (a.dir / "outcomes.jsonl").read_text().splitlines()]
    summary(outcomes, time.monotonic() - t0, peak)
    return 0


def summary(outcomes: list[dict], seconds: float, peak_mib: int) -> None:
    from collections import Counter

    by = Counter(o["result"] for o in outcomes)
    print(f"{len(outcomes)} cases in {seconds:.0f} s: {dict(by)}")
    for kind in BAD:
        print(f"  {kind}: {by.get(kind, 0)}")
    slowest = max((o["seconds"] for o in outcomes), default=0)
    print(f"  slowest case: {slowest:.1f} s; peak resident memory of a worker: {peak_mib} MiB")
    refusals = Counter(
        o["message"].split(": ", 1)[-1].split(";")[0].split(", expected")[0][:90]
        for o in outcomes
        if o["result"] == "refused"
    )
    print("  refusals, most common wording first:")
    for text, n in refusals.most_common(25):
        print(f"    {n:4d}  {text}")
    for o in outcomes:
        if o["result"] in BAD:
            print(f"  BAD {o['index']} {o['mutation']} {o['file']}: {o['result']}: "
                  f"{o['message'][:600]}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
