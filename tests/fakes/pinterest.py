"""A fake of Pinterest API v5, from Pinterest's OpenAPI description (github.com/pinterest/
api-description, `v5/openapi.yaml`, release 5.23).

Shapes reproduced:
- `GET /v5/user_account` — `Account` (`username`, `account_type`, `id`);
- `GET /v5/pins` — `pins/list`: `{"items": [Pin], "bookmark": str | null}`, `page_size`
  (default 25, at most 250), the next page with `bookmark`; a Pin: `id`, `created_at`
  (`2026-03-05T10:00:00`, UTC), `title`, `description`, `link`, `media: {"media_type"}`;
- `GET /v5/pins/{id}/analytics` — `pins/analytics`: `start_date`, `end_date` (at most 90 days
  apart), `metric_types` (comma-separated; `VIDEO_MRC_VIEW` only for video Pins, else 400);
  answer `{"all": {"daily_metrics": [{"date", "data_status", "metrics"}], "summary_metrics":
  {...}, "lifetime_metrics": {...}}}`;
- `GET /v5/user_account/analytics` — `AnalyticsResponse`: `{"all": {"daily_metrics": [...],
  "summary_metrics": {...}}}`; days before the business account existed carry
  `data_status: BEFORE_BUSINESS_CREATED` and no figures;
- `GET /v5/ad_accounts/{id}` — `AdAccount` (`id`, `name`, `currency`); `GET
  /v5/ad_accounts/{id}/ads` — `ads/list` with bookmark paging; `GET
  /v5/ad_accounts/{id}/ads/analytics` — `AdsAnalyticsResponse`: a JSON array of `{"AD_ID",
  "DATE", <column>: value}` for the `ad_ids` asked (at most 250, else 400), the `columns` asked,
  `granularity=DAY`; a column without value is left out;
- errors — `Error` `{"code", "message"}`: 401 code 2 "Authentication failed." for a bad
  token; the token endpoint is `tests.fakes.oauth.FakeOAuth(basic=True)` on
  `/v5/oauth/token` (the app authenticates with HTTP Basic, `security: basic`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.fakes.server import FakeApi, Reply, Request, page_of

V = "/v5"


def _in(day: str, q: dict[str, str]) -> bool:
    return q["start_date"] <= day <= q["end_date"]


class FakePinterest:
    def __init__(self, fake: FakeApi, *, page_size: int = 250) -> None:
        self.fake = fake
        self.page_size = page_size  # the most items a page holds here (the real cap is 250)
        self.tokens: set[str] = {"pina_good"}
        self.username = "voltiq_us"
        self.pins: list[dict[str, Any]] = []
        self.pin_days: dict[str, dict[str, dict[str, int]]] = {}  # pin id -> day -> metrics
        self.account_days: dict[str, dict[str, Any]] = {}  # day -> metrics (or a status)
        self.ad_accounts: dict[str, dict[str, Any]] = {}
        self.ads: dict[str, list[dict[str, Any]]] = {}  # ad account -> ads
        self.ad_rows: dict[str, list[dict[str, Any]]] = {}  # ad account -> AD_ID x DATE rows
        self.broken: tuple[str, Any] | None = None  # (path suffix, body served once instead)
        r = fake.route
        r("GET", rf"{V}/user_account", self._me)
        r("GET", rf"{V}/pins", self._pins)
        r("GET", rf"{V}/pins/(\d+)/analytics", self._pin_analytics)
        r("GET", rf"{V}/user_account/analytics", self._account_analytics)
        r("GET", rf"{V}/ad_accounts/(\d+)", self._ad_account)
        r("GET", rf"{V}/ad_accounts/(\d+)/ads", self._ads)
        r("GET", rf"{V}/ad_accounts/(\d+)/ads/analytics", self._ad_analytics)

    def _denied(self, req: Request) -> Reply | None:
        if req.bearer not in self.tokens:
            return Reply(401, {"code": 2, "message": "Authentication failed."})
        if self.broken and req.path.endswith(self.broken[0]):
            body, self.broken = self.broken[1], None
            return Reply(200, body)
        return None

    def _me(self, req: Request) -> Reply | dict:
        return self._denied(req) or {"username": self.username, "account_type": "BUSINESS",
                                     "id": "549755885175"}  # fmt: skip

    def _pins(self, req: Request) -> Reply | dict:
        size = min(int(req.query.get("page_size", 25)), 250, self.page_size)
        items, nxt = page_of(self.pins, req.query.get("bookmark"), size)
        return self._denied(req) or {"items": items, "bookmark": nxt}

    def _pin_analytics(self, req: Request) -> Reply | dict:
        if (no := self._denied(req)) is not None:
            return no
        q = req.query
        d0, d1 = dt.date.fromisoformat(q["start_date"]), dt.date.fromisoformat(q["end_date"])
        assert (d1 - d0).days <= 89, q
        pid = req.match.group(1)
        kinds = q["metric_types"].split(",")
        pin = next(p for p in self.pins if p["id"] == pid)
        if "VIDEO_MRC_VIEW" in kinds and pin["media"]["media_type"] != "video":
            return Reply(400, {"code": 1, "message": "Invalid pins analytics parameters."})
        days = [(d, m) for d, m in sorted(self.pin_days.get(pid, {}).items()) if _in(d, q)]
        summary = {k: sum(m.get(k, 0) for _, m in days) for k in kinds}
        return {"all": {
            "daily_metrics": [{"date": d, "data_status": "READY",
                               "metrics": {k: m.get(k, 0) for k in kinds}} for d, m in days],
            "summary_metrics": summary,
            "lifetime_metrics": {"TOTAL_COMMENTS": 0, "TOTAL_REACTIONS": 1}}}  # fmt: skip

    def _account_analytics(self, req: Request) -> Reply | dict:
        if (no := self._denied(req)) is not None:
            return no
        q = req.query
        kinds = q["metric_types"].split(",")
        daily = []
        for d, m in sorted(self.account_days.items()):
            if not _in(d, q):
                continue
            if isinstance(m, str):
                daily.append({"date": d, "data_status": m, "metrics": {}})
            else:
                daily.append({"date": d, "data_status": "READY",
                              "metrics": {k: m.get(k, 0) for k in kinds}})  # fmt: skip
        return {"all": {"daily_metrics": daily, "summary_metrics": {}}}

    def _ad_account(self, req: Request) -> Reply | dict:
        return self._denied(req) or self.ad_accounts[req.match.group(1)]

    def _ads(self, req: Request) -> Reply | dict:
        size = min(int(req.query.get("page_size", 25)), 250, self.page_size)
        items, nxt = page_of(self.ads[req.match.group(1)], req.query.get("bookmark"), size)
        return self._denied(req) or {"items": items, "bookmark": nxt}

    def _ad_analytics(self, req: Request) -> Reply | list:
        if (no := self._denied(req)) is not None:
            return no
        q = req.query
        ids = q["ad_ids"].split(",")
        if len(ids) > 250 or q.get("granularity") != "DAY":
            return Reply(
                400, {"code": 1, "message": "Invalid ad account ads analytics parameters."}
            )
        cols = q["columns"].split(",")
        out = []
        for r in self.ad_rows[req.match.group(1)]:
            if r["AD_ID"] in ids and _in(r["DATE"], q):
                out.append({k: v for k, v in r.items()
                            if k in ("AD_ID", "DATE") or (k in cols and v is not None)})  # fmt: skip
        return out


DAYS = [f"2026-03-{d:02d}" for d in range(1, 11)]


def fill(p: FakePinterest, act: str = "549755885175", days: list[str] = DAYS) -> None:
    """Five Pins (one a video), ten days of profile analytics (the first before the business
    account existed), and four ads in two campaigns over the same days."""
    for n in range(5):
        pid = f"11223800000000000{n:02d}"
        video = n == 2
        p.pins.append({"id": pid, "created_at": f"2026-02-{10 + n:02d}T1{n}:30:00",
                       "title": f"Desk setup {n}" if n != 3 else None,
                       "description": f"Pin {n}, with a comma", "link": "https://voltiq.example/",
                       "media": {"media_type": "video" if video else "image"},
                       "board_id": "991"})  # fmt: skip
        p.pin_days[pid] = {
            d: {"IMPRESSION": 500 + 40 * n + 7 * i, "PIN_CLICK": 20 + n + i,
                "OUTBOUND_CLICK": 5 + (n + i) % 4, "SAVE": 3 + n,
                **({"VIDEO_MRC_VIEW": 90 + i} if video else {})}
            for i, d in enumerate(days)
        }  # fmt: skip
    for i, d in enumerate(days):
        p.account_days[d] = "BEFORE_BUSINESS_CREATED" if i == 0 else {
            "IMPRESSION": 4000 + 31 * i, "ENGAGEMENT": 300 + i, "PIN_CLICK": 120 + i,
            "OUTBOUND_CLICK": 40 + i, "SAVE": 25 + i}  # fmt: skip
    p.ad_accounts[act] = {"id": act, "name": "Voltiq US Ads", "currency": "USD",
                          "country": "US", "owner": {"username": p.username}}  # fmt: skip
    p.ads[act] = []
    p.ad_rows[act] = []
    for a in range(4):
        camp, group = f"62673653350{a // 2}", f"26843148701{a // 2}"
        ad = f"68719484{a:04d}"
        p.ads[act].append({"id": ad, "ad_group_id": group, "campaign_id": camp,
                           "name": f"Promoted Pin {a}", "status": "ACTIVE"})  # fmt: skip
        for i, d in enumerate(days):
            p.ad_rows[act].append(
                {"AD_ID": ad, "DATE": d, "CAMPAIGN_ID": camp,
                 "CAMPAIGN_NAME": f"Spring {a // 2}", "CAMPAIGN_OBJECTIVE_TYPE": "CONSIDERATION",
                 "AD_GROUP_ID": group, "AD_GROUP_NAME": f"Group {a // 2}", "AD_NAME": f"Promoted Pin {a}",
                 "SPEND_IN_MICRO_DOLLAR": (1500 + 130 * a + 17 * i) * 10_000,
                 "PAID_IMPRESSION": 2000 + 50 * a + i, "CLICKTHROUGH_1": 60 + a + i,
                 "OUTBOUND_CLICK_1": 20 + a, "VIDEO_MRC_VIEWS_1": None,
                 "TOTAL_CONVERSIONS": (a + i) % 3,
                 "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": ((a + i) % 3) * 45_500_000}
            )  # fmt: skip
