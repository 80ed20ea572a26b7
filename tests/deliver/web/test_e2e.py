"""End to end: the real app served on a loopback port, driven by headless Chromium (Debian's
`chromium` through Playwright; `make test` installs it). Signs in, filters, switches the
attribution model, uploads an export, downloads a report, opens a share link as an anonymous
visitor, and checks that a caption containing `<script>` shows as text and never runs."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

CHROMIUM = os.environ.get("SOCIALROI_CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"no Chromium at {CHROMIUM}: `make system-deps` installs Debian's chromium",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import datetime as dt

    import uvicorn

    from socialroi import Workspace
    from socialroi.deliver.web.app import create_app
    from socialroi.store.web import WebStore
    from tests.deliver.web.test_api import EVIL, PASSWORDS, insert  # the same hostile workspace

    tmp = tmp_path_factory.mktemp("e2e")
    path = tmp / "ws.duckdb"
    ws = Workspace.open(path)
    ws.import_files([FIXTURES / "ledger", FIXTURES / "shopify"])
    from socialroi.measure.costs.allocate import upsert_cost

    upsert_cost(ws, {"period_start": "2025-01-01", "period_end": "2025-03-31",
                     "category": "salaries", "amount": 3000.0, "currency": "USD",
                     "platform": "tiktok", "allocation": "direct"}, actor="test")  # fmt: skip
    insert(ws, "accounts", [dict(account_id="tiktok:evil", platform="tiktok", handle="evil",
                                 market="US", currency="USD", timezone="UTC", kind="brand")])  # fmt: skip
    insert(ws, "posts", [dict(post_id="tiktok:1", platform="tiktok", account_id="tiktok:evil",
                              native_id="1", published_at=dt.datetime(2025, 1, 5, tzinfo=dt.UTC),
                              local_date=dt.date(2025, 1, 5), format="video", caption=EVIL)])  # fmt: skip
    store = WebStore(ws)
    for role, pw in PASSWORDS.items():
        store.add_user(role, pw, role)
    fake, saved_env = _connected_to_a_fake_meta(ws, tmp)
    ws.close()
    app = create_app(path, reports_dir=tmp / "reports")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", tmp
    srv.should_exit = True
    thread.join(10)
    app.state.ctx.ws.close()
    fake.__exit__(None, None, None)
    for k, v in saved_env.items():
        os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _connected_to_a_fake_meta(ws, tmp):
    """A Meta connection whose grant lapses in five days, its API a local fake (the Graph
    API's documented shapes, tests/fakes/meta.py) with the last three days of insights."""
    import datetime as dt

    from socialroi.sync import connect as connecting
    from socialroi.sync.credentials import Grant
    from tests.fakes.meta import FakeMeta
    from tests.fakes.server import FakeApi
    from tests.sync.conftest import fill

    fake = FakeApi().__enter__()
    meta = FakeMeta(fake, page_size=25)
    today = dt.datetime.now(dt.UTC).date()
    fill(meta, days=[str(today - dt.timedelta(days=d)) for d in (3, 2, 1)])
    keys = ("SOCIALROI_META_API_BASE", "SOCIALROI_CONFIG_DIR")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["SOCIALROI_META_API_BASE"] = fake.base_url
    os.environ["SOCIALROI_CONFIG_DIR"] = str(tmp / "config")
    now = dt.datetime.now(dt.UTC)
    grant = Grant("good-token", "refresh-token", now + dt.timedelta(hours=2),
                  refresh_expires_at=now + dt.timedelta(days=5))  # fmt: skip
    connecting.save(ws, "meta", grant, ["act_1234567890"])
    return fake, saved


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def signed_in(browser, base: str, role: str = "analyst"):
    from tests.deliver.web.test_api import PASSWORDS

    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{base}/overview?period=2025-Q1")
    assert "/login" in page.url
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORDS[role])
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/overview?period=2025-Q1")
    return ctx, page


