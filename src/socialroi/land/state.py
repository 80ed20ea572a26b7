"""What an import run reads of the workspace once, not once per file.

Before each file, an import asked the workspace the same questions: is this content already a
batch, what does the accounts register hold, which exchange rates did the user set, do syncs
or files win, did any sync ever land. On a run of 188 files that was five to eight of each
file's 20-25 statements. A `RunState` asks each once and keeps its answers true while the run
writes: a batch it lands counts as loaded from then on, and the accounts register is read
again after a batch that wrote accounts. Nothing else an import run writes changes these
answers (an import writes no exchange rates, settings or sync batches). A single file's import
is a run of one: it gets a fresh state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from socialroi.store import batches, connections, reads
from socialroi.store.duckdb import DuckDBStore

# Workspace setting: which wins when a file and a sync hold the same account and day of a
# table a sync stream replaces (`Stream.replaces`): "api" (default) or "files".
SYNC_PREFERS = "sync_prefers"


@dataclass
class RunState:
    store: DuckDBStore
    _loaded: dict[tuple[str, str], int] | None = None
    _accounts: dict[str, dict[str, Any]] | None = None
    _answers: dict[str, Any] = field(default_factory=dict)

    def loaded_batch(self, sha256: str, context: str) -> int | None:
        """The loaded batch that holds this content read this way, if any."""
        if self._loaded is None:
            self._loaded = batches.loaded_batches(self.store)
        return self._loaded.get((sha256, context))

    def landed(
        self, sha256: str, context: str, batch_id: int, accounts: pa.Table | None = None
    ) -> None:
        """A batch of the run was written: its content is loaded now; the accounts register
        is read again if the batch's `accounts` rows may have changed it."""
        if self._loaded is not None:
            self._loaded[sha256, context] = batch_id
        if accounts is not None and accounts.num_rows and not self._holds(accounts):
            self._accounts = None

    def _holds(self, accounts: pa.Table) -> bool:
        """Whether the register as read already says all these rows say: every account is
        in it and each of its values is empty here (a stored value is kept: the accounts
        table merges) or the one it holds. Most files restate their account's row."""
        if self._accounts is None:
            return True  # read afresh when next asked
        for row in accounts.to_pylist():
            held = self._accounts.get(row.get("account_id"))
            if held is None:
                return False
            if any(row.get(k) is not None and row[k] != v for k, v in held.items()):
                return False
        return True

    def snapshot(self) -> object:
        """What `restore` needs to forget the batches landed after this point (a group of
        files rolled back)."""
        return (None if self._loaded is None else dict(self._loaded)), self._accounts

    def restore(self, saved: object) -> None:
        loaded, self._accounts = saved  # type: ignore[misc]
        self._loaded = None if loaded is None else dict(loaded)

    def accounts(self) -> dict[str, dict[str, Any]]:
        """The accounts register (account id -> timezone, currency, market, name, kind)."""
        if self._accounts is None:
            self._accounts = reads.accounts_register(self.store)
        return {a: dict(v) for a, v in self._accounts.items()}  # a parser may not change ours

    def fx_overrides(self) -> pd.DataFrame:
        """The exchange rates the user set (`socialroi fx set`)."""
        return self._ask("fx", lambda: reads.fx_overrides(self.store))

    def files_win(self) -> bool:
        """Whether a file's rows replace a sync's for the same account and day (the setting
        `sync_prefers=files`); by default the synced rows count."""
        return (
            self._ask("prefers", lambda: self.store.setting(SYNC_PREFERS, "api") or "api") != "api"
        )

    def any_synced(self) -> bool:
        return self._ask("synced", lambda: connections.any_synced(self.store))

    def _ask(self, key: str, read: Any) -> Any:
        if key not in self._answers:
            self._answers[key] = read()
        return self._answers[key]
