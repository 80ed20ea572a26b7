"""The dashboard's own tables inside the workspace file: users, sessions, API tokens, login
attempts and the audit log.

They are created idempotently (`CREATE TABLE IF NOT EXISTS`) the first time the dashboard or
`socialroi users` opens a workspace, so they stay out of the canonical data model and its
migrations. Every statement is parameterised; each call uses its own DuckDB cursor, under
the workspace lock, so request threads never share a connection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from socialroi.errors import SocialroiError

ROLES = ("viewer", "analyst", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
SESSION_HOURS = 12
LOGIN_WINDOW_MINUTES = 15
LOGIN_MAX_FAILURES = 5
TOKEN_TTL = 30.0  # seconds a checked API token is remembered

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS web_users (
        user_id BIGINT, username VARCHAR, password_hash VARCHAR, role VARCHAR,
        active BOOLEAN, created_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS web_sessions (
        token_hash VARCHAR, user_id BIGINT, csrf VARCHAR, created_at TIMESTAMPTZ,
        expires_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS web_api_tokens (
        token_id BIGINT, token_hash VARCHAR, user_id BIGINT, name VARCHAR,
        created_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ, revoked BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS web_login_attempts (
        username VARCHAR, ip VARCHAR, attempted_at TIMESTAMPTZ, ok BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS web_profiles (
        name VARCHAR, format VARCHAR, text VARCHAR, saved_by VARCHAR, saved_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS web_audit_log (
        logged_at TIMESTAMPTZ, actor VARCHAR, action VARCHAR, target VARCHAR, details VARCHAR)""",
)

_hasher = PasswordHasher()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def saved_profile(store, name: str) -> tuple[str, str] | None:
    """A custom profile saved from the dashboard: (format, text), or None (also when the
    dashboard never ran on this workspace)."""
    with store.cursor() as cur:
        known = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'web_profiles'"
        ).fetchone()[0]
        if not known:
            return None
        row = cur.execute("SELECT format, text FROM web_profiles WHERE name = ?", [name]).fetchone()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class User:
    user_id: int
    username: str
    role: str
    active: bool = True

    def can(self, role: str) -> bool:
        return self.active and RANK[self.role] >= RANK[role]


