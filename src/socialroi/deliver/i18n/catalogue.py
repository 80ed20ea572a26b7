"""The report's language: Babel formats numbers, money, percentages and dates for the reader's
locale; a small catalogue holds the report's own words in English and Simplified Chinese.

The catalogue is plain data (key -> text per language) rather than gettext files: the report
has a few dozen phrases, and a dict keeps the translations side by side, where a missing one
is caught by a test. Untranslated keys fall back to English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

from socialroi.errors import UnknownName
from socialroi.measure.profiles import load_profile
from socialroi.model.metrics.zh import localized, localized_formula
from socialroi.model.names import (
    CONVERSION_KINDS,
    MODEL_NAMES,
    PROFILE_DESCRIPTIONS,
    PROFILE_NAMES,
    value_label,
)

LANGS = {"en": "en_US", "zh-CN": "zh_Hans_CN"}

MESSAGES: dict[str, dict[str, str]] = {
    "title": {"en": "Social media ROI report", "zh-CN": "社交媒体投资回报报告"},
    "period": {"en": "Period", "zh-CN": "报告期"},
    "compared_with": {"en": "compared with", "zh-CN": "对比期"},
    "profile": {"en": "Profile", "zh-CN": "业务类型"},
    "model": {"en": "Attribution model", "zh-CN": "归因模型"},
    "currency": {"en": "Currency", "zh-CN": "货币"},
    "generated": {"en": "Generated", "zh-CN": "生成日期"},
    "markets": {"en": "Markets", "zh-CN": "市场"},
    "platforms": {"en": "Platforms", "zh-CN": "平台"},
    "all": {"en": "all", "zh-CN": "全部"},
    "contents": {"en": "Contents", "zh-CN": "目录"},
    "page": {"en": "Page", "zh-CN": "第"},
    "of": {"en": "of", "zh-CN": "页，共"},
    "page_suffix": {"en": "", "zh-CN": "页"},
    "not_available": {
        "en": "Not available for this workspace yet: {what}.",
        "zh-CN": "此工作区暂无该部分数据：{what}。",
    },
    "no_data": {"en": "No data for this period.", "zh-CN": "本期无数据。"},
    # sections
    "summary": {"en": "Executive summary", "zh-CN": "执行摘要"},
    "roi": {"en": "ROI by platform and market", "zh-CN": "各平台与市场的投资回报"},
    "attribution": {"en": "Attribution", "zh-CN": "归因分析"},
    "funnel": {"en": "B2B funnel", "zh-CN": "B2B 销售漏斗"},
    "clv": {"en": "Customer lifetime value", "zh-CN": "客户终身价值"},
    "content": {"en": "Content", "zh-CN": "内容表现"},
    "costs": {"en": "Costs", "zh-CN": "成本"},
    "quality": {"en": "Data quality", "zh-CN": "数据质量"},
    "methodology": {"en": "Methodology", "zh-CN": "方法说明"},
    # column headers and labels
    "metric": {"en": "Metric", "zh-CN": "指标"},
    "value": {"en": "Value", "zh-CN": "数值"},
    "previous": {"en": "Previous", "zh-CN": "上期"},
    "change": {"en": "Change", "zh-CN": "变化"},
    "insights": {"en": "What stands out", "zh-CN": "主要发现"},
    "platform": {"en": "Platform", "zh-CN": "平台"},
    "market": {"en": "Market", "zh-CN": "市场"},
    "share_budget": {"en": "Share of budget", "zh-CN": "预算占比"},
    "share_contribution": {"en": "Share of contribution", "zh-CN": "贡献占比"},
    "unit": {"en": "Credited to", "zh-CN": "归因对象"},
    "conversions": {"en": "Conversions", "zh-CN": "转化数"},
    "conv_share": {"en": "Share", "zh-CN": "占比"},
    "revenue": {"en": "Revenue", "zh-CN": "收入"},
    "vs_last_click": {"en": "vs last click (points)", "zh-CN": "相对末次点击（百分点）"},
    "stage": {"en": "Stage", "zh-CN": "阶段"},
    "count": {"en": "Count", "zh-CN": "数量"},
    "cost_per": {"en": "Cost per stage", "zh-CN": "单阶段成本"},
    "conversion_rate": {"en": "From previous stage", "zh-CN": "上一阶段转化率"},
    "customers": {"en": "New customers", "zh-CN": "新客户"},
    "historical_clv": {"en": "Historical CLV", "zh-CN": "历史 CLV"},
    "predicted_clv": {"en": "Predicted CLV (12 months)", "zh-CN": "预测 CLV（12 个月）"},
    "cac": {"en": "CAC", "zh-CN": "获客成本"},
    "clv_cac": {"en": "CLV:CAC", "zh-CN": "CLV:CAC"},
    "accounts": {"en": "Performance by account", "zh-CN": "各账号表现"},
    "account": {"en": "Account", "zh-CN": "账号"},
    "followers": {"en": "Followers", "zh-CN": "粉丝数"},
    "follower_growth": {"en": "Follower growth", "zh-CN": "粉丝增长率"},
    "reach": {"en": "Reach (sum over posts)", "zh-CN": "覆盖人数（按帖子累计）"},
    "views": {"en": "Views", "zh-CN": "观看次数"},
    "top_posts": {"en": "Top posts", "zh-CN": "表现最佳的帖子"},
    "bottom_posts": {"en": "Bottom posts", "zh-CN": "表现最差的帖子"},
    "formats": {"en": "Formats", "zh-CN": "内容形式"},
    "publishing": {"en": "Publishing volume and engagement", "zh-CN": "发布量与互动"},
    "post": {"en": "Post", "zh-CN": "帖子"},
    "published": {"en": "Published", "zh-CN": "发布日期"},
    "format": {"en": "Format", "zh-CN": "形式"},
    "posts": {"en": "Posts", "zh-CN": "帖子数"},
    "impressions": {"en": "Impressions", "zh-CN": "展示次数"},
    "engagements": {"en": "Engagements", "zh-CN": "互动数"},
    "engagements_per_post": {"en": "Engagements per post", "zh-CN": "每帖互动"},
    "engagement_rate": {"en": "Engagement rate", "zh-CN": "互动率"},
    "category": {"en": "Category", "zh-CN": "类别"},
    "rule": {"en": "Allocated by", "zh-CN": "分摊方式"},
    "amount": {"en": "Amount", "zh-CN": "金额"},
    "share": {"en": "Share", "zh-CN": "占比"},
    "coverage": {"en": "Coverage per source and market", "zh-CN": "各来源与市场的数据覆盖"},
    "table": {"en": "Table", "zh-CN": "数据表"},
    "source": {"en": "Source", "zh-CN": "来源"},
    "first_day": {"en": "First day", "zh-CN": "首日"},
    "last_day": {"en": "Last day", "zh-CN": "末日"},
    "missing_days": {"en": "Missing days", "zh-CN": "缺失天数"},
    "rows": {"en": "Rows", "zh-CN": "行数"},
    "findings": {"en": "Rows left out or flagged, and why", "zh-CN": "被剔除或标记的行及原因"},
    "kind": {"en": "Kind", "zh-CN": "类型"},
    "example": {"en": "Example", "zh-CN": "示例"},
    "unmapped": {"en": "Unmapped UTMs", "zh-CN": "未识别的 UTM"},
    "medium": {"en": "Medium", "zh-CN": "媒介"},
    "campaign": {"en": "Campaign", "zh-CN": "广告系列"},
    "touches": {"en": "Visits", "zh-CN": "访问数"},
    "fx": {"en": "Exchange rates used", "zh-CN": "所用汇率"},
    "rate": {"en": "Rate to base", "zh-CN": "折算汇率"},
    "min_rate": {"en": "Lowest", "zh-CN": "最低"},
    "max_rate": {"en": "Highest", "zh-CN": "最高"},
    "overrides": {"en": "Days overridden", "zh-CN": "人工汇率天数"},
    "definition": {"en": "Definition", "zh-CN": "定义"},
    "formula": {"en": "Formula", "zh-CN": "公式"},
    "files": {"en": "Files", "zh-CN": "文件数"},
    "skipped": {"en": "Rows skipped", "zh-CN": "跳过行数"},
    "read": {"en": "Rows read", "zh-CN": "读取行数"},
    "report_kind": {"en": "Report", "zh-CN": "报表"},
    "none_found": {"en": "None.", "zh-CN": "无。"},
    "unallocated": {"en": "not allocated", "zh-CN": "未分摊"},
    "sourced_pipeline": {"en": "Sourced pipeline", "zh-CN": "直接来源商机金额"},
    "influenced_pipeline": {"en": "Influenced pipeline", "zh-CN": "受影响商机金额"},
    "attribution_models": {"en": "Credit under each model", "zh-CN": "各模型下的归因"},
    "method_notes": {"en": "How the figures are made", "zh-CN": "数据口径"},
    "more_rows": {
        "en": "The {shown} rows that matter most of {total}; the Excel file has every row.",
        "zh-CN": "仅显示最重要的 {shown} 行（共 {total} 行）；Excel 文件包含全部数据。",
    },
    "all_rows_in_xlsx": {
        "en": "All {total} series have a row for every day of the period; the Excel file lists "
        "them.",
        "zh-CN": "全部 {total} 个数据序列在本期每天均有数据；Excel 文件列出了全部序列。",
    },
    "cat_ad_spend": {"en": "Ad spend", "zh-CN": "广告支出"},
    "cat_salaries": {"en": "Salaries", "zh-CN": "薪资"},
    "cat_tools": {"en": "Tools", "zh-CN": "工具"},
    "cat_community_management": {"en": "Community management", "zh-CN": "社群运营"},
    "cat_analytics_platform": {"en": "Analytics platform", "zh-CN": "数据分析平台"},
    "cat_creative_production": {"en": "Creative production", "zh-CN": "创意制作"},
    "cat_agency": {"en": "Agency", "zh-CN": "代理机构"},
    "cat_other": {"en": "Other", "zh-CN": "其他"},
    "rule_ad_data": {"en": "Ad platform data", "zh-CN": "广告平台数据"},
    "rule_direct": {"en": "Direct (its own scope)", "zh-CN": "直接计入"},
    "rule_ad_spend_share": {"en": "Share of ad spend", "zh-CN": "按广告支出比例"},
    "rule_posts_share": {"en": "Share of posts", "zh-CN": "按发帖数比例"},
    "rule_hours_share": {"en": "Share of team hours", "zh-CN": "按团队工时比例"},
    "rule_even": {"en": "Evenly", "zh-CN": "平均分摊"},
    "rule_unallocated": {"en": "Not allocated", "zh-CN": "未分摊"},
    "pt": {"en": "pt", "zh-CN": "个百分点"},
    "by_platform": {"en": "By platform", "zh-CN": "按平台"},
    "by_cell": {"en": "By platform and market", "zh-CN": "按平台与市场"},
    "by_category": {"en": "By category", "zh-CN": "按类别"},
    "by_rule": {"en": "How it was allocated", "zh-CN": "分摊方式"},
    "headline": {"en": "Headline metrics", "zh-CN": "核心指标"},
    # take-away sentences
    "money_title": {"en": "Revenue, true cost and ROI", "zh-CN": "收入、真实成本与投资回报率"},
    "money_total_revenue": {"en": "Total revenue (every channel)", "zh-CN": "总收入（全部渠道）"},
    "money_social_revenue": {"en": "Revenue attributed to social", "zh-CN": "归因于社交媒体的收入"},
    "money_social_share": {"en": "Social's share of revenue", "zh-CN": "社交媒体收入占比"},
    "money_true_cost": {"en": "True cost of social", "zh-CN": "社交媒体真实成本"},
    "money_cost_title": {"en": "True cost by category", "zh-CN": "按类别的真实成本"},
    "money_roi_target": {"en": "ROI target (profile)", "zh-CN": "投资回报率目标（业务类型）"},
    "money_roi_gap": {"en": "ROI against target", "zh-CN": "与目标相比"},
    "moves_title": {"en": "Recommended budget moves", "zh-CN": "建议的预算调整"},
    "moves_column": {"en": "Move", "zh-CN": "调整"},
    "move": {
        "en": "Move {amount} from {giver} (ROI {giver_roi}) to {taker} (ROI {taker_roi}): "
        "about {effect} more return, if both keep returning what they return on average today.",
        "zh-CN": "将 {amount} 从 {giver}（投资回报率 {giver_roi}）转投 {taker}（投资回报率 "
        "{taker_roi}）：若两者保持当前的平均回报，预计多带来约 {effect} 的回报。",
    },
    "paid": {"en": "Paid performance by campaign", "zh-CN": "各广告活动的付费表现"},
    "paid_table": {
        "en": "The {n} campaigns with the most spend (of {total})",
        "zh-CN": "支出最多的 {n} 个广告活动（共 {total} 个）",
    },
    "take_paid": {
        "en": "{share} of the {spend} ad spend went to campaigns that also brought revenue; "
        "{best} returned the most per unit of spend (ROAS {roas}).",
        "zh-CN": "{spend} 的广告支出中有 {share} 投向了同时带来收入的广告活动；"
        "{best} 的单位支出回报最高（ROAS {roas}）。",
    },
    # the dashboard's campaign mapping page
    "web_campaigns": {"en": "Campaigns", "zh-CN": "广告系列"},
    "web_campaigns_intro": {
        "en": "Ad spend and revenue meet on one campaign row when the ad campaign's name (or its "
        "id in a link) is the links' UTM campaign, compared trimmed and case-folded. Map what "
        "does not meet; every change is written to the audit log.",
        "zh-CN": "当广告系列名称（或链接中的广告系列 ID）与链接的 UTM 广告系列一致时"
        "（去除首尾空格、"
        "忽略大小写），广告支出与收入归入同一行。请为未匹配的广告系列建立映射；"
        "每次修改都会记入审计日志。",
    },
    "web_campaigns_suggested": {"en": "Suggested mappings", "zh-CN": "建议的映射"},
    "web_campaigns_ads": {
        "en": "Ad campaigns whose spend meets no revenue",
        "zh-CN": "支出未匹配到收入的广告系列",
    },
    "web_campaigns_all_met": {
        "en": "Every ad campaign with spend meets its links.",
        "zh-CN": "所有有支出的广告系列均已匹配到链接。",
    },
    "web_campaigns_utms": {
        "en": "UTM campaigns no ad campaign claims (organic links, newsletters, or a missing "
        "mapping)",
        "zh-CN": "未被任何广告系列认领的 UTM 广告系列（自然链接、电子报，或缺少映射）",
    },
    "web_campaigns_mapping": {"en": "The team's mapping", "zh-CN": "团队维护的映射"},
    "web_map": {"en": "Map", "zh-CN": "映射"},
    "web_unmap": {"en": "Unmap", "zh-CN": "取消映射"},
    "web_map_one": {"en": "Map an ad campaign", "zh-CN": "映射一个广告系列"},
    "web_score": {"en": "Word match", "zh-CN": "词语匹配度"},
    "web_spend": {"en": "Ad spend", "zh-CN": "广告支出"},
    "web_visits": {"en": "Visits", "zh-CN": "访问次数"},
    "trends": {"en": "Trends by network", "zh-CN": "各平台趋势"},
    "trend_week": {"en": "Week of", "zh-CN": "周（起始日）"},
    "trend_month": {"en": "Month", "zh-CN": "月份"},
    "trend_chart": {"en": "{metric} per week, by network", "zh-CN": "各平台每周{metric}"},
    "trend_table": {"en": "{metric} per week", "zh-CN": "每周{metric}"},
    "trend_note": {
        "en": "Weeks start on Monday; the first and last may be partial. Every figure per week "
        "and network is in the Excel file, with the same charts.",
        "zh-CN": "每周从周一开始，首尾两周可能不完整。"
        "各平台每周的全部数据及同样的图表见 Excel 文件。",
    },
    "take_trends": {
        "en": "{metric} per week moved {delta} from the first half of the period to the second; "
        "{up} rose the most ({up_delta}), {down} fell the most ({down_delta}).",
        "zh-CN": "每周{metric}从本期前半段到后半段变化 {delta}；{up}增幅最大（{up_delta}），"
        "{down}降幅最大（{down_delta}）。",
    },
    "changes": {"en": "This period against the comparison period", "zh-CN": "本期与对比期"},
    "changes_none": {
        "en": "No comparison period was chosen for this report.",
        "zh-CN": "本报告未选择对比期。",
    },
    "changes_by_platform": {"en": "By network", "zh-CN": "按平台"},
    "changes_by_market": {"en": "By market", "zh-CN": "按市场"},
    "change_prev": {"en": "{metric} before", "zh-CN": "对比期{metric}"},
    "change_pt": {"en": "Δ {metric} (pt)", "zh-CN": "{metric}变化（百分点）"},
    "change_rel": {"en": "Δ {metric} (rel.)", "zh-CN": "{metric}变化（相对）"},
    "changes_note": {
        "en": "Compared with {cperiod}. ROI changes in percentage points (pt); amounts and "
        "counts relatively (rel.).",
        "zh-CN": "对比期为 {cperiod}。投资回报率的变化以百分点计；金额与数量的变化为相对变化。",
    },
    "take_changes": {
        "en": "Against {cperiod}, {best} gained the most ROI ({best_delta}) and {worst} lost the "
        "most ({worst_delta}).",
        "zh-CN": "与 {cperiod} 相比，{best}的投资回报率提升最多（{best_delta}），"
        "{worst}下降最多（{worst_delta}）。",
    },
    "take_changes_market": {
        "en": "Among markets, {market} gained the most ({delta}).",
        "zh-CN": "各市场中，{market}提升最多（{delta}）。",
    },
    "take_summary": {
        "en": "{metric} was {value} in {period}, {delta} against {cperiod}.",
        "zh-CN": "{period}的{metric}为 {value}，较{cperiod}{delta}。",
    },
    "take_summary_plain": {
        "en": "{metric} was {value} in {period}.",
        "zh-CN": "{period}的{metric}为 {value}。",
    },
    "take_roi": {
        "en": "{platform} brings {contribution} of the contribution on {budget} of the budget; "
        "the best return on true cost is {cell} (ROI {roi}).",
        "zh-CN": "{platform}以 {budget} 的预算带来 {contribution} 的贡献；按真实成本计算，"
        "回报最高的是{cell}（ROI {roi}）。",
    },
    "take_attribution": {
        "en": "Under {model}, {top} earns the most credit ({share}); last click under-credits "
        "{under}.",
        "zh-CN": "在{model}模型下，{top}获得最多归因（{share}）；末次点击低估了{under}。",
    },
    "take_attribution_even": {
        "en": "Under {model}, {top} earns the most credit ({share}); last click gives social "
        "platforms about the same credit.",
        "zh-CN": "在{model}模型下，{top}获得最多归因（{share}）；"
        "末次点击对社交平台的归因大致相同。",
    },
    "take_funnel": {
        "en": "{leads} leads became {won} won deals; a sales-qualified lead cost {cost_sql}, "
        "and social influenced {influenced} of pipeline.",
        "zh-CN": "{leads} 条线索最终赢单 {won} 笔；每个销售合格线索成本 {cost_sql}，"
        "社交媒体影响的商机金额为 {influenced}。",
    },
    "take_clv_hist": {
        "en": "Customers acquired through {platform} have so far returned {ratio} their "
        "acquisition cost (historical CLV {clv} against CAC {cac}).",
        "zh-CN": "通过{platform}获取的客户迄今带来的价值为其获客成本的 {ratio}"
        "（历史 CLV {clv}，获客成本 {cac}）。",
    },
    "take_clv_plain": {
        "en": "{customers} new customers were acquired; they have spent {clv} each on average so "
        "far.",
        "zh-CN": "本期获取 {customers} 位新客户，迄今人均消费 {clv}。",
    },
    "take_content": {
        "en": "{platform} earns the most engagement per post ({per_post}); {most} publishes the "
        "most ({posts} posts).",
        "zh-CN": "{platform}的每帖互动最高（{per_post}）；{most}发布最多（{posts} 条）。",
    },
    "take_costs": {
        "en": "The true cost was {total}, of which ad spend is {ad_share}; {unallocated} could not "
        "be allocated to a platform.",
        "zh-CN": "真实成本为 {total}，其中广告支出占 {ad_share}；{unallocated} 无法分摊到平台。",
    },
    "take_quality": {
        "en": "{complete} of {series} daily source and market series are complete for the period; "
        "{skipped} rows were left out or flagged at import.",
        "zh-CN": "{series} 个按日数据序列中有 {complete} 个在本期完整；导入时有 {skipped} "
        "行被剔除或标记。",
    },
    "take_method": {
        "en": "Every figure above follows the definitions below; money is in {currency} at the "
        "ECB reference rate of each day.",
        "zh-CN": "以上所有数字均按以下定义计算；金额按每日欧洲央行参考汇率折算为 {currency}。",
    },
    "note_attr_markets": {
        "en": "Attribution covers journeys in every market; the market filter applies to the "
        "other sections.",
        "zh-CN": "归因分析涵盖所有市场的用户旅程；市场筛选适用于其他部分。",
    },
    "note_profile": {
        "en": "Profile: {profile} ({name}). {description}",
        "zh-CN": "业务类型：{profile}（{name}）。{description}",
    },
    "list_sep": {"en": ", ", "zh-CN": "、"},
    "note_model": {
        "en": "Attribution model: {model}; lookback {days} days; conversions: {kinds}.",
        "zh-CN": "归因模型：{model}；回溯窗口 {days} 天；转化类型：{kinds}。",
    },
    "note_rank": {
        "en": "Ranked by {metric}; rates only for posts shown at least {min} times.",
        "zh-CN": "按{metric}排序；互动率仅计入展示至少 {min} 次的帖子。",
    },
    # the experiments section (issue 16)
    "experiments": {"en": "Experiments", "zh-CN": "实验"},
    "experiment": {"en": "Experiment", "zh-CN": "实验"},
    "design": {"en": "Design", "zh-CN": "设计"},
    "arm": {"en": "Arm", "zh-CN": "组别"},
    "units": {"en": "Units", "zh-CN": "单位"},
    "arm_rate": {"en": "Rate (or weekly mean before)", "zh-CN": "比率（或变更前周均值）"},
    "effect": {"en": "Effect", "zh-CN": "效果"},
    "effect_low": {"en": "95% low", "zh-CN": "95% 下限"},
    "effect_high": {"en": "95% high", "zh-CN": "95% 上限"},
    "p_value": {"en": "p-value", "zh-CN": "p 值"},
    "prob_better": {"en": "P(B better)", "zh-CN": "B 更优的概率"},
    "verdict": {"en": "Verdict", "zh-CN": "结论"},
    "needed": {"en": "Needed for a conclusive answer", "zh-CN": "得出结论所需"},
    "revenue_month": {"en": "Revenue / month", "zh-CN": "每月收入"},
    "take_experiments": {
        "en": "{conclusive} of {total} experiments gave a conclusive answer; {best}.",
        "zh-CN": "{total} 项实验中有 {conclusive} 项得出明确结论；{best}。",
    },
    "note_experiments": {
        "en": "Verdicts are in English. Rates: Poisson GLM with a log-impressions offset and "
        "robust or author-clustered errors; cadence and market tests: difference-in-differences, "
        "with synthetic control and placebos beside it (docs/experiments.md).",
        "zh-CN": "结论文字为英文。比率：带对数展示量偏移的泊松广义线性模型，"
        "稳健或按作者聚类的标准误；发布频率与市场实验：双重差分，"
        "并辅以合成控制与安慰剂检验（见 docs/experiments.md）。",
    },
}


# The metric catalogue's words in Chinese live next to the catalogue: socialroi.model.metrics.zh.


def message_keys() -> list[str]:
    return list(MESSAGES)


@dataclass(frozen=True)
class Formatter:
    """Formats values for one language and one base currency."""

    lang: str
    currency: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(LANGS[self.lang])

    def t(self, key: str, **fields: object) -> str:
        entry = MESSAGES.get(key)
        if entry is None:
            return key
        text = entry.get(self.lang) or entry["en"]
        return text.format(**fields) if fields else text

    def metric_label(self, m) -> str:
        """A catalogue metric's label in the report's language."""
        return localized(m, self.lang)[0]

    def metric_definition(self, m) -> str:
        """A catalogue metric's definition in the report's language."""
        return localized(m, self.lang)[1]

    def metric_formula(self, m) -> str:
        """A catalogue metric's formula in the report's language."""
        return localized_formula(m, self.lang)

    def model_label(self, name: str) -> str:
        return MODEL_NAMES.get(self.lang, {}).get(name) or MODEL_NAMES["en"].get(name, name)

    def profile_label(self, p) -> str:
        return PROFILE_NAMES.get(self.lang, {}).get(p.name, p.label)

    def profile_description(self, p) -> str:
        """A profile's description in the report's language, when it is a built-in one as
        shipped."""

        words = PROFILE_DESCRIPTIONS.get(self.lang, {})
        if p.name in words and load_profile(p.name).description == p.description:
            return words[p.name]
        return p.description

    def value(self, key: str, value: object) -> str:
        """A cell's text in the report's language: platforms, channels and post formats are
        named for the reader; names of brands, accounts and campaigns stay as written."""
        return value_label(key, "" if value is None else str(value), self.lang)

    def kind_label(self, kind: str) -> str:
        """A conversion kind (purchase, lead, sql...) in the report's language."""
        return CONVERSION_KINDS.get(self.lang, {}).get(kind, kind)

    def money(self, v: object, digits: int = 0) -> str:
        if _missing(v):
            return "–"
        fmt = "¤#,##0" if digits == 0 else "¤#,##0.00"
        return format_currency(
            float(v), self.currency, format=fmt, locale=self.locale, currency_digits=False
        )

    def compact_money(self, v: object) -> str:
        if _missing(v):
            return "–"
        if abs(float(v)) < 10_000:
            return self.money(v)
        sym = self.locale.currency_symbols.get(self.currency, self.currency)
        return sym + format_compact_decimal(float(v), locale=self.locale, fraction_digits=1)

    def number(self, v: object, digits: int = 0) -> str:
        if _missing(v):
            return "–"
        pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
        return format_decimal(float(v), format=pattern, locale=self.locale)

    def count(self, v: object) -> str:
        """A count; attributed counts are fractional (credit split across touches), and show
        one decimal then."""
        if _missing(v):
            return "–"
        whole = abs(float(v) - round(float(v))) < 1e-9
        return self.number(v, 0 if whole else 1)

    def percent(self, v: object, digits: int = 1) -> str:
        if _missing(v):
            return "–"
        pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
        return format_percent(float(v), format=pattern, locale=self.locale)

    def delta(self, v: object) -> str:
        """A relative change with its sign: +12.3 % / −4.0 %."""
        if _missing(v):
            return "–"
        s = self.percent(abs(float(v)))
        return ("+" if float(v) >= 0 else "−") + s

    def points(self, v: object) -> str:
        if _missing(v):
            return "–"
        s = format_decimal(abs(float(v)), format="#,##0.0", locale=self.locale)
        if round(abs(float(v)), 1) == 0:
            return s  # no sign on a change that rounds to nothing
        return ("+" if float(v) >= 0 else "−") + s

    def pp(self, v: object) -> str:
        """A change in percentage points, from a fraction: 0.021 -> +2.1 pt."""
        if _missing(v):
            return "–"
        return self.points(float(v) * 100) + " " + self.t("pt")

    def ratio(self, v: object) -> str:
        if _missing(v):
            return "–"
        return format_decimal(float(v), format="#,##0.00", locale=self.locale) + "×"

    def date(self, d: object) -> str:
        if _missing(d):
            return "–"
        if hasattr(d, "date") and not isinstance(d, dt.date):
            d = d.date()
        if isinstance(d, dt.datetime):
            d = d.date()
        return format_date(d, format="medium", locale=self.locale)

    def unit(self, unit: str, v: object) -> str:
        """Format by a metric's unit: currency, count, people, percent or ratio."""
        if unit == "currency":
            return self.money(v, 2 if not _missing(v) and abs(float(v)) < 100 else 0)
        if unit == "percent":
            return self.percent(v)
        if unit == "ratio":
            return self.ratio(v)
        if unit in ("count", "people"):
            return self.count(v)
        return self.number(v, 2)


def formatter(lang: str, currency: str) -> Formatter:
    if lang not in LANGS:
        raise UnknownName("report language", lang, list(LANGS))
    return Formatter(lang, currency)


def _missing(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
