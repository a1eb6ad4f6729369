"""Refuse SPARQL that would make the server reach out: SERVICE (federated query) and LOAD.

Decided on structure, never by searching the text for a word. Two readings:

- a tokenizer of SPARQL's terminals (IRIs, strings, prefixed names with their `\\'`
  escapes, variables, blank nodes, comments): outside those, a bare SERVICE or LOAD word can
  only be the keyword. Linear (about 1.4 MB/s): the server runs it on every request;
- rdflib's SPARQL grammar, whose parse tree is walked for ServiceGraphPattern and Load
  nodes. rdflib parses only 2-20 KB a second (2 s for one of the shipped named queries),
  too slow for every request of a server: the CLI runs it as a second opinion (up to
  32 KB), and a store reached over HTTP gets it on every query (refuse_engine_extensions).

Both first expand `\\u` escapes, as every SPARQL parser does; a text in which neither word
occurs at all cannot hold the keywords and is let through unread. The server's query
workers also run without a network (store/offline.py), so a text that got past the
tokenizer still could not connect.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Forbidden, QueryError
from ..i18n import say
from .sparql_parser import parse_query, parse_update

# rdflib's pyparsing grammar is slow (2-20 KB/s): above this, the tokenizer decides alone
STRUCTURE_LIMIT = 32_000
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_WORDS = ("service", "load")


def _unescape(text: str) -> str:
    """SPARQL's codepoint escapes, applied to the whole text before parsing (spec 19.2)."""

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ESCAPE.sub(one, text)


def _forbidden_service(where: str) -> Forbidden:
    return Forbidden(say("sparql_no_service"), where=where, hint=say("sparql_no_service_hint"))


def _forbidden_load(where: str) -> Forbidden:
    return Forbidden(say("sparql_no_load"), where=where, hint=say("sparql_no_load_hint"))


def _walk(node: Any, found: set[str], depth: int = 0) -> None:
    name = getattr(node, "name", None)
    if name in ("ServiceGraphPattern", "Load"):
        found.add(name)
    if depth > 500:  # a parse tree this deep came from a pathological text: refuse rather than recurse on
        found.add("deep")
        return
    if isinstance(node, dict):  # rdflib's CompValue is an OrderedDict of its parts
        for value in node.values():
            _walk(value, found, depth + 1)
    elif isinstance(node, (list, tuple)) or hasattr(node, "asList"):
        for value in node:
            _walk(value, found, depth + 1)


def _parsed_remote_parts(text: str, update: bool) -> set[str]:
    from pyparsing import ParseException
    try:
        tree = parse_update(text) if update else parse_query(text)
    except ParseException as exc:
        raise QueryError(say("sparql_malformed", what=say("sparql_update" if update else "sparql_query"), detail=exc.msg),
                         where=f"line {exc.lineno}, column {exc.col}", hint=say("sparql_fix_syntax_hint")) from None
    except RecursionError:
        return {"deep"}
    found: set[str] = set()
    _walk(tree, found)
    return found


