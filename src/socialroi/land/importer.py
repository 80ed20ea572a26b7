"""Import: file -> detected report -> staged rows -> unified rows -> one atomic batch.

Guarantees, in this order:
- the same bytes imported again change nothing (the file's SHA-256 is already a batch);
- a file that fails anywhere (detection, parsing, validation, loading) stores nothing;
- every row written carries the batch id; overlapping exports replace by natural key;
- rows that cannot be used are counted as data-quality findings of the batch.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from socialroi.errors import ImportFailed, NotAnExport, SocialroiError
from socialroi.land import landing, resident
from socialroi.land.state import RunState
from socialroi.model.channels import ChannelRule
from socialroi.sources import load_all
from socialroi.sources.base import (
    REPORTS,
    UNSUPPORTED,
    Context,
    Finding,
    ImportOptions,
    InputFile,
    Report,
    Resident,
    get_report,
)
from socialroi.sources.kit import limits
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.tabular import TextDamaged, unreadable_text
from socialroi.store import batches
from socialroi.store.duckdb import DuckDBStore
from socialroi.unify.canonical import staged_to_arrow

DETECT_THRESHOLD = 0.5

SOURCE_ALIASES = {"instagram": "meta", "facebook": "meta", "twitter": "x", "ga": "ga4"}


@dataclass
class ImportResult:
    file: str
    status: str  # loaded, unchanged; in a run also skipped (not an export) and failed
    batch_id: int | None
    source: str = ""
    report: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_skipped: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    reason: str = ""  # why a file was skipped or failed (the error's message)
    # time spent on this file (wall, and CPU of the whole process): reading, parsing, landing,
    # and its share of a group's commit (`land.groups`); 0 for a file a run did not read
    seconds: float = 0.0
    cpu: float = 0.0

    def describe(self) -> str:
        if self.status in ("skipped", "failed"):
            return f"{self.file}: {self.status}: {self.reason}"
        if self.status == "unchanged":
            return f"{self.file}: already imported as batch {self.batch_id}; nothing changed"
        tables = ", ".join(f"{n} {t}" for t, n in self.tables.items())
        text = (
            f"{self.file}: {self.source}/{self.report} -> batch {self.batch_id}, "
            f"{self.rows_loaded} rows ({tables})"
        )
        if self.rows_skipped:
            text += f", {self.rows_skipped} skipped"
        if self.findings:
            text += f", {self.findings} data-quality finding(s)"
        return text


# -- finding the files ---------------------------------------------------------------------


def expand(
    paths: Iterable[str | Path], options: ImportOptions | None = None
) -> Iterator[InputFile]:
    """Files, folders (recursively, sorted) and zips (unless a report takes the whole zip)."""
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise SocialroiError(f"{path}: no such file or folder")
        if path.is_dir():
            children = sorted(
                c for c in path.rglob("*") if c.is_file() and not _hidden(c.relative_to(path))
            )
            for c in children:
                yield from expand_file(InputFile.from_path(c), options)
        else:
            yield from expand_file(InputFile.from_path(path), options)


def _hidden(rel: Path) -> bool:
    return any(part.startswith((".", "__MACOSX")) for part in rel.parts)


def expand_file(file: InputFile, options: ImportOptions | None = None) -> Iterator[InputFile]:
    if not file.is_zip:
        yield file
        return
    limits.check_file(file.name, file.data)  # sizes and ratios before any member is read
    load_all()
    if options is not None and options.platform:
        source = SOURCE_ALIASES.get(options.platform.lower(), options.platform.lower())
        named = get_report(source, options.report)
        if len(named) == 1 and named[0].accepts_zip:
            yield file
            return
    if _whole_zip(Sniff(file)):
        yield file
        return
    members = file.zip_members()  # bounded: a damaged zip or a zip bomb is an ImportFailed
    for name, data in sorted(members.items()):
        yield from expand_file(InputFile(f"{file.name}/{name}", data, file.path), options)


def _whole_zip(sniff: Sniff) -> bool:
    """Whether a report takes the whole zip; a detector that chokes on a damaged member
    says "not mine", and the members are then read (and refused) one by one."""
    for r in REPORTS.values():
        try:
            if r.accepts_zip and r.detect(sniff) >= DETECT_THRESHOLD:
                return True
        except Exception:  # noqa: BLE001, S112 - damage is reported when the members are read
            continue
    return False


# -- detection -----------------------------------------------------------------------------


def detect(file: InputFile, options: ImportOptions) -> Report:
    load_all()
    if not file.data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFailed(file.name, "the file is empty", expected="an export with rows")
    if options.platform:
        source = SOURCE_ALIASES.get(options.platform.lower(), options.platform.lower())
        candidates = get_report(source, options.report)
        if len(candidates) == 1:
            return candidates[0]
    else:
        candidates = list(REPORTS.values())
    sniff = Sniff(file)
    scored = []
    for r in candidates:
        try:
            score = float(r.detect(sniff))
        except Exception:  # noqa: BLE001 - a detector that chokes on odd bytes says "not mine"
            score = 0.0
        if score > 0:
            scored.append((score, r.key, r))
    scored.sort(key=lambda x: (-x[0], x[1]))
    if (not scored or scored[0][0] < DETECT_THRESHOLD) and sniff.damage:
        raise ImportFailed(
            file.name, sniff.damage, expected="an export file as the platform wrote it"
        )
    if not scored or scored[0][0] < DETECT_THRESHOLD:
        raise not_an_export(file, sniff)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        tied = [k for s, k, _ in scored if s == scored[0][0]]
        raise ImportFailed(
            file.name,
            f"this file matches several export formats equally well ({', '.join(tied)})",
            hint="Name the format with --platform and --report.",
        )
    return scored[0][2]


def not_an_export(file: InputFile, sniff: Sniff) -> NotAnExport:
    """The error for a file no report takes: for a report socialroi knows but does not
    import, which one of that platform to download instead."""
    for u in UNSUPPORTED:
        try:
            hit = float(u.detect(sniff)) >= DETECT_THRESHOLD
        except Exception:  # noqa: BLE001 - odd bytes are simply not that report
            hit = False
        if hit:
            return NotAnExport(
                file.name,
                f"this is a {u.title}, which socialroi does not import",
                hint=f"Download {u.instead} instead.",
            )
    seen = _header_seen(sniff)
    return NotAnExport(
        file.name,
        "this file is not an export socialroi recognises: no export's columns are all in its "
        "header (a column renamed or deleted?)"
        if seen
        else "this file is not an export socialroi recognises",
        value=seen,
        expected="the header of a supported export" if seen else None,
        hint="Run `socialroi formats` to see the supported exports, or name the format "
        "with --platform and --report.",
    )


def _header_seen(sniff: Sniff) -> str | None:
    """The widest of the first rows (the likely header), to show what detection looked at."""
    try:
        rows = sniff.rows or next(iter(sniff.sheets.values()), [])
    except Exception:  # noqa: BLE001 - nothing to show
        return None
    rows = [[str(c).strip() for c in r if c not in (None, "")] for r in rows[:30]]
    best = max(rows, key=len, default=[])
    return ", ".join(best)[:200] if len(best) >= 2 else None


# -- the import ----------------------------------------------------------------------------


def import_file(
    store: DuckDBStore,
    file: InputFile,
    options: ImportOptions | None = None,
    *,
    base_currency: str = "USD",
    rules: list[ChannelRule] | None = None,
    force: bool = False,
    report: Report | None = None,
    state: RunState | None = None,
    tx: duckdb.DuckDBPyConnection | None = None,
    ahead: Callable[[InputFile, Report, Context], Parsed | None] | None = None,
) -> ImportResult:
    """Import one file as one batch. `force` re-reads a file already imported (its rows
    replace themselves, so totals do not change) — for a corrected parser or channel rules.
    `report` is the file's report when a run has detected it already; `state` what the run
    has read of the workspace (a single file's import reads it afresh); `tx` the open
    transaction of a group of files (`land.groups`) the batch joins instead of committing
    on its own; `ahead(file, report, ctx)` the file's parse done ahead by a run's worker
    (`land.ahead`) from these bytes and the context's known accounts, or None: it is parsed
    here with `ctx` (which the run sets to one DuckDB thread while its worker parses beside
    it, `Context.threads`)."""
    options = options or ImportOptions()
    state = state or RunState(store)
    context = file.context(options)
    known = None if force else state.loaded_batch(file.sha256, context)
    if known:
        return ImportResult(file.name, "unchanged", known)
    limits.check_file(file.name, file.data)
    report = report or detect(file, options)
    # A parser that shapes rows in SQL does so on the connection the file lands through (the
    # group's, else the store's), and may leave a large table's rows there (`land.resident`).
    accounts = state.accounts()
    ctx = Context(file, options, known_accounts=accounts,
                  engine=resident.engine(store, tx), keep=True)  # fmt: skip
    parsed = ahead(file, report, ctx) if ahead is not None else None
    left: list = []  # tables the file left on the connection, dropped when it is done
    try:
        return _import(store, file, report, ctx, parsed, base_currency, rules, state, context,
                       force, tx, left)  # fmt: skip
    finally:
        for table, data in left:
            resident.release(table, data)


def _import(
    store: DuckDBStore,
    file: InputFile,
    report: Report,
    ctx: Context,
    parsed: Parsed | None,
    base_currency: str,
    rules: list[ChannelRule] | None,
    state: RunState,
    context: str,
    force: bool,
    tx: duckdb.DuckDBPyConnection | None,
    left: list,
) -> ImportResult:
    try:
        if parsed is None:
            staged = report.parse(file, ctx)
            left += [(t, d) for t, d in staged.items() if isinstance(d, Resident)]
            arrow = landing.checked(ctx, staged)
            del staged
        else:
            arrow = parsed.restore(ctx)
        del parsed
        unified = landing.unify_checked(store, ctx, arrow, base_currency, rules, state)
        del arrow  # a large file's parsed rows are not kept beside their unified copy
    except (ImportFailed, SocialroiError) as exc:
        if interrupted(exc):  # a parser that read DuckDB's "Query interrupted" as damage
            raise KeyboardInterrupt from exc
        raise
    except (TextDamaged, UnicodeDecodeError) as exc:  # the kit's own sentence
        raise ImportFailed(file.name, unreadable_text(exc)) from None
    except pd.errors.OutOfBoundsDatetime as exc:
        found = re.search(r"\d{1,4}-\d{2}-\d{2}[ T\d:.]*", str(exc))
        raise ImportFailed(
            file.name,
            "a date or time lies outside any export's range (the file is damaged or edited)",
            value=found.group(0).strip() if found else None,
            expected="dates from 2000 up to the day of the export",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - damaged files must end in a clear error
        if interrupted(exc):
            raise KeyboardInterrupt from exc
        raise _unreadable(file, report) from exc
    landing.channel_findings(ctx, unified)
    unified = landing.leave_synced_days(store, ctx, unified, state)
    result = _load(store, file, report, ctx, unified, context, force, tx)
    state.landed(file.sha256, context, result.batch_id, unified.get("accounts"))
    return result


@dataclass
class Parsed:
    """A file's parse and checks done elsewhere (`land.ahead`): its checked Arrow tables and
    what the parse said (findings, rows read and skipped), and the CPU seconds it took."""

    tables: dict[str, pa.Table]
    findings: list[Finding]
    rows_read: int
    rows_skipped: int
    cpu: float = 0.0

    def restore(self, ctx: Context) -> dict[str, pa.Table]:
        """The tables, with `ctx` as the parse left it."""
        ctx.findings[:] = self.findings
        ctx.rows_read, ctx.rows_skipped = self.rows_read, self.rows_skipped
        return self.tables


def parse_checked(report: Report, file: InputFile, ctx: Context) -> dict[str, pa.Table]:
    """Parse a file and check its rows (what needs no workspace): checked Arrow tables."""
    return landing.checked(ctx, report.parse(file, ctx))


def interrupted(exc: BaseException) -> bool:
    """Whether an error is a Ctrl-C: DuckDB stops a query on Ctrl-C and raises its own
    error ("Query interrupted", caused by the KeyboardInterrupt), which must stop the run,
    not count as a damaged file."""
    seen: BaseException | None = exc
    for _ in range(20):  # a chain of causes is short; a cycle must not loop
        if seen is None:
            return False
        if isinstance(seen, (KeyboardInterrupt, duckdb.InterruptException)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unreadable(file: InputFile, report: Report) -> ImportFailed:
    """A sentence for what a parser or the unify step did not foresee; the exception's own
    text (internal wording) is never the message."""
    return ImportFailed(
        file.name,
        f"the file could not be read as a {report.title}: it is damaged or its layout "
        "differs from the export's",
        expected=f"a {report.title} as the platform wrote it, unchanged",
    )


def _load(
    store: DuckDBStore,
    file: InputFile,
    report: Report,
    ctx: Context,
    unified: dict,
    context: str,
    force: bool,
    group: duckdb.DuckDBPyConnection | None,
) -> ImportResult:
    with contextlib.nullcontext(group) if group is not None else store.transaction() as tx:
        batch_id = batches.next_batch_id(tx)
        if force:  # otherwise no batch of this content and context is loaded (checked above)
            batches.supersede(tx, file.sha256, context)
        tables, period = landing.write(tx, batch_id, unified)
        loaded = landing.record(
            tx, batch_id, ctx, tables, period,
            name=file.name, sha256=file.sha256, context=context, source=report.source,
            report=report.name,
        )  # fmt: skip
    return ImportResult(
        file.name,
        "loaded",
        batch_id,
        report.source,
        report.name,
        ctx.rows_read,
        loaded,
        ctx.rows_skipped,
        tables,
        len(ctx.findings),
    )


def staged_frames_to_arrow(staged: dict[str, pd.DataFrame]) -> dict[str, pa.Table]:
    """For tests and the Spark check: staging frames as typed Arrow tables."""
    return {t: staged_to_arrow(t, f) for t, f in staged.items() if f is not None and len(f)}
