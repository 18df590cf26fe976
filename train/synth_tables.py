"""The three statistical tables as logical grids, built from the template, and the damage done to them.

A :class:`Table` is a list of rows of :class:`Cell` — what the published HTML/PDF table holds, before any
layout flattens it. Rows, columns, label variants and block titles come from ``nianbao.template``; the
only words kept here are header cells the template does not model (法人或其他组织, 行政诉讼, the 勾稽关系
note), because they are layout furniture rather than cells.

Cell kinds: ``title`` (TABLE_TITLE), ``col`` (COL_HEADER), ``row`` / ``group`` (ROW_LABEL), ``value``
(VALUE), ``blank`` (a value cell left empty: gold null), ``pad`` (an empty cell that belongs to no key,
e.g. the 4th column of the two-column 第二十条第（八）项 block), ``span`` (the place a merged cell covers in
a grid: under 申请人情况, beside 三、本年度办理结果 — HTML flattening drops it, PDF text keeps a tab),
``gone`` (a cell lost by the scrape).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from nianbao.template import Block, Template

LABEL_OF_KIND = {"title": "TABLE_TITLE", "col": "COL_HEADER", "row": "ROW_LABEL", "group": "ROW_LABEL",
                 "value": "VALUE"}

# Header words the template does not carry (they name groups of columns, not cells).
ORG_HEADER = "法人或其他组织"
LITIGATION_HEADER = "行政诉讼"
NOTES = [
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "（本列数据的勾稽关系为：第一项和第二项之和，等于第三项加第四项之和）",
    "（本列数据的钩稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
]
ACTIVE_TITLE_FORMS = ["第二十条第（{}）项", "第二十条第（{}）项", "第二十条第({})项", "第二十条({})项", "第二十条（{}）项"]


@dataclass
class Cell:
    text: str
    kind: str
    keys: tuple[str, ...] = ()

    @property
    def label(self) -> str | None:
        return LABEL_OF_KIND.get(self.kind) if self.text else None


@dataclass
class TRow:
    cells: list[Cell]
    role: str  # title | header | data
    depth: int = 0  # data rows: nesting under group headings (0 top, 1 under 三、, 2 under （三）…)

    @property
    def values(self) -> list[Cell]:
        return [c for c in self.cells if c.kind in ("value", "blank")]

    @property
    def labels(self) -> list[Cell]:
        return [c for c in self.cells if c.kind in ("row", "group")]


@dataclass
class Table:
    table: str  # active | requests | review
    block_id: str
    rows: list[TRow]
    unit_headers: dict[str, Cell] = field(default_factory=dict)  # key of a column with a unit -> its header

    def cells(self, *kinds: str) -> list[Cell]:
        return [c for r in self.rows for c in r.cells if c.kind in kinds]


@dataclass
class LabelStyle:
    """How a document writes labels: full- or half-width punctuation, numbering, spaces after numbers."""

    halfwidth: bool = False
    digit_sep: str = "."
    space_after_number: bool = False
    variants: bool = False  # damage: pick later label variants from the template
    markers: tuple[str, ...] = ()  # the template's own header words: preferred where a label has one

    def pick(self, rng: random.Random, labels: tuple[str, ...]) -> str:
        if len(labels) > 1 and rng.random() < (0.7 if self.variants else 0.03):
            return rng.choice(labels[1:])
        own = [lab for lab in labels if any(m in lab for m in self.markers)]
        return own[0] if own and rng.random() < 0.9 else labels[0]

    def apply(self, text: str) -> str:
        if self.digit_sep != "." and len(text) > 1 and text[0].isdigit() and text[1] == ".":
            text = text[0] + self.digit_sep + text[2:]
        if self.space_after_number:
            for close in ("）", "."):
                i = text.find(close)
                if 0 < i <= 3 and i + 1 < len(text) and text[i + 1] != " ":
                    text = text[:i + 1] + " " + text[i + 1:]
                    break
        if self.halfwidth:
            text = text.translate(str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"}))
        return text


# --------------------------------------------------------------------------------------------------------
# Building


def build_tables(rng: random.Random, tpl: Template, texts: dict[str, str], style: LabelStyle,
                 pad_short: bool) -> list[Table]:
    """The document's tables in print order; ``texts``: the printed text of every value cell."""
    tables = [_active_block(rng, b, texts, style, pad_short) for b in tpl.blocks_of("active")]
    tables.append(_requests(rng, tpl, texts, style))
    tables.append(_review(rng, tpl, texts, style))
    return tables


def _value(texts: dict[str, str], key: str) -> Cell:
    return Cell(texts[key], "value", (key,))


def _active_block(rng: random.Random, block: Block, texts: dict[str, str], style: LabelStyle,
                  pad_short: bool) -> Table:
    title = style.apply(rng.choice(ACTIVE_TITLE_FORMS).format(block.numeral))
    width = 4 if pad_short else 1 + len(block.cols)
    pads = [Cell("", "pad") for _ in range(width - 1 - len(block.cols))]
    head_cells = [Cell(block.header, "col")]
    unit_headers = {}
    for col in block.cols:
        cell = Cell(style.apply(style.pick(rng, col.labels)), "col")
        head_cells.append(cell)
        if col.unit:  # the official header states the unit (2021: 本年收费金额（单位：万元）)
            unit_headers.update({block.key(r, col): cell for r in block.rows})
    rows = [TRow([Cell(title, "title")], "title"), TRow(head_cells + pads, "header")]
    for row in block.rows:
        label = Cell(style.apply(style.pick(rng, row.labels)), "row")
        rows.append(TRow([label] + [_value(texts, block.key(row, c)) for c in block.cols] + list(pads), "data"))
    return Table("active", block.id, rows, unit_headers)


