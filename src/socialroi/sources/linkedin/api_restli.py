"""What every LinkedIn API call shares: the monthly version header, Rest.li 2.0 query syntax,
URN encoding, start/count paging, and a clear error when LinkedIn has sunset the version.

Written from LinkedIn's references (learn.microsoft.com/linkedin):
- "LinkedIn Marketing API Versioning" (marketing/versioning): every call to `/rest/...` carries
  `LinkedIn-Version: YYYYMM`; a version is supported for at least one year, then sunset — a
  call with a sunset version is refused with HTTP 426 (`NONEXISTENT_VERSION`), one without
  the header with HTTP 400 (`VERSION_MISSING`);
- "Protocol Version" (shared/api-guide/concepts/protocol-version): `X-Restli-Protocol-Version:
  2.0.0`; in 2.0 a query value is Rest.li data — lists are `List(a,b)`, records
  `(key:value,...)`, and URNs inside them are URL-encoded (`urn%3Ali%3Aorganization%3A123`)
  while the structural characters `( ) , :` are not;
- "Pagination" (shared/api-guide/concepts/pagination): `start` / `count`, the answer's
  `paging` says `start`, `count` and (sometimes) `total`; the last page is short.

The version lives here (`VERSION`) and can be moved without a release through the
`SOCIALROI_LINKEDIN_VERSION` variable (see docs/connectors.md, "LinkedIn").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from socialroi.errors import SocialroiError, SyncFailed
from socialroi.sources.api import Fetcher, Stream, Window

VERSION = "202610"  # LinkedIn-Version sent with every /rest call; move it monthly
VERSION_ENV = "SOCIALROI_LINKEDIN_VERSION"
PAGE = 100  # start/count page size (the Posts API allows up to 100)


def version() -> str:
    got = os.environ.get(VERSION_ENV, "").strip() or VERSION
    if not re.fullmatch(r"20\d{2}(0[1-9]|1[0-2])", got):
        raise SocialroiError(
            f"{VERSION_ENV}={got!r} is not a LinkedIn API version; expected YYYYMM such as "
            f"{VERSION}"
        )
    return got


def rest_headers() -> dict[str, str]:
    return {"LinkedIn-Version": version(), "X-Restli-Protocol-Version": "2.0.0"}


def urn(kind: str, native: str) -> str:
    return f"urn:li:{kind}:{native}"


def enc(value: str) -> str:
    """A value inside a Rest.li 2.0 query: every reserved character encoded (`urn%3Ali%3A...`)."""
    return quote(str(value), safe="")


def restli_list(values: list[str]) -> str:
    return "List(" + ",".join(enc(v) for v in values) + ")"


def ms(day: dt.date) -> int:
    """Midnight UTC of `day` in epoch milliseconds (LinkedIn's page analytics days are UTC)."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def day_of(value: Any) -> dt.date | None:
    """The UTC day of an epoch-milliseconds time, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**14:
        return None
    return dt.datetime.fromtimestamp(value / 1000, dt.UTC).date()


def time_intervals(window: Window) -> str:
    """`timeIntervals` of the organisation statistics: the window's days, one element a day."""
    end = ms(window.until + dt.timedelta(days=1))
    return f"(timeRange:(start:{ms(window.since)},end:{end}),timeGranularityType:DAY)"


def date_range(window: Window) -> str:
    """`dateRange` of adAnalytics: both days included."""

    def d(x: dt.date) -> str:
        return f"(year:{x.year},month:{x.month},day:{x.day})"

    return f"(start:{d(window.since)},end:{d(window.until)})"


def query(params: Mapping[str, Any]) -> str:
    """A query string whose values are already Rest.li 2.0 text (URNs encoded with `enc`)."""
    return "&".join(f"{k}={v}" for k, v in params.items())


def get(f: Fetcher, path: str, params: Mapping[str, Any], *, page: str) -> Any:
    """One /rest call with the version headers and a Rest.li query built by hand (httpx would
    encode the structural characters Rest.li 2.0 needs as they are)."""
    f.headers.update(rest_headers())
    with sunset_explained():
        return f.get(f"{path}?{query(params)}" if params else path, None, page=page)


@contextlib.contextmanager
def sunset_explained() -> Iterator[None]:
    """Turn LinkedIn's refusal of a sunset (426) or missing (400) version into what to do."""
    try:
        yield
    except SyncFailed as exc:
        text = str(exc)
        if "HTTP 426" in text or ("HTTP 400" in text and "version" in text.lower()):
            raise SocialroiError(
                f"LinkedIn no longer serves API version {version()} (each monthly version is "
                f"sunset about a year after its release): set {VERSION_ENV}=YYYYMM to a "
                "version LinkedIn lists as active, or update socialroi"
            ) from None
        raise


def elements(body: Any, where: str) -> list[dict[str, Any]]:
    """The `elements` of a Rest.li collection answer, each an object."""
    got = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(got, list) or not all(isinstance(e, dict) for e in got):
        raise SocialroiError(f"{where}: the answer has no list of objects at 'elements'")
    return got


# A Rest.li collection read page by page with the framework's offset paging: `start` /
# `count`, records at `elements`, the last page short.
COLLECTION = Stream("linkedin", "collection", "a Rest.li collection", "", lambda r, c, a: {},
                    paging="offset", records="elements", page_size=("count", PAGE),
                    offset_param="start")  # fmt: skip


def paged(
    f: Fetcher, path: str, params: Mapping[str, Any], what: str
) -> Iterator[list[dict[str, Any]]]:
    """Each page's records (plain parameters: httpx encodes a URN value as Rest.li wants)."""
    f.headers.update(rest_headers())
    with sunset_explained():
        yield from f.pages(COLLECTION, path, {**params, "count": PAGE})


def count(ctx: Any, value: Any, i: int, key: str) -> int | None:
    """A figure of an answer: a whole non-negative number, else the record is refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ctx.fail("a figure is not a number", row=i, column=key, value=value)
    if value < 0 or value > 1e15:
        raise ctx.fail("a figure is out of range", row=i, column=key, value=value)
    return int(round(value))
