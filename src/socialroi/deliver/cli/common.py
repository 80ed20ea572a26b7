"""What every command shares: the consoles, the workspace option, and table/csv/json output."""

from __future__ import annotations

import click
from rich.console import Console

from socialroi.deliver.output import render, to_csv, to_json
from socialroi.land.workspace import DEFAULT_PATH

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

FORMATS = ("table", "csv", "json")

workspace_option = click.option(
    "--workspace",
    "-w",
    default=DEFAULT_PATH,
    show_default=True,
    envvar="SOCIALROI_WORKSPACE",
    help="The workspace: a DuckDB file, or spark:PATH (a local Spark session) or "
    "spark:sc://HOST:PORT (Spark Connect; `spark:` alone reads SPARK_REMOTE).",
)

format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True
)


def emit(df, fmt: str, title: str, **meta) -> None:
    """Print a DataFrame as a terminal table, CSV (formula text neutralised) or JSON."""

    if fmt == "csv":
        click.echo(to_csv(df), nl=False)
    elif fmt == "json":
        click.echo(to_json(df, **meta))
    else:
        render(df, console, title=title)
