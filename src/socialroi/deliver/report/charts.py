"""Charts for the report: Vega-Lite specs built with Altair, rendered to SVG by vl-convert.

One library for the HTML and the PDF: the same SVG is inlined in both, so the PDF keeps vector
charts and the HTML needs no JavaScript and no network. Every platform has one fixed colour
in every chart (`PLATFORM_COLORS`); non-social channels are muted greys and browns.
"""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd
import vl_convert as vlc

from socialroi.model import words
from socialroi.model.names import value_label

PLATFORM_COLORS = {
    "facebook": "#4C8DF6",
    "instagram": "#C13584",
    "tiktok": "#00A6A0",
    "x": "#1F2328",
    "pinterest": "#E60023",
    "youtube": "#F28C28",
    "linkedin": "#0A3D7A",
    # non-social channels
    "Direct": "#9CA3AF",
    "Email": "#B9A37A",
    "Organic Search": "#7C9A6D",
    "Paid Search": "#5E7A52",
    "Referral": "#A88FB0",
    "Unmapped": "#D1D5DB",
}
OTHER_COLOR = "#6B7280"
CATEGORY_COLORS = [
    "#2F4B7C",
    "#665191",
    "#A05195",
    "#D45087",
    "#F95D6A",
    "#FF7C43",
    "#FFA600",
    "#7A8B99",
    "#B0B7BF",
]
FONT = "Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif"
WIDTH = 560


def color_of(name: str) -> str:
    """A platform's or channel's colour, by its code or by its name in any language (charts
    are labelled for the reader: `TikTok`, `自然搜索`)."""
    if name in PLATFORM_COLORS:
        return PLATFORM_COLORS[name]
    if name in _display_colors():
        return _display_colors()[name]
    if str(name).lower() in PLATFORM_COLORS:
        return PLATFORM_COLORS[str(name).lower()]
    head = str(name).split(" ")[0]
    return PLATFORM_COLORS.get(head, _display_colors().get(head, OTHER_COLOR))


@functools.cache
def _display_colors() -> dict[str, str]:
    out = {}
    for code, color in PLATFORM_COLORS.items():
        for lang in words.languages():
            out.setdefault(value_label("unit", code, lang), color)
    return out


def _platform_scale(names) -> alt.Scale:
    domain = list(dict.fromkeys(str(n) for n in names))
    return alt.Scale(domain=domain, range=[color_of(n) for n in domain])


def _config(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure(font=FONT)
        .configure_view(strokeWidth=0)
        .configure_axis(labelFontSize=11, titleFontSize=11, grid=True, gridColor="#EEF0F3")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
    )


@functools.cache
def _vlc():

    # Text measured with the fonts the PDF uses (Noto CJK when installed), so labels fit.
    for d in ("/usr/share/fonts",):
        try:
            vlc.register_font_directory(d)
        except Exception:  # noqa: BLE001, S112 - a missing font folder only changes metrics
            continue
    return vlc


def to_svg(chart: alt.Chart) -> str:
    svg = _vlc().vegalite_to_svg(_config(chart).to_dict())
    # Scale with the page: keep the viewBox, let CSS set the width.
    return svg.replace("<svg ", '<svg class="chart" preserveAspectRatio="xMinYMin meet" ', 1)


def hbar(df: pd.DataFrame, cat: str, val: str, title: str, fmt: str = ",.0f") -> str:
    """One horizontal bar per platform (or channel), coloured by it."""
    order = list(df.sort_values(val, ascending=False)[cat].astype(str))
    chart = (
        alt.Chart(df.assign(**{cat: df[cat].astype(str)}))
        .mark_bar()
        .encode(
            y=alt.Y(f"{cat}:N", sort=order, title=None),
            x=alt.X(f"{val}:Q", title=title, axis=alt.Axis(format=fmt)),
            color=alt.Color(f"{cat}:N", scale=_platform_scale(order), legend=None),
        )
        .properties(width=WIDTH - 120, height=max(60, 22 * len(order)))
    )
    return to_svg(chart)


def paired_shares(df: pd.DataFrame, cat: str, a: str, b: str, a_label: str, b_label: str) -> str:
    """Two bars per platform: e.g. share of budget (light) against share of contribution."""
    long = df[[cat, a, b]].melt(id_vars=cat, var_name="measure", value_name="share")
    long["measure"] = long.measure.map({a: a_label, b: b_label})
    long[cat] = long[cat].astype(str)
    order = list(df.sort_values(b, ascending=False)[cat].astype(str))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(f"{cat}:N", sort=order, title=None),
            yOffset=alt.YOffset("measure:N", sort=[a_label, b_label]),
            x=alt.X("share:Q", title=None, axis=alt.Axis(format="%")),
            color=alt.Color(f"{cat}:N", scale=_platform_scale(order), legend=None),
            opacity=alt.Opacity(
                "measure:N",
                sort=[a_label, b_label],
                scale=alt.Scale(domain=[a_label, b_label], range=[0.35, 1.0]),
                legend=alt.Legend(title=None),
            ),
        )
        .properties(width=WIDTH - 120, height=max(80, 30 * len(order)))
    )
    return to_svg(chart)


