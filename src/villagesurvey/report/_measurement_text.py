"""The words of the report's measurement section, in each language it speaks."""

from __future__ import annotations

from typing import Any

__all__ = ["measurement_texts"]

_EN: dict[str, Any] = {
    "section": "Measurement: scales and the path model",
    "intro": (
        "How well each multi-item scale measures its construct, whether the constructs can "
        "be told apart, and the PLS path model declared in the instrument."
    ),
    "warnings": "About the scales",
    "all_good": "Every scale meets the usual thresholds.",
    "t_reliability": (
        "Table M1. Reliability and convergent validity (✗: below α or ρ_C 0.70, AVE 0.50)"
    ),
    "t_htmt": "Table M2. Discriminant validity: HTMT (✗: 0.90 or more; !: 0.85 to 0.90)",
    "t_htmt_boot": (
        "Table M2. Discriminant validity: HTMT [95% bootstrap interval] (✗: 0.90 or more; "
        "!: 0.85 or more, or an interval that reaches 0.85)"
    ),
    "t_fornell": (
        "Table M3. Fornell-Larcker criterion: √AVE on the diagonal, correlations of the "
        "construct scores below (✗: above the √AVE of either construct)"
    ),
    "t_items": "Table M4. Items (✗: loading below 0.708, or against the other items)",
    "t_paths": "Table M5. Path coefficients{boot}",
    "t_paths_boot": (
        " by PLS and by consistent PLS (bootstrap: {used} resamples {unit}, seed {seed}; "
        "percentile intervals)"
    ),
    "unit_cluster": "of the {clusters} villages in {column}",
    "unit_respondent": "of the respondents",
    "and": (", ", " and "),
    "t_r2": "Table M6. Variance explained (R²)",
    "fig_paths": (
        "The path model: arrows carry the path coefficients (* p < 0.05, ** p < 0.01, "
        "*** p < 0.001 by the bootstrap); dashed arrows are not significant; R² under each "
        "construct that arrows point at."
    ),
    "fig_paths_plain": "The path model: arrows carry the path coefficients; R² under each "
    "construct that arrows point at.",
    "single": "one indicator",
    "yes": "yes",
    "col": {
        "construct": "Construct",
        "items": "Items",
        "n": "n",
        "alpha": "Cronbach's α",
        "alpha_raw": "α raw [95% CI]",
        "rho_a": "ρ_A",
        "rho_c": "ρ_C",
        "ave": "AVE",
        "item": "Item",
        "question": "Question",
        "reversed": "Reversed",
        "mean": "Mean",
        "sd": "SD",
        "loading": "Loading",
        "weight": "Weight",
        "item_total": "Item-total r",
        "alpha_deleted": "α if deleted",
        "path": "Path",
        "coefficient": "Coefficient",
        "se": "SE",
        "t": "t",
        "p": "p",
        "ci": "95% CI",
        "plsc": "PLSc",
        "plsc_ci": "PLSc 95% CI",
        "r2": "R²",
        "r2_adj": "Adjusted R²",
        "r2_plsc": "R² (PLSc)",
    },
    "methods": [
        "Reverse-worded items are reversed first (min + max − answer of the scale's codes). "
        "Each scale's reliability uses the respondents who answered all its items; the path "
        "model uses those who answered every indicator of the model ({n_model} of {n}).",
        "Cronbach's α (Cronbach 1951) on the item correlations, as SmartPLS and R seminr "
        "report it, and on the raw covariances with Feldt's 95% interval (as R psych and "
        "SPSS). The PLS path model (Lohmöller's algorithm, Mode A outer weights, path "
        "weighting, standardized indicators, stopping when the weights change by less than "
        "1e-7, as seminr and SmartPLS) gives the outer loadings and weights, the composite "
        "reliability ρ_C, ρ_A (Dijkstra & Henseler 2015) and the average variance extracted "
        "(AVE, Fornell & Larcker 1981); a scale outside the model is estimated alone. HTMT "
        "(Henseler, Ringle & Sarstedt 2015) from the absolute item correlations, as seminr. "
        "Thresholds after Hair et al. (2022): α and ρ_C at least 0.70, AVE at least 0.50, "
        "loadings at least 0.708, HTMT below 0.85 (0.90 at most).",
        "Path coefficients are OLS coefficients on the standardized construct scores. "
        "Consistent PLS (PLSc; Dijkstra & Henseler 2015, as seminr's PLSc()) divides each "
        "correlation of two construct scores by the square root of the product of their "
        "ρ_A, which undoes the attenuation by measurement error, and computes the paths and "
        "R² from the corrected correlations: PLS describes the weighted sums of the items, "
        "PLSc the common factors that reflective scales are meant to measure. {bootstrap}",
    ],
    "boot_method": (
        "Standard errors from {used} bootstrap resamples {unit}, seed {seed}: t = "
        "coefficient / SE, p from the t distribution with resamples − 1 degrees of freedom, "
        "and percentile 95% intervals, for PLS, PLSc and HTMT alike. Resampling whole "
        "villages keeps the likeness of neighbours that resampling respondents one by one "
        "ignores (the cluster bootstrap). {inadmissible} resamples gave an inadmissible "
        "PLSc estimate (a ρ_A outside 0 to 1, corrected correlations that no data could "
        "have) and are left out of the PLSc intervals, as cSEM does. An HTMT whose upper "
        "bound stays below 0.85 (0.90 at most) shows discriminant validity (Franke & "
        "Sarstedt 2019)."
    ),
    "no_boot": "No bootstrap was run (--bootstrap 0): there are no standard errors.",
    "no_model": "The instrument declares no path model (model:); only the scales are assessed.",
    "notes": {},
}

