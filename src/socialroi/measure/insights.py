"""Insights: plain sentences from the numbers, each with the figures behind it.

Deterministic: the same workspace gives the same sentences in the same order. Four kinds:

- `budget_vs_contribution`: platforms and markets whose share of the profile's outcome
  (revenue, SQLs, engagements) differs most from their share of true cost;
- `mover`: the biggest changes of the headline metrics against the comparison period;
- `undercredited`: platforms last click credits less than the data-driven model (Markov);
- `publishing_vs_engagement`: platforms whose share of engagements differs most from their
  share of posts published.

Every threshold is a setting (`InsightSettings`; in a workspace, the setting
`insights.<name>` overrides the default), and an insight is never emitted without the
figures in its `evidence`.

Sentences come in English (`lang="en"`) or Simplified Chinese (`lang="zh-CN"`); the evidence
is the same in both (names, metric keys and numbers, no words), and platform names stay
brands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import pandas as pd
from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent

from socialroi.errors import UnknownName
from socialroi.journeys.touches import JourneySettings
from socialroi.measure.attribution.workspace import compare
from socialroi.measure.profiles import load_profile
from socialroi.measure.roi import RoiResult, roi
from socialroi.model import words
from socialroi.model.metrics import metric
from socialroi.model.metrics.localized import localized
from socialroi.model.names import PLATFORM_NAMES, kind_label, model_label
from socialroi.model.periods import Period, parse_period


@dataclass(frozen=True)
class InsightSettings:
    min_share_gap: float = 0.08  # budget vs contribution: at least 8 points apart
    min_change: float = 0.20  # movers: at least 20 % up or down
    min_base: float = 1.0  # movers: the comparison value must be at least this
    min_credit_shift: float = 0.03  # last click vs data-driven: at least 3 points
    min_post_gap: float = 0.08  # posts vs engagements: at least 8 points apart
    data_driven_model: str = "markov"
    limit: int = 12

    @classmethod
    def from_workspace(cls, ws) -> InsightSettings:
        out = cls()
        for f in fields(cls):
            raw = ws.store.setting(f"insights.{f.name}")
            if raw is not None:
                out = replace(out, **{f.name: type(getattr(cls(), f.name))(raw)})
        return out


@dataclass(frozen=True)
class Insight:
    kind: str
    sentence: str
    evidence: dict[str, float | str]
    strength: float


LANGS = tuple(words.languages())  # sentences are written in en and zh-CN; others read en


def name(unit: str, lang: str = "en") -> str:
    """A platform's brand name; in Chinese, a market code becomes the country's name."""
    if unit in PLATFORM_NAMES:
        return PLATFORM_NAMES[unit]
    if lang == "zh-CN" and isinstance(unit, str) and len(unit) == 2 and unit.isupper():
        return Locale.parse("zh_Hans_CN").territories.get(unit, unit)
    return unit


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise UnknownName("insight language", lang, list(LANGS))


def pct(v: float) -> str:
    return f"{v * 100:.0f}%"


def fmt(v: float, unit: str, currency: str, lang: str = "en") -> str:
    """A figure in a sentence, in the notation of the report and the dashboard (Babel, for
    the language's locale): money with the currency's symbol, never a trailing code."""
    loc = words.languages().get(lang, "en_US")
    if unit == "percent":
        return format_percent(v, format="#,##0.0%", locale=loc)
    if unit == "ratio":
        return format_decimal(v, format="#,##0.00", locale=loc) + "×"
    if unit == "currency":
        return format_currency(v, currency, format="¤#,##0", locale=loc, currency_digits=False)
    return format_decimal(v, format="#,##0", locale=loc)


def insights(
    ws,
    period: str | Period,
    profile="dtc",
    compare: str | None = "previous",
    model: str | None = None,
    settings: InsightSettings | None = None,
    by_platform: RoiResult | None = None,
    by_market: RoiResult | None = None,
    attribution: pd.DataFrame | None = None,
    lang: str = "en",
) -> list[Insight]:
    """The strongest insights first (see the module docstring). `by_platform`/`by_market`:
    ROI results the caller already computed for the same inputs (with the comparison);
    `attribution`: a `socialroi.measure.attribution.workspace.compare()` table by platform for the
    period with last click and the data-driven model among its columns. `lang`: the
    sentences' language, "en" or "zh-CN"."""
    _check_lang(lang)
    s = settings or InsightSettings.from_workspace(ws)
    prof = load_profile(profile)
    p = parse_period(period)
    by_platform = by_platform or roi(ws, p, prof, by=("platform",), model=model, compare=compare)
    by_market = by_market or roi(ws, p, prof, by=("market",), model=model)
    out: list[Insight] = []
    out += budget_vs_contribution(by_platform, "platform", s, lang)
    out += budget_vs_contribution(by_market, "market", s, lang)
    if by_platform.compare_period is not None:
        out += movers(by_platform, s, lang)
    out += undercredited(ws, p, prof, s, attribution, lang)
    out += publishing_vs_engagement(by_platform, s, lang)
    out.sort(key=lambda i: (-i.strength, i.kind, i.sentence))
    return out[: s.limit]


def _rows(res: RoiResult, dim: str) -> pd.DataFrame:
    t = res.measures
    return t[~t[dim].isin(["other", "(unallocated)", "(none)"])]


def budget_vs_contribution(
    res: RoiResult, dim: str, s: InsightSettings, lang: str = "en"
) -> list[Insight]:
    m = res.profile.insight_metric
    meas = metric(m)
    t = _rows(res, dim)
    if t.empty:
        return []
    outcome = pd.Series([meas.value(r) for r in t.to_dict("records")], index=t.index)
    cost, total_out = t.true_cost.sum(), outcome.sum()
    if not cost or not total_out:
        return []
    out = []
    for (_, row), value in zip(t.iterrows(), outcome):
        share_out, share_cost = value / total_out, row.true_cost / cost
        gap = share_out - share_cost
        if abs(gap) < s.min_share_gap:
            continue
        if lang == "zh-CN":
            label = localized(meas, lang)[0]
            sentence = (
                f"{name(row[dim], lang)}以 {pct(share_cost)} 的真实成本带来了 {pct(share_out)} "
                f"的{label}。"
                if gap > 0
                else f"{name(row[dim], lang)}占用 {pct(share_cost)} 的真实成本，"
                f"却仅带来 {pct(share_out)} 的{label}。"
            )
        else:
            label = meas.label.lower() if meas.label[:3] != "SQL" else meas.label
            verb = "brings" if gap > 0 else "brings only"
            sentence = (
                f"{name(row[dim])} {verb} {pct(share_out)} of {label} on {pct(share_cost)} "
                f"of true cost."
            )
        out.append(
            Insight(
                "budget_vs_contribution",
                sentence,
                {
                    dim: row[dim],
                    "metric": m,
                    "share_of_outcome": share_out,
                    "share_of_true_cost": share_cost,
                    "outcome": float(value),
                    "true_cost": float(row.true_cost),
                    "period": res.period.label,
                },  # fmt: skip
                abs(gap),
            )
        )
    return out


def movers(res: RoiResult, s: InsightSettings, lang: str = "en") -> list[Insight]:
    out = []
    t = res.table[~res.table.platform.isin(["other", "(unallocated)"])]
    # a move matters as much as the platform does: a tripled CAC on 2 % of the budget is
    # weaker news than a 30 % fall of the biggest platform's revenue
    weight = _weights(res)
    for m in res.metrics:
        if m.name not in res.profile.headline or m.aggregation == "share_of_total":
            continue
        for row in t.to_dict("records"):
            now, prev = row.get(m.name), row.get(f"{m.name}_prev")
            if not _num(now) or not _num(prev) or abs(prev) < s.min_base:
                continue
            if m.unit == "percent":
                change = now - prev
                if abs(change) < s.min_change / 4:  # points: a quarter of the relative bar
                    continue
                how = f"{'up' if change > 0 else 'down'} {abs(change) * 100:.1f} points"
                how_zh = f"{'上升' if change > 0 else '下降'} {abs(change) * 100:.1f} 个百分点"
                strength = abs(change) * 2 * weight.get(row["platform"], 0.0)
            else:
                change = (now - prev) / abs(prev)
                if abs(change) < s.min_change:
                    continue
                how = f"{'up' if change > 0 else 'down'} {abs(change) * 100:.0f}%"
                how_zh = f"{'上升' if change > 0 else '下降'} {abs(change) * 100:.0f}%"
                strength = min(abs(change), 1.0) * weight.get(row["platform"], 0.0)
            cur = res.currency
            if lang == "zh-CN":
                sentence = (
                    f"{name(row['platform'])}的{localized(m, lang)[0]}较"
                    f"{res.compare_period.label}{how_zh}（{fmt(prev, m.unit, cur, lang)} → "
                    f"{fmt(now, m.unit, cur, lang)}）。"
                )
            else:
                sentence = (
                    f"{name(row['platform'])} {m.label} {how} against "
                    f"{res.compare_period.label} ({fmt(prev, m.unit, cur)} → "
                    f"{fmt(now, m.unit, cur)})."
                )
            out.append(
                Insight(
                    "mover",
                    sentence,
                    {
                        "platform": row["platform"],
                        "metric": m.name,
                        "now": float(now),
                        "before": float(prev),
                        "change": float(change),
                        "period": res.period.label,
                        "compared_with": res.compare_period.label,
                    },  # fmt: skip
                    strength,
                )
            )
    return out


def undercredited(
    ws,
    period: Period,
    prof,
    s: InsightSettings,
    table: pd.DataFrame | None = None,
    lang: str = "en",
) -> list[Insight]:
    kind = prof.primary_kind
    if table is None or not {"last_click", s.data_driven_model} <= set(table.columns):
        settings = JourneySettings(lookback_days=prof.lookback_days, kinds=(kind,))
        table = compare(ws, period, settings, models=("last_click", s.data_driven_model))
    else:
        kind = table.attrs.get("kind") or ("/".join(prof.kinds) if len(prof.kinds) > 1 else kind)
    if s.data_driven_model not in table or table.last_click.sum() == 0:
        return []
    dd = table[s.data_driven_model]
    if dd.sum() == 0:
        return []
    out = []
    for unit, lc, d in zip(table.unit, table.last_click / table.last_click.sum(), dd / dd.sum()):
        if unit not in PLATFORM_NAMES or d - lc < s.min_credit_shift:
            continue
        if lang == "zh-CN":
            model_zh = model_label(s.data_driven_model, lang)
            kind_zh = "/".join(kind_label(k, lang) for k in kind.split("/"))
            sentence = (
                f"末次点击低估了{name(unit)}：在{model_zh}模型下，它获得 {pct(d)} 的{kind_zh}"
                f"转化，而在末次点击下仅为 {pct(lc)}。"
            )
        else:
            sentence = (
                f"Last click under-credits {name(unit)}: {pct(d)} of {kind} conversions under "
                f"the {s.data_driven_model} model, {pct(lc)} under last click."
            )
        out.append(
            Insight(
                "undercredited",
                sentence,
                {
                    "platform": unit,
                    "kind": kind,
                    "data_driven_model": s.data_driven_model,
                    "data_driven_share": float(d),
                    "last_click_share": float(lc),
                    "period": period.label,
                },  # fmt: skip
                (d - lc) * 2,
            )
        )
    return out


def publishing_vs_engagement(res: RoiResult, s: InsightSettings, lang: str = "en") -> list[Insight]:
    t = _rows(res, "platform")
    if "posts" not in t or t.posts.sum() == 0 or t.engagements.sum() == 0:
        return []
    out = []
    for row in t.to_dict("records"):
        sp, se = row["posts"] / t.posts.sum(), row["engagements"] / t.engagements.sum()
        if abs(se - sp) < s.min_post_gap or not row["posts"]:
            continue
        per_post = row["engagements"] / row["posts"]
        if lang == "zh-CN":
            sentence = (
                f"{name(row['platform'])}：发布了 {pct(sp)} 的帖子，获得 {pct(se)} 的互动"
                f"（每帖 {per_post:,.0f} 次）。"
            )
        else:
            sentence = (
                f"{name(row['platform'])}: {pct(sp)} of posts published earn {pct(se)} of "
                f"engagements ({per_post:,.0f} per post)."
            )
        out.append(
            Insight(
                "publishing_vs_engagement",
                sentence,
                {
                    "platform": row["platform"],
                    "posts": row["posts"],
                    "engagements": row["engagements"],
                    "share_of_posts": sp,
                    "share_of_engagements": se,
                    "engagements_per_post": per_post,
                    "period": res.period.label,
                },  # fmt: skip
                abs(se - sp),
            )
        )
    return out


def _weights(res: RoiResult) -> dict[str, float]:
    """Each platform's larger share: of true cost, or of the attributed return."""
    m, tot = res.measures, res.measure_totals
    out = {}
    if "platform" not in m:
        return out
    for row in m.to_dict("records"):
        shares = [
            row.get(c, 0.0) / tot[c] for c in ("true_cost", "attributed_return") if tot.get(c)
        ]
        out[row["platform"]] = max(shares, default=0.0)
    return out


def _num(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))
