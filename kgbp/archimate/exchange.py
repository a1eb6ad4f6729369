"""ArchiMate Model Exchange File Format 3.1: the repository (or one service) as one XML file.

Built with lxml.etree from the model in `archimate_model` (the mapping lives there); valid
against the Open Group's archimate3_Diagram.xsd. Names and documentation carry both
languages as xml:lang variants, the requested language first, because Archi shows the
first one (or the one matching its locale).
"""

from __future__ import annotations

from lxml import etree

from ..store import Store
from .model import (
    IRI_PROPERTY,
    LANE_FILL,
    PROPERTY_TYPES,
    RELATION_PROPERTY,
    ArchiModel,
    Element,
    LaneRow,
    Mark,
    Node,
    View,
    Wire,
    build_model,
    identifier,
    ordered,
)

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
MEDIA_TYPE = "application/xml"

__all__ = ["IRI_PROPERTY", "MEDIA_TYPE", "NS", "export_archimate", "to_xml"]


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, _q(tag), attrs)


def _xsi_type(el: etree._Element, type_: str) -> None:
    el.set(f"{{{XSI}}}type", type_)


def _lang_strings(parent: etree._Element, tag: str, texts: dict[str, str], lang: str) -> None:
    for code, text in ordered(texts, lang):
        child = _sub(parent, tag)
        if code:
            child.set(XML_LANG, code)
        child.text = text


def _prop_id(key: str) -> str:
    return "propid-" + key.replace(":", "-")  # our keys are NCName-safe apart from the colon


def _properties(parent: etree._Element, props: list[tuple[str, dict[str, str]]], lang: str) -> None:
    if not props:
        return
    holder = _sub(parent, "properties")
    for key, values in props:
        prop = _sub(holder, "property", propertyDefinitionRef=_prop_id(key))
        _lang_strings(prop, "value", values, lang)


def _element(parent: etree._Element, element: Element, lang: str) -> None:
    el = _sub(parent, "element", identifier=element.identifier)
    _xsi_type(el, element.type)
    _lang_strings(el, "name", element.names, lang)
    _lang_strings(el, "documentation", element.docs, lang)
    _properties(el, [(p.key, p.values) for p in element.properties], lang)


Colour = tuple[int, int, int]


def _style(parent: etree._Element, fill: Colour | None, line: Colour | None = None) -> None:
    if fill is None and line is None:
        return
    style = _sub(parent, "style")
    for tag, colour in (("fillColor", fill), ("lineColor", line)):
        if colour is not None:
            r, g, b = colour
            _sub(style, tag, r=str(r), g=str(g), b=str(b))


def _node(parent: etree._Element, view: View, node: Node, model: ArchiModel) -> None:
    el = _sub(parent, "node", identifier=identifier(f"node|{view.key}|{node.element}"),
              elementRef=model.elements[node.element].identifier,
              x=str(node.x), y=str(node.y), w=str(node.w), h=str(node.h))
    _xsi_type(el, "Element")
    _style(el, node.fill, node.line)


def _mark(parent: etree._Element, view: View, mark: Mark, lang: str) -> None:
    el = _sub(parent, "node", identifier=identifier(f"mark|{view.key}|{mark.key}"),
              x=str(mark.x), y=str(mark.y), w=str(max(mark.w, 1)), h=str(max(mark.h, 1)))
    _xsi_type(el, "Label")
    _lang_strings(el, "label", mark.labels, lang)
    _style(el, mark.fill, mark.line)


def _wire(parent: etree._Element, view: View, wire: Wire, model: ArchiModel) -> None:
    rel = model.relationships[wire.relationship]
    conn = _sub(parent, "connection", identifier=identifier(f"connection|{view.key}|{rel.key}"),
                relationshipRef=rel.identifier,
                source=identifier(f"node|{view.key}|{rel.source}"),
                target=identifier(f"node|{view.key}|{rel.target}"))
    _xsi_type(conn, "Relationship")
    first, *bends, last = wire.points
    _sub(conn, "sourceAttachment", x=str(first[0]), y=str(first[1]))
    for x, y in bends:
        _sub(conn, "bendpoint", x=str(x), y=str(y))
    _sub(conn, "targetAttachment", x=str(last[0]), y=str(last[1]))


def _lane(parent: etree._Element, view: View, lane: LaneRow, model: ArchiModel) -> None:
    # a Container node: Archi opens it as a labelled group, its children inside
    el = _sub(parent, "node", identifier=identifier(f"lane|{view.key}|{lane.lane}"),
              x=str(lane.x), y=str(lane.y), w=str(lane.w), h=str(lane.h))
    _xsi_type(el, "Container")
    _lang_strings(el, "label", lane.labels, model.lang)
    _style(el, LANE_FILL)
    for node in lane.nodes:
        _node(el, view, node, model)


def _view(parent: etree._Element, view: View, model: ArchiModel) -> None:
    el = _sub(parent, "view", identifier=identifier(f"view|{view.key}"))
    _xsi_type(el, "Diagram")
    _lang_strings(el, "name", view.names, model.lang)
    _lang_strings(el, "documentation", view.docs, model.lang)
    _properties(el, [(IRI_PROPERTY, {"": view.key})], model.lang)
    for lane in view.lanes:
        _lane(el, view, lane, model)
    for node in view.nodes:
        _node(el, view, node, model)
    for mark in view.marks:  # after the lanes: in front of them
        _mark(el, view, mark, model.lang)
    for wire in view.wires:
        _wire(el, view, wire, model)


def to_xml(model: ArchiModel) -> bytes:
    """The exchange file of a model, as UTF-8 bytes."""
    lang = model.lang
    root = etree.Element(_q("model"), nsmap={None: NS, "xsi": XSI})  # type: ignore[dict-item]
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    root.set("identifier", model.identifier)
    _lang_strings(root, "name", model.names, lang)
    _lang_strings(root, "documentation", model.docs, lang)
    if model.elements:
        elements = _sub(root, "elements")
        for element in model.elements.values():
            _element(elements, element, lang)
    if model.relationships:
        relationships = _sub(root, "relationships")
        for rel in model.relationships.values():
            el = _sub(relationships, "relationship", identifier=rel.identifier,
                      source=model.elements[rel.source].identifier, target=model.elements[rel.target].identifier)
            _xsi_type(el, rel.type)
            if rel.access_type:
                el.set("accessType", rel.access_type)
            if rel.type == "Association":
                el.set("isDirected", "true")
            _lang_strings(el, "name", rel.names, lang)
            _properties(el, [(RELATION_PROPERTY, {"": rel.relation})], lang)
    definitions = _sub(root, "propertyDefinitions")
    for key in model.property_keys():
        definition = _sub(definitions, "propertyDefinition", identifier=_prop_id(key), type=PROPERTY_TYPES[key])
        _sub(definition, "name").text = key
    if model.views:
        diagrams = _sub(_sub(root, "views"), "diagrams")
        for view in model.views:
            _view(diagrams, view, model)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def export_archimate(store: Store, service: str | None = None, lang: str = "en") -> bytes:
    """One exchange file for the whole repository, or for one service (all its versions)."""
    return to_xml(build_model(store, service=service, lang=lang))
