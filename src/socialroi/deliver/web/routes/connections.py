"""The Connections page (admins and analysts): each platform connection with its accounts,
last good sync, next sync, rows, token expiry, when its grant lapses (flagged a week ahead)
and its last error in plain words; an admin starts a sync here (or a program, with `POST
/api/v1/connections/sync`). The sync runs in a background thread; it holds the dashboard's
write lock only while it lands a stream (one transaction, after any import or edit under
way), so pages and the API answer while the platforms are read, from the data before until
a stream lands. Two syncs never run at once: a second start joins the running job (the
connections it asks for that the job does not cover are queued on it and synced when its
connections are done), and a sync sent from the shell waits for the workspace's sync lock
like this one. Its progress is polled by the page like a report build; starting it and its
outcome go to the audit log. `/api/v1/connections` answers the same for programs."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web import api_models as m
from socialroi.deliver.web import paging
from socialroi.deliver.web.auth import ADMIN, ANALYST, Principal, check_csrf
from socialroi.deliver.web.problems import documented
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.pages import PAGES
from socialroi.errors import SocialroiError
from socialroi.sources.api import get_connector
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync import schedule
from socialroi.sync.run import StreamResult, SyncOptions, sync

router = APIRouter()
log = logging.getLogger("socialroi.deliver.web")
JOB = "sync"  # the key of the sync job in Context.jobs (report keys are 24 hex digits)
SCHEDULE = "schedule"  # the actor of the server's own scheduled syncs in the audit log


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: the page shows these translated
    return text


HEALTH = (N_("ok"), N_("failed"), N_("expired"))


@dataclass
class SyncJob:
    """A sync started from the dashboard: what it has done so far."""

    actor: str
    sources: list[str]  # the connections it syncs (empty: every one)
    total: int  # streams it will read
    # connections asked for while it ran that it did not cover: synced after its own
    queued: list[str] = field(default_factory=list)
    done: int = 0
    step: str = ""  # the stream under way: source/stream account
    results: list[StreamResult] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: bool = False
    error: str = ""
    ended: threading.Event = field(default_factory=threading.Event)

    def state(self) -> dict[str, Any]:
        failed = [r for r in self.results if r.status == "failed"]
        return {
            "state": "failed" if self.error else "done" if self.finished else "syncing",
            "sources": list(self.sources),
            "queued": list(self.queued),
            "step": "" if self.finished else self.step,
            "done": self.done,
            "total": self.total,
            "progress": round(self.done / self.total, 2) if self.total else 1.0,
            "seconds": round(time.monotonic() - self.started, 1),
            "new": sum(r.new for r in self.results),
            "changed": sum(r.changed for r in self.results),
            "unchanged": sum(r.unchanged for r in self.results),
            "failed": [f"{r.source}/{r.stream} {r.account}" for r in failed],
            "error": self.error,
        }


def planned_streams(ws, sources: list[str] | None) -> int:
    """How many (account, stream) pairs a sync of these sources reads."""
    n = 0
    for c in conns.list_connections(ws.store):
        if sources and c.source not in sources:
            continue
        connector = get_connector(c.source)
        for a in c.accounts:
            names, _native = connector.account(a)
            n += sum(1 for s in connector.streams if not names or s.name in names)
    return n


class NotConnected(SocialroiError):
    """A sync asked of a source that is not connected: a well-formed name the workspace does
    not know (422, as for a custom profile it does not have; 400 is for a body that does not
    match the document)."""

    code = "unknown_name"

    def __init__(self, source: str, connected: set[str]) -> None:
        self.field, self.name, self.valid = "body.source", source, sorted(connected)
        super().__init__(
            f"{source[:60]!r} is not a connected source; valid: {', '.join(self.valid)}"
        )


def start(ctx, actor: str, sources: list[str] | None = None) -> tuple[SyncJob, bool]:
    """Start a sync in the background; (the job, whether this call started it): a sync
    already running is joined, not doubled, and the connections asked for that it does not
    cover are queued on it (it syncs them when its own are done). Both go to the audit log."""
    known = {c.source for c in conns.list_connections(ctx.ws.store)}
    if not known:
        raise SocialroiError("no source is connected; run `socialroi connect SOURCE` first")
    for s in sources or []:
        if s not in known:
            raise NotConnected(s, known)
    what = ",".join(sources or []) or "all"
    with ctx.cache_lock:
        job = ctx.jobs.get(JOB)
        if job is not None and not job.finished:
            joined = True
            running = ",".join(job.sources) or "all"
            if job.sources:  # a job of every connection covers whatever is asked
                covered = {*job.sources, *job.queued}
                job.queued += [s for s in (sources or sorted(known)) if s not in covered]
        else:
            joined, job = False, SyncJob(actor, list(sources or []), 0)
            ctx.jobs[JOB] = job
    if joined:
        told = {"running": running, "queued": ",".join(job.queued)}
        ctx.store.audit(actor, "sync.join", what, {k: v for k, v in told.items() if v})
        return job, False
    job.total = planned_streams(ctx.ws, sources)
    ctx.store.audit(actor, "sync.start", what, {})
    threading.Thread(target=_run, args=(ctx, job), daemon=True).start()
    return job, True


def _run(ctx, job: SyncJob) -> None:
    def started(source, account, stream, window) -> None:
        job.step = f"{source}/{stream} {account}"

    def ended(r: StreamResult) -> None:
        job.results.append(r)
        job.done += 1

    def waiting(pid: str) -> None:
        job.step = f"waiting for the sync under way (pid {pid})"

    # the write lock only while a stream lands; the answers on the data before are
    # forgotten then (readers get them as the last good ones until the new are computed)
    opts = SyncOptions(landing=ctx.lock.write, landed=lambda r: ctx.invalidate())
    try:
        with schedule.exclusive(ctx.ws.path, on_wait=waiting):  # a sync sent from the shell
            todo = list(job.sources)
            while True:
                sync(ctx.ws, todo or None, opts, on_stream=ended, on_start=started)
                with ctx.cache_lock:  # a start that finds the job running queues on it
                    todo, job.queued = job.queued, []
                    if not todo:
                        job.finished = True
                        break
                    job.sources += todo
                job.total += planned_streams(ctx.ws, todo)
    except SocialroiError as exc:
        job.error = str(exc)
    except Exception as exc:  # a bug: said on the page, details in the log
        log.exception("the sync started from the dashboard failed")
        job.error = f"unexpected {type(exc).__name__}; see the server's log"
    finally:
        with ctx.cache_lock:
            job.finished = True
        s = job.state()
        told = {k: s[k] for k in ("new", "changed", "unchanged", "failed", "error")}
        ctx.store.audit(job.actor, "sync.done", ",".join(job.sources) or "all", told)
        ctx.ws.store.release()  # this thread ends: its connection too
        job.ended.set()


def run_schedule(ctx, every: float, wait: Callable[[float], bool], **kw: Any) -> list:
    """`serve --sync-every`: the server keeps its workspace current itself. Each run is the
    dashboard's own sync job (the sync lock, progress on this page, the audit log as
    `schedule`); the next run is announced in the schedule file, which goes when the loop
    ends. `wait(seconds)` answers True when the server stops."""
    path = ctx.ws.path

    def run() -> int:
        try:
            job, _started = start(ctx, SCHEDULE)
        except SocialroiError as exc:  # nothing connected yet: said, and tried again later
            log.warning("scheduled sync: %s", exc)
            return 1
        job.ended.wait()
        return 1 if job.error or any(r.status == "failed" for r in job.results) else 0

    def on_next(at: dt.datetime) -> None:
        schedule.announce(path, every, at)

    try:
        return schedule.run_every(every, run, wait=wait, on_next=on_next, **kw)
    finally:
        schedule.forget(path)


def job_state(ctx) -> dict[str, Any] | None:
    with ctx.cache_lock:
        job = ctx.jobs.get(JOB)
    return job.state() if job is not None else None


def rows(ctx) -> list[dict[str, Any]]:
    with ctx.lock.read():
        got = connecting.status(ctx.ws)
    for r in got:
        r["title"] = get_connector(r["source"]).title
    return got


@router.get("/connections", response_class=HTMLResponse, include_in_schema=False)
def connections_page(request: Request, p: Principal = ANALYST):
    ctx = request.app.state.ctx
    page = {"page": "connections", "pages": PAGES, "title": N_("Connections")}
    return render(request, "connections.html", {**page, "rows": rows(ctx), "job": job_state(ctx)})


@router.post("/connections/sync", include_in_schema=False)
async def sync_now(request: Request, p: Principal = ADMIN):
    form = await request.form()
    check_csrf(request, p, form)
    source = str(form.get("source", "")).strip()
    await run_in_threadpool(start, request.app.state.ctx, p.user.username,
                            [source] if source else None)  # fmt: skip
    return RedirectResponse("/connections", status_code=303)


@router.get("/connections/progress", response_class=HTMLResponse, include_in_schema=False)
def progress(request: Request, p: Principal = ANALYST):
    """The sync's progress, polled by the page until it is done."""
    return render(request, "sync_progress.html", {"job": job_state(request.app.state.ctx)})


