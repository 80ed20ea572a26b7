"""Header names of LinkedIn's exports, per language (documented in docs/sources/linkedin.md).

LinkedIn renamed "Shares" to "Reposts" (2023) and writes "Likes" or "Reactions", "Follows" or
"Followers", "Posted by" or "Published by" depending on the export's age: old and new names
sit under one field. Header matching is NFKC and case-insensitive, so full-width brackets in
Chinese headers (`展示次数（自然）`) match the half-width names below.
"""

from socialroi.model.aliases import register_aliases

# Sheet names of the Page analytics workbooks (matched like headers).
register_aliases(
    "linkedin",
    "sheets",
    {
        "metrics": {"en": ["Metrics"], "es": ["Métricas", "Metricas"], "zh": ["指标", "数据指标"]},
        "all_posts": {
            "en": ["All posts", "All updates"],
            "es": ["Todas las publicaciones", "Todas las actualizaciones"],
            "zh": ["所有动态", "全部动态"],
        },
        "new_followers": {
            "en": ["New followers", "Followers"],
            "es": ["Nuevos seguidores", "Seguidores"],
            "zh": ["新关注者", "新增关注者"],
        },
        "visitor_metrics": {
            "en": ["Visitor metrics"],
            "es": ["Métricas de visitantes", "Metricas de visitantes"],
            "zh": ["访客指标"],
        },
    },
)

# Content export, `Metrics` sheet: one row per day. Organic columns are read; the sponsored
# delivery of the same days comes from Campaign Manager into ad_metrics.
register_aliases(
    "linkedin",
    "page_content",
    {
        "date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
        "impressions": {
            "en": ["Impressions (organic)", "Impressions"],
            "es": ["Impresiones (orgánicas)", "Impresiones (orgánico)", "Impresiones"],
            "zh": ["展示次数（自然）", "展示次数"],
        },
        "impressions_total": {
            "en": ["Impressions (total)"],
            "es": ["Impresiones (totales)", "Impresiones (total)"],
            "zh": ["展示次数（总计）", "展示次数（总数）"],
        },
        "impressions_sponsored": {
            "en": ["Impressions (sponsored)"],
            "es": ["Impresiones (patrocinadas)", "Impresiones (patrocinado)"],
            "zh": ["展示次数（赞助）"],
        },
        "reach": {
            "en": ["Unique impressions (organic)", "Unique impressions"],
            "es": ["Impresiones únicas (orgánicas)", "Impresiones únicas"],
            "zh": ["唯一展示次数（自然）", "独立展示次数（自然）", "唯一展示次数"],
        },
        "clicks": {
            "en": ["Clicks (organic)", "Clicks"],
            "es": ["Clics (orgánicos)", "Clics"],
            "zh": ["点击次数（自然）", "点击次数"],
        },
        "likes": {
            "en": ["Reactions (organic)", "Reactions", "Likes (organic)"],
            "es": ["Reacciones (orgánicas)", "Reacciones", "Recomendaciones (orgánicas)"],
            "zh": ["回应（自然）", "回应", "赞（自然）"],
        },
        "comments": {
            "en": ["Comments (organic)", "Comments"],
            "es": ["Comentarios (orgánicos)", "Comentarios"],
            "zh": ["评论（自然）", "评论"],
        },
        "shares": {
            "en": ["Reposts (organic)", "Shares (organic)", "Reposts", "Shares"],
            "es": [
                "Reposts (orgánicos)",
                "Veces compartido (orgánico)",
                "Contenido compartido (orgánico)",
                "Veces compartido",
            ],
            "zh": ["转发（自然）", "分享（自然）", "转发", "分享"],
        },
        "engagement_rate": {
            "en": ["Engagement rate (organic)", "Engagement rate"],
            "es": ["Tasa de interacción (orgánica)", "Tasa de interacción"],
            "zh": ["互动率（自然）", "互动率"],
        },
    },
)