_ZH: dict[str, Any] = {
    "section": "测量：量表与路径模型",
    "intro": "各多题项量表对其构念的测量效果、构念之间能否区分，以及问卷中设定的 PLS 路径模型。",
    "warnings": "关于量表",
    "all_good": "所有量表均达到常用标准。",
    "t_reliability": "表 M1. 信度与收敛效度（✗：α 或 ρ_C 低于 0.70，AVE 低于 0.50）",
    "t_htmt": "表 M2. 区分效度：HTMT（✗：0.90 及以上；!：0.85 至 0.90）",
    "t_htmt_boot": (
        "表 M2. 区分效度：HTMT [95% 自助法区间]（✗：0.90 及以上；!：0.85 及以上，或区间达到 0.85）"
    ),
    "t_fornell": (
        "表 M3. Fornell-Larcker 准则：对角线为 √AVE，下方为构念得分的相关系数"
        "（✗：高于任一构念的 √AVE）"
    ),
    "t_items": "表 M4. 题项（✗：载荷低于 0.708，或与其他题项方向相反）",
    "t_paths": "表 M5. 路径系数{boot}",
    "t_paths_boot": "：PLS 与一致性 PLS（自助法：{unit} {used} 次重抽样，种子 {seed}；百分位区间）",
    "unit_cluster": "对 {column} 的 {clusters} 个村",
    "unit_respondent": "对受访者",
    "and": ("、", "和"),
    "t_r2": "表 M6. 解释方差（R²）",
    "fig_paths": (
        "路径模型：箭头上为路径系数（自助法 * p < 0.05，** p < 0.01，*** p < 0.001）；"
        "虚线箭头不显著；被指向的构念下方为 R²。"
    ),
    "fig_paths_plain": "路径模型：箭头上为路径系数；被指向的构念下方为 R²。",
    "single": "单一指标",
    "yes": "是",
    "col": {
        "construct": "构念",
        "items": "题项数",
        "n": "n",
        "alpha": "Cronbach's α",
        "alpha_raw": "原始 α [95% 置信区间]",
        "rho_a": "ρ_A",
        "rho_c": "ρ_C",
        "ave": "AVE",
        "item": "题项",
        "question": "题目",
        "reversed": "反向计分",
        "mean": "均值",
        "sd": "标准差",
        "loading": "载荷",
        "weight": "权重",
        "item_total": "题总相关",
        "alpha_deleted": "删除后 α",
        "path": "路径",
        "coefficient": "系数",
        "se": "标准误",
        "t": "t",
        "p": "p",
        "ci": "95% 置信区间",
        "plsc": "PLSc",
        "plsc_ci": "PLSc 95% 置信区间",
        "r2": "R²",
        "r2_adj": "调整 R²",
        "r2_plsc": "R²（PLSc）",
    },
    "methods": [
        "反向题先反向计分（量表最小值 + 最大值 − 回答）。每个量表的信度使用回答了该量表全部题项的"
        "受访者；路径模型使用回答了模型全部指标的受访者（{n} 人中的 {n_model} 人）。",
        "Cronbach's α（Cronbach 1951）按题项相关矩阵计算（与 SmartPLS、R seminr 相同），"
        "并按原始协方差计算，附 Feldt 95% 置信区间（与 R psych、SPSS 相同）。"
        "PLS 路径模型（Lohmöller 算法，Mode A 外部权重，路径加权，指标标准化，"
        "权重变化小于 1e-7 时停止，与 seminr、SmartPLS 相同）给出外部载荷与权重、"
        "组合信度 ρ_C、ρ_A（Dijkstra & Henseler 2015）和平均方差提取量"
        "（AVE，Fornell & Larcker 1981）；不在模型中的量表单独估计。"
        "HTMT（Henseler、Ringle & Sarstedt 2015）按题项相关系数的绝对值计算（与 seminr 相同）。"
        "标准参照 Hair 等（2022）：α 与 ρ_C 不低于 0.70，AVE 不低于 0.50，"
        "载荷不低于 0.708，HTMT 低于 0.85（最多 0.90）。",
        "路径系数为标准化构念得分的 OLS 回归系数。一致性 PLS（PLSc；Dijkstra & Henseler 2015，"
        "与 seminr 的 PLSc() 相同）将两个构念得分的相关系数除以二者 ρ_A 乘积的平方根，"
        "以消除测量误差造成的衰减，再由校正后的相关系数计算路径系数与 R²：PLS 描述题项的加权和，"
        "PLSc 描述反映型量表所要测量的共同因子。{bootstrap}",
    ],
    "boot_method": (
        "标准误来自{unit} {used} 次自助法重抽样（种子 {seed}）：t = 系数 / 标准误，"
        "p 值基于自由度为重抽样次数 − 1 的 t 分布，置信区间为百分位 95% 区间；PLS、PLSc 与 HTMT "
        "均如此。整村重抽样保留了同村受访者之间的相似性，逐个重抽样受访者则忽略了这一点"
        "（整群自助法）。{inadmissible} 次重抽样的 PLSc 估计不可接受（ρ_A 不在 0 到 1 之间，"
        "或校正后的相关系数不可能出现），已从 PLSc 区间中剔除（与 cSEM 相同）。HTMT 的区间上限"
        "低于 0.85（最多 0.90）才表明具有区分效度（Franke & Sarstedt 2019）。"
    ),
    "no_boot": "未进行自助法（--bootstrap 0），因此没有标准误。",
    "no_model": "问卷未设定路径模型（model:），仅评估量表。",
    "notes": {
        "pls_small_sample": (
            "路径模型仅基于 {n} 位受访者：样本这么小，PLS 估计很不稳定。按平方根倒数法"
            "（Kock & Hadaya 2018），在 5% 显著性水平、80% 检验效能下只能检测到不小于 {p_min:.2f} "
            "的路径；检测 0.20 的路径约需 {n_020} 位受访者。请看自助法置信区间，而不只是系数。"
        ),
        "pls_failed": "无法估计路径模型（{reason}）。",
        "scales_not_measured": "无法评估量表（{reason}），本报告未包含量表部分。",
        "pls_not_converged": "PLS 权重在 {iterations} 次迭代内未收敛，模型结果请谨慎解读。",
        "bootstrap_failed": (
            "{count} 次自助法重抽样中有 {failed} 次无法估计（重抽样中某题项没有变异），已剔除。"
        ),
        "scale_left_out": "{construct}：{dropped} 位受访者因有题项未回答而被剔除。",
        "growth_undefined": (
            "{construct}：{count} 位受访者的金额为 0 或更少，增长率无法计算，已剔除。"
        ),
        "scale_low_alpha": (
            "{construct}：Cronbach's α 为 {value:.2f}，低于 0.70：题项一致性不足，不宜相加。"
        ),
        "scale_low_rho_c": "{construct}：组合信度 ρ_C 为 {value:.2f}，低于 0.70：量表测量不可靠。",
        "scale_low_ave": (
            "{construct}：题项与构念共享的方差仅 {value:.0%}（AVE {value:.2f}，低于 0.50）："
            "误差多于构念本身。"
        ),
        "item_low_loading": (
            "{construct}：题项 {item} 的载荷仅为 {value:.2f}"
            "（应不低于 0.708；低于 0.40 通常应删除）。"
        ),
        "item_negative": (
            "{construct}：题项 {item} 与其他题项方向相反（题总相关 r = {value:.2f}）。"
            "是否为反向题却未在问卷中标注 reverse: true？"
        ),
        "item_raises_alpha": (
            "{construct}：删除题项 {item} 会使 Cronbach's α 从 {alpha:.2f} 升至 {value:.2f}。"
        ),
        "htmt_high": (
            "{a} 与 {b} 的题项无法区分两者（HTMT {value:.2f}，不低于 0.90）：可能测量的是同一事物。"
        ),
        "htmt_borderline": (
            "{a} 与 {b} 很接近（HTMT {value:.2f}，介于 0.85 与 0.90 之间）：区分效度存疑。"
        ),
        "bootstrap_few_clusters": (
            "自助法整村重抽样（同村受访者彼此相似），但只有 {clusters} 个村：少于 {few} 个群时，"
            "区间本身并不稳定，且往往偏窄（Cameron, Gelbach & Miller 2008），应视为不确定性的下限。"
        ),
        "plsc_inadmissible": (
            "一致性 PLS（PLSc）的估计不可接受（某个信度 ρ_A 不在 0 到 1 之间，或校正后的相关系数"
            "或载荷大于 1）：在这些量表和样本下校正过度，请以 PLS 估计为准。"
        ),
        "plsc_unstable": (
            "{used} 次自助法重抽样中有 {count} 次的 PLSc 估计不可接受（ρ_A 不在 0 到 1 之间，"
            "或校正后的相关系数不可能出现），已从其区间中剔除："
            "在这些量表和样本下 PLSc 不稳定，其区间偏窄。"
        ),
        "reverse_causation": (
            "{sources}是在 {last} 年的访谈中测量的，晚于它们被认为所预测的变化（{target}，自 "
            "{first} 年起）。该路径只是关联而非因果：收入增长本身可能影响受访者的回答，"
            "其作用不亚于回答对变化的解释（反向因果）。"
        ),
        "common_method": (
            "这些路径的两端都来自同一个人在同一次 {last} 年访谈中的回答，"
            "{first} 年的金额为回忆所得：相同的作答方式（情绪、迎合、保持前后一致）"
            "会夸大二者的相关（共同方法偏差；"
            "Podsakoff 等 2003）。来自其他来源的测量（如记录或后续调查）可以检验这一点。"
        ),
        "htmt_interval": (
            "{a} 与 {b}：HTMT 为 {value:.2f}，但其 {level:.0%} 自助法区间达到 {upper:.2f}，"
            "未低于 {threshold:.2f}：区分效度未能确立（Franke & Sarstedt 2019）。"
        ),
        "fornell_larcker": (
            "{a} 与 {b} 的相关系数为 {value:.2f}，高于 {which} 的 √AVE（{root:.2f}）："
            "不满足 Fornell-Larcker 准则。"
        ),
    },
}

_TEXTS: dict[str, dict[str, Any]] = {"en": _EN, "zh": _ZH}


def measurement_texts(language: str) -> dict[str, Any]:
    """The section's texts for ``language`` (``zh-Hans`` uses ``zh``; others, English)."""
    return _TEXTS.get(language, _TEXTS.get(language.split("-")[0].split("_")[0], _EN))
