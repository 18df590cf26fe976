"""Value cells: parse one cell's text, and split runs of cells glued with no delimiter.

Pure functions. A glued run is split by enumerating every way its digits can form the row's cells (no
leading zeros) and keeping the splits that satisfy the template's identities; a unique split is taken, an
ambiguous or impossible one is reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nianbao.template import fold

Number = int | float

_BLANK = {"", "-", "—", "–", "－", "/", "／", "无", "空", "——", "--", "×"}
_UNIT = re.compile(r"(万元|万|亿元|元)$")
_CHANGE_WORDS = (("增加", 1), ("减少", -1), ("增", 1), ("减", -1), ("+", 1), ("-", -1), ("−", -1))
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Parsed:
    value: Number | None
    unit: str | None = None  # "万元" | "元" | "亿元" when the cell states it


def _fold(text: str) -> str:
    # width-folded and simplified (萬 → 万, 減 → 减); digits split by spaces (`1 0`) and thousands
    # separators join
    return re.sub(r"[,，]", "", fold(text))


def _number(digits: str) -> Number | None:
    if not _NUMBER.match(digits):
        return None
    return float(digits) if "." in digits else int(digits)


@lru_cache(maxsize=65536)  # pure, and the same few cell texts (0, 1, …) recur in every report
def parse_value(text: str) -> Parsed | None:
    """Parse one cell: ``'0'`` → 0, ``'1 0'`` → 10, ``'减37'`` → -37, ``'+52'`` → 52,
    ``'105.650万'`` → 105.65 万元, ``'13575394432.52元'`` → 13575394432.52 元.

    Returns ``Parsed(None)`` for a cell that says "nothing" (``-``, ``/``, ``无``) and None for text that is
    not a value at all.
    """
    s = _fold(text)
    if s in _BLANK:
        return Parsed(None)
    unit = None
    m = _UNIT.search(s)
    if m:
        unit = {"万": "万元"}.get(m.group(1), m.group(1))
        s = s[: m.start()]
    sign = 1
    for word, sgn in _CHANGE_WORDS:
        if s.startswith(word):
            sign, s = sgn, s[len(word):]
            break
    value = _number(s)
    if value is None:
        return None
    if sign < 0:
        value = -value
    return Parsed(value, unit)


_RUN = re.compile(r"^([+\-]?)(\d+)(\.\d+)?$")
_GLUED_SIGN = re.compile(r"(?<=\d)(?=[+\-增减])")


def digit_run(text: str) -> tuple[str, str, str] | None:
    """(integer digits, decimal tail, sign) of a span that may hold several glued cells, else None.

    Spaces and a trailing unit are allowed (the unit and any decimal tail belong to the last glued cell,
    e.g. ``'328291965元'`` or ``'2 45.82万元'``); a leading sign belongs to the first (``'-40'`` → -4, 0).
    """
    s = _UNIT.sub("", _fold(text))
    sign = ""
    for word, sgn in _CHANGE_WORDS:
        if s.startswith(word):
            sign, s = ("-" if sgn < 0 else "+"), s[len(word):]
            break
    m = _RUN.match(s)
    return (m.group(2), m.group(3) or "", sign) if m and not m.group(1) else None


def is_value_text(text: str) -> bool:
    """Whether a span's text can be one or more value cells at all (``-3-``, a page footer, cannot)."""
    if not text.strip():
        return False
    if parse_value(text) is not None or digit_run(text) is not None:
        return True
    parts = pieces(text)
    return len(parts) > 1 and all(digit_run(p) is not None for p in parts)


def pieces(text: str) -> list[str]:
    """A glued span cut before each sign that follows a digit: ``'4-40'`` → ``['4', '-40']``."""
    return [p for p in _GLUED_SIGN.split(_fold(text)) if p]


@lru_cache(maxsize=65536)
def _count_splits(digits: str, k: int) -> int:
    """How many ways ``digits`` cut into ``k`` numbers without leading zeros."""
    if k == 1:
        return 1 if digits and (digits == "0" or digits[0] != "0") else 0
    if not digits:
        return 0
    if digits[0] == "0":
        return _count_splits(digits[1:], k - 1)
    return sum(_count_splits(digits[cut:], k - 1) for cut in range(1, len(digits) - k + 2))


@dataclass(frozen=True)
class RowSolution:
    values: list[Number | None]
    status: str  # "direct" | "forced" | "solved" | "ambiguous" | "conflict" | "unsolved" | "short" | "extra"
    candidates: int = 1


