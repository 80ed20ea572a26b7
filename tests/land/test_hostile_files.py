"""Broken and hostile files (issue 22): never a crash, never a silent distortion.

Each example the issue saw is a regression test here, run against a copy of the tiny demo's
workspace that already holds the originals; `test_fuzz_demo_exports` runs the seeded mutator
of `tests/land/hostile.py` over the demo's exports (300 cases).
"""

from __future__ import annotations

import io
import resource
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from socialroi import Workspace
from socialroi.errors import ImportFailed
from socialroi.sources.kit import limits
from tests.conftest import FIXTURES, copy_workspace
from tests.fixtures.linkedin.make_fixtures import write_xlsx
from tests.land import hostile


@pytest.fixture
def demo_ws(tiny_demo_build, tmp_path):
    w = Workspace.open(copy_workspace(tiny_demo_build.path, tmp_path / "ws"))
    yield w
    w.close()


@pytest.fixture
def exports(tiny_demo_build) -> Path:
    return tiny_demo_build.exports


def _place(tmp_path: Path, src: Path, data: bytes, name: str | None = None) -> Path:
    """The damaged copy in the same platform/@handle folders as the original."""
    out = tmp_path / "in" / src.parent.parent.name / src.parent.name / (name or src.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def refused(ws: Workspace, path: Path, *patterns: str) -> str:
    """The import fails with a sentence naming the file (and the patterns), changing nothing."""
    before = hostile.fingerprint(ws)
    with pytest.raises(ImportFailed) as info:
        ws.import_files([path])
    text = str(info.value)
    assert path.name in text, text
    assert "Error:" not in text and "Traceback" not in text, text
    for p in patterns:
        assert p in text, text
    assert hostile.fingerprint(ws) == before, "a refused file changed the workspace"
    return text


def _one(exports: Path, pattern: str) -> Path:
    return sorted(exports.rglob(pattern))[0]


def _edit_csv(src: Path, edit) -> bytes:
    text = src.read_text(encoding="utf-8-sig")
    return edit(text).encode("utf-8")


# -- 1. bounded reading --------------------------------------------------------------------


def test_xls_with_nul_bytes_in_its_header_is_damaged_not_a_dead_process(demo_ws, exports, tmp_path):
    src = _one(exports, "*_visitors_*.xls")
    for at in (24, 32, 40, 44, 48, 56, 64, 72):
        data = bytearray(src.read_bytes())
        data[at : at + 16] = b"\x00" * 16
        path = _place(tmp_path / str(at), src, bytes(data))
        refused(demo_ws, path, "damaged")


def test_compound_header_that_states_more_sectors_than_the_file_holds():
    data = bytearray((FIXTURES / "linkedin").rglob("*.xls").__next__().read_bytes())
    data[44:48] = (0x40000000).to_bytes(4, "little")  # FAT sectors: 4 GiB of tables
    with pytest.raises(ImportFailed, match="compound-file header states more sectors"):
        limits.check_file("x.xls", bytes(data))


def test_a_workbook_reader_that_runs_out_of_memory_is_a_sentence(monkeypatch, exports):
    src = _one(exports, "*_visitors_*.xls")
    monkeypatch.setattr(limits, "WORKBOOK_MEMORY", 8 << 20)  # too little to even start
    with pytest.raises(ImportFailed) as info:
        limits.read_workbook(src.name, src.read_bytes())
    assert src.name in str(info.value)
    assert "needs more than 8 MiB" in str(info.value) or "needed more than" in str(info.value)


def test_zip_bomb_and_oversized_members_are_refused_before_unpacking(demo_ws, tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"0" * (8 << 20))
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb.getvalue())
    refused(demo_ws, path, "zip bomb")


def test_zip_holding_only_a_folder_is_refused_and_the_cli_exits_1(tiny_demo_build, tmp_path):
    from socialroi.deliver.cli.main import main

    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(zipfile.ZipInfo("exports/"), b"")
    path = tmp_path / "folder_only.zip"
    path.write_bytes(z.getvalue())
    db = copy_workspace(tiny_demo_build.path, tmp_path / "ws")
    res = CliRunner().invoke(main, ["import", "--workspace", str(db), str(path)])
    assert res.exit_code == 1, res.output
    assert "holds no files" in res.output


