"""A blueprint drawn on a PowerPoint slide -> a draft in the YAML authoring format.

Reading follows how people draw blueprints: lane titles written at the lanes (in zh or
en, recognised by the ontology's lane labels), lanes as bands or between horizontal
separator lines, steps as boxes with text, "F" / "W" markers on or beside a box, arrows
between boxes, glued or not. The result is a YAML document (written out so a person
can fix what the drawing left open) read back through the one YAML reader; it is always
a draft. Everything the importer had to guess is reported with the shape's name and
position.

Slides exported by kgbp carry each step's id, department and systems in the boxes' alt
text (alt_text.py), so they come back as the blueprint they were drawn from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import yaml

from ..diagram.geometry import Rect
from ..errors import BadInput
from ..i18n import guess_lang, joined, localise, pick, say
from ..ingest import AuthoredBlueprint, SharedIndex, read_bytes
from ..model import iris
from ..model.namespaces import SKOS
from ..model.vocabulary import vocabulary
from ..repository.blueprint_view import LANE_ORDER
from . import alt_text
from .reading import EMU_PER_CM, Drawn, DrawnSlide, open_deck, read_slide

EMU_PER_INCH = 914_400
NEAR = 0.6 * EMU_PER_INCH  # how far a marker or an unglued arrow end may be from its box
WIDE = 0.4  # a band or separator spans at least this share of the slide's width
MARKER_IN_TEXT = re.compile(r"[\(（\[【]\s*([FW])\s*[\)）\]】]")
MARKERS = {"F": "fail", "W": "wait"}
SYSTEM_SEPARATORS = re.compile(r"[、,，;；/]")
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


@dataclass(frozen=True)
class Guess:
    """Something the drawing left open and the importer decided."""

    shape: str  # the shape's name
    x_cm: float
    y_cm: float
    message: str

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str) -> str:
        """Where the guess was made and what was decided, in `lang`."""
        return say("sg_at", shape=self.shape, x=f"{self.x_cm:.1f}", y=f"{self.y_cm:.1f}", message=self.message).in_lang(lang)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"shape": self.shape, "x_cm": round(self.x_cm, 2), "y_cm": round(self.y_cm, 2),
                "message": localise(self.message, lang)}


@dataclass
class SlideImport:
    source: str
    slide: int
    document: dict[str, Any]
    yaml_text: str
    blueprint: AuthoredBlueprint
    guesses: list[Guess]

    @property
    def id(self) -> str:
        return self.blueprint.id


@dataclass
class _Lane:
    key: str
    title: Drawn
    top: float = float("-inf")
    bottom: float = float("inf")
    band: Rect | None = None


@dataclass
class _Step:
    shape: Drawn
    lane: str
    label: str
    meta: dict[str, Any]
    id: str = ""
    position: int = 0
    markers: set[str] = field(default_factory=set)
    supports: list[str] = field(default_factory=list)
    evidence_for: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> bool:
        return self.lane == "evidence"

    @property
    def ref(self) -> str:
        """How a report names the box: its text and its shape name."""
        return f"\"{self.label}\" ({self.shape.name})"


def _guess(shape: Drawn, message: str) -> Guess:
    return Guess(shape.name, shape.box.x / EMU_PER_CM, shape.box.y / EMU_PER_CM, message)


def join_lines(lines: Iterable[str]) -> str:
    """Lines of one label back into one text: no space where a CJK character meets the break."""
    text = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if text and not (is_cjk(text[-1]) or is_cjk(line[0])):
            text += " "
        text += line
    return text


def slug(text: str, limit: int = 48) -> str:
    """An id from a label: letters (Chinese too) and digits, runs of anything else as one '-'."""
    return re.sub(r"[^\w.]+", "-", unicodedata.normalize("NFKC", text).casefold()).strip("-._")[:limit].strip("-._")


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _concept_text(shape: Drawn, scheme: str) -> str | None:
    """The notation of the concept a shape's whole text names (a lane title, a line label)."""
    words = " ".join(shape.text.split())
    if not words or len(words) > 60:
        return None
    found = vocabulary().scheme(scheme)
    for candidate in (words, words.rstrip(":：").strip(), join_lines(shape.text.split("\n")).rstrip(":：")):
        concept = found.lookup(candidate)
        if concept is not None:
            return found.notation[concept]
    return None


