"""Data quality for a period: what the figures rest on, and what was left out.

- `coverage`: per source and market, the first and last day with data and the days missing
  inside the period (a gap in a daily export is the usual cause of a "drop" nobody can explain);
- `findings`: the import findings (rows skipped and why, values suppressed, mangled ids,
  unmapped channels) of the files that cover the period, by kind;
- `skipped_rows`: rows read, loaded and left out per source and report;
- `unmapped_utms`: the source / medium / campaign values no channel rule recognised;
- `fx_used`: per currency, the amounts converted and the exchange rates applied;
- `freshness`: per source, its last good sync and last file import (whatever the period).

Conversions, visits and ad delivery are events, not daily reports: a day without a sale, or
without a campaign running, is not a gap, so their missing days are for information only
(`daily` False). Account metrics and web analytics reports have a row for every day.
"""

from __future__ import annotations

import ibis
import pandas as pd

from socialroi.model.periods import Period, parse_period
from socialroi.unify.fx import daily_rates

# (table, date column, source column, market column or None (from the account), daily report)
SOURCES = (
    ("account_metrics", "metric_date", "platform", None, True),
    ("ad_metrics", "metric_date", "platform", "market", False),
    ("traffic_daily", "metric_date", "origin", "market", True),
    ("touchpoints", "local_date", "origin", "market", False),
    ("conversions", "local_date", "origin", "market", False),
)
COVERAGE_COLUMNS = [
    "table", "source", "market", "first_day", "last_day", "days_with_data", "days_in_period",
    "missing_days", "rows", "daily",
]  # fmt: skip


def coverage(ws, period: str | Period, markets=None) -> pd.DataFrame:
    """Per table, source and market: first/last day with data in the period, days with data,
    days missing (days in the period without a row)."""
    p = parse_period(period)
    n_days = (p.end - p.start).days + 1
    frames = []
    for name, dcol, scol, mcol, daily in SOURCES:
        t = ws.table(name)
        if mcol is None:
            acc = ws.table("accounts").select(_aid="account_id", _market="market")
            t = t.left_join(acc, t.account_id == acc._aid)
            market = t._market
        else:
            market = t[mcol]
        t = t.filter(t[dcol].between(p.start, p.end))
        t = t.mutate(_source=t[scol], _mkt=market.fill_null(""), _day=t[dcol])
        if markets:
            t = t.filter(t._mkt.isin(list(markets)))
        g = t.group_by(source="_source", market="_mkt").agg(
            first_day=t._day.min(),
            last_day=t._day.max(),
            days_with_data=t._day.nunique(),
            rows=t.count(),
        )
        df = g.execute()
        df.insert(0, "table", name)
        df["daily"] = daily
        frames.append(df)
    out = pd.concat([f for f in frames if not f.empty] or [frames[0]], ignore_index=True)
    out["days_in_period"] = n_days
    out["missing_days"] = n_days - out.days_with_data.astype("int64")
    out["market"] = out.market.replace("", None)
    for c in ("first_day", "last_day"):
        out[c] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in out[c]]
    return out[COVERAGE_COLUMNS].sort_values(["table", "source", "market"]).reset_index(drop=True)


def _batches(ws, p: Period):
    b = ws.table("import_batches")
    b = b.filter(b.status == "loaded")
    overlaps = (b.period_start <= p.end) & (b.period_end >= p.start)
    return b.filter(overlaps | b.period_start.isnull() | b.period_end.isnull())


def findings(ws, period: str | Period) -> pd.DataFrame:
    """Import findings of the batches covering the period, per kind: findings, rows, files,
    and one example message."""
    p = parse_period(period)
    b = _batches(ws, p).select(_bid="batch_id")
    f = ws.table("dq_findings")
    f = f.semi_join(b, f.batch_id == b._bid)
    g = f.group_by("kind").agg(
        findings=f.count(),
        rows=f.rows.sum(),
        files=f.file_name.nunique(),
        example=f.message.min(),  # one example, the same on every engine (not `arbitrary`)
    )
    df = g.execute()
    return df.sort_values("rows", ascending=False).reset_index(drop=True)


