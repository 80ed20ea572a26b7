"""A fake of X API v2 (posts of a user, user lookup, OAuth 2.0 token), from X's API reference.

Shapes reproduced (docs.x.com / developer.x.com):
- `GET /2/users/:id/tweets` — "Get Posts by User ID": `start_time` / `end_time` (RFC 3339,
  inclusive), `max_results` (5..100), `pagination_token`, `exclude`, `tweet.fields`,
  `expansions=attachments.media_keys`, `media.fields`; posts newest first, answer `{"data":
  [{"id", "text", "created_at", "edit_history_tweet_ids", "public_metrics": {"retweet_count",
  "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count"},
  "non_public_metrics": {"impression_count", "url_link_clicks", "user_profile_clicks"},
  "organic_metrics": {...}, "attachments": {"media_keys"}}], "includes": {"media": [{"media_key",
  "type", "public_metrics": {"view_count"}}]}, "meta": {"result_count", "newest_id",
  "oldest_id", "next_token"}}`; no `data` (only `meta.result_count: 0`) when nothing matches;
- "Metrics": non-public and organic metrics exist only for posts created within the last 30
  days — for older posts the objects are left out and `errors` lists a "Field Authorization
  Error" (`type` `https://api.twitter.com/2/problems/not-authorized-for-field`) per post;
- `GET /2/users/:id` — "User lookup by ID": `{"data": {"id", "name", "username"}}`;
- `POST /2/oauth2/token` — "OAuth 2.0 Authorization Code Flow with PKCE": refresh with
  `grant_type=refresh_token`, `refresh_token`, `client_id`; answer `{"token_type": "bearer",
  "expires_in": 7200, "access_token", "scope", "refresh_token"}` — a NEW refresh token each time,
  the old one void (`tests/fakes/oauth.py`);
- errors: 401 `{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail":
  "Unauthorized"}`; 429 `{"title": "Too Many Requests", ...}` with `x-rate-limit-reset`.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from tests.fakes.oauth import FakeOAuth
from tests.fakes.server import FakeApi, Reply, Request, page_of

USER = "2244994945"
PRIVATE_DAYS = 30
NOT_AUTHORIZED = "https://api.twitter.com/2/problems/not-authorized-for-field"


def _when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def post(pid: int, created: str, *, likes: int = 0, reposts: int = 0, replies: int = 0,
         bookmarks: int = 0, impressions: int = 0, clicks: int = 0, promoted: int = 0,
         video: int | None = None) -> dict[str, Any]:  # fmt: skip
    """One post as the API holds it (every metric; the fake hides the private ones by age)."""
    out: dict[str, Any] = {
        "id": str(pid), "text": f"Post {pid} — see https://t.co/x{pid}",
        "created_at": created, "edit_history_tweet_ids": [str(pid)],
        "public_metrics": {"retweet_count": reposts, "reply_count": replies,
                           "like_count": likes, "quote_count": 0,
                           "bookmark_count": bookmarks, "impression_count": impressions},
        "non_public_metrics": {"impression_count": impressions, "url_link_clicks": clicks,
                               "user_profile_clicks": clicks // 2},
        "organic_metrics": {"impression_count": impressions - promoted, "like_count": likes,
                            "reply_count": replies, "retweet_count": reposts,
                            "url_link_clicks": clicks, "user_profile_clicks": clicks // 2},
    }  # fmt: skip
    if video is not None:
        out["attachments"] = {"media_keys": [f"7_{pid}"]}
        out["_video"] = video
    return out


class FakeX:
    def __init__(self, fake: FakeApi, user: str = USER, username: str = "VoltiqUS", *,
                 today: dt.date = dt.date(2026, 3, 31)) -> None:  # fmt: skip
        self.fake = fake
        self.user = user
        self.username = username
        self.today = today  # the fake's clock: decides which posts are past 30 days
        self.posts: list[dict[str, Any]] = []
        self.tokens: set[str] = {"good-token"}
        self.oauth = FakeOAuth(fake, "/2/oauth2/token", self.tokens, rotate=True,
                               expires_in=7200, client_id="x-app")  # fmt: skip
        fake.route("GET", r"/2/users/(\d+)", self._user)
        fake.route("GET", r"/2/users/(\d+)/tweets", self._tweets)

    def _refused(self, req: Request) -> Reply | None:
        if req.bearer not in self.tokens:
            return Reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                               "detail": "Unauthorized"})  # fmt: skip
        return None

    def _user(self, req: Request) -> Reply | dict:
        if bad := self._refused(req):
            return bad
        if req.match.group(1) != self.user:
            return {"errors": [{"value": req.match.group(1), "detail": "Could not find user",
                                "title": "Not Found Error", "resource_type": "user",
                                "type": "https://api.twitter.com/2/problems/resource-not-found"}]}  # fmt: skip
        return {"data": {"id": self.user, "name": "Voltiq", "username": self.username}}

    def _tweets(self, req: Request) -> Reply | dict:
        if bad := self._refused(req):
            return bad
        q = req.query
        size = int(q.get("max_results", 10))
        if not 5 <= size <= 100:
            return Reply(400, {"title": "Invalid Request", "detail": "max_results"})
        lo = _when(q["start_time"])
        hi = _when(q["end_time"]) if "end_time" in q else dt.datetime.max.replace(tzinfo=dt.UTC)
        want = [p for p in self.posts if lo <= _when(p["created_at"]) <= hi]
        want.sort(key=lambda p: int(p["id"]), reverse=True)
        token = q.get("pagination_token")  # opaque to the client: "7140dib" + an index here
        if token is not None and not token.startswith("7140dib"):
            return Reply(400, {"title": "Invalid Request", "detail": "pagination_token"})
        chunk, nxt = page_of(want, token[7:] if token else None, size)
        fields = set(q.get("tweet.fields", "").split(","))
        data, errors, media = [], [], []
        young_since = self.today - dt.timedelta(days=PRIVATE_DAYS)
        for p in chunk:
            out = {k: copy.deepcopy(v) for k, v in p.items() if not k.startswith("_")}
            for f in ("public_metrics", "non_public_metrics", "organic_metrics", "attachments"):
                if f not in fields:
                    out.pop(f, None)
            if _when(p["created_at"]).date() <= young_since:
                for f in ("non_public_metrics", "organic_metrics"):
                    if out.pop(f, None) is not None:
                        errors.append({"value": p["id"], "detail": f"Sorry, you are not "
                                       f"authorized to access '{f}' on the Tweet with ids: "
                                       f"[{p['id']}].", "field": f, "resource_type": "tweet",
                                       "parameter": "ids", "resource_id": p["id"],
                                       "title": "Field Authorization Error", "section": "data",
                                       "type": NOT_AUTHORIZED})  # fmt: skip
            if "_video" in p:
                media.append({"media_key": f"7_{p['id']}", "type": "video",
                              "public_metrics": {"view_count": p["_video"]}})  # fmt: skip
            data.append(out)
        body: dict[str, Any] = {"meta": {"result_count": len(data)}}
        if data:
            body["data"] = data
            body["meta"].update(newest_id=data[0]["id"], oldest_id=data[-1]["id"])
        if media and "attachments.media_keys" in q.get("expansions", ""):
            body["includes"] = {"media": media}
        if errors:
            body["errors"] = errors
        if nxt:
            body["meta"]["next_token"] = f"7140dib{nxt}"
        return body


def fill(x: FakeX, days: int = 31, per_day: int = 2, start: dt.date = dt.date(2026, 3, 1)) -> None:
    """`per_day` posts a day from `start`, figures growing with the post's number."""
    n = 0
    for d in range(days):
        day = start + dt.timedelta(days=d)
        for k in range(per_day):
            n += 1
            x.posts.append(post(1_900_000_000_000_000_000 + n,
                                f"{day.isoformat()}T{8 + 4 * k % 16:02d}:{(15 + k) % 60:02d}:00.000Z",
                                likes=10 + n, reposts=n % 7, replies=n % 5, bookmarks=n % 3,
                                impressions=1000 + 37 * n, clicks=n % 11,
                                video=400 + n if n % 4 == 0 else None))  # fmt: skip
