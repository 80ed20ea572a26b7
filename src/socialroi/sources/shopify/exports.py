"""The Shopify orders export (Admin > Orders > Export > CSV for Excel / plain CSV).

One row per LINE ITEM: the first row of an order carries the order-level fields (Financial
Status, Currency, Subtotal, Shipping, Taxes, Total, Created at, Billing/Shipping Country,
Cancelled at, Refunded Amount, Id, ...); the following rows of the same order repeat Name
and Email and fill only the Lineitem columns. Each order becomes one `conversions` row
(kind purchase, value = Total in the order's Currency); an order whose landing site or
referring site is known (`Landing Site` / `Referring Site` columns that apps and custom
exports add, or `landing_site` / `utm_*` keys in Note Attributes) also becomes a
`touchpoints` row (origin `shopify_landing`).

`Created at` carries the store's UTC offset ("2025-01-08 10:15:00 +0800"): the UTC time comes
from it and the local date is the store's calendar day.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from socialroi.sources.base import Context, InputFile, account_id, report
from socialroi.sources.kit.accounts import known_currency, known_timezone
from socialroi.sources.kit.cells import (
    clean_id,
    decimal_style,
    email_hash,
    ids,
    numbers,
)
from socialroi.sources.kit.columns import columns, each_distinct, take, text_array
from socialroi.sources.kit.dates import slash_order
from socialroi.sources.kit.headers import HeaderMap, find_header_row
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table, table_from_rows
from socialroi.sources.kit.tabular import read_rows
from socialroi.sources.kit.times import parse_datetime
from socialroi.sources.shopify.columnar import orders_from_columns
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
    landing_fields,
    note_attributes,
    with_offsets,
)

__all__ = ["REQUIRED", "SOURCE", "landing_fields", "note_attributes", "orders_from_table"]


def _detect(s: Sniff) -> float:
    if s.kind != "text" or not s.rows:
        return 0.0
    al = _aliases()
    i = find_header_row(s.rows[:5], al, REQUIRED)
    if i is None:
        return 0.0
    hm = HeaderMap(s.rows[i], al)
    extra = sum(f in hm for f in ("financial_status", "lineitem_name", "currency", "email"))
    return 0.9 if extra >= 2 else 0.6


def _order_key(name: str) -> str:
    return name.strip()


@report(SOURCE, "orders", "Shopify orders export", detect=_detect)
def parse_orders(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    # A plain export (UTF-8 CSV, Created at with offsets, no error) is read in Arrow, whole
    # columns at once; any other reads row by row below, to the same frames and findings.
    staged = orders_from_columns(file, ctx)
    if staged is not None:
        return staged
    rows = read_rows(file)
    t = table_from_rows(
        ctx, rows.rows, _aliases(), REQUIRED, "Shopify orders export", first_row=rows.first_row,
        number_fields=("total", "refunded_amount"),
    )  # fmt: skip
    return orders_from_table(ctx, t)


def orders_from_table(ctx: Context, t: Table) -> dict[str, pd.DataFrame]:
    """The export's line-item rows as orders (the Admin API connector lays its orders out as
    these rows too, so a synced order means what an exported one means)."""
    hm = t.hm
    rows = t.rows
    raw = columns(rows, max([len(t.header), *(i + 1 for i in hm.index.values())]), fill=None)
    cleaned: dict[str, Sequence[str]] = {}

    def col(f: str) -> Sequence[str]:
        """A field's cells in every row, trimmed ("" when empty or absent)."""
        if f not in cleaned:
            i = hm.index.get(f)
            cleaned[f] = [""] * len(rows) if i is None else _clean(raw[i])
        return cleaned[f]

    return _stage(ctx, hm, group_orders(ctx, hm, t.row_numbers, col), col)


def _clean(values: Sequence) -> Sequence[str]:
    """Cells trimmed, None as "". "CSV for Excel" quotes what Excel would turn into a number
    ('10022, '+1 555...): the quote is dropped."""
    arr = text_array(values)
    if arr is None:
        return [_clean_cell(v) for v in values]
    text = pc.utf8_trim_whitespace(pc.fill_null(arr, ""))
    quoted = pc.starts_with(text, "'")
    if pc.any(quoted).as_py():
        text = pc.if_else(quoted, pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(text, 1)), text)
    elif arr.null_count == 0 and pc.all(pc.equal(text, arr)).as_py():
        return values  # nothing to trim
    return text.to_pylist()


