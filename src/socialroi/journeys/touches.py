"""Journeys: the touches of one person before a conversion, as Ibis expressions.

Identity stitching is deterministic: a visitor who ever signed in (or bought as a customer)
is that user; a user with a known e-mail hash is that e-mail; a visitor whose purchase the
shop reports with an e-mail (one order in both GA4 and the shop) is that e-mail. A person is
`e:<email hash>`, else `u:<user id>`, else `v:<visitor id>`. A conversion's journey is its
person's touches inside the lookback window (default 30 days, configurable per conversion
kind) and after that person's previous conversion of the kinds considered. People with
touches in the period and no conversion give non-converting journeys, anchored on their last
touch in the period, that data-driven models need (`total_null`).

Everything up to the aggregated paths runs in the backend (DuckDB or Spark); the model
kernels then work on unique paths, so their cost grows with distinct paths, not with raw
rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.periods import Period
from socialroi.store.spark import reuse

TRANSFORMS = ("exposure", "unique", "first", "frequency")
DIRECT_RULES = ("keep", "remove_unless_only")
GRANULARITIES = {
    "platform": "social platform, or the channel for non-social traffic",
    "platform_paid": "social platform and paid/organic, or the channel",
    "channel": "channel (Paid Social, Organic Search, Direct, ...)",
    "campaign": "utm campaign, or the channel when there is none",
    "post": "utm content (the post or ad), or the channel when there is none",
    "market": "market of the visit",
}
DIRECT = "Direct"
SEP = " > "
# A name holding the separator ("Summer > Sale") is written with this stand-in inside a path,
# so that splitting the path keeps it one touch; `strip_frequency` (every name read back from
# a path goes through it) turns it back. A private-use character: no export spells it.
SEP_IN_NAME = "\ue03e"


def path_name(key: str) -> str:
    """A touch's name as written inside a path (see SEP_IN_NAME)."""
    return key.replace(">", SEP_IN_NAME)


@dataclass(frozen=True)
class JourneySettings:
    lookback_days: int = 30
    lookback_by_kind: dict[str, int] = field(default_factory=dict)
    kinds: tuple[str, ...] = ("purchase",)
    by: tuple[str, ...] = ("platform",)
    transform: str = "exposure"
    direct: str = "keep"
    include_null: bool = True

    def __post_init__(self) -> None:
        if self.transform not in TRANSFORMS:
            raise SocialroiError(
                f"unknown path transform {self.transform!r}; valid: {', '.join(TRANSFORMS)}"
            )
        if self.direct not in DIRECT_RULES:
            raise SocialroiError(
                f"unknown Direct handling {self.direct!r}; valid: {', '.join(DIRECT_RULES)}"
            )
        if self.lookback_days <= 0 or any(v <= 0 for v in self.lookback_by_kind.values()):
            raise SocialroiError("lookback windows must be a positive number of days")


DEFAULT_SETTINGS = JourneySettings()


def person_ids(
    touchpoints: ir.Table,
    conversions: ir.Table,
    window: tuple[dt.datetime, dt.datetime] | None = None,
) -> tuple[ir.Table, ir.Table]:
    """Touchpoints and conversions with a stitched `person_id` column. Identity links come
    from every row; with `window` (UTC from, to) only the touches inside it are returned."""
    tp, cv = touchpoints, conversions
    seen = tp.filter(tp.user_id.notnull() & tp.visitor_id.notnull()).select(
        _v=tp.visitor_id, _u=tp.user_id
    )
    seen = seen.union(
        cv.filter(cv.user_id.notnull() & cv.visitor_id.notnull()).select(
            _v=cv.visitor_id, _u=cv.user_id
        )
    )
    v2u = seen.group_by("_v").agg(_vu=seen._u.min())
    links = tp.filter(tp.user_id.notnull() & tp.email_hash.notnull()).select(
        _u=tp.user_id, _e=tp.email_hash
    )
    links = links.union(
        cv.filter(cv.user_id.notnull() & cv.email_hash.notnull()).select(
            _u=cv.user_id, _e=cv.email_hash
        )
    )
    u2e = links.group_by("_u").agg(_ue=links._e.min())
    # A conversion that several systems reported (shop order + web purchase, merged by
    # `socialroi.journeys.conversions`) carries the web visitor and the shop's e-mail together.
    v2e = (
        cv.filter(cv.visitor_id.notnull() & cv.email_hash.notnull())
        .group_by(_ve_v=cv.visitor_id)
        .agg(_ve=cv.email_hash.min())
    )

    def stitch(t: ir.Table) -> ir.Table:
        t = t.left_join(v2u, t.visitor_id == v2u._v).drop("_v")
        user = t.user_id.fill_null(t._vu)
        t = t.mutate(_user=user)
        t = t.left_join(u2e, t._user == u2e._u).drop("_u")
        t = t.left_join(v2e, t.visitor_id == v2e._ve_v).drop("_ve_v")
        email = t.email_hash.fill_null(t._ue).fill_null(t._ve)
        pid = ibis.cases(
            (email.notnull(), "e:" + email),
            (t._user.notnull(), "u:" + t._user),
            (t.visitor_id.notnull(), "v:" + t.visitor_id),
            else_=ibis.null("string"),
        )
        return t.mutate(person_id=pid).drop("_vu", "_user", "_ue", "_ve")

    if window is not None:
        tp = tp.filter((tp.occurred_at >= window[0]) & (tp.occurred_at <= window[1]))
    return reuse(stitch(tp)), reuse(stitch(cv))


