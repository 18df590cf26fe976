"""The tagger at inference time: a token-classification model over overlapping windows, merged per
character and decoded into a valid span sequence.

Works with the shipped character-level model and with any Hugging Face token-classification checkpoint
fine-tuned by `nianbao train --base-model` (sub-word tokenizers are aligned through offset mappings).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from nianbao.spans import BIO_TAGS, NEVER_ADJACENT, Span, bio_to_spans
from nianbao.template import fold, get_template, strip_numbering
from nianbao.textio import normalize_for_model

from .labels import match_row
from .tables import SPACED_NUMBERS, is_page_marker_line, merged_row_lines
from .windows import merge_windows, window_starts

DEFAULT_MODEL = "default"


def default_model_dir() -> Path:
    return Path(str(resources.files("nianbao.models").joinpath(DEFAULT_MODEL)))


def allowed_transitions(tags: list[str]) -> np.ndarray:
    """allowed[i, j]: tag j may follow tag i. I-X only after B-X or I-X; and B-X not right after a span of X
    for the labels whose spans never touch (so a value is never cut in two: ``3`` ``05`` is ``305``)."""
    k = len(tags)
    ok = np.ones((k, k), dtype=bool)
    for j, t in enumerate(tags):
        prefix, _, label = t.partition("-")
        if prefix == "I":
            for i, p in enumerate(tags):
                ok[i, j] = p in (f"B-{label}", f"I-{label}")
        elif prefix == "B" and label in NEVER_ADJACENT:
            for i, p in enumerate(tags):
                if p in (f"B-{label}", f"I-{label}"):
                    ok[i, j] = False
    return ok


def viterbi(log_probs: np.ndarray, allowed: np.ndarray, start_ok: np.ndarray) -> np.ndarray:
    """Best tag path under the transition constraints (scores are per-position log-probabilities)."""
    n, k = log_probs.shape
    neg = np.float32(-1e9)
    trans = np.where(allowed, 0.0, neg).astype(np.float32)
    score = np.where(start_ok, log_probs[0], neg)
    back = np.zeros((n, k), dtype=np.int32)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand.max(0) + log_probs[i]
    path = np.zeros(n, dtype=np.int32)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def viterbi_between_sure_o(probs: np.ndarray, o_index: int, allowed: np.ndarray, start_ok: np.ndarray,
                           sure: float = 0.9995) -> np.ndarray:
    """:func:`viterbi` run only over the stretches between characters the model is sure are O.

    O may follow any tag and any tag but I-X may follow O, so a character fixed to O cuts the path into
    independent pieces; prose, most of a report, is then skipped instead of stepped through in Python.
    """
    path = np.full(len(probs), o_index, dtype=np.int32)
    open_ = np.flatnonzero(probs[:, o_index] < sure)
    if not len(open_):
        return path
    cuts = np.flatnonzero(np.diff(open_) > 1)
    starts = np.concatenate([[open_[0]], open_[cuts + 1]])
    ends = np.concatenate([open_[cuts], [open_[-1]]]) + 1
    # Where the most likely tag of every character already makes a valid path, that path is the best
    # valid one (the constraints only forbid), so Viterbi runs only on the stretches it breaks.
    greedy = probs.argmax(1).astype(np.int32)
    greedy[probs[:, o_index] >= sure] = o_index
    broken = np.flatnonzero(~allowed[greedy[:-1], greedy[1:]]) + 1
    if not start_ok[greedy[0]]:
        broken = np.concatenate([[0], broken])
    path[open_] = greedy[open_]
    log_probs = None
    for a, z in zip(starts, ends):  # after an O: the start rule; before an O: anything may end
        first = np.searchsorted(broken, a)
        if first == len(broken) or broken[first] >= z:
            continue
        if log_probs is None:
            log_probs = np.log(probs + 1e-9)
        path[a:z] = viterbi(log_probs[a:z], allowed, start_ok)
    return path


def path_spans(path: np.ndarray, tags: list[str], allowed: np.ndarray, start_ok: np.ndarray) -> list[Span]:
    """The spans of a tag path (indices into ``tags``), as :func:`~nianbao.spans.bio_to_spans` reads them.
    On a valid path (every span opened by its B-, as Viterbi leaves it) the spans are found with array
    operations: a Python loop over a 6,000-character report costs ~2.5 ms, this ~0.2 ms."""
    n = len(path)
    if n == 0:
        return []
    if not (start_ok[path[0]] and allowed[path[:-1], path[1:]].all()):
        return bio_to_spans([tags[i] for i in path])
    is_b = np.array([t.startswith("B-") for t in tags])
    is_i = np.array([t.startswith("I-") for t in tags])
    starts = np.flatnonzero(is_b[path])
    # a span runs until the first character after its start that does not continue it (on a valid path
    # an I- continues the span before it)
    breaks = np.append(np.flatnonzero(~is_i[path]), n)
    ends = breaks[np.searchsorted(breaks, starts, side="right")]
    labels = [t[2:] for t in tags]
    return [Span(int(a), int(z), labels[path[a]]) for a, z in zip(starts, ends)]


PRECISIONS = ("fp32", "bf16", "int8")


def inference_precision() -> str:
    """The fastest precision that leaves the tagger's spans as they are: bfloat16 where the CPU computes
    it natively (on this machine 2x fp32, the same spans on the dev set and 120 synthetic test reports),
    else int8 (1.8x, 99.9 % of spans the same)."""
    import torch

    try:
        native_bf16 = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        native_bf16 = False
    return "bf16" if native_bf16 else "int8"


def frozen_logits(model):
    """The model's forward pass from input ids to logits, traced and frozen as a TorchScript graph (its
    weights folded in, its operators fused by oneDNN), or None where tracing fails. Measured on 2 cores in
    bf16: 10-14 % less time per window than the model itself, and the same logits to the last bit at
    every batch and window size tried (``benchmarks/extract_speed.py``). The graph is a snapshot: it does
    not follow later changes to the model's weights, so it serves inference only."""
    import warnings

    import torch

    class Logits(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids):
            return self.inner(input_ids=input_ids).logits

    from transformers.utils import logging as hf_logging

    example = torch.zeros((2, 16), dtype=torch.long)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # tracing walks the model's attributes, which log irrelevant notes
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.jit.freeze(torch.jit.trace(Logits(model).eval(), (example,), strict=False))
    except Exception:  # an architecture or torch build the tracer cannot follow: run the model itself
        return None
    finally:
        hf_logging.set_verbosity(verbosity)


