"""Column-wise reading (`kit.columns`) and the Arrow fast paths of `kit.cells`: each gives what
the cell-by-cell reading gives, including which cell fails first."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialroi.errors import ImportFailed
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit import cells
from socialroi.sources.kit.columns import columns, each_distinct, take, trimmed
from socialroi.sources.kit.dates import dates


def ctx() -> Context:
    return Context(InputFile("t.csv", b""))


def test_columns_pad_short_rows_and_cut_long_ones():
    assert columns([["a", "b"], ["c"], ["d", "e", "f"]], 2) == [("a", "c", "d"), ("b", "", "e")]
    assert columns([], 2) == [(), ()]
    assert take(("a", "b", "c"), [2]) == ("c",)
    assert take(["a", "b", "c"], [0, 2]) == ("a", "c")


def test_each_distinct_calls_once_per_value_in_order_of_first_appearance():
    seen = []
    out = each_distinct(["b", "a", "b", "c", "a"], lambda v: seen.append(v) or v.upper())
    assert out == ["B", "A", "B", "C", "A"] and seen == ["b", "a", "c"]
    assert each_distinct([["x"], ["x"]], len) == [1, 1]  # unhashable: one by one


def test_trimmed_is_str_strip_and_keeps_other_cells():
    assert trimmed(("a", " b ", "\u3000c\u00a0")) == ["a", "b", "c"]
    plain = ("a", "b")
    assert trimmed(plain) is plain  # nothing to trim: the column as it is
    assert trimmed([" a", 5, None]) == ["a", 5, None]


def test_the_first_bad_date_in_row_order_fails_the_file():
    with pytest.raises(ImportFailed) as exc:
        dates(ctx(), ["2025-01-08", "soon", "2025-01-09", "never", "soon"], [2, 3, 4, 5, 6], "Day")
    assert (exc.value.row, exc.value.value) == (3, "soon")


def test_ambiguous_date_order_counts_every_cell_not_each_value():
    c = ctx()
    dates(c, ["01/02/2025", "01/02/2025", "03/04/2025"], [2, 3, 4], "Day")
    [f] = [f for f in c.findings if f.kind == "ambiguous_date_order"]
    assert f.rows == 3


@given(st.lists(st.sampled_from(["1,234.5", "1.234,5", "12,5", "7", "007", "", "1,2", "x 1",
                                 "€1.000", "1,234,567.891", "-3,5"]), max_size=30))  # fmt: skip
def test_decimal_style_in_arrow_is_the_counted_one(values):
    eu = us = 0
    for v, n in Counter(values).items():  # the reading before Arrow: every distinct cell
        if v.isdigit():
            continue
        s = cells._CURRENCY_CHARS.sub("", v.strip()).rstrip("%")
        eu += n * bool(cells._EU_NUMBER.match(s))
        us += n * bool(not cells._EU_NUMBER.match(s) and cells._US_NUMBER.match(s))
    assert cells.decimal_style(values) == ("," if eu > us else ".")


@given(st.sampled_from([".", ","]), st.booleans(),
       st.lists(st.from_regex(r"\A[+-]?\d{1,3}([.,]\d{3}){0,2}([.,]\d{1,3})?\Z"), min_size=1,
                max_size=5))  # fmt: skip
def test_numbers_in_arrow_read_what_parse_number_reads(decimal, integer, values):
    try:
        want = [cells.parse_number(raw, decimal=decimal)[0] for raw in values]
    except ValueError:  # a cell no reading takes: the file fails either way
        with pytest.raises(ImportFailed):
            cells.numbers(ctx(), values, list(range(2, 2 + len(values))), "n", decimal=decimal)
        return
    got = cells.numbers(ctx(), values, list(range(2, 2 + len(values))), "n", decimal=decimal,
                        integer=integer).tolist()  # fmt: skip
    assert got == [round(w) if integer else w for w in want]


@given(st.text(min_size=1, max_size=12))
def test_total_labels_are_recognised_without_the_shortcut_too(text):
    label = cells.norm(text)
    assert cells.is_total_label(text) == (
        label in cells.TOTAL_LABELS or bool(cells._TOTAL_PHRASE.match(label))
    )


def test_ids_of_digits_are_taken_as_they_are():
    c = ctx()
    values, flags = cells.ids(c, ["123", "", None, "0042"], [2, 3, 4, 5], "Id")
    assert values.tolist()[0] == "123" and values.isna().tolist() == [False, True, True, False]
    assert values.tolist()[3] == "0042" and not flags.any() and not c.findings
    values, flags = cells.ids(c, ["1.22158E+17", "5"], [2, 3], "Id")
    assert flags.tolist() == [True, False] and c.findings[0].kind == "mangled_id"
