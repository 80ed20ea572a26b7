"""What the cells of an order mean, however its rows were read: the fields a parser looks
for, the marketing fields of an order's landing and referring site and note attributes, and
its market. `exports` reads the rows in Python lists, `columnar` in Arrow; both call these,
once per order or once per distinct value.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.model.aliases import aliases
from socialroi.sources.kit.cells import url_decode
from socialroi.sources.kit.countries import country_code

SOURCE = "shopify"
SHOP = ("shop", "shopify")  # platforms a store is registered under
TOUCH_ORIGIN = "shopify_landing"
REQUIRED = ("order_name", "created_at", "total")
CLICK_IDS = ("fbclid", "ttclid", "li_fat_id", "twclid", "epik", "gclid", "wbraid", "gbraid",
             "dclid", "msclkid")  # fmt: skip
UTM = ("source", "medium", "campaign", "content", "term")
TIKTOK_SHOP = re.compile(r"tik\s*tok", re.I)  # the Source (sales channel) of TikTok Shop orders


def _aliases() -> dict[str, list[str]]:
    return aliases(SOURCE, "orders")


def landing_fields(landing: str | None, referrer: str | None, seen: dict | None = None) -> dict:
    """Source, medium, campaign, content, term and click id from a landing URL's query
    (`seen`: the queries read so far in this file; an export repeats its landing pages)."""
    if seen is None:
        seen = {}
    if landing not in seen:
        seen[landing] = _query_fields(landing)
    out: dict = dict(zip((*UTM, "click_id_type", "click_id"), seen[landing], strict=True))
    out["referrer"] = url_decode(referrer).strip() if referrer else None
    out["landing_page"] = url_decode(landing).strip() if landing else None
    return out


def _query_fields(landing: str | None) -> tuple[str | None, ...]:
    """The UTM values, click id type and click id of a landing URL."""
    out: dict = {f: None for f in UTM}
    out.update(click_id_type=None, click_id=None)
    if landing and "?" in landing:  # no query, no fields
        try:
            query = urlsplit(landing if "://" in landing or landing.startswith("/")
                             else "/" + landing).query  # fmt: skip
        except ValueError:
            query = ""
        params: dict[str, str] = {}
        for k, v in parse_qsl(query, keep_blank_values=False):
            params.setdefault(k.lower(), v)
        for f in UTM:
            v = params.get(f"utm_{f}")
            out[f] = url_decode(v).strip() if v else None
        for c in CLICK_IDS:
            if params.get(c):
                out["click_id_type"], out["click_id"] = c, params[c]
                break
    return tuple(out.values())


def note_attributes(text: str) -> dict[str, str]:
    """`landing_site: /?utm_source=x\\nreferring_site: https://...` -> dict (lower-case keys)."""
    out: dict[str, str] = {}
    for line in re.split(r"[\r\n]+", text or ""):
        if ":" in line:
            k, v = line.split(":", 1)
            out.setdefault(k.strip().lower().replace(" ", "_"), v.strip())
    return out


_CURRENCY = re.compile(r"[A-Z]{3}")
# 2025-01-08 10:15:00 +0800, as Shopify writes Created at: read in Arrow, whole columns at once
_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2} (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d [+-](?:[01]\d|2[0-3])[0-5]\d$"


_UNKNOWN = object()


def _country(v: str):
    try:
        return country_code(v)
    except KeyError:
        return _UNKNOWN


def _marketing(notes: str, landing_site: str, referring_site: str, channel: str, *, seen: dict):
    """(`landing_fields` of an order, sold on TikTok Shop) from its note attributes, landing
    and referring site and sales channel."""
    attrs = note_attributes(notes)
    landing = landing_site or attrs.get("landing_site") or attrs.get("landing_page")
    referrer = referring_site or attrs.get("referring_site") or attrs.get("referrer")
    lf = landing_fields(landing or None, referrer or None, seen)
    for f in UTM:  # utm_* note attributes (apps write them) fill what the URL lacks
        if not lf[f] and attrs.get(f"utm_{f}"):
            lf[f] = url_decode(attrs[f"utm_{f}"]).strip()
    if TIKTOK_SHOP.search(channel) and not lf["source"]:
        # sold on TikTok Shop (the sales channel app): the sale came from TikTok itself
        lf["source"], lf["medium"] = "tiktok", "shop"
        return lf, True
    return lf, False


def _zero(text: str) -> bool:
    return bool(re.fullmatch(r"[0.,\s]*", text))


def with_offsets(created: pa.Array) -> tuple[pd.api.extensions.ExtensionArray, list] | None:
    """(UTC times, local dates) of a column of `2025-01-08 10:15:00 +0800` cells, read whole in
    Arrow; None when any cell is written otherwise or names a day that does not exist (then
    each is read by `kit.times.parse_datetime`, and refused with the row that holds it)."""
    if not len(created) or not pc.all(pc.match_substring_regex(created, _WITH_OFFSET)).as_py():
        return None
    try:
        utc = pc.strptime(created, format="%Y-%m-%d %H:%M:%S %z", unit="us")
    except pa.ArrowInvalid:
        return None
    enc = pc.utf8_slice_codeunits(created, 0, 10).dictionary_encode()
    try:  # Arrow reads a day that does not exist (2025-02-30) as a later one (2025-03-02)
        days = [dt.date.fromisoformat(v) for v in enc.dictionary.to_pylist()]
    except ValueError:
        return None
    return utc.to_pandas().array, [days[i] for i in enc.indices.to_numpy(False).tolist()]
