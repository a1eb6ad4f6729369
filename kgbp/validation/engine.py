"""Blueprint rules (shapes/*.ttl) checked with pyshacl-turbo -> a typed ValidationReport.

Validation sees one blueprint's graph plus what it needs of the repository (the types of
the departments, systems and concepts it names, the superclasses of its classes, the step
its slice refines), never the whole store. Several stored blueprints can be checked in one
run (`validate_union`): the per-shape cost of a run is then shared.

Speed (docs/benchmarks.md): the shapes are parsed and compiled once per process by
pyshacl-turbo (a Rust engine with pySHACL's API and findings), without the annotations it
does not need (names, messages, hints: the report takes them from the full graph), with no
inference and no SHACL-AF, and the context is added to the blueprint graph for the run and
taken out after it, because copying a 700-triple rdflib graph costs as much as validating it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from ..i18n import LANGS, pick
from ..model.namespaces import SB
from ..model.vocabulary import ontology_graph
from ..resources import data_dir, internal_query

if TYPE_CHECKING:
    from ..model.authored import AuthoredBlueprint
    from ..store import Store

KGBPSH = Namespace("https://w3id.org/kgbp/shapes#")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# Annotations the engine does not need to check anything; the report reads them from the full graph.
_ANNOTATIONS = (SH.name, SH.message, SH.description, KGBPSH.hint, RDFS.comment)


# -- the report -------------------------------------------------------------------------

@dataclass
class ValidationResult:
    """One finding: where (blueprint, focus node), which rule, how bad, what to do.

    Texts (focus_label, rule_title, message, hint ...) are in the validator's language.
    `path` is the property IRI, or a SPARQL property path of full IRIs for longer paths.
    """

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
    value_label: str = ""
    department: str = ""
    department_label: str = ""
    draft: bool = False

    @property
    def blueprint_id(self) -> str:
        from ..model.iris import blueprint_id

        return blueprint_id(str(self.blueprint)) or str(self.blueprint)

    def as_dict(self) -> dict[str, Any]:
        return {
            "blueprint": str(self.blueprint), "blueprint_id": self.blueprint_id, "draft": self.draft,
            "focus": str(self.focus), "focus_label": self.focus_label,
            "rule": self.rule, "rule_title": self.rule_title, "severity": self.severity,
            "message": self.message, "hint": self.hint, "path": self.path,
            "value": self.value, "value_label": self.value_label,
            "department": self.department, "department_label": self.department_label,
        }


@dataclass
class ValidationReport:
    """Results of one or more blueprints; `checked` lists every blueprint looked at."""

    results: list[ValidationResult] = field(default_factory=list)
    checked: list[URIRef] = field(default_factory=list)
    drafts: set[URIRef] = field(default_factory=set)
    lang: str = "en"

    @property
    def conforms(self) -> bool:
        """No violation outside drafts (drafts are kept with their violations)."""
        return not self.blocking()

    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity != "Violation"]

    def blocking(self) -> list[ValidationResult]:
        return [r for r in self.violations() if not r.draft]

    def extend(self, other: ValidationReport) -> None:
        if not self.results and not self.checked:
            self.lang = other.lang  # an empty report speaks the language of what it collects
        self.results.extend(other.results)
        self.checked.extend(b for b in other.checked if b not in self.checked)
        self.drafts |= other.drafts

    def sort(self) -> None:
        self.results.sort(key=lambda r: (str(r.blueprint), SEVERITY_ORDER.get(r.severity, 9), r.rule,
                                         r.focus_label, str(r.focus), r.value))

    def by_blueprint(self) -> dict[URIRef, list[ValidationResult]]:
        out: dict[URIRef, list[ValidationResult]] = {b: [] for b in self.checked}
        for r in self.results:
            out.setdefault(r.blueprint, []).append(r)
        return out

    def blueprint_summaries(self) -> list[dict[str, Any]]:
        from ..model.iris import blueprint_id

        rows = []
        for bp, results in self.by_blueprint().items():
            violations = sum(1 for r in results if r.severity == "Violation")
            rows.append({"blueprint": str(bp), "id": blueprint_id(str(bp)) or str(bp), "draft": bp in self.drafts,
                         "conforms": violations == 0, "violations": violations,
                         "warnings": len(results) - violations})
        return rows

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape documented in docs/validation.md (stable: add keys, never rename)."""
        self.sort()
        return {
            "conforms": self.conforms,
            "lang": self.lang,
            "violations": len(self.violations()),
            "warnings": len(self.warnings()),
            "blueprints": self.blueprint_summaries(),
            "results": [r.as_dict() for r in self.results],
        }


