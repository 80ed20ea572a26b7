"""Cost allocation: every rule on a hand-computed workspace, exact sums (property-based),
proration across buckets, unallocated costs kept, manual edits, the v1 -> v2 upgrade, the
demo's reconciliation and the `socialroi costs` command."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialroi.deliver.cli.main import main
from socialroi.errors import ImportFailed, SocialroiError
from socialroi.land.workspace import Workspace
from socialroi.measure.costs.allocate import (
    UNITS,
    allocate,
    buckets,
    delete_cost,
    ledger,
    period_units,
    split_units,
    totals,
    upsert_cost,
)
from socialroi.model.periods import parse_period
from socialroi.model.schema import SCHEMA_VERSION

D = dt.date


def insert(ws: Workspace, table: str, rows: list[dict]) -> None:
    df = pd.DataFrame(rows)
    ws.store.raw.register("_rows", df)
    try:
        ws.store.raw.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    finally:
        ws.store.raw.unregister("_rows")


def cost(cost_id, amount, start="2026-07-01", end="2026-07-31", **kw) -> dict:
    row = dict(
        cost_id=cost_id,
        period_start=D.fromisoformat(start),
        period_end=D.fromisoformat(end),
        category=kw.pop("category", "other"),
        amount=float(amount),
        currency="USD",
        amount_base=float(amount),
        platform=None,
        market=None,
        campaign=None,
        allocation=None,
        description=cost_id,
        batch_id=1,
    )
    row.update(kw)
    return row


def build(ws: Workspace) -> None:
    """July 2026: three active cells — tiktok/US (3 posts), tiktok/DE (1 post, $100 of ads
    on "Launch"), instagram/US ($300 on "Summer", reported at ad and campaign level, and
    followers). The studio splits its hours 30 (tiktok/US) : 10 (instagram/US); the Berlin
    desk works 100 hours on tiktok/DE."""
    insert(
        ws,
        "accounts",
        [
            dict(account_id="tiktok:us", platform="tiktok", market="US", batch_id=1),
            dict(account_id="tiktok:de", platform="tiktok", market="DE", batch_id=1),
            dict(account_id="instagram:us", platform="instagram", market="US", batch_id=1),
        ],
    )
    insert(
        ws,
        "campaigns",
        [
            dict(campaign_id="instagram:campaign:1", platform="instagram", level="campaign",
                 account_id="instagram:us", name="Summer", market="US", batch_id=1),
            dict(campaign_id="tiktok:campaign:2", platform="tiktok", level="campaign",
                 account_id="tiktok:de", name="Launch", market=None, batch_id=1),
        ],
    )  # fmt: skip
    posts = [("tiktok:us", D(2026, 7, d)) for d in (2, 9, 30)] + [("tiktok:de", D(2026, 7, 4))]
    insert(
        ws,
        "posts",
        [
            dict(post_id=f"p{i}", platform=a.split(":")[0], account_id=a, local_date=day,
                 published_at=pd.Timestamp(day, tz="UTC"), batch_id=1)
            for i, (a, day) in enumerate(posts)
        ],
    )  # fmt: skip
    ad = dict(metric_date=D(2026, 7, 10), period_end=D(2026, 7, 10), currency="USD", batch_id=1)
    insert(
        ws,
        "ad_metrics",
        [
            # the same $300 at ad level and at campaign level: counted once
            dict(ad, entity_id="instagram:ad:11", platform="instagram", account_id="instagram:us",
                 campaign_id="instagram:campaign:1", ad_group_id="instagram:ad_group:10",
                 ad_id="instagram:ad:11", spend=300.0, spend_base=300.0),
            dict(ad, entity_id="instagram:campaign:1", platform="instagram",
                 account_id="instagram:us", campaign_id="instagram:campaign:1", spend=300.0,
                 spend_base=300.0),
            # $100 reported for five days (Jul 3-7) in one row: $20 a day
            dict(ad, entity_id="tiktok:campaign:2", platform="tiktok", account_id="tiktok:de",
                 campaign_id="tiktok:campaign:2", metric_date=D(2026, 7, 3),
                 period_end=D(2026, 7, 7), spend=100.0, spend_base=100.0),
        ],
    )  # fmt: skip
    insert(
        ws,
        "account_metrics",
        [dict(account_id="instagram:us", platform="instagram", metric_date=D(2026, 7, 1),
              followers=1000, batch_id=1)],
    )  # fmt: skip
    insert(
        ws,
        "time_split",
        [
            dict(team="Studio", period_start=D(2026, 7, 1), period_end=D(2026, 7, 31),
                 platform="tiktok", market="US", hours=30.0, batch_id=1),
            dict(team="Studio", period_start=D(2026, 7, 1), period_end=D(2026, 7, 31),
                 platform="instagram", market="US", hours=10.0, batch_id=1),
            dict(team="Berlin desk", period_start=D(2026, 7, 1), period_end=D(2026, 7, 31),
                 platform="tiktok", market="DE", hours=100.0, batch_id=1),
        ],
    )  # fmt: skip


LINES = [
    cost("direct", 310, platform="tiktok", market="US", allocation="direct"),
    cost("partial", 600, platform="tiktok", allocation="direct"),
    cost("scoped_no_rule", 90, market="US"),
    cost("ads", 800, category="agency", allocation="ad_spend_share"),
    cost("posts", 400, category="salaries", allocation="posts_share"),
    cost("hours", 1000, category="salaries", allocation="hours_share", team="studio"),
    cost("hours_all", 1400, category="salaries", allocation="hours_share"),
    cost("even", 300, category="tools", allocation="even"),
    cost("campaign", 50, category="creative_production", campaign="summer"),
    cost("none", 50),
    cost("zero", 70, market="FR", allocation="posts_share"),
    cost("quarter", 9200, "2026-07-01", "2026-09-30", category="analytics_platform",
         allocation="even"),
]  # fmt: skip


@pytest.fixture
def small(ws):
    build(ws)
    insert(ws, "costs", LINES)
    return ws


def cells(alloc: pd.DataFrame, cost_id: str) -> dict:
    got = alloc[alloc.cost_id == cost_id]

    def text(v):
        return None if pd.isna(v) else v

    return {
        (text(r.platform), text(r.market), text(r.campaign), r.rule): round(r.amount_base, 6)
        for r in got.itertuples()
    }


def test_each_rule_by_hand(small):
    a = allocate(small, "2026-07")
    assert set(a.period) == {"2026-07"}
    assert cells(a, "direct") == {("tiktok", "US", None, "direct"): 310}
    # a partial scope spreads evenly over the active cells inside it
    assert cells(a, "partial") == {
        ("tiktok", "DE", None, "direct"): 300,
        ("tiktok", "US", None, "direct"): 300,
    }
    # a scope without a rule is direct
    assert cells(a, "scoped_no_rule") == {
        ("instagram", "US", None, "direct"): 45,
        ("tiktok", "US", None, "direct"): 45,
    }
    # ad spend 300 (once, not 600) : 100
    assert cells(a, "ads") == {
        ("instagram", "US", "Summer", "ad_spend_share"): 600,
        ("tiktok", "DE", "Launch", "ad_spend_share"): 200,
    }
    assert cells(a, "posts") == {
        ("tiktok", "DE", None, "posts_share"): 100,
        ("tiktok", "US", None, "posts_share"): 300,
    }
    # the studio's hours only (team matched ignoring case) ...
    assert cells(a, "hours") == {
        ("instagram", "US", None, "hours_share"): 250,
        ("tiktok", "US", None, "hours_share"): 750,
    }
    # ... or, for a line that names no team, every team's
    assert cells(a, "hours_all") == {
        ("instagram", "US", None, "hours_share"): 100,
        ("tiktok", "DE", None, "hours_share"): 1000,
        ("tiktok", "US", None, "hours_share"): 300,
    }
    assert cells(a, "even") == {
        ("instagram", "US", None, "even"): 100,
        ("tiktok", "DE", None, "even"): 100,
        ("tiktok", "US", None, "even"): 100,
    }
    # a campaign scope (matched on its name, any case) goes to the campaign's platform/market
    assert cells(a, "campaign") == {("instagram", "US", "summer", "direct"): 50}


def test_ad_spend_rows_count_each_campaign_day_once(small):
    a = allocate(small, "2026-07")
    ads = a[a.rule == "ad_data"]
    assert set(ads.category) == {"ad_spend"}
    assert cells(a, "ad_data:instagram:campaign:1") == {
        ("instagram", "US", "Summer", "ad_data"): 300
    }
    # the campaign has no market of its own: the account's market
    assert cells(a, "ad_data:tiktok:campaign:2") == {("tiktok", "DE", "Launch", "ad_data"): 100}
    # a five-day row is spread over its days: two of them fall in the week of Jul 6
    w = allocate(small, "2026-07-06..2026-07-12")
    assert cells(w, "ad_data:tiktok:campaign:2") == {("tiktok", "DE", "Launch", "ad_data"): 40}


def test_unallocated_is_shown_with_its_reason(small):
    a = allocate(small, "2026-07")
    un = a[a.rule == "unallocated"].set_index("cost_id")
    assert set(un.index) == {"none", "zero"}
    assert un.loc["none", "amount_base"] == 50 and "no allocation rule" in un.loc["none", "note"]
    assert "no posts published" in un.loc["zero", "note"]
    assert un.platform.isna().all() and un.market.isna().all()


def test_totals_reconcile(small):
    a = allocate(small, "2026-07")
    t = totals(a)
    lines = ledger(small, "2026-07")
    assert t["ledger"] == pytest.approx(lines.amount_in_period_base.sum(), abs=1e-6)
    assert t["ad_spend"] == pytest.approx(400)
    assert t["ledger"] + t["ad_spend"] == pytest.approx(t["allocated"] + t["unallocated"])
    assert t["unallocated"] == pytest.approx(120)
    # July's share of the quarterly line: 31 of its 92 days
    assert lines.set_index("cost_id").loc["quarter", "amount_in_period_base"] == pytest.approx(
        9200 * 31 / 92, abs=1e-6
    )


def test_proration_across_buckets(small):
    by_month = allocate(small, "2026-Q3", grain="month")
    q = by_month[by_month.cost_id == "quarter"]
    per = q.groupby("period").amount_base.sum().round(6).to_dict()
    assert per == {"2026-07": 3100, "2026-08": 3100, "2026-09": 3000}
    # August and September have no activity: even cannot place those, and says so
    assert set(q[q.period != "2026-07"].rule) == {"unallocated"}
    whole = allocate(small, "2026-Q3")
    # the same line gives the same amount at every grain
    for grain in (None, "week", "month", "quarter", "year"):
        g = allocate(small, "2026-Q3", grain=grain)
        assert _units(g[g.cost_id == "quarter"]) == _units(whole[whole.cost_id == "quarter"])
    weeks = allocate(small, "2026-Q3", grain="week")
    assert weeks.period.iloc[0] == "2026-W27" and weeks.period.iloc[-1] == "2026-W40"


def _units(df: pd.DataFrame) -> int:
    return sum(round(v * UNITS) for v in df.amount_base)


def test_buckets_cover_the_period_once():
    p = parse_period("2026-02-15..2027-01-10")
    for grain in (None, "week", "month", "quarter", "year"):
        bs = buckets(p, grain)
        assert bs[0].start == p.start and bs[-1].end == p.end
        assert all(b.start == a.end + dt.timedelta(days=1) for a, b in zip(bs, bs[1:]))
    assert [b.label for b in buckets(p, "quarter")] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1",
    ]  # fmt: skip
    with pytest.raises(SocialroiError, match="valid: "):
        buckets(p, "fortnight")


@given(
    total=st.integers(-(10**15), 10**15),
    weights=st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=30),
)
def test_split_units_is_exact_and_never_flips_sign(total, weights):
    parts = split_units(total, weights)
    if sum(weights) <= 0:
        assert parts is None
        return
    assert sum(parts) == total
    assert all(p * total >= 0 for p in parts)  # none of the other sign
    assert all(p == 0 for p, w in zip(parts, weights) if w == 0)


def _line_strategy():
    day = st.dates(D(2026, 5, 1), D(2026, 11, 30))
    return st.builds(
        lambda a, b, amount, platform, market, campaign, rule, team: cost(
            "x", amount, str(min(a, b)), str(max(a, b)), platform=platform, market=market,
            campaign=campaign, allocation=rule, team=team,
        ),
        day, day,
        st.floats(0, 1e7, allow_nan=False).map(lambda v: round(v, 2)),
        st.sampled_from([None, "tiktok", "instagram", "youtube"]),
        st.sampled_from([None, "US", "DE", "FR"]),
        st.sampled_from([None, "Summer", "Launch", "unknown"]),
        st.sampled_from([None, "direct", "ad_spend_share", "posts_share", "hours_share", "even"]),
        st.sampled_from([None, "Studio", "Berlin desk", "nobody"]),
    )  # fmt: skip


@pytest.fixture(scope="module")
def prop_ws(tmp_path_factory):
    ws = Workspace.open(tmp_path_factory.mktemp("prop") / "ws.duckdb")
    build(ws)
    yield ws
    ws.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(_line_strategy(), min_size=1, max_size=6),
    grain=st.sampled_from([None, "week", "month", "quarter"]),
)
def test_every_ledger_line_sums_back_exactly(prop_ws, lines, grain):
    ws = prop_ws
    ws.store.raw.execute("DELETE FROM costs")
    for i, line in enumerate(lines):
        line["cost_id"] = f"c{i}"
    insert(ws, "costs", lines)
    p = parse_period("2026-Q3")
    a = allocate(ws, p, grain=grain)
    assert (a.amount_base >= 0).all()
    assert set(a.rule) <= {"ad_data", "direct", "ad_spend_share", "posts_share",
                           "hours_share", "even", "unallocated"}  # fmt: skip
    for line in lines:
        want = period_units(line["amount"], line["period_start"], line["period_end"], p)
        got = a[a.cost_id == line["cost_id"]]
        assert _units(got) == want  # to the millionth, by construction
        assert math.isclose(got.amount_base.sum(), want / UNITS, rel_tol=1e-12, abs_tol=1e-9)
        assert got[got.rule == "unallocated"].platform.isna().all()


# -- manual edits ------------------------------------------------------------------------------


def test_manual_edits_are_their_own_batches(small):
    cid = upsert_cost(
        small,
        {"period": "2026-07", "category": "tools", "amount": 62, "currency": "USD",
         "allocation": "even", "description": "=HYPERLINK(\"x\"), seats"},
        actor="ana",
    )  # fmt: skip
    row = small.store.raw.execute(
        "SELECT c.amount_base, c.description, b.source, b.file_name FROM costs c "
        "JOIN import_batches b USING (batch_id) WHERE cost_id = ?",
        [cid],
    ).fetchone()
    assert row == (62.0, '=HYPERLINK("x"), seats', "manual", f"manual edit of cost {cid} by ana")
    assert upsert_cost(small, {"cost_id": cid, "amount": "93"}, actor="bob") == cid
    a = allocate(small, "2026-07")
    assert cells(a, cid) == {
        ("instagram", "US", None, "even"): 31,
        ("tiktok", "DE", None, "even"): 31,
        ("tiktok", "US", None, "even"): 31,
    }
    delete_cost(small, cid, actor="ana")
    assert (
        small.store.raw.execute("SELECT count(*) FROM costs WHERE cost_id = ?", [cid]).fetchone()[0]
        == 0
    )  # noqa: E501
    kinds = small.store.raw.execute(
        "SELECT report, context FROM import_batches WHERE source = 'manual' ORDER BY batch_id"
    ).fetchall()
    assert [k for k, _ in kinds] == ["costs", "costs", "costs_delete"]
    assert "actor=bob" in kinds[1][1]
    with pytest.raises(SocialroiError, match="no cost line"):
        delete_cost(small, cid, actor="ana")


@pytest.mark.parametrize(
    "fields, column",
    [
        ({"category": "yachts"}, "category"),
        ({"amount": "ten"}, "amount"),
        ({"currency": "DOLLARS"}, "currency"),
        ({"period": "2026-13"}, "period_start"),
        ({"platform": "myspace"}, "platform"),
        ({"allocation": "vibes"}, "allocation"),
    ],
)
def test_manual_edit_validated_like_the_ledger(small, fields, column):
    before = small.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0]
    good = {"period": "2026-07", "category": "tools", "amount": 5, "currency": "USD"}
    with pytest.raises(ImportFailed) as e:
        upsert_cost(small, good | fields, actor="ana")
    assert e.value.column == column and "Nothing was imported" in str(e.value)
    assert small.store.count("costs") == len(LINES)
    assert small.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0] == before


@pytest.mark.parametrize(
    "amount, stored",
    [(1.234, 1.234), (1234.5, 1234.5), (7, 7.0), ("1.234,50", 1234.5), ("1,234.50", 1234.5)],
)
def test_manual_amounts_read_as_meant(small, amount, stored):
    fields = {"period": "2026-07", "category": "tools", "amount": amount, "currency": "USD"}
    cid = upsert_cost(small, fields, actor="ana")
    got = small.store.raw.execute("SELECT amount FROM costs WHERE cost_id = ?", [cid]).fetchone()
    assert got[0] == pytest.approx(stored)


def test_unknown_field_is_named(small):
    with pytest.raises(SocialroiError, match="unknown cost field.*colour"):
        upsert_cost(small, {"colour": "red"}, actor="ana")


# -- the v1 -> v3 upgrade -----------------------------------------------------------------------


def test_v1_workspace_upgrades_in_place(tmp_path):
    """Version 2 adds the time split, version 3 the ledger's team; both run on a v1 file."""
    path = tmp_path / "old.duckdb"
    with Workspace.open(path) as ws:  # make it look like a version 1 file, with data
        build(ws)
        insert(ws, "costs", [cost("hours", 1000, allocation="hours_share")])
        ws.store.raw.execute("DROP TABLE time_split")
        ws.store.raw.execute("ALTER TABLE costs DROP COLUMN team")
        ws.store.raw.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Workspace.open(path) as ws:
        assert ws.store.schema_version() == SCHEMA_VERSION >= 3
        assert ws.store.count("time_split") == 0 and ws.store.count("costs") == 1
        assert "team" in ws.table("costs").columns
        a = allocate(ws, "2026-07")
        assert set(a[a.cost_id == "hours"].rule) == {"unallocated"}  # no hours yet
        insert(ws, "time_split", [dict(team="T", period_start=D(2026, 7, 1),
                                       period_end=D(2026, 7, 31), platform="tiktok",
                                       market="US", hours=8.0, batch_id=2)])  # fmt: skip
        a = allocate(ws, "2026-07")
        assert cells(a, "hours") == {("tiktok", "US", None, "hours_share"): 1000}


