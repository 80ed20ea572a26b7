"""GA4 sessions landed where the parse left them (`land.resident`) equal the Arrow way.

The importer lets the GA4 event parser leave its sessions in a temporary table of the
connection the file lands through; plausibility, types, unify, unmapped channels and the
upsert then run there in SQL. Each test imports the same export both ways (in place, and
with in-place landing switched off, so the sessions come to Arrow as before) and compares
every table, finding and error; and checks that nothing is left on the connection.
"""

from __future__ import annotations

import json

import pytest

from socialroi.errors import ImportFailed
from socialroi.land import importer, resident, runs
from socialroi.sources.base import ImportOptions, InputFile
from socialroi.store.duckdb import DuckDBStore
from tests.conftest import FIXTURES

GA4 = FIXTURES / "ga4"
DAY = 1736330400  # 2025-01-08 10:00 UTC
UNIFY = resident.unify


def _event(user: str, sid: int, at: int, name: str = "page_view", **extra) -> dict:
    params = [{"key": "ga_session_id", "value": {"int_value": str(sid)}}]
    for k, v in extra.pop("params", {}).items():
        params.append({"key": k, "value": {"string_value": v}})
    day = "20990101" if at > 4_000_000_000 else "20250108"
    return {"event_date": day, "event_timestamp": str(at * 1_000_000), "event_name": name,
            "event_params": params, "user_pseudo_id": user, **extra}  # fmt: skip


def _odd_export(path) -> None:
    """Sessions that make findings: one after today (left out), an unknown country, a
    source/medium no channel rule knows, a purchase; and ordinary ones around them."""
    rows = []
    for i in range(8):
        rows.append(_event(f"u{i}", DAY + i, DAY + 60 * i, geo={"country": "Germany"},
                           params={"page_location": f"https://shop.example/?utm_source=s{i % 3}"
                                   f"&utm_medium=zzz{i % 2}"}))  # fmt: skip
    rows.append(_event("late", 4070908800, 4070908800, geo={"country": "France"}))
    rows.append(_event("far", DAY + 99, DAY + 99, geo={"country": "Atlantis"}))
    rows.append(_event("u1", DAY + 1, DAY + 90, "purchase",
                       params={"currency": "EUR", "transaction_id": "T1"},
                       ecommerce={"purchase_revenue": 12.5, "transaction_id": "T1"}))  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def _land(tmp_path, monkeypatch, files, in_place: bool, run: bool = False):
    monkeypatch.setattr(resident, "IN_PLACE", ("touchpoints",) if in_place else ())
    used: list[str] = []

    def spy(*a):
        used.append(a[1])
        return UNIFY(*a)

    monkeypatch.setattr(resident, "unify", spy)
    store = DuckDBStore(tmp_path / f"ws-{in_place}-{run}.duckdb")
    try:
        if run:
            summary = runs.run(store, files, ImportOptions(currency="EUR"))
            outcome = [(r.status, r.reason, r.rows_loaded) for r in summary.results]
        else:
            try:
                res = importer.import_file(store, InputFile.from_path(files[0]),
                                           ImportOptions(currency="EUR"))  # fmt: skip
                outcome = [(res.status, res.tables, res.findings)]
            except ImportFailed as exc:
                outcome = [("failed", str(exc))]
        tables = {
            t: store.raw.execute(f"SELECT * EXCLUDE (batch_id) FROM {t} ORDER BY ALL").fetchall()
            for t in ("touchpoints", "conversions")
        }
        findings = store.raw.execute(
            'SELECT kind, row_number, "column", value, rows, message FROM dq_findings ORDER BY ALL'
        ).fetchall()
        left = store.raw.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL "
            "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
        ).fetchall()
    finally:
        store.close()
    assert bool(used) == (in_place and outcome[0][0] == "loaded")  # the way it was meant to
    return outcome, tables, findings, left


@pytest.mark.parametrize("name", ["events_20250108.jsonl", "events_20250108.parquet", "odd"])
def test_sessions_land_in_place_as_through_arrow(tmp_path, monkeypatch, name):
    path = GA4 / name
    if name == "odd":
        path = tmp_path / "events_odd.jsonl"
        _odd_export(path)
    arrow = _land(tmp_path, monkeypatch, [path], in_place=False)
    in_place = _land(tmp_path, monkeypatch, [path], in_place=True)
    assert in_place == arrow
    outcome, tables, findings, left = in_place
    assert outcome[0][0] == "loaded" and tables["touchpoints"]
    assert left == []  # nothing of the file stays on the connection
    if name == "odd":
        kinds = {f[0] for f in findings}
        assert {"implausible_value", "unknown_country", "unmapped_channel"} <= kinds
        assert not any(t[2] == "late" for t in tables["touchpoints"])  # left out


def test_a_run_lands_grouped_and_lone_files_alike(tmp_path, monkeypatch):
    """Small files share a group's transaction (the parse runs inside it); both ways and
    both exports of the same day give the same rows."""
    odd = tmp_path / "in" / "events_odd.jsonl"
    odd.parent.mkdir()
    _odd_export(odd)
    files = [odd, GA4 / "events_20250108.parquet"]
    assert _land(tmp_path, monkeypatch, files, True, run=True) == _land(
        tmp_path, monkeypatch, files, False, run=True
    )


def test_a_failing_file_leaves_nothing_on_the_connection(tmp_path, monkeypatch):
    bad = tmp_path / "events_bad.jsonl"
    lines = (GA4 / "events_20250108.jsonl").read_text().splitlines()
    lines[3] = lines[3].replace('"event_timestamp":"', '"event_timestamp":"x')
    bad.write_text("\n".join(lines) + "\n")
    outcome, tables, findings, left = _land(tmp_path, monkeypatch, [bad], in_place=True)
    assert outcome[0][0] == "failed" and "row 4" in outcome[0][1]
    assert tables == {"touchpoints": [], "conversions": []} and findings == [] and left == []
