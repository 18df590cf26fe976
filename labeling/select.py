"""Which unlabeled documents to annotate next (pure: no model, no server).

Per document *d* of *n* characters, the tagger gives each character *i* a distribution p_i over the BIO tags
and decodes a tag path y* (constrained Viterbi, :meth:`nianbao.infer.tagger.Tagger.decode`). Then

    MNLP(d)    = (1/n) · Σ_i log p_i(y*_i)                  length-normalised log-probability of the decoded
                                                            path (≤ 0; Shen et al. 2017's MNLP)
    margin(d)  = mean of the ⌈q·n⌉ smallest  p_i(1st) − p_i(2nd)      (q = 5 %: the hard characters; the
                                                            mean over all characters would be swamped by the
                                                            easy prose every report is mostly made of)
    conf(d)    = exp(MNLP(d))                               geometric-mean path probability, in (0, 1]; sent
                                                            to Label Studio as the prediction score

    u(d)       = ½ · R(−MNLP(d)) + ½ · R(−margin(d))        R = percentile rank within the pool, in [0, 1],
                                                            so the two measures count alike whatever their
                                                            scales
    boost(d)   = β_checks · fail(d) + β_flags · min(1, flags(d) / F)
                  fail(d)  = failing / (passing + failing) identity checks of the record rebuilt from the
                             predicted spans; 1 when no table could be rebuilt at all (no template, or
                             "not a report": the tagger missed the structure)
                  flags(d) = cells the post-processor could not decide (glued runs unsolved or ambiguous,
                             missing or extra values, …)
    priority(d) = u(d) + boost(d)                            β_checks = 0.5, β_flags = 0.25, F = 4

Documents are taken greedily by decreasing priority. **Diversity guard**: a candidate whose estimated
Jaccard similarity to an already chosen document exceeds τ (0.6) is skipped — similarity over the sets of
character 5-grams of the normalised text (NFKC, whitespace removed), estimated with a 128-permutation
MinHash. Near-duplicate reports (the same report scraped twice, or one agency's copy-pasted years) would
otherwise all be chosen together and teach the model one thing K times.
"""

from __future__ import annotations

import math
import random
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from nianbao.spans import Span

MARGIN_SHARE = 0.05
BETA_CHECKS, BETA_FLAGS, FLAG_SCALE = 0.5, 0.25, 4
SIMILARITY_THRESHOLD = 0.6
SHINGLE, PERMUTATIONS = 5, 128


@dataclass(frozen=True)
class DocScore:
    """What the selection knows about one document."""

    doc: str
    n_chars: int
    mnlp: float  # mean log-probability of the decoded path per character
    margin: float  # mean top-1 − top-2 probability over the hardest MARGIN_SHARE of characters
    failing: int = 0  # identity checks that fail
    checked: int = 0  # identity checks that could be evaluated (pass + fail)
    no_tables: bool = False  # no table could be rebuilt from the predicted spans
    flags: tuple[str, ...] = ()  # kinds of the post-processor's flags (undecided cells)

    @property
    def confidence(self) -> float:
        return math.exp(self.mnlp)

    @property
    def fail_share(self) -> float:
        if self.no_tables:
            return 1.0
        return self.failing / self.checked if self.checked else 0.0


@dataclass
class Choice:
    """A chosen document, why it was chosen, and the near-duplicates skipped because of it."""

    doc: str
    priority: float
    confidence: float | None
    reasons: list[str]
    near_duplicates: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------------
# Per-document uncertainty


def path_indices(n: int, spans: Iterable[Span], tags: list[str]) -> np.ndarray:
    """The tag index of every character on the decoded path (the spans are the path, read back)."""
    index = {t: i for i, t in enumerate(tags)}
    path = np.full(n, index["O"], dtype=np.int64)
    for s in spans:
        path[s.start] = index[f"B-{s.label}"]
        path[s.start + 1:s.end] = index[f"I-{s.label}"]
    return path


def uncertainty(probs: np.ndarray, spans: Iterable[Span], tags: list[str]) -> tuple[float, float]:
    """(MNLP, margin) of one document from its per-character tag probabilities and decoded spans."""
    n = len(probs)
    if n == 0:
        return 0.0, 1.0
    path = path_indices(n, spans, tags)
    mnlp = float(np.log(probs[np.arange(n), path] + 1e-9).mean())
    top2 = np.sort(probs, axis=1)[:, -2:]  # (2nd, 1st) most probable tag of each character
    margins = np.sort(top2[:, 1] - top2[:, 0])
    hard = max(1, math.ceil(MARGIN_SHARE * n))
    return mnlp, float(margins[:hard].mean())


