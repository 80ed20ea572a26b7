"""Markov removal effects against an independent dense absorbing-chain computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialroi.measure.attribution import (
    attribute_paths,
    attribute_table,
    credit_paths,
    parse_paths,
    removal_effects,
)
from socialroi.measure.attribution.markov_chain import build_chain, state_labels


def dense_markov(df: pd.DataFrame, order: int) -> dict[str, float]:
    """Credits per channel, written plainly: ChannelAttribution's states, numpy solves."""
    states = {"(start)": 0}
    flows: list[tuple[int, int, float]] = []
    ends: list[tuple[int, float, float]] = []
    for path, conv, null in zip(df["path"], df["total_conversions"], df["total_null"]):
        touches = [t.strip() for t in path.split(">")]
        if len(touches) <= order:
            windows = [tuple(touches)]
        else:
            windows = [tuple(touches[i : i + order]) for i in range(len(touches) - order + 1)]
        seq = [0]
        for w in windows:
            sid = states.setdefault(w, len(states))
            if sid != seq[-1]:
                seq.append(sid)
        flows += [(a, b, conv + null) for a, b in zip(seq, seq[1:])]
        ends.append((seq[-1], conv, null))
    n = len(states)
    counts = np.zeros((n, n + 2))  # last two columns: (conversion), (null)
    for a, b, w in flows:
        counts[a, b] += w
    for s, conv, null in ends:
        counts[s, n] += conv
        counts[s, n + 1] += null
    out = counts.sum(axis=1)
    P = np.divide(counts, out[:, None], out=np.zeros_like(counts), where=out[:, None] > 0)
    Q, r = P[:, :n], P[:, n]

    def p_conv(keep: np.ndarray) -> float:
        Qk = Q * keep[None, :]  # transitions into removed states go to (null)
        return np.linalg.solve(np.eye(n) - Qk, r)[0]

    base = p_conv(np.ones(n))
    channels = sorted({c for s in states if s != "(start)" for c in s})
    effects = {}
    for c in channels:
        keep = np.array([s == "(start)" or c not in s for s in states], dtype=float)
        effects[c] = 1 - p_conv(keep) / base
    total = df["total_conversions"].sum()
    return {c: effects[c] / sum(effects.values()) * total for c in channels}


def random_paths(seed: int, n_rows: int = 60, n_channels: int = 4, max_len: int = 6):
    rng = np.random.default_rng(seed)
    names = [f"ch{i}" for i in range(n_channels)]
    rows = []
    for _ in range(n_rows):
        path = " > ".join(rng.choice(names, int(rng.integers(1, max_len + 1))))
        rows.append((path, float(rng.integers(0, 9)), float(rng.integers(0, 9))))
    df = pd.DataFrame(rows, columns=["path", "total_conversions", "total_null"])
    df.loc[0, "total_conversions"] += 1  # at least one conversion
    return df


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("solver", ["direct", "iterative"])
def test_markov_equals_dense_absorbing_chain(order, seed, solver):
    df = random_paths(seed)
    want = dense_markov(df, order)
    got = attribute_paths(df, "markov", order=order, solver=solver)
    assert got["channel"].tolist() == sorted(want)
    np.testing.assert_allclose(got["total_conversions"], list(want.values()), rtol=0, atol=1e-9)


def test_iterative_equals_direct_on_a_larger_chain():
    df = random_paths(11, n_rows=2000, n_channels=12, max_len=8)
    df["total_conversion_value"] = df["total_conversions"] * 10.0 + 1.0
    table = parse_paths(df)
    a = removal_effects(table, 2, with_value=True, solver="direct")
    b = removal_effects(table, 2, with_value=True, solver="iterative", tol=1e-13)
    assert a["n_states"] > 100
    np.testing.assert_allclose(a["removal_effects"], b["removal_effects"], atol=1e-11)
    np.testing.assert_allclose(a["removal_effects_value"], b["removal_effects_value"], atol=1e-11)
    assert a["p_conversion"] == pytest.approx(b["p_conversion"], rel=1e-12)


def test_p_conversion_is_the_observed_conversion_rate():
    """With flow conservation the chain reproduces the data's overall conversion rate."""
    df = random_paths(3, n_rows=200)
    rate = df["total_conversions"].sum() / (df["total_conversions"] + df["total_null"]).sum()
    for order in (1, 2, 3):
        info = removal_effects(parse_paths(df), order)
        assert info["p_conversion"] == pytest.approx(rate, rel=1e-12)


