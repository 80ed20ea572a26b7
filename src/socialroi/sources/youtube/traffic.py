"""YouTube Studio's "Traffic source" export: a channel's views by traffic source and day.

Studio > Analytics > Advanced mode > Traffic source > Export current view > Comma-separated
values gives a zip named like `Traffic source 2026-03-01_2026-03-10 Voltiq Tech.zip` with the
three files every Advanced-mode export has (the layout `exports` reads for Content), the
first column being the traffic source instead of the video:

- `Table data.csv`: `Traffic source, Views, Watch time (hours), Average view duration, ...`,
  one row per source over the whole period, a `Total` row first;
- `Chart data.csv`: `Date, Traffic source, Views`, one row per day and source for the
  chart's metric (Views by default) and for the sources plotted in the chart (Studio plots
  the top ones; tick every row before exporting to get all of them);
- `Totals.csv`: `Date, Views`, the channel's views by day.

Chart data becomes `view_sources` rows (account x day x source), Totals the channel's
`account_metrics` views (as the Content export's Totals), and Table data checks that every
source with views was charted (its period totals have no day: they are not stored). Studio
writes each source's English name ("Browse features", "Suggested videos"); `SOURCES` maps
them to the Analytics API's `insightTrafficSourceType` codes (developers.google.com/youtube/
analytics/dimensions, "Traffic sources"), so a file and a sync of the same days agree. A name
Studio adds later is kept under a code made of the name, with a finding.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from socialroi.sources.base import Context, InputFile, report
from socialroi.sources.kit.headers import HeaderMap, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table
from socialroi.sources.kit.tabular import read_rows
from socialroi.sources.youtube import exports

P = exports.P
A = exports.A

# insightTrafficSourceType -> the name YouTube Studio shows (English), then other names seen
SOURCES: dict[str, tuple[str, ...]] = {
    "ADVERTISING": ("YouTube advertising",),
    "ANNOTATION": ("Cards and annotations", "Annotations", "Cards, annotations"),
    "CAMPAIGN_CARD": ("Campaign cards",),
    "END_SCREEN": ("End screens",),
    "EXT_URL": ("External",),
    "HASHTAGS": ("Hashtag pages",),
    "LIVE_REDIRECT": ("Live redirects",),
    "NO_LINK_EMBEDDED": ("Embedded players",),
    "NO_LINK_OTHER": ("Direct or unknown",),
    "NOTIFICATION": ("Notifications",),
    "PLAYLIST": ("Playlists",),
    "PRODUCT_PAGE": ("Product pages",),
    "PROMOTED": ("Promoted",),
    "RELATED_VIDEO": ("Suggested videos",),
    "SHORTS": ("Shorts feed",),
    "SOUND_PAGE": ("Sound pages",),
    "SUBSCRIBER": ("Browse features",),
    "VIDEO_REMIXES": ("Video remixes", "Remixed videos"),
    "YT_CHANNEL": ("Channel pages",),
    "YT_OTHER_PAGE": ("Other YouTube features",),
    "YT_PLAYLIST_PAGE": ("Playlist page", "Playlist pages"),
    "YT_SEARCH": ("YouTube search",),
}
_BY_NAME = {norm(n): code for code, names in SOURCES.items() for n in names}
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def source_name(code: str) -> str:
    """Studio's name of a traffic source code (the code itself when YouTube added it later)."""
    return SOURCES[code][0] if code in SOURCES else code


def _source(ctx: Context, raw: Any, rn: int, column: str, unknown: dict[str, int]) -> str:
    text = "" if raw is None or pd.isna(raw) else str(raw).strip()
    if not text:
        raise ctx.fail("a row has no traffic source", row=rn, column=column,
                       expected="a source such as Browse features or YouTube search")  # fmt: skip
    if text in SOURCES or (CODE.match(text) and norm(text) not in _BY_NAME):
        if text not in SOURCES:
            unknown[text] = unknown.get(text, 0) + 1
        return text
    code = _BY_NAME.get(norm(text))
    if code is None:
        code = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")[:60] or "UNKNOWN"
        unknown[text] = unknown.get(text, 0) + 1
    return code


