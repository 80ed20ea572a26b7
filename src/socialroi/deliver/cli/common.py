"""What every command shares: the consoles, the workspace option and how a command opens the
workspace, and table/csv/json output.

Nothing here imports pandas, Ibis or DuckDB: `socialroi --help`, `socialroi roi --help` and a
mistyped option must answer at once, so the heavy libraries load inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from socialroi.errors import SocialroiError
from socialroi.store import DEFAULT_PATH
from socialroi.store.location import anchor

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


def open_workspace(path: str | Path, *, create: bool = False, **options):
    """The workspace at `path`. Only commands that write into a new workspace (init, import,
    fx set, demo, serve, users add) pass `create=True`; every other command in a folder without one
    stops with a message and leaves no file behind."""
    if not create:
        must_exist(path)
    from socialroi.land.workspace import Workspace  # deferred: start-up time

    return Workspace.open(path, **options)


def must_exist(path: str | Path) -> None:
    """Stop with a message when there is no workspace at `path` (nothing is created)."""
    if not anchor(path).exists():  # a Spark workspace: its catalog
        raise SocialroiError(
            f"no workspace at {path}: create one with `socialroi init` or `socialroi import "
            "FILES`, or name an existing one with -w / SOCIALROI_WORKSPACE"
        )


def emit(df, fmt: str, title: str, **meta) -> None:
    """Print a DataFrame as a terminal table, CSV (formula text neutralised) or JSON."""
    from socialroi.deliver.output import render, to_csv, to_json  # deferred: start-up time

    if fmt == "csv":
        click.echo(to_csv(df), nl=False)
    elif fmt == "json":
        click.echo(to_json(df, **meta))
    else:
        render(df, console, title=title)
