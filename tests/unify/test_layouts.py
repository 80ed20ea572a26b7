"""Every layout of a channel table runs the one unify query compiled for the table
(`canonical.padded`), and gives what its own compiled query gave: the same columns (a file
carries only its own to the upsert) and the same values, row for row."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from socialroi.model.channels import load_rules, rules_data
from socialroi.store import duckdb as store_mod
from socialroi.store.duckdb import DuckDBStore
from socialroi.unify.canonical import padded, staged_to_arrow, unified_columns, unify_table

DAY = dt.date(2026, 3, 2)
AT = dt.datetime(2026, 3, 2, 10, 30)

# Layouts of conversions, touchpoints and traffic rows as real parsers stage them (an order
# export, a CRM deal, a GA4 purchase; a session with or without click ids; a report row).
LAYOUTS = {
    "conversions": [
        {
            "conversion_id": ["shop:1", "shop:2", "shop:3"],
            "kind": ["purchase"] * 3,
            "occurred_at": [AT] * 3,
            "local_date": [DAY] * 3,
            "order_id": ["1", "2", "3"],
            "value": [10.0, None, 7.5],
            "currency": ["EUR", "EUR", "GBP"],
            "source": ["Instagram", None, "google"],
            "medium": ["Paid", None, "cpc"],
            "referrer": [None, "https://www.tiktok.com/", None],
            "landing_page": ["https://x.example/?utm_source=ig", None, None],
            "is_new_customer": [True, False, None],
            "origin": ["shopify"] * 3,
        },
        {
            "conversion_id": ["deal:9", "deal:10"],
            "kind": ["deal_won"] * 2,
            "occurred_at": [AT] * 2,
            "local_date": [DAY] * 2,
            "value": [1200.0, 50.0],
            "currency": ["USD", "USD"],
            "source": [None, "LinkedIn"],
            "medium": [None, "social"],
            "origin": ["hubspot"] * 2,
        },
        {
            "conversion_id": ["ga4:a"],
            "kind": ["signup"],
            "occurred_at": [AT],
            "local_date": [DAY],
            "visitor_id": ["v1"],
            "source": ["(direct)"],
            "medium": ["(none)"],
            "market": ["DE"],
            "origin": ["ga4"],
        },
    ],
    "touchpoints": [
        {
            "touch_id": ["t1", "t2"],
            "occurred_at": [AT] * 2,
            "local_date": [DAY] * 2,
            "visitor_id": ["v1", "v2"],
            "source": ["facebook", " TikTok "],
            "medium": ["paid_social", "Social"],
            "click_id_type": ["fbclid", None],
            "click_id": ["abc", None],
            "origin": ["ga4_event"] * 2,
        },
        {
            "touch_id": ["t3"],
            "occurred_at": [AT],
            "local_date": [DAY],
            "visitor_id": ["v3"],
            "referrer": ["https://www.pinterest.com/pin/1"],
            "origin": ["crm"],
        },
    ],
    "traffic_daily": [
        {
            "origin": ["ga4_report"] * 2,
            "metric_date": [DAY] * 2,
            "source": ["google", "ig"],
            "medium": ["organic", "paid"],
            "sessions": [10, 4],
            "revenue": [99.0, None],
            "currency": ["EUR", "EUR"],
        },
        {
            "origin": ["ga4_report"],
            "metric_date": [DAY],
            "source": ["bing"],
            "medium": ["cpc"],
            "sessions": [3],
        },
    ],
}
CASES = [(t, i) for t, layouts in LAYOUTS.items() for i in range(len(layouts))]


def _inputs() -> dict[str, pa.Table]:
    days = [DAY]
    rates = pa.table({"currency": ["EUR", "GBP", "USD"], "rate_date": days * 3,
                      "to_base": [1.1, 1.3, 1.0]})  # fmt: skip
    return {"_sr_fx": rates, "_sr_rules": rules_data(load_rules())}


def _run(store: DuckDBStore, table: str, data: pa.Table) -> pa.Table:
    rules = load_rules()

    def build(tables: dict[str, ibis.Table]) -> ibis.Table:
        return unify_table(table, tables["_sr_staged"], tables["_sr_fx"], rules,
                           tables["_sr_rules"])  # fmt: skip

    return store.run_compiled(("unify", table, tuple(rules)), build,
                              {"_sr_staged": data, **_inputs()})  # fmt: skip


@pytest.mark.parametrize(("table", "i"), CASES, ids=[f"{t}-{i}" for t, i in CASES])
def test_a_padded_layout_unifies_as_it_did_alone(tmp_path, table, i):
    store = DuckDBStore(tmp_path / "ws.duckdb")
    staged = staged_to_arrow(table, pa.table(LAYOUTS[table][i]))
    alone = _run(store, table, staged)
    got = _run(store, table, padded(table, staged))
    got = got.select(unified_columns(table, staged.column_names, got.column_names))
    assert sorted(got.column_names) == sorted(alone.column_names)
    assert got.select(alone.column_names).to_pylist() == alone.to_pylist()


def test_every_layout_of_a_table_compiles_once(tmp_path):
    store = DuckDBStore(tmp_path / "ws.duckdb")
    for table, layouts in LAYOUTS.items():
        store_mod._COMPILED.clear()
        for layout in layouts:
            staged = staged_to_arrow(table, pa.table(layout))
            _run(store, table, padded(table, staged))
        assert len(store_mod._COMPILED) == 1, table
