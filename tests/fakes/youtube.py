"""A fake of YouTube's Data API v3, Analytics API v2 and Reporting API v1, from Google's docs.

Shapes reproduced (developers.google.com):
- `GET /youtube/v3/channels` — youtube/v3/docs/channels/list: `part`, one of `id` / `forHandle`
  / `mine=true`; `{"kind": "youtube#channelListResponse", "pageInfo", "items": [{"kind":
  "youtube#channel", "id", "snippet": {"title", "customUrl", "publishedAt", "country"},
  "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU…"}}}]}`; a handle or id
  YouTube does not know answers without `items`;
- `GET /youtube/v3/playlistItems` — …/docs/playlistItems/list: `playlistId`, `maxResults`
  (0-50, default 5), `pageToken`; `items[{"kind": "youtube#playlistItem", "id",
  "contentDetails": {"videoId", "videoPublishedAt"}}]`, `nextPageToken` except on the last
  page, `pageInfo.totalResults`;
- `GET /youtube/v3/videos` — …/docs/videos/list: `id` (comma-separated, at most 50);
  `items[{"kind": "youtube#video", "id", "snippet": {"publishedAt", "channelId", "title",
  "liveBroadcastContent"}, "statistics": {"viewCount", "likeCount", "favoriteCount",
  "commentCount"}}]`, counts as strings; `liveStreamingDetails` only for live streams;
- `GET /v2/reports` — youtube/analytics/reference/reports/query: `ids=channel==UC…`,
  `startDate`, `endDate`, `metrics`, `dimensions=day` or `day,insightTrafficSourceType`
  (…/analytics/channel_reports, "Traffic sources"; values from …/analytics/dimensions);
  `{"kind": "youtubeAnalytics#resultTable", "columnHeaders": [{"name", "columnType",
  "dataType"}], "rows": [["2026-03-01", 120, …]]}` (`["2026-03-01", "YT_SEARCH", 40, 96.5]`
  by source), no `rows` when there is no data; a source without views that day has no row;
- `GET/POST /v1/jobs`, `GET /v1/jobs/{id}/reports`, `GET /v1/media/…` —
  youtube/reporting/v1/reference/rest (jobs.create, jobs.list, jobs.reports.list) and
  "Download reports": Job `{"id", "reportTypeId", "name", "createTime"}`, a second job of the
  same type is 409 ALREADY_EXISTS; Report `{"id", "jobId", "startTime", "endTime",
  "createTime", "downloadUrl"}` filtered by `createdAfter`, paged by `pageToken`; the download
  is the `channel_basic_a2` CSV (one row per date, video, live_or_on_demand,
  subscribed_status and country), optionally gzip-compressed;
- Google's errors (cloud.google.com/apis/design/errors and youtube/v3/docs/errors): 401
  `UNAUTHENTICATED`; 403 with `errors[{"domain": "youtube.quota", "reason":
  "quotaExceeded"}]`; the token endpoint is `FakeOAuth` (RFC 6749, Google does not rotate).
"""

from __future__ import annotations

import datetime as dt
import gzip
from typing import Any

from tests.fakes.oauth import FakeOAuth
from tests.fakes.server import FakeApi, Reply, Request, page_of

CHANNEL = "UCvoltiqTECH0123456789ab"
HANDLE = "@voltiqtech"
UPLOADS = "UU" + CHANNEL[2:]
CSV_HEAD = ("date,channel_id,video_id,live_or_on_demand,subscribed_status,country_code,views,"
            "comments,likes,dislikes,shares,watch_time_minutes,average_view_duration_seconds,"
            "average_view_percentage,subscribers_gained,subscribers_lost,"
            "videos_added_to_playlists,videos_removed_from_playlists,red_views,"
            "red_watch_time_minutes")  # fmt: skip
TRAFFIC = "insightTrafficSourceType"
METRICS = ("views", "estimatedMinutesWatched", "likes", "comments", "shares",
           "subscribersGained", "subscribersLost")  # fmt: skip


