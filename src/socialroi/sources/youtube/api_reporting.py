"""YouTube Reporting API: daily figures per video from bulk reports, read as Chart data.csv.

Written from Google's references (developers.google.com/youtube/reporting/v1):
- `jobs.create` (…/reference/rest/v1/jobs/create): `POST https://youtubereporting.
  googleapis.com/v1/jobs` with a Job `{"reportTypeId", "name"}`; YouTube then generates that
  report once a day, the first within 24 hours, and *backfills* the 30 days before the job
  was created (…/v1/reports, "Historical data and backfill"); reports are kept 60 days.
  Hence `socialroi connect youtube` creates the job at once (`on_connect`), so history
  starts accumulating on the day of the connection, not on the first sync;
- `jobs.list` (…/jobs/list): `GET /v1/jobs` → `{"jobs": [{"id", "reportTypeId", "name",
  "createTime", "expireTime"}], "nextPageToken"}`;
- `jobs.reports.list` (…/jobs.reports/list): `GET /v1/jobs/{jobId}/reports?createdAfter=
  RFC3339&pageToken` → `{"reports": [{"id", "jobId", "startTime", "endTime", "createTime",
  "downloadUrl"}], "nextPageToken"}`; `createdAfter` filters by the report's creation time,
  so regenerated (backfill) reports of old days are found too;
- media download (…/v1/reports, "Download reports"): an authorised `GET downloadUrl`; the
  body is the report's CSV, possibly gzip-compressed;
- report type `channel_basic_a2` (…/v1/channel_reports): one row per date (YYYYMMDD, Pacific
  Time), channel_id, video_id, live_or_on_demand, subscribed_status and country_code, with
  views, comments, likes, shares, watch_time_minutes, subscribers_gained, … .

The stream's window counts the days the reports were *created* (UTC), not the days they
describe: a sync reads the reports created from the window's first day up to, not including,
its last day, and its cursor moves to the last day, so the next sync starts where this one
stopped and every report is downloaded once (a report created on the day of a sync is read
by the next one). When several reports of one day are read together, the newest (a
backfill's correction) wins. The rows are summed per video and day, laid out as Studio's
Chart data.csv (Date, Content, Views, Watch time (hours), Likes, Comments added, Shares,
Subscribers gained) and read by the export's parser: `post_metrics` at the day grain.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zlib
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.sources.api import Fetcher, Stream, Window
from socialroi.sources.base import Context
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.youtube import exports
from socialroi.sources.youtube.api_data import account_frame, bad, channel

REPORTING = "https://youtubereporting.googleapis.com/v1"
REPORT_TYPE = "channel_basic_a2"
JOB_NAME = f"socialroi {REPORT_TYPE}"
MAX_CSV = 512 * 1024 * 1024  # a decompressed report (a channel's day is far smaller)
# report column -> (Chart data.csv header, how it sums)
COLUMNS = {
    "views": "Views",
    "watch_time_minutes": "Watch time (hours)",
    "likes": "Likes",
    "comments": "Comments added",
    "shares": "Shares",
    "subscribers_gained": "Subscribers gained",
}
_DAY = re.compile(r"^\d{8}$")
_VIDEO = re.compile(r"^[A-Za-z0-9_-]{11}$")


MAX_PAGES = 1000


def listed(f: Fetcher, url: str, key: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a Reporting API list (`jobs`, `reports`), following `nextPageToken`.
    An empty list is an answer without the key (proto3 JSON leaves empty fields out), so the
    kit's token paging, which wants the key on every page, does not fit."""
    out: list[dict[str, Any]] = []
    query = {"pageSize": 100, **params}
    seen: set[str] = set()
    for n in range(1, MAX_PAGES + 1):
        body = f.get(url, query, page=f"{key} page {n}")
        f.pages_read += 1
        items = body.get(key, []) if isinstance(body, dict) else None
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise bad(f"the {key} list's page {n} has no list of {key}")
        out += items
        token = body.get("nextPageToken")
        if not token:
            return out
        if not isinstance(token, str) or token in seen:
            raise bad(f"the {key} list's page {n} has an unusable nextPageToken")
        seen.add(token)
        query = {**query, "pageToken": token}
    raise bad(f"the {key} list never ended")


def own_channel(f: Fetcher, account: str) -> dict[str, Any]:
    """The token's channel, which must be `account`: reporting jobs are the token's own."""
    ch = channel(f, account, mine=True)
    handle = str((ch.get("snippet") or {}).get("customUrl") or "")
    if account not in (ch["id"],) and account.lower() != handle.lower():
        raise SocialroiError(
            f"the token belongs to channel {ch['id']} ({handle or 'no handle'}), not {account}; "
            "connect with the Google account that owns the channel"
        )
    return ch


def job(f: Fetcher, *, create: bool) -> tuple[dict[str, Any] | None, bool]:
    """This app's `channel_basic_a2` job: (job, whether it was created now)."""
    for j in listed(f, f"{REPORTING}/jobs", "jobs", {}):
        if j.get("reportTypeId") == REPORT_TYPE and isinstance(j.get("id"), str):
            return j, False
    if not create:
        return None, False
    got = f.post(f"{REPORTING}/jobs", page="jobs.create",
                 json={"reportTypeId": REPORT_TYPE, "name": JOB_NAME})  # fmt: skip
    if not isinstance(got, dict) or not isinstance(got.get("id"), str):
        raise bad("jobs.create answered without the job's id")
    return got, True


