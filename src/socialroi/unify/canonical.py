"""Unify: staged rows of any source to canonical rows, as Ibis expressions.

Parsers hand over staging frames already in canonical column names. What every source
shares happens here, written once in Ibis so DuckDB and Spark run the same code:

- money: each amount gets its value in the workspace base currency, joined to the daily rate
  table (`socialroi.unify.fx.daily_rates`) on currency and the event's date;
- channels: touchpoints, conversions and traffic rows get channel, platform and paid/organic
  from the channel rules (`socialroi.model.channels`), on lower-cased source and medium.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.model.channels import OUTPUTS, ChannelRule, classify_table
from socialroi.model.schema import TABLES

# table -> [(amount column, base column, date column)]
MONEY: dict[str, list[tuple[str, str, str]]] = {
    "ad_metrics": [
        ("spend", "spend_base", "metric_date"),
        ("platform_conversion_value", "platform_conversion_value_base", "metric_date"),
    ],
    "conversions": [("value", "value_base", "local_date")],
    "traffic_daily": [("revenue", "revenue_base", "metric_date")],
    "costs": [("amount", "amount_base", "period_end")],
}
LOWER = {
    "touchpoints": ("source", "medium"),
    "conversions": ("source", "medium"),
    "traffic_daily": ("source", "medium"),
}
CHANNEL_TABLES = ("touchpoints", "conversions", "traffic_daily")


def needs_unify(table: str, columns: list[str]) -> bool:
    """Whether `unify_table` changes anything for a staged table with these columns."""
    if table in CHANNEL_TABLES:
        return True
    return any(amount in columns and "currency" in columns for amount, _, _ in MONEY.get(table, []))


def staged_to_arrow(table: str, frame: pd.DataFrame | pa.Table) -> pa.Table:
    """Cast a staging frame's canonical columns to their types; other columns are dropped.
    A parser that stages Arrow (typed in the database) gets its columns cast as they are: a
    timestamp without a zone is UTC."""
    spec = TABLES[table]
    schema = spec.arrow_schema()
    if isinstance(frame, pa.Table):
        fields = [f for f in schema if f.name in frame.column_names]
        arrays = [frame.column(f.name).cast(f.type) for f in fields]
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    arrays, fields = [], []
    for fld in schema:
        if fld.name not in frame.columns:
            continue
        col = frame[fld.name]
        if pa.types.is_timestamp(fld.type):
            col = pd.to_datetime(col, utc=True)
        elif pa.types.is_date32(fld.type):
            col = pd.to_datetime(col).dt.date if len(col) and not _is_dates(col) else col
        fast = _vectorised(col, fld.type)
        if fast is not None:
            arr = fast
        elif pa.types.is_string(fld.type) and pd.api.types.is_object_dtype(col):
            arr = pa.array(col, type=fld.type, from_pandas=True)
        else:
            arr = pa.array(
                col.astype(object).where(col.notna(), None), type=fld.type, from_pandas=True
            )
        arrays.append(arr)
        fields.append(fld)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _vectorised(col: pd.Series, typ: pa.DataType) -> pa.Array | None:
    """A numeric, boolean or datetime column straight to Arrow (no Python object per
    cell), with the same result as the object path: a float taken as an integer drops its
    fraction, NaN and NaT are nulls. None for any other pair (the object path decides)."""
    kind = col.dtype.kind
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        if kind not in "iuf":
            return None
        arr = pa.array(col, from_pandas=True)
        if kind == "f" and pa.types.is_integer(typ):
            arr = pc.trunc(arr)
        return arr.cast(typ)
    if pa.types.is_boolean(typ) and kind == "b":
        return pa.array(col, from_pandas=True)
    if pa.types.is_timestamp(typ) and kind == "M":
        return pa.array(col, from_pandas=True).cast(typ, safe=False)
    return None


def _is_dates(col: pd.Series) -> bool:
    first = col.dropna()
    return first.empty or isinstance(first.iloc[0], dt.date)


def _money(t: ir.Table, fx: ir.Table, table: str) -> ir.Table:
    for amount, base, date_col in MONEY.get(table, []):
        if amount not in t.columns:
            continue
        if "currency" not in t.columns:
            continue
        rate = fx.select(_fx_cur=fx.currency, _fx_date=fx.rate_date, _to_base=fx.to_base)
        t = t.left_join(rate, [t.currency == rate._fx_cur, t[date_col] == rate._fx_date])
        t = t.mutate(**{base: t[amount] * t._to_base}).drop("_fx_cur", "_fx_date", "_to_base")
    return t


def _channels(
    table: str,
    t: ir.Table,
    rules: list[ChannelRule] | None,
    rules_t: ir.Table | None,
    clean: dict[str, Callable[[ir.StringValue], ir.StringValue]],
) -> ir.Table:
    def col(name: str) -> ir.StringValue:
        return t[name] if name in t.columns else ibis.null("string")

    known = None
    if table == "conversions":
        # A CRM deal or an order with no source information has no channel (not "Direct").
        known = (
            col("source").notnull()
            | col("medium").notnull()
            | col("referrer").notnull()
            | col("landing_page").notnull()
        )
        t = t.mutate(_known=known)
    t = classify_table(
        t, col("source"), col("medium"), col("referrer"), col("click_id_type"), rules=rules,
        rules_t=rules_t, clean=clean,
    )  # fmt: skip
    if "rule" not in TABLES[table].column_names:
        t = t.drop("rule")
    if known is not None:
        outs = [c for c in ("channel", "channel_platform", "paid") if c in t.columns]
        t = t.mutate(**{c: ibis.ifelse(t._known, t[c], ibis.null(t[c].type())) for c in outs})
        t = t.drop("_known")
    return t


def unify_table(
    table: str,
    t: ir.Table,
    fx: ir.Table,
    rules: list[ChannelRule] | None = None,
    rules_t: ir.Table | None = None,
) -> ir.Table:
    """The canonical rows for one staged table, as an Ibis expression (`rules_t`: the
    rules' table, `model.channels.rules_data`, when the caller supplies it as an input)."""
    clean = {c: _lower for c in LOWER.get(table, ()) if c in t.columns}
    if clean and table not in CHANNEL_TABLES:
        t = t.mutate(**{c: fn(t[c]) for c, fn in clean.items()})
    t = _money(t, fx, table)
    if table in CHANNEL_TABLES:  # lower-cased once per distinct value, with the channels
        t = _channels(table, t, rules, rules_t, clean)
    return t


def padded(table: str, data: pa.Table) -> pa.Table:
    """A channel table's staged rows with a typed empty column for each input column of the
    table they lack: every layout (Shopify orders, CRM deals, GA4 purchases...) then runs the
    one unify query compiled for the table, instead of one compiled per layout (0.1-0.3 s of
    Ibis each). An absent column and an empty one unify alike: the rules read an absent
    source, medium or referrer as empty, and an empty amount has an empty base amount.
    `unified_columns` takes the added columns back out, so that a file still carries only its
    own columns to the upsert (the others keep their stored values)."""
    derived = {"batch_id", *OUTPUTS, *(base for _, base, _ in MONEY.get(table, []))}
    fields = [f for f in TABLES[table].arrow_schema() if f.name not in derived]
    names = {f.name for f in fields}
    arrays = [data.column(f.name) if f.name in data.column_names else
              pa.nulls(data.num_rows, type=f.type) for f in fields]  # fmt: skip
    fields = [pa.field(f.name, a.type) for f, a in zip(fields, arrays)]
    for fld in data.schema:  # anything else staged stays, after them
        if fld.name not in names:
            fields.append(fld)
            arrays.append(data.column(fld.name))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def unified_columns(table: str, staged: list[str], out: list[str]) -> list[str]:
    """Of the columns `out` that `unify_table` gave for `padded` rows, those it gives for
    rows with only the `staged` columns (in the order of `out`): the staged columns, each base
    amount whose amount and currency were staged, and the channel columns."""
    keep = set(staged)
    keep |= {base for amount, base, _ in MONEY.get(table, [])
             if amount in keep and "currency" in keep}  # fmt: skip
    if table in CHANNEL_TABLES:
        keep |= {c for c in OUTPUTS if c != "rule" or c in TABLES[table].column_names}
    return [c for c in out if c in keep]


def _lower(value: ir.StringValue) -> ir.StringValue:
    # A regex, not .strip(): Ibis compiles strip to TRIM(... '\f' ...) and Spark reads '\f' as
    # the letter f, so "facebook" became "acebook" there.
    return value.lower().re_replace(r"^\s+|\s+$", "")


def unify(
    staged: dict[str, ir.Table], fx: ir.Table, rules: list[ChannelRule] | None = None
) -> dict[str, ir.Table]:
    """Every staged table to its canonical expression (same backend as the inputs)."""
    return {name: unify_table(name, t, fx, rules) for name, t in staged.items()}