def _unauthorised() -> Reply:
    return Reply(401, {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                 "message": "Request had invalid authentication credentials."}})  # fmt: skip


class FakeYouTube:
    def __init__(self, fake: FakeApi, *, page_size: int = 50) -> None:
        self.fake = fake
        self.page_size = page_size  # playlistItems per page (the server's cap)
        self.tokens = {"ya29.good"}
        self.oauth = FakeOAuth(fake, r"/token", self.tokens, rotate=False,
                               client_id="app.apps.googleusercontent.com")  # fmt: skip
        self.videos: dict[str, dict[str, Any]] = {}  # id -> title, published, views, ...
        self.days: dict[str, dict[str, float]] = {}  # YYYY-MM-DD -> channel metrics
        # (YYYY-MM-DD, insightTrafficSourceType) -> views, estimatedMinutesWatched
        self.sources: dict[tuple[str, str], dict[str, float]] = {}
        self.jobs: list[dict[str, Any]] = []
        self.reports: list[dict[str, Any]] = []  # + "_csv": the body
        self.downloads: list[str] = []  # report ids, in the order downloaded
        self.gzip = False
        self.report_page = 2  # reports a list page (small: paging is tested)
        r = fake.route
        r("GET", r"/youtube/v3/channels", self._channels)
        r("GET", r"/youtube/v3/playlistItems", self._playlist)
        r("GET", r"/youtube/v3/videos", self._videos)
        r("GET", r"/v2/reports", self._analytics)
        r("GET", r"/v1/jobs", self._jobs)
        r("POST", r"/v1/jobs", self._create_job)
        r("GET", r"/v1/jobs/([^/]+)/reports", self._reports)
        r("GET", r"/v1/media/(.+)", self._media)

    # -- data ------------------------------------------------------------------------------
    def channel(self) -> dict[str, Any]:
        return {"kind": "youtube#channel", "etag": "e1", "id": CHANNEL,
                "snippet": {"title": "Voltiq Tech", "customUrl": HANDLE,
                            "publishedAt": "2019-04-02T08:00:00Z", "country": "US"},
                "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}}}  # fmt: skip

    def add_report(self, day: str, created: str, rows: list[tuple] | None = None) -> str:
        """A `channel_basic_a2` report of `day` (YYYY-MM-DD) created at `created` (RFC 3339).
        `rows`: (video, country, views, comments, likes, shares, minutes, gained)."""
        rid = f"r{len(self.reports) + 1}"
        d = day.replace("-", "")
        lines = [CSV_HEAD]
        for vid, country, views, comments, likes, shares, minutes, gained in rows or []:
            lines.append(f"{d},{CHANNEL},{vid},on_demand,subscribed,{country},{views},{comments},"
                         f"{likes},0,{shares},{minutes},60,45.5,{gained},0,0,0,0,0")  # fmt: skip
        start = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC) + dt.timedelta(hours=7)
        self.reports.append({
            "id": rid, "jobId": self.jobs[0]["id"] if self.jobs else "job-1",
            "startTime": start.isoformat().replace("+00:00", "Z"),
            "endTime": (start + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z"),
            "createTime": created,
            "downloadUrl": f"https://youtubereporting.googleapis.com/v1/media/CHANNEL/{CHANNEL}"
                           f"/jobs/job-1/reports/{rid}?alt=media",
            "_csv": "\n".join(lines) + "\n",
        })  # fmt: skip
        return rid

    # -- handlers --------------------------------------------------------------------------
    def _channels(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return _unauthorised()
        q = req.query
        hit = (q.get("mine") == "true" or q.get("id") == CHANNEL
               or q.get("forHandle", "").lower() == HANDLE)  # fmt: skip
        out: dict[str, Any] = {"kind": "youtube#channelListResponse", "etag": "e0",
                               "pageInfo": {"totalResults": int(hit), "resultsPerPage": 5}}  # fmt: skip
        if hit:
            out["items"] = [self.channel()]
        return out

    def _playlist(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return _unauthorised()
        assert req.query["playlistId"] == UPLOADS and req.query["part"] == "contentDetails"
        size = min(int(req.query.get("maxResults", 5)), self.page_size)
        ids = sorted(self.videos, key=lambda v: self.videos[v]["published"], reverse=True)
        chunk, nxt = page_of(ids, req.query.get("pageToken", "").removeprefix("EAAa"), size)
        out: dict[str, Any] = {
            "kind": "youtube#playlistItemListResponse",
            "items": [{"kind": "youtube#playlistItem", "id": f"pl-{v}",
                       "contentDetails": {"videoId": v,
                                          "videoPublishedAt": self.videos[v]["published"]}}
                      for v in chunk],
            "pageInfo": {"totalResults": len(ids), "resultsPerPage": size},
        }  # fmt: skip
        if nxt:
            out["nextPageToken"] = f"EAAa{nxt}"
        return out

    def _videos(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return _unauthorised()
        ids = req.query["id"].split(",")
        assert len(ids) <= 50
        items = []
        for v in ids:
            if v not in self.videos:
                continue
            x = self.videos[v]
            stats = {"viewCount": str(x["views"]), "favoriteCount": "0",
                     "commentCount": str(x["comments"])}  # fmt: skip
            if x.get("likes") is not None:
                stats["likeCount"] = str(x["likes"])
            item = {"kind": "youtube#video", "id": v,
                    "snippet": {"publishedAt": x["published"], "channelId": CHANNEL,
                                "title": x["title"],
                                "liveBroadcastContent": "none"},
                    "statistics": stats}  # fmt: skip
            if x.get("live"):
                item["liveStreamingDetails"] = {"actualStartTime": x["published"]}
            items.append(item)
        return {"kind": "youtube#videoListResponse", "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}}  # fmt: skip

    def _analytics(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return _unauthorised()
        q = req.query
        dims = q["dimensions"].split(",")
        assert q["ids"] == f"channel=={CHANNEL}" and dims in (["day"], ["day", TRAFFIC])
        mets = q["metrics"].split(",")
        heads = [{"name": d, "columnType": "DIMENSION", "dataType": "STRING"} for d in dims] + [
            {"name": m, "columnType": "METRIC",
             "dataType": "FLOAT" if m == "estimatedMinutesWatched" else "INTEGER"}
            for m in mets
        ]  # fmt: skip
        out: dict[str, Any] = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": heads}
        if dims == ["day"]:
            rows = [[d] + [self.days[d][m] for m in mets] for d in sorted(self.days)
                    if q["startDate"] <= d <= q["endDate"]]  # fmt: skip
        else:  # by day, then by source, as `sort=day` leaves them
            rows = [[d, s] + [self.sources[d, s][m] for m in mets]
                    for d, s in sorted(self.sources) if q["startDate"] <= d <= q["endDate"]]  # fmt: skip
        if rows:
            out["rows"] = rows
        return out

    def _jobs(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return _unauthorised()
        return {"jobs": list(self.jobs)} if self.jobs else {}

    def _create_job(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return _unauthorised()
        import json

        body = json.loads(req.body)
        if any(j["reportTypeId"] == body["reportTypeId"] for j in self.jobs):
            return Reply(409, {"error": {"code": 409, "status": "ALREADY_EXISTS",
                                         "message": "Job already exists."}})  # fmt: skip
        job = {"id": f"job-{len(self.jobs) + 1}", "reportTypeId": body["reportTypeId"],
               "name": body["name"], "createTime": "2026-03-01T10:00:00Z"}  # fmt: skip
        self.jobs.append(job)
        return job

    def _reports(self, req: Request) -> Reply | dict:
        if req.bearer not in self.tokens:
            return _unauthorised()
        after = req.query.get("createdAfter")
        got = [{k: v for k, v in r.items() if k != "_csv"} for r in self.reports
               if not after or _t(r["createTime"]) > _t(after)]  # fmt: skip
        chunk, nxt = page_of(got, req.query.get("pageToken"), self.report_page)
        out: dict[str, Any] = {"reports": chunk}
        if nxt:
            out["nextPageToken"] = nxt
        return out

    def _media(self, req: Request) -> Reply:
        if req.bearer not in self.tokens:
            return _unauthorised()
        rid = req.match.group(1).rsplit("/", 1)[-1]
        [rep] = [r for r in self.reports if r["id"] == rid]
        self.downloads.append(rid)
        data = rep["_csv"].encode()
        return Reply(200, gzip.compress(data) if self.gzip else data,
                     {"Content-Type": "application/octet-stream"})  # fmt: skip


def _t(v: str) -> dt.datetime:
    return dt.datetime.fromisoformat(v.replace("Z", "+00:00"))


def quota_exceeded() -> dict[str, Any]:
    """YouTube's 403 when the project's daily quota is used up (youtube/v3/docs/errors)."""
    return {"error": {"code": 403, "message": "The request cannot be completed because you "
                      "have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                      "errors": [{"message": "quota", "domain": "youtube.quota",
                                  "reason": "quotaExceeded"}]}}  # fmt: skip


def rate_limited() -> dict[str, Any]:
    return {"error": {"code": 403, "message": "Rate limit exceeded.",
                      "errors": [{"message": "Rate limit exceeded.", "domain": "usageLimits",
                                  "reason": "rateLimitExceeded"}]}}  # fmt: skip


VIDEOS = {
    "dQw4w9WgXcQ": {"title": "Voltiq X2 unboxing, first look",
                    "published": "2026-03-01T17:30:00Z", "views": 1850, "likes": 120,
                    "comments": 31},
    "-aB3cD4eF5g": {"title": "How fast is the X2? #shorts", "published": "2026-03-02T06:15:00Z",
                    "views": 980, "likes": 77, "comments": 4},
    "kLm9NoP2qRs": {"title": "Charging myths busted", "published": "2026-02-12T20:00:00Z",
                    "views": 100, "likes": None, "comments": 2},
}  # fmt: skip


def fill(yt: FakeYouTube, *, videos: int = 0) -> None:
    """Three named videos (+ `videos` more) and ten days of March 2026 of channel figures."""
    yt.videos.update({k: dict(v) for k, v in VIDEOS.items()})
    for i in range(videos):
        yt.videos[f"v{i:04d}xxxxxx"[:11]] = {
            "title": f"Clip {i}", "published": f"2026-01-{1 + i % 28:02d}T12:00:00Z",
            "views": 10 + i, "likes": i % 7, "comments": i % 3}  # fmt: skip
    for d in range(1, 11):
        yt.days[f"2026-03-{d:02d}"] = {
            "views": 700 + 13 * d, "estimatedMinutesWatched": 2100.5 + d, "likes": 40 + d,
            "comments": 5 + d % 3, "shares": 3 + d % 2, "subscribersGained": 9 + d % 4,
            "subscribersLost": d % 3}  # fmt: skip
        # the day's views split over five sources (what Studio's Traffic source tab shows)
        views = yt.days[f"2026-03-{d:02d}"]["views"]
        split = {"SUBSCRIBER": views * 4 // 10, "RELATED_VIDEO": views * 3 // 10,
                 "YT_SEARCH": views * 2 // 10, "EXT_URL": views // 20}  # fmt: skip
        split["NO_LINK_OTHER"] = views - sum(split.values())
        for code, v in split.items():
            yt.sources[f"2026-03-{d:02d}", code] = {
                "views": v, "estimatedMinutesWatched": round(v * 2.5 + d / 4, 2)}  # fmt: skip
