"""The experiments' own tables inside the workspace file: each experiment's spec and seed, the
units it randomised to arms, and a log of every change.

Created idempotently (`CREATE TABLE IF NOT EXISTS`) the first time an experiment is saved, like
the dashboard's tables (`store/web.py`), so they stay out of the canonical data model: they
are the team's plan, not imported data. A saved experiment is not rewritten silently: saving it
again is refused unless the caller amends it, and an amendment is logged with what changed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from socialroi.errors import SocialroiError

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS experiments (
        name VARCHAR, design VARCHAR, spec VARCHAR, seed BIGINT, created_at TIMESTAMPTZ,
        updated_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS experiment_units (
        name VARCHAR, unit VARCHAR, arm VARCHAR, stratum VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS experiment_log (
        name VARCHAR, logged_at TIMESTAMPTZ, action VARCHAR, details VARCHAR)""",
)


def _ensure(cur) -> None:
    for stmt in SCHEMA:
        cur.execute(stmt)


def _known(cur) -> bool:
    return bool(
        cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'experiments'"
        ).fetchone()[0]
    )


def save_experiment(
    store,
    name: str,
    design: str,
    spec: dict[str, Any],
    seed: int,
    units: list[tuple[str, str, str]],
    amend: str | None = None,
) -> None:
    """Store an experiment and its (unit, arm, stratum) rows. An existing name is refused
    unless `amend` says why; then the new spec replaces the old and the log keeps both."""
    now = dt.datetime.now(dt.UTC)
    with store.transaction() as cur:
        _ensure(cur)
        old = cur.execute("SELECT spec FROM experiments WHERE name = ?", [name]).fetchone()
        if old and not amend:
            raise SocialroiError(
                f"experiment {name!r} exists and may be running; changing it needs a reason "
                "(--amend 'why'), which is recorded"
            )
        if old:
            cur.execute("DELETE FROM experiments WHERE name = ?", [name])
            cur.execute("DELETE FROM experiment_units WHERE name = ?", [name])
            details = {"reason": amend, "before": json.loads(old[0]), "after": spec}
            action = "amend"
        else:
            details, action = {"units": len(units)}, "create"
        cur.execute(
            "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?)",
            [name, design, json.dumps(spec, default=str), seed, now, now],  # arms keep their order
        )
        if units:
            cur.executemany(
                "INSERT INTO experiment_units VALUES (?, ?, ?, ?)",
                [[name, u, a, s] for u, a, s in units],
            )
        cur.execute(
            "INSERT INTO experiment_log VALUES (?, ?, ?, ?)",
            [name, now, action, json.dumps(details, sort_keys=True, default=str)],
        )


def experiment(store, name: str) -> dict[str, Any] | None:
    """{name, design, spec, seed, created_at, units: [(unit, arm, stratum)], log: [...]}."""
    with store.cursor() as cur:
        if not _known(cur):
            return None
        row = cur.execute(
            "SELECT name, design, spec, seed, created_at FROM experiments WHERE name = ?", [name]
        ).fetchone()
        if row is None:
            return None
        units = cur.execute(
            "SELECT unit, arm, stratum FROM experiment_units WHERE name = ? ORDER BY unit",
            [name],
        ).fetchall()
        log = cur.execute(
            "SELECT logged_at, action, details FROM experiment_log WHERE name = ? "
            "ORDER BY logged_at",
            [name],
        ).fetchall()
    return {
        "name": row[0],
        "design": row[1],
        "spec": json.loads(row[2]),
        "seed": int(row[3]),
        "created_at": row[4],
        "units": [tuple(u) for u in units],
        "log": [(t, a, json.loads(d)) for t, a, d in log],
    }


def experiment_names(store) -> list[str]:
    with store.cursor() as cur:
        if not _known(cur):
            return []
        rows = cur.execute("SELECT name FROM experiments ORDER BY created_at").fetchall()
        return [r[0] for r in rows]