def channel_key(t: ir.Table, by: tuple[str, ...]) -> ir.StringValue:
    """The credited unit of a touch at the chosen granularity."""
    fallback = t.channel.fill_null("Unmapped")
    parts = []
    for g in by:
        if g == "platform":
            parts.append(t.channel_platform.fill_null(fallback))
        elif g == "platform_paid":
            parts.append(
                ibis.cases(
                    (t.channel_platform.notnull(),
                     t.channel_platform + ibis.cases((t.paid, " paid"), else_=" organic")),
                    else_=fallback,
                )
            )  # fmt: skip
        elif g == "channel":
            parts.append(fallback)
        elif g == "campaign":
            parts.append(t.campaign.nullif("").fill_null(fallback))
        elif g == "post":
            parts.append(t.content.nullif("").fill_null(fallback))
        elif g in t.columns:
            parts.append(t[g].cast("string").nullif("").fill_null("(none)"))
        else:
            valid = sorted(set(GRANULARITIES) | set(t.columns))
            raise SocialroiError(f"unknown granularity {g!r}; valid: {', '.join(valid)}")
    key = parts[0]
    for p in parts[1:]:
        key = key + " | " + p
    return key


def _epoch(col: ir.TimestampValue) -> ir.IntegerValue:
    return col.epoch_seconds()


def journey_touches(
    touchpoints: ir.Table,
    conversions: ir.Table,
    period: Period,
    settings: JourneySettings = DEFAULT_SETTINGS,
) -> ir.Table:
    """One row per touch of every journey, after path transforms.

    Columns: journey_id, conversion_id (null when not converting), person_id, kind,
    converted, value (base currency), anchor_at, touch_id, occurred_at, key, frequency,
    days_before, position (1-based within the journey), path_length.
    """
    s = settings
    # only touches that can fall in a lookback of a conversion in the period are stitched
    longest = max([s.lookback_days, *s.lookback_by_kind.values()])
    window = (
        dt.datetime.combine(period.start - dt.timedelta(days=longest + 1), dt.time(), dt.UTC),
        dt.datetime.combine(period.end + dt.timedelta(days=2), dt.time(), dt.UTC),
    )
    tp, cv = person_ids(touchpoints, conversions, window)
    tp = tp.filter(tp.person_id.notnull()).mutate(key=channel_key(tp, s.by))
    tp = tp.select("touch_id", "person_id", "occurred_at", "key", _t=_epoch(tp.occurred_at))
    start = ibis.literal(period.start)
    end = ibis.literal(period.end)
    kinds = list(s.kinds)
    conv_all = cv.filter(cv.kind.isin(kinds) & cv.person_id.notnull())
    w = ibis.window(
        group_by=conv_all.person_id, order_by=[conv_all.occurred_at, conv_all.conversion_id]
    )
    conv_all = reuse(conv_all.mutate(_prev=_epoch(conv_all.occurred_at).lag().over(w)))
    conv = conv_all.filter((conv_all.local_date >= start) & (conv_all.local_date <= end))
    lookback = (
        ibis.cases(
            *[(conv.kind == k, v) for k, v in s.lookback_by_kind.items()], else_=s.lookback_days
        )
        if s.lookback_by_kind
        else ibis.literal(s.lookback_days)
    )
    conv = conv.select(
        journey_id=conv.conversion_id,
        conversion_id=conv.conversion_id,
        c_person=conv.person_id,
        kind=conv.kind,
        value=conv.value_base.fill_null(0.0),
        anchor_at=conv.occurred_at,
        _a=_epoch(conv.occurred_at),
        _from=_epoch(conv.occurred_at) - lookback * 86400,
        _prev=conv._prev,
    )
    j = conv.inner_join(
        tp,
        [
            conv.c_person == tp.person_id,
            tp._t <= conv._a,
            tp._t > conv._from,
            conv._prev.isnull() | (tp._t > conv._prev),
        ],
    )
    converting = j.select(
        "journey_id", "conversion_id", "person_id", "kind", "value", "anchor_at", "touch_id",
        "occurred_at", "key", "_t", "_a", converted=ibis.literal(True),
    )  # fmt: skip
    parts = [converting]
    if s.include_null:
        converters = conv_all.select(_cp=conv_all.person_id).distinct()
        in_period = tp.filter((tp.occurred_at.date() >= start) & (tp.occurred_at.date() <= end))
        last = (
            in_period.anti_join(converters, in_period.person_id == converters._cp)
            .group_by(_lp="person_id")
            .agg(_a=in_period._t.max(), anchor_at=in_period.occurred_at.max())
        )
        nj = last.inner_join(
            tp,
            [last._lp == tp.person_id, tp._t <= last._a, tp._t > last._a - s.lookback_days * 86400],
        )
        parts.append(
            nj.select(
                journey_id="null:" + nj.person_id,
                conversion_id=ibis.null("string"),
                person_id=nj.person_id,
                kind=ibis.null("string"),
                value=ibis.literal(0.0),
                anchor_at=nj.anchor_at,
                touch_id=nj.touch_id,
                occurred_at=nj.occurred_at,
                key=nj.key,
                _t=nj._t,
                _a=nj._a,
                converted=ibis.literal(False),
            )
        )
    t = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    return _transform(t, s)


