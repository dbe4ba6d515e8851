"""The report's own words, in each language it speaks; other languages fall back to English."""

from __future__ import annotations

from typing import Any

__all__ = ["ui"]

_EN: dict[str, Any] = {
    "lang": "en",
    "separator": ", ",
    "title": "Before and after: {title}",
    "subtitle": (
        "{n} respondents in {clusters} villages, {waves}. Instrument {id} {version}. "
        "Money in {base} prices."
    ),
    "headline": "What the survey shows",
    "warnings": "Read this first",
    "changed": (
        "Clear changes (design-based test, significant after Holm correction for {count} outcomes)"
    ),
    "not_changed": "No clear change",
    "equivalent": "Equivalent to no change (within the smallest change of interest, TOST)",
    "inconclusive": (
        "Inconclusive: not a clear change, and not shown to be smaller than a change that "
        "matters (state one with sesoi: in the instrument or --sesoi)"
    ),
    "none_changed": "No outcome changed clearly.",
    "rose": "rose",
    "fell": "fell",
    "finding": (
        "<b>{label}</b> {direction} by {change} on average, from {before} to {after} "
        "(95% CI {low} to {high}, cluster-robust; d_z = {dz}, d_av = {dav})."
    ),
    "finding_md": (
        "**{label}** {direction} by {change} on average, from {before} to {after} "
        "(95% CI {low} to {high}, cluster-robust; d_z = {dz}, d_av = {dav})."
    ),
    "finding_yes_no": (
        " {started} started and {stopped} stopped; McNemar p = {p}, risk difference {rd} points."
    ),
    "equivalent_item": "{label} (change {change}, within ±{sesoi}; TOST p = {p})",
    "points": "percentage points",
    "in_prices": "{unit} at {base} prices",
    "figures": "Figures",
    "fig_slopes": "Village averages before and after (grey: one line per village; "
    "black: all respondents)",
    "fig_diffs": "How much each respondent changed (after − before); the dashed line is no "
    "change, the solid line the average change",
    "fig_power": "Power of a paired t-test with {n} pairs (solid) and with the effective "
    "sample of about {n_eff:.0f} and {df:.0f} degrees of freedom (dashed); dots: the power at "
    "the smallest change of interest stated for an outcome",
    "power_axis_x": "effect size d_z",
    "power_axis_y": "power",
    "power_title": "How large a change this survey can detect",
    "tables": "Tables",
    "t_results": "Table 2. Before and after: the design-based (cluster-robust) comparison",
    "t_naive": "Table 3. Checks: the naive paired test (villages ignored) and robustness",
    "t_power": "Table 4. What the survey can detect, and equivalence",
    "t_effects": "Table 5. Effect sizes",
    "t_cluster": "Table 6. Respondents nested in villages",
    "t_yes_no": "Table 7. Yes/no outcomes",
    "t_ratings": "Table 8. Ratings: who improved, stayed, got worse",
    "t_missing": "Table 9. Missing answers by wave and village (before skipped answers are filled)",
    "t_demo": "Table 1. Respondents",
    "t_subgroup": "Table 10{letter}. {by} = {level}",
    "conclusions": {
        "changed": "clear change",
        "equivalent": "equivalent to none",
        "inconclusive": "inconclusive",
        "untested": "not tested",
    },
    "t_cpi": "Price index and deflation factors",
    "t_warnings": "Warnings by outcome",
    "col": {
        "outcome": "Outcome",
        "unit": "Unit",
        "n": "n",
        "excluded": "Left out",
        "before": "Before",
        "after": "After",
        "change": "Change",
        "ci": "95% CI",
        "t": "t (df)",
        "p": "p",
        "p_holm": "p (Holm)",
        "dz": "d_z [95% CI]",
        "dz_only": "d_z",
        "d_av": "d_av",
        "gmr": "Ratio of geometric means (pairs)",
        "wilcoxon": "Wilcoxon p",
        "naive_t": "Paired t (df)",
        "naive_p": "Paired p",
        "naive_ci": "Paired 95% CI",
        "wild": "Wild bootstrap p",
        "boot_ci": "Village bootstrap 95% CI",
        "hl": "Hodges-Lehmann [95% CI]",
        "df": "df",
        "mde": "Smallest detectable change (80%)",
        "mde_dz": "in d_z",
        "sesoi": "Smallest change of interest",
        "power_sesoi": "Power at it",
        "tost": "Equivalence p (TOST)",
        "conclusion": "Conclusion",
        "n_eff": "Effective n",
        "clusters": "Villages",
        "icc": "ICC [95% CI]",
        "deff": "Design effect",
        "cr_t": "CR2 t (df)",
        "cr_p": "CR2 p",
        "started": "Started",
        "stopped": "Stopped",
        "mcnemar": "McNemar p",
        "rd": "Risk difference [95% CI]",
        "rd_cr": "Cluster-robust [95% CI]",
        "improved": "Improved",
        "same": "Same",
        "worse": "Worse",
        "sign": "Sign test p",
        "wave": "Wave",
        "missing": "Missing",
        "skipped": "Skipped (filled)",
        "variable": "Characteristic",
        "category": "Category",
        "summary": "Mean (SD) or count (%)",
        "year": "Year",
        "index": "CPI",
        "factor": "Factor to {base}",
        "warning": "Warning",
    },
    "methods": "Methods",
    "methods_text": [
        "Each outcome asked in two waves is compared respondent by respondent "
        "(after − before). The analysis population of each outcome is the respondents with "
        "both waves answered; the others are left out of that outcome and counted. A "
        "question skipped by its skip rule counts as the value the instrument gives it "
        "(when_skipped: 0 for an amount that is none when not asked); otherwise a skipped "
        "answer is missing.",
        "Headline: the mean change with its cluster-robust (CR2) standard error, "
        "Bell-McCaffrey (Satterthwaite) degrees of freedom and 95% confidence interval, as "
        'R\'s clubSandwich (coef_test, vcov = "CR2", test = "Satterthwaite"); Holm\'s '
        "correction of these p-values across the {count} outcomes decides the clear "
        "changes. A wild cluster bootstrap (Webb's six-point weights, null imposed) checks "
        "it. For a yes/no outcome the mean change is the risk difference. Beside it, labelled, "
        "the naive paired t-test, which treats respondents as independent, and Wilcoxon's "
        "signed-rank test; as robustness checks of the same mean change, a percentile "
        "interval from resampling whole villages, and the Hodges-Lehmann estimate with its "
        "interval as a description.",
        "Effect sizes: d_z = mean change / standard deviation of the changes (with a "
        "noncentral-t interval) and d_av = mean change / mean of the two waves' standard "
        "deviations (Lakens 2013); d_z is large when the waves correlate strongly. Power and "
        "the smallest detectable change use the headline test: a two-sided t test at "
        "α = {alpha} with its standard error and degrees of freedom; the smallest "
        "detectable change is in the outcome's own unit (and in d_z). Power is given only "
        "at a smallest change of interest stated in advance (sesoi), never for the change "
        "observed. With a smallest change of interest, a change that is not clear is "
        "tested for equivalence (two one-sided tests, Lakens 2017): equivalent when both "
        "reject at α, otherwise inconclusive.",
        "Respondents are nested in villages ({cluster}). For the changes of each outcome: "
        "the intra-cluster correlation (ICC, one-way ANOVA estimator, with its F-based "
        "95% interval), the design effect 1 + (m − 1) × ICC with m the size-weighted mean "
        "village size ({m:.1f}), and the effective sample n / design effect. Yes/no "
        "outcomes: McNemar's test (exact binomial below 25 discordant pairs, otherwise "
        "chi-squared with continuity correction, as R's mcnemar.test) and the paired risk "
        "difference with its Wald interval. Ratings: the share who improved, stayed or got "
        "worse, and the sign test.",
        "Money is converted to {base} prices: real = nominal × CPI({base}) / CPI(year). "
        "Price index: {cpi}. Source: {source}",
        "Not compared: {left_out}.",
    ],
    "left_out": {
        "categorical": "{name} (an unordered choice)",
        "not_numeric": "{name} (not a number)",
    },
    "nothing_left_out": "none",
    "no_money": "No outcome is money; nothing was deflated.",
    "personal": "Personal data (questions marked pii) is never shown in this report.",
    "made_by": "Made by villagesurvey {version}.",
    "yes": "yes",
    "no": "no",
    "all": "all respondents",
    "notes": {},
}

