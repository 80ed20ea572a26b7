"""Header names of Google Analytics 4 exports (documented in docs/sources/ga4.md).

Report downloads take the UI language of the user who downloads them; renamed metrics keep
their old names (Conversions -> Key events, Users -> Total users) under one field.
BigQuery event exports use fixed column names in every language: `events` lists them so
that the field names the parser reads are documented in one place.
"""

from socialroi.model.aliases import register_aliases

register_aliases(
    "ga4",
    "report",
    {
        "date": {"en": ["Date"], "es": ["Fecha"], "zh": ["日期"]},
        "nth_day": {
            "en": ["Nth day"],
            "es": ["Día N", "N.º de día", "Enésimo día"],
            "zh": ["第 N 天", "第N天"],
        },
        "source_medium": {
            "en": ["Session source / medium", "Session source/medium", "Source / medium"],
            "es": ["Fuente / medio de la sesión", "Fuente/medio de la sesión", "Fuente / medio"],
            "zh": ["会话来源/媒介", "会话来源 / 媒介", "来源/媒介", "来源 / 媒介"],
        },
        "source": {
            "en": ["Session source", "Source"],
            "es": ["Fuente de la sesión", "Fuente"],
            "zh": ["会话来源", "来源"],
        },
        "medium": {
            "en": ["Session medium", "Medium"],
            "es": ["Medio de la sesión", "Medio"],
            "zh": ["会话媒介", "媒介"],
        },
        "campaign": {
            "en": [
                "Session campaign",
                "Session campaign name",
                "Session manual campaign name",
                "Campaign",
            ],
            "es": ["Campaña de la sesión", "Nombre de la campaña de la sesión", "Campaña"],
            "zh": ["会话广告系列", "会话广告系列名称", "广告系列"],
        },
        # the primary dimension of an untouched Traffic / User acquisition download
        "channel_group": {
            "en": [
                "Session primary channel group (Default Channel Group)",
                "Session default channel group",
                "Session primary channel group",
                "First user primary channel group (Default Channel Group)",
                "First user default channel group",
                "First user primary channel group",
                "Default channel group",
            ],
            "es": [
                "Grupo de canales principal de la sesión (grupo de canales predeterminado)",
                "Grupo de canales predeterminado de la sesión",
                "Grupo de canales principal del primer usuario (grupo de canales predeterminado)",
                "Grupo de canales predeterminado del primer usuario",
            ],
            "zh": [
                "会话主要渠道组（默认渠道组）",
                "会话默认渠道组",
                "首次用户主要渠道组（默认渠道组）",
                "首次用户默认渠道组",
            ],  # fmt: skip
        },
        "country": {"en": ["Country"], "es": ["País"], "zh": ["国家/地区", "国家"]},
        "sessions": {"en": ["Sessions"], "es": ["Sesiones"], "zh": ["会话数", "会话"]},
        "users": {
            "en": ["Total users", "Users", "Active users"],
            "es": ["Total de usuarios", "Usuarios", "Usuarios activos"],
            "zh": ["总用户数", "用户", "用户数", "活跃用户", "活跃用户数"],
        },
        "engaged_sessions": {
            "en": ["Engaged sessions"],
            "es": ["Sesiones con interacción", "Sesiones con interacciones"],
            "zh": ["互动会话数", "参与度高的会话数"],
        },
        "key_events": {
            "en": ["Key events", "Conversions"],
            "es": ["Eventos clave", "Conversiones"],
            "zh": ["关键事件", "关键事件数", "转化次数", "转化"],
        },
        "revenue": {
            "en": ["Total revenue", "Purchase revenue"],
            "es": ["Ingresos totales", "Ingresos por compras"],
            "zh": ["总收入", "购买收入"],
        },
    },
)

# BigQuery export columns (the same in every language; listed for the alias check).
_EVENT_FIELDS = {
    "event_date": ["event_date"],
    "event_timestamp": ["event_timestamp"],
    "event_name": ["event_name"],
    "visitor_id": ["user_pseudo_id"],
    "user_id": ["user_id"],
    "event_params": ["event_params"],
    "collected_traffic_source": ["collected_traffic_source"],
    "traffic_source": ["traffic_source"],
    "geo": ["geo"],
    "ecommerce": ["ecommerce"],
}
register_aliases(
    "ga4", "events", {f: {"en": n, "es": n, "zh": n} for f, n in _EVENT_FIELDS.items()}
)
