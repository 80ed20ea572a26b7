"""X Ads as a connector (`x_ads`): the Ads API's promoted-post x day delivery and spend.

Written from X's Ads API references (developer.x.com / docs.x.com "x-ads-api", version 12,
read through the `search` tool):
- "Analytics" (x-ads-api/analytics): synchronous `GET /12/stats/accounts/:account_id` with
  `entity` (`PROMOTED_TWEET`), `entity_ids` (at most 20), `granularity=DAY`, `metric_groups`
  (`ENGAGEMENT,BILLING`), `placement=ALL_ON_TWITTER`, `start_time` / `end_time` (whole hours;
  with DAY granularity, midnight in the ad account's time zone); at most 7 days per request,
  user-level limit 250 requests / 15 minutes; the answer `{"data_type": "stats",
  "time_series_length": n, "data": [{"id", "id_data": [{"segment": null, "metrics":
  {"impressions": [n values] or null, "clicks", "url_clicks", "engagements",
  "billed_charge_local_micro", ...}}]}]}`;
  `billed_charge_local_micro` is the spend in millionths of the account's currency;
- "Campaign management" overview: billing metrics may not be final until three days after
  the event (they only go down: spam and low-quality traffic are taken out), so the last 7
  days are re-read on every sync; the account object (`name`, `timezone`, ...);
- "Promoted Tweets" (`GET /12/accounts/:id/promoted_tweets`: `id`, `line_item_id`,
  `tweet_id`; `count` up to 1,000, `cursor` / `next_cursor`, `with_deleted`), "Line Items"
  (`id`, `name`, `campaign_id`, `objective`) and "Campaigns" (`id`, `name`) alike;
  "Funding Instruments" (`currency`: the account object names no currency);
- "Authentication": the Ads API takes OAuth 1.0a user-context signatures only (HMAC-SHA1,
  RFC 5849; `sync.oauth1`), from a developer app approved for Ads API access.

The records are laid out in the columns of the X Ads Manager report and read by the same code
as that file (`kit.ads.parse_ads`): the account is `x:<ads account id>`, campaigns, ad groups
(line items) and ads (promoted posts) keyed by their ids, days in the account's time zone,
spend in its currency.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.ads import ADS_NUMBER_FIELDS, parse_ads
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.x.exports import P

SOURCE = "x_ads"
VERSION = "12"
MAX_IDS = 20  # entity_ids per stats request
WHAT = "X Ads API stats"
# Ads Manager column (field of the `ads` aliases) of each stats metric.
METRICS = {"impressions": "impressions", "clicks": "clicks", "url_clicks": "link_clicks"}
COLUMNS = ("date", "account_id", "account_name", "currency", "campaign_id", "campaign_name",
           "objective", "ad_group_id", "ad_group_name", "ad_id", "spend",
           *METRICS.values())  # fmt: skip
_ID = re.compile(r"[0-9a-z]{1,24}")
# The account and its entity lists, read once per fetcher (one sync of one account).
_READ: weakref.WeakKeyDictionary[Any, tuple] = weakref.WeakKeyDictionary()


def _account(value: str) -> tuple[tuple[str, ...], str]:
    v = value.strip()
    if _ID.fullmatch(v):
        return ("ad_stats",), v
    raise SocialroiError(
        f"{value!r} is not an X Ads account id; expected the ads account's id as X Ads "
        "Manager shows it in its address (letters and digits, e.g. 18ce54d4x5t)"
    )


def _listed(f: Fetcher, stream: Stream, account: str, what: str) -> dict[str, dict]:
    """Every object of an entity list (deleted ones too: their spend happened), by id."""
    out: dict[str, dict] = {}
    path = f"/{VERSION}/accounts/{account}/{what}"
    for page in f.pages(stream, path, {"with_deleted": "true"}):
        for rec in page:
            if not isinstance(rec.get("id"), str) or not _ID.fullmatch(rec["id"]):
                raise SocialroiError(f"the {what} list has an object without a valid id")
            out[rec["id"]] = rec
    return out


def account_info(f: Fetcher, stream: Stream, account: str) -> dict[str, str]:
    """The ads account's name, time zone (its days) and currency (of its funding)."""
    body = f.get(f"/{VERSION}/accounts/{account}", page="account")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or data.get("id") != account:
        raise SocialroiError(f"X did not describe ads account {account}")
    tz = data.get("timezone")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise SocialroiError(f"ads account {account} has no known time zone ({tz!r})") from None
    funding = _listed(f, stream, account, "funding_instruments")
    currencies = {r.get("currency") for r in funding.values()}
    if len(currencies) != 1 or not re.fullmatch(r"[A-Z]{3}", str(next(iter(currencies)))):
        raise SocialroiError(
            f"the funding instruments of ads account {account} name no single ISO currency"
        )
    return {"name": str(data.get("name") or account), "timezone": str(tz),
            "currency": str(currencies.pop())}  # fmt: skip


def _bounds(w: Window, tz: str) -> dict[str, str]:
    """Midnight to midnight in the account's zone, as UTC times (whole hours)."""
    zone = ZoneInfo(tz)

    def utc(day: dt.date) -> str:
        at = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")

    return {"start_time": utc(w.since), "end_time": utc(w.until + dt.timedelta(days=1))}


