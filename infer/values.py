"""Value cells: parse one cell's text, and split runs of cells glued with no delimiter.

Pure functions. A glued run is split by enumerating every way its digits can form the row's cells (no
leading zeros) and keeping the splits that satisfy the template's identities; a unique split is taken, an
ambiguous or impossible one is reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

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
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s,，]", "", text)  # digits split by spaces (`1 0`) and thousands separators join


def _number(digits: str) -> Number | None:
    if not _NUMBER.match(digits):
        return None
    return float(digits) if "." in digits else int(digits)


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


_RUN = re.compile(r"^(\d+)(\.\d+)?$")


def digit_run(text: str) -> tuple[str, str] | None:
    """(integer digits, decimal tail) of a span that may hold several glued cells, else None.

    Only unsigned numbers qualify (spaces and a trailing unit allowed: the unit and any decimal tail
    belong to the last glued cell, e.g. ``'328291965元'`` or ``'2 45.82万元'``).
    """
    s = _UNIT.sub("", _fold(text))
    m = _RUN.match(s)
    return (m.group(1), m.group(2) or "") if m else None


def _splits(digits: str, k: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut ``digits`` into ``k`` numbers without leading zeros."""
    if k == 1:
        if digits and (digits == "0" or digits[0] != "0"):
            yield (digits,)
        return
    if digits[:1] == "0":  # a part starting with 0 can only be "0"
        for rest in _splits(digits[1:], k - 1):
            yield ("0",) + rest
        return
    for cut in range(1, len(digits) - k + 2):
        for rest in _splits(digits[cut:], k - 1):
            yield (digits[:cut],) + rest


@dataclass(frozen=True)
class RowSolution:
    values: list[Number | None]
    status: str  # "direct" | "forced" | "solved" | "ambiguous" | "unsolved"
    candidates: int = 1


def row_fillings(cell_texts: Sequence[str], ncols: int, limit: int = 200_000) -> list[list[Number]] | None:
    """Every way the row's spans can fill exactly ``ncols`` cells; None if there are more than ``limit``.

    A span of digits (spaces allowed) may hold one cell or several glued ones; any other span (signed,
    decimal, with a unit) holds exactly one.
    """
    runs = [digit_run(t) for t in cell_texts]
    single = [None if r is not None else parse_value(t) for t, r in zip(cell_texts, runs)]

    def as_number(part: str) -> Number:
        return float(part) if "." in part else int(part)

    out: list[list[Number]] = []

    def rec(i: int, remaining: int, acc: list[Number]) -> bool:
        if len(out) > limit:
            return False
        if i == len(cell_texts):
            if remaining == 0:
                out.append(list(acc))
            return True
        spans_left = len(cell_texts) - i - 1
        if runs[i] is None:
            p = single[i]
            if p is None or p.value is None or remaining < 1:
                return True
            return rec(i + 1, remaining - 1, acc + [p.value])
        digits, tail = runs[i]
        for k in range(1, min(len(digits), remaining - spans_left) + 1):
            for parts in _splits(digits, k):
                parts = parts[:-1] + (parts[-1] + tail,)
                if not rec(i + 1, remaining - k, acc + [as_number(x) for x in parts]):
                    return False
        return True

    return out if rec(0, ncols, []) else None


def split_row(cell_texts: Sequence[str], ncols: int,
              identity: Callable[[list[Number]], bool] | None = None) -> RowSolution:
    """Distribute a row's value spans over ``ncols`` cells.

    "direct": one span per cell. "forced": glued, but only one split exists. "solved": several splits,
    exactly one satisfies ``identity`` (e.g. total = sum of the applicant columns). "ambiguous": several
    remain (all cells null). When nothing fills the row exactly, the readable values are left-aligned and
    the status says why: "short" (fewer cells than columns: blanks), "extra" (more), "unsolved" (a glued
    run that cannot make the row).
    """
    if len(cell_texts) == ncols:
        parsed = [parse_value(t) for t in cell_texts]
        if all(p is not None for p in parsed):
            return RowSolution([p.value for p in parsed], "direct")  # type: ignore[union-attr]
    fillings = row_fillings(cell_texts, ncols)
    if fillings is None:
        return RowSolution([None] * ncols, "ambiguous", -1)
    if not fillings:
        # Nothing fills the row exactly: blank cells (too few spans), a stray cell (too many), or a glued
        # run whose digits cannot make the row.
        glued = any(r is not None and len(r[0]) > 1 for r in (digit_run(t) for t in cell_texts))
        status = "extra" if len(cell_texts) > ncols else ("unsolved" if glued else "short")
        return RowSolution(_left_aligned(cell_texts, ncols), status, 0)
    if len(fillings) == 1:
        return RowSolution(list(fillings[0]), "forced")
    if identity is not None:
        good = [c for c in fillings if identity(c)]
        if len(good) == 1:
            return RowSolution(list(good[0]), "solved", len(fillings))
    return RowSolution([None] * ncols, "ambiguous", len(fillings))


def _left_aligned(cell_texts: Sequence[str], ncols: int) -> list[Number | None]:
    vals: list[Number | None] = []
    for t in cell_texts[:ncols]:
        p = parse_value(t)
        vals.append(p.value if p else None)
    return vals + [None] * (ncols - len(vals))
