"""A post's figures: the one rule every page, the report and the metric catalogue use.

- **Which rows.** A post's newest lifetime snapshot (the latest export, `as_of`, then the
  latest metric date) when an export gave one; otherwise the sum of its daily rows. YouTube Studio
  gives both; the snapshot wins so nothing counts twice.
- **Dated snapshots.** Rows of grain `snapshot` are one dated read of a post's figures (the X
  API: what each sync read that day). A figure the newest lifetime row lacks comes from the
  post's newest snapshot that has it: X answers URL clicks only while a post is younger than 30
  days, so an older post keeps those of its last read before day 30. Snapshots are never
  summed.
- **Engagements.** The platform's own `engagements` figure where the row has it, otherwise
  likes + comments + shares + saves of that row.
- **Shown.** Impressions where the platform reports them, otherwise views (TikTok and
  YouTube report views where the others report impressions: a view is the post shown). It
  is the denominator of the engagement rate and what base measures count as impressions.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

COUNTS = (
    "impressions", "reach", "views", "likes", "comments", "shares", "saves", "link_clicks",
)  # fmt: skip
FIGURES = (*COUNTS, "engagements", "shown")
SNAPSHOT = "snapshot"  # grain of a dated read of a post's figures


def _filled_from_snapshots(pm: ir.Table) -> ir.Table:
    """Lifetime rows whose missing figures come from the post's newest snapshot having each;
    the other rows as they are."""
    snap = pm.filter(pm.grain == SNAPSHOT)
    cols = (*COUNTS, "engagements")
    last = snap.group_by(_spid=snap.post_id).agg(
        **{f"_s_{c}": snap[c].argmax(snap.as_of, where=snap[c].notnull()) for c in cols}
    )
    life = pm.filter(pm.grain == "lifetime")
    life = life.left_join(last, life.post_id == last._spid)
    life = life.select(
        *[life[c].fill_null(life[f"_s_{c}"]).name(c) if c in cols else life[c] for c in pm.columns]
    )
    return life.union(pm.filter(pm.grain != "lifetime"))


def post_figures(post_metrics: ir.Table) -> ir.Table:
    """One row per post that has metrics: `post_id` and `FIGURES`."""
    pm = _filled_from_snapshots(post_metrics)
    reactions = sum(pm[c].fill_null(0) for c in ("likes", "comments", "shares", "saves"))
    pm = pm.mutate(
        engagements=pm.engagements.fill_null(reactions),
        shown=pm.impressions.fill_null(pm.views),
    )
    life = pm.filter(pm.grain == "lifetime")
    newest = ibis.window(
        group_by=life.post_id, order_by=[life.as_of.desc(), life.metric_date.desc()]
    )
    life = life.mutate(_rank=ibis.row_number().over(newest))
    life = life.filter(life._rank == 0).select("post_id", *FIGURES)
    daily = pm.filter(~pm.grain.isin(("lifetime", SNAPSHOT)))
    has_life = life.select(_with_life=life.post_id)
    daily = daily.anti_join(has_life, daily.post_id == has_life._with_life)
    daily = daily.group_by("post_id").agg(**{c: daily[c].sum() for c in FIGURES})
    return life.union(daily)
