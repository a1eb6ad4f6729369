"""The spreadsheet template's layout: sheets, columns and their bilingual titles.

One place for the reader (spreadsheet.py) and the writer (export/spreadsheet.py), so a
filled template always reads back. Column order is the template's; the reader finds
columns by their titles, so a designer may reorder or drop optional columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import Pair


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str
    width: int = 16
    choices: str = ""  # vocabulary scheme whose names (and Chinese labels) make a drop-down list
    required: bool = False

    @property
    def title(self) -> str:
        return f"{self.en} / {self.zh}"


@dataclass(frozen=True)
class Sheet:
    name: str
    zh: str
    columns: tuple[Column, ...]

    @property
    def shown(self) -> Pair:
        """The sheet as messages name it: 'Steps'; in Chinese “步骤（Steps）”, the tab's own name beside."""
        return Pair(self.name, f"“{self.zh}（{self.name}）”")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _labels() -> tuple[Column, Column]:
    return (Column("label_zh", "label (zh)", "名称（中文）", 28), Column("label_en", "label (en)", "名称（英文）", 28))


# The help texts (the Service sheet's help column) are in the message catalogue: xlsx_help_<key>.
SERVICE = Sheet("Service", "服务", (
    Column("service_id", "service id", "服务编号", required=True),
    Column("service_label_zh", "service label (zh)", "服务名称（中文）"),
    Column("service_label_en", "service label (en)", "服务名称（英文）"),
    Column("service_description_zh", "service description (zh)", "服务说明（中文）"),
    Column("service_description_en", "service description (en)", "服务说明（英文）"),
    Column("version", "version", "版本"),
    Column("status", "status", "状态", choices="status"),
    Column("title_zh", "title (zh)", "蓝图标题（中文）"),
    Column("title_en", "title (en)", "蓝图标题（英文）"),
    Column("description_zh", "description (zh)", "蓝图说明（中文）"),
    Column("description_en", "description (en)", "蓝图说明（英文）"),
    Column("level", "level", "层级"),
    Column("revision_of", "revision of", "修订自"),
    Column("refines_blueprint", "refines blueprint", "细化的蓝图"),
    Column("refines_step", "refines step", "细化的步骤"),
    Column("created", "created", "创建日期"),
    Column("modified", "modified", "修改日期"),
))

STEPS = Sheet("Steps", "步骤", (
    Column("lane", "lane", "泳道", 12, choices="lane", required=True),
    Column("id", "id", "编号", 22, required=True),
    *_labels(),
    Column("position", "position", "时间线位置", 10),
    Column("marker", "marker", "标记", 8, choices="marker"),
    Column("failure_mode_zh", "failure mode (zh)", "失败模式（中文）", 28),
    Column("failure_mode_en", "failure mode (en)", "失败模式（英文）", 28),
    Column("consequence_zh", "consequence (zh)", "对客户的后果（中文）", 28),
    Column("consequence_en", "consequence (en)", "对客户的后果（英文）", 28),
    Column("performer", "performer", "执行者", 10, choices="performer"),
    Column("department", "department", "第一责任部门", 20),
    Column("systems", "systems", "支撑系统", 24),
    Column("supports", "supports", "支撑的步骤", 28),
    Column("touchpoint", "touchpoint", "接触点", 18),
    Column("channel", "channel", "渠道", 14, choices="channel"),
    Column("evidence", "evidence", "有形展示", 24),
    Column("standard", "wait standard", "等待标准", 22),
    Column("description_zh", "description (zh)", "说明（中文）", 28),
    Column("description_en", "description (en)", "说明（英文）", 28),
))

# departments and systems are both shared entities with parts and aliases: the same columns
_SHARED_ENTITY = (
    Column("id", "id", "编号", 24, required=True),
    *_labels(),
    Column("part_of", "part of", "隶属于", 20),
    Column("aliases", "aliases", "别名", 24),
)
DEPARTMENTS = Sheet("Departments", "部门", _SHARED_ENTITY)
SYSTEMS = Sheet("Systems", "信息系统", _SHARED_ENTITY)

TOUCHPOINTS = Sheet("Touchpoints", "接触点", (
    Column("id", "id", "编号", 22, required=True),
    *_labels(),
    Column("channel", "channel", "渠道", 14, choices="channel"),
    Column("kind", "channel kind", "渠道类型", 14, choices="channel_kind"),
    Column("p", "7P", "7P", 18, choices="p"),
))

STANDARDS = Sheet("Standards", "服务标准", (
    Column("id", "id", "编号", 24, required=True),
    *_labels(),
    Column("applies_to", "applies to", "适用于", 24),
    Column("metric", "metric", "指标", 16, choices="metric"),
    Column("max", "max", "上限", 8),
    Column("unit", "unit", "单位", 8),
    Column("share", "share", "达标比例", 8),
    Column("tier", "tier", "客户等级", 12, choices="tier"),
))

EVIDENCE = Sheet("Evidence", "有形展示", (
    Column("id", "id", "编号", 24, required=True),
    *_labels(),
    Column("p", "7P", "7P", 18, choices="p"),
    Column("position", "position", "时间线位置", 10),
))

SHEETS = (SERVICE, STEPS, DEPARTMENTS, SYSTEMS, TOUCHPOINTS, STANDARDS, EVIDENCE)
SERVICE_HEADER = ("field / 字段", "value / 值", "help / 说明")
INSTRUCTIONS = "Instructions"
INTEGER_KEYS = {"position", "level"}
NUMBER_KEYS = {"max", "share"}
LIST_KEYS = {"systems", "supports", "evidence", "applies_to", "aliases"}
_SEPARATORS = re.compile(r"[,，;；、\n]+")


def split_list(text: str) -> list[str]:
    """'a, b；c' -> ['a', 'b', 'c'] (commas and semicolons, ASCII or Chinese, and line breaks)."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("（", "(").replace("）", ")")).strip().casefold()


def title_keys(column: Column) -> set[str]:
    """Header texts that name this column: the full title, either half, or the key."""
    return {_norm(t) for t in (column.title, column.en, column.zh, column.key, column.key.replace("_", " "))}


def find_column(sheet: Sheet, header: str) -> Column | None:
    key = _norm(header)
    return next((c for c in sheet.columns if key in title_keys(c)), None)


def is_service_header(text: str) -> bool:
    return _norm(text) in {_norm(SERVICE_HEADER[0]), "field", "字段"}


def sheet_named(name: str) -> Sheet | None:
    key = _norm(name)
    return next((s for s in SHEETS if key in {_norm(s.name), _norm(s.zh)}), None)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