# -- the rules ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One shape with a name: what the report calls a rule."""

    id: str
    iri: URIRef
    severity: str
    titles: dict[str, str]
    messages: dict[str, str]
    hints: dict[str, str]
    reason: str
    area: str = ""

    def title(self, lang: str) -> str:
        return _in(self.titles, lang) or self.id

    def message(self, lang: str) -> str:
        return _in(self.messages, lang)

    def hint(self, lang: str) -> str:
        return _in(self.hints, lang)


def _in(texts: dict[str, str], lang: str) -> str:
    for key in (lang, *LANGS, ""):
        if key in texts:
            return texts[key]
    return ""


def _texts(graph: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for lit in graph.objects(node, prop):  # type: ignore[arg-type]
        if isinstance(lit, Literal):
            out.setdefault((lit.language or "").split("-")[0].lower(), str(lit))
    return out


@cache
def shapes_graph(folder: Path | None = None) -> Graph:
    graph = Graph()
    for path in sorted((folder or data_dir("shapes")).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _short(node: Any) -> str:
    text = str(node)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


def _rule_table(shapes: Graph, areas: dict[Node, str]) -> dict[Node, Rule]:
    """Every shape with an sh:name is a rule; property shapes inside it report as it."""
    table: dict[Node, Rule] = {}
    for shape in set(shapes.subjects(SH.name, None)):
        severity = SEVERITIES.get(shapes.value(shape, SH.severity) or SH.Violation, "Violation")  # type: ignore[call-overload]
        table[shape] = Rule(
            id=_short(shape), iri=shape, severity=severity,  # type: ignore[arg-type]
            titles=_texts(shapes, shape, SH.name), messages=_texts(shapes, shape, SH.message),
            hints=_texts(shapes, shape, KGBPSH.hint),
            reason=_in(_texts(shapes, shape, RDFS.comment), "en"), area=areas.get(shape, ""))
    return table


def rules(shapes: Graph | None = None) -> list[Rule]:
    """The rules: violations first, then by area (shapes file) and name (for docs and pages)."""
    return list(_engine(shapes if shapes is not None else shapes_graph()).ordered)


class _Engine:
    """One parsed shapes graph: its compiled form, the rule table, a lock."""

    def __init__(self, shapes: Graph, areas: dict[Node, str]) -> None:
        from pyshacl_turbo import CompiledShapes

        self.shapes = shapes
        self.rules = _rule_table(shapes, areas)
        self.ordered = sorted(self.rules.values(), key=lambda r: (SEVERITY_ORDER[r.severity], r.area, r.id))
        lean = Graph()
        for triple in shapes:
            if triple[1] not in _ANNOTATIONS:
                lean.add(triple)
        self._compiled = CompiledShapes(lean)  # compiled once; its report names our shape nodes
        # the engine is not documented as thread-safe; the web server validates in threads
        self._lock = threading.Lock()
        self._predicates: frozenset[URIRef] | None = None

    def run(self, data: Graph) -> Graph:
        """The shapes over `data` (not changed); returns the sh:ValidationReport graph.
        An ill-typed number ("NaN"^^xsd:decimal, which a stored draft may hold) fails
        sh:datatype like any other wrong value; the Rust engine does not raise on it."""
        with self._lock:
            _, results, _ = self._compiled.validate(data, allow_warnings=True)
        return results  # type: ignore[no-any-return]

    @property
    def predicates(self) -> frozenset[URIRef] | None:
        """Every predicate the shapes can look at (in paths, rdf:type for targets and
        sh:class) and the report reads (labels, department, status): fetching only these
        from the store gives the same findings. None when the shapes need every triple."""
        if self._predicates is None and not any(self.shapes.triples((None, SH.closed, None))):
            found = {RDF.type, RDFS.label, SKOS.prefLabel, DCTERMS.title, SB.inBlueprint,
                     SB.responsibleDepartment, SB.versionStatus, SB.refinesStep}
            stack = list(self.shapes.objects(None, SH.path))
            while stack:
                node = stack.pop()
                if isinstance(node, URIRef):
                    found.add(node)
                elif node is not None:
                    for p, o in self.shapes.predicate_objects(node):  # type: ignore[arg-type]
                        if p in (RDF.first, RDF.rest, SH.inversePath, SH.alternativePath,
                                 SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath) and o != RDF.nil:
                            stack.append(o)
            self._predicates = frozenset(found)
        return self._predicates

    def rule_of(self, shape: Any) -> Rule | None:
        """The rule a result's source shape belongs to (a named shape, or the one holding it)."""
        seen = set()
        while shape is not None and shape not in seen:
            if shape in self.rules:
                return self.rules[shape]
            seen.add(shape)
            parent = self.shapes.value(None, SH.property, shape)
            if parent is None:
                parent = self.shapes.value(None, SH.node, shape)
            shape = parent
        return None


_ENGINES: dict[int, tuple[Graph, _Engine]] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(shapes: Graph) -> _Engine:
    with _ENGINES_LOCK:
        found = _ENGINES.get(id(shapes))
        if found is None or found[0] is not shapes:
            found = (shapes, _Engine(shapes, _areas() if shapes is shapes_graph() else {}))
            _ENGINES[id(shapes)] = found
        return found[1]


@cache
def _areas() -> dict[Node, str]:
    """Which shapes file (rule area) each shape comes from."""
    out: dict[Node, str] = {}
    for path in sorted(data_dir("shapes").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for shape in graph.subjects(SH.name, None):
            out[shape] = path.stem
    return out


# -- what of the repository the rules need ------------------------------------------------

@cache
def _ontology_facts() -> tuple[dict[Node, frozenset[Node]], dict[Node, tuple[Node, ...]]]:
    """Superclasses of each ontology class (transitive), and the classes of each concept."""
    onto = ontology_graph()
    direct: dict[Node, set[Node]] = {}
    for sub, sup in onto.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(sub, set()).add(sup)
    supers: dict[Node, frozenset[Node]] = {}
    for cls in direct:
        seen: set[Node] = set()
        stack = list(direct[cls])
        while stack:
            c = stack.pop()
            if c not in seen:
                seen.add(c)
                stack.extend(direct.get(c, ()))
        supers[cls] = frozenset(seen)
    concepts: dict[Node, tuple[Node, ...]] = {}
    for concept in set(onto.subjects(SKOS.inScheme, None)):
        concepts[concept] = tuple(onto.objects(concept, RDF.type))
    return supers, concepts


def _entail(graph: Graph, into: Graph) -> None:
    """Add to `into` the superclasses of the classes asserted in `graph` and the classes of
    the concepts it names: what sh:targetClass and sh:class need, without the hierarchy."""
    supers, concepts = _ontology_facts()
    for node, cls in graph.subject_objects(RDF.type):
        for sup in supers.get(cls, ()):
            if (node, RDF.type, sup) not in graph:
                into.add((node, RDF.type, sup))  # type: ignore[arg-type]
    kinds = _channel_kinds()
    for concept, classes in concepts.items():  # ~80 index lookups: cheaper than scanning every object
        if (None, None, concept) in graph:
            for cls in classes:
                into.add((concept, RDF.type, cls))  # type: ignore[arg-type]
            if concept in kinds:  # a channel's kind: TouchpointKindMatchesChannel compares it
                into.add((concept, SB.channelKind, kinds[concept]))  # type: ignore[arg-type]


@cache
def _channel_kinds() -> dict[Node, Node]:
    return dict(ontology_graph().subject_objects(SB.channelKind))  # type: ignore[arg-type]


def _shared_types(store: Store, entities: Iterable[URIRef]) -> Graph:
    """rdf:type and labels of departments and systems, from the repository graph."""
    graph = Graph()
    entities = sorted(set(entities))
    for start in range(0, len(entities), 500):
        for e, p, o in store.select(internal_query("entity_types_labels"), {"e": entities[start:start + 500]}).rows:
            graph.add((e, p, o))  # type: ignore[arg-type]
    return graph


def repository_context(store: Store) -> Graph:
    """Types and labels of every department and system (for validating many blueprints)."""
    graph = Graph()
    for e, p, o in store.select(internal_query("validation_context")).rows:
        graph.add((e, p, o))  # type: ignore[arg-type]
    return graph


def _named_entities(graph: Graph) -> set[URIRef]:
    return {o for p in (SB.responsibleDepartment, SB.usesSystem) for o in graph.objects(None, p)
            if isinstance(o, URIRef)}


# -- the validator --------------------------------------------------------------------------

class Validator:
    """Validates blueprints against the shapes. Cheap to create: the shapes are parsed once
    per process and shared by every Validator (one per request, in its language)."""

    def __init__(self, shapes: Graph | None = None, lang: str = "en") -> None:
        self.shapes = shapes if shapes is not None else shapes_graph()
        self.lang = lang
        self._engine = _engine(self.shapes)

    @property
    def predicates(self) -> frozenset[URIRef] | None:
        """The predicates the rules read (see _Engine.predicates)."""
        return self._engine.predicates

    def context(self, bp: AuthoredBlueprint, store: Store | None,
                pending: Sequence[AuthoredBlueprint] = ()) -> Graph:
        """What of the repository the rules need besides the blueprint itself."""
        graph = Graph()
        _entail(bp.graph, graph)
        # departments and systems: declared in the file, or already in the repository
        named = _named_entities(bp.graph)
        for entity in named:
            for triple in bp.shared.triples((entity, RDF.type, None)):
                graph.add(triple)
        missing = {e for e in named if (e, RDF.type, None) not in graph}
        if missing and store is not None:
            for triple in _shared_types(store, missing).triples((None, RDF.type, None)):
                graph.add(triple)
        # the step a slice refines: from the same batch when its blueprint is in it, else stored
        for step in bp.graph.objects(bp.iri, SB.refinesStep):
            if not isinstance(step, URIRef):
                continue
            parent = next((o for o in pending if o is not bp and str(step).startswith(f"{o.iri}/")), None)
            step_graph = Graph()
            if parent is not None:
                for p, o in parent.graph.predicate_objects(step):
                    step_graph.add((step, p, o))
            elif store is not None:
                rows = store.select(internal_query("node_facts"), {"s": step})
                for row in rows.rows:
                    step_graph.add((step, row[0], row[1]))  # type: ignore[arg-type]
            graph += step_graph
            _entail(step_graph, graph)
        return graph

    def validate(self, bp: AuthoredBlueprint, store: Store | None = None,
                 pending: Sequence[AuthoredBlueprint] = ()) -> ValidationReport:
        """Validate one blueprint (derived facts already in its graph, see derive.py)."""
        context = self.context(bp, store, pending)
        added = [t for t in context if t not in bp.graph]
        for triple in added:
            bp.graph.add(triple)
        try:
            results = self._engine.run(bp.graph)
            labels = _Labels(self.lang, bp.graph, bp.shared, store)
            found = list(self._results(results, bp.graph, labels, lambda _: bp.iri))
        finally:
            for triple in added:
                bp.graph.remove(triple)
        own = [r for r in found if (r.focus, None, None) in bp.graph]  # not the parent step's findings
        for r in own:
            r.draft = bp.draft
        return self._report(own, [bp.iri], {bp.iri} if bp.draft else set())

    def check(self, blueprints: Sequence[AuthoredBlueprint], store: Store | None = None) -> ValidationReport:
        """Validate blueprints written together (a slice may refine a step of another)."""
        report = ValidationReport(lang=self.lang)
        for bp in blueprints:
            report.extend(self.validate(bp, store, pending=blueprints))
        return report

    def validate_union(self, data: Graph, blueprints: Sequence[URIRef], drafts: Iterable[URIRef] = (),
                       store: Store | None = None, shared: Graph | None = None) -> ValidationReport:
        """Validate several stored blueprints in one run over `data`, the union of their graphs
        (derived facts included) plus `shared` department and system types; `data` is changed:
        entailed types are added to it."""
        wanted = set(blueprints)
        extra = Graph()
        _entail(data, extra)
        for triple in extra:
            data.add(triple)
        if shared is not None:
            for triple in shared.triples((None, RDF.type, None)):
                data.add(triple)

        def owner(focus: Node) -> URIRef | None:
            if focus in wanted:
                return focus  # type: ignore[return-value]
            bp = data.value(focus, SB.inBlueprint)  # type: ignore[arg-type]
            return bp if bp in wanted else None  # type: ignore[return-value]

        results = self._engine.run(data)
        labels = _Labels(self.lang, data, shared if shared is not None else Graph(), store)
        draft_set = set(drafts) & wanted
        found = list(self._results(results, data, labels, owner))
        for r in found:
            r.draft = r.blueprint in draft_set
        return self._report(found, list(blueprints), draft_set)

    def _report(self, found: list[ValidationResult], checked: list[URIRef], drafts: set[URIRef]) -> ValidationReport:
        # a warning that a violation on the same node and property already says is noise
        violated = {(r.focus, r.path) for r in found if r.severity == "Violation"}
        kept, seen = [], set()
        for r in found:
            key = (r.blueprint, r.focus, r.rule, r.path, r.value)
            if key in seen or (r.severity != "Violation" and (r.focus, r.path) in violated):
                continue
            seen.add(key)
            kept.append(r)
        report = ValidationReport(kept, checked, drafts, self.lang)
        report.sort()
        return report

    def _results(self, results: Graph, data: Graph, labels: _Labels,
                 owner: Any) -> Iterable[ValidationResult]:
        for node in results.subjects(RDF.type, SH.ValidationResult):
            focus = results.value(node, SH.focusNode)
            blueprint = owner(focus)
            if blueprint is None or not isinstance(focus, URIRef):
                continue
            source = results.value(node, SH.sourceShape)
            rule = self._engine.rule_of(source)
            severity = SEVERITIES.get(results.value(node, SH.resultSeverity) or SH.Violation, "Violation")  # type: ignore[call-overload]
            own_messages = _texts(self.shapes, source, SH.message) if source is not None else {}
            message = (_in(own_messages, self.lang) or (rule.message(self.lang) if rule else "")
                       or pick([m for m in results.objects(node, SH.resultMessage) if isinstance(m, Literal)], self.lang))
            value = results.value(node, SH.value)
            department = data.value(focus, SB.responsibleDepartment)
            yield ValidationResult(
                blueprint=blueprint,
                focus=focus,
                focus_label=labels.of(focus),
                rule=rule.id if rule else _short(source),
                rule_title=rule.title(self.lang) if rule else _short(source),
                severity=severity,
                message=message,
                hint=rule.hint(self.lang) if rule else "",
                path=_path_text(results, results.value(node, SH.resultPath)),
                value="" if value is None else str(value),
                value_label=labels.of(value) if isinstance(value, URIRef) else "",
                department=str(department) if isinstance(department, URIRef) else "",
                department_label=labels.of(department) if isinstance(department, URIRef) else "",
            )


class _Labels:
    """Labels for a report, in one language: from the data, the shared entities, the
    ontology (lanes, concepts), and the store for repository entities."""

    def __init__(self, lang: str, data: Graph, shared: Graph, store: Store | None) -> None:
        self.lang, self.graphs, self.store = lang, (data, shared, ontology_graph()), store
        self.cache: dict[Node, str] = {}

    def of(self, node: Any) -> str:
        if node in self.cache:
            return self.cache[node]
        found: list[Literal] = []
        for graph in self.graphs:
            for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
                found.extend(o for o in graph.objects(node, prop) if isinstance(o, Literal))
            if found:
                break
        if not found and self.store is not None and isinstance(node, URIRef):
            found = [o for o in _shared_types(self.store, [node]).objects(node, RDFS.label) if isinstance(o, Literal)]
        self.cache[node] = text = pick(found, self.lang, _short(node))
        return text


def _path_text(graph: Graph, path: Any) -> str:
    """A result path as text: the IRI, or SPARQL property-path syntax with full IRIs."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return str(path)
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _wrap(_path_text(graph, inverse))
        alternative = graph.value(path, SH.alternativePath)
        if alternative is not None:
            return "(" + "|".join(_wrap(_path_text(graph, p)) for p in Collection(graph, alternative)) + ")"
        if graph.value(path, RDF.first) is not None:
            return "/".join(_wrap(_path_text(graph, p)) for p in Collection(graph, path))
    return str(path)


def _wrap(text: str) -> str:
    return f"<{text}>" if text.startswith(("http://", "https://")) else text


def report_graph(report: ValidationReport) -> Graph:
    """The report as a standard sh:ValidationReport (for tools that speak SHACL)."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("kgbpsh", KGBPSH)
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
        graph.add((node, SH.resultMessage, Literal(r.message, lang=report.lang)))
        if r.path and "<" not in r.path and "^" not in r.path:
            graph.add((node, SH.resultPath, URIRef(r.path)))
        if r.value:
            graph.add((node, SH.value, URIRef(r.value) if r.value.startswith(("http://", "https://")) else Literal(r.value)))
    return graph
