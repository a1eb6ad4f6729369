"""HTML pages (server-rendered, Jinja2). Routers call library functions; no SPARQL here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from ...auth import check_holder, load_holders
from ...errors import KgbpError, NotConformant
from ...i18n import say
from ...model.vocabulary import vocabulary
from ...repository import save as repository
from ...repository.blueprint_view import LANE_ORDER
from ...repository.entities import Entity
from ...store import Store
from ..blueprint_page import PageParts
from ..deps import LangDep, SettingsDep, StoreDep, WritesDep
from ..links import link
from ..messages import messages
from ..prose import mark_codes
from ..static_files import static_url
from ..table import literal_values, notation_label

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
templates.env.globals["link"] = link
templates.env.globals["static"] = static_url  # versioned: answered as immutable (web/static_files.py)
templates.env.filters["mark_codes"] = mark_codes
templates.env.globals["notation_label"] = notation_label
templates.env.globals["term"] = lambda scheme, name, lang: vocabulary().scheme(scheme).label(name, lang)
router = APIRouter(include_in_schema=False)


def inline_svg(svg: bytes) -> str:
    """An SVG document as markup to place in a page (without its XML declaration)."""
    text = svg.decode("utf-8")
    return text[text.index("<svg"):] if "<svg" in text else text


def render(request: Request, name: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, {"lang": lang, "t": messages(lang), **context},
                                          status_code=status_code)
    if request.query_params.get("lang"):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse, response_model=None)
def home(request: Request, store: StoreDep, lang: LangDep, q: str = "",
         page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse | RedirectResponse:
    from ...repository.search import search

    if not q.strip():
        rows = repository.list_blueprints(store, lang)
        return render(request, "home.html", lang, rows=paged(rows, page), q=q, found=None)
    # labels in both languages, ids, steps, systems and departments, whatever the page language
    found = search(store, q, lang)
    exact = found.exact(q)
    if exact is not None and not found.blueprints:  # "BOSS": its system page
        return RedirectResponse(link(exact.iri), status_code=303)
    return render(request, "home.html", lang, rows=paged(found.blueprints, page), q=q, found=found)


@dataclass
class Page:
    """One page of a long listing, with the totals a pager shows."""

    items: list[Any]
    number: int
    total: int
    size: int

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def end(self) -> int:
        return min(self.number * self.size, self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


PAGE_SIZE = 50


def paged(items: list[Any], number: int, size: int = PAGE_SIZE) -> Page:
    number = min(max(1, number), max(1, -(-len(items) // size)))
    return Page(items[(number - 1) * size:number * size], number, len(items), size)


@router.get("/blueprints/{service}/{version}", response_class=HTMLResponse)
async def blueprint_page(request: Request, service: str, version: str, store: StoreDep, lang: LangDep,
                         highlight_system: str = "", highlight: Annotated[list[str] | None, Query()] = None,
                         heat: str = "", period: str = "") -> HTMLResponse:
    from ..blueprint_page import page_cache

    cache = page_cache(request.app)
    plain = not (highlight_system or highlight or heat or period)
    if plain:  # a kept page is answered on the event loop: no thread to wait for while writes run
        iri = repository.resolve_blueprint(store, f"{service}/{version}")  # one ASK on one graph
        body = cache.kept_html(store, iri, lang)
        if body is not None:
            return _html(request, lang, body)
    return await run_in_threadpool(_blueprint_page, request, store, lang, service, version, highlight_system,
                                   highlight or [], heat, period)


def _blueprint_page(request: Request, store: Store, lang: str, service: str, version: str, highlight_system: str,
                    highlight: list[str], heat: str, period: str) -> HTMLResponse:
    from ..blueprint_page import page_cache

    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    cache = page_cache(request.app)
    if highlight_system or highlight or heat or period:  # a view of the moment: drawn for this request
        return _blueprint_response(request, store, iri, lang, service, version, cache.parts(store, iri, lang),
                                   cache.systems(store, lang), highlight_system, highlight, heat, period)
    # the plain page is the same for every visitor in a language: kept, as its parts are, until changed
    return _html(request, lang, cache.html(store, iri, lang, lambda parts, systems: bytes(_blueprint_response(
        request, store, iri, lang, service, version, parts, systems).body)))


def _html(request: Request, lang: str, body: bytes) -> HTMLResponse:
    response = HTMLResponse(body)
    if request.query_params.get("lang"):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _blueprint_response(request: Request, store: Store, iri: URIRef, lang: str, service: str, version: str,
                        parts: PageParts, systems: list[Entity], highlight_system: str = "",
                        highlight: list[str] | None = None, heat: str = "", period: str = "") -> HTMLResponse:
    from ...diagram import draw_svg
    from ..marking import marked

    view, report = parts.view, parts.report
    shown = marked(store, view, report, lang, highlight_system, highlight or [])
    if shown is None and heat and period:  # the evidence heat view (docs/quality-loop.md)
        from ...quality.heat import heat_for

        shown = heat_for(store, iri, heat, period, lang)
    svg = inline_svg(parts.svg if shown is None else draw_svg(view, shown))
    base = f"/api/blueprints/{service}/{version}/export"
    downloads = [("Turtle", f"{base}?format=ttl"), ("JSON-LD", f"{base}?format=jsonld"),
                 ("ArchiMate", f"/export/archimate.xml?service={service}"),
                 ("SVG", f"/blueprints/{service}/{version}/diagram.svg?lang={lang}"),
                 ("PNG", f"/blueprints/{service}/{version}/diagram.png?lang={lang}"),
                 ("PowerPoint", f"/blueprints/{service}/{version}/slide.pptx?lang={lang}")]
    downloads.append(("Excel", f"/api/blueprints/{service}/{version}/export.xlsx"))  # the spreadsheet template, filled
    step_labels = {s.id: s.label for s in view.steps}
    # every system of the repository, parents too: a parent's impact is its parts' impact
    return render(request, "blueprint.html", lang, view=view, svg=svg, report=report, lanes=LANE_ORDER,
                  step_labels=step_labels, systems=[(str(e.iri), e.label) for e in systems], highlight=highlight_system,
                  downloads=downloads, labels=dict(parts.labels), marked_steps=shown.steps if shown else frozenset(),
                  heat=heat, period=period)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, lang: LangDep) -> HTMLResponse:
    return render(request, "upload.html", lang)


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, store: StoreDep, lang: LangDep, settings: SettingsDep, writes: WritesDep,
                 file: UploadFile, token: Annotated[str, Form()] = "",
                 draft: Annotated[bool, Form()] = False) -> HTMLResponse:
    from ...errors import PayloadTooLarge
    from ...ingest.pipeline import Upload, ingest
    from ..deps import writer_of
    from .blueprints import safe_name

    name = safe_name(file.filename)
    try:
        writer = writer_of(request, check_holder(load_holders(settings), token))
        data = await file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise PayloadTooLarge(say("file_too_large", limit=settings.max_upload_bytes), where=name, hint=say("file_too_large_hint"))
        # parsing and validating take seconds on a big file: on the write thread, so other requests go on
        done = await writes.run(ingest, store, [Upload(name, data)], agent=writer, lang=lang, draft=draft,
                                limits=settings.limits)
        result = done.accepted()
    except NotConformant as exc:  # the report says where; the page says what to do here, not the CLI flag
        shown = {**exc.localised(lang), "hint": messages(lang)["rejected_web_hint"], "problems": []}
        return render(request, "upload.html", lang, status_code=422, error=shown, report=exc.report)
    except KgbpError as exc:
        return render(request, "upload.html", lang, status_code=exc.http_status, error=exc.localised(lang))
    return render(request, "upload.html", lang, status_code=201, stored=result.saved, report=result.report,
                  links=[note.text(lang) for note in result.links])


@router.get("/sparql-editor", response_class=HTMLResponse)
def sparql_editor(request: Request, lang: LangDep) -> HTMLResponse:
    return render(request, "sparql.html", lang)



@router.get("/diff", response_class=HTMLResponse)
def diff_page(request: Request, store: StoreDep, lang: LangDep,
              before: Annotated[str, Query(alias="from")] = "", after: Annotated[str, Query(alias="to")] = "",
              service: str = "") -> HTMLResponse:
    from ...lifecycle import diff
    from ...lifecycle.diff_view import diff_svg

    if service and not (before and after):
        a, b = diff.default_pair(store, service)
    else:
        a, b = repository.resolve_blueprint(store, before), repository.resolve_blueprint(store, after)
    svg = diff_svg(store, a, b, lang).decode("utf-8")
    d = diff.compare(store, a, b, lang)
    # ids named in changes (supports, a department's steps) are shown by their labels
    step_labels = {i: s.label for s in (*d.steps, *d.evidence) for i in (s.from_id, s.to_id) if i}
    return render(request, "diff.html", lang, d=d, svg=svg[svg.index("<svg"):], step_labels=step_labels)


@router.get("/questions", response_class=HTMLResponse)
def questions(request: Request, lang: LangDep) -> HTMLResponse:
    from ...query.catalogue import load_catalogue

    return render(request, "questions.html", lang, catalogue=sorted(load_catalogue().values(), key=lambda q: q.name))


QUESTION_PAGE = 100  # rows of an answer per page of the ask page, as in the API


@router.get("/questions/{name}", response_class=HTMLResponse)
def question(request: Request, name: str, store: StoreDep, lang: LangDep, page: int = 1) -> HTMLResponse:
    from urllib.parse import urlencode

    from ...query.answer import answer
    from ...query.catalogue import get, load_catalogue
    from ...repository.entities import list_entities
    from ..table import result_table

    q = get(name)
    values = {p.name: request.query_params[p.name] for p in q.user_params if request.query_params.get(p.name)}
    choices = {p.name: found for p in q.user_params if p.entity and (found := list_entities(store, p.entity, lang))}
    table, error, rows = None, None, None
    if all(p.name in values for p in q.user_params if p.required):  # run as soon as it can
        try:
            given = answer(store, q, values, lang)
            number = min(max(1, page), max(1, -(-given.total // QUESTION_PAGE)))
            rows = Page([], number, given.total, QUESTION_PAGE)  # the pager's numbers; the table holds the rows
            table = result_table(given.page((number - 1) * QUESTION_PAGE, QUESTION_PAGE), lang)
        except KgbpError as exc:
            error = exc
    csv_href = f"/api/queries/{name}?" + urlencode({**values, "lang": lang, "format": "csv"})
    codes = [*q.columns, *(p.name for p in q.params), *(v for p in q.params for v in (p.values or ())),
             *(p.example for p in q.params if p.example), "true", "false",
             *(e.id for found in choices.values() for e in found),
             *load_catalogue(), *literal_values(lang)]
    return render(request, "question.html", lang, q=q, values=values, choices=choices, table=table, error=error,
                  csv_href=csv_href, codes=codes, rows=rows)


def entity_page(request: Request, store: StoreDep, lang: str, node: URIRef, kind: str) -> HTMLResponse:
    """A department, system or channel: its registry entry (labels, aliases, parent, parts,
    status), every blueprint step that names it, and what it answers for or underlies."""
    from ...query.catalogue import run
    from ...registry.listing import find_entry, mentions
    from ..table import result_table

    t = messages(lang)
    entry = find_entry(store, kind, str(node) if kind != "channel" else node_id(node), lang)
    if kind == "department":
        sections = [(t["responsible_for"], "fail_points_by_department", "department"),
                    (t["answers_for"], "department_responsibilities", "department")]
    elif kind == "system":
        sections = [(t["underlies"], "fail_points_by_system", "system"), (t["impact"], "impact_of_system_failure", "system")]
    else:
        sections = []
    tables = []
    for title, name, param in sections:
        table = result_table(run(store, name, {param: str(node)}, lang), lang)
        tables.append({"title": title, "columns": table.titles, "rows": table.rows,
                       "codes": [*table.columns, "true", "false"]})  # column titles name these codes
    return render(request, "entity.html", lang, title=entry.labels.get(lang, ""), iri=str(node), entry=entry,
                  kind_label=t[kind], sections=tables, mentions=mentions(store, entry, lang),
                  rdf_link=f"{link(node)}?format=ttl" if kind != "channel" else "")


def node_id(node: URIRef) -> str:
    from ...model.vocabulary import vocabulary

    return vocabulary().scheme("channel").name_of(node)


@router.get("/registry/{plural}", response_class=HTMLResponse)
def registry_page(request: Request, plural: str, store: StoreDep, lang: LangDep, q: str = "") -> HTMLResponse:
    """Every department, system or channel, searchable by id, label (zh or en) or alias."""
    from ...registry.listing import list_entries
    from ..routers.registry import _kind

    kind = _kind(plural)
    return render(request, "registry.html", lang, kind=kind, plural=plural, q=q,
                  entries=list_entries(store, kind, q, lang))


@router.get("/registry/channels/{ref}", response_class=HTMLResponse)
def channel_page(request: Request, ref: str, store: StoreDep, lang: LangDep) -> HTMLResponse:
    from ...registry.listing import find_entry

    return entity_page(request, store, lang, find_entry(store, "channel", ref, lang).iri, "channel")