def model_shares(df: pd.DataFrame, unit: str, models: dict[str, str], title: str) -> str:
    """Share of conversions per unit under each model (dots on one line per unit)."""
    cols = list(models)
    long = df[[unit, *cols]].melt(id_vars=unit, var_name="model", value_name="share")
    long["model"] = long.model.map(models)
    long[unit] = long[unit].astype(str)
    order = list(df.sort_values(cols[0], ascending=False)[unit].astype(str))
    base = alt.Chart(long).encode(
        y=alt.Y(f"{unit}:N", sort=order, title=None),
        x=alt.X("share:Q", title=title, axis=alt.Axis(format="%")),
    )
    rule = base.mark_rule(color="#CBD2D9").encode(detail=f"{unit}:N")
    dots = base.mark_point(filled=True, size=70, opacity=0.9).encode(
        color=alt.Color(
            "model:N",
            sort=list(models.values()),
            scale=alt.Scale(range=["#9CA3AF", "#111827", "#D45087", "#2F4B7C"]),
            legend=alt.Legend(title=None),
        ),
    )
    return to_svg((rule + dots).properties(width=WIDTH - 140, height=max(80, 22 * len(order))))


def stacked(df: pd.DataFrame, cat: str, stack: str, val: str, title: str) -> str:
    """Stacked horizontal bars: e.g. true cost per platform split by category."""
    d = df.assign(**{cat: df[cat].astype(str), stack: df[stack].astype(str)})
    order = list(d.groupby(cat)[val].sum().sort_values(ascending=False).index)
    cats = list(d.groupby(stack)[val].sum().sort_values(ascending=False).index)
    chart = (
        alt.Chart(d)
        .mark_bar()
        .encode(
            y=alt.Y(f"{cat}:N", sort=order, title=None),
            x=alt.X(f"sum({val}):Q", title=title, axis=alt.Axis(format="~s")),
            color=alt.Color(
                f"{stack}:N",
                sort=cats,
                scale=alt.Scale(domain=cats, range=CATEGORY_COLORS[: len(cats)] or ["#999"]),
                legend=alt.Legend(title=None, columns=3),
            ),
            order=alt.Order(f"{stack}:N"),
        )
        .properties(width=WIDTH - 120, height=max(60, 24 * len(order)))
    )
    return to_svg(chart)


def volume_vs_engagement(df: pd.DataFrame, x_title: str, y_title: str) -> str:
    """Posts published (x) against engagements per post (y), one labelled dot per platform."""
    d = df.assign(platform=df.platform.astype(str))
    base = alt.Chart(d).encode(
        x=alt.X("posts:Q", title=x_title, scale=alt.Scale(zero=True)),
        y=alt.Y("engagements_per_post:Q", title=y_title, scale=alt.Scale(zero=True)),
    )
    dots = base.mark_circle(size=160, opacity=0.9).encode(
        color=alt.Color("platform:N", scale=_platform_scale(d.platform), legend=None)
    )
    labels = base.mark_text(align="left", dx=9, fontSize=11).encode(text="platform:N")
    return to_svg((dots + labels).properties(width=WIDTH - 100, height=240))


def funnel(df: pd.DataFrame, stage: str, val: str, title: str) -> str:
    d = df.assign(**{stage: df[stage].astype(str)})
    chart = (
        alt.Chart(d)
        .mark_bar(color="#2F4B7C")
        .encode(
            y=alt.Y(f"{stage}:N", sort=list(d[stage]), title=None),
            x=alt.X(f"{val}:Q", title=title),
        )
        .properties(width=WIDTH - 120, height=max(60, 26 * len(d)))
    )
    return to_svg(chart)


def lines(
    df: pd.DataFrame, x: str, val: str, series: str, title: str, money: bool = False,
    order: list[str] | None = None,
) -> str:  # fmt: skip
    """One line per platform over time (x: the first day of each week or month); `order`
    keeps the legend the same across charts."""
    d = df.assign(**{series: df[series].astype(str), x: pd.to_datetime(df[x])})
    present = set(d[series])
    order = [s for s in (order or []) if s in present] or list(
        d.groupby(series)[val].sum().sort_values(ascending=False).index
    )
    chart = (
        alt.Chart(d, title=alt.TitleParams(title, anchor="start", fontSize=12))
        .mark_line(point=alt.OverlayMarkDef(size=18), strokeWidth=2)
        .encode(
            x=alt.X(f"{x}:T", title=None, axis=alt.Axis(format="%-m/%-d", labelAngle=0)),
            y=alt.Y(f"{val}:Q", title=None, axis=alt.Axis(format="~s" if money else ",.0f")),
            color=alt.Color(
                f"{series}:N", sort=order, scale=_platform_scale(order),
                legend=alt.Legend(title=None, orient="right"),
            ),
        )
        .properties(width=WIDTH - 150, height=135)
    )  # fmt: skip
    return to_svg(chart)
