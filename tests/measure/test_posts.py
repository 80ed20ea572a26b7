"""A post's figures follow one rule (socialroi.measure.posts), whichever page asks: the
content table and the base measures the metric catalogue reads agree post by post."""

import datetime as dt

import ibis
import pandas as pd
import pytest

from socialroi.land.workspace import Workspace
from socialroi.measure.content import posts_table
from socialroi.measure.measures import _posts
from socialroi.measure.posts import post_figures
from socialroi.measure.selection import Selection
from socialroi.model.periods import parse_period


def _rows(*rows):
    cols = ("post_id", "grain", "metric_date", "as_of", "impressions", "reach", "views",
            "likes", "comments", "shares", "saves", "link_clicks", "engagements")  # fmt: skip
    df = pd.DataFrame([dict(zip(cols, r)) for r in rows])
    for c in cols[4:]:
        df[c] = df[c].astype("Int64")
    df["metric_date"] = pd.to_datetime(df["metric_date"]).dt.date
    df["as_of"] = pd.to_datetime(df["as_of"])
    return ibis.memtable(df)


def figures(*rows) -> dict[str, dict]:
    got = ibis.duckdb.connect().execute(post_figures(_rows(*rows)))
    return {r["post_id"]: r for r in got.to_dict(orient="records")}


D = dt.date(2026, 7, 1)


def test_the_newest_lifetime_snapshot_wins_over_daily_rows():
    got = figures(
        ("a", "day", D, D, 10, 5, None, 1, 0, 0, 0, 0, None),
        ("a", "lifetime", D, "2026-07-02", 100, 50, None, 1, 1, 1, 1, 2, None),
        ("a", "lifetime", D, "2026-07-05", 120, 60, None, 2, 1, 1, 1, 3, None),
        ("a", "lifetime", dt.date(2026, 6, 30), "2026-07-09", 90, 40, None, 0, 0, 0, 0, 1, None),
    )
    # the latest export wins, even when it names an earlier metric date
    assert got["a"]["impressions"] == 90 and got["a"]["engagements"] == 0


def test_daily_rows_sum_and_engagements_fall_back_row_by_row():
    got = figures(
        ("b", "day", D, D, 10, 5, None, 1, 1, 0, 0, 0, 7),  # the platform's own figure: 7
        ("b", "day", dt.date(2026, 7, 2), D, None, 5, 30, 2, 0, 1, 0, 0, None),  # 3 reactions
    )
    assert got["b"]["engagements"] == 10
    assert got["b"]["impressions"] == 10  # as reported
    assert got["b"]["shown"] == 40  # views stand in where a row has no impressions


def test_content_and_base_measures_agree_on_every_post(tiny_demo):
    period = parse_period("2026-Q3")
    with Workspace.open(tiny_demo) as ws:
        content = posts_table(ws, period)
        base = _posts(ws, Selection(period))
    by_platform = content.groupby("platform")["engagements"].sum()
    assert by_platform.to_dict() == pytest.approx(
        base.groupby("platform")["engagements"].sum().to_dict()
    )
    assert len(content) == base["posts"].sum()  # the base keeps posts summed per day cell
