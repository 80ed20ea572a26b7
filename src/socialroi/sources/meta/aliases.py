"""Header names of Meta's exports, per canonical field, in English, Spanish and Chinese.

Meta renamed `Impressions` to `Views` (Business Suite, 2024-2025): both names sit under
`impressions`. Spanish and Chinese names are the ones Business Suite and Ads Manager show when
the user's Facebook language is Español or 中文(简体); older and newer wordings are listed
together. See docs/sources/meta.md for how every field is used.
"""

from socialroi.model.aliases import register_aliases

# -- Meta Business Suite: Content > Posts / Stories > Export (CSV) ------------------------
register_aliases(
    "meta",
    "business_suite_posts",
    {
        "native_id": {
            "en": ["Post ID"],
            "es": ["Identificador de la publicación", "ID de la publicación"],
            "zh": ["帖子编号", "帖子 ID", "帖子ID"],
        },
        # Instagram flavour: the account's numeric id, username and display name.
        "account_native_id": {
            "en": ["Account ID"],
            "es": ["Identificador de la cuenta", "ID de la cuenta"],
            "zh": ["账户编号", "帐户编号", "账户 ID"],
        },
        "handle": {
            "en": ["Account username"],
            "es": ["Nombre de usuario de la cuenta"],
            "zh": ["账户用户名", "帐户用户名"],
        },
        "account_name": {
            "en": ["Account name"],
            "es": ["Nombre de la cuenta"],
            "zh": ["账户名称", "帐户名称"],
        },
        # Facebook flavour: the Page's id and name.
        "page_id": {
            "en": ["Page ID"],
            "es": ["Identificador de la página", "ID de la página"],
            "zh": ["公共主页编号", "公共主页 ID", "主页编号"],
        },
        "page_name": {
            "en": ["Page name"],
            "es": ["Nombre de la página"],
            "zh": ["公共主页名称", "主页名称"],
        },
        "title": {"en": ["Title"], "es": ["Título"], "zh": ["标题"]},
        "caption": {"en": ["Description"], "es": ["Descripción"], "zh": ["描述", "说明"]},
        "duration": {
            "en": ["Duration (sec)"],
            "es": ["Duración (s)", "Duración (segundos)", "Duración (seg)"],
            "zh": ["时长（秒）", "时长 (秒)", "时长(秒)"],
        },
        "published_at": {
            "en": ["Publish time"],
            "es": ["Hora de publicación", "Fecha de publicación"],
            "zh": ["发布时间"],
        },
        "url": {"en": ["Permalink"], "es": ["Enlace permanente"], "zh": ["永久链接"]},
        "format": {
            "en": ["Post type"],
            "es": ["Tipo de publicación"],
            "zh": ["帖子类型"],
        },
        "data_comment": {
            "en": ["Data comment"],
            "es": ["Comentario sobre los datos", "Comentario de datos"],
            "zh": ["数据备注", "数据说明"],
        },
        "metric_date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
        # Impressions was renamed Views: one field.
        "impressions": {
            "en": ["Views", "Impressions"],
            "es": ["Visualizaciones", "Impresiones"],
            "zh": ["浏览次数", "观看次数", "展示次数"],
        },
        "reach": {"en": ["Reach"], "es": ["Alcance"], "zh": ["覆盖人数"]},
        # Instagram says Likes, Facebook says Reactions.
        "likes": {
            "en": ["Likes", "Reactions"],
            "es": ["Me gusta", "Reacciones"],
            "zh": ["赞", "获赞数", "心情"],
        },
        "comments": {"en": ["Comments"], "es": ["Comentarios"], "zh": ["评论数", "评论"]},
        "shares": {
            "en": ["Shares"],
            "es": ["Veces que se compartió", "Veces compartido", "Compartidos"],
            "zh": ["分享次数", "分享"],
        },
        "saves": {
            "en": ["Saves"],
            "es": ["Veces que se guardó", "Guardados"],
            "zh": ["收藏次数", "保存次数"],
        },
        "follows": {
            "en": ["Follows"],
            "es": ["Seguimientos", "Nuevos seguidores"],
            "zh": ["关注次数", "关注"],
        },
        "clicks": {
            "en": ["Total clicks"],
            "es": ["Clics totales", "Total de clics"],
            "zh": ["总点击量", "点击总数"],
        },
        "link_clicks": {
            "en": ["Link clicks", "Link Clicks"],
            "es": ["Clics en el enlace"],
            "zh": ["链接点击量"],
        },
        "video_views": {
            "en": ["Plays", "3-second video views"],
            "es": ["Reproducciones", "Reproducciones de video de 3 segundos"],
            "zh": ["播放次数", "3 秒视频观看次数"],
        },
        "watch_seconds": {
            "en": ["Seconds viewed"],
            "es": ["Segundos reproducidos", "Segundos de reproducción"],
            "zh": ["观看秒数", "观看时长（秒）"],
        },
    },
)

