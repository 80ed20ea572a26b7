"""Pinterest API v5 as a connector: Pins and their analytics, the profile's daily analytics, and
ad analytics.

Written from Pinterest's OpenAPI description v5 (github.com/pinterest/api-description,
`v5/openapi.yaml`, release 5.23) and the reference at developers.pinterest.com/docs/api/v5:
- `GET /v5/user_account` (`Account`: `username`, `account_type`);
- `GET /v5/pins` (`pins/list`): `{"items": [Pin], "bookmark"}`, `page_size` up to 250, the
  next page asked with `bookmark`; a Pin has `id`, `created_at` (UTC), `title`,
  `description`, `link` (the destination, not the Pin) and `media.media_type` (`image`,
  `video`, `multiple_images`, `multiple_videos`, `multiple_mixed`);
- `GET /v5/pins/{pin_id}/analytics` (`pins/analytics`): `start_date`, `end_date` (UTC days, at
  most 90 days back and 90 days long), `metric_types` (IMPRESSION, PIN_CLICK, OUTBOUND_CLICK,
  SAVE; VIDEO_MRC_VIEW for video Pins) -> `{"all": {"daily_metrics", "summary_metrics",
  "lifetime_metrics"}}`;
- `GET /v5/user_account/analytics`: the same dates, `metric_types` (IMPRESSION, ENGAGEMENT,
  PIN_CLICK, OUTBOUND_CLICK, SAVE) -> `{"all": {"daily_metrics": [{"date", "data_status",
  "metrics"}], "summary_metrics"}}`; days whose `data_status` is a `BEFORE_...` reason have no
  figures;
- `GET /v5/ad_accounts/{id}` (`AdAccount`: `name`, `currency`); `GET /v5/ad_accounts/{id}/ads`
  (`ads/list`, bookmark paging); `GET /v5/ad_accounts/{id}/ads/analytics` (`ads/analytics`):
  `ad_ids` (up to 250 a call), `start_date`, `end_date` (at most 90 days back),
  `granularity=DAY`, `columns` -> a JSON array of `{"AD_ID", "DATE", <column>: value}`; money
  columns `_IN_MICRO_DOLLAR` are millionths of the ad account's currency; a column with no
  value may be left out;
- OAuth (`/v5/oauth/token`, `security: basic`): the app authenticates with an HTTP Basic
  header; access tokens last 30 days, continuous refresh tokens 60 days and come back renewed
  with every refresh (`refresh_token_expires_in`); scopes `user_accounts:read`, `pins:read`,
  `boards:read`, `ads:read`; errors are `{"code", "message"}`, 429 when rate limited.

Each stream lays its records out as the columns of the matching export and reads them with
that export's parser (`exports.pins_from_table`, `overview_from_table`, kit `parse_ads`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.ads import parse_ads
from socialroi.sources.kit.cells import api_text
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.pinterest import exports

P = exports.P
VERSION = "v5"
KEEPS_DAYS = 90  # analytics reach back 90 days, 90 days at a time
AD_IDS_PER_CALL = 250
_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,30})$")
_ADS = re.compile(r"^ads:(\d{1,20})$")
PIN_METRICS = ("IMPRESSION", "PIN_CLICK", "OUTBOUND_CLICK", "SAVE")
VIDEO_METRICS = (*PIN_METRICS, "VIDEO_MRC_VIEW")
ACCOUNT_METRICS = ("IMPRESSION", "ENGAGEMENT", "PIN_CLICK", "OUTBOUND_CLICK", "SAVE")
# Ads Manager export field -> ad analytics column (paid figures, as the export's "Paid ...")
AD_COLUMNS = {
    "spend": "SPEND_IN_MICRO_DOLLAR", "impressions": "PAID_IMPRESSION",
    "clicks": "CLICKTHROUGH_1", "link_clicks": "OUTBOUND_CLICK_1",
    "video_views": "VIDEO_MRC_VIEWS_1", "conversions": "TOTAL_CONVERSIONS",
    "conversion_value": "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
}  # fmt: skip
AD_NAMES = ("CAMPAIGN_ID", "CAMPAIGN_NAME", "CAMPAIGN_OBJECTIVE_TYPE", "AD_GROUP_ID",
            "AD_GROUP_NAME", "AD_ID", "AD_NAME")  # fmt: skip
MEDIA_FORMATS = {"image": "image", "video": "video", "multiple_images": "carousel",
                 "multiple_videos": "carousel", "multiple_mixed": "carousel"}  # fmt: skip


def _days(w: Window) -> dict[str, str]:
    return {"start_date": w.since.isoformat(), "end_date": w.until.isoformat()}


def _check_profile(f: Fetcher, handle: str) -> None:
    """The token's profile must be the account named: its figures land under that handle."""
    me = f.get(f"/{VERSION}/user_account", {}, page="user account")
    name = me.get("username") if isinstance(me, dict) else None
    if not isinstance(name, str) or name.lower() != handle.lower():
        raise SocialroiError(
            f"the token belongs to the Pinterest profile @{name}, not @{handle}; connect with "
            f"--account @{name} or with a token of @{handle}"
        )


