"""Render `docs/data-model.md` from the table specs (`python -m socialroi.model.docs`).

The doc is generated, and `tests/model/test_data_model_doc.py` fails when the committed file and
the code disagree, so the data model's reference never goes stale.
"""

from __future__ import annotations

from socialroi.model.schema import SCHEMA_VERSION, TABLES

INTRO = """# Data model

Generated from `src/socialroi/model/schema.py` by `make docs`; do not edit by hand.
Schema version {version}.

Every workspace is one DuckDB file holding the tables below. Dimensions describe who and
what (accounts, campaigns, posts); facts hold figures at a stated grain; system tables keep
lineage (`import_batches`), data-quality findings and exchange-rate overrides. Every fact
and dimension row carries the `batch_id` of the import that brought or last updated it.
The *key* is what an overlapping re-import replaces: the same post in two monthly exports
updates one row instead of counting twice.

Money is kept twice: the original amount with its `currency`, and `*_base` in the
workspace's base currency at the ECB reference rate of the event's date. Timestamps are UTC;
`local_date` / `metric_date` are in the account's (or store's) time zone. Reach, unique
viewers, users and followers are not additive across rows.
"""


def render() -> str:
    out = [INTRO.format(version=SCHEMA_VERSION)]
    for kind, title in (("dimension", "Dimensions"), ("fact", "Facts"), ("system", "System")):
        out.append(f"\n## {title}\n")
        for spec in TABLES.values():
            if spec.kind != kind:
                continue
            out.append(f"\n### `{spec.name}`\n")
            out.append(f"\n{spec.about}\n")
            out.append(f"\n- **Grain:** {spec.grain}")
            out.append(f"\n- **Key:** {', '.join(f'`{k}`' for k in spec.key)}")
            if spec.newer_wins:
                out.append(f"\n- **Snapshot:** the row with the newer `{spec.newer_wins}` wins")
            out.append("\n\n| column | type | unit | meaning |\n|---|---|---|---|\n")
            for c in spec.columns:
                meaning = c.meaning.replace("|", "\\|")
                out.append(f"| `{c.name}` | {c.dtype} | {c.unit} | {meaning} |\n")
    return "".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
