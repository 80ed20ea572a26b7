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


def test_migrations_run_in_order_and_record_the_version(tmp_path, monkeypatch):
    """A workspace made by an older socialroi is migrated when opened."""
    import socialroi.store.duckdb as store

    p = tmp_path / "w.duckdb"
    Workspace.open(p).close()
    ran = []

    def add_note_column(raw):
        ran.append(SCHEMA_VERSION + 1)
        raw.execute("ALTER TABLE costs ADD COLUMN note VARCHAR")

    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store.MIGRATIONS, SCHEMA_VERSION + 1, add_note_column)
    with Workspace.open(p) as ws:
        assert ws.store.schema_version() == SCHEMA_VERSION + 1
        cols = [r[0] for r in ws.store.raw.execute("DESCRIBE costs").fetchall()]
        assert "note" in cols
    with Workspace.open(p):
        pass
    assert ran == [SCHEMA_VERSION + 1]  # once, not at every open


def test_a_failing_migration_leaves_the_workspace_as_it_was(tmp_path, monkeypatch):
    import socialroi.store.duckdb as store

    p = tmp_path / "w.duckdb"
    with Workspace.open(p) as ws:
        ws.import_files([FIXTURES / "ledger" / "costs_2025.csv"])

    def broken(raw):
        raw.execute("ALTER TABLE costs ADD COLUMN note VARCHAR")
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store.MIGRATIONS, SCHEMA_VERSION + 1, broken)
    with pytest.raises(RuntimeError):
        Workspace.open(p)
    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION)
    with Workspace.open(p) as ws:
        assert ws.store.schema_version() == SCHEMA_VERSION and ws.store.count("costs") == 4
        assert "note" not in [r[0] for r in ws.store.raw.execute("DESCRIBE costs").fetchall()]


def test_a_v4_workspace_gains_views_by_traffic_source(tmp_path):
    """Version 5 adds `view_sources` to a workspace made before it, keeping what it held."""
    p = tmp_path / "w.duckdb"
    with Workspace.open(p) as ws:
        ws.import_files([FIXTURES / "ledger" / "costs_2025.csv"])
        ws.store.raw.execute("DROP TABLE view_sources")
        ws.store.raw.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with Workspace.open(p) as ws:
        assert ws.store.schema_version() == SCHEMA_VERSION >= 5
        assert ws.store.count("view_sources") == 0 and ws.store.count("costs") == 4
        assert list(ws.table("view_sources").columns) == TABLES["view_sources"].column_names
