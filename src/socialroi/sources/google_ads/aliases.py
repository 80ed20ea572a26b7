"""Google Ads report download header names (docs/sources/google_ads.md).

The web interface writes abbreviated headers (`Impr.`, `Conv. value`); the first name of
each language is the current header, later ones are older or longer forms.
"""

from socialroi.model.aliases import register_aliases

register_aliases(
    "google_ads",
    "report",
    {
        "date": {"en": ["Day", "Date"], "es": ["Día", "Fecha"], "zh": ["天", "日期"]},
        "account_id": {
            "en": ["Customer ID", "Customer Id"],
            "es": ["ID de cliente"],
            "zh": ["客户 ID"],
        },
        "account_name": {
            "en": ["Account name", "Account"],
            "es": ["Nombre de la cuenta", "Cuenta"],
            "zh": ["账号名称", "帐号名称", "账号"],
        },
        "campaign_name": {"en": ["Campaign"], "es": ["Campaña"], "zh": ["广告系列"]},
        "campaign_id": {
            "en": ["Campaign ID"],
            "es": ["ID de campaña", "ID de la campaña"],
            "zh": ["广告系列 ID"],
        },
        "campaign_type": {
            "en": ["Campaign type", "Advertising channel type"],
            "es": ["Tipo de campaña"],
            "zh": ["广告系列类型"],
        },
        "ad_group_name": {"en": ["Ad group"], "es": ["Grupo de anuncios"], "zh": ["广告组"]},
        "ad_group_id": {
            "en": ["Ad group ID"],
            "es": ["ID del grupo de anuncios"],
            "zh": ["广告组 ID"],
        },
        "ad_id": {"en": ["Ad ID"], "es": ["ID del anuncio"], "zh": ["广告 ID"]},
        "ad_name": {"en": ["Ad name", "Ad"], "es": ["Nombre del anuncio"], "zh": ["广告名称"]},
        "currency": {
            "en": ["Currency code", "Currency"],
            "es": ["Código de moneda", "Moneda"],
            "zh": ["货币代码", "币种"],
        },
        "spend": {"en": ["Cost"], "es": ["Coste", "Costo"], "zh": ["费用"]},
        "impressions": {
            "en": ["Impr.", "Impressions"],
            "es": ["Impr.", "Impresiones"],
            "zh": ["展示次数"],
        },
        "clicks": {"en": ["Clicks"], "es": ["Clics"], "zh": ["点击次数"]},
        "video_views": {
            "en": ["TrueView views", "Views"],
            "es": ["Vistas de TrueView", "Visualizaciones"],
            "zh": ["TrueView 观看次数", "观看次数"],
        },
        "conversions": {"en": ["Conversions"], "es": ["Conversiones"], "zh": ["转化次数"]},
        "conversion_value": {
            "en": ["Conv. value", "Conversion value"],
            "es": ["Valor de conv.", "Valor de conversión"],
            "zh": ["转化价值"],
        },
    },
)
