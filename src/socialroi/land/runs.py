"""A run: many files, folders and zips imported in one go, going on past a file it cannot use.

Every file that can be imported is imported (each still its own atomic batch), in an order
that respects what files need of each other: the accounts register first (GA4 properties,
shop time zones and currencies come from it), then the costs ledger and the time split, then
every other export by name, so the order the files were given in changes nothing. A file in
a folder or zip that is not an export (a README, TikTok's FollowerActivity.csv, a demo's
ground truth) is skipped with the reason; a file named on its own that is not an export, or
any file whose import fails, is a failure. The summary counts imported / unchanged /
skipped / failed; only failures make the run fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialroi.errors import NotAnExport, SocialroiError
from socialroi.land import ahead as _ahead
from socialroi.land import groups
from socialroi.land.importer import (
    ImportResult,
    Parsed,
    _hidden,
    detect,
    expand_file,
    import_file,
    interrupted,
)
from socialroi.land.state import RunState
from socialroi.model.channels import ChannelRule
from socialroi.sources.base import Context, ImportOptions, InputFile, Report
from socialroi.sources.kit import limits
from socialroi.sources.kit.tabular import is_spreadsheet
from socialroi.store.duckdb import DuckDBStore

# Reports other files depend on, imported first (lower first); everything else after, by name.
FIRST = {"ledger/accounts": 0, "ledger/costs": 1, "ledger/time_split": 1}


@dataclass
class Plan:
    """What a run will import, in order, and what it already knows it cannot."""

    todo: list[tuple[InputFile, Report]] = field(default_factory=list)
    results: list[ImportResult] = field(default_factory=list)  # skipped and failed
    sha256: list[str] = field(default_factory=list)  # of each file of `todo`, when planned
    # the parse-ahead worker, started while the files were detected (`plan(..., ahead=True)`)
    worker: _ahead.Ahead | None = None


@dataclass
class RunSummary:
    results: list[ImportResult] = field(default_factory=list)
    # what the parse-ahead worker did, when the run started one (`Ahead.report`)
    ahead: dict[str, float] | None = None

    def of(self, status: str) -> list[ImportResult]:
        return [r for r in self.results if r.status == status]

    @property
    def failed(self) -> bool:
        return bool(self.of("failed"))

    def counts(self) -> dict[str, int]:
        return {
            "imported": len(self.of("loaded")),
            "unchanged": len(self.of("unchanged")),
            "skipped": len(self.of("skipped")),
            "failed": len(self.of("failed")),
        }

    def describe(self) -> str:
        c = self.counts()
        text = (
            f"{c['imported']} imported, {c['unchanged']} unchanged, {c['skipped']} skipped as "
            f"not an export, {c['failed']} failed"
        )
        lines = [text]
        for r in self.of("skipped") + self.of("failed"):
            lines.append(f"  {r.status}: {r.file}: {r.reason}")
        return "\n".join(lines)


def _problem(file: str, exc: SocialroiError, status: str) -> ImportResult:
    reason = str(exc).removeprefix(f"{file}: ")
    if status == "skipped":
        reason = reason.replace(" Nothing was imported from this file.", "")
    return ImportResult(file, status, None, reason=reason)


def collect(
    paths: Iterable[str | Path], options: ImportOptions
) -> tuple[list[tuple[InputFile, bool]], list[ImportResult]]:
    """The files under `paths` (each with whether it was named on its own), and a failure for
    each path or zip that cannot be opened. Folders are walked sorted, hidden files left out."""
    files: list[tuple[InputFile, bool]] = []
    failed: list[ImportResult] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            failed.append(ImportResult(str(path), "failed", None, reason="no such file or folder"))
            continue
        if path.is_dir():
            children = sorted(
                c for c in path.rglob("*") if c.is_file() and not _hidden(c.relative_to(path))
            )
            named = [(InputFile.from_path(c), False) for c in children]
        else:
            named = [(InputFile.from_path(path), True)]
        for f, alone in named:
            try:
                members = list(expand_file(f, options))
            except SocialroiError as exc:
                failed.append(_problem(f.name, exc, "failed"))
                continue
            inside = len(members) > 1 or (members and members[0].name != f.name)
            files += [(m, alone and not inside) for m in members]
    return files, failed


def plan(
    paths: Iterable[str | Path], options: ImportOptions | None = None, *, ahead: bool = False
) -> Plan:
    """Detect every file under `paths`; order what can be imported, note what cannot.
    `ahead`: a run follows at once; start its parse-ahead worker now if it may pay, so that
    its start-up overlaps detection (`run` stops it)."""
    options = options or ImportOptions()
    files, out = collect(paths, options)
    result = Plan(results=out)
    if ahead and _ahead.Ahead.may(len(files)):
        result.worker = _ahead.Ahead(len(files))
    # the workbooks' first rows are read in child processes: read while the rest is detected
    limits.read_ahead([(f.name, f.data) for f, _ in files if is_spreadsheet(f)])
    todo = []
    for f, alone in files:
        try:
            report = detect(f, options)
        except NotAnExport as exc:
            result.results.append(_problem(f.name, exc, "failed" if alone else "skipped"))
            continue
        except SocialroiError as exc:
            result.results.append(_problem(f.name, exc, "failed"))
            continue
        todo.append((f, report))
    todo.sort(key=lambda fr: (FIRST.get(fr[1].key, 2), fr[0].name, fr[0].sha256))
    # A file on disk is read again when its turn comes: a run over a large folder does not
    # hold every file's bytes while it imports one (the large demo's 613 MB). Zip members
    # keep theirs.
    result.todo = [(_unread(f), r) for f, r in todo]
    result.sha256 = [f.sha256 for f, _ in todo]
    return result


def _unread(f: InputFile) -> InputFile:
    if f.path is not None and f.path.name == f.name and f.path.is_file():
        return InputFile(f.name, b"", f.path)
    return f


def _read(f: InputFile) -> InputFile:
    """A planned file with its bytes (read now if the plan let them go)."""
    if f.data or f.path is None or f.path.name != f.name:
        return f
    return InputFile.from_path(f.path)


def run(
    store: DuckDBStore,
    paths: Iterable[str | Path],
    options: ImportOptions | None = None,
    *,
    base_currency: str = "USD",
    rules: list[ChannelRule] | None = None,
    force: bool = False,
    on_file: Callable[[ImportResult], None] | None = None,
    planned: Plan | None = None,
) -> RunSummary:
    """Import everything under `paths` that can be imported; see the module docstring."""
    options = options or ImportOptions()
    p = planned or plan(paths, options, ahead=True)
    summary = RunSummary()
    state = RunState(store)

    def emit(res: ImportResult) -> None:
        summary.results.append(res)
        if on_file:
            on_file(res)

    # Parsing ahead in a second process (`land.ahead`) when the run has enough files for it;
    # a file whose content is already a batch is not sent (it is not parsed).
    def wanted(i: int) -> bool:
        if force or i >= len(p.sha256):
            return True
        return not state.loaded_batch(p.sha256[i], p.todo[i][0].context(options))

    worker: _ahead.Ahead | None = None
    where = {id(f): i for i, (f, _) in enumerate(p.todo)}
    at = [-1]  # the index in p.todo of the file being imported
    parse_cpu = [0.0]  # the worker's CPU seconds for the file being imported

    def from_worker(f: InputFile, report: Report, ctx: Context) -> Parsed | None:
        if worker is None:
            return None
        got = worker.take(at[0], f, report, ctx.known_accounts)
        parse_cpu[0] = got.cpu if got is not None else 0.0
        if got is None and worker.busy(at[0]):
            ctx.threads = 1
        return got

    def attempt(f: InputFile, report: Report, tx: Any = None, index: int = -1) -> ImportResult:
        at[0], parse_cpu[0] = where.get(id(f), index), 0.0
        with groups.timed() as took:
            res = import_file(
                store, _read(f), options, base_currency=base_currency, rules=rules,
                force=force, report=report, state=state, tx=tx, ahead=from_worker,
            )  # fmt: skip
        res.seconds, res.cpu = took()
        res.cpu += parse_cpu[0]
        return res

    def alone(f: InputFile, report: Report) -> ImportResult:
        index = where.get(id(f), -1)
        with groups.timed() as took:
            try:
                f = _read(f)
            except OSError as exc:  # gone or unreadable since the plan read it
                return ImportResult(f.name, "failed", None, reason=f"cannot read the file: {exc}")
            try:
                return attempt(f, report, index=index)
            except SocialroiError as exc:
                res = _problem(f.name, exc, "failed")
            except Exception as exc:
                if interrupted(exc):  # Ctrl-C inside a query
                    raise KeyboardInterrupt from exc
                raise
        res.seconds, res.cpu = took()
        return res

    for res in p.results:
        emit(res)
    with store.bulk():
        grouper = groups.Grouper(store, state, attempt, alone, emit)
        try:
            worker, p.worker = p.worker, None
            if worker is not None and not _ahead.Ahead.worth(p.todo, wanted):
                worker.close()
                worker = None
            elif worker is None and _ahead.Ahead.worth(p.todo, wanted):
                worker = _ahead.Ahead(len(p.todo))
            if worker is not None:
                worker.begin(p.todo, options, wanted)
            # The accounts register lands first: a parse depends on what it holds, so the
            # worker gets files from then on (a later batch that changes it still may make a
            # parse sent before it useless: that file is parsed again).
            register = max((i for i, (_, r) in enumerate(p.todo) if FIRST.get(r.key) == 0),
                           default=-1)  # fmt: skip
            for i, (f, report) in enumerate(p.todo):
                if worker is not None and i > register:
                    worker.advance(i, state.accounts())
                if groups.small(f):
                    grouper.add(f, report)
                else:  # a large file lands alone, after the group before it
                    grouper.flush()
                    emit(alone(f, report))
            grouper.flush()
        except BaseException:
            grouper.abandon()
            raise
        finally:
            limits.forget_workbooks()
            if worker is not None:
                worker.close()
                summary.ahead = worker.report()
    return summary
