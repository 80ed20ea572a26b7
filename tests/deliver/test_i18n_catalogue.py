"""The one catalogue (model/locale/*.po): every text of the report and the dashboard in every
language, the same fields in each, the template current with the code; errors, Accept-Language
and the notation shared by report and dashboard."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from socialroi.deliver.i18n import extract
from socialroi.deliver.i18n.catalogue import MESSAGES, english, formatter
from socialroi.deliver.i18n.columns import header
from socialroi.deliver.i18n.errors import ERRORS, translate_error
from socialroi.deliver.web.language import match, negotiate
from socialroi.model import words

OTHERS = [lang for lang in words.languages() if lang != words.SOURCE]


def fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.fixture(scope="module")
def template():
    return extract.template()


def test_there_is_a_second_language():
    assert OTHERS == ["zh-CN"] and words.languages()["zh-CN"] == "zh_Hans_CN"


@pytest.mark.parametrize("lang", OTHERS)
def test_every_text_is_translated_with_the_same_fields(template, lang):
    missing, broken = [], []
    for msg in template:
        if not msg.id:
            continue
        if not words.has(lang, msg.id, msg.context):
            missing.append((msg.context, msg.id))
        elif fields(words.text(lang, msg.id, msg.context)) != fields(msg.id):
            broken.append((msg.context, msg.id))
    assert not missing, f"{lang} lacks {len(missing)} texts (run `make i18n`): {missing[:10]}"
    assert not broken, f"{lang} changes the {{fields}} of: {broken[:10]}"


def test_the_committed_template_is_current(template):
    with words.TEMPLATE.open("rb") as fh:
        committed = {(m.context, m.id) for m in read_po(fh) if m.id}
    now = {(m.context, m.id) for m in template if m.id}
    assert committed == now, (
        f"model/locale/messages.pot is stale (run `make i18n`): new {sorted(now - committed)[:5]}, "
        f"gone {sorted(committed - now)[:5]}"
    )


def test_no_translation_is_left_inside_the_code():
    inline = [k for k, v in MESSAGES.items() if isinstance(v, dict) and set(v) - {"en"}]
    assert not inline, f"move these into the PO files with `make i18n`: {inline}"


def test_a_new_language_is_one_file(tmp_path, monkeypatch):
    """Dropping es.po beside the others adds Spanish: a language, a locale, its words."""
    for po in words.LOCALE_DIR.glob("*"):
        (tmp_path / po.name).write_bytes(po.read_bytes())
    (tmp_path / "es.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgctxt "title"\nmsgid "Social media ROI report"\nmsgstr "Informe de ROI en redes sociales"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(words, "LOCALE_DIR", tmp_path)
    words.reload()
    try:
        assert words.languages()["es"] == "es"
        assert words.text("es", "Social media ROI report", "title").startswith("Informe")
        assert words.text("es", "Costs", "costs") == "Costs"  # untranslated: English
    finally:
        monkeypatch.undo()
        words.reload()


def test_report_words_come_from_the_catalogue():
    zh = formatter("zh-CN", "USD")
    assert zh.t("title") == "社交媒体投资回报报告" and english("title") == "Social media ROI report"
    assert str(zh.page_counter()) == '"第 " counter(page) " 页，共 " counter(pages) " 页"'
    assert zh.value("kind", "skipped_total_row") == "已剔除合计行"
    assert zh.value("table", "post_metrics") == "帖子指标"
    assert zh.value("format", "reel") == "Reels 短视频"
    assert zh.value("channel", "Paid Social") == "付费社交"
    assert zh.value("platform", "Organic Search") == "自然搜索"
    assert zh.value("category", "salaries") == "薪资" and zh.value("rule", "even") == "平均分摊"
    assert zh.value("campaign", "Summer Sale") == "Summer Sale"  # names stay as written
    sentence = zh.t("take_content", platform="instagram", per_post="164", most="x", posts="3")
    assert sentence.startswith("Instagram的每帖互动最高") and "；X发布最多" in sentence


def test_one_currency_notation_per_locale():
    en, zh = formatter("en", "USD"), formatter("zh-CN", "USD")
    assert en.money(1234.6) == "$1,235" and zh.money(1234.6) == "US$1,235"
    assert zh.currency_label() == "美元 (US$)" and en.currency_label() == "USD ($)"
    assert zh.any(0.021, "pp") == "+2.1 个百分点" and en.any(0.021, "pp") == "+2.1 pt"
    assert en.any(-0.072, "relative") == "−7.2%"


def test_headers_in_the_readers_language():
    zh, en = formatter("zh-CN", "USD"), formatter("en", "USD")
    assert header("roi", zh) == "投资回报率（ROI）" and header("roi", en) == "ROI"
    assert header("roi_prev", zh) == "投资回报率（ROI）（上期）"
    assert header("markov_shift", en) == "Markov chain vs last click"
    assert header("engagements_per_post", zh) == "每帖互动"
    assert header("US", zh) == "US"


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ("unknown platform 'tiktk' (did you mean 'tiktok'?); valid: tiktok, x",
         "未知的平台 'tiktk'（您是否想输入 'tiktok'？）；可选值：tiktok, x"),
        ("unknown attribution model 'nope'; valid: linear", "未知的归因模型 'nope'；可选值：linear"),
        ("the period '2026-09..2026-01' ends before it starts",
         "报告期 '2026-09..2026-01' 的结束日期早于开始日期"),
        ("this needs the admin role; bob is viewer", "此操作需要管理员角色；bob 当前为查看者"),
        ("something nobody wrote down", "something nobody wrote down"),
    ],
)  # fmt: skip
def test_errors_follow_the_language(detail, expected):
    assert translate_error(None, detail, "zh-CN") == expected
    assert translate_error(None, detail, "en") == detail


def test_errors_by_code_and_params():
    got = translate_error("no_batch", "no import batch 7", "zh-CN", {"batch_id": 7})
    assert got == "没有编号为 7 的导入批次"
    assert translate_error("no_batch", "no import batch 7", "zh-CN", {}) == got  # by its words
    assert set(ERRORS) >= {"unknown_name", "bad_period", "login_required"}


@pytest.mark.parametrize(
    ("header_value", "lang"),
    [("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("zh", "zh-CN"), ("zh-Hans-SG", "zh-CN"),
     ("en-GB,en;q=0.9", "en"), ("zh-TW,en;q=0.5", "en"), ("fr-FR, zh;q=0.3", "zh-CN"),
     ("de", None), ("", None), ("zh;q=0, en", "en"), ("garbage;;;q=x", None)],
)  # fmt: skip
def test_accept_language_decides(header_value, lang):
    assert negotiate(header_value) == lang


def test_a_language_tag_matches_case_and_separator_blind():
    assert match("ZH_cn") == "zh-CN" and match("en-us") == "en" and match("xx") is None


def test_every_finding_kind_the_code_writes_has_a_name():
    """A finding kind a parser, connector or the landing step writes is shown by name in the
    report and the dashboard (`values.FINDING_KINDS`), not as its code."""
    from pathlib import Path

    from socialroi.deliver.i18n.values import FINDING_KINDS

    src = Path(__file__).resolve().parents[2] / "src" / "socialroi"
    written = set()
    for path in src.rglob("*.py"):
        written |= set(re.findall(r'\.finding\(\s*"([a-z_]+)"', path.read_text("utf-8")))
    assert len(written) > 30  # the search found the calls
    assert sorted(written - FINDING_KINDS.keys()) == []
