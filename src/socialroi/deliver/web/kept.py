"""The dashboard's views kept in the workspace file (`socialroi.store.answers`, scope "view"),
with the data version each was computed on: a restarted server answers the pages people
looked at from there at once (current if the data has not changed since, else as the last
good answer while it computes the new one), and an import run from the shell without the
server brings them up to date before it returns (`refresh`). The views (every measure, SciPy
and statsmodels among them) are loaded only when one is computed or unpacked: an import that
finds no kept view stale does not pay their second of start-up.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

from socialroi.errors import SocialroiError
from socialroi.store import answers
from socialroi.store.web import WebStore

if TYPE_CHECKING:
    from socialroi.deliver.web.filters import Filters
    from socialroi.deliver.web.views import View

log = logging.getLogger("socialroi.deliver.web")

SCOPE = "view"
REFRESH_MAX = 12  # kept views an import brings up to date (the most recently computed)


def version_text(version: Any) -> str:
    return version if isinstance(version, str) else repr(version)


def current_version(ws) -> str:
    """The version the server's answers are keyed by: the data's and the saved profiles'
    (`WebStore.data_version`)."""
    return WebStore(ws).data_version()


def version_label(version_text: str) -> str:
    """A short, stable name of a data version, for people and programs to compare."""
    return hashlib.sha256(version_text.encode()).hexdigest()[:12]


def key_text(name: str, f: Filters) -> str:
    return json.dumps([name, *f.key()], ensure_ascii=False)


def filters_of(text: str) -> tuple[str, Filters]:
    from socialroi.deliver.web.filters import Filters  # deferred: filters load the measures

    name, period, compare, platforms, markets, profile, model, extra = json.loads(text)
    f = Filters(
        period, compare, tuple(platforms), tuple(markets), profile, model,
        tuple((str(k), str(v)) for k, v in extra),
    )  # fmt: skip
    return name, f


def pack_view(view: View) -> bytes | None:
    from socialroi.deliver.web.views import _plain  # deferred: the views load every measure

    names = list(view.tables)
    data = json.dumps(_plain(view.data), ensure_ascii=False, default=str)
    return answers.pack((view.name, names, [view.tables[n] for n in names], data, list(view.notes)))


def unpack_view(body: bytes) -> View:
    from socialroi.deliver.web.views import View  # deferred: the views load every measure

    name, names, frames, data, notes = answers.unpack(body)
    return View(name, dict(zip(names, frames)), json.loads(data), list(notes))


def save(store, name: str, f: Filters, version: Any, view: View) -> None:
    body = pack_view(view)
    if body is not None:
        answers.put(store, SCOPE, key_text(name, f), version_text(version), body)


def load(store, name: str, f: Filters) -> tuple[str, View, str] | None:
    """(version text, view, when it was kept) for this page and filters, or None."""
    got = answers.get(store, SCOPE, key_text(name, f), with_time=True)
    if got is None:
        return None
    try:
        return got[0], unpack_view(got[1]), got[2]
    except Exception as exc:  # a damaged or older row: as if none was kept
        log.warning("kept view %s unreadable (%s)", name, exc)
        return None


def compute(ws, name: str, f: Filters) -> tuple[View, bool]:
    """(figures, whether they are an answer worth keeping): a measure that cannot answer
    says so on the page instead, and a bug's message is not kept."""
    from socialroi.deliver.web.views import VIEWS, View  # deferred: the views load every measure

    try:
        return VIEWS[name](ws, f), True
    except SocialroiError as exc:  # e.g. no data in the period: say so on the page
        return View(name, notes=[str(exc)]), True
    except Exception as exc:  # a bug in a measure: the page still renders, and says it
        log.exception("view %s failed for %s", name, f)
        return View(name, notes=[f"this view could not be computed: {exc!r}"]), False


def stale(ws, limit: int = REFRESH_MAX) -> bool:
    """Whether a kept view (of the most recent `limit`) is not on the current data."""
    current = current_version(ws)
    return any(v != current for _, v in answers.keys(ws.store, SCOPE)[:limit])


def refresh(ws, limit: int = REFRESH_MAX) -> int:
    """Compute again the kept views whose data version is not the workspace's (the most
    recent `limit`), in this thread, and keep them. The writer's side of an import, sync or
    cost edit run without the server; returns how many were computed."""
    from socialroi.deliver.web.views import VIEWS  # deferred: the views load every measure

    version = current = current_version(ws)
    done = 0
    for text, kept_version in answers.keys(ws.store, SCOPE)[:limit]:
        if kept_version == current:
            continue
        try:
            name, f = filters_of(text)
        except (ValueError, TypeError):
            continue
        if name not in VIEWS:
            continue
        with ws.pinned():
            view, ok = compute(ws, name, f)
        if ok:
            save(ws.store, name, f, version, view)
        done += 1
    return done
