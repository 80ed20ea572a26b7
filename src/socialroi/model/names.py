"""What the product's own names are called in each language: attribution models, built-in
profiles and conversion kinds. Plain data, read by insights (sentences) and by the report
and dashboard (labels); metric names live beside the metric catalogue (`model/metrics/zh.py`).
"""

MODEL_NAMES = {
    "en": {
        "last_click": "last click", "first_click": "first click",
        "last_non_direct": "last non-direct", "linear": "linear", "time_decay": "time decay",
        "position_based": "position based", "markov": "Markov chain", "shapley": "Shapley",
    },
    "zh-CN": {
        "last_click": "末次点击", "first_click": "首次点击", "last_non_direct": "末次非直接",
        "linear": "线性", "time_decay": "时间衰减", "position_based": "位置加权",
        "markov": "马尔可夫链", "shapley": "沙普利值",
    },
}  # fmt: skip
PROFILE_NAMES = {
    "zh-CN": {"dtc": "直面消费者（DTC）", "b2b": "B2B 线索与成交", "brand": "品牌建设"}
}
# The built-in profiles' descriptions (a profile file's own description is shown as written).
PROFILE_DESCRIPTIONS = {
    "zh-CN": {
        "dtc": "在线销售的品牌：收入、广告支出回报率（ROAS）、单次转化成本（CPA）、"
        "获客成本（CAC）、CLV:CAC 与投资回报率（ROI）。",
        "b2b": "合格线索、单个 SQL 成本、阶段转化率、受影响商机金额、直接来源与受影响的赢单收入，"
        "以及 90 天回溯窗口下的投资回报率（ROI）。",
        "brand": "覆盖人数、互动率、粉丝增长率、互动人群的客户终身价值（CLV）与自然媒体价值。",
    }
}
CONVERSION_KINDS = {
    "zh-CN": {
        "purchase": "购买", "signup": "注册", "lead": "线索", "mql": "MQL", "sql": "SQL",
        "opportunity": "商机", "won": "赢单",
    }
}  # fmt: skip


def model_label(name: str, lang: str) -> str:
    return MODEL_NAMES.get(lang, {}).get(name) or MODEL_NAMES["en"].get(name, name)


def kind_label(kind: str, lang: str) -> str:
    """A conversion kind (purchase, lead, sql...) in a language."""
    return CONVERSION_KINDS.get(lang, {}).get(kind, kind)


# Platforms as their owners write them (the same in every language).
PLATFORM_NAMES = {
    "tiktok": "TikTok", "instagram": "Instagram", "facebook": "Facebook", "x": "X",
    "pinterest": "Pinterest", "youtube": "YouTube", "linkedin": "LinkedIn",
}  # fmt: skip

# Channel groups (model/channel_rules.csv) and post formats (the posts table) by language.
CHANNEL_NAMES = {
    "zh-CN": {
        "Affiliates": "联盟推广", "Direct": "直接访问", "Email": "电子邮件",
        "Organic Search": "自然搜索", "Organic Social": "自然社交", "Paid Other": "其他付费",
        "Paid Search": "付费搜索", "Paid Social": "付费社交", "Referral": "引荐",
        "Unmapped": "未映射",
    },
}  # fmt: skip
FORMAT_NAMES = {
    "zh-CN": {
        "video": "视频", "image": "图片", "carousel": "轮播", "text": "文字", "story": "快拍",
        "reel": "Reels 短视频", "short": "Shorts 短视频", "live": "直播", "link": "链接",
        "other": "其他",
    },
}  # fmt: skip
PAID_WORDS = {"en": ("paid", "organic"), "zh-CN": ("付费", "自然")}


def value_label(key: str, value: str, lang: str) -> str:
    """A platform, channel, attribution unit or post format as a reader of `lang` reads it;
    anything else (brand, account and campaign names) as it is."""
    if key == "platform":
        return PLATFORM_NAMES.get(value, value)
    if key == "format":
        return FORMAT_NAMES.get(lang, {}).get(value, value)
    if key in ("channel", "unit"):
        if value in PLATFORM_NAMES:
            return PLATFORM_NAMES[value]
        head, _, tail = value.partition(" ")
        if head in PLATFORM_NAMES and tail in ("paid", "organic"):
            paid, organic = PAID_WORDS.get(lang, PAID_WORDS["en"])
            return f"{PLATFORM_NAMES[head]} {paid if tail == 'paid' else organic}"
        return CHANNEL_NAMES.get(lang, {}).get(value, value)
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
