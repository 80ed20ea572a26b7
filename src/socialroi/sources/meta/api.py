"""Meta's Graph API as a connector: Marketing API ad insights, Facebook Pages, Instagram.

Written from Meta's references (Graph API v25.0):
- Ads Insights API, `GET /act_{id}/insights` (developers.facebook.com/docs/marketing-api/
  insights and /insights/parameters): `level=ad`, `time_increment=1`, `time_range`,
  `breakdowns=publisher_platform`, `fields`; records in `data`, cursor paging in `paging`;
  asynchronous report runs for long ranges (`POST /act_{id}/insights` -> `report_run_id`,
  `GET /{report_run_id}` until `async_status` is `Job Completed`, then
  `GET /{report_run_id}/insights`); insights are kept 37 months;
- Ad account, `GET /act_{id}?fields=name,currency,timezone_name` (the account's currency
  and the time zone its days are counted in);
- Graph API paging (developers.facebook.com/docs/graph-api/results): follow `paging.next`.

The insights records are laid out in the columns of the Ads Manager report and read by the
same code as the exported file (`ads_manager.from_table`): same ids (`act_<id>` accounts
per publisher platform, `platform:level:id` campaigns), same keys, same days (the ad
account's clock), same purchase counting. The Pages and Instagram streams live in
`meta.api_organic`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.meta import ads_manager, api_organic
from socialroi.sources.meta.common import SOURCE

VERSION = "v25.0"
MAX_HISTORY_DAYS = 37 * 30  # insights are kept for 37 months
ASYNC_AFTER_DAYS = 31  # longer windows run as asynchronous report jobs
ASYNC_POLLS = 120
INSIGHT_FIELDS = (
    "account_id", "account_name", "account_currency", "campaign_id", "campaign_name",
    "adset_id", "adset_name", "ad_id", "ad_name", "objective", "spend", "impressions",
    "reach", "clicks", "inline_link_clicks", "actions", "action_values",
    "video_thruplay_watched_actions", "attribution_setting",
)  # fmt: skip
# The purchase the Ads Manager "Purchases" column counts: the omni-channel purchase, else
# the website purchase (older pixels report only `offsite_conversion.fb_pixel_purchase`).
PURCHASE_TYPES = ("omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase")
# Ads Manager column (English header) for each field the parser reads.
COLUMNS = (
    "reporting_starts", "reporting_ends", "day", "account_native_id", "account_name",
    "campaign_name", "campaign_native_id", "ad_group_name", "ad_group_native_id",
    "ad_name", "ad_native_id", "platform", "objective", "currency", "spend", "impressions",
    "reach", "clicks", "link_clicks", "video_views", "purchases", "conversion_value",
)  # fmt: skip
_ACCOUNT = re.compile(r"^(act_|ig:|page:)(\d{1,25})$")
STREAMS_OF = {
    "act_": ("ad_insights",),
    "ig:": ("ig_media", "ig_account"),
    "page:": ("page_posts", "page_insights"),
}


def _window_params(w: Window) -> dict[str, Any]:
    return {"time_range": json.dumps({"since": w.since.isoformat(), "until": w.until.isoformat()})}


def _number(ctx: Context, rec: dict[str, Any], i: int, key: str, *, integer: bool) -> Any:
    v = rec.get(key)
    if v is None or v == "":
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ctx.fail("a number is not a number", row=i, column=key, value=v) from None
    if f != f or f in (float("inf"), float("-inf")):
        raise ctx.fail("a number is not finite", row=i, column=key, value=v)
    return int(round(f)) if integer else f


def _action(ctx: Context, rec: dict[str, Any], i: int, key: str, types: tuple[str, ...]) -> Any:
    """The value of the first action type present in a list of {action_type, value}."""
    items = rec.get(key)
    if items is None:
        return None
    if not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
        raise ctx.fail(f"{key} is not a list of actions", row=i, column=key, value=items)
    by_type = {a.get("action_type"): a.get("value") for a in items}
    for t in types:
        if t in by_type:
            return _number(ctx, {"v": by_type[t]}, i, "v", integer=False)
    return None


def insight_rows(records: list[dict[str, Any]], ctx: Context) -> list[list[Any]]:
    """The insights as rows of the Ads Manager report (header first)."""
    al = aliases(SOURCE, ads_manager.REPORT)
    rows: list[list[Any]] = [[al[f][0] for f in COLUMNS]]
    for i, rec in enumerate(records, start=1):
        day = rec.get("date_start")
        if not isinstance(day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ctx.fail("a record has no date_start day", row=i, column="date_start", value=day)
        if rec.get("date_stop") != day:
            raise ctx.fail(
                "a record covers more than one day",
                row=i,
                column="date_stop",
                value=rec.get("date_stop"),
                expected=f"{day} (time_increment=1)",
            )
        thru = _action(ctx, rec, i, "video_thruplay_watched_actions", ("video_view",))
        rows.append(
            [day, day, day, _text(rec, "account_id"), _text(rec, "account_name"),
             _text(rec, "campaign_name"), _text(rec, "campaign_id"), _text(rec, "adset_name"),
             _text(rec, "adset_id"), _text(rec, "ad_name"), _text(rec, "ad_id"),
             _text(rec, "publisher_platform"), _text(rec, "objective"),
             _text(rec, "account_currency"), _number(ctx, rec, i, "spend", integer=False),
             _number(ctx, rec, i, "impressions", integer=True),
             _number(ctx, rec, i, "reach", integer=True),
             _number(ctx, rec, i, "clicks", integer=True),
             _number(ctx, rec, i, "inline_link_clicks", integer=True),
             None if thru is None else int(round(thru)),
             _action(ctx, rec, i, "actions", PURCHASE_TYPES),
             _action(ctx, rec, i, "action_values", PURCHASE_TYPES)]
        )  # fmt: skip
    return rows


def _text(rec: dict[str, Any], key: str) -> str | None:
    v = rec.get(key)
    if v is None:
        return None
    if isinstance(v, dict | list):
        raise TypeError(key)
    return str(v)


def ad_insights_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    tz = next((r.get("_timezone") for r in records if r.get("_timezone")), None)
    if tz:
        ctx.options.timezone = tz
    rows = insight_rows(records, ctx)
    t = table_from_rows(
        ctx, rows, aliases(SOURCE, ads_manager.REPORT), ["spend"], "Marketing API insights",
        header_index=0,
    )  # fmt: skip
    return ads_manager.from_table(InputFile(ctx.file.name, b""), ctx, t)


def fetch_ad_insights(
    f: Fetcher, stream: Stream, account: str, window: Window
) -> list[dict[str, Any]]:
    """The account's facts, then its insights: a plain read for a short window, an
    asynchronous report run for a long one."""
    facts = f.get(
        f"/{VERSION}/act_{account}", {"fields": "name,currency,timezone_name"}, page="account"
    )
    tz = facts.get("timezone_name") if isinstance(facts, dict) else None
    params = stream.request_params(window)
    path = stream.url_path(account)
    records: list[dict[str, Any]] = []
    if window.days <= ASYNC_AFTER_DAYS:
        for page in f.pages(stream, path, params):
            records += page
    else:
        run = f.post(path, params, page="report run")
        run_id = run.get("report_run_id") if isinstance(run, dict) else None
        if not isinstance(run_id, str | int) or not str(run_id).isdigit():
            raise SocialroiError(f"meta/{stream.name}: the report run has no report_run_id")
        for n in range(ASYNC_POLLS):
            status = f.get(f"/{VERSION}/{run_id}", {}, page=f"report run status {n + 1}")
            state = status.get("async_status") if isinstance(status, dict) else None
            if state == "Job Completed":
                break
            if state in ("Job Failed", "Job Skipped"):
                raise SocialroiError(
                    f"meta/{stream.name}: Meta's report run {run_id} ended with {state!r}"
                )
            f.wait(min(30.0, 2.0 * (n + 1)))
        else:
            raise SocialroiError(f"meta/{stream.name}: the report run did not finish in time")
        for page in f.pages(stream, f"/{VERSION}/{run_id}/insights", {}):
            records += page
    for r in records:
        r["_timezone"] = tz
    return records


def _account(value: str) -> tuple[tuple[str, ...], str]:
    """`act_<id>` an ad account, `ig:<id>` an Instagram professional account, `page:<id>` a
    Facebook Page: the streams that read it, and its id in the Graph API's paths."""
    m = _ACCOUNT.match(value.strip())
    if not m:
        raise SocialroiError(
            f"{value!r} is not a Meta account this connector reads; expected act_<ad account "
            "id>, ig:<Instagram account id> or page:<Page id> (digits)"
        )
    return STREAMS_OF[m.group(1)], m.group(2)


