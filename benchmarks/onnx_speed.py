"""Is ONNX Runtime (fp32 or int8) faster than PyTorch for the tagger, at equal accuracy? Prints figures.

    pip install onnxruntime onnx onnxscript
    python benchmarks/onnx_speed.py [--model models/default] [--docs 60]

Exports the tagger to ONNX, quantises a copy to int8 (dynamic quantisation), then tags the same synthetic
documents of ~6,000 characters with each backend through the same windowing code, timing the model and
comparing the decoded spans with PyTorch's (share of documents whose spans are identical, and span-level
agreement), plus cell accuracy on the dev seeds when they are present.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


class OrtModel:
    """Stands in for the PyTorch model inside :class:`nianbao.infer.tagger.Tagger`."""

    def __init__(self, path: Path, config, threads: int):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.config = config

    def __call__(self, input_ids, attention_mask=None, **_):
        import torch

        if attention_mask is None:  # the tagger leaves out a mask of all ones
            attention_mask = torch.ones_like(input_ids)
        logits = self.session.run(["logits"], {"input_ids": input_ids.numpy(), "attention_mask": attention_mask.numpy()})[0]
        return type("Out", (), {"logits": torch.from_numpy(logits)})()


def export(model, out: Path) -> None:
    import torch

    ids = torch.ones((2, 64), dtype=torch.long)
    torch.onnx.export(model, (ids, torch.ones_like(ids)), str(out), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                                    "logits": {0: "batch", 1: "length"}})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from nianbao.infer.tagger import Tagger
    from nianbao.train.synth import generate_corpus

    torch.set_num_threads(args.threads)
    raw = list(generate_corpus(args.docs, seed=7, test_share=0.0, validation_share=0.0)["train"]["text"])
    texts = [(raw[i] + "\n" + raw[(i + 1) % len(raw)])[:6000] for i in range(len(raw))]
    tagger = Tagger.load(args.model)
    tmp = Path(tempfile.mkdtemp())
    export(tagger.model, tmp / "fp32.onnx")
    quantize_dynamic(str(tmp / "fp32.onnx"), str(tmp / "int8.onnx"), weight_type=QuantType.QInt8)

    def run(t: Tagger) -> tuple[float, list]:
        start = time.perf_counter()
        spans = []
        for i in range(0, len(texts), 8):
            spans += t.predict_many(texts[i:i + 8])
        return time.perf_counter() - start, spans

    base_time, base_spans = run(tagger)
    rows = [("pytorch", base_time, 1.0, 1.0)]
    for name in ("fp32", "int8"):
        t = Tagger(OrtModel(tmp / f"{name}.onnx", tagger.model.config, args.threads), tagger.tokenizer, tagger.tags,
                   tagger.window, tagger.stride, tagger.word_features)
        secs, spans = run(t)
        key = lambda doc: [(s.start, s.end, s.label) for s in doc]  # noqa: E731 (scores may differ in the 4th digit)
        same_docs = sum(key(a) == key(b) for a, b in zip(base_spans, spans)) / len(texts)
        pairs = sum(len({(s.start, s.end, s.label) for s in a} & {(s.start, s.end, s.label) for s in b})
                    for a, b in zip(base_spans, spans))
        total = sum(len(a) for a in base_spans)
        rows.append((f"onnxruntime {name}", secs, same_docs, pairs / total))
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} documents, {chars / len(texts):,.0f} characters each on average, {args.threads} threads")
    print(f"{'backend':20} {'seconds':>8} {'docs/s':>8} {'same spans (docs)':>18} {'span agreement':>15}")
    for name, secs, same, agree in rows:
        print(f"{name:20} {secs:8.2f} {len(texts) / secs:8.1f} {same:18.1%} {agree:15.2%}")


if __name__ == "__main__":
    main()
