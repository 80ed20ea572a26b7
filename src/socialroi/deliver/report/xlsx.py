"""The report as an Excel workbook finance can compute with: one sheet per section.

Every figure is a typed cell — numbers as numbers with a currency, percent or count format,
dates as dates — and each table has its own header row; the first table's header is frozen.
Text from the workspace (captions, campaign names, UTM values) that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return gets a leading apostrophe, so it can never run as a
formula, here or after a round trip through CSV.

XlsxWriter writes the file: it is write-only and fast, and sets number formats, frozen panes
and column widths directly (openpyxl, which the importer uses to read, is slower to write).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import xlsxwriter

from socialroi.deliver.output import neutralise
from socialroi.deliver.report.charts import color_of
from socialroi.deliver.report.tables import Table, cell_kind

NUM_FORMATS = {
    "count": "#,##0",
    "number": "#,##0.00",
    "percent": "0.0%",
    "delta": "+0.0%;-0.0%;0.0%",
    "points": "+0.0;-0.0;0.0",
    "ratio": '0.00"×"',
    "date": "yyyy-mm-dd",
    "rate": "0.0000",
    "pp": "+0.0%;-0.0%;0.0%",
}


def _money_format(currency: str, digits: int) -> str:
    num = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return f'{num} "{currency}";-{num} "{currency}"'


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


class _Formats:
    def __init__(self, wb, currency: str) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.take = wb.add_format({"italic": True, "text_wrap": False})
        self.sub = wb.add_format({"bold": True, "font_size": 11, "font_color": "#2F4B7C"})
        self.head = wb.add_format({"bold": True, "bg_color": "#F5F7FA", "bottom": 1})
        self.text = wb.add_format({})
        self.kinds = {k: wb.add_format({"num_format": v}) for k, v in NUM_FORMATS.items()}
        self.kinds["money"] = wb.add_format({"num_format": _money_format(currency, 2)})
        self.kinds["money2"] = self.kinds["money"]


def write_cell(ws, row: int, col: int, value, kind: str, fm: _Formats) -> None:
    if value is None:
        ws.write_blank(row, col, None)
    elif kind == "text":
        ws.write_string(row, col, neutralise(str(value)), fm.text)
    elif kind == "date":
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=None)
        elif isinstance(value, dt.date):
            value = dt.datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, value, fm.kinds["date"])
    elif kind == "count" and abs(float(value) - round(float(value))) > 1e-9:
        ws.write_number(row, col, float(value), fm.kinds["number"])  # attributed: fractional
    else:
        ws.write_number(row, col, float(value), fm.kinds[kind])


def _write_table(ws, table: Table, row: int, fm: _Formats, widths: dict[int, int], f=None) -> int:
    """Writes the table from `row`; returns the row of its header."""
    if table.title:
        ws.write_string(row, 0, neutralise(table.title), fm.sub)
        row += 1
    header = row
    for j, c in enumerate(table.columns):
        ws.write_string(row, j, neutralise(c.label), fm.head)
        widths[j] = max(widths.get(j, 8), min(len(c.label) + 2, 40))
    for r in table.rows:
        row += 1
        for j, c in enumerate(table.columns):
            v = r.get(c.key)
            kind = cell_kind(c, r)
            if kind == "text" and v is not None and f is not None:
                v = f.value(c.key, v)
            write_cell(ws, row, j, v, kind, fm)
            if kind == "text" and v is not None:
                widths[j] = max(widths[j], min(len(str(v)) + 2, 60))
            elif kind in ("money", "money2"):
                widths[j] = max(widths[j], 16)
            else:
                widths[j] = max(widths[j], 12)
    return header


CHART_ROWS = 16  # rows a native chart covers beside its table


def _line_chart(wb, ws, table: Table, header: int, col: int) -> None:
    """A native Excel line chart of `table` (first column the x axis, one series per other
    column) placed to its right, so finance can restyle or extend it."""
    chart = wb.add_chart({"type": "line"})
    first, last = header + 1, header + len(table.rows)
    for j, c in enumerate(table.columns[1:], start=1):
        chart.add_series(
            {
                "name": [ws.name, header, j],
                "categories": [ws.name, first, 0, last, 0],
                "values": [ws.name, first, j, last, j],
                "line": {"color": color_of(c.key), "width": 2},
                "marker": {"type": "circle", "size": 4,
                           "fill": {"color": color_of(c.key)},
                           "border": {"color": color_of(c.key)}},
            }
        )  # fmt: skip
    chart.set_title({"name": table.title, "name_font": {"size": 11}})
    chart.set_legend({"position": "right"})
    chart.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
    chart.set_size({"width": 620, "height": 300})
    ws.insert_chart(header, col, chart)


def write_xlsx(data, path: Path) -> Path:
    f = data.fmt
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    fm = _Formats(wb, data.currency)
    used: set[str] = set()
    about = wb.add_worksheet(_sheet_name(f.t("title"), used))
    info = [
        (f.t("title"), data.period.label),
        (f.t("period"), f"{data.period.start} – {data.period.end}"),
        (
            f.t("compared_with"),
            f"{data.compare_period.start} – {data.compare_period.end}"
            if data.compare_period
            else "",
        ),
        (f.t("profile"), f"{f.profile_label(data.profile)} ({data.profile.name})"),
        (f.t("model"), f.model_label(data.model)),
        (f.t("markets"), ", ".join(data.markets) if data.markets else f.t("all")),
        (f.t("platforms"), ", ".join(data.platforms) if data.platforms else f.t("all")),
        (f.t("currency"), data.currency),
        (f.t("generated"), str(data.generated)),
    ]
    for i, (k, v) in enumerate(info):
        about.write_string(i, 0, neutralise(k), fm.head if i == 0 else fm.text)
        about.write_string(i, 1, neutralise(v))
    row = len(info) + 1
    about.write_string(row, 0, f.t("contents"), fm.sub)
    for s in data.sections:
        row += 1
        about.write_string(row, 0, neutralise(s.title))
        about.write_string(row, 1, neutralise(s.takeaway))
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 90)
    for s in data.sections:
        ws = wb.add_worksheet(_sheet_name(s.title, used))
        ws.write_string(0, 0, neutralise(s.title), fm.title)
        ws.write_string(1, 0, neutralise(s.takeaway), fm.take)
        row = 3
        for b in s.bullets:
            ws.write_string(row, 0, neutralise("• " + b))
            row += 1
        if s.bullets:
            row += 1
        widths: dict[int, int] = {}
        first_header = None
        for t in s.tables:
            header = _write_table(ws, t, row, fm, widths, f)
            if first_header is None:
                first_header = header
            if t.chart == "line" and t.rows:
                _line_chart(wb, ws, t, header, len(t.columns) + 1)
            row = header + max(len(t.rows), CHART_ROWS if t.chart else 0) + 2
        for n in s.notes:
            ws.write_string(row, 0, neutralise(n))
            row += 1
        if first_header is not None:
            ws.freeze_panes(first_header + 1, 0)
        for j, w in widths.items():
            ws.set_column(j, j, w)
    wb.close()
    return path
