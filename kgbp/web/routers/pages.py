"""HTML pages (server-rendered, Jinja2). Routers call library functions; no SPARQL here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from ...auth import check_holder, load_holders
from ...errors import KgbpError, NotConformant
from ...repository import save as repository
from ...repository.blueprint_view import LANE_ORDER, load_view
from ...validation.engine import Validator
from ...validation.service import validate_stored
from ..deps import LangDep, SettingsDep, StoreDep
from ..links import link
from ..messages import messages

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
templates.env.globals["link"] = link
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, {"lang": lang, "t": messages(lang), **context},
                                          status_code=status_code)
    if request.query_params.get("lang"):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, lang: LangDep, q: str = "") -> HTMLResponse:
    rows = repository.list_blueprints(store, lang)
    if q:
        # search labels in both languages, whatever the page language
        other = {b.iri: b for b in repository.list_blueprints(store, "zh" if lang == "en" else "en")}
        needle = q.casefold()
        rows = [b for b in rows if needle in f"{b.service_label} {b.title} {b.id} "
                f"{other[b.iri].service_label} {other[b.iri].title}".casefold()]
    return render(request, "home.html", lang, rows=rows, q=q)


@router.get("/blueprints/{service}/{version}", response_class=HTMLResponse)
def blueprint_page(request: Request, service: str, version: str, store: StoreDep, lang: LangDep,
                   highlight_system: str = "", heat: str = "", period: str = "") -> HTMLResponse:
    from ...diagram import draw_svg

    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    view = load_view(store, iri, lang)
    highlight = None
    if highlight_system:
        from ...diagram.impact import impact_highlight

        highlight = impact_highlight(store, view, highlight_system)
    elif heat and period:  # the evidence heat view (docs/quality-loop.md)
        from ...quality.heat import heat_for

        highlight = heat_for(store, iri, heat, period, lang)
    svg = draw_svg(view, highlight).decode("utf-8")
    svg = svg[svg.index("<svg"):] if "<svg" in svg else svg  # inline: drop the XML declaration
    report = validate_stored(store, [iri], Validator(lang=lang))
    systems = sorted({(str(i), n) for s in view.steps for i, n in zip(s.system_iris, s.systems, strict=False)},
                     key=lambda x: x[1])
    base = f"/api/blueprints/{service}/{version}/export"
    downloads = [("Turtle", f"{base}?format=ttl"), ("JSON-LD", f"{base}?format=jsonld"),
                 ("ArchiMate", f"/export/archimate.xml?service={service}"),
                 ("SVG", f"/blueprints/{service}/{version}/diagram.svg?lang={lang}"),
                 ("PNG", f"/blueprints/{service}/{version}/diagram.png?lang={lang}"),
                 ("PowerPoint", f"/blueprints/{service}/{version}/slide.pptx?lang={lang}")]
    downloads.append(("Excel", f"/api/blueprints/{service}/{version}/export.xlsx"))  # the spreadsheet template, filled
    others = [n for n in (view.refines, view.revision_of) if n is not None]
    labels = repository.labels_of(store, others, lang)
    if view.refines is not None:
        from ...model.iris import blueprint_id

        parent = str(view.refines).rsplit("/step/", 1)[0]
        labels[view.refines] = f"{blueprint_id(parent)} · {labels.get(view.refines, '')}"
    return render(request, "blueprint.html", lang, view=view, svg=svg, report=report, lanes=LANE_ORDER,
                  systems=systems, highlight=highlight_system, downloads=downloads, labels=labels,
                  heat=heat, period=period)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, lang: LangDep) -> HTMLResponse:
    return render(request, "upload.html", lang)


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, store: StoreDep, lang: LangDep, settings: SettingsDep,
                 file: UploadFile, token: Annotated[str, Form()] = "",
                 draft: Annotated[bool, Form()] = False) -> HTMLResponse:
    from ...errors import PayloadTooLarge
    from ..deps import writer_of
    from .blueprints import _read_and_save, safe_name

    name = safe_name(file.filename)
    try:
        writer = writer_of(request, check_holder(load_holders(settings), token))
        data = await file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise PayloadTooLarge(f"file larger than {settings.max_upload_bytes} bytes", where=name,
                                  hint="split it into one file per blueprint")
        # parsing and validating take seconds on a big file: off the event loop, so other requests go on
        result = await run_in_threadpool(_read_and_save, store, data, name, lang, draft, writer, None,
                                         settings.limits)
    except NotConformant as exc:
        return render(request, "upload.html", lang, status_code=422, error=exc, report=exc.report)
    except KgbpError as exc:
        return render(request, "upload.html", lang, status_code=exc.http_status, error=exc)
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
    return render(request, "diff.html", lang, d=diff.compare(store, a, b, lang), svg=svg[svg.index("<svg"):])


@router.get("/history", response_class=HTMLResponse)
def history_page(request: Request, store: StoreDep, lang: LangDep, blueprint: str = "") -> HTMLResponse:
    from ...repository import history

    iri = history.resolve(store, blueprint) if blueprint else None
    return render(request, "history.html", lang, activities=history.activities(store, iri), blueprint=blueprint)


@router.get("/questions", response_class=HTMLResponse)
def questions(request: Request, lang: LangDep) -> HTMLResponse:
    from ...query.catalogue import load_catalogue

    return render(request, "questions.html", lang, catalogue=sorted(load_catalogue().values(), key=lambda q: q.name))


@router.get("/questions/{name}", response_class=HTMLResponse)
def question(request: Request, name: str, store: StoreDep, lang: LangDep) -> HTMLResponse:
    from urllib.parse import urlencode

    from ...query.catalogue import get, run
    from ...repository.entities import list_entities
    from ..table import result_table

    q = get(name)
    values = {p.name: request.query_params[p.name] for p in q.user_params if request.query_params.get(p.name)}
    choices = {p.name: list_entities(store, p.entity, lang) for p in q.user_params if p.entity}
    table, error = None, None
    if all(p.name in values for p in q.user_params if p.required):  # run as soon as it can
        try:
            table = result_table(run(store, q, values, lang), lang)
        except KgbpError as exc:
            error = exc
    csv_href = f"/api/queries/{name}?" + urlencode({**values, "lang": lang, "format": "csv"})
    return render(request, "question.html", lang, q=q, values=values, choices=choices, table=table, error=error,
                  csv_href=csv_href)


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
        tables.append({"title": title, "columns": table.titles, "rows": table.rows})
    return render(request, "entity.html", lang, title=entry.label(lang), iri=str(node), entry=entry,
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