class _Budget(Exception):
    pass


# A row token that stands for one blank cell (see ``tables._nbsp_glued_reading``).
BLANK_CELL = ""


def _cells(text: str) -> tuple[str, str, str] | Parsed | None:
    """A span as a splittable digit run, or as one parsed cell (``Parsed(None)``: a blank one, which fills
    one cell and adds nothing to a sum), or None if it is not a value."""
    if text == BLANK_CELL:
        return Parsed(None)
    run = digit_run(text)
    return run if run is not None else parse_value(text)


def count_fillings(cell_texts: Sequence[str], ncols: int) -> int:
    """How many ways the row's spans can fill exactly ``ncols`` cells (each span at least one cell; only
    unsigned digit runs may hold several)."""
    ways = {0: 1}  # cells used so far -> ways
    for text in cell_texts:
        cell = _cells(text)
        nxt: dict[int, int] = {}
        for used, w in ways.items():
            if isinstance(cell, tuple):
                for k in range(1, min(len(cell[0]), ncols - used) + 1):
                    c = _count_splits(cell[0], k)
                    if c:
                        nxt[used + k] = nxt.get(used + k, 0) + w * c
            elif cell is not None and used < ncols:
                nxt[used + 1] = nxt.get(used + 1, 0) + w
        ways = nxt
    return ways.get(ncols, 0)


def search_fillings(cell_texts: Sequence[str], ncols: int, groups: Sequence[int] = (),
                    want: int = 2, budget: int = 300_000,
                    signed: Sequence[bool] | None = None) -> list[list[Number]] | None:
    """Up to ``want`` fillings of the row, depth first; None if the search ran past ``budget`` steps.

    ``groups`` are consecutive runs of cells whose last cell is the sum of the others (the requests
    table's total column; the review table's three 总计). A group's total is not enumerated: it must read
    as exactly the sum of the cells before it, which prunes the search to what the identities allow.
    ``signed[c]``: cell c may hold a signed number (本年增/减); a number printed with a sign goes only there.
    """
    cells = [_cells(t) for t in cell_texts]
    if any(c is None for c in cells):
        return []
    total_at: dict[int, int] = {}  # cell index of a group total -> index of the group's first cell
    start = 0
    for size in groups:
        total_at[start + size - 1] = start
        start += size
    capacity = [0] * (len(cells) + 1)  # most cells the spans from i on can hold
    for i in range(len(cells) - 1, -1, -1):
        capacity[i] = capacity[i + 1] + (len(cells[i][0]) if isinstance(cells[i], tuple) else 1)
    found: list[list[Number]] = []
    steps = 0

    def place(i: int, pos: int, acc: list[Number]) -> None:
        nonlocal steps
        steps += 1
        if steps > budget:
            raise _Budget
        if len(found) >= want:
            return
        c = len(acc)
        if i == len(cells):
            if c == ncols:
                found.append(list(acc))
            return
        cell = cells[i]
        if isinstance(cell, Parsed):
            if signed is not None and c < ncols and not signed[c] and cell.value is not None and cell.value < 0:
                return
            if c < ncols and _fits(c, cell.value, acc, total_at):
                place(i + 1, 0, acc + [cell.value])  # type: ignore[list-item]
            return
        digits, tail, sign = cell
        if pos == 0 and sign and signed is not None and c < ncols and not signed[c]:
            return
        rest = len(digits) - pos
        spans_after = len(cells) - i - 1
        if ncols - c < 1 + spans_after or capacity[i + 1] + rest < ncols - c:
            return
        if c in total_at:  # a group total: only the sum of its group can stand here
            need = str(_group_sum(acc, total_at[c]))
            lengths = [len(need)] if digits.startswith(need, pos) else []
        else:
            lengths = range(1, rest + 1)
        for length in lengths:
            part = digits[pos:pos + length]
            if len(part) > 1 and part[0] == "0":
                break  # a number does not start with 0 (longer cuts would not either)
            last = pos + length == len(digits)
            value: Number = float(part + tail) if (last and tail) else int(part)
            if pos == 0 and sign == "-":
                value = -value
            if c in total_at and value != _group_sum(acc, total_at[c]):
                continue
            if last:
                place(i + 1, 0, acc + [value])
            elif c + 1 < ncols:
                place(i, pos + length, acc + [value])

    try:
        place(0, 0, [])
    except _Budget:
        return None
    return found


