"""`socialroi serve` (the dashboard and API) and `socialroi users` (who may sign in)."""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import sys
import threading

import click

from socialroi.deliver.cli import remote
from socialroi.deliver.cli.common import console, open_workspace, workspace_option
from socialroi.errors import SocialroiError


@click.command()
@workspace_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--warm/--no-warm",
    default=True,
    show_default=True,
    help="Compute the default overview in the background at start, and the kept views the "
    "data has changed under, so the first visitor does not wait for them; at start and after "
    "every import, sync or cost edit also the overview of the preset periods (this and the "
    "last quarter and month), so choosing one answers like any change of filter.",
)
@click.option(
    "--sync-every",
    metavar="INTERVAL",
    envvar="SOCIALROI_SYNC_EVERY",
    help="Also keep the workspace current: sync every connection now and every INTERVAL (6h, "
    "30m, 1d; at least 5m, plus a random delay of up to a tenth of it), as the Connections "
    "page's sync does. Instead of a separate `socialroi sync --every`.",
)
def serve(workspace: str, host: str, port: int, warm: bool, sync_every: str | None) -> None:
    """Run the dashboard and JSON API (/api/v1) on the workspace.

    The server owns the workspace file while it runs; other `socialroi` commands on the same
    workspace (status, import, users, ...) are sent to it over loopback and run there, so
    they work meanwhile (a command that changes data waits for an import or edit under way).
    Create the first admin with `socialroi users add NAME --role admin`. SIGTERM or Ctrl+C
    stops it within seconds, even under load.
    """
    import uvicorn  # deferred: start-up time

    from socialroi.deliver.cli.main import main  # deferred: main lists this module
    from socialroi.deliver.web.app import create_app  # deferred: start-up time

    every = _every(workspace, sync_every) if sync_every else None
    token = remote.new_token()
    holder: dict = {}
    run = remote.runner(main, workspace, lambda: holder["app"].state.ctx)
    app = holder["app"] = create_app(workspace, cli=(token, run))
    if not app.state.ctx.store.users():
        console.print("no users yet: create one with `socialroi users add NAME --role admin`")
    if warm:
        app.state.ctx.presets = True
        threading.Thread(target=_warm, args=(app.state.ctx,), daemon=True).start()
    stop = threading.Event()
    if every:
        from socialroi.deliver.web.routes.connections import run_schedule  # deferred: start-up

        threading.Thread(target=run_schedule, args=(app.state.ctx, every, stop.wait),
                         daemon=True).start()  # fmt: skip
        console.print(f"syncing every connection every {sync_every}")
    console.print(f"socialroi dashboard on http://{host}:{port}/ (Ctrl+C stops it)")
    announced = remote.announce(workspace, port, token)
    # uvicorn shuts down on SIGTERM, then raises the signal again with the handler it found:
    # this one turns it into a normal exit, so the clean-up below runs.
    signal.signal(signal.SIGTERM, _exit)
    try:
        # Keep idle connections longer than clients usually do (httpx 5 s), so a client
        # never sends a request on a connection the server is closing at that moment. On
        # SIGTERM, requests under way get a few seconds, then the server stops regardless.
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            timeout_keep_alive=30,
            timeout_graceful_shutdown=3,
        )
    finally:
        stop.set()
        announced.unlink(missing_ok=True)
        if every:
            from socialroi.sync import schedule  # deferred: start-up time

            schedule.forget(workspace)
        _close(app.state.ctx.ws)


def _every(workspace: str, text: str) -> float:
    """The interval of `--sync-every`, refused when another process keeps a schedule."""
    from socialroi.sync import schedule  # deferred: start-up time

    kept = schedule.planned(workspace)
    if kept is not None:
        raise SocialroiError(
            f"{workspace} is kept current already (pid {kept['pid']}, `sync --every`); stop "
            "that one or start serve without --sync-every"
        )
    return schedule.parse_every(text)


