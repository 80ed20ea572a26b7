"""Numbers as people read them, small server-drawn charts and table sorting for templates.

Charts are computed here (bar lengths, line points) and drawn by the templates as plain
HTML/SVG: no chart library, nothing fetched by the browser.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from socialroi.deliver.web.views import metric_info
from socialroi.measure.roi import delta_unit

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


def number(value: Any, unit: str = "", currency: str = "") -> str:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        if value.tzinfo is None and (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")  # a date DuckDB handed over as a timestamp
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            return ""
        if unit == "percent":
            return f"{v * 100:,.1f} %"
        if unit == "points":
            return f"{v:+,.1f} pt"
        if unit == "pp":  # a change of a rate, as a fraction: 0.036 is +3.6 pt
            return f"{v * 100:+,.1f} pt"
        if unit == "relative":
            return f"{v * 100:+,.1f} %"
        if unit == "currency":
            return (
                f"{v:,.0f} {currency}".strip() if abs(v) >= 100 else f"{v:,.2f} {currency}".strip()
            )
        if unit == "ratio":
            return f"{v:,.2f}"
        if isinstance(value, int) or v.is_integer():
            return f"{v:,.0f}"
        return f"{v:,.2f}"
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def cell(value: Any, column: str, currency: str = "") -> str:
    return number(value, _unit(str(column)), currency)


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


def install(env) -> None:
    env.globals["rows"] = rows
    env.globals["sort_href"] = sort_href
    env.filters["num"] = number
    env.filters["cell"] = cell
    env.globals["is_numeric"] = is_numeric
    env.globals["sort_frame"] = sort_frame
    env.globals["bars"] = bars
    env.globals["line"] = line
    env.globals["unit_of"] = _unit
