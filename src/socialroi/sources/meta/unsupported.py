"""Meta reports socialroi knows but does not import: recognised only to say which report of
Meta's to download instead (`socialroi.sources.base.unsupported`)."""

from __future__ import annotations

from socialroi.sources.base import unsupported
from socialroi.sources.kit.headers import norm
from socialroi.sources.kit.sniff import Sniff

_AUDIENCE_TITLES = {norm(x) for x in (
    "Age & gender", "Age and gender", "Top cities", "Top countries", "Audience",
    "Edad y sexo", "Ciudades principales", "Países principales", "Público", "年龄和性别",
    "热门城市", "热门国家/地区", "受众",
)}  # fmt: skip
_FORMAT_TITLES = {norm(x) for x in (
    "Top content formats", "Content formats", "Formatos de contenido principales",
    "Formatos de contenido", "热门内容格式", "内容格式",
)}  # fmt: skip


def _cells(s: Sniff) -> set[str]:
    rows = s.rows if s.kind == "text" else next(iter(s.sheets.values()), [])
    return {norm(c) for r in rows[:15] for c in r if c not in (None, "")}


def _audience(s: Sniff) -> float:
    cells = _cells(s)
    if cells & _AUDIENCE_TITLES or {"age", "women", "men"} <= cells:
        return 0.9
    return 0.9 if {"edad", "mujeres", "hombres"} <= cells else 0.0


def _formats(s: Sniff) -> float:
    return 0.9 if _cells(s) & _FORMAT_TITLES else 0.0


unsupported(
    "meta",
    "Meta Business Suite Audience export (age, gender, cities, countries)",
    detect=_audience,
    instead="the Business Suite Insights metric exports (Insights > Results > a metric such as "
    "Reach, Views or Follows > Export) for account figures, or the Content export (Insights > "
    "Content > Export data) for posts",
)
unsupported(
    "meta",
    "Meta Business Suite Top content formats export",
    detect=_formats,
    instead="the Business Suite Content export (Insights > Content > Export data), which "
    "socialroi imports post by post (its format included)",
)
