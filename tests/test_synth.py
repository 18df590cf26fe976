"""The synthetic corpus: reproducible, spans valid and exact, gold consistent with the text and the rules."""

from __future__ import annotations

import json
import random
import re
from collections import Counter

import pytest

from nianbao.infer.checks import failing_rule_ids
from nianbao.spans import LABELS, Span, validate_spans
from nianbao.template import get_template
from nianbao.train.synth import DAMAGE, HELD_OUT, _draw_spec, generate_corpus, generate_document
from nianbao.train.synth_layouts import LAYOUTS

N_DOCS = 300


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(N_DOCS, seed=7)


@pytest.fixture(scope="module")
def rows(corpus):
    return [dict(r, split=name) for name, ds in corpus.items() for r in ds]


def _spans(row) -> list[Span]:
    return [Span(s["start"], s["end"], s["label"]) for s in row["spans"]]


def parse_value(text: str) -> float | int:
    """A tiny independent parser of printed cells: 减37, +52, 105.650万, 45.82萬元, 0."""
    m = re.fullmatch(r"([+\-增减減]?)(\d+(?:\.\d+)?)(?:万元|萬元|万|萬|元)?", text)
    assert m, f"not a value: {text!r}"
    number = float(m.group(2))
    if m.group(1) in ("-", "减", "減"):
        number = -number
    return int(number) if number.is_integer() else number


def _docs(n: int = 120):
    """(spec, doc, rng state) for documents drawn like the corpus, across splits."""
    out = []
    for i in range(n):
        rng = random.Random(1000 + i)
        spec = _draw_spec(rng, "test" if i % 4 == 0 else "train")
        state = rng.getstate()
        out.append((spec, generate_document(rng, *spec[:3], values=spec[3]), state))
    return out


@pytest.fixture(scope="module")
def docs():
    return _docs()


# --------------------------------------------------------------------------------------------------------


def test_reproducible():
    a = generate_corpus(20, seed=3)
    b = generate_corpus(20, seed=3)
    c = generate_corpus(20, seed=4)
    for split in ("train", "validation", "test"):
        assert a[split].to_list() == b[split].to_list()
    assert a["train"]["text"] != c["train"]["text"]


def test_splits_and_columns(corpus):
    assert set(corpus) == {"train", "validation", "test"}
    assert len(corpus["test"]) == round(N_DOCS * 0.15)
    assert len(corpus["validation"]) == round(N_DOCS * 0.05)
    assert sum(len(d) for d in corpus.values()) == N_DOCS
    for col in ("id", "text", "spans", "gold", "template", "layout", "damage"):
        assert col in corpus["train"].column_names
    ids = [r for d in corpus.values() for r in d["id"]]
    assert len(set(ids)) == N_DOCS and all(re.fullmatch(r"synth-\d{6}", i) for i in ids)


def test_spans_valid_sorted_and_trimmed(rows):
    for row in rows:
        text, spans = row["text"], _spans(row)
        assert not validate_spans(text, spans), row["id"]
        assert spans == sorted(spans)
        for s in spans:
            assert s.label in LABELS
            piece = text[s.start:s.end]
            assert piece == piece.strip(), (row["id"], piece)


def test_gold_format(rows):
    for row in rows:
        gold = json.loads(row["gold"])
        tpl = get_template(gold["template"])
        assert gold["template"] == row["template"]
        assert gold["doc"] == row["id"] + ".txt"
        assert list(gold["cells"]) == list(tpl.keys)
        assert set(gold["lenient"]) <= set(tpl.keys)
        assert set(gold["units"]) <= set(tpl.keys) and set(gold["units"].values()) <= {"万元", "元"}
        assert [s["n"] for s in gold["sections"]] == [1, 2, 3, 4, 5, 6]
        assert set(gold["meta"]) == {"agency", "year"}
        if gold["meta"]["year"] is not None:
            assert (2019 <= gold["meta"]["year"] <= 2020) == (gold["template"] == "2019"
                                                              and "late_2019_layout" not in row["damage"])


def test_sections_match_section_spans(rows):
    for row in rows:
        text, gold = row["text"], json.loads(row["gold"])
        heads = sorted((s.start, text[s.start:s.end]) for s in _spans(row) if s.label == "SECTION")
        assert heads == sorted((s["start"], s["heading"]) for s in gold["sections"] if s["heading"] is not None)
        starts = [s["start"] for s in gold["sections"]]
        assert starts == sorted(starts)
        for s in gold["sections"]:
            assert not text[s["start"]].isspace()
        if "missing_heading" in row["damage"]:
            assert any(s["heading"] is None for s in gold["sections"])


def test_dates_match_date_spans(rows):
    for row in rows:
        text, gold = row["text"], json.loads(row["gold"])
        spans = sorted(s for s in _spans(row) if s.label == "DATE")
        assert [(d["start"], d["text"]) for d in gold["dates"]] == [(s.start, text[s.start:s.end]) for s in spans]
        for d in gold["dates"]:
            assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", d["value"])


def test_failing_checks_are_the_rules_that_fail(rows):
    inconsistent = 0
    for row in rows:
        gold = json.loads(row["gold"])
        assert gold["failing_checks"] == failing_rule_ids(gold["cells"], gold["template"])
        if "inconsistent" in row["damage"]:
            inconsistent += 1
        else:
            assert gold["failing_checks"] == [], row["id"]
    assert 0.04 < inconsistent / len(rows) < 0.2