def test_empty_folder_exits_1(tiny_demo_build, tmp_path):
    from socialroi.deliver.cli.main import main

    (tmp_path / "empty").mkdir()
    db = copy_workspace(tiny_demo_build.path, tmp_path / "ws")
    res = CliRunner().invoke(main, ["import", "--workspace", str(db), str(tmp_path / "empty")])
    assert res.exit_code == 1, res.output
    assert "no files" in res.output


def test_damaged_parquet_footer_is_refused(demo_ws, exports, tmp_path):
    src = _one(exports, "events_*.parquet")
    data = bytearray(src.read_bytes())
    data[-8:-4] = (len(data) * 4).to_bytes(4, "little")
    refused(demo_ws, _place(tmp_path, src, bytes(data)), "Parquet file is damaged")


# -- 2. plausibility at the door -----------------------------------------------------------


def test_a_row_dated_9999_is_left_out_and_builds_no_rate_table_to_9999(demo_ws, exports, tmp_path):
    src = exports / "ledger" / "costs_ledger.csv"
    data = _edit_csv(src, lambda t: t.replace("C-00001,2025-10,", "C-00001,2025-10,9999-12-31", 1))
    t0 = time.monotonic()
    refused_or = None
    try:
        res = demo_ws.import_files([_place(tmp_path, src, data)])
    except ImportFailed as exc:
        refused_or = str(exc)
    assert time.monotonic() - t0 < 20
    assert refused_or is None, refused_or
    assert res[0].rows_skipped == 1
    assert hostile.implausible(demo_ws) == []
    kinds = demo_ws.store.raw.execute(
        'SELECT kind, "column", value FROM dq_findings WHERE batch_id = ?', [res[0].batch_id]
    ).fetchall()
    assert ("implausible_value", "period_end", "9999-12-31") in kinds


def test_hubspot_dates_outside_the_window_are_left_out(demo_ws, exports, tmp_path):
    src = _one(exports, "contacts_export.csv")
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    bad = ["1970-01-01 00:00", "1677-09-21 00:00", "2262-04-12 00:00", "9999-12-31 00:00"]
    for i, day in enumerate(bad, start=1):
        cells = lines[i].split(",")
        cells[5] = day  # Create Date
        lines[i] = ",".join(cells)
    path = _place(tmp_path, src, ("\n".join(lines) + "\n").encode())
    try:
        demo_ws.import_files([path])
    except ImportFailed as exc:
        assert path.name in str(exc)
    assert hostile.implausible(demo_ws) == []


@pytest.mark.parametrize(
    ("column", "value"),
    [("Total revenue", "-1e308"), ("Key events", "1e309"), ("Sessions", "-3")],
)
def test_ga4_extreme_and_negative_figures_are_never_stored(
    demo_ws, exports, tmp_path, column, value
):
    src = _one(exports, "traffic_acquisition_202605.csv")
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    h = next(i for i, ln in enumerate(lines) if ln.startswith("Date,Session source"))
    j = lines[h].split(",").index(column)
    cells = lines[h + 2].split(",")  # h + 1 is the grand total
    cells[j] = value
    lines[h + 2] = ",".join(cells)
    path = _place(tmp_path, src, ("\n".join(lines) + "\n").encode())
    try:
        res = demo_ws.import_files([path])
        assert value == "-3" and res[0].rows_skipped >= 1  # a negative count: row left out
    except ImportFailed as exc:  # not finite or beyond ±1e12: the file is refused
        assert value != "-3", str(exc)
        assert "row " in str(exc) and column in str(exc), str(exc)
    assert hostile.implausible(demo_ws) == []


