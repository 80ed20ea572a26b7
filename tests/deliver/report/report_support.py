"""The report tests' workspace and its gathered reports, shared by the report test modules
(gathering and rendering take a while on a 2-core machine).

The workspace is a copy of the session's tiny demo (`tiny_demo` in tests/conftest.py) whose
captions are made hostile first: every post of the quarter starts with a formula or carries
markup, so the HTML escaping and the XLSX neutralising are tested on the real report. The
fixtures that hand these out are in tests/deliver/report/conftest.py."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import copy_workspace

PERIOD = "2026-Q3"
EVIL = '=HYPERLINK("https://evil.example","x")<script>alert(1)</script> '
_cache: dict = {}


def hostile_copy(demo: Path, folder: Path) -> Path:
    """A copy of the demo workspace `demo` in `folder`, with hostile captions."""
    from socialroi.land.workspace import Workspace

    db = copy_workspace(demo, folder)
    with Workspace.open(db) as ws:
        ws.store.raw.execute(
            "UPDATE posts SET caption = CASE WHEN hash(post_id) % 2 = 0 THEN ? ELSE "
            "'@SUM(A1) -1 +1 ' END || coalesce(caption, '')",
            [EVIL],
        )
    return db


def workspace(db: Path):
    """The workspace at `db`, opened once for the session."""
    if ("ws", db) not in _cache:
        from socialroi.land.workspace import Workspace

        _cache["ws", db] = Workspace.open(db)
    return _cache["ws", db]


def close() -> None:
    for key in [k for k in _cache if k[0] == "ws"]:
        _cache.pop(key).close()


def report_data(db: Path, profile: str = "dtc", lang: str = "en", **kw):
    key = ("data", db, profile, lang, tuple(sorted(kw.items())))
    if key not in _cache:
        from socialroi.deliver.report.data import gather

        _cache[key] = gather(workspace(db), PERIOD, "previous", profile, lang=lang, **kw)
    return _cache[key]


def rendered(db: Path, lang: str = "en") -> dict[str, Path]:
    key = ("files", db, lang)
    if key not in _cache:
        from socialroi.deliver.report import RENDERERS, file_stem

        data = report_data(db, lang=lang)
        out = db.parent / f"report-{lang}"
        out.mkdir()
        _cache[key] = {
            fmt: fn(data, out / f"{file_stem(data)}.{fmt}") for fmt, fn in RENDERERS.items()
        }
    return _cache[key]
