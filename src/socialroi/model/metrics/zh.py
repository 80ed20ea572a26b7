"""The metric catalogue in Simplified Chinese: label, definition and formula of every metric.

The report in `zh-CN` reads these through `localized()`; English stays in the catalogue
itself. A test fails when a catalogue metric has no entry here, so a new metric cannot ship
untranslated. The usual acronyms (ROI, ROAS, CAC, CPA, CLV, MQL, SQL) stay next to the Chinese
term, as marketers in China write them.
"""

from __future__ import annotations

from socialroi.model.metrics.catalogue import Metric

# name -> (label, definition, formula)
METRICS_ZH: dict[str, tuple[str, str, str]] = {
    # -- cost
    "spend": (
        "广告支出",
        "支付给各平台的广告费用，取自平台的广告报表。",
        "广告支出之和",
    ),
    "true_cost": (
        "真实成本",
        "广告支出加上业务类型成本范围内所有已分摊的台账成本（薪资、工具、社群运营、数据分析、"
        "创意制作、代理机构）。",
        "广告支出 + 已分摊的台账成本",
    ),
    "budget_share": (
        "预算占比",
        "该行真实成本占所显示各行真实成本总和的比例。",
        "真实成本 / 真实成本总和",
    ),
    # -- outcomes
    "conversions": (
        "归因转化数",
        "归因模型归给该行的、属于业务类型所含转化类型的转化数。",
        "归因转化数之和",
    ),
    "revenue": (
        "归因收入",
        "归因模型归给该行的转化价值。",
        "归因转化价值之和",
    ),
    "contribution_share": (
        "贡献占比",
        "该行归因回报（收入；B2B 为赢单收入）占所显示各行归因回报总和的比例。",
        "归因回报 / 归因回报总和",
    ),
    "influenced_revenue": (
        "受影响收入",
        "在回溯窗口内至少有一次来自该行平台触点的转化的价值；一笔转化对触及它的每个平台都"
        "全额计入，因此不能与直接来源收入或归因收入相加。",
        "含该行触点的转化价值之和",
    ),
    "influenced_conversions": (
        "受影响转化数",
        "在回溯窗口内至少有一次来自该行平台触点的转化数。",
        "含该行触点的转化计数",
    ),
    "sourced_revenue": (
        "直接来源收入",
        "用户旅程始于该行触点（首次触点）的转化的价值。",
        "按首次触点归因的价值之和",
    ),
    "new_customers": (
        "新客户数",
        "客户的首次购买，由归因模型归给该行。",
        "归因首次购买数之和",
    ),
    "aov": (
        "平均订单金额（AOV）",
        "每笔归因购买对应的归因收入。",
        "归因收入 / 归因转化数",
    ),
    "nonsocial_revenue": (
        "归于其他渠道的收入",
        "模型归给搜索、电子邮件、直接访问等非社交渠道的购买价值（以及没有任何触点记录的购买）；"
        "与归因收入相加即为全部购买。",
        "社交以外渠道的归因购买价值之和",
    ),
    "cpa": (
        "单次转化成本（CPA）",
        "每次归因转化的媒体成本：广告支出除以归因转化数。",
        "广告支出 / 归因转化数",
    ),
    "cac": (
        "获客成本（CAC）",
        "归给该行的每位新客户的真实成本。",
        "真实成本 / 归因新客户数",
    ),
    "cpm": (
        "千次展示成本（CPM）",
        "每千次付费展示的广告支出。",
        "广告支出 / 付费展示次数 × 1000",
    ),
    "cpc": (
        "单次链接点击成本（CPC）",
        "每次点击至落地页的广告支出（平台未报告链接点击时按全部点击计）。",
        "广告支出 / 链接点击次数",
    ),
    "ctr": (
        "链接点击率（CTR）",
        "每次付费展示带来的链接点击。",
        "链接点击次数 / 付费展示次数",
    ),
    "roas": (
        "广告支出回报率（ROAS）",
        "每单位广告支出带来的归因收入。",
        "归因收入 / 广告支出",
    ),
    "roi": (
        "投资回报率（ROI）",
        "归因回报减去真实成本，再除以真实成本：0% 即盈亏平衡。",
        "（归因回报 − 真实成本）/ 真实成本",
    ),
    "earned_media_value": (
        "自然媒体价值",
        "自然展示若按业务类型设定的各平台千次展示成本（CPM）购买广告所需的费用。",
        "自然展示次数 × CPM / 1000",
    ),
    # -- organic
    "impressions": (
        "自然展示次数",
        "账号帖子被展示的次数（含自然流量与加热推广，以平台报告为准）。",
        "帖子展示次数之和",
    ),
    "reach": (
        "覆盖人数",
        "各帖子覆盖人数之和（平台不导出跨帖子去重的覆盖人数，因此被两条帖子覆盖的人计两次）。",
        "帖子覆盖人数之和",
    ),
    "engagements": (
        "互动数",
        "帖子获得的点赞、评论、分享和收藏。",
        "点赞 + 评论 + 分享 + 收藏之和",
    ),
    "posts": (
        "发帖数",
        "本期发布的帖子数。",
        "帖子计数",
    ),
    "engagement_rate_impressions": (
        "互动率（按展示）",
        "帖子每次展示获得的互动数。",
        "互动数 / 展示次数",
    ),
    "engagement_rate_reach": (
        "互动率（按覆盖）",
        "每位被覆盖用户的互动数（覆盖人数按帖子相加）。",
        "互动数 / 覆盖人数",
    ),
    "engagement_rate_followers": (
        "互动率（按粉丝）",
        "互动数除以期末粉丝数。",
        "互动数 / 粉丝数",
    ),
    "engagement_to_conversion": (
        "互动转化率",
        "该行帖子每次互动对应的归因转化数。",
        "归因转化数 / 互动数",
    ),
    "followers": (
        "粉丝数",
        "期末粉丝数（每个账号最后一次报告的粉丝数）。",
        "各账号最后一次粉丝数之和",
    ),
    "follower_growth": (
        "粉丝增长率",
        "本期净增粉丝数除以期初粉丝数。",
        "（期末粉丝数 − 期初粉丝数）/ 期初粉丝数",
    ),
    # -- B2B
    "leads": (
        "线索数",
        "归给该行的线索数。",
        "归因线索数之和",
    ),
    "qualified_leads": (
        "市场合格线索（MQL）",
        "归给该行的市场合格线索数。",
        "归因 MQL 数之和",
    ),
    "sqls": (
        "销售合格线索（SQL）",
        "归给该行的销售合格线索数。",
        "归因 SQL 数之和",
    ),
    "won_deals": (
        "赢单数",
        "归给该行的赢单数。",
        "归因赢单数之和",
    ),
    "cost_per_lead": (
        "单条线索成本",
        "每条归因线索的真实成本。",
        "真实成本 / 线索数",
    ),
    "cost_per_mql": (
        "单个 MQL 成本",
        "每个归因市场合格线索的真实成本。",
        "真实成本 / MQL 数",
    ),
    "cost_per_sql": (
        "单个 SQL 成本",
        "每个归因销售合格线索的真实成本。",
        "真实成本 / SQL 数",
    ),
    "lead_to_mql": (
        "线索→MQL 转化率",
        "每条归因线索对应的归因 MQL 数。",
        "MQL 数 / 线索数",
    ),
    "mql_to_sql": (
        "MQL→SQL 转化率",
        "每个归因 MQL 对应的归因 SQL 数。",
        "SQL 数 / MQL 数",
    ),
    "sql_to_won": (
        "SQL→赢单转化率",
        "每个归因 SQL 对应的归因赢单数。",
        "赢单数 / SQL 数",
    ),
    "pipeline_influenced": (
        "受影响商机金额",
        "在回溯窗口内至少有一次来自该行平台触点的商机的金额。",
        "含该行触点的商机金额之和",
    ),
    "won_revenue": (
        "赢单收入（归因）",
        "归因模型归给该行的赢单金额。",
        "归因赢单金额之和",
    ),
    "won_revenue_sourced": (
        "直接来源赢单收入",
        "用户旅程始于该行触点（首次触点）的赢单金额。",
        "按首次触点归因的赢单金额之和",
    ),
    "won_revenue_influenced": (
        "受影响赢单收入",
        "在回溯窗口内至少有一次来自该行平台触点的赢单金额。",
        "含该行触点的赢单金额之和",
    ),
    # -- customer lifetime value
    "clv": (
        "客户终身价值（CLV，历史）",
        "本期获取的每位客户迄今带来的收入，按获客平台和市场划分。",
        "所获客户迄今收入 / 所获客户数",
    ),
    "predicted_clv": (
        "客户终身价值（CLV，预测）",
        "在预测期内每位所获客户的预期收入折现值（BG/NBD 与 Gamma-Gamma 模型）。",
        "所获客户的预测 CLV / 所获客户数",
    ),
    "clv_cac": (
        "终身价值与获客成本比（CLV:CAC）",
        "每位所获客户的历史 CLV 除以获取一位客户的真实成本；通常以高于 3 为目标。",
        "（CLV 收入 / 所获客户数）/（真实成本 / 新客户数）",
    ),
    "engaged_cohort_clv": (
        "互动人群 CLV",
        "本期获取、且首次购买前有来自该行平台触点的每位客户迄今带来的收入。",
        "受触达客户迄今收入 / 受触达客户数",
    ),
}


def localized(metric: Metric, lang: str) -> tuple[str, str]:
    """A metric's (label, definition) in `lang` ("en" or "zh-CN"). A custom metric without a
    translation keeps its English words."""
    if lang == "zh-CN" and metric.name in METRICS_ZH:
        label, definition, _ = METRICS_ZH[metric.name]
        return label, definition
    return metric.label, metric.definition


def localized_formula(metric: Metric, lang: str) -> str:
    """A metric's formula in `lang`, in the words of `localized()`."""
    if lang == "zh-CN" and metric.name in METRICS_ZH:
        return METRICS_ZH[metric.name][2]
    return metric.formula
