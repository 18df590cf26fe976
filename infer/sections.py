"""The six top-level sections from SECTION spans: number them, drop misnumbered sub-headings, and start a
section whose heading is missing at its first content."""

from __future__ import annotations

import re

from nianbao.record import SectionSpan
from nianbao.spans import Span
from nianbao.template import SECTION_NUMERALS, fold, sections, strip_numbering

from .labels import similarity

_NUMERAL = re.compile(r"^\s*([一二三四五六])\s*[、.．,，]")


def section_number(heading: str) -> tuple[int | None, float]:
    """(n, how well the words match section n's title) for a heading; n from its numeral, else its words."""
    folded = fold(heading)
    words = strip_numbering(folded).lstrip("、.,")
    scores = {s.n: max(similarity(words, fold(v)) for v in s.variants) for s in sections()}
    m = _NUMERAL.match(folded)
    if m:
        n = SECTION_NUMERALS.index(m.group(1)) + 1
        return n, scores[n]
    n = max(scores, key=scores.get)  # type: ignore[arg-type]
    return (n, scores[n]) if scores[n] >= 0.6 else (None, 0.0)


def _increasing(cands: list[tuple[Span, int, float]]) -> list[tuple[Span, int, float]]:
    """The longest run of headings whose numbers increase in reading order (ties: better-worded)."""
    best: list[tuple[int, float, int]] = []  # (length, word score, previous index)
    for i, (_, n, w) in enumerate(cands):
        best.append((1, w, -1))
        for j in range(i):
            if cands[j][1] < n:
                cand = (best[j][0] + 1, best[j][1] + w, j)
                if cand[:2] > best[i][:2]:
                    best[i] = cand
    if not best:
        return []
    i = max(range(len(best)), key=lambda k: best[k][:2])
    chain = []
    while i >= 0:
        chain.append(cands[i])
        i = best[i][2]
    return chain[::-1]


def heading_starts(text: str, spans: list[Span]) -> dict[int, Span]:
    """Section number → its heading span, misnumbered and duplicate headings left out."""
    cands = []
    for s in sorted(spans):
        if s.label != "SECTION":
            continue
        n, words = section_number(s.text(text))
        if n is not None:
            cands.append((s, n, words))
    return {n: s for s, n, _ in _increasing(cands)}


def find_sections(text: str, headings: dict[int, Span], content_starts: dict[int, int]) -> list[SectionSpan]:
    """Sections with start/end; a missing heading's section starts at its first content
    (``content_starts``: section number → first table span of that section), if that lies in order."""
    starts: dict[int, tuple[int, str | None]] = {n: (s.start, s.text(text).strip()) for n, s in headings.items()}
    for n, pos in content_starts.items():
        if n in starts:
            continue
        before = [starts[k][0] for k in starts if k < n]
        after = [starts[k][0] for k in starts if k > n]
        if (not before or max(before) < pos) and (not after or pos < min(after)):
            starts[n] = (pos, None)
    ordered = sorted(starts.items(), key=lambda kv: kv[1][0])
    out = []
    for i, (n, (start, heading)) in enumerate(ordered):
        end = ordered[i + 1][1][0] if i + 1 < len(ordered) else len(text)
        out.append(SectionSpan(n=n, start=start, end=end, heading=heading))
    return out
