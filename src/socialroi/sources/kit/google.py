"""What Google's APIs share: the OAuth 2.0 consent and token endpoint (GA4, Google Ads,
YouTube).

From "Using OAuth 2.0 for Web Server Applications" (developers.google.com/identity/protocols/
oauth2/web-server): consent at accounts.google.com with `access_type=offline` (and
`prompt=consent`, so a refresh token is issued on every consent), tokens from
`https://oauth2.googleapis.com/token`; access tokens last an hour; the refresh token is not
rotated.
"""

from __future__ import annotations

from collections.abc import Mapping

from socialroi.sources.api import Auth

TOKEN_HOSTS = (r"oauth2\.googleapis\.com",)  # `Connector.hosts`: the token endpoint's host


def google_auth(*scopes: str, app_headers: Mapping[str, str] | None = None) -> Auth:
    """The consent and refresh of Google APIs read with `scopes` (one consent asks for all of
    them: YouTube's Data API and its Analytics and Reporting APIs take two)."""
    if not scopes:
        raise ValueError("google_auth needs at least one scope")
    return Auth(
        "oauth2",
        authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
        token_path="https://oauth2.googleapis.com/token",  # noqa: S106 - a URL
        scopes=scopes,
        refresh="refresh_token",
        authorize_params={"access_type": "offline", "prompt": "consent"},
        app_headers=dict(app_headers or {}),
    )
