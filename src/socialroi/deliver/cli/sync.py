"""`socialroi connect / connections / disconnect / sync`: the platforms' APIs, connected once."""

from __future__ import annotations

import datetime as dt

import click

from socialroi.deliver.cli import remote, schedule
from socialroi.deliver.cli.common import (
    console,
    emit,
    err,
    format_option,
    must_exist,
    open_workspace,
    workspace_option,
)
from socialroi.errors import SocialroiError
from socialroi.sync.credentials import Credentials, Grant, new_ref

SYNC_PREFERS = "sync_prefers"  # land.landing.SYNC_PREFERS (not imported: start-up time)


def _day(_ctx, _param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day (YYYY-MM-DD)") from None


@click.command("connect")
@workspace_option
@click.argument("source")
@click.option("--token", help="A long-lived or private-app access token (skips the consent flow).")
@click.option("--account", "accounts", multiple=True, help="What to read (repeatable).")
@click.option(
    "--client-id", envvar="SOCIALROI_CLIENT_ID", help="Your app's client id (consent flow)."
)
@click.option(
    "--client-secret",
    envvar="SOCIALROI_CLIENT_SECRET",
    help="Your app's client secret (better: the SOCIALROI_CLIENT_SECRET variable).",
)
@click.option(
    "--port", default=0, show_default=True, help="Loopback port for the redirect (0: any free)."
)
@click.option(
    "--instance-url",
    help="With --token, where its data calls go (salesforce: the Instance Url of `sf org "
    "display`; default https://<the --account host>).",
)
@click.option("--grant-ref", hidden=True, help="Tokens already saved under this reference.")
def connect_cmd(
    workspace: str, source: str, token: str | None, accounts: tuple[str, ...],
    client_id: str | None, client_secret: str | None, port: int, instance_url: str | None,
    grant_ref: str | None,
) -> None:  # fmt: skip
    """Connect SOURCE once: a consent in the browser (the URL is printed; the redirect comes
    back to a loopback port), or --token TOKEN. --account names what to read: meta an ad
    account (act_...), Page or Instagram business account id; ga4 a property; shopify the
    shop domain; hubspot the portal; salesforce the org's My Domain host (a --token's data
    calls go there, or to --instance-url); youtube the channel (@handle); tiktok the
    business id (open_id); tiktok_ads the advertiser id; linkedin org:ID or ads:ID;
    linkedin_members member:ID; google_ads 123-456-7890 (@MANAGER-ID through a manager
    account); pinterest @username or ads:ID; x the numeric user id; x_ads the ads account
    id (its OAuth 1.0a secrets from SOCIALROI_X_ADS_* or prompts). Tokens are kept in your
    config directory, never in the workspace. What a platform must prepare at once is done
    here and said (YouTube: its reporting job, which backfills only 30 days)."""
    from socialroi.sources.api import get_connector  # deferred: start-up time
    from socialroi.sync import connect as connecting  # deferred: start-up time

    accs = connecting.check_accounts(get_connector(source), list(accounts))
    if grant_ref:
        grant = connecting.stored_grant(source, grant_ref)
    else:
        grant = _grant(source, token, client_id, client_secret, port, instance_url, accs)
    with open_workspace(workspace, create=True) as ws:
        conn = connecting.save(ws, source, grant, accs, ref=grant_ref)
        prepared = connecting.on_connect(ws, source)  # e.g. YouTube's reporting jobs
    expiry = (
        f"; the token expires {conn.token_expires_at:%Y-%m-%d %H:%M} UTC"
        if conn.token_expires_at
        else ""
    )
    if grant.refresh_token and grant.refresh_expires_at:  # LinkedIn, TikTok: a year
        expiry += (
            f"; the consent lapses {grant.refresh_expires_at:%Y-%m-%d} (connect again before "
            "then: socialroi warns a month ahead)"
        )
    console.print(
        f"{source} connected: {', '.join(conn.accounts)}{expiry}. Run `socialroi sync {source}`.",
        markup=False,
    )
    for line in prepared:
        console.print(line, markup=False, soft_wrap=True)


def _grant(
    source: str, token: str | None, client_id: str | None, client_secret: str | None, port: int,
    instance_url: str | None, accounts: list[str],
) -> Grant:  # fmt: skip
    """The grant from --token (with its instance URL, for a platform with one), or from the
    consent flow (in this process: it needs the user's terminal and browser)."""
    from socialroi.sources.api import get_connector  # deferred: start-up time
    from socialroi.sync import connect as connecting  # deferred: start-up time
    from socialroi.sync import oauth  # deferred: start-up time
    from socialroi.sync.auth import with_app_headers  # deferred: start-up time

    connector = get_connector(source)
    if connector.auth.kind == "oauth1":  # X Ads: four secrets, from variables or prompts
        from socialroi.sync import oauth1  # deferred: start-up time

        if token:
            raise SocialroiError(f"{source} takes no --token: {oauth1.HOW}")
        return oauth1.grant_from_env(
            source, ask=lambda what: click.prompt(what, hide_input=True, err=True)
        )
    if token:
        pasted = connecting.token_grant(token)
        pasted = connecting.with_instance(connector, pasted, instance_url, accounts)
        return with_app_headers(connector, pasted)
    if instance_url:
        raise SocialroiError("--instance-url goes with --token (a consent names its instance)")
    if not client_id:
        raise SocialroiError(
            f"the consent flow needs your {connector.title} app's --client-id "
            "(and SOCIALROI_CLIENT_SECRET); or pass --token"
        )
    return with_app_headers(connector, oauth.consent(
        connector, client_id, client_secret, port=port,
        show=lambda url: err.print(
            f"Open this address to let socialroi read {source}:\n{url}",
            markup=False, soft_wrap=True,
        ),
    ))  # fmt: skip


def _connect_here_first(args: list[str]) -> list[str]:
    """While `serve` runs: get the grant here, save it to this user's credentials, and send
    the server only its reference (no token crosses the socket)."""
    from socialroi.sources.api import get_connector  # deferred: start-up time
    from socialroi.sync import connect as connecting  # deferred: start-up time

    i = args.index("connect")
    ctx = connect_cmd.make_context("connect", list(args[i + 1 :]))
    p = ctx.params
    if p.get("grant_ref"):
        return args
    accs = connecting.check_accounts(get_connector(p["source"]), list(p["accounts"]))
    grant = _grant(p["source"], p["token"], p["client_id"], p["client_secret"], p["port"],
                   p["instance_url"], accs)  # fmt: skip
    ref = new_ref()
    Credentials().put(ref, grant)
    sent = [p["source"], "--grant-ref", ref, "-w", p["workspace"]]
    for a in p["accounts"]:
        sent += ["--account", a]
    return args[: i + 1] + sent


remote.LOCAL_FIRST["connect"] = _connect_here_first


@click.command("connections")
@workspace_option
@format_option
def connections_cmd(workspace: str, fmt: str) -> None:
    """Each connection with its accounts, last sync, rows, token expiry and health."""
    from socialroi.sources.api import connectors  # deferred: start-up time
    from socialroi.sync import connect as connecting  # deferred: start-up time

    with open_workspace(workspace) as ws:
        df = connecting.listing(ws)
    if df.empty and fmt == "table":
        names = ", ".join(connectors())
        console.print(f"no connections; `socialroi connect SOURCE` connects one of: {names}")
        return
    emit(df, fmt, "Connections")
    _lapse_warnings(workspace)


def _lapse_warnings(workspace: str) -> None:
    """Warn about connections whose consent lapses within a month (LinkedIn: a year after
    the first consent), on stderr so table, CSV and JSON output stay clean."""
    from socialroi.sync.lapse import lapse_notes  # deferred: start-up time

    with open_workspace(workspace) as ws:
        for note in lapse_notes(ws):
            err.print(f"warning: {note}", markup=False, soft_wrap=True)


@click.command("disconnect")
@workspace_option
@click.argument("source")
def disconnect_cmd(workspace: str, source: str) -> None:
    """Forget SOURCE's connection and delete its tokens (synced rows stay)."""
    from socialroi.sync import connect as connecting  # deferred: start-up time

    with open_workspace(workspace) as ws:
        connecting.disconnect(ws, source)
    console.print(f"{source} disconnected; its tokens are deleted", markup=False)


@click.command("sync")
@workspace_option
@click.argument("sources", nargs=-1)
@click.option("--since", callback=_day, help="First day to read (YYYY-MM-DD).")
@click.option("--until", callback=_day, help="Last day to read (default: today).")
@click.option("--full", is_flag=True, help="Read the whole history the platform keeps again.")
@click.option("--stream", "streams", multiple=True, help="Only this stream (repeatable).")
@click.option(
    "--prefer",
    type=click.Choice(["api", "files"]),
    help="When a file and a sync hold the same account and day: which counts (remembered by "
    "the workspace for later syncs and imports; default api).",
)
@click.option(
    "--every",
    metavar="INTERVAL",
    help="Keep the workspace current: sync now, then every INTERVAL (6h, 30m, 1d, 1h30m; at "
    "least 5m) plus a random delay of up to a tenth of it, until SIGTERM or Ctrl+C. One line "
    "per run.",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="Print one line: the totals (failed streams on stderr)."
)
def sync_cmd(
    workspace: str, sources: tuple[str, ...], since, until, full: bool, streams: tuple[str, ...],
    prefer: str | None, every: str | None, quiet: bool,
) -> None:  # fmt: skip
    """Bring every connection (or the SOURCES named) up to date. Each stream is one batch,
    all or nothing; a stream that fails does not stop the others. Re-reads each stream's lag
    window (the days the platform still revises); running it twice changes nothing. Never
    two syncs of one workspace at once: a second one waits for the first."""
    if every:
        if since or until or full:
            raise SocialroiError(
                "--every reads from each stream's last synced day; --since, --until and --full "
                "are for a single sync"
            )
        args = [*sources, *(a for s in streams for a in ("--stream", s))]
        args += ["--prefer", prefer] if prefer else []
        schedule.keep(workspace, every, args)
        return
    from socialroi.sync.schedule import exclusive  # deferred: start-up time

    must_exist(workspace)  # before the lock file: a mistyped path leaves nothing behind
    opts_ = dict(since=since, until=until, full=full, streams=list(streams) or None)
    if remote.in_server():  # the server's write lock serialises its syncs
        results = _sync(workspace, list(sources), opts_, prefer, quiet)
    else:
        told = lambda pid: err.print(  # noqa: E731
            f"another sync of {workspace} is running (pid {pid}); waiting for it ...",
            markup=False,
        )
        with exclusive(workspace, on_wait=told):
            results = _sync(workspace, list(sources), opts_, prefer, quiet)
    failed = [r for r in results if r.status == "failed"]
    new = sum(r.new for r in results)
    changed = sum(r.changed for r in results)
    same = sum(r.unchanged for r in results)
    line = (
        f"{len(results)} stream(s): {new} new, {changed} changed, {same} unchanged rows; "
        f"{len(failed)} failed"
    )
    if quiet:
        line = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC sync: {line}"
    console.print(line, markup=False, soft_wrap=True)
    _lapse_warnings(workspace)
    if failed:
        raise SystemExit(1)


def _sync(workspace: str, sources: list[str], opts_: dict, prefer: str | None, quiet: bool):
    from socialroi.sync.run import SyncOptions, sync  # deferred: start-up time

    def said(r) -> None:
        if not quiet:
            console.print(r.describe(), markup=False, soft_wrap=True)
        elif r.status == "failed":
            err.print(r.describe(), markup=False, soft_wrap=True)

    with open_workspace(workspace) as ws:
        if prefer:
            ws.store.set_setting(SYNC_PREFERS, prefer)
        return sync(
            ws, sources or None, SyncOptions(**opts_),
            on_start=None if quiet else lambda s, a, st, w: err.print(
                f"syncing {s}/{st} {a} {w} ...", markup=False, soft_wrap=True
            ),
            on_stream=said,
        )  # fmt: skip


def _every(args: list[str]) -> bool:
    return any(a == "--every" or a.startswith("--every=") for a in args)


remote.STAYS_HERE["sync"] = _every  # the loop stays here; each of its runs is sent


COMMANDS = [connect_cmd, connections_cmd, disconnect_cmd, sync_cmd]
