"""`nianbao label push`: score the unlabeled pool with the current tagger, choose K documents, import them
as tasks with the tagger's spans as pre-annotations.

Each task is ``{"data": {"text", "doc"}, "predictions": [{"model_version", "score", "result"}]}``: the
annotator starts from the model's spans and only corrects them. ``score`` is the document's confidence
(:attr:`DocScore.confidence`); the chosen tasks are imported least confident first, so the project's
sequential queue and the Data Manager sorted by prediction score both start with them. A document already in
the project (same ``doc``) is never imported again, whatever its text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.spans import Span, spans_to_ls_result

from .client import LabelStudioClient
from .select import Choice, DocScore, random_select, score_document, select

STRATEGIES = ("uncertainty", "random")
BATCH = 16  # documents per tagger call: bounds memory on large pools


@dataclass
class PushReport:
    pool: int = 0  # readable documents in the pool
    already_in_project: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (doc, why)
    chosen: list[Choice] = field(default_factory=list)
    imported: int = 0


def read_pool(pool: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Texts of the pool's ``*.txt`` files (searched recursively), by name relative to the pool, and the
    files that could not be read as report text."""
    from nianbao.textio import InputError, read_document

    pool = Path(pool)
    if not pool.is_dir():
        raise FileNotFoundError(f"pool {pool} is not a folder")
    texts, unreadable = {}, []
    for path in sorted(pool.rglob("*.txt")):
        doc = path.relative_to(pool).as_posix()
        try:
            texts[doc] = read_document(path)
        except InputError as e:
            unreadable.append((doc, e.message))
    return texts, unreadable


def score_pool(tagger, texts: dict[str, str], progress: Callable[[int], None] | None = None
               ) -> tuple[dict[str, DocScore], dict[str, list[Span]]]:
    """Every document's uncertainty (boosted by its rebuilt record's checks and flags) and predicted spans."""
    from nianbao.infer.pipeline import build_record

    scores, spans = {}, {}
    docs = list(texts)
    for b in range(0, len(docs), BATCH):
        batch = docs[b:b + BATCH]
        for doc, probs in zip(batch, tagger.char_probs([texts[d] for d in batch])):
            spans[doc] = tagger.spans(texts[doc], probs)
            try:
                record = build_record(doc, texts[doc], spans[doc])
            except Exception:  # a post-processor failure is itself a reason to look at the document
                record = None
            score = score_document(doc, probs, spans[doc], tagger.tags, record)
            if record is None:
                score = DocScore(score.doc, score.n_chars, score.mnlp, score.margin, no_tables=True)
            scores[doc] = score
        if progress:
            progress(len(batch))
    return scores, spans


def task_for(doc: str, text: str, spans: list[Span], model_version: str, confidence: float) -> dict:
    return {"data": {"text": text, "doc": doc},
            "predictions": [{"model_version": model_version, "score": round(confidence, 4),
                             "result": spans_to_ls_result(text, spans)}]}


def docs_in_project(client: LabelStudioClient, project_id: int) -> set[str]:
    return {t["data"].get("doc") for t in client.tasks(project_id)}


def push(client: LabelStudioClient, project_id: int, pool: Path, tagger, k: int,
         strategy: str = "uncertainty", seed: int = 0, threshold: float | None = None,
         progress: Callable[[int], None] | None = None) -> PushReport:
    """Choose ``k`` unlabeled documents of ``pool`` by ``strategy`` and import them with predictions."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: one of {', '.join(STRATEGIES)}")
    texts, unreadable = read_pool(pool)
    existing = docs_in_project(client, project_id)
    report = PushReport(pool=len(texts), unreadable=unreadable,
                        already_in_project=sum(d in existing for d in texts))
    candidates = {d: t for d, t in texts.items() if d not in existing}
    if strategy == "random":  # the baseline: draw first, then run the model on the drawn documents only
        report.chosen = random_select(candidates, k, seed)
        scores, spans = score_pool(tagger, {c.doc: candidates[c.doc] for c in report.chosen}, progress)
        for c in report.chosen:
            c.confidence = round(scores[c.doc].confidence, 4)
    else:
        scores, spans = score_pool(tagger, candidates, progress)
        kwargs = {} if threshold is None else {"threshold": threshold}
        report.chosen = select(candidates, scores.values(), k, **kwargs)
    if not report.chosen:
        return report
    # Least confident first: Label Studio hands out and lists tasks in import order.
    ordered = sorted(report.chosen, key=lambda c: (scores[c.doc].confidence, c.doc))
    tasks = [task_for(c.doc, candidates[c.doc], spans[c.doc], tagger.model_id, scores[c.doc].confidence)
             for c in ordered]
    client.import_tasks(project_id, tasks)
    report.imported = len(tasks)
    return report
