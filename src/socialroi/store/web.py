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
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from socialroi.errors import SocialroiError
from socialroi.store.credentials import (
    PASSWORD_MAX,
    check_password,
    normalise_username,
    skeleton,
)

ROLES = ("viewer", "analyst", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
SESSION_HOURS = 12
LOGIN_WINDOW_MINUTES = 15
LOGIN_MAX_FAILURES = 5  # free failures per (name, address); then each doubles the wait
LOGIN_MAX_WAIT = 15 * 60  # seconds: the longest a name+address waits
ADDRESS_MAX_FAILURES = 50  # failures from one address (any names) before it waits too
TOKEN_TTL = 30.0  # seconds a checked API token is remembered
TOKEN_DAYS = 90  # default lifetime of an API token
SHARE_MIN_DAYS, SHARE_MAX_DAYS = 1, 90

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
    "ALTER TABLE web_api_tokens ADD COLUMN IF NOT EXISTS expires_at TIMESTAMPTZ",
    "ALTER TABLE web_api_tokens ADD COLUMN IF NOT EXISTS read_only BOOLEAN",
    """CREATE TABLE IF NOT EXISTS web_share_links (
        link_id VARCHAR, user_id BIGINT, kind VARCHAR, query VARCHAR, created_at TIMESTAMPTZ,
        expires_at TIMESTAMPTZ, revoked BOOLEAN)""",
    "ALTER TABLE web_users ADD COLUMN IF NOT EXISTS language VARCHAR",  # "" = the browser's
)

_hasher = PasswordHasher()
_dummy: list[str] = []


def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown or disabled, so that sign-in takes
    as long for a name that does not exist as for one that does."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_urlsafe(24)))
    return _dummy[0]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_key(username: str) -> str:
    """The name sign-in attempts are counted under: the normalised name, or for a name that
    cannot be one, its NFKC case-folded text (it is still counted, and never matches)."""
    try:
        return normalise_username(username)
    except SocialroiError:
        return "?" + unicodedata.normalize("NFKC", str(username)).strip().casefold()[:63]


def _same(stored: str, key: str) -> bool:
    """Whether a stored user name (perhaps from before names were normalised) is `key`."""
    try:
        return normalise_username(stored) == key
    except SocialroiError:
        return stored == key


