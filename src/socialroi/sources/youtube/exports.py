"""Parsers for YouTube Studio's Advanced-mode export (see docs/sources/youtube.md).

Studio > Analytics > Advanced mode > Export current view > Comma-separated values gives a
zip named like `Content 2025-01-01_2025-01-31 Voltiq Tech.zip` holding three CSVs:

- `Table data.csv`: one row per video, figures over the export's period, a `Total` row first;
- `Chart data.csv`: one row per day per video for the chart's metric (Views by default);
- `Totals.csv`: one row per day for the whole channel.

The zip is one report (`studio_export`); each CSV also imports on its own. The export does
not name the channel: the account comes from --account or a folder named `@handle`. Days are
YouTube Analytics days (Pacific Time).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, prefixed, report
from socialroi.sources.kit.accounts import account_row
from socialroi.sources.kit.cells import ids
from socialroi.sources.kit.dates import to_utc
from socialroi.sources.kit.headers import HeaderMap, find_header_row, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table, table_from_rows
from socialroi.sources.kit.tabular import read_rows

P = "youtube"
STUDIO_TZ = "America/Los_Angeles"
A = aliases(P, "table_data")

_PERIOD = re.compile(
    r"(?P<start>\d{4}-\d{2}-\d{2})_(?P<end>\d{4}-\d{2}-\d{2})(?P<rest>[^/]*?)(?:\.zip)?$"
)
_TIME = re.compile(r"\d{1,2}:\d{2}")


def _member_names(kind: str) -> set[str]:
    return {norm(n) for n in aliases(P, "members")[kind]}


# -- what the file says about itself -------------------------------------------------------


def _period(file: InputFile) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(start, end, channel name) from `Content 2025-01-01_2025-01-31 Voltiq Tech[.zip]` in
    the file's name, zip name or folder name."""
    names = list(PurePosixPath(file.name).parts)
    if file.path is not None:
        names += [file.path.name, file.path.parent.name]
    for part in names:
        m = _PERIOD.search(part)
        if m:
            try:
                start = dt.date.fromisoformat(m["start"])
                end = dt.date.fromisoformat(m["end"])
            except ValueError:
                continue
            channel = m["rest"].strip() or None
            return start, end, channel
    return None, None, None


def _kind(header: list[Any]) -> str | None:
    hm = HeaderMap(header, A)
    if "traffic_source" in hm:  # the Traffic source export (`traffic`), not the Content one
        return None
    if "content" in hm and "date" in hm:
        return "chart"
    if "content" in hm and ("title" in hm or "published" in hm):
        return "table"
    if "date" in hm and any(f in hm for f in _TOTALS):
        return "totals"
    return None


def _header_kind(rows: list[list[str]]) -> tuple[int, str] | None:
    for i, row in enumerate(rows[:10]):
        k = _kind(row)
        if k:
            return i, k
    return None


def _base(name: str) -> str:
    return norm(PurePosixPath(name).name)


# -- detection -----------------------------------------------------------------------------


def _detect_zip(s: Sniff) -> float:
    if s.kind != "zip" or not s.members:
        return 0.0
    bases = {_base(m) for m in s.members}
    if bases & _member_names("table") and bases & (
        _member_names("chart") | _member_names("totals")
    ):
        return 0.95
    csvs = [m for m in s.members if m.lower().endswith(".csv")]
    if not csvs or len(csvs) > 5 or len(s.members) > 8:
        return 0.0
    try:
        with zipfile.ZipFile(io.BytesIO(s.file.data)) as zf:
            kinds = set()
            for m in csvs:
                rows = read_rows(InputFile(m, zf.read(m)[:65536]), max_rows=10).rows
                hk = _header_kind(rows)
                if hk:
                    kinds.add(hk[1])
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, KeyError):
        return 0.0
    return 0.9 if "table" in kinds and len(kinds) >= 2 else 0.0


def _detect_csv(kind: str):
    def detect(s: Sniff) -> float:
        if s.kind != "text" or not s.rows:
            return 0.0
        hk = _header_kind(s.rows)
        if hk is None or hk[1] != kind:
            return 0.0
        named = _base(s.name) in _member_names(kind)
        hm = HeaderMap(s.rows[hk[0]], A)
        if kind == "totals":
            # "Date, Views" alone could be anything: need Studio's name or Studio-only columns.
            studio_cols = any(f in hm for f in ("watch_hours", "subscribers", "ctr"))
            return 0.9 if named else (0.6 if studio_cols else 0.3)
        studio_cols = "title" in hm and "published" in hm
        return 0.95 if named and studio_cols else (0.85 if studio_cols else 0.6)

    return detect


