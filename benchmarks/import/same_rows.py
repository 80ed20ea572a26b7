"""Whether two workspaces hold the same rows: the check behind every import speed-up.

    python benchmarks/import/same_rows.py BEFORE.duckdb AFTER.duckdb [table,table,...]

Import the same exports folder with the code before and after a change (each into a fresh
workspace), then compare: for every table (or the ones named), the rows only one side holds,
as multisets (`EXCEPT ALL` both ways), every column but the batches' import times. Prints one
line per table and exits 1 if any differs, showing a few rows of each side. A faster import
must land the same sessions, conversions, findings and batches as the slower one did.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

TIMES = {"imported_at", "started_at", "finished_at", "loaded_at", "created_at"}


def compare(before: str, after: str, tables: list[str] | None = None) -> bool:
    con = duckdb.connect()
    for alias, path in (("a", before), ("b", after)):  # ATTACH takes no parameters
        con.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS {alias} (READ_ONLY)")
    if not tables:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'a' "
            "ORDER BY 1").fetchall()]  # fmt: skip
    same = True
    for t in tables:
        q = '"' + t.replace('"', '""') + '"'
        cols = [r[0] for r in con.execute(f"DESCRIBE a.{q}").fetchall() if r[0] not in TIMES]
        sel = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
        only = {}
        for side, this, other in (("before", "a", "b"), ("after", "b", "a")):
            only[side] = con.execute(
                f"SELECT {sel} FROM {this}.{q} EXCEPT ALL SELECT {sel} FROM {other}.{q}"
            ).fetchall()
        n_a = con.execute(f"SELECT count(*) FROM a.{q}").fetchone()[0]
        n_b = con.execute(f"SELECT count(*) FROM b.{q}").fetchone()[0]
        print(f"{t:18s} rows {n_a:>9,} / {n_b:>9,}   only before {len(only['before']):,}"
              f"   only after {len(only['after']):,}")  # fmt: skip
        if only["before"] or only["after"] or n_a != n_b:
            same = False
            for side, rows in only.items():
                for row in rows[:3]:
                    print(f"  {side}: {row}")
    print("SAME" if same else "DIFFERENT")
    return same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("tables", nargs="?", help="comma-separated tables (default: all)")
    args = ap.parse_args()
    tables = args.tables.split(",") if args.tables else None
    sys.exit(0 if compare(args.before, args.after, tables) else 1)


if __name__ == "__main__":
    main()
