"""Helpers shared by the web tests and the API docs test."""

from __future__ import annotations


def app_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves (HEAD left out; mounts such as /static
    have no methods). Recent FastAPI keeps each included router as one entry of `app.routes`
    (no path, no methods): its routes are listed through it, so that nothing is skipped."""
    out = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        pairs = (
            [(c.path or c.original_route.path, c.original_route) for c in contexts()]
            if contexts is not None
            else [(getattr(route, "path", ""), route)]
        )
        for path, r in pairs:
            out += [(m, path) for m in sorted(set(getattr(r, "methods", None) or ()) - {"HEAD"})]
    return out
