"""Score output records against gold files (the metrics of ../shared/spec/README.md).

Everything here is a pure function over plain dicts (gold-file dicts and output-record dicts) returning
plain dataclasses; :func:`render` and :meth:`EvalReport.to_json` only present what :func:`evaluate` computed.

Conventions (beyond the spec):

* Documents are matched on ``doc`` exactly. A gold document without a prediction scores as a record that
  found nothing (0 cells right, every section/date/failing check missed, meta wrong where scored); a
  prediction without gold is ignored and listed in ``EvalReport.unmatched_preds``.
* A cell key absent from the prediction is wrong, even where gold is null: the spec asks for every key of
  the template, null included.
* Precision over zero predictions and recall over zero gold items are 1.0 only when the other side is
  empty too (nothing to find and nothing claimed = perfect); otherwise 0.0. So a document with gold items
  and no predictions has P = R = F1 = 0, and one with predictions but no gold items also has P = R = F1 = 0.
* An accuracy over zero scored items (e.g. non-zero accuracy of an all-zero document, year accuracy when
  no gold states a year) is ``None``: not scored, rendered as "–", not counted as 0 or 1.
* Offsets match one-to-one: within each (n) or (value) group, gold and predicted starts are paired by a
  sweep in order of position, which finds the largest possible number of pairs within the tolerance.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

#: A predicted start counts if it lies within this many characters of the gold start.
OFFSET_TOLERANCE = 2

#: Table order in reports; tables not listed here (should not happen) follow alphabetically.
TABLE_ORDER = ("active", "requests", "review")


# --------------------------------------------------------------------------------------------------------
# Small counters


@dataclass
class Ratio:
    """``correct`` out of ``total``; ``value`` is None when nothing was scored."""

    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def __add__(self, other: "Ratio") -> "Ratio":
        return Ratio(self.correct + other.correct, self.total + other.total)

    def to_json(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "value": self.value}


@dataclass
class PRF:
    """True positives out of ``n_pred`` predicted and ``n_gold`` gold items (see the module docstring
    for the empty-side convention)."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        if self.n_pred == 0:
            return 1.0 if self.n_gold == 0 else 0.0
        return self.tp / self.n_pred

    @property
    def recall(self) -> float:
        if self.n_gold == 0:
            return 1.0 if self.n_pred == 0 else 0.0
        return self.tp / self.n_gold

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "PRF") -> "PRF":
        return PRF(self.tp + other.tp, self.n_pred + other.n_pred, self.n_gold + other.n_gold)

    def to_json(self) -> dict[str, Any]:
        return {"tp": self.tp, "n_pred": self.n_pred, "n_gold": self.n_gold,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


def _sum(items: Iterable, start):
    total = start
    for item in items:
        total = total + item
    return total


# --------------------------------------------------------------------------------------------------------
# Per-document scores


@dataclass
class WrongCell:
    key: str
    gold: Any
    pred: Any
    absent: bool = False  # the key is missing from the prediction (or the whole prediction is)
    lenient: bool = False


@dataclass
class DocScore:
    doc: str
    has_pred: bool
    gold_template: str | None
    pred_template: str | None
    cells: Ratio
    nonzero: Ratio
    tables: dict[str, Ratio]
    tables_nonzero: dict[str, Ratio]
    sections: PRF
    dates: PRF
    checks: PRF
    agency: Ratio  # 0/0 when gold agency is null (not scored), else 0/1 or 1/1
    year: Ratio
    wrong_cells: list[WrongCell] = field(default_factory=list)
    # What the one-to-one matching left over, for debugging: [n, start] / [value, start] / rule ids.
    sections_missed: list[list] = field(default_factory=list)
    sections_spurious: list[list] = field(default_factory=list)
    dates_missed: list[list] = field(default_factory=list)
    dates_spurious: list[list] = field(default_factory=list)
    checks_missed: list[str] = field(default_factory=list)
    checks_spurious: list[str] = field(default_factory=list)

    @property
    def template_ok(self) -> bool:
        return self.has_pred and self.pred_template == self.gold_template

    @property
    def exact(self) -> bool:
        """Every cell right (a wrong template or a missing prediction never is)."""
        return self.template_ok and self.cells.correct == self.cells.total

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc, "has_pred": self.has_pred, "gold_template": self.gold_template,
            "pred_template": self.pred_template, "template_ok": self.template_ok, "exact": self.exact,
            "cells": self.cells.to_json(), "nonzero": self.nonzero.to_json(),
            "tables": {t: r.to_json() for t, r in self.tables.items()},
            "tables_nonzero": {t: r.to_json() for t, r in self.tables_nonzero.items()},
            "sections": self.sections.to_json(), "dates": self.dates.to_json(), "checks": self.checks.to_json(),
            "agency": self.agency.to_json(), "year": self.year.to_json(),
            "wrong_cells": [asdict(w) for w in self.wrong_cells],
            "sections_missed": self.sections_missed, "sections_spurious": self.sections_spurious,
            "dates_missed": self.dates_missed, "dates_spurious": self.dates_spurious,
            "checks_missed": self.checks_missed, "checks_spurious": self.checks_spurious,
        }