def _transform(t: ir.Table, s: JourneySettings) -> ir.Table:
    order = [t._t, t.touch_id]
    if s.direct == "remove_unless_only":
        wj = ibis.window(group_by=t.journey_id)
        non_direct = (t.key != DIRECT).cast("int64").sum().over(wj)
        t = t.mutate(_nd=non_direct)
        t = t.filter((t.key != DIRECT) | (t._nd == 0)).drop("_nd")
    wj = ibis.window(group_by=t.journey_id, order_by=[t._t, t.touch_id])
    if s.transform == "exposure":
        t = t.mutate(_prev_key=t.key.lag().over(wj))
        t = t.filter(t._prev_key.isnull() | (t._prev_key != t.key)).drop("_prev_key")
        t = t.mutate(frequency=ibis.literal(1))
    elif s.transform in ("first", "frequency"):
        wk = ibis.window(group_by=[t.journey_id, t.key], order_by=[t._t, t.touch_id])
        wk_all = ibis.window(group_by=[t.journey_id, t.key])
        t = t.mutate(_rk=ibis.row_number().over(wk), frequency=t.touch_id.count().over(wk_all))
        t = t.filter(t._rk == 0).drop("_rk")
        if s.transform == "frequency":
            t = t.mutate(key=t.key + "(" + t.frequency.cast("string") + ")")
    else:
        t = t.mutate(frequency=ibis.literal(1))
    del order
    wj = ibis.window(group_by=t.journey_id, order_by=[t._t, t.touch_id])
    wall = ibis.window(group_by=t.journey_id)
    return t.mutate(
        position=ibis.row_number().over(wj) + 1,
        path_length=t.touch_id.count().over(wall),
        days_before=(t._a - t._t) / 86400.0,
    ).drop("_t", "_a")


def aggregate_paths(touches: ir.Table) -> ir.Table:
    """Unique paths with ChannelAttribution's columns: path, total_conversions,
    total_conversion_value, total_null."""
    # Collect (position, key) pairs and sort them: order-sensitive aggregation (`collect(
    # order_by=...)`) is not available on Spark, sorting an array of structs is everywhere.
    pairs = ibis.struct({"p": touches.position, "k": touches.key}).collect()
    per_journey = touches.group_by(["journey_id", "converted", "value"]).agg(
        path=pairs.sort().map(lambda s: s.k.replace(">", SEP_IN_NAME)).join(SEP)
    )
    return (
        per_journey.group_by("path")
        .agg(
            total_conversions=per_journey.converted.cast("int64").sum(),
            total_conversion_value=per_journey.value.sum(),
            total_null=(~per_journey.converted).cast("int64").sum(),
        )
        .order_by("path")
    )


def strip_frequency(key: str) -> str:
    """`tiktok(3)` -> `tiktok` (the frequency transform's annotation); a name read back from
    a path gets its `>` back."""
    key = key.replace(SEP_IN_NAME, ">")
    if key.endswith(")") and "(" in key:
        head, _, tail = key.rpartition("(")
        if tail[:-1].isdigit():
            return head
    return key


def period_of(day_from: dt.date, day_to: dt.date) -> Period:
    return Period(day_from, day_to, f"{day_from}..{day_to}")


def to_frame(expr: ir.Table) -> pd.DataFrame:
    return expr.execute()
