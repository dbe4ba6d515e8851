"""The dashboard's own words, in English and Chinese (other languages read the English)."""

from __future__ import annotations

__all__ = ["say"]

_WORDS: dict[str, dict[str, str]] = {
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
}


def say(word: str, language: str, **values: object) -> str:
    """The dashboard's text ``word`` in ``language`` (English if it has none), filled in."""
    texts = _WORDS[word]
    said = texts.get(language, texts["en"])
    return said.format(**values) if values else said
