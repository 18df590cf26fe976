"""Overlapping windows over a long token sequence, and merging their predictions back.

Shared by training (examples are windows) and inference (a document is tagged window by window).
"""

from __future__ import annotations

import numpy as np


def window_starts(n: int, length: int, stride: int) -> list[int]:
    """Start offsets of windows of ``length`` covering ``n`` positions, ``stride`` apart, the last one
    flush with the end."""
    if n <= length:
        return [0]
    starts = list(range(0, n - length, stride))
    starts.append(n - length)
    return starts


def merge_windows(n: int, starts: list[int], length: int, window_scores: list[np.ndarray]) -> np.ndarray:
    """Per-position scores of the whole sequence: each position takes them from the window in which it
    stands furthest from an edge (its context on both sides is then the widest)."""
    k = window_scores[0].shape[-1]
    out = np.zeros((n, k), dtype=np.float32)
    best = np.full(n, -1.0)
    for start, scores in zip(starts, window_scores):
        m = min(length, n - start)
        pos = np.arange(m)
        margin = np.minimum(pos, m - 1 - pos).astype(float)
        # the first and last windows have no neighbour on their outer side: their edge is not an edge
        if start == 0:
            margin = np.where(pos < m / 2, m, margin)
        if start + m >= n:
            margin = np.where(pos >= m / 2, m, margin)
        idx = start + pos
        take = margin > best[idx]
        out[idx[take]] = scores[:m][take]
        best[idx[take]] = margin[take]
    return out
