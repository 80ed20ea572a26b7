"""`socialroi attribute` (the workspace's journeys under one model or all) and
`attribute-paths` (a ChannelAttribution-shaped path file)."""

from __future__ import annotations

from pathlib import Path

import click

from socialroi.deliver.cli.common import console, emit, err, open_workspace, workspace_option
from socialroi.errors import SocialroiError


def _kv_days(values: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for v in values:
        kind, _, days = v.partition("=")
        if not days.isdigit():
            raise SocialroiError(f"--lookback-kind takes KIND=DAYS, e.g. won=90; got {v!r}")
        out[kind.strip()] = int(days)
    return out


@click.command()
@workspace_option
@click.option("--model", default="all", show_default=True, help="A model name, or all.")
@click.option(
    "--by",
    default="platform",
    show_default=True,
    help="Granularity: platform, platform_paid, channel, campaign, post, market, or "
    "any touchpoints column; several joined by commas.",
)
@click.option("--period", required=True, help="2026-Q3, 2026-07, 2026, 2026-W05 or A..B.")
@click.option("--lookback", default=30, show_default=True, help="Lookback window in days.")
@click.option("--lookback-kind", multiple=True, help="Per conversion kind: won=90.")
@click.option(
    "--kind",
    "kinds",
    default="purchase",
    show_default=True,
    help="Conversion kinds, comma-separated (purchase, lead, mql, sql, won, ...).",
)
@click.option(
    "--transform",
    default="exposure",
    show_default=True,
    help="Path transform: exposure, unique, first, frequency.",
)
@click.option(
    "--direct", default="keep", show_default=True, help="Direct handling: keep, remove_unless_only."
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def attribute(
    workspace, model, by, period, lookback, lookback_kind, kinds, transform, direct, fmt
) -> None:
    """Attribute conversions to platforms, campaigns or markets under one model or all."""

    from socialroi.journeys.touches import JourneySettings  # deferred: start-up time
    from socialroi.measure.attribution.workspace import attribute as run  # deferred: start-up time
    from socialroi.measure.attribution.workspace import compare  # deferred: start-up time
    from socialroi.model.periods import parse_period  # deferred: start-up time

    p = parse_period(period)
    settings = JourneySettings(
        lookback_days=lookback, lookback_by_kind=_kv_days(lookback_kind),
        kinds=tuple(k.strip() for k in kinds.split(",") if k.strip()),
        by=tuple(b.strip() for b in by.split(",") if b.strip()),
        transform=transform, direct=direct,
    )  # fmt: skip
    with open_workspace(workspace) as ws, err.status(f"attribution for {p.label}: journeys"):
        if model == "all":
            df = compare(ws, p, settings)
            extra = {
                "distance_to_truth": df.attrs.get("distance_to_truth", {}),
                "skipped": df.attrs.get("skipped", {}),
            }
        else:
            df = run(ws, model, p, settings)
            extra = {}
    if fmt != "table" or model != "all":
        title = f"{model} attribution, {p.label}, by {by}"
        emit(df, fmt, title, period=p.label, model=model, **extra)
    else:
        _render_comparison(df, p.label, by)
        if extra.get("distance_to_truth"):
            d = ", ".join(f"{m} {v:.3f}" for m, v in extra["distance_to_truth"].items())
            console.print(f"distance to the demo's ground truth (total variation): {d}")
        for note in extra["skipped"].values():
            err.print(note, markup=False)


SHORT = {
    "last_click": "last", "first_click": "first", "last_non_direct": "last non-dir",
    "linear": "linear", "time_decay": "decay", "position_based": "position",
    "markov": "markov", "shapley": "shapley",
}  # fmt: skip


def _render_comparison(df, label: str, by: str) -> None:
    """Two narrow tables instead of one too wide for a terminal."""
    from socialroi.deliver.output import render  # deferred: start-up time

    models = [c for c in df.columns if c in SHORT]
    credited = df[["unit", *models]].rename(columns=SHORT)
    render(credited, console, title=f"Conversions credited by model, {label}, by {by}")
    shifts = [c for c in df.columns if c.endswith("_shift")]
    if shifts:
        moved = df[["unit", *shifts]].rename(
            columns={c: SHORT.get(c[: -len("_shift")], c) for c in shifts}
        )
        render(moved, console, title="Share of conversions vs last click (percentage points)")


@click.command("attribute-paths")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", default="markov", show_default=True)
@click.option("--sep", default=">", show_default=True, help="Separator between path touches.")
@click.option("--order", default=1, show_default=True, help="Markov order (1-3).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def attribute_paths_cmd(file: Path, model: str, sep: str, order: int, fmt: str) -> None:
    """Attribute a ChannelAttribution-shaped path file (CSV or Parquet; separator detected):
    path, total_conversions, total_conversion_value, total_null."""

    from socialroi.measure.attribution import attribute_paths  # deferred: start-up time

    df = read_paths_file(file)
    params = {"order": order} if model == "markov" else {}
    out = attribute_paths(df, model, sep=sep, **params)
    emit(out, fmt, f"{model} attribution of {file.name}", model=model)


def read_paths_file(file: Path):
    import pandas as pd  # deferred: start-up time

    from socialroi.sources.base import InputFile  # deferred: start-up time
    from socialroi.sources.kit.tabular import read_rows  # deferred: start-up time

    data = file.read_bytes()
    if data[:4] == b"PAR1":
        return pd.read_parquet(file)
    rows = read_rows(InputFile(file.name, data)).rows
    if not rows:
        raise SocialroiError(f"{file}: the file is empty")
    header = [h.strip() for h in rows[0]]
    if "path" not in header:
        raise SocialroiError(
            f"{file}: no 'path' column; expected path, total_conversions, "
            f"total_conversion_value, total_null (found {', '.join(header)})"
        )
    df = pd.DataFrame([r for r in rows[1:] if any(c.strip() for c in r)], columns=header)
    for c in ("total_conversions", "total_conversion_value", "total_null"):
        if c in df:
            try:
                df[c] = pd.to_numeric(df[c])
            except ValueError as exc:
                raise SocialroiError(f"{file}: column {c!r} is not numeric ({exc})") from None
    return df


COMMANDS = [attribute, attribute_paths_cmd]
