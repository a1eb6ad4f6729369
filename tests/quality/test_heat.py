"""Heat on the diagram: steps coloured by complaints or breaches of a period, with a legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kgbp.diagram import draw_svg
from kgbp.errors import BadInput
from kgbp.quality.heat import COLOURS, heat, period_range, step_values
from kgbp.repository import save as repository
from kgbp.repository.blueprint_view import load_view
from kgbp.store.embedded import EmbeddedStore

SVG = "{http://www.w3.org/2000/svg}"
TV = "mobile-tv-subscription/as-is"


def _fills(svg: bytes) -> dict[str, str]:
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "step" in (g.get("class") or "").split():
            rect = g.find(f"{SVG}rect")
            assert rect is not None
            out[g.get("data-step-id") or g.get("data-id") or ""] = rect.get("fill") or ""
    return out


def test_complaints_per_step_of_a_month(evidence_store: EmbeddedStore) -> None:
    bp = repository.resolve_blueprint(evidence_store, TV)
    values = {str(k).rsplit("/", 1)[-1]: v for k, v in step_values(evidence_store, bp, "complaints", "2026-06", "2026-06").items()}
    assert values == {"send-confirmation-sms": 65, "service-activation-failed": 40, "data-sync-between-systems": 29,
                      "ticket-system-data-sync": 10}


def test_the_hottest_step_gets_the_hottest_colour_and_a_legend(evidence_store: EmbeddedStore) -> None:
    bp = repository.resolve_blueprint(evidence_store, TV)
    mark = heat(evidence_store, bp, "complaints", "2026-01", "2026-06", "en")
    # 520 at the top: four classes of 130 (1-130, 131-260, 261-390, 391-520)
    assert [text for _, text in mark.heat_legend] == ["Complaints 1–130", "Complaints 131–260", "Complaints 261–390",
                                                      "Complaints 391–520"]
    svg = draw_svg(load_view(evidence_store, bp, "en"), mark)
    text = svg.decode("utf-8")
    assert "Complaints 2026-01–2026-06" in text and "Complaints 391–520" in text
    fills = {k.rsplit("/", 1)[-1]: v for k, v in _fills(svg).items()}
    assert fills["service-activation-failed"] == COLOURS[3]  # 520
    assert fills["send-confirmation-sms"] == COLOURS[2]  # 350
    assert fills["data-sync-between-systems"] == COLOURS[1]  # 186
    assert fills["ticket-system-data-sync"] == COLOURS[0]  # 60
    assert fills["handle-complaint"] not in COLOURS  # no complaints: its department's colour


def test_breaches_colour_the_step_at_the_hotline(evidence_store: EmbeddedStore) -> None:
    bp = repository.resolve_blueprint(evidence_store, TV)
    values = {str(k).rsplit("/", 1)[-1]: v for k, v in step_values(evidence_store, bp, "breaches", "2026-01", "2026-06").items()}
    # five breaches of the hotline standards at handle-complaint's touchpoint; the gold one in
    # February also bounds the customer's call (its wait point)
    assert values == {"handle-complaint": 5, "call-complaint-hotline": 1}
    zh = heat(evidence_store, bp, "breaches", "2026-01", "2026-06", "zh")
    assert zh.label == "服务标准未达标 2026-01–2026-06"


@pytest.mark.parametrize("text", ["2026-13", "2026-06..2026-01", "june"])
def test_a_bad_period_is_refused(text: str) -> None:
    with pytest.raises(BadInput):
        period_range(text)
