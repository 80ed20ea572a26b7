"""The report says how fresh each source is: per source its last good sync (a synced stream,
changed or not) or last file import, and the last day it holds — in HTML, PDF and XLSX, in
English and Chinese."""

from __future__ import annotations

import datetime as dt
import subprocess

import pandas as pd
import pytest

from socialroi.deliver.report import build_report
from socialroi.measure import quality as q
from socialroi.sync.run import sync
from tests.conftest import FIXTURES
from tests.sync.conftest import config_dir, fake_meta  # noqa: F401 - fixtures
from tests.sync.test_meta_ads_sync import connected, opts

TITLES = {"en": "How fresh each source is", "zh-CN": "各数据源的新鲜度"}


@pytest.fixture
def synced(fake_meta, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    ws.import_files([FIXTURES / "ledger"])
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "ok", res.error
    yield ws
    ws.close()


def test_freshness_per_source_from_syncs_and_imports(synced):
    df = q.freshness(synced).set_index("source")
    today = dt.datetime.now(dt.UTC).date()
    meta, ledger = df.loc["meta"], df.drop(index="meta").iloc[0]
    assert meta.last_sync.date() == today and pd.isna(meta.last_import)
    assert meta.data_until == dt.date(2026, 3, 10)  # the synced window's last day
    assert pd.isna(ledger.last_sync) and ledger.last_import.date() == today
    # a second sync that changes nothing still counts as a good sync (no batch is recorded)
    before = meta.last_sync
    sync(synced, ["meta"], opts())
    assert q.freshness(synced).set_index("source").loc["meta"].last_sync >= before


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_report_states_freshness_in_its_three_formats(synced, tmp_path, lang):
    from openpyxl import load_workbook

    files = build_report(synced, period="2026-Q1", lang=lang, out=tmp_path / lang)
    title = TITLES[lang]
    html = files["html"].read_text()
    assert title in html
    section = html[html.index(title) :]
    assert "meta" in section[:3000].lower() and "2026" in section[:3000]
    pdf = subprocess.run(["pdftotext", "-layout", str(files["pdf"]), "-"], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert title.replace(" ", "") in pdf.replace(" ", "").replace("\n", "")
    cells = [c for ws in load_workbook(files["xlsx"]).worksheets for r in ws.iter_rows()
             for c in r]  # fmt: skip
    at = next(i for i, c in enumerate(cells) if c.value == title)
    after = cells[at : at + 40]
    assert any(isinstance(c.value, dt.datetime) and c.value.date() == dt.date(2026, 3, 10)
               for c in after)  # data until, a real date cell  # fmt: skip
