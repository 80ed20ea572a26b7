"""The header alias registry: what each platform calls a canonical field, per language.

Plain data, extended by each source package with `register_aliases()`. Platforms rename
columns over time (Impressions→Views on TikTok and Meta, Shares→Reposts on X, Conversions→Key
events on GA4): old and new names are both listed under one canonical field. Every source
covers English, Spanish and Simplified Chinese; `tests/model/test_aliases.py` checks it.
"""

from __future__ import annotations

from socialroi.errors import UnknownName

LANGUAGES = ("en", "es", "zh")

# (source, report) -> canonical field -> language -> header names
ALIASES: dict[tuple[str, str], dict[str, dict[str, list[str]]]] = {}
# what `aliases()` answered, per report: detection asks for each report's aliases on every
# file (4,800 times for 188 files); a registration forgets them
_FLAT: dict[tuple[str, str], dict[str, list[str]]] = {}


def register_aliases(source: str, report: str, fields: dict[str, dict[str, list[str]]]) -> None:
    """Add header names for a report; later registrations extend earlier ones."""
    _FLAT.clear()
    table = ALIASES.setdefault((source, report), {})
    for field, by_lang in fields.items():
        slot = table.setdefault(field, {})
        for lang, names in by_lang.items():
            slot.setdefault(lang, [])
            slot[lang].extend(n for n in names if n not in slot[lang])


def aliases(source: str, report: str) -> dict[str, list[str]]:
    """Canonical field -> every known header name (all languages), for `HeaderMap`. The same
    dictionary on every call until a registration: callers read it and do not change it."""
    got = _FLAT.get((source, report))
    if got is not None:
        return got
    if (source, report) not in ALIASES:
        raise UnknownName("alias table", f"{source}/{report}", [f"{s}/{r}" for s, r in ALIASES])
    got = _FLAT[source, report] = {
        field: [n for lang in LANGUAGES for n in by_lang.get(lang, [])]
        + [n for lang, ns in by_lang.items() if lang not in LANGUAGES for n in ns]
        for field, by_lang in ALIASES[(source, report)].items()
    }
    return got
