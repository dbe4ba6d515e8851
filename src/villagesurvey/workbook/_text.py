"""The workbook's own words, in each language it speaks; other languages fall back to English."""

from __future__ import annotations

from typing import Any

__all__ = ["ui"]

_EN = {
    "data_sheet": "Data",
    "codebook_sheet": "Codebook",
    "instructions_sheet": "Instructions",
    "required": "required",
    "choose": "Choose from the list.",
    "choose_error": "Choose one of the answers in the list.",
    "multiple": "Type the codes of every answer that applies, separated by spaces:",
    "whole": "Enter a whole number",
    "decimal": "Enter a number",
    "date": "Enter a date (YYYY-MM-DD)",
    "datetime": "Enter a date and time (YYYY-MM-DD HH:MM).",
    "text": "Enter text",
    "between": " from {low} to {high}",
    "at_least": " of at least {low}",
    "at_most": " of at most {high}",
    "expected": "Usually {range}; check values outside this.",
    "asked_if": "Ask only if: {rule}",
    "unit": "Unit: {unit}",
    "invalid": "Invalid value",
    "codebook_headers": [
        "Code",
        "Label ({lang})",
        "Section",
        "Type",
        "Unit",
        "Required",
        "Allowed values",
        "Usually",
        "Wave",
        "Asked if",
        "Personal data",
        "Scale",
        "Part of",
    ],
    "yes": "yes",
    "no": "",
    "instructions": [
        "How to fill in this workbook",
        "",
        "1. Enter one respondent per row on the '{data}' sheet, starting at row {first}.",
        "2. Do not change rows 1 to {code_row}, and do not insert, delete, rename or move "
        "columns: the codes in row {code_row} are how the returns are read.",
        "3. Columns marked * (orange heading) must be answered whenever the question is asked.",
        "4. Choose answers from the drop-down lists. Type numbers without units, "
        "separators or words: 12000, not 1.2万 or 12,000 yuan.",
        "5. Enter dates as YYYY-MM-DD, e.g. 2022-07-15.",
        "6. Leave a cell empty when the question was not asked (see 'Asked if' in the "
        "'{codebook}' sheet) or not answered. Do not type 0 for 'don't know'.",
        "7. Money is in the prices of the year asked about (what people actually "
        "received or spent); do not adjust it for inflation.",
        "8. Hover over a column's cell to see the question, its hint and what is allowed.",
        "9. Save as .xlsx and return the file without renaming its sheets.",
    ],
    "about": "Questionnaire: {title}",
}

_ZH = {
    "data_sheet": "数据",
    "codebook_sheet": "编码本",
    "instructions_sheet": "填写说明",
    "required": "必填",
    "choose": "请从下拉列表中选择。",
    "choose_error": "请选择下拉列表中的一个答案。",
    "multiple": "请填写所有适用答案的编码，以空格分隔：",
    "whole": "请输入整数",
    "decimal": "请输入数字",
    "date": "请输入日期（YYYY-MM-DD）",
    "datetime": "请输入日期和时间（YYYY-MM-DD HH:MM）。",
    "text": "请输入文字",
    "between": "，范围 {low} 至 {high}",
    "at_least": "，不小于 {low}",
    "at_most": "，不大于 {high}",
    "expected": "通常为 {range}；超出此范围请核实。",
    "asked_if": "仅在以下情况提问：{rule}",
    "unit": "单位：{unit}",
    "invalid": "数值无效",
    "codebook_headers": [
        "编码",
        "标签（{lang}）",
        "部分",
        "类型",
        "单位",
        "必填",
        "允许的值",
        "通常范围",
        "调查轮次",
        "提问条件",
        "个人信息",
        "量表",
        "所属总额",
    ],
    "yes": "是",
    "no": "",
    "instructions": [
        "填写说明",
        "",
        "1. 在“{data}”工作表中每行填写一位受访者，从第 {first} 行开始。",
        "2. 请勿修改第 1 至 {code_row} 行，请勿插入、删除、重命名或移动列："
        "系统依靠第 {code_row} 行的编码读取数据。",
        "3. 标有 * （橙色标题）的列在提问时必须填写。",
        "4. 请从下拉列表中选择答案。数字请直接填写，不要带单位、分隔符或文字："
        "填 12000，而不是 1.2万 或 12,000元。",
        "5. 日期格式为 YYYY-MM-DD，例如 2022-07-15。",
        "6. 未提问（见“{codebook}”工作表中的“提问条件”）或未回答的问题请留空。“不知道”请不要填 0。",
        "7. 金额按所问年份的实际价格填写（当年实际收入或支出），不要自行扣除通货膨胀。",
        "8. 将鼠标停在单元格上可查看问题、提示和允许的值。",
        "9. 请保存为 .xlsx 格式并交回，不要重命名工作表。",
    ],
    "about": "问卷：{title}",
}

_UI: dict[str, dict[str, Any]] = {"en": _EN, "zh": _ZH}


def ui(language: str) -> dict[str, Any]:
    """The workbook's own texts for ``language`` (``zh-Hans`` uses ``zh``; others, English)."""
    return _UI.get(language, _UI.get(language.split("-")[0].split("_")[0], _EN))
