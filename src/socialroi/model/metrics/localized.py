"""The metric catalogue in the reader's language: label, definition and formula of every
metric, from the one catalogue (`model/words.py`: `model/locale/<lang>.po`).

English stays in the catalogue itself (`catalogue.py`); each language's file holds a metric's
three texts under the contexts `metric:<name>:label`, `:definition` and `:formula`. A test
fails when a catalogue metric lacks one, so a new metric cannot ship untranslated. In
Chinese the usual acronyms (ROI, ROAS, CAC, CPA, CLV, MQL, SQL) stay next to the Chinese
term, as marketers in China write them.
"""

from __future__ import annotations

from socialroi.model import words
from socialroi.model.metrics.catalogue import Metric

PARTS = ("label", "definition", "formula")


def context(metric_name: str, part: str) -> str:
    return f"metric:{metric_name}:{part}"


def localized(metric: Metric, lang: str) -> tuple[str, str]:
    """A metric's (label, definition) in `lang`. A custom metric without a translation keeps
    its English words."""
    return (
        words.text(lang, metric.label, context(metric.name, "label")),
        words.text(lang, metric.definition, context(metric.name, "definition")),
    )


def localized_formula(metric: Metric, lang: str) -> str:
    """A metric's formula in `lang`, in the words of `localized()`."""
    return words.text(lang, metric.formula, context(metric.name, "formula"))
