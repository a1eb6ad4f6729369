"""The YAML authoring format (docs/authoring.md, blueprint.schema.json) -> RDF.

Reading happens in three passes, each reporting every problem it finds with its place:
structure (JSON Schema), references (local ids, shared departments and systems,
concepts), then the supports arrows (no cycles).
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..errors import BadInput, Problem
from ..i18n import Pair, guess_lang, joined, say
from ..model import iris
from ..model.authored import AuthoredBlueprint
from ..model.namespaces import SB, SCHEMA
from ..model.notes import Note
from ..model.shared_index import PARENT, SharedIndex
from ..model.vocabulary import Scheme, vocabulary
from . import located_yaml
from .located_yaml import LocatedDict, LocatedList, Place
from .schema_terms import lane_keys

LANE_KEYS = ("customer", "frontstage", "backstage", "support")
SCHEMA_FILE = "blueprint.schema.json"


@cache
def _schema() -> dict[str, Any]:
    from importlib.resources import files

    return json.loads(files("kgbp.ingest").joinpath(SCHEMA_FILE).read_text("utf-8"))  # type: ignore[no-any-return]


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema())


@cache
def _quick_check() -> Any:
    """The schema compiled to Python by fastjsonschema: ~20x faster than jsonschema on a
    good file (1 ms, not 17). It says only yes or no; jsonschema explains a no. The schema
    keeps to draft-07 keywords, which fastjsonschema reads the same way."""
    schema = {**_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(schema, use_default=False)


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM) or a clear error at the first bad byte."""
    if not data.strip():
        raise BadInput(say("file_empty"), where=source, hint=say("file_empty_hint"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BadInput(say("not_utf8", byte=f"0x{data[exc.start]:02x}"),
                       where=f"{source}:{line}:{col}",
                       hint=say("not_utf8_hint")) from None


@dataclass
class _Reader:
    doc: LocatedDict
    source: str
    index: SharedIndex
    problems: list[Problem] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    shared: Graph = field(default_factory=Graph)
    local: dict[str, tuple[str, URIRef, Place]] = field(default_factory=dict)  # id -> (kind, iri, at)
    links: list[Note] = field(default_factory=list)

    def where(self, at: Place) -> str:
        return located_yaml.where(self.source, at)

    def problem(self, at: Place, message: str, hint: str = "") -> None:
        self.problems.append(Problem(message, self.where(at), hint))

    # -- values ----------------------------------------------------------------
    @staticmethod
    def texts(value: Any) -> list[Literal]:
        if value is None:
            return []
        if isinstance(value, str):
            return [Literal(value.strip(), lang=guess_lang(value))]
        return [Literal(str(text).strip(), lang=str(lang).lower()) for lang, text in value.items()]

    @staticmethod
    def refs(value: Any) -> list[tuple[str, int | None]]:
        if value is None:
            return []
        if isinstance(value, list):
            return [(str(v), i) for i, v in enumerate(value)]
        return [(str(value), None)]

    def ref_at(self, obj: LocatedDict, key: str, index: int | None) -> Place:
        at = obj.key_at.get(key, obj.at)
        value = obj.get(key)
        if index is not None and isinstance(value, LocatedList):
            at = value.item_at[index]
        return at

    def link_concept(self, g: Graph, node: URIRef, predicate: URIRef, entry: LocatedDict, key: str,
                     scheme_name: str, what: str) -> None:
        """`node predicate concept` for the scheme concept named by `entry[key]`, if given and known."""
        if entry.get(key) is not None:
            found = self.concept(scheme_name, str(entry[key]), self.ref_at(entry, key, None), what)
            if found is not None:
                g.add((node, predicate, found))

    def concept(self, scheme_name: str, text: str, at: Place, what: str) -> URIRef | None:
        scheme: Scheme = vocabulary().scheme(scheme_name)
        found = scheme.lookup(text)
        if found is None:
            self.problem(at, say("unknown_value", what=say("kind_" + what.replace(" ", "_")), value=repr(text)),
                         say("use_one_of", values=", ".join(scheme.names())))
        return found

    # -- shared entities -------------------------------------------------------
    def declare_shared(self, kind: str, entries: Iterable[LocatedDict]) -> None:
        """Match each declaration to the registry: its id, else one entity one of its names
        names (linked, with a note), else a new entity. A name of another entity is a
        conflict that stops the read (never a silent merge)."""
        cls = {"department": SB.Department, "system": SB.System}[kind]
        pending_parts = []
        here: dict[URIRef, str] = {}  # entities declared in this file -> the id they were declared with
        for entry in entries:
            ident = str(entry["id"])
            labels = self.texts(entry.get("label"))
            aliases = [str(a).strip() for a in self.refs_list(entry.get("aliases"))]
            iri = self.match_shared(kind, entry, ident, labels, aliases, here)
            if iri is None:
                continue
            here[iri] = ident
            new = self.index.by_id(kind, ident) is None and not self.index.ident.get(iri)
            self.shared.add((iri, RDF.type, cls))
            if new:
                self.shared.add((iri, DCTERMS.identifier, Literal(ident)))
            added_aliases: list[str] = []
            if not new and self.index.by_id(kind, ident) != iri:  # linked by a name: its id stays findable
                added_aliases.append(ident)
            for lab in labels:
                if iri in self.index.find(kind, str(lab)) and not new:
                    continue  # already one of its names
                if new or not self.index.is_labelled(iri, lab.language or ""):
                    self.shared.add((iri, RDFS.label, lab))
                else:
                    added_aliases.append(str(lab))
                    target = self.index.names(iri)
                    self.links.append(Note("alias-added", self.where(entry.at), {
                        "text": str(lab), "target": target, "kind": kind, "kind_id": kind, "id": self.index.ident.get(iri, ident),
                        "lang": lab.language or "", "label": self.label_of(iri, lab.language or "")}))
            for alias in aliases:
                if iri not in self.index.find(kind, alias):
                    added_aliases.append(alias)
            for alias in added_aliases:
                self.shared.add((iri, SKOS.altLabel, Literal(alias, lang=guess_lang(alias))))
            if new and entry.get("status") == "retired":  # a known entity's status is the registry's
                self.shared.add((iri, OWL.deprecated, Literal(True)))
            self.index.add(kind, iri, ident if new else None,
                           [(str(lab), lab.language or "") for lab in labels if new or not self.index.is_labelled(iri, lab.language or "")],
                           added_aliases)
            if entry.get("part_of") is not None:
                pending_parts.append((iri, entry))
        for iri, entry in pending_parts:
            at = self.ref_at(entry, "part_of", None)
            parent = self.shared_ref(kind, str(entry["part_of"]), at)
            if parent is None:
                continue
            chain = [iri, parent, *self.index.ancestors(parent)]
            if iri in chain[1:]:
                path = chain[: chain.index(iri, 1) + 1]
                self.problem(at, say("part_of_cycle", path=" -> ".join(self.index.names(n) for n in path)),
                             say("part_of_cycle_hint", kind=say(f"kind_{kind}")))
                continue
            stored = self.index.parents.get(iri)
            if stored is not None and stored != parent:
                self.problem(at, say("part_of_stored", name=self.index.names(iri), stored=self.index.names(stored),
                                     parent=self.index.names(parent)), say("part_of_stored_hint"))
                continue
            self.shared.add((iri, PARENT[kind], parent))
            self.index.parents[iri] = parent

    @staticmethod
    def refs_list(value: Any) -> list[str]:
        return [] if value is None else [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def label_of(self, iri: URIRef, lang: str) -> str:
        return self.index.label_text.get((iri, lang)) or self.index.shown.get(iri, "")

    def match_shared(self, kind: str, entry: LocatedDict, ident: str, labels: list[Literal], aliases: list[str],
                     here: dict[URIRef, str]) -> URIRef | None:
        """The entity a declaration names, or None after reporting a conflict."""
        names = [str(lab) for lab in labels] + aliases
        own = self.index.by_id(kind, ident)
        if own is not None:
            if own in here:
                self.problem(entry.at, say("duplicate_kind_id", kind=say(f"kind_{kind}"), id=repr(ident)), say("declare_once"))
                return None
            clash = {e: text for text in names for e in self.index.find(kind, text) if e != own}
            if clash:
                other, text = next(iter(clash.items()))
                self.problem(entry.at, say("shared_name_clash", kind=say(f"kind_{kind}"), id=ident, text=text,
                                           other=self.index.names(other)),
                             say("shared_name_clash_hint", other_id=str(self.index.ident.get(other, other)),
                                 kind=say(f"kind_{kind}"), id=ident, kind_id=kind))
                return None
            return own
        hits: dict[URIRef, str] = {}
        for text in [ident, *(str(lab) for lab in labels)]:
            for e in self.index.find(kind, text):
                hits.setdefault(e, text)
        for alias in aliases:  # an alias adds a name; it never picks the entity
            taken = self.index.find(kind, alias) - set(hits)
            if taken:
                other = next(iter(taken))
                self.problem(entry.at, say("shared_alias_clash", alias=alias, kind=say(f"kind_{kind}"), id=ident,
                                           other=self.index.names(other)),
                             say("shared_alias_clash_hint", kind=say(f"kind_{kind}"), id=ident,
                                 other_id=str(self.index.ident.get(other, other))))
                return None
        if len(hits) > 1:
            found = [say("shared_name_names", text=text, target=self.index.names(e)) for e, text in hits.items()]
            self.problem(entry.at, say("shared_names_many", kind=say(f"kind_{kind}"), id=ident, n=len(hits),
                                       kinds=say(f"kinds_{kind}"), found=joined(found, "; ")),
                         say("shared_names_many_hint", kind=say(f"kind_{kind}")))
            return None
        if not hits:
            return {"department": iris.department_iri, "system": iris.system_iri}[kind](ident)
        iri, text = next(iter(hits.items()))
        if iri in here:
            self.problem(entry.at, say("shared_name_here", kind=say(f"kind_{kind}"), id=ident, text=text, other=here[iri]),
                         say("shared_name_here_hint", kind=say(f"kind_{kind}")))
            return None
        self.links.append(Note("linked", self.where(entry.at), {
            "text": text, "target": self.index.ident.get(iri, str(iri)), "kind": kind, "declared": ident}))
        return iri

    def shared_ref(self, kind: str, text: str, at: Place) -> URIRef | None:
        found = self.index.find(kind, text)
        if len(found) == 1:
            return next(iter(found))
        section = {"department": "departments", "system": "systems"}[kind]
        if not found:
            known = sorted(k for k in self.index.keys[kind])
            close = difflib.get_close_matches(text.casefold(), known, n=3)
            hint = say("unknown_shared_hint", section=section, sheet=section.title())
            if close:
                hint = joined([hint, say("did_you_mean", names=", ".join(repr(c) for c in close))], "")
            self.problem(at, say("unknown_shared", kind=say(f"kind_{kind}"), text=text), hint)
        else:
            self.problem(at, say("ambiguous_shared", kind=say(f"kind_{kind}"), text=text, found=", ".join(sorted(found))),
                         say("ambiguous_shared_hint"))
        return None

    # -- local ids -------------------------------------------------------------
    def declare_local(self, kind: str, entry: LocatedDict, service: str, version: str) -> URIRef:
        ident = str(entry["id"])
        iri = iris.local_iri(service, version, kind, ident)
        if ident in self.local:
            first_kind, _, first_at = self.local[ident]
            self.problem(entry.at, say("duplicate_local_id", id=ident, kind=say(f"kind_{first_kind}"),
                                       at=located_yaml.short(first_at)), say("duplicate_local_id_hint"))
        else:
            self.local[ident] = (kind, iri, entry.at)
        return iri

    def local_ref(self, text: str, at: Place, kinds: tuple[str, ...]) -> URIRef | None:
        entry = self.local.get(text)
        if entry is not None and entry[0] in kinds:
            return entry[1]
        candidates = [k for k, v in self.local.items() if v[0] in kinds]
        close = difflib.get_close_matches(text, candidates, n=3)
        what = joined([say(f"kind_{k}") for k in kinds], say("or"))
        hint = say("unknown_local_hint", what=what)
        if close:
            hint = joined([hint, say("did_you_mean_local", names=", ".join(repr(c) for c in close))], "")
        self.problem(at, say("unknown_local", what=what, text=text), hint)
        return None


def _non_finite(doc: Any, source: str) -> list[Problem]:
    """YAML's .nan and .inf are floats JSON Schema's "number" accepts; no blueprint value is one."""
    found: list[Problem] = []
    stack: list[tuple[Any, list[Any]]] = [(doc, [])]
    while stack:  # iterative: a deep document is not a reason for a RecursionError
        node, path = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            dotted = ".".join(str(p) for p in path)
            found.append(Problem(say("not_finite", path=dotted, value=node),
                                 located_yaml.where(source, located_yaml.position(doc, path)), say("not_finite_hint")))
        elif isinstance(node, dict):
            stack.extend((v, [*path, k]) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(node))
    return sorted(found, key=lambda p: p.where)


def _schema_problems(doc: Any, source: str) -> list[Problem]:
    non_finite = _non_finite(doc, source)
    if non_finite:
        return non_finite
    try:
        _quick_check()(doc)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # find and explain every problem (a format fastjsonschema checks may yet pass)
    problems = []
    for error in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        where = located_yaml.where(source, located_yaml.position(doc, path))
        dotted = ".".join(str(p) for p in path) or say("schema_top_level")
        hint: str = ""
        message = say("schema_at", path=dotted, message=_schema_message(error))
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {}))) \
            if error.validator == "additionalProperties" and isinstance(error.instance, dict) else []
        if extra and isinstance(error.instance, LocatedDict) and extra[0] in error.instance.key_pos:
            # point at the unexpected key itself
            where = located_yaml.where(source, error.instance.key_pos[extra[0]])
        if error.validator == "additionalProperties" and path == ["steps"]:
            message = say("unknown_lane", lanes=", ".join(map(repr, extra)))
            hint = say("unknown_lane_hint")
        elif error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            hint = say("allowed_keys", keys=", ".join(allowed))
        elif error.validator == "enum":
            hint = say("use_one_of", values=", ".join(map(str, error.validator_value)))
        elif error.validator == "pattern" and path and path[-1] in ("id",):
            hint = say("id_pattern_hint")
        elif error.validator == "required":
            hint = say("missing_key_hint")
        elif error.validator == "type":
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            hint = say("write_here", what=joined([say(f"type_{t}") for t in expected], say("or")))
        if error.schema.get("x-hint") and error.validator in ("oneOf", "anyOf", "type", "additionalProperties"):
            hint = Pair(str(error.schema["x-hint"]), str(error.schema.get("x-hint-zh", "")))
        if not hint:
            hint = _fallback_hint(error)
        problems.append(Problem(message, where, hint))
    return problems


