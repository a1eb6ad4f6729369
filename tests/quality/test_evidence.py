"""Reading and storing evidence: the one write path for complaints, measurements, surveys,
the category mapping and the action register; bad input names the cell, stores nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from kgbp.cli import app as cli
from kgbp.errors import BadInput
from kgbp.i18n import localise
from kgbp.model.namespaces import ID, SB
from kgbp.quality import load_evidence
from kgbp.store.embedded import EmbeddedStore

from .conftest import EVIDENCE, evidence_files

CATEGORIES = (EVIDENCE / "categories.csv").read_bytes()
COMPLAINTS_GRAPH = URIRef(f"{ID}evidence/complaints/2026-03")


def _graphs(store: EmbeddedStore) -> set[URIRef]:
    return {g for g in store.graph_names() if str(g).startswith((f"{ID}evidence/", f"{ID}action/", f"{ID}quality/"))}


def _refused(store: EmbeddedStore, files: list[tuple[str, bytes]]) -> BadInput:
    before = _graphs(store)
    with pytest.raises(BadInput) as caught:
        load_evidence(store, files)
    assert _graphs(store) == before, "a refused import stored something"
    return caught.value


def _count(store: EmbeddedStore, graph: URIRef, category: str) -> list[int]:
    rows = store.select("""PREFIX sb: <https://w3id.org/kgbp/ontology#>
        SELECT ?n WHERE { GRAPH ?g { ?o sb:complaintCategory ?c ; sb:complaintCount ?n } }""",
                        {"g": graph, "c": URIRef(f"{ID}complaint-category/{category}")})
    return [int(str(r[0])) for r in rows.rows]


def test_the_example_evidence_is_stored_per_kind_and_period(fresh_store: EmbeddedStore) -> None:
    saved = load_evidence(fresh_store, evidence_files())
    assert saved.counts == {"categories": 5, "complaints": 30, "measurements": 18, "surveys": 12, "actions": 4}
    names = {str(g)[len(str(ID)):] for g in saved.graphs}
    assert {f"evidence/complaints/2026-0{m}" for m in range(1, 7)} <= names
    assert {"quality/categories", "action/A1", "action/A4"} <= names
    assert _count(fresh_store, COMPLAINTS_GRAPH, "subscription-failed") == [125]
    # met or breached is derived on write from the standard's target share (0.87 < 0.90)
    met = fresh_store.select("""PREFIX sb: <https://w3id.org/kgbp/ontology#>
        SELECT ?met WHERE { ?o sb:measuredValue ?v ; sb:standardMet ?met ; sb:period ?p ; sb:observedTier ?t .
                            FILTER(STR(?p) = "2026-03") }""", {"t": SB.DiamondTier})
    assert [str(r[0]) for r in met.rows] == ["false"]


def test_reimporting_a_period_replaces_it(fresh_store: EmbeddedStore) -> None:
    load_evidence(fresh_store, evidence_files())
    load_evidence(fresh_store, [("march.csv", b"period,category,count\n2026-03,subscription-failed,7\n")])
    assert _count(fresh_store, COMPLAINTS_GRAPH, "subscription-failed") == [7]
    assert _count(fresh_store, COMPLAINTS_GRAPH, "no-confirmation-sms") == []  # the whole month was replaced
    assert _count(fresh_store, URIRef(f"{ID}evidence/complaints/2026-04"), "subscription-failed") == [60]
    load_evidence(fresh_store, [("march.csv", b"period,category,count\n2026-03,subscription-failed,7\n")])
    total = fresh_store.select("""PREFIX sb: <https://w3id.org/kgbp/ontology#>
        SELECT (COUNT(*) AS ?n) WHERE { ?o sb:complaintCount ?c ; sb:period ?p FILTER(STR(?p) = "2026-03") }""")
    assert int(str(total.rows[0][0])) == 1


def test_a_named_source_keeps_its_own_periods(fresh_store: EmbeddedStore) -> None:
    load_evidence(fresh_store, evidence_files())
    load_evidence(fresh_store, [("hotline.csv", b"period,category,count\n2026-03,subscription-failed,3\n")], source="hotline-crm")
    assert _count(fresh_store, COMPLAINTS_GRAPH, "subscription-failed") == [125]
    assert _count(fresh_store, URIRef(f"{ID}evidence/complaints/hotline-crm/2026-03"), "subscription-failed") == [3]


def test_a_workbook_is_read_sheet_by_sheet(fresh_store: EmbeddedStore) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Categories"
    for line in CATEGORIES.decode("utf-8").splitlines():
        ws.append(line.split(","))
    complaints = book.create_sheet("投诉量")
    complaints.append(["统计期", "投诉类别", "投诉量"])
    complaints.append(["2026-05", "subscription-failed", 45])
    data = io.BytesIO()
    book.save(data)
    saved = load_evidence(fresh_store, [("quality.xlsx", data.getvalue())])
    assert saved.counts == {"categories": 5, "complaints": 1}
    assert _count(fresh_store, URIRef(f"{ID}evidence/complaints/2026-05"), "subscription-failed") == [45]


# -- bad input: each names the place and what to do, and stores nothing ------------------------

def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_a_category_mapped_to_a_step_that_does_not_exist(fresh_store: EmbeddedStore) -> None:
    bad = _csv("category,label_en,label_zh,service,step", "lost-order,Lost order,订单丢失,mobile-tv-subscription,no-such-step")
    error = _refused(fresh_store, [("categories.csv", bad)])
    assert error.problems[0].where == "categories.csv:2 (step)"
    assert "does not have" in error.problems[0].message and "kgbp show" in error.problems[0].hint


def test_a_bad_period(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("categories.csv", CATEGORIES),
                                   ("c.csv", _csv("period,category,count", "2026-13,subscription-failed,4"))])
    assert error.problems[0].where == "c.csv:2 (period)"
    assert "2026-13" in error.problems[0].message and "YYYY-MM" in error.problems[0].hint


def test_a_negative_count(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("categories.csv", CATEGORIES),
                                   ("c.csv", _csv("period,category,count", "2026-02,subscription-failed,5",
                                                  "2026-02,no-confirmation-sms,-3"))])
    assert [p.where for p in error.problems] == ["c.csv:3 (count)"]
    assert "negative" in error.problems[0].message


def test_a_negative_count_in_chinese(fresh_store: EmbeddedStore) -> None:
    with pytest.raises(BadInput) as caught:
        load_evidence(fresh_store, [("categories.csv", CATEGORIES),
                                    ("c.csv", _csv("period,category,count", "2026-02,no-confirmation-sms,-3"))], lang="zh")
    assert "负数" in caught.value.problems[0].message and caught.value.problems[0].where == "c.csv:2 (count)"


def test_a_complaint_category_not_in_the_mapping(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("c.csv", _csv("period,category,count", "2026-02,lost-in-space,5"))])
    assert error.problems[0].where == "c.csv:2 (category)" and "mapping" in error.problems[0].message


def test_a_measurement_for_an_unknown_standard(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("m.csv", _csv("period,service,standard,tier,value",
                                                  "2026-02,mobile-tv-subscription,hotline-answer-platinum,diamond,0.9"))])
    assert error.problems[0].where == "m.csv:2 (standard)"
    assert "no service standard" in error.problems[0].message


def test_a_measurement_for_an_unknown_tier(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("m.csv", _csv("period,service,standard,tier,value",
                                                  "2026-02,mobile-tv-subscription,hotline-answer-gold,platinum,0.9"))])
    assert error.problems[0].where == "m.csv:2 (tier)" and "platinum" in error.problems[0].message
    assert "diamond" in error.problems[0].hint


def test_a_measurement_for_another_tier_than_its_standard(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("m.csv", _csv("period,service,standard,tier,value",
                                                  "2026-02,mobile-tv-subscription,hotline-answer-gold,silver,87%"))])
    assert error.problems[0].where == "m.csv:2" and "another customer tier" in error.problems[0].message


def test_an_action_with_no_owner(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("categories.csv", CATEGORIES), ("a.csv", _csv(
        "id,title_en,service,fail_points,owner,due,status",
        "A9,Fix the SMS gateway,mobile-tv-subscription,send-confirmation-sms,,2026-07-31,agreed"))])
    assert [p.where for p in error.problems] == ["a.csv:2 (owner)"]
    assert "owner department" in error.problems[0].message


def test_an_action_done_without_a_done_date(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("a.csv", _csv("id,title_en,owner,due,status", "A9,Fix it,data,2026-07-31,done"))])
    assert error.problems[0].where == "a.csv:2" and "done date" in error.problems[0].message


def test_a_file_in_the_wrong_encoding(fresh_store: EmbeddedStore) -> None:
    utf16 = "period,category,count\n2026-02,subscription-failed,5\n".encode("utf-16")
    error = _refused(fresh_store, [("c.csv", utf16)])
    assert error.where == "c.csv" and "UTF-8" in error.hint


def test_a_gb18030_file_is_read(fresh_store: EmbeddedStore) -> None:
    text = "category,label_en,label_zh,service,step\nlate-sms,Late SMS,短信延迟,mobile-tv-subscription,send-confirmation-sms\n"
    saved = load_evidence(fresh_store, [("categories.csv", text.encode("gb18030"))])
    label = fresh_store.select("SELECT ?l WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
                               {"c": URIRef(f"{ID}complaint-category/late-sms"), "l": Literal("短信延迟", lang="zh")})
    assert saved.counts == {"categories": 1} and len(label) == 1


def test_a_sheet_with_a_missing_column(fresh_store: EmbeddedStore) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Complaints"
    ws.append(["period", "category"])
    ws.append(["2026-02", "subscription-failed"])
    data = io.BytesIO()
    book.save(data)
    error = _refused(fresh_store, [("evidence.xlsx", data.getvalue())])
    assert error.problems[0].where == "evidence.xlsx!Complaints!A1" and "'count'" in error.problems[0].message


def test_the_cli_exits_2_and_stores_nothing(fresh_store: EmbeddedStore, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    fresh_store.backup(str(folder))
    bad = tmp_path / "complaints.csv"
    bad.write_bytes(_csv("period,category,count", "2026-02,subscription-failed,-1"))
    result = CliRunner().invoke(cli, ["evidence", "load", str(EVIDENCE / "categories.csv"), str(bad), "--store", str(folder)])
    assert result.exit_code == 2, result.output
    assert "complaints.csv:2 (count)" in result.stderr
    good = CliRunner().invoke(cli, ["evidence", "load", *map(str, sorted(EVIDENCE.glob("*.csv"))), "--store", str(folder)])
    assert good.exit_code == 0, good.output
    assert "complaints: 30 row(s)" in good.stdout


HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("files", [
    [("c.csv", _csv("period,category,count", "2026-13,subscription-failed,4"))],
    [("c.csv", _csv("period,category,count", "2026-02,subscription-failed,many"))],
    [("m.csv", _csv("period,service,standard,tier,value", "2026-02,mobile-tv-subscription,hotline-answer-gold,platinum,0.9"))],
    [("m.csv", _csv("period,service,standard,tier,value", "2026-02,no-such-service,hotline-answer-gold,gold,0.9"))],
    [("a.csv", _csv("id,title_en,owner,due,status", "A9,Fix it,data,31/07/2026,someday"))],
    [("c.csv", "period,category,count\n".encode("utf-16"))],
    [("c.csv", _csv("period,category"))],
    [("c.csv", _csv("when,what,how many"))],
    [("c.txt.pdf", b"%PDF")],
], ids=["period", "count", "tier", "service", "action", "encoding", "column", "header", "suffix"])
def test_every_reader_problem_comes_in_chinese(fresh_store: EmbeddedStore, files: list[tuple[str, bytes]]) -> None:
    with pytest.raises(BadInput) as caught:
        load_evidence(fresh_store, files, lang="zh")
    for problem in caught.value.problems:
        assert HAN.search(problem.message), problem.message
        assert not problem.hint or HAN.search(problem.hint), problem.hint


def test_a_reader_problem_is_a_catalogue_text_in_english_that_renders_in_chinese(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("categories.csv", CATEGORIES),
                                   ("c.csv", _csv("period,category,count", "2026-02,subscription-failed,4",
                                                  "2026-02,subscription-failed,5", "2026-02,late-sms,x"))])
    twice, not_a_number = error.problems
    assert twice.message == "category 'subscription-failed' in 2026-02 is given twice (also at c.csv:2)"
    assert not_a_number.message == "the complaint count 'x' is not a number"
    assert twice.localised("zh").message == "2026-02 的类别 'subscription-failed' 重复出现（另见 c.csv:2）"
    assert not_a_number.localised("zh").message == "投诉量 'x' 不是数字"
    assert localise(error.message, "zh") == "证据中有 2 处问题"


def test_a_survey_score_above_its_scale(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("s.csv", _csv("period,service,step,score,scale,sample_size",
                                                  "2026-02,mobile-tv-subscription,handle-complaint,4.1,5,200",
                                                  "2026-02,mobile-tv-subscription,send-success-sms,6.5,5,200"))])
    assert [p.where for p in error.problems] == ["s.csv:3 (score)"] and "scale" in error.problems[0].message


def test_a_survey_of_a_step_the_blueprint_lacks(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("s.csv", _csv("period,service,step,score,scale,sample_size",
                                                  "2026-02,mobile-tv-subscription,no-such-step,4.1,5,200"))])
    assert error.problems[0].where == "s.csv:2 (step)" and "no step or touchpoint" in error.problems[0].message


def test_a_dropped_action_with_a_done_date(fresh_store: EmbeddedStore) -> None:
    error = _refused(fresh_store, [("a.csv", _csv("id,title_en,owner,due,status,done",
                                                  "A9,Fix it,data,2026-07-31,dropped,2026-06-01"))])
    assert error.problems[0].where == "a.csv:2" and "done date" in error.problems[0].message
