"""Time socialroi's BG/NBD fit against lifetimes' on the same data, in one run.

Data sets: the CDNOW 1/10 sample (2,357 customers) and a synthetic sample of N customers
(default 1,000,000) drawn from the BG/NBD model fitted on CDNOW, with ages taken from the
CDNOW ages and recency on the same daily grid (days / 7), as real summaries are.

For each data set it times, best of ``--repeats`` runs:

* ``socialroi``: ``BetaGeoFitter().fit(frequency, recency, T)`` (compresses internally),
* ``lifetimes``: ``lifetimes.BetaGeoFitter().fit(frequency, recency, T)`` on every row,
* ``lifetimes (weighted)``: lifetimes on the distinct rows with counts as ``weights``
  (the same compression done by hand), to separate the compression gain from the rest.

With ``--workspace`` (a demo workspace, e.g. from ``socialroi demo --scale large``) two more
data sets come from its customers, as ``socialroi clv`` builds them (deduplicated orders,
stitched customers, RFM summary in days up to the end of ``--period``):

* the customers' own summaries, as the workspace has them;
* the same customers (same ages in days) with repeat purchases drawn from the CDNOW model
  rescaled to days, because the demo's shop customers rarely buy twice.

It also times ``customer_clv`` from the workspace end to end (reading, stitching, fits and
predictions; acquisition touches included).

Results go to ``benchmarks/clv/results.md`` and into ``docs/clv.md`` between the
``<!-- benchmark:start -->`` and ``<!-- benchmark:end -->`` markers. Usage::

    .venv/bin/python benchmarks/clv/run.py [--customers 1000000] [--repeats 3]
        [--workspace demo.duckdb --period 2026-Q3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy

from socialroi.measure.clv import BetaGeoFitter, load_cdnow_summary, sample_bgnbd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
DOCS = HERE.parents[1] / "docs" / "clv.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"


def best_time(fn, repeats: int):
    """Run ``fn`` ``repeats`` times; return (best wall time in seconds, last result)."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def synthetic(n: int, params: pd.Series, ages: np.ndarray, seed: int = 2024) -> pd.DataFrame:
    """N customers from the fitted model, ages resampled from ``ages`` on the days/7 grid."""
    rng = np.random.default_rng(seed)
    T = np.round(rng.choice(ages, size=n) * 7) / 7
    return sample_bgnbd(*params[["r", "alpha", "a", "b"]], T=T, seed=seed + 1, resolution=1 / 7)


def workspace_rows(path: str, period: str, params: pd.Series, args) -> tuple[list[dict], str]:
    """Benchmark rows for the customers of a workspace, and a note on the end-to-end time."""
    from socialroi import Workspace
    from socialroi.measure.clv import summary_data_from_transaction_data
    from socialroi.measure.clv.workspace import customer_clv, customer_orders
    from socialroi.model.periods import parse_period

    p = parse_period(period)
    name = Path(path).stem
    with Workspace.open(path) as ws:
        start = time.perf_counter()
        orders = customer_orders(ws, p.end)
        rfm = summary_data_from_transaction_data(
            orders, "customer_id", "local_date", "value", observation_period_end=p.end, freq="D"
        )
        read = time.perf_counter() - start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            end_to_end, per = best_time(lambda: customer_clv(ws, p), 1)
    repeat = int((rfm["frequency"] > 0).sum())
    rows = [
        bench(f"{name}: its customers to {p.end} (days; {repeat:,} repeat)", rfm, args.repeats,
              args.lifetimes_repeats),
    ]  # fmt: skip
    days = params.copy()
    days["alpha"] *= 7  # the CDNOW model is in weeks
    simulated = sample_bgnbd(*days[["r", "alpha", "a", "b"]], T=rfm["T"].to_numpy(), seed=7,
                             resolution=1)  # fmt: skip
    rows.append(
        bench(f"{name}: same customers, CDNOW-like repeat purchases (days)", simulated,
              args.repeats, args.lifetimes_repeats)
    )  # fmt: skip
    note = (
        f"- {name}: {len(orders):,} orders of {len(rfm):,} customers up to {p.end} "
        f"({orders.attrs['purchase_rows']:,} purchase rows before removing GA4 copies of shop "
        f"orders), read and summarised in {read:.1f} s; `customer_clv(ws, {period!r})` end "
        f"to end (all of the above, both fits, predictions and acquisition touches for the "
        f"{len(per):,} customers acquired in {period}) {end_to_end:.1f} s."
    )
    return rows, note


