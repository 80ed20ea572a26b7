"""A fake of the X Ads API (version 12) that checks the OAuth 1.0a signature of every request.

Shapes reproduced (developer.x.com / docs.x.com "x-ads-api", read through the `search` tool):
- "Authentication": requests are signed with OAuth 1.0a (HMAC-SHA1, RFC 5849 section 3) by
  the app's consumer key and secret and the user's access token and secret; an unsigned,
  wrongly signed, stale (more than 5 minutes off) or replayed (same nonce) request is refused
  with 401 `{"errors": [{"code": "UNAUTHORIZED_ACCESS", "message": "This request is not
  properly authenticated"}], "request": {"params": {}}}`. The fake recomputes the signature
  from the request it received (method, `http://<Host><path>`, the query and `oauth_*`
  parameters) with its own code, not the client's;
- `GET /12/accounts/:account_id`: `{"data": {"id", "name", "timezone", "timezone_switch_at",
  "approval_status", "deleted", ...}, "request": {...}}` (no currency on the account);
- `GET /12/accounts/:id/funding_instruments|campaigns|line_items|promoted_tweets`: `{"data":
  [...], "next_cursor": "..." or null, "request": {...}}`, `count` 1..1,000 (default 200),
  `cursor`, `with_deleted`; promoted tweets `{"id", "line_item_id", "tweet_id", ...}`, line
  items `{"id", "campaign_id", "name", "objective", ...}`, campaigns `{"id", "name", ...}`,
  funding instruments `{"id", "currency", ...}`;
- "Analytics" synchronous `GET /12/stats/accounts/:account_id`: `entity`, `entity_ids` (at
  most 20), `granularity=DAY`, `metric_groups`, `placement`, `start_time` / `end_time` in
  whole hours, at most 7 days apart (400 `INVALID_PARAMETER` otherwise); answer `{"data_type":
  "stats", "time_series_length": n, "data": [{"id", "id_data": [{"segment": null,
  "metrics": {"impressions": [n], "clicks": [n], "url_clicks": [n], "engagements": [n],
  "billed_charge_local_micro": [n], "billed_engagements": [n], ...}}]}], "request": {...}}`;
  a metric with no value in the whole range is `null`;
- 429 `{"errors": [{"code": "TOO_MANY_REQUESTS", ...}]}` with `x-rate-limit-reset` (tests set
  it with `fake.fault`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import time
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from tests.fakes.server import FakeApi, Reply, Request, page_of

ACCOUNT = "18ce54d4x5t"
KEYS = {
    "SOCIALROI_X_ADS_CONSUMER_KEY": "xvz1evFS4wEEPTGEFPHBog",
    "SOCIALROI_X_ADS_CONSUMER_SECRET": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "SOCIALROI_X_ADS_ACCESS_TOKEN": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "SOCIALROI_X_ADS_ACCESS_TOKEN_SECRET": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
}
ZONE = "America/Los_Angeles"
METRICS = ("impressions", "clicks", "url_clicks", "engagements", "billed_charge_local_micro",
           "billed_engagements")  # fmt: skip
_PAIR = re.compile(r'\s*([A-Za-z_]+)="([^"]*)"\s*')


def _pct(s: str) -> str:
    return quote(s, safe="~-._")


def _error(status: int, code: str, message: str, headers: dict | None = None) -> Reply:
    return Reply(status, {"errors": [{"code": code, "message": message}],
                          "request": {"params": {}}}, headers or {})  # fmt: skip


class FakeXAds:
    def __init__(self, fake: FakeApi, account: str = ACCOUNT, *, page_size: int = 200) -> None:
        self.fake = fake
        self.account = account
        self.page_size = page_size
        self.keys = dict(KEYS)
        self.nonces: set[str] = set()
        self.refused: list[str] = []  # why each refused request was refused
        self.campaigns: list[dict[str, Any]] = []
        self.line_items: list[dict[str, Any]] = []
        self.promoted: list[dict[str, Any]] = []
        self.funding = [{"id": "lygyi", "currency": "USD", "type": "CREDIT_CARD",
                         "deleted": False}]  # fmt: skip
        self.daily: dict[tuple[str, str], dict[str, int]] = {}  # (promoted id, day) -> metrics
        base = r"/12/accounts/([0-9a-z]+)"
        fake.route("GET", base, self._account)
        for what in ("campaigns", "line_items", "promoted_tweets", "funding_instruments"):
            fake.route("GET", f"{base}/{what}", self._lister(what))
        fake.route("GET", r"/12/stats/accounts/([0-9a-z]+)", self._stats)

    # -- OAuth 1.0a ------------------------------------------------------------------------
    def _signed(self, req: Request) -> bool:
        head = req.headers.get("authorization", "")
        if not head.startswith("OAuth "):
            self.refused.append("no OAuth header")
            return False
        oauth = {unquote(k): unquote(v) for k, v in _PAIR.findall(head[6:].replace(",", " "))}
        k = self.keys
        if (oauth.get("oauth_consumer_key") != k["SOCIALROI_X_ADS_CONSUMER_KEY"]
                or oauth.get("oauth_token") != k["SOCIALROI_X_ADS_ACCESS_TOKEN"]
                or oauth.get("oauth_signature_method") != "HMAC-SHA1"):  # fmt: skip
            self.refused.append("unknown key or method")
            return False
        if abs(int(oauth.get("oauth_timestamp", "0")) - time.time()) > 300:
            self.refused.append("stale timestamp")
            return False
        nonce = oauth.get("oauth_nonce", "")
        if not nonce or nonce in self.nonces:
            self.refused.append("replayed nonce")
            return False
        self.nonces.add(nonce)
        given = oauth.pop("oauth_signature", "")
        pairs = sorted([(_pct(a), _pct(b)) for a, b in req.query.items()]
                       + [(_pct(a), _pct(b)) for a, b in oauth.items()])  # fmt: skip
        text = "&".join([req.method, _pct(f"http://{req.headers['host']}{req.path}"),
                         _pct("&".join(f"{a}={b}" for a, b in pairs))])  # fmt: skip
        key = (_pct(k["SOCIALROI_X_ADS_CONSUMER_SECRET"]) + "&"
               + _pct(k["SOCIALROI_X_ADS_ACCESS_TOKEN_SECRET"])).encode()  # fmt: skip
        want = base64.b64encode(hmac.new(key, text.encode(), hashlib.sha1).digest()).decode()
        if not hmac.compare_digest(want, given):
            self.refused.append("bad signature")
            return False
        return True

    def _check(self, req: Request) -> Reply | None:
        if not self._signed(req):
            return _error(401, "UNAUTHORIZED_ACCESS", "This request is not properly authenticated")
        if req.match.group(1) != self.account:
            return _error(404, "NOT_FOUND", f"Account {req.match.group(1)} was not found")
        return None

    # -- endpoints -------------------------------------------------------------------------
    def _account(self, req: Request) -> Reply | dict:
        if bad := self._check(req):
            return bad
        return {"request": {"params": {"account_id": self.account}},
                "data": {"id": self.account, "name": "Voltiq US", "timezone": ZONE,
                         "timezone_switch_at": "2024-01-01T08:00:00Z",
                         "approval_status": "ACCEPTED", "deleted": False,
                         "business_name": None, "salt": "f9f9d5a5"}}  # fmt: skip

    def _lister(self, what: str):
        def serve(req: Request) -> Reply | dict:
            if bad := self._check(req):
                return bad
            size = int(req.query.get("count", 200))
            if not 1 <= size <= 1000:
                return _error(400, "INVALID_PARAMETER", "count must be 1..1000")
            items = {
                "campaigns": self.campaigns,
                "line_items": self.line_items,
                "promoted_tweets": self.promoted,
                "funding_instruments": self.funding,
            }[what]
            if req.query.get("with_deleted") != "true":
                items = [i for i in items if not i.get("deleted")]
            chunk, nxt = page_of(items, req.query.get("cursor"), min(size, self.page_size))
            return {"request": {"params": {"account_id": self.account}}, "data": chunk,
                    "next_cursor": nxt}  # fmt: skip

        return serve

    def _stats(self, req: Request) -> Reply | dict:
        if bad := self._check(req):
            return bad
        q = req.query
        ids = [i for i in q.get("entity_ids", "").split(",") if i]
        if (q.get("entity") != "PROMOTED_TWEET" or q.get("granularity") != "DAY"
                or not ids or len(ids) > 20 or q.get("placement") != "ALL_ON_TWITTER"
                or set(q.get("metric_groups", "").split(",")) != {"ENGAGEMENT", "BILLING"}):  # fmt: skip
            return _error(400, "INVALID_PARAMETER", "entity, entity_ids, granularity, ...")
        zone = ZoneInfo(ZONE)
        start, end = (dt.datetime.fromisoformat(q[k].replace("Z", "+00:00")).astimezone(zone)
                      for k in ("start_time", "end_time"))  # fmt: skip
        if start.time() != dt.time() or end.time() != dt.time() or not 1 <= (end - start).days <= 7:
            return _error(
                400,
                "INVALID_PARAMETER",
                "start_time and end_time must be local midnights 1..7 days apart",
            )
        n = (end.date() - start.date()).days
        days = [(start.date() + dt.timedelta(days=d)).isoformat() for d in range(n)]
        known = {p["id"] for p in self.promoted}
        data = []
        for i in ids:
            if i not in known:
                return _error(400, "INVALID_PARAMETER", f"unknown entity id {i}")
            rows = [self.daily.get((i, d)) for d in days]
            metrics = {m: ([(r or {}).get(m, 0) for r in rows] if any(rows) else None)
                       for m in METRICS}  # fmt: skip
            data.append({"id": i, "id_data": [{"segment": None, "metrics": metrics}]})
        return {"data_type": "stats", "time_series_length": n, "data": data,
                "request": {"params": {"start_time": q["start_time"],
                                       "end_time": q["end_time"], "granularity": "DAY",
                                       "entity": "PROMOTED_TWEET", "entity_ids": ids,
                                       "placement": "ALL_ON_TWITTER"}}}  # fmt: skip


def fill(x: FakeXAds, ads: int = 25, days: int = 31, start: dt.date = dt.date(2026, 3, 1)) -> None:
    """Two campaigns (Ads Manager sets the objective per campaign: its line items share it),
    three line items, `ads` promoted posts (one deleted with its line item's
    spend kept), delivery on most days with spend in micros."""
    x.campaigns += [{"id": "8wku2", "name": "Spring launch", "deleted": False},
                    {"id": "8wku3", "name": "Always on =HYPERLINK()", "deleted": False}]  # fmt: skip
    x.line_items += [
        {"id": "9ab1c", "campaign_id": "8wku2", "name": "Launch US", "objective": "WEBSITE_CLICKS",
         "deleted": False},
        {"id": "9ab1d", "campaign_id": "8wku2", "name": "Launch CA", "objective": "WEBSITE_CLICKS",
         "deleted": False},
        {"id": "9ab1e", "campaign_id": "8wku3", "name": "Retarget", "objective": "ENGAGEMENTS",
         "deleted": True},
    ]  # fmt: skip
    for n in range(ads):
        pid = f"1ef{n:03d}"
        x.promoted.append({"id": pid, "line_item_id": x.line_items[n % 3]["id"],
                           "tweet_id": str(1_900_000_000_000_000_000 + n),
                           "entity_status": "ACTIVE", "deleted": n == ads - 1})  # fmt: skip
        for d in range(days):
            if (n + d) % 5 == 0:
                continue  # no delivery that day
            day = (start + dt.timedelta(days=d)).isoformat()
            imp = 200 + 13 * n + 7 * d
            x.daily[(pid, day)] = {"impressions": imp, "clicks": imp // 20,
                                   "url_clicks": imp // 40, "engagements": imp // 10,
                                   "billed_charge_local_micro": 1_250_000 + 10_007 * n * d,
                                   "billed_engagements": imp // 10}  # fmt: skip


HEADER = ["Date", "Account ID", "Account name", "Currency", "Campaign ID", "Campaign name",
          "Objective", "Ad group ID", "Ad group name", "Ad ID", "Spend", "Impressions", "Clicks",
          "Link clicks"]  # fmt: skip


def ads_manager_rows(x: FakeXAds, since: str, until: str) -> list[list[Any]]:
    """The fake's delivery as X Ads Manager's report writes it (ad x day, spend in the
    account's currency with its cents as the billing shows them)."""
    items = {i["id"]: i for i in x.line_items}
    camps = {c["id"]: c for c in x.campaigns}
    out: list[list[Any]] = [HEADER]
    for (pid, day), m in sorted(x.daily.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if not since <= day <= until:
            continue
        ad = next(p for p in x.promoted if p["id"] == pid)
        item = items[ad["line_item_id"]]
        spend = m["billed_charge_local_micro"] / 1_000_000
        out.append([day, x.account, "Voltiq US", "USD", item["campaign_id"],
                    camps[item["campaign_id"]]["name"], item["objective"], item["id"],
                    item["name"], pid, f"{spend:.6f}".rstrip("0").rstrip("."),
                    m["impressions"], m["clicks"], m["url_clicks"]])  # fmt: skip
    return out
