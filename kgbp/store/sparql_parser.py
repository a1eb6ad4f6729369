"""rdflib's SPARQL parser, one caller at a time.

rdflib parses with a pyparsing grammar whose parse actions and caches are shared module
state: two threads parsing at once get each other's halves (rdflib issue #1282; the symptom
is "postParse2() missing 1 required positional argument" or a lambda's). The server parses
in worker threads (internal queries on first use, the update-target check, the remote
store's guards), so every parse goes through this lock. Parsing is milliseconds; the
queries themselves run outside it.
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()


def parse_query(text: str) -> Any:
    from rdflib.plugins.sparql.parser import parseQuery

    with _LOCK:
        return parseQuery(text)


def parse_update(text: str) -> Any:
    from rdflib.plugins.sparql.parser import parseUpdate

    with _LOCK:
        return parseUpdate(text)


def prepare_query(text: str) -> Any:
    """Parsed and translated to algebra (rdflib's prepareQuery)."""
    from rdflib.plugins.sparql import prepareQuery

    with _LOCK:
        return prepareQuery(text)
