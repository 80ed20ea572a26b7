"""What the product's own names are called: attribution models, conversion kinds, channel
groups, post formats and platforms. English here; other languages in the one catalogue
(`model/words.py`, `model/locale/*.po`), read by insights, the report and the dashboard.
"""

from __future__ import annotations

from socialroi.model import words

# English names; every other language reads them from the catalogue (model/locale/*.po),
# under the context given here.
MODEL_NAMES = {
    "en": {
        "last_click": "last click", "first_click": "first click",
        "last_non_direct": "last non-direct", "linear": "linear", "time_decay": "time decay",
        "position_based": "position based", "markov": "Markov chain", "shapley": "Shapley",
    },
}  # fmt: skip
CONVERSION_KINDS = ("purchase", "signup", "lead", "mql", "sql", "opportunity", "won")
# Channel groups (model/channel_rules.csv) and post formats (the posts table).
CHANNEL_GROUPS = (
    "Affiliates", "Direct", "Email", "Organic Search", "Organic Social", "Paid Other",
    "Paid Search", "Paid Social", "Referral", "Unmapped",
)  # fmt: skip
POST_FORMATS = (
    "video", "image", "carousel", "text", "story", "reel", "short", "live", "link", "other",
)  # fmt: skip
PAID_WORDS = ("paid", "organic")
# The catalogue's contexts for these names.
CONTEXTS = {
    "model": "attribution model", "kind": "conversion kind", "channel": "channel",
    "format": "post format", "paid": "paid or organic", "profile": "profile name",
    "profile_description": "profile description",
}  # fmt: skip


def model_label(name: str, lang: str) -> str:
    """An attribution model's name in a language."""
    return words.text(lang, MODEL_NAMES["en"].get(name, name), CONTEXTS["model"])


def kind_label(kind: str, lang: str) -> str:
    """A conversion kind (purchase, lead, sql...) in a language."""
    return words.text(lang, kind, CONTEXTS["kind"])


# Platforms as their owners write them (the same in every language).
PLATFORM_NAMES = {
    "tiktok": "TikTok", "instagram": "Instagram", "facebook": "Facebook", "x": "X",
    "pinterest": "Pinterest", "youtube": "YouTube", "linkedin": "LinkedIn",
}  # fmt: skip


def value_label(key: str, value: str, lang: str) -> str:
    """A platform, channel, attribution unit or post format as a reader of `lang` reads it;
    anything else (brand, account and campaign names) as it is."""
    if key == "platform":
        return PLATFORM_NAMES.get(value, value)
    if key == "format":
        return words.text(lang, value, CONTEXTS["format"])
    if key in ("channel", "unit"):
        if value in PLATFORM_NAMES:
            return PLATFORM_NAMES[value]
        head, _, tail = value.partition(" ")
        if head in PLATFORM_NAMES and tail in PAID_WORDS:
            return f"{PLATFORM_NAMES[head]} {words.text(lang, tail, CONTEXTS['paid'])}"
        return words.text(lang, value, CONTEXTS["channel"])
    return value


# Friendly names people type for platforms and markets.
PLATFORM_ALIASES = {
    "meta": ("facebook", "instagram"), "fb": ("facebook",), "ig": ("instagram",),
    "twitter": ("x",), "yt": ("youtube",),
}  # fmt: skip
MARKET_ALIASES = {"UK": "GB", "EL": "GR"}  # the UK's and Greece's common non-ISO codes


def platforms_named(names) -> tuple[str, ...]:
    """Platforms with aliases expanded (`meta` is facebook and instagram), in order, once."""
    out: list[str] = []
    for n in names or ():
        for p in PLATFORM_ALIASES.get(str(n).strip().lower(), (str(n).strip().lower(),)):
            if p not in out:
                out.append(p)
    return tuple(out)


def markets_named(names) -> tuple[str, ...]:
    """Market codes upper-cased with aliases resolved (`UK` is GB), in order, once."""
    out: list[str] = []
    for n in names or ():
        code = str(n).strip().upper()
        code = MARKET_ALIASES.get(code, code)
        if code not in out:
            out.append(code)
    return tuple(out)
