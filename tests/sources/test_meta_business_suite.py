"""Issue 10, item 6: Facebook and Instagram Business Suite metric exports never overwrite each
other (tests/fixtures/meta/business_suite_real/README.md)."""

from __future__ import annotations

import pytest

from socialroi.errors import ImportFailed
from tests.conftest import FIXTURES

B = FIXTURES / "meta" / "business_suite_real"


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def test_same_metric_of_both_platforms_is_kept_apart(ws):
    ws.import_files([B / "instagram" / "@voltiq" / "Views.csv"])
    ws.import_files([B / "facebook" / "@voltiq" / "Views.csv"])
    got = q(ws, "SELECT platform, sum(impressions) FROM account_metrics GROUP BY 1 ORDER BY 1")
    assert got == [("facebook", 3200), ("instagram", 10100)]


@pytest.mark.parametrize("name", ["Interactions.csv", "Viewers.csv"])
def test_a_file_naming_no_platform_asks_instead_of_guessing(ws, name):
    with pytest.raises(ImportFailed) as e:
        ws.import_files([B / "@voltiq" / name])
    assert "whether it is Facebook's or Instagram's" in str(e.value)
    assert "--platform facebook or --platform instagram" in str(e.value)
    assert ws.store.count("account_metrics") == 0
    [res] = ws.import_files([B / "@voltiq" / name], platform="facebook")
    assert q(ws, "SELECT DISTINCT platform FROM account_metrics") == [("facebook",)]
    assert res.rows_loaded == 3


def test_the_account_register_tells_the_platform(ws, tmp_path):
    register = tmp_path / "accounts.csv"
    register.write_text("platform,handle,name,market,currency,timezone,kind\n"
                        "instagram,@voltiq,Voltiq,US,USD,America/New_York,brand\n")  # fmt: skip
    ws.import_files([register])
    ws.import_files([B / "@voltiq" / "Viewers.csv"])
    assert q(ws, "SELECT platform, sum(unique_viewers) FROM account_metrics GROUP BY 1") == [
        ("instagram", 2450)
    ]
