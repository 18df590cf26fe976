"""Build (text, spans) for tests from markup: ``[[VALUE:12]]`` is a VALUE span over ``12``."""

from __future__ import annotations

import re

from nianbao.spans import Span

_TAG = re.compile(r"\[\[([A-Z_]+):(.*?)\]\]", re.S)


def markup(source: str) -> tuple[str, list[Span]]:
    text, spans, pos = [], [], 0
    length = 0
    for m in _TAG.finditer(source):
        before = source[pos:m.start()]
        text.append(before)
        length += len(before)
        spans.append(Span(length, length + len(m.group(2)), m.group(1)))
        text.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    text.append(source[pos:])
    return "".join(text), spans
