"""What the parity tests and the Spark-vs-DuckDB benchmark share: building a Spark workspace
from the demo's export files, running the CLI's JSON commands, and comparing their figures."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main

# The commands whose every figure must agree between engines (issue 18).
COMMANDS = {
    "roi": ["roi", "--period", "2026-Q3"],
    "attribute": ["attribute", "--period", "2026-Q3", "--model", "all"],
    "costs": ["costs", "--period", "2026-Q3"],
    "clv": ["clv", "--period", "2025-Q4", "--historical-only"],
}
# Settings `run_demo` stores beside the imports (the campaign mapping changes ROI).
DEMO_SETTINGS = ("demo_ground_truth", "campaign_map")
# A local session small enough for a 2-core machine: one partition per shuffle, no UI.
TEST_SPARK = {
    "SOCIALROI_SPARK_MASTER": "local[2]",
    "SOCIALROI_SPARK_CONF": "spark.sql.shuffle.partitions=1,spark.default.parallelism=2",
}


def import_like_demo(location: str, files: list[Path], settings_from: str | Path) -> Workspace:
    """A workspace at `location` holding the demo's files imported in the demo's order, with
    the settings `run_demo` adds (copied from the DuckDB demo workspace)."""
    with Workspace.open(settings_from) as src:
        base = src.base_currency
        settings = {k: src.store.setting(k) for k in DEMO_SETTINGS}
    ws = Workspace.open(location, base_currency=base)
    for f in files:
        ws.import_files([f])
    for k, v in settings.items():
        if v is not None:
            ws.store.set_setting(k, v)
    return ws


def run_json(workspace: str, name: str) -> Any:
    """One command's JSON output on a workspace."""
    r = CliRunner().invoke(main, [*COMMANDS[name], "-w", workspace, "--format", "json"])
    if r.exit_code != 0:
        raise AssertionError(f"{name} on {workspace} failed: {r.output}\n{r.exception!r}")
    return json.loads(r.stdout)


def figures(doc: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(where, value) of every leaf of a JSON document; the workspace's own name and the
    answer's data version and time left out."""
    if isinstance(doc, dict):
        for k in sorted(doc):
            if k not in ("workspace", "as_of"):  # names and when, not figures
                yield from figures(doc[k], f"{path}.{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from figures(v, f"{path}[{i}]")
    else:
        yield path, doc


def differences(a: Any, b: Any, rel: float = 1e-9) -> tuple[int, float, list[str]]:
    """(numbers compared, largest relative difference, what differs) between two documents."""
    fa, fb = dict(figures(a)), dict(figures(b))
    out = [f"{k}: only in one" for k in sorted(set(fa) ^ set(fb))]
    worst, numbers = 0.0, 0
    for k in sorted(set(fa) & set(fb)):
        x, y = fa[k], fb[k]
        if isinstance(x, int | float) and isinstance(y, int | float) and not isinstance(x, bool):
            numbers += 1
            scale = max(abs(x), abs(y))
            d = 0.0 if x == y or (math.isnan(x) and math.isnan(y)) else abs(x - y) / scale
            worst = max(worst, d)
            if d > rel:
                out.append(f"{k}: {x!r} != {y!r}")
        elif x != y:
            out.append(f"{k}: {x!r} != {y!r}")
    return numbers, worst, out


class spark_env:  # noqa: N801 - used as a context manager
    """The test session's Spark settings, restored afterwards."""

    def __enter__(self) -> None:
        self.saved = {k: os.environ.get(k) for k in TEST_SPARK}
        os.environ.update(TEST_SPARK)

    def __exit__(self, *exc: Any) -> None:
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