def _close(ws) -> None:
    """Close the workspace, but do not wait long for a view still computing in a worker
    thread: every import and edit was its own committed transaction (DuckDB's log keeps
    them), so the file is consistent either way. Then leave without joining those threads."""
    closer = threading.Thread(target=_quietly, args=(ws.close,), daemon=True)
    closer.start()
    closer.join(3)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _quietly(fn) -> None:
    with contextlib.suppress(Exception):
        fn()


def _exit(signum, frame) -> None:
    raise SystemExit(0)


def _warm(ctx) -> None:
    with contextlib.suppress(Exception):  # a failing warm-up shows up on the page instead
        ctx.warm()
    ctx.ws.store.release()


@click.group()
def users() -> None:
    """Dashboard users: admin (users, tokens, settings), analyst (imports, costs), viewer."""


def _actor() -> str:
    """Who ran the command, for the audit log."""

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


@contextlib.contextmanager
def _store(workspace: str, create: bool = False):
    """The dashboard's users of a workspace, for one command; the workspace closes after."""
    from socialroi.store.web import WebStore  # deferred: start-up time

    ws = open_workspace(workspace, create=create)
    try:
        yield WebStore(ws)
    finally:
        ws.close()


@users.command("add")
@workspace_option
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["admin", "analyst", "viewer"]), default="viewer", show_default=True
)
@click.option(
    "--password",
    envvar="SOCIALROI_PASSWORD",
    help="The password (default: asked for; or set SOCIALROI_PASSWORD).",
)
def users_add(workspace: str, username: str, role: str, password: str | None) -> None:
    """Add a dashboard user (the first one is usually `--role admin`)."""
    if password is None:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    with _store(workspace, create=True) as store:
        user = store.add_user(username, password, role, actor=_actor())
    console.print(f"added {user.username} ({user.role})", markup=False)


@users.command("list")
@workspace_option
def users_list(workspace: str) -> None:
    """List dashboard users and their roles."""
    with _store(workspace) as store:
        for u in store.users():
            state = "" if u.active else " (disabled)"
            console.print(f"{u.user_id}\t{u.username}\t{u.role}{state}", markup=False)


def _find(store, username: str):
    user = store.find_user(username)
    if user is None:
        raise SocialroiError(f"no user {username!r}; `socialroi users list` shows them")
    return user


@users.command("reset-password")
@workspace_option
@click.argument("username")
@click.option(
    "--password",
    envvar="SOCIALROI_PASSWORD",
    help="The new password (default: asked for; or set SOCIALROI_PASSWORD).",
)
def users_reset_password(workspace: str, username: str, password: str | None) -> None:
    """Set a user's password; their sessions and API tokens stop working."""
    if password is None:
        password = click.prompt("new password", hide_input=True, confirmation_prompt=True)
    with _store(workspace) as store:
        store.set_password(_find(store, username).user_id, password, actor=_actor())
    console.print(f"password of {username} changed; their sessions and tokens ended", markup=False)


@users.command("disable")
@workspace_option
@click.argument("username")
def users_disable(workspace: str, username: str) -> None:
    """Disable a user: no sign-in; their sessions, API tokens and share links stop."""
    with _store(workspace) as store:
        store.set_active(_find(store, username).user_id, False, actor=_actor())
    console.print(f"{username} is disabled", markup=False)


@users.command("enable")
@workspace_option
@click.argument("username")
def users_enable(workspace: str, username: str) -> None:
    """Enable a disabled user again (their old tokens stay revoked)."""
    with _store(workspace) as store:
        store.set_active(_find(store, username).user_id, True, actor=_actor())
    console.print(f"{username} is enabled", markup=False)


@users.command("set-role")
@workspace_option
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "analyst", "viewer"]))
def users_set_role(workspace: str, username: str, role: str) -> None:
    """Change a user's role."""
    with _store(workspace) as store:
        store.set_role(_find(store, username).user_id, role, actor=_actor())
    console.print(f"{username} is now {role}", markup=False)


COMMANDS = [serve, users]
