"""`socialroi experiment plan|assign|analyse|list`: small experiments on organic social.

See docs/experiments.md for which design answers which question.
"""

from __future__ import annotations

import dataclasses
import json
import math
import secrets
from pathlib import Path

import click
import pandas as pd

from socialroi.deliver.cli.common import (
    console,
    emit,
    format_option,
    open_workspace,
    workspace_option,
)
from socialroi.errors import SocialroiError
from socialroi.experiments import DESIGNS, METRICS, Spec, analyse_named, names, plan, save
from socialroi.experiments.registry import load, pick_treated

selector_help = (
    "Selectors a post must all match, comma-separated: post:<id>, tag:#hashtag, utm:<campaign>, "
    "account:<id>, kind:<brand|employee|creator>, platform:<p>, market:<code>, format:<f>."
)


def _selectors(text: str | None) -> list[str]:
    return [s.strip() for s in (text or "").split(",") if s.strip()]


def _arms(values: tuple[str, ...]) -> dict[str, list[str]]:
    arms: dict[str, list[str]] = {}
    for v in values:
        name, eq, sels = v.partition("=")
        if not eq or not name.strip():
            raise SocialroiError(f"--arm takes NAME=SELECTORS; got {v!r}")
        arms[name.strip()] = _selectors(sels)
    return arms


@click.group("experiment")
def experiment_group():
    """Plan, assign and analyse experiments (post A/B, employee vs brand, cadence, market)."""


@experiment_group.command("plan")
@workspace_option
@click.option("--design", type=click.Choice(DESIGNS), required=True)
@click.option("--metric", type=click.Choice(list(METRICS)), default="engagement_rate",
              show_default=True)  # fmt: skip
@click.option("--lift", type=float, required=True, help="The change to detect: 0.2 = +20 %.")
@click.option("--power", type=float, default=0.8, show_default=True)
@click.option("--alpha", type=float, default=0.05, show_default=True)
@click.option("--population", help="Which past posts to simulate from. " + selector_help)
@click.option("--seed", type=int, default=0, show_default=True, help="Simulation seed.")
def plan_command(workspace, design, metric, lift, power, alpha, population, seed):
    """How many posts (or weeks) a test needs to detect --lift with --power, by simulation
    from this workspace's own history, and how long that takes at the current volume."""
    spec = Spec(
        name="plan", design=design, metric=metric, arms={"A": [], "B": []}, alpha=alpha,
        population=_selectors(population), treated="-", start="2000-01-01",
    )  # fmt: skip
    with open_workspace(workspace) as ws:
        p = plan(ws, spec, lift, power, seed=seed)
    console.print(p.words(), markup=False)
    curve = pd.DataFrame(p.curve, columns=[p.unit, "power", "false positives (no effect)"])
    emit(curve, "table", f"Power by sample ({p.history} posts or market-weeks of history)")


@experiment_group.command("assign")
@workspace_option
@click.option("--name", required=True)
@click.option("--design", type=click.Choice(DESIGNS), required=True)
@click.option(
    "--arm", "arms", multiple=True, help="NAME=SELECTORS, control first. " + selector_help
)
@click.option("--metric", type=click.Choice(list(METRICS)), default="engagement_rate",
              show_default=True)  # fmt: skip
@click.option("--question", default="", help="The question, in words, for the report.")
@click.option("--population", help="Posts the test is about. " + selector_help)
@click.option("--start", help="First day (ISO date) of the test or of the change.")
@click.option("--end", help="Last day (ISO date) of the test.")
@click.option("--treated", help="The treated market (cadence, market); 'random' draws one.")
@click.option("--cluster", type=click.Choice(["author", "day"]), help="Cluster errors by.")
@click.option("--looks", type=int, help="Planned equally spaced looks (O'Brien-Fleming).")
@click.option("--units", "units_file", type=click.Path(exists=True, dir_okay=False),
              help="CSV of units to randomise: a `unit` column (post ids, planned slots, "
                   "markets) and the strata columns.")  # fmt: skip
