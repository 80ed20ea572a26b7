"""A fake of Salesforce's OAuth token endpoint and REST API (v62.0) for SOQL queries, from
developer.salesforce.com.

It does not parse SOQL in full: it reads the object after FROM and the SystemModstamp bounds
(and `HasResponded = true`), and answers with the documented shapes:
- `POST /services/oauth2/token` — "OAuth 2.0 Refresh Token Flow": form `grant_type=
  refresh_token`, `refresh_token`, `client_id`, `client_secret`; answer `{"access_token",
  "signature", "scope", "instance_url", "id", "token_type": "Bearer", "issued_at"}` (no
  `expires_in`; a new `refresh_token` only with refresh-token rotation on: `rotate`); a bad
  refresh token is 400 `{"error": "invalid_grant", "error_description": "expired access/refresh
  token"}`;
- `GET /services/data/v62.0/query?q=` — "Execute a SOQL Query": `{"totalSize", "done",
  "nextRecordsUrl"?, "records": [{"attributes": {"type", "url"}, field: value, relationship:
  {"attributes", field} | null}]}`; `GET /services/data/v62.0/query/{locator}-{offset}` is the
  next page (`page_size` records a page; Salesforce's default is 2,000);
- `GET /services/data/v62.0/sobjects/Opportunity/describe` — `{"name", "fields": [{"name",
  "type"}]}` (`CurrencyIsoCode` only in a multi-currency org: `multi_currency`);
- Bulk API 2.0 query jobs — "Bulk API 2.0 and Bulk API Developer Guide": `POST
  /services/data/v62.0/jobs/query` `{"operation": "query", "query"}` -> `{"id", "state":
  "UploadComplete", ...}`; `GET …/jobs/query/{id}` -> `"state": "InProgress"` then
  `"JobComplete"` (or `"Failed"` with `errorMessage`); `GET …/jobs/query/{id}/results?
  maxRecords=&locator=` -> CSV (header of the selected field names, relationship fields as
  `Account.Name`, empty cells for null, `true`/`false`) with the `Sforce-Locator` header
  (`null` on the last part);
- errors — `[{"message", "errorCode"}]`: 401 `INVALID_SESSION_ID`, 403 `REQUEST_LIMIT_EXCEEDED`,
  400 `INVALID_FIELD`;
- session expiry — "Error Handling for Session Expiration": a session ends after the org's
  inactivity timeout, not at a time the token response states, and every call with its token
  then answers 401 `INVALID_SESSION_ID` until a refresh ("OAuth 2.0 Refresh Token Flow for
  Renewed Sessions") issues a new one: `session_calls` ends every session issued so far after
  that many more data calls.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any
from urllib.parse import quote

from tests.fakes.server import FakeApi, Reply, Request

V = "v62.0"


class FakeSalesforce:
    def __init__(self, fake: FakeApi, *, page_size: int = 2000) -> None:
        self.fake = fake
        self.page_size = page_size
        self.instance_url = "https://voltiq.my.salesforce.com"
        self.org = {"Id": "00D5g000004XyZaEAK", "DefaultCurrencyIsoCode": "USD",
                    "TimeZoneSidKey": "America/Los_Angeles"}  # fmt: skip
        self.objects: dict[str, list[dict[str, Any]]] = {
            "Opportunity": [], "Lead": [], "CampaignMember": []}  # fmt: skip
        self.multi_currency = False
        self.tokens = {"00D!good"}
        self.refresh_tokens = {"5Aep-refresh"}
        self.rotate = False
        self.refreshed: list[str] = []
        self.session_calls: int | None = None  # data calls before the sessions time out
        self.refused: list[str] = []  # paths answered 401 INVALID_SESSION_ID
        self._cursors: dict[str, list[dict]] = {}
        fake.route("POST", r"/services/oauth2/token", self._token)
        fake.route("GET", rf"/services/data/{V}/query", self._query)
        fake.route("GET", rf"/services/data/{V}/query/(\w+)-(\d+)", self._more)
        fake.route("GET", rf"/services/data/{V}/sobjects/Opportunity/describe", self._describe)
        fake.route("POST", rf"/services/data/{V}/jobs/query", self._job)
        fake.route("GET", rf"/services/data/{V}/jobs/query/(\w+)", self._job_status)
        fake.route("GET", rf"/services/data/{V}/jobs/query/(\w+)/results", self._job_results)
        self.jobs: dict[str, dict[str, Any]] = {}
        self.polls_before_done = 1
        self.fail_jobs = False

    def _denied(self, req: Request) -> Reply | None:
        if self.session_calls is not None:
            self.session_calls -= 1
            if self.session_calls < 0:  # the inactivity timeout: every session so far ends
                self.tokens.clear()
                self.session_calls = None
        if req.bearer not in self.tokens:
            self.refused.append(req.path)
            return Reply(401, [{"message": "Session expired or invalid",
                                "errorCode": "INVALID_SESSION_ID"}])  # fmt: skip
        return None

    def _token(self, req: Request) -> Reply | dict:
        rt = req.form.get("refresh_token")
        if req.form.get("grant_type") != "refresh_token" or rt not in self.refresh_tokens:
            return Reply(400, {"error": "invalid_grant",
                               "error_description": "expired access/refresh token"})  # fmt: skip
        self.refreshed.append(rt)
        new = f"00D!renewed-{len(self.refreshed)}"
        self.tokens.add(new)
        out = {"access_token": new, "signature": "c2lnbmF0dXJl", "scope": "refresh_token api",
               "instance_url": self.instance_url, "token_type": "Bearer",
               "id": "https://login.salesforce.com/id/00D5g000004XyZaEAK/0055g00000Abc1dAAB",
               "issued_at": "1772900000000"}  # fmt: skip
        if self.rotate:
            self.refresh_tokens.discard(rt)
            out["refresh_token"] = f"5Aep-rotated-{len(self.refreshed)}"
            self.refresh_tokens.add(out["refresh_token"])
        return out

    def _describe(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        names = ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate", "CreatedDate",
                 "IsWon", "IsClosed", "LeadSource", "CampaignId", "SystemModstamp"]  # fmt: skip
        if self.multi_currency:
            names.append("CurrencyIsoCode")
        return {"name": "Opportunity", "fields": [{"name": n, "type": "string"} for n in names]}

    def _job(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        body = json.loads(req.body)
        assert body["operation"] == "query" and "ORDER BY" not in body["query"]
        jid = f"7505g0000{len(self.jobs):09d}"
        self.jobs[jid] = {"query": body["query"], "polls": 0}
        return {"id": jid, "operation": "query", "object": re.search(r"FROM (\w+)",
                body["query"]).group(1), "state": "UploadComplete", "concurrencyMode": "Parallel",
                "contentType": "CSV", "apiVersion": 62.0, "lineEnding": "LF",
                "columnDelimiter": "COMMA"}  # fmt: skip

    def _job_status(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        job = self.jobs[req.match.group(1)]
        job["polls"] += 1
        if self.fail_jobs:
            return {"id": req.match.group(1), "state": "Failed",
                    "errorMessage": "InvalidBatch : Failed to process query"}  # fmt: skip
        done = job["polls"] > self.polls_before_done
        return {"id": req.match.group(1), "state": "JobComplete" if done else "InProgress",
                "numberRecordsProcessed": 0}  # fmt: skip

    def _job_results(self, req: Request) -> Reply:
        if (d := self._denied(req)) is not None:
            return d
        soql = self.jobs[req.match.group(1)]["query"]
        fields = re.search(r"SELECT (.*?) FROM", soql).group(1).split(", ")
        rows = self._select(soql) if "Organization" not in soql else []
        start = int(req.query.get("locator") or 0)
        size = int(req.query.get("maxRecords") or 50_000)
        chunk = rows[start : start + size]
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(fields)
        for r in chunk:
            w.writerow(["" if r.get(f) is None else
                        str(r.get(f)).lower() if isinstance(r.get(f), bool) else r.get(f)
                        for f in fields])  # fmt: skip
        nxt = str(start + size) if start + size < len(rows) else "null"
        return Reply(200, out.getvalue().encode(), {"Content-Type": "text/csv",
                     "Sforce-Locator": nxt, "Sforce-NumberOfRecords": str(len(chunk))})  # fmt: skip

    def _select(self, soql: str) -> list[dict]:
        obj = re.search(r"\bFROM (\w+)", soql).group(1)
        rows = self.objects[obj]
        lo = re.search(r"SystemModstamp >= (\S+)", soql)
        hi = re.search(r"SystemModstamp <= (\S+)", soql)
        if lo:
            rows = [r for r in rows if r["SystemModstamp"][:19] >= lo.group(1)[:19]]
        if hi:
            rows = [r for r in rows if r["SystemModstamp"][:19] <= hi.group(1)[:19]]
        if "HasResponded = true" in soql:
            rows = [r for r in rows if r.get("HasResponded")]
        return sorted(rows, key=lambda r: r["SystemModstamp"])

    def _query(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        soql = req.query["q"]
        obj = re.search(r"\bFROM (\w+)", soql).group(1)
        if obj == "Organization":
            return self._page([{"attributes": {"type": "Organization"}, **self.org}], "org", 0)
        if "CurrencyIsoCode" in soql and not self.multi_currency:
            return Reply(400, [{"message": "No such column 'CurrencyIsoCode' on entity "
                                "'Opportunity'.", "errorCode": "INVALID_FIELD"}])  # fmt: skip
        rows = self._select(soql)
        fields = re.search(r"SELECT (.*?) FROM", soql).group(1).split(", ")
        shaped = [self._shape(obj, r, fields) for r in rows]
        locator = f"01g{len(self._cursors):04d}"
        self._cursors[locator] = shaped
        return self._page(shaped, locator, 0)

    def _more(self, req: Request) -> Reply | dict:
        if (d := self._denied(req)) is not None:
            return d
        locator, offset = req.match.group(1), int(req.match.group(2))
        return self._page(self._cursors[locator], locator, offset)

    def _page(self, rows: list[dict], locator: str, offset: int) -> dict:
        chunk = rows[offset : offset + self.page_size]
        done = offset + self.page_size >= len(rows)
        out: dict[str, Any] = {"totalSize": len(rows), "done": done, "records": chunk}
        if not done:
            out["nextRecordsUrl"] = f"/services/data/{V}/query/{locator}-{offset + self.page_size}"
        return out

    @staticmethod
    def _shape(obj: str, r: dict, fields: list[str]) -> dict:
        """A record as the query returns it: the selected fields, relationships nested."""
        out: dict[str, Any] = {"attributes": {"type": obj, "url": f"/services/data/{V}/sobjects/"
                                              f"{obj}/{quote(r['Id'])}"}}  # fmt: skip
        for f in fields:
            if "." in f:
                rel, name = f.split(".")
                value = r.get(f)
                if rel not in out:
                    out[rel] = None
                if value is not None:
                    out[rel] = out[rel] or {"attributes": {"type": rel}}
                    out[rel][name] = value
            else:
                out[f] = r.get(f)
        return out


def fill(sf: FakeSalesforce, opportunities: int = 20, leads: int = 25) -> None:
    """Opportunities (won, lost, open), leads and campaign responses of March 2026."""
    stages = [("Prospecting", False, False), ("Closed Won", True, True),
              ("Closed Lost", False, True), ("Negotiation/Review", False, False),
              ("Closed Won", True, True)]  # fmt: skip
    sources = ("Web", "Partner Referral", "Social Media", "Advertisement", None)
    for n in range(opportunities):
        stage, won, closed = stages[n % len(stages)]
        day = 1 + n % 20
        sf.objects["Opportunity"].append({
            "Id": f"0065g00000Opp{n:03d}AAA", "Name": f"Voltiq fleet {n}",
            "Account.Name": f"Acme {n % 4}", "Account.BillingCountry": ("United States",
            "Germany", "Mexico")[n % 3], "StageName": stage, "Amount": 5000.0 + 750 * n,
            "CreatedDate": f"2026-03-{day:02d}T{(n * 5) % 24:02d}:30:00.000+0000",
            "CloseDate": f"2026-03-{min(28, day + 5):02d}", "IsWon": won, "IsClosed": closed,
            "LeadSource": sources[n % len(sources)],
            "Campaign.Name": "Spring webinar" if n % 3 == 0 else None,
            "SystemModstamp": f"2026-03-{min(28, day + 6):02d}T08:00:00.000+0000",
        })  # fmt: skip
    for n in range(leads):
        day = 1 + n % 25
        sf.objects["Lead"].append({
            "Id": f"00Q5g00000Lead{n:03d}A", "Email": f"lead{n}@example.com",
            "Company": f"Acme {n % 4}", "Country": ("US", "DE", "MX")[n % 3],
            "LeadSource": sources[n % len(sources)],
            "CreatedDate": f"2026-03-{day:02d}T{(7 * n) % 24:02d}:10:00.000+0000",
            "IsConverted": n % 5 == 0, "ConvertedContactId": None,
            "SystemModstamp": f"2026-03-{day:02d}T23:00:00.000+0000",
        })  # fmt: skip
        sf.objects["CampaignMember"].append({
            "Id": f"00v5g00000Mem{n:03d}AA", "CampaignId": "7015g000000Spring",
            "Campaign.Name": "Spring webinar", "Campaign.Type": ("Social Media", "Email")[n % 2],
            "LeadId": f"00Q5g00000Lead{n:03d}A", "ContactId": None,
            "Lead.Email": f"lead{n}@example.com", "Contact.Email": None,
            "HasResponded": n % 3 != 0, "FirstRespondedDate": f"2026-03-{day:02d}",
            "SystemModstamp": f"2026-03-{day:02d}T23:30:00.000+0000",
        })  # fmt: skip