def _fits(c: int, value: Number | None, acc: list[Number], total_at: dict[int, int]) -> bool:
    # a blank total tells nothing of its group
    return c not in total_at or value is None or value == _group_sum(acc, total_at[c])


def _group_sum(acc: list[Number | None], start: int) -> Number:
    """The sum of a group's cells so far, blank cells counting nothing."""
    return sum(v for v in acc[start:] if v is not None)


LEADING_ZERO = re.compile(r"^\s*[+\-]?0\d")


def split_row(cell_texts: Sequence[str], ncols: int, groups: Sequence[int] = (),
              signed: Sequence[bool] | None = None) -> RowSolution:
    """Distribute a row's value spans over ``ncols`` cells.

    "direct": one span per cell. "forced": glued, but only one split exists (taken even if it breaks an
    identity: published numbers are reported as printed). "solved": several splits, exactly one satisfies
    the identities of ``groups``. "ambiguous": several remain (all cells null); "conflict": several splits,
    none of which satisfies the identities (a published row that breaks its own sum). When nothing fills the
    row exactly, the readable values are left-aligned and the status says why: "short" (fewer cells than
    columns: blanks), "extra" (more); "unsolved" (a glued run that cannot make the row) leaves every
    cell null.
    """
    if len(cell_texts) == ncols:
        parsed = [parse_value(t) for t in cell_texts]
        # ``090``, ``04``: no one cell prints a leading zero, so such a span is glued cells, not a cell
        if all(p is not None for p in parsed) and not any(LEADING_ZERO.match(_fold(t)) for t in cell_texts):
            return RowSolution([p.value for p in parsed], "direct")  # type: ignore[union-attr]
    cell_texts = [p for t in cell_texts for p in (pieces(t) if t != BLANK_CELL and digit_run(t) is None else [t])]
    n = count_fillings(cell_texts, ncols)
    if n and signed is not None and any(_has_sign(t) for t in cell_texts):
        # a printed sign goes only to a signed column (本年增/减): count the readings that respect it
        found = search_fillings(cell_texts, ncols, want=3, signed=signed)
        n = len(found) if found is not None else n
    else:
        signed = None
    if n == 0:
        glued = any(r is not None and len(r[0]) > 1 for r in (digit_run(t) for t in cell_texts))
        status = "extra" if len(cell_texts) > ncols else ("unsolved" if glued else "short")
        if status == "unsolved":  # a run that cannot make the row says nothing of where its digits go
            return RowSolution([None] * ncols, status, 0)
        return RowSolution(_left_aligned(cell_texts, ncols), status, 0)
    if n == 1:
        return RowSolution(search_fillings(cell_texts, ncols, want=1, signed=signed)[0], "forced")  # type: ignore[index]
    fitting: Sequence[int] = ()
    if groups:
        good = search_fillings(cell_texts, ncols, groups, signed=signed)
        if good is not None and len(good) == 1:
            return RowSolution(good[0], "solved", n)
        if good == []:  # the published row breaks its own sum: no split can satisfy it
            return RowSolution(agreed(cell_texts, ncols, signed=signed), "conflict", n)
        fitting = groups
    return RowSolution(agreed(cell_texts, ncols, fitting, signed=signed), "ambiguous", n)


def _has_sign(text: str) -> bool:
    cell = _cells(text)
    return bool(cell[2]) if isinstance(cell, tuple) else (cell is not None and (cell.value or 0) < 0)


def agreed(cell_texts: Sequence[str], ncols: int, groups: Sequence[int] = (), limit: int = 256,
           signed: Sequence[bool] | None = None) -> list[Number | None]:
    """The cells every reading of an ambiguous row gives the same value (``315-430`` over 上年项目数量,
    本年增/减, 处理决定数量: 315,-4,30 / 315,-43,0 both start with 315): those the text determines; the
    others None."""
    readings = search_fillings(cell_texts, ncols, groups, want=limit, signed=signed)
    if not readings or len(readings) >= limit:
        return [None] * ncols
    return [r[0][i] if all(x[i] == readings[0][i] for x in readings) else None
            for r in [readings] for i in range(ncols)]


def _left_aligned(cell_texts: Sequence[str], ncols: int) -> list[Number | None]:
    vals: list[Number | None] = []
    for t in cell_texts[:ncols]:
        p = parse_value(t)
        vals.append(p.value if p else None)
    return vals + [None] * (ncols - len(vals))
