"""Everything a report shows, gathered once from the library functions into one `ReportData`.

Each section is built by one function from the same calls the CLI and the dashboard make
(`roi`, `insights`, `attribution.workspace.compare`, `costs.allocate`, `clv_by`,
`content`, `quality`), so a figure in the report is the figure those functions return for
the same inputs. The renderers (HTML, PDF, XLSX) only format what is here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from socialroi.deliver.i18n.catalogue import Formatter, formatter
from socialroi.deliver.report import (
    experiments,
    sections_a,
    sections_b,
    sections_paid,
    sections_trend,
)
from socialroi.deliver.report.tables import Section
from socialroi.measure.query import Query
from socialroi.model.periods import Period

SECTION_ORDER = (
    "summary", "roi", "changes", "trends", "paid", "attribution", "funnel", "clv", "content",
    "costs", "quality", "experiments", "methodology",
)  # fmt: skip


@dataclass
class ReportData:
    period: Period
    compare: str | None
    compare_period: Period | None
    profile: Any
    model: str
    currency: str
    lang: str
    markets: tuple[str, ...] | None
    platforms: tuple[str, ...] | None
    fmt: Formatter
    generated: dt.date
    workspace: str
    sections: list[Section] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per section, gathering time
    metrics_shown: list[str] = field(default_factory=list)
    # the question, parsed once by `gather`; the fields above are its parts, for the sections
    query: Query | None = None

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


@dataclass
class Context:
    """What the section builders share, with results computed once and reused."""

    ws: Any
    data: ReportData
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def f(self) -> Formatter:
        return self.data.fmt

    def once(self, key: str, fn):
        if key not in self.cache:
            self.cache[key] = fn()
        return self.cache[key]

    def show(self, *metric_names: str) -> None:
        for m in metric_names:
            if m not in self.data.metrics_shown:
                self.data.metrics_shown.append(m)


BUILDERS = {
    "summary": sections_a.summary,
    "roi": sections_a.roi_section,
    "changes": sections_trend.changes,
    "trends": sections_trend.trends,
    "paid": sections_paid.paid,
    "attribution": sections_a.attribution,
    "funnel": sections_a.funnel,
    "clv": sections_a.clv,
    "content": sections_b.content,
    "costs": sections_b.costs,
    "quality": sections_b.quality,
    "experiments": experiments.experiments,
    "methodology": sections_b.methodology,
}


def gather(
    ws,
    period: str | Period = "2026-Q3",
    compare: str | None = "previous",
    profile: Any = "dtc",
    model: str | None = None,
    markets=None,
    platforms=None,
    lang: str = "en",
    on_step: Callable[[str], None] | None = None,
) -> ReportData:
    """Every section's numbers, computed once. `on_step(name)` is told before each section
    (the CLI shows it as progress)."""
    q = Query.parse(
        period, compare=compare, profile=profile, model=model, platforms=platforms,
        markets=markets,
    )  # fmt: skip
    p, prof, model, cp = q.period, q.profile, q.model, q.compare_period
    data = ReportData(
        query=q,
        period=p,
        compare=compare,
        compare_period=cp,
        profile=prof,
        model=model,
        currency=ws.base_currency,
        lang=lang,
        markets=q.markets or None,
        platforms=q.platforms or None,
        fmt=formatter(lang, ws.base_currency),
        generated=dt.date.today(),
        workspace=str(ws.path),
    )
    ctx = Context(ws, data)
    for key in SECTION_ORDER:
        if key == "funnel" and "won" not in prof.kinds and "lead" not in prof.kinds:
            continue
        if key == "changes" and cp is None:
            continue  # nothing to compare with
        if key == "experiments" and not experiments.started(ws, p):
            continue  # a workspace that ran none has no section for them
        if on_step:
            on_step(key)
        t0 = time.perf_counter()
        section = BUILDERS[key](ctx)
        data.sections.append(section)
        data.seconds[key] = time.perf_counter() - t0
    return data
