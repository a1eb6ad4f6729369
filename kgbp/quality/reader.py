"""Evidence tables -> the named graphs they replace (an `EvidenceBatch`).

One graph per kind (and source) and period for observations, one graph for the team's
complaint categories, one graph per improvement action. Ids people write (service,
step, standard, category, department) become IRIs here (minted in `kgbp.iris`); whether
they name something that exists is the shapes' question (`checks.py`), asked with the
store's facts beside the new graphs, so that the answer names the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ..errors import BadInput, NotFound, Problem
from ..i18n import Text, localise, say
from ..model import iris
from ..model.namespaces import CATEGORIES_GRAPH, ID, QB, SB
from ..model.vocabulary import vocabulary
from ..repository import save as repository
from ..resources import internal_query
from ..store import Store
from .tables import ACTIONS, CATEGORIES, COMPLAINTS, MEASUREMENTS, SURVEYS, Row, Table, cell_text, read_tables

PERIOD_RE = re.compile(r"^\d{4}-\d{2}$")
CATEGORY_SCHEME = ID["complaint-categories"]
DATASETS = {"complaints": SB.ComplaintDataSet, "measurements": SB.MeasurementDataSet, "surveys": SB.SurveyDataSet}
CLASSES = {"complaints": SB.ComplaintObservation, "measurements": SB.StandardMeasurement, "surveys": SB.SurveyObservation}
_LIST_SPLIT = re.compile(r"[\s,;，；、]+")


@dataclass
class EvidenceBatch:
    """What one import writes: graphs to replace, and where each fact came from."""

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    places: dict[tuple[Node, Node | None], str] = field(default_factory=dict)  # (node, predicate) -> cell
    counts: dict[str, int] = field(default_factory=dict)  # rows read per kind
    files: list[str] = field(default_factory=list)

    def place(self, node: Node, predicate: Node | None = None) -> str:
        return self.places.get((node, predicate)) or self.places.get((node, None), "")


@dataclass
class _Blueprint:
    iri: URIRef
    service: str
    version: str


class _Reader:
    def __init__(self, store: Store, source: str | None, agent: str, now: datetime) -> None:
        self.store, self.source, self.agent, self.now = store, source, agent, now
        self.batch = EvidenceBatch()
        self.problems: list[Problem] = []
        self.blueprints: dict[str, _Blueprint | None] = {}
        self.seen: dict[tuple[str, ...], str] = {}  # observation key -> its row (duplicates)
        self.categories: set[str] = set(self._stored_categories())

    def _stored_categories(self) -> list[str]:
        rows = self.store.select(internal_query("complaint_category_ids"), {"g": CATEGORIES_GRAPH})
        return [str(r[0]) for r in rows.rows]

    def problem(self, at: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(message, at, hint))

    # -- cells ---------------------------------------------------------------------
    def period(self, row: Row) -> str | None:
        cell = row.cells.get("period")
        value = cell.value if cell is not None else None
        if isinstance(value, datetime | date):
            return f"{value.year:04d}-{value.month:02d}"
        text = cell_text(value)
        if text is None:
            self.problem(row.place("period"), say("ev_missing", what=say("ev_what_period")), say("ev_month_hint"))
            return None
        if not PERIOD_RE.match(text) or not 1 <= int(text[5:]) <= 12:
            self.problem(row.place("period"), say("ev_bad_period", text=text), say("ev_bad_period_hint"))
            return None
        return text

    def ident(self, row: Row, key: str, what: Text, required: bool = True) -> str | None:
        text = row.text(key)
        if text is None:
            if required:
                self.problem(row.place(key), say("ev_missing", what=what), say("ev_give_id_hint", what=what))
            return None
        if not iris.is_valid_id(text):
            self.problem(row.place(key), say("ev_bad_id", what=what, text=text), say("ev_id_hint"))
            return None
        return text

    def number(self, row: Row, key: str, what: Text, integer: bool = False, percent: bool = False) -> Literal | None:
        text = row.text(key)
        if text is None:
            self.problem(row.place(key), say("ev_missing", what=what), say("ev_give_number_hint", what=what))
            return None
        scale = Decimal(1)
        if percent and text.endswith("%"):
            text, scale = text[:-1].strip(), Decimal("0.01")
        try:
            value = Decimal(text.replace(",", "")) * scale
        except InvalidOperation:
            self.problem(row.place(key), say("ev_not_a_number", what=what, text=text), say("ev_digits_hint"))
            return None
        if integer:
            if value != value.to_integral_value():
                self.problem(row.place(key), say("ev_not_whole", what=what, text=text), say("ev_whole_hint"))
                return None
            return Literal(int(value), datatype=XSD.integer)
        return Literal(value.normalize() if value == value.to_integral_value() else value, datatype=XSD.decimal)

    def day(self, row: Row, key: str, what: Text, required: bool) -> Literal | None:
        cell = row.cells.get(key)
        if cell is None:
            if required:
                self.problem(row.place(key), say("ev_missing", what=what), say("ev_date_hint"))
            return None
        value = cell.value
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return Literal(value.isoformat(), datatype=XSD.date)
        text = cell_text(value) or ""
        try:
            return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)
        except ValueError:
            self.problem(row.place(key), say("ev_bad_date", what=what, text=text), say("ev_bad_date_hint"))
            return None

    def blueprint(self, row: Row) -> _Blueprint | None:
        text = row.text("service")
        if text is None:
            self.problem(row.place("service"), say("ev_missing", what=say("ev_what_service")), say("ev_service_hint"))
            return None
        if text not in self.blueprints:
            try:
                iri = repository.resolve_blueprint(self.store, text)
                service, _, version = (iris.blueprint_id(str(iri)) or "").partition("/")
                self.blueprints[text] = _Blueprint(iri, service, version)
            except NotFound as exc:
                self.blueprints[text] = None
                self.problem(row.place("service"), exc.message, exc.hint)
                return None
        found = self.blueprints[text]
        if found is None:
            self.problem(row.place("service"), say("ev_no_blueprint", text=text), say("ev_no_blueprint_hint"))
        return found

    def place(self, node: Node, row: Row, keys: dict[URIRef, str]) -> None:
        self.batch.places[(node, None)] = row.at
        for predicate, key in keys.items():
            self.batch.places[(node, predicate)] = row.place(key)

    def once(self, key: tuple[str, ...], row: Row, what: Text) -> bool:
        if key in self.seen:
            self.problem(row.at, say("ev_twice", what=what, at=self.seen[key]), say("ev_twice_hint"))
            return False
        self.seen[key] = row.at
        return True

    # -- observations --------------------------------------------------------------
    def graph(self, kind: str, period: str, source: str) -> tuple[URIRef, Graph]:
        name = iris.evidence_graph_iri(kind, period, self.source)
        graph = self.batch.graphs.get(name)
        if graph is None:
            graph = self.batch.graphs[name] = Graph()
            graph.add((name, RDF.type, PROV.Entity))
            graph.add((name, DCTERMS.source, Literal(source)))
            graph.add((name, PROV.generatedAtTime, Literal(self.now.isoformat(), datatype=XSD.dateTime)))
            graph.add((name, PROV.wasAttributedTo, Literal(self.agent)))
            graph.add((name, SB.period, Literal(period, datatype=XSD.gYearMonth)))
        return name, graph

    def observation(self, kind: str, period: str, row: Row, source: str, *parts: str) -> tuple[URIRef, Graph]:
        name, graph = self.graph(kind, period, source)
        obs = iris.observation_iri(name, *parts)
        graph.add((obs, RDF.type, QB.Observation))
        graph.add((obs, RDF.type, CLASSES[kind]))
        graph.add((obs, QB.dataSet, DATASETS[kind]))
        graph.add((obs, SB.period, Literal(period, datatype=XSD.gYearMonth)))
        self.place(obs, row, {SB.period: "period"})
        return obs, graph

    def complaints(self, table: Table) -> None:
        for row in table.rows:
            period, category = self.period(row), self.ident(row, "category", say("ev_what_complaint_category"))
            count = self.number(row, "count", say("ev_what_complaint_count"), integer=True)
            if period is None or category is None or count is None:
                continue
            if not self.once(("complaints", period, category), row, say("ev_row_category_in", id=category, period=period)):
                continue
            obs, graph = self.observation("complaints", period, row, table.source, category)
            graph.add((obs, SB.complaintCategory, iris.complaint_category_iri(category)))
            graph.add((obs, SB.complaintCount, count))
            self.place(obs, row, {SB.complaintCategory: "category", SB.complaintCount: "count"})

    def measurements(self, table: Table) -> None:
        tiers = vocabulary().scheme("tier")
        for row in table.rows:
            period, bp = self.period(row), self.blueprint(row)
            standard = self.ident(row, "standard", say("ev_what_service_standard"))
            tier_text = row.text("tier")
            tier = tiers.lookup(tier_text) if tier_text else None
            if tier_text is None:
                self.problem(row.place("tier"), say("ev_missing", what=say("ev_what_customer_tier")),
                             say("ev_one_of_hint", names=", ".join(tiers.names())))
            elif tier is None:
                self.problem(row.place("tier"), say("ev_unknown_tier", text=tier_text),
                             say("ev_one_of_hint", names=", ".join(tiers.names())))
            value = self.number(row, "value", say("ev_what_measured_value"), percent=True)
            sample = self.number(row, "sample_size", say("ev_what_sample_size"), integer=True) if row.text("sample_size") else None
            if period is None or bp is None or standard is None or tier is None or value is None:
                continue
            tier_name = tiers.name_of(tier)
            if not self.once(("measurements", period, bp.service, standard, tier_name), row,
                             say("ev_row_standard_in", id=standard, tier=tier_name, period=period)):
                continue
            obs, graph = self.observation("measurements", period, row, table.source, bp.service, standard, tier_name)
            graph.add((obs, SB.measuredStandard, iris.local_iri(bp.service, bp.version, "standard", standard)))
            graph.add((obs, SB.observedTier, tier))
            graph.add((obs, SB.measuredValue, value))
            if sample is not None:
                graph.add((obs, SB.sampleSize, sample))
            self.place(obs, row, {SB.measuredStandard: "standard", SB.observedTier: "tier", SB.measuredValue: "value",
                                  SB.sampleSize: "sample_size"})

    def surveys(self, table: Table) -> None:
        for row in table.rows:
            period, bp = self.period(row), self.blueprint(row)
            step = self.ident(row, "step", say("ev_what_step"), required=False)
            touchpoint = self.ident(row, "touchpoint", say("ev_what_touchpoint"), required=False)
            if step is None and touchpoint is None and row.text("step") is None and row.text("touchpoint") is None:
                self.problem(row.place("step"), say("ev_survey_item"), say("ev_survey_item_hint"))
            score = self.number(row, "score", say("ev_what_satisfaction_score"))
            scale = self.number(row, "scale", say("ev_what_scale_top"))
            sample = self.number(row, "sample_size", say("ev_what_sample_size"), integer=True)
            if period is None or bp is None or (step is None and touchpoint is None) or None in (score, scale, sample):
                continue
            kind, local = ("step", step) if step is not None else ("touchpoint", touchpoint)
            assert local is not None
            item = say("ev_what_step") if kind == "step" else say("ev_what_touchpoint")
            if not self.once(("surveys", period, bp.service, kind, local), row, say("ev_row_item_in", kind=item, id=local, period=period)):
                continue
            obs, graph = self.observation("surveys", period, row, table.source, bp.service, kind, local)
            graph.add((obs, SB.surveyedItem, iris.local_iri(bp.service, bp.version, kind, local)))
            graph.add((obs, SB.satisfactionScore, score))  # type: ignore[arg-type]
            graph.add((obs, SB.scaleMax, scale))  # type: ignore[arg-type]
            graph.add((obs, SB.sampleSize, sample))  # type: ignore[arg-type]
            self.place(obs, row, {SB.surveyedItem: kind, SB.satisfactionScore: "score", SB.scaleMax: "scale",
                                  SB.sampleSize: "sample_size"})

    # -- the category mapping and the action register ---------------------------------
    def category_mapping(self, table: Table) -> None:
        graph = self.batch.graphs.setdefault(CATEGORIES_GRAPH, Graph())
        graph.add((CATEGORY_SCHEME, RDF.type, SKOS.ConceptScheme))
        graph.add((CATEGORY_SCHEME, RDFS.label, Literal("complaint categories", lang="en")))
        graph.add((CATEGORY_SCHEME, RDFS.label, Literal("投诉类别", lang="zh")))
        graph.add((CATEGORY_SCHEME, DCTERMS.source, Literal(table.source)))
        self.categories = set()  # the mapping is replaced whole
        for row in table.rows:
            category, bp = self.ident(row, "category", say("ev_what_complaint_category")), self.blueprint(row)
            step = self.ident(row, "step", say("ev_what_step"))
            touchpoint = self.ident(row, "touchpoint", say("ev_what_touchpoint"), required=False)
            label_en = row.text("label_en")
            if label_en is None:
                self.problem(row.place("label_en"), say("ev_missing", what=say("ev_what_category_name")),
                             say("ev_category_name_hint"))
            if category is None or bp is None or step is None or label_en is None:
                continue
            if not self.once(("category", category), row, say("ev_row_category", id=category)):
                continue
            self.categories.add(category)
            node = iris.complaint_category_iri(category)
            graph.add((node, RDF.type, SB.ComplaintCategory))
            graph.add((node, RDF.type, SKOS.Concept))
            graph.add((node, SKOS.inScheme, CATEGORY_SCHEME))
            graph.add((node, DCTERMS.identifier, Literal(category)))
            graph.add((node, SKOS.notation, Literal(category)))
            for lang, text in (("en", label_en), ("zh", row.text("label_zh"))):
                if text:
                    graph.add((node, RDFS.label, Literal(text, lang=lang)))
                    graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
            graph.add((node, SB.attributedTo, iris.local_iri(bp.service, bp.version, "step", step)))
            keys = {SB.attributedTo: "step"}
            if touchpoint is not None:
                tp = iris.local_iri(bp.service, bp.version, "touchpoint", touchpoint)
                graph.add((node, SB.attributedTo, tp))
                self.batch.places[(tp, None)] = row.place("touchpoint")
            self.place(node, row, keys)

    def measure_ref(self, row: Row, key: str, text: str, bp: _Blueprint | None) -> URIRef | None:
        """A complaint category by id, else a service standard of the action's service."""
        if text in self.categories:
            return iris.complaint_category_iri(text)
        if bp is not None and iris.is_valid_id(text):
            return iris.local_iri(bp.service, bp.version, "standard", text)
        self.problem(row.place(key), say("ev_not_a_category", text=text), say("ev_not_a_category_hint"))
        return None

    def actions(self, table: Table) -> None:
        statuses = vocabulary().scheme("action_status")
        for row in table.rows:
            ident = self.ident(row, "id", say("ev_what_action"))
            bp = self.blueprint(row) if row.text("service") is not None else None
            due = self.day(row, "due", say("ev_what_due_date"), required=True)
            done = self.day(row, "done", say("ev_what_done_date"), required=False)
            status_text = row.text("status")
            status = statuses.lookup(status_text) if status_text else None
            if status_text is not None and status is None:
                self.problem(row.place("status"), say("ev_unknown_status", text=status_text),
                             say("ev_one_of_hint", names=", ".join(statuses.names())))
            title = row.text("title_en")
            if title is None:
                self.problem(row.place("title_en"), say("ev_missing", what=say("ev_what_action_title")), say("ev_action_title_hint"))
            if ident is None or (status_text is not None and status is None) or title is None:
                continue
            if not self.once(("action", ident), row, say("ev_row_action", id=ident)):
                continue
            node = iris.action_iri(ident)
            graph = self.batch.graphs[node] = Graph()
            graph.add((node, RDF.type, SB.ImprovementAction))
            graph.add((node, DCTERMS.identifier, Literal(ident)))
            graph.add((node, DCTERMS.source, Literal(table.source)))
            for key, prop in (("title", RDFS.label), ("description", DCTERMS.description)):
                for lang in ("en", "zh"):
                    text = row.text(f"{key}_{lang}")
                    if text:
                        graph.add((node, prop, Literal(text, lang=lang)))
            owner = self.ident(row, "owner", say("ev_what_owner_department"), required=False)
            if owner is not None:
                graph.add((node, SB.ownerDepartment, iris.department_iri(owner)))
            if status is not None:
                graph.add((node, SB.actionStatus, status))
            if due is not None:
                graph.add((node, SB.dueDate, due))
            if done is not None:
                graph.add((node, SB.doneDate, done))
            for text in _LIST_SPLIT.split(row.text("fail_points") or ""):
                if not text:
                    continue
                if bp is None:
                    self.problem(row.place("fail_points"), say("ev_fail_points_service"), say("ev_fail_points_service_hint"))
                    break
                graph.add((node, SB.addresses, iris.local_iri(bp.service, bp.version, "step", text)))
            for text in _LIST_SPLIT.split(row.text("evidence") or ""):
                ref = self.measure_ref(row, "evidence", text, bp) if text else None
                if ref is not None:
                    graph.add((node, SB.evidencedBy, ref))
            measure = row.text("measure")
            ref = self.measure_ref(row, "measure", measure, bp) if measure else None
            if ref is not None:
                graph.add((node, SB.expectedToMove, ref))
            self.place(node, row, {SB.ownerDepartment: "owner", SB.actionStatus: "status", SB.dueDate: "due",
                                   SB.doneDate: "done", SB.addresses: "fail_points", SB.evidencedBy: "evidence",
                                   SB.expectedToMove: "measure"})


