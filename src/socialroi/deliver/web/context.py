"""What every request of the dashboard shares: the workspace, the users' store, the lock and
the caches of computed views.

One process owns the workspace's DuckDB file. Each request thread has a connection of its
own (see `DuckDBStore`), so no thread reads another's result. `Context.lock` is a
readers-writer lock: pages, API answers and report builds read together (`lock.read()`),
an import, a cost edit or a setting change writes alone (`lock.write()`), so an answer is
always computed on one state of the data. Computed views are cached by (view, filters, data
version): an import or a cost edit (a batch too) makes every cached figure stale at once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialroi.deliver.web import filters as flt
from socialroi.deliver.web.views import OPTIONS, VIEWS, View
from socialroi.errors import SocialroiError
from socialroi.land.workspace import Workspace
from socialroi.store import reads
from socialroi.store.web import WebStore

log = logging.getLogger("socialroi.deliver.web")


class RWLock:
    """Many readers or one writer; a waiting writer goes first (readers arriving after it
    wait), so a steady stream of page views cannot starve an import. Re-entrant per thread:
    a writer may read, and a reader may read again."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers: dict[int, int] = {}
        self._writer: int | None = None
        self._writes = 0
        self._waiting = 0

    @contextmanager
    def read(self):
        me = threading.get_ident()
        with self._cond:
            if self._writer != me and me not in self._readers:
                while self._writer is not None or self._waiting:
                    self._cond.wait()
            self._readers[me] = self._readers.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers[me] -= 1
                if not self._readers[me]:
                    del self._readers[me]
                    self._cond.notify_all()

    @contextmanager
    def write(self):
        me = threading.get_ident()
        with self._cond:
            if self._writer != me:
                if me in self._readers:
                    raise RuntimeError("a reader cannot become a writer")
                self._waiting += 1
                try:
                    while self._writer is not None or self._readers:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
                self._writer = me
            self._writes += 1
        try:
            yield
        finally:
            with self._cond:
                self._writes -= 1
                if not self._writes:
                    self._writer = None
                    self._cond.notify_all()


CACHE_SIZE = 256
VERSION_TTL = 1.0  # seconds


@dataclass
class Context:
    ws: Workspace
    store: WebStore
    lock: RWLock
    reports_dir: Path
    cache: OrderedDict = field(default_factory=OrderedDict)
    meta: dict[str, Any] = field(default_factory=dict)
    meta_version: str = ""
    json_cache: OrderedDict = field(default_factory=OrderedDict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)  # held briefly only
    jobs: dict[str, Any] = field(default_factory=dict)  # report builds running or done
    computing: dict[tuple, threading.Lock] = field(default_factory=dict)  # views under way
    _version: tuple[float, str] = (0.0, "")

    def version(self) -> str:
        """The workspace's data version, read at most once a second (this process owns the
        file, and its own writes call `invalidate()`, which forgets it at once)."""
        at, v = self._version
        if time.monotonic() - at > VERSION_TTL or not v:
            v = self.store.data_version()
            self._version = (time.monotonic(), v)
        return v

    # -- what the workspace holds (for filter choices) -------------------------------------
    def workspace_meta(self) -> dict[str, Any]:
        version = self.version()
        if version != self.meta_version:
            with self.lock.read():
                st = self.ws.status()
                last = reads.last_data_day(self.ws.store)
            self.meta = {
                "platforms": st["platforms"],
                "markets": st["markets"],
                "default_period": flt.default_period(last),
                "base_currency": st["base_currency"],
                "default_profile": self.ws.store.setting("web_default_profile", "dtc"),
                "profiles": flt.profiles() + sorted(self.store.profiles()),
            }
            self.meta_version = version
        return self.meta

    def filters(self, params, view: str = "") -> flt.Filters:
        m = self.workspace_meta()
        opts = OPTIONS.get(view, ()) + ("sort", "dir")
        return flt.parse(
            params,
            platforms=m["platforms"],
            markets=m["markets"],
            default_period=m["default_period"],
            default_profile=m["default_profile"],
            options=opts,
            profile_names=m["profiles"],
        )

    def view(self, name: str, f: flt.Filters) -> View:
        """A page's figures, computed once per (filters, data version)."""
        compute_key = f.with_extra(sort="", dir="")  # sorting happens when rendering
        key = (name, compute_key.key(), self.version())
        with self.cache_lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        with self.lock.read():  # no import or edit while it computes
            key = (name, compute_key.key(), self.version())  # the version it computes on
            with self.cache_lock:
                if key in self.cache:  # computed while this request waited
                    return self.cache[key]
                computing = self.computing.setdefault(key, threading.Lock())
            with computing:  # one thread computes a view; the others asking wait for it
                with self.cache_lock:
                    if key in self.cache:
                        return self.cache[key]
                result = self._compute(name, f)
                with self.cache_lock:
                    self.cache[key] = result
                    self.computing.pop(key, None)
                    while len(self.cache) > CACHE_SIZE:
                        self.cache.popitem(last=False)
            return result

    def _compute(self, name: str, f: flt.Filters) -> View:
        try:
            return VIEWS[name](self.ws, f)
        except SocialroiError as exc:  # e.g. no data in the period: say so on the page
            return View(name, notes=[str(exc)])
        except Exception as exc:  # a bug in a measure: the page still renders, and says it
            log.exception("view %s failed for %s", name, f)
            return View(name, notes=[f"this view could not be computed: {exc!r}"])

    def fast_json(self, name: str, params) -> bytes | None:
        """The API answer when it is already cached and the data version is fresh: no query,
        no lock held for long, so it can run on the event loop. None: take the slow path."""
        at, version = self._version
        if not version or time.monotonic() - at > VERSION_TTL or self.meta_version != version:
            return None
        f = self.filters(params, name)
        with self.cache_lock:
            return self.json_cache.get((name, f.key(), version))

    def view_json(self, name: str, f: flt.Filters) -> bytes:
        """The API's answer for a view, serialised once per (filters, data version)."""
        key = (name, f.key(), self.version())
        with self.cache_lock:
            got = self.json_cache.get(key)
        if got is not None:
            return got
        out = self.view(name, f).to_json()
        out["filters"] = {
            "period": f.period,
            "compare": f.compare,
            "platforms": list(f.platforms),
            "markets": list(f.markets),
            "profile": f.profile,
            "model": f.model or None,
            **dict(f.extra),
        }
        body = json.dumps(out, ensure_ascii=False, default=str).encode()
        with self.cache_lock:
            self.json_cache[key] = body
            while len(self.json_cache) > CACHE_SIZE:
                self.json_cache.popitem(last=False)
        return body

    def invalidate(self) -> None:
        with self.cache_lock:
            self.cache.clear()
            self.json_cache.clear()
            self.meta_version = ""
            self._version = (0.0, "")
