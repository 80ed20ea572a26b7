"""Channel rules: UTM source/medium, referrer host and click id to channel and platform.

The rules are plain data (`channel_rules.csv`, or a user's own file) in priority order, like
GA4's default channel grouping. Each rule's non-empty fields are regular expressions that must
all match (on lower-cased, URL-decoded values; the referrer is reduced to its host). The first
matching rule wins; a row no rule matches gets channel `Unmapped` and is reported as a
data-quality finding, never dropped. `classify_table()` finds each row's rule in one Ibis
expression and joins the small rules table, so the same rules run on DuckDB and Spark.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from socialroi.errors import SocialroiError

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


OUTPUTS = ("channel", "channel_platform", "paid", "rule")


def rule_index(
    source: ir.StringValue,
    medium: ir.StringValue,
    referrer: ir.StringValue,
    click_id_type: ir.StringValue,
    rules: list[ChannelRule],
) -> ir.IntegerValue:
    """Number of the first matching rule (-1 when none): the only place regexes run."""
    return _first_rule(_fields(source, medium, referrer, click_id_type), rules)


def _fields(
    source: ir.StringValue,
    medium: ir.StringValue,
    referrer: ir.StringValue,
    click_id_type: ir.StringValue,
) -> dict[str, ir.StringValue]:
    """The values the rules test: lower-cased, the referrer reduced to its host, '' for none."""
    return {
        "source": source.lower().fill_null(""),
        "medium": medium.lower().fill_null(""),
        "referrer_host": referrer_host(referrer.fill_null("")).fill_null(""),
        "click_id_type": click_id_type.lower().fill_null(""),
    }


def _first_rule(fields: dict[str, ir.StringValue], rules: list[ChannelRule]) -> ir.IntegerValue:
    conds = []
    for r in rules:
        cond = ibis.literal(True)
        for field, pattern in r.conditions:
            cond = cond & fields[field].re_search(pattern)
        conds.append(cond)
    return ibis.cases(*[(c, i) for i, c in enumerate(conds)], else_=-1)


def rules_table(rules: list[ChannelRule]) -> ir.Table:
    """The rules' outputs by number, -1 being `Unmapped`."""
    return ibis.memtable(rules_data(rules))


def rules_data(rules: list[ChannelRule]) -> pa.Table:
    """`rules_table`'s rows as Arrow."""
    return pa.table(
        {
            "_rid": pa.array([-1, *range(len(rules))], pa.int64()),
            "channel": [UNMAPPED, *[r.channel for r in rules]],
            # '' not null: Spark turns a null in a memtable into the text 'NaN' (via pandas).
            "channel_platform": ["", *[r.platform or "" for r in rules]],
            "paid": [False, *[r.paid for r in rules]],
            "rule": ["unmapped", *[r.rule for r in rules]],
        }
    )


def classify_table(
    t: ir.Table,
    source: ir.StringValue,
    medium: ir.StringValue,
    referrer: ir.StringValue,
    click_id_type: ir.StringValue,
    rules: list[ChannelRule] | None = None,
    rules_t: ir.Table | None = None,
    clean: dict[str, Callable[[ir.StringValue], ir.StringValue]] | None = None,
) -> ir.Table:
    """`t` with channel, channel_platform, paid and rule added. `rules_t` is the rules'
    outputs table (`rules_data`) when the caller supplies it (a compiled query's input).
    `clean`: columns of `t` ("source", "medium") replaced by a function of their value (the
    unify step's lower-casing), which the rules then test.

    Nothing runs per row but hashing: the cleaning and the referrer's host run once per
    distinct (source, medium, referrer, click id type) as given, and the rules' regexes once
    per distinct cleaned combination (a month of GA4 sessions holds a few dozen among
    hundreds of thousands of rows); both come back to the rows by joins. The rule's number
    comes from one CASE and its outputs from a join with the small rules table: four CASEs,
    one per output, would run every regex four times.
    """
    rules = load_rules() if rules is None else rules
    clean = clean or {}
    t = t.drop(*[c for c in OUTPUTS if c in t.columns])
    given = {"source": source, "medium": medium, "referrer": referrer,
             "click_id_type": click_id_type}  # fmt: skip
    t = t.mutate(**{f"_r_{f}": v for f, v in given.items()})
    raw = t.select(**{f"_q_{f}": t[f"_r_{f}"] for f in given}).distinct()
    values = {f: raw[f"_q_{f}"] for f in given}
    values |= {c: fn(values[c]) for c, fn in clean.items()}
    keys = _fields(values["source"], values["medium"], values["referrer"],
                   values["click_id_type"])  # fmt: skip
    raw = raw.mutate(**{f"_k_{f}": v for f, v in keys.items()},
                     **{f"_n_{c}": values[c] for c in clean})  # fmt: skip
    combos = raw.select(**{f"_c_{f}": raw[f"_k_{f}"] for f in FIELDS}).distinct()
    combos = combos.mutate(_ri=_first_rule({f: combos[f"_c_{f}"] for f in FIELDS}, rules))
    raw = raw.left_join(combos, [raw[f"_k_{f}"] == combos[f"_c_{f}"] for f in FIELDS])
    raw = raw.drop(*[f"_k_{f}" for f in FIELDS], *[f"_c_{f}" for f in FIELDS])
    t = t.left_join(raw, [t[f"_r_{f}"].identical_to(raw[f"_q_{f}"]) for f in given])
    t = t.drop(*[f"_r_{f}" for f in given], *[f"_q_{f}" for f in given])
    if clean:
        t = t.mutate(**{c: t[f"_n_{c}"] for c in clean}).drop(*[f"_n_{c}" for c in clean])
    rt = rules_t if rules_t is not None else rules_table(rules)
    j = t.left_join(rt, t._ri == rt._rid).drop("_ri", "_rid")
    return j.mutate(channel_platform=j.channel_platform.nullif(""))
