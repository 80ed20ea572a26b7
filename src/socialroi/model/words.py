"""The product's one catalogue of words: gettext PO files, one per language, read with Babel.

English is the source language: every text is written in English in the code (the metric
catalogue, the report's phrases, the dashboard's templates) and `model/locale/messages.pot`
lists them all (`make i18n` regenerates it). Each other language is one file beside it,
`model/locale/<ll>_<CC>.po` (`zh_CN.po`, later `es.po`, `pt_BR.po`, `id.po`): the file's name
is the language, so adding a language is adding its file (docs/i18n.md).

The PO files are read as they are, on first use, and kept in memory (a few milliseconds per
language); no compiled `.mo` is built or committed, so `make demo` and `make test` on a fresh
machine need no build step and a translation can never be stale against a compiled copy.

A text is looked up by its context (`msgctxt`: what kind of word it is, or the report's key)
and its English (`msgid`). A missing or fuzzy translation falls back to the English, and a
test lists every entry of the template that a language lacks.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
SOURCE = "en"
_lock = threading.Lock()


def tag_of(stem: str) -> str:
    """A PO file's name as a language tag: zh_CN -> zh-CN, es -> es."""
    return stem.replace("_", "-")


@cache
def languages() -> dict[str, str]:
    """Language tag -> Babel locale id: English first, then one per PO file."""
    out = {SOURCE: "en_US"}
    for po in sorted(LOCALE_DIR.glob("*.po")):
        out[tag_of(po.stem)] = str(Locale.parse(po.stem))
    return out


@cache
def _catalogue(lang: str) -> dict[tuple[str | None, str], str]:
    path = LOCALE_DIR / f"{lang.replace('-', '_')}.po"
    if lang == SOURCE or not path.exists():
        return {}
    with _lock, path.open("rb") as fh:
        cat = read_po(fh)
    out: dict[tuple[str | None, str], str] = {}
    for msg in cat:
        if msg.id and msg.string and not msg.fuzzy and isinstance(msg.id, str):
            out[(msg.context, msg.id)] = msg.string
    return out


def text(lang: str, english: str, context: str | None = None) -> str:
    """`english` in `lang` (its translation under `context`), or the English itself."""
    if lang == SOURCE or not english:
        return english
    return _catalogue(lang).get((context, english), english)


def has(lang: str, english: str, context: str | None = None) -> bool:
    """Whether `lang`'s file translates this text (English always does)."""
    return lang == SOURCE or (context, english) in _catalogue(lang)


def entries(lang: str) -> dict[tuple[str | None, str], str]:
    """Every translated (context, English) -> text of a language."""
    return dict(_catalogue(lang))


def reload() -> None:
    """Forget the files read (after `make i18n` rewrote them in this process)."""
    _catalogue.cache_clear()
    languages.cache_clear()