def quantized(model):
    """The model with int8 weights in its linear layers (dynamic quantisation), or the model itself where
    this torch build no longer offers it."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    except (AttributeError, RuntimeError, ImportError):
        return model


@dataclass
class Tagger:
    model: object
    tokenizer: object
    tags: list[str]
    window: int = 256
    stride: int = 192
    word_features: bool = False
    batch_size: int = 32
    # token id of every character, when the tokenizer is character-level (one token per character, as
    # the shipped one): looked up directly, 4x faster than the tokenizer call for a 6,000-character report
    char_ids: dict[str, int] | None = None
    unk_id: int = 0
    # the model's forward pass as a frozen TorchScript graph (input ids → logits), for inference in bf16:
    # see :func:`frozen_logits`; None runs the model itself
    frozen: object | None = None

    def __post_init__(self) -> None:
        if self.char_ids is None and not self.word_features:
            probe = "中文 a1\n\t，|（"
            enc = self.tokenizer(probe, add_special_tokens=False, return_offsets_mapping=True)
            if [tuple(o) for o in enc["offset_mapping"]] == [(i, i + 1) for i in range(len(probe))]:
                vocab = self.tokenizer.get_vocab()
                self.unk_id = self.tokenizer.unk_token_id or 0
                self.char_ids = {t: i for t, i in vocab.items() if len(t) == 1}

    def _char_level_ids(self, text: str) -> np.ndarray:
        """The token id of every character of ``text`` (unknown ones: the unknown token), looked up by
        code point in sorted arrays: ~20x faster than a dict lookup per character."""
        if not hasattr(self, "_points"):
            points = sorted((ord(ch), i) for ch, i in self.char_ids.items())
            self._points = np.array([p for p, _ in points], dtype=np.int64)
            self._point_ids = np.array([i for _, i in points], dtype=np.int64)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        at = np.minimum(np.searchsorted(self._points, codes), len(self._points) - 1)
        return np.where(self._points[at] == codes, self._point_ids[at], self.unk_id)

    @classmethod
    def load(cls, model_dir: Path | str | None = None, precision: str = "fp32") -> "Tagger":
        """The tagger saved in ``model_dir`` (default: the shipped model), its weights in ``precision``:
        "fp32" as trained (for fine-tuning and scoring), or, for inference only, "bf16" (bfloat16 weights),
        "int8" (dynamically quantised linear layers) or "auto" (:func:`inference_precision`); see ``benchmarks/extract_speed.py`` for what
        each costs and changes."""
        if precision == "auto":
            precision = inference_precision()
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        path = Path(model_dir) if model_dir else default_model_dir()
        if not (path / "config.json").exists():
            raise FileNotFoundError(f"no tagger model in {path}: train one with `nianbao train`, pass "
                                    f"--model DIR, or give gold spans with --spans DIR")
        torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        model = AutoModelForTokenClassification.from_pretrained(str(path), dtype=dtype).eval()
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        extra = getattr(model.config, "nianbao", None) or {}
        tags = [model.config.id2label[i] for i in range(len(model.config.id2label))]
        if precision == "int8":
            model = quantized(model)
        tagger = cls(model, tokenizer, tags, extra.get("window", 256), extra.get("stride", 192),
                     extra.get("word_features", False))
        if precision == "bf16" and not tagger.word_features:
            tagger.frozen = frozen_logits(model)
        return tagger

    @property
    def model_id(self) -> str:
        extra = getattr(self.model.config, "nianbao", None) or {}
        return extra.get("model_id", "unknown")

    # -- scores -------------------------------------------------------------------------------------

    def char_probs(self, texts: list[str]) -> list[np.ndarray]:
        """Per character of each text, the probability of every tag (rows sum to 1)."""
        import torch

        encoded = []
        for text in texts:
            norm = normalize_for_model(text)
            if self.char_ids is not None:
                encoded.append((self._char_level_ids(norm), None, None))
                continue
            enc = self.tokenizer(norm, add_special_tokens=False, return_offsets_mapping=True)
            types = None
            if self.word_features:
                from .features import word_boundary_ids

                char_types = word_boundary_ids(norm)
                types = [char_types[a] if a < len(char_types) else 0 for a, _ in enc["offset_mapping"]]
            encoded.append((enc["input_ids"], enc["offset_mapping"], types))
        jobs = []  # (doc index, window start, ids, types)
        for d, (ids, _, types) in enumerate(encoded):
            for s in window_starts(len(ids), self.window, self.stride):
                jobs.append((d, s, ids[s:s + self.window], types[s:s + self.window] if types else None))
        outputs: dict[tuple[int, int], np.ndarray] = {}
        pad = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for b in range(0, len(jobs), self.batch_size):
                batch = jobs[b:b + self.batch_size]
                width = max(len(j[2]) for j in batch) or 1
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                types = torch.zeros((len(batch), width), dtype=torch.long)
                for r, (_, _, w_ids, w_types) in enumerate(batch):
                    ids[r, :len(w_ids)] = torch.as_tensor(w_ids, dtype=torch.long)
                    mask[r, :len(w_ids)] = 1
                    if w_types:
                        types[r, :len(w_types)] = torch.tensor(w_types, dtype=torch.long)
                kwargs = {"input_ids": ids}
                if not bool(mask.all()):  # a mask of all ones costs ~10 % of the forward pass for nothing
                    kwargs["attention_mask"] = mask
                if self.word_features:
                    kwargs["token_type_ids"] = types
                if self.frozen is not None and len(kwargs) == 1:  # the graph takes ids only: no mask
                    logits = self.frozen(ids)
                else:
                    logits = self.model(**kwargs).logits
                probs = torch.softmax(logits.float(), -1).numpy()
                for r, (d, s, w_ids, _) in enumerate(batch):
                    outputs[(d, s)] = probs[r, :len(w_ids)]
        results = []
        o_index = self.tags.index("O")
        for d, (ids, offsets, _) in enumerate(encoded):
            n_chars = len(texts[d])
            k = len(self.tags)
            chars = np.zeros((n_chars, k), dtype=np.float32)
            chars[:, o_index] = 1.0  # characters no token covers (e.g. whitespace a sub-word tokenizer drops)
            if len(ids):
                starts = window_starts(len(ids), self.window, self.stride)
                tok = merge_windows(len(ids), starts, self.window, [outputs[(d, s)] for s in starts])
                if offsets is None:  # character-level: token i is character i
                    results.append(tok)
                    continue
                for t, (a, z) in enumerate(offsets):
                    if z <= a:
                        continue
                    chars[a] = tok[t]
                    if z - a > 1:  # a multi-character token: its other characters continue its span
                        chars[a + 1:z] = _inside(tok[t], self.tags)
            results.append(chars)
        return results

    # -- spans --------------------------------------------------------------------------------------

    def decode(self, probs: np.ndarray) -> list[Span]:
        """A valid span sequence from per-character probabilities, with each span's mean confidence."""
        if len(probs) == 0:
            return []
        if not hasattr(self, "_allowed"):  # the constraints depend on the tag set only
            self._allowed = allowed_transitions(self.tags)
            self._start_ok = np.array([not t.startswith("I-") for t in self.tags])
        allowed, start_ok = self._allowed, self._start_ok
        path = viterbi_between_sure_o(probs, self.tags.index("O"), allowed, start_ok)
        decoded = path_spans(path, self.tags, allowed, start_ok)
        if not decoded:
            return []
        chosen = np.concatenate([[0.0], np.cumsum(probs[np.arange(len(path)), path], dtype=np.float64)])
        return [Span(s.start, s.end, s.label, round(float((chosen[s.end] - chosen[s.start]) / (s.end - s.start)), 4))
                for s in decoded]

    def spans(self, text: str, probs: np.ndarray) -> list[Span]:
        """The spans the pipeline uses: the decoded path, repaired where the scheme rules it out."""
        return repair_spans(text, self.decode(probs))

    def predict_many(self, texts: list[str]) -> list[list[Span]]:
        return [self.spans(t, p) for t, p in zip(texts, self.char_probs(texts))]

    def predict(self, text: str) -> list[Span]:
        return self.predict_many([text])[0]


