"""A fake of Meta's Graph API (v25.0) for the Marketing API insights, built from Meta's docs.

Shapes reproduced:
- `GET /v25.0/act_{id}/insights` — "Ads Insights API" (developers.facebook.com/docs/
  marketing-api/insights): `{"data": [{account_id, campaign_id, date_start, date_stop,
  impressions, spend, ...}], "paging": {"cursors": {"before", "after"}, "next"}}`; numbers
  are JSON strings, `actions` / `action_values` are lists of `{action_type, value}`;
  `time_range={"since","until"}`, `time_increment=1`, `breakdowns=publisher_platform` add
  a `publisher_platform` key to each record;
- cursor paging — "Paginated Results" (developers.facebook.com/docs/graph-api/results):
  `paging.next` is an absolute URL carrying every parameter; the last page has no `next`;
- async report runs — the Insights "Asynchronous" section: `POST .../insights` returns
  `{"report_run_id"}`, `GET /{id}` returns `{"id", "async_status", "async_percent_completion"}`
  until `"Job Completed"`, then `GET /{id}/insights` pages the records;
- `GET /v25.0/act_{id}?fields=...` — the Ad Account node: `{"id": "act_..", "name",
  "currency", "timezone_name"}`;
- `GET /v25.0/oauth/access_token?grant_type=fb_exchange_token` — "Long-Lived Access
  Tokens": `{"access_token", "token_type": "bearer", "expires_in"}`; with `code`,
  `redirect_uri`, `client_id`, `client_secret` — "Manually Build a Login Flow": the
  short-lived user token of a consent;
- Instagram (Instagram Platform reference, "Instagram User", "Instagram Media", "Instagram
  Media Insights", "Instagram Account Insights"): `GET /{ig-user-id}` -> `{id, username,
  name}`; `GET /{ig-user-id}/media?fields=...,insights.metric(...)` pages media objects
  (`timestamp` ISO 8601 UTC like `2019-04-05T07:56:32+0000`) with a nested `insights:
  {"data": [{"name", "period": "lifetime", "values": [{"value"}]}]}`; `GET /{ig-user-id}/
  insights?metric=reach,follower_count&period=day&since&until` -> `{"data": [{"name",
  "period": "day", "values": [{"value", "end_time"}]}]}` (end_time: the end of the day);
  `metric_type=total_value` -> `{"data": [{"name", "period", "total_value": {"value"}}]}`;
- Facebook Pages (Pages API: "Page", "Page Feed" `published_posts`, "Page Insights",
  "Page Post insights"): `GET /{page-id}?fields=access_token` gives the Page token that the
  Page's edges require; posts carry `id` as `{page-id}_{post-id}`, `created_time`,
  `reactions.summary.total_count`, `comments.summary.total_count`, `shares.count` and
  nested `insights`; Page insights are `period=day` series like Instagram's;
- errors — "Handling Errors": `{"error": {"message", "type": "OAuthException", "code"}}`;
  code 190 is an invalid / expired token, 17 / 80000 family is throttling.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tests.fakes.server import FakeApi, Reply, Request, page_of

V = "v25.0"


class FakeMeta:
    def __init__(self, fake: FakeApi, *, page_size: int = 50) -> None:
        self.fake = fake
        self.page_size = page_size
        self.insights: dict[str, list[dict[str, Any]]] = {}  # account id -> daily records
        self.accounts: dict[str, dict[str, Any]] = {}
        self.tokens = {"good-token"}
        self.exchanged: list[str] = []
        self.codes: set[str] = set()  # consent codes the login dialog handed out
        self.runs: dict[str, tuple[str, dict[str, str]]] = {}
        self.polls_before_done = 1
        fake.route("GET", rf"/{V}/act_(\d+)/insights", self._insights)
        fake.route("POST", rf"/{V}/act_(\d+)/insights", self._start_run)
        fake.route("GET", rf"/{V}/act_(\d+)", self._account)
        fake.route("GET", rf"/{V}/(\d+)/insights", self._node_insights)
        fake.route("GET", rf"/{V}/(\d+)", self._node)
        fake.route("GET", rf"/{V}/(\d+)/media", self._ig_media)
        fake.route("GET", rf"/{V}/(\d+)/published_posts", self._page_posts)
        self.ig: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        self.tz = ZoneInfo("America/Los_Angeles")  # Meta's default clock for insights days
        fake.route("GET", rf"/{V}/oauth/access_token", self._token)

    def add_account(self, act: str, name: str, currency: str, tz: str) -> None:
        self.accounts[act] = {"id": f"act_{act}", "account_id": act, "name": name,
                              "currency": currency, "timezone_name": tz}  # fmt: skip
        self.insights.setdefault(act, [])

    def _denied(self, req: Request) -> Reply | None:
        if req.bearer not in self.tokens:
            return Reply(400, {"error": {"message": "Error validating access token: Session "
                                         "has expired", "type": "OAuthException", "code": 190,
                                         "error_subcode": 463}})  # fmt: skip
        return None

    def _rows(self, act: str, query: dict[str, str]) -> list[dict[str, Any]]:
        rng = json.loads(query["time_range"])
        return [
            r for r in self.insights.get(act, []) if rng["since"] <= r["date_start"] <= rng["until"]
        ]

    def _page(self, req: Request, rows: list[dict[str, Any]]) -> dict[str, Any]:
        chunk, nxt = page_of(
            rows, req.query.get("after"), int(req.query.get("limit", self.page_size))
        )
        chunk = chunk[: self.page_size]
        start = int(req.query.get("after") or 0)
        nxt = str(start + len(chunk)) if start + len(chunk) < len(rows) else None
        body: dict[str, Any] = {
            "data": chunk,
            "paging": {"cursors": {"before": str(start), "after": nxt or str(start)}},
        }
        if nxt is not None:
            q = {k: v for k, v in req.query.items() if k != "after"}
            body["paging"]["next"] = (
                f"https://graph.facebook.com{req.path}?{urlencode({**q, 'after': nxt})}"
            )
        return body

    def _insights(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        return self._page(req, self._rows(req.match.group(1), req.query))

    def _start_run(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        run_id = str(900000 + len(self.runs))
        self.runs[run_id] = (req.match.group(1), dict(req.form))
        self._polls = {run_id: 0}
        return {"report_run_id": run_id}

    def _node(self, req: Request) -> Reply | dict:
        nid = req.match.group(1)
        if nid in self.runs:
            return self._run_status(req)
        if (d := self._denied(req)) is not None:
            return d
        if nid in self.ig:
            u = self.ig[nid]
            return {"id": nid, "username": u["username"], "name": u["name"]}
        if nid in self.pages:
            p = self.pages[nid]
            return {"id": nid, "name": p["name"], "access_token": p["token"]}
        return Reply(404, {"error": {"message": "Unsupported get request", "code": 100}})

    def _node_insights(self, req: Request) -> Reply | dict:
        nid = req.match.group(1)
        if nid in self.runs:
            return self._run_insights(req)
        if nid in self.ig:
            if (d := self._denied(req)) is not None:
                return d
            return self._series(req, self.ig[nid])
        if nid in self.pages:
            if req.bearer != self.pages[nid]["token"]:
                return Reply(
                    400,
                    {
                        "error": {
                            "message": "(#190) This method must be called with a Page Access Token",
                            "code": 190,
                        }
                    },
                )
            return self._series(req, self.pages[nid])
        return Reply(404, {"error": {"message": "Unsupported get request", "code": 100}})

    def _day_of(self, ts: int) -> dt.date:
        return dt.datetime.fromtimestamp(ts, dt.UTC).date()

    def _series(self, req: Request, node: dict[str, Any]) -> dict:
        since, until = self._day_of(int(req.query["since"])), self._day_of(int(req.query["until"]))
        metrics = req.query["metric"].split(",")
        days = [d for d in sorted(node["daily"]) if since <= d < until]
        if req.query.get("metric_type") == "total_value":
            return {
                "data": [
                    {
                        "name": m,
                        "period": "day",
                        "title": m,
                        "id": f"x/insights/{m}/day",
                        "total_value": {"value": sum(node["daily"][d].get(m, 0) for d in days)},
                    }
                    for m in metrics
                ]
            }
        out = []
        for m in metrics:
            values = []
            for d in days:
                end = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), self.tz).astimezone(
                    dt.UTC
                )
                values.append(
                    {
                        "value": node["daily"][d].get(m, 0),
                        "end_time": end.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                    }
                )
            out.append(
                {
                    "name": m,
                    "period": "day",
                    "values": values,
                    "title": m,
                    "id": f"x/insights/{m}/day",
                }
            )
        return {
            "data": out,
            "paging": {
                "previous": "https://graph.facebook.com/x",
                "next": "https://graph.facebook.com/y",
            },
        }

    def _in_window(
        self, req: Request, items: list[dict[str, Any]], key: str
    ) -> list[dict[str, Any]]:
        lo, hi = int(req.query["since"]), int(req.query["until"])
        return [
            i
            for i in items
            if lo <= dt.datetime.strptime(i[key], "%Y-%m-%dT%H:%M:%S%z").timestamp() < hi
        ]

    def _ig_media(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        return self._page(
            req, self._in_window(req, self.ig[req.match.group(1)]["media"], "timestamp")
        )

    def _page_posts(self, req: Request) -> Reply | dict:
        page = self.pages[req.match.group(1)]
        if req.bearer != page["token"]:
            return Reply(
                400,
                {
                    "error": {
                        "message": "(#190) This method must be called with a Page Access Token",
                        "code": 190,
                    }
                },
            )
        return self._page(req, self._in_window(req, page["posts"], "created_time"))

    def _run_status(self, req: Request) -> Reply | dict:
        run_id = req.match.group(1)
        self._polls[run_id] = self._polls.get(run_id, 0) + 1
        done = self._polls[run_id] > self.polls_before_done
        return {"id": run_id, "async_status": "Job Completed" if done else "Job Running",
                "async_percent_completion": 100 if done else 50}  # fmt: skip

    def _run_insights(self, req: Request) -> Reply | dict:
        act, form = self.runs[req.match.group(1)]
        return self._page(req, self._rows(act, form))

    def _account(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        return self.accounts[req.match.group(1)]

    def _token(self, req: Request) -> Reply | dict:
        if "code" in req.query:  # "Manually Build a Login Flow": the code for a user token
            if req.query["code"] not in self.codes or not req.query.get("client_secret"):
                return Reply(400, {"error": {"message": "Invalid verification code format.",
                                             "type": "OAuthException", "code": 100}})  # fmt: skip
            self.codes.discard(req.query["code"])
            self.tokens.add("short-lived-1")
            return {"access_token": "short-lived-1", "token_type": "bearer", "expires_in": 5400}
        if (
            req.query.get("grant_type") != "fb_exchange_token"
            or req.query.get("fb_exchange_token") not in self.tokens
        ):
            return Reply(
                400,
                {
                    "error": {
                        "message": "Invalid OAuth access token",
                        "type": "OAuthException",
                        "code": 190,
                    }
                },
            )
        new = f"renewed-{len(self.exchanged) + 1}"
        self.exchanged.append(req.query["fb_exchange_token"])
        self.tokens.add(new)
        return {"access_token": new, "token_type": "bearer", "expires_in": 5183944}


def insight(act: str, day: str, ad: int, platform: str, *, spend: float, impressions: int,
            clicks: int, purchases: int = 0, value: float = 0.0, currency: str = "EUR",
            name: str = "Voltiq EU") -> dict[str, Any]:  # fmt: skip
    """One record as the insights edge returns it (numbers as strings)."""
    camp, adset = 100 + ad // 4, 200 + ad // 2
    rec: dict[str, Any] = {
        "account_id": act, "account_name": name, "account_currency": currency,
        "campaign_id": str(120000 + camp), "campaign_name": f"Spring {camp}",
        "adset_id": str(230000 + adset), "adset_name": f"Set {adset}",
        "ad_id": str(340000 + ad), "ad_name": f"Ad {ad}", "objective": "OUTCOME_SALES",
        "spend": f"{spend:.2f}", "impressions": str(impressions), "reach": str(impressions // 2),
        "clicks": str(clicks), "inline_link_clicks": str(clicks // 2),
        "date_start": day, "date_stop": day, "publisher_platform": platform,
        "attribution_setting": "7d_click_1d_view",
    }  # fmt: skip
    if purchases:
        rec["actions"] = [
            {"action_type": "link_click", "value": str(clicks // 2)},
            {"action_type": "omni_purchase", "value": str(purchases)},
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": str(purchases)},
        ]
        rec["action_values"] = [{"action_type": "omni_purchase", "value": f"{value:.2f}"}]
    return rec


def ig_media(mid: str, when: str, *, views: int, reach: int, likes: int, comments: int, shares: int,
             saved: int, product: str = "FEED", kind: str = "IMAGE", caption: str = "") -> dict[str, Any]:  # fmt: skip
    """One media object as `GET /{ig-user-id}/media?fields=...,insights.metric(...)` returns it."""
    metrics = {"views": views, "reach": reach, "likes": likes, "comments": comments,
               "shares": shares, "saved": saved}  # fmt: skip
    return {
        "id": mid, "caption": caption, "media_type": kind, "media_product_type": product,
        "permalink": f"https://www.instagram.com/p/{mid[-6:]}/", "timestamp": when,
        "like_count": likes, "comments_count": comments,
        "insights": {"data": [{"name": k, "period": "lifetime", "values": [{"value": v}],
                               "title": k, "id": f"{mid}/insights/{k}/lifetime"}
                              for k, v in metrics.items()]},
    }  # fmt: skip


def page_post(page_id: str, pid: str, when: str, *, views: int, reach: int, reactions: int,
              comments: int, shares: int, clicks: int, message: str = "") -> dict[str, Any]:  # fmt: skip
    """One post as `GET /{page-id}/published_posts?fields=...` returns it."""
    ins = {"post_media_view": views, "post_total_media_view_unique": reach, "post_clicks": clicks}
    return {
        "id": f"{page_id}_{pid}", "message": message, "created_time": when,
        "permalink_url": f"https://www.facebook.com/{page_id}/posts/{pid}",
        "status_type": "added_photos", "shares": {"count": shares},
        "reactions": {"data": [], "summary": {"total_count": reactions}},
        "comments": {"data": [], "summary": {"total_count": comments}},
        "insights": {"data": [{"name": k, "period": "lifetime", "values": [{"value": v}]}
                              for k, v in ins.items()]},
    }  # fmt: skip
