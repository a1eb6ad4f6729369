"""What an exported shape remembers in its alt text (`descr`): our ids, departments, systems.

The alt text is a small YAML mapping whose `kgbp` key says what the shape is (blueprint,
step, evidence). People see it in PowerPoint's alt-text pane and may edit it; anything
that does not parse is treated as absent, never as an error.
"""

from __future__ import annotations

from typing import Any

import yaml

KEY = "kgbp"
MAX_CHARS = 20_000  # alt text longer than this was not written by us


def dump(kind: str, fields: dict[str, Any]) -> str:
    data = {KEY: kind, **{k: v for k, v in fields.items() if v not in (None, "", [], {})}}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100_000).strip()


def load(text: str | None) -> tuple[str, dict[str, Any]] | None:
    """(kind, fields) of alt text we wrote, or None."""
    if not text or KEY not in text or len(text) > MAX_CHARS:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get(KEY), str):
        return None
    kind = data.pop(KEY)
    return kind, data


def joined(text: str | None) -> tuple[int, int] | None:
    """The shape ids a path we drew joins (begin, end): what glue says for a connector."""
    found = load(text)
    if found is None or found[0] != "path":
        return None
    begin, end = found[1].get("begin"), found[1].get("end")
    return (begin, end) if isinstance(begin, int) and isinstance(end, int) else None
