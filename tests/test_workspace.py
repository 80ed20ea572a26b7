import pytest

from socialroi import Workspace
from socialroi.errors import SocialroiError, UnknownName
from socialroi.model.schema import SCHEMA_VERSION, TABLES
from tests.conftest import FIXTURES


def test_new_workspace_has_every_table_and_version(tmp_path):
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        assert ws.store.schema_version() == SCHEMA_VERSION
        for name in TABLES:
            assert ws.store.count(name) == 0
        assert ws.base_currency == "USD"


def test_newer_schema_refuses_to_open(tmp_path):
    p = tmp_path / "w.duckdb"
    Workspace.open(p).close()
    import duckdb

    con = duckdb.connect(str(p))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SocialroiError, match="newer than this socialroi"):
        Workspace.open(p)


def test_base_currency_cannot_change_once_money_is_stored(tmp_path):
    p = tmp_path / "w.duckdb"
    with Workspace.open(p, base_currency="CNY") as ws:
        ws.import_files([FIXTURES / "ledger" / "costs_2025.csv"])
    with pytest.raises(SocialroiError, match="already holds amounts in CNY"):
        Workspace.open(p, base_currency="EUR")
    with pytest.raises(SocialroiError, match="not one the ECB publishes"):
        Workspace.open(tmp_path / "x.duckdb", base_currency="XYZ")


def test_table_lookup_lists_valid_names(ws):
    with pytest.raises(UnknownName, match="valid: account_metrics, accounts"):
        ws.table("tweets")
    assert ws.table("costs").count().execute() == 0
