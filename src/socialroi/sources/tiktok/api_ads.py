"""TikTok Ads reporting as a connector (`tiktok_ads`): the Marketing API's ad x day report.

Written from TikTok's API for Business references (v1.3, business-api.tiktok.com/portal/docs):
- "Run a synchronous report", `GET /open_api/v1.3/report/integrated/get/` (doc 1740302848100353):
  `advertiser_id`, `report_type=BASIC`, `data_level=AUCTION_AD`, `dimensions=["ad_id",
  "stat_time_day"]` (then a request spans at most 30 days), `metrics` (a JSON list),
  `start_date` / `end_date` in the ad account's time zone, `filtering` (`ad_status` IN
  `STATUS_ALL`, else deleted ads and their spend are left out), `page` / `page_size` (1-1,000);
  records in `data.list[]` as `{"dimensions": {"ad_id", "stat_time_day": "2025-12-03
  00:00:00"}, "metrics": {...}}` with every figure a string, pages counted in
  `data.page_info.total_page`; at most 20,000 ads per advertiser are reported;
- "Get ad account details", `GET /open_api/v1.3/advertiser/info/`: `advertiser_ids` and
  `fields` (JSON lists); `data.list[]` with `name`, `currency` and `display_timezone` /
  `timezone` (the zone the report's days are counted in);
- Marketing API authorization, `POST /open_api/v1.3/oauth2/access_token/` (`app_id`, `secret`,
  `auth_code`): the advertiser's access token does not expire until the advertiser revokes it,
  so the connection takes it with `--token`;
- the envelope and return codes (`sources.tiktok.api_envelope`).

The records are laid out in the columns of the TikTok Ads Manager report and read by the same
code as the exported file (`kit.ads.parse_ads`): the account is `tiktok:<advertiser id>`,
campaigns, ad groups and ads keyed by their ids, days in the ad account's time zone, spend in
its currency.
"""

from __future__ import annotations

import json
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.ads import ADS_NUMBER_FIELDS, parse_ads
from socialroi.sources.kit.figures import figure
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.tiktok.api_envelope import envelope
from socialroi.sources.tiktok.exports import P

SOURCE = "tiktok_ads"
VERSION = "v1.3"
REPORT_PATH = f"/open_api/{VERSION}/report/integrated/get/"
INFO_PATH = f"/open_api/{VERSION}/advertiser/info/"
# Ads Manager column (field of the `ads` aliases) of each report metric.
METRICS = {
    "campaign_name": "campaign_name", "campaign_id": "campaign_id",
    "adgroup_name": "ad_group_name", "adgroup_id": "ad_group_id", "ad_name": "ad_name",
    "objective_type": "objective", "spend": "spend", "impressions": "impressions",
    "reach": "reach", "clicks": "link_clicks", "video_play_actions": "video_views",
    "conversion": "conversions", "total_complete_payment_rate": "conversion_value",
}  # fmt: skip
# The value of the conversions: website payments ("Total complete payment value": TikTok names
# the metric `total_complete_payment_rate`), else in-app purchases ("Total purchase value").
APP_VALUE = "total_purchase_value"
COLUMNS = ("date", "account_id", "account_name", "currency", "ad_id", *METRICS.values())
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?: 00:00:00)?$")


def _window_params(w: Window) -> dict[str, Any]:
    return {"start_date": w.since.isoformat(), "end_date": w.until.isoformat()}


def _text(ctx: Context, v: Any, i: int, key: str) -> str | None:
    if v is None or v in ("", "-"):
        return None
    if isinstance(v, dict | list | bool):
        raise ctx.fail("a field is not text", row=i, column=key, value=v)
    return str(v)


