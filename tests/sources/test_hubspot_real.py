"""Issue 10, item 7: HubSpot deal stages of real portals (tests/fixtures/hubspot/real)."""

from __future__ import annotations

from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from tests.conftest import FIXTURES

REAL = FIXTURES / "hubspot" / "real"
DEALS = REAL / "deals_custom_pipeline.csv"


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def won(ws):
    return q(ws, "SELECT order_id, value, currency FROM conversions WHERE kind = 'won' "
                 "ORDER BY order_id")  # fmt: skip


def test_custom_and_localised_stage_labels_decide_won(ws):
    [res] = ws.import_files([DEALS], timezone="Europe/London")
    assert won(ws) == [("deal-7001", 150000.0, "GBP"), ("deal-7005", 60000.0, "GBP"),
                       ("deal-7006", 12500.0, "GBP")]  # fmt: skip
    assert q(ws, "SELECT count(*) FROM conversions WHERE kind = 'opportunity'") == [(6,)]
    [(kind, value, rows, message)] = q(
        ws, "SELECT kind, value, rows, message FROM dq_findings WHERE kind = 'unknown_deal_stage'"
    )
    assert (value, rows) == ("Signed - awaiting PO", 1)
    assert '--deal-stage "Signed - awaiting PO=won"' in message


def test_a_stage_mapping_settles_an_unknown_stage(tmp_path):
    w = str(tmp_path / "w.duckdb")
    r = CliRunner().invoke(main, ["import", "-w", w, str(DEALS), "--timezone", "Europe/London",
                                  "--deal-stage", "Signed - awaiting PO=won"])  # fmt: skip
    assert r.exit_code == 0, r.output
    with Workspace.open(w) as ws:
        assert [o for o, _, _ in won(ws)] == ["deal-7001", "deal-7002", "deal-7005", "deal-7006"]
        assert not q(ws, "SELECT * FROM dq_findings WHERE kind = 'unknown_deal_stage'")
    r = CliRunner().invoke(main, ["import", "-w", w, str(DEALS), "--deal-stage", "x=maybe"])
    assert r.exit_code == 2 and "LABEL=won" in r.output


def test_is_closed_won_decides_over_the_label(ws, tmp_path):
    f = tmp_path / "deals.csv"
    f.write_text(DEALS.read_text().replace("Is Deal Closed?", "Is Closed Won")
                 .replace(",true\n", ",false\n"))  # fmt: skip
    ws.import_files([f], timezone="Europe/London")
    assert won(ws) == []


def test_a_view_with_few_columns_imports_what_it_can(ws):
    [res] = ws.import_files([REAL / "deals_few_columns.csv"])
    assert (res.source, res.report) == ("hubspot", "deals")
    [(msg,)] = q(ws, "SELECT message FROM dq_findings WHERE kind = 'deal_without_dates'")
    assert "add Create Date and Close Date to the view" in msg


def test_contacts_of_the_default_view_import_with_a_finding(ws):
    [res] = ws.import_files([REAL / "contacts_default_view.csv"])
    assert (res.source, res.report) == ("hubspot", "contacts")
    [(msg,)] = q(ws, "SELECT message FROM dq_findings WHERE kind = 'no_stage_columns'")
    assert "Became a Lead Date" in msg
