"""`socialroi sync`: bring every connection's streams up to date, each stream all or nothing.

For each connection, account and stream: the window runs from the stream's cursor minus its
lag window (the days the platform still revises) to `until`; a first sync or `--full` reads
`history_days` back (never more than the platform keeps). The records of the window become
the file import's staging frames (`Stream.to_staged`), go through `land.landing.prepare`,
and in ONE transaction: only rows new or different from the stored ones are written under a
new batch, rows of these accounts and days that a file import wrote and the API does not
carry are removed (the same account and day counts once), the batch is recorded, and the
cursor moves. A stream that fails stores nothing and does not stop the others.

`prefer="files"` (workspace setting `sync_prefers`) keeps file rows instead: synced rows of
an (account, day) that a file import already holds are left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.errors import GrantExpired, ImportFailed, SocialroiError, SyncFailed
from socialroi.land import landing
from socialroi.land.landing import known_accounts
from socialroi.land.workspace import Workspace
from socialroi.model.schema import TABLES
from socialroi.sources.api import Connector, Stream, Window, get_connector
from socialroi.sources.base import Context, ImportOptions, InputFile
from socialroi.store import batches
from socialroi.store import connections as conns
from socialroi.sync import auth
from socialroi.sync.credentials import Credentials, account_ref
from socialroi.sync.fetch import Fetcher, read_window
from socialroi.sync.http import Api, Limits

log = logging.getLogger("socialroi.sync")
PREFER_SETTING = landing.SYNC_PREFERS  # "api" (default) or "files"


@dataclass
class StreamResult:
    source: str
    account: str
    stream: str
    window: str = ""
    status: str = "ok"  # ok, unchanged, failed
    batch_id: int | None = None
    records: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    superseded: int = 0  # file rows the sync replaced
    kept_files: int = 0  # synced rows left out because files hold those days
    pages: int = 0
    error: str = ""
    tables: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        head = f"{self.source}/{self.stream} {self.account} {self.window}"
        if self.status == "failed":
            return f"{head}: failed: {self.error}"
        text = (
            f"{head}: {self.new} new, {self.changed} changed, {self.unchanged} unchanged"
            f" ({self.records} records, {self.pages} pages)"
        )
        if self.batch_id is not None:
            text += f" -> batch {self.batch_id}"
        if self.superseded:
            text += f"; {self.superseded} file rows of the same days replaced"
        if self.kept_files:
            text += f"; {self.kept_files} rows left to the files (sync_prefers=files)"
        return text


@dataclass
class SyncOptions:
    since: dt.date | None = None
    until: dt.date | None = None
    full: bool = False
    streams: list[str] | None = None  # only these streams (default: every one)
    today: dt.date | None = None  # tests fix "today"
    limits: Limits | None = None
    client: httpx.Client | None = None
    sleep: Callable[[float], None] | None = None
    credentials: Credentials | None = None


def sync(
    ws: Workspace,
    sources: list[str] | None = None,
    options: SyncOptions | None = None,
    on_stream: Callable[[StreamResult], None] | None = None,
    on_start: Callable[[str, str, str, Window], None] | None = None,
) -> list[StreamResult]:
    """Sync the named sources (default: every connection). Raises only when nothing can be
    tried (no connection); a stream's failure is in its result."""
    opts = options or SyncOptions()
    known = {c.source: c for c in conns.list_connections(ws.store)}
    names = sources or sorted(known)
    for n in opts.streams or []:
        every = {s.name for src in names if src in known for s in get_connector(src).streams}
        if n not in every:
            raise SocialroiError(f"no stream {n!r}; the streams of {', '.join(names)}: "
                                 + ", ".join(sorted(every)))  # fmt: skip
    if not names:
        raise SocialroiError(
            "no source is connected; run `socialroi connect SOURCE` first "
            "(`socialroi connect --help` lists them)"
        )
    results: list[StreamResult] = []
    for name in names:
        if name not in known:
            get_connector(name)  # an unknown source: the error lists the known ones
            raise SocialroiError(f"{name} is not connected; run `socialroi connect {name}`")
        try:
            results += _sync_connection(ws, get_connector(name), known[name], opts, on_stream,
                                        on_start)  # fmt: skip
        except SocialroiError as exc:  # no grant to be had: the next connection still runs
            res = StreamResult(name, ", ".join(known[name].accounts), "all streams",
                               status="failed", error=str(exc))  # fmt: skip
            if not isinstance(exc, GrantExpired):
                conns.set_health(ws.store, name, "failed", str(exc)[:500])
            results.append(res)
            if on_stream:
                on_stream(res)
    return results


