"""Channel rules: UTM source/medium, referrer host and click id to channel and platform.

The rules are plain data (`channel_rules.csv`, or a user's own file) in priority order, like
GA4's default channel grouping. Each rule's non-empty fields are regular expressions that must
all match (on lower-cased, URL-decoded values; the referrer is reduced to its host). The first
matching rule wins; a row no rule matches gets channel `Unmapped` and is reported as a
data-quality finding, never dropped. `classify()` builds one Ibis CASE expression, so the same
rules run on DuckDB and Spark.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ibis
import ibis.expr.types as ir

FIELDS = ("click_id_type", "source", "medium", "referrer_host")
UNMAPPED = "Unmapped"


@dataclass(frozen=True)
class ChannelRule:
    priority: int
    rule: str
    conditions: tuple[tuple[str, str], ...]  # (field, regex)
    channel: str
    platform: str | None
    paid: bool


def load_rules(path: str | Path | None = None) -> list[ChannelRule]:
    """Read rules from a CSV (default: the built-in rules shipped with socialroi)."""
    if path is None:
        text = resources.files("socialroi.model").joinpath("channel_rules.csv").read_text()
    else:
        text = Path(path).read_text(encoding="utf-8")
    rules = []
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        missing = [k for k in ("priority", "rule", "channel", "paid") if not row.get(k)]
        if missing:
            from socialroi.errors import SocialroiError

            raise SocialroiError(f"channel rules row {n}: empty {', '.join(missing)}")
        conds = tuple((f, row[f]) for f in FIELDS if row.get(f))
        rules.append(
            ChannelRule(
                int(row["priority"]),
                row["rule"],
                conds,
                row["channel"],
                row.get("platform") or None,
                row["paid"].strip().lower() in ("true", "1", "yes"),
            )
        )
    return sorted(rules, key=lambda r: r.priority)


def referrer_host(referrer: ir.StringValue) -> ir.StringValue:
    """`https://l.instagram.com/?u=...` -> `l.instagram.com`."""
    return (
        referrer.lower()
        .re_extract(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)", 1)
        .re_replace(r"^www\.", "")
    )


def classify(
    source: ir.StringValue,
    medium: ir.StringValue,
    referrer: ir.StringValue,
    click_id_type: ir.StringValue,
    rules: list[ChannelRule] | None = None,
) -> dict[str, ir.Value]:
    """Ibis expressions for channel, channel_platform, paid and rule."""
    rules = load_rules() if rules is None else rules
    fields = {
        "source": source.lower().fill_null(""),
        "medium": medium.lower().fill_null(""),
        "referrer_host": referrer_host(referrer.fill_null("")).fill_null(""),
        "click_id_type": click_id_type.lower().fill_null(""),
    }
    conds = []
    for r in rules:
        cond = ibis.literal(True)
        for field, pattern in r.conditions:
            cond = cond & fields[field].re_search(pattern)
        conds.append((cond, r))
    str_null = ibis.null("string")
    return {
        "channel": ibis.cases(*[(c, r.channel) for c, r in conds], else_=UNMAPPED),
        "channel_platform": ibis.cases(
            *[(c, ibis.literal(r.platform) if r.platform else str_null) for c, r in conds],
            else_=str_null,
        ),
        "paid": ibis.cases(*[(c, r.paid) for c, r in conds], else_=False),
        "rule": ibis.cases(*[(c, r.rule) for c, r in conds], else_="unmapped"),
    }