_NUMERIC = re.compile(r"[\d\s.+\-]+")


def repair_spans(text: str, spans: list[Span]) -> list[Span]:
    """Undo what the scheme rules out and add what the text settles (see the ``_`` helpers below), until
    nothing changes: one repair can enable another (a value line completed by one pass makes the number
    between two value lines a cell in the next)."""
    for _ in range(4):
        fixed = _repair_once(text, spans)
        if fixed == spans:
            break
        spans = fixed
    return spans


def _repair_once(text: str, spans: list[Span]) -> list[Span]:
    """One pass of the repairs: a row label or header of digits alone is a value (labels always have
    words), and values that then touch are one glued run; and the rest below."""
    fixed = [Span(s.start, s.end, "VALUE", s.score)
             if s.label in ("ROW_LABEL", "COL_HEADER") and _NUMERIC.fullmatch(text[s.start:s.end]) else s
             for s in spans]
    fixed = _complete_labels(text, _one_label_per_markdown_cell(text, fixed))
    fixed = _split_impossible_numbers(text, _release_row_numerals(text, _stop_at_years(text, _with_signs(text, fixed))))
    fixed = _missed_pipe_cells(text, _numbered_labels(text, _join_cut_numbers(text, fixed)))
    fixed = _complete_numbers(text, _missed_last_cells(text, _missed_line_cells(text, _missed_label_values(text, fixed))))
    merged: list[Span] = []
    for s in fixed:
        prev = merged[-1] if merged else None
        if prev and prev.label == s.label == "VALUE" and (prev.end == s.start or _one_pipe_cell(text, prev, s)
                                                          or _one_line_cell(text, prev, s)):
            score = None if prev.score is None or s.score is None else round(min(prev.score, s.score), 4)
            merged[-1] = Span(prev.start, s.end, "VALUE", score)
        else:
            merged.append(s)
    return _split_merged_rows(text, merged)


_NUMERAL_ONLY = re.compile(r"\d{1,2}[.．、]")
_LABEL_KINDS = ("ROW_LABEL", "COL_HEADER")
_PIECE_KINDS = ("ROW_LABEL", "COL_HEADER", "SECTION")  # what the tagger calls the pieces of one cell's label


