"""Shopify's Admin GraphQL API as a connector: orders, read as the orders export.

Written from Shopify's references (shopify.dev/docs/api/admin-graphql, version 2026-01):
- `POST https://{shop}.myshopify.com/admin/api/2026-01/graphql.json` with the header
  `X-Shopify-Access-Token` (a custom app's Admin API token, `shpat_…`, does not expire);
  the answer is `{"data", "errors"?, "extensions": {"cost": {"requestedQueryCost",
  "actualQueryCost", "throttleStatus": {"maximumAvailable", "currentlyAvailable",
  "restoreRate"}}}}`; a query over the bucket is answered with an error whose
  `extensions.code` is `THROTTLED` (HTTP 200): wait until the bucket refills, then ask again;
- `orders(first, after, query: "updated_at:>='…' AND updated_at:<='…'", sortKey: UPDATED_AT)`
  with `nodes` and `pageInfo { hasNextPage endCursor }` (cursor paging); Order fields `id`,
  `legacyResourceId`, `name`, `email`, `createdAt`, `cancelledAt`, `displayFinancialStatus`,
  `currencyCode`, `totalPriceSet` / `totalRefundedSet { shopMoney { amount } }`,
  `billingAddress` / `shippingAddress { countryCodeV2 }`, `customAttributes { key value }`,
  `customerJourneySummary { firstVisit { landingPage referrerUrl } }`, `sourceName`,
  `channelInformation { app { title } }`, `customer { legacyResourceId }`,
  `lineItems { name quantity originalUnitPriceSet }`; `shop { ianaTimezone currencyCode }`;
- bulk operations ("Perform bulk operations with the GraphQL Admin API"):
  `bulkOperationRunQuery(query:)` -> `bulkOperation { id status }`, `userErrors`; poll
  `node(id:) { ... on BulkOperation { status errorCode objectCount url } }` until `COMPLETED`
  (`FAILED`, `CANCELED`, `EXPIRED` end it); download the JSONL at `url` (a signed URL: no token
  is sent), where each line item is its own line with `__parentId` naming its order.

Orders are laid out as the orders export's line-item rows (Name, Email, Financial Status,
Currency, Total, Refunded Amount, Created at in the shop's time zone with its offset,
Cancelled at, Lineitem quantity / name / price, Billing / Shipping Country, Id, Note
Attributes, Landing Site, Referring Site, Source) and read by the file parser
(`exports.orders_from_table`): same conversion ids (the order's numeric id), same purchase
value (Total in the shop currency), cancelled and refunded orders handled the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from socialroi.errors import SocialroiError, SyncFailed
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.shopify.exports import REQUIRED, SOURCE, orders_from_table

VERSION = "2026-01"
PAGE_ORDERS = 50
LINE_ITEMS = 50
BULK_AFTER_DAYS = 31  # longer windows (backfills) run as one bulk operation
BULK_POLLS = 360
THROTTLE_TRIES = 8
MAX_PAGES = 100_000
_SHOP = re.compile(r"^(?:https?://)?([a-z0-9][a-z0-9-]{0,60})(?:\.myshopify\.com)?/?$", re.I)
MONEY = "shopMoney { amount currencyCode }"
ORDER_FIELDS = f"""id legacyResourceId name email createdAt updatedAt cancelledAt
displayFinancialStatus currencyCode sourceName
totalPriceSet {{ {MONEY} }} totalRefundedSet {{ {MONEY} }}
customer {{ legacyResourceId }}
billingAddress {{ countryCodeV2 }} shippingAddress {{ countryCodeV2 }}
customAttributes {{ key value }}
customerJourneySummary {{ firstVisit {{ landingPage referrerUrl }} }}
channelInformation {{ app {{ title }} }}"""
ITEM_FIELDS = "name quantity originalUnitPriceSet { shopMoney { amount } }"
ORDERS_QUERY = f"""query Orders($first: Int!, $after: String, $query: String!) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{ {ORDER_FIELDS}
      lineItems(first: {LINE_ITEMS}) {{ nodes {{ {ITEM_FIELDS} }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
SHOP_QUERY = "query Shop { shop { ianaTimezone currencyCode myshopifyDomain } }"
BULK_RUN = """mutation Bulk($q: String!) {
  bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message } }
}"""
BULK_POLL = """query Poll($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } }
}"""
HEADER = ["Name", "Email", "Financial Status", "Currency", "Total", "Refunded Amount",
          "Created at", "Cancelled at", "Lineitem quantity", "Lineitem name", "Lineitem price",
          "Billing Country", "Shipping Country", "Id", "Customer ID", "Note Attributes",
          "Landing Site", "Referring Site", "Source"]  # fmt: skip


def _fail(stream: Stream, where: str, problem: str, hint: str | None = None) -> SyncFailed:
    return SyncFailed(stream.source, stream.name, where, problem, hint=hint)


def graphql(f: Fetcher, stream: Stream, path: str, query: str, variables: dict, page: str) -> dict:
    """One GraphQL call: its `data`, after waiting out Shopify's cost-based throttle."""
    for _ in range(THROTTLE_TRIES):
        got = f.post(path, page=page, json={"query": query, "variables": variables})
        if not isinstance(got, dict):
            raise _fail(stream, page, "the answer is not a JSON object")
        cost = (got.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {} if isinstance(cost, dict) else {}
        errors = got.get("errors")
        if errors:
            codes = [(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)]
            if "THROTTLED" in codes:
                f.wait(_refill(cost, status))
                continue
            first = errors[0] if isinstance(errors, list) else errors
            msg = first.get("message") if isinstance(first, dict) else first
            raise _fail(stream, page, f"Shopify answered with an error: {str(msg)[:200]}")
        data = got.get("data")
        if not isinstance(data, dict):
            raise _fail(stream, page, "the answer has no 'data' object")
        # keep the bucket from running dry: wait until the next call of this cost fits
        avail, need = status.get("currentlyAvailable"), cost.get("requestedQueryCost")
        if isinstance(avail, int | float) and isinstance(need, int | float) and avail < need:
            f.wait(_refill(cost, status))
        return data
    raise _fail(
        stream, page, f"Shopify throttled the query {THROTTLE_TRIES} times",
        "The shop's API budget is used by other apps; run the sync again later.",
    )  # fmt: skip


def _refill(cost: dict, status: dict) -> float:
    """Seconds until the bucket holds the query's cost again (restoreRate points a second)."""
    need = cost.get("requestedQueryCost") or 0
    avail = status.get("currentlyAvailable") or 0
    rate = status.get("restoreRate") or 50
    try:
        return min(60.0, max(1.0, (float(need) - float(avail)) / float(rate)))
    except (TypeError, ValueError, ZeroDivisionError):
        return 1.0


def _search(window: Window) -> str:
    lo = f"{window.since.isoformat()}T00:00:00Z"
    hi = f"{window.until.isoformat()}T23:59:59Z"
    return f"updated_at:>='{lo}' AND updated_at:<='{hi}'"


def fetch_orders(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    path = stream.url_path(account)
    shop = graphql(f, stream, path, SHOP_QUERY, {}, "shop").get("shop") or {}
    if window.days > BULK_AFTER_DAYS:
        orders = _bulk(f, stream, path, window)
    else:
        orders, after = [], None
        for n in range(1, MAX_PAGES + 1):
            page = f"orders page {n}"
            data = graphql(f, stream, path, ORDERS_QUERY,
                           {"first": PAGE_ORDERS, "after": after, "query": _search(window)},
                           page)  # fmt: skip
            conn = data.get("orders")
            nodes = conn.get("nodes") if isinstance(conn, dict) else None
            info = conn.get("pageInfo") if isinstance(conn, dict) else None
            if not isinstance(nodes, list) or not isinstance(info, dict):
                raise _fail(stream, page, "the answer has no orders.nodes and pageInfo")
            orders += nodes
            f.pages_read += 1
            if not info.get("hasNextPage"):
                break
            after = info.get("endCursor")
            if not isinstance(after, str):
                raise _fail(stream, page, "pageInfo.hasNextPage without an endCursor")
    for o in orders:
        if isinstance(o, dict):
            o["_shop"] = shop
    return orders


def _bulk(f: Fetcher, stream: Stream, path: str, window: Window) -> list[dict]:
    """One bulk operation for a long window: start it, poll it, read its JSONL."""
    items = f"lineItems {{ edges {{ node {{ {ITEM_FIELDS} }} }} }}"
    q = (f'{{ orders(query: "{_search(window)}", sortKey: UPDATED_AT) {{ edges {{ node {{ '
         f"{ORDER_FIELDS} {items} }} }} }} }}")  # fmt: skip
    data = graphql(f, stream, path, BULK_RUN, {"q": q}, "bulk operation start")
    run = data.get("bulkOperationRunQuery") or {}
    errs = run.get("userErrors") or []
    op = (run.get("bulkOperation") or {}).get("id")
    if errs or not isinstance(op, str):
        msg = errs[0].get("message") if errs and isinstance(errs[0], dict) else "no operation id"
        raise _fail(
            stream, "bulk operation start", f"Shopify refused the bulk query: {msg}",
            "Another bulk operation may be running in this shop; try again later.",
        )  # fmt: skip
    for n in range(BULK_POLLS):
        node = graphql(f, stream, path, BULK_POLL, {"id": op}, f"bulk poll {n + 1}").get("node")
        state = node.get("status") if isinstance(node, dict) else None
        if state == "COMPLETED":
            break
        if state in ("FAILED", "CANCELED", "EXPIRED"):
            raise _fail(stream, f"bulk poll {n + 1}",
                        f"the bulk operation ended {state} ({node.get('errorCode')})")  # fmt: skip
        f.wait(min(30.0, 2.0 * (n + 1)))
    else:
        raise _fail(stream, "bulk poll", "the bulk operation did not finish in time")
    url = node.get("url")
    if not url:
        return []  # nothing matched
    orders: dict[str, dict] = {}
    for i, line in enumerate(f.lines(url, page="bulk result"), start=1):
        if not isinstance(line, dict) or not isinstance(line.get("id"), str):
            raise _fail(stream, f"bulk result line {i}", "a line is not an object with an id")
        parent = line.pop("__parentId", None)
        if parent is None:
            line["lineItems"] = {"nodes": []}
            orders[line["id"]] = line
        elif parent in orders:
            orders[parent]["lineItems"]["nodes"].append(line)
        else:
            raise _fail(stream, f"bulk result line {i}", "a line item comes before its order")
    return list(orders.values())


def _amount(v: Any) -> str | None:
    money = (v or {}).get("shopMoney") if isinstance(v, dict) else None
    amount = money.get("amount") if isinstance(money, dict) else None
    if amount is not None and not isinstance(amount, str | int | float):
        raise TypeError("amount")
    return None if amount is None else str(amount)


def _local(ts: Any, tz: ZoneInfo | None) -> str | None:
    """An ISO 8601 UTC time as the export writes it: the shop's clock with its offset."""
    if not ts:
        return None
    when = dt.datetime.fromisoformat(str(ts).replace("Z", "+00:00"))
    return when.astimezone(tz or dt.UTC).strftime("%Y-%m-%d %H:%M:%S %z")


def _rows(o: dict, tz: ZoneInfo | None) -> list[list[Any]]:
    attrs = "\n".join(f"{a.get('key')}: {a.get('value')}" for a in o.get("customAttributes") or []
                      if isinstance(a, dict))  # fmt: skip
    visit = (o.get("customerJourneySummary") or {}).get("firstVisit") or {}
    app = ((o.get("channelInformation") or {}).get("app") or {}).get("title")
    email = o.get("email") or None
    customer = (o.get("customer") or {}).get("legacyResourceId")
    items = ((o.get("lineItems") or {}).get("nodes")) or [{}]
    first = [
        o.get("name"), email, str(o.get("displayFinancialStatus") or "").lower(),
        o.get("currencyCode"), _amount(o.get("totalPriceSet")),
        _amount(o.get("totalRefundedSet")), _local(o.get("createdAt"), tz),
        _local(o.get("cancelledAt"), tz),
    ]  # fmt: skip
    tail = [
        (o.get("billingAddress") or {}).get("countryCodeV2"),
        (o.get("shippingAddress") or {}).get("countryCodeV2"), str(o.get("legacyResourceId")),
        # the standard export has no customer id: the e-mail identifies the customer; an
        # order without one (POS) is still tied to its customer record
        None if email else (str(customer) if customer else None),
        attrs or None, visit.get("landingPage"), visit.get("referrerUrl"),
        app or o.get("sourceName"),
    ]  # fmt: skip
    out = []
    for k, item in enumerate(items):
        line = [item.get("quantity"), item.get("name"), _amount(item.get("originalUnitPriceSet"))]
        if k == 0:
            out.append(first + line + tail)
        else:  # the following line-item rows repeat Name and Email only
            out.append([o.get("name"), email] + [None] * 6 + line + [None] * len(tail))
    return out


def orders_staged(records: list[dict], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    shop = records[0].get("_shop") or {}
    tz = None
    if isinstance(shop.get("ianaTimezone"), str):
        try:
            tz = ZoneInfo(shop["ianaTimezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ctx.fail("the shop's time zone is unknown", column="ianaTimezone",
                           value=shop["ianaTimezone"]) from None  # fmt: skip
        ctx.options.timezone = shop["ianaTimezone"]
    rows: list[list[Any]] = [HEADER]
    for i, o in enumerate(records, start=1):
        if not isinstance(o.get("name"), str) or not o.get("legacyResourceId"):
            raise ctx.fail("an order has no name and id", row=i, column="name",
                           value=o.get("name"))  # fmt: skip
        rows += _rows(o, tz)
    t = table_from_rows(ctx, rows, aliases(SOURCE, "orders"), REQUIRED, "Admin API orders",
                        header_index=0, number_fields=("total", "refunded_amount"))  # fmt: skip
    return orders_from_table(ctx, t)


def _account(value: str) -> tuple[tuple[str, ...], str]:
    m = _SHOP.match(value.strip())
    if m:
        return ("orders",), f"{m.group(1).lower()}.myshopify.com"
    raise SocialroiError(
        f"{value!r} is not a Shopify shop; expected its myshopify domain, e.g. "
        "voltiq.myshopify.com (Settings > Domains), or the part before .myshopify.com"
    )


ORDERS = Stream(
    SOURCE,
    "orders",
    "Admin GraphQL orders with line items, refunds and landing / referrer data",
    f"https://{{account}}/admin/api/{VERSION}/graphql.json",
    orders_staged,
    lag_days=3,  # refunds, captures and edits move an order's updated_at for days
    window_days=366,
    history_days=365,
    max_history_days=20 * 366,  # every order the shop has (read_all_orders beyond 60 days)
    fetch=fetch_orders,
)

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "Shopify (Admin GraphQL API: orders)",
        "https://myshopify.com",
        Auth(
            "token",
            header="X-Shopify-Access-Token",
            scheme="",
            scopes=("read_orders", "read_customers"),
        ),  # fmt: skip
        (ORDERS,),
        "the shop's myshopify domain (voltiq.myshopify.com)",
        _account,
        api_version=VERSION,
        docs="https://shopify.dev/docs/api/admin-graphql",
        hosts=(r"[a-z0-9][a-z0-9-]*\.myshopify\.com", r"storage\.googleapis\.com"),
    )
)