# -- Meta Business Suite: Insights > (metric) > Export: one CSV per metric ----------------
# The file's title line names the metric; `Date` / `Primary` are its two columns. The titles
# are listed here under the account_metrics column they fill (platform words are stripped
# before matching, so "Instagram reach" and "Facebook reach" both match "Reach").
register_aliases(
    "meta",
    "business_suite_metric",
    {
        "metric_date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
        "value": {"en": ["Primary"], "es": ["Principal"], "zh": ["主要", "主要数据"]},
        "reach": {"en": ["Reach"], "es": ["Alcance"], "zh": ["覆盖人数"]},
        "impressions": {
            "en": ["Views", "Impressions"],
            "es": ["Visualizaciones", "Impresiones"],
            "zh": ["浏览次数", "观看次数", "展示次数"],
        },
        "unique_viewers": {"en": ["Viewers"], "es": ["Espectadores"], "zh": ["观看者", "观众"]},
        "follows": {
            "en": ["Follows", "New follows"],
            "es": ["Seguimientos", "Nuevos seguidores"],
            "zh": ["关注", "关注次数", "新增关注"],
        },
        "unfollows": {
            "en": ["Unfollows"],
            "es": ["Dejaron de seguir", "Dejar de seguir"],
            "zh": ["取消关注", "取消关注次数"],
        },
        "followers": {"en": ["Followers"], "es": ["Seguidores"], "zh": ["粉丝", "粉丝数"]},
        "profile_views": {
            "en": ["Profile visits", "Visits", "Page visits"],
            "es": ["Visitas al perfil", "Visitas", "Visitas a la página"],
            "zh": ["主页访问量", "主页访问次数", "访问量", "访问次数"],
        },
        "engagements": {
            "en": ["Content interactions", "Interactions"],
            "es": ["Interacciones con el contenido", "Interacciones"],
            "zh": ["内容互动", "内容互动次数", "互动"],
        },
        # account_metrics has no link-click column: read, counted, not stored (a finding).
        "link_clicks": {
            "en": ["Link clicks"],
            "es": ["Clics en el enlace"],
            "zh": ["链接点击量", "链接点击次数"],
        },
    },
)

# -- Facebook Page Insights: Export Data > Post data (classic, two header rows) -----------
_STORIES = {
    "en": "Lifetime Post Stories by action type - {}",
    "en2": "Lifetime Talking About This (Post) by action type - {}",
    "es": "Historias de la publicación durante su vida útil por tipo de acción - {}",
    "zh": "终身帖子动态（按操作类型）- {}",
}


def _by_action(en: str, es: str, zh: str) -> dict[str, list[str]]:
    return {
        "en": [_STORIES["en"].format(en), _STORIES["en2"].format(en)],
        "es": [_STORIES["es"].format(es)],
        "zh": [_STORIES["zh"].format(zh)],
    }


register_aliases(
    "meta",
    "page_insights_posts",
    {
        "native_id": {
            "en": ["Post ID"],
            "es": ["Identificador de la publicación", "ID de la publicación"],
            "zh": ["帖子编号", "帖子 ID"],
        },
        "url": {"en": ["Permalink"], "es": ["Enlace permanente"], "zh": ["永久链接"]},
        "caption": {
            "en": ["Post Message"],
            "es": ["Mensaje de la publicación"],
            "zh": ["帖子消息", "帖子内容"],
        },
        "format": {"en": ["Type"], "es": ["Tipo"], "zh": ["类型"]},
        "published_at": {
            "en": ["Posted"],
            "es": ["Publicado", "Fecha de publicación"],
            "zh": ["发布时间", "发布日期"],
        },
        "reach": {
            "en": ["Lifetime Post Total Reach"],
            "es": ["Alcance total de la publicación durante su vida útil"],
            "zh": ["终身帖子总覆盖人数"],
        },
        "impressions": {
            "en": ["Lifetime Post Total Impressions"],
            "es": ["Impresiones totales de la publicación durante su vida útil"],
            "zh": ["终身帖子总展示次数"],
        },
        "engagements": {
            "en": ["Lifetime Engaged Users"],
            "es": ["Usuarios que interactuaron durante su vida útil"],
            "zh": ["终身互动用户"],
        },
        "clicks": {
            "en": ["Lifetime Post Consumptions"],
            "es": ["Consumos de la publicación durante su vida útil"],
            "zh": ["终身帖子消费次数"],
        },
        "link_clicks": {
            "en": ["Lifetime Post Consumptions by type - link clicks"],
            "es": ["Consumos de la publicación durante su vida útil por tipo - clics en el enlace"],
            "zh": ["终身帖子消费次数（按类型）- 链接点击"],
        },
        "likes": _by_action("like", "me gusta", "赞"),
        "comments": _by_action("comment", "comentario", "评论"),
        "shares": _by_action("share", "compartir", "分享"),
        # The first of two same-named columns is the Total Count, the second (`name#2` in
        # HeaderMap) the Unique Users count; the parser checks the description row.
        "video_views_organic": {
            "en": ["Lifetime Organic Video Views"],
            "es": ["Reproducciones orgánicas del video durante su vida útil"],
            "zh": ["终身自然视频观看次数"],
        },
        "video_views_paid": {
            "en": ["Lifetime Paid Video Views"],
            "es": ["Reproducciones pagadas del video durante su vida útil"],
            "zh": ["终身付费视频观看次数"],
        },
    },
)

