"""The contract between a platform's API and the workspace: connectors as configuration.

A `Connector` describes one platform's API as data: its default base URL, how a user
authorises it (`Auth`), what an account id looks like, and its `Stream`s. A `Stream` is one
report read from the API: the endpoint path, its parameters and fields, how it pages, its
lag window (the recent days the platform still revises, re-read on every sync) and how its
JSON records become *staging frames* — the same `Staged` tables, with the same meaning, as
the file export of that report (see `sources/base.py`). Each source writes its connector in
`sources/<name>/api.py`, beside its file parsers, from the platform's API reference.

The HTTP work (auth headers, paging, retries, limits) is done by `socialroi.sync`, which
reads this configuration; a stream with an unusual protocol (async report jobs, GraphQL
bulk operations) gives its own `fetch` and uses the same `Fetcher` primitives.

Contract for `Stream.to_staged(records, ctx, account)`:
- `records` are the decoded JSON objects of every page of one window, in order;
- it raises `ctx.fail(...)` (an `ImportFailed`) for a record of the wrong shape — the sync
  turns it into an error naming source, stream and window, and stores nothing of the stream;
- it returns staging frames keyed by canonical table name, built with the source's file
  parser helpers so ids, keys and dates are those of the file import.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from socialroi.errors import SocialroiError, UnknownName
from socialroi.sources import load_all
from socialroi.sources.base import Context, Staged

# How a list endpoint pages (the fetcher in `sync.paging` implements each):
# - graph_cursor: Graph API `{"data": [...], "paging": {"cursors": {"after"}, "next"}}`;
# - offset: `offset` / `limit` parameters until a short page (GA4 runReport's rows); the
#   parameter names are the stream's `paging_params` (LinkedIn: `start` / `count`);
# - token: the page names the next page's token at `next_token` (a dotted path such as
#   `nextPageToken`, `meta.next_token`, `bookmark`, `data.cursor`), sent back as the parameter
#   `token_param`; the last page has no token (or `has_more` at its dotted path is false):
#   YouTube, X, Pinterest, TikTok's Business API;
# - page: page numbers `page` = 1, 2, ... until the page number at `total_pages` (a dotted
#   path, TikTok's `data.page_info.total_page`) or a short page;
# - none: one response holds everything.
PAGING_KINDS = ("graph_cursor", "offset", "token", "page", "none")


def dig(body: Any, path: str) -> Any:
    """The value at a dotted path of a JSON body (`data.page_info.total_page`), or None."""
    got = body
    for part in path.split("."):
        if not isinstance(got, dict):
            return None
        got = got.get(part)
    return got


@dataclass(frozen=True)
class Auth:
    """How a user authorises socialroi to read the platform."""

    # "oauth2" (consent in a browser, or --token), "token" (--token only) or "oauth1" (every
    # request signed with four secrets, RFC 5849: `sync.oauth1`; X Ads)
    kind: str
    authorize_url: str = ""  # the consent page (absolute: it is opened in a browser)
    token_path: str = ""  # the token endpoint, a path under the API base
    scopes: tuple[str, ...] = ()
    # How an access token is renewed before it expires: "refresh_token" (RFC 6749 §6, the
    # platform may rotate the refresh token), "exchange" (Meta: a long-lived token is
    # exchanged for a new one while still valid) or "" (a token that does not expire).
    refresh: str = ""
    scope_separator: str = " "
    header: str = "Authorization"  # where the access token goes
    scheme: str = "Bearer"  # prefix of the header value ("" for X-Shopify-Access-Token)
    # Extra query parameters of the consent URL (Google: access_type=offline for a refresh
    # token). `token_path` may also be an absolute URL on one of `Connector.hosts`.
    authorize_params: Mapping[str, str] = field(default_factory=dict)
    # How long an access token lives when the token response does not say (Salesforce sends
    # no `expires_in`: its tokens last the org's session timeout, 15 minutes at the least).
    token_lifetime: float | None = None
    # How the token endpoint is called and answers (TikTok's API for Business: a JSON body,
    # the consent code sent as `auth_code`, the token fields inside the `data` envelope; the
    # consent page takes the app's id as `client_key`). Defaults: RFC 6749.
    token_body: str = "form"  # noqa: S105 - "form" (application/x-www-form-urlencoded) or "json"
    token_data: str = ""  # dotted path of the token fields in the answer ("": top level)
    code_param: str = "code"
    refresh_path: str = ""  # a refresh endpoint of its own (TikTok), else `token_path`
    client_param: str = "client_id"
    # Headers every data call carries besides the token, from the user's environment: header
    # -> variable (Google Ads: `developer-token` from SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN).
    # Read at `connect` and kept with the grant (outside the workspace), so a later sync from
    # cron or the dashboard needs no variable; a variable set at sync time wins.
    app_headers: Mapping[str, str] = field(default_factory=dict)
    # How the app proves itself at the token endpoint (RFC 6749 section 2.3.1): "form"
    # (client_id and client_secret in the form) or "basic" (an HTTP Basic header; Pinterest).
    client_auth: str = "form"
    # Each account has a grant of its own (LinkedIn members: a member's post analytics can be
    # read only with that member's token): `connect` adds its accounts to the connection and
    # keeps their grant under their own reference; the sync uses each account's grant.
    per_account: bool = False


class Fetcher(Protocol):
    """What `socialroi.sync` gives a stream's custom `fetch` (see `sync.fetch.Fetcher`)."""

    pages_read: int  # a custom fetch adds the pages of records it read (shown per stream)

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, page: str) -> Any: ...

    def post(
        self,
        path: str,
        data: Mapping[str, Any] | None = None,
        *,
        page: str,
        json: Any = None,
    ) -> Any: ...

    def pages(
        self, stream: Stream, path: str, params: Mapping[str, Any]
    ) -> Iterator[list[dict[str, Any]]]: ...

    def wait(self, seconds: float) -> None: ...

    def lines(self, path: str, *, page: str) -> list[Any]: ...

    def download(
        self, path: str, params: Mapping[str, Any] | None = None, *, page: str
    ) -> tuple[bytes, dict[str, str]]: ...

    # Headers added to this stream's calls (e.g. a Page access token); in memory only.
    headers: dict[str, str]


