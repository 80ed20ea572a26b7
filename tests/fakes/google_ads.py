"""A fake of the Google Ads API's REST `searchStream` (v26), from Google's reference pages.

Shapes reproduced:
- `POST /v26/customers/{customer_id}/googleAds:searchStream` — "REST: Search and
  SearchStream" (developers.google.com/google-ads/api/rest/common/search) and
  "SearchGoogleAdsStreamResponse" (…/reference/rpc/v26/SearchGoogleAdsStreamResponse): a JSON
  body `{"query": GAQL}`; the answer is ONE JSON array of batches `{"results": [GoogleAdsRow],
  "fieldMask": "...", "requestId": "..."}` (the real API cuts batches at 10,000 rows; here
  `batch_size`), the last batch also carrying `queryResourceConsumption`; rows in
  lowerCamelCase (`adGroupAd.ad.id`, `metrics.costMicros`), int64 values (ids, costMicros,
  impressions, clicks, videoTrueviewViews) as strings, doubles (conversions,
  conversionsValue) as numbers, zero / unset fields left out (proto3 JSON); rows with no
  metrics are not returned;
- the GAQL the connector sends (…/api/docs/query/overview): `FROM customer`, `FROM ad_group_ad`,
  `FROM campaign` with `WHERE segments.date BETWEEN 'YYYY-MM-DD' AND 'YYYY-MM-DD'`; the campaign
  resource sums a campaign's day over its ads plus what no ad carries (Performance Max);
- call structure (…/api/docs/concepts/call-structure): `Authorization: Bearer`, the
  `developer-token` header; an account reached through a manager needs `login-customer-id`
  (digits), else 403 `PERMISSION_DENIED` with `authorizationError: USER_PERMISSION_DENIED`;
- errors (cloud.google.com/apis/design/errors, Google Ads "GoogleAdsFailure"): `{"error":
  {"code", "message", "status", "details": [{"@type": …GoogleAdsFailure, "errors":
  [{"errorCode": {...}, "message"}], "requestId"}]}}`; 401 `UNAUTHENTICATED` for a bad token;
  `break_stream` ends one answer after its first batch with a 429 `RESOURCE_EXHAUSTED` error
  object, as a stream that broke off does.
Google's token endpoint is `tests.fakes.oauth.FakeOAuth` on `/token`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes.server import FakeApi, Reply, Request

VERSION = "v26"
_BETWEEN = re.compile(r"segments\.date BETWEEN '(\d{4}-\d{2}-\d{2})' AND '(\d{4}-\d{2}-\d{2})'")
_FROM = re.compile(r"\bFROM\s+(\w+)")
FAILURE = f"type.googleapis.com/google.ads.googleads.{VERSION}.errors.GoogleAdsFailure"


def failure(code: int, status: str, error_code: dict[str, str], message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status, "details": [
        {"@type": FAILURE, "errors": [{"errorCode": error_code, "message": message}],
         "requestId": "req-fail"}]}}  # fmt: skip


class FakeGoogleAds:
    def __init__(self, fake: FakeApi, *, batch_size: int = 10_000) -> None:
        self.fake = fake
        self.batch_size = batch_size
        self.tokens: set[str] = {"ya29.good"}
        self.developer_token = "dev-token-1"
        self.customers: dict[str, dict[str, Any]] = {}
        # customer id -> ad rows: date, campaign (id, name, type), ad group, ad, metrics
        self.ads: dict[str, list[dict[str, Any]]] = {}
        # customer id -> campaign-day rows no ad carries (Performance Max)
        self.extra: dict[str, list[dict[str, Any]]] = {}
        self.break_stream = 0  # answers to cut off after their first batch
        self.broken: Any = None  # a body served instead of the next data answer
        fake.route("POST", rf"/{VERSION}/customers/(\d+)/googleAds:searchStream", self._stream)

    def add_customer(self, cid: str, *, currency: str = "USD", tz: str = "America/New_York",
                     name: str = "Voltiq US", manager: str | None = None) -> None:  # fmt: skip
        self.customers[cid] = {"currency": currency, "tz": tz, "name": name, "manager": manager}
        self.ads.setdefault(cid, [])
        self.extra.setdefault(cid, [])

    # -- the endpoint ------------------------------------------------------------------------
    def _stream(self, req: Request) -> Reply | list:
        if req.bearer not in self.tokens:
            return Reply(401, [{"error": {"code": 401, "status": "UNAUTHENTICATED", "message":
                         "Request had invalid authentication credentials."}}])  # fmt: skip
        assert req.headers.get("developer-token") == self.developer_token, req.headers
        cid = req.match.group(1)
        cust = self.customers.get(cid)
        if cust is None or (cust["manager"] and req.headers.get("login-customer-id")
                            != cust["manager"]):  # fmt: skip
            return Reply(403, [failure(403, "PERMISSION_DENIED",
                                       {"authorizationError": "USER_PERMISSION_DENIED"},
                                       "User doesn't have permission to access customer. Note: "
                                       "If you're accessing a client customer, the manager's "
                                       "customer id must be set in the 'login-customer-id' "
                                       "header.")])  # fmt: skip
        query = json.loads(req.body)["query"]
        resource = _FROM.search(query).group(1)
        if resource == "customer":
            rows = [
                {
                    "customer": {
                        "resourceName": f"customers/{cid}",
                        "id": cid,
                        "descriptiveName": cust["name"],
                        "currencyCode": cust["currency"],
                        "timeZone": cust["tz"],
                    }
                }
            ]
            return self._batches(rows, "customer.id,customer.descriptiveName,"
                                 "customer.currencyCode,customer.timeZone")  # fmt: skip
        if self.broken is not None:
            body, self.broken = self.broken, None
            return Reply(200, body)
        lo, hi = _BETWEEN.search(query).groups()
        ads = [a for a in self.ads[cid] if lo <= a["date"] <= hi]
        if resource == "ad_group_ad":
            rows = [self._row(cid, a, ad_level=True) for a in ads]
        else:
            assert resource == "campaign", query
            sums: dict[tuple[str, str], dict[str, Any]] = {}
            for a in [*ads, *(e for e in self.extra[cid] if lo <= e["date"] <= hi)]:
                k = (a["campaign_id"], a["date"])
                got = sums.setdefault(k, {**a, "cost": 0, "impr": 0, "clicks": 0, "views": 0,
                                          "conv": 0.0, "value": 0.0})  # fmt: skip
                for m in ("cost", "impr", "clicks", "views", "conv", "value"):
                    got[m] += a[m]
            rows = [self._row(cid, a, ad_level=False) for a in sums.values()]
        rows = [r for r in rows if r["metrics"]]
        rows.sort(key=lambda r: (r["segments"]["date"], r["campaign"]["id"]))
        reply = self._batches(rows, "campaign.id,segments.date,metrics.costMicros")
        if self.break_stream and len(reply) > 1:
            self.break_stream -= 1
            reply = [reply[0], failure(429, "RESOURCE_EXHAUSTED",
                                       {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"},
                                       "Too many requests in a short amount of time.")]  # fmt: skip
        return reply

    def _batches(self, rows: list[dict], mask: str) -> list[dict]:
        out = []
        for i in range(0, len(rows), self.batch_size):
            out.append({"results": rows[i : i + self.batch_size], "fieldMask": mask,
                        "requestId": f"req-{i}"})  # fmt: skip
        if not out:
            out = [{"fieldMask": mask, "requestId": "req-0"}]
        out[-1]["queryResourceConsumption"] = str(len(rows))
        return out

    @staticmethod
    def _row(cid: str, a: dict[str, Any], *, ad_level: bool) -> dict[str, Any]:
        metrics = {
            "costMicros": str(a["cost"]),
            "impressions": str(a["impr"]),
            "clicks": str(a["clicks"]),
            "videoTrueviewViews": str(a["views"]),
            "conversions": float(a["conv"]),
            "conversionsValue": float(a["value"]),
        }
        metrics = {k: v for k, v in metrics.items() if v not in ("0", 0.0)}  # proto3 JSON
        row: dict[str, Any] = {
            "campaign": {"resourceName": f"customers/{cid}/campaigns/{a['campaign_id']}",
                         "id": a["campaign_id"], "name": a["campaign"],
                         "advertisingChannelType": a["type"]},
            "segments": {"date": a["date"]},
            "metrics": metrics,
        }  # fmt: skip
        if ad_level:
            row["adGroup"] = {
                "resourceName": f"customers/{cid}/adGroups/{a['ad_group_id']}",
                "id": a["ad_group_id"],
                "name": a["ad_group"],
            }
            ad = {"resourceName": f"customers/{cid}/ads/{a['ad_id']}", "id": a["ad_id"]}
            if a.get("ad"):
                ad["name"] = a["ad"]
            row["adGroupAd"] = {"resourceName": f"customers/{cid}/adGroupAds/"
                                f"{a['ad_group_id']}~{a['ad_id']}", "ad": ad}  # fmt: skip
        return row


CAMPAIGNS = (  # id, name, advertising_channel_type, ad group id, ad ids
    ("111", "Brand search", "SEARCH", "211", ("311", "312")),
    ("112", "Launch video", "VIDEO", "212", ("313",)),
    ("113", "Shopping feed", "SHOPPING", "213", ("314",)),
)


def fill(g: FakeGoogleAds, cid: str = "1234567890", days: int = 10, start_day: int = 1) -> None:
    """`days` days of March 2026: four ads in three campaigns, and a Performance Max campaign
    (no ads) — five rows a day, costs in whole cents."""
    if cid not in g.customers:
        g.add_customer(cid)
    for i in range(start_day, start_day + days):
        day = f"2026-03-{i:02d}"
        for k, (camp, name, kind, group, ads) in enumerate(CAMPAIGNS):
            for j, ad in enumerate(ads):
                impr = 800 + 37 * i + 101 * k + 13 * j
                g.ads[cid].append(
                    {"date": day, "campaign_id": camp, "campaign": name, "type": kind,
                     "ad_group_id": group, "ad_group": f"{name} group", "ad_id": ad,
                     "ad": f"Ad {ad}" if kind == "VIDEO" else None,
                     "cost": (1234 + 157 * i + 311 * k + 17 * j) * 10_000, "impr": impr,
                     "clicks": impr // 25, "views": impr // 3 if kind == "VIDEO" else 0,
                     "conv": float((i + k + j) % 4), "value": float((i + k + j) % 4) * 39.5})  # fmt: skip
        g.extra[cid].append(
            {"date": day, "campaign_id": "114", "campaign": "PMax all", "type": "PERFORMANCE_MAX",
             "cost": (2000 + 99 * i) * 10_000, "impr": 3000 + i, "clicks": 90 + i, "views": 0,
             "conv": 2.0, "value": 150.0}
        )  # fmt: skip
