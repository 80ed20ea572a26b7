"""The contract between an export file and the workspace.

A `Report` knows one native export format: `detect(sniff)` scores how sure it is that a file
is of its kind (0 = no, 1 = certain), and `parse(file, ctx)` turns it into *staging frames*:
pandas DataFrames keyed by canonical table name, holding canonical column names (see
`socialroi.model.schema`). Parsers do the format-specific cleaning (headers, totals, number
and date formats, time zones to UTC); `socialroi.unify` then does what every source shares
(base-currency amounts, channel rules) as Ibis expressions.

Staging conventions, per table:
- ids are prefixed (`post_id = "tiktok:7311..."`, `account_id = "tiktok:voltiq.us"`); use
  `account_id()` and `prefixed()`;
- timestamps are tz-aware UTC (`to_utc`); dates are `datetime.date` in the account's clock;
- money columns keep the original amount plus a `currency` column; `unify` adds `*_base`;
- touchpoints and conversions carry raw source/medium/referrer/landing page (URL-decoded);
  `unify` lower-cases them and derives channel, channel_platform, paid and rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from socialroi.errors import ImportFailed, UnknownName
from socialroi.sources import load_all
from socialroi.sources.kit import limits

if TYPE_CHECKING:  # detection reads a Sniff, which is built on InputFile: no runtime import
    from socialroi.sources.kit.sniff import Sniff

PLATFORMS = ("tiktok", "instagram", "facebook", "x", "pinterest", "youtube", "linkedin")


@dataclass
class ImportOptions:
    """What the user may tell the importer that a file does not say itself."""

    platform: str | None = None  # override detection: the source (tiktok, meta, ga4, ...)
    report: str | None = None  # override detection: the report name within the source
    account: str | None = None  # handle for exports that do not name their account
    market: str | None = None  # ISO country of that account
    currency: str | None = None  # currency for exports that do not state it
    timezone: str | None = None  # IANA time zone for exports that do not state it
    year: int | None = None  # year for exports whose dates have none
    # CRM deal stage label -> won / lost / open, for custom pipeline stages (a workspace
    # setting: `socialroi import --deal-stage "Contract signed=won"`)
    deal_stages: dict[str, str] | None = None


@dataclass
class InputFile:
    """One file to import: a path on disk or a member of a zip, as bytes."""

    name: str
    data: bytes
    path: Path | None = None

    @classmethod
    def from_path(cls, path: Path) -> InputFile:
        return cls(name=path.name, data=path.read_bytes(), path=path)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()

    @cached_property
    def is_zip(self) -> bool:
        return self.data[:4] == b"PK\x03\x04" and self.suffix not in (".xlsx", ".xlsm")

    def zip_members(self) -> dict[str, bytes]:
        """The files of the zip, each unpacked within the bounds of `kit.limits` (raises
        `ImportFailed` naming this file for a damaged archive or a zip bomb)."""
        return limits.zip_members(self.name, self.data)

    def context(self, options: ImportOptions) -> str:
        """Everything besides the bytes that can change what an import stores: the file's
        name (dates, page names), its @handle folder and the user's options."""
        opts = {k: v for k, v in vars(options).items() if v is not None}
        parts = [f"name={Path(self.name).name}"]
        if self.folder_hint:
            parts.append(f"folder={self.folder_hint}")
        parts += [f"{k}={v}" for k, v in sorted(opts.items())]
        return "; ".join(parts)

    @property
    def folder_hint(self) -> str | None:
        """Name of the containing folder, used as the account for exports that lack one."""
        if self.path is not None:
            for parent in self.path.parents:
                if parent.name.startswith("@"):
                    return parent.name
        return None


@dataclass
class Finding:
    kind: str
    message: str
    row_number: int | None = None
    column: str | None = None
    value: str | None = None
    rows: int = 1


