"""`socialroi campaigns`: how ad platform campaigns (spend) meet UTM campaigns (revenue)."""

from __future__ import annotations

import click

from socialroi.deliver.cli.common import (
    console,
    emit,
    format_option,
    open_workspace,
    workspace_option,
)


@click.group("campaigns")
def campaigns() -> None:
    """Join ad platform campaigns (where the spend is) to the UTM campaigns of their links
    (where the revenue is): list the mapping, map, unmap, or see suggestions."""


@campaigns.command("list")
@workspace_option
@format_option
def list_cmd(workspace: str, fmt: str) -> None:
    """The team's mapping: ad campaign -> UTM campaign."""
    import pandas as pd  # deferred: start-up time

    from socialroi.measure.campaigns import campaign_map  # deferred: start-up time

    with open_workspace(workspace) as ws:
        mapping = campaign_map(ws)
    df = pd.DataFrame(sorted(mapping.items()), columns=["campaign", "utm_campaign"])
    emit(df, fmt, "Campaign mapping (names compared case-folded)")


@campaigns.command("map")
@workspace_option
@click.argument("campaign")
@click.argument("utm_campaign")
def map_cmd(workspace: str, campaign: str, utm_campaign: str) -> None:
    """Say that the ad campaign CAMPAIGN (its name or id) ran links tagged UTM_CAMPAIGN."""
    from socialroi.measure.campaigns import map_campaign  # deferred: start-up time

    with open_workspace(workspace) as ws:
        map_campaign(ws, campaign, utm_campaign)
    console.print(f"{campaign} -> {utm_campaign}", markup=False)


@campaigns.command("unmap")
@workspace_option
@click.argument("campaign")
def unmap_cmd(workspace: str, campaign: str) -> None:
    """Forget the mapping of CAMPAIGN."""
    from socialroi.measure.campaigns import unmap_campaign  # deferred: start-up time

    with open_workspace(workspace) as ws:
        unmap_campaign(ws, campaign)
    console.print(f"{campaign}: no longer mapped", markup=False)


@campaigns.command("suggest")
@workspace_option
@click.option("--apply", is_flag=True, help="Add every suggestion to the mapping.")
@format_option
def suggest_cmd(workspace: str, apply: bool, fmt: str) -> None:
    """Ad campaigns whose spend meets no revenue, with the UTM campaign whose words match
    theirs best. Nothing changes without --apply."""
    from socialroi.measure.campaigns import map_campaign, suggest  # deferred: start-up time

    with open_workspace(workspace) as ws:
        found = suggest(ws)
        if apply:
            for r in found.itertuples():
                map_campaign(ws, r.campaign, r.utm_campaign)
    emit(found, fmt, "Suggested campaign mapping" + (" (applied)" if apply else ""))


COMMANDS = [campaigns]