def score_document(doc: str, probs: np.ndarray, spans: list[Span], tags: list[str], record=None) -> DocScore:
    """A document's :class:`DocScore`; ``record`` is :func:`nianbao.infer.pipeline.build_record`'s output
    for the predicted spans (its checks and flags), or None to leave the boost out."""
    mnlp, margin = uncertainty(probs, spans, tags)
    if record is None:
        return DocScore(doc, len(probs), mnlp, margin)
    statuses = [c.status for c in record.checks]
    return DocScore(doc, len(probs), mnlp, margin,
                    failing=statuses.count("fail"),
                    checked=statuses.count("fail") + statuses.count("pass"),
                    no_tables=record.status != "ok" or record.template is None,
                    flags=tuple(f.kind for f in record.flags))


def percentile_ranks(values: list[float]) -> list[float]:
    """Rank of each value among all, scaled to [0, 1] (ties share their mean rank; one value → 0.5)."""
    n = len(values)
    if n == 1:
        return [0.5]
    order = sorted(range(n), key=lambda i: values[i])
    ranks = [0.0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = (i + j) / 2 / (n - 1)
        i = j + 1
    return ranks


def priorities(scores: list[DocScore]) -> list[tuple[float, list[str]]]:
    """priority(d) and the reasons behind it, for each score (see the module docstring)."""
    r_mnlp = percentile_ranks([-s.mnlp for s in scores])
    r_margin = percentile_ranks([-s.margin for s in scores])
    out = []
    for s, a, b in zip(scores, r_mnlp, r_margin):
        reasons = [f"confidence {s.confidence:.3f} (MNLP {s.mnlp:.3f}, more uncertain than {a:.0%} of the pool)",
                   f"hardest-character margin {s.margin:.3f} (lower than {b:.0%} of the pool)"]
        boost = BETA_CHECKS * s.fail_share + BETA_FLAGS * min(1.0, len(s.flags) / FLAG_SCALE)
        if s.no_tables:
            reasons.append("no table could be rebuilt from the predicted spans")
        elif s.failing:
            reasons.append(f"{s.failing}/{s.checked} identity checks fail")
        if s.flags:
            kinds = ", ".join(sorted(set(s.flags)))
            reasons.append(f"{len(s.flags)} undecided cell group(s): {kinds}")
        out.append((0.5 * a + 0.5 * b + boost, reasons))
    return out


# --------------------------------------------------------------------------------------------------------
# Diversity


def normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def shingles(text: str, n: int = SHINGLE) -> np.ndarray:
    """Hashes of the distinct character n-grams of the normalised text."""
    t = normalise(text)
    grams = {t[i:i + n] for i in range(max(1, len(t) - n + 1))}
    return np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.int64, count=len(grams))


_PRIME = (1 << 31) - 1  # a·x + b stays below 2^63 for x < 2^32


def _permutations(k: int = PERMUTATIONS, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(1, _PRIME, k, dtype=np.int64), rng.integers(0, _PRIME, k, dtype=np.int64)


_A, _B = _permutations()


def minhash(text: str) -> np.ndarray:
    x = shingles(text) % _PRIME
    return ((_A[:, None] * x[None, :] + _B[:, None]) % _PRIME).min(axis=1)


def similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two documents' 5-gram sets from their MinHash signatures."""
    return float((sig_a == sig_b).mean())


# --------------------------------------------------------------------------------------------------------
# Selection


def select(docs: Mapping[str, str], scores: Iterable[DocScore], k: int,
           threshold: float = SIMILARITY_THRESHOLD) -> list[Choice]:
    """The ``k`` documents to annotate next, highest priority first, near-duplicates skipped.

    ``docs`` maps a document name to its text (for the diversity guard); ``scores`` has one
    :class:`DocScore` per candidate (documents without a score are not candidates)."""
    scores = list(scores)
    if not scores or k <= 0:
        return []
    ranked = sorted(zip(scores, priorities(scores)), key=lambda x: (-x[1][0], x[0].doc))
    chosen: list[tuple[Choice, np.ndarray]] = []
    for s, (priority, reasons) in ranked:
        if len(chosen) == k:
            break
        sig = minhash(docs[s.doc])
        twin = _most_similar(sig, chosen)
        if twin is not None and twin[1] > threshold:
            c, sim = twin
            c.near_duplicates.append(s.doc)
            c.reasons.append(f"skipped near-duplicate {s.doc} (similarity {sim:.2f})")
            continue
        chosen.append((Choice(s.doc, round(priority, 4), round(s.confidence, 4), reasons), sig))
    return [c for c, _ in chosen]


def _most_similar(sig: np.ndarray, chosen: list[tuple[Choice, np.ndarray]]) -> tuple[Choice, float] | None:
    best = None
    for c, c_sig in chosen:
        sim = similarity(sig, c_sig)
        if best is None or sim > best[1]:
            best = (c, sim)
    return best


def random_select(docs: Iterable[str], k: int, seed: int = 0) -> list[Choice]:
    """``k`` documents drawn uniformly at random (the baseline of the active-learning curve)."""
    names = sorted(docs)
    picked = random.Random(seed).sample(names, min(k, len(names)))
    return [Choice(d, 0.0, None, [f"random draw (seed {seed})"]) for d in picked]
