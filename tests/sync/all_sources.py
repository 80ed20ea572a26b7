"""Every source with an API connector, plugged into its fake: the table the all-sources test
and the sync benchmark share.

`PLUGS[source](fake, size)` fills a started `FakeApi` with the source's documented records
(`size` scales them: 1 for the tests, more for `benchmarks/sync/all_sources.py`) and returns
the `socialroi connect SOURCE` arguments (token and accounts) that reach them, and the source's
fake (the benchmark writes the same records as the file exports from it). Every fake
holds March 2026. A new connector adds one builder here; `test_all_sources` fails until it
does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.fakes import ga4 as ga4_fake
from tests.fakes import google_ads as gads_fake
from tests.fakes import hubspot as hs_fake
from tests.fakes import linkedin as li_fake
from tests.fakes import pinterest as pin_fake
from tests.fakes import salesforce as sf_fake
from tests.fakes import shopify as shop_fake
from tests.fakes import tiktok as tt_fake
from tests.fakes import x as x_fake
from tests.fakes import youtube as yt_fake
from tests.fakes.meta import FakeMeta
from tests.fakes.server import FakeApi
from tests.sync.conftest import fill as fill_ads

SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
# What a source reads from the environment rather than from its grant (the test and the
# benchmark set it): Google Ads wants the developer token of the app's manager account.
ENV = {"SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN": "dev-token-1"}
LI_DAYS = [(SINCE + dt.timedelta(days=d)).isoformat() for d in range(10)]
LI_ORG, LI_ADS, LI_PERSON = "2414183", "507404993", "yrZCpj2Z12"
Plug = Callable[[FakeApi, int], tuple[list[str], Any]]


def meta(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    from tests.sources.meta.test_api_organic import IG, PAGE
    from tests.sources.meta.test_api_organic import fill as fill_organic

    m = FakeMeta(fake, page_size=25 if size == 1 else 500)
    days = [(SINCE + dt.timedelta(days=d)).isoformat() for d in range(31 if size > 1 else 10)]
    fill_ads(m, days=days, ads=6 * size)
    fill_organic(m)
    m.polls_before_done = 0  # an async report job (windows over 31 days) is done at once
    return ["--token", "good-token", "--account", "act_1234567890", "--account", f"ig:{IG}",
            "--account", f"page:{PAGE}"], m  # fmt: skip


def ga4(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    g = ga4_fake.FakeGa4(fake, page_size=40 if size == 1 else 100_000)
    ga4_fake.fill(g)
    return ["--token", "ya29.good", "--account", "properties/123456789"], g


def shopify(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    s = shop_fake.FakeShopify(fake, page_size=15 if size == 1 else 250)
    shop_fake.fill(s, n=40 * size, spread=1.0 / size)
    s.polls_before_done = 0  # a bulk operation (windows over 31 days) is done at once
    return ["--token", "shpat_good", "--account", "voltiq"], s


def hubspot(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    h = hs_fake.FakeHubspot(fake)
    hs_fake.fill(h, deals=24 * size, contacts=30 * size, spread=1.0 / size)
    return ["--token", "pat-na1-good", "--account", h.portal], h


def salesforce(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    s = sf_fake.FakeSalesforce(fake, page_size=8 if size == 1 else 2000)
    sf_fake.fill(s, opportunities=20 * size, leads=25 * size)
    s.polls_before_done = 0  # a Bulk API 2.0 job (windows over 31 days) is done at once
    return ["--token", "00D!good", "--account", "voltiq.my.salesforce.com"], s


def x(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    f = x_fake.FakeX(fake, today=UNTIL)
    x_fake.fill(f, per_day=2 * min(size, 50))  # X serves the 3,200 newest posts at most
    return ["--token", "good-token", "--account", x_fake.USER], f


def youtube(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    y = yt_fake.FakeYouTube(fake, page_size=2 if size == 1 else 50)
    yt_fake.fill(y, videos=0 if size == 1 else 20 * size)
    return ["--token", "ya29.good", "--account", yt_fake.HANDLE], y


def tiktok(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    t = tt_fake.FakeTikTok(fake)
    tt_fake.fill(t)
    return ["--token", "good-token", "--account", tt_fake.BUSINESS], t


def tiktok_ads(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    t = tt_fake.FakeTikTok(fake)
    tt_fake.fill(t)
    return ["--token", "good-token", "--account", tt_fake.ADVERTISER], t


def google_ads(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    g = gads_fake.FakeGoogleAds(fake, batch_size=7 if size == 1 else 10_000)
    gads_fake.fill(g)
    return ["--token", "ya29.good", "--account", "123-456-7890"], g


def pinterest(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    p = pin_fake.FakePinterest(fake, page_size=3 if size == 1 else 250)
    pin_fake.fill(p)
    return ["--token", "pina_good", "--account", "ads:549755885175", "--account",
            "@voltiq_us"], p  # fmt: skip


def _linkedin(fake: FakeApi) -> Any:
    li = li_fake.FakeLinkedIn(fake, page_size=100)
    li_fake.fill(li, LI_DAYS, LI_ORG, LI_ADS, LI_PERSON)
    li.members["good-token"] = LI_PERSON
    return li


def linkedin(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    return ["--token", "good-token", "--account", f"org:{LI_ORG}", "--account",
            f"ads:{LI_ADS}"], _linkedin(fake)  # fmt: skip


def linkedin_members(fake: FakeApi, size: int) -> tuple[list[str], Any]:
    return ["--token", "good-token", "--account", f"member:{LI_PERSON}"], _linkedin(fake)


PLUGS: dict[str, Plug] = {
    "meta": meta,
    "ga4": ga4,
    "shopify": shopify,
    "hubspot": hubspot,
    "salesforce": salesforce,
    "x": x,
    "youtube": youtube,
    "tiktok": tiktok,
    "tiktok_ads": tiktok_ads,
    "google_ads": google_ads,
    "pinterest": pinterest,
    "linkedin": linkedin,
    "linkedin_members": linkedin_members,
}