def _one_label_per_markdown_cell(text: str, spans: list[Span]) -> list[Span]:
    """In a markdown table cell (``| … |`` on a line that starts with ``|``) a label or header is one
    span: pieces of it the tagger cut apart (``(`` ``六)`` ``其他``, ``上年`` ``结转件数``), the numeral
    before it (``3.`` ``要求提供公开出版物``) and digits glued to its end (``数据1``) join it (the kind of
    the joined label: :func:`_piece_label`). Pieces apart by ``<br>`` stay apart (rows merged into one cell),
    and so do numbers after a space (``| 行政许可 0 |``: a value)."""
    out: list[Span] = []
    for s in spans:
        prev = out[-1] if out else None
        if prev is not None and _same_markdown_cell(text, prev, s):
            gap = text[prev.end:s.start]
            pieces = prev.label in _PIECE_KINDS and s.label in _PIECE_KINDS and not gap.strip(" \u3000,，、")
            numeral = (prev.label == "VALUE" and _NUMERAL_ONLY.fullmatch(text[prev.start:prev.end])
                       and s.label == "ROW_LABEL" and not gap.strip())
            glued = prev.label in _LABEL_KINDS and s.label == "VALUE" and not gap and text[s.start:s.end].isdigit()
            if pieces or numeral or glued:
                label = prev.label if glued else s.label if numeral else _piece_label(text, prev, s)
                scores = [x for x in (prev.score, s.score) if x is not None]
                out[-1] = Span(prev.start, s.end, label, min(scores) if scores else None)
                continue
        out.append(s)
    return out


def _piece_label(text: str, a: Span, b: Span) -> str:
    """The kind of the label joined from pieces a and b: a row label when it names a template row
    (``[一、本年新收政府信][息公开申请数量]``, tagged heading + header), else the kind of the longer piece
    (a heading only if both are: a section heading does not sit in a table cell)."""
    joined = text[a.start:b.end]
    for name in ("2019", "2021"):
        m = match_row(joined, get_template(name))
        if m is not None and m.score >= 0.9:
            return "ROW_LABEL"
    kinds = [x for x in sorted((a, b), key=lambda x: x.start - x.end) if x.label != "SECTION"]
    return kinds[0].label if kinds else "SECTION"


def _same_markdown_cell(text: str, a: Span, b: Span) -> bool:
    """Whether a and b sit in one cell of a markdown table row, with no ``<br>`` between them."""
    between = text[a.end:b.start]
    if "|" in between or "\n" in between or "<br" in between:
        return False
    line_start = text.rfind("\n", 0, a.start) + 1
    return text[line_start:a.start].lstrip(" \u3000").startswith("|")


def _split_merged_rows(text: str, spans: list[Span]) -> list[Span]:
    """On a markdown line that merges k rows with spaces (:func:`~nianbao.infer.tables.merged_row_lines`:
    ``| 846 1188 | 25 11 | 0 0 | … |``), one value per spaced number."""
    lines = merged_row_lines(text, spans)
    if not lines:
        return spans
    out: list[Span] = []
    for x in spans:
        if x.label == "VALUE" and text.rfind("\n", 0, x.start) + 1 in lines:
            out += [Span(x.start + m.start(), x.start + m.end(), "VALUE", x.score)
                    for m in re.finditer(r"\d+", text[x.start:x.end])]
        else:
            out.append(x)
    return out


def _split_impossible_numbers(text: str, spans: list[Span]) -> list[Span]:
    """A value of digit groups apart by spaces that cannot be one spaced-out number, because joined it
    would start with 0 (``0 0``: two rows merged into one markdown cell), is one value per group."""
    out: list[Span] = []
    for s in spans:
        raw = text[s.start:s.end]
        if s.label == "VALUE" and SPACED_NUMBERS.fullmatch(raw) and raw[0] == "0":
            out += [Span(s.start + m.start(), s.start + m.end(), "VALUE", s.score) for m in re.finditer(r"\d+", raw)]
        else:
            out.append(s)
    return out


def _one_pipe_cell(text: str, a: Span, b: Span) -> bool:
    """Do two values fill one ``| … |`` cell between them, with only spaces apart (``| 4 1 |``, a number
    whose digits a scrape spaced out)? Then they are one value, however the tagger cut it — unless joined
    they would start with 0 (``| 0 0 |`` is two values)."""
    if text[a.end:b.start].strip(_SPACES) != "" or text[a.start:a.end] == "0":
        return False
    i, j = a.start - 1, b.end
    while i >= 0 and text[i] in _SPACES:
        i -= 1
    while j < len(text) and text[j] in _SPACES:
        j += 1
    if not (j < len(text) and text[j] == "|"):
        return False
    if i >= 0 and text[i] == "\n":  # a cell on its own line, each line ending `` |`` (``1 4 |``)
        k = i - 1
        while k >= 0 and text[k] in _SPACES:
            k -= 1
        return k >= 0 and text[k] == "|"
    return i >= 0 and text[i] == "|"


_SPACES = " \u3000\xa0"
_LONE_NUMBER = re.compile(r"[ \t\u3000\xa0]*[+\-]?\d+(?:\.\d+)?[ \t\u3000\xa0]*")


