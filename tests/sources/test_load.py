"""Every source package loads, registers reports, and covers en/es/zh headers."""

from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.sources import BROKEN, load_all
from socialroi.sources.base import REPORTS


def test_every_source_package_loads():
    load_all()
    assert BROKEN == {}


def test_every_report_has_a_title_and_unique_key():
    load_all()
    assert REPORTS
    for key, r in REPORTS.items():
        assert key == f"{r.source}/{r.name}" and r.title


def test_aliases_cover_english_spanish_and_chinese():
    load_all()
    missing = []
    for (source, report), fields in ALIASES.items():
        for field, by_lang in fields.items():
            for lang in LANGUAGES:
                if not by_lang.get(lang):
                    missing.append(f"{source}/{report}.{field}: {lang}")
    assert missing == []


def test_every_platform_has_a_report():
    load_all()
    from socialroi.sources.base import PLATFORMS

    sources = {r.source for r in REPORTS.values()}
    expected = {"meta" if p in ("instagram", "facebook") else p for p in PLATFORMS}
    expected |= {"ga4", "shopify", "hubspot", "salesforce", "ledger"}
    assert expected <= sources, expected - sources
