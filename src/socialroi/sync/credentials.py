"""Tokens, kept outside the workspace: a 0600 file in the user's config directory.

The workspace records a connection and a *reference* (a random id); the secrets live in
`$SOCIALROI_CONFIG_DIR/credentials.json` (default `$XDG_CONFIG_HOME/socialroi`, else
`~/.config/socialroi`), a file only its owner may read (directory 0700, file 0600). With
`SOCIALROI_CREDENTIALS=keyring` and the `keyring` package installed, each secret goes to the
OS keyring instead (macOS Keychain, Windows Credential Locker, Secret Service).

Every write is atomic: a new file is written, flushed to disk and renamed over the old one,
so a crash leaves the old secrets or the new ones, never half of each. This matters for
platforms that rotate the refresh token on every refresh: the new refresh token is saved
*before* the new access token is used (`sync.auth`).

`Grant.__repr__` shows no secret, so a grant in a log line or a traceback leaks nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from socialroi.errors import SocialroiError

KEYRING_SERVICE = "socialroi"


@dataclass
class Grant:
    """What a platform gave: the access token, and what renews it."""

    access_token: str
    refresh_token: str | None = None
    expires_at: dt.datetime | None = None  # UTC; None: does not expire
    client_id: str | None = None  # the app that holds the grant (needed to refresh)
    client_secret: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. Salesforce's instance_url
    # UTC; when the refresh token itself stops working (LinkedIn: a year, TikTok: a year);
    # None: the platform does not say (or the grant has no refresh token)
    refresh_expires_at: dt.datetime | None = None

    def __repr__(self) -> str:
        return (
            f"Grant(expires_at={self.expires_at}, refreshable={bool(self.refresh_token)}, "
            f"refresh_expires_at={self.refresh_expires_at})"
        )

    @property
    def lapses_at(self) -> dt.datetime | None:
        """When the grant stops working unless the user consents again: the refresh token's
        end when it can be refreshed, else the access token's; None: no known end."""
        if self.refresh_token:
            return self.refresh_expires_at
        return self.expires_at

    __str__ = __repr__

    def expires_within(self, seconds: float, now: dt.datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        now = now or dt.datetime.now(dt.UTC)
        return (self.expires_at - now).total_seconds() < seconds

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        d["refresh_expires_at"] = (
            self.refresh_expires_at.isoformat() if self.refresh_expires_at else None
        )
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Grant:
        d = dict(d)
        for key in ("expires_at", "refresh_expires_at"):
            if d.get(key):
                d[key] = dt.datetime.fromisoformat(d[key])
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def config_dir() -> Path:
    given = os.environ.get("SOCIALROI_CONFIG_DIR")
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg else Path.home() / ".config") / "socialroi"


def new_ref() -> str:
    return secrets.token_hex(16)


def account_ref(ref: str, account: str) -> str:
    """Where one account's own grant is kept (connectors with `Auth.per_account`)."""
    return f"{ref}/{account}"


class Credentials:
    """The secrets of every connection of this OS user, by reference."""

    def __init__(self, directory: Path | None = None) -> None:
        self.dir = directory or config_dir()
        self.path = self.dir / "credentials.json"
        self.keyring = _keyring() if os.environ.get("SOCIALROI_CREDENTIALS") == "keyring" else None

    @property
    def where(self) -> str:
        return "the OS keyring" if self.keyring else str(self.path)

    def get(self, ref: str) -> Grant | None:
        if self.keyring is not None:
            raw = self.keyring.get_password(KEYRING_SERVICE, ref)
            return Grant.from_json(json.loads(raw)) if raw else None
        got = self._read().get(ref)
        return Grant.from_json(got) if got else None

    def put(self, ref: str, grant: Grant) -> None:
        if self.keyring is not None:
            self.keyring.set_password(KEYRING_SERVICE, ref, json.dumps(grant.to_json()))
            return
        data = self._read()
        data[ref] = grant.to_json()
        self._write(data)

    def delete(self, ref: str) -> None:
        if self.keyring is not None:
            if self.keyring.get_password(KEYRING_SERVICE, ref) is not None:
                self.keyring.delete_password(KEYRING_SERVICE, ref)
            return
        data = self._read()
        if data.pop(ref, None) is not None:
            self._write(data)

    # -- the file ------------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        mode = self.path.stat().st_mode & 0o777
        if mode & 0o077:
            raise SocialroiError(
                f"{self.path} can be read by other users (mode {mode:o}); "
                f"run `chmod 600 {self.path}` and connect again if its tokens may have leaked"
            )
        try:
            got = json.loads(self.path.read_text())
        except ValueError:
            raise SocialroiError(
                f"{self.path} is damaged; delete it and connect the sources again"
            ) from None
        return got if isinstance(got, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".credentials.", dir=self.dir)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dfd = os.open(self.dir, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _keyring() -> Any:
    if importlib.util.find_spec("keyring") is None:
        raise SocialroiError(
            "SOCIALROI_CREDENTIALS=keyring needs the keyring package: pip install keyring"
        )
    return importlib.import_module("keyring")
