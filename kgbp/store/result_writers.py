"""SPARQL results written in the four standard formats, from plain rows.

For answers a store gets as data rather than in the format asked for (the remote store
reads XML, for Virtuoso's sake). rdflib's writers drop literals that are false in Python
("0", "false", "") and have no TSV; these follow the W3C specs:
https://www.w3.org/TR/sparql11-results-json/ , https://www.w3.org/TR/rdf-sparql-XMLres/ ,
https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

MEDIA_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
               "text/tab-separated-values")


def write_solutions(variables: Sequence[str], rows: Sequence[Sequence[Node | None]], media_type: str) -> bytes:
    writer = {"application/sparql-results+json": _json, "application/sparql-results+xml": _xml,
              "text/csv": _csv, "text/tab-separated-values": _tsv}[media_type]
    return writer(variables, rows)


def write_boolean(answer: bool, media_type: str) -> bytes:
    if media_type == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": answer}).encode()
    if media_type == "application/sparql-results+xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if answer else 'false'}</boolean></sparql>\n").encode()
    return b"true" if answer else b"false"  # CSV/TSV define no boolean form; as Oxigraph writes it


def _json_term(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    assert isinstance(node, Literal)
    out = {"type": "literal", "value": str(node)}
    if node.language:
        out["xml:lang"] = node.language
    elif node.datatype:
        out["datatype"] = str(node.datatype)
    return out


def _json(variables: Sequence[str], rows: Sequence[Sequence[Node | None]]) -> bytes:
    bindings: list[dict[str, Any]] = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xml_term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<uri>{_escape(str(node))}</uri>"
    if isinstance(node, BNode):
        return f"<bnode>{_escape(str(node))}</bnode>"
    assert isinstance(node, Literal)
    if node.language:
        return f'<literal xml:lang="{_escape(node.language)}">{_escape(str(node))}</literal>'
    if node.datatype:
        return f'<literal datatype="{_escape(str(node.datatype))}">{_escape(str(node))}</literal>'
    return f"<literal>{_escape(str(node))}</literal>"


def _xml(variables: Sequence[str], rows: Sequence[Sequence[Node | None]]) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f'<variable name="{_escape(v)}"/>' for v in variables]
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>" + "".join(f'<binding name="{_escape(v)}">{_xml_term(t)}</binding>'
                                        for v, t in zip(variables, row, strict=True) if t is not None) + "</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode("utf-8")


def _csv(variables: Sequence[str], rows: Sequence[Sequence[Node | None]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else f"_:{t}" if isinstance(t, BNode) else str(t) for t in row])
    return text.getvalue().encode("utf-8")


def _tsv_term(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    assert isinstance(node, Literal)
    text = (str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype:
        return f'"{text}"^^<{node.datatype}>'
    return f'"{text}"'


def _tsv(variables: Sequence[str], rows: Sequence[Sequence[Node | None]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
