"""Errors of the PPTX export, of a question file's header and of a remote store read in Chinese
for a Chinese reader (and as before in English); the place they name stays as written."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from kgbp.errors import BadInput, KgbpError, NotFound, QueryFileError, StoreUnavailable
from kgbp.i18n import localise
from kgbp.query.catalogue import parse_query_file
from kgbp.slides.export import deck, resolve_refs
from kgbp.store.embedded import EmbeddedStore
from kgbp.store.remote import RemoteStore

HAN = re.compile(r"[\u3400-\u9fff]")


def in_chinese(exc: KgbpError) -> tuple[str, str]:
    message, hint = localise(exc.message, "zh"), localise(exc.hint, "zh")
    assert HAN.search(message) and HAN.search(hint), (message, hint)
    return message, hint


def test_an_empty_deck_and_an_unknown_service_in_chinese(examples_store: EmbeddedStore) -> None:
    with pytest.raises(BadInput) as empty:
        deck([])
    assert in_chinese(empty.value)[0] == "没有要绘制的蓝图" and empty.value.message == "no blueprint to draw"
    with pytest.raises(NotFound) as unknown:
        resolve_refs(examples_store, ["no-such-service"])
    assert "'no-such-service'" in in_chinese(unknown.value)[0] and unknown.value.where == "no-such-service"


@pytest.mark.parametrize(("header", "said"), [
    ("", "没有 `#+` 文件头"),
    ("#+ title: [oops\n", "文件头不是有效的 YAML"),
    ("#+ title: {en: T, zh: 题}\n#+ colour: red\n", "未知的文件头键 ['colour']"),
    ("#+ title: {en: T}\n#+ description: {en: D, zh: 述}\n#+ columns: {x: {en: X, zh: 叉}}\n", "title 需要 en 和 zh 两种文字"),
])
def test_a_broken_question_header_in_chinese(tmp_path: Path, header: str, said: str) -> None:
    path = tmp_path / "broken_question.rq"
    path.write_text(header + "SELECT ?x WHERE { ?x ?p ?o }\n", "utf-8")
    with pytest.raises(QueryFileError) as info:
        parse_query_file(path)
    assert said in in_chinese(info.value)[0]
    assert str(path) in info.value.where


def test_an_unreachable_remote_store_in_chinese() -> None:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = RemoteStore(f"http://127.0.0.1:{port}/sparql", timeout=5)
    with pytest.raises(StoreUnavailable) as info:
        closed.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    message, hint = in_chinese(info.value)
    assert message.startswith("无法连接 SPARQL 服务器") and "KGBP_STORE" in hint
    assert info.value.message.startswith("cannot reach the SPARQL server")
