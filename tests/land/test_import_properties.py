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


def attempt(ws: Workspace, path: Path, **opts) -> None:
    before = table_totals(ws)
    try:
        ws.import_files([path], **opts)
    except (ImportFailed, SocialroiError) as exc:
        text = str(exc)
        assert path.name in text or "no such file" in text, text
        assert table_totals(ws) == before, "a failed import changed the workspace"


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