@dataclass
class EvalReport:
    """Per-document scores plus the micro averages over them (cells, pairs and ids pooled)."""

    docs: list[DocScore]
    missing_preds: list[str] = field(default_factory=list)  # gold docs with no prediction
    unmatched_preds: list[str] = field(default_factory=list)  # predictions with no gold (ignored)
    duplicate_preds: list[str] = field(default_factory=list)  # docs predicted more than once (first kept)

    @property
    def cells(self) -> Ratio:
        return _sum((d.cells for d in self.docs), Ratio())

    @property
    def nonzero(self) -> Ratio:
        return _sum((d.nonzero for d in self.docs), Ratio())

    @property
    def tables(self) -> dict[str, Ratio]:
        return self._pool_tables("tables")

    @property
    def tables_nonzero(self) -> dict[str, Ratio]:
        return self._pool_tables("tables_nonzero")

    def _pool_tables(self, attr: str) -> dict[str, Ratio]:
        pooled: dict[str, Ratio] = defaultdict(Ratio)
        for d in self.docs:
            for t, r in getattr(d, attr).items():
                pooled[t] = pooled[t] + r
        return {t: pooled[t] for t in _table_order(pooled)}

    @property
    def exact(self) -> Ratio:
        return Ratio(sum(d.exact for d in self.docs), len(self.docs))

    @property
    def template(self) -> Ratio:
        return Ratio(sum(d.template_ok for d in self.docs), len(self.docs))

    @property
    def sections(self) -> PRF:
        return _sum((d.sections for d in self.docs), PRF())

    @property
    def dates(self) -> PRF:
        return _sum((d.dates for d in self.docs), PRF())

    @property
    def checks(self) -> PRF:
        return _sum((d.checks for d in self.docs), PRF())

    @property
    def agency(self) -> Ratio:
        return _sum((d.agency for d in self.docs), Ratio())

    @property
    def year(self) -> Ratio:
        return _sum((d.year for d in self.docs), Ratio())

    def to_json(self) -> dict[str, Any]:
        return {
            "n_docs": len(self.docs),
            "overall": {
                "cells": self.cells.to_json(), "nonzero": self.nonzero.to_json(),
                "exact": self.exact.to_json(), "template": self.template.to_json(),
                "sections": self.sections.to_json(), "dates": self.dates.to_json(),
                "checks": self.checks.to_json(), "agency": self.agency.to_json(), "year": self.year.to_json(),
            },
            "tables": {t: r.to_json() for t, r in self.tables.items()},
            "tables_nonzero": {t: r.to_json() for t, r in self.tables_nonzero.items()},
            "missing_preds": self.missing_preds,
            "unmatched_preds": self.unmatched_preds,
            "duplicate_preds": self.duplicate_preds,
            "docs": [d.to_json() for d in self.docs],
        }


def _table_order(tables: Iterable[str]) -> list[str]:
    return sorted(tables, key=lambda t: (TABLE_ORDER.index(t) if t in TABLE_ORDER else len(TABLE_ORDER), t))


