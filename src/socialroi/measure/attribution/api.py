"""DataFrame in, DataFrame out: the public entry points of the attribution kernels."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from socialroi.measure.attribution.paths import AttributionInputError, PathTable, parse_paths
from socialroi.measure.attribution.registry import Credits, get_model, run_model

#: Models whose default allocation is global; ``credit_paths`` runs them per journey.
GLOBAL_MODELS = ("markov", "shapley")

#: Models whose channel totals are sums over rows (Markov counts each row's transitions),
#: so ``attribute_paths`` hands them the rows as they are, identical paths unmerged.
ROW_SUM_MODELS = ("markov",)


def _prepare(paths: pd.DataFrame, model: str, sep: str, *, merge: bool = True) -> PathTable:
    return parse_paths(paths, sep=sep, use_times=model == "time_decay", merge=merge)


def attribute_paths(
    paths: pd.DataFrame, model: str = "markov", *, sep: str = ">", **params
) -> pd.DataFrame:
    """Attribute the conversions (and values) of a ChannelAttribution-shaped path table.

    ``paths`` has ``path`` ("a > b > c"; tokens split on ``sep`` and stripped),
    ``total_conversions`` and optionally ``total_conversion_value``, ``total_null`` and, for
    ``time_decay``, ``times``. ``model`` is a registered name (see ``available_models()``);
    ``params`` go to the model. Returns one row per channel, sorted: ``channel``,
    ``total_conversions``, ``total_conversion_value``; ``DataFrame.attrs["info"]`` holds the
    model's diagnostics (e.g. Markov removal effects).
    """
    table = _prepare(paths, model, sep, merge=model not in ROW_SUM_MODELS)
    return attribute_table(table, model, **params)


def attribute_table(table: PathTable, model: str = "markov", **params) -> pd.DataFrame:
    """:func:`attribute_paths` on an already parsed table (``parse_paths(df, sep=...)``):
    parse once, run several models."""
    if table.n_paths == 0:
        get_model(model)
        empty = {"channel": [], "total_conversions": [], "total_conversion_value": []}
        return pd.DataFrame(empty).astype(
            {"channel": object, "total_conversions": float, "total_conversion_value": float}
        )
    credits = run_model(table, model, params)
    conv, value = channel_totals(table, credits)
    out = pd.DataFrame(
        {
            "channel": table.channels.astype(object),
            "total_conversions": conv,
            "total_conversion_value": value,
        }
    )
    out.attrs["info"] = _info(table, credits)
    return out


def channel_totals(table: PathTable, credits: Credits) -> tuple[np.ndarray, np.ndarray]:
    """Per channel (aligned with ``table.channels``): attributed conversions and values."""
    n = len(table.channels)
    if credits.is_global:
        return credits.channel_conversions, credits.channel_values
    conv = np.repeat(table.conversions, table.lengths) * credits.touch
    share = credits.touch if credits.touch_value is None else credits.touch_value
    value = np.repeat(table.values, table.lengths) * share
    return (
        np.bincount(table.tokens, weights=conv, minlength=n),
        np.bincount(table.tokens, weights=value, minlength=n),
    )


def credit_paths(
    paths: pd.DataFrame, model: str = "markov", *, sep: str = ">", **params
) -> pd.DataFrame:
    """Per distinct path and touch position, the share of the path's conversions it earns.

    Same input as :func:`attribute_paths`. Returns one row per (path, position), sorted by
    path then position: ``path`` (normalised "a > b"), ``times`` (only for ``time_decay``
    with a times column), ``position`` (0 = first touch), ``channel``, ``credit`` (share of
    the path's conversions; a path's shares sum to 1), ``value_credit`` (share of its value),
    ``total_conversions`` and ``total_conversion_value`` (the path's totals times the
    shares). Map them back to touches by joining on (path, position).

    Markov and Shapley run with ``allocation="journey"`` here: a global allocation does not
    split into journeys, so asking for it raises.
    """
    if model in GLOBAL_MODELS:
        if params.get("allocation", "journey") != "journey":
            raise AttributionInputError(
                f"credit_paths: {model!r} with allocation={params['allocation']!r} is not "
                "split per journey; use allocation='journey' or attribute_paths()"
            )
        params = {**params, "allocation": "journey"}
    table = _prepare(paths, model, sep)
    if table.n_paths == 0:
        get_model(model)
        columns = [
            "path",
            "position",
            "channel",
            "credit",
            "value_credit",
            "total_conversions",
            "total_conversion_value",
        ]
        return pd.DataFrame({c: [] for c in columns})
    credits = run_model(table, model, params)
    share = credits.touch
    value_share = share if credits.touch_value is None else credits.touch_value
    path_idx = table.path_of_token
    out = {"path": table.paths[path_idx]}
    if table.times_text is not None:
        out["times"] = table.times_text[path_idx]
    out |= {
        "position": table.position,
        "channel": table.channels[table.tokens] if len(table.tokens) else [],
        "credit": share,
        "value_credit": value_share,
        "total_conversions": table.conversions[path_idx] * share,
        "total_conversion_value": table.values[path_idx] * value_share,
    }
    keys = ["path", "times", "position"] if "times" in out else ["path", "position"]
    frame = pd.DataFrame(out).sort_values(keys, kind="stable", ignore_index=True)
    frame.attrs["info"] = _info(table, credits)
    return frame


class Diagnostics(dict):
    """A model's diagnostics in ``DataFrame.attrs["info"]``: a dict that cannot be changed.

    pandas deep-copies ``attrs`` into every column and frame taken from a frame (200
    channels' removal effects took 3 ms per column); a value nobody can change is shared
    instead. Copy it with ``dict(info)`` to change it."""

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("attribution diagnostics are read-only; copy them with dict(...)")

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __copy__(self) -> Diagnostics:
        return self

    def __deepcopy__(self, memo: dict) -> Diagnostics:
        if all(isinstance(v, _IMMUTABLE) for v in self.values()):
            return self
        return Diagnostics({k: copy.deepcopy(v, memo) for k, v in self.items()})

    def __reduce__(self) -> tuple:
        return Diagnostics, (dict(self),)


_IMMUTABLE = (Diagnostics, str, bytes, int, float, bool, type(None), np.generic)


def _info(table: PathTable, credits: Credits) -> Diagnostics:
    info = {}
    for key, val in (credits.info or {}).items():
        if isinstance(val, np.ndarray) and len(val) == len(table.channels):
            val = Diagnostics(zip(table.channels.tolist(), val.tolist()))
        info[key] = val
    return Diagnostics(info)
