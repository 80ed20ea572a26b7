"""X (Twitter) analytics and X Ads header names (docs/sources/x.md).

The legacy tweet activity exports (analytics.twitter.com, lower-case headers: `retweets`,
`replies`, `time`) and the current account analytics exports (x.com/i/account_analytics:
`Reposts`, `Replies`, `Date`) are listed under one canonical field each: Retweets→Reposts,
Tweet→Post. The first name of each language is the current export's header.
"""

from socialroi.model.aliases import register_aliases

POSTS = {
    "native_id": {
        "en": ["Post id", "Tweet id"],
        "es": ["Id. de la publicación", "Id. del Tweet"],
        "zh": ["帖子 ID", "推文 ID"],
    },
    "url": {
        "en": ["Post Link", "Tweet permalink", "Link"],
        "es": ["Enlace de la publicación", "Enlace permanente del Tweet"],
        "zh": ["帖子链接", "推文永久链接"],
    },
    "caption": {
        "en": ["Post text", "Tweet text"],
        "es": ["Texto de la publicación", "Texto del Tweet"],
        "zh": ["帖子文本", "推文文本"],
    },
    "published": {"en": ["Date", "time"], "es": ["Fecha", "hora"], "zh": ["日期", "时间"]},
    "impressions": {"en": ["Impressions"], "es": ["Impresiones"], "zh": ["展示量", "展现量"]},
    "likes": {  # `favorites`: the 2015 tweet activity header
        "en": ["Likes", "favorites"],
        "es": ["Me gusta", "favoritos"],
        "zh": ["喜欢", "喜欢次数"],
    },
    "video_views": {
        "en": ["media views", "Media views", "Video views"],
        "es": ["visualizaciones de contenido multimedia", "Reproducciones de video"],
        "zh": ["媒体浏览量", "视频观看次数"],
    },
    "engagements": {"en": ["Engagements"], "es": ["Interacciones"], "zh": ["互动", "互动次数"]},
    "saves": {"en": ["Bookmarks"], "es": ["Elementos guardados", "Marcadores"], "zh": ["书签"]},
    "shares": {
        "en": ["Reposts", "retweets"],
        "es": ["Reposts", "Retweets"],
        "zh": ["转帖", "转推"],
    },
    "comments": {"en": ["Replies"], "es": ["Respuestas"], "zh": ["回复"]},
    "follows": {
        "en": ["New follows", "follows"],
        "es": ["Nuevos seguidores", "Seguimientos"],
        "zh": ["新关注者", "关注"],
    },
    "link_clicks": {
        "en": ["URL Clicks", "url clicks"],
        "es": ["Clics en URL", "Clics en la URL"],
        "zh": ["URL 点击", "网址点击"],
    },
    "promoted_impressions": {
        "en": ["promoted impressions"],
        "es": ["impresiones promocionadas"],
        "zh": ["推广展示量"],
    },
}
register_aliases("x", "post_activity", POSTS)

register_aliases(
    "x",
    "account_daily",
    {
        "metric_date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
        "posts_published": {
            "en": ["Create Post", "Tweets published"],
            "es": ["Crear publicación", "Tweets publicados"],
            "zh": ["发帖", "已发布推文"],
        },
        "impressions": POSTS["impressions"],
        "likes": POSTS["likes"],
        "engagements": POSTS["engagements"],
        "shares": POSTS["shares"],
        "comments": POSTS["comments"],
        "follows": POSTS["follows"],
        "unfollows": {"en": ["Unfollows"], "es": ["Dejaron de seguir"], "zh": ["取消关注"]},
        "profile_views": {
            "en": ["Profile visits", "user profile clicks"],
            "es": ["Visitas al perfil", "clics en el perfil de usuario"],
            "zh": ["个人资料访问", "用户资料点击"],
        },
        "views": {
            "en": ["Video views"],
            "es": ["Reproducciones de video", "Visualizaciones de video"],
            "zh": ["视频观看次数"],
        },
    },
)

register_aliases(
    "x",
    "ads",
    {
        "date": {"en": ["Date", "Day"], "es": ["Fecha", "Día"], "zh": ["日期"]},
        "account_name": {"en": ["Account name"], "es": ["Nombre de la cuenta"], "zh": ["账户名称"]},
        "account_id": {"en": ["Account ID"], "es": ["ID de la cuenta"], "zh": ["账户 ID"]},
        "campaign_name": {
            "en": ["Campaign name"],
            "es": ["Nombre de la campaña"],
            "zh": ["广告系列名称"],
        },
        "campaign_id": {"en": ["Campaign ID"], "es": ["ID de la campaña"], "zh": ["广告系列 ID"]},
        "objective": {
            "en": ["Objective", "Campaign objective"],
            "es": ["Objetivo"],
            "zh": ["目标"],
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
        "ad_name": {"en": ["Ad name"], "es": ["Nombre del anuncio"], "zh": ["广告名称"]},
        "ad_id": {"en": ["Ad ID"], "es": ["ID del anuncio"], "zh": ["广告 ID"]},
        "currency": {"en": ["Currency"], "es": ["Moneda"], "zh": ["币种", "货币"]},
        "spend": {
            "en": ["Spend"],
            "es": ["Gasto"],
            "zh": ["花费", "支出"],
        },
        "impressions": {"en": ["Impressions"], "es": ["Impresiones"], "zh": ["展示量", "展现量"]},
        "reach": {"en": ["Reach"], "es": ["Alcance"], "zh": ["覆盖人数"]},
        "clicks": {"en": ["Clicks"], "es": ["Clics"], "zh": ["点击"]},
        "link_clicks": {"en": ["Link clicks"], "es": ["Clics en el enlace"], "zh": ["链接点击"]},
        "video_views": {
            "en": ["Video views"],
            "es": ["Reproducciones de video"],
            "zh": ["视频观看次数"],
        },
        "conversions": {
            "en": ["Conversions", "Purchases"],
            "es": ["Conversiones", "Compras"],
            "zh": ["转化", "购买"],
        },
        "conversion_value": {
            "en": ["Conversion value", "Purchase value"],
            "es": ["Valor de la conversión", "Valor de compra"],
            "zh": ["转化价值", "购买价值"],
        },
    },
)