# -- the three tables ----------------------------------------------------------------------

_TOTALS = (
    "views", "watch_hours", "subscribers", "subscribers_gained", "subscribers_lost",
    "impressions", "likes", "comments", "shares", "unique_viewers", "new_viewers",
)  # fmt: skip


def _table(
    ctx: Context, rows: list[list[str]], h: int, name: str, first_row: int, where: str
) -> Table:
    return table_from_rows(ctx, rows, A, [], name, where=where, header_index=h, first_row=first_row)


def _watch_seconds(ctx: Context, t: Table) -> pd.Series | None:
    hours = t.numbers(ctx, "watch_hours", integer=False)
    return None if hours is None else hours * 3600.0


def _follows(ctx: Context, t: Table) -> pd.Series | None:
    """Subscribers gained; exports without it carry the net `Subscribers` figure."""
    if t.has("subscribers_gained"):
        return t.numbers(ctx, "subscribers_gained")
    return t.numbers(ctx, "subscribers")


def _video_ids(ctx: Context, t: Table) -> tuple[list[str], list[bool]]:
    values, flags = ids(ctx, t.cells("content"), t.row_numbers, t.column("content"))
    out = []
    for v, rn in zip(values.tolist(), t.row_numbers):
        if v is None or pd.isna(v):
            raise ctx.fail(
                "a row has no video id",
                row=rn,
                column=t.column("content"),
                expected="the 11-character video id Studio writes in Content",
            )
        out.append(str(v).strip())
    return out, [bool(x) for x in flags.tolist()]


_FORMATS = {
    norm(k): v
    for k, v in {
        "Videos": "video", "Video": "video", "Vídeos": "video", "视频": "video",
        "Shorts": "short", "Short": "short", "短视频": "short",
        "Live": "live", "Live stream": "live", "En directo": "live", "En vivo": "live",
        "直播": "live",
    }.items()
}  # fmt: skip


def _posts(
    ctx: Context, t: Table, aid: str, natives: list[str], flags: list[bool], end: dt.date | None
) -> pd.DataFrame:
    n = len(natives)
    published = t.dates(ctx, "published", period_end=end) if t.has("published") else [None] * n
    tz = ctx.options.timezone or STUDIO_TZ
    stamps: list[Any] = [None] * n
    for i, raw in enumerate(t.cells("published")):
        if isinstance(raw, str) and _TIME.search(raw) and published[i] is not None:
            try:
                stamps[i] = pd.Timestamp(raw.strip()[:19])
            except ValueError:
                stamps[i] = None
    utc = to_utc(pd.Series(stamps, dtype="datetime64[ns]"), tz) if any(stamps) else None
    fmt = [_FORMATS.get(norm(x), "video") if x else "video" for x in t.text("content_type")]
    frame = pd.DataFrame(
        {
            "post_id": [prefixed(P, x) for x in natives],
            "platform": P,
            "account_id": aid,
            "native_id": natives,
            "local_date": published,
            "format": fmt,
            "caption": t.text("title"),
            "url": [f"https://www.youtube.com/watch?v={x}" for x in natives],
            "id_mangled": pd.Series(flags, dtype="boolean"),
        },
        index=range(n),
    )
    if utc is not None:
        frame["published_at"] = utc.reset_index(drop=True)
    return frame


def _metrics(ctx: Context, t: Table, frame: pd.DataFrame, fields: dict[str, str]) -> None:
    for col, field in fields.items():
        if t.has(field):
            frame[col] = t.numbers(ctx, field)
    if t.has("watch_hours"):
        frame["watch_seconds"] = _watch_seconds(ctx, t)
    follows = _follows(ctx, t)
    if follows is not None:
        frame["follows"] = follows


_POST_FIELDS = {
    "views": "views",
    "impressions": "impressions",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
}


