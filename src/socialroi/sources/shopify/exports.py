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

import re
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, report
from socialroi.sources.kit.accounts import known_currency, known_timezone
from socialroi.sources.kit.cells import (
    clean_id,
    decimal_style,
    email_hash,
    ids,
    numbers,
    url_decode,
)
from socialroi.sources.kit.countries import country_code
from socialroi.sources.kit.dates import slash_order
from socialroi.sources.kit.headers import HeaderMap, find_header_row
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table, table_from_rows
from socialroi.sources.kit.tabular import read_rows
from socialroi.sources.kit.times import parse_datetime

SOURCE = "shopify"
SHOP = ("shop", "shopify")  # platforms a store is registered under
TOUCH_ORIGIN = "shopify_landing"
REQUIRED = ("order_name", "created_at", "total")
CLICK_IDS = ("fbclid", "ttclid", "li_fat_id", "twclid", "epik", "gclid", "wbraid", "gbraid",
             "dclid", "msclkid")  # fmt: skip
UTM = ("source", "medium", "campaign", "content", "term")
TIKTOK_SHOP = re.compile(r"tik\s*tok", re.I)  # the Source (sales channel) of TikTok Shop orders


def _aliases() -> dict[str, list[str]]:
    return aliases(SOURCE, "orders")


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


def landing_fields(landing: str | None, referrer: str | None) -> dict:
    """Source, medium, campaign, content, term and click id from a landing URL's query."""
    out: dict = {f: None for f in UTM}
    out.update(click_id_type=None, click_id=None)
    if landing:
        try:
            query = urlsplit(landing if "://" in landing or landing.startswith("/")
                             else "/" + landing).query  # fmt: skip
        except ValueError:
            query = ""
        params: dict[str, str] = {}
        for k, v in parse_qsl(query, keep_blank_values=False):
            params.setdefault(k.lower(), v)
        for f in UTM:
            v = params.get(f"utm_{f}")
            out[f] = url_decode(v).strip() if v else None
        for c in CLICK_IDS:
            if params.get(c):
                out["click_id_type"], out["click_id"] = c, params[c]
                break
    out["referrer"] = url_decode(referrer).strip() if referrer else None
    out["landing_page"] = url_decode(landing).strip() if landing else None
    return out


def note_attributes(text: str) -> dict[str, str]:
    """`landing_site: /?utm_source=x\\nreferring_site: https://...` -> dict (lower-case keys)."""
    out: dict[str, str] = {}
    for line in re.split(r"[\r\n]+", text or ""):
        if ":" in line:
            k, v = line.split(":", 1)
            out.setdefault(k.strip().lower().replace(" ", "_"), v.strip())
    return out


def _order_key(name: str) -> str:
    return name.strip()


