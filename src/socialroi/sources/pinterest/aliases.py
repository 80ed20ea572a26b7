"""Pinterest Analytics and Pinterest Ads Manager header names (docs/sources/pinterest.md).

Pinterest renamed "Closeups" to "Pin clicks" and "Link clicks" to "Outbound clicks"; old and
new names sit under one field. The first name of each language is the current header.
"""

from socialroi.model.aliases import register_aliases

IMPRESSIONS = {"en": ["Impressions"], "es": ["Impresiones"], "zh": ["展示次数", "展示量"]}
ENGAGEMENTS = {
    "en": ["Engagements", "Engagement"],
    "es": ["Interacciones"],
    "zh": ["互动次数", "互动"],
}
PIN_CLICKS = {
    "en": ["Pin clicks", "Closeups"],
    "es": ["Clics en el Pin", "Clics en Pines"],
    "zh": ["Pin 图点击次数", "图钉点击次数"],
}
OUTBOUND = {
    "en": ["Outbound clicks", "Link clicks"],
    "es": ["Clics salientes", "Clics en el enlace"],
    "zh": ["出站点击次数", "链接点击次数"],
}
SAVES = {"en": ["Saves", "Repins"], "es": ["Guardados"], "zh": ["保存次数", "收藏次数"]}
VIDEO_VIEWS = {
    "en": ["Video views", "Video starts"],
    "es": ["Reproducciones de video", "Visualizaciones de video"],
    "zh": ["视频观看次数", "视频播放次数"],
}
DATE = {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]}

register_aliases(
    "pinterest",
    "pins",
    {
        "native_id": {
            "en": ["Pin ID", "Pin id"],
            "es": ["ID del Pin"],
            "zh": ["Pin 图 ID", "图钉 ID"],
        },
        "caption": {
            "en": ["Pin title", "Title", "Pin description"],
            "es": ["Título del Pin", "Título"],
            "zh": ["Pin 图标题", "标题"],
        },
        "url": {"en": ["Pin link", "Pin URL"], "es": ["Enlace del Pin"], "zh": ["Pin 图链接"]},
        "published": {
            "en": ["Created at", "Pin created date", "Published at", "Creation date"],
            "es": ["Fecha de creación", "Creado el"],
            "zh": ["创建日期", "创建时间"],
        },
        "format": {"en": ["Format", "Pin format"], "es": ["Formato"], "zh": ["格式"]},
        "impressions": IMPRESSIONS,
        "engagements": ENGAGEMENTS,
        "clicks": PIN_CLICKS,
        "link_clicks": OUTBOUND,
        "saves": SAVES,
        "video_views": VIDEO_VIEWS,
    },
)

register_aliases(
    "pinterest",
    "overview",
    {
        "metric_date": DATE,
        "impressions": IMPRESSIONS,
        "engagements": ENGAGEMENTS,
        "pin_clicks": PIN_CLICKS,
        "outbound_clicks": OUTBOUND,
        "saves": SAVES,
        "reach": {
            "en": ["Total audience", "Audience"],
            "es": ["Audiencia total", "Público total"],
            "zh": ["总受众", "总受众人数"],
        },
        "profile_views": {
            "en": ["Profile visits"],
            "es": ["Visitas al perfil"],
            "zh": ["主页访问次数", "个人资料访问次数"],
        },
        "follows": {
            "en": ["Follows", "New followers"],
            "es": ["Seguimientos", "Nuevos seguidores"],
            "zh": ["关注次数", "新粉丝"],
        },
    },
)

register_aliases(
    "pinterest",
    "ads",
    {
        "date": DATE,
        "account_name": {
            "en": ["Ad account name", "Advertiser name"],
            "es": ["Nombre de la cuenta publicitaria"],
            "zh": ["广告账户名称"],
        },
        "account_id": {
            "en": ["Ad account ID", "Advertiser ID"],
            "es": ["ID de la cuenta publicitaria"],
            "zh": ["广告账户 ID"],
        },
        "campaign_name": {
            "en": ["Campaign name"],
            "es": ["Nombre de la campaña"],
            "zh": ["广告系列名称"],
        },
        "campaign_id": {"en": ["Campaign ID"], "es": ["ID de la campaña"], "zh": ["广告系列 ID"]},
        "objective": {
            "en": ["Campaign objective", "Objective"],
            "es": ["Objetivo de la campaña"],
            "zh": ["广告系列目标"],
        },
        "ad_group_name": {
            "en": ["Ad group name"],
            "es": ["Nombre del grupo de anuncios"],
            "zh": ["广告组名称"],
        },
        "ad_group_id": {
            "en": ["Ad group ID"],
            "es": ["ID del grupo de anuncios"],
            "zh": ["广告组 ID"],
        },
        "ad_name": {
            "en": ["Ad name", "Promoted Pin name"],
            "es": ["Nombre del anuncio"],
            "zh": ["广告名称"],
        },
        "ad_id": {"en": ["Ad ID", "Promoted Pin ID"], "es": ["ID del anuncio"], "zh": ["广告 ID"]},
        "currency": {
            "en": ["Currency", "Ad account currency"],
            "es": ["Moneda"],
            "zh": ["币种", "货币"],
        },
        "spend": {
            "en": ["Spend in account currency", "Spend"],
            "es": ["Gasto en la moneda de la cuenta", "Gasto"],
            "zh": ["以账户币种计的花费", "花费"],
        },
        "impressions": {
            "en": ["Paid impressions", "Impressions"],
            "es": ["Impresiones pagadas", "Impresiones"],
            "zh": ["付费展示次数", "展示次数"],
        },
        "reach": {"en": ["Paid reach", "Reach"], "es": ["Alcance pagado"], "zh": ["付费覆盖人数"]},
        "clicks": {
            "en": ["Paid Pin clicks", "Pin clicks"],
            "es": ["Clics en el Pin pagados", "Clics en el Pin"],
            "zh": ["付费 Pin 图点击次数", "Pin 图点击次数"],
        },
        "link_clicks": {
            "en": ["Paid outbound clicks", "Outbound clicks"],
            "es": ["Clics salientes pagados", "Clics salientes"],
            "zh": ["付费出站点击次数", "出站点击次数"],
        },
        "video_views": {
            "en": ["Paid video views", "Video views"],
            "es": ["Reproducciones de video pagadas"],
            "zh": ["付费视频观看次数"],
        },
        "conversions": {
            "en": ["Total conversions", "Conversions"],
            "es": ["Conversiones totales", "Conversiones"],
            "zh": ["总转化次数", "转化次数"],
        },
        "conversion_value": {
            "en": ["Total order value", "Total conversion value"],
            "es": ["Valor total del pedido"],
            "zh": ["订单总价值"],
        },
    },
)
