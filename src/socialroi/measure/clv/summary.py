"""Turn a transaction log into the per-customer RFM summary the CLV models are fitted on.

Follows ``lifetimes.utils.summary_data_from_transaction_data``: dates are truncated to the
time unit ``freq`` (D, W or M), several transactions of one customer in one period count as
one purchase whose value is their sum, and for each customer

* ``frequency`` is the number of *repeat* purchase periods (periods with a purchase - 1),
* ``recency`` is the time from the first to the last purchase period,
* ``T`` is the time from the first purchase period to the end of observation,
* ``monetary_value`` is the mean value of the repeat purchases (0 when there are none).

Times are counted in whole periods (weeks start on Monday, months on the 1st) and divided by
``freq_multiplier``: ``freq="D", freq_multiplier=7`` gives weeks with a fractional part, as
in the CDNOW papers. Unlike lifetimes, ``freq="M"`` counts calendar months exactly (lifetimes
divides day counts by an average month of 30.44 days).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialroi.measure.clv._validation import CLVInputError

__all__ = ["summary_data_from_transaction_data"]

_PERIODS = ("D", "W", "M")


def _period_ordinals(dates: pd.Series, freq: str) -> np.ndarray:
    """Whole periods since the epoch for each date (days, Monday-weeks or months)."""
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)  # count local calendar days
    values = dates.to_numpy("datetime64[D]").astype("int64")
    if freq == "D":
        return values
    if freq == "W":
        # 1970-01-01 was a Thursday: shift so that weeks start on Monday.
        return (values + 3) // 7
    return dates.to_numpy("datetime64[M]").astype("int64")


def summary_data_from_transaction_data(
    transactions: pd.DataFrame,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str | None = None,
    observation_period_end=None,
    freq: str = "D",
    freq_multiplier: float = 1,
    datetime_format: str | None = None,
) -> pd.DataFrame:
    """Return one row per customer (index ``customer_id_col``) with ``frequency``, ``recency``,
    ``T`` and, when ``monetary_value_col`` is given, ``monetary_value``.

    Transactions after the period (day, week or month) that contains
    ``observation_period_end`` (default: the last transaction date) are ignored, as in
    lifetimes. All columns are floats, as in lifetimes.
    """
    if freq not in _PERIODS:
        raise CLVInputError(f"freq must be one of {sorted(_PERIODS)}, got {freq!r}")
    if not freq_multiplier or freq_multiplier <= 0:
        raise CLVInputError(f"freq_multiplier must be > 0, got {freq_multiplier!r}")
    wanted = [customer_id_col, datetime_col] + ([monetary_value_col] if monetary_value_col else [])
    missing = [c for c in wanted if c not in transactions.columns]
    if missing:
        raise CLVInputError(
            f"transactions has no column(s) {missing}; it has {list(transactions.columns)}"
        )
    frame = transactions[wanted].copy()
    try:
        frame[datetime_col] = pd.to_datetime(frame[datetime_col], format=datetime_format)
    except (TypeError, ValueError) as exc:
        raise CLVInputError(f"{datetime_col} holds values that are not dates ({exc})") from exc
    if frame[datetime_col].isna().any() or frame[customer_id_col].isna().any():
        raise CLVInputError(f"{customer_id_col} and {datetime_col} must not have missing values")
    if monetary_value_col:
        values = pd.to_numeric(frame[monetary_value_col], errors="coerce")
        if values.isna().any():
            raise CLVInputError(f"{monetary_value_col} must be numeric with no missing values")
        frame[monetary_value_col] = values
    if observation_period_end is None:
        end_date = frame[datetime_col].max()
    else:
        end_date = pd.Timestamp(observation_period_end)
    frame["_period"] = _period_ordinals(frame[datetime_col], freq)
    end = int(_period_ordinals(pd.Series([end_date]), freq)[0])
    frame = frame[frame["_period"] <= end]
    if frame.empty:
        raise CLVInputError("no transactions in or before the period of observation_period_end")
    # one purchase per customer and period; values in the same period are summed
    keys = [customer_id_col, "_period"]
    if monetary_value_col:
        per_period = frame.groupby(keys, sort=True)[monetary_value_col].sum().reset_index()
    else:
        per_period = frame[keys].drop_duplicates()
    grouped = per_period.groupby(customer_id_col, sort=True)
    first = grouped["_period"].min()
    last = grouped["_period"].max()
    count = grouped["_period"].size()
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype(float),
            "recency": (last - first) / freq_multiplier,
            "T": (end - first) / freq_multiplier,
        }
    )
    if monetary_value_col:
        values = per_period[monetary_value_col]
        is_first = per_period["_period"].eq(per_period[customer_id_col].map(first))
        repeat_sum = values.where(~is_first, 0.0).groupby(per_period[customer_id_col]).sum()
        out["monetary_value"] = np.where(out["frequency"] > 0, repeat_sum / out["frequency"], 0.0)
    out.index.name = customer_id_col
    return out.astype(float)
