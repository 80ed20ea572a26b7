"""Fixtures of the sync tests: a fake Meta Graph API and a private config directory."""

from __future__ import annotations

import pytest

from tests.fakes.meta import FakeMeta, insight
from tests.fakes.server import FakeApi

DAYS = [f"2026-03-{d:02d}" for d in range(1, 11)]


def fill(meta: FakeMeta, act: str = "1234567890", days=DAYS, ads: int = 6) -> None:
    meta.add_account(act, "Voltiq EU", "EUR", "Europe/Berlin")
    for i, day in enumerate(days):
        for ad in range(ads):
            for platform in ("facebook", "instagram"):
                meta.insights[act].append(
                    insight(act, day, ad, platform, spend=10 + ad + i * 0.5, impressions=1000 + 37 * ad + i,
                            clicks=30 + ad, purchases=ad % 3, value=(ad % 3) * 49.9)
                )  # fmt: skip


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    d = tmp_path / "config"
    monkeypatch.setenv("SOCIALROI_CONFIG_DIR", str(d))
    return d


@pytest.fixture
def fake_meta(monkeypatch, config_dir):
    with FakeApi() as fake:
        fake.env(monkeypatch, "meta")
        meta = FakeMeta(fake, page_size=25)
        fill(meta)
        yield meta
