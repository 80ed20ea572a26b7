"""Reading a stream's records: pages of the configured kind, each checked for its shape.

`Fetcher` is what a stream's custom `fetch` receives (`sources.api.Fetcher`): `get`/`post`
one call, `pages` the records of a list endpoint page by page, `wait` a pause that tests do
not sit through. A page of the wrong shape is a `SyncFailed` naming the stream and the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from socialroi.sources.api import Stream, Window, dig
from socialroi.sync.http import Api

MAX_PAGES = 100_000  # a loop guard: an API that keeps answering "next" forever
PAGE_LIMIT = 500


class Fetcher:
    def __init__(self, api: Api, account: str) -> None:
        self.api = api
        self.account = account
        self.pages_read = 0
        # Headers of this stream's calls on top of the connection's (e.g. a Page access
        # token obtained with the user token): kept in memory only, never logged.
        self.headers: dict[str, str] = {}

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, page: str) -> Any:
        return self.api.request(
            "GET", path, where=self._where(page), params=params, headers=self.headers
        )

    def post(
        self,
        path: str,
        data: Mapping[str, Any] | None = None,
        *,
        page: str,
        json: Any = None,
    ) -> Any:
        return self.api.request(
            "POST", path, where=self._where(page), data=data, json_body=json, headers=self.headers
        )

    def wait(self, seconds: float) -> None:
        self.api.pause(seconds)

    def download(
        self, path: str, params: Mapping[str, Any] | None = None, *, page: str
    ) -> tuple[bytes, dict[str, str]]:
        """A body that is not JSON (a CSV of Salesforce's Bulk API 2.0), with the response's
        headers (lower-case names; a locator of the next part travels there)."""
        self.pages_read += 1
        return self.api.request("GET", path, where=self._where(page), params=params, raw=True)

    def lines(self, path: str, *, page: str) -> list[Any]:
        """A JSON-lines download (a bulk export's signed URL): its decoded lines, in order.
        Sent without the connection's token: the URL carries its own signature."""
        self.pages_read += 1
        return self.api.request("GET", path, where=self._where(page), jsonl=True, bare=True)

    def _where(self, page: str) -> str:
        return f"account {self.account}, {page}"

    def records_of(self, stream: Stream, body: Any, page: str) -> list[dict[str, Any]]:
        """The list of records in one page body, or a clear error for a wrong shape."""
        got = dig(body, stream.records)
        if got is None and not _has(body, stream.records):
            raise self.api.fail(
                self._where(page),
                f"the page has no {stream.records!r} list",
                "The API answered with a different shape than its reference documents.",
            )
        if got is None:
            return []
        if not isinstance(got, list) or not all(isinstance(r, dict) for r in got):
            raise self.api.fail(
                self._where(page), f"the page's {stream.records!r} is not a list of records"
            )
        return got

    def pages(
        self, stream: Stream, path: str, params: Mapping[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """Each page's records, to the last page."""
        if stream.paging == "graph_cursor":
            yield from self._graph(stream, path, params)
        elif stream.paging == "offset":
            yield from self._offset(stream, path, params)
        elif stream.paging == "token":
            yield from self._token(stream, path, params)
        elif stream.paging == "page":
            yield from self._numbered(stream, path, params)
        else:
            body = self.get(path, params, page="page 1")
            self.pages_read += 1
            yield self.records_of(stream, body, "page 1")

    def _graph(
        self, stream: Stream, path: str, params: Mapping[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """Graph API cursor paging: follow `paging.next` until a page has none."""
        url: str | None = path
        query: Mapping[str, Any] | None = {"limit": PAGE_LIMIT, **params}
        n = 0
        while url is not None:
            n += 1
            if n > MAX_PAGES:
                raise self.api.fail(self._where(f"page {n}"), "the API never reached a last page")
            page = f"page {n}"
            body = self.get(url, query, page=page)
            self.pages_read += 1
            yield self.records_of(stream, body, page)
            paging = body.get("paging") if isinstance(body, dict) else None
            nxt = paging.get("next") if isinstance(paging, dict) else None
            if nxt is not None and not isinstance(nxt, str):
                raise self.api.fail(self._where(page), "the page's paging.next is not a URL")
            url, query = nxt, None  # `next` carries every parameter of the next page

    def _offset(
        self, stream: Stream, path: str, params: Mapping[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        size_param, default = stream.page_size
        limit = int(params.get(size_param, default))
        offset, n = 0, 0
        while True:
            n += 1
            page = f"page {n}"
            query = {**params, size_param: limit, stream.offset_param: offset}
            body = self.get(path, query, page=page)
            self.pages_read += 1
            got = self.records_of(stream, body, page)
            yield got
            if len(got) < limit or n > MAX_PAGES:
                return
            offset += limit

    def _token(
        self, stream: Stream, path: str, params: Mapping[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """Next-page tokens: each page names the next one's token; the last names none."""
        size_param, size = stream.page_size
        query = {size_param: size, **params}
        seen: set[str] = set()
        for n in range(1, MAX_PAGES + 2):
            page = f"page {n}"
            if n > MAX_PAGES:
                raise self.api.fail(self._where(page), "the API never reached a last page")
            body = self.get(path, query, page=page)
            self.pages_read += 1
            yield self.records_of(stream, body, page)
            token = dig(body, stream.next_token)
            more = dig(body, stream.has_more) if stream.has_more else True
            if token in (None, "") or more is False:
                return
            if not isinstance(token, str | int) or isinstance(token, bool):
                raise self.api.fail(
                    self._where(page), f"the page's {stream.next_token!r} is not a page token"
                )
            if str(token) in seen:
                raise self.api.fail(
                    self._where(page), f"the page's {stream.next_token!r} repeats an earlier page"
                )
            seen.add(str(token))
            query = {**query, stream.token_param: token}

    def _numbered(
        self, stream: Stream, path: str, params: Mapping[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """Page numbers from 1 until the total the page states (or a short page)."""
        size_param, size = stream.page_size
        for n in range(1, MAX_PAGES + 1):
            page = f"page {n}"
            body = self.get(path, {**params, size_param: size, "page": n}, page=page)
            self.pages_read += 1
            got = self.records_of(stream, body, page)
            yield got
            total = dig(body, stream.total_pages) if stream.total_pages else None
            if total is not None and (not isinstance(total, int) or isinstance(total, bool)):
                raise self.api.fail(
                    self._where(page), f"the page's {stream.total_pages!r} is not a page count"
                )
            if (total is not None and n >= total) or (total is None and len(got) < size):
                return
        raise self.api.fail(self._where(f"page {MAX_PAGES}"), "the API never reached a last page")


def _has(body: Any, path: str) -> bool:
    """Whether the dotted path exists in the body (its value may be null)."""
    *parents, last = path.split(".")
    got = dig(body, ".".join(parents)) if parents else body
    return isinstance(got, dict) and last in got


def read_window(fetcher: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    """Every record of one window: the stream's own `fetch`, else its pages."""
    if stream.fetch is not None:
        return stream.fetch(fetcher, stream, account, window)
    out: list[dict] = []
    for page in fetcher.pages(stream, stream.url_path(account), stream.request_params(window)):
        out += page
    return out
