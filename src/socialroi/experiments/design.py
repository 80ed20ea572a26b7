"""An experiment's design: its arms, how posts join them, and the seeded, stratified assignment.

Designs:

- `post` — post-level A/B (a caption, a format, a time slot): posts are the units;
- `author` — the same kind of content from employees or creators against the brand page; posts
  are the units, errors clustered by author (one author's posts are alike);
- `cadence` — posting more or less often, by week (switchback) or in one market from a date;
  weeks of one market are the units;
- `market` — a change in one market (geo test); markets are the units, the others the control.

Posts join an arm through selectors, all of which must match: `post:<post id>`, `tag:#hashtag`
(in the caption, case-insensitive), `utm:<campaign>` (utm_campaign=<campaign> in the post's
caption or link), `account:<account id>`, `kind:<brand|employee|creator>`, `platform:<p>`,
`market:<code>`, `format:<f>`. Units assigned by `assign` (post ids, planned slots, markets)
join the arm they were dealt.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socialroi.errors import SocialroiError

DESIGNS = ("post", "author", "cadence", "market")
METRICS = {  # metric -> (count column, exposure column or None)
    "engagement_rate": ("engagements", "shown"),
    "link_click_rate": ("link_clicks", "shown"),
    "engagements": ("engagements", None),
    "link_clicks": ("link_clicks", None),
}
SELECTORS = ("post", "tag", "utm", "account", "kind", "platform", "market", "format")


@dataclass
class Spec:
    name: str
    design: str
    arms: dict[str, list[str]]  # arm -> selectors; the first arm is the control
    metric: str = "engagement_rate"
    question: str = ""
    start: str | None = None  # ISO date the change starts (cadence, market) or the test opens
    end: str | None = None
    treated: str | None = None  # the treated market (cadence, market)
    population: list[str] = field(default_factory=list)  # selectors every unit's posts match
    cluster: str | None = None  # "author" or "day": errors clustered so
    looks: int | None = None  # planned equally spaced looks (group-sequential bounds)
    alpha: float = 0.05
    strata: list[str] = field(default_factory=list)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.design not in DESIGNS:
            raise SocialroiError(f"unknown design {self.design!r}; valid: {', '.join(DESIGNS)}")
        if self.metric not in METRICS:
            raise SocialroiError(f"unknown metric {self.metric!r}; valid: {', '.join(METRICS)}")
        if self.design in ("cadence", "market"):
            if not self.treated or not self.start:
                raise SocialroiError(f"a {self.design} test needs a treated market and a start")
        elif len(self.arms) != 2:
            raise SocialroiError("a post or author test compares exactly two arms")
        for sels in [*self.arms.values(), self.population]:
            for s in sels:
                parse_selector(s)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Spec:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def parse_selector(text: str) -> tuple[str, str]:
    kind, _, value = text.partition(":")
    if kind not in SELECTORS or not value:
        raise SocialroiError(f"bad selector {text!r}; use one of {', '.join(SELECTORS)}:<value>")
    return kind, value


def matches(posts: pd.DataFrame, selectors: list[str]) -> pd.Series:
    """Which rows of a posts frame (post_id, caption, url, account_id, kind, platform, market,
    format) match every selector."""
    ok = pd.Series(True, index=posts.index)
    for s in selectors:
        kind, value = parse_selector(s)
        if kind == "tag":
            tag = re.escape(value if value.startswith("#") else f"#{value}")
            ok &= posts.caption.fillna("").str.contains(rf"{tag}(?!\w)", case=False, regex=True)
        elif kind == "utm":
            text = posts.caption.fillna("") + " " + posts.url.fillna("")
            ok &= text.str.contains(f"utm_campaign={re.escape(value)}", case=False, regex=True)
        elif kind == "post":
            ok &= posts.post_id == value
        elif kind == "account":
            ok &= posts.account_id == value
        else:
            ok &= posts[kind].astype(str).str.lower() == value.lower()
    return ok


def assign(
    units: pd.DataFrame, arms: list[str], seed: int, strata: list[str] | None = None
) -> pd.DataFrame:
    """Deal `units` (a frame with a `unit` column and the strata columns) to `arms` at random,
    balanced within each stratum: shuffle each stratum with the seeded generator, then deal
    the arms in turn from a random first arm. Same seed, same units -> same assignment."""
    if not len(arms):
        raise SocialroiError("an assignment needs arms")
    rng = np.random.default_rng(seed)
    strata = list(strata or [])
    key = (
        units[strata].astype(str).agg("|".join, axis=1) if strata else pd.Series("all", units.index)
    )
    out = []
    for stratum in sorted(key.unique()):
        members = units.loc[key == stratum, "unit"].astype(str).sort_values().to_numpy()
        order = rng.permutation(len(members))
        first = int(rng.integers(len(arms)))
        for i, j in enumerate(order):
            out.append((members[j], arms[(first + i) % len(arms)], stratum))
    return pd.DataFrame(out, columns=["unit", "arm", "stratum"]).sort_values(
        "unit", ignore_index=True
    )
