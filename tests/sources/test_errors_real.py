"""Issue 10, item 12: errors in the platform's words: the missing columns as the export names
them (only those) and what to do; known but unsupported reports say what to download."""

from __future__ import annotations

import pytest

from socialroi.errors import ImportFailed, NotAnExport


def fail(ws, path, **opts) -> ImportFailed:
    with pytest.raises(ImportFailed) as e:
        ws.import_files([path], **opts)
    return e.value


def test_a_missing_column_is_named_as_the_platform_names_it(ws, tmp_path):
    f = tmp_path / "@voltiq.ads" / "TikTok_Ads_Manager_20260101_20260102.csv"
    f.parent.mkdir()
    f.write_text("Campaign name,By Day,Currency,Impression,Click (destination)\n"
                 "CES,2026-01-01,USD,100,3\n")  # fmt: skip
    e = fail(ws, f, platform="tiktok", report="ads")
    assert "has no column 'Cost'" in e.problem  # only the missing one, not Impressions
    assert "Impressions" not in e.problem
    assert "Add the missing column(s)" in e.hint


def test_tiktok_overview_without_views(ws, tmp_path):
    f = tmp_path / "@voltiq.us" / "Overview_2025-12-30_2026-01-02.csv"
    f.parent.mkdir()
    f.write_text('"Date","Profile Views","Likes"\n"December 30","35","120"\n')
    e = fail(ws, f, platform="tiktok", report="studio_overview")
    assert "has no column 'Video Views'" in e.problem


@pytest.mark.parametrize(
    "text, title, instead",
    [
        ('"Age & gender"\n"Age","Women","Men"\n"18-24","0.12","0.10"\n',
         "Meta Business Suite Audience export", "Insights metric exports"),
        ('"Top content formats"\n"Format","Reach"\n"Reels","1200"\n',
         "Top content formats export", "Content export"),
        ('"Date","Hour","Active followers"\n"January 1","0","812"\n',
         "FollowerActivity download", "FollowerHistory.csv"),
    ],
)  # fmt: skip
def test_a_known_unsupported_report_says_what_to_download(ws, tmp_path, text, title, instead):
    f = tmp_path / "export.csv"
    f.write_text(text)
    e = fail(ws, f)
    assert isinstance(e, NotAnExport)
    assert title in e.problem and "socialroi does not import" in e.problem
    assert instead in e.hint and e.hint.startswith("Download ")
