"""Render the demo world's CRM contacts and deals as HubSpot exports.

`hubspot/@<portal>/contacts_export.<csv|xlsx>` and `deals_export.<csv|xlsx>`: the columns of
an "Export view" of Contacts and Deals, with the labels of the portal team's language.
Dates are written the way HubSpot does, in the portal's time zone without an offset (import
them with --timezone of the portal). English exports are CSV, Spanish ones the default XLSX
download (typed date cells), Chinese ones CSV with a BOM. Quirks: thousands separators in
Amount, `-` for a deal without an amount, Original Source labels in the export language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from socialroi.demo.world import DemoWorld
from socialroi.demo.writers._files import save_workbook
from socialroi.sources.kit.countries import country_name

CONTACT_COLUMNS = ("Record ID", "First Name", "Last Name", "Email", "Lifecycle Stage",
                   "Create Date", "Became a Lead Date", "Became a Marketing Qualified Lead Date",
                   "Became a Sales Qualified Lead Date", "Became an Opportunity Date",
                   "Became a Customer Date", "Original Source", "Original Source Drill-Down 1",
                   "utm_source", "utm_medium", "utm_campaign", "Country/Region", "Company Name",
                   "GA Client ID")  # fmt: skip
DEAL_COLUMNS = ("Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Currency",
                "Create Date", "Close Date", "Associated Contact", "Associated Contact IDs",
                "Associated Company", "Country/Region", "Is Closed Won",
                "Is Deal Closed?")  # fmt: skip
LABELS = {
    "es": {"Record ID": "ID de registro", "First Name": "Nombre", "Last Name": "Apellidos",
           "Email": "Correo", "Lifecycle Stage": "Etapa del ciclo de vida",
           "Create Date": "Fecha de creación",
           "Became a Lead Date": "Fecha en que se convirtió en lead",
           "Became a Marketing Qualified Lead Date":
               "Fecha en que se convirtió en lead calificado para marketing",
           "Became a Sales Qualified Lead Date":
               "Fecha en que se convirtió en lead calificado para ventas",
           "Became an Opportunity Date": "Fecha en que se convirtió en oportunidad",
           "Became a Customer Date": "Fecha en que se convirtió en cliente",
           "Original Source": "Fuente original",
           "Original Source Drill-Down 1": "Desglose 1 de la fuente original",
           "Country/Region": "País/región", "Company Name": "Nombre de la empresa",
           "GA Client ID": "ID de cliente de GA", "Deal Name": "Nombre del negocio",
           "Deal Stage": "Etapa del negocio", "Amount": "Importe", "Currency": "Moneda",
           "Close Date": "Fecha de cierre", "Associated Contact": "Contacto asociado",
           "Associated Contact IDs": "ID de contactos asociados",
           "Associated Company": "Empresa asociada", "Is Closed Won": "Es cerrado ganado",
           "Is Deal Closed?": "¿Negocio cerrado?"},
    "zh": {"Record ID": "记录 ID", "First Name": "名字", "Last Name": "姓氏", "Email": "电子邮件",
           "Lifecycle Stage": "生命周期阶段", "Create Date": "创建日期",
           "Became a Lead Date": "成为潜在客户日期",
           "Became a Marketing Qualified Lead Date": "成为营销合格潜在客户日期",
           "Became a Sales Qualified Lead Date": "成为销售合格潜在客户日期",
           "Became an Opportunity Date": "成为商机日期", "Became a Customer Date": "成为客户日期",
           "Original Source": "原始来源", "Original Source Drill-Down 1": "原始来源细分 1",
           "Country/Region": "国家/地区", "Company Name": "公司名称",
           "GA Client ID": "GA 客户端 ID",
           "Deal Name": "交易名称", "Deal Stage": "交易阶段", "Pipeline": "管道", "Amount": "金额",
           "Currency": "货币", "Close Date": "成交日期", "Associated Contact": "关联联系人",
           "Associated Contact IDs": "关联联系人 ID", "Associated Company": "关联公司",
           "Is Closed Won": "是否成交", "Is Deal Closed?": "交易是否关闭"},
}  # fmt: skip
SOURCE_LABELS = {
    "es": {"Organic Social": "Redes sociales orgánicas", "Paid Social": "Redes sociales de pago",
           "Organic Search": "Búsqueda orgánica", "Paid Search": "Búsqueda de pago",
           "Email Marketing": "Marketing por correo electrónico", "Referrals": "Referencias",
           "Direct Traffic": "Tráfico directo", "Other Campaigns": "Otras campañas",
           "Offline Sources": "Fuentes sin conexión"},
    "zh": {"Organic Social": "自然社交", "Paid Social": "付费社交", "Organic Search": "自然搜索",
           "Paid Search": "付费搜索", "Email Marketing": "电子邮件营销", "Referrals": "推荐",
           "Direct Traffic": "直接流量", "Other Campaigns": "其他营销活动",
           "Offline Sources": "离线来源"},
}  # fmt: skip
BOOL = {"en": ("true", "false"), "es": ("Sí", "No"), "zh": ("是", "否")}
# Internal values (the API's) -> the labels an export shows.
API_LABELS = {"SOCIAL_MEDIA": "Organic Social", "PAID_SOCIAL": "Paid Social",
              "ORGANIC_SEARCH": "Organic Search", "PAID_SEARCH": "Paid Search",
              "EMAIL_MARKETING": "Email Marketing", "REFERRALS": "Referrals",
              "DIRECT_TRAFFIC": "Direct Traffic", "OTHER_CAMPAIGNS": "Other Campaigns",
              "OFFLINE": "Offline Sources", "AI_REFERRALS": "AI Referrals"}  # fmt: skip


def _portal(world: DemoWorld) -> dict:
    acc = world.frames.get("accounts")
    if acc is not None and len(acc):
        crm = acc[acc["platform"] == "crm"]
        named = crm[crm["handle"].astype(str).str.contains("hubspot", case=False)]
        if len(named):
            return named.iloc[0].to_dict()
        if len(crm):
            return crm.iloc[0].to_dict()
    return {"handle": "hubspot", "timezone": "UTC", "language": "en", "currency": "USD"}


def _when(v, tz: str, typed: bool):
    """A world timestamp or date as HubSpot writes it: local time, no offset."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None if typed else ""
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(v)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
        local = ts.tz_convert(tz).tz_localize(None).to_pydatetime()
    else:
        local = dt.datetime(v.year, v.month, v.day)
    return local if typed else local.strftime("%Y-%m-%d %H:%M")


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


