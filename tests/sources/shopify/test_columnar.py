"""The orders export read in Arrow (`shopify.columnar`) stores what the row-by-row reading
stores: the same frames (values, dtypes, row order), findings and errors, for the fixtures
and for copies of them with one cell, row or byte made hostile.

The fixtures are the documented layouts the other Shopify tests use:
- `shopify/orders_export_1.csv`: Admin > Orders > Export, plain CSV (help.shopify.com
  "Exporting orders"), one row per line item, an Id mangled by Excel (`5.61024E+12`), a
  cancelled and a refunded order, a POS order without e-mail;
- `shopify/orders_landing_site.csv`: the same export with the `Landing Site` / `Referring
  Site` columns that apps and custom exports add, in EUR and USD;
- `shopify/orders_export_zh.csv`: the export with Chinese headers, UTF-8 with a BOM;
- `shopify_real/orders_export_1.csv`: "CSV for Excel" as Shopify writes it (the 73 columns
  of the 2024 export, continuation rows repeating Name, Email, Created at and 0.00 money
  cells, `'` before numbers, `-0700` offsets, a TikTok Shop order; make_fixtures.py).
"""

from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

from socialroi.errors import ImportFailed
from socialroi.sources.base import Context, ImportOptions, InputFile
from socialroi.sources.kit.tabular import TextDamaged, read_columns, read_rows
from socialroi.sources.shopify import exports
from socialroi.sources.shopify.columnar import orders_from_columns
from tests.conftest import FIXTURES

PLAIN = {
    "standard export, plain CSV": FIXTURES / "shopify" / "orders_export_1.csv",
    "export with Landing Site / Referring Site": FIXTURES / "shopify" / "orders_landing_site.csv",
    "Chinese headers, UTF-8 BOM": FIXTURES / "shopify" / "orders_export_zh.csv",
    "CSV for Excel, 2024 columns": FIXTURES / "shopify_real" / "orders_export_1.csv",
}
HOSTILE = ["", "text", "'12", "=1+1", "2025-02-30 10:00:00 +0100", "2025-01-08 10:15:00",
           "1e400", " ", "0.00", "-5", "$12.50", "1.234,50", "<5", "TikTok Shop", "voided",
           "refunded", "ZZ", "usd", "#10021", "  padded  ", "5.61E+12", "Total", "01/08/2025 10:15",
           "landing_site: /?utm_source=n&fbclid=F\nutm_campaign=c", "1,234.50"]  # fmt: skip
COLUMNS = ("Name", "Email", "Financial Status", "Currency", "Total", "Created at", "Id",
           "Billing Country", "Shipping Country", "Note Attributes", "Cancelled at",
           "Refunded Amount", "Source", "Landing Site", "Referring Site")  # fmt: skip


def _parse(data: bytes, *, rows: bool, **options):
    """(frames, findings, counts) or the error of parsing `data` as an orders export, read in
    Arrow or (`rows=True`) row by row."""
    file = InputFile(name="orders_export_1.csv", data=data)
    ctx = Context(file=file, options=ImportOptions(**options))
    try:
        if rows:
            rows_ = read_rows(file)
            t = exports.table_from_rows(
                ctx, rows_.rows, exports._aliases(), exports.REQUIRED, "Shopify orders export",
                first_row=rows_.first_row, number_fields=("total", "refunded_amount"),
            )  # fmt: skip
            out = exports.orders_from_table(ctx, t)
        else:
            out = exports.parse_orders(file, ctx)
    except ImportFailed as e:
        return ("failed", str(e), e.row, e.column, e.value, e.expected)
    except TextDamaged as e:  # damaged text (the importer names the file and says why)
        return ("damaged", str(e))
    return out, [vars(f) for f in ctx.findings], (ctx.rows_read, ctx.rows_skipped)


def assert_same(data: bytes, **options) -> None:
    new, old = _parse(data, rows=False, **options), _parse(data, rows=True, **options)
    if isinstance(old[0], str):
        assert new == old
        return
    assert new[1:] == old[1:]
    assert list(new[0]) == list(old[0])
    for name in old[0]:
        pd.testing.assert_frame_equal(new[0][name], old[0][name], check_exact=True)


def _cells(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("layout", PLAIN)
def test_plain_exports_are_read_in_arrow_to_the_same_frames(layout):
    data = PLAIN[layout].read_bytes()
    file = InputFile(name="orders_export_1.csv", data=data)
    assert orders_from_columns(file, Context(file=file)) is not None  # not the row path
    assert_same(data)
    assert_same(data, account="@voltiq-eu", currency="eur", timezone="Europe/Paris", market="FR")


def _variants(seed: int, n: int):
    rng = random.Random(seed)
    for layout, path in PLAIN.items():
        base = _cells(path)
        wanted = [j for j, h in enumerate(base[0]) if h in COLUMNS]
        for i in range(n):
            rows = [list(r) for r in base]
            k = rng.randint(1, len(rows) - 1)
            kind = rng.choice(["cell"] * 5 + ["drop", "double", "name", "move", "blank"])
            if kind == "cell":
                rows[k][rng.choice(wanted or range(len(rows[0])))] = rng.choice(HOSTILE)
            elif kind == "drop":
                del rows[k]
            elif kind == "double":
                rows.insert(k, list(rows[k]))
            elif kind == "name":
                rows[k][0] = rng.choice(["#X9", rows[rng.randint(1, len(rows) - 1)][0]])
            elif kind == "move":
                rows.append(rows.pop(k))
            else:
                rows.insert(k, [""] * len(rows[0]))
            yield pytest.param(_csv(rows), id=f"{layout}-{i}-{kind}")


@pytest.mark.parametrize("data", list(_variants(18, 25)))
def test_hostile_copies_store_the_same_or_fail_the_same(data):
    assert_same(data)


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.replace(b"paid", b"pa\x00id", 1),  # a NUL byte: damaged
        lambda b: b[:-40],  # cut off inside its last line
        lambda b: b + b'#99,"open',  # a cell that never ends
        lambda b: b"sep=,\n" + b,  # Excel's sep= line
        lambda b: b.replace(b",", b";"),  # another delimiter
        lambda b: b.decode("utf-8-sig").encode("utf-16"),  # Excel's Unicode text
        lambda b: b.replace(b"\n", b"\n\n", 3),  # empty lines
        lambda b: b.replace(b"\n", b"\r\n"),  # Windows line ends
        lambda b: b.replace(b"GaN", b'Ga"N', 1),  # a quote inside a cell
        lambda b: b.replace(b"#10022", b"#10022\x1c", 2),  # a separator Python strips
    ],
)
def test_damaged_and_unusual_text_reads_or_fails_the_same(edit):
    assert_same(edit(PLAIN["CSV for Excel, 2024 columns"].read_bytes()))


def test_read_columns_reads_what_read_rows_reads_or_declines():
    data = PLAIN["CSV for Excel, 2024 columns"].read_bytes()
    file = InputFile(name="x.csv", data=data)
    table = read_columns(file)
    assert [list(r.values()) for r in table.to_pylist()] == read_rows(file).rows
    for other in (data.decode("utf-8-sig").encode("utf-16"), b"sep=,\n" + data,
                  data.replace(b",", b";"), data[:-40], data + b"\x00"):  # fmt: skip
        assert read_columns(InputFile(name="x.csv", data=other)) is None
