"""Read back an ArchiMate exchange file (or Archi CSV files) exported by kgbp, maybe edited in Archi.

Our elements carry their source IRI in a ``kgbp:iri`` property (Archi keeps properties
through its own import and export), so each maps back to the IRI it came from, whatever
its identifier or name became. Whatever is not ours (an element or relationship added in
Archi, a view drawn there) is listed in ``notes``, never silently dropped.

Hostile XML is refused before anything is expanded or fetched: no DTD (so no entities,
internal or external), no network, no huge trees.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from rdflib import URIRef

from ..errors import BadInput, Problem
from ..i18n import say
from ..model.namespaces import ID

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_BYTES = 50_000_000
IRI_PROPERTY = "kgbp:iri"
KIND_PROPERTY = "kgbp:kind"
RELATION_PROPERTY = "kgbp:relation"
# kinds the exporter writes; the customer role is the one without an IRI of its own
KINDS = frozenset({"service", "blueprint", "customer", "customer-action", "step", "touchpoint", "evidence",
                   "standard", "department", "system", "failure-mode"})
IRI_FREE_KINDS = frozenset({"customer"})
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_TAG = re.compile(rb"<[A-Za-z_]")


@dataclass
class ImportedElement:
    identifier: str
    type: str
    names: dict[str, str]
    properties: dict[str, str]
    where: str
    iri: URIRef | None = None  # set for our elements (the failure-mode assessment names its step)
    kind: str = ""

    @property
    def ours(self) -> bool:
        return bool(self.kind) and (self.iri is not None or self.kind in IRI_FREE_KINDS)

    @property
    def name(self) -> str:
        return next(iter(self.names.values()), "")


@dataclass
class ImportedRelationship:
    identifier: str
    type: str
    source: str
    target: str
    where: str
    relation: str = ""  # our meaning (kgbp:relation), empty when not ours
    ours: bool = False


@dataclass
class ArchimateImport:
    source: str
    names: dict[str, str] = field(default_factory=dict)
    elements: list[ImportedElement] = field(default_factory=list)
    relationships: list[ImportedRelationship] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def by_iri(self, kind: str | None = None) -> dict[URIRef, ImportedElement]:
        """Our elements by source IRI (of one kind, or all kinds but the failure-mode assessments)."""
        return {e.iri: e for e in self.elements if e.ours and e.iri is not None
                and (e.kind == kind if kind else e.kind != "failure-mode")}

    @property
    def unknown_elements(self) -> list[ImportedElement]:
        return [e for e in self.elements if not e.ours]

    @property
    def unknown_relationships(self) -> list[ImportedRelationship]:
        return [r for r in self.relationships if not r.ours]


def _refuse_dtd(where: str) -> BadInput:
    return BadInput(say("archimate_dtd"), where=where, hint=say("archimate_dtd_hint"))


def parse_xml(data: bytes, source: str) -> etree._Element:
    """The root element of a safe XML document; BadInput for anything malformed or hostile."""
    if len(data) > MAX_BYTES:
        raise BadInput(say("file_too_large", limit=MAX_BYTES), where=source, hint=say("archimate_too_large_hint"))
    # A DTD can only come before the root element; look there (UTF-16/32 interleave NUL
    # bytes: drop them first), so a "<!DOCTYPE" quoted in documentation is no false alarm.
    text = data.replace(b"\x00", b"")
    first_tag = _FIRST_TAG.search(text)
    if _DTD.search(text, 0, first_tag.start() if first_tag else len(text)):
        raise _refuse_dtd(source)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise BadInput(say("archimate_not_xml", reason=exc.msg), where=f"{source}:{line}:{col}",
                       hint=say("archimate_not_xml_hint")) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # belt and braces after the byte scan
        raise _refuse_dtd(source)
    return root


def _texts(parent: etree._Element, tag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for child in parent.findall(f"{{{NS}}}{tag}"):
        out.setdefault(child.get(XML_LANG) or "", (child.text or "").strip())
    return out


def _first(texts: dict[str, str]) -> str:
    return texts.get("", next(iter(texts.values()), ""))


def _classify(element: ImportedElement, notes: list[Problem]) -> None:
    kind = element.properties.get(KIND_PROPERTY, "")
    iri = element.properties.get(IRI_PROPERTY, "")
    label = f"{element.type} {element.name!r} ({element.identifier})"
    if iri and not iri.startswith(str(ID)):
        notes.append(Problem(say("archimate_foreign_iri", element=label, iri=iri), element.where,
                             say("archimate_foreign_iri_hint")))
    elif kind in KINDS and (iri or kind in IRI_FREE_KINDS):
        element.kind = kind
        element.iri = URIRef(iri) if iri else None
        return
    notes.append(Problem(say("archimate_unknown_element", element=label), element.where,
                         say("archimate_unknown_element_hint")))


def _check_duplicates(result: ArchimateImport) -> None:
    # a copy pasted in Archi keeps the original's properties, so two elements may claim one IRI
    seen: dict[tuple[str, URIRef], ImportedElement] = {}
    for element in result.elements:
        if not element.ours or element.iri is None:
            continue
        key = (element.kind, element.iri)
        if key in seen:
            element.kind, element.iri = "", None
            result.notes.append(Problem(
                say("archimate_copy", element=f"{element.type} {element.name!r} ({element.identifier})",
                    original=seen[key].identifier), element.where, say("archimate_copy_hint")))
        else:
            seen[key] = element


def _link(result: ArchimateImport) -> None:
    ours = {e.identifier for e in result.elements if e.ours}
    for rel in result.relationships:
        rel.ours = bool(rel.relation) and rel.source in ours and rel.target in ours
        if not rel.ours:
            result.notes.append(Problem(
                say("archimate_unknown_relationship", relationship=f"{rel.type} {rel.identifier} ({rel.source} -> {rel.target})"),
                rel.where, say("archimate_unknown_relationship_hint")))


def read_archimate(data: bytes, source: str) -> ArchimateImport:
    """Map an exchange file's elements back to kgbp IRIs; report everything else in `notes`."""
    root = parse_xml(data, source)
    if root.tag != f"{{{NS}}}model":
        raise BadInput(say("archimate_not_exchange", root=repr(root.tag)), where=f"{source}:{root.sourceline}",
                       hint=say("archimate_not_exchange_hint", ns=NS))
    definitions = {d.get("identifier", ""): _first(_texts(d, "name"))
                   for d in root.iterfind(f"{{{NS}}}propertyDefinitions/{{{NS}}}propertyDefinition")}

    def properties(el: etree._Element) -> dict[str, str]:
        out: dict[str, str] = {}
        for prop in el.iterfind(f"{{{NS}}}properties/{{{NS}}}property"):
            key = definitions.get(prop.get("propertyDefinitionRef", ""), "")
            if key:
                out.setdefault(key, _first(_texts(prop, "value")))
        return out

    def required(el: etree._Element, attr: str) -> str:
        value = el.get(attr)
        if not value:
            raise BadInput(say("archimate_missing_attribute", tag=etree.QName(el).localname, attribute=attr),
                           where=f"{source}:{el.sourceline}", hint=say("archimate_missing_attribute_hint"))
        return value

    result = ArchimateImport(source, _texts(root, "name"))
    for el in root.iterfind(f"{{{NS}}}elements/{{{NS}}}element"):
        element = ImportedElement(required(el, "identifier"), required(el, XSI_TYPE), _texts(el, "name"),
                                  properties(el), f"{source}:{el.sourceline}")
        _classify(element, result.notes)
        result.elements.append(element)
    for el in root.iterfind(f"{{{NS}}}relationships/{{{NS}}}relationship"):
        result.relationships.append(ImportedRelationship(
            required(el, "identifier"), required(el, XSI_TYPE), required(el, "source"), required(el, "target"),
            f"{source}:{el.sourceline}", properties(el).get(RELATION_PROPERTY, "")))
    for view in root.iterfind(f".//{{{NS}}}views/{{{NS}}}diagrams/{{{NS}}}view"):
        name = _first(_texts(view, "name"))
        result.views.append(name)
        if IRI_PROPERTY not in properties(view):
            result.notes.append(Problem(say("archimate_foreign_view", view=repr(name)), f"{source}:{view.sourceline}",
                                        say("archimate_foreign_view_hint")))
    _check_duplicates(result)
    _link(result)
    return result


