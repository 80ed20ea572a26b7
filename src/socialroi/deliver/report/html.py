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
                sign = {"up": 1, "down": -1, "none": 0}.get(row.get("direction", "up"), 1)
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


def col_widths(table: Table) -> list[float]:
    """Relative column widths (percent) from the label and the typical content length, so a
    fixed table layout (fast in WeasyPrint) still gives captions room and numbers enough."""
    weights = []
    for c in table.columns:
        if c.kind != "text" or c.key == "url":
            w = {"url": 5.0, "date": 12.0}.get(c.key if c.key == "url" else c.kind, 9.0)
        else:
            lengths = sorted(len(str(r.get(c.key) or "")) for r in table.shown_rows)
            typical = lengths[int(len(lengths) * 0.9)] if lengths else 8
            w = min(max(typical, 9), 36) + (2 if table.color_key == c.key else 0)
        w = max(w, min(len(c.label), 24) * 0.55)
        weights.append(w)
    total = sum(weights) or 1.0
    return [round(100 * w / total, 2) for w in weights]


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
        model_label=f.model_label(data.model),
        profile_label=f.profile_label(data.profile),
        workspace_name=Path(data.workspace).name,
    )


def write_html(data, path: Path) -> Path:
    path.write_text(render_html(data), encoding="utf-8")
    return path
