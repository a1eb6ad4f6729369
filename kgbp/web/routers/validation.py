"""Validation reports on the web: one blueprint, or the whole repository with counts per
rule and per responsible department; HTML pages and JSON (or Turtle sh:ValidationReport)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import BadInput
from ...i18n import say
from ...repository import save as repository
from ...store import Store
from ...validation.engine import ValidationReport, Validator, report_graph, rules
from ...validation.service import validate_stored
from ..deps import LangDep, StoreDep
from .pages import render

router = APIRouter(tags=["validation"])
FORMATS = ("json", "ttl")


def repository_report(request: Request, store: Store, lang: str) -> ValidationReport:
    """Every stored blueprint validated, kept until the store changes (one per language)."""
    key = (getattr(store, "generation", None), lang)
    cache: dict[Any, ValidationReport] = request.app.state.__dict__.setdefault("validation_reports", {})
    if key[0] is None or key not in cache:
        report = validate_stored(store, [b.iri for b in repository.list_blueprints(store)], Validator(lang=lang))
        if key[0] is not None:
            cache.clear()
            cache[key] = report
        return report
    return cache[key]


def blueprint_report(store: Store, service: str, version: str, lang: str) -> ValidationReport:
    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    return validate_stored(store, [iri], Validator(lang=lang))


def counts_by_rule(report: ValidationReport, lang: str) -> list[dict[str, Any]]:
    """One row per rule (all rules, findings in drafts left out), most findings first."""
    counted = Counter((r.rule, r.severity) for r in report.results if not r.draft)
    rows = [{"rule": rule.id, "title": rule.title(lang), "severity": rule.severity, "area": rule.area,
             "findings": counted[(rule.id, rule.severity)],
             "blueprints": len({r.blueprint for r in report.results if r.rule == rule.id and not r.draft})}
            for rule in rules()]
    return sorted(rows, key=lambda r: (-r["findings"], r["severity"] != "Violation", r["rule"]))


def counts_by_department(report: ValidationReport) -> list[dict[str, Any]]:
    """Findings (outside drafts) per first responsible department of the step they are on."""
    rows: dict[str, dict[str, Any]] = {}
    for r in report.results:
        if r.draft:
            continue
        row = rows.setdefault(r.department, {"department": r.department, "label": r.department_label,
                                             "violations": 0, "warnings": 0})
        row["violations" if r.severity == "Violation" else "warnings"] += 1
    return sorted(rows.values(), key=lambda r: (-r["violations"], -r["warnings"], r["label"]))


def report_body(report: ValidationReport, lang: str, repository_wide: bool) -> dict[str, Any]:
    body = report.as_dict()
    if repository_wide:
        body["by_rule"] = counts_by_rule(report, lang)
        body["by_department"] = counts_by_department(report)
    return body


def _respond(report: ValidationReport, lang: str, fmt: str, repository_wide: bool) -> Any:
    if fmt == "ttl":
        return Response(report_graph(report).serialize(format="turtle"), media_type="text/turtle")
    if fmt != "json":
        raise BadInput(say("unknown_format", fmt=fmt), where="format", hint=say("use_one_of", values=", ".join(FORMATS)))
    return report_body(report, lang, repository_wide)


@router.get("/api/validation", summary="Validate the whole repository (counts per rule and department)")
def api_repository(request: Request, store: StoreDep, lang: LangDep, format: str = "json") -> Any:
    return _respond(repository_report(request, store, lang), lang, format, True)


@router.get("/api/blueprints/{service}/{version}/validation", summary="Validate one stored blueprint")
def api_blueprint(service: str, version: str, store: StoreDep, lang: LangDep, format: str = "json") -> Any:
    return _respond(blueprint_report(store, service, version, lang), lang, format, False)


@router.get("/validation", response_class=HTMLResponse, include_in_schema=False)
def page_repository(request: Request, store: StoreDep, lang: LangDep) -> HTMLResponse:
    report = repository_report(request, store, lang)
    summaries = report.blueprint_summaries()
    counted = [s for s in summaries if not s["draft"]]
    return render(request, "validation.html", lang, report=report, summaries=summaries,
                  conforming=sum(1 for s in counted if s["conforms"]), counted=len(counted),
                  by_rule=counts_by_rule(report, lang), by_department=counts_by_department(report))


@router.get("/blueprints/{service}/{version}/validation", response_class=HTMLResponse, include_in_schema=False)
def page_blueprint(request: Request, service: str, version: str, store: StoreDep, lang: LangDep) -> HTMLResponse:
    report = blueprint_report(store, service, version, lang)
    return render(request, "validation_blueprint.html", lang, report=report, service=service, version=version,
                  blueprint_id=f"{service}/{version}", draft=bool(report.drafts))