def _one_line_cell(text: str, a: Span, b: Span) -> bool:
    """Are two values, only spaces apart, alone on their line between lines that hold one number each
    (a column printed one cell per line, ``1004`` / ``14 2`` / ``0``)? Then they are one spaced-out
    number — unless joined they would start with 0."""
    if text[a.end:b.start].strip(_SPACES) != "" or text[a.start:a.end] == "0":
        return False
    start = text.rfind("\n", 0, a.start) + 1
    end = text.find("\n", b.end)
    end = len(text) if end < 0 else end
    if text[start:a.start].strip() or text[b.end:end].strip():
        return False

    def before(pos: int) -> tuple[str | None, int]:  # the nearest non-blank line above the one at pos
        for _ in range(3):
            if pos <= 0:
                return None, pos
            prev = text.rfind("\n", 0, pos - 1) + 1
            line, pos = text[prev:pos - 1], prev
            if line.strip():
                return line, pos
        return None, pos

    def after(pos: int) -> tuple[str | None, int]:  # the nearest non-blank line below the one ending at pos
        for _ in range(3):
            if pos >= len(text):
                return None, pos
            nxt = text.find("\n", pos + 1)
            nxt = len(text) if nxt < 0 else nxt
            line, pos = text[pos + 1:nxt], nxt
            if line.strip():
                return line, pos
        return None, pos

    (up, up_start), (down, down_end) = before(start), after(end)
    lone = [ln is not None and bool(_LONE_NUMBER.fullmatch(ln)) for ln in (up, down)]
    if lone[0] and not lone[1]:  # the column's last cell, a label after it: two cells above tell instead
        lone[1] = bool((up2 := before(up_start)[0]) is not None and _LONE_NUMBER.fullmatch(up2))
    elif lone[1] and not lone[0]:  # a row's first cell, its label above it: two cells below tell instead
        lone[0] = bool((down2 := after(down_end)[0]) is not None and _LONE_NUMBER.fullmatch(down2))
    return all(lone)


_CELL_END = " \t\n\r|\u3000\xa0"
_BREAKS = ("<br>", "<br/>", "<br />")  # a markdown cell's line breaks: rows merged into one cell
# A cell between ``|`` or ``<br>`` (a markdown cell that stacks several rows' values, ``| 543<br>196 |``).
_PIPE_CELL = re.compile(r"(?:(?<=\|)|(?<=<br>)|(?<=<br/>))[ \u3000\xa0]*([+\-]?\d+(?:\.\d+)?)[ \u3000\xa0]*"
                        r"(?=\||<br/?>)")
# A whole field of a tab-separated line (PDF text: ``政府集中采购\t0\t0\t``).
_TAB_CELL = re.compile(r"(?<=\t)[ \u3000\xa0]*([+\-]?\d+(?:\.\d+)?)[ \u3000\xa0]*(?=\t|\r?\n|\Z)")


def _missed_pipe_cells(text: str, spans: list[Span]) -> list[Span]:
    """A number that fills a whole ``| … |`` cell (or one ``<br>`` part of it) or a whole tab-separated
    field on a line whose other cells hold values is a value too, even where the tagger left it out
    (``| 3 | 0 | 0 | 0 | 3 |``, ``| 184<br>196 |``, ``政府集中采购\t0\t0\t``)."""
    values = [s for s in spans if s.label == "VALUE"]
    if not values or ("|" not in text and "\t" not in text):
        return spans
    covered = sorted((s.start, s.end) for s in spans)
    starts = [a for a, _ in covered]
    by_start = sorted(spans, key=lambda x: x.start)
    value_starts = [u.start for u in values]  # spans come sorted, so values do too
    added = []
    lines_done: set[int] = set()
    for v in values:
        line_start = text.rfind("\n", 0, v.start) + 1
        if line_start in lines_done:
            continue
        lines_done.add(line_start)
        line_end = text.find("\n", v.end)
        line_end = len(text) if line_end < 0 else line_end
        line_values = values[bisect.bisect_left(value_starts, line_start):bisect.bisect_left(value_starts, line_end)]
        on_line = by_start[bisect.bisect_left(starts, line_start):bisect.bisect_left(starts, line_end)]
        # a tab field counts on a line the spans already show tab-separated (not ``3\t7`` under a column of
        # one value per line: a different border than the values')
        tabbed = any("\t" in text[x.end:y.start] for x, y in zip(on_line, on_line[1:]))
        fields = _TAB_CELL.finditer(text, line_start, line_end) if tabbed else ()
        for m in [*_PIPE_CELL.finditer(text, line_start, line_end), *fields]:
            a, b = m.span(1)
            i = bisect.bisect_right(starts, a) - 1
            if (i >= 0 and covered[i][1] > a) or (i + 1 < len(starts) and starts[i + 1] < b):
                continue  # some span holds (part of) it already
            scores = [u.score for u in line_values if u.score is not None]
            added.append(Span(a, b, "VALUE", round(sum(scores) / len(scores), 4) if scores else None))
    return sorted(spans + added) if added else spans


_YEAR_AFTER_DIGITS = re.compile(r"(?:19|20)\d\d年")


def _year_start(text: str, pos: int) -> int | None:
    """Where a year (``2019年``) starts inside the digit run that holds position ``pos``, if the run ends in
    one: ``…0062019年`` is a glued run of table cells followed by the prose's year."""
    end = pos
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - 4 if end >= 4 and _YEAR_AFTER_DIGITS.match(text, end - 4) else None


def _stop_at_years(text: str, spans: list[Span]) -> list[Span]:
    """Keep the year that prose glued onto the last cells of a table out of the values, and give the
    cells the digits before it: ``[000600]62019年`` → ``[0006006]2019年``; ``[20]24年`` is no value. (A
    year with 年 is never a table cell.)"""
    starts = sorted(s.start for s in spans)
    out: list[Span] = []
    for s in spans:
        if s.label == "VALUE" and s.end <= len(text) and text[s.end - 1].isdigit():
            year = _year_start(text, s.end - 1)
            if year is not None and year < s.end:  # the span reaches into the year
                if year <= s.start or not text[year - 1].isdigit():
                    continue
                s = Span(s.start, year, s.label, s.score)
            elif year is not None and year > s.end and text[s.end].isdigit():
                nxt = bisect.bisect_right(starts, s.start)
                if nxt == len(starts) or starts[nxt] >= year:  # the digits between are no one's
                    s = Span(s.start, year, s.label, s.score)
        out.append(s)
    return out


