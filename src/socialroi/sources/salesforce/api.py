"""Salesforce's REST API as a connector: SOQL queries for opportunities, leads and campaign
responses.

Written from Salesforce's references (developer.salesforce.com/docs, REST API v62.0):
- OAuth 2.0 web server flow: consent at `login.salesforce.com/services/oauth2/authorize`,
  tokens from `POST /services/oauth2/token`; the answer names the org's `instance_url`, where
  every data call then goes (`Connector.instance_key`; a pasted token takes `--instance-url`
  or the org's My Domain host, `Connector.instance`), and has no `expires_in` (a token
  lasts the org's session timeout, 15 minutes at the least: `Auth.token_lifetime`); with
  refresh-token rotation on, a refresh answers with a new `refresh_token`, saved before use;
- query, `GET /services/data/v62.0/query?q=SOQL`: `{"totalSize", "done", "records":
  [{"attributes": {"type", "url"}, ...}], "nextRecordsUrl"}`; follow `nextRecordsUrl` (2,000
  records a page by default) until `done`; relationship fields come as nested objects
  (`"Account": {"Name": ...}`); errors are `[{"message", "errorCode"}]` (401
  `INVALID_SESSION_ID`, 403 `REQUEST_LIMIT_EXCEEDED`). A session ends after the org's
  inactivity timeout ("Error Handling for Session Expiration": INVALID_SESSION_ID, log in
  again), not at a stated expiry, so a 401 in the middle of a stream is met by one refresh
  ("OAuth 2.0 Refresh Token Flow for Renewed Sessions") and the call sent again
  (`sync.auth.renewer`);
- describe, `GET /services/data/v62.0/sobjects/Opportunity/describe`: `fields[].name` (an
  org with multiple currencies has `CurrencyIsoCode`; asking for it elsewhere is an error);
- `Organization` (`DefaultCurrencyIsoCode`, `TimeZoneSidKey`): the corporate currency and
  the org's time zone.

Opportunities are laid out as the opportunities report export (Opportunity ID, Opportunity
Name, Account Name, Stage, Amount, Amount Currency, Created Date and Close Date as the org's
calendar days, Lead Source, Primary Campaign Source, Won, Closed, Billing Country) and read by
the file parser (`exports.opportunities_from_table`): same ids, same won decision (`IsWon`,
as the report's Won column), same pipeline values. Leads become `lead` conversions at their
creation, campaign members that responded become `salesforce_campaign` touchpoints on their
first response day; both use the report's Lead Source mapping for source and medium.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from socialroi.errors import SocialroiError, SyncFailed
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context
from socialroi.sources.kit.cells import email_hash
from socialroi.sources.kit.countries import market_of
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.salesforce.exports import (
    REQUIRED,
    SOURCE,
    lead_source_fields,
    opportunities_from_table,
)

VERSION = "v62.0"
DATA = f"/services/data/{VERSION}"
MAX_PAGES = 100_000
BULK_AFTER_DAYS = 31  # longer windows read through a Bulk API 2.0 query job
BULK_POLLS = 360
BULK_PART = 100_000  # records per results request (maxRecords)
TOUCH_ORIGIN = "salesforce_campaign"
_HOST = re.compile(r"^(?:https://)?([a-z0-9][a-z0-9.-]*\.(?:salesforce|force)\.com)/?$", re.I)
OPP_FIELDS = ("Id", "Name", "Account.Name", "Account.BillingCountry", "StageName", "Amount",
              "CreatedDate", "CloseDate", "IsWon", "IsClosed", "LeadSource",
              "Campaign.Name")  # fmt: skip
LEAD_FIELDS = ("Id", "Email", "Company", "Country", "LeadSource", "CreatedDate", "IsConverted",
               "ConvertedContactId")  # fmt: skip
MEMBER_FIELDS = ("Id", "CampaignId", "Campaign.Name", "Campaign.Type", "LeadId", "ContactId",
                 "Lead.Email", "Contact.Email", "FirstRespondedDate")  # fmt: skip
HEADER = ["Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount",
          "Amount Currency", "Created Date", "Close Date", "Lead Source",
          "Primary Campaign Source", "Won", "Closed", "Billing Country"]  # fmt: skip


def _stamp(day: dt.date, end: bool = False) -> str:
    """A SOQL datetime literal (UTC, unquoted)."""
    return f"{day.isoformat()}T{'23:59:59' if end else '00:00:00'}Z"


def query(f: Fetcher, stream: Stream, soql: str, what: str) -> list[dict[str, Any]]:
    """Every record of a SOQL query, following `nextRecordsUrl` until `done`."""
    out: list[dict[str, Any]] = []
    path: str | None = f"{DATA}/query"
    params: dict[str, Any] | None = {"q": soql}
    for n in range(1, MAX_PAGES + 1):
        page = f"{what} page {n}"
        got = f.get(path, params, page=page)
        f.pages_read += 1
        records = got.get("records") if isinstance(got, dict) else None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise SyncFailed(stream.source, stream.name, page, "the page has no 'records' list",
                             hint="The API answered with a different shape than its reference "
                             "documents.")  # fmt: skip
        out += records
        if got.get("done", True) or not got.get("nextRecordsUrl"):
            return out
        nxt = got["nextRecordsUrl"]
        if not isinstance(nxt, str) or not nxt.startswith("/services/data/"):
            raise SyncFailed(stream.source, stream.name, page, "nextRecordsUrl is not a query URL")
        path, params = nxt, None
    raise SyncFailed(stream.source, stream.name, what, "the query never reached its last page")


def bulk_query(f: Fetcher, stream: Stream, soql: str, what: str) -> list[dict[str, Any]]:
    """Every record of a SOQL query through a Bulk API 2.0 query job: create it, poll it until
    `JobComplete`, read its CSV results part by part (`Sforce-Locator`)."""
    job = f.post(f"{DATA}/jobs/query", page=f"{what} bulk job",
                 json={"operation": "query", "query": soql})  # fmt: skip
    jid = job.get("id") if isinstance(job, dict) else None
    if not isinstance(jid, str) or not re.fullmatch(r"[A-Za-z0-9]{15,18}", jid):
        raise SyncFailed(stream.source, stream.name, f"{what} bulk job", "the job has no id")
    for n in range(1, BULK_POLLS + 1):
        got = f.get(f"{DATA}/jobs/query/{jid}", page=f"{what} bulk job status {n}")
        state = got.get("state") if isinstance(got, dict) else None
        if state == "JobComplete":
            break
        if state in ("Failed", "Aborted"):
            why = str(got.get("errorMessage"))[:200]
            raise SyncFailed(stream.source, stream.name, f"{what} bulk job {jid}",
                             f"the job ended {state}: {why}")  # fmt: skip
        f.wait(min(30.0, 2.0 * n))
    else:
        raise SyncFailed(stream.source, stream.name, f"{what} bulk job {jid}",
                         "the job did not finish in time")  # fmt: skip
    out: list[dict[str, Any]] = []
    locator: str | None = None
    for k in range(1, MAX_PAGES + 1):
        params: dict[str, Any] = {"maxRecords": BULK_PART}
        if locator:
            params["locator"] = locator
        page = f"{what} bulk result part {k}"
        body, headers = f.download(f"{DATA}/jobs/query/{jid}/results", params, page=page)
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SyncFailed(stream.source, stream.name, page, "the CSV is not UTF-8") from None
        out += [_nest(r) for r in csv.DictReader(io.StringIO(text))]
        locator = headers.get("sforce-locator")
        if not locator or locator == "null":
            return out
    raise SyncFailed(stream.source, stream.name, what, "the bulk results never ended")


def _nest(row: dict[str, str]) -> dict[str, Any]:
    """A Bulk API CSV row as a REST query record: `Account.Name` nested under `Account` (null
    when all its fields are empty), '' null, `true` / `false` booleans."""
    out: dict[str, Any] = {}
    for key, raw in row.items():
        if key is None:
            raise ValueError("a CSV row has more cells than its header")
        value: Any = None if raw == "" else {"true": True, "false": False}.get(raw, raw)
        head, _, rest = key.partition(".")
        if not rest:
            out[key] = value
        elif value is not None:
            out[head] = {**(out.get(head) or {}), rest: value}
        else:
            out.setdefault(head, None)
    return out


def records(f: Fetcher, stream: Stream, window: Window, soql: str, what: str) -> list[dict]:
    """A long window (a first sync, --full) as a bulk job, a short one as REST queries."""
    if window.days > BULK_AFTER_DAYS:
        return bulk_query(f, stream, soql.replace(" ORDER BY SystemModstamp", ""), what)
    return query(f, stream, soql, what)


def _org(f: Fetcher, stream: Stream) -> dict[str, Any]:
    got = query(f, stream, "SELECT Id, DefaultCurrencyIsoCode, TimeZoneSidKey FROM Organization",
                "organization")  # fmt: skip
    return got[0] if got else {}


def _between(window: Window) -> str:
    lo, hi = _stamp(window.since), _stamp(window.until, end=True)
    return f"SystemModstamp >= {lo} AND SystemModstamp <= {hi} ORDER BY SystemModstamp"


def _with_org(records: list[dict], org: dict) -> list[dict]:
    for r in records:
        r["_org"] = org
    return records


def fetch_opportunities(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    org = _org(f, stream)
    desc = f.get(f"{DATA}/sobjects/Opportunity/describe", page="Opportunity describe")
    names = {x.get("name") for x in desc.get("fields", [])} if isinstance(desc, dict) else set()
    fields = OPP_FIELDS + (("CurrencyIsoCode",) if "CurrencyIsoCode" in names else ())
    soql = f"SELECT {', '.join(fields)} FROM Opportunity WHERE {_between(window)}"
    return _with_org(records(f, stream, window, soql, "opportunities"), org)


def fetch_leads(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    org = _org(f, stream)
    soql = f"SELECT {', '.join(LEAD_FIELDS)} FROM Lead WHERE {_between(window)}"
    return _with_org(records(f, stream, window, soql, "leads"), org)


def fetch_members(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    org = _org(f, stream)
    soql = (f"SELECT {', '.join(MEMBER_FIELDS)} FROM CampaignMember WHERE HasResponded = true "
            f"AND {_between(window)}")  # fmt: skip
    return _with_org(records(f, stream, window, soql, "campaign members"), org)


def _get(rec: dict, path: str) -> Any:
    """`Account.Name` of a record (relationship fields are nested objects, or null)."""
    v: Any = rec
    for part in path.split("."):
        v = v.get(part) if isinstance(v, dict) else None
    if isinstance(v, dict | list):
        raise TypeError(path)
    return v


def _zone(ctx: Context, records: list[dict]) -> ZoneInfo:
    org = records[0].get("_org") or {}
    if isinstance(org.get("DefaultCurrencyIsoCode"), str):
        ctx.options.currency = org["DefaultCurrencyIsoCode"].upper()
    tz = org.get("TimeZoneSidKey") or "UTC"
    try:
        zone = ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ctx.fail(
            "the org's time zone is unknown", column="TimeZoneSidKey", value=tz
        ) from None
    ctx.options.timezone = str(tz)
    return zone


def _instant(ctx: Context, v: Any, i: int, column: str) -> dt.datetime | None:
    """A SOQL datetime (`2026-03-02T10:15:00.000+0000`) as an aware datetime."""
    if v is None:
        return None
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})", str(v))
    if not m:
        raise ctx.fail("not a datetime", row=i, column=column, value=v,
                       expected="2026-03-02T10:15:00.000+0000")  # fmt: skip
    off = m.group(2).replace("Z", "+0000").replace(":", "")
    try:
        return dt.datetime.strptime(m.group(1) + off, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:  # a day, hour or offset that does not exist (2026-02-30)
        raise ctx.fail("not a datetime", row=i, column=column, value=v,
                       expected="2026-03-02T10:15:00.000+0000") from None  # fmt: skip


def opportunities_staged(
    records: list[dict], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    zone = _zone(ctx, records)
    rows: list[list[Any]] = [HEADER]
    for i, r in enumerate(records, start=1):
        created = _instant(ctx, r.get("CreatedDate"), i, "CreatedDate")
        flag = {True: "true", False: "false", None: None}
        rows.append([
            _get(r, "Id"), _get(r, "Name"), _get(r, "Account.Name"), _get(r, "StageName"),
            _get(r, "Amount"), r.get("CurrencyIsoCode"),
            created.astimezone(zone).date().isoformat() if created else None,
            _get(r, "CloseDate"), _get(r, "LeadSource"), _get(r, "Campaign.Name"),
            flag[_get(r, "IsWon")], flag[_get(r, "IsClosed")], _get(r, "Account.BillingCountry"),
        ])  # fmt: skip
    t = table_from_rows(ctx, rows, aliases(SOURCE, "opportunities"), REQUIRED,
                        "REST API opportunities", header_index=0)  # fmt: skip
    return opportunities_from_table(ctx, t)


def leads_staged(records: list[dict], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    zone = _zone(ctx, records)
    out = []
    for i, r in enumerate(records, start=1):
        created = _instant(ctx, r.get("CreatedDate"), i, "CreatedDate")
        if created is None or not isinstance(r.get("Id"), str):
            raise ctx.fail("a lead has no Id and CreatedDate", row=i, column="CreatedDate")
        source, medium = lead_source_fields(str(_get(r, "LeadSource") or ""))
        company = str(_get(r, "Company") or "").strip()
        country = _get(r, "Country")
        out.append({
            "conversion_id": f"{SOURCE}:lead-{r['Id']}:lead", "kind": "lead",
            "occurred_at": pd.Timestamp(created).tz_convert("UTC"),
            "local_date": created.astimezone(zone).date(),
            "user_id": f"{SOURCE}:lead:{r['Id']}",
            "email_hash": email_hash(str(_get(r, "Email") or "")),
            "customer_id": f"{SOURCE}:account:{company.lower()}" if company else None,
            "market": market_of(ctx, str(country), i, "Country") if country else None,
            "source": source, "medium": medium, "origin": SOURCE,
        })  # fmt: skip
    return {"conversions": pd.DataFrame(out)}


def members_staged(records: list[dict], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    zone = _zone(ctx, records)
    out = []
    for i, r in enumerate(records, start=1):
        day = _get(r, "FirstRespondedDate")
        if not isinstance(day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ctx.fail("a campaign response has no day", row=i, column="FirstRespondedDate",
                           value=day, expected="a date such as 2026-03-02")  # fmt: skip
        local = dt.date.fromisoformat(day)
        who = _get(r, "LeadId") or _get(r, "ContactId")
        kind = "lead" if _get(r, "LeadId") else "contact"
        start = dt.datetime.combine(local, dt.time(), zone)  # the day's start in the org's clock
        email = _get(r, "Lead.Email") or _get(r, "Contact.Email")
        source, medium = lead_source_fields(str(_get(r, "Campaign.Type") or ""))
        out.append({
            "touch_id": f"{TOUCH_ORIGIN}:{_get(r, 'Id')}",
            "occurred_at": pd.Timestamp(start).tz_convert("UTC"),
            "local_date": local,
            "user_id": f"{SOURCE}:{kind}:{who}" if who else None,
            "email_hash": email_hash(str(email or "")),
            "source": source, "medium": medium, "campaign": _get(r, "Campaign.Name"),
            "origin": TOUCH_ORIGIN,
        })  # fmt: skip
    return {"touchpoints": pd.DataFrame(out)}


def _account(value: str) -> tuple[tuple[str, ...], str]:
    m = _HOST.match(value.strip())
    if m:
        return (), m.group(1).lower()
    raise SocialroiError(
        f"{value!r} is not a Salesforce org; expected its My Domain host, e.g. "
        "voltiq.my.salesforce.com (Setup > My Domain)"
    )


def _instance(given: str | None, accounts: list[str]) -> str:
    """The instance URL of a pasted token (`connect salesforce --token`, e.g. from the
    Salesforce CLI's `sf org display`, whose Instance Url is the org's My Domain URL):
    `--instance-url` when given, else the org's My Domain host named with --account."""
    if given is None:
        if len(accounts) != 1:
            raise SocialroiError(
                "a Salesforce token reads one org: name its instance with --instance-url "
                "(Instance Url in `sf org display`)"
            )
        return f"https://{_account(accounts[0])[1]}"
    m = re.fullmatch(r"https://([^/:?#]+)/?", given.strip())
    if m is None or not _HOST.match(m.group(1)):
        raise SocialroiError(
            f"--instance-url {given[:80]!r} is not a Salesforce instance; expected an https "
            "address on salesforce.com or force.com, e.g. https://voltiq.my.salesforce.com "
            "(Instance Url in `sf org display`)"
        )
    return f"https://{m.group(1).lower()}"


