"""A fake of LinkedIn's APIs (api.linkedin.com and the OAuth endpoint of www.linkedin.com),
built from LinkedIn's references on learn.microsoft.com/linkedin.

Shapes reproduced:
- every `/rest/...` call — "LinkedIn Marketing API Versioning": `LinkedIn-Version: YYYYMM`
  required (missing: HTTP 400 `VERSION_MISSING`; not active: HTTP 426 `NONEXISTENT_VERSION`);
  "Protocol Version": `X-Restli-Protocol-Version: 2.0.0` (Rest.li values such as
  `List(urn%3Ali%3Ashare%3A1,...)` and `(timeRange:(start:…,end:…),timeGranularityType:DAY)`);
  errors as `{"status", "serviceErrorCode", "code", "message"}` (401 `INVALID_ACCESS_TOKEN`);
- `POST /oauth/v2/accessToken` — "Authorization Code Flow" and "Refresh Tokens with OAuth 2.0":
  `{"access_token", "expires_in": 5184000, "refresh_token", "refresh_token_expires_in"}`;
  LinkedIn returns the SAME refresh token with its remaining lifetime (no rotation);
- `GET /rest/organizations/{id}` — "Organization Lookup API": `{id, localizedName, vanityName}`;
- `GET /rest/organizationalEntityShareStatistics` — "Organization Share Statistics":
  time-bound (`timeIntervals`, one element a day with `timeRange` and `totalShareStatistics`)
  or per post (`shares=List(...)` / `ugcPosts=List(...)`, elements keyed `share` / `ugcPost`);
- `GET /rest/organizationalEntityFollowerStatistics` — "Organization Follower Statistics":
  `followerGains {organicFollowerGain, paidFollowerGain}` a day;
- `GET /rest/organizationPageStatistics` — "Organization Page Statistics":
  `totalPageStatistics.views.allPageViews.pageViews` a day;
- `GET /rest/posts?q=author` — "Posts API": `start`/`count` paging, `paging {start, count}`,
  newest first with `sortBy=CREATED`;
- `GET /rest/adAccounts/{id}`, `.../adCampaigns?q=search`, `.../creatives?q=criteria` — "Ad
  Accounts", "Campaigns", "Creatives": `pageSize`/`pageToken`, `metadata.nextPageToken`;
- `GET /rest/adAnalytics?q=analytics` — "Ads Reporting": `pivot=CREATIVE`,
  `timeGranularity=DAILY`, `dateRange=(start:(year,month,day),end:(...))`, no paging;
  `costInLocalCurrency` as a decimal string;
- `GET /v2/userinfo` — "Sign In with LinkedIn using OpenID Connect": `{sub, name}`;
- `GET /rest/memberCreatorPostAnalytics?q=entity` — "Member Post Analytics":
  `{"elements": [{"count", "metricType": {...: queryType}}]}`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tests.fakes.oauth import FakeOAuth
from tests.fakes.server import FakeApi, Reply, Request

ACTIVE = {"202610", "202609", "202608"}
DAY_MS = 86_400_000


def _ms(day: str) -> int:
    d = dt.date.fromisoformat(day)
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)


def _day(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date().isoformat()


def _list(value: str) -> list[str]:
    m = re.fullmatch(r"List\((.*)\)", value or "")
    if not m:
        raise ValueError(value)
    return [v for v in m[1].split(",") if v]


class LinkedInOAuth(FakeOAuth):
    """LinkedIn's token answers: 60-day access tokens, a year-long refresh token."""

    refresh_ttl = 365 * 86400

    def _issue(self, refresh: str | None = None) -> dict[str, Any]:
        body = super()._issue(refresh)
        body["refresh_token_expires_in"] = self.refresh_ttl
        return body