# --------------------------------------------------------------------------------------------------------
# Cells


class _Unparsable:
    """A predicted value that is not a number (e.g. "abc", True): never equal to anything."""

    def __repr__(self) -> str:
        return "<unparsable>"


def _number(value: Any) -> Decimal | None | _Unparsable:
    """Parse a cell value to an exact Decimal, so 3 == 3.0 and 105.65 == 105.650 without float surprises."""
    if value is None:
        return None
    if isinstance(value, bool):  # bool is an int subclass, but True is not the count 1
        return _Unparsable()
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return _Unparsable()
        return Decimal(str(value))  # str() of a float is its shortest repr: 0.1 stays 0.1
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            return _Unparsable()
        return parsed if parsed.is_finite() else _Unparsable()
    return _Unparsable()


def cell_correct(gold: Any, pred: Any, *, lenient: bool = False, present: bool = True) -> bool:
    """Whether a predicted cell value counts as right for a gold value.

    Null must be null; a lenient key also accepts null in place of its gold value; an absent key is wrong.
    """
    if not present:
        return False
    g, p = _number(gold), _number(pred)
    if p is None:
        return g is None or lenient
    if g is None or isinstance(g, _Unparsable) or isinstance(p, _Unparsable):
        return False
    return g == p


def table_of(key: str) -> str:
    """The table of a cell key: its prefix before the first ``/``."""
    return key.split("/", 1)[0]


def _is_zero(value: Any) -> bool:
    g = _number(value)
    return isinstance(g, Decimal) and g == 0


# --------------------------------------------------------------------------------------------------------
# Offset matching (sections, dates)


