"""The dashboard in the reader's language (issue 19) and the dashboard fixes of issue 17:
Accept-Language before sign-in, the switch and the per-user setting, Chinese pages and
downloads, filter errors shown, the ledger's own currencies, the content count."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.deliver.web.test_api import PERIOD, csrf_of, login

Q = f"?period={PERIOD}"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}


def test_accept_language_decides_before_sign_in(app):
    c = login(app, None)
    zh = c.get("/login", headers=ZH)
    assert '<html lang="zh-CN">' in zh.text and "用户名" in zh.text and "User name" not in zh.text
    en = c.get("/login", headers={"Accept-Language": "de-DE, en;q=0.5"})
    assert '<html lang="en">' in en.text and "User name" in en.text
    wrong = c.post("/login", data={"username": "x", "password": "y", "csrf_token": "z"},
                   headers=ZH)  # fmt: skip
    assert "表单已过期" in wrong.text


def test_the_switch_sets_the_users_language_for_every_page(app):
    c = login(app, "viewer")
    assert "Overview" in c.get(f"/overview{Q}").text
    r = c.post("/language", data={"lang": "zh-CN", "next": f"/content{Q}",
                                  "csrf_token": csrf_of(c)})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"/content{Q}"
    page = c.get(f"/overview{Q}", headers={"Accept-Language": "en"})  # the setting wins
    assert '<html lang="zh-CN">' in page.text and "总览" in page.text
    c.cookies.clear()  # a new browser, same user: the stored setting still decides
    c2 = login(app, "viewer")
    assert "总览" in c2.get(f"/overview{Q}").text
    store = app.state.ctx.store
    assert store.find_user("viewer") and store.session  # stored in the workspace


def test_a_foreign_next_is_not_followed(app):
    c = login(app, None)
    r = c.post("/language", data={"lang": "zh-CN", "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/overview"
    assert r.cookies.get("sr_lang") == "zh-CN"


def test_filter_errors_are_shown_in_the_readers_language(app):
    c = login(app, "viewer")
    r = c.get("/overview?period=2026-Q9", headers=ZH)
    assert r.status_code == 400
    assert 'class="filters"' in r.text and "无法识别报告期 &#39;2026-Q9&#39;" in r.text
    assert 'name="period" value="2026-Q9"' in r.text  # kept, to be corrected
    r = c.get("/content?period=2025-Q1&platform=tiktk")
    assert r.status_code == 400 and "unknown platform &#39;tiktk&#39;" in r.text
    assert 'class="filters"' in r.text


def test_downloads_translate_headers_and_are_named_by_period(app):
    c = login(app, "viewer")
    r = c.get(f"/downloads/content/posts.csv{Q}", headers=ZH)
    assert r.status_code == 200
    assert f'filename="socialroi-content-posts-{PERIOD}.csv"' in r.headers["content-disposition"]
    head = r.content.decode("utf-8-sig").splitlines()[0]
    assert "帖子编号" in head and "平台" in head and "post_id" not in head
    assert "'=HYPERLINK" in r.content.decode("utf-8-sig")  # formulas neutralised
    x = c.get(f"/downloads/costs/ledger.xlsx{Q}", headers=ZH)
    assert x.status_code == 200 and "socialroi-costs-ledger-" in x.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(x.content)).active
    assert [cell.value for cell in ws[1]][:4] == ["成本编号", "开始日期", "结束日期", "类别"]


def test_the_ledger_labels_each_amount_with_its_own_currency(app):
    c = login(app, "viewer")
    page = c.get("/costs?period=2025-Q4")
    ledger = page.text.split("Ledger lines in the period")[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", ledger, re.S)
    pairs = []
    for row in rows:
        amount = re.search(r'col-amount"[^>]*>([^<]*)<', row)
        currency = re.search(r'col-currency"[^>]*>([^<]*)<', row)
        if amount and currency:
            pairs.append((amount.group(1), currency.group(1)))
    assert pairs, ledger[:500]
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "CN¥", "JPY": "¥"}
    for amount, cur in pairs:
        assert amount.startswith(symbols.get(cur, cur)) or cur in amount, (amount, cur)
    assert any(cur != "USD" for _, cur in pairs), "the fixture ledger has a non-USD line"


def test_the_content_header_counts_the_posts_of_its_table(app):
    c = login(app, "viewer")
    page = c.get("/content?period=2025-Q1")
    n = int(re.search(r"<small>(\d+) posts", page.text).group(1))
    table = page.text.split("Posts (most engaging first)")[1].split("</table>")[0]
    assert n == len(re.findall(r'<td class=" col-post_id"', table)) == 2


def test_api_errors_follow_accept_language_and_keep_their_keys(app):
    c = login(app, "viewer")
    zh = c.get("/api/v1/overview?period=2026-Q9", headers=ZH)
    en = c.get("/api/v1/overview?period=2026-Q9")
    assert zh.status_code == en.status_code == 400
    assert set(zh.json()) == set(en.json())  # a problem has the same members in every language
    assert zh.json()["code"] == en.json()["code"] == "invalid_parameter"
    assert zh.json()["errors"][0]["field"] == en.json()["errors"][0]["field"] == "period"
    assert zh.json()["detail"].startswith("无法识别报告期") and en.json()["detail"].startswith(
        "cannot read the period"
    )
    assert zh.json()["error"] == zh.json()["detail"]  # the member older clients read
    anon = login(app, None).get("/api/v1/me", headers=ZH)
    assert anon.status_code == 401 and anon.json()["detail"] == "请登录或提供 API 令牌"
    assert anon.json()["code"] == "unauthenticated"


def test_a_column_writes_all_its_numbers_alike():
    import pandas as pd

    from socialroi.deliver.i18n.catalogue import formatter
    from socialroi.deliver.web.format import cell, column_digits

    df = pd.DataFrame({"per_post": [21.0, 17.3], "posts": [3.0, 4.0], "name": ["a", "b"]})
    digits = column_digits(df)
    assert digits == {"per_post": 2, "posts": 0}
    zh = formatter("zh-CN", "EUR")
    assert cell(21.0, "per_post", fmt=zh) == "21"  # alone it would drop the decimals
    from socialroi.deliver.web.format import number

    assert number(21.0, fmt=zh, digits=digits["per_post"]) == "21.00"
    assert cell(1234.5, "amount_base", "EUR", fmt=zh) == "€1,234"


def test_a_last_good_answer_speaks_the_pages_language():
    """While newer figures are computed, the page shows the last good answer: its note and
    its insight sentences in the reader's language, not the English the API carries."""
    from socialroi.deliver.i18n.errors import translate_error
    from socialroi.deliver.web.context import Answer, _noted
    from socialroi.deliver.web.views import View

    local = {"insights": {"en": [{"text": "TikTok leads"}], "zh-CN": [{"text": "TikTok 领先"}]}}
    got = _noted(Answer(View("overview", local=local), 3, "v3", "2026-12-07T04:00:00+00:00"))
    assert got.local == local
    note = got.notes[-1]
    assert "data version v3" in note
    zh = translate_error(None, note, "zh-CN")
    assert "数据版本 v3" in zh and "2026-12-07T04:00:00+00:00" in zh
    assert not re.search(r"[A-Za-z]{4,}", zh.replace("2026-12-07T04:00:00+00:00", ""))
