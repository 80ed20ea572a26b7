import datetime as dt

import pytest

from socialroi.errors import SocialroiError
from socialroi.model.periods import parse_period

D = dt.date


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30)),
        ("2026q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026-W01", D(2025, 12, 29), D(2026, 1, 4)),
        ("2026-07-15", D(2026, 7, 15), D(2026, 7, 15)),
        ("2026-07-01..2026-07-10", D(2026, 7, 1), D(2026, 7, 10)),
    ],
)
def test_parse(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


def test_previous_and_year_before():
    q3 = parse_period("2026-Q3")
    assert (q3.previous().start, q3.previous().end) == (D(2026, 4, 1), D(2026, 6, 30))
    assert (q3.year_before().start, q3.year_before().end) == (D(2025, 7, 1), D(2025, 9, 30))
    feb = parse_period("2024-02")
    assert feb.year_before().end == D(2023, 2, 28)
    wk = parse_period("2026-W10")
    assert (wk.previous().end - wk.previous().start).days == 6


@pytest.mark.parametrize(
    ("text", "previous", "year_before"),
    [
        ("2026-Q3", "2026-Q2", "2025-Q3"),
        ("2026-Q1", "2025-Q4", "2025-Q1"),
        ("2026-07", "2026-06", "2025-07"),
        ("2026", "2025", "2025"),
        ("2026-W05", "2026-01-19..2026-01-25", "2025-01-26..2025-02-01"),
        ("2026-05-01..2026-07-31", "2026-02-01..2026-04-30", "2025-05-01..2025-07-31"),
    ],
)
def test_a_comparison_period_is_named_as_people_write_it(text, previous, year_before):
    p = parse_period(text)
    assert p.previous().label == previous
    assert p.year_before().label == year_before
    for q in (p.previous(), p.year_before()):  # the label reads back as the same days
        assert (parse_period(q.label).start, parse_period(q.label).end) == (q.start, q.end)


@pytest.mark.parametrize("text", ["2026-13", "Q3", "2026-02-30", "2026-09-30..2026-07-01"])
def test_bad_periods_say_what_is_valid(text):
    with pytest.raises(SocialroiError, match="2026-Q3|ends before"):
        parse_period(text)