def test_states_follow_channelattribution():
    """Sliding windows, short paths as one state, consecutive duplicates collapsed."""
    df = pd.DataFrame({"path": ["a > a > a > b", "c", "a > b"], "total_conversions": [1, 1, 1]})
    table = parse_paths(df)
    labels = set(state_labels(build_chain(table, 2), table.channels))
    assert labels == {"(start)", "a > a", "a > b", "c"}
    chain = build_chain(table, 3)
    assert set(state_labels(chain, table.channels)) == {
        "(start)",
        "a > a > a",
        "a > a > b",
        "c",
        "a > b",
    }
    labels1 = state_labels(build_chain(table, 1), table.channels)
    Q = build_chain(table, 1).Q.toarray()
    a, b = labels1.index("a"), labels1.index("b")
    assert Q[a, a] == 0  # a > a > a collapses to one visit of a
    assert Q[a, b] == 1.0  # every a that is followed by anything is followed by b


def test_hand_worked_two_channel_chain():
    """a > b converts 1 of 2; b alone converts 1 of 2. Order 1 chain:
    start->a 2/4, start->b 2/4; a->b 1; b->conv 2/4, b->null 2/4. P = 1/2.
    Without a: start->b still 2/4 -> P = 1/4, RE_a = 1/2. Without b: P = 0, RE_b = 1.
    Credits: a 2 * (1/2)/(3/2) = 2/3, b 4/3."""
    df = pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1, 1], "total_null": [1, 1]})
    got = attribute_paths(df, "markov")
    np.testing.assert_allclose(got["total_conversions"], [2 / 3, 4 / 3], atol=1e-12)
    assert got.attrs["info"]["removal_effects"] == pytest.approx({"a": 0.5, "b": 1.0})
    per_touch = credit_paths(df, "markov")  # journey: a > b splits 1/2 : 1 = 1/3 : 2/3
    ab = per_touch[per_touch["path"] == "a > b"]
    np.testing.assert_allclose(ab["credit"], [1 / 3, 2 / 3], atol=1e-12)
    journey = attribute_paths(df, "markov", allocation="journey")
    np.testing.assert_allclose(journey["total_conversions"], [1 / 3, 5 / 3], atol=1e-12)


def test_no_conversions_gives_zero_credit():
    df = pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [0, 0], "total_null": [3, 1]})
    got = attribute_paths(df, "markov", order=2)
    assert got["total_conversions"].tolist() == [0.0, 0.0]


def _text_grouped(df: pd.DataFrame) -> pd.DataFrame:
    """The same paths grouped by their text with every touch stripped, in plain pandas."""
    key = df["path"].map(lambda p: " > ".join(t.strip() for t in p.split(">")))
    cols = ["total_conversions", "total_null"]
    return df.assign(path=key).groupby("path", sort=False, as_index=False)[cols].sum()


@pytest.mark.parametrize("collide", [False, True])
def test_paths_spelled_differently_are_one_path(monkeypatch, collide):
    """Rows are grouped by hashed channel ids, checked against their group's first row:
    the same grouping as comparing stripped text, also when hashes collide (forced here by
    zero weights, so the text comparison takes over)."""
    from socialroi.measure.attribution import touches as touches_mod

    if collide:
        monkeypatch.setattr(touches_mod, "_POSITION_WEIGHTS", np.zeros(64, dtype=np.uint64))
    df = random_paths(3, n_rows=300, n_channels=5, max_len=5)
    spaced = df.copy()
    spaced["path"] = spaced["path"].str.replace(" > ", ">", regex=False)
    spaced.loc[::3, "path"] = "  " + spaced.loc[::3, "path"].str.replace(">", " >\t", regex=False)
    both = pd.concat([df, spaced], ignore_index=True)
    table = parse_paths(both)
    want = _text_grouped(both)
    got = [
        " > ".join(table.channels[table.tokens[a:b]])
        for a, b in zip(table.offsets[:-1], table.offsets[1:])
    ]
    assert got == want["path"].tolist()  # same paths, in order of their first row
    np.testing.assert_array_equal(table.conversions, want["total_conversions"].to_numpy())
    np.testing.assert_array_equal(table.nulls, want["total_null"].to_numpy())