@report(SOURCE, "orders", "Shopify orders export", detect=_detect)
def parse_orders(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
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

    def cell(r: list[str], f: str) -> str:
        i = hm.index.get(f)
        v = (r[i] or "").strip() if i is not None and i < len(r) else ""
        # "CSV for Excel" quotes what Excel would turn into a number: '10022, '+1 555...
        return v[1:].strip() if v.startswith("'") else v

    return _stage(ctx, hm, group_orders(ctx, hm, t.body, cell), cell)


def _has_order_fields(r: list[str], cell) -> bool:
    return bool(cell(r, "total") or cell(r, "financial_status"))


def group_orders(ctx: Context, hm: HeaderMap, body, cell) -> list[dict]:
    """Line-item rows grouped into orders by Name. The order row is the first row of the
    Name that carries order fields (Total / Financial Status); the other rows of that Name
    are line items, whatever else they repeat (Created at, Email, Vendor, 0.00 money cells).
    A second row with order fields and a different Id, or after another order, is the same
    order exported twice: the later one is kept (`duplicate_order`)."""
    orders: list[dict] = []
    by_name: dict[str, dict] = {}
    last = None
    for rn, r in body:
        name = cell(r, "order_name")
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
            order = {"row": rn, "cells": None, "lines": 0, "name": name, "first": rn}
            by_name[key] = order
            orders.append(order)
        elif order["cells"] is not None and _has_order_fields(r, cell):
            rid, oid = cell(r, "order_id"), cell(order["cells"], "order_id")
            total, ototal = cell(r, "total"), cell(order["cells"], "total")
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
                order = {"row": rn, "cells": None, "lines": 0, "name": name, "first": rn}
                by_name[key] = order
                orders.append(order)
        order["lines"] += 1
        if order["cells"] is None and _has_order_fields(r, cell):
            order["row"], order["cells"] = rn, r
        last = key
    for o in orders:
        if o["cells"] is None:
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


def _zero(text: str) -> bool:
    return bool(re.fullmatch(r"[0.,\s]*", text))


def _stage(ctx: Context, hm: HeaderMap, orders: list[dict], cell) -> dict[str, pd.DataFrame]:
    rns = [o["row"] for o in orders]
    money_fields = [f for f in ("total", "refunded_amount") if f in hm]
    raw_money = [cell(o["cells"], f) for o in orders for f in money_fields]
    dec = decimal_style(raw_money)
    totals = numbers(ctx, [cell(o["cells"], "total") for o in orders], rns,
                     hm.column_name("total"), decimal=dec)  # fmt: skip
    refunded = (
        numbers(ctx, [cell(o["cells"], "refunded_amount") for o in orders], rns,
                hm.column_name("refunded_amount"), decimal=dec)
        if "refunded_amount" in hm else pd.Series([None] * len(orders), dtype="Float64")
    )  # fmt: skip
    native_ids = flags = None
    if "order_id" in hm:
        native_ids, flags = ids(ctx, [cell(o["cells"], "order_id") for o in orders], rns,
                                hm.column_name("order_id"))  # fmt: skip
    # Date order of slash dates (Excel re-saves): DMY if any first part is above 12.
    created_raw = [cell(o["cells"], "created_at") for o in orders]
    order = slash_order(created_raw)
    tz = known_timezone(ctx, SHOP)
    assumed = 0
    shop = ctx.options.account or ctx.file.folder_hint
    conv, touch, cancelled, refunds = [], [], [], []
    tiktok_shop = 0
    seen_customers: dict[str, int] = {}
    # Plain lists: Series.iloc per order costs more than all the rest of the loop.
    totals = totals.astype(object).where(totals.notna(), None).tolist()
    refunded = refunded.astype(object).where(refunded.notna(), None).tolist()
    if native_ids is not None:
        native_ids, flags = native_ids.tolist(), flags.tolist()
    for n, o in enumerate(orders):
        r, rn = o["cells"], o["row"]
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
        if pd.isna(totals[n]):
            raise ctx.fail(
                "an order has no total",
                row=rn,
                column=hm.column_name("total"),
                expected="the order total, e.g. 59.50",
            )
        currency = (cell(r, "currency") or known_currency(ctx, SHOP) or "").upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ctx.fail(
                "an order has no currency" if not currency else "not a currency code",
                row=rn,
                column=hm.column_name("currency"),
                value=cell(r, "currency") or None,
                expected="an ISO 4217 code such as USD",
                hint="Pass --currency XXX for exports without a Currency column.",
            )
        status = cell(r, "financial_status").lower()
        if cell(r, "cancelled_at") or status in ("voided",):
            cancelled.append(rn)
            continue
        if status in ("refunded", "partially_refunded") or (
            pd.notna(refunded[n]) and refunded[n] > 0
        ):
            refunds.append(rn)
        name = o["name"]
        nid, mangled = (native_ids[n], bool(flags[n])) if native_ids is not None else (
            None, False)  # fmt: skip
        key = nid if nid and not mangled else f"{shop.lstrip('@') + ':' if shop else ''}{name}"
        email = cell(r, "email")
        ehash = email_hash(email)
        cid_raw = cell(r, "customer_id")
        cid = clean_id(cid_raw)[0] if cid_raw else None
        customer = f"shopify:{cid}" if cid else (f"shopify:email:{ehash[:32]}" if ehash else None)
        country = cell(r, "shipping_country") or cell(r, "billing_country")
        try:
            market = country_code(country)
        except KeyError:
            market = None
            ctx.finding("unknown_country", "a country is not known; market left empty",
                        row=rn, value=country)  # fmt: skip
        attrs = note_attributes(cell(r, "note_attributes"))
        landing = cell(r, "landing_site") or attrs.get("landing_site") or attrs.get("landing_page")
        referrer = (cell(r, "referring_site") or attrs.get("referring_site")
                    or attrs.get("referrer"))  # fmt: skip
        lf = landing_fields(landing or None, referrer or None)
        for f in UTM:  # utm_* note attributes (apps write them) fill what the URL lacks
            if not lf[f] and attrs.get(f"utm_{f}"):
                lf[f] = url_decode(attrs[f"utm_{f}"]).strip()
        if TIKTOK_SHOP.search(cell(r, "sales_channel")) and not lf["source"]:
            # sold on TikTok Shop (the sales channel app): the sale came from TikTok itself
            lf["source"], lf["medium"] = "tiktok", "shop"
            tiktok_shop += 1
        utc = local.tz_convert("UTC")
        row = {
            "conversion_id": f"shopify:{key}:purchase",
            "kind": "purchase",
            "occurred_at": utc,
            "local_date": local.date(),
            "user_id": customer,
            "email_hash": ehash,
            "customer_id": customer,
            "order_id": nid or name,
            "value": float(totals[n]),
            "currency": currency,
            "market": market,
            "source": lf["source"],
            "medium": lf["medium"],
            "campaign": lf["campaign"],
            "referrer": lf["referrer"],
            "landing_page": lf["landing_page"],
            "origin": SOURCE,
            "_sort": (utc, rn),
        }
        conv.append(row)
        if lf["landing_page"] or lf["referrer"] or lf["source"]:
            touch.append(
                {
                    "touch_id": f"{TOUCH_ORIGIN}:{key}",
                    "occurred_at": utc,
                    "local_date": local.date(),
                    "user_id": customer,
                    "email_hash": ehash,
                    **{f: lf[f] for f in UTM},
                    "click_id_type": lf["click_id_type"],
                    "click_id": lf["click_id"],
                    "referrer": lf["referrer"],
                    "landing_page": lf["landing_page"],
                    "market": market,
                    "origin": TOUCH_ORIGIN,
                }
            )
    # First order of each customer in the file (by time) is their first purchase.
    for row in sorted(conv, key=lambda c: c["_sort"]):
        cust = row["customer_id"]
        if cust is None:
            row["is_new_customer"] = None
        else:
            row["is_new_customer"] = cust not in seen_customers
            seen_customers[cust] = 1
    for row in conv:
        row.pop("_sort")
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
    no_customer = sum(1 for c in conv if c["customer_id"] is None)
    if no_customer:
        ctx.finding(
            "no_customer",
            f"{no_customer} order(s) have no email or customer id (POS or guest orders); "
            "they count as purchases but not for customer lifetime value",
            rows=no_customer,
        )
    out = {"conversions": pd.DataFrame(conv)}
    if touch:
        out["touchpoints"] = pd.DataFrame(touch)
    if shop:
        handle = shop.lstrip("@")
        currencies = sorted({c["currency"] for c in conv})
        out["accounts"] = pd.DataFrame(
            [{"account_id": account_id("shop", handle), "platform": "shop", "handle": handle,
              "currency": currencies[0] if len(currencies) == 1 else None, "kind": "shop",
              "market": ctx.options.market, "timezone": ctx.options.timezone}]
        )  # fmt: skip
    return out
