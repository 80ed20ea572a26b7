"""Uploading export files: the same importers as `socialroi import` (each file one atomic,
idempotent batch), run on the server for analysts and admins."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web.auth import ANALYST, Principal, check_csrf
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.pages import PAGES
from socialroi.errors import SocialroiError
from socialroi.sources.kit import limits

router = APIRouter()

OPTIONS = ("platform", "report", "account", "market", "currency", "timezone", "year")
MAX_BYTES = limits.MAX_FILE_BYTES  # one export file (docs/limits.md); a request: BodyLimit
CHUNK = 1024 * 1024


def safe_name(name: str) -> str:
    """The uploaded file's base name, kept (importers read dates and handles from it) but
    without folders or characters a file system would trip on."""
    base = Path(name.replace("\\", "/")).name.strip() or "upload"
    base = re.sub(r"[^\w@.\- ()\[\]+]", "_", base)
    return base[:200].lstrip(".") or "upload"


async def run_upload(request: Request, principal: Principal, form) -> dict[str, Any]:
    """Save the uploaded files and import them; returns what happened per file. The request
    body was size-limited while it was read (`limits.BodyLimit`); the files are copied to
    disk in chunks and imported off the event loop."""
    files = [u for u in form.getlist("files") if getattr(u, "filename", None)]
    if not files:
        raise SocialroiError("choose at least one export file to upload")
    opts: dict[str, Any] = {}
    for k in OPTIONS:
        v = str(form.get(k, "") or "").strip()
        if v:
            opts[k] = int(v) if k == "year" and v.isdigit() else v
    force = str(form.get("force", "")) in ("1", "on", "true")
    ctx = request.app.state.ctx
    return await run_in_threadpool(_save_and_import, ctx, principal, files, opts, force)


def _save_and_import(ctx, principal: Principal, files, opts, force: bool) -> dict[str, Any]:
    results, error = [], None
    with tempfile.TemporaryDirectory(prefix="socialroi-upload-") as tmp:
        paths = []
        for i, up in enumerate(files):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            target = folder / safe_name(up.filename)
            up.file.seek(0)
            with target.open("wb") as out:
                shutil.copyfileobj(up.file, out, CHUNK)
            if target.stat().st_size > MAX_BYTES:
                raise SocialroiError(
                    f"{up.filename}: larger than {MAX_BYTES >> 20} MiB, the bound of one export "
                    "file (docs/limits.md); split it by date"
                )
            paths.append(target)
        with ctx.lock.write():
            try:
                summary = ctx.ws.import_run(paths, force=force, **opts)
                results = summary.results
                if summary.failed or not results:
                    error = summary.describe()
            except (SocialroiError, TypeError) as exc:
                error = str(exc)
            finally:
                ctx.invalidate()
    for res in results:
        if res.batch_id is None:
            continue
        ctx.store.audit(
            principal.user.username,
            "import",
            res.file,
            {"status": res.status, "batch_id": res.batch_id, "rows": res.rows_loaded},
        )
    if error:
        ctx.store.audit(principal.user.username, "import.failed", "", {"error": error})
    return {
        "results": [
            {
                "file": r.file,
                "status": r.status,
                "batch_id": r.batch_id,
                "source": r.source,
                "report": r.report,
                "rows_loaded": r.rows_loaded,
                "findings": r.findings,
                "message": r.describe(),
            }
            for r in results
        ],
        "error": error,
    }


@router.post("/data/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    outcome = await run_upload(request, p, form)
    f = request.app.state.ctx.filters(request.query_params, "data")
    return render(
        request,
        "uploaded.html",
        {"page": "data", "pages": PAGES, "title": "Upload", "f": f, "outcome": outcome},
        status=400
        if outcome["error"] and not any(r["batch_id"] for r in outcome["results"])
        else 200,
    )
