"""The `socialroi` command: thin commands over the library.

Errors a user can act on are printed as one paragraph (no traceback) and exit with code 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from socialroi.errors import SocialroiError
from socialroi.workspace import DEFAULT_PATH, Workspace

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class Cli(click.Group):
    def invoke(self, ctx: click.Context):  # one clear paragraph instead of a traceback
        try:
            return super().invoke(ctx)
        except SocialroiError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
            sys.exit(1)


workspace_option = click.option(
    "--workspace",
    "-w",
    default=DEFAULT_PATH,
    show_default=True,
    envvar="SOCIALROI_WORKSPACE",
    help="The workspace's DuckDB file.",
)


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
def import_(workspace: str, paths: tuple[Path, ...], **options) -> None:
    """Import export files, folders and zips. Each file is one atomic, idempotent batch."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from socialroi.importer import expand
    from socialroi.sources.base import ImportOptions

    opts = ImportOptions(**options)
    files = list(expand(paths, opts))
    with Workspace.open(workspace) as ws, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=err, transient=True, disable=len(files) < 3,
    ) as progress:  # fmt: skip
        task = progress.add_task("importing", total=len(files))
        from socialroi.importer import import_file

        for f in files:
            progress.update(task, description=f"importing {f.name[-40:]}")
            res = import_file(ws.store, f, opts, base_currency=ws.base_currency, rules=ws.rules)
            console.print(res.describe(), markup=False)
            progress.advance(task)


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
    console.print(f"[bold]{st['workspace']}[/] — base currency {st['base_currency']}")
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
    from socialroi.sources import load_all
    from socialroi.sources.base import REPORTS

    load_all()
    t = Table("--platform", "--report", "export")
    for r in sorted(REPORTS.values(), key=lambda r: r.key):
        t.add_row(r.source, r.name, r.title)
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
        ws.set_fx_rate(currency.upper(), day.date(), per_eur)
        console.print(f"{currency.upper()} on {day.date()}: {per_eur} per EUR")


@main.command()
@workspace_option
@click.option("--seed", default=7, show_default=True, help="Random seed; same seed, same data.")
@click.option(
    "--scale", type=click.Choice(["small", "medium", "large"]), default="small", show_default=True
)
@click.option(
    "--out", default="demo-exports", show_default=True, help="Folder for the export files."
)
def demo(workspace: str, seed: int, scale: str, out: str) -> None:
    """Generate the demo brand's exports, import them, and print a summary."""
    from socialroi.demo import run_demo

    run_demo(workspace=workspace, seed=seed, scale=scale, out=Path(out), console=console)


if __name__ == "__main__":  # pragma: no cover
    main()
