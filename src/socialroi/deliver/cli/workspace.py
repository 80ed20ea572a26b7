"""Workspace commands: create one, import into it, see what it holds, exchange rates, the demo.

Heavy libraries (pandas, Ibis, DuckDB) are imported inside the commands that use them, so
`socialroi --help` and a mistyped option answer at once.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from socialroi.deliver.cli.common import console, emit, err, open_workspace, workspace_option
from socialroi.errors import SocialroiError


@click.command()
@workspace_option
@click.option("--base-currency", default="USD", show_default=True, help="ISO 4217 code.")
def init(workspace: str, base_currency: str) -> None:
    """Create (or open) a workspace and set its base currency."""
    with open_workspace(workspace, create=True, base_currency=base_currency) as ws:
        console.print(f"workspace {ws.path} ready (base currency {ws.base_currency})")


@click.command("import")
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

    from rich import progress as bar  # deferred: start-up time

    from socialroi.land import runs  # deferred: start-up time
    from socialroi.sources.base import ImportOptions  # deferred: start-up time

    options["deal_stages"] = _deal_stages(options.get("deal_stages") or ())
    opts = ImportOptions(**options)
    planned = runs.plan(paths, opts, ahead=True)  # its worker starts while files are detected
    if not planned.todo and not planned.results:  # exit 0 means something was imported
        raise SocialroiError(f"no files to import in {', '.join(str(p) for p in paths)}")
    with open_workspace(workspace, create=True) as ws, bar.Progress(
        bar.TextColumn("{task.description}"), bar.BarColumn(), bar.MofNCompleteColumn(),
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
    from socialroi.deliver.cli import remote  # deferred: remote imports the CLI's commands
    from socialroi.deliver.web import kept  # deferred: start-up time

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


@click.command()
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def status(workspace: str, fmt: str) -> None:
    """Rows per table, date ranges, platforms, markets, currencies and data-quality findings."""
    from rich.table import Table  # deferred: start-up time

    with open_workspace(workspace) as ws:
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


@click.command()
@workspace_option
@click.argument("batch_id", type=int)
def undo(workspace: str, batch_id: int) -> None:
    """Take back one import or sync: its rows go, the batch stays listed as undone.

    BATCH_ID is shown on the dashboard's Data page and by the API's /imports/history."""
    with open_workspace(workspace) as ws:
        removed = ws.undo_batch(batch_id)
        refresh_kept_views(ws)
    rows = ", ".join(f"{t} {n:,}" for t, n in removed.items()) or "no rows"
    console.print(f"batch {batch_id} undone: removed {rows}.", markup=False)
    console.print(
        "Rows it had replaced from earlier batches are not brought back: import that file "
        "again with --force, or sync.",
        markup=False,
    )


@click.command()
def formats() -> None:
    """List the export formats socialroi recognises."""

    from rich.table import Table  # deferred: start-up time
    from rich.text import Text  # deferred: start-up time

    from socialroi.sources import load_all  # deferred: start-up time
    from socialroi.sources.base import REPORTS  # deferred: start-up time

    load_all()
    t = Table("--platform", "--report", "export")
    for r in sorted(REPORTS.values(), key=lambda r: r.key):
        t.add_row(r.source, r.name, Text(r.title))
    console.print(t)


@click.group()
def fx() -> None:
    """Exchange-rate overrides (the ECB reference rates apply otherwise)."""


@fx.command("set")
@workspace_option
@click.argument("currency")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("per_eur", type=float)
def fx_set(workspace: str, currency: str, day, per_eur: float) -> None:
    """Set CURRENCY's rate on DAY as PER_EUR units for one euro."""
    with open_workspace(workspace, create=True) as ws:  # a rate may be set before imports
        ws.set_fx_rate(currency, day.date(), per_eur)
        console.print(f"{currency.upper()} on {day.date()}: {per_eur} per EUR")


@fx.command("unset")
@workspace_option
@click.argument("currency")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def fx_unset(workspace: str, currency: str, day) -> None:
    """Go back to the ECB's rate for CURRENCY on DAY."""
    with open_workspace(workspace) as ws:
        ws.unset_fx_rate(currency, day.date())
        console.print(f"{currency.upper()} on {day.date()}: the ECB's rate again")


@fx.command("list")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def fx_list(workspace: str, fmt: str) -> None:
    """The rates set by hand (units of the currency for one euro)."""
    with open_workspace(workspace) as ws:
        df = ws.fx_overrides()
    emit(df, fmt, "Exchange rates set by hand (per EUR)")


@click.command()
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
    from socialroi.model.periods import last_full_quarter  # deferred: start-up time

    run = run_demo(workspace=workspace, seed=seed, scale=scale, out=Path(out), console=console)
    if report_dir and run.last_day:
        _demo_report(workspace, last_full_quarter(run.last_day), Path(report_dir))


def _demo_report(workspace: str, period: str, out: Path) -> dict[str, Path]:
    """The demo brand's executive report for its last full quarter, in every format."""
    from socialroi.deliver.report import build_report  # deferred: start-up time

    t0 = time.perf_counter()
    with open_workspace(workspace) as ws:
        paths = build_report(ws, period=period, compare="previous", profile="dtc", out=out)
    console.print(
        f"\nexecutive report for {period} ({time.perf_counter() - t0:.0f}s):", markup=False
    )
    for fmt, path in paths.items():
        console.print(f"  {fmt}: {path}", markup=False)
    return paths


COMMANDS = [init, import_, status, formats, fx, demo]
