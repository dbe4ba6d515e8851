"""The report's own words in Chinese (the keys of the English texts in ``_text``)."""

from __future__ import annotations

from typing import Any

__all__ = ["ZH"]

ZH: dict[str, Any] = {
    "lang": "zh",
    "separator": "、",
    "title": "前后对比：{title}",
    "subtitle": (
        "{clusters} 个村庄的 {n} 位受访者，{waves}。问卷 {id} {version}。金额按 {base} 年价格计算。"
    ),
    "headline": "调查结果",
    "warnings": "请先阅读",
    "not_changed": "无明显变化",
    "equivalent": "等效于无变化（在最小关注变化范围内，TOST）",
    "inconclusive": (
        "尚无定论：变化不明显，也未能证明小于有意义的变化（可在问卷中用 sesoi 或 --sesoi 说明）"
    ),
    "conclusions": {
        "changed": "明显变化",
        "equivalent": "等效于无变化",
        "inconclusive": "尚无定论",
        "untested": "未检验",
    },
    "none_changed": "没有指标出现明显变化。",
    "changed": "明显变化（基于设计的检验，经 Holm 校正，{count} 项指标中显著）",
    "finding": (
        "<b>{label}</b> 平均{direction} {change}，从 {before} 到 {after}"
        "（95% 置信区间 {low} 至 {high}，聚类稳健；d_z = {dz}，d_av = {dav}）。"
    ),
    "finding_md": (
        "**{label}** 平均{direction} {change}，从 {before} 到 {after}"
        "（95% 置信区间 {low} 至 {high}，聚类稳健；d_z = {dz}，d_av = {dav}）。"
    ),
    "finding_share": (
        "<b>{label}</b> 的比例{direction} {change}，从 {before} 到 {after}"
        "（风险差，95% 置信区间 {low} 至 {high}，聚类稳健）。"
    ),
    "finding_share_md": (
        "**{label}** 的比例{direction} {change}，从 {before} 到 {after}"
        "（风险差，95% 置信区间 {low} 至 {high}，聚类稳健）。"
    ),
    "finding_yes_no": "{started} 人开始、{stopped} 人停止（McNemar {p}）。",
    "to": "至",
    "test_methods": {
        "exact": "精确检验",
        "chi-squared with continuity correction": "带连续性校正的卡方检验",
        "normal approximation with continuity correction": "带连续性校正的正态近似",
    },
    "equivalent_item": "{label}（变化 {change}，在 ±{sesoi} 之内；TOST {p}）",
    "points": "个百分点",
    "fig_power": (
        "配对 t 检验的检验效能：{n} 对样本（实线）与约 {n_eff:.0f} 的有效样本、{df:.0f} 个自由度"
        "（虚线）；圆点为各指标在其最小关注变化下的检验效能（各自的设计效应）"
    ),
    "t_results": "表 2. 前后比较：基于设计（聚类稳健）的检验",
    "t_naive": "表 3. 核对：忽略村庄的配对检验与稳健性检验",
    "t_power": "表 4. 本调查能检测到的变化与等效检验",
    "t_effects": "表 5. 效应量",
    "t_cluster": "表 6. 受访者嵌套于村庄",
    "t_yes_no": "表 7. 是/否指标",
    "t_ratings": "表 8. 评分：提高、不变、降低",
    "t_missing": "表 9. 各轮、各村的缺失回答（跳题回答按问卷规定填补后）",
    "t_subgroup": "表 10{letter}. {by} = {level}",
    "t_subgroup_compare": "（组内变化；各组之间是否不同，见表 12 的检验）",
    "t_group_tests": "表 12. 变化是否因{by}而不同？平均变化之差，聚类稳健（CR2）",
    "t_did": (
        "表 11. 双重差分：{column} = 1 者的变化减去 {column} = 0 者的变化，"
        "聚类稳健（CR2）；旁列基线差异"
    ),
    "rose": "增加了",
    "fell": "减少了",
    "in_prices": "{unit}，{base} 年价格",
    "figures": "图",
    "fig_slopes": "各村前后平均值（灰线：每个村庄；黑线：全部受访者）",
    "fig_diffs": "每位受访者的变化（后 − 前）；虚线表示无变化，实线为平均变化",
    "power_axis_x": "效应量 d_z",
    "power_axis_y": "检验效能",
    "power_title": "本调查能检测到多大的变化",
    "tables": "表",
    "t_demo": "表 1. 受访者基本情况",
    "roster_size": "{roster}：每户成员数",
    "roster_range": "{mean}（范围 {low} 至 {high}）",
    "fig_pyramid": "{roster}：按年龄和性别的成员分布",
    "pyramid_caption": (
        "{households} 户的 {members} 名成员，每 {band} 岁一组（按受访者所列；"
        "{unplaced} 人缺少年龄或性别，未计入）。"
    ),
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
        "d_av": "d_av",
        "gmr": "几何均值之比（配对）",
        "wilcoxon": "Wilcoxon p",
        "naive_t": "配对 t（自由度）",
        "naive_p": "配对 p",
        "naive_p_holm": "配对 p（Holm）",
        "naive_ci": "配对 95% 置信区间",
        "wild": "野聚类自助法 p",
        "boot_ci": "整村自助法 95% 置信区间",
        "hl": "Hodges-Lehmann [95% 置信区间]",
        "df": "自由度",
        "mde_dz": "折合 d_z",
        "mde": "最小可检测变化（80%）",
        "sesoi": "最小关注变化",
        "power_sesoi": "该变化下的效能",
        "tost": "等效检验 p（TOST）",
        "conclusion": "结论",
        "n_eff": "有效样本量",
        "clusters": "村庄数",
        "icc": "组内相关系数 [95% 置信区间]",
        "deff": "设计效应",
        "cr_t": "CR2 t（自由度）",
        "cr_p": "CR2 p",
        "started": "开始",
        "stopped": "停止",
        "mcnemar": "McNemar p",
        "rd": "风险差 [95% 置信区间]",
        "rd_cr": "聚类稳健 [95% 置信区间]",
        "improved": "提高",
        "same": "不变",
        "worse": "降低",
        "sign": "符号检验 p",
        "wave": "轮次",
        "missing": "缺失",
        "skipped": "跳过（已填补）",
        "groups": "组别",
        "all_equal": "各组变化相同（CR2 Wald，HTZ）",
        "difference": "差异",
        "n_groups": "n（1 / 0）",
        "change_exposed": "变化（1）",
        "change_unexposed": "变化（0）",
        "did": "双重差分",
        "baseline": "基线差异",
        "baseline_p": "基线 p",
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
        "对两轮都调查的每项指标，逐个受访者比较（后 − 前）。每项指标的分析人群为两轮都回答了的"
        "受访者，其余受访者在该指标中被剔除并计数。因跳题而未问的问题按问卷的规定处理"
        "（when_skipped: 0 表示未问即为零，例如未从事电商者的电商收入）；否则跳过的回答视为缺失。",
        "主要结果：平均变化及其聚类稳健（CR2）标准误、Bell-McCaffrey（Satterthwaite）自由度和 "
        '95% 置信区间，与 R 的 clubSandwich（coef_test，vcov = "CR2"，test = '
        '"Satterthwaite"）相同；对 {count} 项指标的这些 p 值进行 Holm 校正，据此判断明显变化。'
        "以野聚类自助法（Webb 六点权重，施加原假设）核对。是/否指标的平均变化即风险差。"
        "旁列（并注明）忽略村庄、把受访者视为相互独立的配对 t 检验和 Wilcoxon 符号秩检验；"
        "作为同一平均变化的稳健性检验，列出按村庄整体重抽样的百分位区间，"
        "并以 Hodges-Lehmann 估计及其区间作为描述。",
        "效应量：d_z = 平均变化 / 变化的标准差（附非中心 t 区间），"
        "d_av = 平均变化 / 两轮标准差的平均（Lakens 2013）；两轮高度相关时 d_z 偏大。"
        "是/否指标应看风险差（表 7，以百分点计），其 d_z 和 d_av 仅供比较。"
        "检验效能和最小可检测变化以 d_z 表示，不用 d_av。它们基于主要检验：α = {alpha} 的双侧 "
        "t 检验，使用其标准误和自由度；最小可检测变化以指标本身的单位给出（也折算为 d_z）。"
        "检验效能只针对事先说明的最小关注变化（sesoi）给出，从不针对观察到的变化。"
        "给出最小关注变化时，对不明显的变化进行等效检验（双单侧检验，Lakens 2017）："
        "两个单侧检验都在 α 水平拒绝则为等效，否则为尚无定论。",
        "受访者嵌套于村庄（{cluster}）。对每项指标的变化：组内相关系数（单因素方差分析估计，"
        "附基于 F 分布的 95% 区间）、设计效应 1 + (m − 1) × ICC（m 为按规模加权的平均村庄样本量，"
        "{m:.1f}）和有效样本量 n / 设计效应。是/否指标：McNemar 检验（不一致对少于 25 时用精确"
        "二项检验，否则用带连续性校正的卡方检验，与 R 的 mcnemar.test 相同）及配对风险差及其 "
        "Wald 区间。评分指标：提高、不变、降低的人数比例及符号检验。",
        "金额折算为 {base} 年价格：实际值 = 名义值 × CPI({base}) / CPI(年份)。"
        "价格指数：{cpi}。来源：{source}",
        "未比较：{left_out}。",
    ],
    "left_out": {
        "categorical": "{name}（无序选项）",
        "not_numeric": "{name}（非数值）",
    },
    "nothing_left_out": "无",
    "no_money": "没有金额指标，未作平减。",
    "personal": "本报告不显示任何个人信息（标记为 pii 的问题）。",
    "validation": (
        "数据为一次核查后的合格行（其 summary.json 与合格数据在同一文件夹）：读入 {rows_in} 行，"
        "合格 {clean} 行，隔离 {quarantined} 行，删除 {dropped} 行。"
    ),
    "validation_no_corrections": "未应用任何更正。",
    "validation_corrections": (
        "更正文件 {file}（sha256 {sha}…）：更正 {corrected} 个值，确认 {confirmed} 个值，"
        "删除 {dropped} 名受访者，{not_applied} 行未应用。"
    ),
    "validation_unread": (
        "合格数据旁有一份核查的 summary.json，但无法完整读取（见 results.json 的 "
        "data.validation.note）；数据背后的更正情况不明。"
    ),
    "made_by": "由 villagesurvey {version} 生成。",
    "yes": "是",
    "no": "否",
    "all": "全部受访者",
    "notes": {
        "structural_zeros": "{count} 个因跳题而空白的回答按问卷规定（when_skipped）计为 {value}",
        "excluded_pairs": "{excluded} 位受访者因缺少其中一轮数据被剔除",
        "too_few_pairs": "完整配对少于 2 对，无法检验",
        "no_variation": "所有受访者的变化相同，无法检验",
        "small_sample": "仅有 {n} 对完整数据，样本较小，结果仅供参考",
        "one_cluster": "所有完整配对都在同一个村庄：只能进行忽略村庄的配对 t 检验",
        "few_df": "基于设计的检验只有 {df:.1f} 个自由度（{clusters} 个村庄）：置信区间很宽",
        "naive_only": (
            "逐个受访者看显著（配对 t 检验 p = {p:.3f}），但考虑村庄聚类后不显著（p = {cr2:.3f}）"
        ),
        "wild_disagrees": (
            "野聚类自助法（p = {wild:.3f}）与基于设计的检验（p = {p:.3f}）结论不一致，请谨慎解读"
        ),
        "design_caveat": (
            "本调查比较同一批人在 {before} 年和 {after} 年的情况，没有对照组："
            "它显示的是变化，而不是项目的效果。两年之间发生的其他变化"
            "（物价、疫情年份、在后来的访问中回忆较早年份）都包含在变化之中。"
        ),
        "did_assumption": (
            "双重差分（表 11）比较 {column} = 1 者的变化与 {column} = 0 者的变化。"
            "只有在没有该项目时两组本会同样变化（平行趋势）的前提下，它才是项目的效果；"
            "两轮数据无法检验这一前提；两组是自己选择的，可能在其他方面也不同，其基线差异列于旁。"
        ),
        "structural_zeros_headline": (
            "以下指标按问卷规定（when_skipped）将跳过的回答计为 0：{outcomes}。"
        ),
        "headline_power": (
            "{clusters} 个村庄的 {n} 位受访者：基于设计的检验只能可靠地（{power:.0%} 效能）检测到 "
            "d_z 至少为 {mde_low:.2f} 至 {mde_high:.2f} 的变化（视指标而定；自由度为 "
            "{df_low:.1f} 至 {df_high:.1f}，而非 n − 1）。结果不显著并不代表没有变化："
            "请看哪些指标等效于无变化、哪些尚无定论。"
        ),
        "headline_icc": (
            "村庄的影响本身也不确定：{outcome}的变化的村内相关系数为 {icc:.2f}"
            "（95% 置信区间 {low:.2f} 至 {high:.2f}），"
            "因此其 {n} 位受访者大约相当于 {n_eff_low:.0f} 至 {n_eff_high:.0f} 位独立受访者。"
        ),
        "headline_small": "仅有 {n} 位受访者，样本较小，所有结果仅供参考。",
        "headline_few_clusters": (
            "仅有 {clusters} 个村庄：主要检验为聚类稳健检验（CR2，Bell-McCaffrey 自由度），"
            "并以野聚类自助法核对；将受访者视为相互独立的配对 t 检验列于其旁。"
        ),
        "scales_not_measured": "无法评估量表（{reason}），本报告未包含量表部分。",
    },
}
