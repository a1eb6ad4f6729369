"""HTML pages (server-rendered, Jinja2). Routers call library functions; no SPARQL here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from rdflib import URIRef

from ...auth import check_holder, load_holders
from ...errors import KgbpError, NotConformant
from ...ingest import SharedIndex, read_bytes
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
                   highlight_system: str = "") -> HTMLResponse:
    from ...diagram import draw_svg

    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    view = load_view(store, iri, lang)
    highlight = None
    if highlight_system:
        from ...diagram.impact import impact_highlight

        highlight = impact_highlight(store, view, highlight_system)
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
                  systems=systems, highlight=highlight_system, downloads=downloads, labels=labels)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, lang: LangDep) -> HTMLResponse:
    return render(request, "upload.html", lang)


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, store: StoreDep, lang: LangDep, settings: SettingsDep,
                 file: UploadFile, token: Annotated[str, Form()] = "",
                 draft: Annotated[bool, Form()] = False) -> HTMLResponse:
    from ...errors import PayloadTooLarge
    from ..deps import writer_of
    from .blueprints import safe_name

    name = safe_name(file.filename)
    try:
        writer = writer_of(request, check_holder(load_holders(settings), token))
        data = await file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise PayloadTooLarge(f"file larger than {settings.max_upload_bytes} bytes", where=name,
                                  hint="split it into one file per blueprint")
        blueprints = read_bytes(data, name, SharedIndex.from_store(store))
        result = repository.save(store, blueprints, validator=Validator(lang=lang), draft=draft, agent=writer)
    except NotConformant as exc:
        return render(request, "upload.html", lang, status_code=422, error=exc, report=exc.report)
    except KgbpError as exc:
        return render(request, "upload.html", lang, status_code=exc.http_status, error=exc)
    return render(request, "upload.html", lang, status_code=201, stored=result.saved, report=result.report)


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
    """A department or a system: what it is responsible for or underlies, across services."""
    from ...query.catalogue import run
    from ...repository.entities import entity_label
    from ..table import result_table

    t = messages(lang)
    if kind == "department":
        sections = [(t["responsible_for"], "fail_points_by_department", "department")]
    else:
        sections = [(t["underlies"], "fail_points_by_system", "system"), (t["impact"], "impact_of_system_failure", "system")]
    tables = []
    for title, name, param in sections:
        table = result_table(run(store, name, {param: str(node)}, lang), lang)
        tables.append({"title": title, "columns": table.titles, "rows": table.rows})
    return render(request, "entity.html", lang, title=entity_label(store, node, lang), iri=str(node),
                  kind_label=t[kind], sections=tables, rdf_link=f"{link(node)}?format=ttl")
