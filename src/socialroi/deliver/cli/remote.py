"""Commands while `socialroi serve` runs: the server is the workspace's single writer.

DuckDB lets one process open a file for writing, so while the dashboard runs, a command on
the same workspace (status, import, users, a cron sync) is sent to it instead: `serve`
writes `<workspace>.serve.json` (owner-only: its port and a random token), and the command
line finds it, sends its arguments to the server over loopback, and prints what the server
ran. The server runs the same command in its own process, under its write lock when it
changes data (so the dashboard never computes on half an import), then refreshes its caches.
A `sync` takes the write lock only while it lands a stream (`landing_hooks`): the pages
answer while it reads the platforms' APIs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from socialroi.errors import SocialroiError
from socialroi.store import DEFAULT_PATH
from socialroi.store.location import anchor, canonical
from socialroi.sync.credentials import config_dir
from socialroi.sync.schedule import alive

# Commands that only read: run under the dashboard's read lock, next to page views.
READ_ONLY = {
    "status",
    "attribute",
    "roi",
    "metrics",
    "insights",
    "clv",
    "report",
    "costs",
    "connections",
    "traffic-sources",
}
READ_ONLY_SUB = {("users", "list"), ("fx", "list")}
WORKSPACE_OPTS = ("-w", "--workspace")
# Variables a command sends along: where a source's API is (proxy, fake) and where this
# user's tokens are, so the server syncs as the caller would.
FORWARDED_ENV = re.compile(r"SOCIALROI_([A-Z0-9]+_API_BASE|CONFIG_DIR|CREDENTIALS)")
# Commands with a step that must run in the caller's process before being sent (the consent
# flow needs the user's terminal and browser): name -> fn(args) -> the args to send.
LOCAL_FIRST: dict[str, Callable[[list[str]], list[str]]] = {}
# Commands that, given some arguments, run in the caller's process even while a server runs
# (`sync --every` is a loop that sends each of its runs to the server): name -> fn(args).
STAYS_HERE: dict[str, Callable[[list[str]], bool]] = {}
# Commands that take the server's write lock themselves, only around their writes (a sync
# reads a platform for minutes and lands each stream in a moment): see `landing_hooks`.
WRITES_IN_STEPS = {"sync"}
_serial = threading.Lock()  # one forwarded command at a time (it swaps sys.stdout)
_in_server = threading.local()


def serve_file(workspace: str | Path) -> Path:
    return Path(str(anchor(workspace)) + ".serve.json")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def announce(workspace: str | Path, port: int, token: str) -> Path:
    """Write the serve file (mode 0600: only this OS user may send commands)."""
    path = serve_file(workspace)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"pid": os.getpid(), "port": port, "token": token}, fh)
    return path


def _workspace_of(args: list[str]) -> str:
    for i, a in enumerate(args):
        if a in WORKSPACE_OPTS and i + 1 < len(args):
            return args[i + 1]
        for opt in WORKSPACE_OPTS[1:]:
            if a.startswith(opt + "="):
                return a.split("=", 1)[1]
    return os.environ.get("SOCIALROI_WORKSPACE") or DEFAULT_PATH


def _command_path(group: click.Group, args: list[str]) -> list[click.Command]:
    """The chain of commands `args` names (group, subcommand, ...)."""
    chain: list[click.Command] = []
    cmd: click.Command = group
    ctx = click.Context(group)
    for a in args:
        if not isinstance(cmd, click.Group) or a.startswith("-"):
            break
        sub = cmd.get_command(ctx, a)
        if sub is None:
            break
        chain.append(sub)
        cmd = sub
    return chain


def in_server() -> bool:
    """Whether this command runs inside `socialroi serve` (sent there from the shell)."""
    return bool(getattr(_in_server, "active", False))


def landing_hooks() -> dict[str, Any]:
    """Inside the server, for a command of `WRITES_IN_STEPS`: `landing` (the server's write
    lock) and `landed` (what to call once data changed: the cached answers are forgotten),
    as `sync.run.SyncOptions` takes them; else nothing."""
    return dict(getattr(_in_server, "hooks", None) or {})


def forward_if_served(group: click.Group, args: list[str]) -> int | None:
    """When a server holds the workspace these args name, run them through it and return
    the exit code; None: no server (run here as usual)."""
    if getattr(_in_server, "active", False):
        return None
    chain = _command_path(group, args)
    if not chain or not any(p.name == "workspace" for p in chain[-1].params):
        return None
    if "--help" in args:
        return None
    stays = STAYS_HERE.get(chain[0].name or "")
    if stays is not None and stays(args):
        return None
    workspace = _workspace_of(args)
    info_path = serve_file(workspace)
    try:
        info = json.loads(info_path.read_text())
    except (OSError, ValueError):
        return None
    if not alive(int(info.get("pid", 0))):
        return None
    import httpx  # deferred: only when a server runs

    names = [c.name for c in chain]
    env = {}
    asks = names[:1] == ["users"] and names[1:2] in (["add"], ["reset-password"])
    if asks and "--password" not in args and "SOCIALROI_PASSWORD" not in os.environ:
        env["SOCIALROI_PASSWORD"] = click.prompt(
            "password", hide_input=True, confirmation_prompt=True, err=True
        )
    if os.environ.get("SOCIALROI_PASSWORD"):
        env["SOCIALROI_PASSWORD"] = os.environ["SOCIALROI_PASSWORD"]
    env |= {k: v for k, v in os.environ.items() if FORWARDED_ENV.fullmatch(k)}
    env["SOCIALROI_CONFIG_DIR"] = str(config_dir().resolve())
    if names[0] in LOCAL_FIRST:
        args = LOCAL_FIRST[names[0]](args)
    sent = [_absolute(a) for a in args]
    click.echo(
        f"socialroi serve (pid {info['pid']}) has {workspace} open: running this command "
        "through it (it waits while the dashboard finishes an import or edit).",
        err=True,
    )
    try:
        r = httpx.post(
            f"http://127.0.0.1:{int(info['port'])}/internal/cli",
            json={"args": sent, "env": env},
            headers={"X-Socialroi-Cli": str(info["token"])},
            timeout=httpx.Timeout(10.0, read=None),  # an import may take long: no read limit
        )
    except httpx.HTTPError as exc:
        raise SocialroiError(
            f"socialroi serve (pid {info['pid']}) holds {workspace} but did not answer "
            f"({exc}); wait for it or stop it, then run the command again"
        ) from exc
    if r.status_code != 200:
        raise SocialroiError(f"the dashboard refused the command: {r.text[:500]}")
    got = r.json()
    sys.stdout.write(got.get("stdout", ""))
    sys.stderr.write(got.get("stderr", ""))
    return int(got.get("exit_code", 1))


def _absolute(arg: str) -> str:
    """Paths are resolved here: the server runs in another folder."""
    if arg.startswith("spark:"):
        return canonical(arg)
    if arg.startswith("-") or not arg or "://" in arg:
        return arg
    with contextlib.suppress(OSError, ValueError):
        p = Path(arg)
        if p.exists():
            return str(p.resolve())
    return arg


def runner(group: click.Group, workspace: str | Path, ctx_of) -> Any:
    """The server's side: run forwarded args on this process's workspace; returns a callable
    (args, env) -> {exit_code, stdout, stderr} that `create_app` serves at /internal/cli.
    `ctx_of()`: the server's request context (its lock, its caches)."""
    from click.testing import CliRunner  # deferred: only in the server

    served = canonical(workspace)

    def run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
        args = [str(a) for a in args]
        named = _workspace_of(args)
        if canonical(named) != served and any(
            a in WORKSPACE_OPTS or a.startswith("--workspace=") for a in args
        ):
            raise SocialroiError(f"this server runs on {served}, not {named}")
        chain = _command_path(group, args)
        names = tuple(c.name for c in chain)
        if not names or names[0] == "serve":
            raise SocialroiError("that command cannot be sent to the server")
        reads = names[0] in READ_ONLY or names[:2] in READ_ONLY_SUB
        env = {
            k: v for k, v in env.items() if k == "SOCIALROI_PASSWORD" or FORWARDED_ENV.fullmatch(k)
        }
        env["SOCIALROI_WORKSPACE"] = served
        ctx = ctx_of()
        steps = names[0] in WRITES_IN_STEPS
        held = ctx.lock.read() if reads else contextlib.nullcontext() if steps else ctx.lock.write()
        with _serial, held:
            _in_server.active = True
            hooks = {"landing": ctx.lock.write, "landed": lambda _r: ctx.invalidate()}
            _in_server.hooks = hooks if steps else None
            try:
                result = CliRunner().invoke(group, args, env=env, catch_exceptions=True)
            finally:
                _in_server.active, _in_server.hooks = False, None
        out = {"exit_code": result.exit_code, "stdout": result.stdout, "stderr": ""}
        with contextlib.suppress(ValueError):
            out["stderr"] = result.stderr
        if result.exception and not isinstance(result.exception, SystemExit):
            out["stderr"] += f"error: {result.exception}\n"
            out["exit_code"] = out["exit_code"] or 1
        return out

    return run
