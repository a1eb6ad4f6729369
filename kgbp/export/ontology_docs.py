"""The published ontology: HTML documentation (pyLODE) and RDF serialisations.

pyLODE documents OWL classes and properties in one language and does not list SKOS
concepts, so it is given one language's view of the ontology without the concept
schemes, and a section listing the schemes and their concepts (with their notations,
the ids the authoring formats use) is added to its page. Generating a page takes pyLODE
about two seconds: it is done once per language and process, on first request.
When pyLODE is missing or fails, a plainer page rendered here from the same graph
(classes, properties, concept schemes, labels and definitions in both languages) is
served instead, and `docs_generator()` says which one a page came from.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import cache

from lxml import html as lxml_html
from lxml.html import builder as E
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ..i18n import LANGS, normalise_lang, pick
from ..model.namespaces import ONTOLOGY_GRAPH, SB
from ..model.vocabulary import ontology_graph
from ..resources import ontology_file

log = logging.getLogger("kgbp")
_lock = threading.Lock()
_generator: dict[str, str] = {}

# format key -> (media type, rdflib format, file suffix)
RDF_FORMATS: dict[str, tuple[str, str, str]] = {
    "ttl": ("text/turtle", "turtle", ".ttl"),
    "rdf": ("application/rdf+xml", "xml", ".rdf"),
    "jsonld": ("application/ld+json", "json-ld", ".jsonld"),
    "nt": ("application/n-triples", "nt", ".nt"),
}
HTML_MEDIA_TYPE = "text/html"
UI = {
    "en": {"schemes": "Concept schemes", "notation": "notation (id in authoring files)", "concept": "concept",
           "definition": "definition", "other": "中文", "formats": "This ontology as", "classes": "Classes",
           "properties": "Properties"},
    "zh": {"schemes": "概念体系", "notation": "记号（编写文件中使用的编号）", "concept": "概念",
           "definition": "定义", "other": "English", "formats": "本体的其他格式", "classes": "类",
           "properties": "属性"},
}


def ontology_rdf(fmt: str) -> bytes:
    """The ontology in an RDF format; Turtle is the source file itself (comments kept)."""
    if fmt == "ttl":
        return ontology_file().read_bytes()
    if fmt == "jsonld":
        from .rdf import to_jsonld

        return to_jsonld(ontology_graph())
    return ontology_graph().serialize(format=RDF_FORMATS[fmt][1], encoding="utf-8")


# -- one language's view, for pyLODE ---------------------------------------------------------

def _concepts(graph: Graph) -> set[Node]:
    return set(graph.subjects(RDF.type, SKOS.Concept)) | set(graph.subjects(RDF.type, SKOS.ConceptScheme))


def pylode_view(graph: Graph, lang: str) -> Graph:
    """The ontology in `lang` only (untagged literals kept), without the concept schemes."""
    view = Graph()
    for prefix, ns in graph.namespaces():
        view.bind(prefix, ns)
    skip = _concepts(graph)
    for s, p, o in graph:
        if s in skip or (isinstance(o, Literal) and o.language and normalise_lang(o.language) != lang):
            continue
        view.add((s, p, o))
    return view


def _import_ontpub() -> type:
    # pyLODE sets the root logger to DEBUG when imported: keep the process's logging as it was
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    return OntPub  # type: ignore[no-any-return]


# -- our parts of the page -------------------------------------------------------------------

def _local(node: object) -> str:
    return str(node).rsplit("#", 1)[-1]


def _both(graph: Graph, node: Node, prop: URIRef, lang: str) -> str:
    """The text in `lang`, then the other language's in brackets (when it differs)."""
    first = pick(graph.objects(node, prop), lang)
    other = pick(graph.objects(node, prop), next(x for x in LANGS if x != lang))
    return f"{first} ({other})" if other and other != first else first


