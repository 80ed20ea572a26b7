"""The workspace: the one object users hold. Opens the DuckDB file and runs imports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.land.importer import ImportResult, expand, import_file
from socialroi.model.channels import load_rules
from socialroi.model.currencies import known_currencies
from socialroi.model.schema import TABLES, table_spec
from socialroi.sources.base import ImportOptions
from socialroi.store import reads
from socialroi.store.duckdb import DuckDBStore

DEFAULT_PATH = "socialroi.duckdb"
_MISSING = object()


class Workspace:
    """A socialroi workspace stored in one DuckDB file.

    >>> ws = Workspace.open("brand.duckdb", base_currency="EUR")
    >>> ws.import_files(["exports/"])
    >>> ws.table("post_metrics").group_by("platform").agg(views=lambda t: t.views.sum())
    """

    def __init__(self, store: DuckDBStore) -> None:
        self.store = store
        self._rules = None
        self._memo: dict[Any, Any] = {}

    @classmethod
    def open(
        cls, path: str | Path = DEFAULT_PATH, *, base_currency: str | None = None
    ) -> Workspace:
        ws = cls(DuckDBStore(path))
        current = ws.store.setting("base_currency")
        if base_currency:
            base_currency = base_currency.upper()

            if base_currency not in known_currencies():
                raise SocialroiError(
                    f"base currency {base_currency!r} is not one the ECB publishes; valid: "
                    + ", ".join(known_currencies())
                )
            if current and current != base_currency and ws._has_money_rows():
                raise SocialroiError(
                    f"workspace {path} already holds amounts in {current}; "
                    "create a new workspace to change the base currency"
                )
            ws.store.set_setting("base_currency", base_currency)
        elif not current:
            ws.store.set_setting("base_currency", "USD")
        return ws

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def path(self) -> str:
        return self.store.path

    @property
    def base_currency(self) -> str:
        return self.store.setting("base_currency", "USD") or "USD"

    @property
    def ibis(self) -> ibis.BaseBackend:
        return self.store.ibis

    def table(self, name: str) -> ibis.Table:
        table_spec(name)
        return self.store.table(name)

    def _has_money_rows(self) -> bool:
        return any(self.store.count(t) for t in ("ad_metrics", "conversions", "costs"))

    @property
    def rules(self):
        if self._rules is None:
            custom = self.store.setting("channel_rules_path")
            self._rules = load_rules(custom)
        return self._rules

    # -- imports -------------------------------------------------------------------------
    def import_files(
        self,
        paths: Iterable[str | Path],
        *,
        on_file: Callable[[ImportResult], None] | None = None,
        force: bool = False,
        **options: Any,
    ) -> list[ImportResult]:
        """Import files, folders and zips. Each file is its own atomic batch.

        Options: platform, report, account, market, currency, timezone, year (see
        `ImportOptions`). Stops at the first file that fails; files before it stay imported.
        `force` re-reads files already imported (same rows replace themselves).
        """
        opts = ImportOptions(**options)
        results = []
        for file in expand(paths, opts):
            res = import_file(
                self.store,
                file,
                opts,
                base_currency=self.base_currency,
                rules=self.rules,
                force=force,
            )
            results.append(res)
            if on_file:
                on_file(res)
        return results

    # -- fx overrides --------------------------------------------------------------------
    def set_fx_rate(self, currency: str, day: Any, per_eur: float) -> None:
        reads.set_fx_rate(self.store, currency, day, per_eur)

    # -- what the data is now ------------------------------------------------------------
    def data_version(self) -> tuple:
        """Changes whenever anything a measure reads changes (see `DuckDBStore`)."""
        return self.store.data_version()

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """The result of `compute()` for `key`, remembered on this workspace object while its
        data stays the same: a report or a dashboard page asks for one period's attribution,
        allocation and CLV under several breakdowns, and each is computed once. Callers get
        copies, so they may change what they receive."""
        version = self.data_version()
        memo = self._memo
        if memo.get("_version") != version:  # a new dict: threads reading the old one keep it
            memo = self._memo = {"_version": version}
        value = memo.get(key, _MISSING)
        if value is _MISSING:
            value = memo[key] = compute()
        return _copy(value)

    # -- status --------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        tables = {}
        for name, spec in TABLES.items():
            if spec.kind == "system" and name != "import_batches":
                continue
            info: dict[str, Any] = {"rows": self.store.count(name)}
            for dcol in ("metric_date", "local_date", "period_start"):
                if dcol in spec.column_names:
                    info["from"], info["to"] = reads.span(self.store, name, dcol)
                    break
            tables[name] = info
        findings = reads.findings_summary(self.store)
        return {
            "workspace": self.path,
            "base_currency": self.base_currency,
            "tables": tables,
            "platforms": reads.distinct_values(self.store, "platform", ("accounts",)),
            "markets": reads.distinct_values(
                self.store, "market", ("accounts", "conversions", "ad_metrics")
            ),
            "currencies": reads.distinct_values(
                self.store, "currency", ("ad_metrics", "conversions", "costs")
            ),
            "findings": [{"kind": k, "rows": int(r), "findings": int(n)} for k, r, n in findings],
        }


def _copy(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value
