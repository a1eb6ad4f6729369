"""Finding 12: every write's cost is linear in its input, with documented caps (docs/settings.md).

A 300-step supports chain would store 45,000 sb:underlies triples (its closure grows with the
square of the chain); a 20 KB string aliased 2,000 times would store 40 MB from a 77 KB YAML;
an XLSX of a million cells was loaded whole before its row cap was checked.
"""

from __future__ import annotations

import io

import httpx
import pytest

from kgbp.config import Limits, Settings
from kgbp.errors import BadInput, PayloadTooLarge
from kgbp.ingest import read_bytes
from kgbp.repository import save as repository
from kgbp.repository.caps import longest_support_chain
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

from ..conftest import DATA

BASE_YAML = (DATA / "shapes" / "base.yaml").read_text("utf-8")


def chain_yaml(n: int) -> bytes:
    """A draft whose n backstage steps each support the next."""
    steps = "\n".join(f"    - {{id: s{i}, label: {{en: Step {i}}}" + (f", supports: [s{i + 1}]" if i < n - 1 else "") + "}"
                      for i in range(n))
    return f"""format: kgbp/1
service: {{id: chain, label: {{en: Chain}}}}
version: as-is
title: {{en: Chain}}
status: draft
steps:
  backstage:
{steps}
""".encode()


def test_a_long_supports_chain_is_refused_before_its_closure(empty_store: EmbeddedStore) -> None:
    bps = read_bytes(chain_yaml(300), "chain.yaml")
    assert longest_support_chain(bps[0].graph)[0] == 300
    with pytest.raises(PayloadTooLarge) as refused:
        repository.save(empty_store, bps, validator=Validator(), draft=True)
    assert "300 steps" in refused.value.message and "max_support_chain" in refused.value.hint
    assert refused.value.where.startswith("chain.yaml: <https://w3id.org/kgbp/id/service/chain/as-is/step/s")
    assert not repository.list_blueprints(empty_store)


def test_a_chain_within_the_cap_is_stored(empty_store: EmbeddedStore) -> None:
    bps = read_bytes(chain_yaml(100), "chain.yaml")
    repository.save(empty_store, bps, validator=Validator(), draft=True)
    assert [b.id for b in repository.list_blueprints(empty_store)] == ["chain/as-is"]


def test_a_supports_cycle_counts_as_long_as_its_steps() -> None:
    from rdflib import Graph, URIRef

    from kgbp.model.namespaces import SB

    graph = Graph()  # as RDF (YAML refuses cycles on reading): 150 steps in a ring
    steps = [URIRef(f"https://w3id.org/kgbp/id/service/ring/as-is/step/s{i}") for i in range(150)]
    for lower, upper in zip(steps, steps[1:] + steps[:1], strict=True):
        graph.add((lower, SB.supports, upper))
    assert longest_support_chain(graph)[0] == 150


def test_too_many_steps_and_too_long_a_text_are_refused(empty_store: EmbeddedStore) -> None:
    with pytest.raises(PayloadTooLarge, match="at most 50"):
        repository.save(empty_store, read_bytes(chain_yaml(60), "many.yaml"), draft=True, limits=Limits(max_steps=50))
    long_label = BASE_YAML.replace("Call the hotline", "x" * 100_001).encode()
    with pytest.raises(PayloadTooLarge) as refused:
        repository.save(empty_store, read_bytes(long_label, "long.yaml"), validator=Validator())
    assert "100,001 characters" in refused.value.message and "step/call" in refused.value.where


def test_yaml_aliases_cannot_multiply_text() -> None:
    anchor = "x" * 20_000
    uses = "\n".join(f"  - {{id: e{i}, label: {{en: *big}}, for: call}}" for i in range(2_000))
    text = BASE_YAML.replace("evidence:\n  - {id: bill, label: {en: Bill, zh: 账单}, for: call}",
                             f"evidence:\n  - {{id: bill, label: {{en: &big {anchor}}}, for: call}}\n{uses}")
    assert len(text) < 120_000  # 40 MB of text once expanded
    with pytest.raises(BadInput, match="expand to more than"):
        read_bytes(text.encode(), "aliases.yaml")


def test_a_workbook_is_refused_on_its_cell_count_before_it_is_loaded() -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Steps")
    sheet.append(["x"] * 5_000)  # one row: the row cap never sees it
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(BadInput, match="more than 1,000 cells") as refused:
        read_bytes(out.getvalue(), "wide.xlsx", limits=Limits(max_sheet_cells=1_000))
    assert "wide.xlsx: xl/worksheets/" in refused.value.where


def test_the_server_applies_its_settings(tmp_path: object) -> None:
    from pathlib import Path

    from kgbp.auth import create_token

    from ..live_server import running_server

    folder = Path(str(tmp_path)) / "store"
    settings = Settings(store=str(folder), max_support_chain=5)
    token = create_token(settings, "tester")
    with running_server(settings) as base:
        answer = httpx.post(f"{base}/api/blueprints", files={"file": ("chain.yaml", chain_yaml(6))},
                            headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert answer.status_code == 413, answer.text
    assert "6 steps" in answer.json()["message"]


def test_escapes_that_would_make_parsing_quadratic_are_refused() -> None:
    text = (DATA / "shapes" / "base.ttl").read_text("utf-8").replace(
        '"Call the hotline"@en', '"' + "a\\n" * 20_000 + '"@en', 1)
    with pytest.raises(PayloadTooLarge, match="escape sequences on one line") as refused:
        read_bytes(text.encode(), "escaped.ttl")
    assert refused.value.where.startswith("escaped.ttl:")


def test_a_big_insert_data_is_capped_not_parsed_twice(examples_server: tuple[str, str]) -> None:
    base, token = examples_server
    bp = "https://w3id.org/kgbp/id/service/restaurant-checkout/as-is"
    update = (f'INSERT DATA {{ GRAPH <{bp}> {{ <{bp}/step/note> <http://www.w3.org/2000/01/rdf-schema#comment> "'
              + "line\\n" * 200_000 + '" } }')
    answer = httpx.post(f"{base}/sparql", content=update.encode(), timeout=120,
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update"})
    assert answer.status_code == 413, answer.text[:300]
    assert "characters" in answer.json()["message"] and "step/note" in answer.json()["where"]
