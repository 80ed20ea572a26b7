"""ROI profiles: what "return" means for a business, and which metrics lead its report.

Three ship with socialroi — `dtc` (a shop selling online), `b2b` (leads and won deals) and
`brand` (reach, engagement and the lifetime value of the engaged) — and a team can write
its own in TOML or YAML:

```toml
name = "voltiq-shop"
extends = "dtc"                     # start from a built-in; every key below overrides it
headline = ["revenue", "roas", "cac", "roi"]
model = "markov"                    # default attribution model
lookback_days = 14
cost_categories = ["ad_spend", "salaries", "creative_production"]   # or "all"

[cpm]                               # for earned media value, in the base currency
tiktok = 5.5
```

A key or value that is not understood is an error naming the key and the valid values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from socialroi.errors import SocialroiError, UnknownName
from socialroi.measure.attribution.registry import available_models
from socialroi.model.metrics import METRICS

COST_CATEGORIES = (
    "ad_spend", "salaries", "tools", "community_management", "analytics_platform",
    "creative_production", "agency", "other",
)  # fmt: skip
CONVERSION_KINDS = ("purchase", "signup", "lead", "mql", "sql", "opportunity", "won")
RETURNS = {
    "revenue": "attributed conversion revenue",
    "won_revenue": "attributed value of won deals",
    "earned_media_value": "earned media value of organic impressions",
}
# Default CPMs (cost per thousand impressions, base currency) for earned media value: round
# figures near 2025 industry averages for ads on each platform. Set your own in a profile.
DEFAULT_CPM = {
    "facebook": 8.0, "instagram": 7.5, "tiktok": 6.0, "x": 5.5, "pinterest": 4.0,
    "youtube": 9.0, "linkedin": 30.0,
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    description: str
    kinds: tuple[str, ...]
    headline: tuple[str, ...]
    metrics: tuple[str, ...]
    model: str = "position_based"
    lookback_days: int = 30
    cost_categories: tuple[str, ...] = COST_CATEGORIES
    returns: str = "revenue"
    primary_kind: str = "purchase"
    cpm: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CPM))
    insight_metric: str = "revenue"
    # The ROI the team holds the social budget to (0.0 = pays back its true cost).
    target_roi: float = 0.0

    @property
    def all_metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.headline + self.metrics))


PROFILES: dict[str, Profile] = {
    "dtc": Profile(
        name="dtc",
        label="Direct to consumer",
        description="A brand selling online: revenue, ROAS, CPA, CAC, CLV:CAC and ROI.",
        kinds=("purchase",),
        headline=("revenue", "roas", "cpa", "cac", "clv_cac", "roi"),
        metrics=(
            "spend",
            "true_cost",
            "conversions",
            "revenue",
            "new_customers",
            "aov",
            "roas",
            "cpa",
            "cac",
            "clv",
            "clv_cac",
            "roi",
            "influenced_revenue",
            "sourced_revenue",
            "engagement_to_conversion",
            "budget_share",
            "contribution_share",
            "nonsocial_revenue",
        ),
    ),  # fmt: skip
    "b2b": Profile(
        name="b2b",
        label="B2B leads and deals",
        description="Qualified leads, cost per SQL, stage conversion, pipeline influenced, "
        "won revenue sourced and influenced, ROI on a 90-day lookback.",
        kinds=("lead", "mql", "sql", "opportunity", "won"),
        headline=(
            "qualified_leads",
            "cost_per_sql",
            "pipeline_influenced",
            "won_revenue_sourced",
            "won_revenue_influenced",
            "roi",
        ),
        metrics=(
            "true_cost",
            "leads",
            "qualified_leads",
            "sqls",
            "won_deals",
            "cost_per_lead",
            "cost_per_mql",
            "cost_per_sql",
            "lead_to_mql",
            "mql_to_sql",
            "sql_to_won",
            "pipeline_influenced",
            "won_revenue",
            "won_revenue_sourced",
            "won_revenue_influenced",
            "roi",
            "budget_share",
            "contribution_share",
        ),
        lookback_days=90,
        returns="won_revenue",
        primary_kind="won",
        insight_metric="sqls",
    ),  # fmt: skip
    "brand": Profile(
        name="brand",
        label="Brand building",
        description="Reach, engagement rates, follower growth, the lifetime value of the "
        "engaged cohort and earned media value.",
        kinds=("purchase",),
        headline=(
            "reach",
            "engagement_rate_impressions",
            "follower_growth",
            "engaged_cohort_clv",
            "earned_media_value",
        ),
        metrics=(
            "true_cost",
            "posts",
            "impressions",
            "reach",
            "engagements",
            "engagement_rate_impressions",
            "engagement_rate_reach",
            "engagement_rate_followers",
            "followers",
            "follower_growth",
            "engaged_cohort_clv",
            "earned_media_value",
            "roi",
            "budget_share",
            "contribution_share",
        ),
        returns="earned_media_value",
        insight_metric="engagements",
    ),  # fmt: skip
}

_KEYS = {f.name for f in fields(Profile)} | {"extends", "return"}


def load_profile(spec: str | Path | Profile) -> Profile:
    """A built-in profile by name, or a custom one from a TOML or YAML file."""
    if isinstance(spec, Profile):
        return spec
    text = str(spec)
    if text in PROFILES:
        return PROFILES[text]
    path = Path(text)
    if path.suffix.lower() not in (".toml", ".yaml", ".yml") or not path.exists():
        raise UnknownName("profile", text, [*PROFILES, "a .toml or .yaml file"])
    fmt = "toml" if path.suffix.lower() == ".toml" else "yaml"
    return profile_from_text(fmt, path.read_text(encoding="utf-8"), source=str(path))


def profile_from_text(fmt: str, text: str, source: str | None = None) -> Profile:
    """A Profile from TOML or YAML text (a file's, or one saved from the dashboard), checked
    key by key. `source` names the file in messages."""
    where = f"{source}: " if source else ""
    what = "profile file" if source else f"{fmt.upper()} profile"
    try:
        if fmt == "toml":
            data = tomllib.loads(text)
        elif fmt == "yaml":
            data = yaml.safe_load(text) or {}
        else:
            raise SocialroiError("a profile is TOML or YAML")
    except SocialroiError:
        raise
    except Exception as exc:  # tomllib.TOMLDecodeError, yaml.YAMLError and friends
        raise SocialroiError(f"{where}not a readable {what} ({exc})") from None
    if not isinstance(data, dict):
        raise SocialroiError(f"{where}a profile is a table of keys (name, kinds, headline, ...)")
    return profile_from_dict(data, source=source or "the profile")


def custom_profile(fmt: str, text: str) -> Profile:
    """A profile a team saves under its own name: checked like a file, and neither a
    built-in's name nor a name that cannot be a file or URL part."""
    prof = profile_from_text(fmt, text)
    if prof.name in PROFILES:
        raise SocialroiError(
            f"{prof.name!r} is a built-in profile; give yours another name (it may "
            f'`extends = "{prof.name}"`)'
        )
    if not prof.name.replace("_", "").replace("-", "").isalnum() or len(prof.name) > 40:
        raise SocialroiError("a profile name is up to 40 letters, digits, - and _")
    return prof


def profile_from_dict(data: dict[str, Any], source: str = "profile") -> Profile:
    def bad(key: str, value: Any, valid) -> SocialroiError:
        return SocialroiError(
            f"{source}: key {key!r} has the value {value!r}; valid values: "
            + ", ".join(str(v) for v in valid)
        )

    for key in data:
        if key not in _KEYS:
            raise SocialroiError(
                f"{source}: unknown key {key!r}; valid keys: {', '.join(sorted(_KEYS))}"
            )
    base_name = data.get("extends", "dtc")
    if base_name not in PROFILES:
        raise bad("extends", base_name, list(PROFILES))
    base = PROFILES[base_name]
    out: dict[str, Any] = {}
    if "name" not in data:
        raise SocialroiError(f"{source}: the key 'name' is required (a short name)")
    out["name"] = str(data["name"])
    out["label"] = str(data.get("label", data["name"]))
    out["description"] = str(data.get("description", base.description))

    def names(key: str, valid) -> tuple[str, ...] | None:
        if key not in data:
            return None
        value = data[key]
        if value == "all" and key == "cost_categories":
            return tuple(valid)
        if isinstance(value, str) or not isinstance(value, list) or not value:
            raise bad(key, value, [f"a non-empty list of: {', '.join(valid)}"])
        for v in value:
            if v not in valid:
                raise bad(key, v, valid)
        return tuple(value)

    for key, valid in (
        ("kinds", CONVERSION_KINDS),
        ("headline", sorted(METRICS)),
        ("metrics", sorted(METRICS)),
        ("cost_categories", COST_CATEGORIES),
    ):
        got = names(key, valid)
        if got is not None:
            out[key] = got
    if "model" in data:
        if data["model"] not in available_models():
            raise bad("model", data["model"], list(available_models()))
        out["model"] = data["model"]
    if "lookback_days" in data:
        days = data["lookback_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 730:
            raise bad("lookback_days", days, ["a whole number of days from 1 to 730"])
        out["lookback_days"] = days
    ret = data.get("returns", data.get("return"))
    if ret is not None:
        if ret not in RETURNS:
            raise bad("return", ret, list(RETURNS))
        out["returns"] = ret
    kinds = out.get("kinds", base.kinds)
    primary = data.get(
        "primary_kind", base.primary_kind if base.primary_kind in kinds else kinds[0]
    )
    if primary not in kinds:
        raise bad("primary_kind", primary, list(kinds))
    out["primary_kind"] = primary
    if "cpm" in data:
        cpm = data["cpm"]
        if not isinstance(cpm, dict):
            raise bad("cpm", cpm, ["a table of platform = CPM"])
        merged = dict(base.cpm)
        for platform, value in cpm.items():
            if platform not in DEFAULT_CPM:
                raise bad(f"cpm.{platform}", value, list(DEFAULT_CPM))
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise bad(f"cpm.{platform}", value, ["a number >= 0"])
            merged[platform] = float(value)
        out["cpm"] = merged
    if "target_roi" in data:
        target = data["target_roi"]
        ok = isinstance(target, int | float) and not isinstance(target, bool)
        if not ok or not -1.0 <= float(target) <= 100.0:
            raise bad("target_roi", target, ["a fraction from -1 to 100 (0.2 = 20 % ROI)"])
        out["target_roi"] = float(target)
    if "insight_metric" in data:
        if data["insight_metric"] not in METRICS:
            raise bad("insight_metric", data["insight_metric"], sorted(METRICS))
        out["insight_metric"] = data["insight_metric"]
    return replace(base, **out)
