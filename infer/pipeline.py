"""From raw text and spans to the spec's record; and the batch driver behind `nianbao extract`.

raw text → spans (tagger or span file) → sections → tables → checks → record. Every input file gets a
record; a file that cannot be read or is not a report gets a status and an error, and the batch goes on.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from nianbao.record import DateMention, Record
from nianbao.spans import Span, load_span_file

from .checks import run_checks
from .dates import normalize_date
from .meta import agency, report_year
from .sections import find_sections, heading_starts, overview_start
from .tables import TABLE_SECTION, build_tables, detect_template

SpanSource = Callable[[str, str], list[Span]]  # (doc name, text) -> spans

_TABLE_SPANS = ("VALUE", "ROW_LABEL", "TABLE_TITLE", "COL_HEADER")


def _trimmed(text: str, s: Span) -> Span:
    start, end = s.start, s.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, s.label, s.score)


def find_dates(text: str, spans: list[Span], year: int | None) -> list[DateMention]:
    """Normalised dates: the tagger's DATE spans, and where it saw none (or one that is no date), those of
    the rule-based finder. A date without its year takes the year of a date just before it."""
    from .dates import find_dates as rule_dates

    def normalise(candidates: list[Span]) -> list[DateMention]:
        out: list[DateMention] = []
        prev_year, prev_end = None, -10**9
        for s in candidates:
            raw = text[s.start:s.end]
            context = prev_year if s.start - prev_end < 80 and "。" not in text[prev_end:s.start] else None
            value = normalize_date(raw, report_year=year, context_year=context)
            if value is not None:
                out.append(DateMention(text=raw, start=s.start, end=s.end, value=value))
                prev_year, prev_end = int(value[:4]), s.end
        return out

    tagged = normalise(sorted(_trimmed(text, s) for s in spans if s.label == "DATE" and s.text(text).strip()))
    extra = [Span(a, b, "DATE") for a, b in rule_dates(text)
             if not any(a < m.end and m.start < b for m in tagged)]
    if not extra:
        return tagged
    return normalise(sorted([Span(m.start, m.end, "DATE") for m in tagged] + extra))


def build_record(doc: str, text: str, spans: list[Span]) -> Record:
    """The output record of one document from its text and spans (pure)."""
    if not any(s.label in _TABLE_SPANS for s in spans) and not any(s.label == "SECTION" for s in spans):
        return Record.failed(doc, "not_a_report", "no report structure found: no section headings and no "
                             "statistical tables")
    template = detect_template(text, spans)
    headings = heading_starts(text, spans)
    year = report_year(text, spans)
    record = Record(doc=doc, template=template, meta={"agency": agency(text, spans), "year": year})
    record.dates = find_dates(text, spans, year)
    if template is None:
        record.sections = find_sections(text, headings, {})
        record.status = "not_a_report" if not any(s.label in _TABLE_SPANS for s in spans) else "ok"
        record.error = "no statistical table of either template was found"
        return record
    tables, regions = build_tables(text, spans, template, {n: s.start for n, s in headings.items()})
    content_starts = {}
    for n, table in TABLE_SECTION.items():
        anchors = [r.anchor for r in regions.values() if r.block.table == table and r.anchor is not None]
        if anchors:
            content_starts[n] = min(anchors)
    overview = overview_start(text, spans, headings)
    if overview is not None:
        content_starts[1] = overview
    record.sections = find_sections(text, headings, content_starts)
    record.cells = tables.cells
    record.units = tables.units
    record.cell_confidence = tables.confidence
    record.flags = tables.flags
    record.checks = run_checks(tables.cells, template)
    return record


# --------------------------------------------------------------------------------------------------------
# Batch


def iter_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and *.txt files under folders named (sorted); a path that does not exist is yielded
    too, so that it gets an error record."""
    for p in paths:
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.txt") if q.is_file())
        else:
            yield p


def span_file_source(spans_dir: Path) -> SpanSource:
    def source(doc: str, text: str) -> list[Span]:
        path = spans_dir / (Path(doc).stem + ".json")
        if not path.exists():
            raise FileNotFoundError(f"no span file {path.name} in {spans_dir}")
        return load_span_file(path, text=text)

    return source