def test_single_value_spans_parse_to_gold(docs):
    checked = 0
    for spec, doc, _ in docs:
        for key, (start, end) in doc.cell_spans.items():
            piece = doc.text[start:end]
            if " " in piece:
                continue  # a digit split inside a cell: the parser of the post-processor's job
            assert parse_value(piece) == doc.gold["cells"][key], (spec, key, piece)
            checked += 1
    assert checked > 10_000


def test_blank_cells_are_null_and_unspanned(docs):
    for spec, doc, _ in docs:
        nulls = [k for k, v in doc.gold["cells"].items() if v is None]
        if "blank_cells" not in spec[2]:
            assert nulls == [], spec
        covered = set(doc.cell_spans)
        assert not covered & set(nulls)


def test_glued_runs_are_one_span_and_lenient_only_there(docs):
    def printed_row(key: str) -> str:
        return "review" if key.startswith("review/") else key.rsplit("/", 1)[0]

    for spec, doc, _ in docs:
        single = set(doc.cell_spans)
        if spec[1] != "glued":
            assert doc.gold["lenient"] == []
            assert len(single) == sum(v is not None for v in doc.gold["cells"].values())
        glued = {k for k, v in doc.gold["cells"].items() if v is not None and k not in single}
        assert {printed_row(k) for k in doc.gold["lenient"]} <= {printed_row(k) for k in glued}


def test_a_row_is_undetermined_where_its_readings_disagree():
    from nianbao.train.synth_values import undetermined_cells

    tpl = get_template("2021")
    normative = ("active/normative/issued", "active/normative/repealed", "active/normative/in_force")
    # ``4747 47``: 47,47,47 / 474,7,47 / 4,747,47 / 4747,4,7 — even the last cell, a span of its own, is open
    truth = dict(zip(normative, (47, 47, 47)))
    assert undetermined_cells([("4747", normative[:2]), ("47", normative[2:])], truth, tpl, {}) == list(normative)
    # ``690000069`` over the seven applicant columns of a requests row: its own sum leaves one reading
    row = tuple(f"requests/new/{c.key}" for c in tpl.block("requests").cols)
    truth = dict(zip(row, (69, 0, 0, 0, 0, 0, 69)))
    assert undetermined_cells([("690000069", row)], truth, tpl, {}) == []
    # ``315-430`` over 上年项目数量, 本年增/减, 处理决定数量: only the change may be negative, so 315 is known
    licensing = ("active/licensing/prev_items", "active/licensing/change", "active/licensing/decisions")
    truth = dict(zip(licensing, (315, -43, 0)))
    assert undetermined_cells([("315-430", licensing)], truth, get_template("2019"), {}) == list(licensing[1:])


def test_every_layout_and_damage_kind_appears(rows):
    assert Counter(r["layout"] for r in rows).keys() == set(LAYOUTS)
    seen = Counter(d for r in rows for d in r["damage"])
    assert set(DAMAGE) <= set(seen), set(DAMAGE) - set(seen)
    templates = Counter(r["template"] for r in rows)
    assert 0.5 < templates["2019"] / len(rows) < 0.8


def test_held_out_combinations_only_in_test(rows):
    for row in rows:
        held = HELD_OUT[row["layout"]] <= set(row["damage"])
        if row["split"] in ("train", "validation"):
            assert not held and row["values"] != "large", row["id"]
        else:
            assert held or row["values"] == "large", row["id"]
    assert any(r["values"] == "large" for r in rows if r["split"] == "test")


def test_large_profile_has_large_numbers():
    rng = random.Random(5)
    doc = generate_document(rng, "2019", "pipe", frozenset(), values="large")
    counts = [v for k, v in doc.gold["cells"].items() if k.startswith("requests/") and v]
    assert sum(1000 <= v < 1_000_000 for v in counts) >= 5


def test_traditional_keeps_spans_and_maps_back(docs):
    import opencc

    t2s = opencc.OpenCC("t2s")
    seen = 0
    for spec, doc, state in docs:
        if "traditional" not in spec[2]:
            continue
        rng = random.Random()
        rng.setstate(state)
        plain = generate_document(rng, spec[0], spec[1], spec[2] - {"traditional"}, values=spec[3])
        assert len(plain.text) == len(doc.text) and plain.spans == doc.spans
        assert plain.text != doc.text
        for s in doc.spans:
            assert t2s.convert(doc.text[s.start:s.end]) == plain.text[s.start:s.end]
        seen += 1
    assert seen >= 3


def test_damage_shows_in_the_text():
    rng = random.Random(11)
    doc = generate_document(rng, "2019", "lines", frozenset({"heading_numeral_lost", "signed_change",
                                                               "collapsed_dates", "page_chrome"}))
    heads = [s["heading"] for s in doc.gold["sections"]]
    assert any(not h.startswith(tuple("一二三四五六")) for h in heads)
    assert any(re.fullmatch(r"\d{6,8}|\d{5,6}月", d["text"]) for d in doc.gold["dates"])
    assert any(s.label in ("TITLE",) for s in doc.spans)


def test_late_2019_layout_uses_2019_template():
    rng = random.Random(2)
    doc = generate_document(rng, "2019", "tabs", frozenset({"late_2019_layout", "page_chrome"}))
    assert doc.gold["template"] == "2019" and doc.gold["meta"]["year"] >= 2021
    assert "政府集中采购" in doc.text
