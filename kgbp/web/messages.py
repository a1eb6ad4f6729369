"""UI strings, one catalogue per language (labels of domain things come from the graph)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app": "kgbp — service blueprints",
        "home": "Blueprints",
        "service": "Service",
        "version": "Version",
        "status": "Status",
        "level": "Level",
        "steps": "Steps",
        "fail_points": "Fail points",
        "wait_points": "Wait points",
        "search": "Search",
        "search_placeholder": "label in English or 中文",
        "no_blueprints": "No blueprints stored yet. Load some with `kgbp load FILE`.",
        "language": "中文",
        "draft": "draft",
    },
    "zh": {
        "app": "kgbp — 服务蓝图库",
        "home": "服务蓝图",
        "service": "服务",
        "version": "版本",
        "status": "状态",
        "level": "级别",
        "steps": "步骤",
        "fail_points": "失败点",
        "wait_points": "等待点",
        "search": "搜索",
        "search_placeholder": "中文或英文名称",
        "no_blueprints": "尚无服务蓝图。用 `kgbp load 文件` 导入。",
        "language": "English",
        "draft": "草稿",
    },
}


def messages(lang: str) -> dict[str, str]:
    return MESSAGES.get(lang, MESSAGES["en"])
