"""`nianbao label …`: active-learning rounds with a Label Studio server (mounted by nianbao/cli.py).

    nianbao label server                  a local Label Studio for a person (foreground; Ctrl-C stops it)
    nianbao label setup                   create / update the project from the span scheme
    nianbao label push POOL -k 20         pre-annotate the K most informative unlabeled documents
    nianbao label pull                    corrected annotations → data/annotations (training data)

The URL and API key come from --url / --api-key or LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY. The key is
never printed.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .client import DEFAULT_URL, KEY_ENV, URL_ENV, LabelingError

label_app = typer.Typer(help="Active learning with a Label Studio server: setup, push, pull, round, server.",
                        no_args_is_help=True, add_completion=False)
err = Console(stderr=True, soft_wrap=True)  # one message, one line: the terminal wraps it

UrlOpt = typer.Option(None, "--url", help=f"Label Studio URL (default: ${URL_ENV}, else {DEFAULT_URL}).",
                      show_default=False)
KeyOpt = typer.Option(None, "--api-key", help=f"API key (default: ${KEY_ENV}). Prefer the environment: a "
                      "flag is visible to other users in the process list.", show_default=False)
ProjectOpt = typer.Option("nianbao spans", "--project", help="Project title.")


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


def _client(url: str | None, api_key: str | None):
    from .client import connect

    return connect(url, api_key)


@label_app.command()
def setup(url: Optional[str] = UrlOpt, api_key: Optional[str] = KeyOpt, project: str = ProjectOpt) -> None:
    """Create the labeling project (or reuse the one with this title; updates its labeling config)."""
    from .project import setup as do_setup

    try:
        r = do_setup(_client(url, api_key), project)
    except LabelingError as e:
        _fail(str(e))
    state = "created" if r.created else ("reused, labeling config updated" if r.config_updated else "reused")
    err.print(f"project {r.title!r} (id {r.project_id}): {state}")


@label_app.command()
def push(
    pool: Path = typer.Argument(..., help="Folder of unlabeled report texts (*.txt, searched recursively)."),
    k: int = typer.Option(20, "-k", help="Number of documents to send for annotation."),
    model: Optional[Path] = typer.Option(None, "--model", help="Tagger model folder (default: the shipped "
                                         "model)."),
    strategy: str = typer.Option("uncertainty", "--strategy", help="uncertainty (see nianbao.labeling.select) "
                                 "or random (the baseline)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random strategy."),
    similarity: Optional[float] = typer.Option(None, "--max-similarity", help="Diversity guard: skip a document "
                                               "whose 5-gram Jaccard similarity to a chosen one is above this "
                                               "(default 0.6).", show_default=False),
    url: Optional[str] = UrlOpt, api_key: Optional[str] = KeyOpt, project: str = ProjectOpt,
) -> None:
    """Score the pool with the tagger, pick K documents, import them with pre-annotations, least confident
    first."""
    from rich.progress import Progress

    from nianbao.infer.tagger import Tagger

    from .project import require_project
    from .push import push as do_push

    try:
        client = _client(url, api_key)
        project_id = require_project(client, project)
        tagger = Tagger.load(model, precision="auto")  # pre-annotations as `extract` would tag
        with Progress(transient=True, console=err) as bar:
            task = bar.add_task("scoring the pool", total=None)
            report = do_push(client, project_id, pool, tagger, k, strategy=strategy, seed=seed,
                             threshold=similarity, progress=lambda n: bar.advance(task, n))
    except (LabelingError, FileNotFoundError, ValueError) as e:
        _fail(str(e))
    for doc, why in report.unreadable:
        err.print(f"[yellow]unreadable:[/yellow] {doc}: {why}", highlight=False)
    for c in report.chosen:
        conf = "" if c.confidence is None else f" confidence {c.confidence:.3f}"
        err.print(f"  {c.doc}:{conf} — {'; '.join(c.reasons[2:] or c.reasons[:1])}", highlight=False)
    err.print(f"imported {report.imported} of {report.pool} documents into project {project!r} "
              f"({report.already_in_project} already there, strategy {strategy}, model {tagger.model_id})")


@label_app.command()
def pull(
    out: Path = typer.Option(Path("data/annotations"), "-o", "--out", help="Dataset folder for the examples."),
    url: Optional[str] = UrlOpt, api_key: Optional[str] = KeyOpt, project: str = ProjectOpt,
) -> None:
    """Export finished annotations, validate them and add them to the training set (idempotent)."""
    from .project import require_project
    from .pull import pull as do_pull

    try:
        client = _client(url, api_key)
        report = do_pull(client, require_project(client, project), out)
    except LabelingError as e:
        _fail(str(e))
    for line in report.skipped:
        err.print(f"[yellow]skipped:[/yellow] {line}", highlight=False)
    err.print(f"{len(report.added)} added, {len(report.replaced)} replaced, {report.unchanged} unchanged, "
              f"{len(report.skipped)} invalid annotation(s) skipped; {report.total} examples in {out}")


@label_app.command("round")
def round_(
    model: Path = typer.Option(Path("models/default"), "--model", help="The current tagger (the round's start)."),
    annotations: Path = typer.Option(Path("data/annotations"), "--annotations",
                                     help="Pulled annotations (written by `nianbao label pull`)."),
    rounds: Path = typer.Option(Path("runs/rounds"), "--rounds", help="Folder of rounds; this one is the next "
                                "round-NNN in it, holding the new model and before/after table."),
    config: Path = typer.Option(Path("train/config.yaml"), "--config", help="Training configuration."),
    eval_docs: int = typer.Option(60, "--eval-docs", help="Size of the fixed synthetic evaluation set."),
    eval_seed: int = typer.Option(1001, "--eval-seed", help="Seed of the fixed evaluation set."),
    epochs: int = typer.Option(3, help="Fine-tuning epochs."),
) -> None:
    """Fine-tune the tagger on the pulled annotations (mixed with synthetic replay) and print the
    before/after table of `nianbao eval` metrics on a fixed evaluation set; both go to the round's folder."""
    from datasets import load_from_disk

    from nianbao.eval.active_learning import score_model
    from nianbao.infer.tagger import Tagger
    from nianbao.train.synth import generate_corpus
    from nianbao.train.trainer import fine_tune

    from .round import next_round_dir, run_round

    if not (annotations / "dataset_info.json").exists():
        _fail(f"no annotations in {annotations}: run `nianbao label pull` first")
    test = list(generate_corpus(eval_docs, seed=eval_seed, test_share=1.0, validation_share=0.0)["test"])

    def train_fn(start: Path, ann: Path, out: Path) -> Path:
        fine_tune(start, list(load_from_disk(str(ann))), out, config, epochs=epochs, log=err.print)
        return out

    result = run_round(next_round_dir(rounds), model, annotations, train_fn,
                       lambda m: score_model(Tagger.load(m, precision="auto"), test))
    Console().print(result.table())
    err.print(f"written to {result.round_dir}")


