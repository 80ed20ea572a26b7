"""Item 5 of issue 10: a folder or zip goes on past a file it cannot use, in dependency order,
and ends with a summary (imported / unchanged / skipped with the reason / failed with the
error); the CLI exits non-zero only when something failed."""

from __future__ import annotations

import shutil
import zipfile

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.land import runs
from tests.conftest import FIXTURES, table_totals

FOLLOWER_ACTIVITY = (
    '"Date","Hour","Active followers"\n"January 1","0","812"\n"January 1","1","640"\n'
)
ORDERED = [
    FIXTURES / "ledger" / "accounts.csv",
    FIXTURES / "ledger" / "costs_2025.csv",
    FIXTURES / "shopify" / "orders_export_1.csv",
    FIXTURES / "tiktok" / "@voltiq.us" / "Content_2025-01-01_2025-01-31.csv",
    FIXTURES / "tiktok" / "@voltiq.us" / "Content_2025-01-01_2025-01-15.csv",  # older snapshot
    FIXTURES / "tiktok" / "@voltiq.us" / "FollowerHistory_2024-12-30_2025-01-02.csv",
    FIXTURES / "tiktok" / "@voltiq.us" / "Overview_2024-12-30_2025-01-02.csv",
]


def download_folder(root):
    """A folder as a marketer keeps it: exports plus files that are not exports."""
    folder = root / "exports"
    (folder / "@voltiq.us").mkdir(parents=True)
    (folder / "README.txt").write_text("Exports for Q1, ask Ana before deleting.\n")
    (folder / "ground_truth.json").write_text('{"seed": 1}\n')
    # the register is named so that it sorts last: the run still imports it first
    shutil.copy(FIXTURES / "ledger" / "accounts.csv", folder / "zz_accounts.csv")
    shutil.copy(FIXTURES / "shopify" / "orders_export_1.csv", folder / "orders_export_1.csv")
    with zipfile.ZipFile(folder / "@voltiq.us" / "Followers.zip", "w") as z:
        z.write(ORDERED[5], "FollowerHistory_2024-12-30_2025-01-02.csv")
        z.writestr("FollowerActivity.csv", FOLLOWER_ACTIVITY)
    return folder


def test_folder_goes_on_past_files_that_are_not_exports(tmp_path):
    folder = download_folder(tmp_path)
    (folder / "costs.csv").write_text("period,category,amount,currency\n2025-10,yachts,5,USD\n")
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        summary = ws.import_run([folder])
        by = {r.file.split("/")[-1]: r for r in summary.results}
        assert summary.counts() == {"imported": 3, "unchanged": 0, "skipped": 3, "failed": 1}
        assert by["README.txt"].status == "skipped"
        assert "not an export socialroi recognises" in by["README.txt"].reason
        assert by["FollowerActivity.csv"].status == "skipped"
        assert by["ground_truth.json"].status == "skipped"
        assert by["costs.csv"].status == "failed" and "unknown category" in by["costs.csv"].reason
        loaded = [r.file.split("/")[-1] for r in summary.of("loaded")]
        assert loaded[0] == "zz_accounts.csv"  # the register before what needs it
        assert ws.store.count("conversions") == 4 and ws.store.count("account_metrics") > 0
        again = ws.import_run([folder])
        assert again.counts() == {"imported": 0, "unchanged": 3, "skipped": 3, "failed": 1}
    text = summary.describe()
    assert text.startswith("3 imported, 0 unchanged, 3 skipped as not an export, 1 failed")
    assert "skipped: README.txt: this file is not an export socialroi recognises" in text


def test_cli_exit_code_only_fails_on_failures(tmp_path):
    folder = download_folder(tmp_path)
    w = str(tmp_path / "w.duckdb")
    r = CliRunner().invoke(main, ["import", "-w", w, str(folder)])
    assert r.exit_code == 0, r.output
    assert "3 imported, 0 unchanged, 3 skipped as not an export, 0 failed" in r.output
    assert "FollowerActivity.csv: skipped" in r.output
    (folder / "costs.csv").write_text("period,category,amount,currency\n2025-10,yachts,5,USD\n")
    r = CliRunner().invoke(main, ["import", "-w", w, str(folder)])
    assert r.exit_code == 1
    assert "0 imported, 3 unchanged, 3 skipped as not an export, 1 failed" in r.output
    assert "unknown category" in r.output


def test_a_file_named_alone_that_is_not_an_export_fails(tmp_path):
    f = tmp_path / "notes.csv"
    f.write_text("a,b\n1,2\n")
    plan = runs.plan([f])
    assert [r.status for r in plan.results] == ["failed"] and not plan.todo


@settings(
    max_examples=3, deadline=None, suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)  # fmt: skip
@given(st.permutations(ORDERED))
def test_any_order_of_files_gives_the_same_tables(tmp_path_factory, order):
    with Workspace.open(tmp_path_factory.mktemp("o") / "a.duckdb") as a:
        a.import_run(ORDERED)
        want = table_totals(a)
    with Workspace.open(tmp_path_factory.mktemp("o") / "b.duckdb") as b:
        summary = b.import_run(list(order))
        assert not summary.failed, summary.describe()
        assert table_totals(b) == want


def test_the_demo_exports_folder_imports_to_the_demo_tables(tiny_demo_build, tmp_path):
    """The whole demo exports folder in one run (no ground truth in it any more, the
    register first, then by name) gives exactly the tables the demo's own ordered import
    gave."""
    with Workspace.open(tiny_demo_build.path) as demo:
        want, base = table_totals(demo), demo.base_currency
    with Workspace.open(tmp_path / "w.duckdb", base_currency=base) as ws:
        summary = ws.import_run([tiny_demo_build.exports])
        assert summary.counts()["failed"] == summary.counts()["skipped"] == 0
        assert table_totals(ws) == want
