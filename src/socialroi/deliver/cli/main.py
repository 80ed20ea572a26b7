"""The `socialroi` command: thin commands over the library.

Errors a user can act on are printed as one paragraph (no traceback) and exit with code 1.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

import click
import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from socialroi.deliver.cli import remote
from socialroi.deliver.cli.common import console, err, workspace_option
from socialroi.deliver.output import render, to_csv, to_json
from socialroi.errors import SocialroiError
from socialroi.journeys.touches import JourneySettings
from socialroi.land import runs
from socialroi.land.workspace import Workspace
from socialroi.measure.attribution import attribute_paths
from socialroi.measure.attribution.workspace import attribute as run
from socialroi.measure.attribution.workspace import compare
from socialroi.model.periods import last_full_quarter, parse_period
from socialroi.sources import load_all
from socialroi.sources.base import REPORTS, ImportOptions, InputFile
from socialroi.sources.kit.tabular import read_rows

# Modules under socialroi.deliver.cli whose COMMANDS join the `socialroi` group.
COMMAND_MODULES: tuple[str, ...] = (
    "campaigns",
    "clv",
    "costs",
    "serve",
    "roi",
    "report",
    "experiment",
)


class Cli(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """While `socialroi serve` holds the workspace, the command runs through it."""
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = remote.forward_if_served(self, argv)
        except SocialroiError as exc:
            err.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
            code = 1
        if code is None:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: click.Context):  # one clear paragraph instead of a traceback
        try:
            return super().invoke(ctx)
        except SocialroiError as exc:
            # Text, not markup: the message quotes file content such as "[/]".
            err.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
            sys.exit(1)


@click.group(cls=Cli)
@click.version_option(package_name="socialroi")
def main() -> None:
    """socialroi: prove what social media earns."""


@main.command()
@workspace_option
@click.option("--base-currency", default="USD", show_default=True, help="ISO 4217 code.")
def init(workspace: str, base_currency: str) -> None:
    """Create (or open) a workspace and set its base currency."""
    with Workspace.open(workspace, base_currency=base_currency) as ws:
        console.print(f"workspace {ws.path} ready (base currency {ws.base_currency})")


@main.command("import")
@workspace_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--platform", help="Source of the files (tiktok, meta, x, ga4, ...); skips detection."
)
@click.option("--report", help="Report kind within the source (see `socialroi formats`).")
@click.option("--account", help="Account handle for exports that do not name it (@handle).")
@click.option("--market", help="ISO country of that account.")
@click.option("--currency", help="Currency for exports that do not state it.")
@click.option("--timezone", help="IANA time zone for exports that do not state it.")
@click.option("--year", type=int, help="Year for exports whose dates have none.")
@click.option(
    "--deal-stage",
    "deal_stages",
    multiple=True,
    metavar="LABEL=won|lost|open",
    help="Map a custom CRM deal stage, e.g. --deal-stage 'Contract signed=won' (repeatable).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Re-read files already imported (rows replace "
    "themselves), e.g. after changing channel rules.",
)
def import_(workspace: str, paths: tuple[Path, ...], force: bool, **options) -> None:
    """Import export files, folders and zips. Each file is one atomic, idempotent batch.

    A file that is not an export is skipped with the reason and a file that fails is reported;
    the others are still imported (the accounts register first). Exits non-zero only when a
    file failed."""

    options["deal_stages"] = _deal_stages(options.get("deal_stages") or ())
    opts = ImportOptions(**options)
    planned = runs.plan(paths, opts)
    if not planned.todo and not planned.results:  # exit 0 means something was imported
        raise SocialroiError(f"no files to import in {', '.join(str(p) for p in paths)}")
    with Workspace.open(workspace) as ws, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=err, transient=True, disable=len(planned.todo) < 3,
    ) as progress:  # fmt: skip
        task = progress.add_task("importing", total=len(planned.todo))

        def on_file(res) -> None:
            console.print(res.describe(), markup=False)
            if res.status in ("loaded", "unchanged") or res.batch_id is not None:
                progress.advance(task)

        summary = runs.run(
            ws.store, paths, opts, base_currency=ws.base_currency, rules=ws.rules, force=force,
            on_file=on_file, planned=planned,
        )  # fmt: skip
        refresh_kept_views(ws)
    if len(summary.results) > 1:
        console.print(summary.describe(), markup=False)
    if summary.failed:
        raise SystemExit(1)


def refresh_kept_views(ws) -> None:
    """The writer's side of keeping the dashboard's answers current: the views it keeps in the
    workspace are computed again on the new data before the command returns, so the next
    server start answers them at once. A running server does this itself, in the background
    (this command then runs inside it)."""
    from socialroi.deliver.web import kept  # deferred: the web views load every measure

    if remote.in_server() or not kept.stale(ws):
        return
    err.print("bringing the dashboard's kept answers up to date...", markup=False)
    n = kept.refresh(ws)
    err.print(f"dashboard: {n} kept answer(s) brought up to date", markup=False)


def _deal_stages(given: tuple[str, ...]) -> dict[str, str] | None:
    out = {}
    for item in given:
        label, _, kind = item.rpartition("=")
        if not label.strip() or kind.strip().lower() not in ("won", "lost", "open"):
            raise click.BadParameter(
                f"{item!r}: expected LABEL=won, LABEL=lost or LABEL=open", param_hint="--deal-stage"
            )
        out[label.strip()] = kind.strip().lower()
    return out or None


@main.command()
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def status(workspace: str, fmt: str) -> None:
    """Rows per table, date ranges, platforms, markets, currencies and data-quality findings."""
    with Workspace.open(workspace) as ws:
        st = ws.status()
    if fmt == "json":
        console.print_json(json.dumps(st, default=str))
        return
    console.print(f"{st['workspace']} — base currency {st['base_currency']}", markup=False)
    t = Table("table", "rows", "from", "to")
    for name, info in st["tables"].items():
        t.add_row(name, f"{info['rows']:,}", str(info.get("from") or ""), str(info.get("to") or ""))
    console.print(t)
    console.print("platforms: " + (", ".join(st["platforms"]) or "none"), markup=False)
    console.print("markets: " + (", ".join(st["markets"]) or "none"), markup=False)
    console.print("currencies: " + (", ".join(st["currencies"]) or "none"), markup=False)
    if st["findings"]:
        f = Table("data-quality finding", "rows", "times")
        for row in st["findings"]:
            f.add_row(row["kind"], f"{row['rows']:,}", str(row["findings"]))
        console.print(f)
    else:
        console.print("data-quality findings: none")


@main.command()
def formats() -> None:
    """List the export formats socialroi recognises."""

    load_all()
    t = Table("--platform", "--report", "export")
    for r in sorted(REPORTS.values(), key=lambda r: r.key):
        t.add_row(r.source, r.name, Text(r.title))
    console.print(t)


@main.group()
def fx() -> None:
    """Exchange-rate overrides (the ECB reference rates apply otherwise)."""


@fx.command("set")
@workspace_option
@click.argument("currency")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("per_eur", type=float)
def fx_set(workspace: str, currency: str, day, per_eur: float) -> None:
    """Set CURRENCY's rate on DAY as PER_EUR units for one euro."""
    with Workspace.open(workspace) as ws:
        ws.set_fx_rate(currency, day.date(), per_eur)
        console.print(f"{currency.upper()} on {day.date()}: {per_eur} per EUR")