# Content export, `All posts` sheet: one row per post, figures since publication.
register_aliases(
    "linkedin",
    "page_content_posts",
    {
        "caption": {
            "en": ["Post title", "Update title"],
            "es": ["Título de la publicación", "Título de la actualización"],
            "zh": ["动态标题", "帖子标题"],
        },
        "url": {
            "en": ["Post link", "Update link"],
            "es": ["Enlace de la publicación", "Enlace de la actualización"],
            "zh": ["动态链接", "帖子链接"],
        },
        "post_type": {
            "en": ["Post type", "Update type"],
            "es": ["Tipo de publicación", "Tipo de actualización"],
            "zh": ["动态类型", "帖子类型"],
        },
        "campaign_name": {
            "en": ["Campaign name"],
            "es": ["Nombre de la campaña"],
            "zh": ["广告系列名称"],
        },
        "posted_by": {
            "en": ["Posted by", "Published by"],
            "es": ["Publicado por"],
            "zh": ["发布者"],
        },
        "created": {
            "en": ["Created date", "Date"],
            "es": ["Fecha de creación", "Fecha"],
            "zh": ["创建日期", "日期"],
        },
        "audience": {"en": ["Audience"], "es": ["Público"], "zh": ["受众"]},
        "impressions": {"en": ["Impressions"], "es": ["Impresiones"], "zh": ["展示次数"]},
        "video_views": {
            "en": ["Views", "Views (excluding off-site video views)", "Video views"],
            "es": ["Visualizaciones", "Reproducciones"],
            "zh": ["观看次数", "浏览量"],
        },
        "clicks": {"en": ["Clicks"], "es": ["Clics"], "zh": ["点击次数"]},
        "likes": {
            "en": ["Likes", "Reactions"],
            "es": ["Recomendaciones", "Reacciones", "Me gusta"],
            "zh": ["赞", "回应"],
        },
        "comments": {"en": ["Comments"], "es": ["Comentarios"], "zh": ["评论"]},
        "shares": {
            "en": ["Reposts", "Shares"],
            "es": ["Reposts", "Veces compartido", "Contenido compartido"],
            "zh": ["转发", "分享"],
        },
        "follows": {
            "en": ["Follows", "Followers"],
            "es": ["Seguimientos", "Seguidores"],
            "zh": ["关注", "关注者"],
        },
        "engagement_rate": {
            "en": ["Engagement rate"],
            "es": ["Tasa de interacción"],
            "zh": ["互动率"],
        },
        "content_type": {
            "en": ["Content Type", "Content type"],
            "es": ["Tipo de contenido"],
            "zh": ["内容类型"],
        },
    },
)

# Followers export, `New followers` sheet: new follows per day. "Total followers" there is
# the day's new followers (sponsored + organic + auto-invited), not the running total.
register_aliases(
    "linkedin",
    "page_followers",
    {
        "date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
        "sponsored": {
            "en": ["Sponsored followers", "Followers Sponsored"],
            "es": ["Seguidores patrocinados"],
            "zh": ["赞助关注者", "付费关注者"],
        },
        "organic": {
            "en": ["Organic followers", "Followers Organic"],
            "es": ["Seguidores orgánicos"],
            "zh": ["自然关注者"],
        },
        "auto_invited": {
            "en": ["Auto-invited followers"],
            "es": ["Seguidores invitados automáticamente"],
            "zh": ["自动邀请的关注者"],
        },
        "follows": {
            "en": ["Total followers", "Total new followers"],
            "es": ["Seguidores totales", "Total de seguidores"],
            "zh": ["关注者总数", "新关注者总数"],
        },
    },
)

# Visitors export, `Visitor metrics` sheet: page views per day, by page section and device.
register_aliases(
    "linkedin",
    "page_visitors",
    {
        "date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
        "profile_views": {
            "en": ["Total page views (total)", "Total page views"],
            "es": [
                "Visualizaciones de página totales (total)",
                "Total de visualizaciones de página (total)",
            ],
            "zh": ["页面浏览总量（总计）", "总页面浏览量（总计）"],
        },
        "overview_views": {
            "en": ["Overview page views (total)"],
            "es": ["Visualizaciones de la página de resumen (total)"],
            "zh": ["概览页面浏览量（总计）"],
        },
        "unique_visitors": {
            "en": ["Total unique visitors (total)"],
            "es": ["Visitantes únicos totales (total)"],
            "zh": ["独立访客总数（总计）"],
        },
    },
)

