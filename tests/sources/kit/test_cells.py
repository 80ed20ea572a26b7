import datetime as dt

import pytest

from socialroi.errors import ImportFailed
from socialroi.sources.base import Context, ImportOptions, InputFile
from socialroi.sources.kit.cells import (
    clean_id,
    decimal_style,
    is_total_row,
    numbers,
    parse_number,
    url_decode,
)
from socialroi.sources.kit.dates import column_order, dates, parse_date
from socialroi.sources.kit.headers import HeaderMap, header_currency


def ctx(**opts):
    return Context(InputFile("export.csv", b""), ImportOptions(**opts))


@pytest.mark.parametrize(
    "raw, decimal, expected",
    [
        ("1,234", ".", 1234.0),
        ("1.234", ",", 1234.0),
        ("1.234,5", ".", 1234.5),  # both marks: the last is the decimal mark
        ("1,234.5", ",", 1234.5),
        ("12,5", ",", 12.5),
        ("-", ".", None),
        ("", ".", None),
        ("4.5%", ".", 0.045),
        ("$1,200.50", ".", 1200.5),
        ("€ 8.000,00", ",", 8000.0),
        ("(300)", ".", -300.0),
        ("1.2K", ".", 1200.0),
        (7, ".", 7.0),
    ],
)
def test_parse_number(raw, decimal, expected):
    assert parse_number(raw, decimal=decimal)[0] == expected


def test_suppressed_values_are_null_with_one_finding():
    c = ctx()
    s = numbers(c, ["10", "<5", "< 5", "3"], [2, 3, 4, 5], "Views", integer=True)
    assert s.tolist()[0] == 10 and s.isna().tolist() == [False, True, True, False]
    assert [(f.kind, f.rows, f.row_number) for f in c.findings] == [("suppressed_value", 2, 3)]


def test_bad_number_names_row_column_value():
    with pytest.raises(ImportFailed) as e:
        numbers(ctx(), ["1", "twelve"], [2, 3], "Likes")
    assert (e.value.row, e.value.column, e.value.value) == (3, "Likes", "twelve")
    assert "Nothing was imported" in str(e.value)


def test_decimal_style_detects_comma_files():
    assert decimal_style(["1.234,56", "12,5", "3"]) == ","
    assert decimal_style(["1,234.56", "12.5"]) == "."


@pytest.mark.parametrize(
    "raw, year, expected",
    [
        ("2025-01-08", None, dt.date(2025, 1, 8)),
        ("20250108"[:4] + "-01-08", None, dt.date(2025, 1, 8)),
        ("Jan 8, 2025", None, dt.date(2025, 1, 8)),
        ("January 8", 2026, dt.date(2026, 1, 8)),
        ("8 ene 2025", None, dt.date(2025, 1, 8)),
        ("8 de enero de 2025", None, dt.date(2025, 1, 8)),
        ("2025年1月8日", None, dt.date(2025, 1, 8)),
        ("1月8日", 2025, dt.date(2025, 1, 8)),
        ("01/08/2025", None, dt.date(2025, 1, 8)),
        ("2025-01-08 14:05:00 +0800", None, dt.date(2025, 1, 8)),
    ],
)
def test_parse_date(raw, year, expected):
    assert parse_date(raw, year=year) == expected


def test_dmy_order_and_no_swap_per_value():
    assert parse_date("08/01/2025", order="DMY") == dt.date(2025, 1, 8)
    with pytest.raises(ValueError):  # the column's order decides, never the one value
        parse_date("25/01/2025", order="MDY")


