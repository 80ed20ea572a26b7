"""Insights and the metric catalogue in Simplified Chinese (`lang="zh-CN"`).

The insight builders run on small hand-made ROI results, so every kind of insight is produced
in both languages without a workspace; the English sentences are pinned to what they were
before Chinese was added.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialroi.errors import UnknownName
from socialroi.measure import insights as ins
from socialroi.measure.profiles import load_profile
from socialroi.measure.roi import RoiResult
from socialroi.model import words
from socialroi.model.metrics import METRICS, metric
from socialroi.model.metrics.localized import PARTS, context, localized, localized_formula
from socialroi.model.periods import parse_period

PERIOD = parse_period("2026-Q3")
BEFORE = PERIOD.previous()
# the only Latin letters a Chinese sentence may hold: brands, acronyms, currency, period labels
ALLOWED = sorted(
    {*ins.PLATFORM_NAMES.values(), "ROI", "ROAS", "CAC", "CPA", "CLV", "AOV", "CPM", "MQL",
     "SQL", "EUR", PERIOD.label, BEFORE.label},
    key=len, reverse=True,
)  # fmt: skip


def latin_left(text: str) -> str:
    for token in ALLOWED:
        text = text.replace(token, "")
    return "".join(re.findall(r"[A-Za-z]", text))


def result(dim: str, rows: list[dict], profile: str = "dtc") -> RoiResult:
    prof = load_profile(profile)
    table = pd.DataFrame(rows)
    metrics = [metric(n) for n in prof.headline]
    return RoiResult(
        table=table,
        totals={},
        totals_prev=None,
        metrics=metrics,
        profile=prof,
        period=PERIOD,
        compare_period=BEFORE if any(k.endswith("_prev") for k in rows[0]) else None,
        model="markov",
        currency="EUR",
        by=(dim,),
        grain=None,
        measures=table,
        measure_totals={},
    )


PLATFORMS = result(
    "platform",
    [
        {"platform": "tiktok", "true_cost": 10_000.0, "revenue": 60_000.0, "posts": 10,
         "engagements": 90_000, "roas": 4.2, "roas_prev": 2.5, "roi": 1.35, "roi_prev": 1.05,
         "cpa": 31.0, "cpa_prev": 30.0},
        {"platform": "instagram", "true_cost": 50_000.0, "revenue": 40_000.0, "posts": 60,
         "engagements": 60_000, "roas": 1.1, "roas_prev": 1.2, "roi": -0.2, "roi_prev": -0.18,
         "cpa": 80.0, "cpa_prev": 50.0},
        {"platform": "linkedin", "true_cost": 40_000.0, "revenue": 20_000.0, "posts": 30,
         "engagements": 10_000, "roas": 0.9, "roas_prev": 0.9, "roi": -0.5, "roi_prev": -0.45,
         "cpa": 120.0, "cpa_prev": 118.0},
    ],
)  # fmt: skip
MARKETS = result(
    "market",
    [
        {"market": "DE", "true_cost": 20_000.0, "revenue": 70_000.0},
        {"market": "BR", "true_cost": 60_000.0, "revenue": 30_000.0},
        {"market": "SG", "true_cost": 20_000.0, "revenue": 20_000.0},
    ],
)
CREDIT = pd.DataFrame(
    {
        "unit": ["tiktok", "instagram", "google", "linkedin"],
        "last_click": [10.0, 30.0, 50.0, 10.0],
        "markov": [25.0, 30.0, 35.0, 10.0],
    }
)


def every_kind(lang: str) -> list[ins.Insight]:
    s = ins.InsightSettings()
    prof = load_profile("dtc")
    return (
        ins.budget_vs_contribution(PLATFORMS, "platform", s, lang)
        + ins.budget_vs_contribution(MARKETS, "market", s, lang)
        + ins.movers(PLATFORMS, s, lang)
        + ins.undercredited(None, PERIOD, prof, s, CREDIT, lang)
        + ins.publishing_vs_engagement(PLATFORMS, s, lang)
    )


def test_english_sentences_are_unchanged():
    got = [i.sentence for i in every_kind("en")]
    assert got == [
        "TikTok brings 50% of attributed revenue on 10% of true cost.",
        "Instagram brings only 33% of attributed revenue on 50% of true cost.",
        "LinkedIn brings only 17% of attributed revenue on 40% of true cost.",
        "DE brings 58% of attributed revenue on 20% of true cost.",
        "BR brings only 25% of attributed revenue on 60% of true cost.",
        f"TikTok ROAS up 68% against {BEFORE.label} (2.50× → 4.20×).",
        f"Instagram CPA up 60% against {BEFORE.label} (€50 → €80).",
        f"TikTok ROI up 30.0 points against {BEFORE.label} (105.0% → 135.0%).",
        "Last click under-credits TikTok: 25% of purchase conversions under the markov model, "
        "10% under last click.",
        "TikTok: 10% of posts published earn 56% of engagements (9,000 per post).",
        "Instagram: 60% of posts published earn 38% of engagements (1,000 per post).",
        "LinkedIn: 30% of posts published earn 6% of engagements (333 per post).",
    ]


def test_every_kind_speaks_chinese_with_the_same_evidence():
    en, zh = every_kind("en"), every_kind("zh-CN")
    assert {i.kind for i in zh} == {
        "budget_vs_contribution", "mover", "undercredited", "publishing_vs_engagement"
    }  # fmt: skip
    assert len(zh) == len(en)
    for e, z in zip(en, zh):
        assert (z.kind, z.evidence, z.strength) == (e.kind, e.evidence, e.strength)
        assert z.sentence != e.sentence and z.sentence.endswith("。"), z.sentence
        assert re.search(r"[\u4e00-\u9fff]", z.sentence), z.sentence
        assert latin_left(z.sentence) == "", z.sentence
        # the same figures, formatted the same way
        assert sorted(numbers(z.sentence)) == sorted(numbers(e.sentence)), (e, z)


def numbers(text: str) -> list[str]:
    return [n.rstrip(".,") for n in re.findall(r"\d[\d,.]*%?", text)]


def test_chinese_sentences_read_naturally():
    zh = {i.sentence for i in every_kind("zh-CN")}
    assert "TikTok以 10% 的真实成本带来了 50% 的归因收入。" in zh
    assert "巴西占用 60% 的真实成本，却仅带来 25% 的归因收入。" in zh
    assert f"TikTok的广告支出回报率（ROAS）较{BEFORE.label}上升 68%（2.50× → 4.20×）。" in zh
    assert f"TikTok的投资回报率（ROI）较{BEFORE.label}上升 30.0 个百分点（105.0% → 135.0%）。" in zh
    assert (
        "末次点击低估了TikTok：在马尔可夫链模型下，它获得 25% 的购买转化，而在末次点击下仅为 10%。"
        in zh
    )
    assert "LinkedIn：发布了 30% 的帖子，获得 6% 的互动（每帖 333 次）。" in zh


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(1, 1e7), st.floats(0, 1e7)), min_size=2, max_size=6).filter(
        lambda rows: sum(r[1] for r in rows) > 0
    )
)
def test_both_languages_state_the_same_shares(rows):
    names = list(ins.PLATFORM_NAMES)
    res = result(
        "platform",
        [{"platform": names[j], "true_cost": c, "revenue": r} for j, (c, r) in enumerate(rows)],
    )
    s = ins.InsightSettings()
    en = ins.budget_vs_contribution(res, "platform", s, "en")
    zh = ins.budget_vs_contribution(res, "platform", s, "zh-CN")
    assert [i.evidence for i in en] == [i.evidence for i in zh]
    for e, z in zip(en, zh):
        assert sorted(numbers(e.sentence)) == sorted(numbers(z.sentence))
        assert latin_left(z.sentence) == ""


def test_b2b_kinds_and_sqls_in_chinese():
    prof = load_profile("b2b")
    s = ins.InsightSettings()
    (z,) = ins.undercredited(None, PERIOD, prof, s, CREDIT, "zh-CN")
    assert "线索/MQL/SQL/商机/赢单转化" in z.sentence and latin_left(z.sentence) == ""
    res = result(
        "platform",
        [
            {"platform": "linkedin", "true_cost": 10.0, "sqls": 9.0},
            {"platform": "x", "true_cost": 10.0, "sqls": 1.0},
        ],
        "b2b",
    )
    zh = ins.budget_vs_contribution(res, "platform", s, "zh-CN")
    assert zh[0].sentence == "LinkedIn以 50% 的真实成本带来了 90% 的销售合格线索（SQL）。"


def test_an_unknown_language_is_refused():
    with pytest.raises(UnknownName, match="zh-CN"):
        ins.insights(None, PERIOD, lang="fr")


# -- the metric catalogue ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_has_chinese_words(name):
    m = METRICS[name]
    for part in PARTS:
        english = getattr(m, part)
        assert words.has("zh-CN", english, context(name, part)), (
            f"metric {name!r} has no Chinese {part} in model/locale/zh_CN.po (run `make i18n`)"
        )
    label, definition = localized(m, "zh-CN")
    formula = localized_formula(m, "zh-CN")
    for text in (label, definition, formula):
        assert text.strip() and re.search(r"[\u4e00-\u9fff]", text), text
    assert definition.endswith("。"), definition
    assert localized(m, "en") == (m.label, m.definition)
    assert localized_formula(m, "en") == m.formula


def test_no_translation_without_a_metric():
    named = {c.split(":")[1] for c, _ in words.entries("zh-CN") if c and c.startswith("metric:")}
    assert named <= set(METRICS)


def test_acronyms_sit_next_to_the_chinese():
    assert localized(metric("roi"), "zh-CN")[0] == "投资回报率（ROI）"
    assert localized(metric("roas"), "zh-CN")[0] == "广告支出回报率（ROAS）"
    assert localized(metric("cac"), "zh-CN")[0] == "获客成本（CAC）"
    assert localized(metric("cpa"), "zh-CN")[0] == "单次转化成本（CPA）"
    assert "客户终身价值" in localized(metric("clv"), "zh-CN")[0]


def test_a_custom_metric_keeps_its_english_words():
    from dataclasses import replace

    custom = replace(metric("roi"), name="my_roi", label="My ROI", definition="Mine.")
    assert localized(custom, "zh-CN") == ("My ROI", "Mine.")
