"""An action moved on by its owner: status and done date written back, bad input naming its field."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from kgbp.errors import BadInput, NotFound
from kgbp.model import iris
from kgbp.model.namespaces import SB
from kgbp.model.vocabulary import vocabulary
from kgbp.quality import load_evidence
from kgbp.quality.actions import update_action
from kgbp.store.embedded import EmbeddedStore

from .conftest import evidence_files


def test_an_action_is_moved_on_and_bad_input_names_the_field(fresh_store: EmbeddedStore) -> None:
    load_evidence(fresh_store, evidence_files(), agent="examples")
    node = iris.action_iri("A2")
    update_action(fresh_store, "A2", "done", "2026-05-20", agent="owner")
    graph = fresh_store.graph(node)
    assert graph.value(node, SB.actionStatus) == vocabulary().scheme("action_status").lookup("done")
    assert graph.value(node, SB.doneDate) == Literal("2026-05-20", datatype=XSD.date)
    for status, done, field in (("done", "20 May", "done"), ("finished", None, "status"), ("done", None, "status")):
        with pytest.raises(BadInput) as err:
            update_action(fresh_store, "A2", status, done, agent="owner")
        assert err.value.where == field
    assert fresh_store.graph(node).value(node, SB.doneDate) == Literal("2026-05-20", datatype=XSD.date)  # unchanged
    with pytest.raises(NotFound):
        update_action(fresh_store, "A99", "done", "2026-05-20", agent="owner")
