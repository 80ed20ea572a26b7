"""CLI commands that live next to their feature (roi, costs, clv, report, serve, users).

Each module exposes `COMMANDS`, a list of click commands; `socialroi.cli` adds the commands
of every module in `socialroi.cli.COMMAND_MODULES`. Shared options and output helpers are in
`socialroi.commands.common`.
"""
