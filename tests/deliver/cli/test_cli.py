import json

import click
import pytest
from click.testing import CliRunner

from socialroi.deliver.cli import remote
from socialroi.deliver.cli.main import main
from tests.conftest import FIXTURES


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_init_import_status(tmp_path):
    w = tmp_path / "w.duckdb"
    assert run("init", "-w", w, "--base-currency", "EUR").exit_code == 0
    r = run("import", "-w", w, FIXTURES / "ledger" / "costs_2025.csv")
    assert r.exit_code == 0 and "ledger/costs -> batch 1" in r.output
    r = run("import", "-w", w, FIXTURES / "ledger" / "costs_2025.csv")
    assert "nothing changed" in r.output
    st = json.loads(run("status", "-w", w, "--format", "json").output)
    assert st["base_currency"] == "EUR" and st["tables"]["costs"]["rows"] == 4
    assert "costs" in run("status", "-w", w).output


def test_errors_are_one_paragraph_without_traceback(tmp_path):
    bad = tmp_path / "costs.csv"
    bad.write_text("period,category,amount,currency\n2025-10,yachts,5,USD\n")
    r = CliRunner().invoke(main, ["import", "-w", str(tmp_path / "w.duckdb"), str(bad)])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "costs.csv, row 2, column 'category': unknown category" in r.output
    assert "Nothing was imported" in r.output


def test_a_password_not_given_before_sending_to_serve_ends_without_traceback(monkeypatch):
    """While `serve` runs, `users add` asks for the password in the shell before sending the
    command: no answer (Ctrl-D, no stdin) ends "Aborted!" with exit code 1, as click does."""

    def asks(group, args):
        return click.prompt("password", hide_input=True)

    monkeypatch.setattr(remote, "forward_if_served", asks)
    res = CliRunner().invoke(main, ["users", "add", "zed", "--role", "viewer"], input="")
    assert res.exit_code == 1, res.output
    assert "Aborted!" in res.output and "Traceback" not in res.output
    assert not isinstance(res.exception, click.Abort)


def test_unknown_format_and_platform(tmp_path):
    f = tmp_path / "notes.csv"
    f.write_text("a,b\n1,2\n")
    r = CliRunner().invoke(main, ["import", "-w", str(tmp_path / "w.duckdb"), str(f)])
    assert r.exit_code == 1 and "not an export socialroi recognises" in r.output
    r = CliRunner().invoke(
        main, ["import", "-w", str(tmp_path / "w.duckdb"), "--platform", "myspace", str(f)]
    )
    assert r.exit_code == 1 and "unknown platform/source 'myspace'; valid:" in r.output


def test_formats_lists_every_registered_report():
    from socialroi.sources import load_all
    from socialroi.sources.base import REPORTS

    r = run("formats")
    assert r.exit_code == 0
    rows: list[list[str]] = []  # platform, report, title; a wrapped title continues below
    for line in r.output.splitlines():
        if not line.startswith("│"):
            continue
        platform, report, title = (c.strip() for c in line.strip("│").split("│"))
        if platform:
            rows.append([platform, report, title])
        else:
            rows[-1][2] += " " + title
    load_all()
    want = sorted(REPORTS.values(), key=lambda x: x.key)
    assert len(want) > 20
    assert rows == [[x.source, x.name, x.title] for x in want]


def test_fx_override_is_used(tmp_path):
    w = tmp_path / "w.duckdb"
    f = tmp_path / "c.csv"
    f.write_text("period,category,amount,currency\n2025-10-31,tools,100,EUR\n")
    run("fx", "set", "-w", w, "USD", "2025-10-31", "2.0")
    run("import", "-w", w, f)
    from socialroi import Workspace

    with Workspace.open(w) as ws:
        assert ws.store.raw.execute("SELECT amount_base FROM costs").fetchone()[0] == 200.0


