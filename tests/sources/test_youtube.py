"""YouTube Studio export: the zip and its three CSVs, through the real workspace."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.demo.world import DemoWorld
from socialroi.errors import ImportFailed
from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.model.schema import TABLES
from socialroi.sources.base import REPORTS

FIX = Path(__file__).parents[1] / "fixtures" / "youtube"
STEM = "2025-01-06_2025-01-08 Voltiq Tech"
ZIP = FIX / "@voltiqtech" / f"Content {STEM}.zip"
LATER = FIX / "later" / "@voltiqtech" / "Content 2025-01-06_2025-01-10 Voltiq Tech.zip"
FOLDER = FIX / f"Content {STEM}"
EXCEL = FIX / f"Content {STEM} (excel)" / "Table data.csv"
V1, V2, V3 = "youtube:dQw4w9WgXcQ", "youtube:-aB3cD4eF5g", "youtube:kLm9NoP2qRs"
D = {d: dt.date(2025, 1, d) for d in range(6, 11)}


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(tmp_path / "w.duckdb")
    yield w
    w.close()


def q(ws: Workspace, sql: str, *args) -> list[tuple]:
    return ws.store.raw.execute(sql, list(args)).fetchall()


def findings(ws: Workspace, batch: int) -> list[tuple]:
    return q(
        ws,
        'SELECT kind, row_number, "column", value, rows FROM dq_findings WHERE batch_id = ? '
        "ORDER BY finding_no",
        batch,
    )


def all_empty(ws: Workspace) -> bool:
    return all(ws.store.count(t) == 0 for t in TABLES if t != "fx_rates")


def rows(ws: Workspace, table: str) -> list[tuple]:
    cols = [c for c in TABLES[table].column_names if c != "batch_id"]
    quoted = ", ".join(f'"{c}"' for c in cols)
    return q(ws, f'SELECT {quoted} FROM "{table}" ORDER BY ALL')


# -- the zip -------------------------------------------------------------------------------


def test_studio_export_zip(ws):
    [res] = ws.import_files([ZIP])
    assert (res.status, res.source, res.report) == ("loaded", "youtube", "studio_export")
    b = res.batch_id
    assert q(ws, "SELECT account_id, platform, handle, name, batch_id FROM accounts") == [
        ("youtube:voltiqtech", "youtube", "@voltiqtech", "Voltiq Tech", b)
    ]
    assert q(
        ws,
        "SELECT post_id, native_id, local_date, published_at, format, caption, url, id_mangled "
        "FROM posts ORDER BY local_date",
    ) == [
        (V3, "kLm9NoP2qRs", dt.date(2024, 12, 12), None, "video", "Charging myths busted",
         "https://www.youtube.com/watch?v=kLm9NoP2qRs", False),
        (V1, "dQw4w9WgXcQ", D[6], None, "video", "Voltiq X2 unboxing, first look",
         "https://www.youtube.com/watch?v=dQw4w9WgXcQ", False),
        (V2, "-aB3cD4eF5g", D[7], None, "video", "How fast is the X2? #shorts",
         "https://www.youtube.com/watch?v=-aB3cD4eF5g", False),
    ]  # fmt: skip
    life = q(
        ws,
        "SELECT post_id, metric_date, as_of, views, watch_seconds, follows, impressions "
        "FROM post_metrics WHERE grain = 'lifetime' ORDER BY metric_date",
    )
    assert life == [
        (V3, dt.date(2024, 12, 12), D[8], 100, pytest.approx(50.9461 * 3600), 2, 3100),
        (V1, D[6], D[8], 1850, pytest.approx(120.5 * 3600), 18, 25000),  # "1,850"
        (V2, D[7], D[8], 980, pytest.approx(9.8 * 3600), 7, 12000),
    ]
    daily = q(
        ws,
        "SELECT post_id, metric_date, as_of, views FROM post_metrics WHERE grain = 'day' "
        "ORDER BY post_id, metric_date",
    )
    assert daily == [
        (V2, D[7], D[8], 600), (V2, D[8], D[8], 380),
        (V1, D[6], D[8], 700), (V1, D[7], D[8], 650), (V1, D[8], D[8], 500),
        (V3, D[6], D[8], 40), (V3, D[7], D[8], 35), (V3, D[8], D[8], 25),
    ]  # fmt: skip
    assert q(ws, "SELECT metric_date, views, batch_id FROM account_metrics ORDER BY 1") == [
        (D[6], 740, b),
        (D[7], 1285, b),
        (D[8], 905, b),
    ]
    assert findings(ws, b) == [("skipped_total_row", 2, None, "Total", 1)]
    assert q(ws, "SELECT rows_read, rows_skipped FROM import_batches") == [(4 + 8 + 3, 1)]


def test_reimport_is_unchanged(ws):
    [first] = ws.import_files([ZIP])
    before = {t: rows(ws, t) for t in ("posts", "post_metrics", "account_metrics")}
    [again] = ws.import_files([ZIP])
    assert (again.status, again.batch_id) == ("unchanged", first.batch_id)
    assert {t: rows(ws, t) for t in before} == before


def test_overlapping_export_updates_instead_of_double_counting(ws):
    ws.import_files([ZIP])
    ws.import_files([LATER])
    daily = dict(
        q(ws, "SELECT metric_date, views FROM post_metrics WHERE grain='day' AND post_id=?", V1)
    )
    assert daily == {D[6]: 700, D[7]: 650, D[8]: 510, D[9]: 300, D[10]: 240}
    assert q(ws, "SELECT count(*) FROM post_metrics WHERE grain = 'lifetime'") == [(3,)]
    assert q(
        ws, "SELECT views, as_of FROM post_metrics WHERE grain='lifetime' AND post_id=?", V1
    ) == [(2400, D[10])]
    assert q(ws, "SELECT sum(views), count(*) FROM account_metrics") == [
        (740 + 1285 + 925 + 600 + 450, 5)
    ]


def test_an_older_export_imported_later_does_not_overwrite(ws):
    ws.import_files([LATER])
    ws.import_files([ZIP])
    assert q(
        ws, "SELECT views, as_of FROM post_metrics WHERE grain='lifetime' AND post_id=?", V1
    ) == [(2400, D[10])]
    assert q(
        ws, "SELECT views FROM post_metrics WHERE grain='day' AND post_id=? AND metric_date=?",
        V1, D[8],
    ) == [(510,)]  # fmt: skip


@pytest.mark.parametrize("lang, prefix", [("es", "Contenido"), ("zh", "内容")])
def test_localized_exports_import_to_the_same_values(tmp_path, lang, prefix):
    with Workspace.open(tmp_path / "en.duckdb") as en, Workspace.open(tmp_path / "l.duckdb") as lw:
        en.import_files([ZIP])
        [res] = lw.import_files([FIX / lang / "@voltiqtech" / f"{prefix} {STEM}.zip"])
        assert (res.report, res.rows_skipped) == ("studio_export", 1)
        for table in ("accounts", "posts", "post_metrics", "account_metrics"):
            assert rows(lw, table) == rows(en, table), table


def test_the_three_csvs_one_by_one(tmp_path):
    with Workspace.open(tmp_path / "z.duckdb") as z, Workspace.open(tmp_path / "c.duckdb") as c:
        z.import_files([ZIP])
        results = c.import_files([FOLDER], account="@voltiqtech")
        assert sorted(r.report for r in results) == ["chart_data", "table_data", "totals"]
        for table in ("post_metrics", "account_metrics"):
            assert rows(c, table) == rows(z, table), table
        # The folder name gives the period; the channel name is in it too.
        assert q(c, "SELECT name FROM accounts") == [("Voltiq Tech",)]


def test_excel_resaved_table_data(ws):
    """UTF-16 with a sep= line, decimal commas, `<5`, dates without a year, a mangled id."""
    [res] = ws.import_files([EXCEL], account="voltiqtech")
    assert res.report == "table_data"
    got = q(
        ws,
        "SELECT post_id, metric_date, as_of, views, watch_seconds, follows, impressions "
        "FROM post_metrics ORDER BY metric_date",
    )
    assert got == [
        ("youtube:1.22158E+17", dt.date(2024, 12, 12), D[8], 100, pytest.approx(183405.96), 2, 3100),
        (V1, D[6], D[8], 1850, pytest.approx(433800.0), 18, 25000),
        (V2, D[7], D[8], 980, pytest.approx(35280.0), None, 12000),
    ]  # fmt: skip  # "Dec 12" is before the period's end: 2024
    assert q(ws, "SELECT post_id FROM posts WHERE id_mangled") == [("youtube:1.22158E+17",)]
    assert findings(ws, res.batch_id) == [
        ("skipped_total_row", 3, None, "Total", 1),
        ("mangled_id", 6, "Content", "1.22158E+17", 1),
        ("suppressed_value", 5, "Subscribers", "<5", 1),
    ]


def test_the_channel_comes_from_the_account_option_or_an_at_folder(ws, tmp_path):
    bare = tmp_path / ZIP.name
    shutil.copy(ZIP, bare)
    with pytest.raises(ImportFailed, match="--account @handle"):
        ws.import_files([bare])
    assert all_empty(ws)
    ws.import_files([bare], account="@VoltiqTech")
    assert q(ws, "SELECT account_id, handle FROM accounts") == [
        ("youtube:voltiqtech", "@VoltiqTech")
    ]


def test_a_renamed_table_data_uses_its_newest_video_and_says_so(ws, tmp_path):
    f = tmp_path / "videos.csv"
    shutil.copy(FOLDER / "Table data.csv", f)
    [res] = ws.import_files([f], account="voltiqtech")
    assert res.report == "table_data"
    assert q(ws, "SELECT DISTINCT as_of FROM post_metrics") == [(D[7],)]
    assert [k for k, *_ in findings(ws, res.batch_id)] == ["skipped_total_row", "as_of_assumed"]


def test_dates_without_a_year_need_the_period_or_year_option(ws, tmp_path):
    f = tmp_path / "Chart data.csv"
    f.write_text(
        "Date,Content,Video title,Video publish time,Duration,Views\n"
        "Jan 6,dQw4w9WgXcQ,X2,Jan 6,612,700\n"
    )
    with pytest.raises(ImportFailed, match="--year") as e:
        ws.import_files([f], account="voltiqtech")
    assert (e.value.row, e.value.column) == (2, "Date")
    assert all_empty(ws)
    ws.import_files([f], account="voltiqtech", year=2025)
    assert q(ws, "SELECT metric_date, views FROM post_metrics") == [(D[6], 700)]


def test_publish_times_with_a_clock_are_stored_in_utc(ws, tmp_path):
    folder = tmp_path / "Content 2026-07-01_2026-07-31 Voltiq Tech"
    folder.mkdir()
    f = folder / "Table data.csv"
    f.write_text(
        "Content,Video title,Video publish time,Duration,Views\n"
        "Total,,,,15\n"
        "Q6nP2mT9xLv,Fix a slow charger,2026-07-20 13:18:00,812,10\n"
        "R26qwMQVoos,Late night build,2026-07-20 23:30:00,300,5\n"
    )
    ws.import_files([f], account="voltiqtech")
    utc_text = "strftime(timezone('UTC', published_at), '%Y-%m-%d %H:%M')"
    assert q(ws, f"SELECT native_id, {utc_text}, local_date FROM posts ORDER BY 1") == [
        ("Q6nP2mT9xLv", "2026-07-20 20:18", dt.date(2026, 7, 20)),
        ("R26qwMQVoos", "2026-07-21 06:30", dt.date(2026, 7, 20)),
    ]  # Studio's clock is Pacific Time unless --timezone says otherwise
    g = tmp_path / "Content 2026-07-01_2026-07-31 Voltiq DE" / "Table data.csv"
    g.parent.mkdir()
    g.write_text(f.read_text().replace("Q6nP2mT9xLv", "Q6nP2mT9xLw"))
    ws.import_files([g], account="voltiqde", timezone="Europe/Berlin")
    assert q(ws, f"SELECT {utc_text} FROM posts WHERE native_id = 'Q6nP2mT9xLw'") == [
        ("2026-07-20 11:18",)
    ]


# -- broken files --------------------------------------------------------------------------


def _zip_with(tmp_path: Path, members: dict[str, str]) -> Path:
    folder = tmp_path / "@voltiqtech"
    folder.mkdir(exist_ok=True)
    path = folder / f"Content {STEM}.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    path.write_bytes(buf.getvalue())
    return path


def _members() -> dict[str, str]:
    with zipfile.ZipFile(ZIP) as zf:
        return {n: zf.read(n).decode() for n in zf.namelist()}


@pytest.mark.parametrize(
    "member, old, new, row, column",
    [
        ("Table data.csv", '"1,850"', "lots", 3, "Table data.csv: Views"),
        ("Table data.csv", '"Jan 6, 2025"', "someday", 3, "Table data.csv: Video publish time"),
        (
            "Chart data.csv",
            "2025-01-07,dQw4w9WgXcQ",
            "2025-13-07,dQw4w9WgXcQ",
            4,
            "Chart data.csv: Date",
        ),
        ("Totals.csv", "2025-01-08,905", "2025-01-08,9o5", 4, "Totals.csv: Views"),
        ("Chart data.csv", "2025-01-08,kLm9NoP2qRs", "2025-01-08,", 9, "Chart data.csv: Content"),
    ],
)
def test_a_broken_cell_names_member_row_and_column_and_stores_nothing(
    ws, tmp_path, member, old, new, row, column
):
    members = _members()
    assert old in members[member]
    members[member] = members[member].replace(old, new, 1)
    with pytest.raises(ImportFailed) as e:
        ws.import_files([_zip_with(tmp_path, members)])
    assert (e.value.row, e.value.column) == (row, column)
    assert "Nothing was imported" in str(e.value)
    assert all_empty(ws)


def test_a_zip_without_the_video_tables_is_refused(ws, tmp_path):
    members = _members()
    junk = "hello,world\n1,2\n"
    path = _zip_with(tmp_path, {"Table data.csv": junk, "Totals.csv": members["Totals.csv"]})
    with pytest.raises(ImportFailed, match="Table data.csv"):
        ws.import_files([path], platform="youtube", report="studio_export")
    assert all_empty(ws)


def test_wrong_csv_for_a_forced_report(ws):
    with pytest.raises(ImportFailed, match="Totals.csv") as e:
        ws.import_files(
            [FOLDER / "Table data.csv"], platform="youtube", report="totals", account="x"
        )
    assert e.value.row == 1
    assert all_empty(ws)


# -- detection and registry ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path, report",
    [
        (ZIP, "studio_export"),
        (FIX / "es" / "@voltiqtech" / f"Contenido {STEM}.zip", "studio_export"),
        (FIX / "zh" / "@voltiqtech" / f"内容 {STEM}.zip", "studio_export"),
        (FOLDER / "Table data.csv", "table_data"),
        (FOLDER / "Chart data.csv", "chart_data"),
        (FOLDER / "Totals.csv", "totals"),
        (EXCEL, "table_data"),
    ],
)
def test_detection(path, report):
    from socialroi.land.importer import detect
    from socialroi.sources.base import ImportOptions, InputFile

    assert detect(InputFile.from_path(path), ImportOptions()).key == f"youtube/{report}"


def test_a_renamed_zip_is_still_one_report(ws, tmp_path):
    folder = tmp_path / "@voltiqtech"
    folder.mkdir()
    renamed = folder / "studio.zip"
    shutil.copy(ZIP, renamed)
    [res] = ws.import_files([renamed])
    assert res.report == "studio_export"
    # Without the period in the name, the last day of the daily files ends it.
    assert q(ws, "SELECT DISTINCT as_of FROM post_metrics") == [(D[8],)]
    assert q(ws, "SELECT name FROM accounts") == [(None,)]


def test_a_bare_date_views_csv_is_not_claimed_without_being_asked(ws, tmp_path):
    f = tmp_path / "daily.csv"
    f.write_text("Date,Views\n2025-01-06,740\n")
    with pytest.raises(ImportFailed, match="not an export socialroi recognises"):
        ws.import_files([f], account="voltiqtech")
    [res] = ws.import_files([f], platform="youtube", report="totals", account="voltiqtech")
    assert q(ws, "SELECT metric_date, views FROM account_metrics") == [(D[6], 740)]
    assert res.report == "totals"


def test_every_report_has_headers_in_three_languages():
    from socialroi.sources import load_all

    load_all()
    names = {r.name for r in REPORTS.values() if r.source == "youtube"}
    assert names == {"studio_export", "table_data", "chart_data", "totals", "traffic_export",
                     "traffic_chart", "traffic_table"}  # fmt: skip
    assert REPORTS["youtube/studio_export"].accepts_zip
    for key in [k for k in ALIASES if k[0] == "youtube"]:
        for field, by_lang in ALIASES[key].items():
            assert all(by_lang.get(lang) for lang in LANGUAGES), (key, field)
    assert {n for _, n in ALIASES if _ == "youtube"} >= names


# -- demo writer ---------------------------------------------------------------------------


def tiny_world() -> DemoWorld:
    d = [dt.date(2025, 10, 1) + dt.timedelta(days=i) for i in range(3)]
    accounts = pd.DataFrame(
        [
            ["youtube:voltiqus", "youtube", "VoltiqUS", "61", "Voltiq US", "US", "USD",
             "America/New_York", "brand", "en"],
            ["youtube:voltiqmx", "youtube", "VoltiqMX", "62", "Voltiq México", "MX", "MXN",
             "America/Mexico_City", "brand", "es"],
            ["youtube:voltiqofficial", "youtube", "VoltiqOfficial", "63", "Voltiq 全球官方", "CN",
             "CNY", "Asia/Shanghai", "brand", "zh"],
        ],
        columns=["account_id", "platform", "handle", "native_id", "name", "market", "currency",
                 "timezone", "kind", "language"],
    )  # fmt: skip
    vids = {"VoltiqUS": "Oa-mVSR0OVG", "VoltiqMX": "qrdlOMI2OVG", "VoltiqOfficial": "tBnOLRC2OVG"}
    posts = pd.DataFrame(
        [
            ["youtube", h, v, None, d[0], "short" if h == "VoltiqUS" else "video",
             f"{h} launch, day one", f"https://www.youtube.com/watch?v={v}", False, None]
            for h, v in vids.items()
        ]
        + [["youtube", "VoltiqUS", "-Zz9Yy8Xx7W", None, d[1], "video", "Second", "", False, None]],
        columns=["platform", "handle", "native_id", "published_at", "local_date", "format",
                 "caption", "url", "promoted", "campaign_native_id"],
    )  # fmt: skip
    metric_cols = ["impressions", "reach", "views", "likes", "comments", "shares", "saves",
                   "clicks", "link_clicks", "video_views", "watch_seconds", "follows"]  # fmt: skip
    pd_rows = []
    for i, (h, v) in enumerate(vids.items()):
        for j, day in enumerate(d):
            views = 1000 * (i + 1) + 317 * j
            pd_rows.append(["youtube", h, v, day, views * 2, 0, views, 40 + j, 3, 2 + i, 0, 0, 0,
                            views, views * 41.3, j])  # fmt: skip
    pd_rows.append(
        ["youtube", "VoltiqUS", "-Zz9Yy8Xx7W", d[2], 90, 0, 45, 1, 0, 0, 0, 0, 0, 45, 300.5, 0]
    )
    post_daily = pd.DataFrame(
        pd_rows, columns=["platform", "handle", "native_id", "date", *metric_cols]
    )
    account_daily = pd.DataFrame(
        [
            ["youtube", h, day, 5000, 1, 0, 100, 50, 1234 + 1000 * i + j, 7, 1, 0, 0, 9, 3]
            for i, h in enumerate(vids)
            for j, day in enumerate(d)
        ],
        columns=["platform", "handle", "date", "followers", "follows", "unfollows",
                 "impressions", "reach", "views", "profile_views", "likes", "comments", "shares",
                 "unique_viewers", "new_viewers"],
    )  # fmt: skip
    return DemoWorld(
        seed=1, scale="test", start=d[0], end=d[-1],
        frames={"accounts": accounts, "posts": posts, "post_daily": post_daily,
                "account_daily": account_daily},
    )  # fmt: skip


def test_demo_writer_round_trip(tmp_path):
    from socialroi.demo.writers import youtube as writer

    world = tiny_world()
    paths = writer.write(world, tmp_path / "out")
    stem = f"{world.start:%Y-%m-%d}_{world.end:%Y-%m-%d}"
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in paths) == [
        f"youtube/@VoltiqMX/Contenido {stem} Voltiq México.zip",
        f"youtube/@VoltiqOfficial/内容 {stem} Voltiq 全球官方.zip",
        f"youtube/@VoltiqUS/Content {stem} Voltiq US.zip",
    ]
    with zipfile.ZipFile(paths[1]) as zf:
        assert sorted(zf.namelist()) == [
            "Datos de la tabla.csv",
            "Datos del gráfico.csv",
            "Totales.csv",
        ]
    pdl, ad = world["post_daily"], world["account_daily"]
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        results = ws.import_files([tmp_path / "out"])
        assert {r.report for r in results} == {"studio_export"}
        daily = q(
            ws,
            "SELECT native_id, metric_date, views FROM post_metrics JOIN posts USING (post_id) "
            "WHERE grain = 'day' ORDER BY 1, 2",
        )
        want = pdl.sort_values(["native_id", "date"])[["native_id", "date", "views"]]
        assert daily == [tuple(r) for r in want.itertuples(index=False)]
        life = q(
            ws,
            "SELECT native_id, p.account_id, local_date, metric_date, as_of, caption, views, "
            "watch_seconds, follows, impressions, likes, comments, shares "
            "FROM post_metrics JOIN posts p USING (post_id) WHERE grain = 'lifetime' ORDER BY 1",
        )
        sums = pdl.groupby("native_id")[
            ["views", "watch_seconds", "follows", "impressions", "likes", "comments", "shares"]
        ].sum()
        posts = world["posts"].set_index("native_id")
        assert [r[0] for r in life] == sorted(posts.index)
        for r in life:
            s, p = sums.loc[r[0]], posts.loc[r[0]]
            assert r[1] == f"youtube:{p['handle'].lower()}"
            assert r[2:6] == (p["local_date"], p["local_date"], world.end, p["caption"])
            assert r[6] == s["views"] and r[8:] == tuple(int(s[c]) for c in
                ("follows", "impressions", "likes", "comments", "shares"))  # fmt: skip
            assert r[7] == pytest.approx(s["watch_seconds"], abs=0.2)  # hours with 4 decimals
        got = q(
            ws,
            "SELECT split_part(account_id, ':', 2), metric_date, views FROM account_metrics "
            "ORDER BY 1, 2",
        )
        want = ad.assign(h=ad["handle"].str.lower()).sort_values(["h", "date"])
        assert got == [tuple(r) for r in want[["h", "date", "views"]].itertuples(index=False)]
        assert q(ws, "SELECT account_id, handle, name FROM accounts ORDER BY 1") == [
            ("youtube:voltiqmx", "@VoltiqMX", "Voltiq México"),
            ("youtube:voltiqofficial", "@VoltiqOfficial", "Voltiq 全球官方"),
            ("youtube:voltiqus", "@VoltiqUS", "Voltiq US"),
        ]
        assert {r.status for r in ws.import_files([tmp_path / "out"])} == {"unchanged"}


def test_demo_writer_is_byte_stable(tmp_path):
    from socialroi.demo.writers import youtube as writer

    a = writer.write(tiny_world(), tmp_path / "a")
    b = writer.write(tiny_world(), tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
