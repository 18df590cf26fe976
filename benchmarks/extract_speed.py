"""Benchmark `extract` on 2 cores: documents per second and peak memory, model and post-processing apart.

    python benchmarks/extract_speed.py [--model DIR] [--docs 200] [--threads 2] [--precision auto,fp32]
                                       [--workers 2]

Documents: a fixed set of synthetic reports (seed 7) cut or padded to about 6,000 characters.
First, in this process, the model and the post-processing are timed apart for each precision. Then, with
--workers N, `nianbao extract -j N` itself is timed on the same documents written to files: N tagger
processes of 1 thread each on the cores, start-up (torch and model loading) included.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="tagger folder (default: the shipped model)")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-docs", type=int, default=1,
                    help="documents tagged per model call (1: as `extract` tags them, one report at a time)")
    ap.add_argument("--precision", default="auto,fp32,bf16,int8",
                    help="comma-separated tagger precisions to measure (auto is what `extract` uses)")
    ap.add_argument("--workers", default="2", help="comma-separated `extract -j` values to time end to end "
                    "(precision auto); empty to skip")
    args = ap.parse_args()

    import torch

    from nianbao.infer.pipeline import build_record
    from nianbao.infer.tagger import Tagger, inference_precision
    from nianbao.train.synth import generate_corpus

    torch.set_num_threads(args.threads)
    corpus = generate_corpus(args.docs, seed=7, test_share=0.0, validation_share=0.0)["train"]
    raw = list(corpus["text"])
    # Synthetic reports run ~3,000 characters; join each with the next and cut to the ~6,000 of a long one.
    texts = [(raw[i] + "\n" + raw[(i + 1) % len(raw)])[:6000] for i in range(len(raw))]
    chars = sum(len(t) for t in texts)
    for precision in args.precision.split(","):
        tagger = Tagger.load(args.model, precision=precision)
        tagger.predict_many(texts[:2])  # warm-up: the first call pays for lazy initialisation
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        all_spans = []
        for i in range(0, len(texts), args.batch_docs):
            all_spans += tagger.predict_many(texts[i:i + args.batch_docs])
        t1 = time.perf_counter()
        for i, (text, spans) in enumerate(zip(texts, all_spans)):
            build_record(f"doc{i}.txt", text, spans)
        t2 = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        n = len(texts)
        shown = f"{precision} ({inference_precision()})" if precision == "auto" else precision
        print(f"precision            {shown}")
        print(f"documents            {n} (mean {chars / n:,.0f} characters), threads {args.threads}")
        print(f"model                {t1 - t0:7.2f} s   {n / (t1 - t0):7.1f} docs/s   {chars / (t1 - t0):,.0f} chars/s")
        print(f"post-processing      {t2 - t1:7.2f} s   {n / (t2 - t1):7.1f} docs/s")
        print(f"end to end           {t2 - t0:7.2f} s   {n / (t2 - t0):7.1f} docs/s")
        print(f"peak memory (RSS)    {peak:,.0f} MB (after loading the model: {rss_before:,.0f} MB)\n")
    for workers in filter(None, args.workers.split(",")):
        time_extract(texts, int(workers), args.model)


def time_extract(texts: list[str], workers: int, model: Path | None) -> None:
    """`nianbao extract -j workers` on the texts as files, from start to the last record written."""
    import tempfile

    from nianbao.infer.pipeline import extract_paths

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"doc{i:04d}.txt").write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        counts = extract_paths([folder], Path(tmp) / "out.jsonl", model_dir=model, progress=False,
                               workers=workers)
        seconds = time.perf_counter() - t0
    n = len(texts)
    print(f"extract -j {workers}         {seconds:7.2f} s   {n / seconds:7.1f} docs/s   (start-up included; "
          f"{dict(counts)})")
    if workers > 1:
        print(f"peak memory (RSS)    {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MB "
              f"per worker")
    print()


if __name__ == "__main__":
    main()
