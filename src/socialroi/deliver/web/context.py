"""What every request of the dashboard shares: the workspace, the users' store, the lock and
the caches of computed views.

One process owns the workspace's DuckDB file. Request threads use their own cursors under
one lock (`Context.lock`), and computed views are cached by (view, filters, data version):
the data version is the last import batch id, so an import or a cost edit (a batch too)
makes every cached figure stale at once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
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
CACHE_SIZE = 256
VERSION_TTL = 1.0  # seconds


@dataclass
class Context:
    ws: Workspace
    store: WebStore
    lock: threading.RLock
    reports_dir: Path
    cache: OrderedDict = field(default_factory=OrderedDict)
    meta: dict[str, Any] = field(default_factory=dict)
    meta_version: str = ""
    json_cache: OrderedDict = field(default_factory=OrderedDict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)  # held briefly only
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
            with self.lock:
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
        with self.lock:  # one computation at a time on the workspace's connection
            with self.cache_lock:
                if key in self.cache:  # computed while this request waited
                    return self.cache[key]
            try:
                result = VIEWS[name](self.ws, f)
            except SocialroiError as exc:  # e.g. no data in the period: say so on the page
                result = View(name, notes=[str(exc)])
            except Exception as exc:  # a bug in a measure: the page still renders, and says it
                log.exception("view %s failed for %s", name, f)
                result = View(name, notes=[f"this view could not be computed: {exc!r}"])
            with self.cache_lock:
                self.cache[key] = result
                while len(self.cache) > CACHE_SIZE:
                    self.cache.popitem(last=False)
            return result

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