def _number(ctx: Context, v: Any, i: int, field: str, *, scale: float = 1.0) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ctx.fail("a metric is not a number", row=i, column=field, value=v)
    if v != v or v in (float("inf"), float("-inf")) or v < 0:
        raise ctx.fail("a metric is not a finite, non-negative number", row=i, column=field,
                       value=v)  # fmt: skip
    return v / scale


def _day(ctx: Context, v: Any, i: int, field: str) -> str:
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        raise ctx.fail("a row has no YYYY-MM-DD day", row=i, column=field, value=v)
    return v


# -- Pins --------------------------------------------------------------------------------------


def fetch_pins(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict[str, Any]]:
    """Every Pin of the profile, each with its figures over the 90 days up to the window's
    end (the longest range Pinterest gives: the Top Pins export of that range)."""
    _check_profile(f, account)
    period = Window(window.until - dt.timedelta(days=KEEPS_DAYS - 1), window.until)
    out: list[dict[str, Any]] = [{"period": [period.since.isoformat(), period.until.isoformat()]}]
    for page in f.pages(stream, f"/{VERSION}/pins", dict(stream.params)):
        for pin in page:
            pid = pin.get("id")
            if not isinstance(pid, str) or not pid.isdigit():
                raise SocialroiError(f"a Pin has no numeric id ({str(pid)[:40]!r})")
            video = (pin.get("media") or {}).get("media_type") == "video"
            got = f.get(
                f"/{VERSION}/pins/{pid}/analytics",
                {
                    **_days(period),
                    "metric_types": ",".join(VIDEO_METRICS if video else PIN_METRICS),
                },
                page=f"Pin {pid} analytics",
            )
            summary = got.get("all", {}).get("summary_metrics") if isinstance(got, dict) else None
            if not isinstance(summary, dict):
                raise SocialroiError(f"the analytics of Pin {pid} have no all.summary_metrics")
            out.append({**pin, "_metrics": summary})
    return out


def _created(ctx: Context, v: Any, i: int) -> str | None:
    if v is None:
        return None
    try:
        t = dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        raise ctx.fail("a Pin's created_at is not a time", row=i, column="created_at",
                       value=v) from None  # fmt: skip
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC).replace(tzinfo=None)
    return t.strftime("%Y-%m-%d %H:%M:%S")


