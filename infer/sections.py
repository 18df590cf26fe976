"""The six top-level sections from SECTION spans: number them, drop misnumbered sub-headings, and start a
section whose heading is missing at its first content."""

from __future__ import annotations

import re
from functools import lru_cache

from nianbao.record import SectionSpan
from nianbao.spans import Span
from nianbao.template import SECTION_NUMERALS, fold, sections, strip_numbering

from .labels import similarity

_NUMERAL = re.compile(r"^\s*([一二三四五六])\s*[、.．,，]")


@lru_cache(maxsize=4096)
def section_number(heading: str) -> tuple[int | None, float]:
    """(n, how well the words match section n's title) for a heading; n from its numeral, else its words."""
    folded = fold(heading)
    words = strip_numbering(folded).lstrip("、.,")
    scores = {s.n: max(similarity(words, fold(v)) for v in s.variants) for s in sections()}
    m = _NUMERAL.match(folded)
    best = max(scores, key=scores.get)  # type: ignore[arg-type]
    if m:
        n = SECTION_NUMERALS.index(m.group(1)) + 1
        if scores[n] < 0.5 and scores[best] >= 0.85:
            # 六、存在的主要问题和改进情况 in a layout that inserts a section (五、信息处理费收取情况): the
            # words name the template's section, the numeral only counts the printed ones.
            return best, scores[best]
        return n, scores[n]
    return (best, scores[best]) if scores[best] >= 0.6 else (None, 0.0)


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


_BOUNDARY = "\n。；！？:："
_SUB_AFTER = re.compile(r"[(（]\s*[一二三四五六七八九十]\s*[)）]")
_SUBHEADING = re.compile(r"\s*(?:[(（]\s*[一二三四五六七八九十]|[一二三四五六七八九十]\s*[)）])")
_HEAD_PREFIX = re.compile(r"[一二三四五六七八]?\s*[、.．]?\s*[\u4e00-\u9fff]{0,10}")


def heading_spans(text: str, spans: list[Span]) -> list[Span]:
    """SECTION spans made whole: pieces of one heading on one line are joined, and a heading whose start
    the tagger missed (``、存在问题[及改进情况]``) reaches back to the start of its line or clause."""
    pieces = sorted(s for s in spans if s.label == "SECTION")
    joined: list[Span] = []
    for s in pieces:
        if joined:
            gap = text[joined[-1].end:s.start]
            if len(gap) <= 12 and not any(c in gap for c in _BOUNDARY) and not any(c.isdigit() for c in gap) \
                    and not _NUMERAL.match(s.text(text)):  # a numbered piece starts a heading of its own
                joined[-1] = Span(joined[-1].start, s.end, "SECTION", joined[-1].score)
                continue
        joined.append(s)
    out = []
    for s in joined:
        start = s.start
        back = start
        while back > 0 and start - back < 12 and text[back - 1] not in _BOUNDARY:
            back -= 1
        prefix = text[back:start].lstrip()
        if prefix and _HEAD_PREFIX.fullmatch(prefix):
            start = start - len(prefix)
        end = s.end
        sub = _SUB_AFTER.search(text, start + 2, end)
        if sub:  # 二、主动公开政府信息情况(一)主动公开…: the heading ends where a sub-heading begins
            end = sub.start()
        out.append(Span(start, end, "SECTION", s.score))
    return out


def heading_starts(text: str, spans: list[Span]) -> dict[int, Span]:
    """Section number → its heading span, misnumbered and duplicate headings left out."""
    cands = []
    for s in heading_spans(text, spans):
        if _SUBHEADING.match(text[max(0, s.start - 1):s.end]):
            continue  # （二）主动公开政府信息的主要类别: a numbered sub-heading, whatever its words say
        n, words = section_number(s.text(text))
        if n is not None:
            # a numbered heading with the section's words beats the same words in a sentence
            # (四、政府信息公开行政复议与行政诉讼情况 … 未有政府信息公开行政复议及行政诉讼有关情况)
            numbered = words >= 0.5 and _NUMERAL.match(fold(s.text(text))) is not None
            cands.append((s, n, words + (1.0 if numbered else 0.0)))
    chain = _increasing(cands)
    found = {n: s for s, n, _ in chain}
    # A heading known only by its words (the tagger took 年主动公开政府信息 from a sentence, or a damaged
    # 、存在问题…) gives way to the numbered heading with the official wording between the same neighbours.
    numbered = {n: s for s, n, _ in chain if _NUMERAL.match(fold(s.text(text)))}
    better = missing_headings(text, numbered)
    for n, s in better.items():
        if n in found and n not in numbered:
            found[n] = s
    return {**found, **missing_headings(text, found)}


def missing_headings(text: str, found: dict[int, Span]) -> dict[int, Span]:
    """Headings the tagger missed, found by their numeral and official wording (一、总体情况 …) between
    the headings on either side. Only numbered headings at the start of a line or clause are taken, so
    the intro sentence that lists the six parts (本报告包括总体情况、主动公开…) is not mistaken for them."""
    from nianbao.textio import normalize_for_model

    norm = None
    added: dict[int, Span] = {}
    for sec in sections():
        if sec.n in found:
            continue
        norm = norm if norm is not None else normalize_for_model(text)
        lo = max((s.start for n, s in {**found, **added}.items() if n < sec.n), default=-1)
        hi = min((s.start for n, s in found.items() if n > sec.n), default=len(text))
        words = "|".join(re.escape(fold(v)) for v in sorted(sec.variants, key=len, reverse=True))
        numeral = SECTION_NUMERALS[sec.n - 1]
        pattern = re.compile(rf"(?:^|(?<=[\n。；\s]))({numeral}\s*[、.,，]\s*(?:{words}))")
        for m in pattern.finditer(norm, lo + 1, hi):
            added[sec.n] = Span(m.start(1), m.end(1), "SECTION")
            break
        if sec.n == 1 and 1 not in added and hi < len(text):
            # The first section under words of its own (一、年度工作核心成效): the first 一、 heading at
            # the start of a line or clause before section 2.
            m = _FIRST_HEADING.search(norm, lo + 1, hi)
            if m:
                added[1] = Span(m.start(1), m.end(1), "SECTION")
    return added


_FIRST_HEADING = re.compile(r"(?:^|(?<=[\n。；\s]))(一\s*、\s*[\u4e00-\u9fff]{2,16})(?=[\n。，；\s]|[（(]|(?:19|20)\d\d)")


_PROSE_LINE = re.compile(r"[^\n]*[\u4e00-\u9fff][^\n]*[，。；][^\n]*")


def overview_start(text: str, spans: list[Span], headings: dict[int, Span]) -> int | None:
    """Where section 1 starts when its heading is missing altogether (the report goes from its title
    straight into 2025年，我街道…): the first line of prose after the title, before the next heading.
    None when section 1 has a heading, or there is no title to start from."""
    if 1 in headings or not headings:
        return None
    first = min(s.start for s in headings.values())
    # (not the tagger's stray title fragments: ``025`` in the year of the first sentence)
    titles = [s for s in spans if s.label == "TITLE" and s.end <= first
              and sum("\u4e00" <= ch <= "\u9fff" for ch in text[s.start:s.end]) >= 6]
    if not titles:
        return None
    for m in _PROSE_LINE.finditer(text, max(s.end for s in titles), first):
        line = m.group(0)
        if sum("\u4e00" <= ch <= "\u9fff" for ch in line) >= 8:
            return m.start() + len(line) - len(line.lstrip())
    return None


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
