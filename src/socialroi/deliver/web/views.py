"""What each page (and its API twin) shows: plain functions from (workspace, filters) to named
tables and a few figures. The HTML pages and `/api/v1` both read these, so they never
disagree. Results are cached by (view, filters, workspace data version) in `app.py`.

Each view calls the library's measure functions (`socialroi.measure.roi`,
`socialroi.measure.costs.allocate`, ...); when one is not installed in this build, the
view says so in `notes` instead of failing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socialroi.deliver.i18n.errors import ERRORS
from socialroi.deliver.i18n.formats import LANGS
from socialroi.deliver.output import to_json
from socialroi.deliver.web.filters import Filters
from socialroi.errors import SocialroiError, UnknownName
from socialroi.experiments import analyse_named
from socialroi.experiments import names as experiment_names
from socialroi.journeys.touches import JourneySettings
from socialroi.measure import content as content_mod
from socialroi.measure import quality
from socialroi.measure.attributed import READS
from socialroi.measure.attribution.workspace import attribute, compare
from socialroi.measure.campaigns import campaigns_in, fold
from socialroi.measure.clv.workspace import clv_by
from socialroi.measure.costs.allocate import allocate, ledger, totals
from socialroi.measure.insights import LANGS as INSIGHT_LANGS
from socialroi.measure.insights import insights
from socialroi.measure.profiles import PROFILES, load_profile, profile_from_text
from socialroi.measure.query import Query
from socialroi.measure.roi import delta as roi_delta
from socialroi.measure.roi import delta_unit, roi
from socialroi.model.metrics import METRICS, metric
from socialroi.store import batches
from socialroi.store.web import saved_profile

ATTRIBUTION_GRAINS = ("platform", "platform_paid", "channel", "campaign", "market")


@dataclass
class View:
    name: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    local: dict[str, Any] = field(default_factory=dict)  # per language, for the pages only

    def to_json(self) -> dict[str, Any]:
        return {
            "view": self.name,
            "data": _plain(self.data),
            "notes": self.notes,
            "tables": {k: json.loads(to_json(v))["rows"] for k, v in self.tables.items()},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="records")
    if hasattr(value, "__dataclass_fields__"):
        return _plain({k: getattr(value, k) for k in value.__dataclass_fields__})
    return value


def profile_of(ws, name: str):
    """A built-in profile's name as is; a custom one saved from the dashboard as a Profile."""
    if name in PROFILES:
        return name
    saved = saved_profile(ws.store, name)
    if saved is None:
        raise UnknownName("profile", name, list(PROFILES))
    return profile_from_text(*saved)


def query_of(ws, f: Filters) -> Query:
    """The page's question, parsed once from its filters (a saved custom profile included)."""
    return Query.parse(
        f.period,
        compare=f.compare_arg,
        profile=profile_of(ws, f.profile),
        model=f.model or None,
        platforms=f.platforms,
        markets=f.markets,
        campaigns=[f.opt("campaign")] if f.opt("campaign") else None,
    )


def _scope(f: Filters) -> dict[str, Any]:
    return {"platforms": list(f.platforms) or None, "markets": list(f.markets) or None}


