"""The one ads parser (`kit.ads.parse_ads`): a campaign's objective does not depend on the
order of its rows. X's Ads Manager report writes the objective per line item (ad group), so a
campaign's rows may name several: the one carrying the most spend wins, ties by name."""

from __future__ import annotations

import itertools

import pytest

from socialroi import Workspace
from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, ImportOptions, InputFile
from socialroi.sources.kit.ads import parse_ads
from socialroi.sources.x import aliases as _x_aliases  # noqa: F401 - registers x/ads

HEAD = (
    "Date,Campaign name,Campaign ID,Objective,Ad group name,Ad group ID,Currency,Spend,Impressions"
)
# the X Ads Manager report's columns (tests/fixtures/x/@VoltiqUS/x_ads_campaigns_*.csv) with its
# per-line-item Objective: two line items of one campaign with different objectives
ROWS = [
    "2025-01-06,US Launch,f1a2b,Engagements,Fans,g1,USD,50.00,9000",
    "2025-01-06,US Launch,f1a2b,Website traffic,Shoppers,g2,USD,30.00,4000",
    "2025-01-07,US Launch,f1a2b,Website traffic,Shoppers,g2,USD,30.00,4100",
    "2025-01-07,US Launch,f1a2b,Engagements,Fans,g1,USD,,8800",
    "2025-01-06,Brand,b9c8d,Reach,Wide,g3,USD,10.00,20000",
    "2025-01-07,Brand,b9c8d,Awareness,Wider,g4,USD,10.00,21000",
]


def _parse(rows: list[str]):
    body = "\n".join([HEAD, *rows]).encode()
    ctx = Context(InputFile("x_ads_campaigns_20250106-20250107.csv", body),
                  ImportOptions(account="@VoltiqUS"))  # fmt: skip
    out = parse_ads(ctx.file, ctx, "x", aliases("x", "ads"), "X Ads Manager report")
    camps = out["campaigns"][out["campaigns"].level == "campaign"]
    return dict(zip(camps.native_id, camps.objective, strict=True)), ctx.findings


def test_the_objective_with_the_most_spend_wins_in_any_row_order():
    want, [finding] = _parse(ROWS)
    # US Launch: Website traffic 60.00 against Engagements 50.00 (a blank spend counts 0);
    # Brand: 10.00 each, a tie: the first name in alphabetical order
    assert want == {"f1a2b": "Website traffic", "b9c8d": "Awareness"}
    assert finding.kind == "campaign_objectives_differ" and finding.rows == 2
    assert (
        "US Launch: Website traffic (Website traffic 60.00, Engagements 50.00)" in finding.message
    )
    for order in itertools.permutations(ROWS):
        got, found = _parse(list(order))
        assert got == want, order
        assert [(f.kind, f.message) for f in found] == [(finding.kind, finding.message)]


def test_rows_that_agree_give_no_finding():
    got, found = _parse([r for r in ROWS if "Engagements" not in r and "Reach" not in r])
    assert got == {"f1a2b": "Website traffic", "b9c8d": "Awareness"} and found == []


@pytest.mark.parametrize("reverse", [False, True])
def test_an_import_stores_the_same_objective_and_the_finding(tmp_path, reverse):
    f = tmp_path / "x_ads_campaigns_20250106-20250107.csv"
    f.write_text("\n".join([HEAD, *(reversed(ROWS) if reverse else ROWS)]) + "\n")
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency="USD")
    [res] = ws.import_files([f], account="@VoltiqUS", platform="x", report="ads")
    assert res.status == "loaded", res
    got = ws.store.raw.execute(
        "SELECT native_id, objective FROM campaigns WHERE level = 'campaign' ORDER BY 1"
    ).fetchall()
    assert got == [("b9c8d", "Awareness"), ("f1a2b", "Website traffic")]
    kinds = ws.store.raw.execute("SELECT kind, rows FROM dq_findings").fetchall()
    assert ("campaign_objectives_differ", 2) in kinds


def test_a_renamed_campaign_keeps_the_name_of_its_latest_day_in_any_row_order():
    # Meta's and X's reports write each row's name as it was that day: a campaign, ad group
    # or ad renamed mid-period carries both names under one id
    rows = [
        "2025-01-06,Spring Test,f1a2b,Website traffic,Shoppers,g2,USD,30.00,4000",
        "2025-01-07,Spring Launch,f1a2b,Website traffic,Shoppers EU,g2,USD,30.00,4100",
        "2025-01-05,,f1a2b,Website traffic,,g2,USD,30.00,3900",
    ]
    for order in itertools.permutations(rows):
        body = "\n".join([HEAD, *order]).encode()
        ctx = Context(InputFile("x_ads_campaigns_20250105-20250107.csv", body),
                      ImportOptions(account="@VoltiqUS"))  # fmt: skip
        out = parse_ads(ctx.file, ctx, "x", aliases("x", "ads"), "X Ads Manager report")
        names = dict(zip(out["campaigns"].native_id, out["campaigns"].name, strict=True))
        assert names == {"f1a2b": "Spring Launch", "g2": "Shoppers EU"}, order
