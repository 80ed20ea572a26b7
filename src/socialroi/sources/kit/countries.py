"""Country names as web analytics, shops and CRMs write them, to ISO 3166-1 alpha-2 codes.

GA4 writes `geo.country` and the `Country` dimension as names ("United States", in the UI's
language for report downloads: "Estados Unidos", "美国"); Shopify, HubSpot and Salesforce
write either a code or a name. The English names come from the tz database's `iso3166.tab`
(shipped with the `tzdata` package) plus the spellings GA4 uses; Spanish and Chinese names
cover the markets exports commonly carry. Used by the ga4, shopify, hubspot and salesforce
sources, and by the demo to write country names as GA4 does.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from socialroi.sources.base import Context
from socialroi.sources.kit.headers import norm

# code: (GA4 English name, Spanish, Simplified Chinese, other spellings...)
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "Estados Unidos", "美国", "USA", "United States of America",
           "EE. UU.", "EE.UU."),
    "GB": ("United Kingdom", "Reino Unido", "英国", "UK", "Great Britain", "Britain (UK)"),
    "DE": ("Germany", "Alemania", "德国", "Deutschland"),
    "FR": ("France", "Francia", "法国"),
    "ES": ("Spain", "España", "西班牙"),
    "IT": ("Italy", "Italia", "意大利"),
    "NL": ("Netherlands", "Países Bajos", "荷兰", "The Netherlands"),
    "BE": ("Belgium", "Bélgica", "比利时"),
    "PT": ("Portugal", "Portugal", "葡萄牙"),
    "IE": ("Ireland", "Irlanda", "爱尔兰"),
    "AT": ("Austria", "Austria", "奥地利"),
    "CH": ("Switzerland", "Suiza", "瑞士"),
    "SE": ("Sweden", "Suecia", "瑞典"),
    "NO": ("Norway", "Noruega", "挪威"),
    "DK": ("Denmark", "Dinamarca", "丹麦"),
    "FI": ("Finland", "Finlandia", "芬兰"),
    "PL": ("Poland", "Polonia", "波兰"),
    "CZ": ("Czechia", "Chequia", "捷克", "Czech Republic"),
    "GR": ("Greece", "Grecia", "希腊"),
    "TR": ("Türkiye", "Turquía", "土耳其", "Turkey"),
    "RU": ("Russia", "Rusia", "俄罗斯"),
    "UA": ("Ukraine", "Ucrania", "乌克兰"),
    "CA": ("Canada", "Canadá", "加拿大"),
    "MX": ("Mexico", "México", "墨西哥"),
    "BR": ("Brazil", "Brasil", "巴西"),
    "AR": ("Argentina", "Argentina", "阿根廷"),
    "CL": ("Chile", "Chile", "智利"),
    "CO": ("Colombia", "Colombia", "哥伦比亚"),
    "PE": ("Peru", "Perú", "秘鲁"),
    "UY": ("Uruguay", "Uruguay", "乌拉圭"),
    "EC": ("Ecuador", "Ecuador", "厄瓜多尔"),
    "VE": ("Venezuela", "Venezuela", "委内瑞拉"),
    "CR": ("Costa Rica", "Costa Rica", "哥斯达黎加"),
    "PA": ("Panama", "Panamá", "巴拿马"),
    "DO": ("Dominican Republic", "República Dominicana", "多米尼加共和国"),
    "GT": ("Guatemala", "Guatemala", "危地马拉"),
    "CN": ("China", "China", "中国", "Mainland China", "中国大陆"),
    "HK": ("Hong Kong", "Hong Kong", "香港", "中国香港", "Hong Kong SAR China"),
    "MO": ("Macao", "Macao", "澳门", "Macau"),
    "TW": ("Taiwan", "Taiwán", "台湾", "中国台湾"),
    "JP": ("Japan", "Japón", "日本"),
    "KR": ("South Korea", "Corea del Sur", "韩国", "Korea (South)", "Korea, Republic of"),
    "SG": ("Singapore", "Singapur", "新加坡"),
    "MY": ("Malaysia", "Malasia", "马来西亚"),
    "TH": ("Thailand", "Tailandia", "泰国"),
    "VN": ("Vietnam", "Vietnam", "越南", "Viet Nam"),
    "ID": ("Indonesia", "Indonesia", "印度尼西亚", "印尼"),
    "PH": ("Philippines", "Filipinas", "菲律宾"),
    "IN": ("India", "India", "印度"),
    "PK": ("Pakistan", "Pakistán", "巴基斯坦"),
    "BD": ("Bangladesh", "Bangladés", "孟加拉国"),
    "AU": ("Australia", "Australia", "澳大利亚"),
    "NZ": ("New Zealand", "Nueva Zelanda", "新西兰"),
    "AE": ("United Arab Emirates", "Emiratos Árabes Unidos", "阿拉伯联合酋长国", "阿联酋", "UAE"),
    "SA": ("Saudi Arabia", "Arabia Saudí", "沙特阿拉伯", "Arabia Saudita"),
    "IL": ("Israel", "Israel", "以色列"),
    "EG": ("Egypt", "Egipto", "埃及"),
    "ZA": ("South Africa", "Sudáfrica", "南非"),
    "NG": ("Nigeria", "Nigeria", "尼日利亚"),
    "KE": ("Kenya", "Kenia", "肯尼亚"),
    "MA": ("Morocco", "Marruecos", "摩洛哥"),
    "RO": ("Romania", "Rumanía", "罗马尼亚"),
    "HU": ("Hungary", "Hungría", "匈牙利"),
    "SK": ("Slovakia", "Eslovaquia", "斯洛伐克"),
    "BG": ("Bulgaria", "Bulgaria", "保加利亚"),
    "HR": ("Croatia", "Croacia", "克罗地亚"),
    "RS": ("Serbia", "Serbia", "塞尔维亚"),
    "LU": ("Luxembourg", "Luxemburgo", "卢森堡"),
    "IS": ("Iceland", "Islandia", "冰岛"),
    "MM": ("Myanmar (Burma)", "Myanmar (Birmania)", "缅甸", "Myanmar"),
    "CI": ("Côte d’Ivoire", "Côte d’Ivoire", "科特迪瓦", "Côte d'Ivoire", "Ivory Coast"),
    "BA": ("Bosnia & Herzegovina", "Bosnia y Herzegovina", "波斯尼亚和黑塞哥维那"),
    "TT": ("Trinidad & Tobago", "Trinidad y Tobago", "特立尼达和多巴哥"),
}  # fmt: skip

NOT_SET = {"", "(not set)", "(not provided)", "not set", "unknown", "未设置", "(sin definir)"}


@lru_cache(maxsize=1)
def iso_names() -> dict[str, str]:
    """Code -> English name from the tz database's iso3166.tab (`tzdata` is a dependency)."""
    out: dict[str, str] = {}
    text = resources.files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            code, name = line.split("\t", 1)
            out[code] = name.strip()
    return out


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in iso_names().items():
        table[norm(name)] = code
        table[norm(name.replace("&", "and"))] = code
    for code, names in COUNTRY_NAMES.items():
        for name in names:
            table[norm(name)] = code
    return table


