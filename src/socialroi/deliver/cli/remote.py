"""Commands while `socialroi serve` runs: the server is the workspace's single writer.

DuckDB lets one process open a file for writing, so while the dashboard runs, a command on
the same workspace (status, import, users, a cron sync) is sent to it instead: `serve`
writes `<workspace>.serve.json` (owner-only: its port and a random token), and the command
line finds it, sends its arguments to the server over loopback, and prints what the server
ran. The server runs the same command in its own process, under its write lock when it
changes data (so the dashboard never computes on half an import), then refreshes its caches.
A `sync` takes the write lock only while it lands a stream (`landing_hooks`): the pages
answer while it reads the platforms' APIs.

Commands sent from the shell run side by side in the server's threads: a command that only
reads (`status`, `roi`, ...) answers while a `sync` reads a platform for minutes. Commands
that write run one at a time. Each command's input, output and caller's variables are its
own: `sys.stdin`, `sys.stdout` and `sys.stderr` are the buffers of the command whose thread
uses them (every other thread gets the server's streams), a prompt in a command ends it
("Aborted!"), and `os.environ` shows a command's thread its caller's variables over the
server's (`_ThreadEnviron`), where a process-wide swap (click's `CliRunner`) would let one
command read or print into another's.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterator, MutableMapping
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
_serial = threading.Lock()  # one forwarded command that writes at a time
_in_server = threading.local()  # per command thread: active, hooks, env, streams
_install = threading.Lock()


class _PerThread:
    """`sys.stdin`, `sys.stdout` or `sys.stderr` in the server: the stream of the forwarded
    command whose thread uses it, else the stream it stands in for."""

    def __init__(self, name: str, original: Any) -> None:
        self._name, self._original = name, original

    def _target(self) -> Any:
        streams = getattr(_in_server, "streams", None)
        return streams[self._name] if streams else self._original

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, attr: str) -> Any:  # encoding, isatty, buffer, ...
        return getattr(self._target(), attr)


class _ThreadEnviron(MutableMapping[str, str]):
    """`os.environ` in the server: a forwarded command's thread reads its caller's variables
    (`_in_server.env`) over the process's; every other thread the process's alone. Writes go
    to the process (child processes read it), except to a caller's variable."""

    def __init__(self, process: MutableMapping[str, str]) -> None:
        self.process = process

    @staticmethod
    def _caller() -> dict[str, str] | None:
        return getattr(_in_server, "env", None)

    def __getitem__(self, key: str) -> str:
        caller = self._caller()
        if caller is not None and key in caller:
            return caller[key]
        return self.process[key]

    def __setitem__(self, key: str, value: str) -> None:
        caller = self._caller()
        if caller is not None and key in caller:
            caller[key] = value
        else:
            self.process[key] = value

    def __delitem__(self, key: str) -> None:
        caller = self._caller()
        if caller is not None and key in caller:
            del caller[key]
        else:
            del self.process[key]

    def __iter__(self) -> Iterator[str]:
        caller = self._caller() or {}
        yield from caller
        yield from (k for k in self.process if k not in caller)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        return dict(self)


def _unanswered(ask: Callable[[str], str]) -> Callable[[str], str]:
    """A prompt in a forwarded command ends it ("Aborted!"): nobody at the server's terminal
    answers it (the caller's own answers come in its variables, e.g. SOCIALROI_PASSWORD)."""

    def prompt(text: str) -> str:
        if getattr(_in_server, "active", False):
            raise EOFError
        return ask(text)

    prompt.routed = True  # type: ignore[attr-defined]
    return prompt


def _per_thread() -> None:
    """Route `sys.stdin`, `sys.stdout`, `sys.stderr`, click's prompts and `os.environ` by
    thread (once per process)."""
    with _install:
        for name in ("stdin", "stdout", "stderr"):
            if not isinstance(getattr(sys, name), _PerThread):
                setattr(sys, name, _PerThread(name, getattr(sys, name)))
        for name in ("visible_prompt_func", "hidden_prompt_func"):
            if not getattr(getattr(click.termui, name), "routed", False):
                setattr(click.termui, name, _unanswered(getattr(click.termui, name)))
        if not isinstance(os.environ, _ThreadEnviron):
            # not a clearing: the process's variables stay, looked up through it
            os.environ = _ThreadEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003


def _buffer() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]


def _invoke(group: click.Group, args: list[str]) -> int:
    """Run the command as the shell would (click's own handling of usage errors and
    Ctrl-C); its exit code."""
    try:
        group.main(args=args, prog_name="socialroi", standalone_mode=True)
    except SystemExit as stop:
        code = stop.code
        if code is None or isinstance(code, int):
            return code or 0
        sys.stderr.write(f"{code}\n")
        return 1
    return 0


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
    served = canonical(workspace)
    _per_thread()

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
        stdout, stderr = _buffer(), _buffer()
        with contextlib.nullcontext() if reads else _serial, held:
            _in_server.active, _in_server.env = True, env
            _in_server.streams = {"stdin": io.StringIO(), "stdout": stdout, "stderr": stderr}
            hooks = {"landing": ctx.lock.write, "landed": lambda _r: ctx.invalidate()}
            _in_server.hooks = hooks if steps else None
            try:
                code = _invoke(group, args)
            except Exception as exc:  # noqa: BLE001 - the caller gets it, the server goes on
                stderr.write(f"error: {exc}\n")
                code = 1
            finally:
                _in_server.active, _in_server.hooks = False, None
                _in_server.env = _in_server.streams = None
        return {"exit_code": code, "stdout": _text(stdout), "stderr": _text(stderr)}

    return run
