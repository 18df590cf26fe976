"""Measure an active-learning curve on synthetic data: documents chosen by uncertainty vs at random.

    python -m nianbao.eval.active_learning --model models/default --rounds 3 --k 10 --out eval/active_learning

From the same start model, each strategy runs ``rounds`` rounds: pick ``k`` documents from an unlabeled
synthetic pool (by default drawn like the held-out test split, as a real scrape differs from the training
data; another seed than the test set) (uncertainty: `nianbao.labeling.select`; random: a seeded draw), "annotate" them with their
synthetic gold spans (the simulated annotator), fine-tune on everything annotated so far, and score cell
accuracy on a fixed held-out synthetic test set. Writes a Markdown table and JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from nianbao.infer.pipeline import build_record

from .metrics import evaluate


def score_model(tagger, docs: list[dict[str, Any]]) -> dict[str, float | None]:
    """Cell accuracy (overall and non-zero) and exact match of the tagger + post-processor on docs."""
    golds = [json.loads(d["gold"]) for d in docs]
    predicted = tagger.predict_many([d["text"] for d in docs])
    records = [build_record(g["doc"], d["text"], spans).to_json() for g, d, spans in zip(golds, docs, predicted)]
    report = evaluate(golds, records)
    return {"cells": report.cells.value, "nonzero": report.nonzero.value, "exact": report.exact.value}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=Path("models/default"))
    ap.add_argument("--config", type=Path, default=Path("train/config.yaml"))
    ap.add_argument("--pool", type=int, default=150, help="unlabeled synthetic documents to choose from")
    ap.add_argument("--test", type=int, default=60, help="fixed held-out test documents")
    ap.add_argument("--k", type=int, default=10, help="documents annotated per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=2, help="fine-tuning epochs per round")
    ap.add_argument("--replay", type=int, default=60, help="synthetic documents mixed into each fine-tune")
    ap.add_argument("--pool-kind", choices=("held-out", "training"), default="held-out",
                    help="draw the pool like the held-out test split (damage and value ranges the model was "
                         "not trained on, as a real scrape is) or like the training split")
    ap.add_argument("--from", dest="from_", choices=("previous", "start"), default="previous",
                    help="fine-tune each round from the previous round's model (as `nianbao label round` "
                         "does) or from the start model, on everything annotated so far")
    ap.add_argument("--lr-scale", type=float, default=0.05,
                    help="fine-tuning learning rate as a share of the training config's")
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--out", type=Path, default=Path("runs/active_learning"))
    args = ap.parse_args()

    from nianbao.infer.tagger import Tagger
    from nianbao.labeling.push import score_pool
    from nianbao.labeling.select import random_select, select
    from nianbao.train.synth import generate_corpus
    from nianbao.train.trainer import fine_tune

    console = Console()
    held_out = args.pool_kind == "held-out"
    pool_ds = generate_corpus(args.pool, seed=args.seed, test_share=1.0 if held_out else 0.0,
                              validation_share=0.0)["test" if held_out else "train"]
    pool = {d["id"]: d for d in pool_ds}
    test = list(generate_corpus(args.test, seed=args.seed + 1, test_share=1.0, validation_share=0.0)["test"])
    args.out.mkdir(parents=True, exist_ok=True)
    start = Tagger.load(args.model)
    start_scores = score_model(start, test)
    console.print(f"start model: {start_scores}")
    curves: dict[str, list[dict[str, Any]]] = {}
    for strategy in ("uncertainty", "random"):
        model_dir, annotated = args.model, []
        rows = [{"round": 0, "annotated": 0, **start_scores}]
        for r in range(1, args.rounds + 1):
            tagger = Tagger.load(model_dir)
            left = {k: v for k, v in pool.items() if k not in {d["id"] for d in annotated}}
            if strategy == "uncertainty":
                scores, _ = score_pool(tagger, {k: v["text"] for k, v in left.items()})
                chosen = select({k: v["text"] for k, v in left.items()}, scores.values(), args.k)
            else:
                chosen = random_select(left, args.k, seed=args.seed + r)
            annotated += [left[c.doc] for c in chosen]  # the simulated annotator returns the gold spans
            out_dir = args.out / f"{strategy}-round{r}"
            base = args.model if args.from_ == "start" else model_dir
            fine_tune(base, annotated, out_dir, args.config, replay=args.replay, epochs=args.epochs,
                      seed=args.seed + r, log=lambda m: None, lr_scale=args.lr_scale)
            model_dir = out_dir
            scores_r = score_model(Tagger.load(model_dir), test)
            rows.append({"round": r, "annotated": len(annotated), **scores_r})
            console.print(f"{strategy} round {r}: {scores_r}")
        curves[strategy] = rows
    table = ["| round | annotated | uncertainty cells | random cells | uncertainty non-zero | random non-zero | "
             "uncertainty docs exact | random docs exact |",
             "|---|---|---|---|---|---|---|---|"]
    for u, rnd in zip(curves["uncertainty"], curves["random"]):
        table.append(f"| {u['round']} | {u['annotated']} | {u['cells']:.4f} | {rnd['cells']:.4f} | "
                     f"{u['nonzero']:.4f} | {rnd['nonzero']:.4f} | {u['exact']:.3f} | {rnd['exact']:.3f} |")
    text = "\n".join(table) + "\n"
    (args.out / "curve.md").write_text(text, encoding="utf-8")
    (args.out / "curve.json").write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                                     "curves": curves}, indent=1), encoding="utf-8")
    console.print(text)


if __name__ == "__main__":
    main()
