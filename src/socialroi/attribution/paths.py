"""Validate a ChannelAttribution-shaped path table and turn it into flat integer arrays.

Input rows look like ChannelAttribution's: ``path`` ("a > b > c"), ``total_conversions``,
optional ``total_conversion_value`` and ``total_null``; optionally ``times`` (days before the
conversion per touch, "3 > 1 > 0" or a list) for the time-decay model. Identical paths are
aggregated first, so every model's cost grows with the number of *distinct* paths.

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

from socialroi.errors import SocialroiError

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
    Channels are sorted alphabetically, paths by their sequence of channel ids (then times).
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

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def path_of_token(self) -> np.ndarray:
        """Index of the path each touch belongs to."""
        return np.repeat(np.arange(self.n_paths), self.lengths)

    @property
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
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
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


def _first_non_text(raw: pd.Series) -> int | None:
    if pd.api.types.infer_dtype(raw, skipna=False) == "string":
        return None
    return next(i for i, x in enumerate(raw) if not isinstance(x, str))


def _segments(offsets: np.ndarray, pick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of the segments ``pick`` of a ragged array, and their new offsets."""
    lengths = offsets[pick + 1] - offsets[pick]
    new = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    idx = np.arange(new[-1]) - np.repeat(new[:-1] - offsets[pick], lengths)
    return idx, new


def parse_paths(df: pd.DataFrame, *, sep: str = ">", use_times: bool = False) -> PathTable:
    """Validate ``df`` and aggregate it into a :class:`PathTable` (see module docstring).

    Raises :class:`AttributionInputError` (a ``ValueError``) naming the column and row for a
    missing column, a negative/non-numeric count, an empty path or touch, or bad ``times``.
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
    with_times = use_times and TIMES in df.columns
    raw = df[PATH]
    missing = raw.isna().to_numpy()
    if missing.any():
        row = _label(df.index[int(np.argmax(missing))])
        raise AttributionInputError(f"column {PATH!r} row {row!r}: empty path")
    bad = _first_non_text(raw)
    if bad is not None:
        row = _label(df.index[bad])
        raise AttributionInputError(
            f"column {PATH!r} row {row!r}: expected text, got {raw.iloc[bad]!r}"
        )
    # 1. identical raw rows (and times) first: cost then grows with distinct paths
    text_id, text_keys = pd.factorize(raw.to_numpy(dtype=object))
    key = text_id.astype(np.int64)
    if with_times:
        tkeys = [_times_key(t, _label(r)) for t, r in zip(df[TIMES], df.index)]
        time_id, time_keys = pd.factorize(np.asarray(tkeys, dtype=object))
        key = key * len(time_keys) + time_id
    raw_id, pair = pd.factorize(key)
    n_raw = len(pair)
    _, first_row = np.unique(raw_id, return_index=True)
    sums = [np.bincount(raw_id, weights=x, minlength=n_raw) for x in (conv, value, null)]
    texts = [text_keys[i] for i in (pair // len(time_keys) if with_times else pair)]
    # 2. split every distinct text at once; strip; find empty paths and touches
    counts = np.fromiter((t.count(sep) + 1 for t in texts), dtype=np.int64, count=n_raw)
    raw_tokens = np.asarray(sep.join(texts).split(sep), dtype=object)
    raw_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    token_id, distinct = pd.factorize(raw_tokens)  # strip each distinct spelling once
    stripped = np.asarray([t.strip() for t in distinct], dtype=object)
    empty = np.fromiter((not t for t in stripped), dtype=bool, count=len(stripped))
    if empty.any():
        at = int(np.argmax(empty[token_id]))
        i = int(np.searchsorted(raw_offsets, at, side="right") - 1)
        row = _label(df.index[first_row[i]])
        what = "empty path" if not texts[i].strip() else f"empty touch in {texts[i]!r}"
        raise AttributionInputError(f"column {PATH!r} row {row!r}: {what} (separator {sep!r})")
    distinct_codes, channels = pd.factorize(stripped, sort=True)
    codes = distinct_codes[token_id]
    # 3. identical token sequences (and times) are one path; order: by token sequence
    buf = codes.astype(">u4").tobytes()
    path_key = [buf[4 * a : 4 * b] for a, b in zip(raw_offsets[:-1], raw_offsets[1:])]
    dts = None
    if with_times:
        rows = [_label(df.index[r]) for r in first_row]
        tk = [time_keys[i] for i in pair % len(time_keys)]
        dts = [_times(k, n, sep, r) for k, n, r in zip(tk, counts, rows)]
        path_key = [k + b"\x00" + repr(d).encode() for k, d in zip(path_key, dts)]
    group, uniq = pd.factorize(np.asarray(path_key, dtype=object), sort=True)
    _, rep = np.unique(group, return_index=True)
    idx, offsets = _segments(raw_offsets, rep)
    agg = [np.bincount(group, weights=x, minlength=len(uniq)) for x in sums]
    times = times_text = None
    if dts is not None:
        times = np.array([x for i in rep for x in dts[i]], dtype=float)
        times_text = np.array([" > ".join(f"{x:g}" for x in dts[i]) for i in rep], dtype=object)
    return PathTable(
        channels=np.asarray(channels, dtype=object),
        tokens=codes[idx].astype(np.int64),
        offsets=offsets,
        conversions=agg[0],
        values=agg[1],
        nulls=agg[2],
        times=times,
        times_text=times_text,
    )
