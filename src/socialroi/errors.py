"""Errors a user sees: one clear paragraph that says what was wrong and what to do."""

from __future__ import annotations

import difflib


class SocialroiError(Exception):
    """Base class for every error socialroi reports to a user.

    `code` is a stable machine name for the kind of error (the API's problem `code`, listed
    in docs/api.md); the message stays the human text. Subclasses name their own code, and
    `field` / `valid` say which input was wrong and what it may be, when that is known."""

    code = "unprocessable"
    field: str | None = None
    valid: list[str] | None = None


class NotFound(SocialroiError):
    """What was asked for does not exist (a batch, a cost line, a share link, a report)."""

    code = "not_found"


class Conflict(SocialroiError):
    """The change would clash with what is stored (a user name that is taken)."""

    code = "conflict"


class ImportFailed(SocialroiError):
    """A file could not be imported. Nothing from it was stored.

    Carries where the problem is (file, row, column), what was found and what was expected,
    so the CLI, the web upload and tests can all show the same precise message.
    """

    code = "import_failed"

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.problem = problem
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = [f"{self.file}"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where) + f": {self.problem}"
        if self.value is not None:
            shown = str(self.value)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            text += f"; found {shown!r}"
        if self.expected:
            text += f", expected {self.expected}"
        text += ". Nothing was imported from this file."
        if self.hint:
            text += f" {self.hint}"
        return text


class NotAnExport(ImportFailed):
    """The file is not an export socialroi imports (a README, a report it does not support).
    A folder or zip run skips such a file with this reason instead of failing."""

    code = "not_an_export"


class UnknownName(SocialroiError, KeyError):
    """A name looked up in a registry does not exist; the message lists the valid ones."""

    code = "unknown_name"

    def __init__(self, kind: str, name: str, valid: list[str]) -> None:
        self.kind, self.name, self.valid = kind, name, sorted(valid)
        self.field = kind
        close = difflib.get_close_matches(str(name), self.valid, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        super().__init__(f"unknown {kind} {name!r}{hint}; valid: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.args[0]


class SyncFailed(SocialroiError):
    """A stream of a sync could not be read or stored. Nothing of that stream was stored;
    the other streams of the sync are not affected."""

    def __init__(
        self, source: str, stream: str, where: str, problem: str, *, hint: str | None = None
    ) -> None:
        self.source, self.stream, self.where, self.problem, self.hint = (
            source, stream, where, problem, hint,
        )  # fmt: skip
        text = f"{source}/{stream}"
        if where:
            text += f" ({where})"
        text += f": {problem}. Nothing of this stream was stored."
        if hint:
            text += f" {hint}"
        super().__init__(text)


class GrantExpired(SocialroiError):
    """The platform refused the connection's token (expired or revoked): the user must
    connect again. The message names the connection and the command that fixes it."""

    def __init__(self, source: str, detail: str = "") -> None:
        self.source = source
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"the {source} connection's access was refused: the token expired or was revoked"
            f"{why}. Run `socialroi connect {source}` to authorise it again."
        )