# Campaign Manager performance reports (campaign or ad level), CSV.
register_aliases(
    "linkedin",
    "campaign_manager",
    {
        "date": {
            "en": ["Start Date (in UTC)", "Start Date", "Date"],
            "es": ["Fecha de inicio (en UTC)", "Fecha de inicio", "Fecha"],
            "zh": ["开始日期（UTC 时间）", "开始日期", "日期"],
        },
        "end_date": {
            "en": ["End Date (in UTC)", "End Date"],
            "es": ["Fecha de finalización (en UTC)", "Fecha de finalización"],
            "zh": ["结束日期（UTC 时间）", "结束日期"],
        },
        "account_name": {
            "en": ["Account Name"],
            "es": ["Nombre de la cuenta"],
            "zh": ["账户名称", "帐户名称"],
        },
        "account_native_id": {
            "en": ["Account ID"],
            "es": ["ID de la cuenta"],
            "zh": ["账户编号", "帐户编号"],
        },
        "campaign_group_name": {
            "en": ["Campaign Group Name"],
            "es": ["Nombre del grupo de campañas"],
            "zh": ["广告系列组名称"],
        },
        "campaign_group_id": {
            "en": ["Campaign Group ID"],
            "es": ["ID del grupo de campañas"],
            "zh": ["广告系列组编号"],
        },
        "campaign_name": {
            "en": ["Campaign Name"],
            "es": ["Nombre de la campaña"],
            "zh": ["广告系列名称"],
        },
        "campaign_id": {"en": ["Campaign ID"], "es": ["ID de la campaña"], "zh": ["广告系列编号"]},
        "campaign_type": {
            "en": ["Campaign Type"],
            "es": ["Tipo de campaña"],
            "zh": ["广告系列类型"],
        },
        "objective": {
            "en": ["Campaign Objective", "Objective"],
            "es": ["Objetivo de la campaña", "Objetivo"],
            "zh": ["广告系列目标", "目标"],
        },
        "ad_name": {
            "en": ["Ad Name", "Creative Name"],
            "es": ["Nombre del anuncio"],
            "zh": ["广告名称"],
        },
        "ad_id": {
            "en": ["Creative ID", "Ad ID"],
            "es": ["ID del anuncio", "ID de la creatividad"],
            "zh": ["广告编号", "创意编号"],
        },
        "spend": {
            "en": ["Total Spent", "Amount Spent", "Spent"],
            "es": ["Importe total gastado", "Total gastado", "Importe gastado"],
            "zh": ["总花费", "花费"],
        },
        "currency": {"en": ["Currency"], "es": ["Moneda", "Divisa"], "zh": ["货币", "币种"]},
        "impressions": {"en": ["Impressions"], "es": ["Impresiones"], "zh": ["展示次数"]},
        "reach": {
            "en": ["Reach", "Approximate Member Reach"],
            "es": ["Alcance", "Alcance aproximado de miembros"],
            "zh": ["覆盖人数", "大致会员覆盖人数"],
        },
        "clicks": {"en": ["Clicks"], "es": ["Clics"], "zh": ["点击次数"]},
        "link_clicks": {
            "en": ["Clicks to Landing Page", "Landing Page Clicks"],
            "es": ["Clics en la página de destino"],
            "zh": ["落地页点击次数", "着陆页点击次数"],
        },
        "video_views": {
            "en": ["Video Views", "Views"],
            "es": ["Reproducciones de vídeo", "Visualizaciones de vídeo"],
            "zh": ["视频观看次数"],
        },
        "platform_conversions": {
            "en": ["Conversions", "Total Conversions"],
            "es": ["Conversiones"],
            "zh": ["转化次数", "转化"],
        },
        "platform_conversion_value": {
            "en": ["Total Conversion Value", "Conversion Value"],
            "es": ["Valor total de conversión", "Valor de conversión"],
            "zh": ["转化总价值", "转化价值"],
        },
        "leads": {"en": ["Leads"], "es": ["Clientes potenciales"], "zh": ["潜在客户"]},
        "ctr": {
            "en": ["Average CTR", "Click Through Rate"],
            "es": ["CTR medio"],
            "zh": ["平均点击率"],
        },
        "reactions": {"en": ["Reactions"], "es": ["Reacciones"], "zh": ["回应"]},
    },
)
