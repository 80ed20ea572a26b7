"""The report's words and number formats per language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialroi.errors import UnknownName
from socialroi.report.i18n import LANGS, MESSAGES, formatter


def fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_in_every_language_with_the_same_fields(key):
    entry = MESSAGES[key]
    for lang in LANGS:
        assert lang in entry, (key, lang)
        assert fields(entry[lang]) == fields(entry["en"]), (key, lang)


def test_numbers_money_and_dates_per_language():
    en, zh = formatter("en", "USD"), formatter("zh-CN", "USD")
    assert en.money(1234567.8) == "$1,234,568"
    assert zh.money(1234567.8) == "US$1,234,568"
    assert en.percent(0.1234) == "12.3%" and zh.percent(0.1234) == "12.3%"
    assert en.date(dt.date(2026, 9, 30)) == "Sep 30, 2026"
    assert zh.date(dt.date(2026, 9, 30)) == "2026年9月30日"
    assert formatter("en", "EUR").money(5) == "€5"
    assert en.delta(-0.05) == "−5.0%" and en.delta(0.5) == "+50.0%"
    assert en.money(None) == "–" and en.percent(float("nan")) == "–"
    assert zh.t("title") == "社交媒体投资回报报告"
    assert zh.model_label("markov") == "马尔可夫链" and en.model_label("markov") == "Markov chain"


def test_unknown_language_lists_the_valid_ones():
    with pytest.raises(UnknownName, match="zh-CN"):
        formatter("fr", "USD")


@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_delta_sign_matches_the_value(v):
    s = formatter("en", "USD").delta(v)
    assert s[0] == ("+" if v >= 0 else "−")