def _stream(name: str, title: str, staged, fetch) -> Stream:
    return Stream(
        SOURCE, name, title, f"{DATA}/query", staged,
        lag_days=2,  # SystemModstamp is exact: two days cover a sync that overlapped
        window_days=3660, history_days=3650, fetch=fetch,
    )  # fmt: skip


OPPORTUNITIES = _stream("opportunities", "Opportunity records (SOQL): opportunity and won",
                        opportunities_staged, fetch_opportunities)  # fmt: skip
LEADS = _stream("leads", "Lead records (SOQL): a lead at creation", leads_staged, fetch_leads)
CAMPAIGN_MEMBERS = _stream("campaign_members", "Campaign members who responded (SOQL)",
                           members_staged, fetch_members)  # fmt: skip

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "Salesforce (REST API: opportunities, leads, campaign responses)",
        "https://login.salesforce.com",
        Auth(
            "oauth2",
            authorize_url="https://login.salesforce.com/services/oauth2/authorize",
            token_path="/services/oauth2/token",  # noqa: S106 - a path
            scopes=("api", "refresh_token"),
            refresh="refresh_token",
            token_lifetime=15 * 60,
        ),
        (OPPORTUNITIES, LEADS, CAMPAIGN_MEMBERS),
        "the org's My Domain host (voltiq.my.salesforce.com)",
        _account,
        api_version=VERSION,
        docs="https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/",
        instance_key="instance_url",
        instance=_instance,
    )
)
