"""Tests of nianbao.eval.metrics: scores of hand-built records against gold files."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from nianbao.eval.metrics import (
    EvalReport,
    cell_correct,
    evaluate,
    evaluate_files,
    match_offsets,
    render,
    tag_scores,
)

SHARED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"


def small_gold() -> dict:
    """A tiny gold file in the spec's format (real gold files have ~200 cells; the metrics don't care)."""
    return {
        "doc": "t1.txt",
        "template": "2019",
        "meta": {"agency": "某县人民政府", "year": 2020},
        "cells": {
            "active/rules/new_made": 6,
            "active/rules/new_published": 0,
            "requests/new/total": 12,
            "requests/carried_over/total": 0,
            "requests/total/natural": None,
            "review/reconsideration/upheld": 2,
            "review/reconsideration/corrected": 0,
            "active/procurement/amount": 105.65,
        },
        "units": {"active/procurement/amount": "万元"},
        "lenient": ["requests/new/total"],
        "sections": [{"n": 1, "start": 10, "heading": "一、总体情况"},
                     {"n": 2, "start": 200, "heading": "二、主动公开"},
                     {"n": 5, "start": 900, "heading": None}],
        "dates": [{"text": "2020年4月8日", "start": 50, "value": "2020-04-08"},
                  {"text": "20208月", "start": 300, "value": "2020-08"}],
        "failing_checks": ["requests.balance/total", "review.sum/reconsideration"],
    }


def perfect_record(gold: dict) -> dict:
    """The output record a perfect extractor would write for this gold file (with an extra field)."""
    failing = set(gold["failing_checks"])
    return {
        "doc": gold["doc"],
        "status": "ok",
        "error": None,
        "template": gold["template"],
        "meta": dict(gold["meta"]),
        "sections": [{"n": s["n"], "start": s["start"], "end": s["start"] + 5, "heading": s["heading"]}
                     for s in gold["sections"]],
        "cells": dict(gold["cells"]),
        "units": dict(gold["units"]),
        "dates": [{"text": d["text"], "start": d["start"], "end": d["start"] + len(d["text"]), "value": d["value"]}
                  for d in gold["dates"]],
        # Passing checks in the record must not count as failing predictions.
        "checks": [{"id": i, "status": "fail", "detail": ""} for i in sorted(failing)]
        + [{"id": "requests.row_sum/granted", "status": "pass", "detail": ""},
           {"id": "review.sum/litigation_direct", "status": "incomplete", "detail": ""}],
        "flags": [],
        "cell_confidence": {k: 0.99 for k in gold["cells"]},
    }


def assert_perfect(report: EvalReport) -> None:
    assert report.cells.value == 1.0
    assert report.nonzero.value == 1.0
    assert report.exact.value == 1.0
    assert report.template.value == 1.0
    for prf in (report.sections, report.dates, report.checks):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    for t, r in report.tables.items():
        assert r.value == 1.0, t
    assert report.agency.value in (1.0, None) and report.year.value in (1.0, None)
    assert all(not d.wrong_cells for d in report.docs)
    assert report.missing_preds == [] and report.unmatched_preds == []


# ---------------------------------------------------------------------------------------------------------


def test_perfect_record_scores_one_everywhere():
    gold = small_gold()
    report = evaluate([gold], [perfect_record(gold)])
    assert_perfect(report)
    assert report.agency.value == 1.0 and report.year.value == 1.0
    assert list(report.tables) == ["active", "requests", "review"]
    json.dumps(report.to_json())  # serialisable


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="shared gold files not present")
def test_shared_gold_files_against_themselves(tmp_path):
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SHARED_GOLD.glob("*.json"))]
    preds = tmp_path / "pred.jsonl"
    preds.write_text("\n".join(json.dumps(perfect_record(g), ensure_ascii=False) for g in golds) + "\n",
                     encoding="utf-8")
    report = evaluate_files(SHARED_GOLD, preds)
    assert len(report.docs) == len(golds)
    assert_perfect(report)
    assert report.cells.total == sum(len(g["cells"]) for g in golds)


def test_one_wrong_cell():
    gold = small_gold()
    pred = perfect_record(gold)
    pred["cells"]["requests/carried_over/total"] = 3
    report = evaluate([gold], [pred])
    assert report.cells.correct == 7 and report.cells.total == 8
    assert report.cells.value == pytest.approx(7 / 8)
    # Non-zero cells: gold values not 0 (null included): 6, 12, None, 2, 105.65 → the wrong cell is a 0.
    assert (report.nonzero.correct, report.nonzero.total) == (5, 5)
    assert report.tables["requests"].correct == 2 and report.tables["requests"].total == 3
    assert report.tables["active"].value == 1.0
    assert report.exact.value == 0.0
    [doc] = report.docs
    assert [(w.key, w.gold, w.pred) for w in doc.wrong_cells] == [("requests/carried_over/total", 0, 3)]
    out = report.to_json()
    assert out["docs"][0]["wrong_cells"][0]["key"] == "requests/carried_over/total"
    assert out["overall"]["cells"]["value"] == pytest.approx(7 / 8)

    console = Console(file=io.StringIO(), width=200)
    render(report, console)
    text = console.file.getvalue()
    assert "requests/carried_over/total" in text and "87.5%" in text


def test_number_comparison_is_exact_after_parsing():
    assert cell_correct(3, 3.0)
    assert cell_correct(105.65, "105.650")
    assert not cell_correct(105.65, 105.6)
    assert not cell_correct(1, True)
    assert not cell_correct(None, 0)
    assert not cell_correct(0, None)
    assert cell_correct(None, None)
    assert not cell_correct(None, None, present=False)  # absent key ≠ null


def test_lenient_null_accepted_but_wrong_value_is_wrong():
    gold = small_gold()
    pred = perfect_record(gold)
    pred["cells"]["requests/new/total"] = None  # lenient: null accepted
    assert evaluate([gold], [pred]).cells.value == 1.0
    pred["cells"]["requests/new/total"] = 11  # lenient does not excuse a wrong number
    report = evaluate([gold], [pred])
    assert report.cells.correct == 7
    assert [w.key for w in report.docs[0].wrong_cells] == ["requests/new/total"]
    # A non-lenient key does not accept null.
    pred = perfect_record(gold)
    pred["cells"]["requests/carried_over/total"] = None
    assert evaluate([gold], [pred]).cells.correct == 7


def test_absent_key_is_wrong():
    gold = small_gold()
    pred = perfect_record(gold)
    del pred["cells"]["requests/total/natural"]  # gold null, but the key must be present
    report = evaluate([gold], [pred])
    assert report.cells.correct == 7
    assert report.docs[0].wrong_cells[0].absent


def test_wrong_template_scores_zero_cells():
    gold = small_gold()
    pred = perfect_record(gold)
    pred["template"] = "2021"
    report = evaluate([gold], [pred])
    assert report.cells.correct == 0 and report.cells.total == 8
    assert report.nonzero.correct == 0
    assert report.exact.value == 0.0 and report.template.value == 0.0
    # Everything else is scored on its own.
    assert report.sections.f1 == 1.0 and report.dates.f1 == 1.0 and report.checks.f1 == 1.0
    console = Console(file=io.StringIO(), width=200)
    render(report, console)
    assert "template 2021 instead of 2019" in console.file.getvalue()


@pytest.mark.parametrize("shift, counts", [(2, True), (-2, True), (3, False), (-3, False)])
def test_section_start_tolerance(shift, counts):
    gold = small_gold()
    pred = perfect_record(gold)
    pred["sections"][1]["start"] += shift
    s = evaluate([gold], [pred]).sections
    assert s.tp == (3 if counts else 2)
    assert s.precision == pytest.approx(1.0 if counts else 2 / 3)
    assert s.recall == pytest.approx(1.0 if counts else 2 / 3)


def test_section_number_must_match():
    gold = small_gold()
    pred = perfect_record(gold)
    pred["sections"][2]["n"] = 6  # right place, wrong section
    report = evaluate([gold], [pred])
    assert report.sections.tp == 2
    assert report.docs[0].sections_missed == [[5, 900]] and report.docs[0].sections_spurious == [[6, 900]]


def test_date_matching_is_one_to_one_and_by_value():
    gold = small_gold()
    pred = perfect_record(gold)
    pred["dates"].append(dict(pred["dates"][0], start=51))  # duplicate of a matched date: spurious
    pred["dates"][1]["value"] = "2020-09"  # right place, wrong value
    d = evaluate([gold], [pred]).dates
    assert (d.tp, d.n_pred, d.n_gold) == (1, 3, 2)
    assert d.precision == pytest.approx(1 / 3) and d.recall == pytest.approx(1 / 2)
    assert d.f1 == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))


def test_offset_matching_is_maximal():
    # Closest-first greedy would pair gold 3 with pred 2 and leave gold 0 unmatched.
    pairs = match_offsets([(1, 0), (1, 3)], [(1, 2), (1, 5)])
    assert sorted(pairs) == [(0, 0), (1, 1)]


def test_missing_prediction_and_unmatched_prediction():
    g1, g2 = small_gold(), small_gold()
    g2["doc"] = "t2.txt"
    extra = perfect_record(g1)
    extra["doc"] = "nobody.txt"
    report = evaluate([g1, g2], [perfect_record(g1), extra])
    assert report.missing_preds == ["t2.txt"]
    assert report.unmatched_preds == ["nobody.txt"]
    assert report.cells.correct == 8 and report.cells.total == 16
    assert report.exact.value == 0.5
    assert (report.sections.tp, report.sections.n_pred, report.sections.n_gold) == (3, 3, 6)
    assert report.sections.precision == 1.0 and report.sections.recall == 0.5
    assert report.dates.recall == 0.5 and report.checks.recall == 0.5
    assert report.agency.value == 0.5 and report.year.value == 0.5
    missing = report.docs[1]
    assert not missing.has_pred and missing.cells.value == 0.0
    assert missing.sections.f1 == 0.0 and missing.checks.precision == 0.0
    assert len(missing.wrong_cells) == 8


def test_checks_precision_recall():
    gold = small_gold()  # failing: requests.balance/total, review.sum/reconsideration
    pred = perfect_record(gold)
    pred["checks"] = [
        {"id": "requests.balance/total", "status": "fail", "detail": ""},
        {"id": "requests.row_sum/total", "status": "fail", "detail": ""},  # false alarm
        {"id": "review.sum/reconsideration", "status": "incomplete", "detail": ""},  # not a fail: missed
    ]
    report = evaluate([gold], [pred])
    c = report.checks
    assert (c.tp, c.n_pred, c.n_gold) == (1, 2, 2)
    assert c.precision == 0.5 and c.recall == 0.5
    assert report.docs[0].checks_missed == ["review.sum/reconsideration"]
    assert report.docs[0].checks_spurious == ["requests.row_sum/total"]


def test_checks_empty_sides_convention():
    gold = small_gold()
    gold["failing_checks"] = []
    pred = perfect_record(gold)  # no failing checks either: perfect
    c = evaluate([gold], [pred]).checks
    assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0)
    pred["checks"].append({"id": "review.sum/litigation_after", "status": "fail", "detail": ""})
    c = evaluate([gold], [pred]).checks
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)
    # Gold failures, none predicted: nothing right was found.
    c = evaluate([small_gold()], [dict(perfect_record(small_gold()), checks=[])]).checks
    assert (c.precision, c.recall) == (0.0, 0.0)


def test_meta_null_gold_not_scored_and_wrong_values():
    gold = small_gold()
    gold["meta"] = {"agency": None, "year": 2020}
    pred = perfect_record(small_gold())
    pred["meta"] = {"agency": "别的机关", "year": "2021"}
    report = evaluate([gold], [pred])
    assert report.agency.total == 0 and report.agency.value is None
    assert (report.year.correct, report.year.total) == (0, 1)
    pred["meta"]["year"] = "2020"
    assert evaluate([gold], [pred]).year.value == 1.0


def test_evaluate_files_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        evaluate_files(tmp_path / "nope", tmp_path / "p.jsonl")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    with pytest.raises(ValueError, match="no \\*.json"):
        evaluate_files(gold_dir, tmp_path / "p.jsonl")
    (gold_dir / "t1.json").write_text(json.dumps(small_gold(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="does not exist"):
        evaluate_files(gold_dir, tmp_path / "p.jsonl")
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps(perfect_record(small_gold())) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"p\.jsonl:3: not valid JSON"):
        evaluate_files(gold_dir, preds)
    preds.write_text(json.dumps(perfect_record(small_gold())) + "\n\n", encoding="utf-8")
    assert evaluate_files(gold_dir, preds).cells.value == 1.0


def test_render_and_json_do_not_mutate_and_serialise():
    gold = small_gold()
    pred = perfect_record(gold)
    pred["cells"]["active/procurement/amount"] = 105.6
    before = copy.deepcopy((gold, pred))
    report = evaluate([gold], [pred])
    assert (gold, pred) == before
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["tables"]["active"] == {"correct": 2, "total": 3, "value": pytest.approx(2 / 3)}
    console = Console(file=io.StringIO(), width=200)
    render(report, console, show_wrong=False)
    assert "active/procurement/amount" not in console.file.getvalue()
    assert "Per document" in console.file.getvalue()


# ---------------------------------------------------------------------------------------------------------


def test_tag_scores_known_answer():
    true = [["B-VALUE", "I-VALUE", "O", "B-DATE", "I-DATE", "O"],
            ["B-SECTION", "I-SECTION", "O", "B-VALUE", "O"]]
    pred = [["B-VALUE", "I-VALUE", "O", "B-DATE", "O", "O"],  # DATE cut short: wrong span
            ["B-SECTION", "I-SECTION", "O", "B-VALUE", "B-VALUE"]]  # one extra VALUE
    s = tag_scores(true, pred)
    assert set(s["labels"]) == {"DATE", "SECTION", "VALUE"}
    assert s["labels"]["VALUE"] == {"precision": pytest.approx(2 / 3), "recall": 1.0,
                                    "f1": pytest.approx(0.8), "support": 2}
    assert s["labels"]["DATE"]["precision"] == 0.0 and s["labels"]["DATE"]["recall"] == 0.0
    assert s["labels"]["SECTION"]["f1"] == 1.0
    # 3 right out of 5 predicted spans and 4 gold spans.
    assert s["micro"]["precision"] == pytest.approx(3 / 5)
    assert s["micro"]["recall"] == pytest.approx(3 / 4)
    assert s["micro"]["support"] == 4
    assert s["token_accuracy"] == pytest.approx(9 / 11)
    assert all(type(v) is float for v in s["micro"].values() if not isinstance(v, int))
    json.dumps(s)


def test_tag_scores_stray_inside_tag_starts_a_span():
    # Decoded like nianbao.spans.bio_to_spans: the stray I-VALUE is a VALUE span of its own.
    s = tag_scores([["O", "B-VALUE", "O"]], [["O", "I-VALUE", "O"]])
    assert s["micro"]["f1"] == 1.0


def test_tag_scores_length_mismatch():
    with pytest.raises(ValueError):
        tag_scores([["O", "O"]], [["O"]])
