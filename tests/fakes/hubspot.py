"""A fake of HubSpot's CRM v3 API and OAuth token endpoint, from HubSpot's API reference.

Shapes reproduced (developers.hubspot.com/docs/api-reference):
- `POST /crm/v3/objects/{deals|contacts}/search` — "Search the CRM": body `filterGroups[{
  filters[{propertyName, operator GTE|LTE, value}]}]`, `sorts[{propertyName, direction}]`,
  `properties`, `limit` (at most 200), `after`; answer `{"total", "results": [{"id",
  "properties", "createdAt", "updatedAt", "archived": false}], "paging": {"next": {"after",
  "link"}}}`; only the requested properties that exist come back, datetimes as ISO 8601 in
  UTC with milliseconds; asking past 10,000 results of one query is a 400 (`cap`);
- `GET /crm/v3/pipelines/deals` — "Pipelines": `{"results": [{"id", "label", "displayOrder",
  "stages": [{"id", "label", "displayOrder", "metadata": {"isClosed": "true"|"false",
  "probability": "1.0"}}]}]}`;
- `POST /crm/v4/associations/deals/{to}/batch/read` — "Associations v4": `{"inputs": [{"id"}]}`
  -> `{"status": "COMPLETE", "results": [{"from": {"id"}, "to": [{"toObjectId": 101,
  "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "label": null}]}]}]}`
  (deals without associations are left out of `results`);
- `POST /crm/v3/objects/{contacts|companies}/batch/read` — `{"properties", "inputs"}` ->
  `{"status": "COMPLETE", "results": [{"id", "properties"}]}`;
- `GET /account-info/v3/details` — `{"portalId", "timeZone", "companyCurrency",
  "additionalCurrencies", "utcOffset", "uiDomain", "dataHostingLocation"}`;
- `POST /oauth/v1/token` — refresh: form `grant_type=refresh_token`, `client_id`,
  `client_secret`, `refresh_token`; answer `{"token_type": "bearer", "refresh_token",
  "access_token", "expires_in": 1800}`; a bad refresh token is 400 `{"status": "BAD_REFRESH_TOKEN"}`;
- errors: `{"status": "error", "message", "correlationId", "category"}`; 401 category
  `INVALID_AUTHENTICATION`, 429 `RATE_LIMITS`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.fakes.server import FakeApi, Reply, Request

PIPELINES = [
    {"id": "default", "label": "Sales Pipeline", "displayOrder": 0, "stages": [
        {"id": "appointmentscheduled", "label": "Appointment Scheduled", "displayOrder": 0,
         "metadata": {"isClosed": "false", "probability": "0.2"}},
        {"id": "contractsent", "label": "Contract Sent", "displayOrder": 1,
         "metadata": {"isClosed": "false", "probability": "0.9"}},
        {"id": "closedwon", "label": "Closed Won", "displayOrder": 2,
         "metadata": {"isClosed": "true", "probability": "1.0"}},
        {"id": "closedlost", "label": "Closed Lost", "displayOrder": 3,
         "metadata": {"isClosed": "true", "probability": "0.0"}}]},
    {"id": "7654321", "label": "Enterprise", "displayOrder": 1, "stages": [
        {"id": "1100001", "label": "Negotiation", "displayOrder": 0,
         "metadata": {"isClosed": "false", "probability": "0.6"}},
        {"id": "1100002", "label": "Contract signed", "displayOrder": 1,
         "metadata": {"isClosed": "true", "probability": "1.0"}},
        {"id": "1100003", "label": "Gone quiet", "displayOrder": 2,
         "metadata": {"isClosed": "true", "probability": "0.0"}}]},
]  # fmt: skip
WON = {("default", "closedwon"), ("7654321", "1100002")}
CLOSED = WON | {("default", "closedlost"), ("7654321", "1100003")}
MODIFIED = {"deals": "hs_lastmodifieddate", "contacts": "lastmodifieddate"}


def iso(when: dt.datetime) -> str:
    return (
        when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    )


def _ms(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


class FakeHubspot:
    def __init__(self, fake: FakeApi, portal: str = "2468135", *, cap: int = 10_000) -> None:
        self.fake = fake
        self.portal = portal
        self.cap = cap
        self.details = {"portalId": int(portal), "timeZone": "America/New_York",
                        "companyCurrency": "USD", "additionalCurrencies": ["EUR"],
                        "utcOffset": "-05:00", "uiDomain": "app.hubspot.com",
                        "dataHostingLocation": "na1"}  # fmt: skip
        self.objects: dict[str, dict[str, dict[str, Any]]] = {
            "deals": {}, "contacts": {}, "companies": {}}  # fmt: skip
        self.assoc: dict[str, dict[str, list[int]]] = {"contacts": {}, "companies": {}}
        self.tokens = {"pat-na1-good"}
        self.refresh_tokens = {"rt-1"}
        self.rotate = False
        self.refreshed: list[str] = []
        fake.route("GET", r"/account-info/v3/details", self._details)
        fake.route("GET", r"/crm/v3/pipelines/deals", self._pipelines)
        fake.route("POST", r"/crm/v3/objects/(deals|contacts)/search", self._search)
        fake.route("POST", r"/crm/v4/associations/deals/(contacts|companies)/batch/read",
                   self._assoc)  # fmt: skip
        fake.route("POST", r"/crm/v3/objects/(contacts|companies)/batch/read", self._batch)
        fake.route("POST", r"/oauth/v1/token", self._token)

    def _denied(self, req: Request) -> Reply | None:
        if req.bearer not in self.tokens:
            return Reply(401, {"status": "error", "category": "INVALID_AUTHENTICATION",
                               "message": "Authentication credentials not found.",
                               "correlationId": "0d5f-1"})  # fmt: skip
        return None

    def _details(self, req: Request) -> Reply | dict:
        return self._denied(req) or self.details

    def _pipelines(self, req: Request) -> Reply | dict:
        return self._denied(req) or {"results": PIPELINES}

    def _search(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        obj = req.match.group(1)
        body = json.loads(req.body)
        limit = min(int(body.get("limit", 10)), 200)
        after = int(body.get("after") or 0)
        if after + limit > self.cap:
            return Reply(400, {"status": "error", "category": "VALIDATION_ERROR",
                               "message": f"Search results are limited to {self.cap} "
                               "results per query.", "correlationId": "0d5f-2"})  # fmt: skip
        items = list(self.objects[obj].values())
        for g in body.get("filterGroups", []):
            for flt in g["filters"]:
                v = int(flt["value"])
                key = flt["propertyName"]
                if flt["operator"] == "GTE":
                    items = [i for i in items if _ms(i[key]) >= v]
                elif flt["operator"] == "LTE":
                    items = [i for i in items if _ms(i[key]) <= v]
        sort = body["sorts"][0]["propertyName"]
        items.sort(key=lambda i: (_ms(i[sort]), int(i["hs_object_id"])))
        chunk = items[after : after + limit]
        wanted = body.get("properties") or []
        out: dict[str, Any] = {
            "total": len(items),
            "results": [
                {"id": i["hs_object_id"],
                 "properties": {k: i[k] for k in ("hs_object_id", *wanted) if k in i},
                 "createdAt": i["createdate"], "updatedAt": i[MODIFIED[obj]], "archived": False}
                for i in chunk
            ],
        }  # fmt: skip
        if after + limit < len(items):
            out["paging"] = {"next": {"after": str(after + limit),
                                      "link": f"https://api.hubapi.com/crm/v3/objects/{obj}/search?after={after + limit}"}}  # fmt: skip  # noqa: E501
        return out

    def _assoc(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        to = self.assoc[req.match.group(1)]
        ids = [i["id"] for i in json.loads(req.body)["inputs"]]
        return {"status": "COMPLETE", "results": [
            {"from": {"id": i}, "to": [{"toObjectId": t, "associationTypes": [
                {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}]} for t in to[i]]}
            for i in ids if to.get(i)]}  # fmt: skip

    def _batch(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        objs = self.objects[req.match.group(1)]
        body = json.loads(req.body)
        assert len(body["inputs"]) <= 100
        return {"status": "COMPLETE", "results": [
            {"id": i["id"], "properties": {k: objs[i["id"]].get(k) for k in body["properties"]}}
            for i in body["inputs"] if i["id"] in objs]}  # fmt: skip

    def _token(self, req: Request) -> Reply | dict:
        rt = req.form.get("refresh_token")
        if req.form.get("grant_type") != "refresh_token" or rt not in self.refresh_tokens:
            return Reply(400, {"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown "
                               "refresh token"})  # fmt: skip
        self.refreshed.append(rt)
        new = f"access-{len(self.refreshed)}"
        self.tokens.add(new)
        if self.rotate:
            self.refresh_tokens.discard(rt)
            rt = f"rt-{len(self.refreshed) + 1}"
            self.refresh_tokens.add(rt)
        return {"token_type": "bearer", "refresh_token": rt, "access_token": new,
                "expires_in": 1800}  # fmt: skip


def fill(hs: FakeHubspot, deals: int = 24, contacts: int = 30, spread: float = 1.0) -> None:
    """Deals across both pipelines (won, lost, open; a custom won stage) and contacts with
    lifecycle dates and original sources, all modified in March 2026 (`spread` < 1 packs many
    records into fewer days, for the benchmark)."""
    base = dt.datetime(2026, 3, 1, 14, 30, tzinfo=dt.UTC)
    sources = (("PAID_SOCIAL", "Facebook", "spring_sale"), ("ORGANIC_SOCIAL", "LinkedIn", ""),
               ("ORGANIC_SEARCH", "google", ""), ("DIRECT_TRAFFIC", "", ""),
               ("REFERRALS", "partner.example.com", ""))  # fmt: skip
    for n in range(contacts):
        cid = str(5001 + n)
        created = base + dt.timedelta(hours=7 * n * spread)
        src = sources[n % len(sources)]
        c = {"hs_object_id": cid, "email": f"buyer{n}@example.com",
             "company": f"Acme {n % 6}", "country": ("United States", "Germany", "Mexico")[n % 3],
             "createdate": iso(created), "lastmodifieddate": iso(created + dt.timedelta(days=1)),
             "hs_lifecyclestage_lead_date": iso(created),
             "hs_analytics_source": src[0], "hs_analytics_source_data_1": src[1],
             "hs_analytics_source_data_2": src[2]}  # fmt: skip
        if n % 2 == 0:
            c["hs_lifecyclestage_marketingqualifiedlead_date"] = iso(created + dt.timedelta(days=2))
        if n % 4 == 0:
            c["hs_lifecyclestage_salesqualifiedlead_date"] = iso(created + dt.timedelta(days=5))
        hs.objects["contacts"][cid] = c
    for k in range(6):
        hs.objects["companies"][str(9001 + k)] = {"hs_object_id": str(9001 + k),
                                                  "name": f"Acme {k}"}  # fmt: skip
    stages = [("default", "appointmentscheduled"), ("default", "closedwon"),
              ("default", "closedlost"), ("7654321", "1100002"), ("7654321", "1100001"),
              ("default", "contractsent"), ("7654321", "1100003"), ("default", "closedwon")]  # fmt: skip
    for n in range(deals):
        did = str(8801 + n)
        pipe, stage = stages[n % len(stages)]
        created = base + dt.timedelta(hours=11 * n * spread, minutes=5)
        closed = created + dt.timedelta(days=3 + n % 5)
        hs.objects["deals"][did] = {
            "hs_object_id": did, "dealname": f"Voltiq x Acme {n}", "pipeline": pipe,
            "dealstage": stage, "amount": str(1000 + 250 * n),
            "deal_currency_code": "EUR" if n % 3 == 0 else "USD",
            "createdate": iso(created), "closedate": iso(closed),
            "hs_lastmodifieddate": iso(closed + dt.timedelta(hours=1)),
            "hs_is_closed_won": "true" if (pipe, stage) in WON else "false",
            "hs_is_closed": "true" if (pipe, stage) in CLOSED else "false",
        }  # fmt: skip
        hs.assoc["contacts"][did] = [5001 + n, 5001 + (n + 7) % contacts]
        hs.assoc["companies"][did] = [9001 + n % 6]
