"""Archi's CSV format: elements.csv, relations.csv and properties.csv (File > Import > CSV).

The column layout is Archi's (com.archimatetool.csv): a header row, every field quoted,
CRLF line ends, UTF-8; the first elements row describes the model itself (type
"ArchimateModel"); types are Archi's class names (BusinessProcess, ServingRelationship);
ids may only hold [A-Za-z0-9._-]. CSV has room for one name per concept, so names are in
the requested language and the other language goes into a "kgbp:name@<lang>" property;
language-tagged property values do the same ("kgbp:failure-mode@zh"). CSV holds no views.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from ..spreadsheet.cell_text import guard
from ..store import Store
from .model import IRI_PROPERTY, RELATION_PROPERTY, ArchiModel, build_model, ordered

ELEMENTS_HEADER = ("ID", "Type", "Name", "Documentation", "Specialization")
RELATIONS_HEADER = ("ID", "Type", "Name", "Documentation", "Source", "Target", "Specialization")
PROPERTIES_HEADER = ("ID", "Key", "Value")
FILES = ("elements.csv", "relations.csv", "properties.csv")
MODEL_TYPE = "ArchimateModel"
MEDIA_TYPE = "application/zip"

__all__ = ["FILES", "IRI_PROPERTY", "MEDIA_TYPE", "export_archi_csv", "to_csv_files", "to_zip", "write_archi_csv"]


def _one_line(text: str) -> str:
    # Archi turns line breaks and tabs in names and property values into spaces; do it first
    return " ".join(text.replace("\t", " ").splitlines())


def _texts(texts: dict[str, str], lang: str) -> tuple[str, list[tuple[str, str]]]:
    """The text in `lang` (or the first available) and the (lang, text) pairs of the others."""
    pairs = ordered(texts, lang)
    if not pairs:
        return "", []
    return pairs[0][1], [(code, text) for code, text in pairs[1:] if code]


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([guard(cell) for cell in row] for row in rows)  # no cell can become a formula
    return buffer.getvalue().encode("utf-8")


def to_csv_files(model: ArchiModel) -> dict[str, bytes]:
    """The three files, named as Archi's importer looks for them."""
    lang = model.lang
    name, _ = _texts(model.names, lang)
    purpose, _ = _texts(model.docs, lang)
    elements: list[tuple[str, ...]] = [ELEMENTS_HEADER, (model.identifier, MODEL_TYPE, _one_line(name), purpose, "")]
    properties: list[tuple[str, ...]] = [PROPERTIES_HEADER]
    for el in model.elements.values():
        name, other_names = _texts(el.names, lang)
        doc, _ = _texts(el.docs, lang)
        elements.append((el.identifier, el.type, _one_line(name), doc, ""))
        for code, text in other_names:
            properties.append((el.identifier, f"kgbp:name@{code}", _one_line(text)))
        for prop in el.properties:
            value, others = _texts(prop.values, lang)
            properties.append((el.identifier, prop.key, _one_line(value)))
            properties.extend((el.identifier, f"{prop.key}@{code}", _one_line(text)) for code, text in others)
    relations: list[tuple[str, ...]] = [RELATIONS_HEADER]
    for rel in model.relationships.values():
        name, _ = _texts(rel.names, lang)
        relations.append((rel.identifier, f"{rel.type}Relationship", _one_line(name), "",
                          model.elements[rel.source].identifier, model.elements[rel.target].identifier, ""))
        properties.append((rel.identifier, RELATION_PROPERTY, rel.relation))
        if rel.access_type:  # Archi's own keys for relationship attributes
            properties.append((rel.identifier, "Access_Type", rel.access_type))
        if rel.type == "Association":
            properties.append((rel.identifier, "Directed", "true"))
    return {"elements.csv": _csv(elements), "relations.csv": _csv(relations), "properties.csv": _csv(properties)}


def to_zip(files: dict[str, bytes]) -> bytes:
    """The files in one zip; fixed timestamps so the same model gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def export_archi_csv(store: Store, service: str | None = None, lang: str = "en") -> dict[str, bytes]:
    return to_csv_files(build_model(store, service=service, lang=lang))


def write_archi_csv(files: dict[str, bytes], target: Path) -> list[Path]:
    """Write to a .zip file, or into a folder (created if missing). Returns what was written."""
    if target.suffix.lower() == ".zip":
        target.write_bytes(to_zip(files))
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        (target / name).write_bytes(data)
        written.append(target / name)
    return written