# -- the demo ------------------------------------------------------------------------------------


def test_demo_allocations_sum_to_ledger_plus_ad_spend(tiny_demo):
    with Workspace.open(tiny_demo) as ws:
        year = "2025-10-01..2026-09-30"
        a = allocate(ws, year, grain="quarter")
        lines = ledger(ws, year)
        spend = ws.store.raw.execute("SELECT sum(spend_base) FROM ad_metrics").fetchone()[0]
    t = totals(a)
    assert t["ledger"] == pytest.approx(lines.amount_base.sum(), abs=1e-4)  # all inside
    assert t["ad_spend"] == pytest.approx(spend, rel=1e-9)
    assert t["ledger"] + t["ad_spend"] == pytest.approx(t["allocated"] + t["unallocated"])
    # the studio's CNY salaries follow its time split
    hq = a[a.description.fillna("").str.startswith("Shenzhen HQ")]
    assert len(hq) and set(hq.rule) <= {"hours_share", "unallocated"}
    assert hq[hq.rule == "hours_share"].amount_base.sum() > 0.5 * hq.amount_base.sum()
    assert (a.amount_base >= 0).all()


def test_costs_command(tiny_demo):
    run = CliRunner().invoke
    w = ["-w", str(tiny_demo)]
    r = run(main, ["costs", *w, "--period", "2026-Q3"])
    assert r.exit_code == 0, r.output
    assert "ledger" in r.output and "= allocated" in r.output and "unallocated" in r.output
    r = run(main, ["costs", *w, "--period", "2026-Q3", "--by", "rule", "--format", "json"])
    data = json.loads(r.output)
    t = data["totals"]
    assert t["ledger"] + t["ad_spend"] == pytest.approx(t["allocated"] + t["unallocated"])
    assert sum(row["amount_usd"] for row in data["rows"]) == pytest.approx(
        t["allocated"] + t["unallocated"]
    )
    r = run(main, ["costs", *w, "--period", "2026-Q3", "--by", "category", "--grain", "month",
                   "--format", "csv"])  # fmt: skip
    head = r.stdout.splitlines()[0]
    assert head == "period,category,amount_usd,share"
    r = run(main, ["costs", *w, "--period", "2026-07", "--ledger", "--format", "csv"])
    assert r.exit_code == 0 and "amount_in_period_base" in r.stdout.splitlines()[0]
    r = run(main, ["costs", *w, "--period", "2026-Q3", "--by", "colour"])
    assert r.exit_code == 1 and "cannot group costs by colour" in r.output