def match_offsets(gold: list[tuple[Any, int]], pred: list[tuple[Any, int]],
                  tolerance: int = OFFSET_TOLERANCE) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) of items with equal key and starts within ``tolerance``.

    Within one key, gold starts are swept in increasing order and each takes the leftmost unused predicted
    start still in reach. Every gold item has a window of the same width, so this yields a maximum
    matching (a greedy by smallest distance does not: gold 0, 3 vs pred 2, 5 would pair only 3↔2).
    """
    by_key_gold: dict[Any, list[int]] = defaultdict(list)
    by_key_pred: dict[Any, list[int]] = defaultdict(list)
    for i, (k, _) in enumerate(gold):
        by_key_gold[k].append(i)
    for j, (k, _) in enumerate(pred):
        by_key_pred[k].append(j)
    pairs = []
    for k, gis in by_key_gold.items():
        pjs = sorted(by_key_pred.get(k, []), key=lambda j: pred[j][1])
        cursor = 0
        for i in sorted(gis, key=lambda i: gold[i][1]):
            start = gold[i][1]
            while cursor < len(pjs) and pred[pjs[cursor]][1] < start - tolerance:
                cursor += 1  # too far left for this gold item, hence for every later one
            if cursor < len(pjs) and pred[pjs[cursor]][1] <= start + tolerance:
                pairs.append((i, pjs[cursor]))
                cursor += 1
    return pairs


def _offset_prf(gold: list[tuple[Any, int]], pred: list[tuple[Any, int]]) -> tuple[PRF, list[list], list[list]]:
    pairs = match_offsets(gold, pred)
    got_g = {i for i, _ in pairs}
    got_p = {j for _, j in pairs}
    missed = [list(g) for i, g in enumerate(gold) if i not in got_g]
    spurious = [list(p) for j, p in enumerate(pred) if j not in got_p]
    return PRF(len(pairs), len(pred), len(gold)), missed, spurious


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _pairs(items: Any, key: str) -> list[tuple[Any, int]]:
    """(key, start) pairs of a gold or predicted list; items without a usable start are dropped."""
    out = []
    for item in items or []:
        if isinstance(item, dict) and (start := _int_or_none(item.get("start"))) is not None:
            out.append((item.get(key), start))
    return out


# --------------------------------------------------------------------------------------------------------
# One document


def _same_text(gold: str, pred: Any) -> bool:
    # Whitespace is scraping noise, not part of a name ("盘州市 乌蒙镇人民政府" is the same agency).
    return isinstance(pred, str) and re.sub(r"\s+", "", gold) == re.sub(r"\s+", "", pred)


def score_document(gold: dict, pred: dict | None) -> DocScore:
    """Score one record (``None`` = no prediction) against its gold file."""
    has_pred = pred is not None
    pred = pred or {}
    gold_cells: dict[str, Any] = gold.get("cells") or {}
    pred_cells: dict[str, Any] = pred.get("cells") or {}
    lenient = set(gold.get("lenient") or [])
    template_ok = has_pred and pred.get("template") == gold.get("template")

    tables: dict[str, Ratio] = defaultdict(Ratio)
    tables_nz: dict[str, Ratio] = defaultdict(Ratio)
    wrong = []
    for key, g in gold_cells.items():
        present = key in pred_cells
        p = pred_cells.get(key)
        # A wrong template means the cells answer a different table layout: none of them counts.
        ok = template_ok and cell_correct(g, p, lenient=key in lenient, present=present)
        t = table_of(key)
        tables[t] = tables[t] + Ratio(int(ok), 1)
        if not _is_zero(g):
            tables_nz[t] = tables_nz[t] + Ratio(int(ok), 1)
        if not ok:
            wrong.append(WrongCell(key, g, p, absent=not present, lenient=key in lenient))
    tables = {t: tables[t] for t in _table_order(tables)}
    tables_nz = {t: tables_nz.get(t, Ratio()) for t in tables}

    sections, s_missed, s_spur = _offset_prf(_pairs(gold.get("sections"), "n"), _pairs(pred.get("sections"), "n"))
    dates, d_missed, d_spur = _offset_prf(_pairs(gold.get("dates"), "value"), _pairs(pred.get("dates"), "value"))

    gold_fail = set(gold.get("failing_checks") or [])
    pred_fail = {c.get("id") for c in pred.get("checks") or [] if isinstance(c, dict) and c.get("status") == "fail"}
    checks = PRF(len(gold_fail & pred_fail), len(pred_fail), len(gold_fail))

    gold_meta, pred_meta = gold.get("meta") or {}, pred.get("meta") or {}
    agency = year = Ratio()  # null gold = not scored
    if gold_meta.get("agency") is not None:
        agency = Ratio(int(_same_text(gold_meta["agency"], pred_meta.get("agency"))), 1)
    if gold_meta.get("year") is not None:
        year = Ratio(int(_int_or_none(pred_meta.get("year")) == int(gold_meta["year"])), 1)

    return DocScore(
        doc=gold["doc"], has_pred=has_pred, gold_template=gold.get("template"),
        pred_template=pred.get("template"),
        cells=_sum(tables.values(), Ratio()), nonzero=_sum(tables_nz.values(), Ratio()),
        tables=tables, tables_nonzero=tables_nz, sections=sections, dates=dates, checks=checks,
        agency=agency, year=year, wrong_cells=wrong,
        sections_missed=s_missed, sections_spurious=s_spur, dates_missed=d_missed, dates_spurious=d_spur,
        checks_missed=sorted(gold_fail - pred_fail), checks_spurious=sorted(str(i) for i in pred_fail - gold_fail),
    )


# --------------------------------------------------------------------------------------------------------
# A corpus


def evaluate(golds: list[dict], preds: list[dict]) -> EvalReport:
    """Score records against gold files, matched on ``doc``; see the module docstring for conventions."""
    by_doc: dict[str, dict] = {}
    duplicates: list[str] = []
    for p in preds:
        doc = p.get("doc")
        if doc in by_doc:
            duplicates.append(doc)  # keep the first: a rerun appended to the file should not win silently
        else:
            by_doc[doc] = p
    seen: set[str] = set()
    docs, missing = [], []
    for g in golds:
        doc = g.get("doc")
        if not doc:
            raise ValueError(f"gold file without 'doc': {str(g)[:80]}")
        if doc in seen:
            raise ValueError(f"two gold files for document {doc}")
        seen.add(doc)
        pred = by_doc.get(doc)
        if pred is None:
            missing.append(doc)
        docs.append(score_document(g, pred))
    unmatched = [d for d in by_doc if d not in seen]
    return EvalReport(docs, missing_preds=missing, unmatched_preds=unmatched, duplicate_preds=duplicates)


def load_golds(gold_dir: Path) -> list[dict]:
    """Every ``*.json`` gold file of a folder, sorted by name."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise ValueError(f"gold folder {gold_dir} does not exist or is not a folder")
    golds = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: not a valid JSON gold file ({e})") from None
        if not isinstance(gold, dict) or "doc" not in gold or not isinstance(gold.get("cells"), dict):
            raise ValueError(f"{path}: a gold file needs an object with 'doc' and 'cells'")
        golds.append(gold)
    if not golds:
        raise ValueError(f"gold folder {gold_dir} holds no *.json files")
    return golds


