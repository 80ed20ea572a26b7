"""The unify step gives identical rows on Spark and DuckDB (same Ibis code)."""

from __future__ import annotations

import datetime as dt
import shutil

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from socialroi.errors import ImportFailed
from socialroi.land.importer import detect, expand
from socialroi.model.channels import load_rules
from socialroi.model.schema import TABLES
from socialroi.sources.base import Context, ImportOptions
from socialroi.unify.canonical import MONEY, staged_to_arrow, unify
from socialroi.unify.fx import daily_rates
from tests.conftest import FIXTURES

pytestmark = pytest.mark.spark


def staged_from_fixtures() -> dict[str, pa.Table]:
    """Every fixture export that imports without options, parsed to staged Arrow tables."""
    per_table: dict[str, list[pa.Table]] = {}
    for file in expand(sorted(p for p in FIXTURES.rglob("*") if p.is_file())):
        if file.suffix in (".py", ".md", ".json") and "events" not in file.name:
            continue
        try:
            report = detect(file, ImportOptions())
            staged = report.parse(
                file,
                Context(
                    file,
                    ImportOptions(year=2025, currency="USD", timezone="UTC", account="@fixture"),
                ),
            )
        except (ImportFailed, Exception):  # noqa: BLE001 - broken-on-purpose fixtures
            continue
        for t, frame in staged.items():
            if frame is not None and len(frame):
                per_table.setdefault(t, []).append(staged_to_arrow(t, frame))
    # A synthetic slice that exercises every channel rule path and money conversion.
    per_table.setdefault("touchpoints", []).append(
        staged_to_arrow(
            "touchpoints",
            pd.DataFrame(
                {
                    "touch_id": [f"t{i}" for i in range(6)],
                    "occurred_at": pd.to_datetime(["2025-01-08 10:00"] * 6, utc=True),
                    "local_date": [dt.date(2025, 1, 8)] * 6,
                    "source": ["TikTok", "ig", None, None, "(direct)", "weird"],
                    "medium": ["paid_social", "social", None, None, "(none)", "x"],
                    "referrer": [None, None, "https://t.co/x", None, None, None],
                    "click_id_type": [None, None, None, "li_fat_id", None, None],
                }
            ),
        )
    )
    out = {}
    for t, parts in per_table.items():
        out[t] = pa.concat_tables(parts, promote_options="permissive")
    return out


def fx_frame(staged: dict[str, pa.Table]) -> pd.DataFrame:
    currencies, days = set(), []
    for t, data in staged.items():
        for amount, _, dcol in MONEY.get(t, []):
            if amount in data.column_names:
                currencies |= {c for c in data.column("currency").to_pylist() if c}
                days += [d for d in data.column(dcol).to_pylist() if d]
    return daily_rates(sorted(currencies), min(days), max(days), "USD")


