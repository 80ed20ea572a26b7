"""Header rows: which column holds which canonical field, in any of the three languages.

`norm` is how every header cell, sheet name and label is compared; `HeaderMap` resolves a
header row against a report's aliases (duplicate names as `name#2`, currency suffixes such as
`Amount spent (EUR)`); `find_header_row` and `find_sheet` find that row under banners and
in workbooks; `header_language` says which language a header is written in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.model.currencies import known_currencies
from socialroi.sources.base import Context

# -- headers -------------------------------------------------------------------------------

_CURRENCY_SUFFIX = re.compile(r"\s*[\(\[]\s*([A-Z]{3})\s*[\)\]]\s*$")


def norm(cell: Any) -> str:
    """Normalise a header cell for matching: NFKC, case-folded, single spaces, no BOM."""
    if isinstance(cell, str):
        return _norm_text(cell)
    return _norm_text(str(cell))


@functools.lru_cache(maxsize=65536)
def _norm_text(cell: str) -> str:
    s = unicodedata.normalize("NFKC", str(cell)).replace("\ufeff", "").strip().strip('"')
    return re.sub(r"\s+", " ", s).casefold()


def header_currency(cell: Any) -> tuple[str, str | None]:
    """Split a header like `Amount spent (EUR)` into (`amount spent`, `EUR`)."""
    return _header_currency(str(cell))


@functools.lru_cache(maxsize=65536)
def _header_currency(cell: str) -> tuple[str, str | None]:
    text = unicodedata.normalize("NFKC", cell).strip()
    m = _CURRENCY_SUFFIX.search(text)
    if m and _is_currency(m.group(1)):
        return norm(text[: m.start()]), m.group(1)
    return norm(text), None


def _is_currency(code: str) -> bool:
    return code in known_currencies() or code in _OTHER_CURRENCIES


# ISO 4217 codes the ECB does not publish but exports use (rates come from `socialroi fx set`).
_OTHER_CURRENCIES = {
    "VND", "ARS", "CLP", "COP", "PEN", "AED", "SAR", "TWD", "EGP", "NGN", "PKR", "KES", "UAH",
}  # fmt: skip


# Fields real exports do write twice under one name (the classic Facebook posts export: the
# Total Count, then the Unique Users count); their parsers tell the two apart.
REPEATED_FIELDS = frozenset({"video_views_organic", "video_views_paid"})


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet shows it."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


class HeaderMap:
    """Which column of a header row holds which canonical field.

    `aliases` maps canonical field -> header names in any language. Duplicate header names
    (the classic Facebook export has them) resolve to the first occurrence unless an alias
    says `name#2` for the second.
    """

    def __init__(self, header: Sequence[Any], aliases: dict[str, list[str]]) -> None:
        self.header = [str(h) if h is not None else "" for h in header]
        self.aliases = aliases
        positions, currencies = _positions(self.header)
        self.currencies: dict[str, str] = dict(currencies)
        self.index: dict[str, int] = {}
        self.found_as: dict[str, str] = {}
        # Fields whose column name appears twice where the report expects it once: reading
        # the first would silently drop the second (a key or date column edited by hand).
        self.duplicated: dict[str, tuple[int, int]] = {}
        plan = _plan_of(aliases)
        # each field's first alias the header has (looked up from the header's names: a
        # report knows hundreds of names in three languages, a header row has a few dozen)
        first: dict[int, int] = {}
        for name in positions:
            for field_no, rank in plan.fields_named.get(name, ()):
                if rank < first.get(field_no, rank + 1):
                    first[field_no] = rank
        for field_no in sorted(first):
            field, keys = plan.fields[field_no]
            k = keys[first[field_no]]
            self.index[field] = positions[k]
            self.found_as[field] = self.header[positions[k]]
            if k in self.currencies:
                self.currencies[field] = self.currencies[k]
            if f"{k}#2" in positions and f"{k}#2" not in plan.twice:
                self.duplicated[field] = (positions[k], positions[f"{k}#2"])

    def __contains__(self, field: str) -> bool:
        return field in self.index

    def require(self, ctx: Context, fields: Sequence[str], what: str, row: int = 1) -> None:
        self.refuse_duplicates(ctx, what, row)
        missing = [f for f in fields if f not in self.index]
        if missing:
            raise ctx.fail(
                f"this {what} has no {columns_named(self.aliases, missing)}",
                row=row,
                value=", ".join(h for h in self.header if h)[:200],
                expected="the export's usual header (English, Spanish or Chinese)",
                hint=ADD_COLUMNS,
            )

    def refuse_duplicates(self, ctx: Context, what: str, row: int = 1) -> None:
        """A column the report reads that appears twice is an error naming both columns."""
        for field, (a, b) in self.duplicated.items():
            if field in REPEATED_FIELDS:
                continue
            raise ctx.fail(
                f"this {what} has two columns named {self.header[a]!r}: column "
                f"{column_letter(a)} and column {column_letter(b)}",
                row=row,
                expected="each column once (remove or rename the copy)",
            )

    def column_name(self, field: str) -> str:
        return self.found_as.get(field, field)


def _positions(header: Sequence[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Each normalised header name (`name#2` for a second one) -> its column, and the
    currency a name states (`Amount spent (EUR)`). Shared: callers do not change them."""
    return _positions_of(tuple(header))