def load_records(pred_jsonl: Path) -> list[dict]:
    """The records of a JSON Lines file (blank lines skipped)."""
    pred_jsonl = Path(pred_jsonl)
    if not pred_jsonl.is_file():
        raise ValueError(f"predictions file {pred_jsonl} does not exist or is not a file")
    records = []
    with pred_jsonl.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{pred_jsonl}:{lineno}: not valid JSON ({e.msg} at column {e.colno})") from None
            if not isinstance(record, dict) or "doc" not in record:
                raise ValueError(f"{pred_jsonl}:{lineno}: a record must be a JSON object with a 'doc' field")
            records.append(record)
    return records


def evaluate_files(gold_dir: Path, pred_jsonl: Path) -> EvalReport:
    """:func:`evaluate` over a folder of gold files and a JSON Lines file of records."""
    return evaluate(load_golds(gold_dir), load_records(pred_jsonl))


# --------------------------------------------------------------------------------------------------------
# Presentation


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}".removesuffix(".0")


def _ratio(r: Ratio) -> str:
    return f"{_pct(r.value)} ({r.correct}/{r.total})"


def _value(v: Any, absent: bool = False) -> str:
    return "(absent)" if absent else "null" if v is None else str(v)


def render(report: EvalReport, console, show_wrong: bool = True, per_document: bool = True) -> None:
    """Print the report as rich tables: overall, per table, per document, and the wrong cells."""
    from rich.table import Table

    overall = Table(title=f"Overall ({len(report.docs)} gold documents)", title_justify="left")
    overall.add_column("metric")
    overall.add_column("value", justify="right")
    overall.add_column("detail", justify="right")
    for name, r in (("cell accuracy", report.cells), ("non-zero cell accuracy", report.nonzero),
                    ("document exact match", report.exact), ("template", report.template),
                    ("meta agency", report.agency), ("meta year", report.year)):
        overall.add_row(name, _pct(r.value), f"{r.correct}/{r.total}")
    for name, prf in (("section boundaries", report.sections), ("dates", report.dates),
                      ("failing checks", report.checks)):
        overall.add_row(f"{name} F1", _pct(prf.f1),
                        f"P {_pct(prf.precision)}  R {_pct(prf.recall)}  ({prf.tp} / {prf.n_pred} pred / {prf.n_gold} gold)")
    console.print(overall)

    per_table = Table(title="Cell accuracy per table", title_justify="left")
    for col in ("table", "cells", "non-zero cells"):
        per_table.add_column(col, justify="left" if col == "table" else "right")
    nz = report.tables_nonzero
    for t, r in report.tables.items():
        per_table.add_row(t, _ratio(r), _ratio(nz.get(t, Ratio())))
    console.print(per_table)
    if not per_document:
        return

    # Bare percentages keep the table narrow; the doc name is never cut (105.txt vs 105-bs.txt).
    per_doc = Table(title="Per document (%)", title_justify="left")
    doc_width = min(40, max((len(d.doc) for d in report.docs), default=3))
    per_doc.add_column("doc", no_wrap=True, min_width=doc_width)
    for col in ("template", "cells", "non-zero", "exact", "sect F1", "date F1", "checks P/R"):
        per_doc.add_column(col, justify="right", overflow="fold")  # wrap, never cut a number
    for d in report.docs:
        template = "no pred" if not d.has_pred else "ok" if d.template_ok else f"{d.pred_template}≠{d.gold_template}"
        per_doc.add_row(d.doc, template, _num(d.cells.value), _num(d.nonzero.value), "yes" if d.exact else "no",
                        _num(d.sections.f1), _num(d.dates.f1), f"{_num(d.checks.precision)}/{_num(d.checks.recall)}")
    console.print(per_doc)

    if report.missing_preds:
        console.print(f"[red]no prediction for {len(report.missing_preds)} gold document(s):[/] "
                      + ", ".join(report.missing_preds))
    if report.unmatched_preds:
        console.print(f"[yellow]ignored {len(report.unmatched_preds)} prediction(s) without gold:[/] "
                      + ", ".join(map(str, report.unmatched_preds)))
    if report.duplicate_preds:
        console.print(f"[yellow]documents predicted more than once (first record scored):[/] "
                      + ", ".join(map(str, report.duplicate_preds)))

    if not show_wrong:
        return
    for d in report.docs:
        if not d.wrong_cells:
            continue
        # Listing every cell of a missing prediction or a wrong template says nothing new.
        if not d.template_ok:
            why = "no prediction" if not d.has_pred else f"template {d.pred_template} instead of {d.gold_template}"
            console.print(f"{d.doc}: {why}: all {d.cells.total} cells count as wrong")
            continue
        wrong = Table(title=f"{d.doc}: {len(d.wrong_cells)} wrong cell(s)", title_justify="left")
        for col in ("key", "gold", "predicted"):
            wrong.add_column(col, justify="left" if col == "key" else "right")
        for w in d.wrong_cells:
            wrong.add_row(w.key + (" (lenient)" if w.lenient else ""), _value(w.gold), _value(w.pred, w.absent))
        console.print(wrong)


