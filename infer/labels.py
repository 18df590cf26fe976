"""Match the text of a row label, column header or table title to the template (fuzzy, variant-aware)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from nianbao.template import Template, fold, get_template, strip_numbering

MIN_SCORE = 0.6


@dataclass(frozen=True)
class RowMatch:
    table: str
    block: str  # block id ("20.1", "requests", "review")
    row: str | None  # row key, or None for a heading row (group)
    group: str | None = None
    score: float = 1.0


def _core(text: str) -> str:
    return strip_numbering(fold(text))


def similarity(a: str, b: str) -> float:
    """1.0 for equal strings; a fragment contained in a label scores by its share of the label."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    # Two-character fragments (事项, 案卷, 结果) sit in too many labels to say which one.
    if len(a) >= 3 and a in b:
        return 0.55 + 0.45 * len(a) / len(b)
    if len(b) >= 3 and b in a:
        return 0.55 + 0.45 * len(b) / len(a)
    return SequenceMatcher(None, a, b).ratio()


@lru_cache(maxsize=8)
def _row_candidates(template_name: str) -> list[tuple[str, RowMatch]]:
    t = get_template(template_name)
    out: list[tuple[str, RowMatch]] = []
    for b in t.blocks:
        if b.table == "review":
            continue  # the review table's "rows" are printed as column groups (see column matching)
        for r in b.rows:
            for label in r.labels:
                out.append((_core(label), RowMatch(b.table, b.id, r.key)))
    for g in t.groups:
        for label in g.labels:
            out.append((_core(label), RowMatch("requests", "requests", None, g.key)))
    return out


def _best(core: str, candidates: list[tuple[str, object]]) -> tuple[object | None, float]:
    """Best candidate; None when the two best are different targets scoring within 0.05 (ambiguous)."""
    scored: dict[object, float] = {}
    for label, target in candidates:
        s = similarity(core, label)
        if s > scored.get(target, 0.0):
            scored[target] = s
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < MIN_SCORE:
        return None, 0.0
    if ranked[0][1] < 1.0 and len(ranked) > 1 and ranked[1][1] > ranked[0][1] - 0.05:
        return None, ranked[0][1]
    return ranked[0]


def match_row(text: str, template: Template) -> RowMatch | None:
    """The template row (or heading row) a ROW_LABEL's text names, or None if unclear."""
    core = _core(text)
    found = _match_row_core(core, template.name)
    if found is None and core:
        found = _match_numbered_start(re.sub(r"\s+", "", fold(text)), template.name)
    return found


@lru_cache(maxsize=20000)
def _match_numbered_start(folded: str, template_name: str) -> RowMatch | None:
    """A label a line break cut right after its numeral (``四、结`` / ``转下年度继续办理``): too short to
    match by its words, but its numeral and first words start exactly one row's printed label."""
    if len(folded) - len(strip_numbering(folded)) < 2:
        return None  # no numeral to go by
    t = get_template(template_name)
    labels = [(fold(label), RowMatch(b.table, b.id, r.key)) for b in t.blocks if b.table != "review"
              for r in b.rows for label in r.labels]
    labels += [(fold(label), RowMatch("requests", "requests", None, g.key)) for g in t.groups for label in g.labels]
    starting = {m for label, m in labels if label.startswith(folded) and len(label) > len(folded)}
    if len(starting) != 1:
        return None
    m = starting.pop()
    return RowMatch(m.table, m.block, m.row, m.group, MIN_SCORE)


@lru_cache(maxsize=20000)  # the same labels recur in every report: match each wording once
def _match_row_core(core: str, template_name: str) -> RowMatch | None:
    if len(core) < 2 and core not in ("其他",):
        return None
    candidates = _row_candidates(template_name)
    target, score = _best(core, candidates)  # type: ignore[arg-type]
    if target is None:
        # the first words of a label a line break cut (``4. 保护`` / ``第三方合法权益``): the one row whose
        # label starts so
        starting = {t for label, t in candidates if label.startswith(core) and len(label) > len(core)}
        if len(core) < 2 or len(starting) != 1:
            return None
        target, score = starting.pop(), MIN_SCORE
    m: RowMatch = target  # type: ignore[assignment]
    return RowMatch(m.table, m.block, m.row, m.group, score)


# Column headers tell which table we are in (and, for the review table, where its column groups are).
@lru_cache(maxsize=8)
def _header_candidates(template_name: str) -> list[tuple[str, str]]:
    t = get_template(template_name)
    out: list[tuple[str, str]] = []
    for b in t.blocks:
        out.append((_core(b.header), b.table))
        for c in b.cols:
            for label in c.labels:
                out.append((_core(label), b.table))
        if b.table == "review":
            for r in b.rows:
                for label in r.labels:
                    out.append((_core(label), "review"))
    out += [(_core(x), "requests") for x in ("法人或其他组织", "本列数据的勾稽关系为第一项加第二项之和等于第三项加第四项之和")]
    out += [(_core("行政诉讼"), "review")]
    return out


def header_table(text: str, template: Template) -> str | None:
    """The table a COL_HEADER belongs to, when its text says so unambiguously (总计 and 其他 do not)."""
    return _header_table_core(_core(text), template.name)


@lru_cache(maxsize=20000)
def _header_table_core(core: str, template_name: str) -> str | None:
    if len(core) <= 2:  # 总计, 其他, 结果 … stand in several tables
        return None
    tables: dict[str, float] = {}
    for label, table in _header_candidates(template_name):
        s = similarity(core, label)
        tables[table] = max(tables.get(table, 0.0), s)
    ranked = sorted(tables.items(), key=lambda kv: -kv[1])
    if ranked[0][1] < MIN_SCORE or (len(ranked) > 1 and ranked[1][1] > ranked[0][1] - 0.05):
        return None
    return ranked[0][0]


_TITLE_NUMERAL = re.compile(r"[（(]\s*([一二三四五六七八九十])\s*[)）]")


def title_block(text: str) -> str | None:
    """The 主动公开 block a TABLE_TITLE names: 第二十条第（五）项 → "20.5"."""
    m = _TITLE_NUMERAL.search(fold(text))
    if not m:
        return None
    return "20." + str("一二三四五六七八九十".index(m.group(1)) + 1)


def template_votes(texts: list[str]) -> dict[str, int]:
    """How many header/label texts carry each template's markers."""
    votes = {}
    for name in ("2019", "2021"):
        markers = [fold(m) for m in get_template(name).markers]
        votes[name] = sum(1 for t in texts for m in markers if m in fold(t))
    return votes
