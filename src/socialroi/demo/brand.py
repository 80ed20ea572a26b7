# ruff: noqa: E501 - data tables read best one record per line
"""Voltiq: the demo's fictional brand — markets, accounts, products, platforms, channels.

Everything here is invented. Voltiq Electronics is a made-up consumer-electronics brand from
Shenzhen selling direct to consumers in eight markets and wholesale to retailers. Names of
people, companies, agencies and tools are fictional; web addresses use the reserved
`.example` domain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

START = dt.date(2025, 10, 1)
END = dt.date(2026, 9, 30)
DAYS = (END - START).days + 1
SITE = "https://www.voltiq.example"
WEB_TZ = "Asia/Shanghai"  # the GA4 property's and the Shopify store's time zone (HQ)


@dataclass(frozen=True)
class Market:
    code: str
    currency: str
    timezone: str
    language: str  # the local team's export language (en, es, zh)
    locale: str  # the storefront path prefix
    weight: float  # share of the brand's traffic
    vat: float  # consumption tax rate
    tax_included: bool  # prices include tax (everywhere but the US)


MARKETS: dict[str, Market] = {
    m.code: m
    for m in (
        Market("US", "USD", "America/New_York", "en", "en-us", 0.28, 0.0725, False),
        Market("DE", "EUR", "Europe/Berlin", "en", "de-de", 0.12, 0.19, True),
        Market("FR", "EUR", "Europe/Paris", "en", "fr-fr", 0.08, 0.20, True),
        Market("GB", "GBP", "Europe/London", "en", "en-gb", 0.10, 0.20, True),
        Market("MX", "MXN", "America/Mexico_City", "es", "es-mx", 0.12, 0.16, True),
        Market("BR", "BRL", "America/Sao_Paulo", "en", "pt-br", 0.10, 0.17, True),
        Market("SG", "SGD", "Asia/Singapore", "en", "en-sg", 0.08, 0.09, True),
        Market("TH", "THB", "Asia/Bangkok", "en", "th-th", 0.12, 0.07, True),
    )
}
HQ = Market("CN", "CNY", "Asia/Shanghai", "zh", "", 0.0, 0.0, True)  # the Shenzhen HQ team
# Approximate USD value of one unit (the generator's own rough book rates; the importer
# converts with the ECB's daily reference rates).
USD_PER = {
    "USD": 1.0, "EUR": 1.08, "GBP": 1.27, "MXN": 0.055, "BRL": 0.18, "SGD": 0.74,
    "THB": 0.028, "CNY": 0.138,
}  # fmt: skip
# Local shelf prices: round, market-typical price points per USD list price.
PRICE_STEP = {"USD": 1, "EUR": 1, "GBP": 1, "MXN": 50, "BRL": 10, "SGD": 1, "THB": 100}


@dataclass(frozen=True)
class Product:
    name: str
    slug: str
    usd: float
    weight: float


PRODUCTS = (
    Product("Voltiq PulseBuds Pro", "pulsebuds-pro", 89.0, 0.30),
    Product("Voltiq ArcCharge 65W GaN Charger", "arccharge-65w", 39.0, 0.25),
    Product("Voltiq Nimbus 20000 Power Bank", "nimbus-20000", 49.0, 0.20),
    Product("Voltiq Halo Smart Lamp", "halo-lamp", 69.0, 0.15),
    Product("Voltiq TrailCam Mini", "trailcam-mini", 129.0, 0.10),
)


@dataclass(frozen=True)
class Platform:
    name: str
    reach: float  # typical first-day impressions of a post, at scale 1
    decay: float  # day-over-day share of a post's impressions that carries on
    ctr: float  # organic link clicks per impression
    cpm: float  # USD per thousand paid impressions
    pctr: float  # paid link clicks per impression
    b_org: float  # TRUE log-odds effect on an order of having an organic visit
    b_paid: float  # TRUE log-odds effect on an order of having a paid visit
    lead_org: float  # TRUE log-odds effects on a wholesale lead
    lead_paid: float
    formats: tuple[str, ...]
    video: bool


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform("tiktok", 9000, 0.55, 0.0030, 6.0, 0.0080, 0.35, 0.55, 0.05, 0.10,
                 ("video",), True),
        Platform("instagram", 6000, 0.45, 0.0025, 8.0, 0.0090, 0.45, 0.70, 0.10, 0.15,
                 ("reel", "image", "carousel"), True),
        Platform("facebook", 3500, 0.40, 0.0040, 7.0, 0.0100, 0.20, 0.60, 0.10, 0.20,
                 ("video", "image", "link"), True),
        Platform("x", 3000, 0.30, 0.0040, 5.0, 0.0070, 0.10, 0.25, 0.15, 0.20,
                 ("text", "image", "video"), False),
        Platform("pinterest", 2500, 0.85, 0.0070, 4.0, 0.0090, 0.40, 0.45, 0.0, 0.05,
                 ("image", "video"), False),
        Platform("youtube", 7000, 0.75, 0.0015, 9.0, 0.0050, 0.55, 0.35, 0.20, 0.15,
                 ("video", "short"), True),
        Platform("linkedin", 2000, 0.50, 0.0050, 30.0, 0.0060, 0.15, 0.20, 0.90, 1.10,
                 ("text", "image", "video", "document"), False),
    )
}  # fmt: skip

# The accounts: (platform, market code or "HQ", handle, language override). The HQ accounts
# are run by the Shenzhen team in Chinese; the Mexican team exports in Spanish.
ACCOUNTS = (
    ("tiktok", "US", "voltiq.us"), ("tiktok", "GB", "voltiq.uk"), ("tiktok", "MX", "voltiq.mx"),
    ("tiktok", "TH", "voltiq.th"), ("tiktok", "BR", "voltiq.br"), ("tiktok", "HQ", "voltiq.global"),
    ("instagram", "US", "voltiq.us"), ("instagram", "DE", "voltiq.de"),
    ("instagram", "FR", "voltiq.fr"), ("instagram", "GB", "voltiq.uk"),
    ("instagram", "MX", "voltiq.mx"), ("instagram", "BR", "voltiq.br"),
    ("instagram", "SG", "voltiq.sg"),
    ("facebook", "US", "VoltiqUS"), ("facebook", "MX", "VoltiqMexico"),
    ("facebook", "BR", "VoltiqBrasil"), ("facebook", "TH", "VoltiqThailand"),
    ("x", "US", "VoltiqUS"), ("x", "GB", "VoltiqUK"), ("x", "HQ", "VoltiqGlobal"),
    ("pinterest", "US", "voltiq_us"), ("pinterest", "FR", "voltiq_fr"),
    ("pinterest", "DE", "voltiq_de"),
    ("youtube", "US", "VoltiqUS"), ("youtube", "MX", "VoltiqMX"), ("youtube", "HQ", "VoltiqOfficial"),
    ("linkedin", "US", "voltiq-americas"), ("linkedin", "GB", "voltiq-europe"),
    ("linkedin", "HQ", "voltiq-electronics"),
)  # fmt: skip
EMPLOYEE = ("linkedin", "HQ", "lin-wei-voltiq", "Lin Wei (CEO, Voltiq)")

# Non-social channels of the web traffic, with their TRUE log-odds effects on an order and on
# a wholesale lead, and their share of non-social sessions.
OTHER_CHANNELS = {
    # name: (share of other sessions, order effect, lead effect)
    "direct": (0.34, 0.80, 0.30),
    "organic_search": (0.30, 0.60, 0.50),
    "paid_search": (0.15, 0.90, 0.40),
    "email": (0.10, 1.40, 0.20),
    "referral": (0.07, 0.30, 0.60),
    "junk": (0.04, 0.0, 0.0),
}
SOCIAL_SHARE = 0.5  # of all sessions: half social (split below), half other channels
REPEAT_SHARE = 0.3  # of orders: placed by a customer who bought before (same market)
LEDGER_SESSIONS = 2_000_000  # the costs ledger's amounts are for a brand of this many sessions
PAID_SHARE_OF_SOCIAL = 0.5

# Messy UTM / referrer variants per channel: (source, medium, referrer, click id type,
# utm in the landing page?, weight). Raw values as they arrive, URL-encoding included.
# `None` medium = the link carried a source but no medium.
V = tuple[str, str | None, str | None, str | None, bool, float]
ORGANIC_VARIANTS: dict[str, tuple[V, ...]] = {
    "tiktok": (
        ("tiktok", "social", None, None, True, 3),
        ("TikTok", "Social", None, None, True, 1),
        ("vm.tiktok.com", "referral", "https://vm.tiktok.com/", None, False, 3),
        ("tiktok.com", "referral", "https://www.tiktok.com/", None, False, 2),
        ("tiktok", None, None, None, True, 1),
    ),
    "instagram": (
        ("instagram", "social", None, None, True, 3),
        ("ig", "social", None, None, True, 2),
        ("IG", "Social", None, None, True, 1),
        ("ig", None, None, None, True, 1),
        ("l.instagram.com", "referral", "https://l.instagram.com/", "fbclid", False, 4),
        ("instagram.com", "referral", "https://www.instagram.com/", None, False, 2),
    ),
    "facebook": (
        ("facebook", "social", None, None, True, 2),
        ("fb", "Social", None, None, True, 1),
        ("m.facebook.com", "referral", "https://m.facebook.com/", "fbclid", False, 3),
        ("l.facebook.com", "referral", "https://l.facebook.com/", "fbclid", False, 3),
    ),
    "x": (
        ("t.co", "referral", "https://t.co/", None, False, 5),
        ("twitter", "social", None, None, True, 2),
        ("X", "Social", None, None, True, 1),
        ("x.com", "referral", "https://x.com/", None, False, 1),
    ),
    "pinterest": (
        ("pinterest", "social", None, None, True, 2),
        ("pin.it", "referral", "https://pin.it/", None, False, 2),
        ("pinterest.com", "referral", "https://www.pinterest.com/", None, False, 3),
        ("Pinterest", None, None, None, True, 1),
    ),
    "youtube": (
        ("youtube", "social", None, None, True, 2),
        ("YouTube", "video", None, None, True, 1),
        ("youtu.be", "referral", "https://youtu.be/", None, False, 2),
        ("m.youtube.com", "referral", "https://m.youtube.com/", None, False, 2),
    ),
    "linkedin": (
        ("linkedin", "social", None, None, True, 3),
        ("LinkedIn", "Social", None, None, True, 1),
        ("lnkd.in", "referral", "https://lnkd.in/", "li_fat_id", False, 2),
        ("linkedin.com", "referral", "https://www.linkedin.com/", None, False, 2),
    ),
}
PAID_VARIANTS: dict[str, tuple[V, ...]] = {
    "tiktok": (
        ("tiktok", "paid_social", None, "ttclid", True, 4), ("TikTok", "cpc", None, "ttclid", True, 2),
        ("tiktok", "Paid%20Social", None, "ttclid", True, 1), (None, None, None, "ttclid", False, 1),
    ),
    "instagram": (
        ("ig", "paid", None, "fbclid", True, 3), ("instagram", "Paid%20Social", None, "fbclid", True, 2),
        ("IG", "cpc", None, "fbclid", True, 1), ("instagram", "paid_social", None, "fbclid", True, 2),
    ),
    "facebook": (
        ("facebook", "paid", None, "fbclid", True, 3), ("fb", "cpc", None, "fbclid", True, 2),
        ("Facebook", "Paid%20Social", None, "fbclid", True, 2),
    ),
    "x": (
        ("twitter", "cpc", None, "twclid", True, 3), ("x", "paid_social", None, "twclid", True, 2),
        (None, None, "https://t.co/", "twclid", False, 1),
    ),
    "pinterest": (
        ("pinterest", "paid_social", None, "epik", True, 3), ("Pinterest", "cpc", None, "epik", True, 1),
        (None, None, "https://pin.it/", "epik", False, 1),
    ),
    "youtube": (
        ("youtube", "cpv", None, "gclid", True, 3), ("YouTube", "video", None, "gclid", True, 2),
        ("youtube", "paid%20video", None, "gclid", True, 1),
    ),
    "linkedin": (
        ("linkedin", "paid_social", None, "li_fat_id", True, 3),
        ("LinkedIn", "sponsored", None, "li_fat_id", True, 2), (None, None, None, "li_fat_id", False, 1),
    ),
}  # fmt: skip
OTHER_VARIANTS: dict[str, tuple[V, ...]] = {
    "direct": (("(direct)", "(none)", None, None, False, 1),),
    "organic_search": (
        ("google", "organic", "https://www.google.com/", None, False, 8),
        ("bing", "organic", "https://www.bing.com/", None, False, 1),
        ("baidu", "organic", "https://www.baidu.com/", None, False, 1),
    ),
    "paid_search": (
        ("google", "cpc", None, "gclid", True, 6), ("Google", "CPC", None, "gclid", True, 1),
        (None, None, None, "gclid", False, 2),
    ),
    "email": (
        ("newsletter", "email", None, None, True, 4), ("Newsletter", "Email", None, None, True, 1),
        ("klaviyo", "e-mail", None, None, True, 2),
    ),
    "referral": (
        ("gadgetreviews.example", "referral", "https://gadgetreviews.example/best-earbuds", None,
         False, 3),
        ("techdeals.example", "referral", "https://techdeals.example/voltiq", None, False, 2),
    ),
    "junk": (
        ("{{site_source_name}}", "{{placement}}", None, None, True, 2),
        ("test", "asdf", None, None, True, 1), ("(not set)", "(not set)", None, None, False, 1),
        ("qr", "offline%20poster", None, None, True, 2),
    ),
}  # fmt: skip

FIRST_NAMES = {
    "en": ("James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Chloe",
           "Hannah", "Felix", "Léa", "Hugo", "Wei", "Priya", "Arjun", "Siti", "Kanya", "Niran"),
    "es": ("Sofía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Lucía", "Emiliano",
           "Ximena", "Leonardo"),
}  # fmt: skip
LAST_NAMES = {
    "en": ("Smith", "Müller", "Martin", "Brown", "Schmidt", "Dubois", "Taylor", "Silva",
           "Santos", "Tan", "Lim", "Wong", "Chaiyaporn", "Srisuk", "Walker", "Fischer",
           "Lefèvre", "Oliveira", "Evans", "Koch"),
    "es": ("García", "Hernández", "López", "Martínez", "González", "Pérez", "Rodríguez",
           "Sánchez", "Ramírez", "Flores"),
}  # fmt: skip
COMPANY_WORDS = (
    "Nordlicht",
    "Bluepeak",
    "Solace",
    "Marigold",
    "Tecnova",
    "Ampere",
    "Horizonte",
    "Kestrel",
    "Lumen",
    "Cobalt",
    "Siam",
    "Orchard",
    "Riverside",
    "Pixelhaus",
    "Vantage",
    "Brisa",
)
COMPANY_SUFFIX = {
    "US": "Retail Inc.", "DE": "Elektronik GmbH", "FR": "Distribution SAS", "GB": "Trading Ltd",
    "MX": "Comercial S.A. de C.V.", "BR": "Eletrônicos Ltda", "SG": "Pte. Ltd.",
    "TH": "Co., Ltd.",
}  # fmt: skip
SALES_REPS = ("Anna Kowalski", "Tom Becker", "Claire Moreau", "Oliver Grant")


def language_of(market: str) -> str:
    return HQ.language if market == "HQ" else MARKETS[market].language


def local_price(usd: float, currency: str) -> float:
    """A list price in `currency`: converted, then set to a market-typical price point."""
    step = PRICE_STEP[currency]
    raw = usd / USD_PER[currency]
    if step == 1:
        return float(round(raw) - 0.01) if currency != "EUR" else float(round(raw) - 0.05)
    return float(round(raw / step) * step - (0.1 if currency == "BRL" else 1))
