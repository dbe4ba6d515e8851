"""The questionnaire's own words in each language it speaks; others fall back to English."""

from __future__ import annotations

__all__ = ["unit_word", "words"]

_EN = {
    "form": "Questionnaire",
    "instrument": "Instrument",
    "version": "version",
    "hash": "content hash",
    "key": "Respondent",
    "signature": "Interviewer's signature",
    "date": "Date",
    "consent": "Consent",
    "consent_given": "Consent given",
    "yes": "Yes",
    "no": "No",
    "how_to": (
        "Write one digit per box. Circle the code of the answer. The small grey code and "
        "letter beside each question (or each year) are its column in the workbook."
    ),
    "circle_one": "Circle one code.",
    "circle_all": "Circle every code that applies.",
    "usually": "usually {range}",
    "if": "If {answer}",
    "if_wave": "If the {wave} answer is {answer}",
    "go_to": "→ go to {target}",
    "go_to_end": "→ end of the interview",
    "ask_only_if": "Ask {questions} only if {condition}; otherwise go to {target}.",
    "ask_only_if_end": "Ask {questions} only if {condition}; otherwise end the interview.",
    "wave_only_if": "Only if {condition}; otherwise leave blank.",
    "and": " and ",
    "or": " or ",
    "not": "not ({condition})",
    "one_of": "{name} is one of {values}",
    "selected": "{name} includes {value}",
    "personal_title": "Personal data",
    "personal_note": (
        "Keep this page apart from the answers: tear it off after the interview and store it "
        "separately. The respondent key links the two."
    ),
    "key_copy": "Copy the respondent key from the cover.",
    "date_boxes": "year – month – day",
    "point_latitude": "latitude (°, south −)",
    "point_longitude": "longitude (°, west −)",
    "point_altitude": "altitude (m)",
    "point_accuracy": "accuracy (m)",
    "page": "Page ",
    "of": " of ",
    "pages_end": "",
    "personal_where": "Personal data ({numbers}): on the last page, to be torn off.",
    "roster_how": (
        "One line each, numbered in the first column. More than {lines}? Continue on a copy "
        "of this page, numbering on. In the workbook: sheet “{sheet}”."
    ),
    "roster_how_count": (
        "One line each, numbered in the first column: as many lines as the answer to "
        "{count}. More than {lines}? Continue on a copy of this page, numbering on. In the "
        "workbook: sheet “{sheet}”."
    ),
    "write_one": "write one code",
    "write_all": "write every code that applies",
}

_ZH = {
    "form": "问卷",
    "instrument": "问卷编号",
    "version": "版本",
    "hash": "内容校验码",
    "key": "受访者",
    "signature": "调查员签名",
    "date": "日期",
    "consent": "知情同意",
    "consent_given": "受访者同意接受访问",
    "yes": "是",
    "no": "否",
    "how_to": (
        "每格填写一个数字；请圈出所选答案的编码。"
        "题目（或年份）旁的灰色小字是该题在数据表中的列编码和列号。"
    ),
    "circle_one": "单选，请圈出一个编码。",
    "circle_all": "多选，请圈出所有适用的编码。",
    "usually": "通常 {range}",
    "if": "如答 {answer}",
    "if_wave": "如{wave}年答 {answer}",
    "go_to": "→ 跳至 {target}",
    "go_to_end": "→ 访问结束",
    "ask_only_if": "仅当 {condition} 时询问 {questions}；否则跳至 {target}。",
    "ask_only_if_end": "仅当 {condition} 时询问 {questions}；否则结束访问。",
    "wave_only_if": "仅当 {condition} 时填写；否则留空。",
    "and": " 且 ",
    "or": " 或 ",
    "not": "并非（{condition}）",
    "one_of": "{name} 为 {values} 之一",
    "selected": "{name} 包括 {value}",
    "personal_title": "个人信息",
    "personal_note": "本页与答卷分开保存：访问结束后撕下单独存放。两者以受访者编码对应。",
    "key_copy": "请照抄封面上的受访者编码。",
    "date_boxes": "年 – 月 – 日",
    "point_latitude": "纬度（度，南纬为负）",
    "point_longitude": "经度（度，西经为负）",
    "point_altitude": "海拔（米）",
    "point_accuracy": "精度（米）",
    "page": "第 ",
    "of": " 页，共 ",
    "pages_end": " 页",
    "personal_where": "个人信息（{numbers}）在最后一页，可撕下单独保存。",
    "roster_how": (
        "每行填写一位，编号见第一列。超过 {lines} 行时请续填在本页复印件上，编号顺延。"
        "录入时填入工作簿的“{sheet}”工作表。"
    ),
    "roster_how_count": (
        "每行填写一位，编号见第一列；填写行数应与第 {count} 题的回答相同。超过 {lines} 行时"
        "请续填在本页复印件上，编号顺延。录入时填入工作簿的“{sheet}”工作表。"
    ),
    "write_one": "填写一个编码",
    "write_all": "填写所有适用的编码",
}

_WORDS = {"en": _EN, "zh": _ZH}

_UNITS_ZH = {
    "years": "岁",
    "year": "年",
    "persons": "人",
    "people": "人",
    "days": "天",
    "months": "月",
    "hours": "小时",
    "CNY": "元",
    "mu": "亩",
    "kg": "公斤",
}


def words(language: str) -> dict[str, str]:
    """The form's own texts for ``language`` (``zh-Hans`` uses ``zh``; others, English)."""
    return _WORDS.get(language, _WORDS.get(language.split("-")[0].split("_")[0], _EN))


def unit_word(unit: str, language: str) -> str:
    """A unit as printed in ``language``: ``days`` is 天 in Chinese; others as written."""
    if language.split("-")[0].split("_")[0] == "zh":
        return _UNITS_ZH.get(unit, unit)
    return unit
