"""Named queries: one `.rq` file per question, with a `#+` YAML header (as grlc).

Every file is read and checked when the catalogue is loaded; a bad header fails loudly,
naming the file and line. Parameters are bound as RDF terms through the store's
`bindings` (never pasted into the text): a system, department, service or blueprint
given by IRI, id or label in zh or en is first resolved to its IRI (unknown: NotFound,
several: Ambiguous). Every parameter is projected by its query, so that pyoxigraph binds
it before evaluation (SEP-0007) and a trailing VALUES clause gives the same answer.

Header keys: title and description ({en, zh}, required), summary, tags, params (name,
kind iri|label|literal|int|lang|period|date, required, entity for label params, values, default,
example, description {en, zh}), columns (name: {en, zh}, in projection order), partition (the
projected variable that names the blueprint graph each row comes from: every row depends only on
that graph and on shared entities, so the rows of one blueprint can be asked for again alone;
tests/query/test_partition.py checks each such claim).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ..errors import BadInput, NotFound, QueryFileError
from ..i18n import LANGS, Pair, normalise_lang, say
from ..registry import names
from ..registry.names import ENTITIES
from ..resources import data_dir
from ..store import Rows, Store
from ..store.sparql_text import syntax_only

KINDS = ("iri", "label", "literal", "int", "lang", "period", "date")
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")  # a month of evidence, YYYY-MM
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool = False
    entity: str | None = None
    description: Mapping[str, str] = field(default_factory=dict)
    values: tuple[str, ...] = ()
    default: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    params: tuple[Param, ...]
    columns: Mapping[str, Mapping[str, str]]
    projection: tuple[str, ...]
    summary: str = ""
    tags: tuple[str, ...] = ()
    # the variable naming the blueprint graph each row comes from (header key `partition`): a
    # kept answer is then patched after a write that changed only blueprint graphs (answer.py)
    partition: str | None = None
    order: tuple[tuple[str, bool], ...] = ()  # ORDER BY: (variable, descending), when only variables

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def lang_param(self) -> Param | None:
        """The language parameter: declared (kind lang), or implied by a projected ?lang."""
        declared = next((p for p in self.params if p.kind == "lang"), None)
        if declared is None and "lang" in self.projection:
            return LANG_PARAM
        return declared

    @property
    def user_params(self) -> tuple[Param, ...]:
        """Parameters other than the language (which every presenter handles itself)."""
        return tuple(p for p in self.params if p.kind != "lang")


LANG_PARAM = Param("lang", "lang", False, description={"en": "Language of the labels: en or zh (falls back to the other).",
                                                       "zh": "名称的语言：en 或 zh（缺失时用另一种）。"},
                   values=LANGS, default="en")


# -- reading files --------------------------------------------------------------------

def _header(text: str) -> tuple[str, int]:
    """The YAML of the leading `#+` lines, and the line number where it starts."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    body = []
    for line in lines[start:]:
        if not line.startswith("#+"):
            break
        rest = line[2:]
        body.append(rest[1:] if rest.startswith(" ") else rest)
    return "\n".join(body), start + 1


def projection(text: str) -> tuple[str, ...]:
    """The variables a SELECT query projects, in order (`SELECT *` gives none)."""
    syntax = syntax_only(text)
    m = re.search(r"\bSELECT\b", syntax, re.IGNORECASE)
    if not m:
        return ()
    names: list[str] = []
    depth, i = 0, m.end()
    while i < len(syntax):
        c = syntax[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "{" or (depth == 0 and re.match(r"WHERE\b", syntax[i:i + 6], re.IGNORECASE)):
            break
        elif c in "?$" and (depth == 0 or re.search(r"\bAS\s*$", syntax[:i], re.IGNORECASE)):
            v = re.match(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", syntax[i:])
            if v:
                names.append(v.group(1))
                i += v.end()
                continue
        i += 1
    return tuple(names)


_ORDER_BY = re.compile(r"\bORDER\s+BY\b(.*)$", re.IGNORECASE | re.DOTALL)
_ORDER_TERM = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*[?$]([A-Za-z_][A-Za-z0-9_]*)\s*\)|[?$]([A-Za-z_][A-Za-z0-9_]*))",
                         re.IGNORECASE)


def order_by(text: str) -> tuple[tuple[str, bool], ...] | None:
    """The final ORDER BY as (variable, descending) pairs; () without one; None when it orders by
    anything but variables or is followed by more (LIMIT, OFFSET)."""
    m = _ORDER_BY.search(syntax_only(text))
    if m is None:
        return ()
    rest, out = m.group(1), []
    while rest.strip():
        term = _ORDER_TERM.match(rest)
        if term is None:
            return None
        out.append((term.group(2) or term.group(3), (term.group(1) or "").upper() == "DESC"))
        rest = rest[term.end():]
    return tuple(out) or None


