"""Input checking and output shaping shared by the CLV fitters.

Every public method of the fitters turns its array-like arguments into float numpy arrays
here, so that bad input fails early with a :class:`CLVInputError` (a ``ValueError``) that
names the offending argument, and so that results come back in the shape the caller used:
a pandas Series (keeping its index) when any input was a Series, a float for all-scalar
input, otherwise a numpy array.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from socialroi.errors import SocialroiError

__all__ = ["CLVInputError", "NotFittedError", "as_array", "check_same_length", "shape_output"]


class CLVInputError(SocialroiError, ValueError):
    """An argument given to a CLV model is invalid; the message names the argument."""


class NotFittedError(SocialroiError, ValueError, AttributeError):
    """A prediction was asked of a model that has not been fitted; call ``fit`` first."""


def as_array(value: Any, name: str, *, allow_zero: bool = True, integer: bool = False):
    """Return ``value`` as a float ndarray (0-d for a scalar), checked to be finite and >= 0.

    ``allow_zero=False`` requires strictly positive values; ``integer=True`` requires whole
    numbers. Raises :class:`CLVInputError` naming ``name`` otherwise.
    """
    if isinstance(value, pd.DataFrame):
        raise CLVInputError(f"{name} must be one column (a Series or 1-d array), not a DataFrame")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CLVInputError(f"{name} must be numeric; could not convert it ({exc})") from exc
    if arr.ndim > 1:
        raise CLVInputError(f"{name} must be a scalar or 1-d, got an array of shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise CLVInputError(f"{name} contains missing or infinite values")
    if allow_zero and np.any(arr < 0):
        raise CLVInputError(f"{name} must not be negative (min is {arr.min():g})")
    if not allow_zero and np.any(arr <= 0):
        raise CLVInputError(f"{name} must be greater than zero (min is {arr.min():g})")
    if integer and np.any(arr != np.round(arr)):
        raise CLVInputError(f"{name} must hold whole numbers (counts of repeat purchases)")
    return arr


def check_same_length(arrays: dict[str, np.ndarray]) -> int | None:
    """Check that all 1-d arrays in ``arrays`` have one length; return it (None if all scalar)."""
    lengths = {name: arr.shape[0] for name, arr in arrays.items() if arr.ndim == 1}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise CLVInputError(f"{', '.join(lengths)} must have the same length (got {shown})")
    return next(iter(lengths.values()), None)


def check_rfm(frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> None:
    """Check the joint constraints on (frequency, recency, T): recency <= T, recency 0 if x 0."""
    check_same_length({"frequency": frequency, "recency": recency, "T": T})
    f, r, t = np.broadcast_arrays(frequency, recency, T)
    if np.any(r > t):
        bad = int(np.argmax(r > t))
        raise CLVInputError(
            f"recency must not exceed T (customer age): at position {bad} recency is "
            f"{r.flat[bad]:g} but T is {t.flat[bad]:g}"
        )
    if np.any((f == 0) & (r > 0)):
        bad = int(np.argmax((f == 0) & (r > 0)))
        raise CLVInputError(
            f"recency must be 0 when frequency is 0 (no repeat purchase): at position {bad} "
            f"frequency is 0 but recency is {r.flat[bad]:g}"
        )


def _first_index(values: Sequence[Any]) -> pd.Index | None:
    for value in values:
        if isinstance(value, pd.Series):
            return value.index
    return None


def shape_output(result: np.ndarray, inputs: Sequence[Any], name: str | None = None):
    """Shape ``result`` like the inputs: Series if any input was one, float if all scalar."""
    result = np.asarray(result, dtype=float)
    index = _first_index(inputs)
    if index is not None and result.ndim == 1 and len(index) == result.shape[0]:
        return pd.Series(result, index=index, name=name)
    if result.ndim == 0:
        return float(result)
    return result