@functools.lru_cache(maxsize=4096)
def _positions_of(header: tuple[str, ...]) -> tuple[dict[str, int], dict[str, str]]:
    seen: dict[str, int] = {}
    positions: dict[str, int] = {}
    currencies: dict[str, str] = {}
    for i, h in enumerate(header):
        base, cur = header_currency(h)
        n = seen.get(base, 0) + 1
        seen[base] = n
        key = base if n == 1 else f"{base}#{n}"
        positions.setdefault(key, i)
        if cur:
            currencies[key] = cur
    return positions, currencies


@dataclass(frozen=True)
class _Plan:
    """A report's aliases normalised once: (field, normalised names) in order, the names an
    export writes twice on purpose (`name#2`), each name's (field number, rank among that
    field's names), and each field's names."""

    fields: tuple[tuple[str, tuple[str, ...]], ...]
    twice: frozenset[str]
    fields_named: dict[str, tuple[tuple[int, int], ...]]
    names: dict[str, tuple[str, ...]]


# id(aliases) -> (the aliases, their plan): most alias tables are the same dictionary on every
# call (`model.aliases.aliases`), and building the cache key of `_alias_plan` from one cost
# more than the plan (detection builds 33,000 header maps for 188 files). The table is held,
# so its id is not reused while it is here; tables are not changed after they are made.
_PLANS: dict[int, tuple[dict[str, list[str]], _Plan]] = {}


def _plan_of(aliases: dict[str, list[str]]) -> _Plan:
    got = _PLANS.get(id(aliases))
    if got is not None and got[0] is aliases:
        return got[1]
    plan = _alias_plan(tuple((f, tuple(ns)) for f, ns in aliases.items()))
    if len(_PLANS) >= 1024:  # tables made per call (merged aliases) do not pile up
        _PLANS.clear()
    _PLANS[id(aliases)] = (aliases, plan)
    return plan


@functools.lru_cache(maxsize=512)
def _alias_plan(aliases: tuple[tuple[str, tuple[str, ...]], ...]) -> _Plan:
    fields = tuple((f, tuple(norm(n) for n in names)) for f, names in aliases)
    twice = frozenset(norm(n) for _, names in aliases for n in names if "#" in n)
    named: dict[str, list[tuple[int, int]]] = {}
    for field_no, (_, keys) in enumerate(fields):
        for rank, k in enumerate(keys):
            hits = named.setdefault(k, [])
            if not any(f == field_no for f, _ in hits):  # a name listed twice: its first
                hits.append((field_no, rank))
    return _Plan(fields, twice, {k: tuple(v) for k, v in named.items()}, dict(fields))


def _could_hold(row: Sequence[Any], aliases: dict[str, list[str]], fields: Sequence[str]) -> bool:
    """Whether `HeaderMap(row, aliases)` finds every one of `fields` (the same test, on the
    fields asked for only: detection tries every report's header on the first rows of every
    file)."""
    positions, _ = _positions([str(h) if h is not None else "" for h in row])
    names = _plan_of(aliases).names
    return all(any(n in positions for n in names.get(f, ())) for f in fields)


ADD_COLUMNS = (
    "Add the missing column(s) to the report (or view) in the platform and download it again, "
    "or download the report with its default columns."
)


def label(aliases: dict[str, list[str]], field: str) -> str:
    """The header a user sees for `field` in the platform's export (its English name)."""
    names = aliases.get(field) or []
    return names[0] if names else field


def columns_named(aliases: dict[str, list[str]], fields: Sequence[str]) -> str:
    """`column 'Cost'` / `columns 'Cost' and 'Impressions'`, in the platform's words."""
    names = [f"'{label(aliases, f)}'" for f in fields]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return ("column " if len(names) == 1 else "columns ") + text


def find_header_row(
    rows: Sequence[Sequence[Any]], aliases: dict[str, list[str]], required: Sequence[str]
) -> int | None:
    """Index of the first row (within the first 30) that holds all required fields."""
    for i, row in enumerate(rows[:30]):
        if _could_hold(row, aliases, required):
            return i
    return None


def find_sheet(
    sheets: dict[str, list[list[Any]]],
    names: list[str],
    aliases: dict[str, list[str]],
    required: Sequence[str],
) -> tuple[str, int] | None:
    """The sheet named like `names` with a header holding `required` (or any such sheet)."""
    wanted = {norm(n) for n in names}
    ordered = sorted(sheets, key=lambda s: norm(s) not in wanted)
    for name in ordered:
        h = find_header_row(sheets[name], aliases, required)
        if h is not None:
            return name, h
    return None


def header_language(source: str, report: str, header: Sequence[Any]) -> str:
    """Which language's header names the row uses most (en, es or zh)."""
    cells = {norm(c) for c in header if c not in (None, "")}
    score = dict.fromkeys(LANGUAGES, 0)
    for by_lang in ALIASES.get((source, report), {}).values():
        for lang, names in by_lang.items():
            if lang in score and any(norm(n) in cells for n in names):
                score[lang] += 1
    best = max(LANGUAGES, key=lambda lang: (score[lang], lang == "en"))
    return best if score[best] else "en"