def _marker_text(shape: Drawn) -> str | None:
    text = unicodedata.normalize("NFKC", shape.text).strip().upper()
    if text in MARKERS:
        return text
    scheme = vocabulary().scheme("marker")
    concept = scheme.lookup(shape.text) if shape.text else None
    return scheme.notation[concept] if concept is not None else None


def _lane_names(lang: str) -> str:
    graph = vocabulary().graph
    scheme = vocabulary().scheme("lane")
    by_key = {v: k for k, v in scheme.notation.items()}
    return ", ".join(pick(list(graph.objects(by_key[k], SKOS.prefLabel)), lang) for k in LANE_ORDER)  # type: ignore[arg-type]


class _Reader:
    def __init__(self, slide: DrawnSlide, where: str) -> None:
        self.slide = slide
        self.where = where
        self.guesses: list[Guess] = []
        self.title: Drawn | None = None
        self.lanes: list[_Lane] = []
        self.separators: list[float] = []
        self.bands: list[Rect] = []
        self.markers: list[tuple[Drawn, str]] = []
        self.lines: list[Drawn] = []
        self.texts: list[Drawn] = []
        self.steps: list[_Step] = []
        self.by_shape: dict[int, _Step] = {}

    def guess(self, shape: Drawn, message: str) -> None:
        self.guesses.append(_guess(shape, message))

    # -- sorting the shapes ----------------------------------------------------------
    def classify(self) -> None:
        wide = WIDE * self.slide.width
        for s in self.slide.shapes:
            if s.name.casefold().startswith("legend") or any(g.casefold().startswith("legend") for g in s.groups):
                continue
            if s.kind == "line":
                (x1, y1), (x2, y2) = s.begin or (0, 0), s.end or (0, 0)
                flat = abs(y2 - y1) <= 0.02 * abs(x2 - x1)
                if flat and abs(x2 - x1) >= wide and not (s.head_at_begin or s.head_at_end) \
                        and s.glued_begin is None and s.glued_end is None:
                    self.separators.append((y1 + y2) / 2)
                else:
                    self.lines.append(s)
                continue
            if s.kind != "shape":
                continue
            if s.placeholder == "title":
                if self.title is None:
                    self.title = s
                continue
            if not s.text:
                if s.box.w >= wide and s.box.h <= 0.05 * EMU_PER_INCH:
                    self.separators.append(s.box.cy)  # a line drawn as a thin rectangle
                elif s.box.w >= wide:
                    self.bands.append(s.box)
                continue
            lane = _concept_text(s, "lane")
            if lane is not None:
                self.lanes.append(_Lane(lane, s))
                if s.box.w >= wide:
                    self.bands.append(s.box)  # a band with its title written in it
                continue
            if _concept_text(s, "line") is not None:
                self.separators.append(s.box.cy)  # a line's label sits on its line
                continue
            marker = _marker_text(s)
            if marker is not None:
                self.markers.append((s, marker))
                continue
            self.texts.append(s)

    # -- lanes -----------------------------------------------------------------------
    def find_lanes(self) -> None:
        if not self.lanes:
            raise BadInput(say("slide_no_lanes", where=self.where), where=self.where,
                           hint=say("slide_no_lanes_hint", en=_lane_names("en"), zh=_lane_names("zh")))
        seen: dict[str, _Lane] = {}
        for lane in sorted(self.lanes, key=lambda ln: ln.title.box.x):
            if lane.key in seen:
                self.guess(lane.title, say("sg_second_title", lane=repr(lane.key)))
                continue
            seen[lane.key] = lane
        self.lanes = sorted(seen.values(), key=lambda ln: ln.title.box.cy)
        for lane in self.lanes:
            inside = [b for b in self.bands if b.y <= lane.title.box.cy <= b.bottom and b.x <= lane.title.box.cx <= b.right]
            if inside:
                band = min(inside, key=lambda b: b.w * b.h)
                if sum(1 for ln in self.lanes if band.y <= ln.title.box.cy <= band.bottom) == 1:
                    lane.band = band
        for upper, lower in zip(self.lanes, self.lanes[1:], strict=False):
            a, b = upper.title.box.cy, lower.title.box.cy
            between = [y for y in self.separators if a < y < b]
            if between:
                y = min(between, key=lambda v: abs(v - (a + b) / 2))
            elif upper.band and lower.band:
                y = (upper.band.bottom + lower.band.y) / 2
            else:
                y = (a + b) / 2
                self.guess(lower.title, say("sg_no_boundary", upper=repr(upper.key), lower=repr(lower.key)))
            upper.bottom, lower.top = y, y
        first, last = self.lanes[0], self.lanes[-1]
        above = [y for y in self.separators if y < first.title.box.cy]
        below = [y for y in self.separators if y > last.title.box.cy]
        title_bottom = self.title.box.bottom if self.title is not None else 0.0
        first.top = first.band.y if first.band else max(above) if above else title_bottom
        last.bottom = last.band.bottom if last.band else min(below) if below else self.slide.height

    def lane_at(self, y: float) -> _Lane | None:
        for lane in self.lanes:
            if lane.top <= y < lane.bottom:
                return lane
        return None

    # -- steps -----------------------------------------------------------------------
    def find_steps(self) -> None:
        for s in self.texts:
            lane = self.lane_at(s.box.cy)
            if lane is None:
                self.guess(s, say("sg_outside"))
                continue
            meta = alt_text.load(s.descr)
            kind, fields = meta if meta is not None else ("", {})
            if kind not in ("step", "evidence"):
                fields = {}
            # the label's lines come first; smaller text after them names the systems (as kgbp exports it)
            label = join_lines(s.leading_lines())
            notes = s.paragraphs[len(s.leading_lines_paragraphs()):]
            if notes and not fields and lane.key != "evidence":
                names = [n.strip() for n in SYSTEM_SEPARATORS.split(join_lines(ln for p in notes for ln in p)) if n.strip()]
                fields = {"systems": [{"id": slug(n), "label": n} for n in names if slug(n)]}
                self.guess(s, say("sg_systems", names=", ".join(names)))
            markers = set()
            for m in MARKER_IN_TEXT.finditer(label):
                markers.add(m.group(1))
                self.guess(s, say("sg_marker_in_text", marker=m.group(1)))
            label = MARKER_IN_TEXT.sub("", label).strip() or label
            if isinstance(fields.get("label"), str) and _squash(fields["label"]) == _squash(label):
                label = fields["label"]  # the exact text, where the drawing's line breaks lost a space
            overlap = min(s.box.bottom, lane.bottom) - max(s.box.y, lane.top)
            if s.box.h > 0 and overlap < 0.75 * s.box.h:
                self.guess(s, say("sg_crosses", lane=repr(lane.key)))
            if not s.paragraphs or not label:
                continue
            if s.text_box and not fields:
                self.guess(s, say("sg_text_as_step", lane=repr(lane.key)))
            step = _Step(s, lane.key, label, fields, markers=markers)
            self.steps.append(step)
            self.by_shape[s.id] = step

    def nearest(self, p: tuple[float, float], *, evidence: bool = True) -> tuple[_Step | None, float, float]:
        """The step whose box is nearest to `p`, its distance, and the runner-up's distance."""
        ranked = sorted((st.shape.box.distance(p), n) for n, st in enumerate(self.steps) if evidence or not st.evidence)
        if not ranked:
            return None, float("inf"), float("inf")
        second = ranked[1][0] if len(ranked) > 1 else float("inf")
        return self.steps[ranked[0][1]], ranked[0][0], second

    def attach_markers(self) -> None:
        for shape, kind in self.markers:
            centre = (shape.box.cx, shape.box.cy)
            step, dist, second = self.nearest(centre, evidence=False)
            if step is None or dist > NEAR:
                self.guess(shape, say("sg_marker_far", kind=kind))
                continue
            step.markers.add(kind)
            if dist > 0 or second <= 0:
                others = say("sg_another_as_near") if second <= 1.5 * dist + 0.05 * EMU_PER_INCH else ""
                self.guess(shape, say("sg_marker_nearest", kind=kind, ref=step.ref, others=others))

    # -- arrows ----------------------------------------------------------------------
    def end_step(self, line: Drawn, glued: int | None, point: tuple[float, float], which: str,
                 free: list[str]) -> _Step | None:
        """The step at one end of an arrow: the glued one, else the nearest (its end noted in `free`)."""
        if glued is not None:
            if glued in self.by_shape:
                return self.by_shape[glued]
            marker = next((m for m, _ in self.markers if m.id == glued), None)
            if marker is not None:  # glued to a badge: the badge's box
                return self.nearest((marker.box.cx, marker.box.cy), evidence=False)[0]
        step, dist, _ = self.nearest(point)
        if step is None or dist > NEAR:
            self.guess(line, say("sg_arrow_end_far", which=which))
            return None
        free.append(which)
        return step

    def read_arrows(self) -> None:
        order = {k: n for n, k in enumerate(LANE_ORDER)}
        seen: set[tuple[str, str]] = set()
        for line in self.lines:
            assert line.begin is not None and line.end is not None
            free: list[str] = []
            a = self.end_step(line, line.glued_begin, line.begin, say("sg_start"), free)
            b = self.end_step(line, line.glued_end, line.end, say("sg_end"), free) if a is not None else None
            if a is None or b is None:
                continue
            if a is b:
                self.guess(line, say("sg_arrow_loop", ref=a.ref))
                continue
            if free:
                self.guess(line, say("sg_not_glued", ends=joined(free, say("sg_and")), a=a.ref, b=b.ref))
            if a.evidence or b.evidence:
                if a.evidence and b.evidence:
                    self.guess(line, say("sg_evidence_line"))
                    continue
                item, step = (a, b) if a.evidence else (b, a)
                if (item.id, step.id) not in seen:
                    seen.add((item.id, step.id))
                    item.evidence_for.append(step.id)
                continue
            if line.head_at_end != line.head_at_begin:
                src, dst = (a, b) if line.head_at_end else (b, a)
                if order[src.lane] < order[dst.lane]:
                    self.guess(line, say("sg_downward", src=src.ref, dst=dst.ref))
                    src, dst = dst, src
            else:  # no direction drawn: the lower step supports the upper; in one lane, left supports right
                src, dst = sorted((a, b), key=lambda st: (-order[st.lane], st.shape.box.x))
                self.guess(line, say("sg_no_head", src=src.ref, dst=dst.ref))
            if (src.id, dst.id) in seen:
                continue
            seen.add((src.id, dst.id))
            if self.reaches(dst, src):
                self.guess(line, say("sg_cycle", src=src.ref, dst=dst.ref))
                continue
            src.supports.append(dst.id)

    def reaches(self, start: _Step, goal: _Step) -> bool:
        by_id = {s.id: s for s in self.steps}
        todo, done = [start], set()
        while todo:
            s = todo.pop()
            if s is goal:
                return True
            if s.id in done:
                continue
            done.add(s.id)
            todo.extend(by_id[t] for t in s.supports if t in by_id)
        return False

    # -- ids, columns, evidence ------------------------------------------------------
    def name_steps(self) -> None:
        used: set[str] = set()
        for n, s in enumerate(sorted(self.steps, key=lambda st: (not st.meta, st.shape.box.x, st.shape.box.y)), start=1):
            wanted = str(s.meta.get("id", "")) if s.meta else ""
            if not iris.is_valid_id(wanted):
                wanted = slug(s.label)
                wanted = wanted if iris.is_valid_id(wanted) else f"step-{n}"
            ident, k = wanted, 2
            while ident in used:
                ident, k = f"{wanted}-{k}", k + 1
            if s.meta and ident != wanted:
                self.guess(s.shape, say("sg_id_taken", wanted=repr(wanted), ident=repr(ident)))
            used.add(ident)
            s.id = ident

    def place_columns(self) -> None:
        if not self.steps:
            return
        width = median(s.shape.box.w for s in self.steps) or EMU_PER_INCH
        ordered = sorted(self.steps, key=lambda s: s.shape.box.cx)
        columns: list[list[_Step]] = [[ordered[0]]]
        for s in ordered[1:]:
            if s.shape.box.cx - columns[-1][-1].shape.box.cx > 0.5 * width:
                columns.append([])
            columns[-1].append(s)
        for n, column in enumerate(columns, start=1):
            for s in column:
                s.position = n
            spread = max(s.shape.box.cx for s in column) - min(s.shape.box.cx for s in column)
            if spread > 0.1 * width:
                names = ", ".join(s.ref for s in column)
                self.guess(column[0].shape, say("sg_column", n=n, names=names))

    def link_evidence(self) -> None:
        customers = [s for s in self.steps if s.lane == "customer"]
        for item in (s for s in self.steps if s.evidence and not s.evidence_for):
            same = [c for c in customers if c.position == item.position]
            if not same and customers:
                same = [min(customers, key=lambda c: abs(c.shape.box.cx - item.shape.box.cx))]
            if same:
                item.evidence_for.append(same[0].id)
                self.guess(item.shape, say("sg_evidence_below", ref=same[0].ref))

    def read(self) -> None:
        self.classify()
        self.find_lanes()
        self.find_steps()
        self.attach_markers()
        self.name_steps()
        self.read_arrows()
        self.place_columns()
        self.link_evidence()