class FakeLinkedIn:
    def __init__(self, fake: FakeApi, *, page_size: int = 100) -> None:
        self.fake = fake
        self.page_size = page_size
        self.tokens = {"good-token"}
        self.orgs: dict[str, dict[str, Any]] = {}
        self.days: dict[str, dict[str, dict[str, int]]] = {}  # org -> day -> figures
        self.posts: dict[str, list[dict[str, Any]]] = {}  # author urn -> posts, newest first
        self.post_stats: dict[str, dict[str, int]] = {}  # post urn -> lifetime figures
        self.ad_accounts: dict[str, dict[str, Any]] = {}
        self.campaigns: dict[str, list[dict[str, Any]]] = {}
        self.creatives: dict[str, list[dict[str, Any]]] = {}
        self.analytics: dict[str, list[dict[str, Any]]] = {}  # account -> creative x day
        self.members: dict[str, str] = {}  # token -> person id
        self.member_stats: dict[str, dict[str, int]] = {}  # post urn -> queryType -> count
        self.oauth = LinkedInOAuth(fake, "/oauth/v2/accessToken", self.tokens, rotate=False,
                                   expires_in=5_184_000)  # fmt: skip
        r = fake.route
        r("GET", r"/rest/organizations/(\d+)", self._rest(self._organization))
        r("GET", r"/rest/organizationalEntityShareStatistics", self._rest(self._shares))
        r("GET", r"/rest/organizationalEntityFollowerStatistics", self._rest(self._followers))
        r("GET", r"/rest/organizationPageStatistics", self._rest(self._page_views))
        r("GET", r"/rest/posts", self._rest(self._posts))
        r("GET", r"/rest/adAccounts/(\d+)", self._rest(self._ad_account))
        r("GET", r"/rest/adAccounts/(\d+)/adCampaigns", self._rest(self._listing("campaigns")))
        r("GET", r"/rest/adAccounts/(\d+)/creatives", self._rest(self._listing("creatives")))
        r("GET", r"/rest/adAnalytics", self._rest(self._ad_analytics))
        r("GET", r"/v2/userinfo", self._userinfo)
        r("GET", r"/rest/memberCreatorPostAnalytics", self._rest(self._member_analytics))

    # -- the rules of every call -------------------------------------------------------------
    @staticmethod
    def error(status: int, code: str, message: str) -> Reply:
        return Reply(status, {"status": status, "serviceErrorCode": 100, "code": code,
                              "message": message})  # fmt: skip

    def _rest(self, handler):
        def serve(req: Request) -> Reply | dict:
            if req.bearer not in self.tokens:
                return self.error(401, "INVALID_ACCESS_TOKEN", "Invalid access token")
            v = req.headers.get("linkedin-version")
            if not v:
                return self.error(400, "VERSION_MISSING", "A version must be present. Please "
                                  "specify a version by adding the LinkedIn-Version header.")  # fmt: skip
            if v not in ACTIVE:
                return self.error(426, "NONEXISTENT_VERSION",
                                  f"Requested version {v} is not active")  # fmt: skip
            if req.headers.get("x-restli-protocol-version") != "2.0.0":
                return self.error(400, "ILLEGAL_ARGUMENT", "Rest.li protocol 2.0.0 expected")
            try:
                return handler(req)
            except (KeyError, ValueError) as exc:
                return self.error(400, "ILLEGAL_ARGUMENT", f"Invalid param {exc}")

        return serve

    def _span(self, req: Request) -> tuple[int, int]:
        m = re.fullmatch(r"\(timeRange:\(start:(\d+),end:(\d+)\),timeGranularityType:DAY\)",
                         req.query["timeIntervals"])  # fmt: skip
        if not m:
            raise ValueError("timeIntervals")
        return int(m[1]), int(m[2])

    def _org(self, req: Request, key: str) -> str:
        m = re.fullmatch(r"urn:li:organization:(\d+)", req.query[key])
        if not m:
            raise ValueError(key)
        return m[1]

    def _daily(self, req: Request, key: str, shape) -> dict:
        org = self._org(req, key)
        start, end = self._span(req)
        out = []
        for t in range(start, end, DAY_MS):
            figures = self.days.get(org, {}).get(_day(t))
            if figures is not None:
                out.append({key: f"urn:li:organization:{org}",
                            "timeRange": {"start": t, "end": t + DAY_MS}, **shape(figures)})  # fmt: skip
        return {"paging": {"start": 0, "count": 10, "links": []}, "elements": out}

    # -- Pages -------------------------------------------------------------------------------
    def _organization(self, req: Request) -> dict:
        return self.orgs[req.match.group(1)]

    def _shares(self, req: Request) -> dict:
        if "timeIntervals" in req.query:
            return self._daily(req, "organizationalEntity", lambda f: {"totalShareStatistics": {
                "impressionCount": f["impressions"], "uniqueImpressionsCount": f["reach"],
                "clickCount": f["clicks"], "likeCount": f["likes"],
                "commentCount": f["comments"], "shareCount": f["shares"],
                "engagement": 0.01}})  # fmt: skip
        self._org(req, "organizationalEntity")
        out = []
        for param, key in (("shares", "share"), ("ugcPosts", "ugcPost")):
            for u in _list(req.query[param]) if param in req.query else []:
                s = self.post_stats.get(u)
                if s is not None:
                    out.append({key: u, "totalShareStatistics": s})
        return {"paging": {"start": 0, "count": 10, "links": []}, "elements": out}

    def _followers(self, req: Request) -> dict:
        return self._daily(req, "organizationalEntity", lambda f: {"followerGains": {
            "organicFollowerGain": f["organic_follows"], "paidFollowerGain": f["paid_follows"]}})  # fmt: skip

    def _page_views(self, req: Request) -> dict:
        return self._daily(req, "organization", lambda f: {"totalPageStatistics": {
            "views": {"allPageViews": {"pageViews": f["page_views"]}}}})  # fmt: skip

    def _posts(self, req: Request) -> dict:
        if req.query.get("q") != "author":
            raise ValueError("q")
        posts = self.posts.get(req.query["author"], [])
        if req.query.get("sortBy") == "CREATED":
            posts = sorted(posts, key=lambda p: -p["createdAt"])
        start = int(req.query.get("start", 0))
        size = min(int(req.query.get("count", 10)), self.page_size)
        return {"paging": {"start": start, "count": size, "links": []},
                "elements": posts[start : start + size]}  # fmt: skip

    # -- Ads ---------------------------------------------------------------------------------
    def _ad_account(self, req: Request) -> dict:
        return self.ad_accounts[req.match.group(1)]

    def _listing(self, kind: str):
        def serve(req: Request) -> dict:
            items = getattr(self, kind).get(req.match.group(1), [])
            size = min(int(req.query.get("pageSize", 100)), self.page_size)
            start = int(req.query.get("pageToken") or 0)
            body: dict[str, Any] = {"elements": items[start : start + size], "metadata": {}}
            if start + size < len(items):
                body["metadata"]["nextPageToken"] = str(start + size)
            return body

        return serve

    def _ad_analytics(self, req: Request) -> dict:
        q = req.query
        if (q.get("q"), q.get("pivot"), q.get("timeGranularity")) != (
            "analytics", "CREATIVE", "DAILY"):  # fmt: skip
            raise ValueError("q/pivot/timeGranularity")
        m = re.fullmatch(r"\(start:\(year:(\d+),month:(\d+),day:(\d+)\),"
                         r"end:\(year:(\d+),month:(\d+),day:(\d+)\)\)", q["dateRange"])  # fmt: skip
        if not m:
            raise ValueError("dateRange")
        g = [int(x) for x in m.groups()]
        since, until = dt.date(*g[:3]), dt.date(*g[3:])
        out = []
        for a in _list(q["accounts"]):
            acct = re.fullmatch(r"urn:li:sponsoredAccount:(\d+)", a)
            if not acct:
                raise ValueError("accounts")
            for r in self.analytics.get(acct[1], []):
                s = r["dateRange"]["start"]
                if since <= dt.date(s["year"], s["month"], s["day"]) <= until:
                    out.append(r)
        return {"paging": {"start": 0, "count": 10, "links": []}, "elements": out}

    # -- members -----------------------------------------------------------------------------
    def _userinfo(self, req: Request) -> Reply | dict:
        if req.bearer not in self.members:
            return self.error(401, "INVALID_ACCESS_TOKEN", "Invalid access token")
        sub = self.members[req.bearer]
        return {"sub": sub, "name": f"Member {sub}", "email_verified": True}

    def _member_analytics(self, req: Request) -> dict:
        q = req.query
        m = re.fullmatch(r"\((share|ugc):(urn:li:(?:share|ugcPost):\d+)\)", q["entity"])
        if q.get("q") != "entity" or not m or q.get("aggregation") != "TOTAL":
            raise ValueError("entity")
        got = self.member_stats.get(m[2], {}).get(q["queryType"])
        kind = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"
        els = [] if got is None else [{"count": got, "metricType": {kind: q["queryType"]}}]
        return {"paging": {"start": 0, "count": 10, "links": []}, "elements": els}