# SPARQL terminals that can hold the letters of a keyword without being one (SPARQL 1.1, 19.8)
_PN_CHARS_BASE = (r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  r"\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_CHAR = rf"(?:[{_PN_CHARS}:]|{_PLX})"
_PN_LOCAL = rf"{_LOCAL_CHAR}(?:(?:[{_PN_CHARS}.:]|{_PLX})*{_LOCAL_CHAR})?"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_TERMINALS = re.compile(
    r"(?P<skip>#[^\r\n]*"  # comment
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"  # long strings
    r'|"(?:[^"\\\r\n]|\\.)*"' r"|'(?:[^'\\\r\n]|\\.)*'"  # strings
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRIREF
    rf"|(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"  # prefixed name: the local part may hold \' escapes
    rf"|[?$][{_PN_CHARS}]+"  # variable
    rf"|_:[{_PN_CHARS}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"  # blank node label
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"  # language tag
    rf"|(?P<word>[{_PN_CHARS_BASE}][{_PN_CHARS}]*)",
    re.DOTALL)


def _bare_words(text: str) -> set[str]:
    found = set()
    for match in _TERMINALS.finditer(text):
        if match.lastgroup == "word":
            word = match.group().lower()
            if word in _WORDS:
                found.add("ServiceGraphPattern" if word == "service" else "Load")
    return found


def remote_parts(text: str, update: bool = False, parse: bool = True) -> set[str]:
    """The parts of a query or update that reach out: "ServiceGraphPattern", "Load" (and
    "deep" for a text too deeply nested to be checked). `parse`: also read it with rdflib's
    grammar (up to STRUCTURE_LIMIT characters)."""
    plain = _unescape(text)
    lowered = plain.lower()
    if not any(word in lowered for word in _WORDS):
        return set()
    found = _bare_words(plain)
    if parse and not found and len(plain) <= STRUCTURE_LIMIT:
        found = _parsed_remote_parts(plain, update)
    return found


def refuse_remote_query(text: str, where: str = "query", parse: bool = True) -> None:
    """Forbidden when the query holds a SERVICE pattern (or cannot be checked)."""
    _refuse(remote_parts(text, update=False, parse=parse), where)


def refuse_remote_update(text: str, where: str = "update", parse: bool = True) -> None:
    """Forbidden when the update holds LOAD or a SERVICE pattern (or cannot be checked)."""
    _refuse(remote_parts(text, update=True, parse=parse), where)


XSD = "http://www.w3.org/2001/XMLSchema#"


def refuse_engine_extensions(text: str, where: str = "query") -> None:
    """For a store reached over HTTP (Virtuoso): the query must be plain SPARQL 1.1 (rdflib
    parses and translates it: no `DEFINE` pragmas, no undeclared prefixes such as `bif:`)
    and call no function but SPARQL's own and XSD casts. Such a server reads files and
    fetches URLs through its own functions (`bif:file_to_string`, `bif:http_get`) and
    pragmas (`define get:soft` fetches FROM graphs)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    plain = _unescape(text)
    if len(plain) > STRUCTURE_LIMIT:
        raise Forbidden(say("sparql_too_long", limit=STRUCTURE_LIMIT), where=where, hint=say("sparql_too_long_hint"))
    refuse_remote_query(plain, where)
    try:
        algebra = translateQuery(parse_query(plain)).algebra
    except RecursionError:
        raise QueryError(say("sparql_too_deep"), where=where, hint=say("sparql_too_deep_hint")) from None
    except Exception as exc:  # pyparsing's ParseException, rdflib's unknown prefix
        raise QueryError(say("sparql_not_plain", what=str(exc)[:300]), where=where,
                         hint=say("sparql_not_plain_hint")) from None
    functions: set[str] = set()
    _functions(algebra, functions)
    foreign = sorted(f for f in functions if not f.startswith(XSD))
    if foreign:
        raise Forbidden(say("sparql_function", iri=foreign[0]), where=where, hint=say("sparql_function_hint"))


def _functions(node: Any, found: set[str], depth: int = 0) -> None:
    if getattr(node, "name", None) == "Function":
        found.add(str(node.get("iri")))
    if depth > 500:
        found.add("(too deep)")
        return
    if isinstance(node, dict):
        for value in node.values():
            _functions(value, found, depth + 1)
    elif isinstance(node, (list, tuple)) or hasattr(node, "asList"):
        for value in node:
            _functions(value, found, depth + 1)


def _refuse(found: set[str], where: str) -> None:
    if "Load" in found:
        raise _forbidden_load(where)
    if "ServiceGraphPattern" in found:
        raise _forbidden_service(where)
    if "deep" in found:
        raise QueryError(say("sparql_too_deep"), where=where, hint=say("sparql_too_deep_hint"))
