"""Draws several stages share: increasing ids, the product mix, and people's names."""

from __future__ import annotations

import unicodedata

import numpy as np

from socialroi.demo import brand as B


def ids(rng: np.random.Generator, n: int, start: int, gap: int = 10_000) -> np.ndarray:
    """n unique, increasing integer ids."""
    return start + np.cumsum(rng.integers(1, gap, n, dtype=np.int64))


def product_p() -> np.ndarray:
    """The probability of each of `brand.PRODUCTS` (their sales weights)."""
    w = np.array([p.weight for p in B.PRODUCTS])
    return w / w.sum()


def pick_names(rng: np.random.Generator, lang: np.ndarray, names: dict) -> np.ndarray:
    """A name from `names[language]` per row (English names where there are none)."""
    out = np.empty(len(lang), object)
    for lg in ("en", "es"):
        m = lang == lg
        out[m] = rng.choice(names[lg], m.sum())
    m = ~np.isin(lang, ("en", "es"))
    out[m] = rng.choice(names["en"], m.sum())
    return out


def ascii_name(text: str) -> str:
    """`text`'s ASCII letters and digits (accents dropped), for e-mail addresses."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())
