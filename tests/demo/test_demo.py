"""The Voltiq demo: deterministic, broad, causally labelled, and importable twice unchanged."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from socialroi.demo.channels import CHANNELS, N_SOCIAL
from socialroi.demo.generate import generate
from socialroi.demo.run import import_order, run_demo, truth_path, write_files
from socialroi.demo.world import COLUMNS
from socialroi.model.currencies import known_currencies
from socialroi.sources.base import PLATFORMS


@pytest.fixture(scope="module")
def small():
    return generate(7, "small")


@pytest.fixture(scope="module")
def tiny():
    return generate(11, "tiny")


def _digest(world) -> dict[str, str]:
    return {
        name: hashlib.sha256(
            pd.util.hash_pandas_object(f.astype(str), index=True).to_numpy().tobytes()
        ).hexdigest()
        for name, f in world.frames.items()
    }


def test_same_seed_same_world_other_seed_differs(tiny):
    again = generate(11, "tiny")
    assert _digest(again) == _digest(tiny)
    assert again.truth == tiny.truth
    other = generate(12, "tiny")
    assert _digest(other)["sessions"] != _digest(tiny)["sessions"]
    assert other.truth != tiny.truth


def test_world_has_the_contract_columns(small):
    small.check()
    assert set(small.frames) == set(COLUMNS)


def test_small_has_the_required_breadth(small):
    acc = small["accounts"]
    assert set(PLATFORMS) <= set(acc.platform)
    assert (acc[acc.platform.isin(PLATFORMS)].groupby("platform").size() >= 3).all()
    assert {"en", "es", "zh"} <= set(acc.language)
    markets = set(small["orders"].country)
    assert len(markets) >= 6
    currencies = set(small["orders"].currency) | set(small["ad_daily"].currency)
    assert len(currencies) >= 4
    assert currencies <= set(known_currencies())
    assert set(small["costs"].currency) <= set(known_currencies())
    assert len(small["deals"]) > 0 and len(small["contacts"]) > 0
    assert set(small["ad_daily"].platform) == set(PLATFORMS)
    assert set(small["post_daily"].platform) == set(PLATFORMS)
    assert {"direct", "ad_spend_share", "posts_share", "hours_share", "even"} <= set(
        small["costs"].allocation
    )
    n = len(small["sessions"])
    assert 15_000 <= n <= 30_000
    assert small["sessions"].session_id.is_unique
    assert small["orders"].order_id.is_unique


def test_dates_and_times_stay_in_the_year(small):
    for name, col in (("sessions", "local_date"), ("orders", "local_date"),
                      ("post_daily", "date"), ("ad_daily", "date"), ("ga4_daily", "date")):  # fmt: skip
        d = small[name][col]
        assert d.min() >= small.start and d.max() <= small.end, name
    assert str(small["sessions"].started_at.dt.tz) == "UTC"
    assert str(small["posts"].published_at.dt.tz) == "UTC"


def test_sessions_are_messy_like_life(small):
    s = small["sessions"]
    src = set(s.source.dropna())
    assert {"ig", "IG", "instagram", "l.instagram.com"} <= src
    assert s.medium.isna().any()
    assert s.landing_page.str.contains("Paid%20Social", regex=False).any()
    assert {"fbclid", "ttclid", "li_fat_id", "twclid", "epik", "gclid"} <= set(
        s.click_id_type.dropna()
    )
    refs = "|".join(s.referrer.dropna().unique())
    for host in ("l.instagram.com", "t.co", "lnkd.in", "pin.it", "youtu.be", "vm.tiktok.com"):
        assert host in refs


def test_orders_follow_journeys(small):
    s = small["sessions"].set_index("session_id")
    o = small["orders"]
    assert o.session_id.isin(s.index).all()
    assert (o.visitor_id.to_numpy() == s.loc[o.session_id, "visitor_id"].to_numpy()).all()
    assert (o.created_at.to_numpy() >= s.loc[o.session_id, "started_at"].to_numpy()).all()
    ga4 = small["ga4_daily"]
    assert ga4.sessions.sum() == len(small["sessions"])


def test_truth_shares_sum_to_one(small):
    for block in ("orders", "leads"):
        ch = small.truth[block]["channels"]
        assert set(ch) == set(CHANNELS)
        social = [v["share"] for k, v in ch.items() if k in CHANNELS[:N_SOCIAL]]
        assert len(social) == 14
        assert sum(social) == pytest.approx(1.0, abs=1e-6)
        assert sum(v["share_of_all_channels"] for v in ch.values()) == pytest.approx(1.0, abs=1e-6)
        # a channel with a bigger effect and reach contributes more; zero effect, zero share
        assert all(v["expected_conversions"] >= 0 for v in ch.values())
    assert small.truth["orders"]["channels"]["junk"]["expected_conversions"] == 0
    # the simulated count agrees with the model's expectation
    o = small.truth["orders"]
    assert abs(o["simulated"] - o["expected"]) < 4 * np.sqrt(o["expected"]) + 5


def test_written_files_are_byte_identical(tmp_path, tiny):
    a, _ = write_files(tiny, tmp_path / "a", sources=("ledger",))
    b, _ = write_files(generate(11, "tiny"), tmp_path / "b", sources=("ledger",))

    def hashes(root, files):
        return {
            str(p.relative_to(root.parent)).removeprefix(root.name): hashlib.sha256(
                p.read_bytes()
            ).hexdigest()
            for p in [*files, truth_path(root)]
        }

    assert hashes(tmp_path / "a", a) == hashes(tmp_path / "b", b)
    truth = json.loads(truth_path(tmp_path / "a").read_text())
    assert not (tmp_path / "a" / "ground_truth.json").exists()  # not among the exports
    assert truth["seed"] == 11
    assert import_order(a)[0].name == "accounts_register.csv"


def _money(ws) -> dict:
    out = {}
    for name, info in ws.status()["tables"].items():
        cols = [c for c in ("spend", "amount", "value", "revenue") if c in _columns(ws, name)]
        sums = [
            ws.store.raw.execute(f'SELECT sum("{c}") FROM "{name}"').fetchone()[0] for c in cols
        ]
        out[name] = (info["rows"], tuple(round(float(x or 0), 4) for x in sums))
    return out


def _columns(ws, name):
    return [r[0] for r in ws.store.raw.execute(f'DESCRIBE "{name}"').fetchall()]


def test_run_demo_imports_and_reimports_unchanged(tmp_path):
    from socialroi.land.workspace import Workspace

    db, out = tmp_path / "demo.duckdb", tmp_path / "exports"
    first = run_demo(workspace=db, seed=3, scale="tiny", out=out, sources=("ledger",))
    assert not first.failures, first.failures
    assert first.results and all(r.status == "loaded" for r in first.results)
    with Workspace.open(db) as ws:
        before = _money(ws)
        assert ws.store.count("accounts") >= 30 and ws.store.count("costs") > 100
    second = run_demo(workspace=db, seed=3, scale="tiny", out=out, sources=("ledger",))
    assert not second.failures
    assert all(r.status == "unchanged" for r in second.results)
    with Workspace.open(db) as ws:
        assert _money(ws) == before


@pytest.mark.slow
def test_run_demo_with_every_writer(tiny_demo_build, tmp_path):
    """Every writer, through the real importers (the session's tiny demo, tests/conftest.py);
    importing the demo twice — as the same files, and forced to re-read every one — leaves
    every table's totals unchanged. The second run works on copies of the workspace and the
    export folder, so the shared demo stays as it was built."""
    from tests.conftest import TINY_DEMO_SEED, copy_workspace, table_totals

    from socialroi.land.workspace import Workspace

    first, shared = tiny_demo_build.run, tiny_demo_build.exports
    assert not first.failures, first.failures
    assert not first.skipped_writers
    assert first.results and all(r.status == "loaded" for r in first.results)
    db, out = copy_workspace(tiny_demo_build.path, tmp_path), tmp_path / "exports"
    shutil.copytree(shared, out)
    hashes = {
        p.relative_to(shared): hashlib.sha256(p.read_bytes()).hexdigest() for p in first.files
    }
    with Workspace.open(db) as ws:
        before = table_totals(ws)
    second = run_demo(workspace=db, seed=TINY_DEMO_SEED, scale="tiny", out=out)
    assert all(r.status == "unchanged" for r in second.results)
    assert {
        p.relative_to(out): hashlib.sha256(p.read_bytes()).hexdigest() for p in second.files
    } == hashes
    with Workspace.open(db) as ws:
        assert table_totals(ws) == before
        forced = ws.import_files(second.files, force=True)
        assert all(r.status == "loaded" for r in forced)
        after = table_totals(ws)
    before.pop("import_batches"), after.pop("import_batches")
    assert after == before
