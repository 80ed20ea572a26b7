"""Any bytes, any truncation: a clean import or a clear error, and nothing half-stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialroi import Workspace
from socialroi.errors import ImportFailed, SocialroiError
from socialroi.sources import load_all
from socialroi.sources.base import REPORTS
from tests.conftest import FIXTURES, table_totals

EXPORTS = sorted(
    p
    for p in FIXTURES.rglob("*")
    if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".xls", ".zip", ".jsonl", ".parquet")
)
load_all()
REPORT_KEYS = sorted(REPORTS)


@pytest.fixture(scope="module")
def shared_ws(tmp_path_factory):
    path = tmp_path_factory.mktemp("prop") / "ws.duckdb"
    w = Workspace.open(path)
    # A workspace that already holds data: a failed import must leave it exactly as it was.
    w.import_files([FIXTURES / "ledger" / "costs_2025.csv"])
    yield w
    w.close()


def batches(ws: Workspace) -> list[tuple]:
    return ws.store.raw.execute(
        "SELECT batch_id, source, report, status FROM import_batches ORDER BY batch_id"
    ).fetchall()


def attempt(ws: Workspace, path: Path, **opts) -> None:
    before, listed = table_totals(ws), batches(ws)
    try:
        results = ws.import_files([path], **opts)
    except (ImportFailed, SocialroiError) as exc:
        text = str(exc)
        assert path.name in text or "no such file" in text, text
        assert table_totals(ws) == before, "a failed import changed the workspace"
        return
    # A clean import: each file is loaded as one new batch of its report, or recognised as
    # already imported; only the tables it names (and the batch list and findings) change.
    assert results and {r.status for r in results} <= {"loaded", "unchanged"}
    loaded = [r for r in results if r.status == "loaded"]
    new = [(r.batch_id, r.source, r.report, "loaded") for r in loaded]
    assert batches(ws) == listed + new
    after = table_totals(ws)
    touched = {t for r in loaded for t in r.tables}
    if loaded:
        touched |= {"import_batches", "dq_findings"}
    for table, totals in before.items():
        if table not in touched:
            assert after[table] == totals, f"{table} changed, though the import did not name it"
        assert after[table][0] >= totals[0], f"a clean import removed rows from {table}"


settings_ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings_
@given(data=st.binary(max_size=2048), report=st.sampled_from(REPORT_KEYS))
def test_random_bytes_forced_to_any_report(shared_ws, tmp_path_factory, data, report):
    source, name = report.split("/")
    p = tmp_path_factory.mktemp("rand") / "export.csv"
    p.write_bytes(data)
    attempt(shared_ws, p, platform=source, report=name, year=2025, currency="USD", account="@prop")


@settings_
@given(data=st.binary(max_size=2048))
def test_random_bytes_detected(shared_ws, tmp_path_factory, data):
    p = tmp_path_factory.mktemp("rand") / "export.csv"
    p.write_bytes(data)
    attempt(shared_ws, p)


@pytest.mark.skipif(not EXPORTS, reason="no fixture exports yet")
@settings_
@given(
    index=st.integers(min_value=0, max_value=max(len(EXPORTS) - 1, 0)),
    cut=st.floats(min_value=0.0, max_value=1.0),
    flip=st.integers(min_value=0, max_value=255),
)
def test_truncated_and_corrupted_fixtures(shared_ws, tmp_path_factory, index, cut, flip):
    src = EXPORTS[index]
    data = src.read_bytes()
    n = int(len(data) * cut)
    damaged = bytearray(data[:n])
    if damaged and flip:
        damaged[(flip * 7919) % len(damaged)] ^= flip
    p = tmp_path_factory.mktemp("cut") / src.name
    p.write_bytes(bytes(damaged))
    attempt(shared_ws, p, year=2025, currency="USD", account="@prop", timezone="UTC")


def test_attempt_checks_a_clean_import_and_a_repeat(ws):
    """The success branch of `attempt` runs on every test run, not only when hypothesis
    happens to draw an importable file: a fixture export loads, then is recognised."""
    src = FIXTURES / "tiktok" / "@voltiq.us" / "Content_2025-01-01_2025-01-15.csv"
    attempt(ws, src)
    assert [b[1:] for b in batches(ws)] == [("tiktok", "studio_content", "loaded")]
    assert ws.store.count("posts") > 0
    attempt(ws, src)
    assert len(batches(ws)) == 1
