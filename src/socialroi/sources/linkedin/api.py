"""LinkedIn's APIs as a connector: an organisation Page (statistics, posts), an ad account
(Ads reporting) and an employee's own posts (member post analytics).

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

`--account` takes `org:<organization id>` (a Page), `ads:<sponsored ad account id>` or
`member:<person id>` (the member whose token this is).
"""

from __future__ import annotations

import re

from socialroi.errors import SocialroiError
from socialroi.sources.api import Auth, Connector, register_connector
from socialroi.sources.linkedin.api_ads import AD_ANALYTICS
from socialroi.sources.linkedin.api_member import MEMBER_POSTS
from socialroi.sources.linkedin.api_page import PAGE_POSTS, PAGE_STATISTICS
from socialroi.sources.linkedin.api_restli import VERSION
from socialroi.sources.linkedin.common import P

SCOPES = (
    "rw_organization_admin",  # Page statistics (the member must be a Page ADMINISTRATOR)
    "r_organization_social",  # the Page's posts
    "r_ads",  # ad accounts, campaigns, creatives
    "r_ads_reporting",  # adAnalytics
    "openid", "profile",  # userinfo: whose token this is
    "r_member_social",  # a member's own posts
    "r_member_postAnalytics",  # a member's post analytics
)  # fmt: skip
_ACCOUNT = re.compile(r"^(org|ads|member):([A-Za-z0-9_\-]{1,64})$")
STREAMS_OF = {
    "org": ("page_statistics", "page_posts"),
    "ads": ("ad_analytics",),
    "member": ("member_posts",),
}


def _account(value: str) -> tuple[tuple[str, ...], str]:
    m = _ACCOUNT.match(value.strip())
    if not m or (m[1] in ("org", "ads") and not m[2].isdigit()):
        raise SocialroiError(
            f"{value!r} is not a LinkedIn account this connector reads; expected "
            "org:<organization id> (digits, from the Page admin URL), ads:<ad account id> "
            "(digits, from Campaign Manager) or member:<person id> (the `sub` of the member "
            "who consented)"
        )
    return STREAMS_OF[m[1]], m[2]


CONNECTOR = register_connector(
    Connector(
        P,
        "LinkedIn (Community Management API, Ads reporting, member post analytics)",
        "https://api.linkedin.com",
        Auth(
            "oauth2",
            authorize_url="https://www.linkedin.com/oauth/v2/authorization",
            token_path="https://www.linkedin.com/oauth/v2/accessToken",  # noqa: S106
            scopes=SCOPES,
            refresh="refresh_token",
        ),
        (PAGE_STATISTICS, PAGE_POSTS, AD_ANALYTICS, MEMBER_POSTS),
        "org:<organization id>, ads:<ad account id>, member:<person id>",
        _account,
        api_version=VERSION,
        docs="https://learn.microsoft.com/linkedin/marketing/",
        hosts=(r"www\.linkedin\.com",),
    )
)