def test_minus_1e308_in_an_xlsx_count_column_is_a_sentence(demo_ws, exports, tmp_path):
    src = _one(exports, "TikTok_Ads_Manager_*.xlsx")
    wb = CalamineWorkbook.from_path(str(src))
    rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    j = rows[0].index("Impressions")
    rows[3][j] = -1e308
    out = tmp_path / "x.xlsx"
    write_xlsx(out, {"Sheet1": rows})
    text = refused(demo_ws, _place(tmp_path, src, out.read_bytes()), "row 4", "Impressions")
    assert "OverflowError" not in text


def test_time_split_hours_written_as_a_percentage_are_refused(demo_ws, exports, tmp_path):
    src = exports / "ledger" / "time_split.csv"
    data = _edit_csv(src, lambda t: t.replace(",18.00\n", ",12%\n", 1))
    refused(demo_ws, _place(tmp_path, src, data), "percentage", "hours")


# -- 3. identity ---------------------------------------------------------------------------


def test_ledger_with_a_blank_id_header_is_refused(demo_ws, exports, tmp_path):
    src = exports / "ledger" / "costs_ledger.csv"
    data = _edit_csv(src, lambda t: t.replace("id,period,", ",period,", 1))
    refused(demo_ws, _place(tmp_path, src, data), "column A", "no header")


def test_ledger_without_its_id_column_is_refused_beside_lines_held_by_id(
    demo_ws, exports, tmp_path
):
    src = exports / "ledger" / "costs_ledger.csv"
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    data = "\n".join(ln.split(",", 1)[1] for ln in lines) + "\n"
    refused(demo_ws, _place(tmp_path, src, data.encode()), "a second time")


def test_ledger_with_an_id_twice_is_refused(demo_ws, exports, tmp_path):
    src = exports / "ledger" / "costs_ledger.csv"
    data = _edit_csv(src, lambda t: t.replace("C-00002,", "C-00001,", 1))
    refused(demo_ws, _place(tmp_path, src, data), "rows 2 and 3 have the same id")


def _tiktok_without(exports: Path, tmp_path: Path, column: str) -> Path:
    src = _one(exports, "TikTok_Ads_Manager_*.xlsx")
    wb = CalamineWorkbook.from_path(str(src))
    rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    j = rows[0].index(column)
    rows = [r[:j] + r[j + 1 :] for r in rows]
    out = tmp_path / "t.xlsx"
    write_xlsx(out, {"Sheet1": rows})
    return _place(tmp_path, src, out.read_bytes())


def test_tiktok_ads_without_ad_id_are_refused(demo_ws, exports, tmp_path):
    refused(demo_ws, _tiktok_without(exports, tmp_path, "Ad ID"), "no ad id column")


def test_tiktok_ads_without_by_day_do_not_add_periods_beside_days(demo_ws, exports, tmp_path):
    path = _tiktok_without(exports, tmp_path, "By Day")
    text = refused(demo_ws, path)
    assert "names no campaign" not in text


def test_meta_ads_without_their_day_column_are_refused(demo_ws, exports, tmp_path):
    src = sorted((exports / "instagram").rglob("*-Ads-*.csv"))[0]
    data = _edit_csv(src, lambda t: t.replace(",Day,", ",Renamed,", 1))
    refused(demo_ws, _place(tmp_path, src, data), "counted twice")


def test_salesforce_nul_byte_and_duplicated_close_date_are_refused(ws, tmp_path):
    src = FIXTURES / "salesforce" / "opportunities_report.csv"
    ws.import_files([src])
    text = src.read_text(encoding="utf-8")
    nul = tmp_path / "nul" / src.name
    nul.parent.mkdir()
    nul.write_text(text.replace("Acme Corp", "Acme\x00 Corp", 1), encoding="utf-8")
    refused(ws, nul, "NUL byte", "line 2")
    lines = text.splitlines()
    lines[0] = lines[0].replace('"Lead Source"', '"Close Date"')
    dup = tmp_path / "dup" / src.name
    dup.parent.mkdir()
    dup.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(ws, dup, "two columns named 'Close Date'", "column I", "column J")


