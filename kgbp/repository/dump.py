"""Dump the whole repository to one RDF file, and restore it from one.

A dump (TriG or N-Quads) holds every named graph but the ontology's: a graph per
blueprint, the repository graph and the history graph. Restoring replaces the whole
repository with it in ONE store transaction: graphs not in the dump are dropped, the
ontology graph is reloaded from the running software. The blueprint graphs it brings
are validated first (drafts excepted); one violation rejects the whole restore and
nothing changes. A restore is not itself recorded in the history: the dump's history
comes back as it was, so dump -> restore gives the same dataset graph by graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from ..errors import BadInput, NotConformant
from ..export.rdf import FORMATS, export_repository
from ..i18n import say
from ..model import iris
from ..model.authored import AuthoredBlueprint
from ..model.namespaces import ONTOLOGY_GRAPH, REPOSITORY_GRAPH, SB
from ..model.vocabulary import ontology_graph
from ..store import Store
from ..validation.engine import ValidationReport, Validator

DUMP_FORMATS = {"trig": ".trig", "nq": ".nq"}
SUFFIX_FORMATS = {".trig": "trig", ".nq": "nq", ".nquads": "nq"}


@dataclass
class Restored:
    graphs: int
    blueprints: int
    triples: int
    dropped: list[URIRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)


def dump(store: Store, fmt: str = "trig") -> bytes:
    if fmt not in DUMP_FORMATS:
        raise BadInput(say("dump_format", fmt=fmt), where="--format", hint=say("dump_format_hint"))
    return export_repository(store, fmt)


def format_for(path: Path | str, fmt: str | None = None) -> str:
    """The dump format: given, or from the file's suffix (default TriG)."""
    if fmt is not None:
        if fmt not in DUMP_FORMATS:
            raise BadInput(say("dump_format", fmt=fmt), where="--format", hint=say("dump_format_hint"))
        return fmt
    return SUFFIX_FORMATS.get(Path(path).suffix.lower(), "trig")


def parse_dump(data: bytes, source: str, fmt: str) -> dict[URIRef, Graph]:
    """The named graphs of a dump; triples outside any named graph are refused."""
    ds = Dataset()
    try:
        ds.parse(data=data.decode("utf-8-sig"), format=FORMATS[fmt][0])
    except UnicodeDecodeError:
        raise BadInput(say("dump_not_utf8"), where=source, hint=say("dump_not_utf8_hint")) from None
    except Exception as exc:  # rdflib raises many types for syntax errors
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BadInput(say("dump_syntax", fmt=fmt, what=first[:300]), where=source, hint=say("dump_restore_hint")) from None
    graphs: dict[URIRef, Graph] = {}
    for graph in ds.graphs():
        name = graph.identifier
        if not len(graph):
            continue
        if not isinstance(name, URIRef) or name == ds.default_graph.identifier:
            raise BadInput(say("dump_loose", n=len(graph)), where=source, hint=say("dump_loose_hint"))
        graphs[name] = Graph() + graph
    if not graphs:
        raise BadInput(say("dump_empty"), where=source, hint=say("dump_restore_hint"))
    return graphs


def _shared_for(graph: Graph, repository: Graph) -> Graph:
    """What the repository graph says about the entities a blueprint names (as the validator's store look-up)."""
    named = {o for o in graph.objects() if isinstance(o, URIRef) and not o.startswith(str(SB))}
    shared = Graph()
    for node in named:
        for p, o in repository.predicate_objects(node):
            shared.add((node, p, o))
    return shared


def restore(store: Store, data: bytes, source: str, fmt: str = "trig",
            validator: Validator | None = None) -> Restored:
    """Replace the whole repository with a dump, in one transaction (see the module's docstring)."""
    graphs = parse_dump(data, source, fmt)
    notes = []
    if graphs.pop(ONTOLOGY_GRAPH, None) is not None:
        notes.append("the dump's ontology graph was left out: the running software's ontology is loaded")
    repository = graphs.get(REPOSITORY_GRAPH, Graph())
    blueprints = [AuthoredBlueprint(iri=name, id=iris.blueprint_id(str(name)) or str(name), graph=graph,
                                    shared=_shared_for(graph, repository),
                                    draft=(name, SB.versionStatus, SB.Draft) in graph, source=source)
                  for name, graph in graphs.items() if (name, RDF.type, SB.Blueprint) in graph]
    report = ValidationReport()
    if validator is not None:
        for bp in blueprints:
            if not bp.draft:
                report.extend(validator.validate(bp, None, pending=blueprints))
        if report.violations():
            raise NotConformant(say("dump_violations", n=len(report.violations())), where=str(report.violations()[0].focus),
                                hint=say("dump_violations_hint"), report=report)
    dropped = sorted(name for name in store.graph_names() if name not in graphs and name != ONTOLOGY_GRAPH)
    replace: dict[URIRef, Graph | None] = dict.fromkeys(dropped)
    replace.update(graphs)
    replace[ONTOLOGY_GRAPH] = ontology_graph()
    store.replace_graphs(replace)
    return Restored(graphs=len(graphs), blueprints=len(blueprints), triples=sum(len(g) for g in graphs.values()),
                    dropped=dropped, notes=notes, report=report)
