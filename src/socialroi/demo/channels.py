"""The channels a web session comes from: a session's channel is an index into `CHANNELS`.

The first `N_SOCIAL` are the social channels, `SOCIAL`'s (platform, paid) pairs in order
(`tiktok_organic`, `tiktok_paid`, ...); then the brand's other channels (direct, search, email,
referral, junk).
"""

from __future__ import annotations

from socialroi.demo import brand as B

SOCIAL = [(p, paid) for p in B.PLATFORMS for paid in (False, True)]
CHANNELS = [f"{p}_{'paid' if paid else 'organic'}" for p, paid in SOCIAL] + list(B.OTHER_CHANNELS)
N_SOCIAL = len(SOCIAL)