def test_markov_order_one_on_200_channels_equals_the_dense_chain():
    """The benchmark's shape (campaign level: 200 channels, order 1) solved exactly."""
    df = random_paths(11, n_rows=3000, n_channels=200, max_len=6)
    got = attribute_paths(df, "markov", order=1)
    want = dense_markov(df, 1)
    np.testing.assert_allclose(
        got["total_conversions"].to_numpy(), [want[c] for c in got["channel"]], rtol=1e-9
    )


@pytest.mark.parametrize(
    ("threads", "channels", "chunk"), [(1, 30, 1 << 16), (2, 30, 1 << 16), (2, 2, 1)]
)
def test_order_one_counted_in_place_equals_the_general_windows(
    monkeypatch, threads, channels, chunk
):
    """Order 1 counts its touches in place (a chunk of paths at a time, in two halves of the
    paths on two threads): the same chain, bit for bit, as the windows every order uses, and
    the dense chain's credits; also where paths are longer than a chunk."""
    from socialroi.measure.attribution import markov_chain

    monkeypatch.setattr(markov_chain, "PARALLEL_TOUCHES", 1)
    monkeypatch.setattr(markov_chain, "CHUNK_TOUCHES", chunk)
    df = random_paths(5, n_rows=500, n_channels=channels, max_len=7 if channels > 2 else 30)
    df["total_null"] += 1.0  # every path weighs: the in-place way applies
    df["total_conversion_value"] = df["total_conversions"] * 3.5
    table = parse_paths(df)
    assert markov_chain._order_one(table, threads) is not None
    fast = build_chain(table, 1, threads=threads)
    monkeypatch.setattr(markov_chain, "_order_one", lambda table, threads: None)
    general = build_chain(table, 1, threads=threads)
    np.testing.assert_array_equal(fast.Q.toarray(), general.Q.toarray())
    for field in ("r_conv", "r_value", "digits", "incidence_state", "incidence_channel"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(general, field))
    monkeypatch.undo()
    monkeypatch.setattr(markov_chain, "PARALLEL_TOUCHES", 1)
    monkeypatch.setattr(markov_chain, "CHUNK_TOUCHES", chunk)
    got = attribute_paths(df, "markov", order=1, threads=threads)
    want = dense_markov(df, 1)
    np.testing.assert_allclose(
        got["total_conversions"], [want[c] for c in got["channel"]], rtol=0, atol=1e-9
    )


def test_order_one_in_place_steps_aside_where_a_channel_has_no_count():
    """A channel seen only in paths of weight 0 still gets its state (as ChannelAttribution
    and the windows give): the in-place way declines, and so does a table with no touches."""
    from socialroi.measure.attribution import markov_chain

    df = pd.DataFrame(
        {"path": ["a > b", "b > c", "d"], "total_conversions": [1, 1, 0], "total_null": [1, 0, 0]}
    )
    table = parse_paths(df)
    assert markov_chain._order_one(table, 1) is None
    assert build_chain(table, 1).n_states == 5
    want = dense_markov(df, 1)
    got = attribute_paths(df, "markov", order=1)
    np.testing.assert_allclose(got["total_conversions"], [want[c] for c in got["channel"]])


@pytest.mark.parametrize("order", [1, 2])
def test_identical_paths_left_unmerged_give_the_same_credits(order):
    """attribute_paths hands Markov the rows as they are (its counts are sums over rows):
    the same credits and values as the merged table, repeated and respaced rows included."""
    df = random_paths(8, n_rows=400, n_channels=6, max_len=5)
    df["total_conversion_value"] = df["total_conversions"] * 2.25
    spaced = df.sample(frac=0.5, random_state=1)
    spaced["path"] = spaced["path"].str.replace(" > ", ">", regex=False)
    both = pd.concat([df, spaced, df.head(50)], ignore_index=True)
    merged = parse_paths(both)
    assert merged.n_paths < len(both)
    for value_effects in ("conversion", "value"):
        got = attribute_paths(both, "markov", order=order, value_effects=value_effects)
        want = attribute_table(merged, "markov", order=order, value_effects=value_effects)
        assert got["channel"].tolist() == want["channel"].tolist()
        for col in ("total_conversions", "total_conversion_value"):
            np.testing.assert_allclose(got[col], want[col], rtol=1e-12, atol=0)
        assert got.attrs["info"]["n_states"] == want.attrs["info"]["n_states"]
