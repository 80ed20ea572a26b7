"""Header names of HubSpot contact and deal exports (documented in docs/sources/hubspot.md).

HubSpot exports property labels in the language of the user who exports; custom properties
(utm_*, GA Client ID) keep the label the portal gave them.
"""

from socialroi.model.aliases import register_aliases

register_aliases(
    "hubspot",
    "contacts",
    {
        "record_id": {
            "en": ["Record ID", "Contact ID", "Record ID - Contact"],
            "es": ["ID de registro", "ID del registro", "ID de contacto"],
            "zh": ["记录 ID", "记录ID", "联系人 ID"],
        },
        "first_name": {"en": ["First Name", "First name"], "es": ["Nombre"], "zh": ["名字", "名"]},
        "last_name": {
            "en": ["Last Name", "Last name"],
            "es": ["Apellidos", "Apellido"],
            "zh": ["姓氏", "姓"],
        },
        "email": {
            "en": ["Email", "Email Address"],
            "es": ["Correo", "Correo electrónico"],
            "zh": ["电子邮件", "邮箱"],
        },
        "lifecycle_stage": {
            "en": ["Lifecycle Stage"],
            "es": ["Etapa del ciclo de vida"],
            "zh": ["生命周期阶段"],
        },
        "create_date": {
            "en": ["Create Date", "Create date", "Created Date"],
            "es": ["Fecha de creación"],
            "zh": ["创建日期"],
        },
        "lead_date": {
            "en": ["Became a Lead Date"],
            "es": ["Fecha en que se convirtió en lead", "Fecha de conversión en lead"],
            "zh": ["成为潜在客户日期"],
        },
        "mql_date": {
            "en": ["Became a Marketing Qualified Lead Date"],
            "es": [
                "Fecha en que se convirtió en lead calificado para marketing",
                "Fecha de conversión en MQL",
            ],
            "zh": ["成为营销合格潜在客户日期"],
        },
        "sql_date": {
            "en": ["Became a Sales Qualified Lead Date"],
            "es": [
                "Fecha en que se convirtió en lead calificado para ventas",
                "Fecha de conversión en SQL",
            ],
            "zh": ["成为销售合格潜在客户日期"],
        },
        "opportunity_date": {
            "en": ["Became an Opportunity Date"],
            "es": ["Fecha en que se convirtió en oportunidad"],
            "zh": ["成为商机日期"],
        },
        "customer_date": {
            "en": ["Became a Customer Date"],
            "es": ["Fecha en que se convirtió en cliente"],
            "zh": ["成为客户日期"],
        },
        "original_source": {
            "en": ["Original Source", "Original Source Type", "Original Traffic Source"],
            "es": ["Fuente original", "Tipo de fuente original"],
            "zh": ["原始来源", "原始流量来源"],
        },
        "drill_down_1": {
            "en": [
                "Original Source Drill-Down 1",
                "Original Traffic Source Drill-Down 1",
                "Original Source Data 1",
            ],
            "es": ["Desglose 1 de la fuente original", "Fuente original: desglose 1"],
            "zh": ["原始来源细分 1", "原始来源明细 1"],
        },
        "drill_down_2": {
            "en": [
                "Original Source Drill-Down 2",
                "Original Traffic Source Drill-Down 2",
                "Original Source Data 2",
            ],
            "es": ["Desglose 2 de la fuente original", "Fuente original: desglose 2"],
            "zh": ["原始来源细分 2", "原始来源明细 2"],
        },
        "utm_source": {
            "en": ["utm_source", "UTM Source"],
            "es": ["utm_source", "Fuente UTM"],
            "zh": ["utm_source", "UTM 来源"],
        },
        "utm_medium": {
            "en": ["utm_medium", "UTM Medium"],
            "es": ["utm_medium", "Medio UTM"],
            "zh": ["utm_medium", "UTM 媒介"],
        },
        "utm_campaign": {
            "en": ["utm_campaign", "UTM Campaign"],
            "es": ["utm_campaign", "Campaña UTM"],
            "zh": ["utm_campaign", "UTM 广告系列"],
        },
        "country": {
            "en": ["Country/Region", "Country"],
            "es": ["País/región", "País/Región", "País"],
            "zh": ["国家/地区", "国家"],
        },
        "company": {
            "en": [
                "Company Name",
                "Company name",
                "Associated Company",
                "Associated Company (Primary)",
            ],
            "es": ["Nombre de la empresa", "Empresa asociada"],
            "zh": ["公司名称", "关联公司"],
        },
        "visitor_id": {
            "en": ["GA Client ID", "ga_client_id", "Google Analytics Client ID"],
            "es": ["ID de cliente de GA", "ga_client_id"],
            "zh": ["GA 客户端 ID", "ga_client_id"],
        },
    },
)
register_aliases(
    "hubspot",
    "deals",
    {
        "record_id": {
            "en": ["Record ID", "Deal ID", "Record ID - Deal"],
            "es": ["ID de registro", "ID del registro", "ID del negocio"],
            "zh": ["记录 ID", "记录ID", "交易 ID"],
        },
        "deal_name": {
            "en": ["Deal Name", "Deal name"],
            "es": ["Nombre del negocio"],
            "zh": ["交易名称"],
        },
        "deal_stage": {
            "en": ["Deal Stage", "Deal stage"],
            "es": ["Etapa del negocio"],
            "zh": ["交易阶段"],
        },
        "pipeline": {"en": ["Pipeline"], "es": ["Pipeline", "Embudo"], "zh": ["管道", "销售管道"]},
        "amount": {"en": ["Amount"], "es": ["Importe", "Monto", "Cantidad"], "zh": ["金额"]},
        "currency": {
            "en": ["Currency", "Deal currency code", "Currency code"],
            "es": ["Moneda", "Código de moneda del negocio"],
            "zh": ["货币", "币种", "交易货币代码"],
        },
        "create_date": {
            "en": ["Create Date", "Create date"],
            "es": ["Fecha de creación"],
            "zh": ["创建日期"],
        },
        "close_date": {
            "en": ["Close Date", "Close date"],
            "es": ["Fecha de cierre"],
            "zh": ["成交日期", "关闭日期"],
        },
        "contact": {
            "en": ["Associated Contact", "Associated Contacts"],
            "es": ["Contacto asociado", "Contactos asociados"],
            "zh": ["关联联系人"],
        },
        "contact_ids": {
            "en": ["Associated Contact IDs", "Associated Contact ID"],
            "es": ["ID de contactos asociados", "ID de contacto asociado"],
            "zh": ["关联联系人 ID", "关联联系人ID"],
        },
        "company": {
            "en": ["Associated Company", "Associated Company (Primary)", "Company Name"],
            "es": ["Empresa asociada", "Nombre de la empresa"],
            "zh": ["关联公司", "公司名称"],
        },
        "is_won": {
            "en": ["Is Closed Won", "Is closed won", "Is Closed Won?"],
            "es": ["Es cerrado ganado", "¿Cerrado ganado?"],
            "zh": ["是否成交", "已成交"],
        },
        "is_closed": {
            "en": ["Is Deal Closed?", "Is closed", "Is Closed"],
            "es": ["¿Negocio cerrado?", "Está cerrado"],
            "zh": ["交易是否关闭", "是否关闭"],
        },
        "country": {
            "en": ["Country/Region", "Country"],
            "es": ["País/región", "País"],
            "zh": ["国家/地区", "国家"],
        },
    },
)