def _table_data(ctx: Context, t: Table, aid: str, end: dt.date | None) -> dict[str, pd.DataFrame]:
    natives, flags = _video_ids(ctx, t)
    posts = _posts(ctx, t, aid, natives, flags, end)
    as_of = end
    if as_of is None:
        known = [d for d in posts["local_date"] if d is not None]
        as_of = max(known) if known else None
        ctx.finding(
            "as_of_assumed",
            "the export's period is unknown (the file left its folder or zip named "
            "'Content YYYY-MM-DD_YYYY-MM-DD …'); its figures are stored as of the newest "
            f"video's publish date, {as_of}",
            value=as_of,
            rows=len(natives),
        )
    missing = [rn for d, rn in zip(posts["local_date"], t.row_numbers) if d is None]
    if missing and (not t.has("published") or as_of is None):
        raise ctx.fail(
            "a video has no publish date",
            row=missing[0],
            column=t.column("published"),
            expected="the publish date Studio writes, such as Jan 8, 2025",
        )
    if missing:
        # Studio leaves Video publish time empty for some videos (premieres, some Shorts,
        # removed videos): the video is kept, its lifetime figures dated the export's day.
        ctx.finding(
            "no_publish_time",
            f"{len(missing)} video(s) have an empty {t.column('published')}; imported, their "
            f"lifetime figures dated the export's last day ({as_of})",
            row=missing[0],
            column=t.column("published"),
            rows=len(missing),
        )
    metrics = pd.DataFrame(
        {
            "post_id": posts["post_id"],
            "platform": P,
            "account_id": aid,
            "grain": "lifetime",
            "metric_date": [d if d is not None else as_of for d in posts["local_date"]],
            "as_of": as_of,
        }
    )
    _metrics(ctx, t, metrics, _POST_FIELDS)
    return {"posts": posts, "post_metrics": metrics}


def _required_dates(ctx: Context, t: Table, end: dt.date | None) -> list[dt.date]:
    days = t.dates(ctx, "date", period_end=end, default="MDY")
    for d, rn in zip(days, t.row_numbers):
        if d is None:
            raise ctx.fail("a row has no date", row=rn, column=t.column("date"), expected="a date")
    return days  # type: ignore[return-value]


def _chart_data(ctx: Context, t: Table, aid: str, end: dt.date | None) -> dict[str, pd.DataFrame]:
    natives, flags = _video_ids(ctx, t)
    days = _required_dates(ctx, t, end)
    posts = _posts(ctx, t, aid, natives, flags, end)
    as_of = end or (max(days) if days else None)
    metrics = pd.DataFrame(
        {
            "post_id": posts["post_id"],
            "platform": P,
            "account_id": aid,
            "grain": "day",
            "metric_date": days,
            "as_of": as_of,
        }
    )
    _metrics(ctx, t, metrics, _POST_FIELDS)
    posts = posts.drop_duplicates("post_id", keep="last").reset_index(drop=True)
    if not t.has("published"):
        posts = posts.drop(columns=["local_date"])
    return {"posts": posts, "post_metrics": metrics}


def _totals(ctx: Context, t: Table, aid: str, end: dt.date | None) -> dict[str, pd.DataFrame]:
    days = _required_dates(ctx, t, end)
    frame = pd.DataFrame(
        {"account_id": aid, "platform": P, "metric_date": days}, index=range(len(days))
    )
    for col, field in {
        "views": "views",
        "impressions": "impressions",
        "likes": "likes",
        "comments": "comments",
        "shares": "shares",
        "unique_viewers": "unique_viewers",
        "new_viewers": "new_viewers",
        "unfollows": "subscribers_lost",
    }.items():
        if t.has(field):
            frame[col] = t.numbers(ctx, field)
    if t.has("subscribers_gained"):
        frame["follows"] = t.numbers(ctx, "subscribers_gained")
    if t.has("subscribers"):
        frame["follower_change"] = t.numbers(ctx, "subscribers")
    return {"account_metrics": frame}


_PARSERS = {"table": _table_data, "chart": _chart_data, "totals": _totals}


def _account(ctx: Context, channel: str | None) -> tuple[str, pd.DataFrame]:
    row = account_row(ctx, P, ctx.account_handle(P), name=channel)
    return row["account_id"], pd.DataFrame([row])


