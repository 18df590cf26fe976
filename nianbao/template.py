"""Template knowledge: sections, tables, rows, columns, label variants, cell keys and reconciliation rules.

Everything here is loaded from ``template.toml`` (structure and label variants) and ``cells.tsv`` (the spec's
cell list, which fixes key order and the official labels). Every other stage reads the templates through
:func:`get_template` and :data:`SECTIONS`; nothing else hard-codes a row, a column or a rule.
"""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

TEMPLATE_NAMES: tuple[str, ...] = ("2019", "2021")
TABLES: tuple[str, ...] = ("active", "requests", "review")


@dataclass(frozen=True)
class Section:
    """One of the six top-level sections 一…六."""

    n: int
    title: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    key: str
    labels: tuple[str, ...]
    parent: str | None = None


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, ...]
    kind: str = "count"  # count | change (signed) | amount (number with a unit)
    unit: str | None = None  # unit the official header states, if any


@dataclass(frozen=True)
class Group:
    """A heading row of the requests table that carries no values (三、本年度办理结果, （三）不予公开 …)."""

    key: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """A printed table: the requests table, the review table, or one 第二十条 block of the active table."""

    table: str
    id: str
    title: str
    numeral: str | None
    header: str
    rows: tuple[Row, ...]
    cols: tuple[Column, ...]

    def key(self, row: Row | str, col: Column | str) -> str:
        r = row if isinstance(row, str) else row.key
        c = col if isinstance(col, str) else col.key
        return f"{self.table}/{r}/{c}"

    @property
    def keys(self) -> list[str]:
        """Keys in reading order (row-major)."""
        return [self.key(r, c) for r in self.rows for c in self.cols]


@dataclass(frozen=True)
class Rule:
    """A reconciliation identity: sum(lhs) == sum(rhs)."""

    id: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Template:
    name: str
    blocks: tuple[Block, ...]
    groups: tuple[Group, ...]
    keys: tuple[str, ...]  # every cell key of this template, in cells.tsv order
    rules: tuple[Rule, ...]
    markers: tuple[str, ...]
    column_of: dict[str, Column] = field(default_factory=dict, compare=False, hash=False)

    def block(self, block_id: str) -> Block:
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise KeyError(block_id)

    def blocks_of(self, table: str) -> list[Block]:
        return [b for b in self.blocks if b.table == table]


# --------------------------------------------------------------------------------------------------------
# Text folding used by every label comparison.

_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]|\d{1,2}\s*[、.．]|\d{1,2}(?=[^\d]))\s*"
)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplify_char(ch: str) -> str:
    """One character, traditional → simplified where OpenCC maps it to exactly one character."""
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=50000)
def fold(text: str) -> str:
    """Fold a label for comparison: NFKC width folding, traditional → simplified, no whitespace, no `|`."""
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return re.sub(r"[\s|]+", "", text)


def strip_numbering(label: str) -> str:
    """Remove a leading outline number (一、 （三） 1. 3、) from a folded or raw label."""
    return _NUMBERING.sub("", label, count=1)


# --------------------------------------------------------------------------------------------------------
# Loading


def _for(templates: list[str] | None, name: str) -> bool:
    return templates is None or name in templates


@lru_cache(maxsize=1)
def _raw() -> dict:
    with resources.files("nianbao").joinpath("template.toml").open("rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=1)
def cells_table() -> list[dict[str, str]]:
    """The spec's cells.tsv rows (key, table, templates, row_label, col_label)."""
    with resources.files("nianbao").joinpath("cells.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _rules(name: str, blocks: tuple[Block, ...]) -> tuple[Rule, ...]:
    req = next(b for b in blocks if b.table == "requests")
    rev = next(b for b in blocks if b.table == "review")
    k = req.key
    rules: list[Rule] = []
    # 第一项加第二项之和，等于第三项加第四项之和
    for c in req.cols:
        rules.append(Rule(f"requests.balance/{c.key}", (k("new", c), k("carried_over", c)),
                          (k("total", c), k("carried_forward", c))))
    applicant_cols = [c for c in req.cols if c.key != "total"]
    for r in req.rows:
        rules.append(Rule(f"requests.row_sum/{r.key}", (k(r, "total"),), tuple(k(r, c) for c in applicant_cols)))
    result_rows = [r for r in req.rows if r.key not in ("new", "carried_over", "total", "carried_forward")]
    for c in req.cols:
        rules.append(Rule(f"requests.result_sum/{c.key}", (k("total", c),), tuple(k(r, c) for r in result_rows)))
    for r in rev.rows:
        parts = tuple(rev.key(r, c) for c in rev.cols if c.key != "total")
        rules.append(Rule(f"review.sum/{r.key}", (rev.key(r, "total"),), parts))
    return tuple(rules)


@lru_cache(maxsize=None)
def get_template(name: str) -> Template:
    """The template called ``name`` ("2019" or "2021")."""
    if name not in TEMPLATE_NAMES:
        raise KeyError(f"unknown template {name!r}; known: {', '.join(TEMPLATE_NAMES)}")
    raw = _raw()
    blocks = []
    for b in raw["block"]:
        if not _for(b.get("templates"), name):
            continue
        rows = tuple(Row(r["key"], tuple(r["labels"]), r.get("parent"))
                     for r in b["row"] if _for(r.get("templates"), name))
        cols = tuple(Column(c["key"], tuple(c["labels"]), c.get("kind", "count"), c.get("unit"))
                     for c in b["col"] if _for(c.get("templates"), name))
        blocks.append(Block(b["table"], b["id"], b["title"], b.get("numeral"), b["header"], rows, cols))
    blocks_t = tuple(blocks)
    groups = tuple(Group(g["key"], tuple(g["labels"])) for g in raw["group"] if _for(g.get("templates"), name))
    keys = tuple(c["key"] for c in cells_table() if name in c["templates"].split(","))
    generated = {k for b in blocks_t for k in b.keys}
    if generated != set(keys):
        raise ValueError(f"template.toml and cells.tsv disagree for {name}: "
                         f"{sorted(generated ^ set(keys))[:10]}")
    column_of = {b.key(r, c): c for b in blocks_t for r in b.rows for c in b.cols}
    return Template(name, blocks_t, groups, keys, _rules(name, blocks_t),
                    tuple(raw["markers"][name]), column_of)


@lru_cache(maxsize=1)
def sections() -> tuple[Section, ...]:
    return tuple(Section(s["n"], s["title"], tuple(s["variants"])) for s in _raw()["section"])


SECTION_NUMERALS = "一二三四五六"
ACTIVE_NUMERALS = ("一", "五", "六", "八", "九")
