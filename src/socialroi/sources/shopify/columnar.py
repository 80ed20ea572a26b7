"""The orders export read in Arrow: whole columns at once, Python once per distinct value.

A large store's export holds hundreds of thousands of line-item rows. `orders_from_columns`
reads a plain export (`tabular.read_columns`) and does what `exports.orders_from_table` does
(rows to orders, orders to conversions and touchpoints, the same findings) on Arrow arrays:
a URL, a note attribute, an e-mail or a country is read once per distinct value, by the same
functions. It reads only what it can tell is ordinary: a file with an error to report, orders
written in an unusual way (Created at without an offset, an order exported twice, rows of an
order apart), or anything else it cannot tell returns None, and `exports` reads the file row
by row to the same frames, findings and errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.sources.base import Context, InputFile, account_id
from socialroi.sources.kit.accounts import known_currency
from socialroi.sources.kit.cells import (
    clean_id,
    decimal_style,
    email_hash,
    ids,
    is_total_label,
    numbers_array,
    skipped_totals,
)
from socialroi.sources.kit.headers import HeaderMap, find_header_row
from socialroi.sources.kit.tabular import read_columns
from socialroi.sources.shopify.orders import (
    _CURRENCY,
    _UNKNOWN,
    REQUIRED,
    SHOP,
    SOURCE,
    TOUCH_ORIGIN,
    UTM,
    _aliases,
    _country,
    _marketing,
    _zero,
    with_offsets,
)

STRING = pa.large_string()  # what pandas holds its text columns in
# First characters of a cell no total label starts with (`cells._NOT_TOTAL_START`)
_NOT_TOTAL = r"^[#0-9a-fh-ru-zA-FH-RU-Z]"
_FIELDS = ("note_attributes", "landing_site", "referring_site", "sales_channel")


class _Unsure(Exception):
    """The file is not one the columnar reading can tell it reads as `exports` does."""


def orders_from_columns(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame] | None:
    """`exports.parse_orders` of a plain export, read in Arrow; None (and `ctx` as it was)
    when the file should be read row by row."""
    table = read_columns(file)
    if table is None:
        return None
    before = (len(ctx.findings), ctx.rows_read, ctx.rows_skipped)
    try:
        return _orders(ctx, table)
    except _Unsure:
        del ctx.findings[before[0] :]
        ctx.rows_read, ctx.rows_skipped = before[1:]
        return None


def _orders(ctx: Context, table: pa.Table) -> dict[str, pd.DataFrame]:
    al = _aliases()
    head = table.slice(0, 30).to_pylist()
    top = [list(r.values()) for r in head]
    h = find_header_row(top, al, REQUIRED)
    if h is None or table.num_columns < 3:
        raise _Unsure
    hm = HeaderMap(top[h], al)
    hm.refuse_duplicates(ctx, "table", h + 1)
    raw = [c.combine_chunks().slice(h + 1) for c in table.columns]
    body, rns = _body(ctx, raw, h + 2)

    def col(f: str) -> pa.Array:
        """A field's cells in the body rows, trimmed ("" when absent): `exports._clean`."""
        i = hm.index.get(f)
        if i is None:
            return pa.array([""] * len(rns), pa.string())
        text = pc.utf8_trim_whitespace(raw[i].take(body))
        quoted = pc.starts_with(text, "'")
        if pc.any(quoted).as_py():
            text = pc.if_else(quoted, pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(text, 1)),
                              text)  # fmt: skip
        return text

    positions = _group(col)
    return _stage(ctx, hm, positions, rns, col)


def _body(ctx: Context, raw: list[pa.Array], first: int) -> tuple[pa.Array, np.ndarray]:
    """The rows that are data (positions among `raw`'s rows) and their row numbers: blank
    rows are left out, total rows too under one finding (`table._build`)."""
    n = len(raw[0])
    keep = np.ones(n, dtype=bool)
    maybe = np.flatnonzero(pc.equal(pc.utf8_trim_whitespace(raw[0]), "").to_numpy(False))
    if len(maybe):  # a first cell empty or blank: blank when every cell is
        blank = np.ones(len(maybe), dtype=bool)
        for c in raw:
            blank &= pc.equal(pc.utf8_trim_whitespace(c.take(maybe)), "").to_numpy(False)
        keep[maybe[blank]] = False
    # a total row: the first of its first three cells that is not empty is a total label
    lead = pc.if_else(pc.not_equal(raw[0], ""), raw[0],
                      pc.if_else(pc.not_equal(raw[1], ""), raw[1], raw[2]))  # fmt: skip
    odd = pc.and_(pc.not_equal(lead, ""), pc.invert(pc.match_substring_regex(lead, _NOT_TOTAL)))
    totals: list[tuple[int, str]] = []
    for k in np.flatnonzero(odd.to_numpy(False) & keep).tolist():
        label = lead[k].as_py()
        if is_total_label(label):
            keep[k] = False
            totals.append((k + first, label))
    body = np.flatnonzero(keep)
    ctx.rows_read += len(body) + len(totals)
    skipped_totals(ctx, totals)
    return pa.array(body), body + first


