"""Cell values of a synthetic report: realistic magnitudes, consistent tables, printed forms, glued runs.

Values are drawn per *profile*:

- ``zero``: a small body's report — the requests and review tables all 0, a few active counts;
- ``typical``: mostly 0, requests counts 0–300 (natural persons dominate) with now and then a few hundred,
  active decisions sometimes in the hundred thousands, amounts up to 8 integer digits;
- ``large`` (held out for the test split): many 4–6 digit counts all over the requests and review tables,
  9–11 integer-digit amounts.

The requests and review tables are built consistent with the template's rules (row sums, 勾稽关系 balance,
result sums, review sums); :func:`perturb` breaks one rule on purpose for the inconsistent share.
Gold values are always the parse of the printed text, so format and gold can never disagree.
"""

from __future__ import annotations

import math
from functools import lru_cache
import random
import re
from decimal import Decimal

from nianbao.template import Template

Number = int | float

PROFILES = ("zero", "typical", "large")

# (probability of 0, upper end of a log-uniform draw) for active-table counts, typical profile.
# The keys are ROW/COL of the active table; "*" matches any column of the row.
ACTIVE_COUNTS: dict[str, tuple[float, int]] = {
    "rules/*": (0.9, 12),
    "normative/new_made": (0.35, 80),
    "normative/issued": (0.35, 60),
    "normative/repealed": (0.6, 20),
    "licensing/prev_items": (0.2, 900),
    "licensing/decisions": (0.25, 200_000),
    "other_services/prev_items": (0.5, 300),
    "other_services/decisions": (0.5, 30_000),
    "penalty/prev_items": (0.3, 2000),
    "penalty/decisions": (0.3, 400_000),
    "coercion/prev_items": (0.6, 120),
    "coercion/decisions": (0.6, 9000),
    "fees/prev_items": (0.5, 100),
    "procurement/items": (0.4, 3000),
}

# Share of a column's handled requests that end in each result row (before noise), by row key prefix.
RESULT_WEIGHTS: dict[str, float] = {
    "granted": 0.45, "partial": 0.1, "denied.": 0.015, "unable.not_held": 0.18, "unable.needs_creation": 0.05,
    "unable.unclear": 0.03, "not_processed.": 0.02, "other": 0.06,
}

# Upper end of the new requests per applicant column (typical profile); natural persons dominate.
APPLICANT_SCALE: dict[str, int] = {"natural": 300, "business": 40, "research": 3, "nonprofit": 4,
                                   "legal_service": 12, "other_org": 6}


def log_uniform(rng: random.Random, hi: float, lo: float = 1) -> int:
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi + 1))))


def maybe(rng: random.Random, p_zero: float, hi: float, lo: float = 1) -> int:
    return 0 if rng.random() < p_zero else log_uniform(rng, hi, lo)


# --------------------------------------------------------------------------------------------------------
# Drawing consistent tables


def draw_values(rng: random.Random, tpl: Template, profile: str) -> dict[str, Number]:
    """Raw values of every cell (amounts in the unit their block prints by default: 元 or 万元)."""
    values: dict[str, Number] = {}
    values.update(_active(rng, tpl, profile))
    values.update(_requests(rng, tpl, profile))
    values.update(_review(rng, tpl, profile))
    return values


def _active(rng: random.Random, tpl: Template, profile: str) -> dict[str, Number]:
    out: dict[str, Number] = {}
    zero_boost = 0.35 if profile == "zero" else 0.0
    scale = 40 if profile == "large" else 1
    for block in tpl.blocks_of("active"):
        for row in block.rows:
            for col in block.cols:
                key = block.key(row, col)
                p0, hi = ACTIVE_COUNTS.get(f"{row.key}/{col.key}") or ACTIVE_COUNTS.get(f"{row.key}/*") or (0.6, 40)
                p0 = min(0.97, p0 + zero_boost)
                if col.kind == "change":
                    prev = out.get(block.key(row, "prev_items"), 0)
                    out[key] = 0 if rng.random() < 0.55 + zero_boost else rng.randint(-min(prev, 60), 80)
                elif col.kind == "amount":  # no purchases, no amount
                    items = out.get(block.key(row, "items"))
                    p_none = 0.05 if items else (0.2 if profile == "large" else p0)
                    out[key] = 0 if items == 0 else _amount(rng, block.id, p_none, profile)
                elif col.key in ("new_published", "total_published", "in_force"):
                    out[key] = _cumulative(rng, out, block, row, col, p0, hi * scale)
                else:
                    out[key] = maybe(rng, p0, hi * scale)
    return out


