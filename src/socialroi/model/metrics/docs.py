"""Render `docs/metrics.md` from the catalogue (`python -m socialroi.model.metrics.docs`), so the
documentation is the code: `tests/measure/test_roi.py` fails when the committed file differs."""

from __future__ import annotations

from socialroi.model.metrics.catalogue import AGGREGATIONS, METRICS

INTRO = """# Metric catalogue

Generated from `src/socialroi/model/metrics/catalogue.py` by `make docs`; do not edit by hand.
`socialroi metrics` prints the same list; `socialroi metrics NAME` one definition.

Money is in the workspace's base currency; percentages are stored as fractions (0.12 is
12 %). Every metric is a formula over base measures summed per cell (platform x market x
campaign x period, see `src/socialroi/measure/measures.py`), so a ratio on a total row is the ratio
of the sums, never an average of the rows' ratios. How each metric aggregates:

"""


def render() -> str:
    out = [INTRO]
    for name, text in AGGREGATIONS.items():
        out.append(f"- **{name}**: {text}\n")
    out.append(
        "\n| metric | label | unit | aggregation | better | formula | base measures |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    better = {"up": "higher", "down": "lower", "none": "–"}
    for m in METRICS.values():
        measures = ", ".join(f"`{x}`" for x in dict.fromkeys(m.measures))
        out.append(
            f"| `{m.name}` | {m.label} | {m.unit} | {m.aggregation} | {better[m.direction]} "
            f"| {m.formula} | {measures} |\n"
        )
    out.append("\n## Definitions\n")
    for m in METRICS.values():
        out.append(f"\n**{m.label}** (`{m.name}`): {m.definition}\n")
    return "".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
