"""Blueprint rules (shapes/*.ttl) checked with pyshacl -> a typed ValidationReport.

Validation sees one blueprint's graph plus what it needs of the repository (the shared
departments and systems it names, the steps its slice refines), never the whole store:
pyshacl over a large store graph is quadratic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from .i18n import pick
from .namespaces import SB
from .resources import data_dir
from .vocabulary import ontology_graph

if TYPE_CHECKING:
    from .authoring import AuthoredBlueprint
    from .store import Store

KGBPSH = Namespace("https://w3id.org/kgbp/shapes#")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass
class ValidationResult:
    """One finding: where (blueprint, focus node), which rule, how bad, what to do."""

    blueprint: URIRef
    focus: URIRef
    focus_label: str
    rule: str
    rule_title: str
    severity: str
    message: str
    hint: str
    path: str = ""
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: str(v) for k, v in asdict(self).items()}


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations()

    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity != "Violation"]

    def extend(self, other: ValidationReport) -> None:
        self.results.extend(other.results)

    def as_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations()),
            "warnings": len(self.warnings()),
            "results": [r.as_dict() for r in self.results],
        }


@cache
def shapes_graph(folder: Path | None = None) -> Graph:
    graph = Graph()
    for path in sorted((folder or data_dir("shapes")).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def _class_hierarchy() -> Graph:
    """Only rdfs:subClassOf of the ontology: enough for sh:class, cheap to copy."""
    graph = Graph()
    for triple in ontology_graph().triples((None, RDFS.subClassOf, None)):
        graph.add(triple)
    for concept, scheme in ontology_graph().subject_objects(URIRef("http://www.w3.org/2004/02/skos/core#inScheme")):
        graph.add((concept, URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), scheme))
        for t in ontology_graph().triples((concept, RDF.type, None)):
            graph.add(t)
        for t in ontology_graph().triples((concept, SB.laneOrder, None)):
            graph.add(t)
    return graph


class Validator:
    """Validates blueprints against the shapes; one instance per process (shapes parsed once)."""

    def __init__(self, shapes: Graph | None = None, lang: str = "en") -> None:
        self.shapes = shapes if shapes is not None else shapes_graph()
        self.lang = lang

    def context(self, bp: AuthoredBlueprint, store: Store | None,
                pending: Sequence[AuthoredBlueprint]) -> Graph:
        """What of the repository the rules need besides the blueprint itself."""
        graph = Graph()
        graph += _class_hierarchy()
        graph += bp.shared
        if store is not None:
            named = {o for o in bp.graph.objects() if isinstance(o, URIRef) and not o.startswith(str(SB))}
            parent_steps = set(bp.graph.objects(bp.iri, SB.refinesStep))
            for step in parent_steps:
                rows = store.select("SELECT ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"s": step})
                for p, o in rows.rows:
                    graph.add((step, p, o))  # type: ignore[arg-type]
            if named:
                values = " ".join(f"<{e}>" for e in named)
                rows = store.select(
                    f"SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {values} }} "
                    f"GRAPH <https://w3id.org/kgbp/id/repository> {{ ?e ?p ?o }} }}")
                for e, p, o in rows.rows:
                    graph.add((e, p, o))  # type: ignore[arg-type]
        for other in pending:
            if other is not bp:
                for step in bp.graph.objects(bp.iri, SB.refinesStep):
                    for p, o in other.graph.predicate_objects(step):
                        graph.add((step, p, o))
        return graph

    def validate(self, bp: AuthoredBlueprint, store: Store | None = None,
                 pending: Sequence[AuthoredBlueprint] = ()) -> ValidationReport:
        data = bp.graph + self.context(bp, store, pending)
        return self.validate_graph(data, bp.iri)

    def validate_graph(self, data: Graph, blueprint: URIRef) -> ValidationReport:
        from pyshacl import validate as shacl_validate

        if not len(self.shapes):
            return ValidationReport()
        _, results_graph, _ = shacl_validate(data, shacl_graph=self.shapes, inference="none",
                                             advanced=True, allow_warnings=True)
        return ValidationReport(list(self._results(results_graph, data, blueprint)))

    def _results(self, results: Graph, data: Graph, blueprint: URIRef) -> Iterable[ValidationResult]:
        for node in results.subjects(RDF.type, SH.ValidationResult):
            focus = results.value(node, SH.focusNode)
            shape = results.value(node, SH.sourceShape)
            severity = SEVERITIES.get(results.value(node, SH.resultSeverity) or SH.Violation, "Violation")
            messages = [m for m in results.objects(node, SH.resultMessage) if isinstance(m, Literal)]
            rule = self._rule_shape(shape)
            yield ValidationResult(
                blueprint=blueprint,
                focus=focus,  # type: ignore[arg-type]
                focus_label=pick(data.objects(focus, RDFS.label), self.lang, str(focus)),  # type: ignore[arg-type]
                rule=_short(rule),
                rule_title=pick(self.shapes.objects(rule, SH.name), self.lang, _short(rule)),
                severity=severity,
                message=pick(messages, self.lang, ""),
                hint=pick(self.shapes.objects(rule, KGBPSH.hint), self.lang, ""),
                path=str(results.value(node, SH.resultPath) or ""),
                value=str(results.value(node, SH.value) or ""),
            )

    def _rule_shape(self, shape: Any) -> Any:
        """A property shape without its own name reports as the node shape holding it."""
        if shape is None or (shape, SH.name, None) in self.shapes:
            return shape
        parent = self.shapes.value(None, SH.property, shape)
        return parent if parent is not None else shape


def _short(node: Any) -> str:
    text = str(node)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


def report_graph(report: ValidationReport) -> Graph:
    """The report as a standard sh:ValidationReport (for tools that speak SHACL)."""
    from rdflib import BNode

    graph = Graph()
    graph.bind("sh", SH)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for r in report.results:
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, r.focus))
        graph.add((node, SH.resultSeverity, SH[r.severity]))
        graph.add((node, SH.sourceShape, KGBPSH[r.rule]))
        graph.add((node, SH.resultMessage, Literal(r.message)))
        if r.path:
            graph.add((node, SH.resultPath, URIRef(r.path)))
    return graph
