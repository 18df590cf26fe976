"""Synthetic corpus of badly flattened 政府信息公开工作年度报告, with exact spans and gold records.

The tagger is trained on this corpus only, so it imitates the *kinds* of layout and damage real scrapes
show (see ``../shared/seeds`` and ``../shared/real``) with its own prose, agencies and numbers.

A document = page chrome (optional) + title + preamble + sections 一…六 (the three tables in 二, 三, 四)
+ signature, drawn for one template ("2019" or "2021"), rendered by one layout (see ``synth_layouts``),
with 0–4 damage kinds (``DAMAGE``). Spans follow ``data/README.md``; the gold follows the spec's gold
format and is derived from the same pieces as the text, so the two cannot disagree.

Held out for the test split (never drawn for train or validation):

- one (layout, damage pair) per layout, ``HELD_OUT``:
  lines + {missing_heading, signed_change}, pipe + {traditional, blank_cells},
  tabs + {lost_row_labels, collapsed_dates}, glued + {traditional, lost_headers},
  pdf_columns + {blank_cells, heading_numeral_lost}, markdown + {digit_split, lost_row_labels};
- the ``large`` value profile: many 4–6 digit counts in the requests and review tables, 9–11 integer-digit
  amounts (train and validation use ``zero`` and ``typical``: requests up to a few hundred, amounts up to
  8 integer digits).

Every test document carries a held-out pair, the ``large`` profile, or both.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from nianbao.infer.checks import failing_rule_ids
from nianbao.spans import LABELS, Span
from nianbao.template import SECTION_NUMERALS, Template, get_template, sections

from .synth_doc import Assembled, Seg, anchor, assemble, to_traditional
from .synth_layouts import LAYOUTS, DocBlock, make_layout
from .synth_prose import (SUBHEAD_STYLES, ProseContext, chrome_segs, collapsed_sentence, general_section,
                          make_agency, other_section, preamble, problems_section, signature_segs, table_note,
                          title_segs)
from .synth_tables import (LabelStyle, Table, blank_cells, build_tables, damage_headers, lose_row_labels,
                           split_digits)
from .synth_values import (AMOUNT_STYLES, draw_values, digits_split, format_amount, format_change, parse_cell,
                           perturb, undetermined_cells)

DAMAGE: tuple[str, ...] = (
    "digit_split",  # 1 0 = 10 inside a cell
    "blank_cells",  # empty value cells (gold null)
    "lost_row_labels",  # 规章 missing; values stay in place
    "lost_headers",  # header cells lost or truncated (本年新)
    "heading_numeral_lost",  # 、存在问题及改进情况
    "missing_heading",  # a table section without its heading
    "misnumbered_subheading",  # 三、下一步工作打算 inside 五
    "subheading_numeral_lost",  # 是完善公开制度 (一是 lost its 一)
    "traditional",  # the whole document in traditional characters
    "signed_change",  # 本年增/减 as 减37, 增52, +52
    "collapsed_dates",  # 202048, 2021129, 20208月
    "page_chrome",  # breadcrumbs, 发布时间, 标题:/发布机构: fields before the title
    "late_2019_layout",  # a 2021+ report on the 2019 template
    "variant_labels",  # 其他对外管理服务项目, 危机“三安全以稳定”, 钩稽关系 …
    "inconsistent",  # one cell breaks a reconciliation rule
)
# Damage a layout cannot show without making the text ambiguous beyond what real scrapes do.
INCOMPATIBLE: dict[str, set[str]] = {"glued": {"digit_split", "blank_cells"}}
# Damage drawn by the corpus sampler separately (not as one of the 0–4 kinds).
SEPARATE = {"late_2019_layout", "inconsistent"}

HELD_OUT: dict[str, frozenset[str]] = {
    "lines": frozenset({"missing_heading", "signed_change"}),
    "pipe": frozenset({"traditional", "blank_cells"}),
    "tabs": frozenset({"lost_row_labels", "collapsed_dates"}),
    "glued": frozenset({"traditional", "lost_headers"}),
    "pdf_columns": frozenset({"blank_cells", "heading_numeral_lost"}),
    "markdown": frozenset({"digit_split", "lost_row_labels"}),
}
TRAIN_PROFILES = {"zero": 0.3, "typical": 0.7}
LAYOUT_WEIGHTS = {"lines": 15, "pipe": 20, "tabs": 15, "glued": 20, "pdf_columns": 15, "markdown": 15}
DAMAGE_COUNT_WEIGHTS = [15, 30, 30, 15, 10]  # 0, 1, 2, 3, 4 kinds
INCONSISTENT_SHARE = 0.1
# The cells of a printed row with a glued run are lenient only where the row's text (with the rules whose
# other cells are known) does not determine them — as the hand-checked gold does (``690000069`` =
# 69,0,0,0,0,0,69 is not lenient; ``2433`` over three cells is; so is ``47`` after ``4747``, which may be
# the glued one). False: every key of every multi-cell run is lenient.
LENIENT_ONLY_AMBIGUOUS = True
LATE_2019_SHARE = 0.06  # of 2021+ reports


@dataclass
class SynthDoc:
    text: str
    spans: list[Span]
    gold: dict
    # extra, for tests and debugging: key -> (start, end) of the VALUE span holding only that cell
    cell_spans: dict[str, tuple[int, int]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------------
# One document


def generate_document(rng: random.Random, template: str, layout: str, damage: frozenset[str],
                      values: str = "typical") -> SynthDoc:
    """A synthetic report for ``template`` rendered by ``layout`` with ``damage``, with spans and gold.

    ``traditional`` draws no random numbers: the same rng state with and without it gives the same
    document, in simplified and in traditional characters.
    """
    tpl = get_template(template)
    late = "late_2019_layout" in damage
    year = rng.randint(2021, 2025) if template == "2021" or late else rng.randint(2019, 2020)
    ctx = ProseContext(rng, make_agency(rng), year,
                       date_style=_date_style(rng, layout), collapse_dates="collapsed_dates" in damage)

    raw = draw_values(rng, tpl, values)
    if "inconsistent" in damage:
        perturb(rng, tpl, raw)
    texts = _print_values(rng, tpl, raw, damage)
    style = LabelStyle(halfwidth=rng.random() < 0.4, digit_sep=rng.choice([".", ".", "、", "．"]),
                       space_after_number=layout == "tabs" and rng.random() < 0.7,
                       variants="variant_labels" in damage, markers=tpl.markers)
    tables = build_tables(rng, tpl, texts, style, pad_short=rng.random() < (0.6 if layout != "glued" else 0))
    _damage_tables(rng, tpl, tables, damage)

    blocks = _compose(rng, ctx, tables, damage)
    segs = make_layout(layout, rng).render(blocks)
    asm = assemble(segs)
    text = to_traditional(asm.text) if "traditional" in damage else asm.text
    gold = _gold(tpl, asm, text, tables, year)
    cell_spans = {s[2][0]: (s[0], s[1]) for s in asm.value_spans if len(s[2]) == 1}
    return SynthDoc(text, asm.spans, gold, cell_spans)


def _date_style(rng: random.Random, layout: str) -> str:
    if layout in ("tabs", "pdf_columns") and rng.random() < 0.6:
        return "cn_sp"
    return rng.choices(["cn", "cn_pad"], weights=[9, 1])[0]


def _print_values(rng: random.Random, tpl: Template, raw: dict, damage: frozenset[str]) -> dict[str, str]:
    """The printed text of every cell."""
    change_style = rng.choice(["words", "words", "plus"]) if "signed_change" in damage else "plain"
    amount_style = rng.choice(AMOUNT_STYLES)
    fee_style = rng.choice(["bare", "bare", "bare", "wan_yuan"])
    out = {}
    for block in tpl.blocks:
        for row in block.rows:
            for col in block.cols:
                key = block.key(row, col)
                if col.kind == "change":
                    out[key] = format_change(raw[key], change_style)
                elif col.kind == "amount":
                    out[key] = format_amount(raw[key], block.id, fee_style if col.unit else amount_style, rng)
                else:
                    out[key] = str(raw[key])
    return out


def _damage_tables(rng: random.Random, tpl: Template, tables: list[Table], damage: frozenset[str]) -> None:
    if "lost_row_labels" in damage:
        lose_row_labels(rng, tables)
    if "lost_headers" in damage:
        damage_headers(rng, tables)
    if "blank_cells" in damage:
        blank_cells(rng, tables)
    if "digit_split" in damage:
        split_digits(rng, tables, digits_split)


# --------------------------------------------------------------------------------------------------------
# Composition: chrome, title, preamble, six sections, signature


def _section_heading(rng: random.Random, n: int, lost_numeral: bool) -> str:
    sec = sections()[n - 1]
    variant = sec.variants[0] if rng.random() < 0.7 else rng.choice(sec.variants)
    if lost_numeral:
        return ("、" if rng.random() < 0.7 else "") + variant
    punct = rng.choices(["、", "．", ".", " 、"], weights=[90, 3, 3, 4])[0]
    return SECTION_NUMERALS[n - 1] + punct + variant


def _compose(rng: random.Random, ctx: ProseContext, tables: list[Table], damage: frozenset[str]) -> list[DocBlock]:
    blocks: list[DocBlock] = []
    has_title = rng.random() < 0.85
    title = title_segs(ctx, two_lines=rng.random() < 0.2)
    if "page_chrome" in damage:
        for line in chrome_segs(ctx, title, with_agency_field=rng.random() < 0.5):
            blocks.append(DocBlock("chrome", line))
    if has_title:
        blocks.append(DocBlock("title", title))
    if rng.random() < 0.8:
        blocks += [DocBlock("para", p) for p in preamble(ctx)]

    missing = rng.choice([2, 2, 3, 4]) if "missing_heading" in damage else None
    lost = ({rng.choice([n for n in range(1, 7) if n != missing])} if "heading_numeral_lost" in damage else set())
    style = rng.choice(SUBHEAD_STYLES[:-1] if "subheading_numeral_lost" in damage else SUBHEAD_STYLES)
    lose_sub = set(rng.sample(range(4), rng.randint(1, 2))) if "subheading_numeral_lost" in damage else set()
    by_table = {"active": [t for t in tables if t.table == "active"],
                "requests": [t for t in tables if t.table == "requests"],
                "review": [t for t in tables if t.table == "review"]}

    bodies: dict[int, list[DocBlock]] = {
        1: [DocBlock("para", p) for p in general_section(ctx, style, lose_sub)],
        2: [DocBlock("table", table=t) for t in by_table["active"]],
        3: [DocBlock("table", table=t) for t in by_table["requests"]],
        4: [DocBlock("table", table=t) for t in by_table["review"]],
        5: [DocBlock("para", p) for p in problems_section(ctx, style, "misnumbered_subheading" in damage)],
        6: [DocBlock("para", p) for p in other_section(ctx)],
    }
    for n in (2, 3, 4):  # a note after the table now and then (only prose *after*: the table starts the body)
        if rng.random() < 0.25:
            bodies[n] += [DocBlock("para", p) for p in table_note(ctx, n)]

    signature = signature_segs(ctx, collapse="collapsed_dates" in damage) if rng.random() < 0.7 else None
    if ctx.collapse_dates and ctx.collapsed_made == 0:  # the damage asked for one: end section 一 with it
        bodies[1][-1] = DocBlock("para", bodies[1][-1].segs + collapsed_sentence(ctx))

    for n in range(1, 7):
        if n != missing:
            text = _section_heading(rng, n, n in lost)
            blocks.append(DocBlock("heading", [Seg(text, "SECTION", (), {"section": n})]))
        blocks.append(DocBlock("anchor", [anchor(n)]))
        blocks += bodies[n]
    if signature:
        blocks.append(DocBlock("signature", signature))
    if rng.random() < 0.1:
        blocks.append(DocBlock("para", [Seg(rng.choice(["附件下载", "【打印本页】【关闭窗口】", "扫一扫在手机打开当前页"]))]))
    return blocks


# --------------------------------------------------------------------------------------------------------
# Gold


def _gold(tpl: Template, asm: Assembled, text: str, tables: list[Table], year: int) -> dict:
    """The gold record, read off the assembled pieces (offsets) and the final text."""
    cells: dict[str, object] = {k: None for k in tpl.keys}
    units: dict[str, str] = {}
    for t in tables:
        for c in t.cells("value"):
            value, unit = parse_cell(c.text)
            key = c.keys[0]
            cells[key] = value
            header = t.unit_headers.get(key)
            if unit:
                units[key] = unit
            elif header is not None and header.kind == "col":  # the column's header states the unit
                units[key] = tpl.column_of[key].unit
    known = {k: v for (s, e, keys) in asm.value_spans if len(keys) == 1 for k in keys
             if (v := cells[k]) is not None}
    lenient: list[str] = []
    printed_rows: dict[str, list[tuple[str, tuple[str, ...]]]] = {}  # a review table prints one row
    for s, e, keys in asm.value_spans:
        row = "review" if keys[0].startswith("review/") else keys[0].rsplit("/", 1)[0]
        printed_rows.setdefault(row, []).append((asm.text[s:e], tuple(keys)))
    for runs in printed_rows.values():
        if not any(len(keys) > 1 for _, keys in runs):
            continue
        if LENIENT_ONLY_AMBIGUOUS:
            row_keys = {k for _, keys in runs for k in keys}
            outside = {k: v for k, v in known.items() if k not in row_keys}
            lenient += undetermined_cells(runs, cells, tpl, outside)
        else:
            lenient += [k for _, keys in runs if len(keys) > 1 for k in keys]
    secs = []
    for n in range(1, 7):
        if n in asm.sections:
            s, e = asm.sections[n]
            secs.append({"n": n, "start": s, "heading": text[s:e]})
        else:
            secs.append({"n": n, "start": asm.anchors[n], "heading": None})
    dates = [{"text": text[s:e], "start": s, "value": v} for s, e, v in sorted(asm.dates)]
    agency = None
    for where in ("signature", "field"):
        hit = next(((s, e) for s, e, w in asm.agencies if w == where), None)
        if hit and agency is None:
            agency = text[hit[0]:hit[1]]
    if agency is None and asm.titles:
        s, _, k = asm.titles[-1]
        agency = text[s:s + k]
    stated = bool(asm.titles or any(w == "signature" for _, _, w in asm.agencies))
    return {
        "doc": None,
        "template": tpl.name,
        "meta": {"agency": agency if stated or agency else None, "year": year if stated else None},
        "cells": cells,
        "units": dict(sorted(units.items())),
        "lenient": [k for k in tpl.keys if k in set(lenient)],
        "sections": secs,
        "dates": dates,
        "failing_checks": failing_rule_ids(cells, tpl.name),
    }


# --------------------------------------------------------------------------------------------------------
# Corpus


def _compatible(layout: str) -> list[str]:
    return [d for d in DAMAGE if d not in SEPARATE and d not in INCOMPATIBLE.get(layout, set())]


def _holds_out(layout: str, damage: frozenset[str]) -> bool:
    return HELD_OUT[layout] <= damage


def _draw_spec(rng: random.Random, split: str) -> tuple[str, str, frozenset[str], str]:
    """(template, layout, damage, value profile) of one document of ``split``."""
    template = "2019" if rng.random() < 2 / 3 else "2021"
    extra: set[str] = set()
    if template == "2021" and rng.random() < LATE_2019_SHARE:
        template, extra = "2019", {"late_2019_layout"}
    if rng.random() < INCONSISTENT_SHARE:
        extra.add("inconsistent")
    layout = rng.choices(list(LAYOUT_WEIGHTS), weights=list(LAYOUT_WEIGHTS.values()))[0]
    pool = _compatible(layout)
    if split == "test":
        held = rng.random() < 0.7
        damage = set(HELD_OUT[layout]) if held else set()
        others = [d for d in pool if d not in damage]
        damage |= set(rng.sample(others, rng.choice([0, 1, 1, 2])))
        profile = "large" if not held or rng.random() < 0.5 else rng.choice(list(TRAIN_PROFILES))
        return template, layout, frozenset(damage | extra), profile
    while True:
        k = rng.choices(range(len(DAMAGE_COUNT_WEIGHTS)), weights=DAMAGE_COUNT_WEIGHTS)[0]
        damage = frozenset(rng.sample(pool, k)) | extra
        if not _holds_out(layout, damage):
            break
    profile = rng.choices(list(TRAIN_PROFILES), weights=list(TRAIN_PROFILES.values()))[0]
    return template, layout, damage, profile


def _record(doc_id: str, spec: tuple[str, str, frozenset[str], str], doc: SynthDoc) -> dict:
    template, layout, damage, profile = spec
    gold = dict(doc.gold, doc=f"{doc_id}.txt")
    return {
        "id": doc_id,
        "text": doc.text,
        "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in sorted(doc.spans)],
        "gold": json.dumps(gold, ensure_ascii=False),
        "template": template,
        "layout": layout,
        "damage": sorted(damage),
        "values": profile,
    }


def generate_corpus(n: int, seed: int = 13, test_share: float = 0.15, validation_share: float = 0.05):
    """``n`` synthetic documents split into train / validation / test (a ``datasets.DatasetDict``).

    Columns: ``id``, ``text``, ``spans`` ({start, end, label}, sorted), ``gold`` (JSON of the gold file),
    ``template``, ``layout``, ``damage`` (sorted kinds), and ``values`` (the value profile: zero, typical,
    large). Same arguments, same corpus: every document has its own rng seeded from one master rng.
    """
    import datasets

    n_test = round(n * test_share)
    n_val = round(n * validation_share)
    plan = [("train", n - n_test - n_val), ("validation", n_val), ("test", n_test)]
    master = random.Random(seed)
    features = datasets.Features({
        "id": datasets.Value("string"), "text": datasets.Value("string"),
        "spans": [{"start": datasets.Value("int32"), "end": datasets.Value("int32"), "label": datasets.Value("string")}],
        "gold": datasets.Value("string"), "template": datasets.Value("string"), "layout": datasets.Value("string"),
        "damage": [datasets.Value("string")], "values": datasets.Value("string"),
    })
    splits = {}
    i = 0
    for split, count in plan:
        rows = []
        for _ in range(count):
            rng = random.Random(master.getrandbits(64))
            spec = _draw_spec(rng, split)
            doc = generate_document(rng, *spec[:3], values=spec[3])
            rows.append(_record(f"synth-{i:06d}", spec, doc))
            i += 1
        columns = {name: [r[name] for r in rows] for name in features}
        splits[split] = datasets.Dataset.from_dict(columns, features=features)
    return datasets.DatasetDict(splits)


assert set(LAYOUTS) == set(LAYOUT_WEIGHTS) == set(HELD_OUT)
assert all(lab in LABELS for lab in ("SECTION", "TABLE_TITLE", "COL_HEADER", "ROW_LABEL", "VALUE", "DATE", "TITLE",
                                     "AGENCY"))
