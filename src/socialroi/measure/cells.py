"""Day cells: what the base measures of one period are summed from, pre-summed once.

`socialroi.measure.measures.base_measures` answers every selection (a breakdown, a grain,
platform and market filters) of a period by filtering and grouping these frames, which
`Workspace.memo` keeps (in memory and in the workspace file) until the tables they read
change. They are as small as the measures allow, so a change of filter regroups thousands
of rows, not the period's millions of touches:

- **credited**: the attributed outcomes summed per kind x platform x market x campaign x
  day: credit, credit x value, credit on first purchases, first-touch credit x value. Every
  attributed measure is one of these sums, so any breakdown of them is exact.
- **influenced**: one row per conversion and platform x market x campaign x day that touched
  it (not per touch): influenced conversions count each conversion once per cell and once in
  the total, so they are counted afresh per selection, from these rows.
- **first purchases**: who made each first purchase (for the engaged customers' CLV).
- **posts** and **ads**: per platform x market x campaign id x day (posts counted).

Sums are regrouped, so a figure may differ from summing the raw rows in another order in its
last bits (far below 1e-9 relative); `tests/measure/test_cells.py` compares with the raw rows.
"""

from __future__ import annotations

import pandas as pd

CREDITED_SUMS = ("credit", "credit_value", "credit_first", "sourced_value")
CREDITED_KEYS = ["kind", "platform", "market", "campaign", "day"]
INFLUENCED_KEYS = ["kind", "conversion_id", "platform", "market", "campaign", "day"]
SPOT_KEYS = ["platform", "market", "campaign_id", "day"]


def _sum(df: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame({c: [] for c in [*keys, *columns]})
    return df.groupby(keys, dropna=False, as_index=False, sort=True)[columns].sum()


def credited_cells(cr: pd.DataFrame) -> pd.DataFrame:
    """Credited rows (one per conversion and credited unit) summed per day cell."""
    cr = cr.assign(
        credit_value=cr.credit * cr.value,
        credit_first=cr.credit * cr.first_purchase.astype(float),
        sourced_value=cr.sourced_credit * cr.value,
    )
    return _sum(cr, CREDITED_KEYS, list(CREDITED_SUMS))


def influenced_rows(inf: pd.DataFrame) -> pd.DataFrame:
    """Influence pairs without the touches: one row per conversion and cell."""
    cols = [*INFLUENCED_KEYS, "value"]
    if inf.empty:
        return pd.DataFrame({c: [] for c in cols})
    return inf[cols].drop_duplicates(INFLUENCED_KEYS, ignore_index=True)


def first_purchases(conv: pd.DataFrame) -> pd.DataFrame:
    """The conversions that are a customer's first purchase, with who made them."""
    cols = ["conversion_id", "customer_id", "user_id", "email_hash"]
    if conv.empty:
        return pd.DataFrame({c: [] for c in cols})
    return conv.loc[conv.first_purchase.astype(bool), cols].reset_index(drop=True)


def reduce_attributed(
    cr: pd.DataFrame, inf: pd.DataFrame, conv: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`socialroi.measure.attributed.attributed`'s frames as day cells (module docstring)."""
    return credited_cells(cr), influenced_rows(inf), first_purchases(conv)


def spot_cells(df: pd.DataFrame, columns: list[str], count: str | None = None) -> pd.DataFrame:
    """Rows of posts or ad reports summed per platform x market x campaign id x day; `count`
    names a column that counts the rows."""
    if count:
        df = df.assign(**{count: 1.0})
        columns = [count, *columns]
    return _sum(df, SPOT_KEYS, columns)
