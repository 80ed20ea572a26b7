"""A small workbook read at detection (its first rows) is kept for its parse: one reader
process per workbook, the same sheets as a read of its own, and a damaged one fails alike."""

from __future__ import annotations

import io
import subprocess
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
