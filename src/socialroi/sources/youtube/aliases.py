"""Header names of YouTube Studio's Advanced-mode CSV export, per language.

Studio renamed "Impressions" to "Thumbnail impressions" and "Impressions click-through rate"
to "Thumbnail click-through rate" (2025): both names sit under one field. The three files of
the export (`Table data.csv`, `Chart data.csv`, `Totals.csv`) share their column names, so
the three reports share one alias table. Full-width brackets in Chinese headers match the
half-width ones below (NFKC).
"""

from socialroi.model.aliases import register_aliases

FIELDS = {
    "content": {"en": ["Content"], "es": ["Contenido"], "zh": ["内容"]},
    "title": {
        "en": ["Video title"],
        "es": ["Título del vídeo", "Título del video"],
        "zh": ["视频标题"],
    },
    "published": {
        "en": ["Video publish time", "Publish time"],
        "es": [
            "Hora de publicación del vídeo",
            "Hora de publicación del video",
            "Fecha de publicación del vídeo",
        ],
        "zh": ["视频发布时间", "发布时间"],
    },
    "duration": {"en": ["Duration"], "es": ["Duración"], "zh": ["时长"]},
    "content_type": {"en": ["Content type"], "es": ["Tipo de contenido"], "zh": ["内容类型"]},
    "date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
    "views": {"en": ["Views"], "es": ["Visualizaciones", "Vistas"], "zh": ["观看次数"]},
    "watch_hours": {
        "en": ["Watch time (hours)"],
        "es": ["Tiempo de visualización (horas)"],
        "zh": ["观看时长（小时）", "观看时间（小时）"],
    },
    "subscribers": {"en": ["Subscribers"], "es": ["Suscriptores"], "zh": ["订阅人数", "订阅者"]},
    "subscribers_gained": {
        "en": ["Subscribers gained"],
        "es": ["Suscriptores obtenidos", "Suscriptores ganados"],
        "zh": ["新增订阅人数", "获得的订阅人数"],
    },
    "subscribers_lost": {
        "en": ["Subscribers lost"],
        "es": ["Suscriptores perdidos"],
        "zh": ["流失的订阅人数", "减少的订阅人数"],
    },
    "impressions": {
        "en": ["Impressions", "Thumbnail impressions"],
        "es": ["Impresiones", "Impresiones de miniaturas", "Impresiones de la miniatura"],
        "zh": ["展示次数", "缩略图展示次数"],
    },
    "ctr": {
        "en": ["Impressions click-through rate (%)", "Thumbnail click-through rate (%)"],
        "es": [
            "Porcentaje de clics de las impresiones (%)",
            "Porcentaje de clics de las miniaturas (%)",
        ],
        "zh": ["展示点击率 (%)", "缩略图点击率 (%)"],
    },
    "likes": {"en": ["Likes"], "es": ["Me gusta"], "zh": ["顶", "点赞数"]},
    "comments": {
        "en": ["Comments added", "Comments"],
        "es": ["Comentarios añadidos", "Comentarios"],
        "zh": ["添加的评论", "评论"],
    },
    "shares": {"en": ["Shares"], "es": ["Veces compartido", "Compartidos"], "zh": ["分享次数"]},
    "unique_viewers": {
        "en": ["Unique viewers"],
        "es": ["Espectadores únicos", "Usuarios únicos"],
        "zh": ["独立观看者人数", "唯一观看者"],
    },
    "new_viewers": {
        "en": ["New viewers"],
        "es": ["Espectadores nuevos", "Usuarios nuevos"],
        "zh": ["新观看者"],
    },
    # the first column of the "Traffic source" export (Advanced mode > Traffic source)
    "traffic_source": {
        "en": ["Traffic source", "Traffic source type"],
        "es": ["Fuente de tráfico", "Tipo de fuente de tráfico"],
        "zh": ["流量来源", "流量来源类型"],
    },
}

for _report in ("studio_export", "table_data", "chart_data", "totals",
                "traffic_export", "traffic_chart", "traffic_table"):  # fmt: skip
    register_aliases("youtube", _report, FIELDS)

# Member names of the export zip (English, Spanish, Chinese Studio).
register_aliases(
    "youtube",
    "members",
    {
        "table": {
            "en": ["Table data.csv"],
            "es": ["Datos de la tabla.csv"],
            "zh": ["表格数据.csv"],
        },
        "chart": {
            "en": ["Chart data.csv"],
            "es": ["Datos del gráfico.csv"],
            "zh": ["图表数据.csv"],
        },
        "totals": {"en": ["Totals.csv"], "es": ["Totales.csv"], "zh": ["总计.csv", "总数.csv"]},
    },
)
