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

import datetime as dt
import json
import logging
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from socialroi.deliver.i18n.errors import ERRORS
from socialroi.deliver.web import filters as flt
from socialroi.deliver.web import kept
from socialroi.deliver.web.views import OPTIONS, View, query_of
from socialroi.land.workspace import Workspace
from socialroi.measure.roi import prime_campaigns
from socialroi.store import answers, reads
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
HOT_MAX = 16  # views brought up to date after each write (the most recently asked for)


@dataclass
class Answer:
    """A view's figures and the data version they were computed on."""

    view: View
    version: Any
    label: str  # short name of the version (`kept.version_label`)
    computed_at: str


@dataclass
class Context:
    ws: Workspace
    store: WebStore
    lock: RWLock
    reports_dir: Path
    cache: OrderedDict = field(default_factory=OrderedDict)  # (view, filters, version)
    latest: OrderedDict = field(default_factory=OrderedDict)  # (view, filters): last good
    meta: dict[str, Any] = field(default_factory=dict)
    meta_version: Any = ""
    json_cache: OrderedDict = field(default_factory=OrderedDict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)  # held briefly only
    jobs: dict[str, Any] = field(default_factory=dict)  # report builds running or done
    computing: dict[tuple, threading.Lock] = field(default_factory=dict)  # views under way
    refresher: Refresher | None = None
    presets: bool = False  # compute the preset periods at start and after writes (`serve`)
    _version: tuple[float, Any] = (0.0, "")

    def __post_init__(self) -> None:
        self.refresher = Refresher(self)
        self.ws.on_close(self.close)

    def version(self) -> Any:
        """The workspace's data version, read at most once a second (this process owns the
        file, and its own writes call `invalidate()`, which forgets it at once)."""
        at, v = self._version
        if time.monotonic() - at > VERSION_TTL or not v:
            v = self.store.data_version()
            self._version = (time.monotonic(), v)
        return v

    # -- what the workspace holds (for filter choices) -------------------------------------
    def workspace_meta(self, *, wait: bool = False) -> dict[str, Any]:
        """Platforms, markets, default period and profiles. After an import, the previous
        ones answer until the new ones are read in the background (`wait`: read them now)."""
        version = self.version()
        if version != self.meta_version:
            if self.meta and not wait:
                self.refresher.ask_meta()
                return self.meta
            self._read_meta(version)
        return self.meta

    def _read_meta(self, version: Any) -> None:
        with self.lock.read():
            st = self.ws.status()
            last = reads.last_data_day(self.ws.store)
        self.meta = {
            "platforms": st["platforms"],
            "markets": st["markets"],
            "default_period": flt.default_period(last),
            "presets": flt.presets(last),
            "base_currency": st["base_currency"],
            "default_profile": self.ws.store.setting("web_default_profile", "dtc"),
            "profiles": flt.profiles() + sorted(self.store.profiles()),
        }
        self.meta_version = version

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

    # -- views -----------------------------------------------------------------------------
    def view(self, name: str, f: flt.Filters) -> View:
        """A page's figures (see `answer`); the last good ones say so in their notes."""
        got, current = self.answer(name, f)
        return got.view if current else _noted(got)

    def answer(self, name: str, f: flt.Filters) -> tuple[Answer, bool]:
        """(answer, current): the view's figures computed once per (filters, data version).

        Stale-while-revalidate: when the data changed since the last answer for these
        filters (kept in memory or in the workspace file), that answer comes back at once,
        marked with its version (current=False), and the new one is computed in the
        background. Only filters never answered before wait for their computation. An
        answer is always computed on one version of the data, never a mix."""
        ckey = f.with_extra(sort="", dir="")  # sorting happens when rendering
        version = self.version()
        key = (name, ckey.key(), version)
        with self.cache_lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key], True
            last = self.latest.get((name, ckey.key()))
        if last is None:
            last = self._kept(name, ckey)
        if last is not None:
            if last.version == version or repr(last.version) == repr(version):
                self._remember(name, ckey, version, last)
                return last, True
            self.refresher.ask(name, ckey)
            return last, False
        return self.compute(name, ckey), True

    def compute(self, name: str, f: flt.Filters) -> Answer:
        """Compute (or wait for another thread computing) the view on the current data."""
        with self.lock.read(), self.ws.pinned():  # no import or edit while it computes
            version = self.version()
            key = (name, f.key(), version)  # the version it computes on
            with self.cache_lock:
                if key in self.cache:  # computed while this request waited
                    return self.cache[key]
                computing = self.computing.setdefault(key, threading.Lock())
            with computing:  # one thread computes a view; the others asking wait for it
                with self.cache_lock:
                    if key in self.cache:
                        return self.cache[key]
                view, ok = kept.compute(self.ws, name, f)
                got = Answer(view, version, kept.version_label(kept.version_text(version)), _now())
                if ok:
                    kept.save(self.ws.store, name, f, version, view)
                self._remember(name, f, version, got)
                with self.cache_lock:
                    self.computing.pop(key, None)
            return got

    def _kept(self, name: str, f: flt.Filters) -> Answer | None:
        got = kept.load(self.ws.store, name, f)
        if got is None:
            return None
        version_text, view, saved_at = got
        current = self.version()
        version = current if version_text == kept.version_text(current) else version_text
        return Answer(view, version, kept.version_label(version_text), saved_at)

    def _remember(self, name: str, f: flt.Filters, version: Any, got: Answer) -> None:
        with self.cache_lock:
            self.cache[(name, f.key(), version)] = got
            while len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
            self.latest[(name, f.key())] = got
            self.latest.move_to_end((name, f.key()))
            while len(self.latest) > CACHE_SIZE:
                self.latest.popitem(last=False)

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
        """The API's answer for a view, serialised once per (filters, data version). Its
        `as_of` names the data version it was computed on and whether that is the current
        one (see `answer`)."""
        version = self.version()
        key = (name, f.key(), version)
        with self.cache_lock:
            got = self.json_cache.get(key)
        if got is not None:
            return got
        answer, current = self.answer(name, f)
        if not current:  # the last good answer: serialised once too
            key = (name, f.key(), "as of", answer.label)
            with self.cache_lock:
                got = self.json_cache.get(key)
            if got is not None:
                return got
        out = (answer.view if current else _noted(answer)).to_json()
        out["filters"] = {
            "period": f.period,
            "compare": f.compare,
            "platforms": list(f.platforms),
            "markets": list(f.markets),
            "profile": f.profile,
            "model": f.model or None,
            **dict(f.extra),
        }
        out["as_of"] = {
            "data_version": answer.label,
            "computed_at": answer.computed_at,
            "current": current,
        }
        body = json.dumps(out, ensure_ascii=False, default=str).encode()
        with self.cache_lock:
            self.json_cache[key] = body
            while len(self.json_cache) > CACHE_SIZE:
                self.json_cache.popitem(last=False)
        return body

    def invalidate(self, *, settings: bool = False, profiles: bool = False) -> None:
        """After a write. Data (imports, syncs, cost edits): the answers people asked for
        last stay as the last good ones and are computed again in the background.
        `settings`: the filter choices are read again at once. `profiles` (a profile's text
        changed, which no data version sees): every answer is forgotten, kept ones too."""
        with self.cache_lock:
            self.cache.clear()
            self.json_cache.clear()
            self._version = (0.0, "")
            if settings or profiles:
                self.meta, self.meta_version = {}, ""
            if profiles:
                self.latest.clear()
            hot = [] if profiles else list(self.latest)[-HOT_MAX:]
        if profiles:
            answers.clear(self.ws.store, kept.SCOPE)
        for name, fkey in reversed(hot):  # the most recently asked first
            self.refresher.ask(name, flt.Filters(*fkey))
        if self.presets and not profiles:
            self.refresher.ask_presets()

    def warm(self) -> None:
        """At start: the kept views not on the current data are computed again in the
        background (readers get them as the last good answers meanwhile), and the default
        overview is made ready."""
        current = kept.version_text(self.version())
        for text, version in answers.keys(self.ws.store, kept.SCOPE)[:HOT_MAX]:
            if version == current:
                continue
            try:
                name, f = kept.filters_of(text)
            except (ValueError, TypeError):
                continue
            self.refresher.ask(name, f)
        self.view("overview", self.filters({}, "overview"))
        if self.presets:
            self.refresher.ask_presets()

    def precompute(self) -> None:
        """The overview of the periods people pick (`filters.presets`, the first
        `PRECOMPUTED`) on the current data, and the two quarters' sums by campaign: a
        change to one of them is then a change of filter (the measures' sums are in memory
        and in the workspace file). A period no one computed yet is attributed when asked
        (Markov's chain depends on the period's own journeys, so no period is summed from
        others'). Also reads the measures' sums back from the file after a restart."""
        meta = self.workspace_meta(wait=True)
        base = self.filters({}, "overview")
        for period in meta["presets"][: flt.PRECOMPUTED]:
            f = replace(base, period=period).with_extra(sort="", dir="")  # as `answer` asks
            key = ("overview", f.key(), self.version())
            with self.cache_lock:
                done = key in self.cache
            if not done:
                self.compute("overview", f)
        for period in meta["presets"][:2]:  # the quarters, by campaign
            with self.lock.read(), self.ws.pinned():
                prime_campaigns(self.ws, query_of(self.ws, replace(base, period=period)))

    def close(self) -> None:
        self.refresher.stop()


