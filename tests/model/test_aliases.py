"""The header alias registry covers English, Spanish and Simplified Chinese for every field of
every source's reports, and no header name means two fields of one report."""

import pytest

from socialroi.model.aliases import ALIASES, LANGUAGES, aliases
from socialroi.sources import load_all

load_all()


def test_every_source_registers_aliases():
    sources = {s for s, _ in ALIASES}
    assert {"tiktok", "meta", "x", "pinterest", "youtube", "linkedin", "ga4"} <= sources


@pytest.mark.parametrize("key", sorted(ALIASES), ids=lambda k: "/".join(k))
def test_every_field_in_every_language(key):
    missing = [
        f"{field}: {lang}"
        for field, by_lang in ALIASES[key].items()
        for lang in LANGUAGES
        if not by_lang.get(lang)
    ]
    assert not missing, f"{'/'.join(key)} lacks header names for " + ", ".join(missing)


@pytest.mark.parametrize("key", sorted(ALIASES), ids=lambda k: "/".join(k))
def test_a_header_names_one_field(key):
    seen: dict[str, str] = {}
    clashes = []
    for field, names in aliases(*key).items():
        for name in {n.casefold() for n in names}:
            if name in seen and seen[name] != field:
                clashes.append(f"{name!r}: {seen[name]} and {field}")
            seen.setdefault(name, field)
    assert not clashes, clashes
