"""The report files: HTML self-contained (no request when opened in Chromium with the
network blocked), PDF with the expected pages and text (English and Chinese), XLSX with typed
cells, frozen headers and formula text neutralised. Built once on the tiny demo whose
captions are hostile (tests/deliver/report/report_support.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.deliver.report import report_support as support

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def files(report_demo):
    return support.rendered(report_demo, "en")


@pytest.fixture(scope="module")
def zh_files(report_demo):
    return support.rendered(report_demo, "zh-CN")


@pytest.fixture(scope="module")
def data(report_demo):
    return support.report_data(report_demo)


def test_html_is_self_contained_and_escaped(files):
    html = files["html"].read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(", html, re.I)
    assert not re.search(r"\ssrc\s*=", html, re.I)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the caption, shown as text
    assert html.count("<svg") >= 4  # charts inline as vector graphics
    assert 'name="viewport"' in html and "@media print" in html


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="make system-deps installs chromium")
@pytest.mark.parametrize("width", [1280, 390])
def test_html_makes_no_request_in_chromium(files, tmp_path, width):
    from playwright.sync_api import sync_playwright

    url = files["html"].resolve().as_uri()
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            ctx = browser.new_context(offline=True, viewport={"width": width, "height": 900})
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.route("**/*", lambda route: route.continue_() if route.request.url == url
                       else route.abort())  # fmt: skip
            page.goto(url, wait_until="load")
            assert page.locator("section").count() >= 8
            # nothing wider than the screen except inside the scrollable table wrappers
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1
            page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [url]


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


def test_pdf_pages_and_text(files, data):
    pages = _pdf_text(files["pdf"])
    assert len(pages) >= len(data.sections) + 1  # a cover, then a page per section at least
    assert "Social media ROI report" in pages[0] and "2026-Q3" in pages[0]
    assert "Page" not in pages[0]  # no number on the cover
    assert re.search(rf"Page 2 of {len(pages)}", pages[1])
    text = "\n".join(pages)
    for s in data.sections:
        assert s.title in text, s.title
    # each section starts on its own page, led by its title
    starts = [  # a page whose first line is a section's title (not "Attribution model: ...")
        i
        for i, p in enumerate(pages)
        for s in data.sections
        if p.lstrip().split("\n", 1)[0].strip() == s.title
    ]
    assert len(starts) == len(data.sections)


def test_pdf_charts_are_vector(files):
    raw = files["pdf"].read_bytes()
    assert b"/Subtype /Image" not in raw and b"/Subtype/Image" not in raw


def test_chinese_pdf_has_chinese_text_in_a_cjk_font(zh_files, report_demo):
    from pypdf import PdfReader

    data = support.report_data(report_demo, lang="zh-CN")
    reader = PdfReader(str(zh_files["pdf"]))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "社交媒体投资回报报告" in text
    for s in data.sections:
        assert s.title in text
    assert re.search(r"第 2 页，共 \d+ 页", text)
    fonts = set()
    for page in reader.pages:
        for f in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            fonts.add(str(f.get_object().get("/BaseFont")))
    assert any("CJK" in f for f in fonts), fonts


def test_xlsx_typed_frozen_and_neutralised(files, data):
    from openpyxl import load_workbook

    wb = load_workbook(files["xlsx"])
    assert len(wb.sheetnames) == len(data.sections) + 1  # the cover sheet, then one a section
    # Frozen: on each section's sheet, the rows down to its first table's header, so the
    # header stays in view; no pane on the cover sheet or a sheet without tables.
    assert wb.worksheets[0].freeze_panes is None
    frozen = 0
    for sheet, s in zip(wb.worksheets[1:], data.sections, strict=True):
        if not s.tables:
            assert sheet.freeze_panes is None, sheet.title
            continue
        labels = [c.label for c in s.tables[0].columns]
        header = next(
            row[0].row
            for row in sheet.iter_rows(max_col=len(labels))
            if [c.value for c in row] == labels
        )
        assert sheet.freeze_panes == f"A{header + 1}", (sheet.title, header)
        frozen += 1
    assert frozen >= len(data.sections) - 2
    formats = {"percent": 0, "money": 0}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert not c.value.startswith(FORMULA), (ws.title, c.coordinate, c.value)
                    assert c.data_type == "s"
                elif isinstance(c.value, (int, float)):
                    if "%" in c.number_format:
                        formats["percent"] += 1
                    if data.currency in c.number_format:
                        formats["money"] += 1
    assert formats["percent"] > 10 and formats["money"] > 10
    content = wb[data.section("content").title]
    captions = [c.value for row in content.iter_rows() for c in row
                if isinstance(c.value, str) and "HYPERLINK" in c.value]  # fmt: skip
    assert captions and all(c.startswith("'=") for c in captions)


def test_xlsx_numbers_equal_the_report_data(files, data):
    """The ROI by platform sheet holds the same numbers as the data, as numbers."""
    from openpyxl import load_workbook

    wb = load_workbook(files["xlsx"])
    sheet = wb[data.section("roi").title]
    table = next(t for t in data.section("roi").tables if t.name == "roi_platform")
    shown = {data.fmt.value("platform", r["platform"]): r["platform"] for r in table.rows}
    assert "Facebook" in shown or "TikTok" in shown  # platforms as their owners write them
    values = {}
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] in shown and shown[row[0]] not in values:
            values[shown[row[0]]] = row
    for r in table.rows:
        got = values[r["platform"]]
        for j, c in enumerate(table.columns):
            if c.kind != "text" and r[c.key] is not None:
                assert got[j] == pytest.approx(r[c.key])
