"""Issue 17, item 7: `roi`, `insights` and `attribute` show a status line on stderr while they
work, when stderr is a terminal (and nothing when it is not, so pipes and logs stay clean)."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from rich.console import Console

from socialroi.deliver.cli import attribution, roi
from socialroi.deliver.cli.main import main

CASES = [
    (roi, ["roi", "--period", "2026-Q3"], "ROI for 2026-Q3"),
    (roi, ["insights", "--period", "2026-Q3"], "insights for 2026-Q3"),
    (attribution, ["attribute", "--period", "2026-Q3", "--model", "last_click"],
     "attribution for 2026-Q3"),
]  # fmt: skip


@pytest.mark.parametrize(("module", "args", "says"), CASES, ids=lambda c: str(c)[:20])
def test_status_line_on_a_terminal_only(tmp_path, monkeypatch, module, args, says):
    w = str(tmp_path / "w.duckdb")
    assert CliRunner().invoke(main, ["init", "-w", w]).exit_code == 0
    for terminal in (True, False):
        buf = io.StringIO()
        console = Console(file=buf, force_terminal=terminal, width=120)
        monkeypatch.setattr(module, "err", console)
        r = CliRunner().invoke(main, [*args, "-w", w])
        assert r.exit_code == 0, r.output
        assert (says in buf.getvalue()) is terminal, (terminal, buf.getvalue())
