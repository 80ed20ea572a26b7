import ibis
import pandas as pd
import pytest

from socialroi.model.channels import classify, load_rules

CASES = [
    # source, medium, referrer, click id type -> channel, platform, paid
    ("tiktok", "paid_social", None, None, "Paid Social", "tiktok", True),
    ("TikTok", "cpc", None, None, "Paid Social", "tiktok", True),
    ("ig", "social", None, None, "Organic Social", "instagram", False),
    ("instagram.com", "referral", None, None, "Organic Social", "instagram", False),
    (
        None,
        None,
        "https://l.instagram.com/?u=https%3A%2F%2Fvoltiq.com",
        None,
        "Organic Social",
        "instagram",
        False,
    ),
    (None, None, "https://t.co/abc", None, "Organic Social", "x", False),
    (None, None, "https://lnkd.in/xyz", None, "Organic Social", "linkedin", False),
    (None, None, "https://pin.it/1a2b", None, "Organic Social", "pinterest", False),
    (None, None, "https://youtu.be/dQw4", None, "Organic Social", "youtube", False),
    (None, None, "https://vm.tiktok.com/ZM123/", None, "Organic Social", "tiktok", False),
    (None, None, "https://www.facebook.com/", None, "Organic Social", "facebook", False),
    (None, None, None, "ttclid", "Paid Social", "tiktok", True),
    (None, None, None, "li_fat_id", "Paid Social", "linkedin", True),
    (None, None, None, "twclid", "Paid Social", "x", True),
    (None, None, None, "epik", "Paid Social", "pinterest", True),
    (None, None, None, "gclid", "Paid Search", None, True),
    (None, None, None, "fbclid", "Organic Social", "facebook", False),
    ("facebook", "paid", None, "fbclid", "Paid Social", "facebook", True),
    ("(direct)", "(none)", None, None, "Direct", None, False),
    (None, None, None, None, "Direct", None, False),
    ("google", "organic", None, None, "Organic Search", None, False),
    ("newsletter", "email", None, None, "Email", None, False),
    ("partnerx", "weird", None, None, "Unmapped", None, False),
]


def run(rows):
    df = pd.DataFrame(rows, columns=["source", "medium", "referrer", "click_id_type"])
    t = ibis.memtable(df.astype("string"))
    d = classify(t.source, t.medium, t.referrer, t.click_id_type)
    return ibis.duckdb.connect().execute(t.mutate(**d))


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}|{c[1]}|{c[2]}|{c[3]}" for c in CASES])
def test_channel_rules(case):
    out = run([case[:4]]).iloc[0]
    got = (
        out.channel,
        out.channel_platform if pd.notna(out.channel_platform) else None,
        bool(out.paid),
    )
    assert got == case[4:]
    assert out.rule == ("unmapped" if case[4] == "Unmapped" else out.rule)


def test_rules_are_data_and_ordered(tmp_path):
    rules = load_rules()
    assert [r.priority for r in rules] == sorted(r.priority for r in rules)
    custom = tmp_path / "rules.csv"
    custom.write_text(
        "priority,rule,click_id_type,source,medium,referrer_host,channel,platform,paid\n"
        "1,partner,,^partnerx$,,,Affiliates,,false\n"
    )
    df = pd.DataFrame({"s": ["partnerx"], "m": ["weird"], "r": [None], "c": [None]}).astype(
        "string"
    )
    t = ibis.memtable(df)
    d = classify(t.s, t.m, t.r, t.c, rules=load_rules(custom))
    assert ibis.duckdb.connect().execute(t.mutate(**d)).channel.iloc[0] == "Affiliates"


def test_classify_table_agrees_with_the_expressions():
    from socialroi.model.channels import classify_table

    df = pd.DataFrame([c[:4] for c in CASES], columns=["source", "medium", "referrer", "cid"])
    t = ibis.memtable(df.astype("string")).mutate(n=ibis.row_number())
    got = ibis.duckdb.connect().execute(
        classify_table(t, t.source, t.medium, t.referrer, t.cid).order_by("n")
    )
    expected = [(c[4], c[5], c[6]) for c in CASES]
    assert [
        (r.channel, r.channel_platform if pd.notna(r.channel_platform) else None, bool(r.paid))
        for r in got.itertuples()
    ] == expected
