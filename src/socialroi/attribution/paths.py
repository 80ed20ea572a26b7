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
    Paths are sorted by text (then times), channels alphabetically.
    """

    channels: np.ndarray
    tokens: np.ndarray
    offsets: np.ndarray
    paths: np.ndarray
    conversions: np.ndarray
    values: np.ndarray
    nulls: np.ndarray
    times: np.ndarray | None = None
    times_text: np.ndarray | None = None

    @property
    def n_paths(self) -> int:
        return len(self.paths)

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
    frame = pd.DataFrame(
        {"raw": raw.astype(object).to_numpy(), "c": conv, "v": value, "n": null, "row": df.index}
    )
    keys = ["raw", "t"] if with_times else ["raw"]
    if with_times:
        frame["t"] = [_times_key(t, _label(r)) for t, r in zip(df[TIMES], df.index)]
    try:
        groups = frame.groupby(keys, sort=False, dropna=False)
        grouped = groups[["c", "v", "n"]].sum()
    except TypeError:
        bad = frame["raw"].map(lambda x: not isinstance(x, str)).to_numpy()
        row = _label(df.index[int(np.argmax(bad))])
        raise AttributionInputError(
            f"column {PATH!r} row {row!r}: expected text, got {raw.loc[row]!r}"
        ) from None
    rows = [_label(r) for r in groups["row"].first()]
    raw_keys = grouped.index.to_numpy()
    raw_paths = [k[0] for k in raw_keys] if with_times else list(raw_keys)
    split = [_split(p, sep, r, PATH) for p, r in zip(raw_paths, rows)]
    norm = pd.DataFrame(
        {
            "path": [" > ".join(parts) for parts in split],
            "c": grouped["c"].to_numpy(),
            "v": grouped["v"].to_numpy(),
            "n": grouped["n"].to_numpy(),
            "i": np.arange(len(split)),
        }
    )
    if with_times:
        dts = [_times(k[1], len(s), sep, r) for k, s, r in zip(raw_keys, split, rows)]
        norm["t"] = [" > ".join(f"{x:g}" for x in d) for d in dts]
    keys = ["path", "t"] if with_times else ["path"]
    agg = norm.groupby(keys, sort=True).agg(c=("c", "sum"), v=("v", "sum"), n=("n", "sum"))
    first = norm.groupby(keys, sort=True)["i"].first().to_numpy()
    parts = [split[i] for i in first]
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    flat = [t for p in parts for t in p]
    codes, channels = pd.factorize(pd.Series(flat, dtype=object), sort=True)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    times = times_text = None
    if with_times:
        times = np.array([x for i in first for x in dts[i]], dtype=float)
        times_text = agg.index.get_level_values("t").to_numpy(dtype=object)
    paths = agg.index.get_level_values("path").to_numpy(dtype=object)
    return PathTable(
        channels=np.asarray(channels, dtype=object),
        tokens=codes.astype(np.int64),
        offsets=offsets,
        paths=paths,
        conversions=agg["c"].to_numpy(dtype=float),
        values=agg["v"].to_numpy(dtype=float),
        nulls=agg["n"].to_numpy(dtype=float),
        times=times,
        times_text=times_text,
    )
