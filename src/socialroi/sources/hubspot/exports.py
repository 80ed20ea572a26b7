"""HubSpot CRM exports: contacts and deals (CSV or XLSX, Contacts/Deals > Export view).

`hubspot/contacts` — one row per contact with the lifecycle-stage dates HubSpot keeps
(`Became a Lead Date`, `Became a Marketing Qualified Lead Date`, `Became a Sales Qualified
Lead Date`, `Became an Opportunity Date`): each date reached becomes a `conversions` row of
kind lead, mql, sql or opportunity. Source, medium and campaign come from the contact's
utm_* properties when the portal captures them, otherwise from `Original Source` and its
drill-downs (e.g. `Paid Social` / `Facebook` -> facebook / paid_social).

`hubspot/deals` — one row per deal: an `opportunity` conversion at its Create Date (valued
at the deal's amount: its pipeline) and, for
closed-won deals, a `won` conversion at its Close Date worth the deal Amount.

HubSpot writes dates in the portal's time zone without an offset: pass --timezone (the
portal's, Settings > Account defaults) or register the portal (platform crm, its @handle
folder) with its time zone; without either they are read as UTC and the import says so.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, report
from socialroi.sources.kit.accounts import known_currency, known_timezone
from socialroi.sources.kit.cells import decimal_style, email_hash, ids, numbers, url_decode
from socialroi.sources.kit.cells import plain as text
from socialroi.sources.kit.countries import market_of as market
from socialroi.sources.kit.dates import slash_order
from socialroi.sources.kit.headers import HeaderMap, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table, read_table
from socialroi.sources.kit.times import assumed_finding, crm_timestamp, local_date

SOURCE = "hubspot"
CRM = ("crm", "hubspot")  # platforms a portal is registered under
STAGES = (("lead_date", "lead"), ("mql_date", "mql"), ("sql_date", "sql"),
          ("opportunity_date", "opportunity"))  # fmt: skip

# Original Source (label in en/es/zh, or the API value) -> (medium, default source).
ORIGINAL_SOURCES: dict[str, tuple[str, str | None]] = {}
for names, medium, source in (
    (("ORGANIC_SEARCH", "Organic Search", "Búsqueda orgánica", "自然搜索"), "organic", "search"),
    (("PAID_SEARCH", "Paid Search", "Búsqueda de pago", "付费搜索"), "cpc", "search"),
    (("EMAIL_MARKETING", "Email Marketing", "Marketing por correo electrónico",
      "Marketing por email", "电子邮件营销"), "email", "email"),
    (("SOCIAL_MEDIA", "ORGANIC_SOCIAL", "Organic Social", "Social Media", "Redes sociales",
      "Redes sociales orgánicas", "自然社交", "社交媒体"), "social", None),
    (("PAID_SOCIAL", "Paid Social", "Redes sociales de pago", "付费社交"), "paid_social", None),
    (("REFERRALS", "Referrals", "Referencias", "Sitios de referencia", "推荐", "引荐"),
     "referral", None),
    (("AI_REFERRALS", "AI Referrals", "Referencias de IA", "AI 推荐"), "referral", None),
    (("OTHER_CAMPAIGNS", "Other Campaigns", "Otras campañas", "其他营销活动"), "campaign", None),
    (("DIRECT_TRAFFIC", "Direct Traffic", "Tráfico directo", "直接流量"), "(none)", "(direct)"),
    (("OFFLINE", "Offline Sources", "Fuentes sin conexión", "离线来源"), "offline", "offline"),
):  # fmt: skip
    for n in names:
        ORIGINAL_SOURCES[norm(n)] = (medium, source)

_WON = {norm(x) for x in ("closedwon", "Closed Won", "Cerrado ganado", "Ganado", "成交",
                          "赢单", "已成交")}  # fmt: skip
_LOST = {norm(x) for x in ("closedlost", "Closed Lost", "Cerrado perdido", "Perdido", "输单",
                           "丢单", "未成交")}  # fmt: skip
# HubSpot's default sales pipeline: the open stages (internal names and labels)
_OPEN = {norm(x) for x in (
    "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
    "contractsent", "Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
    "Decision Maker Bought-In", "Contract Sent", "Cita programada", "Calificado para comprar",
    "Presentación programada", "Responsable de la toma de decisiones comprometido",
    "Contrato enviado", "已安排预约", "有购买意向", "已安排演示", "决策者已认可", "已发送合同",
)}  # fmt: skip
_WON_WORDS = re.compile(r"\bwon\b|\bwin\b|ganad|成交|赢单|gagn|gewonnen", re.I)
_LOST_WORDS = re.compile(r"\blost\b|perdid|输单|丢单|perdu|verloren", re.I)
_TRUE = {norm(x) for x in ("true", "yes", "1", "sí", "si", "是", "y", "verdadero")}
_FALSE = {norm(x) for x in ("false", "no", "0", "否", "n", "falso", "")}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def source_fields(utm: tuple[str, str, str], original: str, d1: str, d2: str) -> dict:
    """Source / medium / campaign / referrer: utm_* when captured, else Original Source."""
    us, um, uc = (url_decode(v).strip() or None for v in utm)
    if us or um:
        return {"source": us, "medium": um, "campaign": uc, "referrer": None}
    if not original:
        return {"source": None, "medium": None, "campaign": uc, "referrer": None}
    medium, default = ORIGINAL_SOURCES.get(norm(original), (None, None))
    if medium is None:
        return {"source": original, "medium": None, "campaign": uc, "referrer": None}
    d1 = d1.strip()
    referrer = None
    if medium == "referral" and d1:
        referrer = d1 if "://" in d1 else f"https://{d1.lower()}/"
    source = (d1.lower() if d1 and medium not in ("(none)", "offline") else default) or default
    campaign = uc or (d2.strip() or None if medium in ("campaign", "paid_social", "cpc") else None)
    return {"source": source, "medium": medium, "campaign": campaign, "referrer": referrer}


# -- contacts ------------------------------------------------------------------------------


def _contacts_aliases() -> dict[str, list[str]]:
    return aliases(SOURCE, "contacts")


def _deals_aliases() -> dict[str, list[str]]:
    return aliases(SOURCE, "deals")


def _header_rows(s: Sniff) -> list[list[Any]]:
    if s.kind == "text":
        return s.rows[:10]
    if s.kind == "spreadsheet":
        return [r for rows in s.sheets.values() for r in rows[:10]]
    return []


def _detect_contacts(s: Sniff) -> float:
    rows = _header_rows(s)
    al = _contacts_aliases()
    for r in rows:
        hm = HeaderMap(r, al)
        if "record_id" in hm and "email" in hm:
            stages = sum(f in hm for f, _ in STAGES) + ("original_source" in hm)
            if stages >= 2:
                return 0.9
            if stages or "lifecycle_stage" in hm:
                return 0.6
            if {"first_name", "last_name"} & set(hm.index) or s.match(["First Name", "Last Name"]):
                return 0.55  # the default contacts view: names, no stage dates
    return 0.0


@report(SOURCE, "contacts", "HubSpot contacts export", detect=_detect_contacts)
def parse_contacts(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    t = read_table(
        file, ctx, _contacts_aliases(), ("record_id", "email"), "HubSpot contacts export"
    )
    return contacts_from_table(ctx, t)


def contacts_from_table(ctx: Context, t: Table) -> dict[str, pd.DataFrame]:
    """The contacts view's rows as lifecycle-stage conversions (the CRM API connector lays
    its contacts out as this table too)."""
    hm = t.hm
    present = [(f, k) for f, k in STAGES if f in hm]
    if not present:
        ctx.finding(
            "no_stage_columns",
            "the contacts view has no lifecycle-stage dates, so no lead, MQL, SQL or "
            "opportunity could be dated; add the columns Became a Lead Date, Became a Marketing "
            "Qualified Lead Date, Became a Sales Qualified Lead Date, Became an Opportunity Date "
            "and Original Source to the view (Contacts > Edit columns) and export again",
            row=t.header_row,
        )

    def cell(r: list[Any], f: str) -> Any:
        i = hm.index.get(f)
        return r[i] if i is not None and i < len(r) else None

    body = t.body
    if not body:
        raise ctx.fail("the contacts export holds no contacts", expected="at least one contact")
    rns = [rn for rn, _ in body]
    rec, _ = ids(ctx, [cell(r, "record_id") for _, r in body], rns, hm.column_name("record_id"))
    order = slash_order([cell(r, f) for _, r in body for f, _ in present])
    state: dict = {"tz": known_timezone(ctx, CRM)}
    out = []
    sources: dict[tuple, dict] = {}  # `source_fields` of each distinct set of cells
    for rid, (rn, r) in zip(rec.tolist(), body, strict=True):
        if not rid:
            raise ctx.fail("a contact has no Record ID", row=rn, column=hm.column_name("record_id"),
                           expected="HubSpot's record id, e.g. 51234")  # fmt: skip
        email = text(cell(r, "email"))
        ehash = email_hash(email)
        company = text(cell(r, "company"))
        visitor = text(cell(r, "visitor_id")) or None
        country = text(cell(r, "country"))
        fields = ((text(cell(r, "utm_source")), text(cell(r, "utm_medium")),
                   text(cell(r, "utm_campaign"))), text(cell(r, "original_source")),
                  text(cell(r, "drill_down_1")), text(cell(r, "drill_down_2")))  # fmt: skip
        src = sources.get(fields)
        if src is None:
            src = sources[fields] = source_fields(*fields)
        mkt = market(ctx, country, rn, hm.column_name("country")) if country else None
        for field, kind in present:
            ts = crm_timestamp(ctx, cell(r, field), rn, hm.column_name(field), state, order)
            if ts is None:
                continue
            out.append(
                {
                    "conversion_id": f"{SOURCE}:contact-{rid}:{kind}",
                    "kind": kind,
                    "occurred_at": ts,
                    "local_date": local_date(ts, state),
                    "visitor_id": visitor,
                    "user_id": f"{SOURCE}:contact:{rid}",
                    "email_hash": ehash,
                    "customer_id": f"{SOURCE}:company:{company.lower()}" if company else None,
                    "market": mkt,
                    **src,
                    "origin": SOURCE,
                }
            )
    assumed_finding(ctx, state)
    if not out:
        ctx.finding(
            "no_stage_dates",
            "no contact in the file has reached a lead, MQL, SQL or opportunity stage date",
            rows=len(body),
        )
    return {"conversions": pd.DataFrame(out)}


# -- deals ---------------------------------------------------------------------------------


def _detect_deals(s: Sniff) -> float:
    al = _deals_aliases()
    for r in _header_rows(s):
        hm = HeaderMap(r, al)
        if "deal_name" in hm and "record_id" in hm:
            extra = sum(f in hm for f in ("deal_stage", "amount", "close_date", "pipeline"))
            return 0.9 if extra >= 2 else 0.6
    return 0.0


def _flag(ctx: Context, raw: Any, rn: int, column: str) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    v = norm(text(raw))
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False if v else None
    raise ctx.fail("a cell is not yes/no", row=rn, column=column, value=raw,
                   expected="true or false")  # fmt: skip


@report(SOURCE, "deals", "HubSpot deals export", detect=_detect_deals)
def parse_deals(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    t = read_table(file, ctx, _deals_aliases(), ("record_id", "deal_name"), "HubSpot deals export")
    return deals_from_table(ctx, t)


def deals_from_table(ctx: Context, t: Table) -> dict[str, pd.DataFrame]:
    """The deals view's rows as opportunity and won conversions (the CRM API connector lays
    its deals out as this table too, so won and lost are decided the same way)."""
    hm = t.hm

    def cell(r: list[Any], f: str) -> Any:
        i = hm.index.get(f)
        return r[i] if i is not None and i < len(r) else None

    body = t.body
    if not body:
        raise ctx.fail("the deals export holds no deals", expected="at least one deal")
    rns = [rn for rn, _ in body]
    rec, _ = ids(ctx, [cell(r, "record_id") for _, r in body], rns, hm.column_name("record_id"))
    amounts_raw = [cell(r, "amount") for _, r in body]
    amounts = (
        numbers(ctx, amounts_raw, rns, hm.column_name("amount"), decimal=decimal_style(amounts_raw))
        if "amount" in hm else pd.Series([None] * len(body), dtype="Float64")
    )  # fmt: skip
    order = slash_order([cell(r, f) for _, r in body for f in ("create_date", "close_date")])
    state: dict = {"tz": known_timezone(ctx, CRM)}
    out = []
    won_no_amount = []
    unknown: dict[str, list[int]] = {}  # stage label -> rows it could not be classified in
    undated: list[int] = []
    rec, amounts = rec.tolist(), amounts.tolist()  # plain lists: no Series lookup per deal
    for n, (rn, r) in enumerate(body):
        rid = rec[n]
        if not rid:
            raise ctx.fail("a deal has no Record ID", row=rn, column=hm.column_name("record_id"),
                           expected="HubSpot's record id")  # fmt: skip
        created = crm_timestamp(ctx, cell(r, "create_date"), rn, hm.column_name("create_date"),
                               state, order) if "create_date" in hm else None  # fmt: skip
        if created is None and "create_date" in hm:
            raise ctx.fail("a deal has no Create Date", row=rn,
                           column=hm.column_name("create_date"), expected="a date")  # fmt: skip
        closed = crm_timestamp(ctx, cell(r, "close_date"), rn, hm.column_name("close_date"), state,
                              order) if "close_date" in hm else None  # fmt: skip
        won = _deal_won(ctx, r, rn, hm, cell, unknown)
        company = text(cell(r, "company"))
        contact_text = text(cell(r, "contact"))
        contact_ids = re.findall(r"\d+", text(cell(r, "contact_ids")))
        m = _EMAIL.search(contact_text)
        ehash = email_hash(m.group(0)) if m else None
        country = text(cell(r, "country"))
        base = {
            "visitor_id": None,
            "user_id": f"{SOURCE}:contact:{contact_ids[0]}" if contact_ids else None,
            "email_hash": ehash,
            "customer_id": f"{SOURCE}:company:{company.lower()}" if company else None,
            "order_id": f"deal-{rid}",
            "market": market(ctx, country, rn, hm.column_name("country")) if country else None,
            "origin": SOURCE,
        }
        if created is None:
            undated.append(rn)
        else:
            out.append({"conversion_id": f"{SOURCE}:deal-{rid}:opportunity",
                        "kind": "opportunity", "occurred_at": created,
                        "local_date": local_date(created, state), **base})  # fmt: skip
            # the deal's amount is its pipeline value (when it states one in a known currency)
            pipe, pipe_cur = amounts[n], (
                text(cell(r, "currency")) or known_currency(ctx, CRM) or "").upper()  # fmt: skip
            if not pd.isna(pipe) and re.fullmatch(r"[A-Z]{3}", pipe_cur):
                out[-1]["value"], out[-1]["currency"] = float(pipe), pipe_cur
        if won and closed is None and "close_date" not in hm:
            undated.append(rn)
        elif won:
            if closed is None:
                raise ctx.fail("a closed-won deal has no Close Date", row=rn,
                               column=hm.column_name("close_date"), expected="a date")  # fmt: skip
            amount = amounts[n]
            currency = (text(cell(r, "currency")) or known_currency(ctx, CRM) or "").upper()
            if pd.isna(amount):
                won_no_amount.append(rn)
                amount, currency = None, None
            elif not re.fullmatch(r"[A-Z]{3}", currency):
                raise ctx.fail(
                    "a won deal's amount has no currency",
                    row=rn,
                    column=hm.column_name("currency") if "currency" in hm else None,
                    value=currency or None,
                    expected="an ISO 4217 code",
                    hint="Pass --currency XXX (the portal's company currency).",
                )
            out.append({"conversion_id": f"{SOURCE}:deal-{rid}:won", "kind": "won",
                        "occurred_at": closed, "local_date": local_date(closed, state),
                        "value": None if amount is None else float(amount),
                        "currency": currency, **base})  # fmt: skip
    assumed_finding(ctx, state)
    _deal_findings(ctx, hm, unknown, undated, len(body))
    if won_no_amount:
        ctx.finding(
            "won_without_amount",
            f"{len(won_no_amount)} closed-won deal(s) have no Amount; stored without a value",
            row=won_no_amount[0],
            column=hm.column_name("amount") if "amount" in hm else None,
            rows=len(won_no_amount),
        )
    df = pd.DataFrame(out)
    if df.empty:
        return {"conversions": df}
    if "value" not in df.columns:
        df["value"], df["currency"] = None, None
    return {"conversions": df}


def _deal_won(ctx: Context, r: list[Any], rn: int, hm: HeaderMap, cell, unknown) -> bool:
    """Won or not: `Is Closed Won` when exported; else the stage label (the workspace's own
    mapping first, `deal_stages`; HubSpot's closedwon/closedlost and custom labels such as
    "Closed: won"); with `Is Deal Closed?` false the deal is open. A label nothing
    classifies is counted (`unknown_deal_stage`) and the deal taken as not won."""
    if "is_won" in hm:
        won = _flag(ctx, cell(r, "is_won"), rn, hm.column_name("is_won"))
        if won is not None:
            return won
    closed = _flag(ctx, cell(r, "is_closed"), rn, hm.column_name("is_closed")) if (
        "is_closed" in hm) else None  # fmt: skip
    label = text(cell(r, "deal_stage"))
    mapping = {norm(k): v.lower() for k, v in (ctx.options.deal_stages or {}).items()}
    key = norm(label)
    if key in mapping:
        return mapping[key] == "won"
    if closed is False:
        return False
    if key in _WON:
        return True
    if key in _LOST or key in _OPEN or not label:
        return False
    won_word, lost_word = bool(_WON_WORDS.search(label)), bool(_LOST_WORDS.search(label))
    if won_word != lost_word:
        return won_word
    unknown.setdefault(label, []).append(rn)
    return False


def _deal_findings(ctx: Context, hm: HeaderMap, unknown: dict, undated: list, n: int) -> None:
    for label, rows in unknown.items():
        ctx.finding(
            "unknown_deal_stage",
            f"{len(rows)} deal(s) are in stage {label!r}, which socialroi cannot tell won from "
            "lost or open; counted as not won. Add the Is Closed Won column to the view, or "
            f'map the stage: socialroi import --deal-stage "{label}=won" (or lost / open)',
            row=rows[0],
            column=hm.column_name("deal_stage"),
            value=label,
            rows=len(rows),
        )
    if undated:
        missing = [c for f, c in (("create_date", "Create Date"), ("close_date", "Close Date"))
                   if f not in hm]  # fmt: skip
        ctx.finding(
            "deal_without_dates",
            f"{len(undated)} of {n} deal(s) could not be dated: the view has no "
            f"{' or '.join(missing)} column; add {' and '.join(missing)} to the view in HubSpot "
            "(Deals > Edit columns) and export again",
            row=undated[0],
            rows=len(undated),
        )