def test_day_month_order_is_decided_per_column():
    """Issue 10 item 3: `13-06-2025` and `01-07-2025` in one Totals column are June 13 and
    July 1 (not January 7): one value that can only be day-first decides the column."""
    c = ctx()
    assert dates(c, ["13-06-2025", "01-07-2025"], [2, 3], "Date").tolist() == [
        dt.date(2025, 6, 13), dt.date(2025, 7, 1)]  # fmt: skip
    # nothing in the values decides: the export date does (July 1 would be after it)
    assert column_order(c, ["01-07-2025", "02-07-2025"], latest=dt.date(2025, 3, 1)) == "MDY"
    assert not c.findings
    # nothing decides at all: the platform's default, said in a finding
    assert column_order(c, ["01-07-2025", "02-07-2025"], default="DMY", column="Date") == "DMY"
    assert [f.kind for f in c.findings] == ["ambiguous_date_order"]
    assert column_order(ctx(), ["01/07/2025"], language="es") == "DMY"
    with pytest.raises(ImportFailed) as e:  # 13/06 and 06/13 in one column
        dates(ctx(), ["13/06/2025", "06/13/2025"], [2, 3], "Date")
    assert "mix day-first and month-first" in str(e.value)


def test_date_without_year_asks_for_it():
    with pytest.raises(ImportFailed) as e:
        dates(ctx(), ["January 8"], [4], "Date")
    assert "--year" in str(e.value) and e.value.row == 4
    assert dates(ctx(year=2025), ["January 8"], [4], "Date").tolist() == [dt.date(2025, 1, 8)]


def test_excel_mangled_ids_are_kept_and_flagged():
    assert clean_id("1.22158E+17") == ("1.22158E+17", True)
    assert clean_id("7311234567890123456") == ("7311234567890123456", False)
    assert clean_id(123.0) == ("123", False)
    assert clean_id('="00123"') == ("00123", False)


def test_total_rows():
    assert is_total_row(["Total", "", "10"])
    assert is_total_row(["Grand total", "5"])
    assert is_total_row(["总计", "5"])
    assert not is_total_row(["2025-01-08", "5"])


def test_header_map_aliases_duplicates_and_currency():
    hm = HeaderMap(
        ["Campaign name", "Amount spent (EUR)", "Likes", "Likes"],
        {
            "campaign": ["Nombre de la campaña", "Campaign name"],
            "spend": ["Amount spent"],
            "likes": ["likes"],
            "likes_2": ["likes#2"],
        },
    )
    assert hm.index == {"campaign": 0, "spend": 1, "likes": 2, "likes_2": 3}
    assert hm.currencies["spend"] == "EUR"
    assert header_currency("Importe gastado (MXN)") == ("importe gastado", "MXN")


def test_url_decode_twice_encoded():
    assert url_decode("Paid%2520Social") == "Paid Social"
    assert url_decode("summer+sale") == "summer sale"


def test_weekday_prefixes_and_european_scientific_ids():
    assert parse_date("Mon, Jan 06, 2025") == dt.date(2025, 1, 6)
    assert parse_date("Marzo 3, 2025") == dt.date(2025, 3, 3)  # not the weekday "martes"
    assert clean_id("1,80412E+16") == ("1.80412E+16", True)


def test_fact_rows_merge_by_column(ws):
    import pyarrow as pa

    from socialroi.model.schema import TABLES
    from socialroi.store.loader import upsert

    day = dt.date(2025, 1, 8)
    with ws.store.transaction() as raw:
        upsert(
            raw,
            TABLES["account_metrics"],
            pa.table(
                {"account_id": ["tiktok:a"], "metric_date": [day], "views": [10], "batch_id": [1]}
            ),
        )
        upsert(
            raw,
            TABLES["account_metrics"],
            pa.table(
                {
                    "account_id": ["tiktok:a"],
                    "metric_date": [day],
                    "followers": [99],
                    "batch_id": [2],
                }
            ),
        )
        upsert(
            raw,
            TABLES["account_metrics"],
            pa.table(
                {
                    "account_id": ["tiktok:a"],
                    "metric_date": [day],
                    "views": [None],
                    "batch_id": [3],
                },
                schema=pa.schema(
                    [
                        ("account_id", pa.string()),
                        ("metric_date", pa.date32()),
                        ("views", pa.int64()),
                        ("batch_id", pa.int64()),
                    ]
                ),
            ),
        )
    got = ws.store.raw.execute("SELECT views, followers, batch_id FROM account_metrics").fetchall()
    assert got == [(None, 99, 3)]  # a column the file has replaces, even with empty
