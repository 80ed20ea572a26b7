"""An employee's own LinkedIn posts and their analytics (Community Management API for members),
landed as an `employee` account so employee advocacy can be compared with the brand Page.

Written from LinkedIn's references (learn.microsoft.com/linkedin):
- "Sign In with LinkedIn using OpenID Connect": `GET /v2/userinfo` -> `sub` (the member's
  person id) and `name`: the connection must belong to the member named by `--account`;
- "Posts API" (`GET /rest/posts?q=author&author=urn%3Ali%3Aperson%3A{id}`, scope
  `r_member_social`): the member's posts, as for a Page;
- "Member Post Analytics" (`GET /rest/memberCreatorPostAnalytics?q=entity&entity=(share:
  urn%3Ali%3Ashare%3A{id})` — `(ugc:urn%3Ali%3AugcPost%3A{id})` for ugcPosts —
  `&queryType=IMPRESSION|MEMBERS_REACHED|REACTION|COMMENT|RESHARE&aggregation=TOTAL`, scope
  `r_member_postAnalytics`): one metric a call, `elements[0].count` the post's lifetime total.
  Only the authenticated member's own posts can be read: every employee consents for
  themself.

LinkedIn's developer portal requires the Community Management API (which holds
`r_member_postAnalytics`) to be the only product of its app, while the Page and ads streams
need the Advertising API: employees therefore consent through a second app, and their posts
are a connector of their own, `linkedin_members` (the rows are LinkedIn's all the same).

The posts are laid out as `All posts` rows and read by the Page content parser, so they are
`posts` / `post_metrics` rows like a Page's, of the account `linkedin:member-<person id>` whose
`kind` is `employee` (the Page's is `brand`): the experiments' author design compares the two
with the selectors `kind:employee` and `kind:brand`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.sources.api import Fetcher, Stream, Window
from socialroi.sources.base import Context
from socialroi.sources.linkedin import page_content
from socialroi.sources.linkedin.api_page import author_posts, post_rows
from socialroi.sources.linkedin.api_restli import count, elements, enc, get, urn
from socialroi.sources.linkedin.common import page_account

QUERY_TYPES = ("IMPRESSION", "REACTION", "COMMENT", "RESHARE")  # the export's columns
_ENTITY = {"share": "share", "ugcPost": "ugc"}
_POST = re.compile(r"^urn:li:(share|ugcPost):\d{1,25}$")


def member_handle(native: str) -> str:
    return f"member-{native}"


def fetch_member_posts(
    f: Fetcher, stream: Stream, account: str, window: Window
) -> list[dict[str, Any]]:
    me = get(f, "/v2/userinfo", {}, page="member")
    if not isinstance(me, dict) or me.get("sub") != account:
        raise SocialroiError(
            f"this connection's token belongs to another LinkedIn member than member:{account} "
            "(only a member's own post analytics can be read: each employee connects with "
            "their own consent)"
        )
    posts = author_posts(f, urn("person", account), window, "member posts")
    for n, p in enumerate(posts, start=1):
        m = _POST.match(str(p.get("id")))
        if not m:
            continue  # refused with the record's number by the staging step
        entity = f"({_ENTITY[m[1]]}:{enc(p['id'])})"
        figures = {}
        for qt in QUERY_TYPES:
            body = get(f, "/rest/memberCreatorPostAnalytics",
                       {"q": "entity", "entity": entity, "queryType": qt,
                        "aggregation": "TOTAL"}, page=f"post {n} {qt.lower()}")  # fmt: skip
            f.pages_read += 1
            got = elements(body, f"post {n} {qt.lower()}")
            figures[qt] = got[0].get("count") if got else 0
        p["_figures"] = figures
    as_of = window.until.isoformat()
    return [{"_kind": "member", "_as_of": as_of, "sub": me["sub"], "name": me.get("name")},
            *posts]  # fmt: skip


def member_posts_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    me = next((r for r in records if r.get("_kind") == "member"), {})
    name = me.get("name") if isinstance(me.get("name"), str) else None
    handle = member_handle(account)
    acct = {"native_id": account, "name": name, "kind": "employee"}
    posts = [(i, r) for i, r in enumerate(records, start=1) if r.get("_kind") != "member"]
    if not posts:
        return {"accounts": pd.DataFrame([page_account(ctx, handle, **acct)])}

    def figures(i: int, p: dict[str, Any]) -> list[int | None]:
        got = p.get("_figures") or {}
        imp, react, comm, resh = (count(ctx, got.get(q), i, q) for q in QUERY_TYPES)
        return [imp, None, react, comm, resh]  # members' posts have no click count

    as_of = dt.date.fromisoformat(me.get("_as_of") or dt.date.today().isoformat())
    sheets = {"All posts": post_rows(ctx, posts, figures)}
    return page_content.content_frames(ctx, handle, sheets, as_of, **acct)


MEMBERS = "linkedin_members"  # the connector (and sync source) of employees' own posts
MEMBER_POSTS = Stream(
    MEMBERS,
    "member_posts",
    "An employee's own posts with lifetime analytics (impressions, reactions, comments, reposts)",
    "/rest/memberCreatorPostAnalytics",
    member_posts_staged,
    fetch=fetch_member_posts,
    lag_days=28,
    window_days=366,
    history_days=90,
    max_history_days=365,
)