# Column names of the breakdown sheets of the classic XLSX ("Lifetime Post Stories by act...").
register_aliases(
    "meta",
    "page_insights_breakdown",
    {
        "likes": {"en": ["like"], "es": ["me gusta"], "zh": ["赞"]},
        "comments": {"en": ["comment"], "es": ["comentario"], "zh": ["评论"]},
        "shares": {"en": ["share"], "es": ["compartir"], "zh": ["分享"]},
        "link_clicks": {"en": ["link clicks"], "es": ["clics en el enlace"], "zh": ["链接点击"]},
    },
)

# -- Meta Ads Manager: Reports > Export table data (CSV / XLSX) ---------------------------
register_aliases(
    "meta",
    "ads_manager",
    {
        "reporting_starts": {
            "en": ["Reporting starts"],
            "es": ["Inicio del informe"],
            "zh": ["报告开始日期"],
        },
        "reporting_ends": {
            "en": ["Reporting ends"],
            "es": ["Fin del informe"],
            "zh": ["报告结束日期"],
        },
        "day": {"en": ["Day"], "es": ["Día"], "zh": ["单日", "天"]},
        "account_name": {
            "en": ["Account name"],
            "es": ["Nombre de la cuenta"],
            "zh": ["账户名称", "帐户名称"],
        },
        "account_native_id": {
            "en": ["Account ID"],
            "es": ["Identificador de la cuenta", "ID de la cuenta"],
            "zh": ["账户编号", "帐户编号", "账户 ID"],
        },
        "campaign_name": {
            "en": ["Campaign name"],
            "es": ["Nombre de la campaña"],
            "zh": ["广告系列名称"],
        },
        "campaign_native_id": {
            "en": ["Campaign ID"],
            "es": ["Identificador de la campaña", "ID de la campaña"],
            "zh": ["广告系列编号", "广告系列 ID"],
        },
        "ad_group_name": {
            "en": ["Ad set name"],
            "es": ["Nombre del conjunto de anuncios"],
            "zh": ["广告组名称"],
        },
        "ad_group_native_id": {
            "en": ["Ad set ID"],
            "es": ["Identificador del conjunto de anuncios", "ID del conjunto de anuncios"],
            "zh": ["广告组编号", "广告组 ID"],
        },
        "ad_name": {"en": ["Ad name"], "es": ["Nombre del anuncio"], "zh": ["广告名称"]},
        "ad_native_id": {
            "en": ["Ad ID"],
            "es": ["Identificador del anuncio", "ID del anuncio"],
            "zh": ["广告编号", "广告 ID"],
        },
        "objective": {
            "en": ["Objective", "Campaign objective"],
            "es": ["Objetivo", "Objetivo de la campaña"],
            "zh": ["目标", "广告系列目标"],
        },
        "platform": {
            "en": ["Platform", "Publisher platform"],
            "es": ["Plataforma"],
            "zh": ["平台", "发布平台"],
        },
        "currency": {"en": ["Currency"], "es": ["Divisa", "Moneda"], "zh": ["货币", "币种"]},
        "spend": {
            "en": ["Amount spent"],
            "es": ["Importe gastado"],
            "zh": ["已花费金额", "花费金额"],
        },
        "impressions": {"en": ["Impressions"], "es": ["Impresiones"], "zh": ["展示次数"]},
        "reach": {"en": ["Reach"], "es": ["Alcance"], "zh": ["覆盖人数"]},
        "clicks": {
            "en": ["Clicks (all)"],
            "es": ["Clics (todos)"],
            "zh": ["点击量（全部）", "点击量 (全部)"],
        },
        "link_clicks": {"en": ["Link clicks"], "es": ["Clics en el enlace"], "zh": ["链接点击量"]},
        "video_views": {
            "en": ["ThruPlays", "3-second video plays"],
            "es": ["ThruPlays", "Reproducciones de video de 3 segundos"],
            "zh": ["ThruPlay 次数", "播放视频达 3 秒的次数", "3 秒视频播放量"],
        },
        "results": {"en": ["Results"], "es": ["Resultados"], "zh": ["成效"]},
        "result_indicator": {
            "en": ["Result indicator", "Result type"],
            "es": ["Indicador de resultado", "Indicador de resultados", "Tipo de resultado"],
            "zh": ["成效指标", "成效类型"],
        },
        # Conversions renamed over time: Purchases / Website purchases (and Results when the
        # result indicator is a purchase or lead).
        "purchases": {
            "en": ["Purchases", "Website purchases"],
            "es": ["Compras", "Compras en el sitio web"],
            "zh": ["购物次数", "网站购物"],
        },
        "conversion_value": {
            "en": ["Purchases conversion value", "Website purchases conversion value"],
            "es": [
                "Valor de conversión de compras",
                "Valor de conversión de compras en el sitio web",
            ],
            "zh": ["购物转化价值", "网站购物转化价值"],
        },
        "url_parameters": {
            "en": ["URL parameters"],
            "es": ["Parámetros de URL", "Parámetros de la URL"],
            "zh": ["URL 参数", "网址参数"],
        },
    },
)
