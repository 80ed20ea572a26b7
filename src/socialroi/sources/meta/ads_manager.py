"""Meta Ads Manager reports (Reports / the campaigns table > Export table data: CSV or XLSX).

Every export has `Reporting starts` and `Reporting ends`; a daily breakdown adds `Day` (or has
starts == ends). The currency is in the spend header (`Amount spent (EUR)`) or a `Currency`
column. A `Platform` breakdown splits delivery into facebook / instagram / messenger /
audience_network rows. With "include summary row" the export carries a total row whose
campaign / ad set / ad cells are empty: it is skipped with a finding.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, report
from socialroi.sources.kit.accounts import account_facts as known_account
from socialroi.sources.kit.ads import refuse_lost_ids
from socialroi.sources.kit.cells import SUMMARY_ROW, text, url_decode
from socialroi.sources.kit.dates import dates, slash_order
from socialroi.sources.kit.headers import HeaderMap, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table
from socialroi.sources.meta.common import (
    SOURCE,
    account_row,
    folder_handle,
    id_column,
    number_columns,
    one_id,
    platform_in_path,
    read_table,
    sniff_tables,
)

REPORT = "ads_manager"
LEVELS = (  # (level, id field, name field), most specific first
    ("ad", "ad_native_id", "ad_name"),
    ("ad_group", "ad_group_native_id", "ad_group_name"),
    ("campaign", "campaign_native_id", "campaign_name"),
)
ENTITY_FIELDS = [f for _, i, n in LEVELS for f in (i, n)]
COUNTS = ("impressions", "reach", "clicks", "link_clicks", "video_views")
ADDITIVE = (
    "spend", "impressions", "clicks", "link_clicks", "video_views", "platform_conversions",
    "platform_conversion_value",
)  # fmt: skip
AMOUNTS = ("spend", "purchases", "results", "conversion_value")
PLATFORMS = {
    "facebook": "facebook", "instagram": "instagram", "messenger": "facebook",
    "audience_network": "facebook", "audience network": "facebook", "whatsapp": "facebook",
    "threads": "instagram", "oculus": "facebook",
}  # fmt: skip
# A result indicator that counts purchases or leads is a conversion the platform claims.
_CONVERSION = re.compile(
    r"purchase|lead|complete_registration|conversion|subscribe|start_trial|compra|购物|潜在客户",
    re.I,
)


def _detect(s: Sniff) -> float:
    """`Reporting starts/ends` and `Ad set` are Meta's own words: 0.95 with the spend column."""
    al = aliases(SOURCE, REPORT)
    for rows in sniff_tables(s):
        for row in rows[:15]:
            hm = HeaderMap(row, al)
            if "spend" not in hm:
                continue
            entity = any(f in hm for f in ENTITY_FIELDS)
            meta_words = ("reporting_starts" in hm and "reporting_ends" in hm) or any(
                f in hm for f in ("ad_group_name", "ad_group_native_id")
            )
            if meta_words and entity:
                return 0.95
            if meta_words:
                return 0.7
            if entity and ("day" in hm or hm.currencies.get("spend")):
                return 0.55
    return 0.0


def _summary(t: Table, r: list[Any]) -> str | None:
    """With "include summary row" the export sums the others in a row naming no entity."""
    present = [f for f in ENTITY_FIELDS if f in t.hm]
    return SUMMARY_ROW if present and all(t.cell(r, f) is None for f in present) else None


def _currency(ctx: Context, t: Table, r: list[Any], rn: int, aid: str) -> str:
    cur = t.hm.currencies.get("spend") or text(t.cell(r, "currency"))
    cur = cur or known_account(ctx, aid).get("currency") or ctx.options.currency
    if not cur:
        raise ctx.fail(
            "the report does not say its currency",
            row=rn,
            column=t.column("spend"),
            expected="a currency in the spend header, e.g. Amount spent (EUR), or a Currency "
            "column",
            hint="Pass --currency XXX (ISO 4217), or add the Currency column to the export.",
        )
    cur = cur.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", cur):
        raise ctx.fail(
            "not a currency code",
            row=rn,
            column=t.column("currency") if "currency" in t.hm else t.column("spend"),
            value=cur,
            expected="an ISO 4217 code such as USD",
        )
    return cur


