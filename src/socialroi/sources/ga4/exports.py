"""Google Analytics 4 exports: report CSV downloads and the BigQuery event export.

`ga4/report` — a report downloaded from the GA4 UI (Share this report > Download file > CSV):
a `#` banner (report title, account, property, `Start date: YYYYMMDD`, `End date: YYYYMMDD`),
then one or more tables separated by blank lines and banner lines (the chart's `Nth day`
series, then the report table), often with a `Grand total` row. The table holding session
source / medium and Sessions becomes `traffic_daily` rows (origin `ga4_report`).

`ga4/events` — the BigQuery export (`events_YYYYMMDD` rows) as newline-delimited JSON or
Parquet; see `socialroi.sources.ga4.bigquery` for the vectorised flattening into
`touchpoints` (one per session) and `conversions` (purchase, sign_up, generate_lead).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, report
from socialroi.sources.ga4 import bigquery
from socialroi.sources.kit.accounts import known_currency
from socialroi.sources.kit.cells import (
    decimal_style,
    numbers,
    skipped_totals,
    total_flags,
    url_decode,
)
from socialroi.sources.kit.columns import columns, each_distinct, keep, text_array, trimmed
from socialroi.sources.kit.countries import country_code
from socialroi.sources.kit.dates import dates
from socialroi.sources.kit.headers import HeaderMap, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.tabular import read_rows

ORIGIN = "ga4_report"
WEB = ("web", "ga4")  # platforms a GA4 property is registered under
DIMENSIONS = ("date", "nth_day", "source_medium", "source", "medium", "campaign", "country",
              "channel_group")  # fmt: skip
CHANNEL_GROUP = "(channel group)"  # the source of rows that know only GA4's channel group
METRICS = ("sessions", "users", "engaged_sessions", "key_events", "revenue")
# Campaign placeholders GA4 writes when a session has no campaign.
NO_CAMPAIGN = {"", "(not set)", "(direct)", "(organic)", "(referral)", "(none)", "(未设置)"}
_BANNER_DATE = re.compile(r"(?<!\d)(\d{8})(?!\d)")
_COMPARISON = {norm(x) for x in ("Date range", "Intervalo de fechas", "日期范围", "Período")}


def _report_aliases() -> dict[str, list[str]]:
    return aliases("ga4", "report")


@dataclass
class Block:
    """One table of a report download: its header and the rows up to a blank or banner line."""

    header_row: int  # spreadsheet row number of the header
    header: list[str]
    body: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class Layout:
    banner: list[tuple[int, str]]
    tables: list[Block]

    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """Start and end date from the banner (`# Start date: 20250101`)."""
        found: list[dt.date] = []
        for _, line in self.banner:
            for m in _BANNER_DATE.finditer(line):
                try:
                    found.append(dt.datetime.strptime(m.group(1), "%Y%m%d").date())
                except ValueError:
                    continue
        if not found:
            return None, None
        return found[0], found[1] if len(found) > 1 else found[0]

    @property
    def title(self) -> str | None:
        for _, line in self.banner:
            text = line.lstrip("#").strip()
            if text and not set(text) <= {"-"}:
                return text
        return None


def split_layout(rows: list[list[str]], first_row: int, delimiter: str) -> Layout:
    """Banner lines and the tables between blank / banner lines."""
    banner: list[tuple[int, str]] = []
    tables: list[Block] = []
    # Most lines are table rows: their first cell is filled and starts with neither white
    # space nor `#`. Only the other lines (banners, blank lines, rows that start with an empty
    # or indented cell) are looked at one by one; the rows between them are sliced whole.
    firsts = text_array([r[0] if r else "" for r in rows])
    if firsts is None:  # not reachable for rows read from text
        raise TypeError("rows of text expected")
    plain = pc.and_(
        pc.equal(pc.utf8_ltrim_whitespace(firsts), firsts),
        pc.and_(pc.not_equal(firsts, ""), pc.invert(pc.starts_with(firsts, "#"))),
    )
    others = np.flatnonzero(~plain.to_numpy(zero_copy_only=False)).tolist()
    current: Block | None = None
    start = 0  # the first row not yet placed
    for i in [*others, len(rows)]:
        if current is not None and i > start:
            current.body.extend(zip(range(start + first_row, i + first_row), rows[start:i]))
        elif i > start:  # a table starts with a plain row
            current = Block(start + first_row, [c.strip() for c in rows[start]])
            tables.append(current)
            rest = range(start + 1 + first_row, i + first_row)
            current.body.extend(zip(rest, rows[start + 1 : i]))
        if i == len(rows):
            break
        row = rows[i]
        rn = i + first_row
        first = next((c for c in row if c.strip()), "")
        start = i + 1
        if first.lstrip().startswith("#"):
            banner.append((rn, delimiter.join(row)))
            current = None
        elif not first:  # a blank line
            current = None
        elif current is None:
            current = Block(rn, [c.strip() for c in row])
            tables.append(current)
        else:
            current.body.append((rn, row))
    return Layout(banner, tables)


def _usable(hm: HeaderMap) -> bool:
    if "source_medium" in hm or "source" in hm:
        return "sessions" in hm
    # an untouched Traffic acquisition (Sessions) or User acquisition (Total users) download
    return "channel_group" in hm and ("sessions" in hm or "users" in hm)


def _detect_report(s: Sniff) -> float:
    if s.kind != "text" or not s.lines:
        return 0.0
    banner = [ln for ln in s.lines[:20] if ln.lstrip("\ufeff").startswith("#")]
    has_banner = any(set(ln.strip("#\ufeff ").strip()) == {"-"} for ln in banner) and any(
        _BANNER_DATE.search(ln) for ln in banner
    )
    al = _report_aliases()
    header_hit = False
    for row in s.rows[:40]:
        if row and not row[0].lstrip("\ufeff").startswith("#"):
            hm = HeaderMap(row, al)
            if _usable(hm):
                header_hit = True
                break
    if header_hit and has_banner:
        return 0.95
    if header_hit:
        return 0.8
    return 0.6 if has_banner else 0.0


def _dims_score(hm: HeaderMap) -> int:
    return sum(f in hm for f in ("date", "nth_day", "campaign", "country")) * 2 + (
        "source_medium" in hm or ("source" in hm and "medium" in hm)
    )


@report("ga4", "report", "GA4 report CSV download", detect=_detect_report)
def parse_report(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    rows = read_rows(file)
    layout = split_layout(rows.rows, rows.first_row, rows.delimiter)
    al = _report_aliases()
    candidates = []
    for t in layout.tables:
        hm = HeaderMap(t.header, al)
        if any(norm(h) in _COMPARISON for h in t.header):
            raise ctx.fail(
                "this GA4 report compares two date ranges; its rows would be counted twice",
                row=t.header_row,
                value=", ".join(t.header)[:200],
                expected="a report downloaded without a date comparison",
            )
        if _usable(hm):
            candidates.append((t, hm))
    if not candidates:
        shown = layout.tables[0] if layout.tables else None
        raise ctx.fail(
            "this GA4 report has no table with a session source and Sessions",
            row=shown.header_row if shown else None,
            value=", ".join(shown.header)[:200] if shown else None,
            expected="a table with 'Session source / medium' (or 'Session source') and "
            "'Sessions', e.g. Reports > Acquisition > Traffic acquisition with the primary "
            "dimension set to Session source / medium",
        )
    # the most dimensions; then the most metrics (the report table over a chart's series)
    table, hm = max(candidates, key=lambda c: (_dims_score(c[1]), sum(f in c[1] for f in METRICS)))
    for t in layout.tables:
        if t is not table:
            ctx.finding(
                "ignored_table",
                f"a second table in the file ({t.header[0] if t.header else ''!r}, "
                f"{len(t.body)} rows) is not the report table; not imported",
                row=t.header_row,
                value=", ".join(t.header)[:200],
                rows=len(t.body),
            )
    start, end = layout.period
    return {"traffic_daily": traffic_rows(ctx, table, hm, start, end)}


def traffic_rows(
    ctx: Context, table: Block, hm: HeaderMap, start: dt.date | None, end: dt.date | None
) -> pd.DataFrame:
    """The report table's rows as `traffic_daily` (the Data API connector lays its rows out
    as this table too, so a synced report means what the downloaded one means)."""
    ctx.rows_read = len(table.body)
    width = max(len(table.header), 3, *(i + 1 for i in hm.index.values()))
    every = columns([r for _, r in table.body], width)
    totals: list[tuple[int, str]] = []
    flags = total_flags(every[0], every[1], every[2])
    if table.body:  # a first row without dimensions is GA4's total too
        r = table.body[0][1]
        dims = [r[i].strip() if i < len(r) else "" for i in (hm.index[f] for f in DIMENSIONS
                if f in hm)]  # fmt: skip
        flags[0] = flags[0] or not any(dims)
    for rn, r in (table.body[k] for k, total in enumerate(flags) if total):
        totals.append((rn, r[0] if r and r[0].strip() else "(empty dimensions)"))
    skipped_totals(ctx, totals)
    rows = [k for k, total in enumerate(flags) if not total]
    body = [table.body[k] for k in rows] if totals else table.body
    rns = [rn for rn, _ in body]
    cols = keep(every, rows) if totals else every
    done: dict[str, Sequence] = {}

    def cells(f: str) -> Sequence:
        # text cells of a file, trimmed; the API's metrics arrive already read as numbers
        if f not in done:
            done[f] = trimmed(cols[hm.index[f]])
        return done[f]

    out = pd.DataFrame({"origin": [ORIGIN] * len(body)})
    # Day of each row.
    if "date" in hm:
        raw = cells("date")
        iso = each_distinct(raw, _iso_day)
        day = dates(ctx, iso, rns, hm.column_name("date"), year=start.year if start else None)
        for d, rn, v in zip(day, rns, raw):
            if d is None:
                raise ctx.fail(
                    "a row has no date",
                    row=rn,
                    column=hm.column_name("date"),
                    value=v,
                    expected="a date such as 20250108",
                )
    elif "nth_day" in hm:
        if start is None:
            raise ctx.fail(
                "this report counts days from its start ('Nth day') but its banner has no "
                "start date",
                row=table.header_row,
                column=hm.column_name("nth_day"),
                expected="a '# Start date: YYYYMMDD' line above the table",
            )
        n = numbers(ctx, cells("nth_day"), rns, hm.column_name("nth_day"), integer=True)
        day = [start + dt.timedelta(days=int(k)) if pd.notna(k) else None for k in n]
    else:
        if start is None:
            raise ctx.fail(
                "this report has no Date column and its banner does not say its period",
                row=table.header_row,
                value=", ".join(table.header)[:200],
                expected="a 'Date' dimension, or the '# Start date' / '# End date' banner",
            )
        day = [start] * len(body)
        if end and end != start and body:
            ctx.finding(
                "period_total",
                f"the report has no Date dimension: its {start}..{end} totals are stored on "
                f"{start}; add Date as a secondary dimension for daily figures",
                row=table.header_row,
                value=f"{start}..{end}",
                rows=len(body),
            )
    out["metric_date"] = day
    keys: list[Sequence] = [day]  # the key columns as Python values, for `_aggregate`
    # Source, medium, campaign, country.
    if "source_medium" in hm:
        parts = each_distinct(cells("source_medium"), _split_source_medium)
        source = [p[0] for p in parts]
        medium = [p[1] for p in parts]
    elif "source" not in hm:  # by default channel group: the group is the row's channel
        medium = cells("channel_group")
        source = [CHANNEL_GROUP] * len(body)
        ctx.finding(
            "channel_group_only",
            f"the report is by {hm.column_name('channel_group')} (GA4's default channel "
            "group), not by session source / medium: stored as traffic by channel group "
            "(source '(channel group)'); set the primary dimension to Session source / medium "
            "for traffic per platform",
            row=table.header_row,
            column=hm.column_name("channel_group"),
            rows=len(body),
        )
    else:
        source = cells("source")
        medium = cells("medium") if "medium" in hm else [""] * len(body)

    def dim(v: str) -> str:
        return url_decode(_clean_dim(v)).strip().lower()

    keys.append(each_distinct(source, lambda v: v if v == CHANNEL_GROUP else dim(v)))
    keys.append(each_distinct(medium, dim))
    if "campaign" in hm:
        keys.append(each_distinct(
            cells("campaign"), lambda v: "" if norm(v) in NO_CAMPAIGN else url_decode(v).strip()
        ))  # fmt: skip
    if "country" in hm:
        keys.append(_markets(ctx, cells("country"), rns, hm.column_name("country")))
    out["source"], out["medium"] = keys[1], keys[2]
    out["campaign"] = keys[3] if "campaign" in hm else ""
    out["market"] = keys[-1] if "country" in hm else ""
    # Metrics.
    metric_cells = list(chain.from_iterable(cells(f) for f in METRICS if f in hm))
    decimal = decimal_style(metric_cells)
    for f in METRICS:
        if f in hm:
            out[f] = numbers(
                ctx,
                cells(f),
                rns,
                hm.column_name(f),
                decimal=decimal,
                integer=f in ("sessions", "users", "engaged_sessions"),
            ).to_numpy()
    if "revenue" in hm:
        currency = ctx.options.currency or hm.currencies.get("revenue") or known_currency(ctx, WEB)
        if currency:
            out["currency"] = currency.upper()
        elif out["revenue"].fillna(0).eq(0).all():
            out = out.drop(columns="revenue")
            ctx.finding(
                "revenue_without_currency",
                "the report's revenue column is empty or zero and no --currency was given; "
                "revenue left empty",
                column=hm.column_name("revenue"),
            )
        else:
            raise ctx.fail(
                "GA4 report downloads do not say the property's currency",
                column=hm.column_name("revenue"),
                expected="the currency of the property's revenue",
                hint="Pass --currency XXX (the currency set in GA4 Admin > Property details), "
                "or register the property (platform web) with its currency.",
            )
    return _aggregate(out, keys)


def _iso_day(v: str) -> str:
    """GA4's `20250108` as `2025-01-08`; any other cell as it is."""
    return f"{v[:4]}-{v[4:6]}-{v[6:]}" if re.fullmatch(r"\d{8}", v) else v


