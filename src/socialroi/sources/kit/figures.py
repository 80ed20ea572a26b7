"""One figure of an API record (a JSON number, or a number sent as a string such as TikTok's
report metrics): checked like a cell of an export, with the record and field named."""

from __future__ import annotations

from typing import Any

from socialroi.sources.base import Context

EMPTY = (None, "", "-")  # no figure (TikTok writes `-` where a metric does not apply)
LARGEST = 1e15  # a platform's count or amount beyond this is not plausible: refused


def figure(ctx: Context, value: Any, row: int, key: str) -> float | None:
    """The number in `value`, None when empty; `ctx.fail` for anything else."""
    if value is None or (isinstance(value, str) and value.strip() in EMPTY):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ctx.fail("a figure is not a number", row=row, column=key, value=value)
    try:
        f = float(value)
    except ValueError:
        raise ctx.fail("a figure is not a number", row=row, column=key, value=value) from None
    if f != f or abs(f) > LARGEST:
        raise ctx.fail("a figure is out of range", row=row, column=key, value=value)
    return f