def _with_signs(text: str, spans: list[Span]) -> list[Span]:
    """A value whose sign the tagger left out (``| -[6] |``) takes it back: a ``+``/``-`` right before a
    number at a cell border is part of the number (本年增/减)."""
    out = []
    for s in spans:
        if (s.label == "VALUE" and s.start > 0 and text[s.start - 1] in "+-" and text[s.start].isdigit()
                and (s.start == 1 or text[s.start - 2] in _CELL_END)):
            s = Span(s.start - 1, s.end, s.label, s.score)
        out.append(s)
    return out


_ROW_NUMERAL_MARK = ".．、"


def _release_row_numerals(text: str, spans: list[Span]) -> list[Span]:
    """A row label that starts at its numeral's mark (``.保护第三方合法权益``) lost the numeral to the glued
    run before it (``…02714``): give the last digit back to the label (``…0271`` | ``4.保护…``); the same
    when the run took the mark too (``…2933．`` + ``其他``)."""
    out = list(spans)
    for i in range(1, len(out)):
        v, lab = out[i - 1], out[i]
        if (lab.label == "ROW_LABEL" and v.label == "VALUE" and v.end == lab.start and v.end - v.start >= 2
                and text[lab.start] in _ROW_NUMERAL_MARK and text[v.end - 1].isdigit()
                and text[v.end - 2].isdigit()):
            out[i - 1] = Span(v.start, v.end - 1, v.label, v.score)
            out[i] = Span(lab.start - 1, lab.end, lab.label, lab.score)
        elif (lab.label == "ROW_LABEL" and v.label == "VALUE" and v.end == lab.start and v.end - v.start >= 3
              and text[v.end - 1] in _ROW_NUMERAL_MARK and text[v.end - 2].isdigit()
              and text[v.start:v.end - 2].strip() and not text[lab.start].isdigit()):
            # the run took the numeral and its mark (``…2304 3.`` + ``其他``): both belong to the label
            out[i - 1] = Span(v.start, v.start + len(text[v.start:v.end - 2].rstrip()), v.label, v.score)
            out[i] = Span(v.end - 2, lab.end, lab.label, lab.score)
    return out




def _missed_last_cells(text: str, spans: list[Span]) -> list[Span]:
    """The table's last numbers, which the prose right after them starts with a year (``0\n0\n\n2019年，我局…``,
    or glued to it: ``0 0 02019年``), are values too where the tagger left them out: they follow the last
    value across the same delimiter that stands between the values before it (``0 0 0 0 [0 00]2025年``)."""
    values = [s for s in spans if s.label == "VALUE"]
    starts = sorted(s.start for s in spans)
    added = []
    for prev, last in zip(values, values[1:]):
        gap = text[prev.end:last.start]
        if not gap or gap.strip(" \t\n\r|\u3000\xa0") or "\n\n\n" in gap:
            continue
        cells, pos, at_year = [], last.end + len(gap), False
        if text[last.end:pos] != gap:
            continue
        nxt = bisect.bisect_right(starts, last.start)
        if nxt < len(starts) and starts[nxt] <= pos:
            continue  # a span holds the next cell already (the usual case, so the walk below is skipped)
        while len(cells) < 8 and (m := _NUMBER.match(text, pos)) is not None:
            year = _year_start(text, m.start())
            if year == m.start():  # the year itself
                break
            if year is not None and m.start() < year:  # a cell glued to the year
                cells.append((m.start(), year))
                at_year = True
                break
            cells.append(m.span())
            tail = _DELIMITERS.match(text, m.end()).group(0)
            if tail and _YEAR_AFTER_DIGITS.match(text, m.end() + len(tail)):
                at_year = True  # the cell, then the year across a delimiter
                break
            if tail != gap:
                break
            pos = m.end() + len(gap)
        if not at_year or not cells:
            continue
        if nxt < len(starts) and starts[nxt] < cells[-1][1]:
            continue  # some span holds them already
        added += [Span(a_, b_, "VALUE", last.score) for a_, b_ in cells]
    return sorted(spans + added) if added else spans


_NUMBER = re.compile(r"[+\-]?\d+(?:\.\d+)?")
_DELIMITERS = re.compile(r"[ \t\n\r|\u3000\xa0]*")
# line breaks, then lines that each hold one number and nothing else (blank lines between allowed)
_LONE_NUMBER_LINES = re.compile(r"(?:[ \t\u3000\xa0]*\n(?:[ \t\u3000\xa0]*\n)*[ \t\u3000\xa0]*[+\-]?\d+(?:\.\d+)?"
                                r"[ \t\u3000\xa0]*(?=\n|$))+")
_COUNT_WORDS = "件项个次人年月日万亿"  # a number before these is prose (``12件``), not a cell
_NUMBER_ON_LINE = re.compile(r"[ \t\u3000\xa0|]*([+\-]?\d+(?:\.\d+)?(?:万元|万|元)?)(?![\d.])")


