"""The docs that are generated from code must be current, the docs that list what the code
registers (each source's reports, the API's routes) complete; the README's promises hold."""

import re
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


def test_source_docs_cover_every_registered_report():
    """docs/sources/<source>.md names each of the source's reports (in a table row `| `name`
    |` or as `--report name`), names no report that does not exist, and every page is a
    source's."""
    from socialroi.sources import load_all
    from socialroi.sources.base import REPORTS

    load_all()
    names: dict[str, set[str]] = {}
    for r in REPORTS.values():
        names.setdefault(r.source, set()).add(r.name)
    docs = ROOT / "docs" / "sources"
    pages = {p.stem for p in docs.glob("*.md")} - {"README"}
    assert pages == set(names), "one docs/sources page a source"
    for source, reports in names.items():
        text = (docs / f"{source}.md").read_text()
        missing = {n for n in reports if f"| `{n}` |" not in text and f"--report {n}" not in text}
        assert not missing, f"docs/sources/{source}.md does not name {sorted(missing)}"
        stale = set(re.findall(r"--report ([a-z_]+)", text)) - reports
        assert not stale, f"docs/sources/{source}.md names unknown reports {sorted(stale)}"


def test_api_doc_lists_every_route_and_no_other(tmp_path):
    """docs/api.md names every route under /api/v1 (`METHOD /api/v1/...`) and nothing else."""
    from socialroi.deliver.web.app import create_app
    from tests.deliver.web.web_support import app_routes

    app = create_app(tmp_path / "ws.duckdb", reports_dir=tmp_path / "reports")
    try:
        served = {(m, p) for m, p in app_routes(app) if p.startswith("/api/v1/")}
    finally:
        app.state.ctx.ws.close()
    text = (ROOT / "docs" / "api.md").read_text()
    documented = set(re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`\s]*)`", text))
    assert len(served) > 20
    assert served - documented == set(), "routes missing from docs/api.md"
    assert documented - served == set(), "docs/api.md lists routes the app does not serve"
