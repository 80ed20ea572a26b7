"""docs/data-model.md is generated from the table specs and must match the stored schema."""

import re

from socialroi.model.docs import render
from socialroi.model.schema import TABLES
from tests.conftest import ROOT

DOC = ROOT / "docs" / "data-model.md"


def test_doc_is_current():
    assert DOC.read_text() == render(), "docs/data-model.md is stale: run `make docs`"


def test_doc_lists_every_stored_table_and_column(ws):
    doc = DOC.read_text()
    documented: dict[str, list[str]] = {}
    for section in re.split(r"\n### ", doc)[1:]:
        name = section.split("`")[1]
        documented[name] = re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.M)
    stored = {}
    for (table,) in ws.store.raw.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name <> 'meta'"
    ).fetchall():
        stored[table] = [
            r[0]
            for r in ws.store.raw.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]
    assert documented == stored


def test_every_column_has_unit_and_meaning():
    for spec in TABLES.values():
        assert spec.grain and spec.about and spec.key
        for c in spec.columns:
            assert c.unit and c.meaning.strip(), (spec.name, c.name)
        assert set(spec.key) <= set(spec.column_names), spec.name
