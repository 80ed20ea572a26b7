"""One tiny demo workspace and its gathered reports, built once per test session and shared by
the report test modules (building them takes a while on a 2-core machine).

Captions are made hostile first: every post of the quarter starts with a formula or carries
markup, so the HTML escaping and the XLSX neutralising are tested on the real report."""

from __future__ import annotations

from pathlib import Path

PERIOD = "2026-Q3"
EVIL = '=HYPERLINK("https://evil.example","x")<script>alert(1)</script> '
_cache: dict = {}


def demo_path(tmp_path_factory) -> Path:
    if "path" not in _cache:
        from socialroi.demo.run import run_demo
        from socialroi.land.workspace import Workspace

        root = tmp_path_factory.mktemp("report-demo")
        db = root / "demo.duckdb"
        run_demo(workspace=db, seed=5, scale="tiny", out=root / "exports")
        with Workspace.open(db) as ws:
            ws.store.raw.execute(
                "UPDATE posts SET caption = CASE WHEN hash(post_id) % 2 = 0 THEN ? ELSE "
                "'@SUM(A1) -1 +1 ' END || coalesce(caption, '')",
                [EVIL],
            )
        _cache["path"] = db
    return _cache["path"]


def workspace(tmp_path_factory):
    if "ws" not in _cache:
        from socialroi.land.workspace import Workspace

        _cache["ws"] = Workspace.open(demo_path(tmp_path_factory))
    return _cache["ws"]


def report_data(tmp_path_factory, profile: str = "dtc", lang: str = "en", **kw):
    key = ("data", profile, lang, tuple(sorted(kw.items())))
    if key not in _cache:
        from socialroi.deliver.report.data import gather

        ws = workspace(tmp_path_factory)
        _cache[key] = gather(ws, PERIOD, "previous", profile, lang=lang, **kw)
    return _cache[key]


def rendered(tmp_path_factory, lang: str = "en") -> dict[str, Path]:
    key = ("files", lang)
    if key not in _cache:
        from socialroi.deliver.report import RENDERERS, file_stem

        data = report_data(tmp_path_factory, lang=lang)
        out = tmp_path_factory.mktemp(f"report-{lang}")
        _cache[key] = {
            fmt: fn(data, out / f"{file_stem(data)}.{fmt}") for fmt, fn in RENDERERS.items()
        }
    return _cache[key]
