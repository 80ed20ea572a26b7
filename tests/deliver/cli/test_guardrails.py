"""CLI guardrails (issue 17, item 8): a read command in a folder without a workspace stops
with a message and creates nothing; bad option values never end in a Python traceback; the
CLI starts without pandas, Ibis or DuckDB, and its static command list is the commands' own."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from socialroi.deliver.cli.main import COMMANDS, Cli, load_command, main
from tests.conftest import FIXTURES, ROOT

# Every command that only reads, or changes something that must already exist, with the
# arguments it needs to get as far as opening the workspace.
READS = [
    ["status"],
    ["roi", "--period", "2026-Q3"],
    ["insights", "--period", "2026-Q3"],
    ["attribute", "--period", "2026-Q3"],
    ["costs", "--period", "2026-Q3"],
    ["clv", "--period", "2026-Q3"],
    ["report", "--period", "2026-Q3", "--format", "html"],
    ["fx", "list"],
    ["fx", "unset", "USD", "2026-01-05"],
    ["campaigns", "list"],
    ["campaigns", "suggest"],
    ["campaigns", "map", "Summer Sale", "summer_sale"],
    ["campaigns", "unmap", "Summer Sale"],
    ["experiment", "list"],
    ["experiment", "analyse"],
    ["experiment", "plan", "--design", "post", "--lift", "0.2"],
    ["experiment", "assign", "--name", "t", "--design", "post", "--arm", "a=kind:brand"],
    ["users", "list"],
    ["users", "disable", "ana"],
    ["users", "enable", "ana"],
    ["users", "set-role", "ana", "viewer"],
    ["users", "reset-password", "ana", "--password", "a long enough password 42"],
    ["connections"],
    ["disconnect", "meta"],
    ["sync"],
    ["undo", "3"],
    ["traffic-sources", "--period", "2026-03"],
]


def _leaves(cmd: click.Command, path: list[str]):
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _leaves(cmd.get_command(ctx, name), [*path, name])
    else:
        yield path, cmd


def test_every_workspace_command_that_needs_one_is_listed():
    """A new command that opens a workspace is either here or one of those that create one."""
    creates = {("init",), ("import",), ("demo",), ("serve",), ("users", "add"), ("fx", "set"),
               ("connect",)}  # fmt: skip
    for path, cmd in _leaves(main, []):
        if any(p.name == "workspace" for p in cmd.params) and tuple(path) not in creates:
            assert any(path == args[: len(path)] for args in READS), path


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a[:2]))
def test_read_command_without_workspace_creates_nothing(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCIALROI_WORKSPACE", raising=False)
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1, r.output
    assert "no workspace at socialroi.duckdb" in r.output
    assert isinstance(r.exception, SystemExit) and "Traceback" not in r.output
    named = tmp_path / "sub" / "other.duckdb"
    r = CliRunner().invoke(main, [*args, "-w", str(named)])
    assert r.exit_code == 1 and "no workspace at" in r.output
    assert list(tmp_path.iterdir()) == [], "a read command left files behind"


# -- bad values never end in a traceback ------------------------------------------------------

BAD = [
    "", " ", "-1", "0", "nan", "inf", "1e400", "2026-Q9", "2026-02-30", "2026-09..2026-01",
    "x" * 300, "日本語", "a,,b", ",", "=cmd|' /C calc'!A0", "../../etc/passwd", "%s%n{0}",
    "[/]", "won=x", "meta,UK,ZZ", "2026-W60", "\t",
]  # fmt: skip

# The arguments each fuzzed command gets besides the one option being fuzzed (serve and demo
# are left out: valid values would start a server or generate a brand).
BASE = {
    ("attribute",): ["--period", "2026-Q3", "--model", "last_click"],
    ("attribute-paths",): ["{paths}"],
    ("campaigns", "map"): ["A", "b"],
    ("campaigns", "unmap"): ["A"],
    ("clv",): ["--period", "2026-Q3"],
    ("costs",): ["--period", "2026-Q3"],
    ("experiment", "assign"): ["--name", "t", "--design", "post"],
    ("experiment", "plan"): ["--design", "post", "--lift", "0.2"],
    ("fx", "set"): ["USD", "2026-01-05", "1.1"],
    ("fx", "unset"): ["USD", "2026-01-05"],
    ("import",): ["{ledger}"],
    ("insights",): ["--period", "2026-Q3"],
    ("report",): ["--period", "2026-Q3", "--format", "html", "--out", "{out}"],
    ("roi",): ["--period", "2026-Q3"],
    ("users", "add"): ["ana", "--password", "a long enough password 42"],
    ("users", "disable"): ["ana"],
    ("users", "enable"): ["ana"],
    ("users", "reset-password"): ["ana", "--password", "a long enough password 42"],
    ("users", "set-role"): ["ana", "viewer"],
}
SKIP = {("serve",), ("demo",)}
# options whose valid values run the whole command's long work (the report tests cover them)
SKIP_OPTIONS = {("report", "out")}


def _cases(seed: int = 17, per_option: int = 3):
    rnd = random.Random(seed)
    for path, cmd in _leaves(main, []):
        if tuple(path) in SKIP:
            continue
        base = BASE.get(tuple(path), [])
        for p in cmd.params:
            if p.name == "workspace" or getattr(p, "is_flag", False):
                continue
            if (*path, p.name) in SKIP_OPTIONS:
                continue
            for value in rnd.sample(BAD, per_option):
                if isinstance(p, click.Option):
                    args = [*base, p.opts[-1], value]
                else:  # an argument: replace the positional at its place
                    pos = [q for q in cmd.params if isinstance(q, click.Argument)].index(p)
                    positional = [a for a in base if not a.startswith("-")]
                    args = list(base)
                    if pos < len(positional):
                        args[args.index(positional[pos])] = value
                    else:
                        args.append(value)
                yield [*path, *args]


def test_bad_option_values_never_raise_a_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # what a bad value makes of a path stays in here
    w = tmp_path / "w.duckdb"
    assert CliRunner().invoke(main, ["init", "-w", str(w)]).exit_code == 0
    paths = tmp_path / "paths.csv"
    paths.write_text("path,total_conversions,total_conversion_value,total_null\na > b,1,5,3\n")
    fill = {"{paths}": str(paths), "{ledger}": str(FIXTURES / "ledger" / "costs_2025.csv"),
            "{out}": str(tmp_path / "out")}  # fmt: skip
    crashed = []
    cases = list(_cases())
    assert len(cases) > 150
    for args in cases:
        args = [fill.get(a, a) for a in args]
        r = CliRunner().invoke(main, [*args, "-w", str(w)], env={"SOCIALROI_PASSWORD": None})
        if (r.exception is not None and not isinstance(r.exception, SystemExit)) or (
            "Traceback" in r.output or "This is a bug in socialroi" in r.output
        ):
            crashed.append(f"{args!r}: {type(r.exception).__name__}: {r.exception}")
    assert not crashed, "\n".join(crashed)


# -- start-up ---------------------------------------------------------------------------------


def test_static_help_is_each_commands_own():
    for name in COMMANDS:
        cmd = load_command(name)
        assert cmd.name == name or name == "import"
        assert COMMANDS[name][2] == cmd.get_short_help_str(10_000), name
    assert isinstance(main, Cli)


def test_mistyped_command_gets_a_suggestion():
    r = CliRunner().invoke(main, ["staus"])
    assert r.exit_code == 2 and "Did you mean 'status'?" in r.output


HEAVY = ("pandas", "ibis", "duckdb", "weasyprint", "fastapi", "scipy", "statsmodels")
PROBE = """
import sys
from socialroi.deliver.cli.main import main
try:
    main({args!r}, prog_name="socialroi")
