"""The demo brand's three experiments: `socialroi experiment analyse` recovers each planted
effect inside its interval, and the planted null is not declared significant."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.errors import SocialroiError
from socialroi.experiments import Spec, load, names, plan, save
from tests.conftest import copy_workspace


@pytest.fixture(scope="module")
def analysed(tiny_demo):
    out = CliRunner().invoke(main, ["experiment", "analyse", "-w", str(tiny_demo), "--format",
                                    "json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    with Workspace.open(tiny_demo) as ws:
        truth = json.loads(ws.store.setting("demo_experiments_truth"))
    return {r["name"]: r for r in json.loads(out.output)}, truth


def test_the_demo_stores_its_three_experiments(tiny_demo):
    with Workspace.open(tiny_demo) as ws:
        assert names(ws) == ["employee-advocacy", "cadence", "caption-question"]
        null = load(ws, "caption-question")
    assert len(null["units"]) == 96 and {u[1] for u in null["units"]} == {"statement", "question"}
    per_market = pd.DataFrame(null["units"], columns=["unit", "arm", "stratum"])
    counts = per_market.groupby(["stratum", "arm"]).size().unstack()
    assert (counts.max(axis=1) - counts.min(axis=1) <= 1).all()  # balanced within each market


@pytest.mark.parametrize("name", ["employee-advocacy", "cadence"])
def test_planted_effects_are_recovered_inside_their_intervals(analysed, name):
    results, truth = analysed
    r, planted = results[name], truth[name]["planted_lift"]
    assert r["low"] < planted < r["high"], (r["low"], planted, r["high"])
    assert r["significant"] and "real" in r["verdict"]


def test_the_planted_null_is_not_declared_significant(analysed):
    results, truth = analysed
    r = results["caption-question"]
    assert truth["caption-question"]["planted_lift"] == 0
    assert not r["significant"] and r["p_value"] > 0.05 and r["low"] < 0 < r["high"]
    assert r["verdict"].startswith("No difference shown") and "would need about" in r["needed"]


def test_author_test_clusters_by_author_and_says_it_in_money(analysed):
    r = analysed[0]["employee-advocacy"]
    assert "cluster (15 clusters)" in r["method"]
    assert r["business"]["extra_revenue_per_month"] > 0 and r["sequential"]["of"] == 4
    sc = analysed[0]["cadence"]["checks"]["synthetic_control"]
    assert abs(sc["relative"] - analysed[1]["cadence"]["planted_lift"]) < 0.15


def test_a_running_experiment_is_changed_only_with_a_logged_reason(tiny_demo, tmp_path):
    db = copy_workspace(tiny_demo, tmp_path)
    spec = Spec(name="caption-question", design="post", arms={"a": ["tag:#x"], "b": ["tag:#y"]})
    with Workspace.open(db) as ws:
        with pytest.raises(SocialroiError, match="--amend"):
            save(ws, spec)
        save(ws, spec, amend="new hashtags")
        log = load(ws, "caption-question")["log"]
    assert [a for _, a, _ in log] == ["create", "amend"]
    assert log[1][2]["reason"] == "new hashtags" and log[1][2]["before"]["arms"]


def test_assign_is_reproducible_from_its_seed(tiny_demo, tmp_path):
    db = copy_workspace(tiny_demo, tmp_path)
    units = tmp_path / "units.csv"
    pd.DataFrame({"unit": [f"s{i}" for i in range(20)], "platform": ["x", "facebook"] * 10}).to_csv(
        units, index=False
    )
    args = ["experiment", "assign", "-w", str(db), "--design", "post", "--arm", "a=tag:#a",
            "--arm", "b=tag:#b", "--units", str(units), "--strata", "platform", "--seed", "42"]  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(main, [*args, "--name", "one"]).exit_code == 0
    assert runner.invoke(main, [*args, "--name", "two"]).exit_code == 0
    assert runner.invoke(main, [*args, "--name", "one"]).exit_code == 1  # refused
    with Workspace.open(db) as ws:
        assert load(ws, "one")["units"] == load(ws, "two")["units"]


def test_plan_simulates_from_history(tiny_demo):
    spec = Spec(name="p", design="author", arms={"a": [], "b": []}, population=["platform:x"])
    with Workspace.open(tiny_demo) as ws:
        small, big = plan(ws, spec, 0.5, sims=200), plan(ws, spec, 0.1, sims=200)
    assert small.needed and (big.needed is None or big.needed > small.needed)
    assert small.curve[-1][1] >= 0.8 and small.curve[-1][2] <= 0.075
    assert "posts per arm" in small.words()


def test_plan_under_no_effect_finds_one_about_alpha_of_the_time(tiny_demo):
    spec = Spec(name="p", design="post", arms={"a": [], "b": []}, metric="link_click_rate",
                population=["platform:facebook"])  # fmt: skip
    with Workspace.open(tiny_demo) as ws:
        null = plan(ws, spec, 0.0, sims=400)
    assert null.needed is None
    assert all(abs(power - false) < 0.05 for _, power, false in null.curve)  # same test
    assert all(false < 0.1 for n, _, false in null.curve if n >= 60)


def test_plan_a_cadence_test_in_weeks(tiny_demo):
    spec = Spec(name="p", design="cadence", arms={"a": [], "b": []}, metric="engagements",
                treated="-", start="2026-01-05",
                population=["tag:#VoltiqTips", "platform:instagram"])  # fmt: skip
    with Workspace.open(tiny_demo) as ws:
        p = plan(ws, spec, 0.3)
    assert p.needed and p.unit == "weeks after the start" and p.curve[-1][1] >= 0.8