AD_INSIGHTS = Stream(
    SOURCE,
    "ad_insights",
    "Marketing API ad insights (ad x day x publisher platform)",
    f"/{VERSION}/act_{{account}}/insights",
    ad_insights_staged,
    params={
        "level": "ad",
        "time_increment": 1,
        "breakdowns": "publisher_platform",
        "fields": ",".join(INSIGHT_FIELDS),
        "action_report_time": "impression",
    },
    lag_days=28,  # attribution settles over 28 days
    window_days=90,
    history_days=90,
    max_history_days=MAX_HISTORY_DAYS,
    replaces={"ad_metrics": "metric_date"},
    window_params=_window_params,
    fetch=fetch_ad_insights,
)

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "Meta (Marketing API, Facebook Pages, Instagram Graph API)",
        "https://graph.facebook.com",
        Auth(
            "oauth2",
            authorize_url=f"https://www.facebook.com/{VERSION}/dialog/oauth",
            token_path=f"/{VERSION}/oauth/access_token",
            scopes=(
                "ads_read",
                "read_insights",
                "pages_read_engagement",
                "instagram_basic",
                "instagram_manage_insights",
            ),  # fmt: skip
            refresh="exchange",
            scope_separator=",",
        ),
        (
            AD_INSIGHTS,
            api_organic.IG_MEDIA,
            api_organic.IG_ACCOUNT,
            api_organic.PAGE_POSTS,
            api_organic.PAGE_INSIGHTS,
        ),  # fmt: skip
        "act_<ad account id>, ig:<Instagram account id>, page:<Page id>",
        _account,
        api_version=VERSION,
        docs="https://developers.facebook.com/docs/marketing-api/insights",
    )
)
