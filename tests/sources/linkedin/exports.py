"""The fake LinkedIn's data written as the files a user downloads, to compare a sync with an
import of the same figures.

Layouts reproduced (see docs/sources/linkedin.md and tests/fixtures/linkedin/):
- `<page>_content_<epoch-ms>.xlsx`: `Metrics` (Date as MM/DD/YYYY, the organic columns) and
  `All posts` (a description line above the header; Post link, Created date, figures);
- `<page>_followers_<epoch-ms>.xlsx`: `New followers` (sponsored, organic, total per day);
- `<page>_visitors_<epoch-ms>.xlsx`: `Visitor metrics` (Total page views (total));
- `ad_performance_report.csv`: Campaign Manager's Ad performance report, UTF-16 and
  tab-separated with its banner lines, daily, with Account ID, Campaign and Creative columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.fakes.linkedin import FakeLinkedIn
from tests.fixtures.linkedin.make_fixtures import write_xlsx


def _us(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def _ms(day: str) -> int:
    d = dt.date.fromisoformat(day) + dt.timedelta(days=1)
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)


def _save(path: Path, sheets: dict[str, list[list]]) -> Path:
    write_xlsx(path, sheets)
    return path


def page_exports(li: FakeLinkedIn, org: str, folder: Path) -> list[Path]:
    days = sorted(li.days[org])
    handle = li.orgs[org]["vanityName"]
    stamp = _ms(days[-1])
    f = li.days[org]
    metrics = [["Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)",
                "Unique impressions (organic)", "Clicks (organic)", "Reactions (organic)",
                "Comments (organic)", "Reposts (organic)", "Engagement rate (organic)"]]  # fmt: skip
    for d in days:
        x = f[d]
        metrics.append([_us(d), x["impressions"], 0, x["impressions"], x["reach"], x["clicks"],
                        x["likes"], x["comments"], x["shares"], 0.05])  # fmt: skip
    posts = [["All posts: the performance of each post since it was published."],
             ["Post title", "Post link", "Post type", "Campaign name", "Posted by",
              "Created date", "Audience", "Impressions", "Views", "Clicks", "CTR", "Likes",
              "Comments", "Reposts", "Follows", "Engagement rate", "Content Type"]]  # fmt: skip
    kinds = {None: "Text", "image": "Image", "video": "Video", "article": "Article"}
    for p in li.posts[f"urn:li:organization:{org}"]:
        s = li.post_stats[p["id"]]
        c = p.get("content") or {}
        kind = "article" if "article" in c else (c["media"]["id"].split(":")[2] if c else None)
        day = dt.datetime.fromtimestamp(p["publishedAt"] / 1000, dt.UTC).date().isoformat()
        posts.append([p["commentary"], f"https://www.linkedin.com/feed/update/{p['id']}/",
                      "Organic", "", "Voltiq", _us(day), "All followers", s["impressionCount"],
                      None, s["clickCount"], 0.02, s["likeCount"], s["commentCount"],
                      s["shareCount"], None, 0.04, kinds[kind]])  # fmt: skip
    followers = [["Date", "Sponsored followers", "Organic followers", "Auto-invited followers",
                  "Total followers"]]  # fmt: skip
    visitors = [["Date", "Overview page views (total)", "Total page views (total)"]]
    for d in days:
        x = f[d]
        total = x["organic_follows"] + x["paid_follows"]
        followers.append([_us(d), x["paid_follows"], x["organic_follows"], 0, total])
        visitors.append([_us(d), x["page_views"] // 2, x["page_views"]])
    return [
        _save(folder / f"{handle}_content_{stamp}.xlsx", {"Metrics": metrics, "All posts": posts}),
        _save(folder / f"{handle}_followers_{stamp}.xlsx", {"New followers": followers}),
        _save(folder / f"{handle}_visitors_{stamp}.xlsx", {"Visitor metrics": visitors}),
    ]


def ad_report(li: FakeLinkedIn, account: str, path: Path) -> Path:
    acct = li.ad_accounts[account]
    camps = {c["id"]: c for c in li.campaigns[account]}
    creas = {c["id"]: c for c in li.creatives[account]}
    names = {"LEAD_GENERATION": "Lead generation", "WEBSITE_VISIT": "Website visits"}
    rows = li.analytics[account]
    days = sorted({(r["dateRange"]["start"]["year"], r["dateRange"]["start"]["month"],
                    r["dateRange"]["start"]["day"]) for r in rows})  # fmt: skip
    first, last = dt.date(*days[0]), dt.date(*days[-1])
    lines = ["Ad Performance Report (in UTC)",
             f"Report Start: {first.month}/{first.day}/{first.year}, 12:00 AM",
             f"Report End: {last.month}/{last.day}/{last.year}, 11:59 PM",
             "\t".join(["Start Date (in UTC)", "Account ID", "Account Name", "Campaign Name",
                        "Campaign ID", "Campaign Objective", "Ad Name", "Creative ID",
                        "Total Spent", "Currency", "Impressions", "Clicks",
                        "Clicks to Landing Page", "Video Views", "Conversions",
                        "Total Conversion Value"])]  # fmt: skip
    for r in rows:
        s = r["dateRange"]["start"]
        cr = creas[r["pivotValues"][0]]
        camp = camps[int(cr["campaign"].rsplit(":", 1)[1])]
        lines.append("\t".join(str(x) for x in [
            f"{s['month']}/{s['day']}/{s['year']}", account, acct["name"], camp["name"],
            camp["id"], names[camp["objectiveType"]], cr["name"],
            cr["id"].rsplit(":", 1)[1], r["costInLocalCurrency"], acct["currency"],
            r["impressions"], r["clicks"], r["landingPageClicks"], r["videoViews"],
            r["externalWebsiteConversions"], r["conversionValueInLocalCurrency"]]))  # fmt: skip
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    return path
