"""The report's words and number formats per language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialroi.deliver.i18n.catalogue import MESSAGES, english, formatter
from socialroi.errors import UnknownName


def fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


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


def test_every_phrase_has_its_english():
    assert all(english(k) for k in MESSAGES)


@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_delta_sign_matches_the_value(v):
    s = formatter("en", "USD").delta(v)
    assert s[0] == ("+" if v >= 0 else "−")


def test_methodology_words_follow_the_language():
    from dataclasses import replace

    from socialroi.measure.profiles import load_profile
    from socialroi.model.metrics import metric

    en, zh = formatter("en", "USD"), formatter("zh-CN", "USD")
    roi = metric("roi")
    assert (en.metric_label(roi), en.metric_definition(roi), en.metric_formula(roi)) == (
        roi.label, roi.definition, roi.formula
    )  # fmt: skip
    assert zh.metric_label(roi) == "投资回报率（ROI）"
    assert zh.metric_definition(roi).startswith("归因回报减去真实成本")
    assert zh.metric_formula(roi) == "（归因回报 − 真实成本）/ 真实成本"
    dtc = load_profile("dtc")
    assert en.profile_description(dtc) == dtc.description
    assert zh.profile_description(dtc).startswith("在线销售的品牌")
    own = replace(dtc, description="Our own words.")
    assert zh.profile_description(own) == "Our own words."
    assert [zh.kind_label(k) for k in ("purchase", "sql", "won")] == ["购买", "SQL", "赢单"]
    assert en.kind_label("purchase") == "purchase"
    note = en.t("note_profile", profile=en.profile_label(dtc), name="dtc", description="D.")
    assert note == f"Profile: {dtc.label} (dtc). D."
