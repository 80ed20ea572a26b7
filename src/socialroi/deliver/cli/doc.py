"""Render `docs/cli.md` from the CLI itself (`python -m socialroi.deliver.cli.doc`), so it
never goes stale: `tests/test_docs.py` fails when the committed file differs."""

from __future__ import annotations

import click

from socialroi.deliver.cli.main import main


def _walk(cmd: click.Command, path: list[str]):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd, info_name=path[-1])
        for name in sorted(cmd.list_commands(ctx)):
            yield from _walk(cmd.get_command(ctx, name), [*path, name])


def render() -> str:
    out = [
        "# Command-line reference\n\n",
        "Generated from the CLI by `make docs`; do not edit by hand.\n",
    ]
    for path, cmd in _walk(main, ["socialroi"]):
        name = " ".join(path)
        ctx = click.Context(cmd, info_name=name, terminal_width=100, max_content_width=100)
        help_text = cmd.get_help(ctx).replace(f"Usage: {name}", f"Usage: {name}", 1)
        out.append(f"\n## `{name}`\n\n```text\n{help_text}\n```\n")
    return "".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