def ad_report_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    if not records:
        return {}
    info = records[0].get("_advertiser")
    if not isinstance(info, dict):
        raise TypeError("advertiser")
    ctx.options.timezone = info["timezone"]
    al = aliases(P, "ads")
    keys = list(METRICS)
    web = keys.index("total_complete_payment_rate")
    rows: list[list[Any]] = [[al[f][0] for f in COLUMNS]]
    for i, rec in enumerate(records, start=1):
        dims, mets = rec.get("dimensions"), rec.get("metrics")
        if not isinstance(dims, dict) or not isinstance(mets, dict):
            raise ctx.fail("a row has no dimensions and metrics objects", row=i,
                           expected='{"dimensions": {...}, "metrics": {...}}')  # fmt: skip
        day = dims.get("stat_time_day")
        m = _DAY.match(day) if isinstance(day, str) else None
        if m is None:
            raise ctx.fail("a row has no day", row=i, column="stat_time_day", value=day,
                           expected="2025-12-03 00:00:00")  # fmt: skip
        ad = _text(ctx, dims.get("ad_id"), i, "ad_id")
        if ad is None or not ad.isdigit():
            raise ctx.fail("a row has no ad_id", row=i, column="ad_id", value=ad)
        # figures go into the table as TikTok sent them ("14.68"): the report's parser reads
        # them as it reads the file's cells (one check, naming the record and the column)
        values = [None if (v := mets.get(k)) == "-" else v for k in keys]  # `-`: not applicable
        for k, v in zip(keys, values, strict=True):
            if isinstance(v, dict | list | bool):
                raise ctx.fail("a field is neither a number nor text", row=i, column=k, value=v)
        if not figure(ctx, values[web], i, keys[web]):
            app = mets.get(APP_VALUE)
            values[web] = None if isinstance(app, dict | list | bool) else app
        rows.append([m.group(1), account, info["name"], info["currency"], ad, *values])
    # the header is row 0, so a table row's number is its record's (errors say "record i")
    table = table_from_rows(ctx, rows, al, ["spend", "impressions"], "Marketing API report",
                            header_index=0, first_row=0,
                            number_fields=ADS_NUMBER_FIELDS)  # fmt: skip
    return parse_ads(InputFile(ctx.file.name, b""), ctx, P, al, "Marketing API report",
                     table=table)  # fmt: skip


def advertiser_info(f: Fetcher, account: str) -> dict[str, str]:
    """The ad account's name, currency and time zone (its report days are in that zone)."""
    body = f.get(
        INFO_PATH,
        {"advertiser_ids": json.dumps([account]),
         "fields": json.dumps(["advertiser_id", "name", "currency", "timezone",
                               "display_timezone"])},
        page="advertiser info",
    )  # fmt: skip
    data = body.get("data") if isinstance(body, dict) else None
    got = data.get("list") if isinstance(data, dict) else None
    one = next((a for a in got or [] if isinstance(a, dict)
                and str(a.get("advertiser_id")) == account), None)  # fmt: skip
    if one is None:
        raise SocialroiError(
            f"TikTok did not describe ad account {account}; the token may not be authorised "
            "for it (authorise the advertiser again, or check --account)"
        )
    currency = one.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise SocialroiError(f"ad account {account} has no ISO currency ({currency!r})")
    tz = None
    for key in ("display_timezone", "timezone"):
        cand = one.get(key)
        try:
            if isinstance(cand, str) and cand and ZoneInfo(cand):
                tz = cand
                break
        except (ZoneInfoNotFoundError, ValueError):
            continue
    if tz is None:
        raise SocialroiError(f"ad account {account} names no IANA time zone")
    name = one.get("name")
    return {"name": name if isinstance(name, str) else "", "currency": currency,
            "timezone": tz}  # fmt: skip


def fetch_ad_report(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    info = advertiser_info(f, account)
    params = {"advertiser_id": account, **stream.request_params(window)}
    out: list[dict] = []
    for page in f.pages(stream, stream.url_path(account), params):
        out += page
    for r in out:
        r["_advertiser"] = info
    return out


def _account(value: str) -> tuple[tuple[str, ...], str]:
    v = value.strip()
    if not re.fullmatch(r"\d{6,25}", v):
        raise SocialroiError(
            f"{value!r} is not a TikTok advertiser id; expected the ad account's numeric id "
            "(Ads Manager shows it beside the account name)"
        )
    return (), v


AD_REPORT = Stream(
    SOURCE,
    "ad_report",
    "Marketing API basic report (ad x day)",
    REPORT_PATH,
    ad_report_staged,
    params={
        "report_type": "BASIC",
        "service_type": "AUCTION",
        "data_level": "AUCTION_AD",
        "dimensions": json.dumps(["ad_id", "stat_time_day"]),
        "metrics": json.dumps([*METRICS, APP_VALUE]),
        "filtering": json.dumps(
            [
                {
                    "field_name": "ad_status",
                    "filter_type": "IN",
                    "filter_value": json.dumps(["STATUS_ALL"]),
                }
            ]
        ),
    },  # fmt: skip
    paging="page",
    records="data.list",
    page_size=("page_size", 1000),
    total_pages="data.page_info.total_page",
    lag_days=7,  # conversions are attributed up to 7 days after the click
    window_days=30,  # a daily report spans at most 30 days
    history_days=90,
    replaces={"ad_metrics": "metric_date"},
    window_params=_window_params,
    fetch=fetch_ad_report,
)

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "TikTok Ads (Marketing API reporting)",
        "https://business-api.tiktok.com",
        Auth("token", header="Access-Token", scheme=""),
        (AD_REPORT,),
        "the advertiser id (digits)",
        _account,
        api_version=VERSION,
        docs="https://business-api.tiktok.com/portal/docs?id=1740302848100353",
        envelope=envelope,
    )
)