def _filter_frame(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    if f.platforms and "platform" in df:
        df = df[df["platform"].isin(f.platforms)]
    if f.markets and "market" in df:
        df = df[df["market"].isin(f.markets)]
    return df


def metric_info(name: str) -> dict[str, Any] | None:
    try:
        m = metric(name)
    except SocialroiError:
        return None
    return {
        "name": m.name,
        "label": m.label,
        "unit": m.unit,
        "direction": m.direction,
        "definition": m.definition,
    }


def metric_names() -> list[str]:
    return list(METRICS)


# -- overview -----------------------------------------------------------------------------
def overview(ws, f: Filters) -> View:
    view = View("overview")
    q = query_of(ws, f)
    q = _campaign_choice(ws, q, view)
    res = roi(ws, q, by=("platform",))
    cards = []
    for m in res.metrics:
        prev = (res.totals_prev or {}).get(m.name) if res.totals_prev else None
        cur = res.totals.get(m.name)
        delta = None
        if prev is not None and cur is not None:
            d = roi_delta(cur, prev, m.unit)
            delta = None if math.isnan(d) else d
        cards.append(
            {
                "metric": m.name,
                "label": m.label,
                "unit": m.unit,
                "direction": m.direction,
                "definition": m.definition,
                "value": cur,
                "previous": prev,
                "delta": delta,
                "delta_unit": delta_unit(m.unit),
            }
        )
    view.data["headline"] = cards
    view.data["currency"] = getattr(res, "currency", ws.base_currency)
    view.data["model"] = getattr(res, "model", f.model)
    cp = getattr(res, "compare_period", None)
    view.data["compare_period"] = getattr(cp, "label", None)
    view.tables["by_platform"] = res.table
    try:
        trend = roi(ws, q.but(compare=None, grain="month"), by=())
        view.tables["trend"] = trend.table
    except Exception as exc:  # a trend is a bonus; say why it is missing
        view.notes.append(f"trend not available: {exc}")
    # the figures behind the insights once, their sentences in every language
    if res.compare_period is None:  # movers need a comparison
        res = roi(ws, q.but(compare=q.compare or "previous"), by=("platform",))
    by_market = roi(ws, q.but(compare=None), by=("market",))
    local = {lang: _insights(ws, q, f, res, by_market, lang) for lang in {"en", *LANGS}}
    view.local["insights"] = {lang: local[lang] for lang in LANGS}
    view.data["insights"] = local["en"]  # English computed once, for the API and the page
    return view


def _campaign_choice(ws, q: Query, view: View) -> Query:
    """The campaigns the period's data names (the filter's choices) and the chosen one; what a
    campaign filter leaves out, said on the page."""
    names = campaigns_in(ws, q.period, q.profile.lookback_days)
    view.data["campaigns"] = names
    folded = {fold(n): n for n in names}
    chosen = tuple(folded.get(fold(c), c) for c in q.campaigns)  # case and spaces aside
    view.data["campaign"] = chosen[0] if chosen else None
    if not chosen:
        return q
    for c in chosen:
        if c not in names:
            view.notes.append(ERRORS["campaign_unknown"].format(campaign=c, period=q.period.label))
    view.notes.append(ERRORS["campaign_scope"])
    return q.but(campaigns=chosen)


def _insights(ws, q: Query, f: Filters, by_platform, by_market, lang: str) -> list[dict[str, Any]]:
    """The overview's insights within the page's filters: shares and movers among the chosen
    platforms and markets, and no sentence about a platform or market left out."""
    found = insights(
        ws, q.period, profile=q.profile, compare=q.compare or "previous", model=q.model,
        by_platform=by_platform, by_market=by_market, lang=lang if lang in INSIGHT_LANGS else "en",
    )  # fmt: skip
    kept = [
        i
        for i in found
        if (not f.platforms or i.evidence.get("platform", f.platforms[0]) in f.platforms)
        and (not f.markets or i.evidence.get("market", f.markets[0]) in f.markets)
        # the attribution models' comparison is of the whole period, not of one campaign
        and not (q.campaigns and i.kind == "undercredited")
    ]
    return [{"kind": i.kind, "sentence": i.sentence, "strength": i.strength} for i in kept[:8]]


# -- platforms x markets ------------------------------------------------------------------
def explore(ws, f: Filters) -> View:
    view = View("explore")
    metric = f.opt("metric")
    q = query_of(ws, f).but(compare=None)
    kw = {"metrics": [metric]} if metric else {}
    res = roi(ws, q, by=("platform", "market"), **kw)
    metric = metric or (res.metrics[0].name if res.metrics else "")
    view.data["metric"] = metric_info(metric) or {"name": metric, "label": metric, "unit": ""}
    table = res.table
    view.tables["platform_market"] = table
    if metric in table and not table.empty:
        pivot = table.pivot_table(
            index="platform", columns="market", values=metric, aggfunc="first"
        ).reset_index()
        pivot.columns = [str(c) for c in pivot.columns]
        view.tables["matrix"] = pivot
    by_platform = roi(ws, q, by=("platform",), **kw).table
    view.tables["by_platform"] = by_platform
    drill = f.opt("platform_drill")
    if drill:
        scope = q.but(platforms=(drill,))
        view.tables["campaigns"] = roi(ws, scope, by=("campaign",)).table
        posts = content_mod.posts_table(
            ws, q.period, platforms=[drill], markets=list(q.markets) or None
        )
        view.tables["posts"] = posts.sort_values("engagements", ascending=False).head(100)
    return view


# -- attribution --------------------------------------------------------------------------
def attribution(ws, f: Filters) -> View:
    view = View("attribution")
    grain = f.opt("granularity", "platform")
    if grain not in ATTRIBUTION_GRAINS:
        grain = "platform"
    kinds: tuple[str, ...] = ("purchase",)
    lookback_default, model_default = 30, "last_click"
    try:
        p = load_profile(profile_of(ws, f.profile))
        kinds = tuple(p.kinds) or kinds
        lookback_default, model_default = p.lookback_days, p.model
    except SocialroiError:  # an unknown profile: the defaults above stand
        pass
    try:
        lookback = max(1, min(365, int(f.opt("lookback", str(lookback_default)))))
    except ValueError:
        lookback = lookback_default
    model = f.model or model_default
    settings = JourneySettings(lookback_days=lookback, kinds=kinds, by=(grain,))
    period = f.parsed
    # remembered (and kept) while the journeys' tables stay the same: an import of posts or
    # costs does not make the dashboard compute every model again
    table = ws.memo(
        ("web.compare", period, repr(settings)), lambda: compare(ws, period, settings), reads=READS
    )
    if f.platforms and grain in ("platform", "platform_paid"):
        table = table[table.unit.str.split(" ").str[0].isin(f.platforms)]
    view.tables["comparison"] = table
    view.notes += list(table.attrs.get("skipped", {}).values())
    if model not in table.columns:  # e.g. exact Shapley over too many campaigns
        model = "markov"
    view.tables["model"] = ws.memo(
        ("web.attribute", model, period, repr(settings)),
        lambda: attribute(ws, model, period, settings),
        reads=READS,
    )
    view.data.update(
        model=model,
        granularity=grain,
        lookback=lookback,
        kinds=list(kinds),
        distance_to_truth=table.attrs.get("distance_to_truth", {}),
        models=[c for c in table.columns if c != "unit" and not c.endswith("_shift")],
    )
    return view


# -- content ------------------------------------------------------------------------------
def content(ws, f: Filters) -> View:
    view = View("content")
    mod = content_mod
    posts = mod.posts_table(ws, f.period, **_scope(f))
    view.data["posts_total"] = len(posts)  # the header counts the rows of the table below
    view.tables["posts"] = posts.sort_values("engagements", ascending=False)
    view.tables["publishing"] = mod.publishing_vs_engagement(ws, f.period, **_scope(f))
    view.tables["formats"] = mod.formats_table(ws, f.period, **_scope(f))
    return view


def posts(ws, f: Filters) -> View:
    """Every post of the period with its figures, by post id (the API pages through it)."""
    view = View("posts")
    found = content_mod.posts_table(ws, f.period, **_scope(f))
    view.tables["posts"] = found.sort_values("post_id", kind="stable").reset_index(drop=True)
    return view


# -- costs --------------------------------------------------------------------------------
def costs(ws, f: Filters) -> View:
    view = View("costs")
    view.tables["ledger"] = ledger(ws, f.period)
    alloc = _filter_frame(allocate(ws, f.period), f)
    view.tables["allocations"] = alloc
    if not alloc.empty:
        view.tables["by_platform_category"] = (
            alloc.assign(platform=alloc.platform.fillna("(unallocated)"))
            .groupby(["platform", "category"], as_index=False)["amount_base"]
            .sum()
        )
        view.data["total"] = float(alloc.amount_base.sum())
        view.data["nonsocial"] = nonsocial = totals(alloc)["nonsocial"]
        if nonsocial:  # in the total and the chart, but not in ROI's true cost: say so
            view.notes.append(ERRORS["nonsocial_cost"].format(
                amount=f"{nonsocial:,.2f}", currency=ws.base_currency))  # fmt: skip
    view.data["currency"] = ws.base_currency
    return view


# -- CLV ----------------------------------------------------------------------------------
def clv(ws, f: Filters) -> View:
    view = View("clv")
    opts: dict[str, Any] = {}
    try:
        clv_by(ws, f.period, by=("platform",))
    except SocialroiError as exc:  # too little history to predict: show historical CLV
        view.notes.append(f"Predicted CLV not shown: {exc}")
        opts["predict"] = False
    for name, by in (("by_platform", ("platform",)), ("platform_market", ("platform", "market"))):
        got = _filter_frame(clv_by(ws, f.period, by=by, **opts), f)
        view.tables[name] = got.dropna(axis=1, how="all") if opts else got
    view.data["clv_column"] = "historical_clv" if opts else "predicted_clv"
    view.data["currency"] = ws.base_currency
    return view


# -- data ---------------------------------------------------------------------------------
def data(ws, f: Filters) -> View:
    view = View("data")
    view.tables["imports"] = batches.history(ws.store)
    view.tables["findings"] = batches.findings_by_kind(ws.store)
    view.tables["sources"] = batches.sources_summary(ws.store)
    try:
        view.tables["coverage"] = quality.coverage(ws, f.period, markets=_scope(f)["markets"])
        view.tables["period_findings"] = quality.findings(ws, f.period)
    except SocialroiError as exc:
        view.notes.append(f"coverage not available: {exc}")
    return view


# -- experiments --------------------------------------------------------------------------
def experiments(ws, f: Filters) -> View:
    """Every experiment stored in the workspace, analysed on the data as it is now."""
    view = View("experiments")
    rows, arms, details = [], [], []
    for name in experiment_names(ws):
        r = analyse_named(ws, name)
        rows.append({"experiment": r.name, "design": r.design, "metric": r.metric,
                     "effect": r.effect, "low": r.low, "high": r.high, "p_value": r.p_value,
                     "prob_b_better": r.prob_b_better, "significant": r.significant})  # fmt: skip
        arms += [{"experiment": r.name, **a} for a in r.arms]
        details.append({"name": r.name, "question": r.question, "method": r.method,
                        "verdict": r.verdict, "needed": r.needed, "notes": r.notes,
                        "significant": r.significant,
                        "business": r.business, "sequential": r.sequential})  # fmt: skip
    if not rows:
        view.notes.append("No experiments yet: `socialroi experiment assign` stores one.")
    view.tables["experiments"] = pd.DataFrame(rows)
    view.tables["arms"] = pd.DataFrame(arms)
    view.data["details"] = details
    view.data["currency"] = ws.base_currency
    return view


def batch(ws, batch_id: int) -> View:
    view = View("batch")
    view.tables["batch"], view.tables["findings"] = batches.batch_detail(ws.store, batch_id)
    return view


VIEWS: dict[str, Callable[[Any, Filters], View]] = {
    "overview": overview,
    "explore": explore,
    "attribution": attribution,
    "content": content,
    "costs": costs,
    "clv": clv,
    "data": data,
    "experiments": experiments,
    "posts": posts,
}

# Page options each view reads from the URL besides the shared filters.
OPTIONS: dict[str, tuple[str, ...]] = {
    "overview": ("campaign",),
    "explore": ("metric", "platform_drill"),
    "attribution": ("granularity", "lookback"),
    "content": (),
    "costs": (),
    "clv": (),
    "data": (),
    "experiments": (),
    "posts": (),
}
