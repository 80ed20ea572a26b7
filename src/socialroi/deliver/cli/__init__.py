"""CLI commands that live next to their feature (workspace, attribution, roi, costs, clv,
report, serve and users, campaigns, experiment).

`socialroi.deliver.cli.main.COMMANDS` names each command's module and its one-line help; the
group imports a module only when its command runs. Shared options, opening the workspace and
output helpers are in `socialroi.deliver.cli.common`.
"""
