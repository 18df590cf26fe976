"""Train the span tagger: datasets in, a plain PyTorch loop, seqeval metrics, ``save_pretrained`` out.

    corpus (synthetic + annotated)  →  character windows  →  BertForTokenClassification  →  models/<name>/

Read top to bottom: :func:`train` is the whole story; the helpers above it each do one step.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from nianbao.spans import BIO_TAGS, Span, spans_to_bio
from nianbao.textio import normalize_for_model

IGNORE = -100  # label id the loss skips (padding)


def load_config(path: str | Path) -> dict[str, Any]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------------
# Data


def load_corpus(cfg: dict[str, Any], corpus_dir: str | Path | None = None):
    """The synthetic corpus (generated from the config's seed, or loaded from ``corpus_dir``) with the
    Label Studio annotations under ``data/annotations`` added to its train split."""
    from datasets import concatenate_datasets, load_from_disk

    if corpus_dir is not None:
        ds = load_from_disk(str(corpus_dir))
    else:
        from .synth import generate_corpus

        c = cfg["corpus"]
        ds = generate_corpus(c["n_docs"], seed=c["seed"], test_share=c["test_share"],
                             validation_share=c["validation_share"])
    ann = annotations_dataset(cfg["corpus"].get("annotations"))
    if ann is not None and len(ann):
        base = ds["train"].select_columns(["text", "spans"])
        extra = ann.select_columns(["text", "spans"]).cast(base.features)  # int32/int64 offsets alike
        ds["train"] = concatenate_datasets([base, extra])
    return ds


def annotations_dataset(path: str | Path | None):
    """Annotated documents pulled from Label Studio (a `datasets` dataset on disk), if any."""
    if not path or not (Path(path) / "dataset_info.json").exists():
        return None
    from datasets import load_from_disk

    return load_from_disk(str(path))


def doc_spans(example: dict) -> list[Span]:
    return [Span(s["start"], s["end"], s["label"]) for s in example["spans"]]


def encode_document(tokenizer, text: str, spans: list[Span], word_features: bool = False) -> dict[str, list[int]]:
    """Token ids and tag ids of a whole document. Each token takes the tag of its first character, so a
    sub-word tokenizer (a `--base-model` checkpoint) is aligned through its offsets."""
    norm = normalize_for_model(text)
    enc = tokenizer(norm, add_special_tokens=False, return_offsets_mapping=True)
    char_tags = spans_to_bio(text, spans)
    tag_id = {t: i for i, t in enumerate(BIO_TAGS)}
    labels = [tag_id[char_tags[a]] if z > a else IGNORE for a, z in enc["offset_mapping"]]
    out = {"input_ids": enc["input_ids"], "labels": labels}
    if word_features:
        from nianbao.infer.features import word_boundary_ids

        types = word_boundary_ids(norm)
        out["token_type_ids"] = [types[a] if a < len(types) else 0 for a, _ in enc["offset_mapping"]]
    return out


def to_windows(doc: dict[str, list[int]], length: int, stride: int) -> list[dict[str, list[int]]]:
    from nianbao.infer.windows import window_starts

    n = len(doc["input_ids"])
    return [{k: v[s:s + length] for k, v in doc.items()} for s in window_starts(n, length, stride)]


def collate(batch: list[dict[str, list[int]]], pad_id: int):
    import torch

    width = max(len(b["input_ids"]) for b in batch)
    out = {"input_ids": torch.full((len(batch), width), pad_id, dtype=torch.long),
           "attention_mask": torch.zeros((len(batch), width), dtype=torch.long),
           "labels": torch.full((len(batch), width), IGNORE, dtype=torch.long)}
    if "token_type_ids" in batch[0]:
        out["token_type_ids"] = torch.zeros((len(batch), width), dtype=torch.long)
    for i, b in enumerate(batch):
        n = len(b["input_ids"])
        out["input_ids"][i, :n] = torch.tensor(b["input_ids"])
        out["attention_mask"][i, :n] = 1
        out["labels"][i, :n] = torch.tensor(b["labels"])
        if "token_type_ids" in out:
            out["token_type_ids"][i, :n] = torch.tensor(b["token_type_ids"])
    if bool(out["attention_mask"].all()):  # no padding (windows are full-length): the mask only costs time
        del out["attention_mask"]
    return out


def training_autocast(precision: str):
    """The autocast context of a training step: bfloat16 matrix products (weights and optimiser stay fp32)
    where the CPU computes bf16 natively — about twice the steps per minute here — else plain fp32."""
    import contextlib

    import torch

    from nianbao.infer.tagger import inference_precision

    if precision not in ("auto", "bf16", "fp32"):
        raise ValueError(f"training.precision must be auto, bf16 or fp32, not {precision!r}")
    if precision == "fp32" or (precision == "auto" and inference_precision() != "bf16"):
        return contextlib.nullcontext()
    return torch.autocast("cpu", dtype=torch.bfloat16)


# --------------------------------------------------------------------------------------------------------
# Model


def new_model(cfg: dict[str, Any], vocab_size: int):
    """A small BERT token classifier from scratch (no pretrained weights can be downloaded here)."""
    from transformers import BertConfig, BertForTokenClassification

    m = cfg["model"]
    config = BertConfig(
        vocab_size=vocab_size, hidden_size=m["hidden_size"], num_hidden_layers=m["num_hidden_layers"],
        num_attention_heads=m["num_attention_heads"], intermediate_size=m["intermediate_size"],
        max_position_embeddings=m["max_position_embeddings"], hidden_dropout_prob=m["hidden_dropout_prob"],
        attention_probs_dropout_prob=m["attention_probs_dropout_prob"],
        type_vocab_size=5 if m.get("word_features") else 2,
        num_labels=len(BIO_TAGS), id2label=dict(enumerate(BIO_TAGS)),
        label2id={t: i for i, t in enumerate(BIO_TAGS)})
    return BertForTokenClassification(config)


def base_model(path: str | Path):
    """Fine-tune any local Hugging Face checkpoint: its encoder and tokenizer, a fresh head for our tags."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path))
    model = AutoModelForTokenClassification.from_pretrained(
        str(path), num_labels=len(BIO_TAGS), id2label=dict(enumerate(BIO_TAGS)),
        label2id={t: i for i, t in enumerate(BIO_TAGS)}, ignore_mismatched_sizes=True)
    return model, tokenizer


# --------------------------------------------------------------------------------------------------------
# Evaluation


def evaluate_tagger(tagger, docs) -> dict[str, Any]:
    """seqeval span scores of the tagger's decoded spans on whole documents."""
    from nianbao.eval.metrics import tag_scores

    texts = [d["text"] for d in docs]
    predicted = tagger.predict_many(texts)
    true = [spans_to_bio(t, doc_spans(d)) for t, d in zip(texts, docs)]
    pred = [spans_to_bio(t, p) for t, p in zip(texts, predicted)]
    return tag_scores(true, pred)


@dataclass
class TrainResult:
    output_dir: Path
    epochs_run: int
    best_epoch: int
    best_f1: float
    minutes: float
    history: list[dict[str, Any]]


def train(config_path: str | Path, output_dir: str | Path, base_model_dir: str | Path | None = None,
          corpus_dir: str | Path | None = None, max_minutes: float | None = None,
          log: Callable[[str], None] = print, overrides: dict[str, Any] | None = None,
          corpus=None, progress: bool = True) -> TrainResult:
    """Train a tagger and save the best epoch (by validation span F1) to ``output_dir``.

    ``corpus`` (a DatasetDict with train/validation splits of text + spans) replaces the configured one,
    e.g. for an active-learning round."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    from nianbao.infer.tagger import Tagger

    from .tokenizer import build_tokenizer

    import datasets
    from transformers.utils import logging as hf_logging

    datasets.disable_progress_bars()
    hf_logging.disable_progress_bar()
    cfg = load_config(config_path)
    for dotted, value in (overrides or {}).items():  # e.g. {"training.epochs": 1}
        section, key = dotted.split(".")
        cfg[section][key] = value
    t_cfg, w_cfg = cfg["training"], cfg["windows"]
    word_features = bool(cfg["model"].get("word_features"))
    limit = (max_minutes or t_cfg.get("max_minutes") or 1e9) * 60
    random.seed(t_cfg["seed"])
    np.random.seed(t_cfg["seed"])
    torch.manual_seed(t_cfg["seed"])
    torch.set_num_threads(t_cfg.get("torch_threads", 2))
    started = time.time()

    ds = corpus if corpus is not None else load_corpus(cfg, corpus_dir)
    train_docs, val_docs = ds["train"], ds["validation"]
    log(f"corpus: {len(train_docs)} train, {len(val_docs)} validation documents")

    if base_model_dir:
        model, tokenizer = base_model(base_model_dir)
        log(f"fine-tuning {base_model_dir}")
    else:
        tokenizer = build_tokenizer((normalize_for_model(t) for t in train_docs["text"]),
                                    cfg["tokenizer"]["min_count"])
        model = new_model(cfg, len(tokenizer))
    log(f"model: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters, "
        f"vocabulary {len(tokenizer)}")

    # Training windows do not overlap (overlap only helps at inference, where a character's prediction
    # is taken from the window in which it is most central).
    windows = [w for d in train_docs
               for w in to_windows(encode_document(tokenizer, d["text"], doc_spans(d), word_features),
                                   w_cfg["length"], w_cfg["length"])]
    batches_per_epoch = math.ceil(len(windows) / t_cfg["batch_size"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=t_cfg["learning_rate"],
                                  weight_decay=t_cfg["weight_decay"])
    total_steps = batches_per_epoch * t_cfg["epochs"]
    scheduler = get_linear_schedule_with_warmup(optimizer, int(total_steps * t_cfg["warmup_share"]), total_steps)
    if base_model_dir and getattr(model.config, "nianbao", None):  # keep the base tagger's windows
        word_features = model.config.nianbao.get("word_features", False)
    model.config.nianbao = {"window": w_cfg["length"], "stride": w_cfg["stride"],
                            "word_features": word_features, "model_id": Path(output_dir).name}
    pad_id = tokenizer.pad_token_id or 0
    tagger = Tagger(model, tokenizer, list(BIO_TAGS), w_cfg["length"], w_cfg["stride"], word_features)

    history: list[dict[str, Any]] = []
    best_f1, best_epoch, stale = -1.0, 0, 0
    out = Path(output_dir)
    epoch = 0
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    for epoch in range(1, t_cfg["epochs"] + 1):
        model.train()
        random.shuffle(windows)
        losses = []
        with Progress(TextColumn(f"epoch {epoch}"), BarColumn(), TextColumn("{task.completed}/{task.total} "
                      "batches  loss {task.fields[loss]:.4f}"), TimeRemainingColumn(), transient=True,
                      disable=not progress) as bar:
            task = bar.add_task("train", total=batches_per_epoch, loss=float("nan"))
            for b in range(0, len(windows), t_cfg["batch_size"]):
                batch = collate(windows[b:b + t_cfg["batch_size"]], pad_id)
                with training_autocast(t_cfg.get("precision", "fp32")):
                    loss = model(**batch).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                losses.append(loss.item())
                bar.update(task, advance=1, loss=float(np.mean(losses[-50:])))
                if time.time() - started > limit:
                    break
        model.eval()
        scores = evaluate_tagger(tagger, val_docs)
        f1 = scores["micro"]["f1"]
        row = {"epoch": epoch, "loss": float(np.mean(losses)), "val_f1": f1,
               "val_token_accuracy": scores["token_accuracy"], "minutes": (time.time() - started) / 60}
        history.append(row)
        log(f"epoch {epoch}: loss {row['loss']:.4f}  validation span F1 {f1:.4f}  "
            f"token acc {row['val_token_accuracy']:.4f}  ({row['minutes']:.1f} min)")
        if f1 > best_f1:
            best_f1, best_epoch, stale = f1, epoch, 0
            model.save_pretrained(str(out))
            tokenizer.save_pretrained(str(out))
        else:
            stale += 1
        if stale >= t_cfg["patience"] or time.time() - started > limit:
            log("stopping: " + ("no validation gain" if stale >= t_cfg["patience"] else "time limit"))
            break
    result = TrainResult(out, epoch, best_epoch, best_f1, (time.time() - started) / 60, history)
    (out / "training.json").write_text(json.dumps(
        {"config": cfg, "base_model": str(base_model_dir) if base_model_dir else None,
         "epochs_run": epoch, "best_epoch": best_epoch, "best_val_f1": best_f1,
         "minutes": result.minutes, "history": history}, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def fine_tune(model_dir: str | Path, annotated, output_dir: str | Path, config_path: str | Path,
              replay: int = 200, epochs: int = 3, seed: int = 13, log: Callable[[str], None] = print,
              lr_scale: float = 0.05) -> TrainResult:
    """One active-learning step: continue training ``model_dir`` on annotated documents (text + spans),
    mixed with ``replay`` synthetic documents so the model does not forget what it knew."""
    from datasets import Dataset, DatasetDict, concatenate_datasets

    from .synth import generate_corpus

    synthetic = generate_corpus(replay + max(20, replay // 10), seed=seed + 1, test_share=0.0,
                                validation_share=0.1)
    base = synthetic["train"].select_columns(["text", "spans"])
    annotated = Dataset.from_list([{"text": d["text"], "spans": d["spans"]} for d in annotated]).cast(base.features)
    train_split = concatenate_datasets([base, annotated])
    corpus = DatasetDict(train=train_split.shuffle(seed=seed),
                         validation=synthetic["validation"].select_columns(["text", "spans"]))
    return train(config_path, output_dir, base_model_dir=model_dir, log=log, corpus=corpus, progress=False,
                 overrides={"training.epochs": epochs, "training.patience": epochs,
                            "training.learning_rate": load_config(config_path)["training"]["learning_rate"] * lr_scale})
