"""`socialroi roi` and `socialroi metrics`: the profile's metrics by platform x market x
period, and the catalogue they come from."""

from __future__ import annotations

import json
import math

import click
from rich.markup import escape  # a period as typed is not markup

from socialroi.deliver.cli.common import (
    console,
    emit,
    err,
    format_option,
    open_workspace,
    workspace_option,
)
from socialroi.errors import SocialroiError
from socialroi.model.periods import COMPARISONS


def split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


@click.command("roi")
@workspace_option
@click.option("--profile", default="dtc", show_default=True, help="dtc, b2b, brand or a file.")
@click.option("--period", required=True, help="2026-Q3, 2026-07, 2026, 2026-W05 or A..B.")
@click.option(
    "--by",
    default="platform,market",
    show_default=True,
    help="Dimensions: platform, market, campaign (comma-separated; '' for totals only).",
)
@click.option("--grain", type=click.Choice(["week", "month", "quarter", "year"]))
@click.option("--compare", type=click.Choice(COMPARISONS), help="Add deltas.")
@click.option("--model", help="Attribution model (default: the profile's).")
@click.option("--platforms", help="Only these platforms (comma-separated).")
@click.option("--markets", help="Only these markets (comma-separated ISO codes).")
@click.option("--metrics", "metric_names", help="Metrics to show (default: the profile's).")
@format_option
def roi_cmd(
    workspace, profile, period, by, grain, compare, model, platforms, markets, metric_names, fmt
) -> None:
    """ROI and the profile's metrics on true cost, by platform x market x period."""

    from socialroi.measure.roi import roi  # deferred: start-up time

    doing = f"ROI for {escape(period)}: journeys, credit, costs"
    with open_workspace(workspace) as ws, err.status(doing):
        res = roi(
            ws, period, profile=profile, by=split(by), model=model, compare=compare,
            grain=grain, platforms=split(platforms) or None, markets=split(markets) or None,
            metrics=split(metric_names) or None,
        )  # fmt: skip
    df = res.with_totals()
    meta = dict(
        period=res.period.label, profile=res.profile.name, model=res.model,
        currency=res.currency, compare=res.compare_period.label if res.compare_period else None,
    )  # fmt: skip
    if fmt != "table":
        emit(df, fmt, "", **meta)
        return
    title = (
        f"{res.profile.label} ROI, {res.period.label}, {res.model} attribution, "
        f"{res.currency}" + (f", vs {res.compare_period.label}" if res.compare_period else "")
    )
    if not metric_names:  # a terminal shows the headline; csv/json carry every metric
        names = ("true_cost", *res.profile.headline)
        res.metrics = [m for n in names for m in res.metrics if m.name == n] or res.metrics
    console.width = max(console.width, 170)
    other = res.measure_totals.get("nonsocial_purchase_revenue", 0.0)
    other_cost = res.measure_totals.get("nonsocial_cost", 0.0)
    if "platform" in res.by:
        df = df[df.platform != "other"]
    emit(readable(df, res), "table", title)
    if other:
        console.print(
            f"Not in these figures: {fmt_value(other, 'currency')} {res.currency} of purchases "
            "credited to search, e-mail, direct and other non-social channels."
        )
    if other_cost:
        console.print(
            f"Not in these figures: {fmt_value(other_cost, 'currency')} {res.currency} of cost "
            "on search campaigns (Google Ads), which is not social's."
        )
    if res.compare_period is not None:
        console.print(
            "Δ columns: change against the comparison period, in percentage points (pt) for "
            "rates such as ROI, relative (rel.) for amounts and counts."
        )


def readable(df, res):
    """Formatted text columns for the terminal: money with 0-2 decimals, percentages, x."""
    import pandas as pd  # deferred: start-up time

    from socialroi.measure.roi import delta_unit  # deferred: start-up time

    out = df[res.keys].copy() if res.keys else pd.DataFrame(index=df.index)
    for m in res.metrics:
        out[m.label] = [fmt_value(v, m.unit) for v in df[m.name]]
        if f"{m.name}_delta" in df:
            how = delta_unit(m.unit)
            label = f"Δ {m.label} ({'pt' if how == 'pp' else 'rel.'})"
            out[label] = [fmt_value(v, how) for v in df[f"{m.name}_delta"]]
    return out


def fmt_value(v, unit: str, signed: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if unit == "percent":
        return f"{v * 100:+.1f}%" if signed else f"{v * 100:.1f}%"
    if unit in ("points", "pp"):
        return f"{v * 100:+.1f} pt"
    if unit == "relative":
        return f"{v * 100:+.1f}%"
    if unit == "ratio":
        return f"{v:.2f}x"
    if unit == "currency":
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v:,.1f}" if v != int(v) else f"{int(v):,}"


@click.command("metrics")
@click.option("--list", "list_", is_flag=True, help="List the catalogue (the default).")
@click.argument("name", required=False)
@format_option
def metrics_cmd(list_: bool, name: str | None, fmt: str) -> None:
    """The metric catalogue: name, unit, how it aggregates, formula and definition."""

    import pandas as pd  # deferred: start-up time

    from socialroi.model.metrics import METRICS, metric  # deferred: start-up time

    chosen = [metric(name)] if name else list(METRICS.values())
    if not chosen:
        raise SocialroiError("the metric catalogue is empty")
    df = pd.DataFrame(
        [
            {
                "name": m.name,
                "label": m.label,
                "unit": m.unit,
                "aggregation": m.aggregation,
                "direction": m.direction,
                "formula": m.formula,
                "definition": m.definition,
            }
            for m in chosen
        ]
    )
    if fmt == "table" and not name:
        df = df[["name", "unit", "aggregation", "formula"]]
    emit(df, fmt, "Metric catalogue (socialroi metrics NAME for one definition)")


@click.command("insights")
@workspace_option
@click.option("--profile", default="dtc", show_default=True, help="dtc, b2b, brand or a file.")
@click.option("--period", required=True, help="2026-Q3, 2026-07, 2026, 2026-W05 or A..B.")
@click.option("--compare", type=click.Choice(COMPARISONS), default="previous", show_default=True)
@click.option("--model", help="Attribution model (default: the profile's).")
@click.option("--lang", type=click.Choice(["en", "zh-CN"]), default="en", show_default=True)
@format_option
def insights_cmd(workspace, profile, period, compare, model, lang, fmt) -> None:
    """Plain sentences from the numbers, strongest first, each with its evidence."""

    import pandas as pd  # deferred: start-up time

    from socialroi.measure.insights import insights  # deferred: start-up time

    doing = f"insights for {escape(period)}: ROI and models"
    with open_workspace(workspace) as ws, err.status(doing):
        found = insights(ws, period, profile=profile, compare=compare, model=model, lang=lang)
    if fmt == "json":
        click.echo(json.dumps([i.__dict__ for i in found], indent=2, default=str))
        return
    df = pd.DataFrame(
        {
            "insight": [i.sentence for i in found],
            "kind": [i.kind for i in found],
            "strength": [round(i.strength, 3) for i in found],
        }
    )
    if fmt == "csv":
        emit(df, fmt, "")
        return
    if not found:
        console.print("No insight passes its thresholds for this period.")
    for i in found:
        console.print(f"• {i.sentence}", markup=False, highlight=False)


COMMANDS = [roi_cmd, metrics_cmd, insights_cmd]