def _texts(value: Any, what: str, key: str, where: str) -> dict[str, str]:
    """The en and zh texts of a header entry; `what` names the entry, `key` is its YAML key."""
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGS):
        raise QueryFileError(say("qf_needs_both", what=what), where=where, hint=say("qf_needs_both_hint", key=key))
    return {lang: value[lang].strip() for lang in LANGS}


def _line_of(text: str, needle: str, default: int) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return default


def _param(raw: Any, path: Path, text: str, first: int) -> Param:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise QueryFileError(say("qf_param_needs_name"), where=f"{path}:{first}", hint=say("qf_param_needs_name_hint"))
    name = raw["name"]
    where = f"{path}:{_line_of(text, f'name: {name}', first)}"
    known = {"name", "kind", "required", "entity", "description", "values", "default", "example"}
    if set(raw) - known:
        raise QueryFileError(say("qf_param_unknown_keys", name=repr(name), keys=str(sorted(set(raw) - known))), where=where,
                             hint=say("qf_keys_hint", keys=", ".join(sorted(known))))
    if not _VAR.match(name) or name in ("format", "limit", "offset"):
        raise QueryFileError(say("qf_param_bad_name", name=repr(name)), where=where, hint=say("qf_param_bad_name_hint"))
    kind = raw.get("kind")
    if kind not in KINDS:
        raise QueryFileError(say("qf_param_bad_kind", name=repr(name), kind=repr(kind), kinds=", ".join(KINDS)), where=where,
                             hint=say("qf_param_bad_kind_hint"))
    entity = raw.get("entity")
    if (kind == "label") != (entity is not None) or (entity is not None and entity not in ENTITIES):
        raise QueryFileError(say("qf_param_entity", name=repr(name)), where=where,
                             hint=say("qf_param_entity_hint", entities=", ".join(ENTITIES)))
    required = raw.get("required", False)
    values = raw.get("values", [])
    if not isinstance(required, bool) or not isinstance(values, list):
        raise QueryFileError(say("qf_param_types", name=repr(name)), where=where, hint=say("qf_param_types_hint"))
    return Param(name=name, kind=kind, required=required, entity=entity,
                 description=_texts(raw.get("description"), say("qf_what_param_description", name=repr(name)),
                                    "description", where),
                 values=tuple(str(v) for v in values),
                 default=None if raw.get("default") is None else str(raw["default"]),
                 example=None if raw.get("example") is None else str(raw["example"]))


def parse_query_file(path: Path) -> NamedQuery:
    """Read and check one `.rq` file."""
    text = path.read_text("utf-8")
    name = path.stem
    if not _NAME.match(name):
        raise QueryFileError(say("qf_bad_name", name=repr(name)), where=str(path), hint=say("qf_bad_name_hint"))
    header, first = _header(text)
    if not header.strip():
        raise QueryFileError(say("qf_no_header"), where=f"{path}:1", hint=say("qf_no_header_hint"))
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first + (mark.line if mark is not None else 0)
        raise QueryFileError(say("qf_header_yaml", problem=str(getattr(exc, "problem", exc))), where=f"{path}:{line}",
                             hint=say("qf_header_yaml_hint")) from None
    where = f"{path}:{first}"
    if not isinstance(meta, dict):
        raise QueryFileError(say("qf_header_not_mapping"), where=where, hint=say("qf_header_not_mapping_hint"))
    known = {"summary", "title", "description", "params", "columns", "tags", "partition"}
    if set(meta) - known:
        raise QueryFileError(say("qf_unknown_keys", keys=str(sorted(set(meta) - known))), where=where,
                             hint=say("qf_keys_hint", keys=", ".join(sorted(known))))
    params = tuple(_param(p, path, text, first) for p in (meta.get("params") or []))
    if len({p.name for p in params}) != len(params):
        raise QueryFileError(say("qf_param_twice"), where=where, hint=say("qf_param_twice_hint"))
    raw_columns = meta.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise QueryFileError(say("qf_columns"), where=where, hint=say("qf_columns_hint"))
    columns = {str(c): _texts(d, say("qf_what_column_description", name=repr(c)), "description",
                              f"{path}:{_line_of(text, f'{c}:', first)}")
               for c, d in raw_columns.items()}
    projected = projection(text)
    if not projected:
        raise QueryFileError(say("qf_select"), where=str(path), hint=say("qf_select_hint"))
    missing = [c for c in columns if c not in projected] + [p.name for p in params if p.name not in projected]
    extra = [v for v in projected if v not in columns and v not in {p.name for p in params} and v != "lang"]
    if missing or extra:
        raise QueryFileError(say("qf_disagree", missing=str(missing), extra=str(extra)), where=str(path),
                             hint=say("qf_disagree_hint"))
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise QueryFileError(say("qf_tags"), where=where, hint=say("qf_tags_hint"))
    title = _texts(meta.get("title"), "title", "title", where)
    partition, order = meta.get("partition"), order_by(text)
    if partition is not None and (partition not in projected or order is None
                                  or any(v not in projected for v, _ in order)):
        raise QueryFileError(say("qf_partition", name=repr(partition)), where=f"{path}:{_line_of(text, 'partition:', first)}",
                             hint=say("qf_partition_hint"))
    return NamedQuery(name=name, path=path, text=text, title=title,
                      description=_texts(meta.get("description"), "description", "description", where),
                      params=params, columns=columns, projection=projected,
                      summary=str(meta.get("summary") or title["en"]), tags=tuple(str(t) for t in tags),
                      partition=partition, order=order or ())


