"""TikTok Studio and TikTok Ads Manager header names (docs/sources/tiktok.md).

The first name of each language is the one the export writes today (the demo writer uses it);
older names follow (TikTok renamed "Video views" to "Post views" in 2024).
"""

from socialroi.model.aliases import register_aliases

DATE = {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]}

register_aliases(
    "tiktok",
    "studio_overview",
    {
        "metric_date": DATE,
        "views": {
            "en": ["Video Views", "Post views", "Video views"],
            "es": [
                "Visualizaciones de videos",
                "Visualizaciones de publicaciones",
                "Reproducciones de video",
            ],
            "zh": ["视频观看次数", "帖子观看次数", "视频播放量"],
        },
        "profile_views": {
            "en": ["Profile Views", "Profile views"],
            "es": ["Visualizaciones del perfil", "Visitas al perfil"],
            "zh": ["主页访问量", "主页访问次数", "主页浏览量"],
        },
        "likes": {"en": ["Likes"], "es": ["Me gusta"], "zh": ["点赞数", "点赞量"]},
        "comments": {"en": ["Comments"], "es": ["Comentarios"], "zh": ["评论数", "评论量"]},
        "shares": {
            "en": ["Shares"],
            "es": ["Veces compartido", "Compartidos"],
            "zh": ["分享次数", "分享量"],
        },
        # business-account overview: followers gained and lost, people reached
        "follows": {
            "en": ["New followers"],
            "es": ["Nuevos seguidores", "Seguidores nuevos"],
            "zh": ["新增粉丝数", "新粉丝"],
        },
        "unfollows": {
            "en": ["Lost followers"],
            "es": ["Seguidores perdidos"],
            "zh": ["流失粉丝数", "取关粉丝数"],
        },
        "reach": {
            "en": ["Reached audience", "Reached Audience"],
            "es": ["Audiencia alcanzada"],
            "zh": ["触达受众", "覆盖受众"],
        },
    },
)

register_aliases(
    "tiktok",
    "studio_followers",
    {
        "metric_date": DATE,
        "followers": {"en": ["Followers"], "es": ["Seguidores"], "zh": ["粉丝数", "粉丝"]},
        "follower_change": {
            "en": ["Difference in followers from previous day", "Net followers"],
            "es": ["Diferencia de seguidores respecto al día anterior", "Seguidores netos"],
            "zh": ["与前一天相比的粉丝数变化", "粉丝净增数"],
        },
    },
)

register_aliases(
    "tiktok",
    "studio_viewers",
    {
        "metric_date": DATE,
        "unique_viewers": {
            "en": ["Total Viewers", "Total viewers"],
            "es": ["Espectadores totales", "Total de espectadores"],
            "zh": ["观众总数", "总观众数"],
        },
        "new_viewers": {
            "en": ["New Viewers", "New viewers"],
            "es": ["Espectadores nuevos", "Nuevos espectadores"],
            "zh": ["新观众", "新观众数"],
        },
        "returning_viewers": {
            "en": ["Returning Viewers", "Returning viewers"],
            "es": ["Espectadores recurrentes"],
            "zh": ["回访观众", "回访观众数"],
        },
    },
)

register_aliases(
    "tiktok",
    "studio_content",
    {
        "export_time": {  # the leading column of the download: the day it was made
            "en": ["Time"],
            "es": ["Hora", "Tiempo"],
            "zh": ["时间"],
        },
        "caption": {
            "en": ["Video title", "Post title"],
            "es": ["Título del video", "Título de la publicación"],
            "zh": ["视频标题", "帖子标题"],
        },
        "url": {
            "en": ["Video link", "Post link"],
            "es": ["Enlace del video", "Enlace de la publicación"],
            "zh": ["视频链接", "帖子链接"],
        },
        "native_id": {
            "en": ["Video ID", "Post ID"],
            "es": ["ID del video"],
            "zh": ["视频ID", "视频 ID"],
        },
        "published": {
            "en": ["Post time", "Video publish time", "Posted on"],
            "es": ["Hora de publicación", "Fecha de publicación"],
            "zh": ["发布时间", "发布日期"],
        },
        "views": {
            "en": ["Total views", "Total video views", "Total post views"],
            "es": ["Visualizaciones totales", "Reproducciones totales"],
            "zh": ["总观看次数", "总播放量"],
        },
        "likes": {"en": ["Total likes"], "es": ["Me gusta totales"], "zh": ["总点赞数"]},
        "comments": {"en": ["Total comments"], "es": ["Comentarios totales"], "zh": ["总评论数"]},
        "shares": {
            "en": ["Total shares"],
            "es": ["Veces compartido totales", "Veces compartido"],
            "zh": ["总分享次数"],
        },
        "saves": {
            "en": ["Total saves", "Add to favorites", "Total bookmarks"],
            "es": ["Guardados totales", "Añadido a favoritos"],
            "zh": ["总收藏次数", "添加到收藏"],
        },
        "reach": {
            "en": ["Total reach", "Reach"],
            "es": ["Alcance total", "Alcance"],
            "zh": ["总覆盖人数", "覆盖人数"],
        },
    },
)

