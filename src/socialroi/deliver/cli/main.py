"""The `socialroi` command: thin commands over the library.

Errors a user can act on are printed as one paragraph (no traceback) and exit with code 1.

The group is lazy: `COMMANDS` names each command's module and its one-line help, so
`socialroi --help` lists them without importing any, and `socialroi roi ...` imports only the
module of `roi` (each module imports pandas, Ibis or DuckDB inside the command that needs
them). A test checks that every line here is the command's own short help.
"""

from __future__ import annotations

import importlib
import os
import sys

import click
from rich.text import Text

from socialroi.deliver.cli import remote
from socialroi.deliver.cli.common import err
from socialroi.errors import SocialroiError

# command -> (module under socialroi.deliver.cli, attribute, its short help as --help lists it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("workspace", "init", "Create (or open) a workspace and set its base currency."),
    "import": ("workspace", "import_", "Import export files, folders and zips."),
    "status": (
        "workspace",
        "status",
        "Rows per table, date ranges, platforms, markets, currencies and data-quality findings.",
    ),
    "formats": ("workspace", "formats", "List the export formats socialroi recognises."),
    "undo": (
        "workspace",
        "undo",
        "Take back one import or sync: its rows go, the batch stays listed as undone.",
    ),
    "fx": ("workspace", "fx", "Exchange-rate overrides (the ECB reference rates apply otherwise)."),
    "demo": (
        "workspace",
        "demo",
        "Generate the demo brand's exports, import them, print a summary, and write the "
        "executive report for the last full quarter.",
    ),
    "attribute": (
        "attribution",
        "attribute",
        "Attribute conversions to platforms, campaigns or markets under one model or all.",
    ),
    "attribute-paths": (
        "attribution",
        "attribute_paths_cmd",
        "Attribute a ChannelAttribution-shaped path file (CSV or Parquet; separator detected): "
        "path, total_conversions, total_conversion_value, total_null.",
    ),
    "campaigns": (
        "campaigns",
        "campaigns",
        "Join ad platform campaigns (where the spend is) to the UTM campaigns of their links "
        "(where the revenue is): list the mapping, map, unmap, or see suggestions.",
    ),
    "clv": ("clv", "clv_command", "Customer lifetime value of the customers acquired in a period."),
    "costs": (
        "costs",
        "costs",
        "The true cost of a period: the costs ledger plus ad spend, allocated to platform, "
        "market and campaign by the rules in docs/costs.md.",
    ),
    "serve": ("serve", "serve", "Run the dashboard and JSON API (/api/v1) on the workspace."),
    "users": (
        "serve",
        "users",
        "Dashboard users: admin (users, tokens, settings), analyst (imports, costs), viewer.",
    ),
    "roi": (
        "roi",
        "roi_cmd",
        "ROI and the profile's metrics on true cost, by platform x market x period.",
    ),
    "metrics": (
        "roi",
        "metrics_cmd",
        "The metric catalogue: name, unit, how it aggregates, formula and definition.",
    ),
    "insights": (
        "roi",
        "insights_cmd",
        "Plain sentences from the numbers, strongest first, each with its evidence.",
    ),
    "report": (
        "report",
        "report",
        "Write the executive report for a period: summary, ROI, attribution, funnel, CLV, "
        "content, costs, data quality and methodology; optionally e-mail it.",
    ),
    "connect": (
        "sync",
        "connect_cmd",
        "Connect SOURCE once: a consent in the browser (the URL is printed; the redirect comes "
        "back to a loopback port), or --token TOKEN.",
    ),
    "connections": (
        "sync",
        "connections_cmd",
        "Each connection with its accounts, last sync, rows, token expiry and health.",
    ),
    "disconnect": (
        "sync",
        "disconnect_cmd",
        "Forget SOURCE's connection and delete its tokens (synced rows stay).",
    ),
    "sync": ("sync", "sync_cmd", "Bring every connection (or the SOURCES named) up to date."),
    "traffic-sources": (
        "traffic",
        "traffic_sources",
        "Where each channel's views came from: views, share and watch time per traffic source.",
    ),
    "experiment": (
        "experiment",
        "experiment_group",
        "Plan, assign and analyse experiments (post A/B, employee vs brand, cadence, market).",
    ),
}


def load_command(name: str) -> click.Command:
    module, attr, _ = COMMANDS[name]
    return getattr(importlib.import_module(f"socialroi.deliver.cli.{module}"), attr)


class Cli(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name in COMMANDS:
            return load_command(name)
        return None

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name is not None and self.get_command(ctx, name) is None and not name.startswith("-"):
            import difflib  # deferred: only for a mistyped command

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list under --help from the static short help: no command module is imported."""
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        limit = formatter.width - 6 - max(len(n) for n, _ in rows)
        rows = [(n, click.Command(n, help=h).get_short_help_str(limit)) for n, h in rows]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """While `socialroi serve` holds the workspace, the command runs through it."""
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = remote.forward_if_served(self, argv)
        except SocialroiError as exc:
            err.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
            code = 1
        except click.Abort:  # the password asked before sending, not given (Ctrl-D, no stdin)
            click.echo("Aborted!", err=True)
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
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug: still no traceback unless asked for
            if os.environ.get("SOCIALROI_DEBUG"):
                raise
            err.print(
                Text.assemble(
                    ("error: ", "bold red"),
                    f"unexpected {type(exc).__name__}: {exc}. This is a bug in socialroi; "
                    "SOCIALROI_DEBUG=1 shows where it happened.",
                ),
                soft_wrap=True,
            )
            sys.exit(1)


@click.group(cls=Cli)
@click.version_option(package_name="socialroi")
def main() -> None:
    """socialroi: prove what social media earns."""


if __name__ == "__main__":  # pragma: no cover
    main()
