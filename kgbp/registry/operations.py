"""Explicit changes to the registry: merge two entities, rename one (id or label), add or
drop an alias. Each is checked first (nothing stored on bad input), rewrites every
blueprint that names the entity, is validated, and is recorded in the history, all in one
store transaction. The repository graph changes only through these and `repository.save`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ..errors import BadInput, NotConformant
from ..i18n import LANGS, Text, guess_lang, joined, normalise_lang, say
from ..model import iris
from ..model.authored import AuthoredBlueprint
from ..model.namespaces import HISTORY_GRAPH, ONTOLOGY_GRAPH, REPOSITORY_GRAPH
from ..model.shared_index import PARENT, SharedIndex
from ..repository import history
from ..repository.concurrency import write_lock
from ..resources import internal_query
from ..store import Store
from ..validation.engine import ValidationReport, Validator
from .names import resolve

EDITABLE = ("department", "system")
_MINT = {"department": iris.department_iri, "system": iris.system_iri}


@dataclass
class RegistryChange:
    action: str  # merge, rename, alias
    kind: str
    entity: str  # the id it has now
    message: dict[str, str]  # what was done, en and zh
    blueprints: list[str] = field(default_factory=list)  # ids of the blueprints rewritten
    activity: URIRef | None = None

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        return {"action": self.action, "kind": self.kind, "entity": self.entity,
                "message": self.message[normalise_lang(lang)], "blueprints": self.blueprints,
                "activity": str(self.activity) if self.activity else None}


def _editable(kind: str) -> None:
    if kind not in EDITABLE:
        raise BadInput(say("reg_not_editable", kind=kind), where=kind, hint=say("reg_not_editable_hint"))


def _conflict(index: SharedIndex, kind: str, text: str, entity: URIRef, what: Text) -> None:
    """BadInput when `text` already names another entity of `kind`."""
    others = index.find(kind, text) - {entity}
    if others:
        other = sorted(others)[0]
        raise BadInput(say("reg_name_taken", what=what, text=text, other=index.names(other), entity=index.names(entity)),
                       where=text, hint=say("reg_name_taken_hint", kind=kind, entity_id=str(index.ident.get(entity, entity)),
                                            other_id=str(index.ident.get(other, other))))


def merge(store: Store, kind: str, source: str, target: str, agent: str = "kgbp",
          validator: Validator | None = None) -> RegistryChange:
    """`source` joins `target`: every blueprint names `target`, `source`'s id and labels become its aliases."""
    _editable(kind)
    src, dst = resolve(store, kind, source), resolve(store, kind, target)
    index = SharedIndex._read(store)
    if src == dst:
        raise BadInput(say("reg_merge_self", name=index.names(src), source=source, target=target, kind=say(f"kind_{kind}")),
                       where=source, hint=say("reg_merge_self_hint", kinds=say(f"kinds_{kind}"), kind_id=kind))
    repo = store.graph(REPOSITORY_GRAPH)
    names = [str(o) for p in (DCTERMS.identifier, RDFS.label, SKOS.altLabel) for o in repo.objects(src, p)]
    new_repo = _moved(repo, src, dst, keep_subject=False)
    for name in names:
        if dst not in index.find(kind, name):
            new_repo.add((dst, SKOS.altLabel, Literal(name, lang=guess_lang(name))))
    new_repo.remove((dst, PARENT[kind], dst))  # dst was a part of src
    _check_parents(new_repo, kind, index)
    message = _in_both(say("reg_merged", kind=say(f"kind_{kind}"), source=index.names(src), target=index.names(dst)))
    return _write(store, kind, "merge", src, dst, new_repo, message, index.ident.get(dst, str(dst)), agent, validator)


