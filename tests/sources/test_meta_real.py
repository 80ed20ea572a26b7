"""Issue 10, items 2 and 6: Meta exports as real accounts download them."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

NAMES = FIXTURES / "meta" / "ads_names"
ADS = NAMES / "Voltiq-US-Ads-Jun-1-2025-Jun-2-2025.csv"
AGE = NAMES / "Voltiq-US-Ads-Age-Gender-Jun-1-2025-Jun-1-2025.csv"


def rows(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def test_ads_without_ids_keep_same_named_ads_apart(ws):
    [res] = ws.import_files([ADS], account="@voltiq")
    assert res.tables["ad_metrics"] == 6
    # spend per campaign and per ad set is the file's own sums
    by_campaign = dict(
        rows(
            ws,
            """
        SELECT c.name, round(sum(m.spend), 2) FROM ad_metrics m
        JOIN campaigns c ON c.campaign_id = m.campaign_id GROUP BY 1""",
        )
    )
    assert by_campaign == {"Summer Sale": 78.5, "Retargeting": 10.0}
    by_set = sorted(
        rows(
            ws,
            """
        SELECT c.name, a.name, round(sum(m.spend), 2) FROM ad_metrics m
        JOIN campaigns a ON a.campaign_id = m.ad_group_id
        JOIN campaigns c ON c.campaign_id = m.campaign_id GROUP BY 1, 2""",
        )
    )
    assert by_set == [("Retargeting", "Broad", 10.0), ("Summer Sale", "Broad", 58.5),
                      ("Summer Sale", "Lookalike 1%", 20.0)]  # fmt: skip
    ads = rows(ws, "SELECT count(*) FROM campaigns WHERE level = 'ad' AND name = 'Video A'")
    assert ads == [(3,)]
    assert rows(ws, "SELECT round(sum(spend), 2) FROM ad_metrics") == [(88.5,)]
    kinds = {k for (k,) in rows(ws, "SELECT kind FROM dq_findings")}
    assert "ids_from_names" in kinds


def test_age_gender_breakdown_sums_to_the_ad_day_without_reach(ws):
    [res] = ws.import_files([AGE], account="@voltiq")
    got = rows(
        ws,
        """
        SELECT c.name, m.metric_date, m.spend, m.impressions, m.reach FROM ad_metrics m
        JOIN campaigns c ON c.campaign_id = m.campaign_id ORDER BY 1""",
    )
    assert [(g[0], g[2], g[3], g[4]) for g in got] == [
        ("Retargeting", 5.25, 700, 300),  # one row: its reach is the ad-day's reach
        ("Summer Sale", 30.0, 1500, None),  # three age x gender rows summed: no reach
    ]
    assert res.findings and "breakdown_summed" in {
        k for (k,) in rows(ws, "SELECT kind FROM dq_findings")
    }


@pytest.mark.parametrize("path", [ADS, AGE])
def test_detected_as_ads_manager(ws, path):
    [res] = ws.import_files([path], account="@voltiq")
    assert (res.source, res.report) == ("meta", "ads_manager")
