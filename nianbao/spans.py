"""The span scheme: what a tagger predicts and an annotator draws.

A span is a labelled run of characters of the raw text, in Python string indices (``end`` exclusive).
The labels and the rules for drawing them are documented with examples in ``data/README.md``; this module
is their single definition in code (the tagger's BIO tags, the Label Studio config and the validators are
all derived from :data:`LABELS`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

#: Span labels, with the one-line meaning shown to annotators (and their Label Studio hotkey).
LABELS: dict[str, str] = {
    "SECTION": "heading of one of the six top-level sections 一…六, even damaged (、存在问题…)",
    "TABLE_TITLE": "title of a 主动公开 block: 第二十条第（一）项 …",
    "COL_HEADER": "a column header cell of a statistical table (本年新制作数量, 自然人, 结果维持 …)",
    "ROW_LABEL": "a row label cell of a statistical table, heading rows included (规章, （三）不予公开, 1.属于国家秘密 …)",
    "VALUE": "the text of one value cell (0, 1 0, 减37, 105.650万); a run of cells glued with no delimiter is one span",
    "DATE": "a date of month or day precision, collapsed forms included (2020年4月8日, 2021-02-08 11:13, 202048, 20208月)",
    "TITLE": "the report's title (agency + year + 政府信息公开工作年度报告), wherever it stands",
    "AGENCY": "the reporting body's name in the signature or a 发布机构 field",
}
HOTKEYS: dict[str, str] = {"SECTION": "s", "TABLE_TITLE": "t", "COL_HEADER": "c", "ROW_LABEL": "r",
                           "VALUE": "v", "DATE": "d", "TITLE": "i", "AGENCY": "a"}

#: Labels two spans of which never touch: a glued run of values is one VALUE span, a title one TITLE span.
#: (Row labels and column headers do touch in glued layouts: ``（三）不予公开1.属于国家秘密``.)
NEVER_ADJACENT: frozenset[str] = frozenset({"SECTION", "TABLE_TITLE", "VALUE", "DATE", "TITLE", "AGENCY"})

#: BIO tags for token classification, index = class id.
BIO_TAGS: list[str] = ["O"] + [f"{p}-{label}" for label in LABELS for p in ("B", "I")]


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str
    score: float | None = None  # tagger confidence (mean max-probability over the span's characters)

    def text(self, doc: str) -> str:
        return doc[self.start:self.end]

    def to_json(self) -> dict:
        d = asdict(self)
        if d["score"] is None:
            del d["score"]
        return d


def validate_spans(text: str, spans: list[Span]) -> list[str]:
    """Problems with a span list: out of range, empty, unknown label, overlaps. Empty list = valid."""
    problems = []
    for s in spans:
        if s.label not in LABELS:
            problems.append(f"unknown label {s.label!r} at {s.start}-{s.end}")
        if not (0 <= s.start < s.end <= len(text)):
            problems.append(f"{s.label} span {s.start}-{s.end} outside text of length {len(text)}")
    ordered = sorted(spans)
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            problems.append(f"{a.label} {a.start}-{a.end} overlaps {b.label} {b.start}-{b.end}")
    return problems


def spans_to_bio(text: str, spans: list[Span]) -> list[str]:
    """One BIO tag per character."""
    tags = ["O"] * len(text)
    for s in spans:
        tags[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label}"
    return tags


def bio_to_spans(tags: list[str]) -> list[Span]:
    """Spans from a BIO sequence; a stray I- starts a span (robust decoding of model output)."""
    spans: list[Span] = []
    label, start = None, 0
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, lab = tag.partition("-")
        if label is not None and (prefix != "I" or lab != label):
            spans.append(Span(start, i, label))
            label = None
        if prefix == "B" or (prefix == "I" and label is None):
            label, start = lab, i
    return spans


# Span files are Label Studio tasks (importable as they are): {"data": {"text", "doc"}, "annotations":
# [{"result": [{"from_name": "label", "to_name": "text", "type": "labels", "value": {start, end, text,
# labels}}]}]}. Label Studio counts offsets in UTF-16 code units, Python in code points: the two differ
# after any character outside the Basic Multilingual Plane, so offsets are converted on the way in and out.

FROM_NAME, TO_NAME = "label", "text"


def utf16_offsets(text: str) -> list[int]:
    """``table[i]`` = UTF-16 offset of Python index ``i`` (length len(text) + 1)."""
    table, pos = [0], 0
    for ch in text:
        pos += 2 if ord(ch) > 0xFFFF else 1
        table.append(pos)
    return table


def python_index(text: str) -> dict[int, int]:
    """UTF-16 offset → Python index, for the offsets that fall on character boundaries."""
    return {u: i for i, u in enumerate(utf16_offsets(text))}


def spans_to_ls_result(text: str, spans: list[Span]) -> list[dict]:
    u16 = utf16_offsets(text)
    out = []
    for s in sorted(spans):
        item = {"from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
                "value": {"start": u16[s.start], "end": u16[s.end], "text": s.text(text), "labels": [s.label]}}
        if s.score is not None:
            item["score"] = round(s.score, 4)
        out.append(item)
    return out


def ls_result_to_spans(text: str, result: list[dict]) -> tuple[list[Span], list[str]]:
    """Spans from a Label Studio result list, and the problems of the items that could not be taken."""
    back = python_index(text)
    spans, problems = [], []
    for item in result:
        if item.get("type") != "labels":
            continue
        v = item.get("value", {})
        labels = v.get("labels") or []
        start, end = back.get(v.get("start")), back.get(v.get("end"))
        if len(labels) != 1:
            problems.append(f"span {v.get('start')}-{v.get('end')} has {len(labels)} labels, expected 1")
        elif start is None or end is None or not start < end:
            problems.append(f"{labels[0]} span {v.get('start')}-{v.get('end')} is not inside the text")
        elif "text" in v and v["text"] != text[start:end]:
            problems.append(f"{labels[0]} span {v.get('start')}-{v.get('end')}: its text {v['text']!r} "
                            f"does not match the document ({text[start:end]!r})")
        else:
            spans.append(Span(start, end, labels[0], item.get("score")))
    problems += validate_spans(text, spans)
    return spans, problems


def save_span_file(path: str | Path, doc: str, text: str, spans: list[Span]) -> None:
    """Write a Label Studio task holding the document and its spans as one annotation."""
    task = {"data": {"text": text, "doc": doc}, "annotations": [{"result": spans_to_ls_result(text, spans)}]}
    Path(path).write_text(json.dumps(task, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_span_file(path: str | Path, text: str | None = None) -> list[Span]:
    """Spans of a span file (a Label Studio task). ``text``, if given, must be the task's text."""
    task = json.loads(Path(path).read_text(encoding="utf-8"))
    task_text = task["data"]["text"]
    if text is not None and text != task_text:
        raise ValueError(f"{path}: the span file was drawn on a different text than the input")
    result = task["annotations"][0]["result"] if task.get("annotations") else []
    spans, problems = ls_result_to_spans(task_text, result)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems[:5]))
    return spans
