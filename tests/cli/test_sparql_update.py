"""`kgbp sparql --update` writes user-owned graphs through the same profile as the endpoint."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kgbp.cli import app
from kgbp.model.namespaces import HISTORY_GRAPH
from kgbp.store.embedded import EmbeddedStore

ID = "https://w3id.org/kgbp/id/"


def test_update_of_a_user_graph_from_the_command_line(examples_store: EmbeddedStore, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    examples_store.backup(str(folder))
    text = 'INSERT DATA { GRAPH <user/crm> { <service/arrears-reconnect/as-is/step/pay> <urn:crm:id> "42" } }'
    done = CliRunner().invoke(app, ["sparql", "--update", text, "--store", str(folder)])
    assert done.exit_code == 0, done.output
    assert f"stored <{ID}user/crm>: 1 triples (+1 -0)" in done.output
    refused = CliRunner().invoke(app, ["sparql", "--update", f"INSERT DATA {{ GRAPH <{HISTORY_GRAPH}> {{ <a> <b> <c> }} }}",
                                       "--store", str(folder)])
    assert refused.exit_code == 2 and "not writable" in refused.output
    store = EmbeddedStore(folder)
    try:
        assert len(store.graph(HISTORY_GRAPH)) > 0
        assert store.ask(f"ASK {{ GRAPH <{HISTORY_GRAPH}> {{ ?a <https://w3id.org/kgbp/ontology#changedBlueprint> <{ID}user/crm> }} }}")
    finally:
        store.close()