def _requests(rng: random.Random, tpl: Template, texts: dict[str, str], style: LabelStyle) -> Table:
    block = tpl.block("requests")
    cols = {c.key: c for c in block.cols}
    orgs = [c for c in block.cols if c.key not in ("natural", "total")]
    note = NOTES[rng.randrange(len(NOTES))] if not style.variants else rng.choice(NOTES[2:])
    col = lambda c: Cell(style.apply(style.pick(rng, c.labels)), "col")  # noqa: E731
    header = [
        TRow([Cell(style.apply(note), "col"), Cell(block.header, "col")], "header"),
        TRow([Cell("", "span"), col(cols["natural"]), Cell(ORG_HEADER, "col")] + [Cell("", "span")] * (len(orgs) - 1)
             + [col(cols["total"])], "header"),
        TRow([Cell("", "span")] * 2 + [col(c) for c in orgs] + [Cell("", "span")], "header"),
    ]
    groups = {g.key: g for g in tpl.groups}
    chains = {r.key: _ancestors(r.parent, groups) for r in block.rows}
    first_in: dict[str, str] = {}  # a group's heading stands in the first row it covers
    for r in block.rows:
        for g in chains[r.key]:
            first_in.setdefault(g, r.key)
    rows = list(header)
    for r in block.rows:
        chain = chains[r.key]
        cells = [Cell(style.apply(style.pick(rng, groups[g].labels)), "group") if first_in[g] == r.key
                 else Cell("", "span") for g in chain]
        cells.append(Cell(style.apply(style.pick(rng, r.labels)), "row"))
        cells += [_value(texts, block.key(r, c)) for c in block.cols]
        rows.append(TRow(cells, "data", len(chain)))
    return Table("requests", "requests", rows)


def _ancestors(parent: str | None, groups: dict) -> list[str]:
    """Group headings above a row, outermost first: every group other than 三、本年度办理结果 sits under it."""
    if parent is None:
        return []
    if parent == "results":
        return ["results"]
    return ["results", parent] if parent in groups else [parent]


def _review(rng: random.Random, tpl: Template, texts: dict[str, str], style: LabelStyle) -> Table:
    block = tpl.block("review")
    n = len(block.cols)
    pad = lambda k: [Cell("", "span") for _ in range(k)]  # noqa: E731
    sub = lambda: [Cell(style.pick(rng, c.labels), "col") for c in block.cols]  # noqa: E731
    recon, direct, after = block.rows
    rows = [
        TRow([Cell(recon.labels[0], "col")] + pad(n - 1) + [Cell(LITIGATION_HEADER, "col")] + pad(2 * n - 1), "header"),
        TRow(sub() + [Cell(direct.labels[0], "col")] + pad(n - 1) + [Cell(after.labels[0], "col")] + pad(n - 1),
             "header"),
        TRow(pad(n) + sub() + sub(), "header"),
        TRow([_value(texts, block.key(r, c)) for r in block.rows for c in block.cols], "data"),
    ]
    return Table("review", "review", rows)


# --------------------------------------------------------------------------------------------------------
# Damage to the grids. Each returns nothing and edits the cells in place.


def lose_row_labels(rng: random.Random, tables: list[Table]) -> None:
    """A row label or two vanish (规章 missing): the values stay where they were."""
    cands = [c for t in tables if t.table in ("active", "requests") for c in t.cells("row")]
    for c in rng.sample(cands, rng.randint(1, 2)):
        c.kind, c.text = "gone", ""


def damage_headers(rng: random.Random, tables: list[Table]) -> None:
    """Header cells truncated (本年新) or lost."""
    cands = [c for t in tables for c in t.cells("col") if len(c.text) >= 4]
    for c in rng.sample(cands, min(len(cands), rng.randint(1, 3))):
        if rng.random() < 0.65:
            c.text = c.text[:rng.randint(2, len(c.text) - 2)]
        else:
            c.kind, c.text = "gone", ""


def blank_cells(rng: random.Random, tables: list[Table]) -> None:
    """Blank value cells (a blank is not 0): a whole review group, total cells, the 总计 row, a column …"""
    by_id = {t.block_id: t for t in tables}
    choices = rng.sample(["review_group", "total_col", "total_row", "active_col", "scattered"], rng.randint(1, 2))
    for what in choices:
        if what == "review_group":
            vals = by_id["review"].rows[-1].values
            g = rng.choice([0, 0, 1, 2])
            targets = vals[g * 5:(g + 1) * 5]
        elif what == "total_col":
            rows = [r for r in by_id["requests"].rows if r.role == "data"]
            targets = [r.values[-1] for r in rows[:rng.randint(1, len(rows))]]
        elif what == "total_row":
            row = next(r for r in by_id["requests"].rows if r.role == "data" and r.values[0].keys[0].split("/")[1] == "total")
            targets = row.values
        elif what == "active_col":
            t = rng.choice([t for t in tables if t.table == "active"])
            data = [r for r in t.rows if r.role == "data"]
            j = rng.randrange(len(data[0].values))
            targets = [r.values[j] for r in data]
        else:
            allv = [c for t in tables for c in t.cells("value")]
            targets = rng.sample(allv, rng.randint(1, 3))
        for c in targets:
            c.kind, c.text = "blank", ""


def split_digits(rng: random.Random, tables: list[Table], splitter) -> None:
    """A space inside a cell's digits (``1 0`` = 10)."""
    cands = [c for t in tables for c in t.cells("value") if sum(ch.isdigit() for ch in c.text) >= 2]
    for c in rng.sample(cands, min(len(cands), rng.randint(1, 4))):
        c.text = splitter(c.text, rng)
