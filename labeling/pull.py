"""`nianbao label pull`: export the project's finished annotations into the training set under
``data/annotations/`` (a `datasets` dataset the trainer adds to its train split).

One example per task:

    id             "t<task id>-a<annotation id>"
    doc, text      the task's data
    spans          [{start, end, label}] in Python string indices (Label Studio counts UTF-16 units; the
                   conversion is :func:`nianbao.spans.ls_result_to_spans`)
    task_id        Label Studio task id
    annotator      the annotating user's email
    annotated_at   when the annotation was last saved (ISO 8601, UTC)
    model_version  the model whose pre-annotations the annotator corrected ("" if none)

Rules:
- a task's newest valid, not-skipped annotation is its example; re-pulling an unchanged project changes
  nothing, and a newer annotation of a task replaces the older example (never a second row);
- an invalid annotation (a span outside the text, an unknown label, overlapping spans, a span whose text does
  not match the document) is reported and skipped — the pull goes on;
- examples are never deleted by a pull (an annotation deleted in Label Studio leaves its example in place).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nianbao.spans import ls_result_to_spans

from .client import LabelStudioClient

DEFAULT_OUT = Path("data/annotations")


def features():
    from datasets import Features, Value

    span = {"start": Value("int32"), "end": Value("int32"), "label": Value("string")}
    return Features({
        "id": Value("string"), "doc": Value("string"), "text": Value("string"), "spans": [span],
        "task_id": Value("int64"), "annotator": Value("string"), "annotated_at": Value("string"),
        "model_version": Value("string"),
    })


@dataclass
class PullReport:
    added: list[str] = field(default_factory=list)  # example ids
    replaced: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # one line per invalid annotation
    total: int = 0  # examples in the dataset after the pull


# --------------------------------------------------------------------------------------------------------
# Export → examples (pure)


def _time(value: str) -> datetime:
    # Label Studio writes "…Z"; datetime.fromisoformat takes "Z" only from Python 3.11 on.
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


def _when(annotation: dict) -> datetime:
    return _time(annotation.get("updated_at") or annotation["created_at"])


def task_example(task: dict, annotator_of) -> tuple[dict | None, list[str]]:
    """The example of one exported task (its newest valid annotation) and the problems of the invalid
    ones. ``annotator_of(annotation)`` names the annotator."""
    text, doc = task["data"].get("text"), task["data"].get("doc") or f"task-{task['id']}"
    if not isinstance(text, str):
        return None, [f"task {task['id']} ({doc}): no text in the task data — skipped"]
    problems = []
    done = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
    for ann in sorted(done, key=lambda a: (_when(a), a["id"]), reverse=True):
        spans, issues = ls_result_to_spans(text, ann.get("result") or [])
        if issues:
            problems.append(f"task {task['id']} ({doc}) annotation {ann['id']}: {'; '.join(issues[:3])}"
                            f"{'; …' if len(issues) > 3 else ''} — skipped")
            continue
        return {
            "id": f"t{task['id']}-a{ann['id']}",
            "doc": doc,
            "text": text,
            "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in sorted(spans)],
            "task_id": task["id"],
            "annotator": annotator_of(ann),
            "annotated_at": _when(ann).isoformat(),
            "model_version": (ann.get("prediction") or {}).get("model_version") or "",
        }, problems
    return None, problems


def merge(existing: list[dict], fresh: list[dict], report: PullReport) -> list[dict]:
    """Existing examples updated with fresh ones, keyed by task: the newer annotation wins."""
    by_task = {e["task_id"]: e for e in existing}
    for ex in fresh:
        old = by_task.get(ex["task_id"])
        if old is None:
            report.added.append(ex["id"])
        elif _key(ex) > _key(old):
            report.replaced.append(ex["id"])
        else:
            report.unchanged += 1
            continue
        by_task[ex["task_id"]] = ex
    return [by_task[t] for t in sorted(by_task)]


def _key(example: dict) -> tuple[datetime, int]:
    return _time(example["annotated_at"]), int(example["id"].rsplit("-a", 1)[1])


# --------------------------------------------------------------------------------------------------------
# Storage


def load_examples(out_dir: Path) -> list[dict]:
    out_dir = Path(out_dir)
    if not (out_dir / "dataset_info.json").exists():
        return []
    from datasets import load_from_disk

    return load_from_disk(str(out_dir)).to_list()


def save_examples(examples: list[dict], out_dir: Path) -> None:
    """Write the dataset next to the old one, then swap: an interrupted pull never leaves a half-written one."""
    import datasets

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp, old = out_dir.with_name(out_dir.name + ".new"), out_dir.with_name(out_dir.name + ".old")
    for p in (tmp, old):
        shutil.rmtree(p, ignore_errors=True)
    was_on = not datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()  # a pull prints its own one-line summary
    try:
        datasets.Dataset.from_list(examples, features=features()).save_to_disk(str(tmp))
    finally:
        if was_on:
            datasets.enable_progress_bars()
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------


def pull(client: LabelStudioClient, project_id: int, out_dir: Path = DEFAULT_OUT) -> PullReport:
    report = PullReport()
    emails: dict[int, str] = {}

    def annotator_of(ann: dict) -> str:
        who = ann.get("completed_by")
        if isinstance(who, dict):  # some exports expand the user
            return who.get("email") or str(who.get("id"))
        if who not in emails:
            emails[who] = client.user_email(who) if who is not None else ""
        return emails[who]

    fresh = []
    for task in client.export(project_id):
        example, problems = task_example(task, annotator_of)
        report.skipped += problems
        if example is not None:
            fresh.append(example)
    existing = load_examples(out_dir)
    merged = merge(existing, fresh, report)
    if report.added or report.replaced:
        save_examples(merged, out_dir)
    report.total = len(merged)
    return report
