"""Every message exists in every language, with the same fields; a missing key fails here."""

from __future__ import annotations

import json
import pickle
import re
import string
from pathlib import Path

import pytest

import kgbp
from kgbp.i18n import LANGS, MESSAGES, Pair, Text, catalogue, joined, localise, say
from kgbp.quality.tables import KINDS as EVIDENCE_KINDS
from kgbp.registry.names import ENTITIES
from kgbp.repository.history import ACTIONS
from kgbp.web.messages import HERE as WEB_MESSAGES

CATALOGUES = [MESSAGES, WEB_MESSAGES]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("folder", CATALOGUES, ids=["server-cli", "web"])
def test_every_key_in_every_language_with_the_same_fields(folder: Path) -> None:
    loaded = {lang: json.loads((folder / f"{lang}.json").read_text("utf-8")) for lang in LANGS}
    keys = set().union(*loaded.values())
    for lang, texts in loaded.items():
        missing = sorted(keys - set(texts))
        assert not missing, f"{folder.name}/{lang}.json lacks {missing}"
        empty = sorted(k for k, v in texts.items() if not v.strip())
        assert not empty, f"{folder.name}/{lang}.json has empty texts {empty}"
    for key in keys:
        assert fields(loaded["en"][key]) == fields(loaded["zh"][key]), f"{key}: the fields differ between en and zh"


def test_a_text_reads_as_english_and_renders_in_chinese() -> None:
    text = say("rejected_violations", n=3)
    assert isinstance(text, Text) and text == "3 rule violation(s): nothing was stored"
    assert localise(text, "zh") == catalogue("zh")["rejected_violations"].format(n=3)
    assert localise("BOSS", "zh") == "BOSS"  # names and data stay as they are


def test_an_unknown_key_fails_where_the_message_is_made() -> None:
    with pytest.raises(KeyError):
        say("no_such_message")


# -- every message the code asks for exists ----------------------------------------------------

PACKAGE = Path(kgbp.__file__).parent
SAID = re.compile(r"""\bsay(?:_in)?\(\s*(?:\w+,\s*)?["']([a-z0-9_]+)["']\s*[,)]""")
# keys made from a prefix and a name at run time, with every name the code may give
FAMILIES = {
    "kind_": ("department", "system", "step", "touchpoint", "evidence", "standard", "blueprint", "service",
              "channel", "channel_kind", "marketing_P", "metric", "customer_tier", *ENTITIES),
    "kinds_": tuple(ENTITIES),
    "lc_action_": ACTIONS,
    "sheet_what_": ("id", "service_id", "version", "revision_of"),
    "ev_kind_": tuple(k.name for k in EVIDENCE_KINDS),
    "type_": ("integer", "number", "string", "boolean", "array", "object", "null"),
    "bound_": ("minimum", "maximum", "minLength", "maxLength", "minProperties", "const", "format", "minItems"),
    "schema_": ("minimum", "maximum"),
}


def test_every_key_the_code_names_is_in_both_catalogues() -> None:
    named = {m.group(1) for path in PACKAGE.rglob("*.py") for m in SAID.finditer(path.read_text("utf-8"))}
    named |= {prefix + name for prefix, names in FAMILIES.items() for name in names}
    assert len(named) > 300  # the scan finds the calls
    for lang in LANGS:
        missing = sorted(named - set(catalogue(lang)))
        assert not missing, f"kgbp/messages/{lang}.json lacks {missing}"


def test_every_schema_hint_and_description_has_its_chinese() -> None:
    schema = json.loads((PACKAGE / "ingest" / "blueprint.schema.json").read_text("utf-8"))
    lacking: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, zh in (("x-hint", "x-hint-zh"), ("description", "x-description-zh")):
                if isinstance(node.get(key), str) and not node.get(zh):
                    lacking.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)
    assert not lacking, lacking


def test_a_text_joined_or_given_in_both_languages_renders_in_each() -> None:
    either = joined([say("kind_step"), say("kind_touchpoint")], say("or"))
    assert either == "step or touchpoint" and localise(either, "zh") == "步骤或接触点"
    assert localise(Pair("a hint", "提示"), "zh") == "提示" and localise(Pair("a hint", ""), "zh") == "a hint"
    message = say("unknown_local", what=either, text="x")
    assert pickle.loads(pickle.dumps(message)).in_lang("zh") == message.in_lang("zh")  # crosses to a query worker