def _group(col) -> np.ndarray:
    """The position of each order's row among the body rows, in order of the orders: the
    first row of each Name with Total or Financial Status (`exports.group_orders`), when each
    order's rows are together and none is exported twice; else `_Unsure`."""
    names = col("order_name")
    if not len(names) or pc.any(pc.equal(names, "")).as_py():
        raise _Unsure  # no orders, or a row without a name: an error
    codes = names.dictionary_encode().indices.to_numpy(False)
    starts = np.ones(len(codes), dtype=bool)
    starts[1:] = codes[1:] != codes[:-1]
    run = np.cumsum(starts) - 1
    runs = int(run[-1]) + 1
    if runs != len(np.unique(codes)):
        raise _Unsure  # the rows of an order apart (or an order exported twice)
    fields = pc.or_(pc.not_equal(col("total"), ""), pc.not_equal(col("financial_status"), ""))
    rows = np.flatnonzero(fields.to_numpy(False))
    ran, first = np.unique(run[rows], return_index=True)
    if len(ran) != runs:
        raise _Unsure  # line items without their order's row: an error
    positions = rows[first]
    # another row with order fields: the same order again unless its Id is empty or the
    # same and its Total empty, the same or zero
    pos = positions[run]
    again = rows[rows != pos[rows]]
    if len(again):
        ids_, totals = col("order_id"), col("total")
        for k, p in zip(again.tolist(), pos[again].tolist(), strict=True):
            rid, oid = ids_[k].as_py(), ids_[p].as_py()
            total, ototal = totals[k].as_py(), totals[p].as_py()
            if (rid and oid and rid != oid) or (
                total and ototal and total != ototal and not _zero(total)
            ):
                raise _Unsure
    return positions


