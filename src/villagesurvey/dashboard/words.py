"""The dashboard's words, in English and Chinese, for every section of the page.

One table, :data:`WORDS`, and one lookup, :func:`say`. A section's own words are named
after it (``fabrication.title``); the words of the page and of more than one section have
no prefix. A language other than English and Chinese reads the English; ``zh-CN`` and
``zh_Hans`` read the Chinese.
"""

from __future__ import annotations

__all__ = ["WORDS", "base_language", "say"]

WORDS: dict[str, dict[str, str]] = {
    "dashboard": {"en": "Field monitoring", "zh": "实地监测"},
    "overview": {"en": "Overview", "zh": "概况"},
    "files_read": {"en": "Files read", "zh": "已读文件"},
    "files_refused": {"en": "Files refused", "zh": "拒读文件"},
    "rows_in": {"en": "Rows in", "zh": "输入行数"},
    "rows_clean": {"en": "Clean", "zh": "无误"},
    "rows_quarantined": {"en": "Quarantined", "zh": "隔离"},
    "errors": {"en": "Errors", "zh": "错误"},
    "warnings": {"en": "Warnings", "zh": "警告"},
    "progress": {"en": "Progress by village", "zh": "各村进度"},
    "village": {"en": "Village", "zh": "村"},
    "all_villages": {"en": "All villages", "zh": "全部"},
    "interviews": {"en": "Interviews", "zh": "访谈数"},
    "clean": {"en": "Clean", "zh": "无误"},
    "quarantined": {"en": "Quarantined", "zh": "隔离"},
    "refused": {"en": "Refused", "zh": "拒访"},
    "target": {"en": "Target", "zh": "目标"},
    "interviewed": {"en": "Interviewed", "zh": "已访"},
    "remaining": {"en": "Remaining", "zh": "待访"},
    "replacements_used": {"en": "Replacements used", "zh": "已用替补"},
    "not_listed": {"en": "Not on the list", "zh": "名单外"},
    "interviewed_twice": {"en": "Interviewed twice", "zh": "重复访问"},
    "done": {"en": "done", "zh": "完成"},
    "no_sample": {
        "en": "No sample list given (validate --sample): interviews are counted, without targets.",
        "zh": "未提供样本名单（validate --sample）：仅统计访谈数，无目标。",
    },
    "sample_from": {"en": "Sample list", "zh": "样本名单"},
    "not_asked": {
        "en": "Refusals are not counted: the instrument declares no consent question.",
        "zh": "未统计拒访：问卷未声明知情同意题。",
    },
    "per_day": {"en": "Interviews per day", "zh": "每日访谈数"},
    "per_village_day": {"en": "Interviews per village and day", "zh": "各村每日访谈数"},
    "date_from": {"en": "Day of interview from", "zh": "访谈日期取自"},
    "undated": {"en": "Interviews without a day", "zh": "无日期的访谈"},
    "no_days": {"en": "No interview has a day.", "zh": "没有访谈带有日期。"},
    "date": {"en": "Day", "zh": "日期"},
    "days_table": {"en": "Each day", "zh": "逐日"},
    "not_listed_rows": {
        "en": "Respondents interviewed who are not on the list",
        "zh": "名单外的受访者",
    },
    "twice_rows": {"en": "Listed respondents interviewed twice", "zh": "被重复访问的受访者"},
    "respondent": {"en": "Respondent", "zh": "受访者"},
    "file": {"en": "File", "zh": "文件"},
    "sheet": {"en": "Sheet", "zh": "工作表"},
    "row": {"en": "Row", "zh": "行"},
    "column": {"en": "Column", "zh": "列"},
    "value": {"en": "Value", "zh": "值"},
    "message": {"en": "What was found", "zh": "问题"},
    "rows": {"en": "Rows", "zh": "行"},
    "problems": {"en": "Top problems", "zh": "主要问题"},
    "no_problems": {"en": "No error or warning.", "zh": "没有错误或警告。"},
    "error": {"en": "error", "zh": "错误"},
    "warning": {"en": "warning", "zh": "警告"},
    "shown_first": {
        "en": "Showing the first {shown:,} of {count:,}; issues.xlsx has them all.",
        "zh": "仅显示前 {shown:,} 条，共 {count:,} 条；issues.xlsx 中有全部。",
    },
    "more_checks": {
        "en": "{count:,} more checks found problems; issues.xlsx lists every one.",
        "zh": "另有 {count:,} 种检查发现问题；见 issues.xlsx。",
    },
    "footer": {
        "en": "Written by {generator} from the same run as issues.xlsx and summary.json.",
        "zh": "由 {generator} 生成，与 issues.xlsx 和 summary.json 同一次运行。",
    },
    # the fabrication section
    "fabrication.title": {"en": "Fabrication signals", "zh": "编造数据的迹象"},
    "fabrication.caveat": {
        "en": "A signal is a reason to call the enumerator and re-visit a few households, not "
        "proof: honest interviews can show it by chance or for a good reason. All the tests "
        "below are adjusted together (Holm); a signal needs an adjusted p-value under "
        "{alpha} and a difference large enough to matter.",
        "zh": "迹象只是联系调查员、回访几户的理由，并非证据："
        "真实的访问也可能偶然或因正当原因出现这些迹象。下列所有检验一并校正（Holm 法）；"
        "只有校正后 p 值小于 {alpha} 且差异足够大时才提示。",
    },
    "fabrication.none": {"en": "No signal.", "zh": "未发现迹象。"},
    "fabrication.enumerator": {"en": "Enumerator", "zh": "调查员"},
    "fabrication.interviews": {"en": "Interviews", "zh": "访问数"},
    "fabrication.digits": {"en": "Last digit 0 or 5", "zh": "末位为0或5"},
    "fabrication.others": {"en": "Others", "zh": "其他人"},
    "fabrication.spread": {"en": "Spread vs others", "zh": "离散度（相对他人）"},
    "fabrication.p_holm": {"en": "p (Holm)", "zh": "p（Holm）"},
    "fabrication.outcome": {"en": "Outcome", "zh": "结果变量"},
    "fabrication.icc": {"en": "Enumerator ICC", "zh": "调查员 ICC"},
    "fabrication.village_icc": {"en": "Village ICC", "zh": "村庄 ICC"},
    "fabrication.beyond": {"en": "Beyond villages", "zh": "扣除村庄差异后"},
    "fabrication.too_few": {"en": "too few", "zh": "数据不足"},
    "fabrication.crossed": {"en": "within villages", "zh": "同村内比较"},
    "fabrication.nested": {"en": "against villages", "zh": "与村庄间差异比较"},
    "fabrication.confounded": {
        "en": "one village each: not told apart",
        "zh": "每人一村：无法区分",
    },
    "fabrication.no villages": {"en": "one-way", "zh": "单因素"},
    "fabrication.digit_preference": {
        "en": "{name}: last digits 0 or 5 in {own} of {n} answers, {others} for the others (chance "
        "20%; {p}).",
        "zh": "{name}：{n} 个金额中末位为0或5的占 {own}，其他调查员为 {others}（随机应为20%；{p}）"
        "。",
    },
    "fabrication.low_variance": {
        "en": "{name}: interviews differ from one another {ratio} times as much as the others' "
        "({n} interviews; {p}).",
        "zh": "{name}：各次访问之间的差异只有其他调查员的 {ratio} 倍（{n} 次访问；{p}）。",
    },
    "fabrication.enumerator_effect": {
        "en": "{name}: {icc} of the variance lies between enumerators, beyond the villages they "
        "cover ({p}).",
        "zh": "{name}：{icc} 的方差来自调查员之间，且超出其所负责村庄之间的差异（{p}）。",
    },
    # the backchecks section
    "backchecks.title": {"en": "Back-checks", "zh": "回访核查"},
    "backchecks.summary": {
        "en": "{compared} back-checks compared with the survey: {answers} answers, {different} "
        "different. Error rates above {threshold} are flagged (types 1 and 2).",
        "zh": "已与调查核对 {compared} 份回访：比较 {answers} 个答案，{different} 个不一致。"
        "错误率高于 {threshold} 的已标出（第1、2类）。",
    },
    "backchecks.not_compared": {
        "en": "{count} back-checks could not be compared: {reasons}.",
        "zh": "{count} 份回访未能核对：{reasons}。",
    },
    "backchecks.twice": {
        "en": "{count} households were back-checked more than once.",
        "zh": "{count} 户被回访了不止一次。",
    },
    "backchecks.rates": {"en": "Error rates per enumerator", "zh": "各调查员的错误率"},
    "backchecks.enumerator": {"en": "Enumerator", "zh": "调查员"},
    "backchecks.type": {"en": "Type", "zh": "类别"},
    "backchecks.compared": {"en": "Compared", "zh": "比较数"},
    "backchecks.differ": {"en": "Different", "zh": "不一致"},
    "backchecks.rate": {"en": "Error rate", "zh": "错误率"},
    "backchecks.above": {"en": "above threshold", "zh": "高于阈值"},
    "backchecks.ok": {"en": "within threshold", "zh": "在阈值内"},
    "backchecks.type1": {
        "en": "Type-1 differences (facts that should not differ)",
        "zh": "第1类不一致（不应改变的事实）",
    },
    "backchecks.question": {"en": "Question", "zh": "问题"},
    "backchecks.survey": {"en": "Survey", "zh": "调查"},
    "backchecks.backcheck": {"en": "Back-check", "zh": "回访"},
    "backchecks.backchecker": {"en": "Back-checker", "zh": "回访员"},
    "backchecks.none": {"en": "No type-1 answer differs.", "zh": "第1类答案没有不一致。"},
    "backchecks.more": {
        "en": "{count} more in backcheck.xlsx.",
        "zh": "另有 {count} 条见 backcheck.xlsx。",
    },
    "backchecks.blank": {"en": "(blank)", "zh": "（空）"},
    "backchecks.stability": {"en": "Stability (type 3)", "zh": "稳定性（第3类）"},
    "backchecks.test": {"en": "Test", "zh": "检验"},
    "backchecks.n": {"en": "Pairs", "zh": "配对数"},
    "backchecks.reason.not_in_survey": {"en": "not in the survey", "zh": "调查中没有"},
    "backchecks.reason.survey_row_quarantined": {
        "en": "survey row in quarantine",
        "zh": "调查行已隔离",
    },
    "backchecks.reason.survey_key_twice": {"en": "key twice in the survey", "zh": "调查中编号重复"},
    "backchecks.reason.backcheck_has_errors": {"en": "back-check with errors", "zh": "回访有错误"},
    # the enumerators section
    "enumerators.title": {"en": "Enumerators", "zh": "调查员"},
    "enumerators.column.enumerator": {"en": "Enumerator", "zh": "调查员"},
    "enumerators.column.interviews": {"en": "Interviews", "zh": "访谈数"},
    "enumerators.column.days": {"en": "Days", "zh": "工作天数"},
    "enumerators.column.per_day": {"en": "Per day", "zh": "日均访谈"},
    "enumerators.column.median_minutes": {"en": "Median minutes", "zh": "时长中位数（分钟）"},
    "enumerators.column.under_min": {"en": "Under the floor", "zh": "低于下限"},
    "enumerators.column.errors": {"en": "Rows with errors", "zh": "有错误的行"},
    "enumerators.column.warnings": {"en": "Rows with warnings", "zh": "有警告的行"},
    "enumerators.column.dont_know": {"en": "Don't know", "zh": "不知道"},
    "enumerators.column.refused": {"en": "Refused", "zh": "拒答"},
    "enumerators.column.gate_skips": {"en": "Gates skipped", "zh": "跳过提问"},
    "enumerators.none": {
        "en": "The instrument names no enumerator question: nothing to show.",
        "zh": "问卷未指定调查员题目，无可显示内容。",
    },
    "enumerators.calm": {
        "en": "No enumerator stands out from the others.",
        "zh": "没有调查员与其他人明显不同。",
    },
    "enumerators.duration.start_end": {
        "en": "Durations from the start and end times.",
        "zh": "时长按开始和结束时间计算。",
    },
    "enumerators.duration.start_submitted": {
        "en": "Durations from the start time to the submission time (an upper bound: a phone may "
        "send later).",
        "zh": "时长按开始时间至提交时间计算（上限：手机可能稍后才提交）。",
    },
    "enumerators.duration.none": {
        "en": "No start and end times: no durations.",
        "zh": "没有开始和结束时间，无法计算时长。",
    },
    "enumerators.fair": {
        "en": "Each enumerator is compared with all the others together (two-sided tests, "
        "Holm-adjusted, p < {alpha}); fewer than {least} interviews are shown, not compared. "
        "A signal is a reason to call, not a verdict.",
        "zh": "每位调查员与其他所有调查员合并比较（双侧检验，Holm 校正，p < {alpha}）；"
        "访谈少于 {least} 次的只显示、不比较。信号是打电话核实的理由，而非结论。",
    },
    "enumerators.check.enumerator_short_interviews": {
        "en": "short interviews",
        "zh": "访谈时间过短",
    },
    "enumerators.check.enumerator_errors": {"en": "more rows with errors", "zh": "有错误的行较多"},
    "enumerators.check.enumerator_warnings": {
        "en": "more rows with warnings",
        "zh": "有警告的行较多",
    },
    "enumerators.check.enumerator_dont_know": {
        "en": 'more "don\'t know" answers',
        "zh": "“不知道”回答较多",
    },
    "enumerators.check.enumerator_refused": {"en": "more refusals", "zh": "拒答较多"},
    "enumerators.check.enumerator_gate_skips": {
        "en": "gate questions answered so as to skip",
        "zh": "筛选题的回答使后续问题被跳过",
    },
    # the gps section
    "gps.title": {"en": "GPS points", "zh": "GPS 定位点"},
    "gps.map": {
        "en": "Map of the GPS points of {column} by village",
        "zh": "按村显示的 {column} 定位点地图",
    },
    "gps.alt": {
        "en": "{points} points in {villages} villages over {width} by {height}; {far} far from "
        "their village, {copied} shared by households, {accuracy} measured less accurately "
        "than allowed.",
        "zh": "{villages} 个村共 {points} 个定位点，范围 {width} × {height}；{far} 个离村中心过远，"
        "{copied} 个与其他农户位置相同，{accuracy} 个精度不足。",
    },
    "gps.points": {"en": "{points} points of {column}", "zh": "{column} 共 {points} 个定位点"},
    "gps.shown": {
        "en": "{shown} of {total} points are drawn: every flagged one and an even spread.",
        "zh": "图中显示 {total} 个点中的 {shown} 个：所有被标记的点及均匀抽取的其余点。",
    },
    "gps.far": {
        "en": "{n} farther than {radius} km from their village's centre",
        "zh": "{n} 个离村中心超过 {radius} 公里",
    },
    "gps.copied": {
        "en": "{n} at the same point as another household (within {metres} m)",
        "zh": "{n} 个与其他农户位置相同（{metres} 米以内）",
    },
    "gps.accuracy": {
        "en": "{n} measured less accurately than {limit} m",
        "zh": "{n} 个精度差于 {limit} 米",
    },
    "gps.no_radius": {
        "en": "No radius_km in the instrument: distances are shown, not checked.",
        "zh": "问卷未设 radius_km：只显示距离，不作检查。",
    },
    "gps.legend_far": {"en": "far from its village", "zh": "离村过远"},
    "gps.legend_copied": {"en": "shared by households", "zh": "多户同一位置"},
    "gps.legend_centre": {"en": "village centre", "zh": "村中心"},
    "gps.village": {"en": "Village", "zh": "村"},
    "gps.count": {"en": "Points", "zh": "定位点"},
    "gps.centre": {"en": "Centre", "zh": "中心"},
    "gps.median_km": {"en": "Median distance (km)", "zh": "距离中位数（公里）"},
    "gps.far_h": {"en": "Far", "zh": "过远"},
    "gps.copied_h": {"en": "Shared", "zh": "同位置"},
    "gps.accuracy_h": {"en": "Low accuracy", "zh": "精度不足"},
    "gps.from_table": {"en": "villages table", "zh": "村庄表"},
    "gps.median": {"en": "median point", "zh": "中位点"},
    "gps.none": {"en": "too few points", "zh": "点数太少"},
    "gps.no_points": {"en": "No GPS point among the clean rows.", "zh": "合格记录中没有定位点。"},
    "gps.not_listed": {
        "en": "Not in the villages table (their median point is used): {names}.",
        "zh": "不在村庄表中（使用其中位点）：{names}。",
    },
}
"""Each word's text by language: ``en`` (the fallback) and ``zh``."""


def say(word: str, language: str, **values: object) -> str:
    """The dashboard's text ``word`` in ``language`` (English if it has none), filled in.

    Parameters
    ----------
    word : str
        A key of :data:`WORDS`.
    language : str
        A language tag (``en``, ``zh``, ``zh-CN``); only its first part is read.
    **values
        What fills the text's ``{fields}``.

    Returns
    -------
    str
        The text (not HTML-escaped).
    """
    texts = WORDS[word]
    said = texts.get(base_language(language), texts["en"])
    return said.format(**values) if values else said


def base_language(language: str) -> str:
    """The first part of a language tag, in lower case: ``zh`` for ``zh-CN`` or ``zh_Hans``."""
    return language.lower().replace("_", "-").split("-")[0]
