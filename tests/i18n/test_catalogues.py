"""Every message exists in every language, with the same fields; a missing key fails here."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from kgbp.i18n import LANGS, MESSAGES, Text, catalogue, localise, say
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
