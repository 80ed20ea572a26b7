"""Plausibility at the door: every parsed value checked against the data model's rules.

`check(ctx, staged)` runs on the staging frames of one file, before unify and before anything
is stored. The rules are the model's (`socialroi.model.rules`); what happens to a value that
breaks one is decided here, per rule (docs/limits.md):

- a number that is not finite, or beyond ±1e12 (a count or an amount no export can hold):
  the file is refused: it is damaged or a column was misread, and any figure from it is
  suspect;
- a negative count, or a day before 2000-01-01 or after today (after the export was made;
  planned costs and hours: three years ahead): the row is left out, with one finding per
  column that names the first such row, the column and the value, and counts the rows;
- when more than half of a table's rows would be left out (or all of them), the file is
  refused instead: that is a misread column, not a few bad lines.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.model.rules import Rule, rules, window
from socialroi.sources.base import Context


def check(
    ctx: Context, staged: dict[str, pd.DataFrame | pa.Table]
) -> dict[str, pd.DataFrame | pa.Table]:
    out = {}
    for table, frame in staged.items():
        if frame is None or not len(frame):
            out[table] = frame
            continue
        arrow = isinstance(frame, pa.Table)
        names = frame.column_names if arrow else frame.columns
        ruled = {c: r for c, r in rules(table).items() if c in names}
        # Arrow staging (typed in the database): only the ruled columns come to pandas, and
        # not its date columns, which Arrow checks itself (no Python date per row).
        days = {c for c in ruled if arrow and pa.types.is_date(frame.column(c).type)}
        view = frame.select([c for c in ruled if c not in days]).to_pandas() if arrow else frame
        left_out = np.zeros(len(frame), dtype=bool)
        for column, rule in ruled.items():
            if column in days:
                values = None
                bad = _arrow_dates_outside(frame.column(column), rule)
            elif rule.kind == "date":
                values = view[column]
                bad = _dates_outside(values, rule)
            else:
                values = view[column]
                bad = _numbers_outside(ctx, table, column, values, rule)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                ctx.finding(
                    "implausible_value",
                    f"{int(bad.sum())} {table} row(s) hold a {column} outside the data model's "
                    f"rule ({rule.describe()}); those rows were left out",
                    row=i + 1,
                    column=column,
                    value=frame.column(column)[i].as_py() if values is None else values.iloc[i],
                    rows=int(bad.sum()),
                )
                left_out |= bad
        n = int(left_out.sum())
        if n and (n == len(frame) or n * 2 > len(frame)):
            raise ctx.fail(
                f"{n} of {len(frame)} {table} rows hold values the data model does not allow "
                "(see the findings above: negative counts or impossible dates)",
                value=_first_finding(ctx),
                expected="figures of zero or more and dates from 2000 up to the export's day",
            )
        if n:
            ctx.rows_skipped += n
            if arrow:
                frame = frame.filter(pa.array(~left_out))
            else:
                frame = frame.loc[~left_out].reset_index(drop=True)
        out[table] = frame
    return out


def _first_finding(ctx: Context) -> str | None:
    for f in reversed(ctx.findings):
        if f.kind == "implausible_value":
            return f"{f.column} = {f.value} (parsed row {f.row_number})"
    return None


def _numbers_outside(
    ctx: Context, table: str, column: str, values: pd.Series, rule: Rule
) -> np.ndarray:
    nums = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    present = ~pd.isna(values).to_numpy() & ~np.isnan(nums)
    with np.errstate(invalid="ignore"):
        huge = present & (~np.isfinite(nums) | (np.abs(nums) > rule.high))
    if huge.any():
        i = int(np.flatnonzero(huge)[0])
        raise ctx.fail(
            f"a {table} value is not a figure any export can hold (parsed row {i + 1})",
            column=column,
            value=_show(values.iloc[i]),
            expected=rule.describe(),
        )
    with np.errstate(invalid="ignore"):
        return present & (nums < rule.low)


def _show(v: Any) -> str:
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return repr(v) if isinstance(v, str) else str(v)


def _dates_outside(values: pd.Series, rule: Rule) -> np.ndarray:
    low, high = window(rule)
    if pd.api.types.is_datetime64_any_dtype(values):
        days = values.dt.tz_localize(None) if values.dt.tz is not None else values
        lo, hi = pd.Timestamp(low), pd.Timestamp(high) + pd.Timedelta(days=1)
        return (values.notna() & ((days < lo) | (days >= hi))).to_numpy()
    return np.array([_outside(v, low, high) for v in values], dtype=bool)


def _arrow_dates_outside(values: pa.ChunkedArray, rule: Rule) -> np.ndarray:
    """`_dates_outside` for an Arrow date column: empty cells are not outside."""
    low, high = window(rule)
    outside = pc.or_(pc.less(values, pa.scalar(low, values.type)),
                     pc.greater(values, pa.scalar(high, values.type)))  # fmt: skip
    return pc.fill_null(outside, False).to_numpy(zero_copy_only=False)


def _outside(v: Any, low: dt.date, high: dt.date) -> bool:
    if v is None or v is pd.NaT:
        return False
    if isinstance(v, float):
        return False  # NaN, or not a date: staged_to_arrow decides
    if isinstance(v, pd.Timestamp | dt.datetime):
        day = v.date()
    elif isinstance(v, dt.date):
        day = v
    else:
        return False  # not a date at all: staged_to_arrow's typing decides
    return not (low <= day <= high)