def fetch_stats(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    """One record per promoted post and day with delivery, each knowing its line item and
    campaign; the first carries the account's name, zone and currency."""
    if f not in _READ:  # once per sync of the account, not per 7-day window
        _READ[f] = (account_info(f, stream, account),
                    *(_listed(f, stream, account, w)
                      for w in ("promoted_tweets", "line_items", "campaigns")))  # fmt: skip
    info, ads, items, campaigns = _READ[f]
    ids = sorted(ads)
    out: list[dict] = []
    for n, start in enumerate(range(0, len(ids), MAX_IDS), start=1):
        batch = ids[start : start + MAX_IDS]
        params = {**stream.params, "entity_ids": ",".join(batch),
                  **_bounds(window, info["timezone"])}  # fmt: skip
        body = f.get(stream.url_path(account), params, page=f"stats {n}")
        f.pages_read += 1
        data = body.get("data") if isinstance(body, dict) else None
        size = body.get("time_series_length") if isinstance(body, dict) else None
        if not isinstance(data, list) or size != window.days:
            raise SocialroiError(f"stats {n} has no 'data' list of {window.days} days")
        for ent in data:
            out += _days(ent, batch, size, window, ads, items, campaigns, f"stats {n}")
    if out:
        out[0] = {**out[0], "_account": info}
    return out


def _days(ent: Any, batch: list[str], size: int, window: Window, ads: dict, items: dict,
          campaigns: dict, page: str) -> list[dict]:  # fmt: skip
    if not isinstance(ent, dict) or ent.get("id") not in batch:
        raise SocialroiError(f"{page} names an entity it was not asked for")
    ad = ads[ent["id"]]
    item = items.get(str(ad.get("line_item_id")))
    if item is None:
        raise SocialroiError(f"{page}: promoted post {ent['id']} has no known line item")
    camp = campaigns.get(str(item.get("campaign_id")), {})
    rows = ent.get("id_data")
    if not isinstance(rows, list) or len(rows) != 1 or not isinstance(rows[0], dict):
        raise SocialroiError(f"{page}: entity {ent['id']} has no single 'id_data' entry")
    metrics = rows[0].get("metrics")
    if not isinstance(metrics, dict):
        raise SocialroiError(f"{page}: entity {ent['id']} has no 'metrics' object")
    keys = ["billed_charge_local_micro", *METRICS]
    series = {}
    for k in keys:
        got = metrics.get(k)
        if got is not None and (not isinstance(got, list) or len(got) != size):
            raise SocialroiError(f"{page}: {k} of entity {ent['id']} is not {size} values")
        series[k] = got or [None] * size
    out = []
    for d in range(size):
        values = {k: series[k][d] for k in keys}
        if all(v in (None, 0) for v in values.values()):
            continue  # no delivery that day: the report has no row either
        out.append({"day": (window.since + dt.timedelta(days=d)).isoformat(),
                    "ad_id": ent["id"], "ad_group_id": item["id"],
                    "ad_group_name": item.get("name"), "objective": item.get("objective"),
                    "campaign_id": item.get("campaign_id"), "campaign_name": camp.get("name"),
                    **values})  # fmt: skip
    return out


def _spend(ctx: Context, micros: Any, i: int) -> str | None:
    """Micros of the currency as an exact decimal ("12.5"), checked like a file's cell."""
    if micros is None:
        return None
    if isinstance(micros, bool) or not isinstance(micros, int) or micros < 0:
        raise ctx.fail("a spend is not a whole number of micros", row=i,
                       column="billed_charge_local_micro", value=micros,
                       expected="a whole number >= 0")  # fmt: skip
    return format(Decimal(micros) / Decimal(1_000_000), "f")


def stats_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    if not records:
        return {}
    info = records[0].get("_account")
    if not isinstance(info, dict):
        raise TypeError("account")
    ctx.options.timezone = info["timezone"]
    al = aliases(P, "ads")
    rows: list[list[Any]] = [[al[f][0] for f in COLUMNS]]
    for i, r in enumerate(records, start=1):
        for k in ("campaign_name", "ad_group_name", "objective", *METRICS):
            if isinstance(r.get(k), dict | list | bool):
                raise ctx.fail("a field is neither a number nor text", row=i, column=k,
                               value=r.get(k))  # fmt: skip
        rows.append([r["day"], account, info["name"], info["currency"], r["campaign_id"],
                     r["campaign_name"], r["objective"], r["ad_group_id"], r["ad_group_name"],
                     r["ad_id"], _spend(ctx, r["billed_charge_local_micro"], i),
                     *(r[k] for k in METRICS)])  # fmt: skip
    # the header is row 0, so a table row's number is its record's (errors say "record i")
    table = table_from_rows(ctx, rows, al, ["spend", "impressions"], WHAT, header_index=0,
                            first_row=0, number_fields=ADS_NUMBER_FIELDS)  # fmt: skip
    return parse_ads(InputFile(ctx.file.name, b""), ctx, P, al, WHAT, table=table)


STATS = Stream(
    SOURCE, "ad_stats", "Ads API stats (promoted post x day: impressions, clicks, spend)",
    f"/{VERSION}/stats/accounts/{{account}}", stats_staged,
    params={"entity": "PROMOTED_TWEET", "granularity": "DAY",
            "metric_groups": "ENGAGEMENT,BILLING", "placement": "ALL_ON_TWITTER"},
    # the entity lists (promoted_tweets, line_items, campaigns, funding_instruments)
    paging="token", records="data", page_size=("count", 1000),
    next_token="next_cursor", token_param="cursor",  # noqa: S106 - a name
    lag_days=7, window_days=7, history_days=90,
    replaces={"ad_metrics": "metric_date"}, fetch=fetch_stats,
)  # fmt: skip

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "X Ads (Ads API: promoted posts' delivery and spend)",
        "https://ads-api.x.com",
        Auth("oauth1"),
        (STATS,),
        "the X Ads account id (letters and digits, as in X Ads Manager's address)",
        _account,
        api_version=VERSION,
        docs="https://docs.x.com/x-ads-api/analytics",
    )
)
