"""ROI profiles: the built-ins, custom TOML/YAML files, and errors that name the key."""

from __future__ import annotations

import pytest

from socialroi.errors import SocialroiError
from socialroi.measure.profiles import PROFILES, load_profile
from socialroi.model.metrics import METRICS


def test_builtins_name_only_known_metrics():
    assert set(PROFILES) == {"dtc", "b2b", "brand"}
    for p in PROFILES.values():
        assert set(p.all_metrics) <= set(METRICS), p.name
        assert p.primary_kind in p.kinds
    assert PROFILES["b2b"].lookback_days == 90
    assert PROFILES["b2b"].returns == "won_revenue"
    assert PROFILES["brand"].returns == "earned_media_value"


def test_custom_toml_extends_a_builtin(tmp_path):
    f = tmp_path / "shop.toml"
    f.write_text(
        'name = "shop"\nextends = "dtc"\nheadline = ["revenue", "roi"]\nmodel = "markov"\n'
        'lookback_days = 14\ncost_categories = ["ad_spend", "salaries"]\n[cpm]\ntiktok = 5.5\n'
    )
    p = load_profile(f)
    assert p.name == "shop" and p.headline == ("revenue", "roi") and p.model == "markov"
    assert p.lookback_days == 14 and p.cost_categories == ("ad_spend", "salaries")
    assert p.cpm["tiktok"] == 5.5 and p.cpm["linkedin"] == PROFILES["dtc"].cpm["linkedin"]
    assert p.kinds == ("purchase",)


def test_custom_yaml(tmp_path):
    f = tmp_path / "leads.yaml"
    f.write_text("name: leads\nextends: b2b\nkinds: [lead, mql, sql]\ncost_categories: all\n")
    p = load_profile(f)
    assert p.kinds == ("lead", "mql", "sql") and p.primary_kind == "lead"
    assert len(p.cost_categories) == 8


@pytest.mark.parametrize(
    "text, needle",
    [
        ('name = "x"\nheadlines = ["roi"]\n', "unknown key 'headlines'; valid keys:"),
        ('name = "x"\nheadline = ["roii"]\n', "'headline' has the value 'roii'; valid values:"),
        ('name = "x"\nmodel = "magic"\n', "'model' has the value 'magic'; valid values:"),
        ('name = "x"\nkinds = ["sale"]\n', "valid values: purchase, signup"),
        ('name = "x"\ncost_categories = ["coffee"]\n', "ad_spend, salaries"),
        ('name = "x"\nlookback_days = 0\n', "1 to 730"),
        ('name = "x"\nreturn = "profit"\n', "revenue, won_revenue, earned_media_value"),
        ('name = "x"\n[cpm]\nmyspace = 3\n', "'cpm.myspace'"),
        ('extends = "dtc"\n', "'name' is required"),
        ('name = "x"\nextends = "d2c"\n', "valid values: dtc, b2b, brand"),
        ("name = [unclosed\n", "not a readable profile file"),
    ],
)
def test_bad_profile_names_the_key_and_valid_values(tmp_path, text, needle):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(SocialroiError) as exc:
        load_profile(f)
    assert needle in str(exc.value) and "bad.toml" in str(exc.value)


def test_unknown_profile_name_lists_the_valid_ones():
    with pytest.raises(SocialroiError, match="b2b, brand, dtc"):
        load_profile("d2c")
