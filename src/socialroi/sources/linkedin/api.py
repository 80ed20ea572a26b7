"""LinkedIn's APIs as two connectors: `linkedin` reads an organisation Page (statistics,
posts) and an ad account (Ads reporting) with an Advertising API app; `linkedin_members` reads
an employee's own posts (member post analytics) with a Community Management API app, which
LinkedIn wants alone on its app.

Written from LinkedIn's references (learn.microsoft.com/linkedin):
- "Authorization Code Flow (3-legged OAuth)": consent at
  `https://www.linkedin.com/oauth/v2/authorization`, tokens from `POST
  https://www.linkedin.com/oauth/v2/accessToken` -> `access_token`, `expires_in` (60 days),
  and for apps with programmatic refresh `refresh_token`, `refresh_token_expires_in` (365
  days, counted from the first consent: refreshing does not extend it);
- "Refresh Tokens with OAuth 2.0": `grant_type=refresh_token` returns a new access token and
  the same refresh token with its remaining lifetime; once it lapses the member must consent
  again (socialroi warns a month ahead: `sync.lapse`);
- the Rest.li rules, version header and paging in `api_restli`, the streams in `api_page`,
  `api_ads` and `api_member`.

`--account` takes `org:<organization id>` (a Page) or `ads:<sponsored ad account id>` for
`linkedin`, `member:<person id>` (the member whose token this is) for `linkedin_members`.
"""

from __future__ import annotations

import re

from socialroi.errors import SocialroiError
from socialroi.sources.api import Auth, Connector, register_connector
from socialroi.sources.linkedin.api_ads import AD_ANALYTICS
from socialroi.sources.linkedin.api_member import MEMBER_POSTS, MEMBERS
from socialroi.sources.linkedin.api_page import PAGE_POSTS, PAGE_STATISTICS
from socialroi.sources.linkedin.api_restli import VERSION
from socialroi.sources.linkedin.common import P

# Advertising API product (it also grants the organisation permissions the Page needs)
SCOPES = (
    "rw_organization_admin",  # Page statistics (the member must be a Page ADMINISTRATOR)
    "r_organization_social",  # the Page's posts
    "r_ads",  # ad accounts, campaigns, creatives
    "r_ads_reporting",  # adAnalytics
)  # fmt: skip
# Community Management API product (+ OpenID Connect sign-in: whose token this is)
MEMBER_SCOPES = ("openid", "profile", "r_member_social", "r_member_postAnalytics")
_ACCOUNT = re.compile(r"^(org|ads):(\d{1,25})$")
_MEMBER = re.compile(r"^member:([A-Za-z0-9_\-]{1,64})$")
STREAMS_OF = {"org": ("page_statistics", "page_posts"), "ads": ("ad_analytics",)}


def _account(value: str) -> tuple[tuple[str, ...], str]:
    m = _ACCOUNT.match(value.strip())
    if not m:
        hint = (" (an employee's own posts are the linkedin_members connection)"
                if value.strip().startswith("member:") else "")  # fmt: skip
        raise SocialroiError(
            f"{value!r} is not a LinkedIn account this connector reads; expected "
            "org:<organization id> (digits, from the Page admin URL) or ads:<ad account id> "
            f"(digits, from Campaign Manager){hint}"
        )
    return STREAMS_OF[m[1]], m[2]


def _member(value: str) -> tuple[tuple[str, ...], str]:
    m = _MEMBER.match(value.strip())
    if not m:
        raise SocialroiError(
            f"{value!r} is not a LinkedIn member; expected member:<person id> (the `sub` "
            "LinkedIn's sign-in names for the employee who consents)"
        )
    return ("member_posts",), m[1]


def _auth(scopes: tuple[str, ...], *, per_account: bool = False) -> Auth:
    return Auth(
        "oauth2",
        authorize_url="https://www.linkedin.com/oauth/v2/authorization",
        token_path="https://www.linkedin.com/oauth/v2/accessToken",  # noqa: S106 - a URL
        scopes=scopes,
        refresh="refresh_token",
        per_account=per_account,
    )


def _connector(source: str, title: str, auth: Auth, streams: tuple, hint: str, account,
               docs: str) -> Connector:  # fmt: skip
    """Both LinkedIn connectors: api.linkedin.com, the token endpoint on www.linkedin.com."""
    return register_connector(
        Connector(source, title, "https://api.linkedin.com", auth, streams, hint,
                  account, api_version=VERSION, docs=docs, hosts=(r"www\.linkedin\.com",))
    )  # fmt: skip


CONNECTOR = _connector(
    P, "LinkedIn (Page statistics and posts, Ads reporting)", _auth(SCOPES),
    (PAGE_STATISTICS, PAGE_POSTS, AD_ANALYTICS), "org:<organization id>, ads:<ad account id>",
    _account, "https://learn.microsoft.com/linkedin/marketing/",
)  # fmt: skip
MEMBERS_CONNECTOR = _connector(
    MEMBERS, "LinkedIn members (an employee's own posts: member post analytics)",
    _auth(MEMBER_SCOPES, per_account=True), (MEMBER_POSTS,), "member:<person id>", _member,
    "https://learn.microsoft.com/linkedin/marketing/community-management/",
)  # fmt: skip
