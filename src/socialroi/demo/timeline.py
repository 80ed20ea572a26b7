"""The demo year's calendar: its dates, its season, when people post, and time-zone arithmetic.

Days are indexes from `brand.START` (0 .. DAYS - 1) throughout the generator.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from socialroi.demo import brand as B

# The date of each day index.
DATES = np.array([B.START + dt.timedelta(days=i) for i in range(B.DAYS)], dtype=object)


def season() -> np.ndarray:
    """Each day's demand multiplier: Black Friday, Christmas, 11.11, back to school, weekends
    up; a summer dip."""
    d = np.arange(B.DAYS)
    dates = pd.date_range(B.START, B.END, freq="D")
    bf = (pd.Timestamp("2025-11-28") - pd.Timestamp(B.START)).days
    xmas = (pd.Timestamp("2025-12-20") - pd.Timestamp(B.START)).days
    s1111 = (pd.Timestamp("2025-11-11") - pd.Timestamp(B.START)).days
    bts = (pd.Timestamp("2026-08-20") - pd.Timestamp(B.START)).days
    s = (
        1.0
        + 0.9 * np.exp(-((d - bf) ** 2) / (2 * 4**2))
        + 0.5 * np.exp(-((d - xmas) ** 2) / (2 * 8**2))
        + 0.4 * np.exp(-((d - s1111) ** 2) / 2)
        + 0.25 * np.exp(-((d - bts) ** 2) / (2 * 10**2))
    )
    s *= np.where(dates.day_of_week >= 5, 1.1, 1.0)
    s *= 1 - 0.12 * np.exp(-((dates.month.to_numpy() - 7) ** 2) / 2)  # summer dip
    return s


def hour_profile() -> np.ndarray:
    """The probability of each local hour of the day (lunch and evening peaks)."""
    h = np.arange(24)
    w = 0.2 + np.exp(-((h - 20.5) ** 2) / 8) + 0.6 * np.exp(-((h - 12.5) ** 2) / 4)
    return w / w.sum()


def to_utc(day: np.ndarray, secs: np.ndarray, tz: np.ndarray) -> np.ndarray:
    """Local (day index, seconds) in each row's zone -> UTC datetime64[ns] (naive)."""
    local = (
        np.datetime64(B.START.isoformat(), "s")
        + day.astype("timedelta64[D]")
        + secs.astype(np.int64).astype("timedelta64[s]")
    )
    out = np.empty(len(day), "datetime64[ns]")
    for z in np.unique(tz):
        m = tz == z
        idx = pd.DatetimeIndex(local[m].astype("datetime64[ns]"))
        utc = idx.tz_localize(z, ambiguous=np.zeros(m.sum(), bool), nonexistent="shift_forward")
        out[m] = utc.tz_convert("UTC").tz_localize(None).to_numpy()
    return out


def local_days(unix: np.ndarray, tz: str) -> np.ndarray:
    """Day index (from START) of each unix time in zone `tz`."""
    idx = pd.to_datetime(unix, unit="s", utc=True).tz_convert(tz).tz_localize(None)
    return (idx.to_numpy().astype("datetime64[D]") - np.datetime64(B.START.isoformat())).astype(
        np.int64
    )
