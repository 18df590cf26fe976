"""One active-learning round after a pull: evaluate the current model, retrain with the annotations, evaluate
the new model on the same fixed evaluation set, and write the before/after table to the round's folder.

Training and evaluation are injected, so this module knows nothing of the trainer or of `nianbao eval`:

    train_fn(start_model_dir, annotations_dir, output_dir) -> trained model dir
    eval_fn(model_dir) -> {metric name: value}        (e.g. cell accuracy, span F1 on the fixed test set)

Written to ``round_dir``: ``before_after.md`` (the table) and ``round.json`` (the numbers, models, timings).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

TrainFn = Callable[[Path, Path, Path], Path]
EvalFn = Callable[[Path], Mapping[str, float]]


@dataclass
class RoundResult:
    round_dir: Path
    before_model: Path
    after_model: Path
    annotations: int  # examples in the annotations dataset the model was trained with
    before: dict[str, float]
    after: dict[str, float]
    train_seconds: float
    eval_seconds: float

    def rows(self) -> list[tuple[str, float | None, float | None, float | None]]:
        """(metric, before, after, after − before), metrics in the order eval_fn gave them."""
        names = list(self.before) + [m for m in self.after if m not in self.before]
        out = []
        for m in names:
            b, a = self.before.get(m), self.after.get(m)
            out.append((m, b, a, a - b if a is not None and b is not None else None))
        return out

    def table(self) -> str:
        """The before/after table in Markdown."""
        lines = [f"Round {self.round_dir.name}: {self.annotations} annotated documents; "
                 f"model {self.before_model} → {self.after_model}", "",
                 "| metric | before | after | change |", "|---|---:|---:|---:|"]
        for m, b, a, d in self.rows():
            lines.append(f"| {m} | {_fmt(b)} | {_fmt(a)} | {_fmt(d, signed=True)} |")
        return "\n".join(lines) + "\n"


def _fmt(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "—"
    if isinstance(x, int) and not signed:
        return str(x)
    return f"{x:+.4f}" if signed else f"{x:.4f}"


def count_examples(annotations_dir: Path) -> int:
    from .pull import load_examples

    return len(load_examples(annotations_dir))


def next_round_dir(rounds_root: Path) -> Path:
    """``rounds_root/round-NNN``, one past the last existing round."""
    rounds_root = Path(rounds_root)
    taken = [int(p.name.split("-")[1]) for p in rounds_root.glob("round-[0-9][0-9][0-9]") if p.is_dir()]
    return rounds_root / f"round-{max(taken, default=0) + 1:03d}"


def run_round(round_dir: Path, model_dir: Path, annotations_dir: Path,
              train_fn: TrainFn, eval_fn: EvalFn) -> RoundResult:
    """Evaluate ``model_dir``, train from it with ``annotations_dir`` into ``round_dir/model``, evaluate the
    result; write the table and the numbers to ``round_dir``."""
    round_dir, model_dir = Path(round_dir), Path(model_dir)
    round_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    before = dict(eval_fn(model_dir))
    t1 = time.perf_counter()
    after_model = Path(train_fn(model_dir, Path(annotations_dir), round_dir / "model"))
    t2 = time.perf_counter()
    after = dict(eval_fn(after_model))
    t3 = time.perf_counter()
    result = RoundResult(round_dir, model_dir, after_model, count_examples(annotations_dir), before, after,
                         train_seconds=round(t2 - t1, 2), eval_seconds=round((t1 - t0) + (t3 - t2), 2))
    (round_dir / "before_after.md").write_text(result.table(), encoding="utf-8")
    record = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(result).items()}
    record["rows"] = [dict(zip(("metric", "before", "after", "change"), r)) for r in result.rows()]
    (round_dir / "round.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
    return result
