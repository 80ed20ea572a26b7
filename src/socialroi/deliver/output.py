"""Tables for people and programs: terminal tables, CSV and JSON, safe for spreadsheets.

Channel, campaign and caption text comes from the internet. In CSV a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return could run as a formula when the file is opened
in a spreadsheet, so such text cells get a leading apostrophe (OWASP's CSV-injection advice).
Numbers are left alone.
"""

from __future__ import annotations

import io
import json
import math

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("table", "csv", "json")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(df: pd.DataFrame) -> str:
    safe = df.copy()
    for c in safe.columns:
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c]):
            safe[c] = safe[c].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    buf = io.StringIO()
    safe.to_csv(buf, index=False)
    return buf.getvalue()


def to_json(df: pd.DataFrame, **extra: object) -> str:
    records = json.loads(df.to_json(orient="records", date_format="iso", double_precision=15))
    return json.dumps({"rows": records, **extra}, indent=2, ensure_ascii=False, default=str)


def render(df: pd.DataFrame, console: Console, title: str | None = None) -> None:
    t = Table(title=Text(title) if title else None)
    for c in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[c])
        t.add_column(Text(str(c)), justify="right" if numeric else "left")
    for row in df.itertuples(index=False):
        # Text, not str: a campaign named "[red]..." must print as typed, not as markup.
        t.add_row(*[Text(_fmt(v)) for v in row])
    console.print(t)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return "" if v is None else str(v)
