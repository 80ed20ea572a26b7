"""The workspace: the one object users hold. Opens the DuckDB file and runs imports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import ibis

from socialroi.errors import SocialroiError
from socialroi.land.importer import ImportResult, expand, import_file
from socialroi.model.channels import load_rules
from socialroi.model.schema import TABLES, table_spec
from socialroi.sources.base import ImportOptions
from socialroi.store.duckdb import DuckDBStore, quote

DEFAULT_PATH = "socialroi.duckdb"


class Workspace:
    """A socialroi workspace stored in one DuckDB file.

    >>> ws = Workspace.open("brand.duckdb", base_currency="EUR")
    >>> ws.import_files(["exports/"])
    >>> ws.table("post_metrics").group_by("platform").agg(views=lambda t: t.views.sum())
    """

    def __init__(self, store: DuckDBStore) -> None:
        self.store = store
        self._rules = None

    @classmethod
    def open(
        cls, path: str | Path = DEFAULT_PATH, *, base_currency: str | None = None
    ) -> Workspace:
        ws = cls(DuckDBStore(path))
        current = ws.store.setting("base_currency")
        if base_currency:
            base_currency = base_currency.upper()
            from socialroi.unify.fx import known_currencies

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
        with self.store.transaction() as raw:
            raw.execute(
                "DELETE FROM fx_rates WHERE currency = ? AND rate_date = ?", [currency, day]
            )
            raw.execute("INSERT INTO fx_rates VALUES (?, ?, ?, 'user')", [currency, day, per_eur])

    # -- status --------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        raw = self.store.raw
        tables = {}
        for name, spec in TABLES.items():
            if spec.kind == "system" and name != "import_batches":
                continue
            info: dict[str, Any] = {"rows": self.store.count(name)}
            for dcol in ("metric_date", "local_date", "period_start"):
                if dcol in spec.column_names:
                    lo, hi = raw.execute(
                        f"SELECT min({quote(dcol)}), max({quote(dcol)}) FROM {quote(name)}"
                    ).fetchone()
                    info["from"], info["to"] = lo, hi
                    break
            tables[name] = info

        def distinct(sql: str) -> list[str]:
            return [r[0] for r in raw.execute(sql).fetchall() if r[0] is not None]

        findings = raw.execute(
            "SELECT kind, sum(rows) AS rows, count(*) AS findings FROM dq_findings "
            "GROUP BY kind ORDER BY rows DESC"
        ).fetchall()
        return {
            "workspace": self.path,
            "base_currency": self.base_currency,
            "tables": tables,
            "platforms": distinct("SELECT DISTINCT platform FROM accounts ORDER BY 1"),
            "markets": distinct(
                "SELECT DISTINCT market FROM (SELECT market FROM accounts UNION "
                "SELECT market FROM conversions UNION SELECT market FROM ad_metrics) ORDER BY 1"
            ),
            "currencies": distinct(
                "SELECT DISTINCT currency FROM (SELECT currency FROM ad_metrics UNION "
                "SELECT currency FROM conversions UNION SELECT currency FROM costs) ORDER BY 1"
            ),
            "findings": [{"kind": k, "rows": int(r), "findings": int(n)} for k, r, n in findings],
        }