def _clean_cell(v) -> str:
    v = (v or "").strip()
    return v[1:].strip() if v.startswith("'") else v


def group_orders(ctx: Context, hm: HeaderMap, rns: Sequence[int], col) -> list[dict]:
    """Line-item rows grouped into orders by Name. The order row is the first row of the
    Name that carries order fields (Total / Financial Status); the other rows of that Name
    are line items, whatever else they repeat (Created at, Email, Vendor, 0.00 money cells).
    A second row with order fields and a different Id, or after another order, is the same
    order exported twice: the later one is kept (`duplicate_order`). Each order holds `pos`,
    the position of its order row among the rows."""
    names, totals, ids_ = col("order_name"), col("total"), col("order_id")
    fields = [bool(a or b) for a, b in zip(totals, col("financial_status"), strict=True)]
    orders: list[dict] = []
    by_name: dict[str, dict] = {}
    last = None
    for k, rn in enumerate(rns):
        name = names[k]
        if not name:
            raise ctx.fail(
                "a row has no order name",
                row=rn,
                column=hm.column_name("order_name"),
                expected="the order's name, e.g. #1001, on every line-item row",
            )
        key = _order_key(name)
        order = by_name.get(key)
        if order is None:
            order = {"row": rn, "pos": None, "lines": 0, "name": name, "first": rn}
            by_name[key] = order
            orders.append(order)
        elif order["pos"] is not None and fields[k]:
            rid, oid = ids_[k], ids_[order["pos"]]
            total, ototal = totals[k], totals[order["pos"]]
            again = last != key or (rid and oid and rid != oid)
            if again or (total and ototal and total != ototal and not _zero(total)):
                ctx.finding(
                    "duplicate_order",
                    f"order {name} appears twice in the file; the later one is kept",
                    row=rn,
                    column=hm.column_name("order_name"),
                    value=name,
                )
                orders.remove(order)
                order = {"row": rn, "pos": None, "lines": 0, "name": name, "first": rn}
                by_name[key] = order
                orders.append(order)
        order["lines"] += 1
        if order["pos"] is None and fields[k]:
            order["row"], order["pos"] = rn, k
        last = key
    for o in orders:
        if o["pos"] is None:
            raise ctx.fail(
                "a line-item row comes without its order's first row",
                row=o["first"],
                column=hm.column_name("total"),
                value=o["name"],
                expected="the order's first row (with Total and Financial Status) among the "
                "rows of the same Name",
            )
    if not orders:
        raise ctx.fail("the orders export holds no orders", expected="at least one order row")
    return orders


