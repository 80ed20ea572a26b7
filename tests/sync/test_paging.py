"""The framework's paging kinds against a fake list endpoint: every record once, to the last
page, and a clear error for a page that breaks the protocol (no repeated or endless paging)."""

from __future__ import annotations

import pytest

from socialroi.errors import SocialroiError
from socialroi.sources.api import Stream
from socialroi.sync.fetch import Fetcher
from socialroi.sync.http import Api
from tests.fakes.server import FakeApi

ITEMS = [{"id": str(i)} for i in range(23)]


def _stream(**kw) -> Stream:
    return Stream("fake", "items", "items", "/items", lambda r, c, a: {}, dated=False, **kw)


def _read(fake: FakeApi, stream: Stream) -> list[dict]:
    fetcher = Fetcher(Api("fake", fake.base_url, sleep=lambda s: None), "acct")
    return [r for page in fetcher.pages(stream, "/items", {}) for r in page]


def test_token_paging_reads_every_record_once_to_the_last_page():
    with FakeApi() as fake:

        @fake.route("GET", r"/items")
        def items(req):  # YouTube's shape: items + nextPageToken, absent on the last page
            start = int(req.query.get("pageToken", "0"))
            size = int(req.query["maxResults"])
            body = {"items": ITEMS[start : start + size]}
            if start + size < len(ITEMS):
                body["nextPageToken"] = str(start + size)
            return body

        stream = _stream(
            paging="token", records="items", page_size=("maxResults", 5),
            next_token="nextPageToken", token_param="pageToken",
        )  # fmt: skip
        assert _read(fake, stream) == ITEMS
        assert len(fake.calls(r"/items")) == 5


def test_token_paging_with_nested_records_and_has_more():
    with FakeApi() as fake:

        @fake.route("GET", r"/items")
        def items(req):  # TikTok's shape: data.list, data.cursor, data.has_more
            start = int(req.query.get("cursor", "0"))
            chunk = ITEMS[start : start + 10]
            more = start + 10 < len(ITEMS)
            return {"code": 0, "data": {"list": chunk, "cursor": start + 10, "has_more": more}}

        stream = _stream(
            paging="token", records="data.list", page_size=("max_count", 10),
            next_token="data.cursor", token_param="cursor", has_more="data.has_more",
        )  # fmt: skip
        assert _read(fake, stream) == ITEMS


def test_a_repeated_token_is_an_error_not_an_endless_loop():
    with FakeApi() as fake:
        fake.route("GET", r"/items", lambda req: {"items": ITEMS[:2], "next": "same"})
        stream = _stream(paging="token", records="items", next_token="next", token_param="t")
        with pytest.raises(SocialroiError, match="repeats an earlier page"):
            _read(fake, stream)


def test_numbered_pages_stop_at_the_stated_total():
    with FakeApi() as fake:

        @fake.route("GET", r"/items")
        def items(req):  # TikTok reporting: data.list and data.page_info.total_page
            page, size = int(req.query["page"]), int(req.query["page_size"])
            total = -(-len(ITEMS) // size)
            chunk = ITEMS[(page - 1) * size : page * size]
            return {"data": {"list": chunk, "page_info": {"page": page, "total_page": total}}}

        stream = _stream(
            paging="page", records="data.list", page_size=("page_size", 10),
            total_pages="data.page_info.total_page",
        )  # fmt: skip
        assert _read(fake, stream) == ITEMS
        assert len(fake.calls(r"/items")) == 3


def test_offset_paging_with_the_platform_parameter_names():
    with FakeApi() as fake:

        @fake.route("GET", r"/items")
        def items(req):  # LinkedIn's shape: elements, start/count
            start, count = int(req.query["start"]), int(req.query["count"])
            return {"elements": ITEMS[start : start + count], "paging": {"start": start}}

        stream = _stream(
            paging="offset", records="elements", page_size=("count", 10), offset_param="start"
        )
        assert _read(fake, stream) == ITEMS


def test_a_page_without_its_records_is_named():
    with FakeApi() as fake:
        fake.route("GET", r"/items", lambda req: {"data": {"page_info": {}}})
        stream = _stream(
            paging="page", records="data.list", total_pages="data.page_info.total_page"
        )
        with pytest.raises(SocialroiError, match="'data.list'"):
            _read(fake, stream)