@cache
def load_catalogue(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of `folder` (default: the shipped queries/), by name."""
    folder = folder or data_dir("queries")
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}


def get(name: str, catalogue: Mapping[str, NamedQuery] | None = None) -> NamedQuery:
    catalogue = load_catalogue() if catalogue is None else catalogue
    if name not in catalogue:
        raise NotFound(say("q_no_query", name=name), where=name, hint=say("reg_known", known=", ".join(sorted(catalogue))))
    return catalogue[name]


# -- resolving what people type: one resolver for every caller (kgbp/registry/names.py) ----

def resolve_entity(store: Store, entity: str, text: str, lang: str = "en") -> URIRef:
    """The IRI of the `entity` a person named (see `kgbp.registry.names.resolve`)."""
    return names.resolve(store, entity, text, lang)


def is_iri(text: str) -> bool:
    return names.is_iri(text)


# -- binding and running ----------------------------------------------------------------

def bind(store: Store, query: NamedQuery, params: Mapping[str, str | None], lang: str = "en") -> dict[str, Identifier]:
    """RDF terms for the query's parameters (`lang` for the implied language parameter)."""
    declared = {p.name for p in query.params}
    unknown = sorted(set(params) - declared - {"lang"})
    if unknown:
        raise BadInput(say("q_unknown_param", query=query.name, names=", ".join(unknown)), where=", ".join(unknown),
                       hint=say("q_its_params", names=", ".join(p.name for p in query.user_params) or say("reg_none")))
    out: dict[str, Identifier] = {}
    for p in query.user_params:
        raw = params.get(p.name)
        if raw is None or raw == "":
            raw = p.default
        if raw is None or raw == "":
            if p.required:
                raise BadInput(say("q_needs_param", query=query.name, name=p.name), where=p.name, hint=_described(p))
            continue
        out[p.name] = _term(store, query, p, raw, lang)
    lang_param = query.lang_param
    if lang_param is not None:
        out[lang_param.name] = Literal(normalise_lang(params.get(lang_param.name) or lang))
    return out


def _described(p: Param) -> str:
    """The parameter's own description (its header gives it in en and zh) as a hint."""
    return Pair(p.description.get("en", ""), p.description.get("zh", ""))


def _term(store: Store, query: NamedQuery, p: Param, raw: str, lang: str) -> Identifier:
    if p.values and raw not in p.values:
        raise BadInput(say("q_one_of", name=p.name, values=", ".join(p.values), raw=raw), where=p.name, hint=_described(p))
    if p.kind == "iri":
        if not is_iri(raw):
            raise BadInput(say("q_iri", name=p.name, raw=raw), where=p.name,
                           hint=say("e_g", example="https://w3id.org/kgbp/id/service/arrears-reconnect/as-is"))
        return URIRef(raw)
    if p.kind == "int":
        try:
            return Literal(int(raw.strip()), datatype=XSD.integer)
        except ValueError:
            raise BadInput(say("q_int", name=p.name, raw=raw), where=p.name, hint=say("e_g", example="10")) from None
    if p.kind == "period":
        if not _PERIOD.match(raw.strip()):
            raise BadInput(say("q_period", name=p.name, raw=raw), where=p.name, hint=say("e_g", example="2026-03"))
        return Literal(raw.strip())
    if p.kind == "date":
        if not _DATE.match(raw.strip()):
            raise BadInput(say("q_date", name=p.name, raw=raw), where=p.name, hint=say("e_g", example="2026-06-30"))
        return Literal(raw.strip(), datatype=XSD.date)
    if p.kind == "label":
        assert p.entity is not None
        return resolve_entity(store, p.entity, raw, lang)
    return Literal(raw)


@dataclass
class QueryResult:
    query: NamedQuery
    bindings: dict[str, Identifier]
    rows: Rows


def run(store: Store, name: str | NamedQuery, params: Mapping[str, str | None] | None = None,
        lang: str = "en") -> QueryResult:
    """Run a named query with parameters as people type them; labels in `lang`."""
    query = name if isinstance(name, NamedQuery) else get(name)
    bindings = bind(store, query, params or {}, normalise_lang(lang))
    return QueryResult(query, bindings, store.select(query.text, bindings))