def pins_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    pins = records[1:]
    if not pins:
        return {}
    since, until = records[0]["period"]
    ctx.options.account = account
    al = aliases(P, "pins")
    fields = ("native_id", "caption", "url", "published", "format", "impressions", "clicks",
              "link_clicks", "saves", "video_views")  # fmt: skip
    rows: list[list[Any]] = [[f"Date range: {since} - {until}"], [al[f][0] for f in fields]]
    for i, pin in enumerate(pins, start=1):
        m = pin["_metrics"]
        kind = (pin.get("media") or {}).get("media_type")
        rows.append(
            [pin["id"], api_text(pin.get("title")) or api_text(pin.get("description")),
             f"https://www.pinterest.com/pin/{pin['id']}/", _created(ctx, pin.get("created_at"), i),
             MEDIA_FORMATS.get(kind, "other") if kind else None,
             _number(ctx, m.get("IMPRESSION", 0), i, "IMPRESSION"),
             _number(ctx, m.get("PIN_CLICK", 0), i, "PIN_CLICK"),
             _number(ctx, m.get("OUTBOUND_CLICK", 0), i, "OUTBOUND_CLICK"),
             _number(ctx, m.get("SAVE", 0), i, "SAVE"),
             _number(ctx, m.get("VIDEO_MRC_VIEW"), i, "VIDEO_MRC_VIEW")]
        )  # fmt: skip
    t = table_from_rows(ctx, rows, al, ["native_id", "impressions"], "Pinterest API Pins",
                        header_index=1, placeholders=True)  # fmt: skip
    return exports.pins_from_table(InputFile(ctx.file.name, b""), ctx, t)


# -- the profile's daily analytics -------------------------------------------------------------


def fetch_account(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict[str, Any]]:
    _check_profile(f, account)
    got = f.get(stream.url_path(account), {**stream.params, **_days(window)}, page="analytics")
    days = got.get("all", {}).get("daily_metrics") if isinstance(got, dict) else None
    if not isinstance(days, list) or not all(isinstance(d, dict) for d in days):
        raise SocialroiError("the profile analytics have no all.daily_metrics list")
    f.pages_read += 1
    # days before the profile (or its business account) existed carry a reason, no figures
    return [d for d in days if not str(d.get("data_status", "")).startswith("BEFORE_")]


def account_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    ctx.options.account = account
    al = aliases(P, "overview")
    fields = ("metric_date", "impressions", "engagements", "pin_clicks", "outbound_clicks", "saves")
    rows: list[list[Any]] = [[al[f][0] for f in fields]]
    for i, d in enumerate(records, start=1):
        m = d.get("metrics")
        if not isinstance(m, dict):
            raise ctx.fail("a day has no metrics object", row=i, column="metrics", value=m)
        rows.append([_day(ctx, d.get("date"), i, "date"),
                     *(_number(ctx, m.get(k, 0), i, k) for k in ACCOUNT_METRICS)])  # fmt: skip
    t = table_from_rows(ctx, rows, al, ["metric_date", "impressions"], "Pinterest API analytics",
                        header_index=0, placeholders=True)  # fmt: skip
    return exports.overview_from_table(InputFile(ctx.file.name, b""), ctx, t)


# -- ad analytics ------------------------------------------------------------------------------


def fetch_ads(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict[str, Any]]:
    """The ad account's facts, its ads, then their daily analytics 250 ads a call."""
    facts = f.get(f"/{VERSION}/ad_accounts/{account}", {}, page="ad account")
    if not isinstance(facts, dict):
        raise SocialroiError("the ad account answer is not an object")
    ids: list[str] = []
    for page in f.pages(stream, f"/{VERSION}/ad_accounts/{account}/ads", {}):
        ids += [str(a.get("id")) for a in page if str(a.get("id", "")).isdigit()]
    out: list[dict[str, Any]] = [{"account": {k: facts.get(k) for k in ("id", "name", "currency")}}]
    columns = ",".join((*AD_NAMES, *AD_COLUMNS.values()))
    for n in range(0, len(ids), AD_IDS_PER_CALL):
        got = f.get(
            stream.url_path(account),
            {**_days(window), "granularity": "DAY", "columns": columns,
             "ad_ids": ",".join(ids[n : n + AD_IDS_PER_CALL])},
            page=f"ad analytics {n // AD_IDS_PER_CALL + 1}",
        )  # fmt: skip
        if not isinstance(got, list) or not all(isinstance(r, dict) for r in got):
            raise SocialroiError("the ad analytics answer is not a JSON array of objects")
        f.pages_read += 1
        out += got
    return out