_ZH: dict[str, Any] = {
    "lang": "zh",
    "separator": "、",
    "title": "前后对比：{title}",
    "subtitle": (
        "{clusters} 个村庄的 {n} 位受访者，{waves}。问卷 {id} {version}。金额按 {base} 年价格计算。"
    ),
    "headline": "调查结果",
    "warnings": "请先阅读",
    "changed": "明显变化（经 Holm 校正，{count} 项指标中显著）",
    "not_changed": "无明显变化",
    "none_changed": "没有指标出现明显变化。",
    "rose": "增加了",
    "fell": "减少了",
    "finding": (
        "<b>{label}</b> 平均{direction} {change}，从 {before} 到 {after}"
        "（95% 置信区间 {low} 至 {high}；d_z = {dz}）。"
    ),
    "finding_md": (
        "**{label}** 平均{direction} {change}，从 {before} 到 {after}"
        "（95% 置信区间 {low} 至 {high}；d_z = {dz}）。"
    ),
    "finding_cluster": "考虑村庄聚类后不显著（p = {p}）。",
    "in_prices": "{unit}，{base} 年价格",
    "figures": "图",
    "fig_slopes": "各村前后平均值（灰线：每个村庄；黑线：全部受访者）",
    "fig_diffs": "每位受访者的变化（后 − 前）；虚线表示无变化，实线为平均变化",
    "fig_power": (
        "配对 t 检验的检验效能：{n} 对样本（实线）与约 {n_eff:.0f} 的有效样本（虚线）；"
        "圆点为观察到的效应"
    ),
    "power_axis_x": "效应量 d_z",
    "power_axis_y": "检验效能",
    "power_title": "本调查能检测到多大的变化",
    "tables": "表",
    "t_results": "表 2. 前后配对比较",
    "t_power": "表 3. 检验效能与最小可检测效应",
    "t_cluster": "表 4. 受访者嵌套于村庄",
    "t_demo": "表 1. 受访者基本情况",
    "t_subgroup": "表 5{letter}. {by} = {level}",
    "t_cpi": "价格指数与平减系数",
    "t_warnings": "各指标的提示",
    "col": {
        "outcome": "指标",
        "unit": "单位",
        "n": "n",
        "excluded": "剔除",
        "before": "之前",
        "after": "之后",
        "change": "变化",
        "ci": "95% 置信区间",
        "t": "t（自由度）",
        "p": "p",
        "p_holm": "p（Holm）",
        "dz": "d_z [95% 置信区间]",
        "dz_only": "d_z",
        "wilcoxon": "Wilcoxon p",
        "shapiro": "Shapiro-Wilk p",
        "power": "检验效能",
        "mde": "80% 效能下最小 d_z",
        "needed": "80% 效能所需 n",
        "n_eff": "有效样本量",
        "power_eff": "检验效能（有效样本）",
        "clusters": "村庄数",
        "icc": "组内相关系数",
        "deff": "设计效应",
        "cr_t": "聚类稳健 t（自由度）",
        "cr_p": "聚类稳健 p",
        "variable": "特征",
        "category": "类别",
        "summary": "均值（标准差）或人数（%）",
        "year": "年份",
        "index": "CPI",
        "factor": "折算为 {base} 年的系数",
        "warning": "提示",
    },
    "methods": "方法",
    "methods_text": [
        "对两轮都调查的每项指标，逐个受访者比较（后 − 前）；"
        "缺少任一轮数据的受访者在该指标中被剔除并计数。",
        "配对 t 检验及平均变化的 95% 置信区间。效应量 d_z = 平均变化 / 变化的标准差，"
        "其 95% 置信区间基于非中心 t 分布。"
        "Wilcoxon 符号秩检验作为不假定正态分布的稳健性检验（与 R 的 wilcox.test 相同）。"
        "Shapiro-Wilk 检验变化的正态性。对 {count} 项指标的 t 检验 p 值进行 Holm 校正。",
        "检验效能为双侧配对 t 检验（α = {alpha}）在观察到的 d_z 下的效能"
        "（与 R 的 pwr.t.test 相同）；"
        "最小可检测效应为 80% 效能下的 d_z；"
        "所需 n 为在观察到的 d_z 下达到 80% 效能所需的配对数。",
        "受访者嵌套于村庄（{cluster}）。对每项指标的变化：组内相关系数（单因素方差分析估计）、"
        "设计效应 1 + (m − 1) × ICC（m 为按规模加权的平均村庄样本量，{m:.1f}）、"
        "有效样本量 n / 设计效应，"
        "以及平均变化的聚类稳健检验"
        "（OLS，CR1 聚类稳健标准误，t 分布自由度 = 村庄数 − 1 = {df}）。"
        "检验效能提示使用有效样本量。",
        "金额折算为 {base} 年价格：实际值 = 名义值 × CPI({base}) / CPI(年份)。"
        "价格指数：{cpi}。来源：{source}",
        "未比较：{left_out}。",
    ],
    "left_out": {
        "categorical": "{name}（是/否或无序选项，不适用配对 t 检验）",
        "not_numeric": "{name}（非数值）",
    },
    "nothing_left_out": "无",
    "no_money": "没有金额指标，未作平减。",
    "personal": "本报告不显示任何个人信息（标记为 pii 的问题）。",
    "made_by": "由 villagesurvey {version} 生成。",
    "yes": "是",
    "no": "否",
    "all": "全部受访者",
    "notes": {
        "excluded_pairs": "{excluded} 位受访者因缺少其中一轮数据被剔除",
        "too_few_pairs": "完整配对少于 2 对，无法检验",
        "no_variation": "所有受访者的变化相同，无法检验",
        "small_sample": "仅有 {n} 对完整数据，样本较小，结果仅供参考",
        "low_power": (
            "在约 {n_eff:.0f} 的有效样本下，检测到所观察效应（d_z = {dz:.2f}）的检验效能仅为 "
            "{power:.0%}；达到 80% 效能需要 d_z 至少 {mde:.2f}，或约 {needed} 位受访者"
        ),
        "not_normal": "变化明显偏离正态分布（Shapiro-Wilk p = {p:.3f}），请以 Wilcoxon 检验为准",
        "tests_disagree": "t 检验（p = {p:.3f}）与 Wilcoxon 检验（p = {w:.3f}）结论不一致",
        "cluster_not_significant": (
            "逐个受访者看显著，但考虑村庄聚类后不显著（聚类稳健 p = {p:.3f}）"
        ),
        "headline_power": (
            "{clusters} 个村庄的 {n} 位受访者（考虑村庄聚类后，视指标不同相当于 {n_eff_low:.0f} 至 "
            "{n_eff:.0f} 位独立受访者），只能可靠地（80% 效能）检测到 d_z 至少为 {mde:.2f} 的变化，"
            "独立受访者最少的指标则需至少 {mde_high:.2f}。{total} 项指标中有 {low} 项"
            "对所观察到的变化的检验效能低于 80%：结果不显著并不代表没有变化。"
        ),
        "headline_small": "仅有 {n} 位受访者，样本较小。小于 d_z = {mde:.2f} 的变化无法可靠检测。",
        "headline_few_clusters": (
            "仅有 {clusters} 个村庄：聚类稳健检验使用自由度为 {df} 的 t 分布，结论更为可靠。"
        ),
        "scales_not_measured": "无法评估量表（{reason}），本报告未包含量表部分。",
    },
}

_UI: dict[str, dict[str, Any]] = {"en": _EN, "zh": _ZH}


def ui(language: str) -> dict[str, Any]:
    """The report's texts for ``language`` (``zh-Hans`` uses ``zh``; others, English).

    A text not yet translated is given in English.
    """
    own = _UI.get(language, _UI.get(language.split("-")[0].split("_")[0], _EN))
    return {**_EN, **own, "col": {**_EN["col"], **own["col"]}}
