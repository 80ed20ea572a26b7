"""Fixtures of the LinkedIn connector tests: the fake LinkedIn APIs, filled with ten days."""

from __future__ import annotations

import pytest

from tests.fakes.linkedin import FakeLinkedIn, fill
from tests.fakes.server import FakeApi
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

DAYS = [f"2026-03-{d:02d}" for d in range(1, 11)]
ORG, ADS, PERSON = "2414183", "507404993", "yrZCpj2Z12"


@pytest.fixture
def fake_linkedin(monkeypatch, config_dir):  # noqa: F811
    with FakeApi() as fake:
        fake.env(monkeypatch, "linkedin")
        fake.env(monkeypatch, "linkedin_members")
        li = FakeLinkedIn(fake, page_size=100)
        fill(li, DAYS, ORG, ADS, PERSON)
        li.members["good-token"] = PERSON
        yield li
