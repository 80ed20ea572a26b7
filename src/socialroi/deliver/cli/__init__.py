"""CLI commands that live next to their feature (roi, costs, clv, report, serve, users).

Each module exposes `COMMANDS`, a list of click commands; `socialroi.deliver.cli.main`
adds the commands of every module in its `COMMAND_MODULES`. Shared options and output
helpers are in `socialroi.deliver.cli.common`.
"""
