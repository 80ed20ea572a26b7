"""Benchmark socialroi's attribution kernels against ChannelAttribution.

    .venv/bin/python benchmarks/attribution/run.py            # full run (~15 min)
    .venv/bin/python benchmarks/attribution/run.py --quick    # 50k journeys, smoke test

Journeys are generated deterministically (seeded): channels with Zipf-like popularity, a
30% chance to repeat the previous touch, geometric lengths (mean 2.5, at most 20) and a
logistic conversion probability from per-channel effects; conversion values ~ lognormal.
They are aggregated into ChannelAttribution's input shape (path, total_conversions,
total_conversion_value, total_null), and both libraries get that same table.

Every (case, implementation) runs in its own subprocess; after loading the input and
importing the library it resets the kernel's resident high-water mark
(``/proc/self/clear_refs``), so the peak memory reported (``VmHWM`` minus the resident size
before the call) belongs to the call alone. ChannelAttribution allocates in C++, which
tracemalloc cannot see, hence resident memory rather than tracemalloc. Time is the
best of up to 5 runs (fewer once the runs add up to 20 s). ChannelAttribution has no Shapley
model: Shapley is compared with a textbook exact implementation in plain Python (subset
enumeration, 3^n), written below. Writes a markdown table to ``results.md`` beside this file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent

CASES = [
    # name, channels, our model + params, reference
    ("heuristics (first/last/linear)", 8, "heuristics", {}, "ca_heuristics"),
    ("Markov order 1", 8, "markov", {"order": 1}, "ca_markov"),
    ("Markov order 2", 8, "markov", {"order": 2}, "ca_markov"),
    ("Markov order 1", 200, "markov", {"order": 1}, "ca_markov"),
    ("Markov order 2", 200, "markov", {"order": 2}, "ca_markov"),
    ("Shapley", 8, "shapley", {}, "naive_shapley"),
    ("Shapley", 15, "shapley", {}, "naive_shapley"),
]


def generate(n_journeys: int, n_channels: int, seed: int = 0) -> pd.DataFrame:
    """Deterministic journeys aggregated into ChannelAttribution's input shape."""
    rng = np.random.default_rng(seed)
    width = max(2, len(str(n_channels - 1)))
    names = np.array([f"ch{i:0{width}d}" for i in range(n_channels)], dtype=object)
    popularity = 1.0 / np.arange(1, n_channels + 1) ** 1.1
    lengths = np.minimum(rng.geometric(0.4, n_journeys), 20)
    tokens = rng.choice(n_channels, size=int(lengths.sum()), p=popularity / popularity.sum())
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    repeat = rng.random(len(tokens)) < 0.3
    repeat[starts] = False
    source = np.maximum.accumulate(np.where(repeat, 0, np.arange(len(tokens))))
    tokens = tokens[source]
    journey = np.repeat(np.arange(n_journeys), lengths)
    effect = rng.normal(-2.5, 0.7, n_channels)
    score = np.bincount(journey, weights=effect[tokens] / 2, minlength=n_journeys)
    converted = rng.random(n_journeys) < 1 / (1 + np.exp(-(score + 0.1 * lengths)))
    value = np.where(converted, rng.lognormal(3.5, 0.6, n_journeys), 0.0)
    buf = tokens.astype(">u2").tobytes()
    bounds = np.concatenate([[0], np.cumsum(lengths)]) * 2
    keys = [buf[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    path_id, uniq = pd.factorize(np.asarray(keys, dtype=object))
    first = np.unique(path_id, return_index=True)[1]
    paths = [" > ".join(names[tokens[starts[j] : starts[j] + lengths[j]]]) for j in first]
    n = len(uniq)
    conv = np.bincount(path_id, weights=converted, minlength=n)
    total = np.bincount(path_id, minlength=n)
    return pd.DataFrame(
        {
            "path": paths,
            "total_conversions": conv.astype(np.int64),
            "total_conversion_value": np.bincount(path_id, weights=value, minlength=n),
            "total_null": (total - conv).astype(np.int64),
        }
    )


# ----------------------------------------------------------------------------- implementations


def ours(df: pd.DataFrame, model: str, params: dict) -> dict[str, float]:
    from socialroi.measure.attribution import attribute_paths, attribute_table, parse_paths

    if model == "heuristics":  # like ChannelAttribution's heuristic_models: parse once
        table, out = parse_paths(df), {}
        for name in ("first_click", "last_click", "linear"):
            got = attribute_table(table, name)
            out |= {f"{name}:{c}": v for c, v in zip(got["channel"], got["total_conversions"])}
        return out
    got = attribute_paths(df, model, **params)
    return dict(zip(got["channel"], got["total_conversions"]))


def _ca():
    with contextlib.redirect_stdout(io.StringIO()):
        import ChannelAttribution

    return ChannelAttribution


def ca_heuristics(df: pd.DataFrame, model: str, params: dict) -> dict[str, float]:
    ca = _ca()
    with contextlib.redirect_stdout(io.StringIO()):
        got = ca.heuristic_models(
            df, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False
        )
    out = {}
    for ours_name, col in (
        ("first_click", "first_touch"),
        ("last_click", "last_touch"),
        ("linear", "linear_touch"),
    ):
        out |= {
            f"{ours_name}:{c}": v for c, v in zip(got["channel_name"], got[f"{col}_conversions"])
        }
    return out


def ca_markov(df: pd.DataFrame, model: str, params: dict) -> dict[str, float]:
    ca = _ca()
    with contextlib.redirect_stdout(io.StringIO()):
        got = ca.markov_model(
            df,
            "path",
            "total_conversions",
            var_value="total_conversion_value",
            var_null="total_null",
            order=params["order"],
            ncore=2,
            verbose=False,
            flg_pro=False,
        )
    return dict(zip(got["channel_name"], got["total_conversions"]))


def naive_shapley(df: pd.DataFrame, model: str, params: dict) -> dict[str, float]:
    """Textbook exact Shapley with the same worth, plain Python loops over coalitions."""
    sets: dict[frozenset, list[float]] = {}
    for path, conv, null in zip(df["path"], df["total_conversions"], df["total_null"]):
        key = frozenset(t.strip() for t in path.split(">"))
        acc = sets.setdefault(key, [0.0, 0.0])
        acc[0] += conv
        acc[1] += conv + null
    players = sorted({c for s in sets for c in s})
    n = len(players)
    index = {c: i for i, c in enumerate(players)}
    v = [0.0] * (1 << n)
    for s, (conv, seen) in sets.items():
        v[sum(1 << index[c] for c in s)] = conv / seen if seen else 0.0
    worth = [0.0] * (1 << n)
    for S in range(1 << n):  # sum over all subsets T of S: 3^n steps
        T, total = S, 0.0
        while True:
            total += v[T]
            if T == 0:
                break
            T = (T - 1) & S
        worth[S] = total
    fact = [math.factorial(k) for k in range(n + 1)]
    phi = [0.0] * n
    for j in range(n):
        for S in range(1 << n):
            if not S >> j & 1:
                k = bin(S).count("1")
                phi[j] += fact[k] * fact[n - k - 1] / fact[n] * (worth[S | 1 << j] - worth[S])
    total_conv = float(df["total_conversions"].sum())
    return {c: phi[i] / sum(phi) * total_conv for i, c in enumerate(players)}


IMPLS = {
    "ours": ours,
    "ca_heuristics": ca_heuristics,
    "ca_markov": ca_markov,
    "naive_shapley": naive_shapley,
}


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> bool:
    """Reset the kernel's resident high-water mark (Linux >= 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def worker(args: argparse.Namespace) -> None:
    df = pd.read_pickle(args.data)
    model, params = args.model, json.loads(args.params)
    fn = IMPLS[args.impl]
    if args.impl.startswith("ca_"):
        _ca()
    else:  # imports are not part of the measured peak
        import socialroi.measure.attribution  # noqa: F401
    reset = _reset_peak()
    before = _status_bytes("VmRSS")
    times, result = [], None
    while len(times) < 5:
        start = time.perf_counter()
        result = fn(df, model, params)
        times.append(time.perf_counter() - start)
        if sum(times) > 20:
            break
    if reset:
        peak = _status_bytes("VmHWM") - before
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(
        json.dumps(
            {
                "seconds": min(times),
                "runs": len(times),
                "peak_bytes": max(peak, 0),
                "result": result,
            }
        )
    )


def run_case(data: Path, impl: str, model: str, params: dict) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        "--data",
        str(data),
        "--impl",
        impl,
        "--model",
        model,
        "--params",
        json.dumps(params),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def max_share_diff(a: dict[str, float], b: dict[str, float]) -> float:
    total = sum(abs(x) for x in b.values()) or 1.0
    return max(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in set(a) | set(b)) / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50k journeys instead of 1M")
    parser.add_argument("--journeys", type=int, default=None)
    parser.add_argument(
        "--only",
        default="",
        help='Run only the cases whose "name/channels" contains this, e.g. "order 1/200".',
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--impl", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    n = args.journeys or (50_000 if args.quick else 1_000_000)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data: dict[int, Path] = {}
        for name, channels, model, params, ref in CASES:
            if args.only not in f"{name}/{channels}":
                continue
            if channels not in data:
                df = generate(n, channels, seed=channels)
                data[channels] = Path(tmp) / f"paths_{channels}.pkl"
                df.to_pickle(data[channels])
                print(
                    f"{channels} channels: {n:,} journeys, {len(df):,} distinct paths", flush=True
                )
            a = run_case(data[channels], "ours", model, params)
            b = run_case(data[channels], ref, model, params)
            rows.append((name, channels, a, b, ref))
            print(
                f"  {name}, {channels} channels: socialroi {a['seconds']:.2f}s, "
                f"{ref} {b['seconds']:.2f}s",
                flush=True,
            )
    table = render(rows, n)
    print(table)
    args.out.write_text(table)


def render(rows: list, n: int) -> str:
    ref_name = {
        "ca_heuristics": "ChannelAttribution",
        "ca_markov": "ChannelAttribution",
        "naive_shapley": "plain-Python exact Shapley",
    }
    lines = [
        f"Journeys: {n:,} per case; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; ChannelAttribution markov_model with default "
        "nsim_start/conv_par and ncore=2.",
        "",
        "| case | channels | reference | socialroi s | reference s | speed-up | "
        "socialroi peak MB | reference peak MB | max credit diff |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, channels, a, b, ref in rows:
        lines.append(
            f"| {name} | {channels} | {ref_name[ref]} | {a['seconds']:.2f} | "
            f"{b['seconds']:.2f} | {b['seconds'] / a['seconds']:.1f}x | "
            f"{a['peak_bytes'] / 2**20:.0f} | {b['peak_bytes'] / 2**20:.0f} | "
            f"{max_share_diff(a['result'], b['result']):.2%} |"
        )
    lines += [
        "",
        "max credit diff: largest |socialroi - reference| channel credit as a share of all "
        "conversions (heuristics: all three models). Markov differences are "
        "ChannelAttribution's simulation error; socialroi solves the chain exactly.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