@fx.command("unset")
@workspace_option
@click.argument("currency")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def fx_unset(workspace: str, currency: str, day) -> None:
    """Go back to the ECB's rate for CURRENCY on DAY."""
    with Workspace.open(workspace) as ws:
        ws.unset_fx_rate(currency, day.date())
        console.print(f"{currency.upper()} on {day.date()}: the ECB's rate again")


@fx.command("list")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def fx_list(workspace: str, fmt: str) -> None:
    """The rates set by hand (units of the currency for one euro)."""
    with Workspace.open(workspace) as ws:
        df = ws.fx_overrides()
    if fmt == "csv":
        click.echo(to_csv(df), nl=False)
    elif fmt == "json":
        click.echo(to_json(df))
    else:
        render(df, console, title="Exchange rates set by hand (per EUR)")


def _kv_days(values: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for v in values:
        kind, _, days = v.partition("=")
        if not days.isdigit():
            raise SocialroiError(f"--lookback-kind takes KIND=DAYS, e.g. won=90; got {v!r}")
        out[kind.strip()] = int(days)
    return out


@main.command()
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

    p = parse_period(period)
    settings = JourneySettings(
        lookback_days=lookback, lookback_by_kind=_kv_days(lookback_kind),
        kinds=tuple(k.strip() for k in kinds.split(",") if k.strip()),
        by=tuple(b.strip() for b in by.split(",") if b.strip()),
        transform=transform, direct=direct,
    )  # fmt: skip
    with Workspace.open(workspace) as ws, err.status(f"attribution for {p.label}: journeys"):
        if model == "all":
            df = compare(ws, p, settings)
            extra = {
                "distance_to_truth": df.attrs.get("distance_to_truth", {}),
                "skipped": df.attrs.get("skipped", {}),
            }
        else:
            df = run(ws, model, p, settings)
            extra = {}
    if fmt == "csv":
        click.echo(to_csv(df), nl=False)
    elif fmt == "json":
        click.echo(to_json(df, period=p.label, model=model, **extra))
    elif model == "all":
        _render_comparison(df, p.label, by)
        if extra.get("distance_to_truth"):
            d = ", ".join(f"{m} {v:.3f}" for m, v in extra["distance_to_truth"].items())
            console.print(f"distance to the demo's ground truth (total variation): {d}")
        for note in extra["skipped"].values():
            err.print(note, markup=False)
    else:
        render(df, console, title=f"{model} attribution, {p.label}, by {by}")


SHORT = {
    "last_click": "last", "first_click": "first", "last_non_direct": "last non-dir",
    "linear": "linear", "time_decay": "decay", "position_based": "position",
    "markov": "markov", "shapley": "shapley",
}  # fmt: skip


def _render_comparison(df, label: str, by: str) -> None:
    """Two narrow tables instead of one too wide for a terminal."""

    models = [c for c in df.columns if c in SHORT]
    credited = df[["unit", *models]].rename(columns=SHORT)
    render(credited, console, title=f"Conversions credited by model, {label}, by {by}")
    shifts = [c for c in df.columns if c.endswith("_shift")]
    if shifts:
        moved = df[["unit", *shifts]].rename(
            columns={c: SHORT.get(c[: -len("_shift")], c) for c in shifts}
        )
        render(moved, console, title="Share of conversions vs last click (percentage points)")


@main.command("attribute-paths")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", default="markov", show_default=True)
@click.option("--sep", default=">", show_default=True, help="Separator between path touches.")
@click.option("--order", default=1, show_default=True, help="Markov order (1-3).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def attribute_paths_cmd(file: Path, model: str, sep: str, order: int, fmt: str) -> None:
    """Attribute a ChannelAttribution-shaped path file (CSV or Parquet; separator detected):
    path, total_conversions, total_conversion_value, total_null."""

    df = read_paths_file(file)
    params = {"order": order} if model == "markov" else {}
    out = attribute_paths(df, model, sep=sep, **params)
    if fmt == "csv":
        click.echo(to_csv(out), nl=False)
    elif fmt == "json":
        click.echo(to_json(out, model=model))
    else:
        render(out, console, title=f"{model} attribution of {file.name}")


def read_paths_file(file: Path):
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


@main.command()
@workspace_option
@click.option("--seed", default=7, show_default=True, help="Random seed; same seed, same data.")
@click.option(
    "--scale", type=click.Choice(["small", "medium", "large"]), default="small", show_default=True
)
@click.option(
    "--out", default="demo-exports", show_default=True, help="Folder for the export files."
)
@click.option(
    "--report-dir",
    default="reports",
    show_default=True,
    help="Folder for the executive report of the last full quarter ('' to skip it).",
)
def demo(workspace: str, seed: int, scale: str, out: str, report_dir: str) -> None:
    """Generate the demo brand's exports, import them, print a summary, and write the
    executive report for the last full quarter."""
    from socialroi.demo import run_demo  # deferred: start-up time

    run = run_demo(workspace=workspace, seed=seed, scale=scale, out=Path(out), console=console)
    if report_dir and run.last_day:
        _demo_report(workspace, last_full_quarter(run.last_day), Path(report_dir))


def _demo_report(workspace: str, period: str, out: Path) -> dict[str, Path]:
    """The demo brand's executive report for its last full quarter, in every format."""
    from socialroi.deliver.report import build_report  # deferred: start-up time

    t0 = time.perf_counter()
    with Workspace.open(workspace) as ws:
        paths = build_report(ws, period=period, compare="previous", profile="dtc", out=out)
    console.print(
        f"\nexecutive report for {period} ({time.perf_counter() - t0:.0f}s):", markup=False
    )
    for fmt, path in paths.items():
        console.print(f"  {fmt}: {path}", markup=False)
    return paths


for _module in COMMAND_MODULES:
    for _command in importlib.import_module(f"socialroi.deliver.cli.{_module}").COMMANDS:
        main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