def on_connect(f: Fetcher, account: str) -> str:
    """At `connect`: create the reporting job now, so YouTube starts generating (and
    backfilling 30 days of) the daily reports before the first sync."""
    own_channel(f, account)
    got, created = job(f, create=True)
    if got is None:  # job(create=True) returns a job or raises
        raise bad("no reporting job")
    return (
        f"youtube {account}: reporting job {REPORT_TYPE} "
        + ("created" if created else f"already there ({got['id']})")
        + ": YouTube backfills the last 30 days within about two days and adds one report a "
        "day; reports are kept 60 days, so sync at least every few weeks"
    )


def _time(v: Any, what: str) -> dt.datetime:
    try:
        t = dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        raise bad(f"a report's {what} is not an RFC 3339 time ({str(v)[:40]!r})") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def fetch_reports(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    """The reports created in the window's days before its last: listed, the newest of each
    day downloaded, summed per video and day."""
    own_channel(f, account)
    j, created = job(f, create=True)
    if created or j is None:
        return []  # a job created just now has no report yet
    start = dt.datetime.combine(window.since, dt.time(), dt.UTC)
    stop = dt.datetime.combine(window.until, dt.time(), dt.UTC)
    after = (start - dt.timedelta(microseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    newest: dict[str, tuple[dt.datetime, dict]] = {}
    for r in listed(f, f"{REPORTING}/jobs/{j['id']}/reports", "reports",
                    {"createdAfter": after}):  # fmt: skip
        made = _time(r.get("createTime"), "createTime")
        if not (start <= made < stop):
            continue
        day = _time(r.get("startTime"), "startTime").isoformat()
        if not isinstance(r.get("downloadUrl"), str) or not isinstance(r.get("id"), str):
            raise bad("a report has no id or downloadUrl")
        if day not in newest or newest[day][0] < made:
            newest[day] = (made, r)
    out: list[dict] = []
    for day in sorted(newest):
        made, r = newest[day]
        body, _ = f.download(r["downloadUrl"], page=f"report {r['id']}")
        out += _rows(_unzip(body, r["id"]), r["id"], made.date().isoformat())
    return out


def _unzip(body: bytes, rid: str) -> str:
    if body[:2] == b"\x1f\x8b":  # a gzip file (the media download may send one as is)
        d = zlib.decompressobj(wbits=31)
        body = d.decompress(body, MAX_CSV)
        if d.unconsumed_tail:
            raise SocialroiError(f"report {rid} is larger than {MAX_CSV // 2**20} MB unpacked")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SocialroiError(f"report {rid} is not UTF-8 text") from None


def _rows(text: str, rid: str, as_of: str) -> list[dict]:
    """The report's rows summed per (date, video)."""
    reader = csv.reader(io.StringIO(text))
    head = next(reader, None) or []
    missing = [c for c in ("date", "video_id", *COLUMNS) if c not in head]
    if missing:
        raise SocialroiError(
            f"report {rid} is not a {REPORT_TYPE} report: no column {', '.join(missing)} "
            f"(found {', '.join(head)[:200]})"
        )
    at = {c: head.index(c) for c in ("date", "video_id", *COLUMNS)}
    sums: dict[tuple[str, str], dict[str, float]] = {}
    for n, row in enumerate(reader, start=2):
        if not row:
            continue
        try:
            day, vid = row[at["date"]], row[at["video_id"]]
            values = {c: float(row[at[c]] or 0) for c in COLUMNS}
        except (IndexError, ValueError):
            raise SocialroiError(
                f"report {rid}, line {n}: {','.join(row)[:120]!r} is not a row of numbers "
                f"under {', '.join(head)[:120]}"
            ) from None
        if not _DAY.match(day) or not _VIDEO.match(vid):
            raise SocialroiError(f"report {rid}, line {n}: no YYYYMMDD date and video id")
        acc = sums.setdefault((day, vid), dict.fromkeys(COLUMNS, 0.0))
        for c, v in values.items():
            acc[c] += v
    return [
        {"date": f"{d[:4]}-{d[4:6]}-{d[6:]}", "video": v, "as_of": as_of, **m}
        for (d, v), m in sorted(sums.items())
    ]


def reports_staged(records: list[dict], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    rows: list[list[str]] = [["Date", "Content", *COLUMNS.values()]]
    for r in records:
        rows.append([r["date"], r["video"], *(
            repr(r[c] / 60) if c == "watch_time_minutes" else f"{r[c]:.0f}" for c in COLUMNS
        )])  # fmt: skip
    t = table_from_rows(ctx, rows, exports.A, [], "reports", header_index=0)
    accounts = account_frame(ctx, account)
    got = exports.chart_data(ctx, t, accounts["account_id"][0], None)
    metrics = got["post_metrics"]
    metrics["as_of"] = [dt.date.fromisoformat(r["as_of"]) for r in records]
    metrics["watch_seconds"] = [r["watch_time_minutes"] * 60.0 for r in records]
    posts = got["posts"][["post_id", "platform", "account_id", "native_id", "url"]]
    return {"accounts": accounts, "posts": posts, "post_metrics": metrics}
