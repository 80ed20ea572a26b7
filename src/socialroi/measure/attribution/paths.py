"""Validate a ChannelAttribution-shaped path table and turn it into flat integer arrays.

Input rows look like ChannelAttribution's: ``path`` ("a > b > c"), ``total_conversions``,
optional ``total_conversion_value`` and ``total_null``; optionally ``times`` (days before the
conversion per touch, "3 > 1 > 0" or a list) for the time-decay model. Identical paths are
aggregated first, so every model's cost grows with the number of *distinct* paths (unless
``merge=False``: for models whose result is a sum over rows, rows are kept as they are).

The result, :class:`PathTable`, stores all touches of all distinct paths in one integer array
``tokens`` (channel ids into the sorted ``channels``) with ``offsets`` marking where each path
starts. Models work on these arrays with numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.errors import SocialroiError
from socialroi.measure.attribution.touches import read_touches

PATH = "path"
CONVERSIONS = "total_conversions"
VALUE = "total_conversion_value"
NULLS = "total_null"
TIMES = "times"


class AttributionInputError(SocialroiError, ValueError):
    """The path table handed to an attribution kernel is malformed (names column and row)."""


@dataclass(frozen=True)
class PathTable:
    """Distinct paths as flat arrays; see the module docstring.

    ``tokens[offsets[i]:offsets[i + 1]]`` are the channel ids of path ``i``; ``paths[i]`` is its
    normalised text ("a > b"); ``conversions``, ``values`` and ``nulls`` are its totals;
    ``times`` (or ``None``) holds days-before-conversion per touch, aligned with ``tokens``.
    Channels are sorted alphabetically; paths keep the order of their first row.
    """

    channels: np.ndarray
    tokens: np.ndarray
    offsets: np.ndarray
    conversions: np.ndarray
    values: np.ndarray
    nulls: np.ndarray
    times: np.ndarray | None = None
    times_text: np.ndarray | None = None

    @property
    def n_paths(self) -> int:
        return len(self.offsets) - 1

    @cached_property
    def paths(self) -> np.ndarray:
        """Normalised text of every path ("a > b > c")."""
        names = self.channels[self.tokens].tolist()
        bounds = self.offsets.tolist()
        return np.array([" > ".join(names[a:b]) for a, b in zip(bounds, bounds[1:])], dtype=object)

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @cached_property
    def path_of_token(self) -> np.ndarray:
        """Index of the path each touch belongs to."""
        return np.repeat(np.arange(self.n_paths), self.lengths)

    @cached_property
    def position(self) -> np.ndarray:
        """Position of each touch inside its path (0 = first touch)."""
        return np.arange(len(self.tokens)) - np.repeat(self.offsets[:-1], self.lengths)


def _label(value: object) -> object:
    """A row label as plain Python (``11``, not ``np.int64(11)``) for messages."""
    return value.item() if isinstance(value, np.generic) else value


def _numeric(df: pd.DataFrame, column: str, *, default: float | None) -> np.ndarray:
    if column not in df.columns:
        if default is None:
            raise AttributionInputError(
                f"path table has no column {column!r}; columns are {list(df.columns)}"
            )
        return np.full(len(df), float(default))
    raw = df[column]
    if isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "iuf":
        # numpy numbers: nothing to parse (float64 is read in place, never written), and only
        # floats can be missing (NaN; a minimum is NaN when any is)
        values = np.asarray(raw.to_numpy(), dtype=float)
        if default is not None and len(values) and np.isnan(values.min()):
            values = np.where(np.isnan(values), float(default), values)
    else:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        if default is not None:  # optional column: a missing cell counts as the default
            values = np.where(raw.isna().to_numpy(), float(default), values)
    if len(values) and values.min() >= 0 and np.isfinite(values.max()):
        return values  # NaN fails both tests (min and max propagate it)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row = _label(df.index[int(np.argmax(bad))])
        raise AttributionInputError(
            f"column {column!r} must hold finite numbers >= 0; row {row!r} has "
            f"{df[column].loc[row]!r}"
        )
    return values


def _split(text: object, sep: str, row: object, column: str) -> list[str]:
    if not isinstance(text, str):
        raise AttributionInputError(f"column {column!r} row {row!r}: expected text, got {text!r}")
    parts = [t.strip() for t in text.split(sep)]
    if not text.strip():
        raise AttributionInputError(f"column {column!r} row {row!r}: empty path")
    if any(not t for t in parts):
        raise AttributionInputError(
            f"column {column!r} row {row!r}: empty touch in {text!r} (separator {sep!r})"
        )
    return parts


def _times_key(value: object, row: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence | np.ndarray):
        return repr([float(x) if isinstance(x, int | float) else x for x in value])
    raise AttributionInputError(f"column 'times' row {row!r}: expected list or text, got {value!r}")


def _times(value: str, n: int, sep: str, row: object) -> list[float]:
    if value.startswith("["):
        items: Sequence[object] = value.strip("[]").split(",")
    else:
        items = _split(value, sep, row, TIMES)
    try:
        out = [float(x) for x in items]
    except (TypeError, ValueError):
        raise AttributionInputError(
            f"column 'times' row {row!r}: {value!r} is not a list of numbers"
        ) from None
    if len(out) != n or not all(np.isfinite(x) and x >= 0 for x in out):
        raise AttributionInputError(
            f"column 'times' row {row!r}: need {n} finite days >= 0 (one per touch), got {value!r}"
        )
    return out


def _arrow_text(raw: pd.Series, index: pd.Index) -> pa.Array:
    """The path column as an Arrow string array; a missing or non-text cell raises."""
    try:
        arr = pa.array(raw)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr is not None and pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        if arr is not None and arr.null_count == len(arr):
            arr = None
        bad = next((i for i, x in enumerate(raw) if not isinstance(x, str)), 0)
        if arr is not None or not pd.isna(raw.iloc[bad]):
            row = _label(index[bad])
            raise AttributionInputError(
                f"column {PATH!r} row {row!r}: expected text, got {raw.iloc[bad]!r}"
            )
    if arr is None or arr.null_count:
        at = int(np.argmax(raw.isna().to_numpy()))
        raise AttributionInputError(f"column {PATH!r} row {_label(index[at])!r}: empty path")
    return arr.cast(pa.large_string())


def _empty_table() -> PathTable:
    ints, floats = np.zeros(0, dtype=np.int64), np.zeros(0)
    return PathTable(
        channels=np.zeros(0, dtype=object),
        tokens=ints,
        offsets=np.zeros(1, dtype=np.int64),
        conversions=floats,
        values=floats,
        nulls=floats,
    )


def first_rows(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Index of the first row of each group ``0 .. n_groups-1`` (each must occur)."""
    first = np.full(n_groups, len(group), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(group), dtype=np.int64))
    return first


