"""A change is said one way everywhere: rates in percentage points, amounts relatively."""

from click.testing import CliRunner

from socialroi.deliver.cli.common import console
from socialroi.deliver.cli.main import main
from socialroi.deliver.cli.roi import fmt_value
from socialroi.deliver.web.format import cell
from socialroi.measure.roi import delta, delta_unit


def test_the_rule():
    assert delta_unit("percent") == "pp" and delta_unit("currency") == "relative"
    assert delta(0.156, 0.12, "percent") == 0.156 - 0.12  # points, as a fraction
    assert delta(110.0, 100.0, "currency") == 0.1  # relative


def test_cli_and_dashboard_write_it_alike():
    assert fmt_value(0.036, "pp") == "+3.6 pt" and fmt_value(-0.072, "relative") == "-7.2%"
    assert cell(0.036, "roi_delta") == "+3.6 pt"
    assert cell(-0.072, "revenue_delta") == "−7.2%"  # Babel's minus, as in the report


def test_the_roi_command_labels_its_change_columns(tiny_demo, monkeypatch):
    monkeypatch.setattr(console, "width", 400)  # one line per row, headers unwrapped
    run = CliRunner().invoke(
        main, ["roi", "-w", str(tiny_demo), "--period", "2026-Q3", "--compare", "previous",
               "--by", "platform"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "Δ ROI (pt)" in run.output and "(rel.)" in run.output
    assert " pt" in run.output