def _skeleton(stored: str) -> str:
    try:
        return skeleton(stored)
    except SocialroiError:
        return stored


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
    read_only: bool = False  # an API token that may only read
    language: str = ""  # the dashboard's language for this user ("" = the browser's choice)

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
        username = normalise_username(username)
        if role not in ROLES:
            raise SocialroiError(f"unknown role {role!r}; valid: {', '.join(ROLES)}")
        check_password(password, username)
        hashed = _hasher.hash(password)
        with self.cursor() as cur:
            names = [r[0] for r in cur.execute("SELECT username FROM web_users").fetchall()]
            for other in names:
                if _same(other, username):
                    raise SocialroiError(f"user {username!r} already exists")
                if _skeleton(other) == skeleton(username):
                    raise SocialroiError(
                        f"user name {username!r} looks like the existing user {other!r}; "
                        "choose one that cannot be mistaken for it"
                    )
            uid = cur.execute("SELECT coalesce(max(user_id), 0) + 1 FROM web_users").fetchone()[0]
            cur.execute(
                "INSERT INTO web_users (user_id, username, password_hash, role, active, "
                "created_at) VALUES (?, ?, ?, ?, true, ?)",
                [uid, username, hashed, role, now()],
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

    def find_user(self, username: str) -> User | None:
        """A user by name, in any of its spellings (case, width, surrounding spaces)."""
        try:
            key = normalise_username(username)
        except SocialroiError:
            return None
        found = [u for u in self.users() if _same(u.username, key)]
        return found[0] if found else None

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
            if not active:  # sessions, API tokens and share links stop with the user
                cur.execute("DELETE FROM web_sessions WHERE user_id = ?", [user_id])
                cur.execute("UPDATE web_api_tokens SET revoked = true WHERE user_id = ?", [user_id])
        self.forget_tokens()
        self.audit(actor, "user.enable" if active else "user.disable", user.username, {})

    def set_password(self, user_id: int, password: str, actor: str) -> None:
        self.forget_tokens()
        user = self.user(user_id)
        if user is None:
            raise SocialroiError(f"no user with id {user_id}")
        check_password(password, user.username)
        hashed = _hasher.hash(password)
        with self.cursor() as cur:
            cur.execute(
                "UPDATE web_users SET password_hash = ? WHERE user_id = ?", [hashed, user_id]
            )
            # A new password ends every way in the old one could have opened.
            cur.execute("DELETE FROM web_sessions WHERE user_id = ?", [user_id])
            cur.execute("UPDATE web_api_tokens SET revoked = true WHERE user_id = ?", [user_id])
        self.forget_tokens()
        self.audit(actor, "user.password", user.username, {})

    # -- login ---------------------------------------------------------------------------
    def login_wait(self, username: str, ip: str) -> float:
        """Seconds this name+address must wait before its next sign-in attempt (0: none).

        Failures count per (normalised name, address) since its last success: after
        LOGIN_MAX_FAILURES each one doubles the wait, up to LOGIN_MAX_WAIT. Failures from
        other addresses do not slow this one down, so nobody can lock a user out by name.
        One address failing for many names (ADDRESS_MAX_FAILURES) waits as well."""
        key = login_key(username)
        since = now() - dt.timedelta(minutes=LOGIN_WINDOW_MINUTES)
        with self.cursor() as cur:
            n, last = cur.execute(
                "SELECT count(*), max(attempted_at) FROM web_login_attempts WHERE NOT ok "
                "AND username = ? AND ip = ? AND attempted_at >= ? AND attempted_at > coalesce("
                "(SELECT max(attempted_at) FROM web_login_attempts WHERE ok AND username = ? "
                "AND ip = ?), TIMESTAMPTZ '1970-01-01')",
                [key, ip, since, key, ip],
            ).fetchone()
            m, last_ip = cur.execute(
                "SELECT count(*), max(attempted_at) FROM web_login_attempts WHERE NOT ok "
                "AND ip = ? AND attempted_at >= ?",
                [ip, since],
            ).fetchone()
        waits = []
        if n >= LOGIN_MAX_FAILURES:
            waits.append((last, 2.0 ** (n - LOGIN_MAX_FAILURES + 1)))
        if m >= ADDRESS_MAX_FAILURES:
            waits.append((last_ip, 2.0 ** (m - ADDRESS_MAX_FAILURES + 1)))
        left = 0.0
        for at, wait in waits:
            left = max(left, min(wait, LOGIN_MAX_WAIT) - (now() - at).total_seconds())
        return max(left, 0.0)

    def login_blocked(self, username: str, ip: str) -> bool:
        return self.login_wait(username, ip) > 0

    def authenticate(self, username: str, password: str, ip: str) -> User | None:
        """The user when the name and password match an active user. Unknown or disabled
        names are verified against a dummy hash, so both take the same time."""
        key = login_key(username)
        row = None
        if key:
            with self.cursor() as cur:
                rows = cur.execute(
                    "SELECT user_id, username, role, active, password_hash FROM web_users"
                ).fetchall()
            row = next((r for r in rows if _same(r[1], key)), None)
        ok = False
        hashed = row[4] if row and row[3] else _dummy_hash()
        try:
            ok = _hasher.verify(hashed, password[:PASSWORD_MAX]) and bool(row and row[3])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO web_login_attempts VALUES (?, ?, ?, ?)", [key[:64], ip, now(), ok]
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
                "SELECT u.user_id, u.username, u.role, u.active, s.csrf, u.language "
                "FROM web_sessions s JOIN web_users u USING (user_id) "
                "WHERE s.token_hash = ? AND s.expires_at > ?",
                [_digest(token), now()],
            ).fetchone()
        if not row or not row[3]:
            return None
        return User(int(row[0]), row[1], row[2], True, language=row[5] or ""), row[4]

    def set_language(self, user_id: int, language: str) -> None:
        """A user's language setting (a tag the caller checked; "" = the browser's)."""
        with self.cursor() as cur:
            cur.execute("UPDATE web_users SET language = ? WHERE user_id = ?", [language, user_id])

    def end_session(self, token: str) -> None:
        with self.cursor() as cur:
            cur.execute("DELETE FROM web_sessions WHERE token_hash = ?", [_digest(token)])

    # -- API tokens ----------------------------------------------------------------------
    def create_token(
        self,
        user_id: int,
        name: str,
        actor: str,
        *,
        days: int = TOKEN_DAYS,
        read_only: bool = False,
    ) -> str:
        """A new API token for a user (shown once; only its hash is stored). It expires after
        `days` days; a read-only one may only read (GET)."""
        user = self.user(user_id)
        if user is None:
            raise SocialroiError(f"no user with id {user_id}")
        if not 1 <= int(days) <= 366:
            raise SocialroiError("an API token lasts 1 to 366 days")
        token = "sr_" + secrets.token_urlsafe(32)
        expires = now() + dt.timedelta(days=int(days))
        with self.cursor() as cur:
            tid = cur.execute(
                "SELECT coalesce(max(token_id), 0) + 1 FROM web_api_tokens"
            ).fetchone()[0]
            cur.execute(
                "INSERT INTO web_api_tokens (token_id, token_hash, user_id, name, created_at, "
                "last_used_at, revoked, expires_at, read_only) "
                "VALUES (?, ?, ?, ?, ?, NULL, false, ?, ?)",
                [tid, _digest(token), user_id, name[:100], now(), expires, bool(read_only)],
            )
        details = {"token_id": int(tid), "name": name, "days": int(days), "read_only": read_only}
        self.audit(actor, "token.create", user.username, details)
        return token

    def tokens(self) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT t.token_id, t.name, u.username, u.role, t.created_at, t.last_used_at, "
                "t.revoked, t.expires_at, coalesce(t.read_only, false) FROM web_api_tokens t "
                "JOIN web_users u USING (user_id) ORDER BY t.token_id"
            ).fetchall()
        keys = (
            "token_id", "name", "username", "role", "created_at", "last_used_at", "revoked",
            "expires_at", "read_only",
        )  # fmt: skip
        return [dict(zip(keys, r)) for r in rows]

    def revoke_token(self, token_id: int, actor: str) -> None:
        self.forget_tokens()
        with self.cursor() as cur:
            cur.execute("UPDATE web_api_tokens SET revoked = true WHERE token_id = ?", [token_id])
        self.forget_tokens()
        self.audit(actor, "token.revoke", str(token_id), {})

    def token_user(self, token: str) -> User | None:
        """The token's user. A valid token is remembered for TOKEN_TTL seconds (so each API
        call does not write `last_used_at`); revoking or changing a user forgets them all.
        Expired and revoked tokens, and tokens of disabled users, open nothing."""
        digest = _digest(token)
        hit = self._tokens.get(digest)
        if hit and time.monotonic() - hit[0] < TOKEN_TTL:
            return hit[1]
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT u.user_id, u.username, u.role, u.active, t.token_id, "
                "coalesce(t.read_only, false) FROM web_api_tokens t JOIN web_users u "
                "USING (user_id) WHERE t.token_hash = ? AND NOT t.revoked "
                "AND (t.expires_at IS NULL OR t.expires_at > ?)",
                [digest, now()],
            ).fetchone()
            if not row or not row[3]:
                return None
            cur.execute(
                "UPDATE web_api_tokens SET last_used_at = ? WHERE token_id = ?", [now(), row[4]]
            )
        user = User(int(row[0]), row[1], row[2], True, bool(row[5]))
        self._tokens[digest] = (time.monotonic(), user)
        return user

    # -- share links ---------------------------------------------------------------------
    def create_share(self, user: User, kind: str, query: str, days: float) -> str:
        """Record a share link; returns its id (the signed link carries only the id)."""
        if not SHARE_MIN_DAYS <= days <= SHARE_MAX_DAYS:
            raise SocialroiError(f"a share link lasts {SHARE_MIN_DAYS} to {SHARE_MAX_DAYS} days")
        link_id = secrets.token_urlsafe(9)
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO web_share_links VALUES (?, ?, ?, ?, ?, ?, false)",
                [link_id, user.user_id, kind, query, now(), now() + dt.timedelta(days=days)],
            )
        self.audit(user.username, "share.create", kind, {"link_id": link_id, "days": days})
        return link_id

    def share_link(self, link_id: str) -> dict[str, Any] | None:
        """A live link: not revoked, not expired, its creator still active. Else None."""
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT s.kind, s.query FROM web_share_links s JOIN web_users u "
                "USING (user_id) WHERE s.link_id = ? AND NOT s.revoked AND s.expires_at > ? "
                "AND u.active",
                [str(link_id), now()],
            ).fetchone()
        return {"kind": row[0], "query": row[1]} if row else None

    def share_links(self, user: User | None = None) -> list[dict[str, Any]]:
        """Every share link (or one user's), newest first."""
        sql = (
            "SELECT s.link_id, u.username, s.kind, s.query, s.created_at, s.expires_at, "
            "s.revoked, u.active FROM web_share_links s JOIN web_users u USING (user_id)"
        )
        args: list[Any] = []
        if user is not None:
            sql += " WHERE s.user_id = ?"
            args.append(user.user_id)
        with self.cursor() as cur:
            rows = cur.execute(sql + " ORDER BY s.created_at DESC", args).fetchall()
        keys = ("link_id", "created_by", "kind", "query", "created_at", "expires_at", "revoked")
        out = []
        for r in rows:
            item = dict(zip(keys, r[:7]))
            item["live"] = not r[6] and bool(r[7]) and r[5] > now()
            out.append(item)
        return out

    def revoke_share(self, link_id: str, user: User) -> None:
        """Revoke a link: its creator or an admin may."""
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT user_id FROM web_share_links WHERE link_id = ?", [str(link_id)]
            ).fetchone()
            if row is None:
                raise SocialroiError(f"no share link {link_id!r}")
            if row[0] != user.user_id and user.role != "admin":
                raise SocialroiError("only its creator or an admin can revoke a share link")
            cur.execute("UPDATE web_share_links SET revoked = true WHERE link_id = ?", [link_id])
        self.audit(user.username, "share.revoke", str(link_id), {})

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