def _cumulative(rng, out, block, row, col, p0, hi) -> int:
    """Published / in-force counts follow the row's made / issued count (not an identity, just realism)."""
    made = out.get(block.key(row, "new_made"), out.get(block.key(row, "issued"), 0))
    if col.key == "new_published":
        return made if rng.random() < 0.7 else max(0, made - rng.randint(0, 5))
    prior = 0 if rng.random() < 0.4 else maybe(rng, p0, hi * 4)
    return made + prior


def _amount(rng: random.Random, block_id: str, p0: float, profile: str) -> float:
    """Procurement (2019) in 元, fees (2021) in 万元."""
    if rng.random() < p0:
        return 0
    if profile == "large":
        yuan = math.exp(rng.uniform(math.log(1e8), math.log(9.9e10)))
    else:
        yuan = math.exp(rng.uniform(math.log(5e3), math.log(9e7)))
    if block_id == "20.8":  # 2021 fees column is printed in 万元
        return round(yuan / 1e4, rng.choice((0, 1, 2, 2, 4)))
    return round(yuan, rng.choice((0, 0, 2)))


def _requests(rng: random.Random, tpl: Template, profile: str) -> dict[str, Number]:
    block = tpl.block("requests")
    k = block.key
    applicants = [c.key for c in block.cols if c.key != "total"]
    result_rows = [r.key for r in block.rows if r.key not in ("new", "carried_over", "total", "carried_forward")]
    out: dict[str, Number] = {}
    busy = profile == "large" or rng.random() < 0.5
    for col in applicants:
        scale = APPLICANT_SCALE[col]
        if profile == "zero":
            new = 0
        elif profile == "large":  # a big city bureau: thousands of requests, mostly from natural persons
            new = maybe(rng, 0.05 if col in ("natural", "business") else 0.3, scale * 150, lo=scale * 10)
        else:
            new = maybe(rng, 0.3 if col == "natural" else 0.75, scale if busy else max(2, scale // 10))
        carried = 0 if (profile != "large" and rng.random() < 0.8) or new == 0 else rng.randint(0, max(1, new // 8))
        forward = 0 if rng.random() < 0.7 or new + carried == 0 else rng.randint(0, max(1, (new + carried) // 6))
        total = new + carried - forward
        out[k("new", col)], out[k("carried_over", col)], out[k("carried_forward", col)] = new, carried, forward
        out[k("total", col)] = total
        for row, n in zip(result_rows, _split(rng, total, result_rows)):
            out[k(row, col)] = n
    for row in block.rows:  # the total column is the row sum
        out[k(row, "total")] = sum(out[k(row, c)] for c in applicants)
    return out


def _split(rng: random.Random, total: int, rows: list[str]) -> list[int]:
    """Distribute ``total`` over the result rows: a few rows get most, many stay 0."""
    if total == 0:
        return [0] * len(rows)
    weights = []
    for r in rows:
        base = next((w for p, w in RESULT_WEIGHTS.items() if r == p or (p.endswith(".") and r.startswith(p))), 0.02)
        weights.append(base * rng.random() ** 2 if rng.random() < 0.8 else 0.0)
    if sum(weights) == 0:
        weights[0] = 1.0
    norm = sum(weights)
    counts = [int(total * w / norm) for w in weights]
    counts[max(range(len(rows)), key=lambda i: weights[i])] += total - sum(counts)
    return counts


def _review(rng: random.Random, tpl: Template, profile: str) -> dict[str, Number]:
    block = tpl.block("review")
    out: dict[str, Number] = {}
    parts = [c.key for c in block.cols if c.key != "total"]
    for row in block.rows:
        active = profile == "large" and rng.random() < 0.8 or profile == "typical" and rng.random() < 0.3
        hi = 900 if profile == "large" else 8
        for c in parts:
            out[block.key(row, c)] = maybe(rng, 0.4, hi) if active else 0
        out[block.key(row, "total")] = sum(out[block.key(row, c)] for c in parts)
    return out


def perturb(rng: random.Random, tpl: Template, values: dict[str, Number]) -> str:
    """Break one identity: change one cell that some rule reads. Returns the changed key."""
    keys = sorted({key for rule in tpl.rules for key in rule.keys})
    key = rng.choice(keys)
    v = values[key]
    delta = rng.choice((1, 1, 2, 3, 10, max(1, int(v) // 10)))
    values[key] = v + delta if v < delta or rng.random() < 0.5 else v - delta
    return key


# --------------------------------------------------------------------------------------------------------
# Printed forms


def digits_split(text: str, rng: random.Random) -> str:
    """``10`` → ``1 0``: a space inside a cell's digits (PDF kerning, OCR)."""
    digit_runs = [m for m in re.finditer(r"\d{2,}", text)]
    if not digit_runs:
        return text
    m = rng.choice(digit_runs)
    cut = rng.randint(m.start() + 1, m.end() - 1)
    return text[:cut] + " " + text[cut:]


CHANGE_STYLES = ("plain", "words", "plus")


def format_change(v: int, style: str) -> str:
    if v == 0:
        return "0"
    if style == "words":
        return ("增" if v > 0 else "减") + str(abs(v))
    if style == "plus":
        return f"+{v}" if v > 0 else str(v)
    return str(v)


def format_amount(v: float, block_id: str, style: str, rng: random.Random) -> str:
    """An amount as printed. ``v`` is in 元 (procurement) or 万元 (2021 fees, whose header states 万元)."""
    if v == 0:
        return rng.choice(("0", "0", "0", "0.00", "0万元")) if style != "bare" else "0"
    if block_id == "20.8":  # 2021: the header carries the unit, the cell mostly a bare number
        text = _num(v, rng.choice((None, None, 2)))
        return text + ("万元" if style == "wan_yuan" else "")
    if style in ("wan", "wan_yuan"):
        wan = v / 1e4
        text = _num(wan, rng.choice((2, 2, 3, 4)))
        return text + ("万" if style == "wan" else "万元")
    if style == "yuan":
        return _num(v, None) + "元"
    return _num(v, None)


AMOUNT_STYLES = ("wan", "wan_yuan", "yuan", "bare")


def _num(v: float, decimals: int | None) -> str:
    """A number with ``decimals`` places (None: as few as the value needs, at most 2)."""
    if decimals is None:
        d = Decimal(str(round(v, 2)))
        return format(d.normalize(), "f") if d != d.to_integral() else str(int(d))
    return f"{v:.{decimals}f}"


# --------------------------------------------------------------------------------------------------------
# Parsing printed cells (the gold is the parse of what is printed)

_UNIT = {"万元": "万元", "萬元": "万元", "万": "万元", "萬": "万元", "元": "元"}
_NUM = re.compile(r"^([+\-增减減]?)(\d+(?:\.\d+)?)(万元|萬元|万|萬|元)?$")


@lru_cache(maxsize=65536)
def parse_cell(text: str) -> tuple[Number, str | None]:
    """``减37`` → (-37, None); ``105.650万`` → (105.65, "万元"); ``1 0`` → (10, None)."""
    m = _NUM.match(re.sub(r"\s+", "", text))
    if not m:
        raise ValueError(f"not a cell value: {text!r}")
    sign, digits, unit = m.groups()
    d = Decimal(digits)
    if sign in ("-", "减", "減"):
        d = -d
    value: Number = int(d) if d == d.to_integral_value() else float(d)
    return value, _UNIT.get(unit) if unit else None


# --------------------------------------------------------------------------------------------------------
# Glued runs: can the text's digits be split back into the cells in one way only?

MAX_SPLITS = 4000


def _token_ends(s: str, i: int, kind: str) -> list[int]:
    """Ends of every token of ``kind`` that can start at ``s[i]``."""
    j = i
    if kind == "change" and j < len(s) and s[j] in "+-增减":
        j += 1
    if j >= len(s) or not s[j].isdigit():
        return []
    if s[j] == "0":
        int_ends = [j + 1]
    else:
        k = j
        while k < len(s) and s[k].isdigit():
            k += 1
        int_ends = list(range(j + 1, k + 1))
    if kind != "amount":
        return int_ends
    ends = []
    for e in int_ends:
        tails = [e]
        if e < len(s) - 1 and s[e] == "." and s[e + 1].isdigit():
            f = e + 1
            while f < len(s) and s[f].isdigit():
                f += 1
                tails.append(f)
        for t in tails:
            unit = next((u for u in ("万元", "萬元", "万", "萬", "元") if s.startswith(u, t)), "")
            ends.append(t + len(unit))
    return ends


def candidate_splits(text: str, kinds: list[str]) -> list[tuple[Number, ...]] | None:
    """Every way the run's characters split into one token per cell; None when there are too many."""
    s = re.sub(r"\s+", "", text)
    out: list[tuple[Number, ...]] = []

    def walk(i: int, cell: int, acc: list[Number]) -> bool:
        if cell == len(kinds):
            if i == len(s):
                out.append(tuple(acc))
            return len(out) <= MAX_SPLITS
        for e in _token_ends(s, i, kinds[cell]):
            if len(s) - e < len(kinds) - cell - 1:  # every later cell needs at least one character
                continue
            acc.append(parse_cell(s[i:e])[0])
            ok = walk(e, cell + 1, acc)
            acc.pop()
            if not ok:
                return False
        return True

    return out if walk(0, 0, []) else None


def undetermined_cells(runs: list[tuple[str, tuple[str, ...]]], truth: dict[str, Number | None], tpl: Template,
                       known: dict[str, Number], limit: int = MAX_SPLITS) -> list[str]:
    """The cells of one printed row that its text does not determine: those on which the readings of the
    row's value spans ``runs`` (text, the keys it covers) disagree, or differ from the truth.

    A reader sees the row's spans, not which of them are glued (``4747 47`` over three cells is 47,47,47
    or 474,7,47 or 4,747,47 or 4747,4,7), so every way of sharing the row's cells among its spans counts.
    Readings that satisfy the rules whose other cells are ``known`` are kept, if there are any (a row that
    breaks its own sum keeps them all)."""
    keys = [k for _, ks in runs for k in ks]
    kinds = [tpl.column_of[k].kind for k in keys]
    readings: list[tuple[Number, ...]] = []
    memo: dict[tuple[int, int, int], list[tuple[Number, ...]] | None] = {}

    def walk(i: int, cell: int, acc: tuple[Number, ...]) -> bool:
        if i == len(runs):
            if cell == len(keys):
                readings.append(acc)
            return len(readings) <= limit
        for k in range(1, len(keys) - cell - (len(runs) - i - 1) + 1):
            if (i, cell, k) not in memo:
                memo[i, cell, k] = candidate_splits(runs[i][0], kinds[cell:cell + k])
            splits = memo[i, cell, k]
            if splits is None:
                return False
            for split in splits:
                if not walk(i + 1, cell + k, acc + split):
                    return False
        return True

    if not walk(0, 0, ()):
        return keys
    index = {k: i for i, k in enumerate(keys)}
    usable = [r for r in tpl.rules if any(k in index for k in r.keys)
              and all(k in index or k in known for k in r.keys)]

    def fits(reading: tuple[Number, ...]) -> bool:
        def val(k: str) -> Number:
            return reading[index[k]] if k in index else known[k]

        return all(abs(sum(val(k) for k in r.lhs) - sum(val(k) for k in r.rhs)) < 1e-9 for r in usable)

    kept = [r for r in readings if fits(r)] or readings
    return [k for i, k in enumerate(keys) if not kept or any(r[i] != truth[k] for r in kept)]