def _split_source_medium(value: str) -> tuple[str, str]:
    v = value.strip()
    if " / " in v:
        s, m = v.rsplit(" / ", 1)
        return s.strip(), m.strip()
    if "/" in v and v.count("/") == 1 and "://" not in v:
        s, m = v.split("/")
        return s.strip(), m.strip()
    return v, ""


def _clean_dim(v: str) -> str:
    return "" if norm(v) in ("", "(not set)") else v.strip()


def _markets(ctx: Context, values: list[str], rns: list[int], column: str) -> list[str]:
    out, unknown = [], {}
    codes: dict[str, str | None] = {}  # None: not a known country
    for v, rn in zip(values, rns):
        if v not in codes:
            try:
                codes[v] = country_code(v) or ""
            except KeyError:
                codes[v] = None
        code = codes[v]
        if code is None:
            out.append("")
            unknown.setdefault(v, rn)
        else:
            out.append(code)
    if unknown:
        first = next(iter(unknown.items()))
        ctx.finding(
            "unknown_country",
            f"{len(unknown)} country name(s) are not known; their rows are stored with an "
            "empty market",
            row=first[1],
            column=column,
            value=", ".join(list(unknown)[:10]),
            rows=sum(1 for v in values if v in unknown),
        )
    return out


def _aggregate(df: pd.DataFrame, keys: list[Sequence]) -> pd.DataFrame:
    """One row per key (rows that differ only in case or an unknown country are summed), in
    the order each key first appears. `keys` holds the frame's key columns that vary."""
    if df.empty:
        return df
    seen: dict[tuple, int] = {}
    group = [seen.setdefault(k, len(seen)) for k in zip(*keys, strict=True)]
    if len(seen) == len(df):
        return df
    extra = [c for c in ("currency",) if c in df.columns]
    metrics = [c for c in METRICS if c in df.columns]
    firsts = np.unique(np.asarray(group), return_index=True)[1]
    out = df[["origin", "metric_date", "source", "medium", "campaign", "market"]]
    out = out.iloc[firsts].reset_index(drop=True)
    groups = df.groupby(group, sort=False)
    sums = groups[metrics].sum(min_count=1)  # vectorised; all-empty groups stay empty
    for c in metrics:
        out[c] = sums[c].to_numpy()
    for c in extra:
        out[c] = groups[c].first().to_numpy()
    return out


# -- BigQuery event export -----------------------------------------------------------------


def _detect_events(s: Sniff) -> float:
    cols = s.json_keys or s.parquet_columns
    need = {"event_name", "event_timestamp", "user_pseudo_id"}
    if not need <= cols:
        return 0.0
    return 0.95 if "event_params" in cols else 0.7


@report(
    "ga4",
    "events",
    "GA4 BigQuery event export (JSON lines or Parquet)",
    detect=_detect_events,
    in_sql=True,
)
def parse_events(file: InputFile, ctx: Context) -> dict[str, pa.Table]:
    return bigquery.parse(file, ctx)