def _missed_label_values(text: str, spans: list[Span]) -> list[Span]:
    """Numbers on a row label's line right after it, that no span holds, up to words or a bracket (``政府集
    中采购 0 0（注：以上数据统计截至…``), are the row's values the tagger left out."""
    starts = sorted(s.start for s in spans)
    added = []
    for lab in spans:
        if lab.label != "ROW_LABEL":
            continue
        found, pos = [], lab.end
        while (m := _NUMBER_ON_LINE.match(text, pos)) is not None:
            found.append(m.span(1))
            pos = m.end()
        if not found:
            # a label alone on its line, its cells one per line below it (政府集中采购\n0\n0\n\n（注：…)
            lines = _LONE_NUMBER_LINES.match(text, lab.end)
            if lines and lines.group(0).strip() and text[text.rfind("\n", 0, lab.start) + 1:lab.start].strip() == "":
                cells = [m.span() for m in _NUMBER.finditer(text, lab.end, lines.end())]
                nxt = bisect.bisect_right(starts, lab.start)
                # one number alone is not enough, a lone line after a label can be anything — unless the
                # label names a row of one cell (行政事业性收费\n0\n\n（注：…)
                enough = 2 <= len(cells) <= 8 or (len(cells) == 1 and _one_cell_row(text[lab.start:lab.end]))
                if enough and (nxt == len(starts) or starts[nxt] >= lines.end()):
                    added += [Span(a, b, "VALUE", lab.score) for a, b in cells]
            continue
        a, b = found[-1]
        year = _year_start(text, a)  # 行政事业性收费02025年，我局…: the value stops where the year starts
        at_year = year is not None and a < year < b
        if at_year:
            found[-1], pos = (a, year), year
        rest = text[pos:pos + 2].lstrip(" \t\u3000\xa0")
        ends_ok = at_year or not rest or rest[0] in "\n\r（(" \
            or ("\u4e00" <= rest[0] <= "\u9fff" and rest[0] not in _COUNT_WORDS)
        nxt = bisect.bisect_right(starts, lab.start)
        if ends_ok and (nxt == len(starts) or starts[nxt] >= pos):
            added += [Span(a, b, "VALUE", lab.score) for a, b in found]
    return sorted(spans + added) if added else spans


@lru_cache(maxsize=4096)
def _one_cell_row(label: str) -> bool:
    """Whether the label names a row of a one-column block in either template (行政许可, 行政事业性收费 in
    2021's active table)."""
    for name in ("2019", "2021"):
        template = get_template(name)
        m = match_row(label, template)
        if m is not None and m.row is not None and len(template.block(m.block).cols) == 1:
            return True
    return False


def _missed_line_cells(text: str, spans: list[Span]) -> list[Span]:
    """A number alone on its line that no span holds, between lines that each hold one value and nothing
    else (a column printed one cell per line, PDF text), is a value the tagger left out."""
    values = {(text.rfind("\n", 0, s.start) + 1): s for s in spans if s.label == "VALUE"}
    covered = sorted((s.start, s.end) for s in spans)
    starts = [a for a, _ in covered]

    def value_line(start: int) -> bool:  # the line starting here holds one value span and nothing else
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        v = values.get(start)
        return v is not None and v.end <= end and not (text[start:v.start] + text[v.end:end]).strip()

    lone = {}  # line start -> (start, end) of a number alone on its line that no span holds
    for m in re.finditer(r"(?m)^[ \t\u3000\xa0]*([+\-]?\d+(?:\.\d+)?)[ \t\u3000\xa0]*$", text):
        a, b = m.span(1)
        i = bisect.bisect_right(starts, a) - 1
        if not ((i >= 0 and covered[i][1] > a) or (i + 1 < len(starts) and starts[i + 1] < b)):
            lone[m.start()] = (a, b)

    def neighbour(start: int, step: int) -> int | None:
        """The nearest non-blank line above or below the line at ``start``, past a page footer between
        the column's cells (…38\n\n—5—\n\n53\n108)."""
        pos = start if step < 0 else (len(text) if text.find("\n", start) < 0 else text.find("\n", start))
        line = _neighbour_line(text, pos, step)
        if line is not None and is_page_marker_line(text[line:text.find("\n", line)]):
            end = text.find("\n", line)
            if step > 0 and end < 0:
                return None  # the footer is the last line
            line = _neighbour_line(text, line if step < 0 else end, step)
        return line

    def column_side(start: int, step: int) -> int | None:
        """The value line next to ``start`` on that side, also across one more missed lone number (two
        cells missed in a row, as on both sides of a page footer); None if there is none."""
        line = neighbour(start, step)
        if line is not None and line in lone:
            line = neighbour(line, step)
        return line if line is not None and value_line(line) else None

    def footer_side(start: int, step: int) -> bool:
        """The nearest non-blank line on that side is a page footer: the column goes on across it
        (—4—\n\n65\n4\n0…: the cells right after a footer are the ones a tagger tends to miss)."""
        pos = start if step < 0 else (len(text) if text.find("\n", start) < 0 else text.find("\n", start))
        line = _neighbour_line(text, pos, step)
        if line is None:
            return False
        end = text.find("\n", line)
        return is_page_marker_line(text[line:len(text) if end < 0 else end])

    added = []
    for start, (a, b) in lone.items():
        up, down = column_side(start, -1), column_side(start, +1)
        if up is None and down is not None and footer_side(start, -1):
            up = down
        elif down is None and up is not None and footer_side(start, +1):
            down = up
        if up is not None and down is not None:
            near = [values[up].score, values[down].score]
            added.append(Span(a, b, "VALUE", min(near) if None not in near else None))
    return sorted(spans + added) if added else spans


def _neighbour_line(text: str, pos: int, step: int) -> int | None:
    """Start of the nearest non-blank line above (step -1, pos = a line start) or below (step +1, pos = a
    line end), looking at most three lines away."""
    for _ in range(3):
        if step < 0:
            if pos <= 0:
                return None
            pos = text.rfind("\n", 0, pos - 1) + 1
            end = text.find("\n", pos)
        else:
            if pos >= len(text):
                return None
            start = pos + 1
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            pos = start
        if text[pos:end].strip():
            return pos
        if step > 0:
            pos = end
    return None


