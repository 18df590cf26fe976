"""Score the pipeline on a synthetic corpus, with gold spans (the post-processor alone) or with a tagger.

    python -m nianbao.eval.synthetic --n 2000 --seed 101 [--model DIR] [--json out.json]

Uses the corpus's held-out test split (damage combinations and value ranges never seen in training), so
with ``--model`` it measures generalisation; without it, it measures the post-processor on exactly drawn
spans. Also counts the rows that held glued digit runs: solved (one reading, or one that fits the
template's identities) versus flagged (left null).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.progress import track

from nianbao.infer.pipeline import build_record
from nianbao.infer.sections import heading_starts
from nianbao.infer.tables import build_tables, detect_template
from nianbao.spans import Span

from .metrics import evaluate, render


def glued_row_statuses(text: str, spans: list[Span]) -> Counter:
    """How the rows that hold a glued run (a span filling several cells) were read."""
    template = detect_template(text, spans)
    if template is None:
        return Counter()
    tables, _ = build_tables(text, spans, template, {n: s.start for n, s in heading_starts(text, spans).items()})
    return Counter(tables.row_status.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="test documents to score")
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--model", type=Path, default=None, help="tag with this model instead of gold spans")
    ap.add_argument("--json", type=Path, default=None, help="also write the scores here")
    ap.add_argument("--precision", default="auto", help="tagger arithmetic: auto, fp32, bf16 or int8")
    args = ap.parse_args()

    from nianbao.train.synth import generate_corpus

    test = generate_corpus(args.n, seed=args.seed, test_share=1.0, validation_share=0.0)["test"]
    tagger = None
    if args.model is not None:
        from nianbao.infer.tagger import Tagger

        tagger = Tagger.load(args.model, precision=args.precision)
    golds, records, glued = [], [], Counter()
    for doc in track(test, description="scoring", transient=True):
        gold = json.loads(doc["gold"])
        spans = ([Span(s["start"], s["end"], s["label"]) for s in doc["spans"]] if tagger is None
                 else tagger.predict(doc["text"]))
        records.append(build_record(gold["doc"], doc["text"], spans).to_json())
        golds.append(gold)
        glued += glued_row_statuses(doc["text"], spans)
    report = evaluate(golds, records)
    console = Console()
    render(report, console, show_wrong=False, per_document=False)
    solved = glued["forced"] + glued["solved"]
    flagged = glued["ambiguous"] + glued["conflict"] + glued["unsolved"]
    console.print(f"glued rows: {solved} solved ({glued['forced']} with one reading, {glued['solved']} by the "
                  f"identities), {flagged} flagged and left null ({glued['ambiguous']} ambiguous, "
                  f"{glued['unsolved']} unsolvable)")
    if args.json:
        out = report.to_json()
        out.pop("docs", None)  # the summary only: per-document details of thousands of reports bloat the file
        out["glued_rows"] = dict(glued)
        out["spans"] = "model" if tagger else "gold"
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
