"""A fake of the GA4 Data API (v1beta) and Google's OAuth token endpoint, from Google's docs.

Shapes reproduced:
- `POST /v1beta/properties/{id}:runReport` — "Method: properties.runReport" and
  "RunReportResponse" (developers.google.com/analytics/devguides/reporting/data/v1/rest/
  v1beta/properties/runReport): JSON body with `dateRanges[{startDate, endDate}]`,
  `dimensions[{name}]`, `metrics[{name}]`, `limit`, `offset`; the answer has
  `dimensionHeaders[{name}]`, `metricHeaders[{name, type}]`, `rows[{dimensionValues[{value}],
  metricValues[{value}]}]` (every value a string; `date` as YYYYMMDD), `rowCount` (rows of
  the whole report) and `metadata` (`currencyCode`, `timeZone`, optional
  `samplingMetadatas[{samplesReadCount, samplingSpaceSize}]`, `dataLossFromOtherRow`);
  no `rows` key at all when the report is empty; a page may hold fewer rows than `limit`
  (the server caps it: `page_size`), `rowCount` says how many there are;
- errors — Google's JSON error (cloud.google.com/apis/design/errors): `{"error": {"code",
  "message", "status"}}`, 401 `UNAUTHENTICATED` for a bad token, 429 `RESOURCE_EXHAUSTED`;
- `POST /token` — "Using OAuth 2.0 for Web Server Applications", refreshing an access token:
  form `grant_type=refresh_token`, `refresh_token`, `client_id`, `client_secret`; answer
  `{"access_token", "expires_in": 3599, "scope", "token_type": "Bearer"}` (no new refresh
  token); an unknown refresh token is 400 `{"error": "invalid_grant"}`.
"""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.server import FakeApi, Reply, Request

DIMS = ("date", "sessionSource", "sessionMedium", "sessionCampaignName",
        "sessionDefaultChannelGroup", "country")  # fmt: skip
METS = ("sessions", "engagedSessions", "keyEvents", "totalRevenue")


class FakeGa4:
    def __init__(self, fake: FakeApi, *, page_size: int = 250_000) -> None:
        self.fake = fake
        self.page_size = page_size
        self.rows: dict[str, list[dict[str, str]]] = {}  # property id -> rows (API names)
        self.meta: dict[str, dict[str, Any]] = {}
        self.tokens = {"ya29.good"}
        self.refresh_tokens = {"1//refresh"}
        self.refreshed: list[str] = []
        self.broken: tuple[int, Any] | None = None  # (nth report call, body served instead)
        self.report_calls = 0
        fake.route("POST", r"/v1beta/properties/(\d+):runReport", self._report)
        fake.route("POST", r"/token", self._token)

    def add_property(self, pid: str, currency: str = "USD", tz: str = "America/New_York") -> None:
        self.meta[pid] = {"currencyCode": currency, "timeZone": tz}
        self.rows.setdefault(pid, [])

    def _report(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return Reply(401, {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                         "message": "Request had invalid authentication "
                                         "credentials."}})  # fmt: skip
        self.report_calls += 1
        if self.broken and self.broken[0] == self.report_calls:
            return Reply(200, self.broken[1])
        body = json.loads(req.body)
        assert [d["name"] for d in body["dimensions"]] == list(DIMS)
        rng = body["dateRanges"][0]
        lo, hi = rng["startDate"].replace("-", ""), rng["endDate"].replace("-", "")
        rows = sorted(
            (r for r in self.rows[req.match.group(1)] if lo <= r["date"] <= hi),
            key=lambda r: r["date"],
        )
        offset, limit = int(body.get("offset", 0)), int(body.get("limit", 10_000))
        chunk = rows[offset : offset + min(limit, self.page_size)]
        out: dict[str, Any] = {
            "dimensionHeaders": [{"name": d} for d in DIMS],
            "metricHeaders": [
                {"name": m, "type": "TYPE_CURRENCY" if m == "totalRevenue" else "TYPE_INTEGER"}
                for m in METS
            ],  # fmt: skip
            "rowCount": len(rows),
            "metadata": dict(self.meta[req.match.group(1)]),
            "kind": "analyticsData#runReport",
        }
        if chunk:
            out["rows"] = [
                {"dimensionValues": [{"value": r[d]} for d in DIMS],
                 "metricValues": [{"value": r[m]} for m in METS]}
                for r in chunk
            ]  # fmt: skip
        if not rows:
            out.pop("rowCount")  # proto3 JSON leaves a zero out
        return out

    def _token(self, req: Request) -> Reply | dict:
        if (
            req.form.get("grant_type") != "refresh_token"
            or req.form.get("refresh_token") not in self.refresh_tokens
        ):
            return Reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        new = f"ya29.renewed-{len(self.refreshed) + 1}"
        self.refreshed.append(req.form["refresh_token"])
        self.tokens.add(new)
        return {"access_token": new, "expires_in": 3599, "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/analytics.readonly"}  # fmt: skip


SOURCES = (
    ("facebook", "paid_social", "spring_sale", "Paid Social"),
    ("instagram", "social", "(not set)", "Organic Social"),
    ("google", "organic", "(organic)", "Organic Search"),
    ("(direct)", "(none)", "(not set)", "Direct"),
    ("tiktok", "paid_social", "launch-tt", "Paid Social"),
)
COUNTRIES = ("United States", "Germany", "Mexico")


def fill(ga4: FakeGa4, pid: str = "123456789", days: int = 10, start_day: int = 1) -> None:
    """`days` days of March 2026, every source x country: 15 rows a day."""
    ga4.add_property(pid)
    for i in range(start_day, start_day + days):
        for k, (src, med, camp, group) in enumerate(SOURCES):
            for c, country in enumerate(COUNTRIES):
                s = 20 + 7 * k + 3 * c + i
                ga4.rows[pid].append(
                    {"date": f"202603{i:02d}", "sessionSource": src, "sessionMedium": med,
                     "sessionCampaignName": camp, "sessionDefaultChannelGroup": group,
                     "country": country, "sessions": str(s), "engagedSessions": str(s * 2 // 3),
                     "keyEvents": str((k + c + i) % 4), "totalRevenue": f"{(k + c) * 19.5:.2f}"}
                )  # fmt: skip
