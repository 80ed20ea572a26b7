"""A fake of TikTok's API for Business (v1.3), built from TikTok's reference pages.

Shapes reproduced (business-api.tiktok.com/portal/docs):
- every answer is the envelope `{"code", "message", "request_id", "data"}`, HTTP 200 also for
  errors ("Appendix - Return Codes"): 0 OK; 40100 when requests come too frequently; a refused
  access token is an authentication code (401xx: the fake answers 40105, "Access token is
  incorrect or has been revoked"); a refresh token that is unknown or already used is refused
  with another code of that block (the fake answers 40107; the pages we read do not name the
  exact code);
- "Get profile data of a TikTok account" (doc 1762228399168514): `GET /business/get/` with
  `business_id`, `fields` (a JSON list), `start_date` / `end_date` (UTC days); `data` carries
  the asked profile fields (`username`, lifetime `followers_count`) and `metrics[]`, one object
  per day with `date` and the asked daily fields;
- "Get video list": `GET /business/video/list/` with `business_id`, `fields`, `max_count`
  (1-20) and `cursor`; `data.videos[]` (`item_id`, `create_time` as Unix seconds, `caption`,
  `share_url`, lifetime counts), `data.cursor`, `data.has_more`;
- TikTok account authorization: `POST /tt_user/oauth2/token/` and
  `/tt_user/oauth2/refresh_token/`, JSON bodies; `data` holds `access_token`, `expires_in`
  86400, `refresh_token`, `refresh_token_expires_in` 31536000, `open_id`, `scope`,
  `token_type`; every refresh returns a new refresh token and voids the old one;
- "Get ad account details": `GET /advertiser/info/` with `advertiser_ids` and `fields` (JSON
  lists); `data.list[]` of `{advertiser_id, name, currency, timezone, display_timezone}`;
- "Run a synchronous report" (doc 1740302848100353): `GET /report/integrated/get/` with
  `advertiser_id`, `report_type`, `data_level`, `dimensions`, `metrics`, `start_date`,
  `end_date`, `page`, `page_size`; `data.list[]` of `{"dimensions": {"ad_id",
  "stat_time_day": "YYYY-MM-DD 00:00:00"}, "metrics": {... all strings}}` and
  `data.page_info` (`page`, `page_size`, `total_number`, `total_page`); a daily report longer
  than 30 days is refused (code 40002, a parameter error).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.fakes.server import FakeApi, Request

V = "/open_api/v1.3"
BUSINESS = "-000voltiqOpenId7a1"
ADVERTISER = "7012345678901234567"


def ok(data: Any) -> dict[str, Any]:
    return {"code": 0, "message": "OK", "request_id": "202603100000000001", "data": data}


def err(code: int, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "request_id": "202603100000000002", "data": {}}


class FakeTikTok:
    def __init__(self, fake: FakeApi) -> None:
        self.fake = fake
        self.tokens = {"good-token"}
        self.refresh_tokens = {"rt-1"}
        self.refreshed: list[str] = []
        self.issued = 0
        self.profiles: dict[str, dict[str, Any]] = {}  # business id -> username, metrics
        self.videos: dict[str, list[dict[str, Any]]] = {}
        self.advertisers: dict[str, dict[str, Any]] = {}  # advertiser id -> info
        self.report: dict[str, list[dict[str, Any]]] = {}  # advertiser id -> rows
        self.page_cap = 1000  # the documented page_size range is 1-1,000
        self.codes: set[str] = set()  # consent codes TikTok's consent page handed out
        fake.route("POST", rf"{V}/tt_user/oauth2/token/", self._code)
        fake.route("POST", rf"{V}/tt_user/oauth2/refresh_token/", self._refresh)
        fake.route("GET", rf"{V}/business/get/", self._profile)
        fake.route("GET", rf"{V}/business/video/list/", self._videos)
        fake.route("GET", rf"{V}/advertiser/info/", self._info)
        fake.route("GET", rf"{V}/report/integrated/get/", self._report)

    def _authorised(self, req: Request) -> bool:
        return req.headers.get("access-token") in self.tokens

    def _issue(self) -> dict[str, Any]:
        self.issued += 1
        access, new_rt = f"access-{self.issued}", f"rt-{self.issued + 1}"
        self.tokens.add(access)
        self.refresh_tokens.add(new_rt)
        return ok({"access_token": access, "expires_in": 86400, "open_id": BUSINESS,
                   "refresh_token": new_rt, "refresh_token_expires_in": 31536000,
                   "scope": "user.info.basic,user.insights,video.list", "token_type": "Bearer"})  # fmt: skip

    def _code(self, req: Request) -> Any:
        body = json.loads(req.body or b"{}")
        code = body.get("auth_code")
        if body.get("grant_type") != "authorization_code" or code not in self.codes:
            return err(40107, "The auth_code is invalid or has expired.")
        if not (body.get("client_id") and body.get("client_secret") and body.get("redirect_uri")):
            return err(40002, "client_id, client_secret and redirect_uri are required.")
        self.codes.discard(code)
        return self._issue()

    def _refresh(self, req: Request) -> Any:
        body = json.loads(req.body or b"{}")
        rt = body.get("refresh_token")
        self.refreshed.append(rt)
        if body.get("grant_type") != "refresh_token" or rt not in self.refresh_tokens:
            return err(40107, "The refresh token is invalid or has expired.")
        self.refresh_tokens.discard(rt)  # rotated: the old one stops working
        return self._issue()

    def _profile(self, req: Request) -> Any:
        if not self._authorised(req):
            return err(40105, "Access token is incorrect or has been revoked.")
        prof = self.profiles.get(req.query.get("business_id", ""))
        if prof is None:
            return err(40001, "No permission to operate the business account.")
        fields = json.loads(req.query.get("fields", '["display_name","profile_image"]'))
        data: dict[str, Any] = {k: prof[k] for k in ("username", "display_name") if k in fields}
        daily = [f for f in fields if f not in ("username", "display_name")]
        if daily:
            since = req.query.get("start_date", "0000")
            until = req.query.get("end_date", "9999")
            data["metrics"] = [
                {"date": m["date"], **{f: m[f] for f in daily if f in m}}
                for m in prof["metrics"]
                if since <= m["date"] <= until
            ]
        return ok(data)

    def _videos(self, req: Request) -> Any:
        if not self._authorised(req):
            return err(40105, "Access token is incorrect or has been revoked.")
        vids = self.videos.get(req.query.get("business_id", ""), [])
        size = int(req.query.get("max_count", 20))
        if not 1 <= size <= 20:
            return err(40002, "max_count: value must be between 1 and 20.")
        start = int(req.query.get("cursor", 0))
        fields = json.loads(req.query.get("fields", '["item_id"]'))
        chunk = [{k: v[k] for k in fields if k in v} for v in vids[start : start + size]]
        more = start + size < len(vids)
        return ok({"videos": chunk, "cursor": start + size, "has_more": more})

    def _info(self, req: Request) -> Any:
        if not self._authorised(req):
            return err(40105, "Access token is incorrect or has been revoked.")
        ids = json.loads(req.query.get("advertiser_ids", "[]"))
        return ok({"list": [self.advertisers[i] for i in ids if i in self.advertisers]})

    def _report(self, req: Request) -> Any:
        if not self._authorised(req):
            return err(40105, "Access token is incorrect or has been revoked.")
        q = req.query
        since, until = dt.date.fromisoformat(q["start_date"]), dt.date.fromisoformat(q["end_date"])
        if (until - since).days + 1 > 30:
            return err(40002, "The time range of a daily report cannot exceed 30 days.")
        rows = [r for r in self.report.get(q.get("advertiser_id", ""), [])
                if q["start_date"] <= r["dimensions"]["stat_time_day"][:10] <= q["end_date"]]  # fmt: skip
        page, size = int(q.get("page", 1)), min(self.page_cap, int(q.get("page_size", 10)))
        total_page = max(1, -(-len(rows) // size))
        return ok({"list": rows[(page - 1) * size : page * size],
                   "page_info": {"page": page, "page_size": size, "total_number": len(rows),
                                 "total_page": total_page}})  # fmt: skip


def fill(t: FakeTikTok, first: dt.date = dt.date(2026, 2, 1), last: dt.date = dt.date(2026, 3, 10)):
    """A brand's TikTok account (daily metrics, 45 videos: three pages) and an ad account in
    New York time with two campaigns, three ads, every day of `first..last`."""
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    followers = 20000
    metrics = []
    for i, d in enumerate(days):
        new, lost = 120 + i * 3, 20 + i % 7
        followers += new - lost
        metrics.append({
            "date": d.isoformat(), "video_views": 5000 + 37 * i, "unique_video_views": 3100 + 21 * i,
            "profile_views": 300 + i, "likes": 800 + 5 * i, "comments": 40 + i % 9,
            "shares": 25 + i % 5, "followers_count": followers, "daily_total_followers": new - lost,
            "daily_new_followers": new, "daily_lost_followers": lost,
        })  # fmt: skip
    t.profiles[BUSINESS] = {
        "username": "voltiq.global",
        "display_name": "Voltiq",
        "metrics": metrics,
    }
    vids = []
    for i in range(45):
        posted = dt.datetime(2026, 1, 5, 14, 30, tzinfo=dt.UTC) + dt.timedelta(hours=31 * i)
        vid = str(7311000000000000000 + i * 7919)
        vids.append({
            "item_id": vid, "create_time": int(posted.timestamp()),
            "caption": f"Charger drop #{i} =SUM(A1)" if i == 3 else f"Charger drop #{i}",
            "share_url": f"https://www.tiktok.com/@voltiq.global/video/{vid}",
            "video_views": 10000 + 311 * i, "likes": 900 + 13 * i, "comments": 30 + i,
            "shares": 12 + i % 4, "favorites": 50 + i, "reach": 7000 + 200 * i,
        })  # fmt: skip
    t.videos[BUSINESS] = vids[::-1]  # newest first, as the list answers
    t.advertisers[ADVERTISER] = {
        "advertiser_id": ADVERTISER, "name": "Voltiq US", "currency": "USD",
        "timezone": "Etc/GMT+5", "display_timezone": "America/New_York",
    }  # fmt: skip
    ads = [("1801", "Spring launch", "1701", "Broad US", "1601", "Hook A"),
           ("1801", "Spring launch", "1701", "Broad US", "1602", "Hook B"),
           ("1802", "Retargeting", "1702", "Site visitors", "1603", "Offer")]  # fmt: skip
    rows = []
    for i, d in enumerate(days):
        for j, (cid, cname, gid, gname, aid, aname) in enumerate(ads):
            spend = 40 + 3.17 * i + 11 * j
            rows.append({
                "dimensions": {"ad_id": aid, "stat_time_day": f"{d.isoformat()} 00:00:00"},
                "metrics": {
                    "campaign_name": cname, "campaign_id": cid, "adgroup_name": gname,
                    "adgroup_id": gid, "ad_name": aname, "objective_type": "WEB_CONVERSIONS",
                    "spend": f"{spend:.2f}", "impressions": str(9000 + 100 * i + j),
                    "reach": str(7000 + 50 * i), "clicks": str(120 + i + j),
                    "video_play_actions": str(4000 + 10 * i), "conversion": str(3 + (i + j) % 4),
                    "total_complete_payment_rate": f"{(3 + (i + j) % 4) * 29.9:.2f}" if j < 2 else "0.00",
                    "total_purchase_value": "0.00" if j < 2 else f"{(1 + i % 2) * 4.99:.2f}",
                },
            })  # fmt: skip
    t.report[ADVERTISER] = rows
