"""The executive report: one call from a workspace to HTML, PDF and XLSX.

>>> from socialroi.deliver.report import build_report
>>> build_report(ws, period="2026-Q3", compare="previous", profile="dtc", out="reports/")
{'html': PosixPath('reports/socialroi-2026-Q3-dtc-en.html'), 'pdf': ..., 'xlsx': ...}

`data.gather` computes every section once from the library functions; `html`, `pdf` and
`xlsx` render that one `ReportData`. Renderers are a registry (`RENDERERS`), like models and
metrics: an unknown format is an error that lists the valid ones.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from socialroi.deliver.report.data import gather
from socialroi.deliver.report.html import render_html, write_html
from socialroi.deliver.report.pdf import write_pdf
from socialroi.deliver.report.xlsx import write_xlsx
from socialroi.errors import UnknownName

FORMATS = ("html", "pdf", "xlsx")


def _html(data, path: Path) -> Path:
    return write_html(data, path)


def _pdf(data, path: Path) -> Path:
    return write_pdf(render_html(data), path)


def _xlsx(data, path: Path) -> Path:
    return write_xlsx(data, path)


RENDERERS = {"html": _html, "pdf": _pdf, "xlsx": _xlsx}


def file_stem(data) -> str:
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", data.period.label.replace("..", "_to_"))
    return f"socialroi-{label}-{data.profile.name}-{data.lang}"


def build_report(
    ws,
    period: str = "2026-Q3",
    compare: str | None = "previous",
    profile: Any = "dtc",
    model: str | None = None,
    markets: Iterable[str] | None = None,
    platforms: Iterable[str] | None = None,
    lang: str = "en",
    formats: Iterable[str] = FORMATS,
    out: str | Path = "reports/",
    timings: dict[str, float] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the report in each of `formats` to the folder `out`; returns format -> path.
    `timings`, when given, receives the seconds spent gathering and rendering each format;
    `on_step(name)` is told before each section is gathered and each format written."""

    formats = [f.strip().lower() for f in formats if f.strip()]
    for fmt in formats:
        if fmt not in RENDERERS:
            raise UnknownName("report format", fmt, list(RENDERERS))
    t0 = time.perf_counter()
    data = gather(ws, period, compare, profile, model, markets, platforms, lang, on_step)
    if timings is not None:
        timings["gather"] = time.perf_counter() - t0
        timings.update({f"section:{k}": v for k, v in data.seconds.items()})
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in formats:
        if on_step:
            on_step(fmt)
        t0 = time.perf_counter()
        paths[fmt] = RENDERERS[fmt](data, folder / f"{file_stem(data)}.{fmt}")
        if timings is not None:
            timings[fmt] = time.perf_counter() - t0
    return paths


__all__ = ["FORMATS", "RENDERERS", "build_report"]
