"""Parser errors as one line with their place (store/sparql_text.syntax_error)."""

from __future__ import annotations

import pytest

from kgbp.errors import QueryError
from kgbp.store.embedded import EmbeddedStore


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT * WHERE {\n  ?s ?p ?o \n  } LIMIT x",
     "malformed SPARQL query at line 3, column 11: found 'x'; expected HAVING, OFFSET, OPTIONAL, VALUES, a number"),
    ("SELECT * WHERE { <http://a b> ?p ?o }",
     "malformed SPARQL query at line 1, column 30: the IRI just before this place is not a valid IRI"),
    ("", "the SPARQL query is empty"),
])
def test_a_syntax_error_is_one_line_with_its_place(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        EmbeddedStore().query_serialized(text, "application/sparql-results+json")
    assert caught.value.message == message
    assert caught.value.where in message or caught.value.where == "line 1, column 1"
