"""HubSpot CRM v3 as a connector: deals and contacts, read as the Deals and Contacts exports.

Written from HubSpot's references (developers.hubspot.com/docs/api-reference):
- CRM search, `POST /crm/v3/objects/{deals|contacts}/search`: `filterGroups[{filters[{
  propertyName, operator (GTE, LTE), value}]}]`, `sorts[{propertyName, direction}]`,
  `properties`, `limit` (at most 200), `after`; the answer is `{"total", "results": [{"id",
  "properties": {...}, "createdAt", "updatedAt", "archived"}], "paging": {"next": {"after"}}}`.
  A query returns at most 10,000 results (asking past them is a 400): the read sorts by the
  last-modified date and, before reaching the cap, starts a new query from the last date
  read. Deals change `hs_lastmodifieddate`, contacts `lastmodifieddate`; the search API
  allows about 4 requests a second per token (429 beyond, retried by the HTTP layer);
- pipelines, `GET /crm/v3/pipelines/deals`: `{"results": [{"id", "label", "stages": [{"id",
  "label", "metadata": {"isClosed", "probability"}}]}]}` (the deal's `dealstage` is a stage id);
- associations v4, `POST /crm/v4/associations/deals/{contacts|companies}/batch/read`:
  `{"inputs": [{"id"}]}` -> `{"results": [{"from": {"id"}, "to": [{"toObjectId"}]}]}`;
- batch read, `POST /crm/v3/objects/{contacts|companies}/batch/read`: `{"properties",
  "inputs": [{"id"}]}` -> `{"results": [{"id", "properties"}]}` (100 inputs a call);
- account info, `GET /account-info/v3/details`: `portalId`, `timeZone`, `companyCurrency`;
- OAuth (…/docs/apps/legacy-apps/authentication/oauth-quickstart-guide): consent at
  app.hubspot.com/oauth/authorize, tokens from `POST /oauth/v1/token` on api.hubapi.com;
  access tokens last 30 minutes; the refresh answer carries a refresh token, kept if it
  changes. Private-app tokens (`pat-…`) do not expire.

Deals are laid out as the Deals export (Record ID, Deal Name, Deal Stage *label* from the
pipeline, Pipeline, Amount, Currency, Create Date, Close Date, Associated Contact (e-mail),
Associated Contact IDs, Associated Company, Is Closed Won, Is Deal Closed?) and read by the
file parser (`exports.deals_from_table`), so won and lost are decided as for a file that has
the Is Closed Won column: HubSpot's own verdict, custom won stages included. Contacts are laid
out as the Contacts export with the lifecycle-stage dates and Original Source drill-downs
(`exports.contacts_from_table`). Times come in UTC; local days are the portal's time zone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError, SyncFailed
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context
from socialroi.sources.hubspot.exports import SOURCE, contacts_from_table, deals_from_table
from socialroi.sources.kit.table import table_from_rows

SEARCH_LIMIT = 200  # results per search page
SEARCH_CAP = 10_000  # results one search query can return
BATCH = 100  # ids per batch read
MAX_PAGES = 100_000
DEAL_PROPS = ("dealname", "dealstage", "pipeline", "amount", "deal_currency_code",
              "createdate", "closedate", "hs_is_closed_won", "hs_is_closed",
              "hs_lastmodifieddate")  # fmt: skip
CONTACT_PROPS = (
    "email", "company", "country", "hs_lifecyclestage_lead_date",
    "hs_lifecyclestage_marketingqualifiedlead_date",
    "hs_lifecyclestage_salesqualifiedlead_date", "hs_lifecyclestage_opportunity_date",
    "hs_analytics_source", "hs_analytics_source_data_1", "hs_analytics_source_data_2",
    "utm_source", "utm_medium", "utm_campaign", "ga_client_id", "lastmodifieddate",
)  # fmt: skip
DEAL_HEADER = ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Currency",
               "Create Date", "Close Date", "Associated Contact", "Associated Contact IDs",
               "Associated Company", "Is Closed Won", "Is Deal Closed?"]  # fmt: skip
CONTACT_HEADER = ["Record ID", "Email", "Company Name", "Country/Region", "Became a Lead Date",
                  "Became a Marketing Qualified Lead Date",
                  "Became a Sales Qualified Lead Date", "Became an Opportunity Date",
                  "Original Source", "Original Source Drill-Down 1",
                  "Original Source Drill-Down 2", "utm_source", "utm_medium", "utm_campaign",
                  "GA Client ID"]  # fmt: skip
_PORTAL = re.compile(r"^\d{1,15}$")


def _fail(stream: Stream, where: str, problem: str) -> SyncFailed:
    return SyncFailed(stream.source, stream.name, where, problem,
                      hint="The API answered with a different shape than its reference "
                      "documents.")  # fmt: skip


def _ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def _when_ms(value: Any) -> int | None:
    """A HubSpot datetime property (ISO 8601 with Z, or epoch milliseconds) in ms."""
    if not isinstance(value, str) or not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None


def search(
    f: Fetcher, stream: Stream, obj: str, modified: str, props: tuple[str, ...], window: Window,
    account: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """Every object modified in the window, past the 10,000-result cap of one query."""
    lo, hi = _ms(window.since), _ms(window.until + dt.timedelta(days=1)) - 1
    found: dict[str, dict[str, Any]] = {}
    after: str | None = None
    in_query, n = 0, 0
    while True:
        n += 1
        page = f"{obj} search page {n}"
        where = f"account {account}, {window}, {page}"
        body: dict[str, Any] = {
            "filterGroups": [{"filters": [
                {"propertyName": modified, "operator": "GTE", "value": str(lo)},
                {"propertyName": modified, "operator": "LTE", "value": str(hi)},
            ]}],
            "sorts": [{"propertyName": modified, "direction": "ASCENDING"}],
            "properties": list(props),
            "limit": SEARCH_LIMIT,
        }  # fmt: skip
        if after is not None:
            body["after"] = after
        got = f.post(f"/crm/v3/objects/{obj}/search", page=page, json=body)
        f.pages_read += 1
        results = got.get("results") if isinstance(got, dict) else None
        if not isinstance(results, list):
            raise _fail(stream, where, "the page has no 'results' list")
        for i, r in enumerate(results, start=1):
            if not (isinstance(r, dict) and isinstance(r.get("id"), str | int)
                    and isinstance(r.get("properties"), dict)):  # fmt: skip
                raise _fail(stream, f"{where}, result {i}", "a result has no id and properties")
            found[str(r["id"])] = r
        in_query += len(results)
        nxt = (got.get("paging") or {}).get("next") if isinstance(got.get("paging"), dict) else None
        after = nxt.get("after") if isinstance(nxt, dict) else None
        if after is None or not results:
            return list(found.values())
        if n > MAX_PAGES:
            raise _fail(stream, where, "the search never reached a last page")
        if in_query + SEARCH_LIMIT > SEARCH_CAP:
            # the next page would pass the cap: query again from the last modified time read
            last = _when_ms(results[-1]["properties"].get(modified))
            if last is None or last <= lo:
                raise SyncFailed(
                    stream.source, stream.name, where,
                    f"more than {SEARCH_CAP:,} {obj} share one modification time",
                    hint="Sync a shorter period (--since/--until).",
                )  # fmt: skip
            lo, after, in_query = last, None, 0


def _batches(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def associations(f: Fetcher, stream: Stream, to: str, ids: list[str]) -> dict[str, list[str]]:
    """Deal id -> ids of its associated `to` objects (ascending, as numbers)."""
    out: dict[str, list[str]] = {}
    for k, chunk in enumerate(_batches(ids), start=1):
        page = f"deal-{to} associations batch {k}"
        got = f.post(f"/crm/v4/associations/deals/{to}/batch/read", page=page,
                     json={"inputs": [{"id": i} for i in chunk]})  # fmt: skip
        results = got.get("results") if isinstance(got, dict) else None
        if not isinstance(results, list):
            raise _fail(stream, page, "the answer has no 'results' list")
        for r in results:
            frm = r.get("from", {}).get("id") if isinstance(r, dict) else None
            tos = r.get("to") if isinstance(r, dict) else None
            if frm is None or not isinstance(tos, list):
                raise _fail(stream, page, "an association has no from.id and to list")
            got_ids = {str(t.get("toObjectId")) for t in tos if isinstance(t, dict)}
            out[str(frm)] = sorted(got_ids, key=lambda x: (len(x), x))
    return out


def batch_read(f: Fetcher, stream: Stream, obj: str, prop: str, ids: list[str]) -> dict[str, str]:
    """Object id -> one property of it."""
    out: dict[str, str] = {}
    for k, chunk in enumerate(_batches(sorted(set(ids))), start=1):
        page = f"{obj} batch read {k}"
        got = f.post(f"/crm/v3/objects/{obj}/batch/read", page=page,
                     json={"properties": [prop], "inputs": [{"id": i} for i in chunk]})  # fmt: skip
        results = got.get("results") if isinstance(got, dict) else None
        if not isinstance(results, list):
            raise _fail(stream, page, "the answer has no 'results' list")
        for r in results:
            if isinstance(r, dict) and isinstance(r.get("properties"), dict):
                v = r["properties"].get(prop)
                if isinstance(v, str) and v:
                    out[str(r.get("id"))] = v
    return out


def _portal(f: Fetcher, stream: Stream, account: str) -> dict[str, Any]:
    got = f.get("/account-info/v3/details", page="account details")
    if not isinstance(got, dict):
        raise _fail(stream, "account details", "the account details are not an object")
    if str(got.get("portalId", account)) != account:
        raise SocialroiError(
            f"the hubspot token belongs to portal {got.get('portalId')}, not {account}; "
            "connect with a token of that portal or fix --account"
        )
    return got


def fetch_deals(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    portal = _portal(f, stream, account)
    pipes = f.get("/crm/v3/pipelines/deals", page="deal pipelines")
    stages: dict[tuple[str, str], str] = {}
    labels: dict[str, str] = {}
    for p in pipes.get("results", []) if isinstance(pipes, dict) else []:
        if not isinstance(p, dict):
            continue
        labels[str(p.get("id"))] = str(p.get("label") or p.get("id"))
        for s in p.get("stages") or []:
            if isinstance(s, dict):
                stages[(str(p.get("id")), str(s.get("id")))] = str(s.get("label") or s.get("id"))
    deals = search(f, stream, "deals", "hs_lastmodifieddate", DEAL_PROPS, window, account)
    ids = [str(d["id"]) for d in deals]
    contacts = associations(f, stream, "contacts", ids) if ids else {}
    companies = associations(f, stream, "companies", ids) if ids else {}
    emails = batch_read(f, stream, "contacts", "email", [c for v in contacts.values() for c in v])
    names = batch_read(f, stream, "companies", "name", [c[0] for c in companies.values() if c])
    for d in deals:
        p = d["properties"]
        pid, sid = str(p.get("pipeline") or ""), str(p.get("dealstage") or "")
        d["_stage"] = stages.get((pid, sid), sid)
        d["_pipeline"] = labels.get(pid, pid)
        cids = contacts.get(str(d["id"]), [])
        d["_contact_ids"] = cids
        d["_email"] = next((emails[c] for c in cids if c in emails), None)
        co = companies.get(str(d["id"]), [])
        d["_company"] = names.get(co[0]) if co else None
        d["_portal"] = portal
    return deals


def fetch_contacts(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    portal = _portal(f, stream, account)
    found = search(f, stream, "contacts", "lastmodifieddate", CONTACT_PROPS, window, account)
    for c in found:
        c["_portal"] = portal
    return found


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, dict | list):
        raise TypeError("a property is not a value")
    return str(v)


def _as_export(records: list[dict], ctx: Context, report: str, header: list[str], row_of,
               required: tuple[str, str], parse) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The records as the rows of the `report` export (sorted by id), read by its parser;
    the portal's time zone and company currency stand in for --timezone / --currency."""
    if not records:
        return {}
    portal = records[0].get("_portal") or {}
    if isinstance(portal.get("timeZone"), str) and portal["timeZone"]:
        ctx.options.timezone = portal["timeZone"]
    if isinstance(portal.get("companyCurrency"), str) and portal["companyCurrency"]:
        ctx.options.currency = portal["companyCurrency"].upper()
    ordered = sorted(records, key=lambda r: int(r["id"]) if str(r["id"]).isdigit() else 0)
    rows = [header] + [row_of(r, r["properties"]) for r in ordered]
    t = table_from_rows(ctx, rows, aliases(SOURCE, report), required, f"CRM API {report}",
                        header_index=0)  # fmt: skip
    return parse(ctx, t)


