"""UI strings: one catalogue per language (en.json, zh.json); domain labels come from the graph."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


@cache
def messages(lang: str) -> dict[str, str]:
    path = HERE / f"{lang}.json"
    if not path.exists():
        path = HERE / "en.json"
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]
