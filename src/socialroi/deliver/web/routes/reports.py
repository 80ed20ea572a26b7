"""The executive report (HTML, PDF, XLSX) from the dashboard's filters, and any page's table
as CSV. Reports are built by `socialroi.deliver.report.build_report` into the reports
folder, once per (filters, data version), in a background thread whose progress the Reports
page polls; readers (viewers included) can build and download them."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver import report as report_pkg
from socialroi.deliver.web.auth import VIEWER, Principal, check_csrf
from socialroi.deliver.web.filters import Filters
from socialroi.deliver.web.language import request_lang
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.pages import PAGES
from socialroi.deliver.web.views import profile_of
from socialroi.errors import SocialroiError

router = APIRouter()
log = logging.getLogger("socialroi.deliver.web")

FORMATS = ("html", "pdf", "xlsx")
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: the page shows these translated
    return text


STEPS = (N_("gathering figures"), N_("writing html"), N_("writing pdf"), N_("writing xlsx"),
         N_("finishing"))  # fmt: skip


def report_key(ctx, f: Filters, lang: str) -> str:
    text = json.dumps([f.key(), ctx.store.data_version(), lang], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass
class Job:
    """One report being built in the background: what it has done so far."""

    key: str
    formats: tuple[str, ...]
    timings: dict = field(default_factory=dict)  # filled by build_report as it goes
    started: float = field(default_factory=time.monotonic)
    done: bool = False
    error: str = ""

    def state(self) -> dict:
        steps = ("gather", *self.formats)
        left = [s for s in steps if s not in self.timings]
        return {
            "key": self.key,
            "state": "failed" if self.error else "done" if self.done else "building",
            "step": "" if self.done else ("gathering figures" if left[:1] == ["gather"]
                                          else f"writing {left[0]}" if left else "finishing"),
            "progress": round((len(steps) - len(left)) / len(steps), 2),
            "seconds": round(time.monotonic() - self.started, 1),
            "error": self.error,
        }  # fmt: skip


def start(ctx, f: Filters, lang: str = "en", formats=FORMATS) -> Job:
    """Build the report for these filters in a background thread (once: a build already
    running for the same key is joined); returns its job. Requests never wait for it."""
    key = report_key(ctx, f, lang)
    with ctx.cache_lock:
        job = ctx.jobs.get(key)
        if job is not None and not job.error and (not job.done or _complete(ctx, key, formats)):
            return job
        job = ctx.jobs[key] = Job(key, tuple(formats))
        if _complete(ctx, key, formats):
            job.done = True
            return job
    threading.Thread(target=_run, args=(ctx, f, lang, formats, job), daemon=True).start()
    return job


def job_state(ctx, key: str) -> dict | None:
    with ctx.cache_lock:
        job = ctx.jobs.get(key)
    if job is None:
        return {"key": key, "state": "done"} if report_file(ctx, key, "html") else None
    return job.state()


def _complete(ctx, key: str, formats) -> bool:
    return all(_existing(ctx.reports_dir / key, fmt) for fmt in formats)


def _run(ctx, f: Filters, lang: str, formats, job: Job) -> None:
    try:
        build(ctx, f, lang, formats, timings=job.timings)
    except Exception as exc:  # shown on the page and in the job's state
        job.error = str(exc)
    finally:
        job.done = True
        ctx.ws.store.release()  # this thread ends: its connection too


def build(
    ctx, f: Filters, lang: str = "en", formats=FORMATS, timings: dict | None = None
) -> tuple[str, dict[str, Path]]:
    """Build (or reuse) the report for these filters; returns (key, format -> file)."""
    key = report_key(ctx, f, lang)
    out = ctx.reports_dir / key
    done = {fmt: p for fmt in formats if (p := _existing(out, fmt))}
    if len(done) == len(formats):
        return key, done
    with ctx.lock.read():
        try:
            got = _build(ctx, f, lang, formats, out, timings)
        except SocialroiError:
            raise
        except Exception as exc:  # a bug in a report section: say so instead of a bare 500
            log.exception("report failed for %s", f)
            raise SocialroiError(f"the report could not be built: {exc!r}") from exc
    return key, {k: Path(v) for k, v in got.items()}


def _build(ctx, f: Filters, lang: str, formats, out: Path, timings: dict | None = None):
    return report_pkg.build_report(
        ctx.ws,
        period=f.period,
        compare=f.compare_arg,
        profile=profile_of(ctx.ws, f.profile),
        model=f.model or None,
        markets=list(f.markets) or None,
        platforms=list(f.platforms) or None,
        lang=lang,
        formats=tuple(formats),
        out=str(out),
        timings=timings,
    )


def _existing(folder: Path, fmt: str) -> Path | None:
    if not folder.is_dir():
        return None
    found = sorted(folder.glob(f"*.{fmt}"))
    return found[0] if found else None


def report_file(ctx, key: str, fmt: str) -> Path | None:
    if fmt not in FORMATS or not key.isalnum() or len(key) != 24:
        return None
    return _existing(ctx.reports_dir / key, fmt)


@router.get("/reports", response_class=HTMLResponse, include_in_schema=False)
def reports_page(request: Request, p: Principal = VIEWER):
    ctx = request.app.state.ctx
    f = ctx.filters(request.query_params, "reports")
    key = report_key(ctx, f, request_lang(request))
    ready = {fmt: report_file(ctx, key, fmt) is not None for fmt in FORMATS}
    job = job_state(ctx, key)
    return render(
        request,
        "reports.html",
        {
            "page": "reports",
            "pages": PAGES,
            "title": PAGES["reports"],
            "f": f,
            "key": key,
            "ready": ready,
            "job": job,
        },
    )


@router.post("/reports/build", include_in_schema=False)
async def build_page(request: Request, p: Principal = VIEWER):
    form = await request.form()
    check_csrf(request, p, form)
    ctx = request.app.state.ctx
    f = ctx.filters(request.query_params, "reports")
    # the build runs in the background, in the language of the page it was asked from
    await run_in_threadpool(start, ctx, f, request_lang(request))
    return RedirectResponse(f"/reports?{f.query()}", status_code=303)


@router.get("/reports/progress/{key}", response_class=HTMLResponse, include_in_schema=False)
def progress(request: Request, key: str, p: Principal = VIEWER):
    """The build's progress, polled by the Reports page until it is done."""
    ctx = request.app.state.ctx
    job = job_state(ctx, key)
    ready = {fmt: report_file(ctx, key, fmt) is not None for fmt in FORMATS}
    return render(request, "report_progress.html", {"key": key, "job": job, "ready": ready})


@router.get("/reports/file/{key}/{fmt}", include_in_schema=False)
def download(request: Request, key: str, fmt: str, p: Principal = VIEWER):
    path = report_file(request.app.state.ctx, key, fmt)
    if path is None:
        raise SocialroiError("no such report; build it first on the Reports page")
    return FileResponse(path, media_type=MEDIA[fmt], filename=path.name)