def _stage(ctx: Context, hm: HeaderMap, positions: np.ndarray, rns_all: np.ndarray, col):
    """`exports._stage` of the orders at `positions`."""
    take = pa.array(positions)
    rns = rns_all[positions]
    rn_list = rns.tolist()

    def cells(f: str) -> pa.Array:
        return col(f).take(take)

    money_fields = [f for f in ("total", "refunded_amount") if f in hm]
    dec = decimal_style(pa.concat_arrays([cells(f) for f in money_fields]))
    totals = numbers_array(ctx, cells("total"), rn_list, hm.column_name("total"), decimal=dec)
    if "refunded_amount" in hm:
        refunded = numbers_array(ctx, cells("refunded_amount"), rn_list,
                                 hm.column_name("refunded_amount"), decimal=dec)  # fmt: skip
        refunded = refunded.to_numpy(dtype=float, na_value=np.nan)
    else:
        refunded = np.full(len(rns), np.nan)
    order_ids, mangled = pa.nulls(len(rns), pa.string()), np.zeros(len(rns), dtype=bool)
    if "order_id" in hm:
        order_ids = cells("order_id")
        if not pc.all(pc.match_substring_regex(order_ids, r"^[0-9]+$")).as_py():
            native, flags = ids(ctx, order_ids.to_pylist(), rn_list, hm.column_name("order_id"))
            if native.isna().any():
                raise _Unsure  # an order row without its Id: read row by row
            order_ids, mangled = pa.array(native.tolist(), pa.string()), flags.to_numpy(bool)
    stamped = with_offsets(cells("created_at"))
    if stamped is None:
        raise _Unsure  # Created at written otherwise: read (or refused) row by row
    utc, local_dates = stamped
    values = totals.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any():
        raise _Unsure  # an order without a total: an error
    default_currency = known_currency(ctx, SHOP)
    currencies = _each(cells("currency"), lambda c: (c or default_currency or "").upper())
    if not all(_CURRENCY.fullmatch(c) for c in pc.unique(currencies).to_pylist()):
        raise _Unsure  # an order without a currency: an error

    status = _each(cells("financial_status"), str.lower).to_numpy(False).astype(object)
    left_out = pc.not_equal(cells("cancelled_at"), "").to_numpy(False) | (status == "voided")
    refund = np.isin(status, ("refunded", "partially_refunded")) | (refunded > 0)
    cancelled = rns[left_out]
    refunds = rns[~left_out & refund]
    kept = np.flatnonzero(~left_out)
    if not len(kept):
        raise _Unsure
    pick = pa.array(kept)
    ehash = _each(cells("email").take(pick), email_hash)
    cid = _each(cells("customer_id").take(pick), lambda v: clean_id(v)[0] if v else None)
    customer = pc.coalesce(pc.binary_join_element_wise("shopify:", cid, ""),
                           pc.binary_join_element_wise("shopify:email:",
                                                       pc.utf8_slice_codeunits(ehash, 0, 32),
                                                       ""))  # fmt: skip
    market = _markets(ctx, cells("shipping_country").take(pick),
                      cells("billing_country").take(pick), rns[kept])  # fmt: skip
    lfs, touched, tiktok_shop = _marketing_of(cells, pick)
    shop = ctx.options.account or ctx.file.folder_hint
    names = cells("order_name").take(pick)
    native = order_ids.take(pick)
    prefix = f"{shop.lstrip('@') + ':' if shop else ''}"
    own = pc.binary_join_element_wise(prefix, names, "")  # the order's key without an Id
    keys = pc.if_else(pa.array(mangled[kept]), own, pc.coalesce(native, own))
    occurred = utc.take(kept)
    conv = {
        "conversion_id": pc.binary_join_element_wise("shopify:", keys, ":purchase", ""),
        "kind": _repeat("purchase", len(kept)),
        "occurred_at": occurred,
        "local_date": [local_dates[k] for k in kept.tolist()],
        "user_id": customer,
        "email_hash": ehash,
        "customer_id": customer,
        "order_id": pc.coalesce(native, names),
        "value": values[kept],
        "currency": currencies.take(pick),
        "market": market,
        **{f: lfs[f] for f in ("source", "medium", "campaign", "referrer", "landing_page")},
        "origin": _repeat(SOURCE, len(kept)),
        "is_new_customer": _new_customers(customer, occurred, rns[kept]),
    }
    t = np.flatnonzero(touched)
    tpick = pa.array(t)
    touch = {
        "touch_id": pc.binary_join_element_wise(TOUCH_ORIGIN + ":", keys.take(tpick), ""),
        **{f: _take(conv[f], t) for f in ("occurred_at", "local_date", "user_id",
                                           "email_hash")},
        **{f: lfs[f].take(tpick) for f in (*UTM, "click_id_type", "click_id", "referrer",
                                            "landing_page")},
        "market": market.take(tpick),
        "origin": _repeat(TOUCH_ORIGIN, len(t)),
    }  # fmt: skip
    if len(cancelled):
        ctx.rows_skipped += len(cancelled)
        ctx.finding(
            "cancelled_order",
            f"{len(cancelled)} cancelled or voided order(s) are not purchases; left out",
            row=int(cancelled[0]),
            column=hm.column_name("cancelled_at") if "cancelled_at" in hm else None,
            rows=len(cancelled),
        )
    if len(refunds):
        ctx.finding(
            "refunded_order",
            f"{len(refunds)} order(s) were refunded in full or part; stored at their original "
            "Total (see Refunded Amount in the export)",
            row=int(refunds[0]),
            column=hm.column_name("refunded_amount") if "refunded_amount" in hm else None,
            rows=len(refunds),
        )
    if tiktok_shop:
        ctx.finding(
            "tiktok_shop_order",
            f"{tiktok_shop} order(s) were sold on TikTok Shop (Source column); stored with "
            "source tiktok, medium shop",
            column=hm.column_name("sales_channel"),
            rows=tiktok_shop,
        )
    no_customer = customer.null_count
    if no_customer:
        ctx.finding(
            "no_customer",
            f"{no_customer} order(s) have no email or customer id (POS or guest orders); "
            "they count as purchases but not for customer lifetime value",
            rows=no_customer,
        )
    out = {"conversions": _frame(conv)}
    if len(t):
        out["touchpoints"] = _frame(touch)
    if shop:
        handle = shop.lstrip("@")
        kinds = sorted(pc.unique(conv["currency"]).to_pylist())
        out["accounts"] = pd.DataFrame(
            [{"account_id": account_id("shop", handle), "platform": "shop", "handle": handle,
              "currency": kinds[0] if len(kinds) == 1 else None, "kind": "shop",
              "market": ctx.options.market, "timezone": ctx.options.timezone}]
        )  # fmt: skip
    return out