def skipped_rows(ws, period: str | Period) -> pd.DataFrame:
    """Per source and report: files, rows read, loaded and skipped (totals, blanks, footers)."""
    p = parse_period(period)
    b = _batches(ws, p)
    g = b.group_by("source", "report").agg(
        files=b.count(),
        rows_read=b.rows_read.sum(),
        rows_loaded=b.rows_loaded.sum(),
        rows_skipped=b.rows_skipped.sum(),
    )
    return g.execute().sort_values(["source", "report"]).reset_index(drop=True)


def unmapped_utms(ws, period: str | Period, limit: int = 20) -> pd.DataFrame:
    """Visits in the period whose source / medium no channel rule matched, most frequent first."""
    p = parse_period(period)
    t = ws.table("touchpoints")
    t = t.filter(t.local_date.between(p.start, p.end) & (t.rule == "unmapped"))
    g = t.group_by(
        source=t.source.fill_null(""), medium=t.medium.fill_null(""),
        campaign=t.campaign.fill_null(""),
    ).agg(touches=t.count())  # fmt: skip
    g = g.order_by([ibis.desc("touches"), "source", "medium", "campaign"]).limit(limit)
    return g.execute()


def fx_used(ws, period: str | Period) -> pd.DataFrame:
    """Per currency seen in the period's money rows: rows, amount in the currency and in base
    currency, the effective rate (base per unit), the lowest and highest daily rate to base in
    the period, and how many days used a user override instead of the ECB rate."""
    p = parse_period(period)
    base = ws.base_currency
    parts = []
    for name, dcol, amount, amount_base in (
        ("ad_metrics", "metric_date", "spend", "spend_base"),
        ("conversions", "local_date", "value", "value_base"),
        ("costs", "period_end", "amount", "amount_base"),
    ):
        t = ws.table(name)
        t = t.filter(t[dcol].between(p.start, p.end) & t[amount].notnull())
        parts.append(
            t.select(
                currency="currency",
                amount=t[amount].cast("float64"),
                amount_base=t[amount_base].cast("float64"),
            )
        )
    u = parts[0].union(parts[1]).union(parts[2])
    g = u.group_by("currency").agg(
        rows=u.count(), amount=u.amount.sum(), amount_base=u.amount_base.sum()
    )
    df = g.execute().sort_values("currency").reset_index(drop=True)
    cols = ["currency", "rows", "amount", "amount_base", "effective_rate", "min_rate",
            "max_rate", "override_days"]  # fmt: skip
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["effective_rate"] = (df.amount_base / df.amount).where(df.amount != 0)
    overrides = ws.table("fx_rates").execute()
    rates = daily_rates(list(df.currency), p.start, p.end, base, overrides)
    agg = rates.groupby("currency").agg(
        min_rate=("to_base", "min"),
        max_rate=("to_base", "max"),
        override_days=("rate_source", lambda s: int((s == "user").sum())),
    )
    df = df.join(agg, on="currency")
    df.attrs["base_currency"] = base
    return df[cols]


FRESHNESS_COLUMNS = ["source", "last_sync", "last_import", "data_until"]


def freshness(ws) -> pd.DataFrame:
    """How current each source is, whatever the period: its last good sync (a stream read
    from the platform's API and landed, changed or not), its last file import, and the last
    day it holds (from the synced days and the imported files' periods)."""
    b = ws.table("import_batches")
    b = b.filter((b.status == "loaded") & ~b.context.startswith("api:") & b.source.notnull())
    files = b.group_by("source").agg(last_import=b.imported_at.max(),
                                     files_until=b.period_end.max()).execute()  # fmt: skip
    c = ws.table("sync_cursors")
    syncs = c.group_by("source").agg(last_sync=c.synced_at.max(),
                                     synced_until=c.synced_until.max()).execute()  # fmt: skip
    df = files.merge(syncs, on="source", how="outer")
    if df.empty:
        return pd.DataFrame(columns=FRESHNESS_COLUMNS)
    days = [pd.to_datetime(df[c], errors="coerce") for c in ("files_until", "synced_until")]
    df["data_until"] = pd.concat(days, axis=1).max(axis=1).dt.date
    for col in ("last_sync", "last_import"):
        df[col] = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in df[col]]
    df["data_until"] = [None if pd.isna(v) else v for v in df["data_until"]]
    return df[FRESHNESS_COLUMNS].sort_values("source").reset_index(drop=True)