class WebStore:
    """Users, sessions, tokens and audit log of one workspace. `lock` serialises every use of
    the workspace's DuckDB file by the web app (DuckDB connections are not shared across
    threads without one)."""

    def __init__(self, ws, lock: threading.RLock | None = None) -> None:
        self.ws = ws
        self.lock = lock or threading.RLock()
        self._tokens: dict[str, tuple[float, User]] = {}  # digest -> (checked at, user)
        self._cursor_lock = threading.RLock()
        with self.cursor() as cur:
            for stmt in SCHEMA:
                cur.execute(stmt)

    @contextmanager
    def cursor(self):
        """A cursor of its own (DuckDB: a separate connection to the same database), so these
        short queries need not wait for a long computation holding the workspace lock. They
        run one at a time: two request threads updating the same row (a token's last use)
        would otherwise conflict."""
        with self._cursor_lock:
            cur = self.ws.store.raw.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def cached_token_user(self, token: str) -> User | None:
        """The token's user if it was checked less than TOKEN_TTL seconds ago (no query)."""
        hit = self._tokens.get(_digest(token))
        return hit[1] if hit and time.monotonic() - hit[0] < TOKEN_TTL else None

    # -- users ---------------------------------------------------------------------------
    def add_user(self, username: str, password: str, role: str, actor: str = "cli") -> User:
        username = username.strip()
        if role not in ROLES:
            raise SocialroiError(f"unknown role {role!r}; valid: {', '.join(ROLES)}")
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise SocialroiError("a user name is 1-64 characters without spaces")
        if len(password) < 8:
            raise SocialroiError("a password needs at least 8 characters")
        with self.cursor() as cur:
            if cur.execute(
                "SELECT 1 FROM web_users WHERE lower(username) = lower(?)", [username]
            ).fetchone():
                raise SocialroiError(f"user {username!r} already exists")
            uid = cur.execute("SELECT coalesce(max(user_id), 0) + 1 FROM web_users").fetchone()[0]
            cur.execute(
                "INSERT INTO web_users VALUES (?, ?, ?, ?, true, ?)",
                [uid, username, _hasher.hash(password), role, now()],
            )
        self.audit(actor, "user.add", username, {"role": role})
        return User(int(uid), username, role)

    def users(self) -> list[User]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT user_id, username, role, active FROM web_users ORDER BY user_id"
            ).fetchall()
        return [User(int(a), b, c, bool(d)) for a, b, c, d in rows]

    def user(self, user_id: int) -> User | None:
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT user_id, username, role, active FROM web_users WHERE user_id = ?",
                [user_id],
            ).fetchone()
        return User(int(row[0]), row[1], row[2], bool(row[3])) if row else None

    def set_role(self, user_id: int, role: str, actor: str) -> None:
        self.forget_tokens()
        if role not in ROLES:
            raise SocialroiError(f"unknown role {role!r}; valid: {', '.join(ROLES)}")
        user = self.user(user_id)
        if user is None:
            raise SocialroiError(f"no user with id {user_id}")
        with self.cursor() as cur:
            cur.execute("UPDATE web_users SET role = ? WHERE user_id = ?", [role, user_id])
        self.audit(actor, "user.role", user.username, {"from": user.role, "to": role})

    def set_active(self, user_id: int, active: bool, actor: str) -> None:
        self.forget_tokens()
        user = self.user(user_id)
        if user is None:
            raise SocialroiError(f"no user with id {user_id}")
        with self.cursor() as cur:
            cur.execute("UPDATE web_users SET active = ? WHERE user_id = ?", [active, user_id])
            if not active:
                cur.execute("DELETE FROM web_sessions WHERE user_id = ?", [user_id])
        self.forget_tokens()
        self.audit(actor, "user.enable" if active else "user.disable", user.username, {})

    def set_password(self, user_id: int, password: str, actor: str) -> None:
        self.forget_tokens()
        if len(password) < 8:
            raise SocialroiError("a password needs at least 8 characters")
        user = self.user(user_id)
        if user is None:
            raise SocialroiError(f"no user with id {user_id}")
        with self.cursor() as cur:
            cur.execute(
                "UPDATE web_users SET password_hash = ? WHERE user_id = ?",
                [_hasher.hash(password), user_id],
            )
            cur.execute("DELETE FROM web_sessions WHERE user_id = ?", [user_id])
        self.audit(actor, "user.password", user.username, {})

    # -- login ---------------------------------------------------------------------------
    def login_blocked(self, username: str, ip: str) -> bool:
        """Too many failed logins for this name or from this address in the window."""
        since = now() - dt.timedelta(minutes=LOGIN_WINDOW_MINUTES)
        with self.cursor() as cur:
            n = cur.execute(
                "SELECT count(*) FROM web_login_attempts WHERE NOT ok AND attempted_at >= ? "
                "AND (lower(username) = lower(?) OR ip = ?)",
                [since, username, ip],
            ).fetchone()[0]
        return n >= LOGIN_MAX_FAILURES

    def authenticate(self, username: str, password: str, ip: str) -> User | None:
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT user_id, username, role, active, password_hash FROM web_users "
                "WHERE lower(username) = lower(?)",
                [username.strip()],
            ).fetchone()
        ok = False
        if row and row[3]:
            try:
                ok = _hasher.verify(row[4], password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO web_login_attempts VALUES (?, ?, ?, ?)",
                [username[:64], ip, now(), ok],
            )
        return User(int(row[0]), row[1], row[2], bool(row[3])) if ok else None

    def create_session(self, user: User) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token). Only the token's hash is stored."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO web_sessions VALUES (?, ?, ?, ?, ?)",
                [
                    _digest(token),
                    user.user_id,
                    csrf,
                    now(),
                    now() + dt.timedelta(hours=SESSION_HOURS),
                ],
            )
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT u.user_id, u.username, u.role, u.active, s.csrf FROM web_sessions s "
                "JOIN web_users u USING (user_id) WHERE s.token_hash = ? AND s.expires_at > ?",
                [_digest(token), now()],
            ).fetchone()
        if not row or not row[3]:
            return None
        return User(int(row[0]), row[1], row[2], True), row[4]

    def end_session(self, token: str) -> None:
        with self.cursor() as cur:
            cur.execute("DELETE FROM web_sessions WHERE token_hash = ?", [_digest(token)])

    # -- API tokens ----------------------------------------------------------------------
    def create_token(self, user_id: int, name: str, actor: str) -> str:
        """A new API token for a user (shown once; only its hash is stored)."""
        user = self.user(user_id)
        if user is None:
            raise SocialroiError(f"no user with id {user_id}")
        token = "sr_" + secrets.token_urlsafe(32)
        with self.cursor() as cur:
            tid = cur.execute(
                "SELECT coalesce(max(token_id), 0) + 1 FROM web_api_tokens"
            ).fetchone()[0]
            cur.execute(
                "INSERT INTO web_api_tokens VALUES (?, ?, ?, ?, ?, NULL, false)",
                [tid, _digest(token), user_id, name[:100], now()],
            )
        self.audit(actor, "token.create", user.username, {"token_id": int(tid), "name": name})
        return token

    def tokens(self) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT t.token_id, t.name, u.username, u.role, t.created_at, t.last_used_at, "
                "t.revoked FROM web_api_tokens t JOIN web_users u USING (user_id) "
                "ORDER BY t.token_id"
            ).fetchall()
        keys = ("token_id", "name", "username", "role", "created_at", "last_used_at", "revoked")
        return [dict(zip(keys, r)) for r in rows]

    def revoke_token(self, token_id: int, actor: str) -> None:
        self.forget_tokens()
        with self.cursor() as cur:
            cur.execute("UPDATE web_api_tokens SET revoked = true WHERE token_id = ?", [token_id])
        self.forget_tokens()
        self.audit(actor, "token.revoke", str(token_id), {})

    def token_user(self, token: str) -> User | None:
        """The token's user. A valid token is remembered for TOKEN_TTL seconds (so each API
        call does not write `last_used_at`); revoking or changing a user forgets them all."""
        digest = _digest(token)
        hit = self._tokens.get(digest)
        if hit and time.monotonic() - hit[0] < TOKEN_TTL:
            return hit[1]
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT u.user_id, u.username, u.role, u.active, t.token_id FROM web_api_tokens t "
                "JOIN web_users u USING (user_id) WHERE t.token_hash = ? AND NOT t.revoked",
                [digest],
            ).fetchone()
            if not row or not row[3]:
                return None
            cur.execute(
                "UPDATE web_api_tokens SET last_used_at = ? WHERE token_id = ?", [now(), row[4]]
            )
        user = User(int(row[0]), row[1], row[2], True)
        self._tokens[digest] = (time.monotonic(), user)
        return user

    def forget_tokens(self) -> None:
        self._tokens.clear()

    # -- audit log -----------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str, details: dict[str, Any]) -> None:
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO web_audit_log VALUES (?, ?, ?, ?, ?)",
                [now(), actor, action, target, json.dumps(details, default=str)],
            )

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT logged_at, actor, action, target, details FROM web_audit_log "
                "ORDER BY logged_at DESC LIMIT ?",
                [limit],
            ).fetchall()
        return [dict(zip(("at", "actor", "action", "target", "details"), r)) for r in rows]

    # -- secret for signed share links ---------------------------------------------------
    def secret(self) -> str:
        with self._cursor_lock:
            got = self.ws.store.setting("web_secret")
            if not got:
                got = secrets.token_urlsafe(48)
                self.ws.store.set_setting("web_secret", got)
        return got

    def data_version(self) -> str:
        """The workspace's data version (`DuckDBStore.data_version`, the one the measures'
        memo uses) plus the saved custom profiles, which change what the pages show."""
        with self.cursor() as cur:
            (p,) = cur.execute(
                "SELECT count(*) || ':' || coalesce(max(epoch_ms(saved_at)), 0) FROM web_profiles"
            ).fetchone()
        return f"{self.ws.store.data_version()}|{p}"

    # -- custom ROI profiles -------------------------------------------------------------
    def profiles(self) -> dict[str, tuple[str, str]]:
        """Custom profiles saved from the dashboard: name -> (format, text)."""
        with self.cursor() as cur:
            rows = cur.execute("SELECT name, format, text FROM web_profiles ORDER BY name")
            return {n: (f, t) for n, f, t in rows.fetchall()}

    def profile(self, name: str) -> tuple[str, str] | None:
        """One saved custom profile: (format, text), or None."""
        return saved_profile(self.ws.store, name)

    def save_profile(self, name: str, fmt: str, text: str, actor: str) -> str:
        """Keep a custom profile's text under its name (the caller has checked it, see
        `socialroi.measure.profiles.profile_from_text`); returns the name."""
        with self.cursor() as cur:
            cur.execute("DELETE FROM web_profiles WHERE name = ?", [name])
            cur.execute(
                "INSERT INTO web_profiles VALUES (?, ?, ?, ?, ?)",
                [name, fmt, text, actor, now()],
            )
        self.audit(actor, "profile.save", name, {"format": fmt})
        return name

    def delete_profile(self, name: str, actor: str) -> None:
        with self.cursor() as cur:
            cur.execute("DELETE FROM web_profiles WHERE name = ?", [name])
        self.audit(actor, "profile.delete", name, {})
