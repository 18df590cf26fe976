"""The `nianbao` command: a thin layer over the library functions of each stage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

app = typer.Typer(
    help="Extract clean, checked tables from scraped 政府信息公开工作年度报告 (government information-disclosure "
         "annual reports).",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, soft_wrap=True)  # one line per message, whatever the terminal width


def _mount_label_app() -> None:
    from nianbao.labeling.cli import label_app

    app.add_typer(label_app, name="label", help="Active-learning rounds with a Label Studio server.")


def fail(message: str) -> None:
    """One clear line on stderr and exit status 1 (no traceback for a user's mistake)."""
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="Report text files, or folders of them (*.txt, searched recursively)."),
    output: Path = typer.Option(Path("out.jsonl"), "-o", "--output", help="JSON Lines file: one record per input."),
    spans: Optional[Path] = typer.Option(None, "--spans", help="Folder of span files (<doc stem>.json, Label Studio "
                                         "tasks) to use instead of the tagger, e.g. hand-checked gold spans."),
    model: Optional[Path] = typer.Option(None, "--model", help="Tagger model folder (default: the shipped model)."),
    precision: str = typer.Option("auto", "--precision", help="Tagger arithmetic: auto (bf16 where the CPU "
                                  "has it natively, else int8), fp32, bf16 or int8."),
    workers: Optional[int] = typer.Option(None, "-j", "--workers", help="Tagger processes sharing the cores "
                                          "(default: one per two cores, at most one per 32 files)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress bar."),
) -> None:
    """Extract one record per input report (see ../shared/spec/README.md for the record).

    Every input gets a record: empty, binary, undecodable or non-report input gets a status and an error,
    and the batch goes on.
    """
    from nianbao.infer.pipeline import extract_paths

    try:
        counts = extract_paths(paths, output, spans_dir=spans, model_dir=model, progress=not quiet,
                               precision=precision, workers=workers)
    except (FileNotFoundError, ValueError) as e:
        fail(str(e))
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    err.print(f"wrote {sum(counts.values())} records to {output} ({summary})")


@app.command("eval")
def evaluate(
    predictions: Path = typer.Argument(..., help="Records written by `nianbao extract` (JSON Lines)."),
    gold: Path = typer.Option(..., "--gold", help="Folder of gold files (<doc stem>.json)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON instead of tables."),
    wrong: bool = typer.Option(True, "--wrong/--no-wrong", help="List the wrong cells of each document."),
) -> None:
    """Score extracted records against gold: cells, sections, dates, checks, meta."""
    from nianbao.eval.metrics import evaluate_files, render

    try:
        report = evaluate_files(gold, predictions)
    except (FileNotFoundError, ValueError) as e:
        fail(str(e))
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
    else:
        render(report, Console(), show_wrong=wrong)


@app.command()
def synth(
    output: Path = typer.Option(Path("synth"), "-o", "--output", help="Folder for the `datasets` dataset."),
    n: int = typer.Option(3000, "-n", help="Number of documents over all splits."),
    seed: int = typer.Option(13, "--seed", help="Random seed: the same seed gives the same corpus."),
    test_share: float = typer.Option(0.15, help="Share of documents in the held-out test split."),
    validation_share: float = typer.Option(0.05, help="Share of documents in the validation split."),
) -> None:
    """Generate a synthetic corpus of damaged reports with their spans and gold records."""
    import datasets

    from nianbao.train.synth import generate_corpus

    datasets.disable_progress_bars()
    ds = generate_corpus(n, seed=seed, test_share=test_share, validation_share=validation_share)
    ds.save_to_disk(str(output))
    err.print(f"wrote {', '.join(f'{k}: {len(v)}' for k, v in ds.items())} documents to {output}")


@app.command()
def train(
    output: Path = typer.Option(Path("models/default"), "-o", "--output", help="Folder for the trained model."),
    config: Path = typer.Option(Path("train/config.yaml"), "--config", help="Training configuration (YAML)."),
    base_model: Optional[Path] = typer.Option(None, "--base-model", help="Fine-tune this local Hugging Face "
                                              "checkpoint instead of training a small BERT from scratch."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="A corpus saved by `nianbao synth` (default: "
                                          "generate it from the config's seed)."),
    max_minutes: Optional[float] = typer.Option(None, help="Stop after this many minutes (default: config)."),
    epochs: Optional[int] = typer.Option(None, help="Override the config's number of epochs."),
) -> None:
    """Train the span tagger on the synthetic corpus plus annotated documents under data/annotations.

    Prints loss and validation span F1 per epoch, stops early when validation F1 stops improving, and
    saves the best epoch with save_pretrained (loadable with AutoModelForTokenClassification).
    """
    from nianbao.train.trainer import train as run

    if not config.exists():
        fail(f"no config file {config}")
    if base_model is not None and not (base_model / "config.json").exists():
        fail(f"--base-model {base_model} is not a Hugging Face checkpoint folder (no config.json)")
    overrides = {"training.epochs": epochs} if epochs else None
    result = run(config, output, base_model_dir=base_model, corpus_dir=corpus, max_minutes=max_minutes,
                 log=err.print, overrides=overrides)
    err.print(f"best epoch {result.best_epoch} (validation span F1 {result.best_f1:.4f}) saved to "
              f"{result.output_dir} after {result.minutes:.1f} min")


_mount_label_app()

if __name__ == "__main__":  # pragma: no cover
    app()
