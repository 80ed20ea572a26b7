"""An employee's own posts (member post analytics) land as an `employee` account beside the
brand Page, so the experiments' author design can compare employee advocacy with the Page;
and the warning before a LinkedIn consent lapses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from socialroi.deliver.cli.main import main
from socialroi.errors import SocialroiError
from socialroi.experiments.data import post_frame
from socialroi.experiments.design import matches
from socialroi.sources.api import get_connector
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.credentials import Credentials, Grant, account_ref, new_ref
from socialroi.sync.lapse import lapse_note, lapse_notes
from socialroi.sync.run import sync
from tests.fakes.linkedin import post
from tests.sources.api_kit import connected, sync_options
from tests.sources.linkedin.conftest import ORG, PERSON

MAR1, MAR10 = dt.date(2026, 3, 1), dt.date(2026, 3, 10)


def test_member_posts_are_an_employee_beside_the_brand_page(fake_linkedin, tmp_path):
    ws = connected(tmp_path, "linkedin", "good-token", [f"org:{ORG}"])
    connecting.connect_token(ws, "linkedin_members", "good-token", [f"member:{PERSON}"])
    got = sync(ws, None, sync_options(MAR1, MAR10))
    assert [r.status for r in got] == ["ok", "ok", "ok"], [r.error for r in got]
    kinds = dict(ws.store.raw.execute("SELECT account_id, kind FROM accounts").fetchall())
    assert kinds == {"linkedin:voltiq": "brand", f"linkedin:member-{PERSON.lower()}": "employee"}
    mine = ws.store.raw.execute(
        "SELECT p.native_id, m.impressions, m.likes, m.comments, m.shares, m.clicks "
        "FROM posts p JOIN post_metrics m USING (post_id) WHERE p.account_id LIKE '%member-%' "
        "ORDER BY 1").fetchall()  # fmt: skip
    assert mine == [("share:7160000000000000000", 900, 60, 9, 3, None),
                    ("share:7160000000000000001", 901, 61, 10, 3, None)]  # fmt: skip
    # one call per metric and post, the entity in Rest.li form
    calls = fake_linkedin.fake.calls(r"memberCreatorPostAnalytics$")
    assert len(calls) == 2 * 4
    assert calls[0].query["entity"] == "(share:urn:li:share:7160000000000000001)"
    posts = post_frame(ws)
    brand = posts[matches(posts, ["tag:#VoltiqVoices", "kind:brand"])]
    employees = posts[matches(posts, ["tag:#VoltiqVoices", "kind:employee"])]
    assert (len(brand), len(employees)) == (10, 2)
    assert employees.engagements.sum() > 0 and employees.impressions.sum() == 1801


def test_a_token_of_another_member_is_refused(fake_linkedin, tmp_path):
    ws = connected(tmp_path, "linkedin_members", "good-token", ["member:SomeoneElse1"])
    [res] = sync(ws, ["linkedin_members"], sync_options(MAR1, MAR10))
    assert res.status == "failed" and "another LinkedIn member" in res.error
    assert ws.store.count("posts") == 0


def test_a_lapsing_consent_is_named_with_what_to_run(fake_linkedin, tmp_path, config_dir):
    now = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    g = Grant("a", "r", now + dt.timedelta(days=50), refresh_expires_at=now + dt.timedelta(days=9))
    note = lapse_note("linkedin", g, now)
    assert note == ("the linkedin connection's consent (its refresh token) lapses on 2026-03-19 "
                    "(in 9 days): run `socialroi connect linkedin` before then, or its syncs stop")  # fmt: skip
    with pytest.raises(SocialroiError, match="linkedin_members connection"):
        connecting.check_accounts(get_connector("linkedin"), [f"member:{PERSON}"])
    assert lapse_note("linkedin", Grant("a", "r", refresh_expires_at=now + dt.timedelta(days=40)),
                      now) is None  # fmt: skip
    assert "lapsed on" in lapse_note("linkedin", Grant("a", None, now - dt.timedelta(days=1)), now)
    # the command line says it after `connections` and after `sync`
    w = str(tmp_path / "ws.duckdb")
    run = CliRunner().invoke
    assert run(main, ["connect", "linkedin", "-w", w, "--token", "good-token", "--account",
                      f"org:{ORG}"]).exit_code == 0  # fmt: skip
    creds = Credentials()
    [ref] = creds._read()
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=12, hours=1)
    creds.put(ref, Grant("good-token", "rt-1", dt.datetime.now(dt.UTC) + dt.timedelta(days=50),
                         refresh_expires_at=soon))  # fmt: skip
    for args in (["connections", "-w", w], ["sync", "linkedin", "-w", w, "--since", "2026-03-01",
                                            "--until", "2026-03-10"]):  # fmt: skip
        got = run(main, args)
        assert got.exit_code == 0, got.output
        assert f"warning: the linkedin connection's consent (its refresh token) lapses on " \
               f"{soon:%Y-%m-%d} (in 12 days)" in got.output  # fmt: skip


def test_a_lapsed_consent_says_so_when_the_sync_stops(fake_linkedin, tmp_path):
    fake_linkedin.oauth.refresh_tokens.add("rt-1")
    ws = connected(tmp_path, "linkedin", "stale", [f"org:{ORG}"], expires_in=60,
                   refresh_token="rt-1", client_id="app-1")  # fmt: skip
    creds = Credentials()
    [ref] = creds._read()
    g = creds.get(ref)
    g.refresh_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    creds.put(ref, g)
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))  # one failed line, no exception
    assert res.status == "failed"
    assert re.search("consent lapsed on .*socialroi connect linkedin", res.error), res.error
    assert fake_linkedin.oauth.log == []  # LinkedIn was not asked: the end was known


def test_several_employees_each_with_their_own_consent(fake_linkedin, tmp_path, config_dir):
    other = "Qw3rTy9Zx0"
    me = f"urn:li:person:{other}"
    fake_linkedin.posts[me] = [post("urn:li:share:7170000000000000000", me, "2026-03-05",
                                    "My first week at Voltiq #VoltiqVoices")]  # fmt: skip
    fake_linkedin.member_stats["urn:li:share:7170000000000000000"] = {
        "IMPRESSION": 400, "REACTION": 30, "COMMENT": 2, "RESHARE": 1}  # fmt: skip
    fake_linkedin.tokens.add("tok-b")
    fake_linkedin.members["tok-b"] = other
    ws = connected(tmp_path, "linkedin_members", "good-token", [f"member:{PERSON}"])
    conn = connecting.connect_token(ws, "linkedin_members", "tok-b", [f"member:{other}"])
    assert conn.accounts == [f"member:{PERSON}", f"member:{other}"]  # added, not replaced
    got = sync(ws, ["linkedin_members"], sync_options(MAR1, MAR10))
    assert [r.status for r in got] == ["ok", "ok"], [r.error for r in got]
    # each member's calls carry that member's own token
    for r in fake_linkedin.fake.calls(r"memberCreatorPostAnalytics$"):
        want = "tok-b" if "7170000000000000000" in r.query["entity"] else "good-token"
        assert r.bearer == want
    kinds = ws.store.raw.execute(
        "SELECT account_id, kind, count(*) FROM posts JOIN accounts USING (account_id) "
        "GROUP BY ALL ORDER BY 1").fetchall()  # fmt: skip
    assert kinds == [(f"linkedin:member-{other.lower()}", "employee", 1),
                     (f"linkedin:member-{PERSON.lower()}", "employee", 2)]  # fmt: skip
    # one member's revoked consent stops that member only
    fake_linkedin.tokens.discard("tok-b")
    fake_linkedin.members.pop("tok-b")
    a, b = sync(ws, ["linkedin_members"], sync_options(MAR1, MAR10))
    assert a.status == "unchanged" and b.status == "failed"
    assert "socialroi connect linkedin_members" in b.error
    # a lapse warning names the member; disconnecting forgets every member's tokens
    creds = Credentials()
    ref = conns.get_connection(ws.store, "linkedin_members").credential_ref
    g = creds.get(account_ref(ref, f"member:{other}"))
    g.refresh_token, g.refresh_expires_at = "rt", dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    creds.put(account_ref(ref, f"member:{other}"), g)
    [note] = lapse_notes(ws)
    assert f"for member:{other} lapses on" in note
    assert f"socialroi connect linkedin_members --account member:{other}" in note
    connecting.disconnect(ws, "linkedin_members")
    assert creds._read() == {}


def test_a_member_added_while_the_server_runs_keeps_the_others(fake_linkedin, tmp_path):
    """While `serve` runs, `connect` saves the grant under a new reference first and sends
    the server only that reference: the earlier members' grants move along."""
    ws = connected(tmp_path, "linkedin_members", "good-token", [f"member:{PERSON}"])
    creds = Credentials()
    new = new_ref()
    creds.put(new, Grant("tok-b"))
    conn = connecting.save(ws, "linkedin_members", Grant("tok-b"), ["member:B2"], ref=new)
    assert conn.accounts == [f"member:{PERSON}", "member:B2"]
    assert creds.get(account_ref(new, f"member:{PERSON}")).access_token == "good-token"
    assert creds.get(account_ref(new, "member:B2")).access_token == "tok-b"
    assert set(creds._read()) == {new, account_ref(new, f"member:{PERSON}"),
                                  account_ref(new, "member:B2")}  # fmt: skip