# -- the YAML document ---------------------------------------------------------------


def _text(value: str, lang: str) -> dict[str, str]:
    return {lang: value}


def _document(r: _Reader, source: str, service: str | None, version: str | None) -> dict[str, Any]:
    meta = alt_text.load(r.title.descr) if r.title is not None else None
    head = meta[1] if meta is not None and meta[0] == "blueprint" else {}
    title_text = join_lines(r.title.leading_lines()) if r.title is not None else ""
    if isinstance(head.get("title"), str) and _squash(head["title"]) == _squash(title_text):
        title_text = head["title"]
    labels = " ".join(s.label for s in r.steps)
    lang = str(head.get("lang") or guess_lang(labels or title_text))
    found_svc = head.get("service")
    svc: dict[str, Any] = found_svc if isinstance(found_svc, dict) else {}
    anchor = r.title or r.lanes[0].title
    if service is None:
        service = str(svc.get("id", ""))
        if not iris.is_valid_id(service):
            service = slug(title_text or Path(source).stem, 60) or "imported"
            service = service if iris.is_valid_id(service) else "imported"
            r.guess(anchor, say("sg_service_from_title", service=repr(service)))
    if version is None:
        version = str(head.get("version", ""))
        if not iris.is_valid_id(version):
            version = "as-is"
            r.guess(anchor, say("sg_version_assumed"))
    service_label = str(svc.get("label") or title_text or service)
    doc: dict[str, Any] = {"format": "kgbp/1", "service": {"id": service, "label": _text(service_label, lang)},
                           "version": version, "status": "draft"}
    if title_text:
        doc["title"] = _text(title_text, lang)
    if isinstance(head.get("level"), int) and head["level"] >= 0:
        doc["level"] = head["level"]
    if isinstance(head.get("revision_of"), str) and iris.is_valid_id(head["revision_of"]):
        doc["revision_of"] = head["revision_of"]
    refines = head.get("refines")
    if isinstance(refines, dict) and isinstance(refines.get("blueprint"), str) and isinstance(refines.get("step"), str):
        doc["refines"] = {"blueprint": refines["blueprint"], "step": refines["step"]}

    departments: dict[str, dict[str, Any]] = {}
    systems: dict[str, dict[str, Any]] = {}

    def shared(entry: Any, into: dict[str, dict[str, Any]]) -> str | None:
        if not isinstance(entry, dict) or not iris.is_valid_id(str(entry.get("id", ""))):
            return None
        ident = str(entry["id"])
        into.setdefault(ident, {"id": ident, **({"label": _text(str(entry["label"]), lang)} if entry.get("label") else {})})
        return ident

    ordered = sorted(r.steps, key=lambda s: (s.position, s.shape.box.y))
    evidence = []
    for s in (s for s in ordered if s.evidence):
        item: dict[str, Any] = {"id": s.id, "label": _text(s.label, lang), "position": s.position}
        if s.evidence_for:
            item["for"] = s.evidence_for
        evidence.append(item)
    lanes: dict[str, list[dict[str, Any]]] = {}
    for s in (s for s in ordered if not s.evidence):
        step: dict[str, Any] = {"id": s.id, "label": _text(s.label, lang), "position": s.position}
        if s.meta.get("performer") in ("human", "system"):
            step["performer"] = s.meta["performer"]
        dept = shared(s.meta.get("department"), departments)
        if dept:
            step["department"] = dept
        found = [x for x in (shared(e, systems) for e in s.meta.get("systems") or []) if x]
        if found:
            step["systems"] = found
        if s.supports:
            step["supports"] = s.supports
        if "F" in s.markers:
            found_fail = s.meta.get("fail")
            fail: dict[str, Any] = found_fail if isinstance(found_fail, dict) else {}
            detail = {k: _text(str(fail[k]), lang) for k in ("mode", "consequence") if fail.get(k)}
            step["fail"] = detail or True
        if "W" in s.markers:
            step["wait"] = True
        lanes.setdefault(s.lane, []).append(step)
    if departments:
        doc["departments"] = list(departments.values())
    if systems:
        doc["systems"] = list(systems.values())
    if evidence:
        doc["evidence"] = evidence
    doc["steps"] = {k: lanes[k] for k in LANE_ORDER if k in lanes}
    return doc


