"""A scratch DuckDB engine for one file's parse, with bounded memory.

A parser that shapes a large export in SQL (GA4's event export: millions of nested events
grouped into sessions) gets an in-memory database of its own that may use at most
`SCRATCH_MEMORY`; past that, DuckDB writes what it holds to a temporary folder (removed when
the parse ends) instead of growing the process. The workspace's own database is never used
for this: a parse must not touch what is stored.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator

import duckdb

MIB = 1 << 20
SCRATCH_MEMORY = 640 * MIB  # DuckDB's buffer pool for one parse; the rest spills to disk


@contextlib.contextmanager
def scratch_duckdb(memory: int = SCRATCH_MEMORY) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB of at most `memory` bytes, in UTC."""
    folder = tempfile.mkdtemp(prefix="socialroi-scratch-")
    con = duckdb.connect(config={"memory_limit": f"{memory // MIB}MB", "temp_directory": folder})
    try:
        con.execute("SET TimeZone = 'UTC'; SET enable_progress_bar = false")
        yield con
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)
