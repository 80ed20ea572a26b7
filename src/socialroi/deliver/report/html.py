"""The report as one self-contained HTML file: styles and SVG charts inline, no script, no
font or image fetched from anywhere, so it opens offline, on a phone and in print. The PDF is
this same HTML rendered by WeasyPrint (print styles add the cover page and page numbers).

Every text from the workspace (captions, campaign names, UTM values) is escaped by Jinja's
autoescape; only the SVG the chart library produced is inserted as markup.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from socialroi.deliver.report.charts import color_of
from socialroi.deliver.report.tables import Column, Table, cell_kind

TEMPLATES = Path(__file__).parent / "templates"
CAPTION_CHARS = 90


def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def format_value(f, v, kind: str) -> str:
    if kind == "text":
        return "" if v is None else str(v)
    if kind == "money":
        return f.money(v)
    if kind == "money2":
        return f.money(v, 2)
    if kind == "count":
        return f.count(v)
    if kind == "number":
        return f.number(v, 2 if v is not None and abs(float(v)) < 10 else 1)
    if kind == "percent":
        return f.percent(v)
    if kind == "delta":
        return f.delta(v)
    if kind == "points":
        return f.points(v)
    if kind == "ratio":
        return f.ratio(v)
    if kind == "date":
        return f.date(v)
    if kind == "pp":
        return f.pp(v)
    if kind == "rate":
        return f.number(v, 4)
    return str(v)


def make_cell(f):
    def cell(row: dict, col: Column, table: Table) -> Markup:
        v = row.get(col.key)
        kind = cell_kind(col, row)
        if kind != "text":
            cls = "num"
            if kind in ("delta", "points", "pp") and v is not None:
                # green when the change is good news: up for revenue, down for costs
                direction = row.get(f"_direction_{col.key}", row.get("direction", "up"))
                sign = {"up": 1, "down": -1, "none": 0}.get(direction, 1)
                shown = v * 100 if kind == "pp" else v
                good = 0 if kind != "delta" and round(abs(shown), 1) == 0 else v * sign
                cls += " pos" if good > 0 else " neg" if good < 0 else ""
            return Markup('<td class="{}">{}</td>').format(cls, format_value(f, v, kind))
        raw = "" if v is None else str(v)
        text = f.value(col.key, raw)
        if col.key == "url":
            if text.startswith(("https://", "http://")):
                return Markup('<td class="text"><a href="{}" rel="noopener">↗</a></td>').format(
                    text
                )
            return Markup('<td class="text"></td>')
        long = len(text) > 40
        if col.key == "caption" and len(text) > CAPTION_CHARS:
            text = text[: CAPTION_CHARS - 1] + "…"
        mark = Markup("")
        cls = "text long" if long else "text"
        if table.color_key == col.key and text:
            mark = Markup('<span class="dot" style="background:{}"></span>').format(color_of(raw))
            cls += " key"
        return Markup('<td class="{}">{}{}</td>').format(cls, mark, escape(text))

    return cell


# Widths in em of the report's table font: a CJK character is about one em wide, a Latin one
# a little over half. A number's width: its digits and separators plus what its kind adds
# (a currency sign, decimals, a sign and a unit).
_KIND_CHARS = {"money": 2, "money2": 5, "percent": 4, "pp": 7, "points": 5, "delta": 5,
               "ratio": 4, "number": 3, "rate": 6, "count": 2, "auto": 6}  # fmt: skip
TEXT_KEEP_EM = 9.0  # a text column keeps at least this much (or its content) on a full page


def _number_em(values: list, kind: str) -> float:
    if kind == "date":
        return 6.5
    lengths = sorted(
        len(f"{abs(float(v)):,.0f}") + _KIND_CHARS.get(kind, 3)
        for v in values
        if isinstance(v, int | float) and v == v and abs(v) != float("inf")
    )
    typical = lengths[int(len(lengths) * 0.9)] if lengths else 2
    return max(typical * 0.6, 2.5)


def text_em(text: str) -> float:
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)


def _unbreakable_em(label: str) -> float:
    """The widest part of a header that cannot wrap: a Latin word (CJK wraps anywhere)."""
    runs = [r for part in label.split() for r in re.split(r"[\u2e80-\uffff]", part)]
    return max((text_em(r) for r in runs), default=0.0)


PAGE_EM = 62.0  # an A4 page's text width in em of the table font (the PDF)
WIDE = 8  # a table with more columns is set in a smaller font with less padding (report.css)
PAD_EM = 1.2  # a cell's padding


def col_widths(table: Table) -> list[float]:
    """Relative column widths (percent) from the header and the typical content, so a fixed
    table layout (fast in WeasyPrint) gives each header room for its longest word and at most
    three lines, and numbers enough. When that is wider than the page, text columns (names,
    captions) give up room first, down to their header's longest word."""
    need, header_need, text = [], [], []
    for c in table.columns:
        if c.key == "url":
            content = 2.5
        elif c.kind != "text":
            content = _number_em([r.get(c.key) for r in table.shown_rows], c.kind)
        else:
            lengths = sorted(text_em(str(r.get(c.key) or "")) for r in table.shown_rows)
            typical = lengths[int(len(lengths) * 0.9)] if lengths else 4.0
            content = min(max(typical, 4.0), 20.0) + (1.0 if table.color_key == c.key else 0)
        # a header in bold is a little wider than the body text
        header = 1.1 * max(_unbreakable_em(c.label), text_em(c.label) / 3)
        need.append(max(content, header) + PAD_EM)
        header_need.append(max(header, min(content, TEXT_KEEP_EM)) + PAD_EM)
        text.append(c.kind == "text" and c.key != "url")
    page = PAGE_EM * (8 / 7 if len(table.columns) > WIDE else 1)  # 7 pt instead of 8 pt
    over = sum(need) - page
    slack = [max(n - h, 0.0) if t else 0.0 for n, h, t in zip(need, header_need, text)]
    if over > 0 and sum(slack) > 0:
        give = min(over / sum(slack), 1.0)
        need = [n - s * give for n, s in zip(need, slack)]
    total = sum(need) or 1.0
    return [round(100 * w / total, 2) for w in need]


def render_html(data) -> str:
    env = _env()
    tpl = env.get_template("report.html.j2")
    f = data.fmt
    return tpl.render(
        d=data,
        f=f,
        t=f.t,
        lang=data.lang,
        # our own stylesheet, shipped with the package: not user input
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),  # noqa: S704
        cell=make_cell(f),
        col_widths=col_widths,
        WIDE=WIDE,
        model_label=f.model_label(data.model),
        profile_label=f.profile_label(data.profile),
        workspace_name=Path(data.workspace).name,
    )


def write_html(data, path: Path) -> Path:
    path.write_text(render_html(data), encoding="utf-8")
    return path