_BOUNDS = ("minimum", "maximum", "minLength", "maxLength", "minProperties", "const", "format", "minItems")


def _shown(value: Any) -> str:
    """A value as a schema message quotes it, cut short (a whole mapping helps nobody)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _schema_message(error: Any) -> str:
    """What a JSON Schema error says, as a catalogue message (jsonschema's own wording is English only)."""
    rule, value, limit = error.validator, _shown(error.instance), error.validator_value
    if rule == "required":
        missing = next((k for k in limit if k not in error.instance), limit[0] if limit else "")
        return say("schema_required", key=missing)
    if rule == "type":
        return say("schema_type", value=value, types=", ".join(map(repr, limit if isinstance(limit, list) else [limit])))
    if rule == "enum":
        return say("schema_enum", value=value, allowed=repr(limit))
    if rule == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
        return say("schema_extra_one" if len(extra) == 1 else "schema_extra_many", keys=", ".join(map(repr, extra)))
    if rule == "pattern":
        return say("schema_pattern", value=value, pattern=repr(limit))
    if rule in ("minimum", "maximum"):
        return say(f"schema_{rule}", value=value, limit=repr(limit))
    if rule in ("minLength", "minItems"):
        return say("schema_too_short", value=value)
    if rule in ("maxLength", "maxItems"):
        return say("schema_too_long", value=value)
    if rule == "minProperties":
        return say("schema_too_few_entries", value=value)
    if rule == "const":
        return say("schema_const", limit=repr(limit))
    if rule == "format":
        return say("schema_format", value=value, format=repr(limit))
    if rule in ("oneOf", "anyOf"):
        return say("schema_no_form", value=value)
    return say("schema_other", what=error.message)


def _fallback_hint(error: Any) -> str:
    """Every schema error carries a hint: the key's own (x-hint), else what the rule asks, else its description."""
    if error.validator in _BOUNDS:
        return say("write_here", what=say(f"bound_{error.validator}", v=error.validator_value))
    if error.validator == "pattern":
        return say("pattern_hint", pattern=error.validator_value)
    if error.validator == "propertyNames":
        return say("property_names_hint")
    description = error.schema.get("description")
    if not description:
        return say("no_description_hint")
    return say("described_hint", description=Pair(str(description), str(error.schema.get("x-description-zh", ""))))


def _normalise_lanes(doc: LocatedDict, source: str) -> None:
    """Accept lane names in Chinese or by label ('前台服务', 'Frontstage') as lane keys: the
    spellings of schema_terms.lane_keys, which the JSON Schema lists too."""
    steps = doc.get("steps")
    if not isinstance(steps, LocatedDict):
        return
    keys = lane_keys()
    renamed = LocatedDict()
    renamed.at = steps.at
    for key, value in steps.items():
        new_key = keys.get(str(key), key)
        if new_key in renamed:
            raise BadInput(say("lane_twice", lane=new_key, key=key), where=located_yaml.where(source, steps.key_pos[key]),
                           hint=say("lane_twice_hint"))
        renamed[new_key] = value
        renamed.key_at[new_key] = steps.key_at[key]
        renamed.key_pos[new_key] = steps.key_pos[key]
    doc["steps"] = renamed


def read_yaml(data: bytes, source: str, index: SharedIndex | None = None) -> AuthoredBlueprint:
    text = decode(data, source)
    doc = located_yaml.load(text, source)
    if not isinstance(doc, LocatedDict):
        raise BadInput(say("yaml_not_mapping"), where=f"{source}:1:1", hint=say("yaml_not_mapping_hint"))
    return read_document(doc, source, index)


def read_document(doc: LocatedDict, source: str, index: SharedIndex | None = None) -> AuthoredBlueprint:
    """A located document (from YAML or a spreadsheet) -> blueprint: schema, references, cycles."""
    _normalise_lanes(doc, source)
    problems = _schema_problems(doc, source)
    if problems:
        raise BadInput(say("structure_problems", n=len(problems), source=source), where=problems[0].where,
                       hint=problems[0].hint, problems=problems)
    reader = _Reader(doc, source, index.overlay() if index else SharedIndex())
    result = _build(reader)
    if reader.problems:
        raise BadInput(say("file_problems", n=len(reader.problems), source=source), where=reader.problems[0].where,
                       hint=reader.problems[0].hint, problems=reader.problems)
    return result


@dataclass
class _Scope:
    """One blueprint being built: its graph, IRI, and the IRIs minted for its local entries."""

    r: _Reader
    service: str
    version: str
    bp: URIRef
    local_iri: dict[int, URIRef] = field(default_factory=dict)

    def entry(self, entry: LocatedDict, cls: URIRef) -> URIRef:
        """The triples every local entry has (type, blueprint, id, labels, descriptions)."""
        g, node = self.r.graph, self.local_iri[id(entry)]
        g.add((node, RDF.type, cls))
        g.add((node, SB.inBlueprint, self.bp))
        g.add((node, DCTERMS.identifier, Literal(str(entry["id"]))))
        for lab in self.r.texts(entry.get("label")):
            g.add((node, RDFS.label, lab))
        for lab in self.r.texts(entry.get("description")):
            g.add((node, DCTERMS.description, lab))
        return node


def _build(r: _Reader) -> AuthoredBlueprint:
    doc = r.doc
    scope, status = _blueprint(r)
    # shared departments and systems declared in this file
    r.declare_shared("department", doc.get("departments", []))
    r.declare_shared("system", doc.get("systems", []))
    # local ids first, so references may point forward
    lane_steps = [(lane, entry) for lane in LANE_KEYS for entry in doc["steps"].get(lane, [])]
    for kind, key in (("touchpoint", "touchpoints"), ("standard", "standards"), ("evidence", "evidence")):
        for entry in doc.get(key, []):
            scope.local_iri[id(entry)] = r.declare_local(kind, entry, scope.service, scope.version)
    for _, entry in lane_steps:
        scope.local_iri[id(entry)] = r.declare_local("step", entry, scope.service, scope.version)

    for entry in doc.get("touchpoints", []):
        _touchpoint(scope, entry)
    for entry in doc.get("standards", []):
        _standard(scope, entry)
    for n, entry in enumerate(doc.get("evidence", []), start=1):
        _evidence(scope, entry, n)
    arrows: list[tuple[str, str, Place]] = []
    counters = dict.fromkeys(LANE_KEYS, 0)
    for lane, entry in lane_steps:
        counters[lane] += 1
        arrows += _step(scope, lane, entry, counters[lane])
    _check_cycles(r, arrows)
    return AuthoredBlueprint(iri=scope.bp, id=f"{scope.service}/{scope.version}", graph=r.graph, shared=r.shared,
                             draft=status == SB.Draft, source=r.source, links=r.links)


def _blueprint(r: _Reader) -> tuple[_Scope, URIRef | None]:
    """The service (shared) and the blueprint's own header; returns the scope and the status."""
    doc, g = r.doc, r.graph
    service = str(doc["service"]["id"])
    version = str(doc.get("version", "as-is"))
    bp = iris.blueprint_iri(service, version)
    svc = iris.service_iri(service)
    svc_labels = r.texts(doc["service"]["label"])
    known_service = bool(r.index.find("service", service))
    r.shared.add((svc, RDF.type, SB.Service))
    r.shared.add((svc, DCTERMS.identifier, Literal(service)))
    for lab in svc_labels:
        if not known_service or not r.index.is_labelled(svc, lab.language or ""):
            r.shared.add((svc, RDFS.label, lab))
    for lab in r.texts(doc["service"].get("description")):
        r.shared.add((svc, DCTERMS.description, lab))
    g.add((bp, RDF.type, SB.Blueprint))
    g.add((bp, SB.blueprintOf, svc))
    g.add((bp, DCTERMS.identifier, Literal(version)))
    status = vocabulary().scheme("status").lookup(str(doc.get("status", "as-is")))
    if status is not None:
        g.add((bp, SB.versionStatus, status))
    g.add((bp, SB.level, Literal(int(doc.get("level", 1)))))
    for lab in r.texts(doc.get("title")) or svc_labels:
        g.add((bp, DCTERMS.title, lab))
    for lab in r.texts(doc.get("description")):
        g.add((bp, DCTERMS.description, lab))
    for key, prop in (("created", DCTERMS.created), ("modified", DCTERMS.modified)):
        if doc.get(key):
            g.add((bp, prop, Literal(str(doc[key]), datatype=XSD.date)))
    if doc.get("revision_of"):
        g.add((bp, PROV.wasRevisionOf, iris.blueprint_iri(service, str(doc["revision_of"]))))
    if doc.get("refines"):
        parent_service, _, parent_version = str(doc["refines"]["blueprint"]).partition("/")
        g.add((bp, SB.refinesStep, iris.local_iri(parent_service, parent_version, "step",
                                                  str(doc["refines"]["step"]))))
    return _Scope(r, service, version, bp), status


def _touchpoint(scope: _Scope, entry: LocatedDict) -> None:
    r, g = scope.r, scope.r.graph
    node = scope.entry(entry, SB.Touchpoint)
    r.link_concept(g, node, SB.channel, entry, "channel", "channel", "channel")
    r.link_concept(g, node, SB.channelKind, entry, "kind", "channel_kind", "channel kind")
    r.link_concept(g, node, SB.expressesP, entry, "p", "p", "marketing P")


def _standard(scope: _Scope, entry: LocatedDict) -> None:
    r, g = scope.r, scope.r.graph
    node = scope.entry(entry, SB.ServiceStandard)
    for text, i in r.refs(entry.get("applies_to")):
        target = r.local_ref(text, r.ref_at(entry, "applies_to", i), ("touchpoint", "step"))
        if target is not None:
            g.add((node, SB.appliesTo, target))
    r.link_concept(g, node, SB.metric, entry, "metric", "metric", "metric")
    if entry.get("max") is not None or entry.get("unit") is not None:
        threshold = URIRef(f"{node}/threshold")
        g.add((node, SB.threshold, threshold))
        g.add((threshold, RDF.type, SCHEMA.QuantitativeValue))
        if entry.get("max") is not None:
            g.add((threshold, SCHEMA.maxValue, Literal(Decimal(str(entry["max"])))))
        if entry.get("unit") is not None:
            g.add((threshold, SCHEMA.unitCode, Literal(str(entry["unit"]))))
    if entry.get("share") is not None:
        g.add((node, SB.targetShare, Literal(Decimal(str(entry["share"])))))
    r.link_concept(g, node, SB.customerTier, entry, "tier", "tier", "customer tier")


def _evidence(scope: _Scope, entry: LocatedDict, n: int) -> None:
    r, g = scope.r, scope.r.graph
    node = scope.entry(entry, SB.PhysicalEvidence)
    g.add((node, SB.position, Literal(int(entry.get("position", n)))))
    for text, i in r.refs(entry.get("for")):
        target = r.local_ref(text, r.ref_at(entry, "for", i), ("step",))
        if target is not None:
            g.add((node, SB.evidenceOf, target))
    r.link_concept(g, node, SB.expressesP, entry, "p", "p", "marketing P")


def _step(scope: _Scope, lane: str, entry: LocatedDict, position: int) -> list[tuple[str, str, Place]]:
    """One step's triples; returns its support arrows (for the cycle check)."""
    r, g = scope.r, scope.r.graph
    vocab = vocabulary()
    node = scope.entry(entry, SB.Step)
    lane_iri = vocab.scheme("lane").lookup(lane)
    assert lane_iri is not None
    g.add((node, SB.inLane, lane_iri))
    g.add((node, SB.position, Literal(int(entry.get("position", position)))))
    performer = entry.get("performer")
    if performer is None and lane != "customer":
        performer = "human"
    if performer is not None:
        concept = vocab.scheme("performer").lookup(str(performer))
        if concept is not None:
            g.add((node, SB.performerKind, concept))
    if entry.get("department") is not None:
        dept = r.shared_ref("department", str(entry["department"]), r.ref_at(entry, "department", None))
        if dept is not None:
            g.add((node, SB.responsibleDepartment, dept))
    for text, i in r.refs(entry.get("systems")):
        system = r.shared_ref("system", text, r.ref_at(entry, "systems", i))
        if system is not None:
            g.add((node, SB.usesSystem, system))
    if entry.get("touchpoint") is not None:
        tp = r.local_ref(str(entry["touchpoint"]), r.ref_at(entry, "touchpoint", None), ("touchpoint",))
        if tp is not None:
            g.add((node, SB.atTouchpoint, tp))
    arrows = []
    for text, i in r.refs(entry.get("supports")):
        target = r.local_ref(text, r.ref_at(entry, "supports", i), ("step",))
        if target is not None:
            g.add((node, SB.supports, target))
            arrows.append((str(entry["id"]), text, r.ref_at(entry, "supports", i)))
    _markers(scope, node, entry)
    return arrows


def _markers(scope: _Scope, node: URIRef, entry: LocatedDict) -> None:
    """The fail (F) and wait (W) markers of a step, with a fail's mode and a wait's standard."""
    r, g = scope.r, scope.r.graph
    fail = entry.get("fail")
    if fail:
        g.add((node, SB.hasMarker, SB.FailMarker))
        if isinstance(fail, dict):
            for lab in r.texts(fail.get("mode")):
                g.add((node, SB.failureMode, lab))
            for lab in r.texts(fail.get("consequence")):
                g.add((node, SB.customerConsequence, lab))
    wait = entry.get("wait")
    if wait:
        g.add((node, SB.hasMarker, SB.WaitMarker))
        if isinstance(wait, LocatedDict) and wait.get("standard") is not None:
            std = r.local_ref(str(wait["standard"]), r.ref_at(wait, "standard", None), ("standard",))
            if std is not None:
                g.add((node, SB.boundedBy, std))


def _check_cycles(r: _Reader, arrows: list[tuple[str, str, Place]]) -> None:
    """A cycle of supports has no lowest step: report each cycle once, with its path."""
    out: dict[str, list[tuple[str, Place]]] = {}
    for src, dst, at in arrows:
        out.setdefault(src, []).append((dst, at))
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt, at in out.get(node, []):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], node, nxt] if nxt in path else [node, nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    r.problem(at, say("supports_cycle", cycle=" -> ".join(cycle)), say("supports_cycle_hint"))
            elif state.get(nxt) is None:
                visit(nxt, [*path, node])
        state[node] = 2

    for start in sorted(out):
        if state.get(start) is None:
            visit(start, [])