def _deal_row(d: dict, p: dict) -> list[Any]:
    return [
        str(d["id"]), _text(p.get("dealname")) or "", d["_stage"], d["_pipeline"],
        _text(p.get("amount")), _text(p.get("deal_currency_code")),
        _text(p.get("createdate")), _text(p.get("closedate")), d["_email"],
        ";".join(d["_contact_ids"]), d["_company"], _text(p.get("hs_is_closed_won")),
        _text(p.get("hs_is_closed")),
    ]  # fmt: skip


def deals_staged(records: list[dict], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    return _as_export(records, ctx, "deals", DEAL_HEADER, _deal_row, ("record_id", "deal_name"),
                      deals_from_table)  # fmt: skip


def contacts_staged(records: list[dict], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    return _as_export(
        records, ctx, "contacts", CONTACT_HEADER,
        lambda c, p: [str(c["id"])] + [_text(p.get(k)) for k in CONTACT_PROPS[:-1]],
        ("record_id", "email"), contacts_from_table,
    )  # fmt: skip


def _account(value: str) -> tuple[tuple[str, ...], str]:
    v = value.strip()
    if _PORTAL.match(v):
        return ("deals", "contacts"), v
    raise SocialroiError(
        f"{value!r} is not a HubSpot portal; expected the Hub ID (digits, shown in the account "
        "menu and in Settings > Account defaults)"
    )


def _stream(name: str, title: str, staged, fetch) -> Stream:
    return Stream(
        SOURCE, name, title, f"/crm/v3/objects/{name}/search", staged,
        lag_days=2,  # the modification date is exact: two days cover a sync that overlapped
        window_days=3660, history_days=3650, fetch=fetch,
    )  # fmt: skip


DEALS = _stream("deals", "CRM deals with pipeline stages and associations (search API)",
                deals_staged, fetch_deals)  # fmt: skip
CONTACTS = _stream("contacts", "CRM contacts with lifecycle dates and original source",
                   contacts_staged, fetch_contacts)  # fmt: skip

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "HubSpot (CRM v3: deals, contacts)",
        "https://api.hubapi.com",
        Auth(
            "oauth2",
            authorize_url="https://app.hubspot.com/oauth/authorize",
            token_path="/oauth/v1/token",  # noqa: S106 - a path
            scopes=(
                "crm.objects.deals.read",
                "crm.objects.contacts.read",
                "crm.objects.companies.read",
                "oauth",
            ),  # fmt: skip
            refresh="refresh_token",
        ),
        (DEALS, CONTACTS),
        "the portal's Hub ID (digits)",
        _account,
        api_version="v3",
        docs="https://developers.hubspot.com/docs/api-reference",
    )
)
