"""Header names of the Shopify orders export (documented in docs/sources/shopify.md).

Shopify writes the orders CSV with English headers; the Spanish and Chinese names are the
column labels of the admin in those languages, which apps and re-saved sheets carry.
"""

from socialroi.model.aliases import register_aliases

register_aliases(
    "shopify",
    "orders",
    {
        "order_name": {
            "en": ["Name", "Order", "Order name"],
            "es": ["Nombre", "Pedido", "Nombre del pedido"],
            "zh": ["名称", "订单", "订单名称"],
        },
        "email": {
            "en": ["Email", "Customer email"],
            "es": ["Correo electrónico", "Email"],
            "zh": ["邮箱", "电子邮件", "电子邮箱"],
        },
        "financial_status": {
            "en": ["Financial Status"],
            "es": ["Estado financiero", "Estado del pago"],
            "zh": ["财务状态", "付款状态"],
        },
        "paid_at": {
            "en": ["Paid at"],
            "es": ["Pagado el", "Fecha de pago"],
            "zh": ["付款时间", "支付时间"],
        },
        "currency": {"en": ["Currency"], "es": ["Moneda", "Divisa"], "zh": ["货币", "币种"]},
        "subtotal": {"en": ["Subtotal"], "es": ["Subtotal"], "zh": ["小计"]},
        "shipping": {"en": ["Shipping"], "es": ["Envío", "Gastos de envío"], "zh": ["运费"]},
        "taxes": {"en": ["Taxes"], "es": ["Impuestos"], "zh": ["税费", "税额"]},
        "total": {"en": ["Total"], "es": ["Total"], "zh": ["总价", "总计", "合计"]},
        "discount_amount": {
            "en": ["Discount Amount"],
            "es": ["Importe del descuento", "Descuento"],
            "zh": ["折扣金额"],
        },
        "created_at": {
            "en": ["Created at"],
            "es": ["Creado el", "Fecha de creación"],
            "zh": ["创建时间", "创建日期"],
        },
        "lineitem_quantity": {
            "en": ["Lineitem quantity"],
            "es": ["Cantidad del artículo"],
            "zh": ["商品数量"],
        },
        "lineitem_name": {
            "en": ["Lineitem name"],
            "es": ["Nombre del artículo"],
            "zh": ["商品名称"],
        },
        "lineitem_price": {
            "en": ["Lineitem price"],
            "es": ["Precio del artículo"],
            "zh": ["商品价格"],
        },
        "billing_country": {
            "en": ["Billing Country"],
            "es": ["País de facturación"],
            "zh": ["账单国家/地区", "账单国家"],
        },
        "shipping_country": {
            "en": ["Shipping Country"],
            "es": ["País de envío"],
            "zh": ["收货国家/地区", "收货国家", "配送国家/地区"],
        },
        "cancelled_at": {
            "en": ["Cancelled at"],
            "es": ["Cancelado el", "Fecha de cancelación"],
            "zh": ["取消时间"],
        },
        "refunded_amount": {
            "en": ["Refunded Amount"],
            "es": ["Importe reembolsado"],
            "zh": ["退款金额"],
        },
        "order_id": {
            "en": ["Id", "Order ID"],
            "es": ["Id", "ID del pedido"],
            "zh": ["ID", "订单 ID", "订单ID"],
        },
        "customer_id": {
            "en": ["Customer ID", "Customer: ID"],
            "es": ["ID del cliente", "ID de cliente"],
            "zh": ["客户 ID", "客户ID"],
        },
        "note_attributes": {
            "en": ["Note Attributes"],
            "es": ["Atributos de la nota", "Atributos de nota"],
            "zh": ["备注属性"],
        },
        "landing_site": {
            "en": ["Landing Site", "Landing page", "Landing Site Ref"],
            "es": ["Sitio de llegada", "Página de destino"],
            "zh": ["着陆页", "落地页"],
        },
        "sales_channel": {
            "en": ["Source"],
            "es": ["Origen", "Canal de ventas"],
            "zh": ["来源", "销售渠道"],
        },
        "referring_site": {
            "en": ["Referring Site", "Referrer"],
            "es": ["Sitio de referencia", "Sitio referente"],
            "zh": ["引荐网站", "来源网站"],
        },
    },
)
