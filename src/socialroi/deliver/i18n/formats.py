"""Numbers, money, percentages, percentage points and dates for the reader's locale (Babel),
and the words of the one catalogue: the report and the dashboard format through the same
`Formatter`, so a figure reads the same on every page and in the report.

Money always carries the locale's symbol for the currency (`$1,235` in English, `US$1,235`
in Chinese; `€` for EUR in both); a currency code is never written after an amount.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_name,
)
from markupsafe import Markup

from socialroi.deliver.i18n.errors import translate_error
from socialroi.deliver.i18n.values import english as code_name
from socialroi.errors import UnknownName
from socialroi.measure.profiles import load_profile
from socialroi.model import words
from socialroi.model.metrics.localized import localized, localized_formula
from socialroi.model.names import (
    CONTEXTS,
    PLATFORM_NAMES,
    kind_label,
    model_label,
    value_label,
)

LANGS = words.languages()  # tag -> Babel locale id: "en", then one per model/locale/*.po


@dataclass(frozen=True)
class Formatter:
    """Formats values for one language and one base currency."""

    lang: str
    currency: str

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(LANGS[self.lang])

    # -- words ------------------------------------------------------------------------------
    def t(self, key: str, **fields: object) -> str:
        """A report phrase by its key (see `catalogue.MESSAGES`), with its fields filled."""
        source = english(key)
        if source is None:
            return key
        text = words.text(self.lang, source, key)
        return text.format(**{k: _named(v) for k, v in fields.items()}) if fields else text

    def _(self, english: str, **fields: object) -> str:
        """A dashboard phrase, written in English where it is used (gettext style)."""
        text = words.text(self.lang, english)
        return text.format(**fields) if fields else text

    def word(self, english: str, context: str) -> str:
        """A word of the catalogue under a context (a column, a cost category...)."""
        return words.text(self.lang, english, context)

    def metric_label(self, m) -> str:
        """A catalogue metric's label in the reader's language."""
        return localized(m, self.lang)[0]

    def metric_definition(self, m) -> str:
        return localized(m, self.lang)[1]

    def metric_formula(self, m) -> str:
        return localized_formula(m, self.lang)

    def model_label(self, name: str) -> str:
        return model_label(name, self.lang)

    def profile_label(self, p) -> str:
        return words.text(self.lang, p.label, CONTEXTS["profile"])

    def profile_description(self, p) -> str:
        """A profile's description in the reader's language, when it is a built-in one as
        shipped (a profile file's own words are shown as written)."""
        try:
            shipped = load_profile(p.name).description == p.description
        except Exception:  # a custom profile's name: its own words
            shipped = False
        if not shipped:
            return p.description
        return words.text(self.lang, p.description, CONTEXTS["profile_description"])

    def value(self, key: str, value: object) -> str:
        """A cell's text: platforms, channels, post formats, cost categories and rules,
        finding kinds, tables and the product's other codes are named for the reader; names
        of brands, accounts and campaigns stay as written."""
        text = "" if value is None else str(value)
        if key == "allocation":
            key = "rule"
        if key in ("category", "rule"):
            prefix = "cat_" if key == "category" else "rule_"
            return self.t(prefix + text) if english(prefix + text) else text
        if key in ("market", "platform") and text == "(none)":
            return self.t("none_market" if key == "market" else "none_platform")
        if text == "(none)" and key not in ("market", "platform"):
            return words.text(self.lang, "(none)")
        if key in ("market", "platform") and text == "(unallocated)":
            return self.t("unallocated")
        if key in ("example", "message"):  # an importer's finding, when we know its words
            return translate_error(None, text, self.lang)
        got = code_name(key, text)
        if got is not None:
            return words.text(self.lang, got[1], got[0])
        if key == "platform" and text not in PLATFORM_NAMES:  # a channel group in its place
            return value_label("channel", text, self.lang)
        return value_label(key, text, self.lang)

    def labelled(self, df, *columns: str):
        """A copy of `df` whose `columns` read as the reader names them (chart labels)."""
        out = df.copy()
        for c in columns:
            if c in out:
                out[c] = out[c].map(lambda v, c=c: self.value(c, v) if isinstance(v, str) else v)
        return out

    def kind_label(self, kind: str) -> str:
        return kind_label(kind, self.lang)

    def market(self, code: object) -> str:
        """A market code as the reader names the country (US -> 美国 in Chinese); codes stay
        codes in English, where the team writes them so."""
        text = "" if code is None else str(code)
        if self.lang == words.SOURCE or len(text) != 2 or not text.isupper():
            return text
        return self.locale.territories.get(text, text)

    def currency_label(self) -> str:
        """The base currency as a header shows it: `USD (US$)`, `美元 (US$)`."""
        name = get_currency_name(self.currency, locale=self.locale)
        sym = self.locale.currency_symbols.get(self.currency, self.currency)
        first = self.currency if self.lang == words.SOURCE else name
        return f"{first} ({sym})" if sym != first else first

    def page_counter(self) -> Markup:
        """The CSS `content` value of the report's page footer: "Page 3 of 12"."""
        text = self.t("page_footer", page="\0", pages="\1")
        quoted = text.replace("\\", "\\\\").replace('"', '\\"')
        css = '"' + quoted.replace("\0", '" counter(page) "').replace("\1", '" counter(pages) "')
        return Markup(css + '"')  # noqa: S704 - our catalogue's words, CSS-quoted above

    # -- numbers ----------------------------------------------------------------------------
    def money(self, v: object, digits: int | None = 0) -> str:
        """An amount with the currency's symbol; `digits=None`: cents below 100 only."""
        if _missing(v):
            return "–"
        if digits is None:
            digits = 2 if abs(float(v)) < 100 else 0
        fmt = "¤#,##0" if digits == 0 else "¤#,##0.00"
        return format_currency(
            float(v), self.currency, format=fmt, locale=self.locale, currency_digits=False
        )

    def compact_money(self, v: object) -> str:
        if _missing(v):
            return "–"
        if abs(float(v)) < 10_000:
            return self.money(v)
        sym = self.locale.currency_symbols.get(self.currency, self.currency)
        return sym + format_compact_decimal(float(v), locale=self.locale, fraction_digits=1)

    def number(self, v: object, digits: int = 0) -> str:
        if _missing(v):
            return "–"
        pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
        return format_decimal(float(v), format=pattern, locale=self.locale)

    def count(self, v: object) -> str:
        """A count; attributed counts are fractional (credit split across touches), and show
        one decimal then."""
        if _missing(v):
            return "–"
        whole = abs(float(v) - round(float(v))) < 1e-9
        return self.number(v, 0 if whole else 1)

    def percent(self, v: object, digits: int = 1) -> str:
        if _missing(v):
            return "–"
        pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
        return format_percent(float(v), format=pattern, locale=self.locale)

    def delta(self, v: object) -> str:
        """A relative change with its sign: +12.3% / −4.0%."""
        if _missing(v):
            return "–"
        s = self.percent(abs(float(v)))
        return ("+" if float(v) >= 0 else "−") + s

    def points(self, v: object) -> str:
        if _missing(v):
            return "–"
        s = format_decimal(abs(float(v)), format="#,##0.0", locale=self.locale)
        if round(abs(float(v)), 1) == 0:
            return s  # no sign on a change that rounds to nothing
        return ("+" if float(v) >= 0 else "−") + s

    def pp(self, v: object) -> str:
        """A change in percentage points, from a fraction: 0.021 -> +2.1 pt."""
        if _missing(v):
            return "–"
        return self.points(float(v) * 100) + " " + self.t("pt")

    def ratio(self, v: object) -> str:
        if _missing(v):
            return "–"
        return format_decimal(float(v), format="#,##0.00", locale=self.locale) + "×"

    def date(self, d: object) -> str:
        if _missing(d):
            return "–"
        if hasattr(d, "date") and not isinstance(d, dt.date):
            d = d.date()
        if isinstance(d, dt.datetime):
            d = d.date()
        return format_date(d, format="medium", locale=self.locale)

    def datetime(self, d: object) -> str:
        """A moment (an import, a sign-in), to the minute, in UTC as stored."""
        if _missing(d):
            return "–"
        if isinstance(d, pd.Timestamp):
            d = d.to_pydatetime()
        return format_datetime(d, format="medium", locale=self.locale, tzinfo=dt.UTC)

    def yes_no(self, v: object) -> str:
        return self._("yes") if v else self._("no")

    def unit(self, unit: str, v: object) -> str:
        """Format by a metric's unit: currency, count, people, percent or ratio."""
        if unit == "currency":
            return self.money(v, 2 if not _missing(v) and abs(float(v)) < 100 else 0)
        if unit == "percent":
            return self.percent(v)
        if unit == "ratio":
            return self.ratio(v)
        if unit in ("count", "people"):
            return self.count(v)
        return self.number(v, 2)

    def any(self, value: object, unit: str = "") -> str:
        """Any cell the dashboard shows: dates, moments, booleans, numbers by unit (also
        `pp` for a change of a rate given as a fraction, `points` for share points already
        in points, `relative` for a relative change), text as it is."""
        if value is None or value is pd.NaT:
            return ""
        if isinstance(value, dt.datetime | pd.Timestamp):
            if value.tzinfo is None and (value.hour, value.minute, value.second) == (0, 0, 0):
                return self.date(value)  # a date DuckDB handed over as a timestamp
            return self.datetime(value)
        if isinstance(value, dt.date):
            return self.date(value)
        if isinstance(value, bool):
            return self.yes_no(value)
        if isinstance(value, int | float):
            v = float(value)
            if math.isnan(v) or math.isinf(v):
                return ""
            if unit == "points":
                return self.points(v) + " " + self.t("pt")
            if unit == "pp":
                return self.pp(v)
            if unit == "relative":
                return self.delta(v)
            if unit in ("currency", "percent", "ratio"):
                return self.unit(unit, v)
            if isinstance(value, int) or v.is_integer():
                return self.number(v)
            return self.number(v, 2)
        if _missing(value):
            return ""
        return str(value)


def _named(value: object) -> object:
    """A platform's code in a phrase's field as its owner writes it (`tiktok` -> TikTok), also
    inside a `platform · market` cell; anything else as it is."""
    if not isinstance(value, str):
        return value
    if value in PLATFORM_NAMES:
        return PLATFORM_NAMES[value]
    if " · " in value:
        return " · ".join(PLATFORM_NAMES.get(p, p) for p in value.split(" · "))
    return value


def formatter(lang: str, currency: str) -> Formatter:
    if lang not in LANGS:
        raise UnknownName("report language", lang, list(LANGS))
    return Formatter(lang, currency)


_PHRASES: list = []  # the report's phrase book, registered by `catalogue` (which imports us)


def register_phrases(lookup) -> None:
    """`lookup(key) -> English or None`: where `Formatter.t` finds a phrase's English."""
    _PHRASES[:] = [lookup]


def english(key: str) -> str | None:
    return _PHRASES[0](key) if _PHRASES else None


def _missing(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
