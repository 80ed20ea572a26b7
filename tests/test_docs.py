"""The docs that are generated from code must be current; the README's promises hold."""

from pathlib import Path

from socialroi.clidoc import render

ROOT = Path(__file__).parent.parent


def test_cli_reference_is_current():
    assert (ROOT / "docs" / "cli.md").read_text() == render(), "run `make docs`"


def test_readme_shows_commands_and_example_early():
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    assert "make demo" in head and "make test" in head and "Workspace.open" in head


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
