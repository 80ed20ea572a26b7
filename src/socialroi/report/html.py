"""The report as one self-contained HTML file: styles and SVG charts inline, no script, no
font or image fetched from anywhere, so it opens offline, on a phone and in print. The PDF is
this same HTML rendered by WeasyPrint (print styles add the cover page and page numbers).

Every text from the workspace (captions, campaign names, UTM values) is escaped by Jinja's
autoescape; only the SVG the chart library produced is inserted as markup.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from socialroi.report.charts import color_of
from socialroi.report.tables import Column, Table

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
        return f.number(v)
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
    return str(v)


def make_cell(f):
    def cell(row: dict, col: Column, table: Table) -> Markup:
        v = row.get(col.key)
        if col.kind != "text":
            cls = "num"
            if col.kind in ("delta", "points") and v is not None:
                cls += " pos" if v > 0 else " neg" if v < 0 else ""
            return Markup('<td class="{}">{}</td>').format(cls, format_value(f, v, col.kind))
        text = "" if v is None else str(v)
        if col.key == "url":
            if text.startswith(("https://", "http://")):
                return Markup('<td class="text"><a href="{}" rel="noopener">↗</a></td>').format(
                    text
                )
            return Markup('<td class="text"></td>')
        long = len(text) > 40
        if len(text) > CAPTION_CHARS:
            text = text[: CAPTION_CHARS - 1] + "…"
        mark = Markup("")
        if table.color_key == col.key and text:
            mark = Markup('<span class="dot" style="background:{}"></span>').format(color_of(text))
        cls = "text long" if long else "text"
        return Markup('<td class="{}">{}{}</td>').format(cls, mark, escape(text))

    return cell


def render_html(data) -> str:
    from socialroi.report.sections_a import MODEL_LABELS

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
        model_label=MODEL_LABELS.get(data.model, data.model),
        workspace_name=Path(data.workspace).name,
    )


def write_html(data, path: Path) -> Path:
    path.write_text(render_html(data), encoding="utf-8")
    return path