def _links(lang: str) -> lxml_html.HtmlElement:
    words = UI[lang]
    other = next(x for x in LANGS if x != lang)
    items: list[object] = [E.A(words["other"], href=f"/ontology?lang={other}"), " · ", words["formats"], ": "]
    for i, (key, (_, _, suffix)) in enumerate(RDF_FORMATS.items()):
        items += [", " if i else "", E.A({"ttl": "Turtle", "rdf": "RDF/XML", "jsonld": "JSON-LD", "nt": "N-Triples"}[key],
                                         href=f"/ontology{suffix}")]
    return E.P(*items, **{"class": "kgbp-formats"})


def schemes_section(graph: Graph, lang: str) -> lxml_html.HtmlElement:
    """Every concept scheme with its concepts: notation, labels in both languages, definition."""
    words = UI[lang]
    section = E.DIV(E.H2(words["schemes"]), id="conceptschemes", **{"class": "section"})
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        rows = [E.TR(E.TH(words["notation"]), E.TH(words["concept"]), E.TH(words["definition"]))]
        concepts = sorted(graph.subjects(SKOS.inScheme, scheme),
                          key=lambda c: (str(graph.value(c, SB.laneOrder) or 0), str(graph.value(c, SKOS.notation))))
        for concept in concepts:
            rows.append(E.TR(E.TD(E.CODE(str(graph.value(concept, SKOS.notation) or ""))),
                             E.TD(_both(graph, concept, SKOS.prefLabel, lang), E.BR(),
                                  E.CODE(f"sb:{_local(concept)}"), id=_local(concept)),
                             E.TD(pick(graph.objects(concept, SKOS.definition), lang))))
        section.append(E.DIV(
            E.H3(_both(graph, scheme, SKOS.prefLabel, lang), " ", E.CODE(f"sb:{_local(scheme)}"), id=_local(scheme)),
            E.P(pick(graph.objects(scheme, SKOS.definition), lang)),
            E.TABLE(*rows), **{"class": "entity"}))
    return section


def _terms(graph: Graph, types: Iterable[URIRef], title: str, lang: str) -> lxml_html.HtmlElement:
    section = E.DIV(E.H2(title), **{"class": "section"})
    nodes = sorted({s for t in types for s in graph.subjects(RDF.type, t) if str(s).startswith(str(SB))}, key=str)
    for node in nodes:
        facts = [E.DT("IRI"), E.DD(E.CODE(str(node)))]
        for prop, name in ((RDFS.subClassOf, "subClassOf"), (RDFS.domain, "domain"), (RDFS.range, "range")):
            values = sorted(str(v) for v in graph.objects(node, prop) if isinstance(v, URIRef))
            if values:
                facts += [E.DT(name), E.DD(", ".join(v.replace(str(SB), "sb:") for v in values))]
        definitions = [E.P(str(d), lang=d.language or "") for d in sorted(graph.objects(node, SKOS.definition), key=str)
                       if isinstance(d, Literal)]
        section.append(E.DIV(E.H3(_both(graph, node, RDFS.label, lang), " ", E.CODE(f"sb:{_local(node)}"),
                                  id=_local(node)), *definitions, E.DL(*facts), **{"class": "entity"}))
    return section


_FALLBACK_CSS = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
                 "h1,h2,h3{color:#005A9C}.entity{border-top:1px solid #ccc}table{border-collapse:collapse}"
                 "td,th{text-align:left;vertical-align:top;padding:.3em .6em;border-bottom:1px solid #eee}")


def fallback_html(graph: Graph, lang: str) -> str:
    """The documentation page rendered here (when pyLODE is not available)."""
    title = pick(graph.objects(ONTOLOGY_GRAPH, DCTERMS.title), lang, "kgbp ontology")
    texts = [d for d in graph.objects(ONTOLOGY_GRAPH, DCTERMS.description) if isinstance(d, Literal)]
    descriptions = [E.P(str(d), lang=d.language or "") for d in sorted(texts, key=lambda d: d.language != lang)]
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.TITLE(title), E.STYLE(_FALLBACK_CSS)),
        E.BODY(E.DIV(E.H1(title), _links(lang), E.P(E.CODE(str(ONTOLOGY_GRAPH))), *descriptions,
                     _terms(graph, [OWL.Class], UI[lang]["classes"], lang),
                     _terms(graph, [OWL.ObjectProperty, OWL.DatatypeProperty], UI[lang]["properties"], lang),
                     schemes_section(graph, lang), id="content")),
        lang=lang)
    return "<!DOCTYPE html>\n" + lxml_html.tostring(page, encoding="unicode")