def ads_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    if len(records) < 2:
        return {}
    acct = records[0]["account"]
    currency = acct.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ctx.fail("the ad account has no currency", column="currency", value=currency,
                       expected="an ISO 4217 code such as USD")  # fmt: skip
    al = aliases(P, "ads")
    head = ("date", "account_id", "account_name", "campaign_id", "campaign_name", "objective",
            "ad_group_id", "ad_group_name", "ad_id", "ad_name", "currency",
            *AD_COLUMNS)  # fmt: skip
    rows: list[list[Any]] = [[al[f][0] for f in head]]
    for i, r in enumerate(records[1:], start=1):
        money = {"spend", "conversion_value"}
        _day(ctx, r.get("DATE"), i, "DATE")
        rows.append(
            [r.get("DATE"), account, api_text(acct.get("name")),
             *(api_text(r.get(k)) for k in AD_NAMES), currency,
             *(_number(ctx, r.get(c, 0), i, c, scale=1e6 if f in money else 1.0)
               for f, c in AD_COLUMNS.items())]
        )  # fmt: skip
    t = table_from_rows(ctx, rows, al, ["spend"], "Pinterest API ad analytics", header_index=0,
                        placeholders=True)  # fmt: skip
    return parse_ads(InputFile(ctx.file.name, b""), ctx, P, al, exports.ADS_WHAT, table=t)


# -- the connector -----------------------------------------------------------------------------


def _account(value: str) -> tuple[tuple[str, ...], str]:
    """`@username` (the token's own profile: Pins and daily analytics) or `ads:<ad account
    id>` (ad analytics)."""
    v = value.strip()
    if m := _ADS.match(v):
        return ("ad_analytics",), m.group(1)
    if v.startswith("@") and (m := _HANDLE.match(v)):
        return ("pins", "account_analytics"), m.group(1).lower()
    raise SocialroiError(
        f"{value!r} is not a Pinterest account this connector reads; expected @username (the "
        "profile the token belongs to) or ads:<ad account id> (digits)"
    )


_BOOKMARK = {"paging": "token", "records": "items", "next_token": "bookmark",
             "token_param": "bookmark", "page_size": ("page_size", 250)}  # fmt: skip

PINS = Stream(
    P, "pins", "Pins with their analytics over 90 days (the Top Pins export)",
    f"/{VERSION}/pins", pins_staged, dated=False,
    lag_days=1, history_days=KEEPS_DAYS, max_history_days=KEEPS_DAYS, fetch=fetch_pins,
    **_BOOKMARK,
)  # fmt: skip
ACCOUNT_ANALYTICS = Stream(
    P, "account_analytics", "Profile analytics per day (the Overview export)",
    f"/{VERSION}/user_account/analytics", account_staged,
    params={"metric_types": ",".join(ACCOUNT_METRICS)}, paging="none",
    lag_days=3,  # Pinterest marks recent days PROCESSING for about two days
    window_days=KEEPS_DAYS, history_days=KEEPS_DAYS, max_history_days=KEEPS_DAYS,
    fetch=fetch_account,
)  # fmt: skip
AD_ANALYTICS = Stream(
    P, "ad_analytics", "Ad analytics per ad and day (the Ads Manager report)",
    f"/{VERSION}/ad_accounts/{{account}}/ads/analytics", ads_staged,
    lag_days=30,  # conversions are credited back over the 30-day click window
    window_days=KEEPS_DAYS, history_days=KEEPS_DAYS, max_history_days=KEEPS_DAYS,
    replaces={"ad_metrics": "metric_date"}, fetch=fetch_ads, **_BOOKMARK,
)  # fmt: skip

CONNECTOR = register_connector(
    Connector(
        P,
        "Pinterest (API v5: Pins, profile analytics, ad analytics)",
        "https://api.pinterest.com",
        Auth(
            "oauth2",
            authorize_url="https://www.pinterest.com/oauth/",
            token_path=f"/{VERSION}/oauth/token",
            scopes=("user_accounts:read", "pins:read", "boards:read", "ads:read"),
            refresh="refresh_token",
            scope_separator=",",
            client_auth="basic",
        ),
        (PINS, ACCOUNT_ANALYTICS, AD_ANALYTICS),
        "@username (the token's profile) or ads:<ad account id>",
        _account,
        api_version=VERSION,
        docs="https://developers.pinterest.com/docs/api/v5/",
    )
)