@pytest.mark.parametrize("column", ["Country", "Session campaign"])
def test_ga4_traffic_without_a_dimension_is_refused_beside_the_rows_held(
    demo_ws, exports, tmp_path, column
):
    src = _one(exports, "traffic_acquisition_202605.csv")
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    h = next(i for i, ln in enumerate(lines) if ln.startswith("Date,Session source"))
    j = lines[h].split(",").index(column)
    for i in range(h, len(lines)):
        cells = lines[i].split(",")
        if len(cells) > j:
            lines[i] = ",".join(cells[:j] + cells[j + 1 :])
    path = _place(tmp_path, src, ("\n".join(lines) + "\n").encode())
    refused(demo_ws, path, "counted twice")


def test_x_ads_read_as_another_platform_are_refused(demo_ws, exports, tmp_path):
    src = next(exports.rglob("@VoltiqUK/x_ads_campaigns_*.csv"))
    data = _edit_csv(src, lambda t: t.replace(",Spend,", ",Renamed column,", 1))
    refused(demo_ws, _place(tmp_path, src, data), "is a x campaign")


def test_salesforce_opportunity_id_twice_is_refused(ws, tmp_path):
    src = FIXTURES / "salesforce" / "opportunities_report.csv"
    text = src.read_text(encoding="utf-8").replace("0065g00000GlobAAA", "0065g00000AcmeAAA")
    path = tmp_path / src.name
    path.write_text(text, encoding="utf-8")
    refused(ws, path, "rows 2 and 3 have the same opportunity id")


def test_a_csv_cut_off_inside_its_last_line_is_refused(demo_ws, exports, tmp_path):
    src = exports / "ledger" / "costs_ledger.csv"
    data = src.read_bytes().rstrip(b"\r\n")
    data = data[: data.rfind(b",", 0, data.rfind(b",") - 1) - 3]  # cut two cells short
    refused(demo_ws, _place(tmp_path, src, data), "cut off")


# -- 4. every failure is a sentence --------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b'{"event_name": "x", "event_timestamp": 1}\n\xff\xfe\xfa broken\n',  # .msg
        b'"unclosed,' + b"x" * 200_000,  # field larger than field limit
    ],
)
def test_internal_exception_text_is_never_the_message(ws, tmp_path, data):
    path = tmp_path / "events_20250101.jsonl"
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as info:
        ws.import_files([path], platform="ga4", report="events")
    text = str(info.value)
    for internal in ("AttributeError", "has no attribute", "field larger", "Error:"):
        assert internal not in text, text


def test_a_damaged_workbook_says_so(demo_ws, exports, tmp_path):
    src = _one(exports, "TikTok_Ads_Manager_*.xlsx")
    data = bytearray(src.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00" * 64
    text = refused(demo_ws, _place(tmp_path, src, bytes(data)))
    assert "damaged" in text and "not an export socialroi recognises" not in text


def test_an_empty_file_says_it_is_empty(demo_ws, exports, tmp_path):
    src = exports / "ledger" / "costs_ledger.csv"
    refused(demo_ws, _place(tmp_path, src, b""), "empty")


# -- 5. the fuzz test ----------------------------------------------------------------------


def test_fuzz_demo_exports(demo_ws, exports, tmp_path):
    """300 seeded damaged copies of the demo's exports: no traceback, no partial write, no
    double count, no implausible value stored, no hang, bounded memory."""
    outcomes = [
        hostile.attempt(demo_ws, case, tmp_path / "cases")
        for case in hostile.cases(hostile.exports_of(exports), seed=22, n=300)
    ]
    bad = [o for o in outcomes if o.result in hostile.BAD]
    assert not bad, "\n".join(f"{o.index} {o.mutation} {o.file}: {o.result}: {o.message}"
                              for o in bad[:5])  # fmt: skip
    results = {o.result for o in outcomes}
    assert {"loaded", "refused"} <= results
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    assert peak < 4 << 20, f"peak resident memory {peak // 1024} MiB"  # ru_maxrss is in KiB
