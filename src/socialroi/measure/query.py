"""A Query: what a person asks of the measures, parsed and checked once.

One period, compared with the period before or the year before (or not), under one ROI
profile and attribution model, for some platforms and markets, at a period grain. Each entry
point (a CLI command, the dashboard's filters, a report) builds one with `Query.parse` and
passes it down; the measures take it as it is, so nothing is parsed or checked twice.

>>> q = Query.parse("2026-Q3", compare="previous", profile="b2b", markets=["us", "uk"],
...                 platforms=["meta"])
>>> q.compare_period.label, q.model, q.markets, q.platforms
('2026-04-01..2026-06-30', 'position_based', ('US', 'GB'), ('facebook', 'instagram'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from socialroi.errors import SocialroiError, UnknownName
from socialroi.measure.attribution.workspace import check_model
from socialroi.measure.profiles import Profile, load_profile
from socialroi.measure.selection import GRAINS
from socialroi.model.names import markets_named, platforms_named
from socialroi.model.periods import COMPARISONS, Period, comparison_period, parse_period


@dataclass(frozen=True)
class Query:
    period: Period
    profile: Profile
    model: str  # the profile's model unless the person chose another
    compare: str | None = None
    platforms: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()  # upper-case ISO codes or regions
    grain: str | None = None
    campaigns: tuple[str, ...] = ()  # campaign keys (`socialroi.measure.campaigns.campaign_keys`)

    @classmethod
    def parse(
        cls,
        period: str | Period | Query,
        *,
        compare: str | None = None,
        profile: str | Path | Profile = "dtc",
        model: str | None = None,
        platforms: Sequence[str] | None = None,
        markets: Sequence[str] | None = None,
        grain: str | None = None,
        campaigns: Sequence[str] | None = None,
    ) -> Query:
        """Check every part and name the valid choices of a wrong one."""
        if isinstance(period, Query):
            return period
        if compare not in (None, *COMPARISONS):
            raise UnknownName("comparison", str(compare), list(COMPARISONS))
        if grain is not None and grain not in GRAINS:
            raise SocialroiError(f"unknown grain {grain!r}; valid: {', '.join(GRAINS)}")
        prof = load_profile(profile)
        chosen = model or prof.model
        check_model(chosen)
        return cls(
            period=parse_period(period),
            profile=prof,
            model=chosen,
            compare=compare,
            platforms=platforms_named(platforms),
            markets=markets_named(markets),
            grain=grain,
            campaigns=tuple(sorted({c.strip() for c in campaigns or () if c.strip()})),
        )

    @property
    def compare_period(self) -> Period | None:
        return comparison_period(self.period, self.compare)

    def check_names(self, platforms: list[str], markets: list[str]) -> Query:
        """The same query, once its platforms and markets are ones the workspace knows (an
        unknown one names the closest known one)."""
        for p in self.platforms:
            if p not in platforms:
                raise UnknownName("platform", p, platforms)
        for m in self.markets:
            if m not in markets:
                raise UnknownName("market", m, markets)
        return self

    def but(self, **changes) -> Query:
        """The same question with some parts changed (already parsed values)."""
        return replace(self, **changes)
