"""Numbers as people read them, small server-drawn charts and table sorting for templates.

Charts are computed here (bar lengths, line points) and drawn by the templates as plain
HTML/SVG: no chart library, nothing fetched by the browser.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from jinja2 import pass_context

from socialroi.deliver.i18n.columns import header
from socialroi.deliver.i18n.formats import Formatter, formatter
from socialroi.deliver.web.views import metric_info
from socialroi.measure.roi import delta_unit
from socialroi.model.words import SOURCE

MONEY_COLUMNS = {
    "amount_base", "revenue", "value", "historical_clv", "predicted_clv", "spend", "amount",
    "cost", "costs", "spend_base",
}  # fmt: skip
PERCENT_SUFFIXES = ("_share", "_delta", "_rate", "engagement_rate_impressions")


def _unit(column: str) -> str:
    if column.endswith("_delta"):  # one notation: points for rates, relative for amounts
        info = metric_info(column[: -len("_delta")])
        return delta_unit(info["unit"]) if info else "relative"
    if column.endswith(PERCENT_SUFFIXES):
        return "percent"
    if column.endswith("_shift"):
        return "points"
    base = column[:-5] if column.endswith("_prev") else column
    if base in MONEY_COLUMNS:
        return "currency"
    info = metric_info(base)
    return info["unit"] if info else ""


def number(value: Any, unit: str = "", currency: str = "", fmt: Formatter | None = None) -> str:
    """A value as the reader's locale writes it (Babel, the report's notation)."""
    f = fmt or formatter(SOURCE, currency or "USD")
    if currency and currency != f.currency:
        f = replace(f, currency=currency)
    return f.any(value, unit)


def cell(value: Any, column: str, currency: str = "", fmt: Formatter | None = None) -> str:
    """A number as the dashboard shows it in `column` (its unit from the column's name)."""
    return number(value, _unit(str(column)), currency, fmt)


@pass_context
def _num(ctx, value: Any, unit: str = "", currency: str = "") -> str:
    return number(value, unit, currency, ctx.get("fmt"))


@pass_context
def _cell(ctx, value: Any, column: str, currency: str = "", row=None) -> str:
    """A table cell: names for the reader (platforms, formats, channels, markets, cost
    categories and rules), numbers by the column's unit; an amount next to its own
    `currency` column is in that currency, not the base one."""
    f: Formatter = ctx.get("fmt") or formatter(SOURCE, currency or "USD")
    col = str(column)
    if isinstance(value, str):
        return label(f, col, value)
    if col == "amount" and row is not None:
        own = dict(row).get("currency")
        if isinstance(own, str) and len(own) == 3:
            currency = own
    return number(value, _unit(col), currency, f)


def label(f: Formatter, column: str, value: str) -> str:
    """A text cell as the reader reads it (the report's rule: `Formatter.value`)."""
    return f.value(column, value)


@pass_context
def _header(ctx, column: str) -> str:
    return header(column, ctx.get("fmt") or formatter(SOURCE, "USD"))


def is_numeric(df: pd.DataFrame, column: str) -> bool:
    return pd.api.types.is_numeric_dtype(df[column]) and not pd.api.types.is_bool_dtype(df[column])


def sort_frame(df: pd.DataFrame, table: str, sort: str, direction: str) -> pd.DataFrame:
    """Sort when the URL's `sort` names this table's column (`table.column`)."""
    if not sort or "." not in sort:
        return df
    name, _, col = sort.partition(".")
    if name != table or col not in df.columns:
        return df
    return df.sort_values(col, ascending=direction != "desc", na_position="last", kind="stable")


def bars(
    df: pd.DataFrame, label: str, value: str, limit: int = 20, sort: bool = True
) -> list[dict[str, Any]]:
    """Horizontal bars: label, value and length in percent of the largest absolute value."""
    if df is None or df.empty or label not in df or value not in df:
        return []
    rows = df[[label, value]].dropna()
    if sort:
        rows = rows.sort_values(value, ascending=False, kind="stable")
    rows = rows.head(limit)
    top = max((abs(float(v)) for v in rows[value]), default=0.0) or 1.0
    return [
        {"label": str(lab), "value": float(v), "pct": round(abs(float(v)) / top * 100, 1)}
        for lab, v in zip(rows[label], rows[value])
    ]


def line(df: pd.DataFrame, x: str, y: str, width: int = 600, height: int = 160) -> dict[str, Any]:
    """An SVG polyline of y over x (already ordered), with min/max for the axis labels."""
    if df is None or df.empty or x not in df or y not in df:
        return {}
    ys = [float(v) if v is not None and not pd.isna(v) else 0.0 for v in df[y]]
    lo, hi = min(ys + [0.0]), max(ys) if ys else 0.0
    span = (hi - lo) or 1.0
    n = len(ys)
    pts = []
    for i, v in enumerate(ys):
        px = 90 + (width - 100) * (i / (n - 1) if n > 1 else 0.5)
        py = height - 20 - (height - 30) * (v - lo) / span
        pts.append((round(px, 1), round(py, 1)))
    return {
        "points": " ".join(f"{a},{b}" for a, b in pts),
        "dots": pts,
        "labels": [str(v) for v in df[x]],
        "lo": lo,
        "hi": hi,
        "width": width,
        "height": height,
    }


def rows(df: pd.DataFrame, limit: int = 500) -> list[list[tuple[str, Any]]]:
    cols = [str(c) for c in df.columns]
    return [list(zip(cols, r)) for r in df.head(limit).itertuples(index=False, name=None)]


def sort_href(f, page: str, shared: str, key: str) -> str:
    """The link a column header points to: sort by it, or reverse the order if it already is."""

    direction = "desc" if f.opt("sort") != key or f.opt("dir") == "asc" else "asc"
    if shared:
        return f"/s/{shared}?" + urlencode({"sort": key, "dir": direction})
    return f"/{page}?" + f.query(sort=key, dir=direction)


CODE = re.compile(r"[a-z0-9]+(?:[_.:-][a-z0-9]+)+")


def is_code(value: Any) -> bool:
    """An identifier shown as it is stored (`ga4_event`, `tiktok:123`), not a word to read."""
    return isinstance(value, str) and CODE.fullmatch(value) is not None


def install(env) -> None:
    env.globals["is_code"] = is_code
    env.globals["rows"] = rows
    env.globals["sort_href"] = sort_href
    env.filters["num"] = _num
    env.filters["cell"] = _cell
    env.filters["header"] = _header
    env.globals["is_numeric"] = is_numeric
    env.globals["sort_frame"] = sort_frame
    env.globals["bars"] = bars
    env.globals["line"] = line
    env.globals["unit_of"] = _unit
