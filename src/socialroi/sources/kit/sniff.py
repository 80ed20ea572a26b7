"""What detection looks at: a cheap, lazily computed glance at a file's content."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cached_property
from typing import Any

import pyarrow.parquet as pq

from socialroi.errors import ImportFailed
from socialroi.sources.base import InputFile
from socialroi.sources.kit.cells import clean_cell
from socialroi.sources.kit.headers import norm
from socialroi.sources.kit.limits import WorkbookDamaged
from socialroi.sources.kit.tabular import (
    decode,
    is_spreadsheet,
    read_rows,
    read_sheets,
    unreadable_text,
)


class Sniff:
    """The head of a file: text lines, delimited rows, sheet names, zip members, keys."""

    def __init__(self, file: InputFile) -> None:
        self.file = file
        self.name = file.name
        self.suffix = file.suffix
        # Why the file could not be looked at (a damaged workbook, NUL bytes in text): what
        # the importer says instead of "not an export socialroi recognises".
        self.damage: str | None = None

    @cached_property
    def kind(self) -> str:
        if self.file.data[:4] == b"PAR1":
            return "parquet"
        if self.file.is_zip:
            return "zip"
        if is_spreadsheet(self.file):
            return "spreadsheet"
        head = self.file.data[:2048].lstrip()
        if head.startswith(b"{") and self.suffix in (".json", ".jsonl", ".ndjson", ""):
            return "jsonl"
        return "text"

    @cached_property
    def rows(self) -> list[list[str]]:
        """First rows of a delimited text file (empty for other kinds)."""
        if self.kind != "text":
            return []
        try:
            return read_rows(self.file, max_rows=60).rows
        except (UnicodeDecodeError, ValueError) as exc:
            self.damage = unreadable_text(exc)
            return []

    @cached_property
    def lines(self) -> list[str]:
        if self.kind != "text":
            return []
        try:
            return decode(self.file.data[:65536])[0].splitlines()[:60]
        except (UnicodeDecodeError, ValueError):
            return []

    @cached_property
    def sheets(self) -> dict[str, list[list[Any]]]:
        if self.kind != "spreadsheet":
            return {}
        try:
            return read_sheets(self.file, max_rows=30)
        except ImportFailed:  # out of bounds: said as such, not as "not recognised"
            raise
        except WorkbookDamaged as exc:
            part = f" ({exc.part} cannot be read)" if exc.part else ""
            self.damage = f"the workbook is damaged{part}"
            return {}
        except Exception:  # noqa: BLE001 - a broken workbook simply matches nothing
            self.damage = "the workbook is damaged"
            return {}

    @cached_property
    def members(self) -> list[str]:
        if self.kind != "zip":
            return []
        try:
            with zipfile.ZipFile(io.BytesIO(self.file.data)) as zf:
                return [i.filename for i in zf.infolist() if not i.is_dir()]
        except zipfile.BadZipFile:
            return []

    @cached_property
    def json_keys(self) -> set[str]:
        if self.kind != "jsonl":
            return set()
        first = self.file.data[:65536].split(b"\n", 1)[0]
        try:
            obj = json.loads(first)
        except ValueError:
            return set()
        return set(obj) if isinstance(obj, dict) else set()

    @cached_property
    def parquet_columns(self) -> set[str]:
        if self.kind != "parquet":
            return set()
        try:
            return set(pq.ParquetFile(io.BytesIO(self.file.data)).schema_arrow.names)
        except Exception:  # noqa: BLE001
            return set()

    @cached_property
    def clean_grids(self) -> list[list[list[Any]]]:
        """The head's rows (text) or each sheet's (workbook) with cells trimmed and
        `undefined` as empty (`cells.clean_cell`), made once for all detectors."""
        if self.kind == "text":
            grids = [self.rows]
        elif self.kind == "spreadsheet":
            grids = list(self.sheets.values())
        else:
            grids = []
        return [[[clean_cell(c) for c in r] for r in rows] for rows in grids]

    def header_cells(self, rows: list[list[Any]] | None = None, limit: int = 15) -> set[str]:
        """Normalised cells of the first `limit` rows: what header matching looks at."""
        rows = self.rows if rows is None else rows
        return {norm(c) for r in rows[:limit] for c in r if c not in (None, "")}

    def match(self, names: list[str] | set[str], rows: list[list[Any]] | None = None) -> float:
        """Share of `names` (already normalised or not) found among the header cells."""
        if not names:
            return 0.0
        cells = self.header_cells(rows)
        wanted = {norm(n) for n in names}
        return len(wanted & cells) / len(wanted)
