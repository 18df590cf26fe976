"""Segments: the building blocks of a synthetic document, and their assembly into text + spans.

Every generator stage (prose, tables, layouts) emits a flat list of :class:`Seg` — a piece of text with an
optional span label and the facts the gold record needs about it (which cell keys a VALUE covers, which
section a SECTION heads, the normalised value of a DATE …). Because offsets are only computed once, at
assembly, layouts are free to re-order, wrap and glue pieces without ever doing offset arithmetic.

A zero-length :class:`Seg` with ``info={"anchor": n}`` marks where the *content* of section ``n`` starts;
the gold uses it when that section's heading is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from nianbao.spans import Span


@dataclass
class Seg:
    """A piece of text; labelled pieces become spans (one span per piece)."""

    text: str
    label: str | None = None
    keys: tuple[str, ...] = ()  # VALUE: the cell keys the piece covers (several for a glued run)
    info: dict = field(default_factory=dict)  # section n, date value, anchor, agency length of a title …


def plain(text: str) -> Seg:
    return Seg(text)


def anchor(section: int) -> Seg:
    return Seg("", None, (), {"anchor": section})


@dataclass
class Assembled:
    """A document's text with everything the gold record is derived from, as offsets into the text."""

    text: str
    spans: list[Span]
    value_spans: list[tuple[int, int, tuple[str, ...]]]  # (start, end, keys) per VALUE span
    sections: dict[int, tuple[int, int | None]]  # n -> (start, heading end or None when no heading)
    anchors: dict[int, int]  # n -> first content character of the section
    dates: list[tuple[int, int, str]]  # (start, end, normalised value)
    titles: list[tuple[int, int, int]]  # (start, end, length of the agency name at the title's start)
    agencies: list[tuple[int, int, str]]  # (start, end, where: "signature" | "field")


def assemble(segs: list[Seg]) -> Assembled:
    """Concatenate the pieces and collect spans and gold facts by offset."""
    parts: list[str] = []
    pos = 0
    out = Assembled("", [], [], {}, {}, [], [], [])
    pending_anchors: list[int] = []
    for s in segs:
        if "anchor" in s.info:
            pending_anchors.append(s.info["anchor"])
            continue
        if not s.text:
            continue
        if pending_anchors:
            # the content starts at the first visible character after the anchor
            stripped = len(s.text) - len(s.text.lstrip())
            if stripped < len(s.text):
                for n in pending_anchors:
                    out.anchors.setdefault(n, pos + stripped)
                pending_anchors = []
        start, end = pos, pos + len(s.text)
        if s.label and s.text.strip():
            # a span never starts or ends with whitespace (a wrap or a spaced-out cell may leave some)
            start += len(s.text) - len(s.text.lstrip())
            end -= len(s.text) - len(s.text.rstrip())
            out.spans.append(Span(start, end, s.label))
            if s.label == "VALUE":
                out.value_spans.append((start, end, s.keys))
            elif s.label == "SECTION":
                out.sections[s.info["section"]] = (start, end)
            elif s.label == "DATE":
                out.dates.append((start, end, s.info["date"]))
            elif s.label == "TITLE":
                out.titles.append((start, end, s.info.get("agency_len", 0)))
            elif s.label == "AGENCY":
                out.agencies.append((start, end, s.info.get("where", "signature")))
        parts.append(s.text)
        pos += len(s.text)
    out.text = "".join(parts)
    return out


# --------------------------------------------------------------------------------------------------------
# Traditional characters. OpenCC converts by phrase; what matters here is that every character keeps its
# place (spans stay valid) and that converting back with t2s gives the original character (so the
# post-processor, which folds with t2s, sees the same labels). Characters that fail either test stay
# simplified — real traditional scrapes mix forms too.


@lru_cache(maxsize=1)
def _converters():
    import opencc

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


def to_traditional(text: str) -> str:
    s2t, _ = _converters()
    out_lines = []
    for line in text.split("\n"):
        conv = s2t.convert(line)
        if len(conv) != len(line):
            conv = "".join(_char_s2t(ch) for ch in line)
        else:
            # keep a converted character only where it maps back to the original on its own
            conv = "".join(t if t == o or _round_trips(o, t) else o for o, t in zip(line, conv))
        out_lines.append(conv)
    return "\n".join(out_lines)


@lru_cache(maxsize=None)
def _round_trips(simplified: str, traditional: str) -> bool:
    return _converters()[1].convert(traditional) == simplified


@lru_cache(maxsize=None)
def _char_s2t(ch: str) -> str:
    t = _converters()[0].convert(ch)
    return t if len(t) == 1 and _round_trips(ch, t) else ch