@pytest.fixture(scope="module")
def spark_con():
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (make test installs openjdk-17-jre-headless)")
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[1]")
        .appName("socialroi-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    yield ibis.pyspark.connect(session)
    session.stop()


def normalise(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = pd.to_datetime(df[c], utc=True)
        elif df[c].dtype == object:
            df[c] = df[c].map(lambda v: v.date() if isinstance(v, pd.Timestamp) else v)
    df = df.astype(object).where(df.notna(), None)
    # Fixtures of several files may share a key: sort by every column for a total order.
    cols = keys + [c for c in df.columns if c not in keys]
    return df.sort_values(cols, key=lambda s: s.astype(str)).reset_index(drop=True)


def test_unify_is_identical_on_spark_and_duckdb(spark_con):
    staged = staged_from_fixtures()
    assert {"costs", "touchpoints"} <= set(staged)
    rates = fx_frame(staged)
    rules = load_rules()
    duck = ibis.duckdb.connect()
    results = {}
    for name, con in (("duckdb", duck), ("spark", spark_con)):
        tables = {}
        for t, data in {**staged, "fx": pa.Table.from_pandas(rates, preserve_index=False)}.items():
            if name == "duckdb":
                con.create_table(f"staged_{t}", data, overwrite=True)
            else:  # through Spark's own Arrow path, so nulls stay nulls
                con._session.createDataFrame(data).createOrReplaceTempView(f"staged_{t}")
            tables[t] = con.table(f"staged_{t}")
        fx = tables.pop("fx")
        exprs = unify(tables, fx, rules)
        results[name] = {t: con.execute(e) for t, e in exprs.items()}
    compared = 0
    for t in staged:
        keys = [k for k in TABLES[t].key if k in results["duckdb"][t].columns]
        d = normalise(results["duckdb"][t], keys)
        s = normalise(results["spark"][t][d.columns.tolist()], keys)
        pd.testing.assert_frame_equal(d, s, check_dtype=False, rtol=1e-12)
        compared += len(d)
    assert compared > 0


def test_journeys_and_credits_are_identical_on_spark(spark_con, tmp_path):
    """Journey building runs in the backend: Spark gives the same paths and credits."""
    from socialroi import Workspace
    from socialroi.journeys.touches import JourneySettings, aggregate_paths, journey_touches
    from socialroi.measure.attribution import attribute_paths
    from socialroi.model.periods import parse_period
    from tests.journeys.test_journeys import load_journeys

    ws = load_journeys(Workspace.open(tmp_path / "w.duckdb"))
    period = parse_period("2026-07-01..2026-09-30")
    for name in ("touchpoints", "conversions"):
        data = ws.table(name).to_pyarrow()
        spark_con._session.createDataFrame(data).createOrReplaceTempView(f"j_{name}")
    for settings in (JourneySettings(), JourneySettings(transform="first", by=("platform_paid",))):
        got = {}
        for label, tp, cv in (
            ("duckdb", ws.table("touchpoints"), ws.table("conversions")),
            ("spark", spark_con.table("j_touchpoints"), spark_con.table("j_conversions")),
        ):
            paths = aggregate_paths(journey_touches(tp, cv, period, settings)).execute()
            got[label] = paths.sort_values("path").reset_index(drop=True)
        pd.testing.assert_frame_equal(got["duckdb"], got["spark"], check_dtype=False)
        for model in ("linear", "markov", "shapley"):
            a = attribute_paths(got["duckdb"], model)
            b = attribute_paths(got["spark"], model)
            pd.testing.assert_frame_equal(a, b, rtol=1e-12)
    ws.close()


def test_unique_conversions_are_identical_on_spark(spark_con, tmp_path):
    """Counting each conversion once (shop order = GA4 purchase, deal = contact opportunity)
    runs in the backend: Spark keeps the same rows with the same borrowed visitor ids."""
    from socialroi import Workspace
    from socialroi.journeys.conversions import unique_conversions

    t0 = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
    rows = [  # id, kind, visitor, user, order, value, origin
        ("ga4:o1:purchase", "purchase", "v1", "7100", "o1", 10.0, "ga4"),
        ("shopify:o1:purchase", "purchase", None, "shop:a", "o1", 10.0, "shopify"),
        ("ga4:o2:purchase", "purchase", "v2", None, "o2", 5.0, "ga4"),
        ("ga4:o0:purchase", "purchase", "v0", None, "o0", 7.0, "ga4"),  # before the shop data
        ("ga4:l1:lead", "lead", "v3", None, None, None, "ga4"),
        ("hubspot:c1:lead", "lead", "v3", "hs:c1", None, None, "hubspot"),
        ("hubspot:c1:opportunity", "opportunity", None, "hs:c1", None, None, "hubspot"),
        ("hubspot:deal-1:opportunity", "opportunity", None, "hs:c1", "deal-1", 900.0, "hubspot"),
        ("hubspot:c2:opportunity", "opportunity", None, "hs:c2", None, None, "hubspot"),
    ]
    df = pd.DataFrame(
        rows, columns=["conversion_id", "kind", "visitor_id", "user_id", "order_id",
                       "value_base", "origin"],
    )  # fmt: skip
    df["occurred_at"] = t0
    df.loc[df.conversion_id == "ga4:o0:purchase", "occurred_at"] = t0 - dt.timedelta(days=90)
    df["batch_id"] = 1
    ws = Workspace.open(tmp_path / "u.duckdb")
    ws.store.raw.register("_rows", df)
    ws.store.raw.execute("INSERT INTO conversions BY NAME SELECT * FROM _rows")
    data = ws.table("conversions").to_pyarrow()
    spark_con._session.createDataFrame(data).createOrReplaceTempView("u_conversions")
    cols = ["conversion_id", "kind", "visitor_id", "user_id", "order_id", "value_base", "origin"]
    got = {
        label: normalise(unique_conversions(t).select(cols).execute(), ["conversion_id"])
        for label, t in (
            ("duckdb", ws.table("conversions")),
            ("spark", spark_con.table("u_conversions")),
        )
    }
    assert sorted(got["duckdb"].conversion_id) == [
        "ga4:o0:purchase", "hubspot:c1:lead", "hubspot:c2:opportunity",
        "hubspot:deal-1:opportunity", "shopify:o1:purchase",
    ]  # fmt: skip
    shop = got["duckdb"].set_index("conversion_id").loc["shopify:o1:purchase"]
    assert shop.visitor_id == "v1"  # the web visitor stays linked to the order
    pd.testing.assert_frame_equal(got["duckdb"], got["spark"], check_dtype=False)
    ws.close()
