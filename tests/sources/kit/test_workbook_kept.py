"""A small workbook read at detection (its first rows) is kept for its parse: one reader
process per workbook, the same sheets as a read of its own, and a damaged one fails alike.
A run reads its workbooks ahead while it detects its other files (`limits.read_ahead`): the
reads that ask next wait for those, start no reader of their own, and see the same sheets
and the same errors."""

from __future__ import annotations

import io
import subprocess
import threading
import zipfile

import pytest

from socialroi.sources.kit import limits
from tests.conftest import FIXTURES

WORKBOOK = FIXTURES / "tiktok" / "@voltiq.ads" / "TikTok_Ads_Manager_20250101_20250102.xlsx"


@pytest.fixture
def children(monkeypatch):
    """The reader processes started."""
    started, run = [], subprocess.run

    def counted(*args, **kwargs):
        started.append(args)
        return run(*args, **kwargs)

    monkeypatch.setattr(limits.subprocess, "run", counted)
    limits.forget_workbooks()
    yield started
    limits.forget_workbooks()


def test_detection_then_parse_starts_one_reader(children):
    data = WORKBOOK.read_bytes()
    head = limits.read_workbook(WORKBOOK.name, data, max_rows=2)
    whole = limits.read_workbook(WORKBOOK.name, data)
    assert len(children) == 1
    assert all(len(rows) <= 2 for rows in head.values())
    assert {s: rows[:2] for s, rows in whole.items()} == head
    limits.forget_workbooks()
    assert whole == limits.read_workbook(WORKBOOK.name, data)  # a read of its own: the same
    assert len(children) == 2
    limits.read_workbook(WORKBOOK.name, data)  # a parse takes its workbook: read again
    assert len(children) == 3


def damaged_sheet(data: bytes) -> bytes:
    """The workbook with its sheets' XML cut short: a sound zip that calamine cannot read."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, body[: len(body) // 3] if "worksheets/" in info.filename else body)
    return out.getvalue()


def test_a_damaged_workbook_fails_as_before(children):
    damaged = damaged_sheet(WORKBOOK.read_bytes())
    with pytest.raises(limits.WorkbookDamaged) as uncached:
        limits._read_workbook("bad.xlsx", damaged, 30)  # noqa: SLF001 - the read of old
    for max_rows in (30, None):
        with pytest.raises(limits.WorkbookDamaged) as got:
            limits.read_workbook("bad.xlsx", damaged, max_rows)
        assert (got.value.part, got.value.reason) == (uncached.value.part, uncached.value.reason)


def test_workbooks_read_ahead_are_what_detection_and_parse_read(children):
    data = WORKBOOK.read_bytes()
    alone = limits._read_workbook(WORKBOOK.name, data, None)  # noqa: SLF001 - the plain read
    other = damaged_sheet(data)
    with pytest.raises(limits.WorkbookDamaged) as plain:
        limits._read_workbook("bad.xlsx", other, 30)  # noqa: SLF001
    children.clear()
    thread = limits.read_ahead([(WORKBOOK.name, data), ("bad.xlsx", other)])
    head = limits.read_workbook(WORKBOOK.name, data, max_rows=2)  # waits for the read ahead
    whole = limits.read_workbook(WORKBOOK.name, data)
    thread.join(60)
    assert len(children) == 2  # one reader per workbook: none started by the asks
    assert whole == alone and head == {s: rows[:2] for s, rows in alone.items()}
    assert limits.read_ahead([(WORKBOOK.name, b"x" * (limits.KEEP_BYTES + 1))]) is None
    with pytest.raises(limits.WorkbookDamaged) as got:  # failed ahead: read and said again
        limits.read_workbook("bad.xlsx", other, 30)
    assert (got.value.part, got.value.reason) == (plain.value.part, plain.value.reason)


def test_an_ask_during_the_read_ahead_waits_for_it(children, monkeypatch):
    data = WORKBOOK.read_bytes()
    go, reading = threading.Event(), threading.Event()
    real = limits._read_workbook  # noqa: SLF001

    def slow(name, body, max_rows):
        reading.set()
        assert go.wait(60)
        return real(name, body, max_rows)

    monkeypatch.setattr(limits, "_read_workbook", slow)
    thread = limits.read_ahead([(WORKBOOK.name, data)])
    assert reading.wait(60)
    got: list = []
    ask = threading.Thread(target=lambda: got.append(limits.read_workbook(WORKBOOK.name, data)))
    ask.start()
    ask.join(0.5)
    assert ask.is_alive() and not got  # waiting for the read under way, not reading itself
    go.set()
    ask.join(60)
    thread.join(60)
    assert len(children) == 1 and got
    assert got[0] == real(WORKBOOK.name, data, None)
