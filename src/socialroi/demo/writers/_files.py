"""Byte-for-byte reproducible files: the same world must give the same bytes, so a second
`socialroi demo` imports nothing new."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

FIXED = dt.datetime(2026, 1, 1)


def save_workbook(wb, path: Path, when: dt.datetime | None = None) -> Path:
    """Save an openpyxl workbook with fixed document and zip-entry times."""
    when = (when or FIXED).replace(tzinfo=None)
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())
    return path
