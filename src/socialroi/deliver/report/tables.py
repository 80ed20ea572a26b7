"""What a report is made of: sections holding typed tables, charts and one take-away sentence.

A table keeps raw values plus each column's kind (money, count, percent, ...). The HTML and PDF
format the values for the reader's language; the XLSX writes the same values as typed cells
with a number format, so finance can compute with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# text, money, money2 (two decimals), count, number (two decimals), percent, delta (relative
# change), points (percentage points), ratio, date, rate (an exchange rate, 4 decimals);
# pp (a change in percentage points, stored as a fraction: 0.02 = 2 points);
# auto: the row's "_kind_<column>" or "_kind" says (a table of metrics in different units)
KINDS = ("text", "money", "money2", "count", "number", "percent", "delta", "points", "ratio",
         "date", "rate", "pp", "auto")  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; valid: {', '.join(KINDS)}")


@dataclass
class Table:
    name: str  # short, used as the XLSX block title
    columns: list[Column]
    rows: list[dict[str, Any]]
    title: str = ""
    color_key: str | None = None  # column whose value (a platform) gets its colour mark
    # HTML and PDF show at most this many rows (the XLSX has them all); None: every row.
    doc_rows: int | None = None
    note: str = ""  # one line under the table
    # "line": the XLSX draws the table as a native line chart beside it (first column the
    # x axis, every other column a series); the HTML and PDF have their own SVG charts
    chart: str | None = None

    @property
    def shown_rows(self) -> list[dict[str, Any]]:
        return self.rows if self.doc_rows is None else self.rows[: self.doc_rows]

    @classmethod
    def from_frame(
        cls, name: str, df: pd.DataFrame, columns: list[Column], title: str = "", **kw: Any
    ) -> Table:
        keys = [c.key for c in columns]
        missing = [k for k in keys if k not in df.columns]
        if missing:
            raise KeyError(f"table {name}: columns {missing} not in {list(df.columns)}")
        rows = [
            {k: _py(v) for k, v in zip(keys, r)}
            for r in df[keys].itertuples(index=False, name=None)
        ]
        return cls(name, columns, rows, title, **kw)

    def column(self, key: str) -> list[Any]:
        return [r.get(key) for r in self.rows]


def cell_kind(col: Column, row: dict[str, Any]) -> str:
    if col.kind != "auto":
        return col.kind
    return row.get(f"_kind_{col.key}") or row.get("_kind", "number")


@dataclass
class Section:
    key: str
    title: str
    takeaway: str
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # inline SVG
    bullets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: bool = True


def plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row with plain Python values (numpy scalars unwrapped, NaN as None)."""
    return {k: _py(v) for k, v in row.items()}


def _py(v: Any) -> Any:
    """numpy / pandas scalars to plain Python; missing to None."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item"):
        return v.item()
    return v


def unavailable(f, key: str, what: str) -> Section:
    """A section that cannot be built from this workspace, saying why."""
    return Section(key, f.t(key), f.t("not_available", what=what), available=False)


KIND_OF_UNIT = {"currency": "money", "count": "count", "people": "count", "percent": "percent",
                "ratio": "ratio"}  # fmt: skip