@dataclass(frozen=True)
class Window:
    """The days one sync of a stream reads (both ends included, in the account's clock)."""

    since: dt.date
    until: dt.date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def chunks(self, size: int) -> list[Window]:
        out, start = [], self.since
        while start <= self.until:
            end = min(self.until, start + dt.timedelta(days=size - 1))
            out.append(Window(start, end))
            start = end + dt.timedelta(days=1)
        return out

    def __str__(self) -> str:
        return f"{self.since}..{self.until}"


@dataclass(frozen=True)
class Stream:
    """One report read from a platform's API (see the module docstring)."""

    source: str
    name: str  # e.g. ad_insights
    title: str  # e.g. "Marketing API ad insights (ad x day x publisher platform)"
    path: str  # endpoint path under the base URL; `{account}` is the account's native id
    to_staged: Callable[[list[dict[str, Any]], Context, str], Staged]
    params: Mapping[str, Any] = field(default_factory=dict)
    paging: str = "graph_cursor"
    records: str = "data"  # key (or dotted path, `data.list`) of the records list in a page
    # Paging details (see PAGING_KINDS): the page-size parameter and size (`offset`, `token`,
    # `page`), the offset parameter (`offset`), the token's place and parameter (`token`).
    page_size: tuple[str, int] = ("limit", 500)
    offset_param: str = "offset"
    next_token: str = ""
    token_param: str = ""
    has_more: str = ""
    total_pages: str = ""
    lag_days: int = 3  # recent days re-read on every sync (the platform revises them)
    window_days: int = 31  # days per request
    history_days: int = 365  # how far back a first or --full sync reads
    max_history_days: int | None = None  # what the platform keeps at all (Meta: 37 months)
    # Tables whose rows of the synced accounts and days this stream replaces (so a file of
    # the same account and days counts once): table -> its day column.
    replaces: Mapping[str, str] = field(default_factory=dict)
    # Put the window into the request's parameters (default: `since` / `until` ISO days).
    window_params: Callable[[Window], dict[str, Any]] | None = None
    # A stream with its own protocol: fetch(fetcher, stream, account, window) -> records.
    fetch: Callable[[Fetcher, Stream, str, Window], list[dict[str, Any]]] | None = None
    dated: bool = True  # False: a snapshot stream (posts, media) read whole every time

    def __post_init__(self) -> None:
        if self.paging not in PAGING_KINDS:
            raise ValueError(f"{self.source}/{self.name}: paging {self.paging!r} unknown")
        if self.paging == "token" and not (self.next_token and self.token_param):
            raise ValueError(
                f"{self.source}/{self.name}: token paging needs next_token and token_param"
            )

    @property
    def key(self) -> str:
        return f"{self.source}/{self.name}"

    def url_path(self, account: str) -> str:
        return self.path.format(account=account)

    def request_params(self, window: Window) -> dict[str, Any]:
        params = dict(self.params)
        if self.dated:
            extra = (
                self.window_params(window)
                if self.window_params
                else {"since": window.since.isoformat(), "until": window.until.isoformat()}
            )
            params.update(extra)
        return params