def _numbered_labels(text: str, spans: list[Span]) -> list[Span]:
    """A one-digit "value" at a cell border right before a label that begins with the numeral's mark
    (``3`` + ``、其他``, ``\\t1`` + ``. 属于``) is that label's numeral: one row label (``3、其他``)."""
    out: list[Span] = []
    i = 0
    while i < len(spans):
        v = spans[i]
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        if (nxt is not None and v.label == "VALUE" and v.end - v.start == 1 and text[v.start].isdigit()
                and nxt.start == v.end and nxt.label in ("ROW_LABEL", "SECTION")
                and text[nxt.start] in _ROW_NUMERAL_MARK and (v.start == 0 or text[v.start - 1] in _CELL_END)):
            out.append(Span(v.start, nxt.end, "ROW_LABEL", nxt.score))
            i += 2
            continue
        out.append(v)
        i += 1
    return out


def _join_cut_numbers(text: str, spans: list[Span]) -> list[Span]:
    """Two values with only untagged digits between them (``[5]4[6]``) are one number the tagger cut."""
    out: list[Span] = []
    for s in spans:
        prev = out[-1] if out else None
        if (prev and prev.label == s.label == "VALUE" and prev.end < s.start
                and text[prev.end:s.start].isdigit() and text[prev.end - 1].isdigit() and text[s.start].isdigit()):
            out[-1] = Span(prev.start, s.end, "VALUE", prev.score if s.score is None else
                           (s.score if prev.score is None else min(prev.score, s.score)))
        else:
            out.append(s)
    return out


def _complete_numbers(text: str, spans: list[Span]) -> list[Span]:
    """A value span reaches over the digits right before or after it that no span holds, when they stop at
    a cell border (``69`` + untagged ``2`` + ``\\n`` is ``692``; a markdown ``<br>`` is one too): a
    number the tagger cut short. Digits that run into words (``2.没有…``, the next row's numbering) are
    left alone."""
    taken = sorted((s.start, s.end) for s in spans)
    starts = [a for a, _ in taken]
    ends = sorted(b for _, b in taken)
    out = []
    for s in spans:
        start, end = s.start, s.end
        if s.label == "VALUE" and start > 0 and text[start - 1].isdigit() and text[start].isdigit():
            while start > 0 and text[start - 1].isdigit():
                start -= 1
            free = bisect.bisect_right(ends, start) == bisect.bisect_right(ends, s.start)  # no span ends inside
            if free and (start == 0 or text[start - 1] in _CELL_END or text.endswith(_BREAKS, 0, start)):
                s = Span(start, s.end, s.label, s.score)
        # (also a decimal tail cut off after its point: ``2776633.`` + ``2``)
        if s.label == "VALUE" and end < len(text) and text[end].isdigit() and (
                text[end - 1].isdigit() or (text[end - 1] == "." and end - 2 >= start and text[end - 2].isdigit())):
            while end < len(text) and text[end].isdigit():
                end += 1
            nxt = bisect.bisect_left(starts, s.end)
            free = nxt == len(starts) or starts[nxt] >= end
            # a run glued to the prose after the table (…0000000我局严格…) ends at the prose, but not
            # before a count word (``3件``: a number in the prose)
            into_prose = end < len(text) and ("\u4e00" <= text[end] <= "\u9fff" and text[end] not in _COUNT_WORDS
                                              or text[end] in "（(")  # or a note: 96991（注：…
            if free and (end == len(text) or text[end] in _CELL_END or text.startswith("<br", end) or into_prose):
                s = Span(s.start, end, s.label, s.score)
        out.append(s)
    return out


@lru_cache(maxsize=1)
def _known_labels() -> frozenset[str]:
    """Every row label of both templates, folded, without its numbering."""
    return frozenset(strip_numbering(fold(label)) for name in ("2019", "2021") for b in get_template(name).blocks
                     for r in b.rows for label in r.labels)


def _complete_labels(text: str, spans: list[Span]) -> list[Span]:
    """A row label the tagger cut short reaches over the untagged characters that complete a template
    label (``[行政事业性收]费0`` → ``[行政事业性收费]0``): the cut-off character would otherwise sit between
    the label and its value, hiding the value from the repairs that read cells after a label."""
    starts = sorted(s.start for s in spans)
    out = []
    for s in spans:
        if s.label == "ROW_LABEL":
            nxt = bisect.bisect_right(starts, s.start)
            limit = min(starts[nxt] if nxt < len(starts) else len(text), s.end + 4)
            for end in range(limit, s.end, -1):
                if all("\u4e00" <= ch <= "\u9fff" for ch in text[s.end:end]) \
                        and strip_numbering(fold(text[s.start:end])) in _known_labels():
                    s = Span(s.start, end, s.label, s.score)
                    break
        prev = out[-1] if out else None
        if prev is not None and s.label == prev.label == "ROW_LABEL" and prev.end == s.start \
                and strip_numbering(fold(text[prev.start:s.end])) in _known_labels():
            # one label the tagger cut in two (``[行政][规范性文件]``): the halves would each match some row
            score = None if prev.score is None or s.score is None else round(min(prev.score, s.score), 4)
            out[-1] = Span(prev.start, s.end, "ROW_LABEL", score)
            continue
        out.append(s)
    return out


def _inside(token_probs: np.ndarray, tags: list[str]) -> np.ndarray:
    """Move a token's B-X probability to I-X for the token's later characters."""
    out = token_probs.copy()
    for i, t in enumerate(tags):
        if t.startswith("B-"):
            j = tags.index("I-" + t[2:])
            out[j] += out[i]
            out[i] = 0.0
    return out


assert BIO_TAGS[0] == "O"