# --------------------------------------------------------------------------------------------------------
# Tagger scores


def tag_scores(true_tags: list[list[str]], pred_tags: list[list[str]]) -> dict[str, Any]:
    """Span-level precision/recall/F1 of BIO tag sequences (seqeval), per label and micro-averaged.

    A span counts only with the exact label and boundaries. Spans are decoded the conlleval way (seqeval's
    default mode), where a stray ``I-X`` starts a span: the same decoding as
    :func:`nianbao.spans.bio_to_spans`, so the scores describe the spans the pipeline will actually use.
    Returns ``{"labels": {LABEL: {precision, recall, f1, support}}, "micro": {...}, "token_accuracy"}``
    with plain Python numbers; labels appear if they occur in gold or prediction. With no span on either
    side the micro scores are 1.0 (the convention of this module), not seqeval's 0.
    """
    from seqeval.metrics import accuracy_score
    from seqeval.metrics.sequence_labeling import get_entities, precision_recall_fscore_support

    if len(true_tags) != len(pred_tags):
        raise ValueError(f"{len(true_tags)} gold sequences but {len(pred_tags)} predicted")
    for i, (t, p) in enumerate(zip(true_tags, pred_tags)):
        if len(t) != len(p):
            raise ValueError(f"sequence {i}: {len(t)} gold tags but {len(p)} predicted")

    # seqeval reports per-label arrays in sorted label order; rebuild that order to name them.
    labels = sorted({e[0] for seq in (*true_tags, *pred_tags) for e in get_entities(list(seq))})
    per_label: dict[str, dict[str, float]] = {}
    if labels:
        p, r, f, s = precision_recall_fscore_support(true_tags, pred_tags, average=None, zero_division=0)
        for i, label in enumerate(labels):
            per_label[label] = {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                                "support": int(s[i])}
        mp, mr, mf, ms = precision_recall_fscore_support(true_tags, pred_tags, average="micro", zero_division=0)
        micro = {"precision": float(mp), "recall": float(mr), "f1": float(mf), "support": int(ms)}
    else:
        micro = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 0}
    token_accuracy = float(accuracy_score(true_tags, pred_tags)) if any(true_tags) else 1.0
    return {"labels": per_label, "micro": micro, "token_accuracy": token_accuracy}