# -- Spark ---------------------------------------------------------------------------------------


class _SparkTables:
    """Just enough of a workspace for `load_drivers`: tables from a Spark session."""

    def __init__(self, con, names):
        self.con, self.names = con, names

    def table(self, name):
        return self.con.table(self.names[name])


@pytest.mark.spark
@pytest.mark.slow
def test_drivers_are_identical_on_spark(small):
    """The drivers are Ibis expressions: on Spark they give the same cells and sums."""
    import shutil

    import ibis

    from socialroi.measure.costs.drivers import load_drivers

    if shutil.which("java") is None:
        pytest.skip("Java is not installed (make test installs openjdk-17-jre-headless)")
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[1]")
        .appName("socialroi-costs-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        con = ibis.pyspark.connect(session)
        names = {}
        for t in ("accounts", "campaigns", "ad_metrics", "posts", "time_split",
                  "account_metrics"):  # fmt: skip
            session.createDataFrame(small.table(t).to_pyarrow()).createOrReplaceTempView(f"c_{t}")
            names[t] = f"c_{t}"
        start, end = D(2026, 6, 1), D(2026, 9, 30)
        duck = load_drivers(small, start, end)
        spark = load_drivers(_SparkTables(con, names), start, end)
        for part in ("spend", "posts", "hours", "active"):
            a, b = getattr(duck, part), getattr(spark, part)
            pd.testing.assert_frame_equal(
                a.cells.astype(object).fillna("-"), b.cells.astype(object).fillna("-")
            )
            assert (a.cum == b.cum).all(), part
    finally:
        session.stop()