def _platform(ctx: Context, t: Table, r: list[Any], rn: int, default: str) -> str:
    raw = text(t.cell(r, "platform"))
    if raw is None:
        return default
    p = PLATFORMS.get(norm(raw).replace("-", "_"))
    if p is None:
        raise ctx.fail(
            "unknown platform in the Platform breakdown",
            row=rn,
            column=t.column("platform"),
            value=raw,
            expected="facebook, instagram, messenger or audience_network",
        )
    return p


def _utm_campaign(raw: Any) -> str | None:
    s = text(raw)
    if not s:
        return None
    q = parse_qs(s.lstrip("?"), keep_blank_values=False)
    vals = q.get("utm_campaign")
    return url_decode(vals[0]) if vals else None


@report(SOURCE, REPORT, "Meta Ads Manager report (campaigns, ad sets, ads)", detect=_detect)
def parse(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    t = read_table(
        file, ctx, REPORT, ["spend"], "Ads Manager report", prefer_sheets=["Raw Data Report"],
        summary=_summary,
    )  # fmt: skip
    return from_table(file, ctx, t)


def from_table(file: InputFile, ctx: Context, t: Table) -> dict[str, pd.DataFrame]:
    """The staged rows of an Ads Manager table: the file's, or the Marketing API's insights
    laid out in the report's columns (`meta.api`), so both mean the same."""
    if not any(f in t.hm for f in ENTITY_FIELDS):
        raise ctx.fail(
            "this Ads Manager report has no campaign, ad set or ad column",
            row=t.header_row,
            expected="Campaign name / Ad set name / Ad name (or their ID columns)",
            hint="Export the report at campaign, ad set or ad level.",
        )
    refuse_lost_ids(ctx, t, "Ads Manager report", LEVELS)
    if "day" not in t.hm and not ("reporting_starts" in t.hm and "reporting_ends" in t.hm):
        t.hm.require(
            ctx, ["reporting_starts", "reporting_ends"], "Ads Manager report", t.header_row
        )
    rows = t.body
    if not rows:
        raise ctx.fail(
            "the report has a header but no rows",
            row=t.header_row + 1,
            expected="one row per campaign, ad set or ad",
        )
    rns = [rn for rn, _ in rows]

    # Dates: a Day column (daily breakdown), else the reporting period of each row.
    date_fields = [f for f in ("day", "reporting_starts", "reporting_ends") if f in t.hm]
    raw_all = [v for f in date_fields for v in t.values(f, rows)]
    order = slash_order(raw_all, t.language)
    parsed = {f: dates(ctx, t.values(f, rows), rns, t.column(f), order=order) for f in date_fields}
    # plain lists: the row loops below index them once per row (a Series' .iloc costs more
    # than the row's other work)
    starts = list(parsed.get("day", parsed.get("reporting_starts")))
    ends = list(parsed.get("day", parsed.get("reporting_ends")))
    for i, rn in enumerate(rns):
        if starts[i] is None or ends[i] is None:
            f = "day" if "day" in parsed else "reporting_starts"
            raise ctx.fail("a row has no date", row=rn, column=t.column(f))
        if ends[i] < starts[i]:
            raise ctx.fail(
                "the reporting period ends before it starts",
                row=rn,
                column=t.column("reporting_ends"),
                value=ends[i],
                expected=f"a date on or after {starts[i]}",
            )

    # Entities: ids when the export has them, else names (with a finding).
    native: dict[str, list[str | None]] = {}
    by_name: set[str] = set()
    for level, id_f, name_f in LEVELS:
        if id_f in t.hm:
            vals, _flags = id_column(ctx, t.values(id_f, rows), rns, t.column(id_f))
            native[level] = [None if pd.isna(v) else v for v in vals]
        elif name_f in t.hm:
            native[level] = [text(v) for v in t.values(name_f, rows)]
            by_name.add(level)
            ctx.finding(
                "ids_from_names",
                f"the report has no {t.column(name_f).replace('name', 'ID')} column; "
                f"{level.replace('_', ' ')}s are keyed by name, so a renamed one starts a new "
                "history. Add the ID columns to the export",
                column=t.column(name_f),
                rows=len(rows),
            )

    native = _name_paths(native, by_name)

    default_platform = platform_in_path(file) or "facebook"
    if "platform" not in t.hm:
        ctx.finding(
            "no_platform_breakdown",
            f"the report has no Platform breakdown; all delivery is counted as {default_platform}"
            ". Export with Breakdown > By delivery > Platform to split Facebook and Instagram",
            rows=len(rows),
        )
    given = folder_handle(ctx)
    nums = {f: list(v) for f, v in number_columns(ctx, t, COUNTS, rows).items()}
    amounts = {f: list(v) for f, v in number_columns(ctx, t, AMOUNTS, rows, integer=False).items()}
    conv_by_result = "purchases" not in amounts and "results" in amounts

    facts: list[dict[str, Any]] = []
    campaigns: dict[str, dict[str, Any]] = {}
    accounts: dict[str, dict[str, Any]] = {}
    for i, (rn, r) in enumerate(rows):
        platform = _platform(ctx, t, r, rn, default_platform)
        act = one_id(t.cell(r, "account_native_id"))
        act = act[4:] if act and act.lower().startswith("act_") else act
        if given:
            aid = account_id(platform, given)
            accounts.setdefault(aid, account_row(ctx, aid, platform, given))
        elif act or text(t.cell(r, "account_name")):
            handle = f"act_{act}" if act else text(t.cell(r, "account_name"))
            aid = account_id(platform, handle)
            accounts.setdefault(
                aid,
                account_row(
                    ctx,
                    aid,
                    platform,
                    handle,
                    native_id=act,
                    name=text(t.cell(r, "account_name")),
                    kind="ads",
                ),
            )
        else:
            aid = account_id(platform, ctx.account_handle("Meta ads"))
        currency = _currency(ctx, t, r, rn, aid)
        if act and aid in accounts and accounts[aid].get("kind") == "ads":
            accounts[aid]["currency"] = currency
        market = ctx.options.market or known_account(ctx, aid).get("market") or None
        market = market.upper() if market else None

        ids_here: dict[str, str | None] = {}
        parent = None
        for level, _id_f, name_f in reversed(LEVELS):  # campaign, ad_group, ad
            nid = native.get(level, [None] * len(rows))[i]
            if nid is None:
                ids_here[level] = None
                continue
            cid = f"{platform}:{level}:{nid}"
            ids_here[level] = cid
            entry = campaigns.setdefault(
                cid,
                {
                    "campaign_id": cid,
                    "platform": platform,
                    "account_id": aid,
                    "level": level,
                    "native_id": nid,
                    "parent_id": parent,
                    "name": text(t.cell(r, name_f)),
                    "objective": text(t.cell(r, "objective")) if level == "campaign" else None,
                    "market": market,
                    "utm_campaign": None,
                },
            )
            utm = _utm_campaign(t.cell(r, "url_parameters"))
            if utm and entry["utm_campaign"] is None:
                entry["utm_campaign"] = utm
            parent = cid
        entity = ids_here.get("ad") or ids_here.get("ad_group") or ids_here.get("campaign")
        if entity is None:
            raise ctx.fail(
                "a row names no campaign, ad set or ad",
                row=rn,
                expected="a campaign, ad set or ad name or ID",
            )
        conv = amounts["purchases"][i] if "purchases" in amounts else None
        if conv_by_result:
            indicator = text(t.cell(r, "result_indicator")) or ""
            if _CONVERSION.search(indicator):
                conv = amounts["results"][i]
        fact: dict[str, Any] = {
            "entity_id": entity,
            "platform": platform,
            "account_id": aid,
            "campaign_id": ids_here.get("campaign"),
            "ad_group_id": ids_here.get("ad_group"),
            "ad_id": ids_here.get("ad"),
            "metric_date": starts[i],
            "period_end": ends[i],
            "market": market,
            "currency": currency,
            "spend": amounts["spend"][i],
            "platform_conversions": conv,
            "platform_conversion_value": amounts["conversion_value"][i]
            if "conversion_value" in amounts
            else None,
            "_row": rn,
        }
        for f, s in nums.items():
            fact[f] = s[i]
        facts.append(fact)

    # Campaign-level utm: the ads' common value, when they agree.
    for cid, c in campaigns.items():
        if c["level"] != "campaign" or c["utm_campaign"]:
            continue
        found = {x["utm_campaign"] for x in campaigns.values() if x["utm_campaign"] and
                 _root(campaigns, x["campaign_id"]) == cid}  # fmt: skip
        if len(found) == 1:
            c["utm_campaign"] = found.pop()

    frame = _combine(ctx, pd.DataFrame(facts))
    return {
        "accounts": pd.DataFrame(list(accounts.values())),
        "campaigns": pd.DataFrame(list(campaigns.values())),
        "ad_metrics": frame,
    }


def _name_paths(
    native: dict[str, list[str | None]], by_name: set[str]
) -> dict[str, list[str | None]]:
    """Without ID columns an ad set or ad is keyed by its name under its parents' keys
    (`Campaign / Ad set / Ad`): Meta lets same-named ads live in different ad sets and
    campaigns ("Video A" in each), and keying by the ad name alone merged their spend."""
    out: dict[str, list[str | None]] = {}
    parent: list[str | None] | None = None
    for level, _id_f, _name_f in reversed(LEVELS):  # campaign, ad_group, ad
        vals = native.get(level)
        if vals is None:
            continue
        if level in by_name and parent is not None:
            vals = [f"{p} / {v}" if p is not None and v is not None else v
                    for p, v in zip(parent, vals, strict=True)]  # fmt: skip
        out[level] = vals
        parent = vals
    return out


def _root(campaigns: dict[str, dict[str, Any]], cid: str) -> str:
    seen = 0
    while campaigns.get(cid, {}).get("parent_id") and seen < 5:
        cid = campaigns[cid]["parent_id"]
        seen += 1
    return cid


def _combine(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    """Rows of one entity, platform and period (other breakdowns: age, placement) summed."""
    key = ["entity_id", "metric_date", "period_end"]
    dup = df.duplicated(key, keep=False)
    if not dup.any():
        return df.drop(columns="_row")
    if (df[dup].groupby(key)["currency"].nunique() > 1).any():
        first = int(df[dup]["_row"].iloc[0])
        raise ctx.fail(
            "one ad reports in two currencies for the same period",
            row=first,
            column="currency",
        )
    ctx.finding(
        "breakdown_summed",
        f"{int(dup.sum())} rows split one ad's period by a breakdown other than Platform; "
        "they were summed (reach is not additive, so it is left empty for those rows)",
        row=int(df[dup]["_row"].iloc[0]),
        rows=int(dup.sum()),
    )
    additive = [c for c in ADDITIVE if c in df]
    first_cols = [c for c in df.columns if c not in additive + key + ["_row", "reach"]]
    agg: dict[str, Any] = {c: "first" for c in first_cols}
    agg.update({c: (lambda s: s.sum(min_count=1)) for c in additive})
    if "reach" in df:
        agg["reach"] = lambda s: s.iloc[0] if len(s) == 1 else pd.NA
    out = df.groupby(key, sort=False, as_index=False, dropna=False).agg(agg)
    return out
