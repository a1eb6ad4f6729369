"""Languages: pick a label in the requested language, with fallback; UI message catalogues."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Literal
from rdflib.term import Node

LANGS = ("en", "zh")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def guess_lang(text: str) -> str:
    """zh when the text has Han characters, else en (for labels written as plain strings)."""
    return "zh" if _HAN.search(text) else "en"


def normalise_lang(lang: str | None) -> str:
    """'zh-Hans', 'zh_CN', 'ZH' -> 'zh'; unknown or empty -> 'en'."""
    primary = (lang or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGS else "en"


def from_accept_language(header: str | None) -> str | None:
    """The first of our languages named in an Accept-Language header, by q order."""
    if not header:
        return None
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip()))
    for _, _, tag in sorted(ranked):
        if normalise_lang(tag) == tag.split("-")[0].lower() and tag.split("-")[0].lower() in LANGS:
            return normalise_lang(tag)
    return None


def pick(labels: Iterable[Node], lang: str, fallback: str = "") -> str:
    """The label in `lang`, else in the other language, else untagged, else `fallback`."""
    by_lang: dict[str, str] = {}
    for lit in labels:
        if not isinstance(lit, Literal):
            continue
        by_lang.setdefault(normalise_lang(lit.language) if lit.language else "", str(lit))
    for key in (lang, *LANGS, ""):
        if key in by_lang:
            return by_lang[key]
    return fallback