# -- data like LinkedIn's --------------------------------------------------------------------
def post(urn_: str, author: str, day: str, text: str, content: dict | None = None,
         **extra: Any) -> dict[str, Any]:  # fmt: skip
    t = _ms(day) + 9 * 3600 * 1000
    body: dict[str, Any] = {
        "id": urn_, "author": author, "commentary": text, "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        "createdAt": t, "publishedAt": t, "lastModifiedAt": t, **extra,
    }  # fmt: skip
    if content is not None:
        body["content"] = content
    return body


def fill(li: FakeLinkedIn, days: list[str], org: str = "2414183", account: str = "507404993",
         person: str = "yrZCpj2Z12") -> None:  # fmt: skip
    """A Page with daily figures and posts, an ad account with two campaigns and four
    creatives, and one employee with two posts."""
    li.orgs[org] = {"id": int(org), "localizedName": "Voltiq", "vanityName": "voltiq",
                    "localizedWebsite": "https://voltiq.example"}  # fmt: skip
    li.days[org] = {}
    for i, d in enumerate(days):
        li.days[org][d] = {"impressions": 1200 + 17 * i, "reach": 800 + 9 * i, "clicks": 40 + i,
                           "likes": 30 + i, "comments": 4 + i % 3, "shares": 2 + i % 2,
                           "organic_follows": 5 + i % 4, "paid_follows": i % 2,
                           "page_views": 90 + 3 * i}  # fmt: skip
    author = f"urn:li:organization:{org}"
    kinds = [None, {"media": {"id": "urn:li:image:C4E10AQ1", "altText": "x"}},
             {"media": {"id": "urn:li:video:C5F10AQ2"}},
             {"article": {"source": "https://voltiq.example/b", "title": "Blog"}}]  # fmt: skip
    li.posts[author] = []
    for i, d in enumerate(days):
        kind = "share" if i % 3 else "ugcPost"
        u = f"urn:li:{kind}:{7150000000000000000 + i}"
        li.posts[author].append(post(u, author, d, f"Voltiq update {i} #VoltiqVoices",
                                     kinds[i % 4]))  # fmt: skip
        li.post_stats[u] = {"impressionCount": 500 + 11 * i, "uniqueImpressionsCount": 300 + i,
                            "clickCount": 12 + i, "likeCount": 20 + i, "commentCount": 3 + i % 4,
                            "shareCount": 1 + i % 2, "engagement": 0.05}  # fmt: skip
    li.posts[author].sort(key=lambda p: -p["createdAt"])
    li.ad_accounts[account] = {"id": int(account), "name": "Voltiq Ads", "currency": "EUR",
                               "status": "ACTIVE", "type": "BUSINESS",
                               "reference": f"urn:li:organization:{org}"}  # fmt: skip
    li.campaigns[account] = [
        {"id": 600001 + c, "name": f"Wholesale {c}", "objectiveType": obj,
         "account": f"urn:li:sponsoredAccount:{account}", "status": "ACTIVE"}
        for c, obj in enumerate(("LEAD_GENERATION", "WEBSITE_VISIT"))
    ]  # fmt: skip
    li.creatives[account] = [
        {"id": f"urn:li:sponsoredCreative:{900001 + k}", "name": f"Ad {k}",
         "campaign": f"urn:li:sponsoredCampaign:{600001 + k % 2}", "intendedStatus": "ACTIVE"}
        for k in range(4)
    ]  # fmt: skip
    li.analytics[account] = []
    for i, d in enumerate(days):
        y, m, dd = (int(x) for x in d.split("-"))
        for k in range(4):
            li.analytics[account].append({
                "pivotValues": [f"urn:li:sponsoredCreative:{900001 + k}"],
                "dateRange": {"start": {"year": y, "month": m, "day": dd},
                              "end": {"year": y, "month": m, "day": dd}},
                "impressions": 2000 + 31 * k + i, "clicks": 25 + k, "landingPageClicks": 18 + k,
                "videoViews": 0, "externalWebsiteConversions": k % 3,
                "costInLocalCurrency": f"{30 + 2.5 * k + 0.75 * i:.2f}",
                "conversionValueInLocalCurrency": f"{(k % 3) * 120.0:.1f}",
            })  # fmt: skip
    me = f"urn:li:person:{person}"
    li.posts[me] = []
    for i, d in enumerate(days[:2]):
        u = f"urn:li:share:{7160000000000000000 + i}"
        li.posts[me].append(post(u, me, d, f"Proud of the team #VoltiqVoices {i}"))
        li.member_stats[u] = {"IMPRESSION": 900 + i, "MEMBERS_REACHED": 700 + i,
                              "REACTION": 60 + i, "COMMENT": 9 + i, "RESHARE": 3}  # fmt: skip
    li.posts[me].sort(key=lambda p: -p["createdAt"])