@dataclass
class Context:
    """Given to a parser: the file, the user's options, and where findings and errors go."""

    file: InputFile
    options: ImportOptions = field(default_factory=ImportOptions)
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0
    # What the workspace already knows of accounts (from the accounts register or earlier
    # imports): account_id -> {"timezone", "currency", "market", "name", "kind"}. Parsers use
    # it for exports that do not state an account's time zone or currency.
    known_accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Where a parser that shapes rows in SQL runs its scratch tables: a context manager
    # yielding a DuckDB connection. The importer gives the connection the file lands through
    # (one bounded memory for the whole run); None: a scratch database of its own
    # (`kit.scratch`).
    engine: Callable[[], Any] | None = None
    # True: the connection `engine` gives outlives the parse and is the one the file lands
    # through. A parser may then leave a large table's rows there (`Resident`) instead of
    # handing them over as Arrow, and drops its other scratch tables before it returns.
    keep: bool = False
    # DuckDB threads a parse in SQL may use on `engine` (None: the connection's own setting).
    # A run sets 1 while its parse-ahead worker parses beside it (`land.ahead`): two parses,
    # each on one of the two cores, instead of three threads on two.
    threads: int | None = None

    @property
    def account_timezones(self) -> dict[str, str]:
        return {a: v["timezone"] for a, v in self.known_accounts.items() if v.get("timezone")}

    @property
    def account_currencies(self) -> dict[str, str]:
        return {a: v["currency"] for a, v in self.known_accounts.items() if v.get("currency")}

    def finding(
        self,
        kind: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        rows: int = 1,
    ) -> None:
        self.findings.append(
            Finding(kind, message, row, column, None if value is None else str(value)[:200], rows)
        )

    def fail(
        self,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> ImportFailed:
        """Build the error to raise: `raise ctx.fail(...)`."""
        return ImportFailed(
            self.file.name,
            problem,
            row=row,
            column=column,
            value=value,
            expected=expected,
            hint=hint,
        )

    def account_handle(self, platform: str) -> str:
        """The account of an export that does not name it: --account, or a folder `@handle`."""
        handle = self.options.account or self.file.folder_hint
        if not handle:
            raise self.fail(
                f"this {platform} export does not say which account it belongs to",
                hint="Pass --account @handle, or put the file in a folder named @handle.",
            )
        return handle


@dataclass
class Resident:
    """A table's rows a parser left in a temporary table of the connection `Context.engine`
    gave it (only when `Context.keep`): the landing path checks, unifies and stores them
    there in SQL, without an Arrow copy of a large file's rows (`land.resident`).

    `columns`: the canonical columns the table holds (it may hold others); `order`: how its
    rows are ordered as the parser gives them (the rows findings name)."""

    con: Any
    table: str
    columns: list[str]
    rows: int
    order: str  # SQL ORDER BY terms giving the parser's order of the rows
    schema: pa.Schema | None = None  # once typed: the Arrow schema of `columns` and `_row`

    @property
    def column_names(self) -> list[str]:
        return self.columns

    @property
    def num_rows(self) -> int:
        return self.rows

    def __len__(self) -> int:
        return self.rows


# What a parser hands over per canonical table: a pandas frame, or an Arrow table when the
# parser typed its rows in the database (GA4 events), or those rows left in the database
# (`Resident`); `unify.canonical.staged_to_arrow` takes a frame or Arrow.
Staged = dict[str, pd.DataFrame | pa.Table | Resident]


@dataclass(frozen=True)
class Report:
    source: str  # tiktok, meta, x, pinterest, youtube, linkedin, ga4, shopify, hubspot, ...
    name: str  # report kind within the source, e.g. studio_overview
    title: str  # human name, e.g. "TikTok Studio Overview export"
    detect: Callable[[Sniff], float]
    parse: Callable[[InputFile, Context], Staged]
    accepts_zip: bool = False  # the whole zip is this report (YouTube Studio export)
    # The parse shapes its rows in DuckDB (`Context.engine`) at seconds per file: it costs the
    # main process as much as the parse-ahead worker, so a run of such files is shared
    # between them, the worker taking it from the back (`land.ahead`).
    in_sql: bool = False

    @property
    def key(self) -> str:
        return f"{self.source}/{self.name}"


REPORTS: dict[str, Report] = {}


def register_report(report: Report) -> Report:
    if report.key in REPORTS:
        raise ValueError(f"report {report.key} is registered twice")
    REPORTS[report.key] = report
    return report


def report(
    source: str,
    name: str,
    title: str,
    *,
    detect: Callable[[Sniff], float],
    accepts_zip: bool = False,
    in_sql: bool = False,
) -> Callable[[Callable[[InputFile, Context], Staged]], Callable[[InputFile, Context], Staged]]:
    """Decorator: register `parse` as the parser of a report kind."""

    def wrap(fn: Callable[[InputFile, Context], Staged]) -> Callable[[InputFile, Context], Staged]:
        register_report(Report(source, name, title, detect, fn, accepts_zip, in_sql))
        return fn

    return wrap


@dataclass(frozen=True)
class Unsupported:
    """A report a platform offers that socialroi does not import: recognised only to say so,
    and which report of that platform to download instead."""

    source: str
    title: str  # the platform's name for it, e.g. "Meta Business Suite Audience export"
    detect: Callable[[Sniff], float]
    instead: str  # what to download instead, in the platform's words


UNSUPPORTED: list[Unsupported] = []


def unsupported(
    source: str, title: str, *, detect: Callable[[Sniff], float], instead: str
) -> Unsupported:
    """Register a known but unsupported report (see `Unsupported`)."""
    u = Unsupported(source, title, detect, instead)
    UNSUPPORTED.append(u)
    return u


def get_report(source: str, name: str | None = None) -> list[Report]:
    load_all()
    sources = sorted({r.source for r in REPORTS.values()})
    if source not in sources:
        raise UnknownName("platform/source", source, sources)
    found = [r for r in REPORTS.values() if r.source == source]
    if name is not None:
        names = [r.name for r in found]
        if name not in names:
            raise UnknownName(f"{source} report", name, names)
        found = [r for r in found if r.name == name]
    return found


def account_id(platform: str, handle: str) -> str:
    h = str(handle).strip()
    h = h[1:] if h.startswith("@") else h
    return f"{platform}:{h.lower()}"


def prefixed(platform: str, native: Any) -> str:
    return f"{platform}:{native}"
