"""The filters every page and API call shares, read from the URL so a view can be bookmarked.

Values from the request never reach SQL as text: the period is parsed into dates, and
platforms, markets, models and profiles are checked against the names the workspace and the
registries know before they are handed to the library (which binds them as parameters).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from socialroi.errors import SocialroiError
from socialroi.measure.attribution.workspace import COMPARE_ORDER
from socialroi.measure.profiles import PROFILES
from socialroi.model.periods import COMPARISONS, Period, parse_period

COMPARES = (*COMPARISONS, "none")


@dataclass(frozen=True)
class Filters:
    period: str
    compare: str = "previous"
    platforms: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    profile: str = "dtc"
    model: str = ""  # "" = the profile's default model
    extra: tuple[tuple[str, str], ...] = field(default=())  # page options (metric, sort, ...)

    @property
    def parsed(self) -> Period:
        return parse_period(self.period)

    @property
    def compare_arg(self) -> str | None:
        return None if self.compare == "none" else self.compare

    def opt(self, name: str, default: str = "") -> str:
        for k, v in self.extra:
            if k == name:
                return v
        return default

    def key(self) -> tuple:
        return (
            self.period,
            self.compare,
            self.platforms,
            self.markets,
            self.profile,
            self.model,
            self.extra,
        )

    def query(self, **changes: str | None) -> str:
        """The URL query of these filters, with some options changed (None removes one)."""
        pairs: list[tuple[str, str]] = [
            ("period", self.period),
            ("compare", self.compare),
            ("profile", self.profile),
        ]
        if self.model:
            pairs.append(("model", self.model))
        pairs += [("platform", p) for p in self.platforms]
        pairs += [("market", m) for m in self.markets]
        extra = dict(self.extra)
        for k, v in changes.items():
            if k in ("period", "compare", "profile", "model"):
                pairs = [(a, b) for a, b in pairs if a != k]
                if v is not None:
                    pairs.append((k, v))
            elif v is None:
                extra.pop(k, None)
            else:
                extra[k] = v
        pairs += sorted(extra.items())
        return urlencode(pairs)

    def with_extra(self, **opts: str) -> Filters:
        extra = dict(self.extra)
        extra.update(opts)
        return replace(self, extra=tuple(sorted(extra.items())))


def known_names(ws_status: dict) -> tuple[list[str], list[str]]:
    return ws_status.get("platforms", []), ws_status.get("markets", [])


def profiles() -> list[str]:
    return sorted(PROFILES)


def models() -> list[str]:
    return list(COMPARE_ORDER)


def parse(
    params,
    *,
    platforms: list[str],
    markets: list[str],
    default_period: str,
    default_profile: str = "dtc",
    options: tuple[str, ...] = (),
    profile_names: list[str] | None = None,
) -> Filters:
    """Filters from a query string (a Starlette QueryParams or a dict of lists)."""

    def many(name: str) -> list[str]:
        if hasattr(params, "getlist"):
            vals = params.getlist(name)
        else:
            vals = params.get(name, [])
            vals = [vals] if isinstance(vals, str) else list(vals)
        out: list[str] = []
        for v in vals:
            out += [x.strip() for x in v.split(",") if x.strip()]
        return out

    def one(name: str, default: str = "") -> str:
        vals = many(name) if name not in ("period",) else _raw(params, name)
        return vals[0] if vals else default

    period = one("period", default_period) or default_period
    parse_period(period)  # raises a clear SocialroiError
    compare = one("compare", "previous")
    if compare not in COMPARES:
        raise SocialroiError(f"unknown comparison {compare!r}; valid: {', '.join(COMPARES)}")
    plats = sorted(set(many("platform")))
    for p in plats:
        if p not in platforms:
            raise SocialroiError(f"unknown platform {p!r}; valid: {', '.join(platforms)}")
    mkts = sorted(set(m.upper() for m in many("market")))
    for m in mkts:
        if m not in markets:
            raise SocialroiError(f"unknown market {m!r}; valid: {', '.join(markets)}")
    profile = one("profile", default_profile)
    valid_profiles = profile_names if profile_names is not None else profiles()
    if profile not in valid_profiles:
        raise SocialroiError(f"unknown profile {profile!r}; valid: {', '.join(valid_profiles)}")
    model = one("model", "")
    if model and model not in models():
        raise SocialroiError(f"unknown attribution model {model!r}; valid: {', '.join(models())}")
    extra = []
    for name in options:
        v = one(name, "")
        if v:
            extra.append((name, v[:200]))
    return Filters(period, compare, tuple(plats), tuple(mkts), profile, model, tuple(sorted(extra)))


def _raw(params, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        return [v.strip() for v in params.getlist(name) if v.strip()]
    v = params.get(name, [])
    return [v] if isinstance(v, str) else list(v)


PRECOMPUTED = 4  # of `presets`: computed in the background after every write


def presets(last_day: dt.date | None) -> list[str]:
    """The periods the filter form offers, from the data's last day: its quarter and the one
    before, its month and the one before (these `PRECOMPUTED` first: after a write the server
    computes them in the background, so choosing one is a change of filter too), then the
    two quarters before those and the year."""
    d = last_day or dt.date.today()
    q = d.year * 4 + (d.month - 1) // 3
    m = d.year * 12 + d.month - 1
    quarter = [f"{i // 4}-Q{i % 4 + 1}" for i in (q, q - 1)]
    month = [f"{i // 12}-{i % 12 + 1:02d}" for i in (m, m - 1)]
    return [*quarter, *month, *[f"{i // 4}-Q{i % 4 + 1}" for i in (q - 2, q - 3)], str(d.year)]


def default_period(last_day: dt.date | None) -> str:
    """The last full quarter of data (or the one in progress when it is the only one)."""
    d = last_day or dt.date.today()
    q = (d.month - 1) // 3 + 1
    return f"{d.year}-Q{q}"
