"""A page's table as a file for people: CSV or Excel, headers in the reader's language, named
by what it holds and its period (`socialroi-content-posts-2026-Q3.xlsx`).

The API's `/api/v1/{view}/csv/{table}` keeps the column names as they are, for programs;
these downloads are what the dashboard's CSV and Excel links point to. Text a spreadsheet
could run as a formula is neutralised in both formats, and Excel cells keep their types.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from socialroi.deliver.i18n.columns import header
from socialroi.deliver.output import neutralise, to_csv
from socialroi.deliver.web.auth import VIEWER, Principal
from socialroi.deliver.web.language import fmt_for
from socialroi.errors import UnknownName

router = APIRouter()

VIEWS = {
    "overview": "overview", "metrics": "explore", "attribution": "attribution",
    "content": "content", "costs": "costs", "clv": "clv", "imports": "data",
}  # fmt: skip
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_name(view: str, table: str, period: str, ext: str) -> str:
    """`socialroi-<view>-<table>-<period>.<ext>`, with only safe characters (a period range
    `2026-07-01..2026-09-30` keeps its dots)."""
    stem = f"socialroi-{view}-{table}-{period}"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem) + "." + ext


def people_frame(df: pd.DataFrame, fmt) -> pd.DataFrame:
    """Headers in the reader's language and names of platforms, formats, categories... as
    the page shows them; numbers stay numbers."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(lambda v, c=c: fmt.value(str(c), v) if isinstance(v, str) else v)
    out.columns = _unique([header(str(c), fmt) for c in out.columns])
    return out


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def to_xlsx(df: pd.DataFrame, sheet: str) -> bytes:
    import xlsxwriter  # deferred: only an Excel download needs it

    buf = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    wb = xlsxwriter.Workbook(buf, {**options, "nan_inf_to_errors": True})
    ws = wb.add_worksheet(re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "table")
    bold = wb.add_format({"bold": True})
    for j, c in enumerate(df.columns):
        ws.write_string(0, j, str(c), bold)
    for i, row in enumerate(df.itertuples(index=False), start=1):
        for j, v in enumerate(row):
            if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, int | float):
                ws.write_number(i, j, float(v))
            elif isinstance(v, pd.Timestamp):
                ws.write_string(i, j, v.isoformat())
            else:
                ws.write_string(i, j, str(neutralise(str(v))))
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


@router.get("/downloads/{view}/{table}.{ext}", include_in_schema=False)
def download(request: Request, view: str, table: str, ext: str, p: Principal = VIEWER):
    name = VIEWS.get(view)
    if name is None:
        raise UnknownName("view", view, list(VIEWS))
    if ext not in MEDIA:
        raise UnknownName("download format", ext, list(MEDIA))
    ctx = request.app.state.ctx
    f = ctx.filters(request.query_params, name)
    v = ctx.view(name, f)
    if table not in v.tables:
        raise UnknownName("table", table, list(v.tables))
    frame = people_frame(v.tables[table], fmt_for(request))
    body = to_csv(frame).encode("utf-8-sig") if ext == "csv" else to_xlsx(frame, table)
    fname = file_name(view, table, f.period, ext)
    return Response(
        body,
        media_type=MEDIA[ext],
        headers={"Content-Disposition": f'attachment; filename="{fname}"'},
    )
