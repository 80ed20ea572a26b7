"""A fake of Shopify's Admin GraphQL API (2026-01) for orders, from shopify.dev.

It does not parse GraphQL: it recognises the operations the connector sends by name (`Shop`,
`Orders`, `Bulk`, `Poll`) and answers with the documented response shapes:
- `POST /admin/api/2026-01/graphql.json` with `X-Shopify-Access-Token` — "GraphQL Admin API
  reference": `{"data": ..., "extensions": {"cost": {"requestedQueryCost", "actualQueryCost",
  "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable", "restoreRate": 100.0}}}}`;
  a bad token is HTTP 401 `{"errors": "[API] Invalid API key or access token (unrecognized login
  or wrong password)"}`; a throttled query ("API rate limits", cost-based) is HTTP 200 with
  `{"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", ...}}]}` (`throttle`);
- `orders(first, after, query, sortKey: UPDATED_AT)` — "orders query": `{"orders": {"nodes":
  [Order], "pageInfo": {"hasNextPage", "endCursor"}}}`; the `query` search syntax
  `updated_at:>='…' AND updated_at:<='…'` filters on the update time;
- `shop` — "Shop object": `ianaTimezone`, `currencyCode`, `myshopifyDomain`;
- bulk operations — "Perform bulk operations": `bulkOperationRunQuery` answers `{"bulkOperation":
  {"id": "gid://shopify/BulkOperation/…", "status": "CREATED"}, "userErrors": []}`; `node(id:)`
  answers `{"status": "RUNNING"}` then `{"status": "COMPLETED", "objectCount", "url"}`; the
  JSONL at `url` has one line per order and one per line item with `"__parentId"`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from tests.fakes.server import FakeApi, Reply, Request

V = "2026-01"
BULK_PATH = "/shopify-bulk/results.jsonl"


def iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeShopify:
    def __init__(self, fake: FakeApi, *, page_size: int = 50) -> None:
        self.fake = fake
        self.page_size = page_size
        self.orders: list[dict[str, Any]] = []
        self.shop = {"ianaTimezone": "Asia/Shanghai", "currencyCode": "USD",
                     "myshopifyDomain": "voltiq.myshopify.com"}  # fmt: skip
        self.tokens = {"shpat_good"}
        self.throttle = 0  # queries to refuse as THROTTLED
        self.available = 2000.0
        self.polls_before_done = 1
        self.bulk_queries: list[str] = []
        self._polls = 0
        self._bulk_lines: list[dict] = []
        fake.route("POST", rf"/admin/api/{V}/graphql\.json", self._graphql)
        fake.route("GET", BULK_PATH, self._bulk_result)

    def _cost(self, requested: float) -> dict:
        return {"cost": {"requestedQueryCost": requested, "actualQueryCost": requested,
                         "throttleStatus": {"maximumAvailable": 2000.0,
                                            "currentlyAvailable": self.available,
                                            "restoreRate": 100.0}}}  # fmt: skip

    def _graphql(self, req: Request) -> Reply | dict:
        if req.headers.get("x-shopify-access-token") not in self.tokens:
            return Reply(401, {"errors": "[API] Invalid API key or access token (unrecognized "
                               "login or wrong password)"})  # fmt: skip
        body = json.loads(req.body)
        op = re.match(r"\s*(query|mutation)\s+(\w+)", body["query"]).group(2)
        var = body.get("variables") or {}
        if self.throttle:
            self.throttle -= 1
            return {"errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": self._cost(752)}  # fmt: skip
        if op == "Shop":
            return {"data": {"shop": self.shop}, "extensions": self._cost(1)}
        if op == "Orders":
            rows = self._matching(var["query"])
            start = int(var.get("after") or 0)
            size = min(int(var["first"]), self.page_size)
            chunk = rows[start : start + size]
            more = start + size < len(rows)
            return {"data": {"orders": {"nodes": chunk, "pageInfo": {
                "hasNextPage": more, "endCursor": str(start + size) if chunk else None}}},
                "extensions": self._cost(752)}  # fmt: skip
        if op == "Bulk":
            q = var["q"]
            self.bulk_queries.append(q)
            m = re.search(r'query: "([^"]+)"', q)
            self._bulk_lines = []
            for o in self._matching(m.group(1)):
                line = {k: v for k, v in o.items() if k != "lineItems"}
                self._bulk_lines.append(line)
                for item in o["lineItems"]["nodes"]:
                    self._bulk_lines.append({"id": f"gid://shopify/LineItem/{id(item)}",
                                             **item, "__parentId": o["id"]})  # fmt: skip
            self._polls = 0
            return {"data": {"bulkOperationRunQuery": {"bulkOperation": {
                "id": "gid://shopify/BulkOperation/720575940", "status": "CREATED"},
                "userErrors": []}}, "extensions": self._cost(10)}  # fmt: skip
        if op == "Poll":
            self._polls += 1
            done = self._polls > self.polls_before_done
            node = {"id": var["id"], "status": "COMPLETED" if done else "RUNNING",
                    "errorCode": None, "objectCount": str(len(self._bulk_lines)),
                    "url": f"https://storage.googleapis.com{BULK_PATH}?X-Goog-Signature=abc"
                    if done and self._bulk_lines else None}  # fmt: skip
            return {"data": {"node": node}, "extensions": self._cost(1)}
        return Reply(400, {"errors": [{"message": f"unknown operation {op}"}]})

    def _bulk_result(self, req: Request) -> Reply:
        data = "\n".join(json.dumps(x) for x in self._bulk_lines) + "\n"
        return Reply(200, data.encode(), {"Content-Type": "application/jsonl"})

    def _matching(self, query: str) -> list[dict]:
        lo, hi = re.findall(r"'([^']+)'", query)
        return sorted(
            (o for o in self.orders if lo <= o["updatedAt"] <= hi),
            key=lambda o: (o["updatedAt"], o["legacyResourceId"]),
        )


def order(n: int, created: dt.datetime, *, total: float, items: list[tuple[str, int, float]],
          email: str | None, country: str = "US", status: str = "PAID",
          cancelled: dt.datetime | None = None, refunded: float = 0.0,
          landing: str | None = None, referrer: str | None = None,
          app: str | None = None, attrs: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """One Order node as the orders query returns it."""
    oid = 5_800_000_000_000 + n
    return {
        "id": f"gid://shopify/Order/{oid}", "legacyResourceId": str(oid), "name": f"#{1000 + n}",
        "email": email, "createdAt": iso(created),
        "updatedAt": iso((cancelled or created) + dt.timedelta(hours=2)),
        "cancelledAt": iso(cancelled) if cancelled else None,
        "displayFinancialStatus": status, "currencyCode": "USD", "sourceName": "web",
        "totalPriceSet": {"shopMoney": {"amount": f"{total:.2f}", "currencyCode": "USD"}},
        "totalRefundedSet": {"shopMoney": {"amount": f"{refunded:.2f}", "currencyCode": "USD"}},
        "customer": {"legacyResourceId": str(7_000_000 + n % 9)},
        "billingAddress": {"countryCodeV2": country}, "shippingAddress": {"countryCodeV2": country},
        "customAttributes": [{"key": k, "value": v} for k, v in (attrs or {}).items()],
        "customerJourneySummary": {"firstVisit": {"landingPage": landing, "referrerUrl": referrer}}
        if landing or referrer else None,
        "channelInformation": {"app": {"title": app}} if app else None,
        "lineItems": {"nodes": [
            {"name": name, "quantity": q, "originalUnitPriceSet": {"shopMoney": {
                "amount": f"{price:.2f}"}}} for name, q, price in items]},
    }  # fmt: skip


def fill(shop: FakeShopify, n: int = 40, spread: float = 1.0) -> None:
    """`n` orders over March 2026: repeat customers, social landings with UTM and click ids,
    a TikTok Shop order, cancelled and refunded orders, a POS order without e-mail."""
    base = dt.datetime(2026, 3, 1, 3, 15, tzinfo=dt.UTC)
    landings = (
        "https://voltiq.com/products/lamp?utm_source=facebook&utm_medium=paid_social"
        "&utm_campaign=spring_sale&fbclid=IwAR0x",
        "https://voltiq.com/?utm_source=instagram&utm_medium=social",
        None,
        "https://voltiq.com/collections/all?utm_source=tiktok&utm_medium=paid_social"
        "&utm_campaign=launch-tt&ttclid=E.C.P.1",
    )  # fmt: skip
    for k in range(n):
        created = base + dt.timedelta(hours=17 * k * spread)
        items = [("Desk Lamp", 1 + k % 2, 49.5), ("Bulb 3-pack", 1, 12.0)][: 1 + k % 2]
        total = sum(q * p for _, q, p in items) + 4.9
        shop.orders.append(order(
            k, created, total=total, items=items,
            email=None if k == 7 else f"buyer{k % 9}@example.com",
            country=("US", "DE", "MX", "SG")[k % 4],
            status="REFUNDED" if k == 11 else ("PARTIALLY_REFUNDED" if k == 12 else "PAID"),
            refunded=total if k == 11 else (10.0 if k == 12 else 0.0),
            cancelled=created + dt.timedelta(hours=5) if k == 13 else None,
            landing=None if k == 21 else landings[k % 4], referrer="https://l.facebook.com/" if k % 4 == 0 else None,
            app="TikTok" if k == 21 else None,
            attrs={"utm_campaign": "newsletter-0301"} if k == 2 else None,
        ))  # fmt: skip
    shop.orders[7]["customer"] = None  # a guest sale at the till