@router.get(
    "/api/v1/connections",
    operation_id="listConnections",
    tags=["connections"],
    response_model=m.Connections,
    summary="Each API connection per account: last good sync, next sync, rows, token expiry, "
    "grant lapse and last error (admin, analyst)",
    responses=documented(401, 403),
)
def api_connections(request: Request, p: Principal = ANALYST):
    ctx = request.app.state.ctx
    items = [{k: v for k, v in r.items() if k != "has_grant"} for r in rows(ctx)]
    return paging.json_answer(request, {"items": items, "sync": job_state(ctx)})


POLL = "/api/v1/connections"  # where a started sync's state is polled (its `sync`)
STARTED = {202: {"model": m.SyncStarted, "description": "Started or joined: poll `status` "
                 "(the Location header), whose `sync` says how far it is."}}  # fmt: skip


@router.post(
    "/api/v1/connections/sync",
    operation_id="startSync",
    tags=["connections"],
    response_model=m.SyncStarted,
    status_code=202,
    summary="Start a sync of every connection or of one `source` in the background, or join "
    "the one running (admin)",
    responses={**STARTED, **documented(400, 401, 403, 413, 422)},
)
async def api_sync(request: Request, response: Response, body: m.SyncIn | None = None,
                   p: Principal = ADMIN):  # fmt: skip
    check_csrf(request, p, None)
    source = body.source if body is not None else None
    job, started = await run_in_threadpool(
        start, request.app.state.ctx, p.user.username, [source] if source else None
    )
    response.headers["Location"] = POLL
    return {**job.state(), "joined": not started, "status": POLL}
