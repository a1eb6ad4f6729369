"""Languages: pick a label in the requested language, with fallback; UI message catalogues."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

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


# -- server and CLI messages ------------------------------------------------------------------
# One catalogue per language (kgbp/messages/<lang>.json), keyed by message id, with
# str.format fields. A message is made where the error happens, before anyone knows who reads
# it: say() returns a Text, an English str that remembers its key and fields, so the web layer
# and the CLI can render it again in the reader's language (localise).

MESSAGES = Path(__file__).parent / "messages"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The server/CLI message catalogue of a language (en when there is none)."""
    path = MESSAGES / f"{normalise_lang(lang)}.json"
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


class Text(str):
    """A catalogue message: reads as its English text, renders in any language with in_lang."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, params: dict[str, Any]) -> Text:
        obj = super().__new__(cls, _render(key, "en", params))
        obj.key, obj.params = key, params
        return obj

    def in_lang(self, lang: str) -> str:
        return _render(self.key, lang, self.params)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as its key and fields (errors cross to query workers)
        return (Text, (self.key, self.params))


def say(key: str, /, **params: Any) -> Text:
    """The message `key` with its fields; fails at once on a key the catalogue lacks."""
    if key not in catalogue("en"):
        raise KeyError(f"no message {key!r} in kgbp/messages/en.json")
    return Text(key, params)


def say_in(lang: str, key: str, /, **params: Any) -> str:
    """The message `key` rendered in `lang` at once (for output whose reader is known)."""
    return say(key, **params).in_lang(lang)


class Pair(Text):
    """A text given in both languages where it is written (e.g. a hint in the JSON Schema),
    not in the catalogue; reads as its English."""

    def __new__(cls, en: str, zh: str) -> Pair:
        obj = str.__new__(cls, en)
        obj.key, obj.params, obj.zh = "", {}, zh
        return obj

    zh: str

    def in_lang(self, lang: str) -> str:
        return self.zh if normalise_lang(lang) == "zh" and self.zh else str.__str__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pair, (str.__str__(self), self.zh))


class Joined(Text):
    """Texts joined by a separator (itself maybe a Text), each rendered in the reader's language."""

    parts: list[str]
    sep: str

    def __new__(cls, parts: Iterable[str], sep: str) -> Joined:
        items = list(parts)
        obj = str.__new__(cls, str(sep).join(map(str, items)))
        obj.key, obj.params, obj.parts, obj.sep = "", {}, items, sep
        return obj

    def in_lang(self, lang: str) -> str:
        return localise(self.sep, lang).join(localise(p, lang) for p in self.parts)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.parts, self.sep))


def joined(parts: Iterable[str], sep: str) -> Text:
    """`sep.join(parts)` that stays a catalogue text: 'step or touchpoint', '步骤或接触点'."""
    return Joined(parts, sep)


def localise(text: str, lang: str) -> str:
    """`text` in `lang` when it came from the catalogue; other text (names, data) as it is."""
    return text.in_lang(lang) if isinstance(text, Text) else text


def _render(key: str, lang: str, params: dict[str, Any]) -> str:
    template = catalogue(lang).get(key) or catalogue("en")[key]
    return template.format(**{k: localise(v, lang) if isinstance(v, str) else v for k, v in params.items()})
