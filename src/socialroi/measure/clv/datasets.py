"""The CDNOW 1/10 sample shipped with socialroi (from the MIT-licensed ``lifetimes`` package).

2,357 customers who made their first purchase at the CDNOW online music store in the first
12 weeks of 1997, followed to the end of June 1998. The summaries cover the 39-week
calibration period (1997-01-01 to 1997-09-30) in weeks; see ``data/NOTICE.txt``.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = [
    "CDNOW_CALIBRATION_END",
    "load_cdnow_summary",
    "load_cdnow_summary_with_monetary_value",
    "load_cdnow_transactions",
]

#: Last day of the 39-week calibration period used by Fader, Hardie & Lee (2005).
CDNOW_CALIBRATION_END = "1997-09-30"


def _data_path(name: str):
    return resources.files("socialroi.measure.clv").joinpath("data", name)


def load_cdnow_summary() -> pd.DataFrame:
    """Calibration summary: index ``customer_id``; columns ``frequency``, ``recency``, ``T``
    (weeks). The data behind the BG/NBD estimates of Fader, Hardie & Lee (2005)."""
    with _data_path("cdnow_customers_summary.csv").open("rb") as fh:
        frame = pd.read_csv(fh)
    frame = frame.rename(columns={"ID": "customer_id"}).set_index("customer_id")
    return frame.astype({"frequency": "int64", "recency": "float64", "T": "float64"})


def load_cdnow_summary_with_monetary_value() -> pd.DataFrame:
    """As :func:`load_cdnow_summary` plus ``monetary_value``: the mean dollar value of each
    customer's repeat purchases in the calibration period (0 when there were none). The data
    behind the Gamma-Gamma estimates of Fader & Hardie (2013)."""
    with _data_path("cdnow_customers_summary_with_transactions.csv").open("rb") as fh:
        frame = pd.read_csv(fh)
    frame.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    frame = frame.set_index("customer_id")
    return frame.astype({"frequency": "int64"})


def load_cdnow_transactions() -> pd.DataFrame:
    """All 6,919 transactions of the sample (1997-01-01 to 1998-06-30), one row each:
    ``customer_id`` (1..2357), ``date`` (datetime), ``quantity`` (CDs) and ``value`` (USD)."""
    with _data_path("CDNOW_sample.txt").open("rb") as fh:
        frame = pd.read_csv(
            fh,
            sep=r"\s+",
            header=None,
            names=["master_id", "customer_id", "date", "quantity", "value"],
            dtype={"date": str},
        )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame[["customer_id", "date", "quantity", "value"]]
