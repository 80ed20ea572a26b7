"""The renderers on a small hand-made report: escaping, typed and neutralised XLSX cells,
PDF pages. Fast: no workspace, no library calls."""

from __future__ import annotations

import datetime as dt

import pytest

from socialroi.deliver.i18n.catalogue import formatter
from socialroi.deliver.report.data import ReportData
from socialroi.deliver.report.html import render_html
from socialroi.deliver.report.tables import Column, Section, Table
from socialroi.deliver.report.xlsx import write_xlsx
from socialroi.measure.profiles import PROFILES
from socialroi.model.periods import parse_period

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "<b>bold</b>", "plain"]


def make(lang: str = "en") -> ReportData:
    p = parse_period("2026-Q3")
    data = ReportData(
        period=p, compare="previous", compare_period=p.previous(), profile=PROFILES["dtc"],
        model="markov", currency="EUR", lang=lang, markets=None, platforms=None,
        fmt=formatter(lang, "EUR"), generated=dt.date(2026, 10, 2), workspace="w.duckdb",
    )  # fmt: skip
    rows = [
        {"name": t, "spend": 1234.5, "share": 0.25, "n": 7, "d": dt.date(2026, 7, 1),
         "chg": -0.1, "_kind_v": "percent", "v": 0.5}
        for t in HOSTILE
    ]  # fmt: skip
    cols = [Column("name", "Name"), Column("spend", "Spend", "money"),
            Column("share", "Share", "percent"), Column("n", "Posts", "count"),
            Column("d", "Day", "date"), Column("chg", "Change", "delta"),
            Column("v", "Value", "auto")]  # fmt: skip
    for key in ("summary", "content", "methodology"):
        data.sections.append(Section(key, key.title(), f"{key} says =2+2.",
                                     [Table(key, cols, rows, "T", color_key="name")]))  # fmt: skip
    return data


def test_html_escapes_every_text_and_formats_per_kind():
    html = render_html(make())
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "€1,234" in html and "25.0%" in html and "Jul 1, 2026" in html and "−10.0%" in html
    assert "50.0%" in html  # the auto column took the row's kind
    zh = render_html(make("zh-CN"))
    assert "2026年7月1日" in zh and "€1,234" in zh and 'lang="zh-CN"' in zh


def test_xlsx_cells_typed_and_text_neutralised(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(make(), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[1:] == ["Summary", "Content", "Methodology"]
    ws = wb["Summary"]
    assert ws.freeze_panes == "A6"  # under the first table's header row
    header = [c.value for c in ws[5]]
    assert header[:3] == ["Name", "Spend", "Share"]
    texts = [ws.cell(row=6 + i, column=1).value for i in range(len(HOSTILE))]
    assert texts[:5] == ["'" + t for t in HOSTILE[:5]] and texts[5:] == HOSTILE[5:]
    spend, share, n, day, chg, v = (ws.cell(row=6, column=j) for j in range(2, 8))
    assert spend.value == 1234.5 and "EUR" in spend.number_format
    assert share.value == 0.25 and share.number_format == "0.0%"
    assert n.value == 7 and n.number_format == "#,##0"
    assert day.value == dt.datetime(2026, 7, 1) and day.number_format == "yyyy-mm-dd"
    assert chg.value == -0.1 and "+" in chg.number_format
    assert v.number_format == "0.0%"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_pdf_has_a_cover_and_numbered_pages(tmp_path, lang):
    from pypdf import PdfReader

    from socialroi.deliver.report.pdf import write_pdf

    path = write_pdf(render_html(make(lang)), tmp_path / "r.pdf")
    pages = [p.extract_text() for p in PdfReader(str(path)).pages]
    assert len(pages) == 4  # cover + one page per section
    assert ("Social media ROI report" if lang == "en" else "社交媒体投资回报报告") in pages[0]
    assert ("Page 2 of 4" if lang == "en" else "第 2 页，共 4 页") in pages[1]
    assert "=2+2" in pages[1]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_columns_leave_each_header_its_longest_word(lang):
    """The per-account table (ten columns) gives every header room for its longest word, so
    no header breaks inside a word ("Followe rs"); names give up room first."""
    from socialroi.deliver.report.html import PAGE_EM, WIDE, _unbreakable_em, col_widths

    f = formatter(lang, "USD")
    labels = ["platform", "account", "market"]
    cols = [Column(k, f.t(k)) for k in labels] + [
        Column(k, k.replace("_", " ").title(), kind)
        for k, kind in [("followers", "count"), ("follower_growth", "percent"),
                        ("posts", "count"), ("reach", "count"), ("views", "count"),
                        ("engagements", "count"), ("engagement_rate", "percent")]
    ]  # fmt: skip
    rows = [{"platform": "linkedin", "account": "@voltiq-electronics-" + "x" * i, "market": "US",
             "followers": 123456, "follower_growth": 0.012, "posts": 12, "reach": 1234567,
             "views": 45678, "engagements": 12345, "engagement_rate": 0.051} for i in range(9)]  # fmt: skip
    table = Table("accounts", cols, rows, color_key="platform")
    widths = col_widths(table)
    assert sum(widths) == pytest.approx(100, abs=0.1)
    page = PAGE_EM * (8 / 7 if len(cols) > WIDE else 1)
    for c, w in zip(cols, widths):
        assert w / 100 * page >= _unbreakable_em(c.label), (c.label, w)
    account = widths[1]
    assert account < max(widths[3:]) * 2  # the long handles wrap instead of taking the page
