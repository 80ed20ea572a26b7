"""The web tests' shared fixtures: the small workspace, an app on a copy of it, and instant
stand-in views (defined in test_api.py, where they were first written)."""

from tests.deliver.web.test_api import app, built, fake_views  # noqa: F401