def _header(rows: list[list[str]]) -> tuple[int, str] | None:
    """(header row, `chart` or `table`) of a Traffic source CSV, or None."""
    for i, row in enumerate(rows[:10]):
        hm = HeaderMap(row, A)
        if "traffic_source" in hm and ("views" in hm or "watch_hours" in hm):
            return i, "chart" if "date" in hm else "table"
    return None


# -- the files -----------------------------------------------------------------------------


def chart_rows(ctx: Context, t: Table, aid: str, end: dt.date | None) -> dict[str, pd.DataFrame]:
    """Chart data (or the API's rows laid out as it): `view_sources` by day and source."""
    if not t.has("views"):
        raise ctx.fail(
            "Chart data.csv has no Views column",
            column=", ".join(str(c) for c in t.header if c)[:200],
            expected="the chart's metric set to Views (Studio's default) before exporting",
        )
    days = exports.required_dates(ctx, t, end)
    unknown: dict[str, int] = {}
    column = t.column("traffic_source")
    codes = [_source(ctx, v, rn, column, unknown)
             for v, rn in zip(t.cells("traffic_source"), t.row_numbers)]  # fmt: skip
    names = [
        source_name(c) if c in SOURCES else (str(raw).strip() or c)
        for c, raw in zip(codes, t.cells("traffic_source"))
    ]
    frame = pd.DataFrame(
        {"account_id": aid, "platform": P, "metric_date": days, "source_type": codes,
         "source_name": names},
        index=range(len(days)),
    )  # fmt: skip
    frame["views"] = t.numbers(ctx, "views")
    if t.has("watch_hours"):
        frame["watch_seconds"] = t.numbers(ctx, "watch_hours", integer=False) * 3600.0
    dup = frame.duplicated(["metric_date", "source_type"], keep=False)
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise ctx.fail("a day and traffic source appear twice", row=t.row_numbers[i],
                       column=column, value=f"{days[i]} {codes[i]}",
                       expected="one row per day and source")  # fmt: skip
    for name, n in sorted(unknown.items()):
        ctx.finding(
            "unknown_traffic_source",
            f"traffic source {name!r} is not one socialroi knows; kept under its own name",
            column=column, value=name, rows=n,
        )  # fmt: skip
    return {"view_sources": frame}


def _uncharted(ctx: Context, table: Table, chart: pd.DataFrame | None) -> None:
    """Table data holds each source's period total: say which sources with views are missing
    from the day rows (Studio charts only the rows ticked), and that totals are not stored."""
    views = table.numbers(ctx, "views")
    unknown: dict[str, int] = {}
    column = table.column("traffic_source")
    codes = [_source(ctx, v, rn, column, unknown)
             for v, rn in zip(table.cells("traffic_source"), table.row_numbers)]  # fmt: skip
    if chart is None:  # Table data alone: nothing to check against
        total = 0 if views is None else int(views.fillna(0).sum())
        ctx.finding(
            "traffic_period_totals",
            f"Table data.csv holds {len(codes)} traffic source(s)' totals over the period "
            f"({total:,} views) with no day: not stored. The days by source are in Chart "
            "data.csv (import it too, or the whole zip)",
            column=column, value=total, rows=len(codes),
        )  # fmt: skip
        return
    charted = set(chart["source_type"])
    missing = [
        (c, int(v)) for c, v in zip(codes, [] if views is None else views.tolist())
        if c not in charted and v and not pd.isna(v)
    ]  # fmt: skip
    if missing:
        names = ", ".join(f"{source_name(c)} ({v:,} views)" for c, v in missing)
        ctx.finding(
            "traffic_source_not_charted",
            f"{len(missing)} traffic source(s) have views in Table data.csv but no day rows in "
            f"Chart data.csv (Studio charts only the rows ticked): {names}. Their period totals "
            "are not stored; export again with every row ticked",
            column=column, value=names, rows=len(missing),
        )  # fmt: skip


