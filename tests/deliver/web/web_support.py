"""Helpers shared by the web tests and the API docs test."""

from __future__ import annotations

from socialroi.deliver.web.api_app import routes_of


def app_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves (HEAD left out; mounts such as /static
    have no methods), each included router's routes too (`api_app.routes_of`)."""
    return routes_of(app)
