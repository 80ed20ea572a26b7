"""Render the demo world's shop orders as Shopify orders exports.

One `shopify/@<store>/orders_export_1.csv` per store account (platform `shop`); orders go to
the store whose currency they are in (the only store when there is one). The file has the
real export's shape: one row per line item, order-level fields only on an order's first row,
`Created at` with the store's UTC offset, plus `Landing Site` / `Referring Site` columns
(what an order-export app adds). Headers follow the store team's language; a Spanish store
is written the way Excel re-saves it (UTF-16, a `sep=;` line, decimal commas).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from socialroi.demo.world import DemoWorld

HEADERS = {
    "en": ("Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency",
           "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Created at",
           "Lineitem quantity", "Lineitem name", "Lineitem price", "Billing Country",
           "Shipping Country", "Notes", "Note Attributes", "Cancelled at", "Refunded Amount",
           "Id", "Source", "Landing Site", "Referring Site"),
    "es": ("Nombre", "Correo electrónico", "Estado financiero", "Pagado el",
           "Estado de preparación", "Moneda", "Subtotal", "Envío", "Impuestos", "Total",
           "Importe del descuento", "Creado el", "Cantidad del artículo", "Nombre del artículo",
           "Precio del artículo", "País de facturación", "País de envío", "Notas",
           "Atributos de la nota", "Cancelado el", "Importe reembolsado", "Id", "Origen",
           "Sitio de llegada", "Sitio de referencia"),
    "zh": ("名称", "邮箱", "财务状态", "付款时间", "发货状态", "货币", "小计", "运费", "税费",
           "总价", "折扣金额", "创建时间", "商品数量", "商品名称", "商品价格", "账单国家/地区",
           "收货国家/地区", "备注", "备注属性", "取消时间", "退款金额", "ID", "来源", "着陆页",
           "引荐网站"),
}  # fmt: skip


def _stores(world: DemoWorld) -> list[dict]:
    acc = world.frames.get("accounts")
    if acc is not None and len(acc):
        shops = acc[acc["platform"] == "shop"]
        if len(shops):
            return shops.to_dict("records")
    return [{"handle": "voltiq-store", "currency": None, "timezone": "UTC", "language": "en"}]


def _money(v: float, comma: bool) -> str:
    s = f"{float(v):.2f}"
    return s.replace(".", ",") if comma else s


def write(world: DemoWorld, out: Path) -> list[Path]:
    orders = world.frames.get("orders")
    if orders is None or not len(orders):
        return []
    stores = _stores(world)
    paths = []
    for store in stores:
        if len(stores) == 1 or not store.get("currency"):
            mine = orders
        else:
            mine = orders[orders["currency"] == store["currency"]]
        if not len(mine):
            continue
        lang = store.get("language") if store.get("language") in HEADERS else "en"
        folder = Path(out) / "shopify" / f"@{str(store['handle']).lstrip('@')}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "orders_export_1.csv"
        _write_store(mine, path, lang, store.get("timezone") or "UTC")
        paths.append(path)
    return paths


def _write_store(orders: pd.DataFrame, path: Path, lang: str, tz: str) -> None:
    comma = lang == "es"
    o = orders.copy()
    o["ts_"] = pd.to_datetime(o["created_at"], utc=True)
    o = o.sort_values(["ts_", "order_id"], kind="stable")
    local = o["ts_"].dt.tz_convert(tz)
    o["created_"] = local.dt.strftime("%Y-%m-%d %H:%M:%S %z")
    o["paid_"] = (local + pd.Timedelta(seconds=42)).dt.strftime("%Y-%m-%d %H:%M:%S %z")
    rows = []
    first = ~o["order_id"].duplicated()
    for is_first, r in zip(first, o.itertuples(index=False)):

        def text(v):
            return "" if v is None or (isinstance(v, float) and v != v) else str(v)

        line = [text(r.lineitem_quantity), text(r.lineitem_name),
                _money(r.lineitem_price, comma) if pd.notna(r.lineitem_price) else ""]  # fmt: skip
        if is_first:
            rows.append(
                [r.order_name, text(r.email), "paid", r.paid_, "fulfilled", r.currency,
                 _money(r.subtotal, comma), _money(r.shipping, comma), _money(r.taxes, comma),
                 _money(r.total, comma), _money(0, comma), r.created_, *line, text(r.country),
                 text(r.country), "", "", "", _money(0, comma), str(r.order_id), "web",
                 text(r.landing_site), text(r.referring_site)]
            )  # fmt: skip
        else:
            rows.append([r.order_name, text(r.email), "", "", "", "", "", "", "", "", "", "",
                         *line, "", "", "", "", "", "", "", "", "", ""])  # fmt: skip
    buf = io.StringIO()
    if comma:
        w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        buf.write("sep=;\r\n")
    else:
        w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADERS[lang])
    w.writerows(rows)
    if comma:
        path.write_bytes(buf.getvalue().encode("utf-16"))
    else:
        path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