ORDER = (CATEGORIES, COMPLAINTS, MEASUREMENTS, SURVEYS, ACTIONS)  # the mapping first: the others name categories


def read_evidence(store: Store, files: list[tuple[str, bytes]], *, source: str | None = None, agent: str = "kgbp",
                  now: datetime | None = None, lang: str = "en") -> EvidenceBatch:
    """Read evidence files (name, bytes) into one batch; BadInput naming every bad cell (in `lang`)."""
    try:
        return _read(store, files, source, agent, now)
    except BadInput as exc:
        if lang != "zh":
            raise
        raise BadInput(localise(exc.message, lang), where=exc.where, hint=localise(exc.hint, lang),
                       problems=[p.localised(lang) for p in exc.problems]) from None


def _read(store: Store, files: list[tuple[str, bytes]], source: str | None, agent: str,
          now: datetime | None) -> EvidenceBatch:
    if source is not None and not iris.is_valid_id(source):
        raise BadInput(say("ev_bad_source", source=source), where=source, hint=say("ev_bad_source_hint"))
    reader = _Reader(store, source, agent, now or datetime.now(UTC))
    tables: list[Table] = []
    problems: list[Problem] = []
    for name, data in files:
        try:
            tables.extend(read_tables(data, name))
        except BadInput as exc:
            problems.extend(exc.problems)
        reader.batch.files.append(name)
    if problems:
        raise BadInput(say("ev_problems", n=len(problems)), where=problems[0].where, hint=problems[0].hint,
                       problems=problems)
    for kind in ORDER:
        for table in tables:
            if table.kind is kind:
                getattr(reader, {"categories": "category_mapping"}.get(kind.name, kind.name))(table)
                reader.batch.counts[kind.name] = reader.batch.counts.get(kind.name, 0) + len(table.rows)
    if reader.problems:
        first = reader.problems[0]
        raise BadInput(say("ev_problems", n=len(reader.problems)), where=first.where,
                       hint=first.hint, problems=reader.problems)
    return reader.batch
