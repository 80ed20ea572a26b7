"""Google Ads report downloads (Reports > a predefined or custom report > Download: CSV, Excel).

A download starts with the report's title and its date range on two lines above the header
(`Campaign report`, `March 1, 2026 - March 10, 2026`); with a `Day` segment each row is one
campaign (ad group, ad) and day. Cost is in the account's currency (the `Currency code`
column, else `--currency`); empty cells are ` --`; total rows (`Total: Account`, `Total:
Campaigns`, `Total: Search`, ...) close the table and are left out (the kit's table reader).

Where its spend lands (docs/sources/google_ads.md): the data model's platforms are the seven
social platforms, and its channel rules send every click Google Ads auto-tags (`gclid`,
`wbraid`, `gbraid`) to the Paid Search channel. So Video campaigns (YouTube in-stream,
in-feed, Shorts) are platform `youtube`, as YouTube's own paid delivery; every other campaign
type (Search, Shopping, Performance Max, Display, Demand Gen, App, ...) is platform `search`,
the platform name of the Paid Search channel. The rows of one download become the accounts
`youtube:<customer id>` and `search:<customer id>`, each with the kit's ads frames.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, report
from socialroi.sources.kit.ads import detect_ads, parse_ads, read_ads
from socialroi.sources.kit.headers import norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table

SOURCE = "google_ads"
REPORT = "report"
WHAT = "Google Ads report"
# Columns only Google Ads writes: with the campaign, cost and impression columns, 0.9.
SIGNATURE = ("Impr.", "Conv. value", "Campaign type", "Customer ID", "Currency code")
# Campaign types served on YouTube (the API's advertising_channel_type, the web interface's
# "Campaign type" in its languages); every other type is Paid Search's platform.
YOUTUBE_TYPES = {"video", "vídeo", "视频"}
SEARCH = "search"


def _al() -> dict[str, list[str]]:
    return aliases(SOURCE, REPORT)


def platform_of(campaign_type: str | None) -> str:
    """`youtube` for a Video campaign, else `search` (see the module docstring)."""
    return "youtube" if norm(campaign_type or "") in YOUTUBE_TYPES else SEARCH


def _detect(s: Sniff) -> float:
    return detect_ads(s, _al(), SIGNATURE)


@report(SOURCE, REPORT, "Google Ads report (campaigns, ad groups, ads by day)", detect=_detect)
def parse(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return from_table(file, ctx, read_ads(file, ctx, _al(), WHAT))


def from_table(file: InputFile, ctx: Context, table: Table) -> dict[str, pd.DataFrame]:
    """The staged rows of a Google Ads report table: the download's, or the API's rows laid
    out in its columns (`google_ads.api`), so both mean the same."""
    # the web interface writes ` --` for "no value" (an ad id of a campaign without ads);
    # its total rows (`Total: Account`, ...) the table reader has left out already
    body = [
        (rn, [None if isinstance(c, str) and c.strip() == "--" else c for c in raw])
        for rn, raw in table.body
    ]
    types = dataclasses.replace(table, body=body).text("campaign_type")
    groups: dict[str, list] = {}
    for (rn, row), kind in zip(body, types):
        groups.setdefault(platform_of(kind), []).append((rn, row))
    if not groups:
        raise ctx.fail(
            "the report has a header but no rows",
            row=table.header_row + 1,
            expected="one row per campaign, ad group or ad and day",
        )
    frames: dict[str, list[pd.DataFrame]] = {}
    for platform, rows in sorted(groups.items()):
        part = dataclasses.replace(table, body=rows)
        for name, df in parse_ads(file, ctx, platform, _al(), WHAT, table=part).items():
            frames.setdefault(name, []).append(df)
    return {name: pd.concat(dfs, ignore_index=True) for name, dfs in frames.items()}