def bench(name: str, data: pd.DataFrame, repeats: int, lifetimes_repeats: int) -> dict:
    f, r, T = data["frequency"], data["recency"], data["T"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # poorly identified data warns; timed all the same
        ours_time, ours = best_time(lambda: BetaGeoFitter().fit(f, r, T), repeats)
    row = {
        "data": name,
        "customers": len(data),
        "distinct rows": ours.n_rows_,
        "socialroi s": ours_time,
        "params": ours.params_,
    }
    try:
        import lifetimes
    except ImportError:
        return row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lt_time, lt = best_time(lambda: lifetimes.BetaGeoFitter().fit(f, r, T), lifetimes_repeats)
        counts = data.value_counts(["frequency", "recency", "T"]).reset_index(name="n")
        args = (counts["frequency"], counts["recency"], counts["T"], counts["n"])
        ltw_time, ltw = best_time(lambda: lifetimes.BetaGeoFitter().fit(*args), lifetimes_repeats)
    row.update(
        {
            "lifetimes s": lt_time,
            "lifetimes (weighted) s": ltw_time,
            "max rel. param diff": float((ours.params_ / lt.params_ - 1).abs().max()),
        }
    )
    return row


def render(rows: list[dict], started: float, load: tuple[str, str], notes=()) -> str:
    """Markdown report: one table of timings plus the fitted parameters and environment."""
    lines = [
        "| data | customers | distinct rows | socialroi | lifetimes | speed-up | "
        "lifetimes on distinct rows (weights) | speed-up | max rel. param diff |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lt, ltw = row.get("lifetimes s"), row.get("lifetimes (weighted) s")
        cells = [
            row["data"],
            f"{row['customers']:,}",
            f"{row['distinct rows']:,}",
            f"{row['socialroi s']:.3f} s",
            f"{lt:.2f} s" if lt else "n/a",
            f"{lt / row['socialroi s']:.1f}x" if lt else "n/a",
            f"{ltw:.3f} s" if ltw else "n/a",
            f"{ltw / row['socialroi s']:.1f}x" if ltw else "n/a",
            f"{row['max rel. param diff']:.1e}" if lt else "n/a",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for row in rows:
        shown = ", ".join(f"{k} = {v:.4f}" for k, v in row["params"].items())
        lines.append(f"- {row['data']}: fitted {shown}")
    lines.extend(notes)
    try:
        import lifetimes

        lt_version = lifetimes.__version__
    except ImportError:
        lt_version = "not installed"
    lines += [
        "",
        f"Wall-clock seconds, best of the repeats, one process, run on {time.strftime('%Y-%m-%d')}"
        f" in {time.time() - started:.0f} s on {platform.machine()} with {os.cpu_count()} CPUs "
        f"(load average {load[0]} at start, {load[1]} at end: other jobs shared the machine, so "
        "compare the ratios rather than the absolute times); Python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"pandas {pd.__version__}, lifetimes {lt_version}. socialroi's time includes input "
        "checks and compression; the weighted lifetimes time excludes the `value_counts` that "
        "compressed its input. Both fits compute standard errors (lifetimes: an autograd "
        "Hessian; socialroi: finite differences of the analytic gradient).",
    ]
    return "\n".join(lines) + "\n"


def loadavg() -> str:
    try:
        return " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lifetimes-repeats", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--workspace", help="a demo workspace whose customers to fit too")
    parser.add_argument("--period", default="2026-Q3", help="customers up to its end")
    args = parser.parse_args()
    started, load_start = time.time(), loadavg()
    cdnow = load_cdnow_summary()
    rows = [bench("CDNOW 1/10 sample", cdnow, args.repeats, max(args.lifetimes_repeats, 3))]
    data = synthetic(args.customers, rows[0]["params"], cdnow["T"].to_numpy())
    rows.append(
        bench(f"synthetic BG/NBD, {args.customers:,}", data, args.repeats, args.lifetimes_repeats)
    )
    notes = []
    if args.workspace:
        more, note = workspace_rows(args.workspace, args.period, rows[0]["params"], args)
        rows += more
        notes.append(note)
    table = render(rows, started, (load_start, loadavg()), notes)
    print(table)
    if args.no_write:
        return
    RESULTS.write_text("# BG/NBD fit: socialroi vs lifetimes\n\n" + table)
    if DOCS.exists():
        text = DOCS.read_text()
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            DOCS.write_text(f"{head}{START}\n{table}{END}{tail}")


if __name__ == "__main__":
    main()
