"""Header names of the Salesforce opportunities report export (docs/sources/salesforce.md).

Report exports use the field labels of the exporting user's language.
"""

from socialroi.model.aliases import register_aliases

register_aliases(
    "salesforce",
    "opportunities",
    {
        "opportunity_name": {
            "en": ["Opportunity Name"],
            "es": ["Nombre de la oportunidad"],
            "zh": ["业务机会名称"],
        },
        "account_name": {"en": ["Account Name"], "es": ["Nombre de la cuenta"], "zh": ["客户名称"]},
        "owner": {
            "en": ["Opportunity Owner"],
            "es": ["Propietario de oportunidad", "Propietario de la oportunidad"],
            "zh": ["业务机会所有人"],
        },
        "stage": {"en": ["Stage"], "es": ["Etapa"], "zh": ["阶段"]},
        "amount": {"en": ["Amount"], "es": ["Importe", "Monto"], "zh": ["金额"]},
        "currency": {
            "en": ["Amount Currency", "Opportunity Currency", "Currency"],
            "es": ["Divisa del importe", "Divisa de la oportunidad", "Divisa"],
            "zh": ["金额币种", "业务机会币种", "币种"],
        },
        "probability": {
            "en": ["Probability (%)"],
            "es": ["Probabilidad (%)"],
            "zh": ["可能性 (%)", "可能性(%)"],
        },
        "created_date": {"en": ["Created Date"], "es": ["Fecha de creación"], "zh": ["创建日期"]},
        "close_date": {
            "en": ["Close Date"],
            "es": ["Fecha de cierre"],
            "zh": ["结束日期", "完成日期"],
        },
        "lead_source": {
            "en": ["Lead Source"],
            "es": ["Origen del candidato", "Origen de prospecto"],
            "zh": ["潜在客户来源"],
        },
        "campaign": {
            "en": ["Primary Campaign Source", "Campaign"],
            "es": ["Origen de la campaña principal", "Campaña"],
            "zh": ["主要市场活动来源", "市场活动"],
        },
        "type": {"en": ["Type"], "es": ["Tipo"], "zh": ["类型"]},
        "won": {"en": ["Won"], "es": ["Ganada", "Ganado"], "zh": ["赢得", "已赢得"]},
        "closed": {"en": ["Closed"], "es": ["Cerrada", "Cerrado"], "zh": ["已结束", "已关闭"]},
        "opportunity_id": {
            "en": ["Opportunity ID", "Opportunity Id"],
            "es": ["Id. de oportunidad", "ID de la oportunidad"],
            "zh": ["业务机会 ID", "业务机会ID"],
        },
        "country": {
            "en": ["Billing Country", "Account: Billing Country", "Country"],
            "es": ["País de facturación", "Cuenta: País de facturación", "País"],
            "zh": ["开票国家/地区", "国家/地区", "国家"],
        },
    },
)
