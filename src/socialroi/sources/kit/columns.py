"""Rows to columns, and work done once per distinct value: how parsers stay off the per-cell path.

Exports repeat few distinct values per column (dates, sources, countries, labels) over many
rows. A parser turns its rows into columns once (`columns`, a C-level transpose), trims and
tests whole columns in Arrow (`trimmed`), and runs anything that reads a value — a regular
expression, a lookup, a date parse — once per distinct value (`each_distinct`), in order of
first appearance, so the first value that fails is the one a row-by-row reading would have
failed on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


def columns(rows: Sequence[Sequence[Any]], width: int, fill: Any = "") -> list[tuple[Any, ...]]:
    """The `width` columns of `rows`: a shorter row reads as `fill` in its missing cells, a
    longer row's extra cells are left out."""
    if not rows or not width:
        return [() for _ in range(width)]
    if set(map(len, rows)) != {width}:
        pad = [fill] * width
        rows = [r if len(r) == width else [*r[:width], *pad[len(r) :]] for r in rows]
    return list(zip(*rows, strict=True))


def keep(cols: Sequence[Sequence[Any]], rows: Sequence[int]) -> list[tuple[Any, ...]]:
    """The cells of `rows` (positions) of every column."""
    if len(rows) > 1:
        pick = itemgetter(*rows)
        return [pick(c) for c in cols]
    return [tuple(c[i] for i in rows) for c in cols]


def take(values: Sequence[Any], rows: Sequence[int]) -> Sequence[Any]:
    """The values at `rows` (positions); an array (pandas, NumPy) stays an array."""
    if not isinstance(values, list | tuple):
        return values.take(list(rows))
    return keep([values], rows)[0]


def text_array(values: Sequence[Any]) -> pa.Array | None:
    """`values` as an Arrow string array, or None when one is not text (or None)."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return None


def trimmed(values: Sequence[Any]) -> Sequence[Any]:
    """Text cells with their surrounding white space trimmed (`str.strip`); other cells as
    they are. A column with nothing to trim is returned as it is."""
    arr = text_array(values)
    if arr is not None and not pc.any(pc.not_equal(pc.utf8_trim_whitespace(arr), arr)).as_py():
        return values
    return each_distinct(values, lambda v: v.strip() if isinstance(v, str) else v)


def each_distinct(values: Sequence[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """`fn` of every value, computed once per distinct value in order of first appearance."""
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # an unhashable value: each on its own
        return [fn(v) for v in values]
    memo = {v: fn(v) for v in distinct}
    return [memo[v] for v in values]