def _yaml(doc: dict[str, Any], source: str, slide: int, guesses: list[Guess]) -> str:
    head = [f"# Imported from {Path(source).name}, slide {slide}, by `kgbp import-slide`.",
            "# Stored as a draft: check it, fix what the drawing left open, then set `status`."]
    if guesses:
        head.append("# The importer guessed:")
        head += ["#   - " + " ".join(str(g).split()) for g in guesses]
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None)
    return "\n".join(head) + "\n" + body


def import_slide(data: bytes, source: str, slide: int = 1, index: SharedIndex | None = None,
                 service: str | None = None, version: str | None = None) -> SlideImport:
    """Read slide `slide` (1-based) of a .pptx into a draft blueprint; nothing is stored here."""
    for value, what in ((service, "service"), (version, "version")):
        if value is not None and not iris.is_valid_id(value):
            raise BadInput(say("slide_bad_id", what=what, value=value), where=f"--{what}", hint=say("id_pattern_hint"))
    prs = open_deck(data, source)
    drawn = read_slide(prs, slide, source)
    where = f"{source} slide {slide}"
    reader = _Reader(drawn, where)
    reader.read()
    if not reader.steps:
        raise BadInput(say("slide_no_steps", where=where), where=where, hint=say("slide_no_steps_hint"))
    doc = _document(reader, source, service, version)
    text = _yaml(doc, source, slide, reader.guesses)
    name = f"{doc['service']['id']}.{doc['version']}.yaml"
    try:
        [blueprint] = read_bytes(text.encode("utf-8"), name, index)
    except BadInput as exc:
        raise BadInput(say("slide_invalid", where=where, what=exc.message), where=where,
                       hint=exc.hint, problems=exc.problems) from None
    blueprint.draft = True
    blueprint.source = where
    blueprint.notes = [str(g) for g in reader.guesses]
    return SlideImport(source, slide, doc, text, blueprint, reader.guesses)