def rename(store: Store, kind: str, entity: str, new_id: str | None = None,
           labels: Mapping[str, str] | None = None, agent: str = "kgbp",
           validator: Validator | None = None) -> RegistryChange:
    """A new id (a new IRI, which every blueprint follows; the old id stays an alias) and/or
    new labels (the old label in that language stays an alias)."""
    _editable(kind)
    old = resolve(store, kind, entity)
    index = SharedIndex._read(store)
    if not new_id and not labels:
        raise BadInput(say("reg_rename_nothing"), where=entity, hint=say("reg_rename_nothing_hint"))
    repo = store.graph(REPOSITORY_GRAPH)
    new_repo = Graph()
    for triple in repo:
        new_repo.add(triple)
    new = old
    old_id = index.ident.get(old, str(old))
    if new_id:
        new_id = new_id.strip()
        if not iris.is_valid_id(new_id):
            raise BadInput(say("reg_bad_id", id=new_id), where=new_id, hint=say("id_pattern_hint"))
        taken = index.by_id(kind, new_id)
        if (taken is not None and taken != old) or (_MINT[kind](new_id) != old and store.ask(
                internal_query("graph_has_subject"), {"r": REPOSITORY_GRAPH, "e": _MINT[kind](new_id)})):
            other = taken or _MINT[kind](new_id)
            raise BadInput(say("reg_id_taken", id=new_id, other=index.names(other), entity=index.names(old)),
                           where=new_id, hint=say("reg_id_taken_hint", kind=kind, old_id=old_id, id=new_id))
        _conflict(index, kind, new_id, old, say("reg_the_id"))
        new = _MINT[kind](new_id)
        if new == old:
            raise BadInput(say("reg_same_id", id=new_id, entity=index.names(old)), where=new_id, hint=say("reg_same_id_hint"))
        new_repo = _moved(new_repo, old, new, keep_subject=True)
        new_repo.remove((new, DCTERMS.identifier, None))
        new_repo.add((new, DCTERMS.identifier, Literal(new_id)))
        new_repo.add((new, SKOS.altLabel, Literal(old_id, lang=guess_lang(old_id))))
        new_repo.remove((new, SKOS.altLabel, Literal(new_id, lang=guess_lang(new_id))))
    for lang, text in (labels or {}).items():
        lang, text = normalise_lang(lang), text.strip()
        if lang not in LANGS or not text:
            raise BadInput(say("reg_bad_label", lang=lang, text=text), where=text, hint=say("reg_bad_label_hint"))
        _conflict(index, kind, text, old, say("reg_the_label"))
        for lab in list(new_repo.objects(new, RDFS.label)):
            if isinstance(lab, Literal) and normalise_lang(lab.language) == lang and str(lab) != text:
                new_repo.remove((new, RDFS.label, lab))
                new_repo.add((new, SKOS.altLabel, Literal(str(lab), lang=lang)))
        new_repo.add((new, RDFS.label, Literal(text, lang=lang)))
        new_repo.remove((new, SKOS.altLabel, Literal(text, lang=lang)))
    shown = new_id or old_id
    what = joined([*([say("reg_what_id", id=new_id)] if new_id else []),
                   *(say("reg_what_label", lang=k, text=v) for k, v in (labels or {}).items())], ", ")
    message = _in_both(say("reg_renamed", kind=say(f"kind_{kind}"), name=index.names(old), what=what))
    return _write(store, kind, "rename", old, new, new_repo, message, shown, agent, validator)


def alias(store: Store, kind: str, entity: str, name: str, remove: bool = False, agent: str = "kgbp") -> RegistryChange:
    """Add (or drop) an alias: one more name that finds the entity everywhere."""
    _editable(kind)
    iri = resolve(store, kind, entity)
    index = SharedIndex._read(store)
    name = name.strip()
    if not name:
        raise BadInput(say("reg_alias_empty"), where=entity, hint=say("reg_alias_empty_hint"))
    repo = store.graph(REPOSITORY_GRAPH)
    new_repo = Graph()
    for triple in repo:
        new_repo.add(triple)
    stored = [a for a in repo.objects(iri, SKOS.altLabel) if str(a).casefold() == name.casefold()]
    if remove:
        if not stored:
            aliases = ", ".join(sorted(str(a) for a in repo.objects(iri, SKOS.altLabel)))
            raise BadInput(say("reg_not_alias", name=name, entity=index.names(iri)), where=name,
                           hint=say("reg_not_alias_hint", aliases=aliases or say("reg_none")))
        for a in stored:
            new_repo.remove((iri, SKOS.altLabel, a))
    else:
        _conflict(index, kind, name, iri, say("reg_the_alias"))
        if iri in index.find(kind, name):
            raise BadInput(say("reg_alias_known", name=name, entity=index.names(iri)), where=name, hint=say("reg_alias_known_hint"))
        new_repo.add((iri, SKOS.altLabel, Literal(name, lang=guess_lang(name))))
    message = _in_both(say("reg_alias_removed" if remove else "reg_alias_added", name=name, kind=say(f"kind_{kind}"),
                           entity=index.names(iri)))
    return _write(store, kind, "alias", iri, iri, new_repo, message, index.ident.get(iri, str(iri)), agent, None)