def _stage(ctx: Context, hm: HeaderMap, orders: list[dict], col) -> dict[str, pd.DataFrame]:
    rns = [o["row"] for o in orders]
    positions = [o["pos"] for o in orders]

    def cells(f: str) -> Sequence[str]:  # a field's cells in the order rows
        return take(col(f), positions)

    money_fields = [f for f in ("total", "refunded_amount") if f in hm]
    dec = decimal_style(list(chain.from_iterable(cells(f) for f in money_fields)))
    totals = numbers(ctx, cells("total"), rns, hm.column_name("total"), decimal=dec)
    refunded = (
        numbers(ctx, cells("refunded_amount"), rns, hm.column_name("refunded_amount"),
                decimal=dec)
        if "refunded_amount" in hm else pd.Series([None] * len(orders), dtype="Float64")
    )  # fmt: skip
    native_ids = flags = None
    if "order_id" in hm:
        native_ids, flags = ids(ctx, cells("order_id"), rns, hm.column_name("order_id"))
    # Date order of slash dates (Excel re-saves): DMY if any first part is above 12.
    created_raw = cells("created_at")
    order = slash_order(created_raw)
    tz = known_timezone(ctx, SHOP)
    shop = ctx.options.account or ctx.file.folder_hint
    # Plain lists: Series.iloc per order costs more than all the rest.
    totals = totals.astype(object).where(totals.notna(), None).tolist()
    refunded = refunded.astype(object).where(refunded.notna(), None).tolist()
    if native_ids is not None:
        # an order row whose Id cell is empty is keyed by its Name, as in an export without
        # the Id column
        native_ids = [None if pd.isna(v) else v for v in native_ids.tolist()]
        flags = [False if pd.isna(f) else bool(f) for f in flags.tolist()]
    # Each order's time, total and currency, checked in the order of the rows.
    arr = text_array(created_raw)
    stamped = with_offsets(arr) if arr is not None else None
    utc = stamped[0] if stamped else []
    local_dates: list = stamped[1] if stamped else []
    assumed = 0
    default_currency = known_currency(ctx, SHOP)
    currencies = [(c or default_currency or "").upper() for c in cells("currency")]
    for n in range(len(orders)):
        rn = rns[n]
        if stamped is None:
            created = created_raw[n]
            parsed = parse_datetime(created, order) if created else None
            if parsed is None:
                raise ctx.fail(
                    "a cell is not a date and time",
                    row=rn,
                    column=hm.column_name("created_at"),
                    value=created or None,
                    expected="a timestamp such as 2025-01-08 10:15:00 +0800",
                )
            when, has_offset = parsed
            if not has_offset:
                if tz:
                    local = pd.Timestamp(when).tz_localize(tz)
                else:
                    local = pd.Timestamp(when).tz_localize("UTC")
                    assumed += 1
            else:
                local = pd.Timestamp(when)
            utc.append(local.tz_convert("UTC"))
            local_dates.append(local.date())
        if pd.isna(totals[n]):
            raise ctx.fail(
                "an order has no total",
                row=rn,
                column=hm.column_name("total"),
                expected="the order total, e.g. 59.50",
            )
        if not _CURRENCY.fullmatch(currencies[n]):
            raise ctx.fail(
                "an order has no currency" if not currencies[n] else "not a currency code",
                row=rn,
                column=hm.column_name("currency"),
                value=cells("currency")[n] or None,
                expected="an ISO 4217 code such as USD",
                hint="Pass --currency XXX for exports without a Currency column.",
            )
    status = [v.lower() for v in cells("financial_status")]
    left_out = [bool(c) or s == "voided" for c, s in zip(cells("cancelled_at"), status,
                                                          strict=True)]  # fmt: skip
    cancelled = [rn for rn, out in zip(rns, left_out, strict=True) if out]
    refunds = [rns[n] for n, out in enumerate(left_out) if not out and (
        status[n] in ("refunded", "partially_refunded") or (refunded[n] is not None
                                                           and refunded[n] > 0))]  # fmt: skip
    kept = [n for n, out in enumerate(left_out) if not out]
    utc_kept = take(utc, kept)
    emails = take(cells("email"), kept)
    ehash = each_distinct(emails, email_hash)
    cid = each_distinct(take(cells("customer_id"), kept),
                        lambda v: clean_id(v)[0] if v else None)  # fmt: skip
    customer = [f"shopify:{c}" if c else (f"shopify:email:{h[:32]}" if h else None)
                for c, h in zip(cid, ehash, strict=True)]  # fmt: skip
    market = _markets(ctx, take(cells("shipping_country"), kept),
                      take(cells("billing_country"), kept), take(rns, kept))  # fmt: skip
    queries: dict = {}
    marketing = each_distinct(
        list(zip(*(take(cells(f), kept) for f in ("note_attributes", "landing_site",
             "referring_site", "sales_channel")), strict=True)),
        lambda v: _marketing(*v, seen=queries),
    )  # fmt: skip
    lfs = [m[0] for m in marketing]
    tiktok_shop = sum(m[1] for m in marketing)
    keys = []
    order_ids = []
    for n in kept:
        name = orders[n]["name"]
        nid, mangled = (native_ids[n], bool(flags[n])) if native_ids is not None else (
            None, False)  # fmt: skip
        keys.append(nid if nid and not mangled
                    else f"{shop.lstrip('@') + ':' if shop else ''}{name}")  # fmt: skip
        order_ids.append(nid or name)
    conv = {
        "conversion_id": [f"shopify:{k}:purchase" for k in keys],
        "kind": ["purchase"] * len(kept),
        "occurred_at": utc_kept,
        "local_date": take(local_dates, kept),
        "user_id": customer,
        "email_hash": ehash,
        "customer_id": customer,
        "order_id": order_ids,
        "value": [float(totals[n]) for n in kept],
        "currency": take(currencies, kept),
        "market": market,
        **{f: [lf[f] for lf in lfs] for f in ("source", "medium", "campaign", "referrer",
                                               "landing_page")},
        "origin": [SOURCE] * len(kept),
        "is_new_customer": _new_customers(customer, utc_kept, take(rns, kept)),
    }  # fmt: skip
    touched = [j for j, lf in enumerate(lfs) if lf["landing_page"] or lf["referrer"]
               or lf["source"]]  # fmt: skip
    touch = {
        "touch_id": [f"{TOUCH_ORIGIN}:{keys[j]}" for j in touched],
        **{f: take(conv[f], touched) for f in ("occurred_at", "local_date", "user_id",
                                                "email_hash")},
        **{f: [lfs[j][f] for j in touched] for f in (*UTM, "click_id_type", "click_id",
                                                     "referrer", "landing_page")},
        "market": take(market, touched),
        "origin": [TOUCH_ORIGIN] * len(touched),
    }  # fmt: skip
    if cancelled:
        ctx.rows_skipped += len(cancelled)
        ctx.finding(
            "cancelled_order",
            f"{len(cancelled)} cancelled or voided order(s) are not purchases; left out",
            row=cancelled[0],
            column=hm.column_name("cancelled_at") if "cancelled_at" in hm else None,
            rows=len(cancelled),
        )
    if refunds:
        ctx.finding(
            "refunded_order",
            f"{len(refunds)} order(s) were refunded in full or part; stored at their original "
            "Total (see Refunded Amount in the export)",
            row=refunds[0],
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
    if assumed:
        ctx.finding(
            "assumed_utc",
            f"{assumed} Created at value(s) carry no UTC offset and no --timezone was given; "
            "read as UTC",
            column=hm.column_name("created_at"),
            rows=assumed,
        )
    no_customer = sum(1 for c in customer if c is None)
    if no_customer:
        ctx.finding(
            "no_customer",
            f"{no_customer} order(s) have no email or customer id (POS or guest orders); "
            "they count as purchases but not for customer lifetime value",
            rows=no_customer,
        )
    out = {"conversions": pd.DataFrame(conv) if kept else pd.DataFrame()}
    if touched:
        out["touchpoints"] = pd.DataFrame(touch)
    if shop:
        handle = shop.lstrip("@")
        currencies = sorted(set(conv["currency"]))
        out["accounts"] = pd.DataFrame(
            [{"account_id": account_id("shop", handle), "platform": "shop", "handle": handle,
              "currency": currencies[0] if len(currencies) == 1 else None, "kind": "shop",
              "market": ctx.options.market, "timezone": ctx.options.timezone}]
        )  # fmt: skip
    return out


def _markets(ctx: Context, shipping: Sequence[str], billing: Sequence[str], rns: Sequence[int]):
    """Each order's market from its shipping (else billing) country; an unknown country
    leaves it empty, with a finding for that row."""
    country = [s or b for s, b in zip(shipping, billing, strict=True)]
    codes = each_distinct(country, _country)
    for c, code, rn in zip(country, codes, rns, strict=True):
        if code is _UNKNOWN:
            ctx.finding("unknown_country", "a country is not known; market left empty",
                        row=rn, value=c)  # fmt: skip
    return [None if code is _UNKNOWN else code for code in codes]


def _new_customers(customer: list, utc: Sequence, rns: Sequence[int]) -> list:
    """The first order of each customer in the file (by time) is their first purchase."""
    out: list = [None] * len(customer)
    seen: set = set()
    ns = utc.asi8 if hasattr(utc, "asi8") else [t.value for t in utc]
    for j in np.lexsort((np.asarray(rns, dtype=np.int64), np.asarray(ns, dtype=np.int64))).tolist():
        cust = customer[j]
        if cust is not None:
            out[j] = cust not in seen
            seen.add(cust)
    return out
