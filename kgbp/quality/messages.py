"""The reader's problems in Chinese.

The readers (tables.py, reader.py) word their problems in English as they find them; this
table gives each wording its Chinese twin, matched on the English text (its variable parts
captured), so every problem reaches a zh user in zh. The shapes carry their own zh messages.
A test checks that the bad-input cases all come out translated.
"""

from __future__ import annotations

import re

from ..errors import Problem

# nouns the messages name ("missing {what}")
WHAT = {
    "period": "统计期", "complaint category": "投诉类别", "complaint count": "投诉量", "service standard": "服务标准",
    "customer tier": "客户等级", "measured value": "测量值", "sample size": "样本量", "step": "步骤",
    "touchpoint": "接触点", "satisfaction score": "满意度得分", "top of the scale": "量表满分", "action": "措施",
    "owner department": "责任部门", "due date": "完成期限", "done date": "完成日期", "service": "服务",
    "category name": "类别名称", "action title": "措施标题",
}

_PATTERNS: list[tuple[str, str]] = [
    (r"missing (?P<w>.+)", "缺少{w}"),
    (r"bad period (?P<v>.+)", "统计期 {v} 格式不正确"),
    (r"bad (?P<w>.+) id (?P<v>.+)", "{w}标识 {v} 不合规"),
    (r"bad (?P<w>.+) (?P<v>'.*')", "{w} {v} 格式不正确"),
    (r"the (?P<w>.+) (?P<v>'.*') is not a number", "{w} {v} 不是数字"),
    (r"the (?P<w>.+) (?P<v>'.*') is not a whole number", "{w} {v} 不是整数"),
    (r"no blueprint (?P<v>.+)", "没有蓝图 {v}"),
    (r"no service (?P<v>.+)", "没有服务 {v}"),
    (r"service (?P<v>.+) has several versions", "服务 {v} 有多个版本"),
    (r"(?P<w>.+) is given twice \(also at (?P<v>.+)\)", "{w} 重复出现（另见 {v}）"),
    (r"unknown customer tier (?P<v>.+)", "未知的客户等级 {v}"),
    (r"unknown action status (?P<v>.+)", "未知的措施状态 {v}"),
    (r"a survey row names a step or a touchpoint", "调查结果的每一行须写明步骤或接触点"),
    (r"(?P<v>'.*') is no complaint category \(and no service is given for a standard\)", "{v} 不是投诉类别（也未写明服务以查找服务标准）"),
    (r"fail points need the service they are in", "填写失败点时须写明其所在服务"),
    (r"the file is not text in UTF-8 or GB18030 \(it holds NUL bytes: UTF-16\?\)",
     "文件不是 UTF-8 或 GB18030 文本（含 NUL 字节，可能是 UTF-16）"),
    (r"the file is neither UTF-8 nor GB18030 text", "文件既不是 UTF-8 也不是 GB18030 文本"),
    (r"the table is empty", "表格为空"),
    (r"cannot tell what evidence this is from its header row", "无法根据标题行判断这是哪类证据"),
    (r"unknown column (?P<v>'.*') in (?P<k>.+)", "{k} 表中有未知的列 {v}"),
    (r"column (?P<v>'.*') appears twice", "列 {v} 出现了两次"),
    (r"the (?P<k>.+) table has no column (?P<v>'.*')", "{k} 表缺少列 {v}"),
    (r"the file is empty", "文件为空"),
    (r"CSV syntax error: (?P<v>.+)", "CSV 语法错误：{v}"),
    (r"merged cells (?P<v>.+)", "合并单元格 {v}"),
    (r"the workbook has no evidence sheet", "工作簿中没有证据工作表"),
    (r"evidence comes as \.csv or \.xlsx", "证据文件须为 .csv 或 .xlsx"),
    (r"(?P<n>\d+) problem\(s\) in the evidence", "证据中有 {n} 处问题"),
    (r"(?P<n>\d+) problem\(s\) in (?P<v>.+)", "{v} 中有 {n} 处问题"),
]

_HINTS: list[tuple[str, str]] = [
    (r"write the month as YYYY-MM.*", "按 YYYY-MM 写月份，例如 2026-03（月份为 01 至 12）"),
    (r"give the (?P<w>.+) id", "填写{w}标识"),
    (r"ids are letters.*", "标识由字母（可含中文）、数字、'-'、'_' 和 '.' 组成，不含空格或 '/'"),
    (r"give the (?P<w>.+) as a number", "以数字填写{w}"),
    (r"write digits only.*", "只写数字，例如 42、0.87 或 87%"),
    (r"counts are whole numbers", "数量须为整数"),
    (r"write the date as YYYY-MM-DD.*", "按 YYYY-MM-DD 写日期，例如 2026-03-31"),
    (r"give the service id.*", "填写服务标识（例如 mobile-tv-subscription）或 服务/版本"),
    (r"`kgbp list` shows the stored blueprints.*", "`kgbp list` 可列出已保存的蓝图"),
    (r"name one: (?P<v>.+)", "请指明其一：{v}"),
    (r"keep one row for it", "只保留一行"),
    (r"one of: (?P<v>.+)", "可选值：{v}"),
    (r"fill in the step or the touchpoint column", "填写步骤列或接触点列"),
    (r"name the category in English.*", "用英文（label_en）和中文（label_zh）写明类别名称"),
    (r"name a complaint category of the mapping.*", "填写对应表中的投诉类别，或写明服务和服务标准标识"),
    (r"say in a few words what will be done", "用几个字说明要做什么"),
    (r"fill in the service column", "填写服务列"),
    (r"save it as 'CSV UTF-8.*", "在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”"),
    (r"write a header row, then a row per observation", "先写标题行，再每个观测值写一行"),
    (r"the first row names the columns.*", "第一行写列名，例如投诉量为 period,category,count（见 docs/quality-loop.zh.md）"),
    (r"columns are: (?P<v>.+)", "可用的列：{v}"),
    (r"keep one of the two columns", "保留两列中的一列"),
    (r"add a column titled (?P<v>'.*') to the header row", "在标题行中加入列 {v}"),
    (r"check the quotes on that line", "检查该行的引号"),
    (r"split the (file|workbook) by period", "按统计期拆分文件"),
    (r"unmerge them.*", "取消合并，并在其代表的每一行中重复该值"),
    (r"name the sheets (?P<v>.+)", "工作表命名为 {v}"),
    (r"save the sheet as CSV UTF-8 or as an Excel workbook", "另存为 CSV UTF-8 或 Excel 工作簿"),
]

_COMPILED = [(re.compile(f"^{p}$", re.DOTALL), z) for p, z in _PATTERNS]
_COMPILED_HINTS = [(re.compile(f"^{p}$", re.DOTALL), z) for p, z in _HINTS]


def _one(text: str, table: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, zh in table:
        m = pattern.match(text)
        if m:
            parts = {k: WHAT.get(v, v) for k, v in m.groupdict().items()}
            return zh.format(**parts)
    return text


def in_chinese(text: str) -> str:
    return _one(text, _COMPILED)


def hint_in_chinese(text: str) -> str:
    return _one(text, _COMPILED_HINTS)


def localise(problems: list[Problem], lang: str) -> list[Problem]:
    if lang != "zh":
        return problems
    return [Problem(in_chinese(p.message), p.where, hint_in_chinese(p.hint)) for p in problems]
