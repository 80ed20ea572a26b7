"""The ads manager report every platform writes alike: campaign / ad group / ad x day.

`detect_ads` scores a header with campaign, spend and impressions columns (higher with a
column only that platform writes); `parse_ads` turns the report into `campaigns`,
`ad_metrics` and `accounts`, with spend in the currency of a Currency column, a header such
as `Cost (USD)`, `--currency` or the accounts register. TikTok, X and Pinterest use it as is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from socialroi.sources.base import Context, InputFile, account_id, prefixed
from socialroi.sources.kit.accounts import account_row, given_handle
from socialroi.sources.kit.dates import file_period
from socialroi.sources.kit.headers import header_currency, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.social import header_of
from socialroi.sources.kit.stamps import resolve_years, stamps
from socialroi.sources.kit.table import Table, read_table

_CURRENCY = re.compile(r"^[A-Z]{3}$")
ADS_NUMBER_FIELDS = (
    "spend", "impressions", "reach", "clicks", "link_clicks", "video_views", "conversions",
    "conversion_value",
)  # fmt: skip


def detect_ads(s: Sniff, aliases: dict[str, list[str]], signature: Sequence[str]) -> float:
    """An ads report: campaign, spend and impressions columns (0.6); 0.9 with a column only
    this platform writes (`signature`, e.g. TikTok's `Clicks (destination)`)."""
    for need in (
        ("campaign_name", "spend", "impressions"),
        ("campaign_id", "spend", "impressions"),
    ):
        hm = header_of(s, aliases, need)
        if hm is not None:
            heads = {header_currency(h)[0] for h in hm.header}
            return 0.9 if heads & {norm(x) for x in signature} else 0.6
    return 0.0


_LEVELS = (("campaign", "campaign_id", "campaign_name"), ("ad group", "ad_group_id",
           "ad_group_name"), ("ad", "ad_id", "ad_name"))  # fmt: skip


def refuse_lost_ids(
    ctx: Context, table: Any, what: str, levels: Sequence[tuple[str, str, str]] = _LEVELS
) -> None:
    """Rows are matched by the platform's ids; a report without ids at all (X, some Pinterest
    exports) is matched by names, the documented fallback. A report that writes ids for one
    level but lacks the id column of another it names, or leaves an id blank on a row, would
    give the same ad a second key and add its days twice: it is refused."""
    levels = [(lvl.replace("_", " "), id_f, name_f) for lvl, id_f, name_f in levels]
    with_ids = [lvl for lvl, id_f, _ in levels if table.has(id_f)]
    if not with_ids:
        return
    for lvl, id_f, name_f in levels:
        if table.has(name_f) and not table.has(id_f):
            raise ctx.fail(
                f"this {what} names each {lvl} but has no {lvl} id column, though it has "
                f"{' and '.join(with_ids)} ids",
                row=table.header_row,
                column=table.column(name_f),
                expected=f"the {lvl} id column the export writes (rows are matched by id)",
                hint="Export the report again with its id columns.",
            )
        if table.has(id_f) and table.has(name_f):
            for rn, raw_id, name in zip(table.row_numbers, table.text(id_f), table.text(name_f)):
                if name and not raw_id:
                    raise ctx.fail(
                        f"a row names a {lvl} but its id is blank",
                        row=rn,
                        column=table.column(id_f),
                        value=name,
                        expected=f"a {lvl} id on every row (rows are matched by id)",
                    )


def read_ads(file: InputFile, ctx: Context, aliases: dict[str, list[str]], what: str) -> Table:
    """The ads report's table (spend and impressions columns required)."""
    return read_table(
        file,
        ctx,
        aliases,
        ["spend", "impressions"],
        what,
        placeholders=True,
        number_fields=ADS_NUMBER_FIELDS,
    )


def parse_ads(
    file: InputFile,
    ctx: Context,
    platform: str,
    aliases: dict[str, list[str]],
    what: str,
    *,
    table: Table | None = None,
) -> dict[str, pd.DataFrame]:
    """Campaign / ad group / ad x day delivery -> campaigns, ad_metrics and accounts.
    `table`: the report's table already read (`read_ads`), e.g. the rows of one platform of
    a report that mixes several (Google Ads: YouTube and search campaigns)."""
    if table is None:
        table = read_ads(file, ctx, aliases, what)
    if not (table.has("campaign_name") or table.has("campaign_id")):
        table.hm.require(ctx, ["campaign_name"], what, table.header_row)
    n = len(table.body)
    rns = table.row_numbers
    if table.has("date"):
        days = stamps(ctx, table, "date")
        period = file_period(file, table.above)
        day_dates = resolve_years(ctx, table, "date", days, period, daily=False)
        starts, ends = day_dates, day_dates
    elif table.has("period_start"):
        starts = resolve_years(
            ctx, table, "period_start", stamps(ctx, table, "period_start"), [], daily=False
        )
        ends = (
            resolve_years(
                ctx, table, "period_end", stamps(ctx, table, "period_end"), [], daily=False
            )
            if table.has("period_end")
            else starts
        )
    else:
        period = file_period(file, table.above)
        if len(period) < 2:
            raise ctx.fail(
                "this ads report has no day column and does not state its period",
                row=table.header_row,
                expected="a report broken down by day (a Date / By Day column)",
                hint="In the ads manager, add the Day breakdown before exporting.",
            )
        starts, ends = [period[0]] * n, [period[-1]] * n

    acct_names = table.text("account_name")
    acct_ids, _ = table.ids(ctx, "account_id")
    handle = given_handle(ctx)
    first_acct = next((a for a in acct_ids if isinstance(a, str) and a), None)
    first_name = next((a for a in acct_names if a), None)
    if handle is None:
        handle = first_acct or first_name
    if handle is None:
        handle = ctx.account_handle(platform)  # raises the usual --account message
    acct = account_id(platform, handle)
    known_cur = (getattr(ctx, "account_currencies", None) or {}).get(acct)
    # currency: a Currency column, a header suffix like `Cost (USD)`, or --currency
    cur_col = table.text("currency")
    header_cur = table.hm.currencies.get("spend") or table.hm.currencies.get("conversion_value")
    fallback = (
        header_cur
        or (ctx.options.currency.upper() if ctx.options.currency else None)
        or known_cur  # the accounts register's currency for this ad account
    )
    currencies = []
    for c, rn in zip(cur_col, rns):
        c = (c or fallback or "").upper()
        if not c:
            raise ctx.fail(
                "the report does not say its currency",
                row=rn,
                column=table.column("spend"),
                expected="a Currency column or a header such as 'Cost (USD)'",
                hint="Pass --currency XXX (ISO 4217), or list the account's currency in the "
                "accounts register.",
            )
        if not _CURRENCY.match(c):
            raise ctx.fail(
                "not a currency code",
                row=rn,
                column=table.column("currency"),
                value=c,
                expected="an ISO 4217 code such as USD",
            )
        currencies.append(c)

    refuse_lost_ids(ctx, table, what)
    camp_ids, camp_bad = table.ids(ctx, "campaign_id")
    group_ids, group_bad = table.ids(ctx, "ad_group_id")
    ad_ids, ad_bad = table.ids(ctx, "ad_id")
    camp_names, group_names, ad_names = (
        table.text("campaign_name"),
        table.text("ad_group_name"),
        table.text("ad_name"),
    )
    objectives = table.text("objective")

    market = ctx.options.market.upper() if ctx.options.market else None

    # Plain lists: a Series looked up cell by cell (`.iloc`) costs more than the whole parse.
    camp_ids, group_ids, ad_ids = camp_ids.tolist(), group_ids.tolist(), ad_ids.tolist()

    def native(ids: list[Any], names: list[str | None], i: int) -> str | None:
        v = ids[i] if i < len(ids) else None
        if v is not None and not pd.isna(v):
            return str(v)
        return f"name:{names[i]}" if names[i] else None

    empty = [None] * n
    nums = {
        f: table.numbers(ctx, f, integer=False).tolist() if table.has(f) else empty
        for f in ADS_NUMBER_FIELDS
    }
    campaigns: dict[str, dict[str, Any]] = {}
    objective_spend: dict[str, dict[str, float]] = {}  # campaign -> objective -> its rows' spend
    named: dict[str, Any] = {}  # entity -> the day of the row its name comes from

    def rename(entity: str, name: Any, day: Any) -> None:
        """A campaign, ad group or ad renamed during the period keeps the name of its latest
        day (the one the platform shows today), whatever the order of its rows."""
        if name and (entity not in named or day >= named[entity]):
            campaigns[entity]["name"] = name
            named[entity] = day

    metrics = []
    unnamed: list[int] = []
    for i in range(n):
        c_native = native(camp_ids, camp_names, i)
        if c_native is None and not any(
            (group_names[i], ad_names[i], native(group_ids, group_names, i))
        ):
            unnamed.append(rns[i])  # a total row whose label column is gone
            continue
        if c_native is None:
            raise ctx.fail(
                "a row names no campaign",
                row=rns[i],
                column=table.column("campaign_name"),
                expected="a campaign name or id on every row",
            )
        if starts[i] is None:
            raise ctx.fail("a row has no date", row=rns[i], column=table.column("date"))
        c_id = prefixed(platform, f"campaign:{c_native}")
        campaigns.setdefault(
            c_id,
            {
                "campaign_id": c_id,
                "platform": platform,
                "account_id": acct,
                "level": "campaign",
                "native_id": c_native,
                "parent_id": None,
                "name": camp_names[i],
                "objective": None,  # chosen over all its rows below (`_objectives`)
                "market": market,
            },
        )
        rename(c_id, camp_names[i], starts[i])
        if objectives[i]:
            spent = nums["spend"][i]
            by_objective = objective_spend.setdefault(c_id, {})
            by_objective[objectives[i]] = by_objective.get(objectives[i], 0.0) + (
                0.0 if spent is None or pd.isna(spent) else float(spent)
            )
        g_id = a_id = None
        g_native = native(group_ids, group_names, i)
        if g_native is not None:
            g_id = prefixed(platform, f"ad_group:{g_native}")
            campaigns.setdefault(
                g_id,
                {
                    "campaign_id": g_id,
                    "platform": platform,
                    "account_id": acct,
                    "level": "ad_group",
                    "native_id": g_native,
                    "parent_id": c_id,
                    "name": group_names[i],
                    "market": market,
                },
            )
            rename(g_id, group_names[i], starts[i])
        a_native = native(ad_ids, ad_names, i)
        if a_native is not None:
            a_id = prefixed(platform, f"ad:{a_native}")
            campaigns.setdefault(
                a_id,
                {
                    "campaign_id": a_id,
                    "platform": platform,
                    "account_id": acct,
                    "level": "ad",
                    "native_id": a_native,
                    "parent_id": g_id or c_id,
                    "name": ad_names[i],
                    "market": market,
                },
            )
            rename(a_id, ad_names[i], starts[i])
        row = {
            "entity_id": a_id or g_id or c_id,
            "platform": platform,
            "account_id": acct,
            "campaign_id": c_id,
            "ad_group_id": g_id,
            "ad_id": a_id,
            "metric_date": starts[i],
            "period_end": ends[i] or starts[i],
            "market": market,
            "currency": currencies[i],
            "spend": nums["spend"][i],
            "impressions": nums["impressions"][i],
            "reach": nums["reach"][i],
            "clicks": nums["clicks"][i],
            "link_clicks": nums["link_clicks"][i],
            "video_views": nums["video_views"][i],
            "platform_conversions": nums["conversions"][i],
            "platform_conversion_value": nums["conversion_value"][i],
        }
        metrics.append(row)
    _objectives(ctx, campaigns, objective_spend)
    if unnamed:
        ctx.rows_skipped += len(unnamed)
        ctx.finding(
            "skipped_total_row",
            f"{len(unnamed)} row(s) name no campaign, ad group or ad (a total row without its "
            "label); left out so figures are not counted twice",
            row=unnamed[0],
            rows=len(unnamed),
        )
    for col in ("impressions", "reach", "clicks", "link_clicks", "video_views"):
        for r in metrics:
            v = r[col]
            r[col] = None if v is None or pd.isna(v) else round(float(v))
    for r in metrics:
        for col in ("spend", "platform_conversions", "platform_conversion_value"):
            v = r[col]
            r[col] = None if v is None or pd.isna(v) else float(v)
    ad_metrics = pd.DataFrame(metrics)
    dup = ad_metrics.duplicated(["entity_id", "metric_date", "period_end"], keep=False)
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][1])
        raise ctx.fail(
            "two rows hold the same ad and day; the report has another breakdown "
            "(placement, country, ...) socialroi cannot add up safely",
            row=rns[i],
            expected="one row per ad (or ad group, or campaign) and day",
            hint="Export without extra breakdowns.",
        )
    account = account_row(
        ctx,
        platform,
        handle,
        native_id=first_acct,
        name=first_name,
        currency=currencies[0] if currencies else None,
    )
    return {
        "accounts": pd.DataFrame([account]),
        "campaigns": pd.DataFrame(list(campaigns.values())),
        "ad_metrics": ad_metrics,
    }


def _objectives(
    ctx: Context, campaigns: dict[str, dict[str, Any]], spend: dict[str, dict[str, float]]
) -> None:
    """A campaign's objective, whatever the order of its rows: the one its rows name, or,
    when they name several (X and LinkedIn write the objective per line item), the one that
    carries the most spend, ties going to the first name in alphabetical order; a
    `campaign_objectives_differ` finding names the campaign and what each carried."""
    differ: list[str] = []
    for c_id, by in spend.items():
        chosen = min(by, key=lambda o: (-by[o], o))
        campaigns[c_id]["objective"] = chosen
        if len(by) > 1:
            each = ", ".join(f"{o} {by[o]:,.2f}" for o in sorted(by, key=lambda o: (-by[o], o)))
            differ.append(f"{campaigns[c_id]['name'] or campaigns[c_id]['native_id']}: {chosen} "
                          f"({each})")  # fmt: skip
    if differ:
        ctx.finding(
            "campaign_objectives_differ",
            f"{len(differ)} campaign(s) name more than one objective across their rows; each "
            "takes the objective carrying the most spend (ties: the first name in "
            "alphabetical order): " + "; ".join(sorted(differ)[:5]),
            value=sorted(differ)[0],
            rows=len(differ),
        )
