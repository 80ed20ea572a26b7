"""The workspace: the one object users hold. Opens the DuckDB file and runs imports."""

from __future__ import annotations

import contextlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.land import runs
from socialroi.land.importer import ImportResult, expand, import_file
from socialroi.land.state import RunState
from socialroi.model.channels import load_rules
from socialroi.model.currencies import is_iso_currency, known_currencies
from socialroi.model.schema import TABLES, table_spec
from socialroi.sources.base import ImportOptions
from socialroi.store import DEFAULT_PATH, answers, batches, reads
from socialroi.store.duckdb import DuckDBStore
from socialroi.store.location import is_spark
from socialroi.store.spark import SparkStore

MEMO_SIZE = 64  # remembered results per open workspace
log = logging.getLogger("socialroi.land")
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
        self._memo: OrderedDict[Any, tuple[str, Any]] = OrderedDict()
        self._memo_lock = threading.Lock()
        self._memo_flights: dict[Any, threading.Lock] = {}
        self._pin = threading.local()
        self._on_close: list[Callable[[], None]] = []

    @classmethod
    def open(
        cls, path: str | Path = DEFAULT_PATH, *, base_currency: str | None = None
    ) -> Workspace:
        ws = cls(SparkStore(path) if is_spark(path) else DuckDBStore(path))
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

    def on_close(self, fn: Callable[[], None]) -> None:
        """Run `fn` before the workspace closes: a background worker (the dashboard's
        refresher) stops and is waited for, so no query runs on a closing database."""
        self._on_close.append(fn)

    def close(self) -> None:
        hooks, self._on_close = self._on_close, []
        for fn in hooks:
            fn()
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
        results: list[ImportResult] = []
        state = RunState(self.store)
        with self.store.bulk():
            for file in expand(paths, opts):
                res = import_file(
                    self.store,
                    file,
                    opts,
                    base_currency=self.base_currency,
                    rules=self.rules,
                    force=force,
                    state=state,
                )
                results.append(res)
                if on_file:
                    on_file(res)
        return results

    def import_run(
        self,
        paths: Iterable[str | Path],
        *,
        on_file: Callable[[ImportResult], None] | None = None,
        force: bool = False,
        **options: Any,
    ) -> runs.RunSummary:
        """Import files, folders and zips, going on past a file it cannot use: every file that
        can be imported is, the accounts register first, then the rest by name (so the order
        of `paths` changes nothing); files that are not exports are skipped with the reason,
        failures are kept with their error (`RunSummary.failed`). See `socialroi.land.runs`."""
        return runs.run(
            self.store,
            paths,
            ImportOptions(**options),
            base_currency=self.base_currency,
            rules=self.rules,
            force=force,
            on_file=on_file,
        )

    # -- fx overrides --------------------------------------------------------------------
    def set_fx_rate(self, currency: str, day: Any, per_eur: float) -> None:
        """Use `per_eur` units of `currency` for one euro on `day` (instead of the ECB's)."""
        code = _fx_code(currency)
        if not (isinstance(per_eur, int | float) and math.isfinite(per_eur) and per_eur > 0):
            raise SocialroiError(
                f"a rate is a positive number of {code} for one euro, not {per_eur!r}"
            )
        reads.set_fx_rate(self.store, code, day, float(per_eur))

    def unset_fx_rate(self, currency: str, day: Any) -> None:
        """Go back to the ECB's rate for `currency` on `day`."""
        code = _fx_code(currency)
        if not reads.unset_fx_rate(self.store, code, day):
            raise SocialroiError(
                f"no rate of {code} on {day} was set by hand; see `socialroi fx list`"
            )

    def fx_overrides(self) -> pd.DataFrame:
        """The rates set by hand: currency, rate_date, per_eur."""
        return reads.fx_overrides(self.store).sort_values(["currency", "rate_date"])

    # -- what the data is now ------------------------------------------------------------
    def data_version(self, reads: tuple[str, ...] | None = None) -> tuple:
        """Changes whenever anything a measure reads changes (see `DuckDBStore`); `reads`:
        only what those tables hold."""
        by_table = getattr(self.store, "table_versions", None)
        if reads is None or by_table is None:
            return self.store.data_version()
        pin = self._pin
        if getattr(pin, "active", False):
            if pin.versions is None:
                pin.versions = by_table()
            every = pin.versions
        else:
            every = by_table()
        return tuple(every["_settings"]) + tuple(x for t in sorted(set(reads)) for x in every[t])

    @contextlib.contextmanager
    def pinned(self) -> Iterator[None]:
        """While the data cannot change (the caller holds the dashboard's read lock, or is the
        only user), the tables' versions are read once instead of at every `memo` call."""
        pin = self._pin
        if getattr(pin, "active", False):
            yield
            return
        pin.active, pin.versions = True, None
        try:
            yield
        finally:
            pin.active, pin.versions = False, None

    def memo(
        self,
        key: tuple,
        compute: Callable[[], Any],
        reads: tuple[str, ...] | None = None,
        keep: bool = True,
    ) -> Any:
        """The result of `compute()` for `key`, remembered while the data it reads stays the
        same: a report or a dashboard page asks for one period's attribution, allocation and
        CLV under several breakdowns, and each is computed once. `reads` names the tables
        `compute` reads (default: all), so an import into others leaves it current.

        Kept in the workspace file too (`socialroi.store.answers`), with the data version it
        was computed on: after a restart, or in another process, the same question on the
        same data is read back instead of computed again. One thread computes a key; others
        asking for it meanwhile wait for its result. Callers get copies, so they may change
        what they receive. `keep=False`: in this process's memory only (for answers cheap to
        compute again from kept parts, which would only fill the file)."""
        version = repr(self.data_version(reads))
        got = self._memo_get(key, version)
        if got is not _MISSING:
            return _copy(got)
        with self._memo_lock:
            flight = self._memo_flights.setdefault(key, threading.Lock())
        with flight:
            got = self._memo_get(key, version)  # computed while this thread waited
            if got is _MISSING and keep:
                got = self._memo_load(key, version)
            if got is _MISSING:
                got = compute()
                body = answers.pack(got) if keep else None
                if body is not None:
                    answers.put(self.store, "memo", repr(key), version, body)
            with self._memo_lock:
                self._memo[key] = (version, got)
                self._memo.move_to_end(key)
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
                self._memo_flights.pop(key, None)
        return _copy(got)

    def _memo_get(self, key: tuple, version: str) -> Any:
        with self._memo_lock:
            hit = self._memo.get(key)
            if hit is None or hit[0] != version:
                return _MISSING
            self._memo.move_to_end(key)
            return hit[1]

    def _memo_load(self, key: tuple, version: str) -> Any:
        kept = answers.get(self.store, "memo", repr(key))
        if kept is None or kept[0] != version:
            return _MISSING
        try:
            return answers.unpack(kept[1])
        except Exception as exc:  # a damaged row: compute it again
            log.warning("kept answer for %r unreadable (%s); computing it again", key, exc)
            return _MISSING

    # -- undo ----------------------------------------------------------------------------
    def undo_batch(self, batch_id: int) -> dict[str, int]:
        """Take back one import or sync: every row the batch brought or last updated goes, in
        one transaction, and the batch stays listed as `undone`. Rows it had replaced from an
        earlier batch are not brought back (import that file again with --force, or sync)."""
        with self.store.transaction() as tx:
            return batches.undo(tx, batch_id)

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


def _fx_code(currency: str) -> str:
    code = str(currency).strip().upper()
    if code == "EUR":
        raise SocialroiError("rates are per euro: EUR to EUR is always 1 and cannot be set")
    if not is_iso_currency(code):
        raise SocialroiError(
            f"{currency!r} is not an ISO 4217 currency code (for example GBP, VND, AED)"
        )
    return code


def _copy(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value