def _with_our_parts(page: str, graph: Graph, lang: str) -> str:
    doc = lxml_html.document_fromstring(page)
    doc.set("lang", lang)
    head = doc.find("head")
    if head is not None and not head.xpath("meta[@charset]"):
        head.insert(0, E.META(charset="utf-8"))  # the page may be saved and opened as a file
    content = doc.get_element_by_id("content", None)
    if content is None:
        raise ValueError("pyLODE's page has no #content")
    # term IRIs (…/ontology#MomentOfTruth) should land on their entry: pyLODE ids them by label
    entries = []
    for entry in doc.xpath("//div[contains(concat(' ', @class, ' '), ' entity ')]"):
        code = entry.find(".//code")
        entries.append((entry, (code.text or "").strip() if code is not None else ""))
    ours = {_local(iri) for _, iri in entries if iri.startswith(str(SB))}
    renamed = {}
    for entry, iri in entries:  # a reused term (schema:Service) must not hold sb:Service's anchor
        if not iri.startswith(str(SB)) and entry.get("id") in ours:
            renamed[f"#{entry.get('id')}"] = f"#ext-{entry.get('id')}"
            entry.set("id", f"ext-{entry.get('id')}")
    for link in doc.iter("a"):
        if link.get("href") in renamed:
            link.set("href", renamed[link.get("href")])
    taken = {e.get("id") for e in doc.iter() if e.get("id")}
    for entry, iri in entries:
        if iri.startswith(str(SB)) and _local(iri) not in taken:
            entry.insert(0, E.A(id=_local(iri)))
            taken.add(_local(iri))
    heading = content.find(".//h1")
    if heading is not None:
        heading.addnext(_links(lang))
    before = doc.get_element_by_id("namespaces", None)
    section = schemes_section(graph, lang)
    if before is not None:
        before.addprevious(section)
    else:
        content.append(section)
    toc = doc.get_element_by_id("toc", None)
    contents = toc.find(".//ul") if toc is not None else None
    if contents is not None:  # a table-of-contents entry, before Namespaces as the section
        schemes = [E.LI(E.A(h3.text_content().split(" sb:")[0], href=f"#{h3.get('id')}"))
                   for h3 in section.iter("h3")]
        item = E.LI(E.H4(E.A(UI[lang]["schemes"], href="#conceptschemes")), E.UL(*schemes, **{"class": "second"}))
        anchor = contents.find(".//a[@href='#namespaces']")
        namespaces = anchor.getparent().getparent() if anchor is not None else None
        if namespaces is not None and namespaces.getparent() is contents:
            namespaces.addprevious(item)
        else:
            contents.append(item)
    return "<!DOCTYPE html>\n" + lxml_html.tostring(doc, encoding="unicode")


@cache
def _page(lang: str) -> str:
    graph = ontology_graph()
    try:
        ontpub = _import_ontpub()
        page = ontpub(ontology=pylode_view(graph, lang), sort_subjects=True).make_html()
        page = _with_our_parts(page, graph, lang)
        _generator[lang] = "pylode"
        return page
    except Exception as exc:  # ImportError, or pyLODE failing on the graph: never a 500 for docs
        log.warning("pyLODE could not document the ontology (%s: %s); serving kgbp's own page",
                    type(exc).__name__, exc)
        _generator[lang] = "kgbp"
        return fallback_html(graph, lang)


def ontology_html(lang: str = "en") -> str:
    """The documentation page in `lang` (en or zh), generated once per process."""
    with _lock:
        return _page(normalise_lang(lang))


def docs_generator(lang: str = "en") -> str:
    """'pylode' or 'kgbp': what generated the page for `lang` (after it was generated)."""
    return _generator.get(normalise_lang(lang), "")
