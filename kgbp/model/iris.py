"""Mint readable, stable IRIs from ids. The only place that knows the IRI layout.

    service      {ID}service/{service}
    blueprint    {ID}service/{service}/{version}          (also the name of its graph)
    step etc.    {ID}service/{service}/{version}/{kind}/{local id}
    department   {ID}department/{id}
    system       {ID}system/{id}
    complaint category         {ID}complaint-category/{id}   (in the graph {ID}quality/categories)
    evidence of one period     {ID}evidence/{kind}[/{source}]/{YYYY-MM}   (a graph; its observations below it)
    improvement action         {ID}action/{id}               (also the name of its graph)

Ids may hold Chinese characters (IRIs allow them); characters that IRIs forbid are
percent-encoded so that any id gives a valid IRI.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote, unquote

from rdflib import URIRef

from .namespaces import ID

_ID_RE = re.compile(r"^[^\s/#?%<>\"{}|\\^`]+$")
LOCAL_KINDS = ("step", "touchpoint", "evidence", "standard")


def is_valid_id(text: str) -> bool:
    return bool(_ID_RE.match(text)) and len(text) <= 120


def slug(text: str) -> str:
    """An id from a free label: lower case, spaces to '-', forbidden characters dropped."""
    text = re.sub(r"\s+", "-", text.strip().lower())
    text = re.sub(r"[/#?%<>\"{}|\\^`]", "", text)
    return text.strip("-") or "x"


@functools.lru_cache(maxsize=1 << 16)  # the same ids recur in every triple of a blueprint
def _seg(text: str) -> str:
    # keep non-ASCII letters as they are (an IRI, not a URI); encode only ASCII that IRIs forbid here
    return "".join(c if ord(c) > 127 else quote(c, safe="-._~@!$&'()*+,;=:") for c in text)


def service_iri(service: str) -> URIRef:
    return URIRef(f"{ID}service/{_seg(service)}")


def blueprint_iri(service: str, version: str) -> URIRef:
    return URIRef(f"{ID}service/{_seg(service)}/{_seg(version)}")


def local_iri(service: str, version: str, kind: str, local_id: str) -> URIRef:
    assert kind in LOCAL_KINDS
    return URIRef(f"{blueprint_iri(service, version)}/{kind}/{_seg(local_id)}")


def department_iri(dept: str) -> URIRef:
    return URIRef(f"{ID}department/{_seg(dept)}")


def system_iri(system: str) -> URIRef:
    return URIRef(f"{ID}system/{_seg(system)}")


def complaint_category_iri(category: str) -> URIRef:
    return URIRef(f"{ID}complaint-category/{_seg(category)}")


def evidence_graph_iri(kind: str, period: str, source: str | None = None) -> URIRef:
    """The graph holding one period of one kind of evidence from one source (re-imports replace it)."""
    middle = f"{_seg(kind)}/{_seg(source)}" if source else _seg(kind)
    return URIRef(f"{ID}evidence/{middle}/{_seg(period)}")


def observation_iri(graph: URIRef, *parts: str) -> URIRef:
    return URIRef(f"{graph}/" + "/".join(_seg(p) for p in parts))


def action_iri(action: str) -> URIRef:
    return URIRef(f"{ID}action/{_seg(action)}")


def _blueprint_parts(iri: str) -> tuple[str, str] | None:
    """(service, version) decoded from an IRI under the blueprint layout, whatever its escapes."""
    prefix = f"{ID}service/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix):].split("/")
    if len(parts) != 2:
        return None
    service, version = (unquote(p) for p in parts)
    if not service or not version or "/" in service or "/" in version:
        return None
    return service, version


def blueprint_id(iri: str) -> str | None:
    """'service/version' for a blueprint IRI, None for anything else.

    Only the canonical spelling (as blueprint_iri writes it) is a blueprint IRI: `x-1` and
    `x-%31` decode to the same id, and two graphs must never claim one blueprint.
    """
    parts = _blueprint_parts(iri)
    if parts is None or str(blueprint_iri(*parts)) != str(iri):
        return None
    return "/".join(parts)


def canonical_blueprint_iri(iri: str) -> URIRef | None:
    """The canonical spelling of a blueprint IRI written with other escapes; None when `iri` is
    canonical already or not laid out as a blueprint IRI."""
    parts = _blueprint_parts(iri)
    if parts is None:
        return None
    canonical = blueprint_iri(*parts)
    return None if str(canonical) == str(iri) else canonical


def parse_blueprint_ref(ref: str) -> tuple[str, str | None]:
    """'service/version' or 'service' (version left open) or a blueprint IRI."""
    if ref.startswith(("http://", "https://")):
        bid = blueprint_id(ref)
        if bid is None:
            return ref, None
        ref = bid
    service, _, version = ref.partition("/")
    return service, (version or None)
