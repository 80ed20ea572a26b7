"""Where the importing process's time goes, statement by statement.

    python benchmarks/import/statements.py EXPORTS [--workspace W.duckdb] [--top 40]

Runs `socialroi import` of the folder in this process with every DuckDB connection the
product opens wrapped, so that each `execute` is timed (and each relation made with `sql`,
until its rows are fetched: unify's compiled queries), then prints the statements grouped by
the product's line that sent them and the statement's kind (its first words and the table it
names): how many, their time, and the mean. The time outside them is the process's Python
(detection, parsing the worker did not take, Arrow, unify's Python side, findings) or
waiting for the parse-ahead worker, which is a process of its own and is not traced.

Earlier sittings measured this with scripts kept outside the repository and lost with them;
this one stays beside the benchmark so that the next step starts from the same figures. It
measures; it does not compare (that is `side_by_side.py`). The wrapper adds about 20
microseconds a statement.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

import duckdb

_connect = duckdb.connect
STATS: dict[tuple[str, str], list[float]] = collections.defaultdict(lambda: [0, 0.0])
PACKAGE = [""]  # the folder of the socialroi package, once it is loaded


def _caller() -> str:
    """The deepest line of socialroi's own code on the stack."""
    for frame in reversed(traceback.extract_stack(limit=16)):
        if frame.filename.startswith(PACKAGE[0]):
            where = frame.filename[len(PACKAGE[0]) :]
            return f"{where}:{frame.lineno} {frame.name}"
    return "?"


def _kind(sql: object) -> str:
    text = re.sub(r"\s+", " ", str(sql)).strip()
    head = re.match(r"(\w+(?: \w+){0,2})", text)
    table = re.search(r'(?:INTO|UPDATE|FROM|TABLE) "?(\w+)"?', text)
    return f"{head.group(1) if head else text[:20]} {table.group(1) if table else ''}".strip()


class Traced:
    """A DuckDB connection whose `execute` and `sql` are timed; the rest is the connection's."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        object.__setattr__(self, "_con", con)

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._con, name, value)

    def execute(self, sql, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            got = STATS[(_caller(), _kind(sql))]
            got[0] += 1
            got[1] += time.perf_counter() - t0

    def sql(self, query, *args, **kwargs) -> Timed:
        """A relation (unify's compiled queries): timed from here to its rows."""
        return Timed(self._con.sql(query, *args, **kwargs), _caller(), _kind(query))

    def cursor(self) -> Traced:
        return Traced(self._con.cursor())

    def __enter__(self) -> Traced:
        self._con.__enter__()
        return self

    def __exit__(self, *exc) -> object:
        return self._con.__exit__(*exc)


class Timed:
    """A relation whose building and fetching count as one statement of `where`."""

    def __init__(self, rel, where: str, kind: str) -> None:
        self._rel, self._key, self._t0 = rel, (where, kind), time.perf_counter()

    def __getattr__(self, name: str):
        return getattr(self._rel, name)

    def to_arrow_table(self, *args, **kwargs):
        try:
            return self._rel.to_arrow_table(*args, **kwargs)
        finally:
            got = STATS[self._key]
            got[0] += 1
            got[1] += time.perf_counter() - self._t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("exports", type=Path)
    ap.add_argument("--workspace", type=Path, help="default: a fresh one in a temp folder")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    duckdb.connect = lambda *a, **k: Traced(_connect(*a, **k))  # before socialroi loads
    import socialroi  # noqa: PLC0415 - after the wrapper
    from socialroi.deliver.cli.main import main as cli  # noqa: PLC0415

    PACKAGE[0] = str(Path(socialroi.__file__).parent) + "/"
    with tempfile.TemporaryDirectory() as tmp:
        ws = args.workspace or Path(tmp) / "statements.duckdb"
        t0 = time.perf_counter()
        with contextlib.suppress(SystemExit):
            cli.main(["import", "-w", str(ws), str(args.exports)], standalone_mode=False)
        wall = time.perf_counter() - t0
    count = sum(int(n) for n, _ in STATS.values())
    spent = sum(t for _, t in STATS.values())
    print(f"\nimport {wall:.2f} s wall; {count} statements took {spent:.2f} s in this process, "
          f"the rest ({wall - spent:.2f} s) is Python or waiting\n")  # fmt: skip
    print("| seconds | statements | ms each | sent by | statement |\n|---:|---:|---:|---|---|")
    for (where, kind), (n, t) in sorted(STATS.items(), key=lambda kv: -kv[1][1])[: args.top]:
        print(f"| {t:.2f} | {int(n)} | {t / n * 1000:.1f} | `{where}` | `{kind}` |")


if __name__ == "__main__":
    sys.exit(main())
