import datetime as dt

import pytest

from socialroi.errors import ImportFailed
from socialroi.model.currencies import ecb_rate
from tests.conftest import FIXTURES, table_totals

COSTS = FIXTURES / "ledger" / "costs_2025.csv"


def test_costs_ledger_import(ws):
    [res] = ws.import_files([COSTS])
    assert (res.status, res.source, res.report, res.rows_loaded) == ("loaded", "ledger", "costs", 4)
    rows = ws.store.raw.execute(
        "SELECT cost_id, period_start, period_end, category, amount, currency, amount_base, "
        "platform, market, allocation, description, batch_id FROM costs ORDER BY cost_id"
    ).fetchall()
    c1, c2, c3, c4 = rows
    assert c1[1:6] == (dt.date(2025, 10, 1), dt.date(2025, 12, 31), "salaries", 45000.0, "EUR")
    usd_per_eur = ecb_rate("USD", dt.date(2025, 12, 31))[0]
    assert c1[6] == pytest.approx(45000 * usd_per_eur)
    assert c2[6] == pytest.approx(1200.5)
    cny = ecb_rate("CNY", dt.date(2025, 12, 31))[0]
    assert c3[6] == pytest.approx(98000 / cny * usd_per_eur)
    assert c3[10] == '=HYPERLINK("http://evil")'  # stored verbatim; neutralised on export
    assert c4[9] is None and all(r[-1] == res.batch_id for r in rows)


def test_reimport_is_unchanged(ws):
    ws.import_files([COSTS])
    before = table_totals(ws)
    [again] = ws.import_files([COSTS])
    assert again.status == "unchanged" and "nothing changed" in again.describe()
    assert table_totals(ws) == before


def test_overlapping_ledger_updates_by_id(ws, tmp_path):
    ws.import_files([COSTS])
    v2 = tmp_path / "costs_v2.csv"
    v2.write_text(COSTS.read_text().replace("1200.50", "1300.00"))
    ws.import_files([v2])
    assert ws.store.count("costs") == 4
    assert ws.store.raw.execute("SELECT amount FROM costs WHERE cost_id='c2'").fetchone()[0] == 1300


@pytest.mark.parametrize(
    "bad, row, column",
    [
        ("2025-13,tools,10,USD", 3, "period"),
        ("2025-11,yachts,10,USD", 3, "category"),
        ("2025-11,tools,ten,USD", 3, "amount"),
        ("2025-11,tools,10,DOLLARS", 3, "currency"),
    ],
)
def test_bad_line_fails_whole_file(ws, tmp_path, bad, row, column):
    f = tmp_path / "costs.csv"
    f.write_text(f"period,category,amount,currency\n2025-10,tools,5,USD\n{bad}\n")
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (row, column)
    assert ws.store.count("costs") == 0 and ws.store.count("import_batches") == 0


def test_unknown_currency_code(ws, tmp_path):
    f = tmp_path / "costs.csv"
    f.write_text("period,category,amount,currency\n2025-10,tools,5,XYZ\n")
    with pytest.raises(ImportFailed, match="XYZ"):
        ws.import_files([f])


def test_accounts_register_then_merge(ws):
    ws.import_files([FIXTURES / "ledger" / "accounts.csv"])
    row = ws.store.raw.execute(
        "SELECT account_id, market, currency, timezone FROM accounts ORDER BY 1"
    ).fetchall()
    assert row[0] == ("instagram:voltiq.de", "DE", "EUR", "Europe/Berlin")
    # A later import naming the same account without market keeps the register's market.
    import pyarrow as pa

    from socialroi.model.schema import TABLES
    from socialroi.store.loader import upsert

    with ws.store.transaction() as raw:
        upsert(
            raw,
            TABLES["accounts"],
            pa.table({"account_id": ["tiktok:voltiq.us"], "platform": ["tiktok"], "name": ["New"]}),
        )
    got = ws.store.raw.execute(
        "SELECT name, market FROM accounts WHERE account_id='tiktok:voltiq.us'"
    ).fetchone()
    assert got == ("New", "US")


