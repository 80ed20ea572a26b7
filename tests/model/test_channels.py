"""Channel rules, through `classify_table` as the importer runs them (`unify.canonical`): one
small memtable of every case, classified once on DuckDB."""

import ibis
import pandas as pd
import pytest

from socialroi.model.channels import classify_table, load_rules

CASES = [
    # source, medium, referrer, click id type -> channel, platform, paid, rule
    ("tiktok", "paid_social", None, None, "Paid Social", "tiktok", True, "tiktok_paid_utm"),
    ("TikTok", "cpc", None, None, "Paid Social", "tiktok", True, "tiktok_paid_utm"),
    ("ig", "social", None, None, "Organic Social", "instagram", False, "instagram_utm"),
    ("instagram.com", "referral", None, None, "Organic Social", "instagram", False,
     "instagram_utm"),
    (None, None, "https://l.instagram.com/?u=https%3A%2F%2Fvoltiq.com", None,
     "Organic Social", "instagram", False, "instagram_referrer"),
    (None, None, "https://t.co/abc", None, "Organic Social", "x", False, "x_referrer"),
    (None, None, "https://lnkd.in/xyz", None, "Organic Social", "linkedin", False,
     "linkedin_referrer"),
    (None, None, "https://pin.it/1a2b", None, "Organic Social", "pinterest", False,
     "pinterest_referrer"),
    (None, None, "https://youtu.be/dQw4", None, "Organic Social", "youtube", False,
     "youtube_referrer"),
    (None, None, "https://vm.tiktok.com/ZM123/", None, "Organic Social", "tiktok", False,
     "tiktok_referrer"),
    (None, None, "https://www.facebook.com/", None, "Organic Social", "facebook", False,
     "facebook_referrer"),
    (None, None, None, "ttclid", "Paid Social", "tiktok", True, "tiktok_click_id"),
    (None, None, None, "li_fat_id", "Paid Social", "linkedin", True, "linkedin_click_id"),
    (None, None, None, "twclid", "Paid Social", "x", True, "x_click_id"),
    (None, None, None, "epik", "Paid Social", "pinterest", True, "pinterest_click_id"),
    (None, None, None, "gclid", "Paid Search", None, True, "google_ads_click_id"),
    (None, None, None, "fbclid", "Organic Social", "facebook", False, "facebook_click_id"),
    ("facebook", "paid", None, "fbclid", "Paid Social", "facebook", True, "facebook_paid_utm"),
    ("(direct)", "(none)", None, None, "Direct", None, False, "direct"),
    (None, None, None, None, "Direct", None, False, "direct"),
    ("google", "organic", None, None, "Organic Search", None, False, "organic_search"),
    ("newsletter", "email", None, None, "Email", None, False, "email"),
    ("partnerx", "weird", None, None, "Unmapped", None, False, "unmapped"),
]  # fmt: skip


def classify_rows(rows, rules=None) -> pd.DataFrame:
    """`classify_table` on a memtable of (source, medium, referrer, click id type) rows, in
    the rows' order, executed on DuckDB."""
    df = pd.DataFrame(rows, columns=["source", "medium", "referrer", "cid"]).astype("string")
    t = ibis.memtable(df.assign(n=range(len(df))))
    out = classify_table(t, t.source, t.medium, t.referrer, t.cid, rules=rules)
    return ibis.duckdb.connect().execute(out.order_by("n")).reset_index(drop=True)


@pytest.fixture(scope="module")
def classified() -> pd.DataFrame:
    return classify_rows([c[:4] for c in CASES])


@pytest.mark.parametrize(
    "i", range(len(CASES)), ids=[f"{c[0]}|{c[1]}|{c[2]}|{c[3]}" for c in CASES]
)
def test_channel_rules(classified, i):
    case, out = CASES[i], classified.iloc[i]
    inputs = tuple(None if pd.isna(v) else v for v in out[["source", "medium", "referrer", "cid"]])
    assert inputs == case[:4]  # the join kept the row with its own inputs
    got = (
        out.channel,
        out.channel_platform if pd.notna(out.channel_platform) else None,
        bool(out.paid),
        out.rule,
    )
    assert got == case[4:]


def test_every_case_is_classified_once_and_in_order(classified):
    assert len(classified) == len(CASES)
    assert list(classified.n) == list(range(len(CASES)))
    assert list(classified.source.fillna("-")) == [c[0] or "-" for c in CASES]


def test_case_rules_agree_with_the_rules_file():
    """Each expected rule exists and gives the expected channel, platform and paid flag."""
    rules = {r.rule: r for r in load_rules()}
    for case in CASES:
        if case[7] == "unmapped":
            assert case[4:7] == ("Unmapped", None, False)
            continue
        r = rules[case[7]]
        assert (r.channel, r.platform, r.paid) == case[4:7], case


def test_rules_are_data_and_ordered(tmp_path):
    rules = load_rules()
    assert [r.priority for r in rules] == sorted(r.priority for r in rules)
    custom = tmp_path / "rules.csv"
    custom.write_text(
        "priority,rule,click_id_type,source,medium,referrer_host,channel,platform,paid\n"
        "1,partner,,^partnerx$,,,Affiliates,,false\n"
    )
    out = classify_rows([("partnerx", "weird", None, None), ("tiktok", "cpc", None, None)],
                        rules=load_rules(custom))  # fmt: skip
    assert list(out.channel) == ["Affiliates", "Unmapped"]
    assert list(out.rule) == ["partner", "unmapped"]