def _sync_connection(ws, connector: Connector, conn, opts: SyncOptions, on_stream, on_start):
    creds = opts.credentials or Credentials()
    results: list[StreamResult] = []
    extra = {"sleep": opts.sleep} if opts.sleep else {}
    hosts = connector.allowed_hosts()
    extra["envelope"] = connector.envelope
    token_api = Api(connector.source, connector.base(), client=opts.client, limits=opts.limits,
                    hosts=hosts, **extra)  # fmt: skip
    api = Api(connector.source, connector.base(), client=opts.client, limits=opts.limits,
              hosts=hosts, **extra)  # fmt: skip

    def authorise(account: str | None = None):
        """A grant valid for a while yet (checked before every stream: a long backfill
        outlives a one-hour token), its header on the data calls; the account's own grant
        for connectors whose accounts each have one (`Auth.per_account`)."""
        ref = conn.credential_ref
        if account is not None and connector.auth.per_account:
            ref = account_ref(ref, account)
        try:
            got = auth.fresh_grant(token_api, connector, creds, ref)
        except GrantExpired as exc:
            conns.set_health(ws.store, connector.source, "expired", str(exc))
            raise
        api.headers.update(auth.headers(connector, got))
        api.renew = auth.renewer(token_api, connector, creds, ref, api)  # a 401 mid-stream
        api.sign = auth.signer(connector, got)  # OAuth 1.0a: each request signed
        api.base = connector.data_base(got.extra)  # an instance URL from the token response
        return got

    grant = None if connector.auth.per_account else authorise()
    today = opts.today or dt.datetime.now(dt.UTC).date()
    for account in conn.accounts:
        streams, native = connector.account(account)
        for stream in connector.streams:
            if streams and stream.name not in streams:
                continue
            if opts.streams and stream.name not in opts.streams:
                continue
            res = StreamResult(connector.source, account, stream.name)
            try:
                grant = authorise(account)
                window = _window(ws, stream, account, opts, today)
                res.window = str(window)
                if on_start:
                    on_start(connector.source, account, stream.name, window)
                api.stream = stream.name
                _sync_stream(ws, api, stream, account, native, window, res)
            except GrantExpired as exc:
                res.status, res.error = "failed", str(exc)
                results.append(res)
                conns.set_health(ws.store, connector.source, "expired", str(exc))
                if on_stream:
                    on_stream(res)
                if connector.auth.per_account:
                    break  # this account's grant only: the other accounts still sync
                return results
            except SocialroiError as exc:
                res.status, res.error = "failed", str(exc)
            except Exception as exc:  # a bug in one connector fails its stream, not the sync
                log.exception("%s/%s %s failed", connector.source, stream.name, account)
                res.status = "failed"
                res.error = f"unexpected {type(exc).__name__} (a bug in socialroi; see the log)"
            results.append(res)
            if on_stream:
                on_stream(res)
    failed = [r for r in results if r.status == "failed"]
    conns.set_health(
        ws.store,
        connector.source,
        "failed" if failed else "ok",
        failed[0].error[:500] if failed else None,
        synced=True,
        expires_at=grant.expires_at if grant else None,
    )
    return results


def _window(ws, stream: Stream, account: str, opts: SyncOptions, today: dt.date) -> Window:
    until = opts.until or today
    # what the platform keeps at all; a stream that does not say keeps what it keeps, and a
    # `--full` sync of it reads its first-sync history
    keeps = stream.max_history_days
    oldest = today - dt.timedelta(days=(keeps or stream.history_days) - 1)
    if opts.since:
        since = opts.since
    elif opts.full:
        since = oldest
    else:
        last = conns.cursor(ws.store, stream.source, account, stream.name)
        if last is None:
            since = today - dt.timedelta(days=stream.history_days - 1)
        else:
            since = last - dt.timedelta(days=stream.lag_days - 1)
    if keeps:
        since = max(since, oldest)
    if since > until:
        raise SocialroiError(f"--since {since} is after --until {until}")
    return Window(since, until)


def _sync_stream(ws, api: Api, stream: Stream, account, native, window: Window, res) -> None:
    """Read and stage the window chunk by chunk (a chunk's JSON is dropped once it is Arrow,
    so a long backfill holds compact columns, not every record), then land it all at once."""
    fetcher = Fetcher(api, account)
    name = f"api:{stream.key} {account} {window}"
    ctx = Context(InputFile(name, b""), ImportOptions(), known_accounts=known_accounts(ws.store))
    digest = hashlib.sha256()
    parts: dict[str, list[pa.Table]] = {}
    for chunk in window.chunks(stream.window_days) if stream.dated else [window]:
        records = _read(fetcher, stream, account, native, chunk)
        res.records += len(records)
        digest.update(json.dumps(records, sort_keys=True, default=str).encode())
        for table, data in _stage(ws, stream, ctx, records, native, account, chunk).items():
            parts.setdefault(table, []).append(data)
        del records
    res.pages = fetcher.pages_read
    unified = {
        t: v[0] if len(v) == 1 else pa.concat_tables(v, promote_options="permissive")
        for t, v in parts.items()
    }
    landing.channel_findings(ctx, unified)
    _land(ws, stream, account, window, ctx, unified, digest.hexdigest(), res)
    res.status = "ok" if res.batch_id is not None else "unchanged"