def _noted(got: Answer) -> View:
    """A last good answer, saying so."""
    note = ERRORS["stale_answer"].format(version=got.label, computed=got.computed_at)
    v = got.view  # its sentences in every language stay with it (the page shows its own)
    return View(v.name, v.tables, v.data, [*v.notes, note], v.local)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Refresher:
    """One background thread that brings answers up to date after the data changed: the
    views readers got a stale answer for, and the filter choices. Requests are coalesced;
    each is computed under the read lock, on one version of the data."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._queue: OrderedDict[Any, Any] = OrderedDict()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def ask(self, name: str, f: flt.Filters) -> None:
        self._put((name, f.key()), f)

    def ask_meta(self) -> None:
        self._put(("meta",), None)

    def ask_presets(self) -> None:
        """Compute the preset periods (`Context.precompute`) after what is queued now."""
        with self._cond:
            self._queue.pop(("presets",), None)  # to the end: the views asked for go first
        self._put(("presets",), None)

    def _put(self, key: Any, f: Any) -> None:
        with self._cond:
            if self._stopped or key in self._queue:
                return
            self._queue[key] = f
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="socialroi-refresh", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopped:
                    if not self._cond.wait(timeout=30):
                        self._thread = None  # idle: end; the next request starts another
                        self.ctx.ws.store.release()
                        return
                if self._stopped:
                    return
                key, f = self._queue.popitem(last=False)
            try:
                if key == ("meta",):
                    self.ctx.workspace_meta(wait=True)
                elif key == ("presets",):
                    self.ctx.precompute()
                else:
                    self.ctx.compute(key[0], f)
            except Exception:  # the reader keeps the last good answer; the log says why
                log.exception("refreshing %s failed", key[0])

    def stop(self, wait: float = 30.0) -> None:
        """No more refreshing; a refresh running now is interrupted and waited for (up to
        `wait` seconds), so the workspace can close under no query."""
        with self._cond:
            self._stopped = True
            self._queue.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            self.ctx.ws.store.interrupt()
            thread.join(wait)
