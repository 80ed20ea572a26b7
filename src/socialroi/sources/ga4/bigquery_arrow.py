"""The GA4 event export flattened in Arrow: the layouts DuckDB's flattening does not take.

`bigquery` flattens a Parquet export in the plain events_* layout inside DuckDB
(`bigquery_sql.flatten_sql`); a JSON lines export, or a Parquet file whose fields have other
types or whose parameter values DuckDB would render differently, is flattened here, into the
same columns (`flatten`), with Arrow's casts and their errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.sources.base import Context
from socialroi.sources.ga4.bigquery_sql import PARAMS


def _field(table: pa.Table, *path: str) -> pa.ChunkedArray | None:
    """A (nested) column of the file, or None when the file's layout lacks it."""
    if path[0] not in table.column_names:
        return None
    arr: Any = table.column(path[0])
    for p in path[1:]:
        if not pa.types.is_struct(arr.type) or arr.type.get_field_index(p) < 0:
            return None
        arr = pc.struct_field(arr, p)
    return arr


def _typed(
    arr: Any, typ: pa.DataType, n: int, what: str, ctx: Context
) -> pa.Array | pa.ChunkedArray:
    if arr is None:
        return pa.nulls(n, type=typ)
    if arr.type == typ:
        return arr
    try:
        return pc.cast(arr, typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise ctx.fail(
            f"column {what} holds values of an unexpected type ({arr.type})",
            column=what,
            expected=f"{typ} values as in the BigQuery events_* layout",
        ) from None


def _params(table: pa.Table, n: int, ctx: Context) -> dict[str, pa.Array]:
    """`event_params` flattened to one column per key we use (vectorised, no Python loop
    over rows): each key's value is taken from its element by the element's parent index."""
    out: dict[str, pa.Array] = {}
    col = table.column("event_params") if "event_params" in table.column_names else None
    if col is None or not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)):
        for k in PARAMS:
            out[k] = pa.nulls(n, pa.float64() if k == "value" else pa.string())
        return out
    lists = col.combine_chunks()
    items = lists.flatten()
    parents = pc.list_parent_indices(lists).to_numpy()
    keys = _typed(_sub(items, "key"), pa.string(), len(items), "event_params.key", ctx)
    value = _sub(items, "value")

    def vfield(name: str, typ: pa.DataType) -> pa.Array:
        arr = _sub(value, name) if value is not None else None
        return _typed(arr, typ, len(items), f"event_params.value.{name}", ctx)

    sv = vfield("string_value", pa.string())
    iv = vfield("int_value", pa.int64())
    dv = pc.coalesce(vfield("double_value", pa.float64()), vfield("float_value", pa.float64()))
    for k in PARAMS:
        hit = np.flatnonzero(pc.fill_null(pc.equal(keys, k), False).to_numpy(zero_copy_only=False))
        src = np.full(n, -1, dtype=np.int64)
        src[parents[hit][::-1]] = hit[::-1]  # the first element with the key wins
        idx = pa.array(src, mask=src < 0)
        s, i, d = pc.take(sv, idx), pc.take(iv, idx), pc.take(dv, idx)
        if k == "ga_session_id":
            out[k] = pc.coalesce(pc.cast(i, pa.string()), s, pc.cast(pc.cast(d, pa.int64(),
                                 safe=False), pa.string()))  # fmt: skip
        elif k == "value":
            out[k] = pc.coalesce(d, pc.cast(i, pa.float64()), _num(s))
        else:
            out[k] = pc.coalesce(s, pc.cast(i, pa.string()), pc.cast(d, pa.string()))
    return out


def _sub(arr: Any, name: str) -> Any:
    if arr is None or not pa.types.is_struct(arr.type) or arr.type.get_field_index(name) < 0:
        return None
    return pc.struct_field(arr, name)


def _num(s: pa.Array) -> pa.Array:
    """Strings that hold numbers to float64 (others null)."""
    ok = pc.match_substring_regex(s, r"^\s*-?\d+(\.\d+)?\s*$")
    return pc.cast(pc.if_else(ok, s, pa.scalar(None, pa.string())), pa.float64())


def flatten(table: pa.Table, ctx: Context, first: int = 1) -> pa.Table:
    """The events with the fields we use under fixed names and types, whatever the file's
    layout (missing fields are nulls); `rn` numbers them from `first`."""
    n = table.num_rows
    cts = "collected_traffic_source"
    spec = {
        "event_date": (("event_date",), pa.string()),
        "ts": (("event_timestamp",), pa.int64()),
        "event_name": (("event_name",), pa.string()),
        "user_pseudo_id": (("user_pseudo_id",), pa.string()),
        "user_id": (("user_id",), pa.string()),
        "country": (("geo", "country"), pa.string()),
        "cts_source": ((cts, "manual_source"), pa.string()),
        "cts_medium": ((cts, "manual_medium"), pa.string()),
        "cts_campaign": ((cts, "manual_campaign_name"), pa.string()),
        "cts_content": ((cts, "manual_content"), pa.string()),
        "cts_term": ((cts, "manual_term"), pa.string()),
        "cts_gclid": ((cts, "gclid"), pa.string()),
        "cts_dclid": ((cts, "dclid"), pa.string()),
        "cts_srsltid": ((cts, "srsltid"), pa.string()),
        "ec_transaction_id": (("ecommerce", "transaction_id"), pa.string()),
        "ec_revenue": (("ecommerce", "purchase_revenue"), pa.float64()),
        "ec_revenue_usd": (("ecommerce", "purchase_revenue_in_usd"), pa.float64()),
    }
    cols: dict[str, Any] = {"rn": pa.array(np.arange(first, first + n, dtype=np.int64))}
    for name, (path, typ) in spec.items():
        cols[name] = _typed(_field(table, *path), typ, n, ".".join(path), ctx)
    for k, arr in _params(table, n, ctx).items():
        cols[f"p_{k}"] = arr
    for name, arr in cols.items():
        if pa.types.is_string(arr.type) and name not in ("event_date", "event_name"):
            cols[name] = _placeholders_to_null(arr, long=name in LONG_TEXT)
    return pa.table(cols)


LONG_TEXT = ("p_page_location", "p_page_referrer")
_PLACEHOLDERS = pa.array(["", "(not set)", "(none)", "(not provided)"])


def _placeholders_to_null(arr: Any, long: bool) -> Any:
    """'' and GA4's '(not set)' placeholders to null (URLs: only ''), vectorised."""
    if long:
        mask = pc.equal(arr, "")
    else:
        mask = pc.is_in(arr, value_set=_PLACEHOLDERS)
    return pc.if_else(mask, pa.scalar(None, arr.type), arr)