register_aliases(
    "tiktok",
    "ads",
    {
        "date": {
            "en": ["By Day", "Date", "Day"],
            "es": ["Por día", "Fecha", "Día"],
            "zh": ["按天", "日期"],
        },
        "account_name": {
            "en": ["Account name", "Advertiser name"],
            "es": ["Nombre de la cuenta", "Nombre del anunciante"],
            "zh": ["广告账户名称", "广告主名称"],
        },
        "account_id": {
            "en": ["Advertiser ID", "Account ID"],
            "es": ["ID del anunciante", "ID de la cuenta"],
            "zh": ["广告主ID", "广告账户ID"],
        },
        "campaign_name": {
            "en": ["Campaign name"],
            "es": ["Nombre de la campaña"],
            "zh": ["推广系列名称", "广告系列名称"],
        },
        "campaign_id": {
            "en": ["Campaign ID"],
            "es": ["ID de la campaña"],
            "zh": ["推广系列ID", "广告系列ID"],
        },
        "objective": {
            "en": ["Objective", "Advertising objective", "Campaign objective"],
            "es": ["Objetivo", "Objetivo publicitario"],
            "zh": ["推广目标", "广告目标"],
        },
        "ad_group_name": {
            "en": ["Ad group name"],
            "es": ["Nombre del grupo de anuncios"],
            "zh": ["广告组名称"],
        },
        "ad_group_id": {
            "en": ["Ad group ID"],
            "es": ["ID del grupo de anuncios"],
            "zh": ["广告组ID"],
        },
        "ad_name": {"en": ["Ad name"], "es": ["Nombre del anuncio"], "zh": ["广告名称"]},
        "ad_id": {"en": ["Ad ID"], "es": ["ID del anuncio"], "zh": ["广告ID"]},
        "currency": {"en": ["Currency"], "es": ["Moneda", "Divisa"], "zh": ["币种", "货币"]},
        "spend": {
            "en": ["Cost", "Spend", "Total cost"],
            "es": ["Costo", "Coste", "Gasto"],
            "zh": ["花费", "消耗", "总花费"],
        },
        "impressions": {
            "en": ["Impressions", "Impression"],
            "es": ["Impresiones", "Impresión"],
            "zh": ["展示次数", "展示量"],
        },
        "reach": {"en": ["Reach"], "es": ["Alcance"], "zh": ["覆盖人数"]},
        "clicks": {
            "en": ["Clicks (all)", "Clicks", "Click (all)", "Click"],
            "es": ["Clics (todos)", "Clics", "Clic"],
            "zh": ["点击量（全部）", "点击量"],
        },
        "link_clicks": {
            "en": ["Clicks (destination)", "Click (destination)"],
            "es": ["Clics (destino)"],
            "zh": ["点击量（目标页面）", "点击量（落地页）"],
        },
        "video_views": {
            "en": ["Video views", "Video Views", "Video view"],
            "es": ["Visualizaciones de video", "Reproducciones de video"],
            "zh": ["视频播放量", "视频观看次数"],
        },
        "conversions": {
            "en": ["Conversions", "Results", "Conversion", "Result"],
            "es": ["Conversiones", "Resultados"],
            "zh": ["转化数", "成效"],
        },
        "conversion_value": {
            "en": ["Total purchase value", "Total complete payment value", "Purchase value"],
            "es": ["Valor total de compra", "Valor total de pago completado"],
            "zh": ["总购买价值", "总完成支付价值"],
        },
    },
)
