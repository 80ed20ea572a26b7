"""socialroi's own ledger files: the accounts register and the true costs ledger (CSV).

The accounts register (`ledger/accounts`) gives every account its market, currency, time
zone and kind; the demo imports it first. The costs ledger (`ledger/costs`) holds the brand's
true costs beyond ad spend: salaries, tools, community management, analytics, creative
production and agency fees, in several currencies, with scope and allocation rule. The time
split (`ledger/time_split`) says how the central content studio spends its hours across
platforms and markets, which its salaries are allocated by.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from socialroi.demo.world import DemoWorld

REGISTER = ("platform", "handle", "native_id", "name", "market", "currency", "timezone", "kind")
LEDGER = (
    "id", "period", "period_end", "category", "amount", "currency", "platform", "market",
    "campaign", "allocation", "description",
)  # fmt: skip

TIME_SPLIT = ("team", "period", "platform", "market", "hours")


def _cell(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _csv(frame: pd.DataFrame, cols: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in frame[list(cols)].itertuples(index=False):
        w.writerow([_cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


def write(world: DemoWorld, out: Path) -> list[Path]:
    folder = Path(out) / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    accounts = world["accounts"].sort_values(["platform", "handle"], kind="stable")
    reg = folder / "accounts_register.csv"
    reg.write_bytes(_csv(accounts, REGISTER))
    costs = folder / "costs_ledger.csv"
    costs.write_bytes(_csv(world["costs"], LEDGER))
    split = folder / "time_split.csv"
    split.write_bytes(_csv(world["time_split"], TIME_SPLIT))
    return [reg, costs, split]