@click.option("--strata", help="Columns of --units to stratify by, comma-separated.")
@click.option("--seed", type=int, help="Randomisation seed (default: drawn and recorded).")
@click.option("--amend", help="Change an existing experiment; the reason is logged.")
def assign_command(workspace, name, design, arms, metric, question, population, start, end,
                   treated, cluster, looks, units_file, strata, seed, amend):  # fmt: skip
    """Store an experiment: its arms, the seed, and the stratified random assignment of its
    units. An existing experiment is changed only with --amend (logged)."""
    seed = seed if seed is not None else secrets.randbelow(2**31)
    units = _units(units_file) if units_file else None
    with open_workspace(workspace) as ws:
        if treated == "random":
            if units is None:
                raise SocialroiError("--treated random draws from --units (a CSV of markets)")
            treated = pick_treated(list(units.unit), seed)
        spec = Spec(
            name=name, design=design, arms=_arms(arms) or {"control": [], "treated": []},
            metric=metric, question=question, start=start, end=end, treated=treated,
            population=_selectors(population), cluster=cluster, looks=looks,
            strata=_selectors(strata), seed=seed,
        )  # fmt: skip
        dealt = save(ws, spec, units, amend)
    console.print(f"Experiment {name!r} stored (seed {seed}).", markup=False)
    if len(dealt):
        emit(dealt, "table", f"{len(dealt)} units assigned")


@experiment_group.command("analyse")
@workspace_option
@click.argument("name", required=False)
@format_option
def analyse_command(workspace, name, fmt):
    """The right test for the experiment's design and metric: effect, interval, probability,
    a plain-words verdict, and what a conclusive answer would need. All experiments without
    NAME."""
    with open_workspace(workspace) as ws:
        todo = [name] if name else names(ws)
        if not todo:
            raise SocialroiError("no experiments in this workspace: `socialroi experiment assign`")
        results = [analyse_named(ws, n) for n in todo]
    if fmt == "json":
        click.echo(json.dumps([_plain(dataclasses.asdict(r)) for r in results], indent=2))
        return
    rows = pd.DataFrame([_row(r) for r in results])
    if fmt == "csv":
        emit(rows, "csv", "")
        return
    for r in results:
        console.print(f"\n[bold]{r.name}[/] ({r.design}): {r.question}")
        arms = pd.DataFrame(r.arms)
        if len(arms) and arms.exposure.notna().all():
            arms["rate"] = arms.rate.map(lambda v: f"{v:.3%}")
        emit(arms, "table", r.method)
        console.print(r.verdict, markup=False)
        if r.prob_b_better is not None:
            console.print(f"Probability the second arm is better: {r.prob_b_better:.1%}")
        if r.sequential:
            s = r.sequential
            console.print(
                f"Look {s['look']} of {s['of']}: |z| = {s['z']:.2f} against the O'Brien-Fleming "
                f"bound {s['bound']:.3f} -> {'stop' if s['stop'] else 'continue'}.",
                markup=False,
            )
        if r.needed:
            console.print(r.needed, markup=False)
        if "extra_revenue_per_month" in r.business and r.significant:
            b = r.business
            console.print(
                f"In money: about {b['extra_revenue_per_month']:,.2f} {b['currency']} a month "
                f"of attributed revenue"
                + (f" ({b['roi_change']:+.1%} ROI)" if "roi_change" in b else ""),
                markup=False,
            )
        for note in r.notes:
            console.print(f"Note: {note}", markup=False)


@experiment_group.command("list")
@workspace_option
def list_command(workspace):
    """The experiments stored in this workspace, with their design, seed and changes."""
    with open_workspace(workspace) as ws:
        rows = []
        for n in names(ws):
            e = load(ws, n)
            rows.append({"name": n, "design": e["design"], "seed": e["seed"],
                         "units": len(e["units"]), "changes": len(e["log"]) - 1})  # fmt: skip
    emit(pd.DataFrame(rows), "table", "Experiments")


def _units(path: str) -> pd.DataFrame:
    """The --units file: a CSV with a `unit` column, or a clear error naming the file."""
    try:
        units = pd.read_csv(path, dtype=str)
    except (ValueError, UnicodeDecodeError, OSError) as exc:  # pandas' ParserError is a ValueError
        raise SocialroiError(f"--units {path}: not a readable CSV ({exc})") from None
    if "unit" not in units.columns:
        raise SocialroiError(
            f"--units {path}: no `unit` column (found {', '.join(map(str, units.columns))})"
        )
    return units


def _row(r) -> dict:
    return {"experiment": r.name, "design": r.design, "metric": r.metric, "effect": r.effect,
            "low": r.low, "high": r.high, "p_value": r.p_value,
            "prob_b_better": r.prob_b_better, "significant": r.significant,
            "verdict": r.verdict, "needed": r.needed}  # fmt: skip


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


COMMANDS = [experiment_group]