@dataclass(frozen=True)
class Connector:
    """One platform's API: where it lives, how it is authorised, what it reads."""

    source: str  # meta, ga4, shopify, ...
    title: str  # "Meta (Marketing API, Facebook Pages, Instagram Graph API)"
    base_url: str  # scheme and host of the real API, e.g. https://graph.facebook.com
    auth: Auth
    streams: tuple[Stream, ...]
    account_hint: str  # what --account takes, e.g. "act_<ad account id>, a Page id, ..."
    # Normalise and check one --account value: returns (stream names that read it, native
    # id used in paths), or raises SocialroiError saying what was expected.
    account: Callable[[str], tuple[tuple[str, ...], str]] = field(default=lambda a: ((), a))
    # Facts about an account read once per sync (currency, time zone): path and fields.
    api_version: str = ""
    docs: str = ""  # the API reference this configuration was written from
    # Other hosts of the platform that absolute URLs (a token endpoint on another host, a
    # per-shop or per-org host) may reach as they are: regular expressions a host must match
    # whole. Any other absolute URL goes to the base's host. With the base-URL override set,
    # every URL goes to the override (`allowed_hosts` is then empty).
    hosts: tuple[str, ...] = ()
    # Data calls go to a base URL the token response names (Salesforce's `instance_url`):
    # the key in `Grant.extra`; the token endpoint stays under `base_url`. The base-URL
    # variable still replaces both.
    instance_key: str = ""
    # For a pasted token (`connect --token`), which has no token response to name it: the
    # instance URL data calls go to, from `--instance-url` (None: not given; checked) and the
    # connection's accounts (Salesforce: the org's My Domain host). Raises SocialroiError.
    instance: Callable[[str | None, list[str]], str] | None = None
    # A platform whose errors travel in the body of an HTTP 200 (TikTok's `code` envelope):
    # envelope(status, decoded body) -> "ok", "retry" (a rate limit), "grant" (the token is
    # refused), "fail", or None for the usual reading of the status and the body.
    envelope: Callable[[int, Any], str | None] | None = None
    # Run once per account when a connection is made, with the new grant (YouTube creates its
    # reporting jobs, so the platform starts generating reports before the first sync):
    # on_connect(fetcher, native account id) -> a line to tell the user.
    on_connect: Callable[[Fetcher, str], str] | None = None

    @property
    def env_base(self) -> str:
        return f"SOCIALROI_{self.source.upper()}_API_BASE"

    def base(self) -> str:
        """The base URL calls go to: `SOCIALROI_<SOURCE>_API_BASE` (scheme and host of every
        call, the token endpoint's included), else the platform's own."""
        override = os.environ.get(self.env_base, "").strip()
        if not override:
            return self.base_url
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+/?", override):
            raise SocialroiError(
                f"{self.env_base}={override!r} is not a base URL; expected a scheme and host "
                "such as http://127.0.0.1:8123 or https://proxy.example.com"
            )
        return override.rstrip("/")

    def allowed_hosts(self) -> tuple[str, ...]:
        return () if os.environ.get(self.env_base, "").strip() else self.hosts

    def data_base(self, extra: Mapping[str, Any]) -> str:
        """Where data calls go: the variable's override, else the grant's instance URL (for
        connectors with `instance_key`), else `base_url`."""
        if os.environ.get(self.env_base, "").strip() or not self.instance_key:
            return self.base()
        got = str(extra.get(self.instance_key) or "")
        if not re.fullmatch(r"https://[A-Za-z0-9.\-]+(:\d+)?/?", got):
            raise SocialroiError(
                f"the {self.source} token response named no usable {self.instance_key} "
                f"({got[:80]!r}); run `socialroi connect {self.source}` again"
            )
        return got.rstrip("/")

    def stream(self, name: str) -> Stream:
        for s in self.streams:
            if s.name == name:
                return s
        raise UnknownName(f"{self.source} stream", name, [s.name for s in self.streams])


CONNECTORS: dict[str, Connector] = {}


def register_connector(connector: Connector) -> Connector:
    if connector.source in CONNECTORS:
        raise ValueError(f"connector {connector.source} is registered twice")
    CONNECTORS[connector.source] = connector
    return connector


def get_connector(source: str) -> Connector:
    load_all()
    if source not in CONNECTORS:
        raise UnknownName("source with an API connector", source, sorted(CONNECTORS))
    return CONNECTORS[source]


def connectors() -> dict[str, Connector]:
    load_all()
    return dict(sorted(CONNECTORS.items()))