# -- Archi CSV ----------------------------------------------------------------------------------


def _rows(data: bytes, name: str, header: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(say("archimate_csv_not_utf8", reason=exc.reason), where=name, hint=say("archimate_csv_not_utf8_hint")) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or [c.strip().casefold() for c in rows[0][: len(header)]] != [h.casefold() for h in header[: len(rows[0])]]:
        raise BadInput(say("archimate_csv_header", file=name), where=f"{name}:1",
                       hint=say("archimate_csv_header_hint", header=",".join(header)))
    return [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]


def read_archi_csv(files: dict[str, bytes], source: str) -> ArchimateImport:
    """Map Archi CSV files (elements.csv, relations.csv, properties.csv) back to kgbp IRIs."""
    from .archi_csv import ELEMENTS_HEADER, MODEL_TYPE, PROPERTIES_HEADER, RELATIONS_HEADER

    def named(suffix: str) -> tuple[str, bytes] | None:
        return next(((n, d) for n, d in files.items() if Path(n).name.endswith(suffix)), None)

    elements_file = named("elements.csv")
    if elements_file is None:
        raise BadInput(say("archimate_csv_no_elements"), where=source, hint=say("archimate_csv_no_elements_hint"))
    props: dict[str, dict[str, str]] = {}
    if (found := named("properties.csv")) is not None:
        for _, row in _rows(found[1], f"{source}!{found[0]}", PROPERTIES_HEADER):
            if len(row) >= 3:
                props.setdefault(row[0], {}).setdefault(row[1], row[2])
    result = ArchimateImport(source)
    name, data = elements_file
    for line, row in _rows(data, f"{source}!{name}", ELEMENTS_HEADER):
        if len(row) < 3:
            raise BadInput(say("archimate_csv_short_row", n=3), where=f"{source}!{name}:{line}",
                           hint=say("archimate_csv_header_hint", header="ID,Type,Name,..."))
        if row[1] == MODEL_TYPE:
            result.names = {"": row[2]}
            continue
        element = ImportedElement(row[0], row[1], {"": row[2]}, props.get(row[0], {}), f"{source}!{name}:{line}")
        _classify(element, result.notes)
        result.elements.append(element)
    if (found := named("relations.csv")) is not None:
        name, data = found
        for line, row in _rows(data, f"{source}!{name}", RELATIONS_HEADER):
            if len(row) < 6:
                raise BadInput(say("archimate_csv_short_row", n=6), where=f"{source}!{name}:{line}",
                               hint=say("archimate_csv_header_hint", header=",".join(RELATIONS_HEADER)))
            result.relationships.append(ImportedRelationship(
                row[0], row[1].removesuffix("Relationship"), row[4], row[5], f"{source}!{name}:{line}",
                props.get(row[0], {}).get(RELATION_PROPERTY, "")))
    _check_duplicates(result)
    _link(result)
    return result


def read_archi_csv_zip(data: bytes, source: str) -> ArchimateImport:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {}
            for info in archive.infolist():
                if info.filename.endswith(".csv"):
                    if info.file_size > MAX_BYTES:
                        raise BadInput(say("archimate_zip_member_too_large", file=info.filename, limit=MAX_BYTES),
                                       where=source, hint=say("archimate_too_large_hint"))
                    files[info.filename] = archive.read(info)
    except zipfile.BadZipFile as exc:
        raise BadInput(say("archimate_not_zip", reason=str(exc)), where=source, hint=say("archimate_not_zip_hint")) from None
    return read_archi_csv(files, source)


SUFFIXES = (".xml", ".zip", ".csv")


def read_archimate_bytes(data: bytes, source: str) -> ArchimateImport:
    """One file by its suffix: an exchange file (.xml), Archi CSV in a zip, or Archi's elements.csv alone."""
    suffix = Path(source).suffix.lower()
    if suffix == ".zip":
        return read_archi_csv_zip(data, source)
    if suffix == ".csv":
        return read_archi_csv({Path(source).name: data}, source)
    if suffix == ".xml":
        return read_archimate(data, source)
    raise BadInput(say("unknown_file_type", suffix=repr(suffix or "(none)")), where=source,
                   hint=say("use_one_of", values=", ".join(SUFFIXES)))


def read_archimate_path(path: Path) -> ArchimateImport:
    """An exchange file (.xml), Archi CSV in a zip, or a folder holding the CSV files."""
    source = str(path)
    if path.is_dir():
        return read_archi_csv({p.name: p.read_bytes() for p in sorted(path.glob("*.csv"))}, source)
    if not path.is_file():
        raise BadInput(say("no_such_file"), where=source, hint=say("no_such_file_hint"))
    if path.stat().st_size > MAX_BYTES:
        raise BadInput(say("file_too_large", limit=MAX_BYTES), where=source, hint=say("archimate_too_large_hint"))
    return read_archimate_bytes(path.read_bytes(), source)
