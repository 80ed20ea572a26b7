"""Cutting path text into touches: the byte-level way, Arrow's split and the two-thread way
give what plain Python's ``split`` and ``strip`` give, on text chosen to trip them up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialroi.measure.attribution import AttributionInputError, parse_paths
from socialroi.measure.attribution import touches as touches_mod
from socialroi.measure.attribution.touches import read_touches

# names with white space inside, non-ASCII letters, and characters only Unicode calls space
NAMES = ["a", "b b", "ch01", "Été", "广告", "x\u00a0y", "q\x1fr", "z"]
# spacing around a touch: ASCII, the ASCII separators 0x1c-0x1f, NBSP, ideographic space
PADS = ["", " ", "  ", "\t", "\x1c", "\u00a0", "\u3000", " \n"]
SEPS = [">", "|", "::", "\u2192"]  # one byte, another byte, two bytes, one non-ASCII char


def _reference(paths: list[str], sep: str) -> tuple[list[str], list[list[str]]] | None:
    """Sorted channels and each row's touches by ``str.split`` and ``str.strip``; None when
    a touch is empty (the parser must refuse the table)."""
    rows = [[t.strip() for t in p.split(sep)] for p in paths]
    if any(not t for r in rows for t in r):
        return None
    return sorted({t for r in rows for t in r}), rows


touch = st.tuples(st.sampled_from(PADS), st.sampled_from(NAMES), st.sampled_from(PADS))
row = st.lists(touch, min_size=1, max_size=5)


@settings(
    max_examples=150,
    deadline=None,
    # the patched threshold is the same for every example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(row, min_size=1, max_size=30),
    sep=st.sampled_from(SEPS),
    holes=st.lists(st.integers(0, 29), max_size=2),
    threads=st.sampled_from([1, 2]),
)
def test_touches_are_what_split_and_strip_give(monkeypatch, rows, sep, holes, threads):
    monkeypatch.setattr(touches_mod, "PARALLEL_ROWS", 1)  # two halves even for a few rows
    paths = [sep.join(a + n + b for a, n, b in r) for r in rows]
    for h in holes:  # an empty touch: leading, doubled or trailing separator, or blank row
        if h < len(paths):
            paths[h] = [sep + paths[h], paths[h] + sep + " " + sep, paths[h] + sep, " "][h % 4]
    want = _reference(paths, sep)
    df = pd.DataFrame({"path": paths, "total_conversions": 1})
    if want is None:
        with pytest.raises(AttributionInputError, match="empty"):
            parse_paths(df, sep=sep)
        return
    got = read_touches(pa.array(paths, pa.large_string()), sep, threads=threads)
    channels, touches = want
    assert got.channels.tolist() == channels
    spelled = [
        got.channels[got.codes[a:b]].tolist() for a, b in zip(got.offsets[:-1], got.offsets[1:])
    ]
    assert spelled == touches
    # equal paths hash alike, wherever they fall
    by_path: dict[tuple[str, ...], set[int]] = {}
    for t, h in zip(touches, got.hashes.tolist()):
        by_path.setdefault(tuple(t), set()).add(h)
    assert all(len(h) == 1 for h in by_path.values())


def test_two_halves_equal_one_pass(monkeypatch):
    """The two-thread way numbers channels and hashes paths exactly as one pass does."""
    rng = np.random.default_rng(4)
    names = np.array([f"c{i}" for i in range(40)] + ["広告", "ß"], dtype=object)
    paths = [
        " > ".join(rng.choice(names, rng.integers(1, 7))) + " " * int(rng.integers(0, 2))
        for _ in range(2_001)
    ]
    text = pa.array(paths, pa.large_string())
    monkeypatch.setattr(touches_mod, "PARALLEL_ROWS", 100)
    one, two = read_touches(text, ">", threads=1), read_touches(text, ">", threads=2)
    for field in ("offsets", "codes", "channels", "hashes"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
    for threads in (1, 2):  # without hashes (a table whose rows stay unmerged): the same ids
        bare = read_touches(text, ">", threads=threads, hashes=False)
        assert bare.hashes is None
        for field in ("offsets", "codes", "channels"):
            np.testing.assert_array_equal(getattr(one, field), getattr(bare, field))


def test_a_sliced_column_is_read_from_its_own_rows():
    """A column that is a slice of a larger Arrow buffer (pandas hands those over)."""
    text = pa.array(["zz > y", "a > b", "b >a", "c"], pa.large_string()).slice(1, 2)
    got = read_touches(text, ">")
    assert got.channels.tolist() == ["a", "b"]
    assert got.codes.tolist() == [0, 1, 1, 0]
    assert got.offsets.tolist() == [0, 2, 4]