def extract_one(path: Path, source: SpanSource) -> Record:
    """The record of one input file, whatever happens to it."""
    from nianbao.textio import InputError, read_document, unify_line_breaks

    try:
        text = read_document(path)
    except InputError as e:
        return Record.failed(path.name, e.status, str(e))  # type: ignore[arg-type]
    try:
        work, positions = unify_line_breaks(text)
        spans = source(path.name, work)
        record = build_record(path.name, work, spans)
        return record if positions is None else with_offsets_in(record, positions)
    except Exception as e:  # one broken file never stops a batch
        return Record.failed(path.name, "error", f"{type(e).__name__}: {e}")


def with_offsets_in(record: Record, positions: list[int]) -> Record:
    """The record with its offsets moved from the text it was built on to the text as decoded
    (``positions[i]``: where character i of the one stands in the other)."""
    for s in record.sections:
        s.start, s.end = positions[s.start], positions[s.end]
    for d in record.dates:
        d.start, d.end = positions[d.start], positions[d.end]
    return record


def default_source(model_dir: Path | None, precision: str = "auto") -> SpanSource:
    from transformers.utils import logging as hf_logging

    from .tagger import Tagger  # imported late: torch is slow to import

    hf_logging.disable_progress_bar()  # our own progress bar is the one to show

    tagger = Tagger.load(model_dir, precision=precision)
    return lambda doc, text: tagger.predict(text)


def auto_workers(n_files: int) -> int:
    """Worker processes for a batch: one per two cores once the batch is large enough to repay each
    worker's start-up (loading torch and the model, a few seconds), else one. Measured on 2 cores
    (benchmarks/extract_speed.py, 2026-12-02): one process of 2 threads tags 200 reports in 9.5 s, two
    processes of 1 thread in 12.1 s (600 reports: 28.5 s against 28.9 s), so a pair of cores shares one
    process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores // 2, n_files // 32))


_worker_source: SpanSource | None = None


def _start_worker(model_dir: Path | None, precision: str, threads: int) -> None:
    import torch

    global _worker_source
    torch.set_num_threads(threads)
    _worker_source = default_source(model_dir, precision)


def _extract_in_worker(path: Path) -> dict:
    assert _worker_source is not None
    return extract_one(path, _worker_source).to_json()


def tagged_records(files: list[Path], model_dir: Path | None, precision: str, workers: int) -> Iterator[dict]:
    """The records of ``files`` (as JSON objects, in order), tagged by ``workers`` processes that share the
    cores. Should a worker die (killed, out of memory), the files not yet done are extracted here."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threads = max(1, cores // workers)
    done = 0
    try:
        # spawn, not fork: a forked copy of a process that has started threads (the progress bar) can hang
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker,
                                 initargs=(model_dir, precision, threads)) as pool:
            for record in pool.map(_extract_in_worker, files, chunksize=4):
                done += 1
                yield record
    except BrokenProcessPool:
        source = default_source(model_dir, precision)
        for path in files[done:]:
            yield extract_one(path, source).to_json()


def extract_paths(paths: list[Path], output: Path, spans_dir: Path | None = None,
                  model_dir: Path | None = None, progress: bool = True, precision: str = "auto",
                  workers: int | None = None) -> Counter:
    """Write one JSON line per input file to ``output``; returns the count of records by status.
    ``workers``: tagger processes (default :func:`auto_workers`); gold spans (``spans_dir``) need none."""
    from rich.progress import Progress

    if spans_dir is not None and not spans_dir.is_dir():
        raise FileNotFoundError(f"--spans {spans_dir} is not a folder")
    if workers is not None and workers < 1:
        raise ValueError(f"--workers must be at least 1, not {workers}")
    from .tagger import PRECISIONS

    if precision != "auto" and precision not in PRECISIONS:
        raise ValueError(f"--precision must be auto or one of {', '.join(PRECISIONS)}, not {precision!r}")
    files = list(iter_inputs(paths))
    workers = workers or auto_workers(len(files))
    if spans_dir is not None:
        source = span_file_source(spans_dir)
        records: Iterable[dict] = (extract_one(path, source).to_json() for path in files)
    elif workers == 1:
        source = default_source(model_dir, precision)
        records = (extract_one(path, source).to_json() for path in files)
    else:
        if model_dir is not None and not (Path(model_dir) / "config.json").exists():  # fail before spawning
            raise FileNotFoundError(f"no tagger model in {model_dir}: train one with `nianbao train`, pass "
                                    f"--model DIR, or give gold spans with --spans DIR")
        records = tagged_records(files, model_dir, precision, workers)
    counts: Counter = Counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as out, Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("extracting", total=len(files))
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            counts[record["status"]] += 1
            bar.advance(task)
    return counts