except SystemExit:
    pass
print("loaded:" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["roi", "--help"], ["report", "--help"], ["costs"], ["staus"], ["status"]],
    ids=lambda a: " ".join(a),
)
def test_start_up_imports_no_heavy_library(tmp_path, args):
    """`--help`, a command's `--help` and a usage error answer without pandas, Ibis or DuckDB
    (the timing itself is measured in benchmarks/cli, as a ratio to `python -c pass`)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("SOCIALROI_WORKSPACE", None)
    r = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert r.stderr.strip().splitlines()[-1] == "loaded:", f"{args}: {r.stderr}"
    assert list(tmp_path.iterdir()) == []


def test_import_loads_no_statistics_or_dashboard_library(tmp_path):
    """`socialroi import` asks whether the dashboard's kept answers are stale without loading
    the views behind them (every measure, SciPy and statsmodels: about a second per run)."""
    src = tmp_path / "costs.csv"
    src.write_text(
        "id,period,period_end,category,amount,currency,platform,market,campaign,"
        "allocation,description\nC-1,2026-01,,tools,120.00,EUR,,DE,,posts_share,Planner\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("SOCIALROI_WORKSPACE", None)
    args = ["import", "-w", str(tmp_path / "ws.duckdb"), str(src)]
    r = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=("scipy", "statsmodels", "fastapi"))],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert "ledger/costs -> batch 1" in r.stdout, r.stdout + r.stderr
    assert r.stderr.strip().splitlines()[-1] == "loaded:", r.stderr
