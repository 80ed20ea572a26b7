"""`socialroi demo`: generate the Voltiq world, write it as native exports, import them.

Every source's writer in `socialroi.demo.writers` renders its files (a writer that is not
there yet is skipped with a note); the ledger writer adds the accounts register and the costs
ledger; `ground_truth.json` records the generator's true channel effects. The files are then
imported through the real importer — the accounts register first — and the workspace's status
is printed. Same seed, same bytes: a second run reports every file unchanged.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import socialroi.demo.writers as writers_pkg
from socialroi.demo.generate import generate
from socialroi.demo.world import DemoWorld
from socialroi.errors import SocialroiError
from socialroi.experiments.registry import names as experiment_names
from socialroi.experiments.registry import save as save_experiment
from socialroi.land.importer import ImportResult
from socialroi.land.workspace import Workspace
from socialroi.measure.campaigns import map_campaign

SOURCES = (
    "tiktok", "x", "pinterest", "meta", "linkedin", "youtube", "ga4", "shopify", "hubspot",
    "salesforce",
)  # fmt: skip


@dataclass
class DemoRun:
    files: list[Path] = field(default_factory=list)
    results: list[ImportResult] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, error)
    skipped_writers: list[str] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    last_day: dt.date | None = None  # the demo world's last day


class _Quiet:
    def print(self, *args: Any, **kwargs: Any) -> None:
        pass


def writer_modules(only: Iterable[str] | None = None) -> dict[str, Any]:
    """The writer modules present, by name (`ledger` and whichever sources exist)."""
    wanted = set(only) if only is not None else None
    found = {}
    for info in sorted(pkgutil.iter_modules(writers_pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or (wanted is not None and info.name not in wanted):
            continue
        mod = importlib.import_module(f"{writers_pkg.__name__}.{info.name}")
        if callable(getattr(mod, "write", None)):
            found[info.name] = mod
    return found


def write_files(
    world: DemoWorld, out: Path, console: Any = None, sources: Iterable[str] | None = None
) -> tuple[list[Path], list[str]]:
    """Write every available source's exports (or only `sources`'), the ledger files and
    the ground truth beside the folder (`truth_path`)."""
    console = console or _Quiet()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    mods = writer_modules(sources)
    files: list[Path] = []
    skipped = [s for s in SOURCES if s not in mods and (sources is None or s in sources)]
    for name in skipped:
        console.print(f"note: no demo writer for {name} yet; its exports are skipped", markup=False)
    for mod in mods.values():
        files += [Path(p) for p in mod.write(world, out)]
    truth = truth_path(out)
    truth.write_text(json.dumps(world.truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return files, skipped


def truth_path(out: Path) -> Path:
    """ground_truth.json beside the exports folder, not in it: a folder import would meet it
    among the exports (`demo-exports` -> `demo-exports.ground_truth.json`)."""
    out = Path(out)
    return out.parent / f"{out.name}.ground_truth.json"


def import_order(files: list[Path]) -> list[Path]:
    """The accounts register first, then the costs ledger, then everything else by path."""

    def rank(p: Path) -> tuple[int, str]:
        name = p.name
        first = 0 if name == "accounts_register.csv" else 1 if name == "costs_ledger.csv" else 2
        return first, str(p)

    return sorted(files, key=rank)


def run_demo(
    workspace: str | Path = "socialroi.duckdb",
    seed: int = 7,
    scale: str = "small",
    out: str | Path = "demo-exports",
    console: Any = None,
    sources: Iterable[str] | None = None,
) -> DemoRun:
    """Generate, write, import and summarise the demo. Returns what happened.

    `sources` limits the writers to those names (e.g. `("ledger", "ga4")`); default all.
    """
    console = console or _Quiet()
    run = DemoRun()
    t0 = time.perf_counter()
    world = generate(seed, scale)
    world.check()
    run.seconds["generate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    files, run.skipped_writers = write_files(world, Path(out), console, sources)
    run.files = import_order(files)
    run.seconds["write"] = time.perf_counter() - t0
    console.print(
        f"Voltiq demo (seed {seed}, scale {scale}): {len(run.files)} export files written to "
        f"{out}, plus {truth_path(Path(out)).name} beside it",
        markup=False,
    )
    t0 = time.perf_counter()
    with Workspace.open(workspace, base_currency=world.base_currency) as ws:
        for f in run.files:
            try:
                res = ws.import_files([f])
            except SocialroiError as exc:
                run.failures.append((str(f), str(exc)))
                console.print(f"import failed: {exc}", markup=False)
                continue
            run.results += res
            for r in res:
                console.print("  " + r.describe(), markup=False)
        run.seconds["import"] = time.perf_counter() - t0
        # Attribution compares its models against this (socialroi attribute --model all).
        ws.store.set_setting("demo_ground_truth", json.dumps(world.truth, sort_keys=True))
        # The brand's team keeps a campaign mapping: ad reports that carry no URL
        # parameters (TikTok, X, Pinterest, LinkedIn) meet their links' UTM campaigns.
        for name, utm in _campaign_mapping(world).items():
            map_campaign(ws, name, utm)
        _save_experiments(ws, world)
        run.status = ws.status()
    _summary(run, console)
    if run.failures:
        raise SocialroiError(
            f"{len(run.failures)} demo file(s) failed to import; the first: {run.failures[0][1]}"
        )
    run.last_day = world.end
    return run


def _campaign_mapping(world: DemoWorld) -> dict[str, str]:
    ads = world.frames["ads"][["campaign_name", "utm_campaign"]].dropna().drop_duplicates()
    return dict(zip(ads.campaign_name, ads.utm_campaign))


def _save_experiments(ws: Workspace, world: DemoWorld) -> None:
    """The brand's experiments, as `socialroi experiment assign` would have stored them, and
    their planted effects (`socialroi experiment analyse` is checked against these)."""
    planted = world.experiments
    if planted is None:
        return
    for spec in planted.specs:
        if spec.name not in experiment_names(ws):
            save_experiment(ws, spec, planted.units.get(spec.name))
    ws.store.set_setting("demo_experiments_truth", json.dumps(planted.truth, sort_keys=True))


def _summary(run: DemoRun, console: Any) -> None:
    st = run.status
    loaded = sum(r.status == "loaded" for r in run.results)
    unchanged = sum(r.status == "unchanged" for r in run.results)
    p = console.print
    p(
        f"\n{len(run.results)} batches: {loaded} loaded, {unchanged} unchanged, "
        f"{len(run.failures)} failed (generate {run.seconds.get('generate', 0):.1f}s, "
        f"write {run.seconds.get('write', 0):.1f}s, import {run.seconds.get('import', 0):.1f}s)",
        markup=False,
    )
    for name, info in st.get("tables", {}).items():
        span = f"  {info.get('from') or ''} .. {info.get('to') or ''}" if info.get("from") else ""
        p(f"  {name:<16} {info['rows']:>12,}{span}", markup=False)
    p("platforms: " + (", ".join(st.get("platforms", [])) or "none"), markup=False)
    p("markets: " + (", ".join(st.get("markets", [])) or "none"), markup=False)
    p("currencies: " + (", ".join(st.get("currencies", [])) or "none"), markup=False)
    findings = st.get("findings", [])
    if findings:
        p("data-quality findings:", markup=False)
        for f in findings:
            p(f"  {f['kind']}: {f['rows']:,} rows in {f['findings']} finding(s)", markup=False)
    else:
        p("data-quality findings: none", markup=False)
    if run.skipped_writers:
        p("writers not there yet: " + ", ".join(run.skipped_writers), markup=False)