def write(world: DemoWorld, out: Path) -> list[Path]:
    portal = _portal(world)
    lang = portal.get("language") if portal.get("language") in ("en", "es", "zh") else "en"
    tz = portal.get("timezone") or "UTC"
    folder = Path(out) / "hubspot" / f"@{str(portal['handle']).lstrip('@')}"
    paths = []
    contacts = world.frames.get("contacts")
    emails = {}
    if contacts is not None and len(contacts):
        folder.mkdir(parents=True, exist_ok=True)
        emails = dict(zip(contacts["contact_id"].astype(str), contacts["email"]))
        names = {
            str(r.contact_id): f"{_text(r.first_name)} {_text(r.last_name)}".strip()
            for r in contacts.itertuples()
        }
        rows = [_contact_row(r, tz, lang) for r in contacts.itertuples()]
        paths.append(_save(folder / "contacts_export", CONTACT_COLUMNS, rows, lang, "Contacts"))
    else:
        names = {}
    deals = world.frames.get("deals")
    if deals is not None and len(deals):
        folder.mkdir(parents=True, exist_ok=True)
        rows = [_deal_row(r, tz, lang, names, emails) for r in deals.itertuples()]
        paths.append(_save(folder / "deals_export", DEAL_COLUMNS, rows, lang, "Deals"))
    return paths


def _contact_row(r, tz: str, lang: str) -> list:
    typed = lang == "es"
    src = _text(r.original_source)
    src = API_LABELS.get(src, src)
    return [
        str(r.contact_id), _text(r.first_name), _text(r.last_name), _text(r.email),
        _text(r.lifecycle_stage), _when(r.created_at, tz, typed), _when(r.lead_date, tz, typed),
        _when(r.mql_date, tz, typed), _when(r.sql_date, tz, typed),
        _when(r.opportunity_date, tz, typed), _when(r.customer_date, tz, typed),
        SOURCE_LABELS.get(lang, {}).get(src, src), _text(r.original_source_drill_down_1),
        _text(r.utm_source), _text(r.utm_medium), _text(r.utm_campaign),
        country_name(r.country, lang) if isinstance(r.country, str) and r.country else "",
        _text(r.company), _text(r.visitor_id),
    ]  # fmt: skip


def _deal_row(r, tz: str, lang: str, names: dict, emails: dict) -> list:
    typed = lang == "es"
    cid = _text(r.contact_id)
    contact = f"{names.get(cid, '')} ({emails[cid]})" if cid in emails and emails[cid] else ""
    if r.amount is None or (isinstance(r.amount, float) and r.amount != r.amount):
        amount = None if typed else "-"
    else:
        amount = float(r.amount) if typed else f"{float(r.amount):,.2f}"
    yes, no = BOOL[lang]
    return [
        str(r.deal_id), _text(r.deal_name), _text(r.stage), _text(r.pipeline), amount,
        _text(r.currency), _when(r.created_at, tz, typed), _when(r.close_date, tz, typed),
        contact, cid, _text(r.company),
        country_name(r.country, lang) if isinstance(r.country, str) and r.country else "",
        yes if bool(r.is_won) else no, yes if bool(r.is_closed) else no,
    ]  # fmt: skip


def _save(stem: Path, columns: tuple[str, ...], rows: list[list], lang: str, sheet: str) -> Path:
    header = [LABELS.get(lang, {}).get(c, c) for c in columns]
    if lang == "es":
        wb = Workbook()
        ws = wb.active
        ws.title = {"Contacts": "Contactos", "Deals": "Negocios"}[sheet]
        ws.append(header)
        for r in rows:
            ws.append(r)
            for c in ws[ws.max_row]:
                if isinstance(c.value, dt.datetime):
                    c.number_format = "yyyy-mm-dd hh:mm"
        path = stem.with_suffix(".xlsx")
        save_workbook(wb, path)
        return path
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path = stem.with_suffix(".csv")
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + data if lang == "zh" else data)
    return path
