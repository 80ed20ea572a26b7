"""How big a demo world is: the scales `generate` accepts, tiny to large."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    sessions: int  # target number of web sessions
    posts_per_week: float  # per account
    campaigns_per_quarter: int  # per account
    ad_groups: int  # per campaign
    ads: int  # per ad group
    post_days: int  # days of daily figures per post


SCALES = {
    "tiny": Scale(3_000, 0.5, 1, 1, 1, 7),
    "small": Scale(20_000, 1.0, 1, 1, 2, 14),
    "medium": Scale(500_000, 3.0, 2, 2, 2, 21),
    "large": Scale(10_200_000, 5.0, 3, 2, 3, 28),  # target; >= 10M sessions come out
}