def test_same_bytes_for_another_account_is_a_new_import(ws, tmp_path):
    """Two accounts' exports can be byte-identical (quiet accounts): both must be stored."""
    body = "Date,Video Views,Profile Views,Likes,Comments,Shares\n2025-01-08,5,1,2,0,0\n"
    for h in ("@a.us", "@a.de"):
        (tmp_path / h).mkdir()
        (tmp_path / h / "Overview.csv").write_text(body)
    res = ws.import_files([tmp_path / "@a.us", tmp_path / "@a.de"])
    assert [r.status for r in res] == ["loaded", "loaded"]
    assert ws.store.count("account_metrics") == 2
    again = ws.import_files([tmp_path / "@a.de"])
    assert again[0].status == "unchanged"


TIME_SPLIT = FIXTURES / "ledger" / "time_split_2026.csv"


def test_time_split_import(ws):
    [res] = ws.import_files([TIME_SPLIT])
    assert (res.source, res.report, res.rows_loaded) == ("ledger", "time_split", 3)
    rows = ws.store.raw.execute(
        "SELECT team, period_start, period_end, platform, market, hours, batch_id "
        "FROM time_split ORDER BY hours"
    ).fetchall()
    assert rows[0] == ("Shenzhen studio", dt.date(2026, 7, 1), dt.date(2026, 7, 31),
                       "instagram", "DE", 42.5, res.batch_id)  # fmt: skip
    assert rows[1][1:3] == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    # a corrected file replaces the same team, period, platform and market
    v2 = TIME_SPLIT.with_name("time_split_v2.csv")
    try:
        v2.write_text(TIME_SPLIT.read_text().replace(",120", ",100"))
        ws.import_files([v2])
    finally:
        v2.unlink()
    assert ws.store.count("time_split") == 3
    assert ws.store.raw.execute("SELECT sum(hours) FROM time_split").fetchone()[0] == 202.5


@pytest.mark.parametrize(
    "header",
    ["equipo,periodo,plataforma,mercado,horas", "团队,期间,平台,市场,小时"],
)
def test_time_split_headers_in_spanish_and_chinese(ws, tmp_path, header):
    f = tmp_path / "horas.csv"
    f.write_text(f"{header}\nEstudio,2026-08,tiktok,MX,10\n", encoding="utf-8")
    [res] = ws.import_files([f])
    assert res.report == "time_split"
    assert ws.store.raw.execute("SELECT team, market, hours FROM time_split").fetchone() == (
        "Estudio", "MX", 10.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    "bad, column, problem",
    [
        ("T,2026-13,tiktok,US,5", "period", "cannot read the period"),
        ("T,2026-08,myspace,US,5", "platform", "unknown platform"),
        ("T,2026-08,tiktok,United States,5", "market", "not a market code"),
        ("T,2026-08,tiktok,US,-5", "hours", "zero or more"),
        ("T,2026-08,tiktok,US,lots", "hours", "not a number"),
        (",2026-08,tiktok,US,5", "team", "names no team"),
    ],
)
def test_bad_time_split_line_fails_whole_file(ws, tmp_path, bad, column, problem):
    f = tmp_path / "split.csv"
    f.write_text(f"team,period,platform,market,hours\nT,2026-07,tiktok,US,5\n{bad}\n")
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (3, column)
    assert problem in str(e.value) and "Nothing was imported" in str(e.value)
    assert ws.store.count("time_split") == 0 and ws.store.count("import_batches") == 0


def test_costs_ledger_team_column(ws, tmp_path):
    """`team` names whose time-split hours an `hours_share` line follows; lines without it
    keep the id they had before the column existed."""
    body = "period,category,amount,currency,allocation,team\n2026-07,salaries,10,USD,hours_share,"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(body + "Studio\n")
    b.write_text(
        "period,category,amount,currency,allocation\n2026-07,salaries,10,USD,hours_share\n"
    )
    ws.import_files([a, b])
    rows = ws.store.raw.execute("SELECT cost_id, team FROM costs ORDER BY team").fetchall()
    assert [t for _, t in rows] == ["Studio", None]
    assert rows[0][0] != rows[1][0]