def _in_both(text: Text) -> dict[str, str]:
    """A change's message in every language: the history keeps each as a description."""
    return {lang: text.in_lang(lang) for lang in LANGS}


def _moved(graph: Graph, old: URIRef, new: URIRef, keep_subject: bool) -> Graph:
    """`graph` with `old` replaced by `new` as object (and, with keep_subject, as subject;
    otherwise `old`'s own triples are dropped)."""
    out = Graph()
    for s, p, o in graph:
        if s == old:
            if not keep_subject:
                continue
            s = new
        out.add((s, p, new if o == old else o))
    return out


def _check_parents(repo: Graph, kind: str, index: SharedIndex) -> None:
    """BadInput when the parents form a cycle (a merge may close one)."""
    parents = dict(repo.subject_objects(PARENT[kind]))
    for start in parents:
        seen = [start]
        node = parents.get(start)
        while node is not None:
            if node in seen:
                path = " -> ".join(index.names(n) for n in [*seen[seen.index(node):], node])  # type: ignore[arg-type]
                raise BadInput(say("reg_parent_cycle", path=path), where=str(start),
                               hint=say("reg_parent_cycle_hint", kind=say(f"kind_{kind}")))
            seen.append(node)
            node = parents.get(node)


def _write(store: Store, kind: str, action: str, old: URIRef, new: URIRef, new_repo: Graph, message: dict[str, str],
           shown: str, agent: str, validator: Validator | None) -> RegistryChange:
    change = RegistryChange(action, kind, shown, message)
    with write_lock():
        rewritten: dict[URIRef, Graph] = {}
        if old != new:
            for (g,) in store.select(internal_query("graphs_naming"), {"e": old}).rows:
                if isinstance(g, URIRef) and g not in (REPOSITORY_GRAPH, HISTORY_GRAPH, ONTOLOGY_GRAPH):
                    rewritten[g] = _moved(store.graph(g), old, new, keep_subject=True)
        if validator is not None and rewritten:
            _validate(store, rewritten, new_repo, validator)
        now = datetime.now(UTC)
        records = Graph()
        act, record = history.record(REPOSITORY_GRAPH, action, agent, 0, 0, now)
        records += record
        change.activity = act
        for bp, graph in rewritten.items():
            before = set(store.graph(bp))
            a, rec = history.record(bp, action, agent, len(set(graph) - before), len(before - set(graph)), now, state=graph)
            records += rec
            records.add((a, DCTERMS.description, Literal(message["en"], lang="en")))
            records.add((a, DCTERMS.description, Literal(message["zh"], lang="zh")))
            change.blueprints.append(iris.blueprint_id(str(bp)) or str(bp))
        records.add((act, DCTERMS.description, Literal(message["en"], lang="en")))
        records.add((act, DCTERMS.description, Literal(message["zh"], lang="zh")))
        store.replace_graphs({**rewritten, REPOSITORY_GRAPH: new_repo}, add={HISTORY_GRAPH: records})
    change.blueprints.sort()
    return change


def _validate(store: Store, rewritten: dict[URIRef, Graph], repo: Graph, validator: Validator) -> None:
    blueprints = [AuthoredBlueprint(iri=bp, id=iris.blueprint_id(str(bp)) or str(bp), graph=graph, shared=repo)
                  for bp, graph in rewritten.items()]
    report = validator.check(blueprints, store)
    blocking = report.violations()
    if blocking:
        raise NotConformant(say("reg_violations", n=len(blocking)), where=str(blocking[0].focus), hint=say("reg_violations_hint"),
                            report=ValidationReport(blocking, report.checked, report.drafts, report.lang))