def test_sign_in_filter_and_switch_attribution_model(server, browser):
    base, _ = server
    ctx, page = signed_in(browser, base)
    # filter: one market; the choice lands in the URL, so the view can be bookmarked
    page.click("summary:has-text('Markets')")
    page.check("input[name=market][value=US]")
    page.click("form.filters button:has-text('Apply')")
    page.wait_for_url("**market=US**")
    assert "period=2025-Q1" in page.url
    # attribution: switch model; the URL and the heading follow
    page.click("nav.pages a:has-text('Attribution')")
    page.wait_for_url("**/attribution?**")
    assert "market=US" in page.url  # filters carry over between pages
    page.select_option("#attr-model", "linear")
    page.click("form.inline button:has-text('Show')")
    page.wait_for_url("**model=linear**")
    assert "linear" in page.inner_text("h1")
    ctx.close()


def test_upload_an_export(server, browser):
    base, _ = server
    ctx, page = signed_in(browser, base)
    page.goto(f"{base}/data?period=2025-Q1")
    src = FIXTURES / "tiktok" / "@voltiq.us" / "Content_2025-01-01_2025-01-31.csv"
    page.set_input_files("input[name=files]", str(src))
    page.fill("section.upload input[name=account]", "@voltiq.us")
    page.fill("section.upload input[name=market]", "US")
    page.click("button:has-text('Import')")
    page.wait_for_selector("ul.results li")
    assert "tiktok" in page.inner_text("ul.results") and "batch" in page.inner_text("ul.results")
    ctx.close()


def test_download_a_report_and_a_csv(server, browser):
    base, tmp = server
    ctx, page = signed_in(browser, base)
    page.goto(f"{base}/reports?period=2025-Q1")
    page.click("button:has-text('Build the report')")
    page.wait_for_selector("ul.downloads a")
    with page.expect_download() as got:
        page.click("ul.downloads a:has-text('HTML')")
    saved = tmp / "report.html"
    got.value.save_as(saved)
    assert saved.stat().st_size > 500 and "<html" in saved.read_text(errors="ignore").lower()
    page.goto(f"{base}/content?period=2025-Q1")
    with page.expect_download() as got:
        page.click("a.csv >> nth=0")
    csv_file = tmp / "table.csv"
    got.value.save_as(csv_file)
    assert csv_file.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Platform")
    assert got.value.suggested_filename.endswith("-2025-Q1.csv")  # named by period
    ctx.close()


def test_share_link_opens_for_an_anonymous_visitor(server, browser):
    base, _ = server
    ctx, page = signed_in(browser, base)
    page.goto(f"{base}/costs?period=2025-Q1")
    page.click("summary:has-text('Share read-only link')")
    page.click("button:has-text('Create link')")
    url = page.input_value("input.share-url")
    ctx.close()
    anon = browser.new_context()
    visitor = anon.new_page()
    visitor.set_default_timeout(180_000)
    visitor.goto(url)
    assert "Shared read-only view" in visitor.inner_text("header")
    assert "Costs" in visitor.inner_text("h1")
    # nothing to change, no other pages: the language switch is the only form
    assert visitor.locator("form:not(.lang-switch)").count() == 0
    visitor.goto(f"{base}/costs?period=2025-Q1")
    assert "/login" in visitor.url
    anon.close()


def test_script_in_a_caption_shows_as_text(server, browser):
    base, _ = server
    ctx, page = signed_in(browser, base, "viewer")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/content?period=2025-Q1")
    cell = page.locator("td", has_text='<script>alert("x")</script>')
    assert cell.count() == 1
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('main script').length") == 0
    ctx.close()


# Words that may stay in Latin letters on a Chinese page: brands, acronyms, formats, units.
LATIN_OK = set(
    [
        "TikTok",
        "Instagram",
        "Facebook",
        "Pinterest",
        "YouTube",
        "LinkedIn",
        "Shopify",
        "HubSpot",
        "Salesforce",
        "Meta",
        "GA4",
        "ROI",
        "ROAS",
        "CPA",
        "CAC",
        "CLV",
        "AOV",
        "MQL",
        "SQL",
        "CPM",
        "CPC",
        "CTR",
        "UTM",
        "CSV",
        "PDF",
        "HTML",
        "XLSX",
        "Excel",
        "API",
        "DTC",
        "B2B",
        "CRM",
        "TOML",
        "YAML",
        "socialroi",
        "Reels",
        "Shorts",
        "GLM",
    ]
)
PAGES = ("overview", "explore", "attribution", "content", "costs", "clv", "data", "campaigns",
         "experiments", "reports", "profiles", "connections", "admin")  # fmt: skip
