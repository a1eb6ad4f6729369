"""The ontology IRI dereferences: HTML documentation (pyLODE) to browsers, RDF to RDF clients."""

from __future__ import annotations

import re

import httpx
import pytest
from lxml import html
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from kgbp.export.jsonld_context import inline_contexts
from kgbp.export.ontology_docs import docs_generator, fallback_html, pylode_view
from kgbp.model.namespaces import ONTOLOGY_GRAPH, SB
from kgbp.model.vocabulary import ontology_graph
from kgbp.web.negotiate import best_match

W3ID = "https://w3id.org/kgbp"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def ontology_url(base: str) -> str:
    """Where the permanent-identifier service sends the ontology IRI: this server's /ontology."""
    assert str(ONTOLOGY_GRAPH).startswith(W3ID)
    return base + str(ONTOLOGY_GRAPH)[len(W3ID):]


def test_the_ontology_iri_gives_browsers_the_pylode_documentation(examples_server: tuple[str, str]) -> None:
    base, _ = examples_server
    response = httpx.get(ontology_url(base), headers={"Accept": BROWSER}, params={"lang": "en"}, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "en"
    assert "Accept" in response.headers["vary"]
    page = html.document_fromstring(response.content)
    assert page.findtext(".//h1").strip() == "kgbp service blueprint ontology"
    assert docs_generator("en") == "pylode"  # the test server runs in this process
    signature = "".join(page.get_element_by_id("pylode").text_content().split())
    assert re.fullmatch(r"madebypyLODE[\d.]+withtheOntPubprofile", signature), signature
    # every class and concept scheme has its entry, reachable by the term IRI's fragment
    for local in ("Step", "FailPoint", "MomentOfTruth", "Service", "supports", "LaneScheme", "FrontstageLane"):
        assert page.get_element_by_id(local, None) is not None, local
    scheme = page.get_element_by_id("conceptschemes")
    assert "frontstage (前台服务)" in scheme.text_content()
    assert page.xpath("//div[@id='toc']//a[@href='#conceptschemes']")


def test_the_documentation_in_chinese(examples_server: tuple[str, str]) -> None:
    base, _ = examples_server
    response = httpx.get(ontology_url(base), headers={"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"},
                         timeout=60)
    assert response.status_code == 200
    page = html.document_fromstring(response.content)
    assert page.findtext(".//h1").strip() == "kgbp 服务蓝图本体"
    assert "前台服务 (frontstage)" in page.get_element_by_id("conceptschemes").text_content()


@pytest.mark.parametrize(("accept", "media", "rdflib_format"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("text/turtle;q=0.9, text/html;q=0.5", "text/turtle", "turtle"),
])
def test_the_ontology_iri_gives_rdf_clients_rdf(examples_server: tuple[str, str], accept: str, media: str,
                                                rdflib_format: str) -> None:
    base, _ = examples_server
    response = httpx.get(ontology_url(base), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    text = response.text if rdflib_format != "json-ld" else inline_contexts(response.text, "ontology.jsonld")
    graph = Graph().parse(data=text, format=rdflib_format)
    assert (ONTOLOGY_GRAPH, RDF.type, OWL.Ontology) in graph
    assert isomorphic(graph, ontology_graph())


def test_one_format_by_name_and_nothing_acceptable(examples_server: tuple[str, str]) -> None:
    base, _ = examples_server
    turtle = httpx.get(f"{base}/ontology.ttl")
    assert turtle.status_code == 200 and turtle.text.startswith("# kgbp service blueprint ontology")
    assert httpx.get(f"{base}/ontology.nt").headers["content-type"] == "application/n-triples"
    missing = httpx.get(f"{base}/ontology.pdf")
    assert missing.status_code == 404 and missing.json()["error"] == "not-found"
    refused = httpx.get(f"{base}/ontology", headers={"Accept": "application/pdf"})
    assert refused.status_code == 406
    assert refused.json()["error"] == "not-acceptable"


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, "text/html"),
    ("*/*", "text/html"),
    (BROWSER, "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.8", "text/turtle"),
    ("text/*;q=0.3, application/ld+json", "application/ld+json"),
    ("text/html;q=0, */*;q=0.1", "application/xhtml+xml"),
    ("image/png", None),
])
def test_negotiation(accept: str | None, chosen: str | None) -> None:
    offers = ["text/html", "application/xhtml+xml", "text/turtle", "application/rdf+xml", "application/ld+json"]
    assert best_match(accept, offers) == chosen


def test_pylode_sees_one_language_and_no_concept_schemes() -> None:
    view = pylode_view(ontology_graph(), "zh")
    languages = {o.language for o in view.objects() if getattr(o, "language", None)}
    assert languages == {"zh"}
    assert (SB.FrontstageLane, None, None) not in view
    assert (SB.Step, None, None) in view


def test_the_fallback_page_documents_everything_in_both_languages() -> None:
    page = html.document_fromstring(fallback_html(ontology_graph(), "en"))
    text = page.text_content()
    for local in ("Step", "supports", "failureMode", "LaneScheme", "FrontstageLane", "SMS"):
        assert page.get_element_by_id(local, None) is not None, local
    assert "fail point (失败点)" in text
    assert "A step marked F: where things can go wrong in a way the customer feels." in text
    assert "标有 F 的步骤：可能出错并被客户感知的地方。" in text
    assert "frontstage (前台服务)" in text
