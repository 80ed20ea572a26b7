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

from socialroi.measure.selection import Selection, bucket, filter_cells

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


def spot_cells(
    df: pd.DataFrame, columns: list[str], count: str | None = None, keys: list[str] = SPOT_KEYS
) -> pd.DataFrame:
    """Rows of posts or ad reports (or customers) summed per platform x market x campaign id
    x day (or `keys`); `count` names a column that counts the rows."""
    if count:
        df = df.assign(**{count: 1.0})
        columns = [count, *columns]
    return _sum(df, keys, columns)


# -- counted afresh: conversions grouped by the set of cells that touched them ----------------
# A conversion's market and day are its own; only the platforms (and campaigns) of its touches
# vary. Conversions with the same fixed columns and the same set of touched cells (their
# "signature") count alike under every selection, so they are kept as one group with their
# number and their summed values, and the signature's cells once. Any breakdown and filter
# counts each conversion once per cell and once in the total, exactly, from these few rows.
MEMBERS = {False: ["platform"], True: ["platform", "campaign"]}  # by campaign or not


def signatures(
    rows: pd.DataFrame, fixed: list[str], values: list[str], by_campaign: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(groups, members) of per-(conversion, touched cell) `rows`: groups hold `fixed`, `sig`,
    `n` (conversions) and `values` summed (each conversion's once); members (sig, platform[,
    campaign]) list each signature's cells."""
    members = MEMBERS[by_campaign]
    if rows.empty:
        return (
            pd.DataFrame({c: [] for c in [*fixed, "sig", "n", *values]}),
            pd.DataFrame({c: [] for c in ["sig", *members]}),
        )
    ident = ["conversion_id", *(["kind"] if "kind" in fixed else [])]  # a conversion
    pairs = rows[[*ident, *members]].drop_duplicates(ignore_index=True)
    code, cells = pd.MultiIndex.from_frame(pairs[members]).factorize()
    pairs = pairs[ident].assign(code=code).sort_values([*ident, "code"], kind="stable")
    sets = pairs.groupby(ident, sort=False).code.agg(tuple)
    sig, uniques = pd.factorize(sets)
    sig_of = pd.Series(sig, index=sets.index)
    conv = rows.drop_duplicates(ident)[list(dict.fromkeys([*ident, *fixed, *values]))]
    at = pd.MultiIndex.from_frame(conv[ident]) if len(ident) > 1 else conv.conversion_id
    conv = conv.assign(sig=sig_of.reindex(at).to_numpy(), n=1.0)
    groups = conv.groupby([*fixed, "sig"], dropna=False, as_index=False, sort=True)[
        ["n", *values]
    ].sum()
    exploded = pd.Series(list(uniques), name="code").explode()
    codes = exploded.to_numpy(dtype=int)
    member_rows = pd.DataFrame({"sig": exploded.index.to_numpy()})
    for i, m in enumerate(members):
        member_rows[m] = cells.get_level_values(i).to_numpy()[codes]
    return groups, member_rows


def count_afresh(
    groups: pd.DataFrame, members: pd.DataFrame, sel: Selection, measures: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, float]]:
    """(cells, totals) of `signatures`' groups (already filtered on their own columns) under
    the selection: each group counted once per cell of the breakdown its members reach within
    the filters, and once in the totals. `measures`: output name -> group column (`n` or a
    summed value). No row within the filters: no cells and no totals (not zeros)."""
    mem = filter_cells(members, sel)
    grp = groups[groups.sig.isin(mem.sig.unique())]
    if grp.empty:
        return pd.DataFrame(columns=sel.keys), {}
    totals = {name: float(grp[col].sum()) for name, col in measures.items()}
    mkeys = [k for k in sel.keys if k in mem.columns]
    j = grp.merge(mem[["sig", *mkeys]].drop_duplicates(), on="sig")
    if sel.grain:
        j["period"] = bucket(j.day, sel.grain, sel.period)
    cols = list(dict.fromkeys(measures.values()))
    out = j.groupby(sel.keys, as_index=False)[cols].sum()
    for name, col in measures.items():
        out[name] = out[col]
    return out[[*sel.keys, *measures]], totals
