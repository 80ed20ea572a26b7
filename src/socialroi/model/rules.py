"""What a value may be, per column of the canonical tables: the plausibility rules.

The data model (`schema.py`) gives every column a type and a unit; the rule of a column
follows from its unit, with the few exceptions named below. `land/plausible.py` applies the
rules to every parsed file before anything is stored; docs/limits.md lists them with what
happens to a value that breaks one (the row is left out with a finding, or the file refused).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from socialroi.model.schema import TABLES

MAX_MAGNITUDE = 1e12  # counts and money: finite, and within ±1e12
EARLIEST = dt.date(2000, 1, 1)  # no social, web or ads export holds a day before this
FUTURE_DAYS = 1  # a day after today (time zones) is the latest an export's figure may be for
PLAN_DAYS = 3 * 366  # costs and time split lines may be planned up to three years ahead


@dataclass(frozen=True)
class Rule:
    """`low`/`high` bound numbers; `dates` bounds days and timestamps (relative to today)."""

    kind: str  # count, money, amount, date
    low: float | None = None
    high: float | None = None
    ahead_days: int = FUTURE_DAYS

    def describe(self) -> str:
        if self.kind == "date":
            return f"a date from {EARLIEST} to {self.ahead_days} day(s) after today"
        if self.low == 0:
            return f"a finite number from 0 to {self.high:.0e}"
        return f"a finite number within ±{self.high:.0e}"


COUNT = Rule("count", 0, MAX_MAGNITUDE)  # counts, people, seconds, hours: never negative
SIGNED = Rule("amount", -MAX_MAGNITUDE, MAX_MAGNITUDE)  # money, net changes
DATE = Rule("date")
PLANNED = Rule("date", ahead_days=PLAN_DAYS)

_BY_UNIT = {
    "count": COUNT,
    "people": COUNT,
    "seconds": COUNT,
    "hours": COUNT,
    "currency": SIGNED,
    "base currency": SIGNED,
    "date": DATE,
    "UTC": DATE,
}
# Columns whose rule is not their unit's.
_EXCEPTIONS = {
    ("account_metrics", "follower_change"): SIGNED,  # followers lost is a negative change
    ("ad_metrics", "spend"): COUNT,  # spend is never negative
    ("ad_metrics", "spend_base"): COUNT,
    ("costs", "period_start"): PLANNED,
    ("costs", "period_end"): PLANNED,
    ("time_split", "period_start"): PLANNED,
    ("time_split", "period_end"): PLANNED,
}


def rules(table: str) -> dict[str, Rule]:
    """Column -> rule for a canonical fact or dimension table (system tables have none)."""
    spec = TABLES[table]
    if spec.kind == "system":
        return {}
    out = {}
    for c in spec.columns:
        rule = _EXCEPTIONS.get((table, c.name)) or _BY_UNIT.get(c.unit)
        if rule is not None and c.dtype not in ("string", "boolean"):
            out[c.name] = rule
    return out


def window(rule: Rule, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or dt.date.today()
    return EARLIEST, today + dt.timedelta(days=rule.ahead_days)
