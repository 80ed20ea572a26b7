"""The dashboard's campaign mapping (issue 17, item 2): the unmatched ad campaigns and UTM
campaigns, the suggestions, map / unmap for analysts and admins with CSRF, each change in the
audit log, and the same mapping `socialroi campaigns list` reads."""

from __future__ import annotations

import datetime as dt

from socialroi.measure.campaigns import campaign_map, unmatched
from tests.deliver.web.test_api import csrf_of, insert, login


def _campaign_rows(app) -> None:
    """An ad campaign with spend whose links carry another name, and organic links."""
    ws = app.state.ctx.ws
    insert(ws, "campaigns", [dict(campaign_id="meta:campaign:1", platform="facebook",
                                  level="campaign", native_id="1", name="Back To School <b>US",
                                  market="US")])  # fmt: skip
    insert(ws, "ad_metrics", [dict(platform="facebook", campaign_id="meta:campaign:1",
                                   metric_date=dt.date(2025, 1, 10), period_end=dt.date(2025, 1, 10),
                                   market="US", currency="USD", spend=250.0, spend_base=250.0)])  # fmt: skip
    insert(ws, "touchpoints", [dict(touch_id=f"t{i}", visitor_id=f"v{i}", campaign=utm,
                                    occurred_at=dt.datetime(2025, 1, 11, tzinfo=dt.UTC),
                                    source="facebook", medium="paid_social")
                               for i, utm in enumerate(["backtoschool_us"] * 3 + ["linkinbio"])])  # fmt: skip
    app.state.ctx.invalidate()


def test_unmatched_lists_what_does_not_meet(app):
    _campaign_rows(app)
    ads, utms = unmatched(app.state.ctx.ws)
    assert ads.to_dict("records") == [
        {"campaign": "Back To School <b>US", "platform": "facebook", "spend": 250.0}
    ]
    assert {"backtoschool_us", "linkinbio"} <= set(utms.utm_campaign)  # and the shop's own


def test_analyst_maps_and_unmaps_from_the_page(app):
    _campaign_rows(app)
    c = login(app, "analyst")
    page = c.get("/campaigns")
    assert page.status_code == 200
    assert "Back To School &lt;b&gt;US" in page.text and "<b>US" not in page.text  # escaped
    assert "backtoschool_us" in page.text  # suggested, and unclaimed
    assert 'action="/campaigns/map"' in page.text
    # no CSRF token: refused, nothing changed
    r = c.post("/campaigns/map", data={"campaign": "Back To School <b>US",
                                       "utm_campaign": "backtoschool_us"})  # fmt: skip
    assert r.status_code == 403 and campaign_map(app.state.ctx.ws) == {}
    token = csrf_of(c)
    r = c.post("/campaigns/map", data={"campaign": "Back To School <b>US",
                                       "utm_campaign": "BackToSchool_US ", "csrf_token": token})  # fmt: skip
    assert r.status_code == 303
    assert campaign_map(app.state.ctx.ws) == {"back to school <b>us": "backtoschool_us"}
    ads, _ = unmatched(app.state.ctx.ws)
    assert ads.empty  # its spend now meets the links' revenue
    after = c.get("/campaigns").text
    assert "Every ad campaign with spend meets its links." in after
    assert 'action="/campaigns/unmap"' in after
    audit = app.state.ctx.store.audit_log(10)
    assert audit[0]["action"] == "campaign.map" and audit[0]["actor"] == "analyst"
    assert "backtoschool_us" in audit[0]["details"]
    r = c.post("/campaigns/unmap", data={"campaign": "back to school <b>us", "csrf_token": token})
    assert r.status_code == 303 and campaign_map(app.state.ctx.ws) == {}
    assert app.state.ctx.store.audit_log(1)[0]["action"] == "campaign.unmap"
    # an unknown campaign is a clear error, not a crash
    r = c.post("/campaigns/unmap", data={"campaign": "nothing", "csrf_token": token})
    assert r.status_code == 400 and "no mapping for the campaign" in r.text


def test_viewer_sees_the_lists_but_no_forms(app):
    _campaign_rows(app)
    c = login(app, "viewer")
    page = c.get("/campaigns")
    assert page.status_code == 200 and "Back To School" in page.text
    assert "/campaigns/map" not in page.text
    assert c.post("/campaigns/map", data={"csrf_token": csrf_of(c)}).status_code == 403