def _one(file: InputFile, ctx: Context, want: str) -> dict[str, pd.DataFrame]:
    _, end, channel = exports.period(file)
    aid, account = exports.account(ctx, channel)
    rows = read_rows(file)
    hk = _header(rows.rows)
    if hk is None or hk[1] != want:
        raise ctx.fail(
            f"this is not the {_TITLES[want]} of YouTube Studio's Traffic source export",
            value=", ".join(rows.rows[0])[:200] if rows.rows else "",
            expected=_EXPECTED[want],
        )
    t = exports.table(ctx, rows.rows, hk[0], PurePosixPath(file.name).name, rows.first_row, "")
    if want == "chart":
        return {"accounts": account, **chart_rows(ctx, t, aid, end)}
    _uncharted(ctx, t, None)
    return {"accounts": account}


_TITLES = {"chart": "Chart data.csv", "table": "Table data.csv"}
_EXPECTED = {
    "chart": "a header like Date, Traffic source, Views",
    "table": "a header like Traffic source, Views, Watch time (hours)",
}


def _detect_zip(s: Sniff) -> float:
    if s.kind != "zip" or not s.members or len(s.members) > 8:
        return 0.0
    try:
        with zipfile.ZipFile(io.BytesIO(s.file.data)) as zf:
            for m in s.members:
                if m.lower().endswith(".csv"):
                    rows = read_rows(InputFile(m, zf.read(m)[:65536]), max_rows=10).rows
                    if _header(rows):
                        return 0.97  # above the Content export's zip, which has the same names
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, KeyError):
        return 0.0
    return 0.0


def _detect_csv(kind: str):
    def detect(s: Sniff) -> float:
        if s.kind != "text" or not s.rows:
            return 0.0
        hk = _header(s.rows)
        if hk is None or hk[1] != kind:
            return 0.0
        return 0.95 if exports.base_name(s.name) in exports.member_names(kind) else 0.9

    return detect


@report(
    P,
    "traffic_export",
    "YouTube Studio Traffic source export (zip: Table data, Chart data, Totals)",
    detect=_detect_zip,
    accepts_zip=True,
)
def parse_traffic_export(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    end, aid, account, members = exports.open_zip(file, ctx)
    found: dict[str, Table] = {}
    for name, data in sorted(members.items()):
        if not name.lower().endswith(".csv"):
            continue
        rows = read_rows(InputFile(name, data))
        base = PurePosixPath(name).name
        hk = _header(rows.rows)
        kind = hk[1] if hk else ("totals" if exports.base_name(name) in
                                 exports.member_names("totals") else None)  # fmt: skip
        if kind is None:
            continue
        if kind in found:
            raise ctx.fail(f"the zip holds two {kind} files", value=base,
                           expected="the zip exactly as Studio exported it")  # fmt: skip
        h = hk[0] if hk else 0
        found[kind] = exports.table(ctx, rows.rows, h, base, rows.first_row, base)
    if "chart" not in found:
        raise ctx.fail("the zip holds no Chart data.csv with days by traffic source",
                       value=", ".join(members)[:200],
                       expected="Table data.csv, Chart data.csv and Totals.csv")  # fmt: skip
    out = {"accounts": account, **chart_rows(ctx, found["chart"], aid, end)}
    if "table" in found:
        _uncharted(ctx, found["table"], out["view_sources"])
    if "totals" in found:
        out.update(exports.totals_data(ctx, found["totals"], aid, end))
    return out


@report(P, "traffic_chart", "YouTube Studio Traffic source Chart data.csv",
        detect=_detect_csv("chart"))  # fmt: skip
def parse_traffic_chart(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _one(file, ctx, "chart")


@report(P, "traffic_table", "YouTube Studio Traffic source Table data.csv",
        detect=_detect_csv("table"))  # fmt: skip
def parse_traffic_table(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _one(file, ctx, "table")