def _read(fetcher: Fetcher, stream: Stream, account, native, chunk: Window) -> list[dict]:
    try:
        return read_window(fetcher, stream, native, chunk)
    except (SyncFailed, GrantExpired):
        raise
    except SocialroiError as exc:  # a stream's own check of what the API answered
        raise SyncFailed(
            stream.source, stream.name, f"account {account}, {chunk}", str(exc)
        ) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # a custom fetch meeting an answer of a shape it did not check: untrusted input
        raise SyncFailed(
            stream.source, stream.name, f"account {account}, {chunk}",
            f"the API answered with an unexpected shape ({type(exc).__name__})",
        ) from None  # fmt: skip


def _stage(ws, stream: Stream, ctx, records, native, account, chunk: Window) -> dict:
    """One chunk's records as unified Arrow tables; errors name stream, window and record."""
    try:
        staged = stream.to_staged(records, ctx, native)
        return landing.prepare(ws.store, ctx, staged, ws.base_currency, ws.rules)
    except ImportFailed as exc:
        where = f"account {account}, {chunk}"
        if exc.row is not None:
            where += f", record {exc.row}"
        if exc.column is not None:
            where += f", field {exc.column!r}"
        detail = exc.problem + (f"; found {str(exc.value)[:80]!r}" if exc.value is not None else "")
        detail += f", expected {exc.expected}" if exc.expected else ""
        raise SyncFailed(stream.source, stream.name, where, detail) from None
    except SocialroiError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SyncFailed(
            stream.source,
            stream.name,
            f"account {account}, {chunk}",
            f"a record has an unexpected shape ({type(exc).__name__})",
        ) from None


def _land(ws, stream, account, window, ctx, unified, digest: str, res) -> None:
    prefer = ws.store.setting(PREFER_SETTING, "api") or "api"
    with ws.store.transaction() as tx:
        changed: dict[str, pa.Table] = {}
        for table, data in unified.items():
            spec = TABLES[table]
            if prefer == "files" and table in stream.replaces:
                data, kept = _without_file_days(tx, table, data, stream.replaces[table])
                res.kept_files += kept
            rows, new, chg, same = conns.changed_rows(tx, spec, data)
            if spec.kind == "fact":
                res.new, res.changed, res.unchanged = (
                    res.new + new, res.changed + chg, res.unchanged + same,
                )  # fmt: skip
            if rows.num_rows:
                changed[table] = rows
        accounts = _accounts_of(unified)
        superseded = 0
        if prefer == "api" and stream.dated:
            for table, day_col in stream.replaces.items():
                incoming = unified.get(table, pa.table({k: [] for k in TABLES[table].key}))
                superseded += conns.supersede_files(
                    tx, TABLES[table], day_col, accounts, window.since, window.until, incoming
                )
        res.superseded = superseded
        batch_id, landed = None, None
        if changed or superseded:
            batch_id = batches.next_batch_id(tx)
            tables, period = landing.write(tx, batch_id, changed)
            res.tables = tables
            landed = landing.record(
                tx, batch_id, ctx, tables, period or [window.since, window.until],
                name=f"{stream.key} {account} {window}", sha256=digest,
                context=f"api:{stream.key}; account={account}; window={window}",
                source=stream.source, report=stream.name,
                note=f"new={res.new} changed={res.changed} unchanged={res.unchanged} "
                f"file_rows_replaced={superseded}",
            )  # fmt: skip
            res.batch_id = batch_id
        # the rows this stream's last landing wrote (a re-read that changes nothing keeps them)
        conns.set_cursor(
            tx, stream.source, account, stream.name,
            window.until if stream.dated else None, landed, batch_id,
        )  # fmt: skip


def _accounts_of(unified: dict[str, pa.Table]) -> list[str]:
    out: set[str] = set()
    for data in unified.values():
        if "account_id" in data.column_names:
            out |= {a for a in pc.unique(data.column("account_id")).to_pylist() if a}
    return sorted(out)


def _without_file_days(tx, table: str, data: pa.Table, day_col: str) -> tuple[pa.Table, int]:
    accounts = sorted({a for a in pc.unique(data.column("account_id")).to_pylist() if a})
    held = conns.file_days(tx, table, day_col, accounts)
    if not held:
        return data, 0
    keep = [
        (a, d) not in held
        for a, d in zip(
            data.column("account_id").to_pylist(), data.column(day_col).to_pylist(), strict=True
        )
    ]
    out = data.filter(pa.array(keep, type=pa.bool_()))
    return out, data.num_rows - out.num_rows
