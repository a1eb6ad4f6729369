"""The service-quality meeting pack for June 2026 on the example evidence (figures by hand).

June: no-confirmation-sms 65, suspended-with-balance 44, subscription-failed 40,
charged-not-opened 29, complaint-not-followed-up 10; no hotline breach; A2 overdue (due
2026-05-31, in progress); A1 done in March: subscription-failed 125 a month before
(120, 130, 125), 48.33 after (60, 45, 40).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from kgbp.quality.pack import MeetingPack, gather, months_back, to_html, to_pptx, to_xlsx, write_pack
from kgbp.store.embedded import EmbeddedStore

TOP_STEPS = ["Send the pending-confirmation SMS", "Configure and execute the credit rules in the system",
             "Service activation failed", "Data sync between service systems", "Ticket-system data sync"]


def test_months_back_crosses_the_year() -> None:
    assert months_back("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


@pytest.fixture(scope="module")
def june(evidence_store: EmbeddedStore) -> MeetingPack:
    return gather(evidence_store, "2026-06", "en")


def test_the_pack_holds_the_hand_computed_agenda(june: MeetingPack) -> None:
    pack = june
    assert [p["step_label"] for p in pack.problems] == TOP_STEPS
    assert pack.problems[0]["trend"] == [50, 55, 60, 58, 62, 65]
    assert [(d["department_id"], d["direct"], d["complaints"]) for d in pack.departments] == [
        ("data", "94", "134"), ("business-support", "84", "84"), ("marketing", "0", "44"), ("partner", "0", "40"),
        ("customer-service-centre", "10", "10")]
    assert pack.breaches == []
    assert [(a["action_id"], a["overdue"]) for a in pack.actions] == [
        ("A3", "false"), ("A2", "true"), ("A4", "false")]
    (effect,) = pack.effects
    assert (effect.action_id, effect.before, round(effect.after, 2)) == ("A1", 125.0, 48.33)
    assert [x.blueprint_id for x in pack.excerpts] == ["mobile-tv-subscription/as-is", "arrears-reconnect/as-is"]


def test_html_xlsx_and_pptx_carry_the_top_problems(june: MeetingPack) -> None:
    page = to_html(june).decode("utf-8")
    assert all(step in page for step in TOP_STEPS) and "OVERDUE" in page and "<svg" in page and "<script" not in page
    book = load_workbook(io.BytesIO(to_xlsx(june)))
    assert book.sheetnames == ["Top problems", "Responsible departments", "Standards breached",
                               "Open and overdue actions", "Effect of completed actions"]
    assert [row[0].value for row in book["Top problems"].iter_rows(min_row=2)] == TOP_STEPS
    assert book["Top problems"]["F2"].value == 65
    deck = Presentation(io.BytesIO(to_pptx(june)))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    cells = [cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for cell in row.cells]
    assert "Service-quality meeting 2026-06" in texts
    assert all(step in cells for step in TOP_STEPS) and "A2 Watch the confirmation SMS queue" in cells


def test_the_pack_in_chinese(evidence_store: EmbeddedStore) -> None:
    pack = gather(evidence_store, "2026-06", "zh")
    page = to_html(pack).decode("utf-8")
    assert "服务质量例会 2026-06" in page and "发送待确认短信" in page and "逾期" in page


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")),
                    reason="needs LibreOffice and poppler")
def test_libreoffice_opens_the_pptx_and_the_xlsx(evidence_store: EmbeddedStore, tmp_path: Path) -> None:
    written = write_pack(evidence_store, "2026-06", "en", tmp_path / "pack")
    home = tmp_path / "home"  # a private LibreOffice profile: no clash with a running instance
    for path in written[1:]:  # the .pptx and the .xlsx
        subprocess.run(["soffice", f"-env:UserInstallation=file://{home}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
        pdf = tmp_path / f"{path.stem}.pdf"
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / path.suffix[1:])],
                       check=True, capture_output=True, timeout=120)
        assert list(tmp_path.glob(f"{path.suffix[1:]}*.png")), f"{path.name}: no page rendered"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True,
                              timeout=60).stdout
        flat = " ".join(text.split())
        for step in ("Send the pending-confirmation SMS", "Service activation failed", "Ticket-system data sync"):
            assert step in flat or step.replace(" ", "") in flat.replace(" ", ""), f"{path.name}: {step} missing"
        assert "A2" in flat and "OVERDUE" in flat  # the overdue action (its title wraps in the cell)


def test_a_label_like_a_formula_stays_text(june: MeetingPack) -> None:
    import copy

    pack = copy.deepcopy(june)
    pack.problems[0]["step_label"] = '=HYPERLINK("http://example.org","x")'
    cell = load_workbook(io.BytesIO(to_xlsx(pack)))["Top problems"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