@lru_cache(maxsize=1)
def _codes() -> set[str]:
    return set(_lookup().values()) | set(COUNTRY_NAMES)


def country_code(value: object) -> str | None:
    """`United States` / `Estados Unidos` / `美国` / `us` -> `US`; `(not set)` -> None.

    Returns None for an empty cell; raises KeyError for a name it does not know.
    """
    if value is None:
        return None
    s = str(value).strip()
    if norm(s) in NOT_SET:
        return None
    if len(s) == 2 and s.upper() in _codes():
        return s.upper()
    code = _lookup().get(norm(s))
    if code is None:
        raise KeyError(s)
    return code


def country_name(code: str | None, language: str = "en") -> str:
    """The name a GA4 report in `language` shows for an ISO code ('(not set)' for none)."""
    if not code:
        return "(not set)"
    names = COUNTRY_NAMES.get(code.upper())
    if names:
        return names[{"en": 0, "es": 1, "zh": 2}.get(language, 0)]
    return iso_names().get(code.upper(), code.upper())


def country_table() -> list[tuple[str, str]]:
    """(normalised name, code) pairs, for joining in SQL."""
    return sorted(_lookup().items())


def market_of(ctx: Context, raw: str, rn: int, column: str) -> str | None:
    """The ISO code of a country cell; an unknown name leaves the market empty, with a
    finding."""
    try:
        return country_code(raw)
    except KeyError:
        ctx.finding("unknown_country", "a country is not known; market left empty", row=rn,
                    column=column, value=raw)  # fmt: skip
        return None