@label_app.command()
def server(
    data_dir: Path = typer.Option(Path("~/.local/share/nianbao/label-studio"), "--data-dir",
                                  help="Label Studio's data (sqlite database, login files)."),
    port: int = typer.Option(8080, "--port", help="Port on 127.0.0.1."),
    venv: Path = typer.Option(Path("~/.cache/nianbao/label-studio-venv"), "--venv",
                              help="Virtual environment of Label Studio (installed there on first use)."),
) -> None:
    """Run a local Label Studio on 127.0.0.1 in the foreground (installs it on first use; Ctrl-C stops it)."""
    from .server import LocalServer

    srv = LocalServer(data_dir.expanduser(), port=port, venv=venv.expanduser())
    err.print(f"starting Label Studio (data in {srv.data_dir}, log in {srv.log_file}) …")
    try:
        srv.start()
    except LabelingError as e:
        _fail(str(e))
    err.print(
        f"Label Studio is up at {srv.url}\n"
        f"  log in as {srv.username}, password in {srv.password_file}\n"
        f"  for nianbao label commands:\n"
        f"    export {URL_ENV}={srv.url}\n"
        f"    export {KEY_ENV}=\"$(cat {srv.api_key_file})\"\n"
        f"Ctrl-C stops it.", highlight=False)
    # Ctrl-C, a closed terminal or a plain `kill` all stop the server too: it runs in a session of its own,
    # so it would outlive us otherwise.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    try:
        srv.process.wait()
        _fail(f"Label Studio stopped by itself (status {srv.process.returncode}): see {srv.log_file}")
    except KeyboardInterrupt:
        err.print("stopping …")
    finally:
        srv.stop()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