def _each(values: pa.Array, fn) -> pa.Array:
    """`fn` of every text cell, called once per distinct cell (None: a null)."""
    enc = values.dictionary_encode()
    return pa.array([fn(v) for v in enc.dictionary.to_pylist()], pa.string()).take(enc.indices)


def _markets(ctx: Context, shipping: pa.Array, billing: pa.Array, rns: np.ndarray) -> pa.Array:
    """`exports._markets`: each order's market, a finding for each unknown country."""
    country = pc.if_else(pc.not_equal(shipping, ""), shipping, billing)
    enc = country.dictionary_encode()
    codes = [_country(v) for v in enc.dictionary.to_pylist()]
    unknown = np.array([c is _UNKNOWN for c in codes], dtype=bool)
    idx = enc.indices.to_numpy(False)
    if unknown.any():
        for j in np.flatnonzero(unknown[idx]).tolist():
            ctx.finding("unknown_country", "a country is not known; market left empty",
                        row=int(rns[j]), value=country[j].as_py())  # fmt: skip
    known = [None if c is _UNKNOWN else c for c in codes]
    return pa.array(known, pa.string()).take(enc.indices)


def _marketing_of(cells, pick: pa.Array) -> tuple[dict[str, pa.Array], np.ndarray, int]:
    """`exports._marketing` of every kept order, read once per distinct (note attributes,
    landing site, referring site, sales channel): its fields, whether it is a touch, and how
    many orders were sold on TikTok Shop."""
    key = None
    encs = []
    for f in _FIELDS:
        enc = cells(f).take(pick).dictionary_encode()
        encs.append(enc)
        codes = enc.indices.to_numpy(False).astype(np.int64)
        key = codes if key is None else key * len(enc.dictionary) + codes
        _, first, key = np.unique(key, return_index=True, return_inverse=True)
    values = [np.asarray(e.dictionary.to_pylist(), dtype=object)[e.indices.to_numpy(False)[first]]
              for e in encs]  # fmt: skip
    queries: dict = {}
    lfs, flags = [], []
    for v in zip(*values, strict=True):
        lf, flag = _marketing(*v, seen=queries)
        lfs.append(lf)
        flags.append(flag)
    idx = pa.array(key)
    out = {f: pa.array([lf[f] for lf in lfs], pa.string()).take(idx)
           for f in (*UTM, "click_id_type", "click_id", "referrer", "landing_page")}  # fmt: skip
    touch = np.array([bool(lf["landing_page"] or lf["referrer"] or lf["source"]) for lf in lfs],
                     dtype=bool)  # fmt: skip
    return out, touch[key], int(np.asarray(flags, dtype=np.int64)[key].sum())


def _new_customers(customer: pa.Array, utc, rns: np.ndarray) -> list | np.ndarray:
    """`exports._new_customers`: the first order of each customer (by time, then row)."""
    order = np.lexsort((rns.astype(np.int64), utc.asi8))
    who = pd.Series(customer.take(pa.array(order)).to_pandas(), copy=False)
    first = np.empty(len(order), dtype=bool)
    first[order] = ~who.duplicated().to_numpy()
    if not customer.null_count:
        return first
    out = first.astype(object)
    out[customer.is_null().to_numpy(False)] = None
    return out.tolist()


def _repeat(value: str, n: int) -> pa.Array:
    return pa.array([value], pa.string()).take(pa.array(np.zeros(n, dtype=np.int64)))


def _take(values, rows: np.ndarray):
    if isinstance(values, list):
        return [values[k] for k in rows.tolist()]
    if isinstance(values, pa.Array):
        return values.take(pa.array(rows))
    return values.take(rows)


def _frame(columns: dict) -> pd.DataFrame:
    """The frame `pd.DataFrame` makes of these columns as Python lists: text as pandas text
    (a column of nothing but None as objects), lists and arrays as they are."""
    out = {}
    for name, values in columns.items():
        if isinstance(values, pa.Array):
            if values.null_count == len(values):
                values = np.full(len(values), None, dtype=object)
            else:
                values = values.cast(STRING).to_pandas()
        out[name] = values
    return pd.DataFrame(out)
