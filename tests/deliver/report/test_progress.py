"""Long work says where it is: the report tells each section and format as it starts."""

from socialroi import Workspace
from socialroi.deliver import report as report_pkg
from socialroi.deliver.report import data as data_mod
from socialroi.deliver.report.tables import Section


def test_build_report_tells_each_step(tiny_demo, tmp_path, monkeypatch):
    for key in data_mod.SECTION_ORDER:
        monkeypatch.setitem(data_mod.BUILDERS, key, lambda ctx, key=key: Section(key, key, ""))
    steps: list[str] = []
    with Workspace.open(tiny_demo) as ws:
        report_pkg.build_report(
            ws, period="2026-Q3", formats=("html", "xlsx"), out=tmp_path, on_step=steps.append
        )
    sections = [s for s in data_mod.SECTION_ORDER if s != "funnel"]  # dtc has no funnel
    assert steps == [*sections, "html", "xlsx"]