VISIBLE_TEXT = """() => { const out = []; const w = document.createTreeWalker(document.body,
  NodeFilter.SHOW_TEXT); while (w.nextNode()) { const n = w.currentNode;
  if (n.parentElement.closest('[translate=no],script,style,code,pre,datalist,option,select'))
    continue; out.push(n.textContent); } return out.join(' '); }"""


def english_words(text: str) -> set[str]:
    import re

    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return {w for w in words - LATIN_OK if not (w.isupper() and len(w) == 3)}  # currency codes


def test_every_page_in_chinese_and_the_switch_back(server, browser):
    """Accept-Language zh-CN: every page is Chinese outside names (brands, accounts, captions,
    files: marked translate=no), money carries the locale's symbol, never a code after it; the
    switch turns the same pages English and is remembered."""
    import re

    from tests.deliver.web.test_api import PASSWORDS

    base, tmp = server
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{base}/overview?period=2025-Q1")
    assert page.get_attribute("html", "lang") == "zh-CN" and "登录" in page.inner_text("h1")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORDS["admin"])
    page.click("form[action='/login'] button")
    page.wait_for_url("**/overview?period=2025-Q1")
    for name in PAGES:
        page.goto(f"{base}/{name}?period=2025-Q1")
        assert page.get_attribute("html", "lang") == "zh-CN", name
        text = page.evaluate(VISIBLE_TEXT)
        assert not english_words(text), (name, sorted(english_words(text)))
        assert not re.search(r"\d (USD|EUR|GBP|CNY)\b", text), name
    page.goto(f"{base}/overview?period=2025-Q1")
    page.screenshot(path=str(tmp / "overview-zh-CN.png"), full_page=True)
    page.click("form.lang-switch button[value=en]")
    page.wait_for_url("**/overview?period=2025-Q1")
    assert page.get_attribute("html", "lang") == "en" and "Overview" in page.inner_text("h1")
    page.goto(f"{base}/costs?period=2025-Q1")  # remembered on the next page
    assert "Costs" in page.inner_text("h1")
    page.click("form.lang-switch button[value=zh-CN]")  # back, for the other tests' sake
    page.wait_for_url("**/costs?period=2025-Q1")
    assert "成本" in page.inner_text("h1")
    ctx.close()


def test_connections_page_flags_a_lapsing_grant_and_an_admin_syncs(server, browser):
    """The admin sees the connection with its lapse flagged, starts a sync, watches its
    progress and sees the rows it brought; an analyst sees the page without the buttons.
    Last in the module: the sync changes the data the pages above are checked on."""
    base, tmp = server
    ctx, page = signed_in(browser, base, "analyst")
    page.click("nav.pages a:has-text('Connections')")
    page.wait_for_url("**/connections")
    assert "act_1234567890" in page.inner_text("table.connections")
    assert page.locator("tr.lapsing .badge").count() == 1
    assert page.locator("form[action='/connections/sync']").count() == 0
    ctx.close()
    ctx, page = signed_in(browser, base, "admin")  # in Chinese: the test above chose it
    page.goto(f"{base}/connections")
    page.screenshot(path=str(tmp / "connections.png"), full_page=True)
    last_good = "table.connections tbody tr td:nth-child(3)"
    before = page.inner_text(last_good)
    page.click("tr:has-text('act_1234567890') form[action='/connections/sync'] button")
    page.wait_for_selector("#sync-progress p.note")  # polled until the sync is done
    assert "36" in page.inner_text("#sync-progress")  # 36 new rows
    page.goto(f"{base}/connections")
    assert page.inner_text("table.connections tbody tr td.num") == "36"
    assert page.inner_text(last_good) != before  # "never" became a time
    page.screenshot(path=str(tmp / "connections-synced.png"), full_page=True)
    ctx.close()