def _combine(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    out: dict[str, list[pd.DataFrame]] = {}
    for part in parts:
        for table, frame in part.items():
            out.setdefault(table, []).append(frame)
    merged = {t: pd.concat(fs, ignore_index=True) for t, fs in out.items()}
    if "posts" in merged:  # Table data first: it has the title and publish date of each video
        merged["posts"] = merged["posts"].drop_duplicates("post_id", keep="first")
    return merged


def _one_csv(file: InputFile, ctx: Context, want: str) -> dict[str, pd.DataFrame]:
    start, end, channel = _period(file)
    aid, account = _account(ctx, channel)
    rows = read_rows(file)
    hk = _header_kind(rows.rows)
    if hk is None or hk[1] != want:
        h = find_header_row(rows.rows, A, ["content"]) or 0
        raise ctx.fail(
            f"this is not YouTube Studio's {_TITLES[want]}",
            row=rows.row_number(h),
            value=", ".join(rows.rows[h])[:200] if rows.rows else "",
            expected=_EXPECTED[want],
        )
    t = _table(ctx, rows.rows, hk[0], PurePosixPath(file.name).name, rows.first_row, "")
    out = _PARSERS[want](ctx, t, aid, end)
    out["accounts"] = account
    return out


_TITLES = {
    "table": "Table data.csv (one row per video)",
    "chart": "Chart data.csv (one row per day and video)",
    "totals": "Totals.csv (one row per day)",
}
_EXPECTED = {
    "table": "a header like Content, Video title, Video publish time, Duration, Views",
    "chart": "a header like Date, Content, Video title, Video publish time, Duration, Views",
    "totals": "a header like Date, Views",
}


def open_zip(
    file: InputFile, ctx: Context
) -> tuple[dt.date | None, str, pd.DataFrame, dict[str, bytes]]:
    """An Advanced-mode export's zip: its period end, account id and row, and its members."""
    _, end, channel = _period(file)
    aid, account = _account(ctx, channel)
    try:
        return end, aid, account, file.zip_members()
    except zipfile.BadZipFile as exc:
        raise ctx.fail(f"the zip file cannot be opened ({exc})") from None


@report(
    P,
    "studio_export",
    "YouTube Studio export (zip: Table data, Chart data, Totals)",
    detect=_detect_zip,
    accepts_zip=True,
)
def parse_studio_export(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    end, aid, account, members = open_zip(file, ctx)
    found: dict[str, tuple[str, list[list[str]], int, int]] = {}
    for name, data in sorted(members.items()):
        if not name.lower().endswith(".csv"):
            continue
        rows = read_rows(InputFile(name, data))
        hk = _header_kind(rows.rows)
        if hk is None:
            continue
        if hk[1] in found:
            raise ctx.fail(
                f"the zip holds two {_TITLES[hk[1]]} files",
                value=f"{found[hk[1]][0]}, {name}",
                expected="the zip exactly as Studio exported it",
            )
        found[hk[1]] = (name, rows.rows, hk[0], rows.first_row)
    if "table" not in found and "chart" not in found:
        raise ctx.fail(
            "the zip holds no Table data.csv or Chart data.csv",
            value=", ".join(members)[:200],
            expected="Table data.csv, Chart data.csv and Totals.csv",
        )
    tables = {
        k: _table(ctx, rows, h, PurePosixPath(name).name, first, PurePosixPath(name).name)
        for k, (name, rows, h, first) in found.items()
    }
    if end is None:  # the zip was renamed: the last day of the daily files is the period end
        days = []
        for k in ("chart", "totals"):
            if k in tables:
                days += [d for d in tables[k].dates(ctx, "date") if d is not None]
        end = max(days) if days else None
    parts = [
        _PARSERS[k](ctx, tables[k], aid, end) for k in ("table", "chart", "totals") if k in tables
    ]
    out = _combine(parts)
    out["accounts"] = account
    return out


@report(P, "table_data", "YouTube Studio Table data.csv", detect=_detect_csv("table"))
def parse_table_data(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _one_csv(file, ctx, "table")


@report(P, "chart_data", "YouTube Studio Chart data.csv", detect=_detect_csv("chart"))
def parse_chart_data(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _one_csv(file, ctx, "chart")


@report(P, "totals", "YouTube Studio Totals.csv", detect=_detect_csv("totals"))
def parse_totals(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _one_csv(file, ctx, "totals")


# The three tables as the API connector lays its records out (`api_data`, `api_analytics`,
# `api_reporting`): the same parsers, so synced rows mean what imported rows mean.
table_data, chart_data, totals_data = _table_data, _chart_data, _totals
# What the Traffic source export (`traffic`) shares with this one: the folder or zip name, the
# account, the member names, the day column.
period, account, member_names, base_name = _period, _account, _member_names, _base
table, required_dates = _table, _required_dates
