"""The docs that are generated from code must be current; the README's promises hold."""

from pathlib import Path

from socialroi.deliver.cli.doc import render

ROOT = Path(__file__).parent.parent


def test_cli_reference_is_current():
    assert (ROOT / "docs" / "cli.md").read_text() == render(), "run `make docs`"


def test_readme_shows_commands_and_example_early():
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    assert "make demo" in head and "make test" in head and "Workspace.open" in head


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    """The README's example, run as written on a folder of real fixture exports."""
    import re
    import shutil

    code = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    fixtures = ROOT / "tests" / "fixtures"
    shutil.copytree(fixtures / "ledger", tmp_path / "exports" / "ledger")
    shutil.copytree(
        fixtures / "tiktok" / "@voltiq.us",
        tmp_path / "exports" / "@voltiq.us",
        ignore=shutil.ignore_patterns("*broken*", "Viewers.xlsx"),  # needs --year
    )
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "ledger/costs -> batch" in out and "views" in out