def test_attribute_paths_file_and_formula_neutralised(tmp_path):
    f = tmp_path / "paths.csv"
    f.write_text(
        "path;total_conversions;total_conversion_value;total_null\n"
        "tiktok > instagram;10;500;90\ninstagram;5;200;100\n=cmd|x > [red]tiktok;1;10;5\n"
    )
    r = run("attribute-paths", f, "--model", "linear", "--format", "csv")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0] == "channel,total_conversions,total_conversion_value"
    assert "'=cmd|x,0.5,5.0" in lines
    r = run("attribute-paths", f, "--model", "linear")
    assert "[red]tiktok" in r.output  # printed as typed, not as terminal markup


def test_error_with_markup_like_value_prints_as_typed(tmp_path):
    bad = tmp_path / "costs.csv"
    bad.write_text("period,category,amount,currency\n2025-10,[/]x,5,USD\n")
    r = CliRunner().invoke(main, ["import", "-w", str(tmp_path / "w.duckdb"), str(bad)])
    assert r.exit_code == 1 and "'[/]x'" in r.output


def test_attribute_command_on_empty_workspace(tmp_path):
    assert run("init", "-w", tmp_path / "w.duckdb").exit_code == 0
    r = CliRunner().invoke(
        main,
        ["attribute", "-w", str(tmp_path / "w.duckdb"), "--period", "2026-Q3", "--model", "bogus"],
    )
    assert r.exit_code == 1 and "unknown attribution model 'bogus'" in r.output


def test_attribute_paths_reads_parquet_and_tab_separated(tmp_path):
    import pandas as pd

    df = pd.DataFrame(
        {
            "path": ["a > b", "b"],
            "total_conversions": [2, 1],
            "total_conversion_value": [20.0, 5.0],
            "total_null": [8, 9],
        }
    )
    df.to_parquet(tmp_path / "p.parquet")
    (tmp_path / "p.tsv").write_text(df.to_csv(sep="\t", index=False))
    outs = [
        run("attribute-paths", tmp_path / f, "--model", "linear", "--format", "json").output
        for f in ("p.parquet", "p.tsv")
    ]
    assert outs[0] == outs[1]
    rows = json.loads(outs[0])["rows"]
    assert [(r["channel"], r["total_conversions"]) for r in rows] == [("a", 1.0), ("b", 2.0)]


def test_attribute_paths_bad_file_is_a_clear_error(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("journey,conversions\na > b,1\n")
    r = CliRunner().invoke(main, ["attribute-paths", str(f)])
    assert r.exit_code == 1 and "no 'path' column" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["XYZ", "2025-10-31", "2.0"], "not an ISO 4217 currency code"),
        (["EUR", "2025-10-31", "1.1"], "EUR to EUR is always 1"),
        (["GBP", "2025-10-31", "0"], "positive number"),
        (["GBP", "2025-10-31", "-0.8"], "positive number"),
        (["GBP", "2025-10-31", "nan"], "positive number"),
        (["GBP", "2025-10-31", "inf"], "positive number"),
    ],
)
def test_fx_set_refuses_what_is_not_a_rate(tmp_path, args, says):
    w = tmp_path / "w.duckdb"
    got = CliRunner().invoke(main, ["fx", "set", "-w", str(w), "--", *args])
    assert got.exit_code != 0 and says in got.output
    from socialroi import Workspace

    with Workspace.open(w) as ws:
        assert ws.fx_overrides().empty


def test_fx_list_and_unset(tmp_path):
    w = tmp_path / "w.duckdb"
    run("fx", "set", "-w", w, "vnd", "2026-07-01", "27000")
    listed = run("fx", "list", "-w", w, "--format", "json")
    assert '"VND"' in listed.output and "27000" in listed.output
    run("fx", "unset", "-w", w, "VND", "2026-07-01")
    assert '"VND"' not in run("fx", "list", "-w", w, "--format", "json").output
    again = CliRunner().invoke(main, ["fx", "unset", "-w", str(w), "VND", "2026-07-01"])
    assert again.exit_code != 0 and "no rate of VND" in again.output
