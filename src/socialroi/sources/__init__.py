"""Sources: one sub-package per platform, shop, CRM or ledger.

Every `sources/<name>/` has the same shape:

- `aliases.py` — header names per canonical field, in English, Spanish and Simplified Chinese;
- `exports.py` — the native export parsers, each registered as a `Report` (detect + parse);
- `__init__.py` — imports both, so importing the package registers its reports.

What sources share lives in `kit/` (reading tables, headers, cells, dates, accounts,
countries, the ads report); `base.py` holds the contract (`Report`, `Context`, `InputFile`).
A source imports only those, the model and the errors, never a sibling source
(`tests/sources/test_layout.py`). `load_all()` imports every source package; adding a source
is copying a sibling folder.
"""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False
# Source packages that failed to import, with the error: one broken source must not stop the
# others from importing files. `tests/test_sources_load.py` keeps this empty.
BROKEN: dict[str, str] = {}


def load_all() -> None:
    """Import every source package so that its reports are registered."""
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"{__name__}.{info.name}")
            except Exception as exc:  # noqa: BLE001 - reported, not hidden: see BROKEN
                BROKEN[info.name] = f"{type(exc).__name__}: {exc}"
    _loaded = True
