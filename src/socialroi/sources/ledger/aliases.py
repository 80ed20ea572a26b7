"""Header names of socialroi's own ledger formats (documented in docs/sources/ledger.md)."""

from socialroi.model.aliases import register_aliases

register_aliases(
    "ledger",
    "costs",
    {
        "cost_id": {"en": ["id", "cost_id"], "es": ["id_coste"], "zh": ["编号"]},
        "period_start": {
            "en": ["period_start", "period", "month"],
            "es": ["inicio", "periodo"],
            "zh": ["开始日期", "期间"],
        },  # noqa: E501
        "period_end": {"en": ["period_end"], "es": ["fin"], "zh": ["结束日期"]},
        "category": {"en": ["category"], "es": ["categoría", "categoria"], "zh": ["类别"]},
        "amount": {"en": ["amount"], "es": ["importe", "monto"], "zh": ["金额"]},
        "currency": {"en": ["currency"], "es": ["moneda", "divisa"], "zh": ["币种", "货币"]},
        "platform": {"en": ["platform"], "es": ["plataforma"], "zh": ["平台"]},
        "market": {"en": ["market"], "es": ["mercado"], "zh": ["市场"]},
        "campaign": {"en": ["campaign"], "es": ["campaña"], "zh": ["广告系列", "活动"]},
        "allocation": {"en": ["allocation"], "es": ["asignación", "asignacion"], "zh": ["分摊"]},
        "description": {
            "en": ["description", "note"],
            "es": ["descripción", "nota"],
            "zh": ["说明", "备注"],
        },  # noqa: E501
        "team": {"en": ["team"], "es": ["equipo"], "zh": ["团队"]},
    },
)
register_aliases(
    "ledger",
    "accounts",
    {
        "platform": {"en": ["platform"], "es": ["plataforma"], "zh": ["平台"]},
        "handle": {"en": ["handle", "account"], "es": ["cuenta", "usuario"], "zh": ["账号"]},
        "native_id": {"en": ["account_id", "native_id"], "es": ["id_cuenta"], "zh": ["账号ID"]},
        "name": {"en": ["name"], "es": ["nombre"], "zh": ["名称"]},
        "market": {"en": ["market"], "es": ["mercado"], "zh": ["市场"]},
        "currency": {"en": ["currency"], "es": ["moneda"], "zh": ["币种"]},
        "timezone": {"en": ["timezone", "time zone"], "es": ["zona horaria"], "zh": ["时区"]},
        "kind": {"en": ["kind", "type"], "es": ["tipo"], "zh": ["类型"]},
    },
)
register_aliases(
    "ledger",
    "time_split",
    {
        "team": {"en": ["team", "person"], "es": ["equipo", "persona"], "zh": ["团队", "人员"]},
        "period_start": {
            "en": ["period_start", "period", "month"],
            "es": ["inicio", "periodo"],
            "zh": ["开始日期", "期间"],
        },
        "period_end": {"en": ["period_end"], "es": ["fin"], "zh": ["结束日期"]},
        "platform": {"en": ["platform"], "es": ["plataforma"], "zh": ["平台"]},
        "market": {"en": ["market"], "es": ["mercado"], "zh": ["市场"]},
        "hours": {"en": ["hours"], "es": ["horas"], "zh": ["小时", "工时"]},
    },
)