def _segments(offsets: np.ndarray, pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of the segments ``pick`` of a ragged array, and their new offsets."""
    lengths = offsets[pick + 1] - offsets[pick]
    new = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    idx = np.arange(new[-1]) - np.repeat(new[:-1] - offsets[pick], lengths)
    return idx, new


def _all_distinct(hashed: np.ndarray) -> bool:
    """Whether no two hashes are equal: only those sharing one of 2^20 buckets (about a
    fifth, for 250,000 paths) go through a hash table."""
    bucket = (hashed >> np.uint64(44)).astype(np.intp)
    crowded = hashed[np.bincount(bucket, minlength=1 << 20)[bucket] > 1]
    return len(pd.unique(crowded)) == len(crowded)


def _same_paths(codes: np.ndarray, offsets: np.ndarray, hashed: np.ndarray) -> np.ndarray | None:
    """Per row, the index of its distinct path (numbered in order of first row): rows are
    grouped by the 64-bit hash of their channel ids, then every row is compared with its
    group's first, so the grouping is exact. None if two different paths share a hash."""
    lengths = np.diff(offsets)
    if _all_distinct(hashed):  # distinct hashes are distinct paths: nothing to compare
        return np.arange(len(hashed), dtype=np.int64)
    group, uniques = pd.factorize(hashed)
    group = group.astype(np.int64)
    rep = first_rows(group, len(uniques))[group]
    later = np.flatnonzero(rep != np.arange(len(rep)))  # rows that repeat an earlier path
    if not np.array_equal(lengths[rep[later]], lengths[later]):
        return None
    mine, _ = _segments(offsets, later)
    theirs, _ = _segments(offsets, rep[later])
    if not np.array_equal(codes[mine], codes[theirs]):
        return None
    return group


def parse_paths(
    df: pd.DataFrame, *, sep: str = ">", use_times: bool = False, merge: bool = True
) -> PathTable:
    """Validate ``df`` and aggregate it into a :class:`PathTable` (see module docstring).

    ``merge=False`` keeps every row as its own path, identical ones too: for models whose
    result is a sum over rows (Markov's transition counts), where finding them costs time
    and changes nothing.

    Raises :class:`AttributionInputError` (a ``ValueError``) naming the column and row for a
    missing column, a negative/non-numeric count, an empty path or touch, or bad ``times``.
    Splitting, stripping and grouping run in Arrow's C++ kernels.
    """
    if not isinstance(df, pd.DataFrame):
        raise AttributionInputError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(sep, str) or not sep:
        raise AttributionInputError(f"sep must be a non-empty string, got {sep!r}")
    if PATH not in df.columns:
        raise AttributionInputError(
            f"path table has no column {PATH!r}; columns are {list(df.columns)}"
        )
    conv = _numeric(df, CONVERSIONS, default=None)
    value = _numeric(df, VALUE, default=0.0)
    null = _numeric(df, NULLS, default=0.0)
    if len(df) == 0:
        return _empty_table()
    text = _arrow_text(df[PATH], df.index)
    touches = read_touches(text, sep, hashes=merge)
    offsets, codes, names = touches.offsets, touches.codes, touches.channels
    if names[0] == "":  # sorted first
        first = int(np.argmax(codes == 0))
        row = int(np.searchsorted(offsets, first, side="right") - 1)
        bad = df[PATH].iloc[row]
        what = "empty path" if not bad.strip() else f"empty touch in {bad!r}"
        raise AttributionInputError(
            f"column {PATH!r} row {_label(df.index[row])!r}: {what} (separator {sep!r})"
        )
    # rows with the same touches (whatever the spacing) are one path
    if not merge and not (use_times and TIMES in df.columns):
        return PathTable(names, codes, offsets, conversions=conv, values=value, nulls=null)
    if merge:
        group = _same_paths(codes, offsets, touches.hashes)
    else:
        group = np.arange(len(offsets) - 1, dtype=np.int64)
    if group is None:  # two different paths hashed alike: compare them as text instead
        spelled = pa.array(names, type=pa.large_string()).take(pa.array(codes))
        joined = pa.LargeListArray.from_arrays(pa.array(offsets), spelled)
        canonical = pc.dictionary_encode(
            pc.binary_join(joined, pa.scalar(f" {sep} ", pa.large_string()))
        )
        group = canonical.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    n_groups = int(group.max()) + 1
    dts = None
    if use_times and TIMES in df.columns:
        keys = [_times_key(t, _label(r)) for t, r in zip(df[TIMES], df.index)]
        time_id, _ = pd.factorize(np.asarray(keys, dtype=object))
        group, pairs = pd.factorize(group * (time_id.max() + 1) + time_id)
        n_groups = len(pairs)
    if n_groups == len(group):  # every row a distinct path (ChannelAttribution's shape)
        rep = np.arange(n_groups)
    else:
        rep = first_rows(group, n_groups)
    if use_times and TIMES in df.columns:
        lengths = np.diff(offsets)
        dts = [_times(keys[r], int(lengths[r]), sep, _label(df.index[r])) for r in rep]
    if n_groups == len(group):
        tokens, new_offsets, sums = codes, offsets, [conv, value, null]
    else:
        idx, new_offsets = _segments(offsets, rep)
        tokens = codes[idx]
        sums = [np.bincount(group, weights=x, minlength=n_groups) for x in (conv, value, null)]
    times = times_text = None
    if dts is not None:
        times = np.array([x for d in dts for x in d], dtype=float)
        times_text = np.array([" > ".join(f"{x:g}" for x in d) for d in dts], dtype=object)
    return PathTable(
        channels=names,
        tokens=tokens,
        offsets=new_offsets,
        conversions=sums[0],
        values=sums[1],
        nulls=sums[2],
        times=times,
        times_text=times_text,
    )
