"""Every source with an API connector, plugged into its fake: the table the all-sources test
and the sync benchmark share.

`PLUGS[source](fake, size)` fills a started `FakeApi` with the source's documented records
(`size` scales them: 1 for the tests, more for `benchmarks/sync/all_sources.py`) and returns
the `socialroi connect SOURCE` arguments (token and accounts) that reach them. Every fake
holds March 2026. A new connector adds one builder here; `test_all_sources` fails until it
does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.fakes import ga4 as ga4_fake
from tests.fakes import hubspot as hs_fake
from tests.fakes import salesforce as sf_fake
from tests.fakes import shopify as shop_fake
from tests.fakes import x as x_fake
from tests.fakes.meta import FakeMeta
from tests.fakes.server import FakeApi
from tests.sync.conftest import fill as fill_ads

SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
Plug = Callable[[FakeApi, int], list[str]]


def meta(fake: FakeApi, size: int) -> list[str]:
    from tests.sources.meta.test_api_organic import IG, PAGE
    from tests.sources.meta.test_api_organic import fill as fill_organic

    m = FakeMeta(fake, page_size=25 if size == 1 else 500)
    days = [(SINCE + dt.timedelta(days=d)).isoformat() for d in range(31 if size > 1 else 10)]
    fill_ads(m, days=days, ads=6 * size)
    fill_organic(m)
    return ["--token", "good-token", "--account", "act_1234567890", "--account", f"ig:{IG}",
            "--account", f"page:{PAGE}"]  # fmt: skip


def ga4(fake: FakeApi, size: int) -> list[str]:
    g = ga4_fake.FakeGa4(fake, page_size=40 if size == 1 else 100_000)
    ga4_fake.fill(g)
    return ["--token", "ya29.good", "--account", "properties/123456789"]


def shopify(fake: FakeApi, size: int) -> list[str]:
    s = shop_fake.FakeShopify(fake, page_size=15 if size == 1 else 250)
    shop_fake.fill(s, n=40 * size, spread=1.0 / size)
    return ["--token", "shpat_good", "--account", "voltiq"]


def hubspot(fake: FakeApi, size: int) -> list[str]:
    h = hs_fake.FakeHubspot(fake)
    hs_fake.fill(h, deals=24 * size, contacts=30 * size, spread=1.0 / size)
    return ["--token", "pat-na1-good", "--account", h.portal]


def salesforce(fake: FakeApi, size: int) -> list[str]:
    s = sf_fake.FakeSalesforce(fake, page_size=8 if size == 1 else 2000)
    sf_fake.fill(s, opportunities=20 * size, leads=25 * size)
    return ["--token", "00D!good", "--account", "voltiq.my.salesforce.com"]


def x(fake: FakeApi, size: int) -> list[str]:
    f = x_fake.FakeX(fake, today=UNTIL)
    x_fake.fill(f, per_day=2 * min(size, 50))  # X serves the 3,200 newest posts at most
    return ["--token", "good-token", "--account", x_fake.USER]


PLUGS: dict[str, Plug] = {
    "meta": meta,
    "ga4": ga4,
    "shopify": shopify,
    "hubspot": hubspot,
    "salesforce": salesforce,
    "x": x,
}
