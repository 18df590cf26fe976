"""Rebuild the template's tables from spans: which table each span belongs to, which row each value
group fills, and how a row's value spans spread over its cells.

Pure functions. Two ways to read a table, tried in this order:

* **label-anchored** — values belong to the row label before them (or, when a block prints its values
  before its labels, after them); values where labels were lost fill the unlabelled rows by position;
* **grid** — when the labels are scattered (PDF text where a column of cells comes out as one block), but
  the number of values is exactly rows × columns, the values are laid out in template order, reading
  blocks of equal-sized groups as columns.

A glued row its own identity leaves ambiguous is then settled, if it can be, by the template's other
rules (column balances and result sums); what stays undecided is null with a flag.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from nianbao.record import Flag, Tables
from nianbao.spans import Span
from nianbao.template import Block, Template, fold, get_template, strip_numbering

from .checks import check_rule
from .labels import RowMatch, header_table, match_row, template_votes, title_block
from .values import (BLANK_CELL, LEADING_ZERO, Number, RowSolution, count_fillings, is_value_text, parse_value,
                     search_fillings, split_row)


@dataclass
class Region:
    """The spans of one printed table (a 主动公开 block, the requests table or the review table)."""

    block: Block
    labels: list[tuple[Span, RowMatch]] = field(default_factory=list)
    values: list[Span] = field(default_factory=list)
    items: list[tuple[Span, RowMatch | None]] = field(default_factory=list)  # labels and values in order
    anchor: int | None = None  # where the table starts (title, first header or label)
    header_end: int | None = None  # end of the last column header before the first value
    headers: list[Span] = field(default_factory=list)  # the block's column headers, in order


TABLE_SECTION = {2: "active", 3: "requests", 4: "review"}


def detect_template(text: str, spans: list[Span]) -> str | None:
    """"2019" or "2021" from the table headers, titles and row labels (the printed year does not decide)."""
    texts = [s.text(text) for s in spans if s.label in ("COL_HEADER", "ROW_LABEL", "TABLE_TITLE")]
    if not texts:
        return None
    votes = template_votes(texts)
    if votes["2019"] == votes["2021"]:
        if votes["2019"] == 0:
            # No marker survived: the template whose row labels match more texts.
            counts = {n: sum(1 for t in texts if match_row(t, get_template(n)) is not None) for n in votes}
            if counts["2019"] == counts["2021"] == 0:
                return None
            return max(counts, key=lambda n: (counts[n], n == "2019"))
        return None
    return max(votes, key=votes.get)  # type: ignore[arg-type]


def split_regions(text: str, spans: list[Span], template: Template,
                  section_starts: dict[int, int]) -> dict[str, Region]:
    """Assign every table span to a block, walking the text in order.

    A section heading, a table title, a row label or a header that names its table moves the walk into
    that table; values go to the table (and 主动公开 block) the walk is in.
    """
    boundaries = sorted((pos, n) for n, pos in section_starts.items())
    regions: dict[str, Region] = {b.id: Region(b) for b in template.blocks}
    active_ids = [b.id for b in template.blocks_of("active")]
    table: str | None = None
    block_id: str | None = None
    bi = 0
    last_end = 0
    # Where each 主动公开 block's title stands: a row label of that block before it is prose about the
    # table (…土地出让类39条，行政处罚类15条), not the row.
    titled_at: dict[str, int] = {}
    spans, wrapped_matches = _join_wrapped_labels(text, sorted(spans), template)
    for span in spans:
        if span.label == "TABLE_TITLE" and (bid := title_block(span.text(text))) in regions:
            titled_at.setdefault(bid, span.start)
    for span in spans:
        while bi < len(boundaries) and boundaries[bi][0] <= span.start:
            table = TABLE_SECTION.get(boundaries[bi][1])
            block_id = {"requests": "requests", "review": "review"}.get(table or "", None)
            bi += 1
        t = span.text(text)
        if span.label == "TABLE_TITLE":
            bid = title_block(t)
            if bid not in regions:  # numeral lost: the block after the current one
                bid = _next_active(active_ids, block_id)
            table, block_id = "active", bid
            _start(regions, block_id, span)
        elif span.label == "ROW_LABEL":
            m = wrapped_matches.get(span) or match_row(t, template)
            if m is not None and titled_at.get(m.block, -1) > span.start:
                continue
            if m is None and block_id:
                m = _numbered_sub_row(t, regions[block_id])
            if m is None:
                if block_id:
                    r = regions[block_id]
                    prev = r.items[-1] if r.items else None
                    if prev is not None and prev[1] is not None and prev[0].label == "ROW_LABEL" \
                            and not text[prev[0].end:span.start].strip() and strip_numbering(fold(t)) == fold(t):
                        # the rest of a label wrapped over lines (一、本年新收政府信息公开申\n请数量): the
                        # label ends where its last line does
                        whole = Span(prev[0].start, span.end, "ROW_LABEL", prev[0].score)
                        r.items[-1] = (whole, prev[1])
                        r.labels = [(whole, lm) if ls == prev[0] else (ls, lm) for ls, lm in r.labels]
                        continue
                    r.items.append((span, None))
                continue
            table, block_id = m.table, m.block
            _start(regions, block_id, span)
            regions[block_id].labels.append((span, m))
            regions[block_id].items.append((span, m))
        elif span.label == "COL_HEADER":
            which = header_table(t, template)
            if which in ("requests", "review") and table != which:
                table, block_id = which, which
            elif which == "active" and table != "active":
                table, block_id = "active", block_id if block_id in active_ids else active_ids[0]
            if block_id:
                _start(regions, block_id, span)
                r = regions[block_id]
                r.headers.append(span)
                if not r.values:
                    r.header_end = span.end
        elif span.label == "VALUE" and block_id is not None:
            if _PROSE.search(text[last_end:span.start]) or not is_value_text(t) or is_page_marker(text, span):
                continue  # a number in prose after the table, no number at all, or a page number
            regions[block_id].values.append(span)
            regions[block_id].items.append((span, None))
        last_end = span.end
    return regions


def _join_wrapped_labels(text: str, spans: list[Span], template: Template) -> tuple[list[Span], dict[Span, RowMatch]]:
    """Row labels wrapped over two lines and drawn as two spans (``2．其他法`` / ``律行政法规禁止公开``),
    where the joined label names a row clearly better than either piece does (the first piece alone can
    name another row: ``2．其他法`` reads as ``3．其他``). Two whole labels on consecutive lines match
    worse joined than apart, so they stay two.

    Pieces with nothing between them become one span. Pieces with the row's values between them (a
    table printed with the values after the label's first line, ``2．其他法\t0\t0…`` then
    ``律行政法规禁止公开`` alone on the next line, no values after it) stay apart and both get the
    joined label's row: the returned matches, by span."""
    out: list[Span] = []
    matches: dict[Span, RowMatch] = {}
    last_label: int | None = None  # index in out of the last row label, while only values follow it
    for i, span in enumerate(spans):
        if span.label == "VALUE":
            out.append(span)
            continue
        prev = out[last_label] if last_label is not None else None
        if prev is not None and span.label == "ROW_LABEL":
            between = [x for x in out[last_label + 1:]]
            gap = text[prev.end:span.start]
            rest = text[span.end:text.find("\n", span.end) if "\n" in text[span.end:] else len(text)]
            bare = gap
            for x in reversed(between):  # the gap without the values in it
                bare = bare[:x.start - prev.end] + bare[x.end - prev.end:]
            own_values = i + 1 < len(spans) and spans[i + 1].label == "VALUE"
            wrapped = not bare.strip(" \t\r\n\u3000\xa0|") and (
                (not between and gap.count("\n") <= 1) or
                (between and not own_values and "\n" in text[between[-1].end:span.start]
                 and not rest.strip(" \t\r\u3000\xa0|")))
            if wrapped:
                joined = match_row(prev.text(text) + span.text(text), template)
                pieces = [match_row(x.text(text), template) for x in (prev, span)]
                if joined is not None and joined.score >= 0.95 and \
                        all(m is None or m.score < joined.score for m in pieces):
                    if not between:
                        scores = [x.score for x in (prev, span) if x.score is not None]
                        out[last_label] = Span(prev.start, span.end, "ROW_LABEL", min(scores) if scores else None)
                        matches.pop(prev, None)
                        matches[out[last_label]] = joined
                        continue
                    matches[prev] = matches[span] = joined
        out.append(span)
        last_label = len(out) - 1 if span.label == "ROW_LABEL" else None
    return out, matches


_SUB_ROW_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.、．]")


def _numbered_sub_row(label: str, region: Region) -> RowMatch | None:
    """The row a label too cut to match names by its number alone (``1.属于`` | ``国家秘密`` on the next
    line): the n-th sub-row of the heading row it stands under, the last matched label's group."""
    m = _SUB_ROW_NUMBER.match(label)
    last = next((lm for _, lm in reversed(region.labels)), None)
    if m is None or last is None:
        return None
    rows = {r.key: r for r in region.block.rows}
    group = last.group if last.row is None else (rows[last.row].parent if last.row in rows else None)
    children = [r.key for r in region.block.rows if group is not None and r.parent == group]
    n = int(m.group(1))
    if not 1 <= n <= len(children):
        return None
    return RowMatch(last.table, last.block, children[n - 1], score=0.5)


_PAGE_MARKER = re.compile(r"[-—–－_]+\s*\d{1,3}\s*[-—–－_]+|第\s*\d{1,3}\s*[页頁](?:\s*[/，,]?\s*共\s*\d{1,3}\s*[页頁])?"
                          r"|\d{1,3}\s*/\s*\d{1,3}|[Pp]age\s*\d{1,3}")


def is_page_marker(text: str, span: Span) -> bool:
    """A number that is a page footer or header standing on its own line (``-3-``, ``— 5 —``, ``第2页``)."""
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    return is_page_marker_line(text[line_start:line_end if line_end >= 0 else len(text)])


def is_page_marker_line(line: str) -> bool:
    """A line that is a page footer or header and nothing else."""
    return bool(_PAGE_MARKER.fullmatch(line.strip().strip("\x0c")))


# A stretch of running text (40+ CJK characters with no span) between a table and a number: the number
# is in prose, whatever the tagger thought.
_PROSE = re.compile(r"[\u4e00-\u9fff，。；、“”（）]{40,}")


def _start(regions: dict[str, Region], block_id: str, span: Span) -> None:
    r = regions[block_id]
    if r.anchor is None:
        r.anchor = span.start


def _next_active(active_ids: list[str], current: str | None) -> str:
    if current in active_ids:
        i = active_ids.index(current)  # type: ignore[arg-type]
        return active_ids[min(i + 1, len(active_ids) - 1)]
    return active_ids[0]


# --------------------------------------------------------------------------------------------------------
# Rows of a region


@dataclass
class Segment:
    row: str | None  # None: values before any label, or after a heading row that has no leaf rows here
    label_end: int | None
    values: list[Span] = field(default_factory=list)


def segments(region: Region) -> list[Segment]:
    """Cut the region into runs of values, each after the row label that precedes it."""
    segs = [Segment(None, region.header_end)]
    for span, m in region.items:
        if span.label == "VALUE":
            segs[-1].values.append(span)
        elif m is not None:
            key = m.row if m.row is not None else f"group:{m.group}"
            if key == segs[-1].row:  # a fragment of the same label (broken over lines)
                continue
            segs.append(Segment(key, span.end))
    return segs


def identity_groups(block: Block) -> list[int]:
    """Runs of a printed row whose last cell is the sum of the others (see ``values.split_row``)."""
    if block.table == "requests":
        return [len(block.cols)]  # 总计 = the six applicant columns
    if block.table == "review":  # printed as one row: three groups of (upheld, corrected, other, pending, total)
        return [len(block.cols)] * len(block.rows)
    return []


def signed_columns(block: Block) -> list[bool]:
    """Per printed cell of a row: may it hold a signed number (本年增/减)? (A review "row" is all three.)"""
    signed = [c.kind == "change" for c in block.cols]
    return signed * len(block.rows) if block.table == "review" else signed


def delimited_columns(text: str, anchor_end: int | None, values: list[Span], ncols: int,
                      drifted: list[Span] = (), rhythm: int | None = None,  # type: ignore[assignment]
                      nbsp_blank: bool = False, label_cell: bool = False) -> list[int] | None:
    """Column index of each value from the delimiters around it, for tab- and pipe-delimited rows.

    Blank cells leave an extra delimiter (``\\t\\t``, or a line holding only ``|``). ``drifted``: header
    cells printed among the values (PDF text), each standing on a line of its own like a cell.
    ``label_cell``: the table's rows start with a label cell (not the review table's), so a tab row
    starting its line with a tab holds the (empty) label cell first. Returns
    None when the row shows no such delimiters or they do not fit the row. A label printed after its
    values (PDF text) is no anchor: the blank space before the first value is the gap then.
    """
    if anchor_end is None or not values:
        return None
    if anchor_end > values[0].start:
        anchor_end = len(text[:values[0].start].rstrip(" \t\u3000\xa0\r\n"))
    bounds = [(anchor_end, values[0].start)] + [(a.end, b.start) for a, b in zip(values, values[1:])]
    gaps, drifted_lines = [], []
    for a, z in bounds:
        inside = [d for d in drifted if a <= d.start and d.end <= z]
        gap = text[a:z]
        for d in sorted(inside, key=lambda d: -d.start):
            gap = gap[:d.start - a] + gap[d.end - a:]
        gaps.append(gap)
        drifted_lines.append(len(inside))
    trailing = re.match(r"[ \xa0\u3000]*", text[values[-1].end:]).group(0)  # type: ignore[union-attr]
    if not any(c in g for g in gaps for c in "\t|\n") and any(_space_blanks(g) for g in gaps + [trailing]):
        cols = _space_columns(gaps, ncols)
        after = _space_blanks(trailing)
        # blanks printed after the last value must end the row exactly, or they are no cells
        return cols if cols is not None and (not after or cols[-1] + 1 + after == ncols) else None
    if not any("\t" in g or "|" in g for g in gaps):
        return line_columns(gaps, ncols, drifted_lines, rhythm, nbsp_blank)
    cols, col = [], -1
    for i, gap in enumerate(gaps):
        if "|" in gap and "\n" not in gap:  # a markdown row: ``| 行政许可 |  | 0 |``, a blank per extra |
            step = gap.count("|")
        elif "|" in gap and i == 0 and gap[gap.rfind("\n") + 1:].lstrip().startswith("|"):
            step = gap[gap.rfind("\n") + 1:].count("|")  # the row's values start a markdown line
        elif "|" in gap:
            blanks = sum(1 for line in gap.split("\n")[1:-1] if line.strip() == "|")
            step = 1 + blanks
        elif i == 0 and "\n" in gap:
            # the row starts a line: its first cell has no delimiter before it, except that a row of a
            # table with a label column whose label was lost starts with that empty cell (``\t68\t\t``)
            tabs = gap[gap.rfind("\n") + 1:].count("\t")
            step = max(tabs, 1) if label_cell else tabs + 1
        else:
            step = max(gap.count("\t"), 1)
        col += step
        cols.append(col)
    if cols[-1] >= ncols:
        return None
    return cols


def markdown_columns(text: str, values: list[Span], ncols: int) -> list[int] | None:
    """Column index of each value of a row printed as one markdown line (``| 标签 |  | 831 | 100 |  | 0 |  |``):
    the row's value cells are the line's last ``ncols`` cells, whatever the label cells before them (one
    to three, some lost). None unless all values sit on one line of at least ``ncols`` cells, one per cell."""
    if not values:
        return None
    start = text.rfind("\n", 0, values[0].start) + 1
    end = text.find("\n", values[-1].end)
    end = len(text) if end < 0 else end
    if "\n" in text[values[0].start:values[-1].end]:
        return None
    line = text[start:end]
    bars = [start + i for i, c in enumerate(line) if c == "|"]
    if line.rstrip().endswith("|") and (line.lstrip().startswith("|") or line.endswith("|")):
        bars = bars[:-1]  # the closing bar: no cell after it (a line without an opening bar whose last bar
        # has spaces after it, as html2text prints rows: ``予以公开| 258| 12|  |  | 1| 1|  ``, has none:
        # its last cell is blank)
    # cell k of the line begins after bars[k-1] (the first cell at the line start); value cells are the last ncols
    if len(bars) < ncols:
        return None
    cell_starts = bars[-ncols:]
    cols = [bisect.bisect_right(cell_starts, v.start) - 1 for v in values]
    if cols[0] < 0 or len(set(cols)) != len(cols):
        return None
    return cols


_MD_LAST_VALUE = re.compile(r"\|[ \t\u3000\xa0]*[+\-]?\d[\d.,]*(?:万元|万|元)?[ \t\u3000\xa0]*\|?[ \t]*$")


def _markdown_rows_end_in_values(text: str, line_start: int) -> bool:
    """Does some line of the markdown table around ``line_start`` (its run of lines holding ``|``, up to
    40 each way) hold a number in its last cell?"""
    before = text[:line_start].split("\n")[-41:-1]
    after = text[line_start:].split("\n", 41)[:41]
    table = []
    for line in reversed(before):
        if "|" not in line:
            break
        table.append(line)
    for line in after:
        if "|" not in line:
            break
        table.append(line)
    return any(_MD_LAST_VALUE.search(line) for line in table)


def _space_blanks(gap: str) -> int:
    """Blank cells in a gap of a space-separated row: tokens of no-break or ideographic spaces between
    plain spaces (HTML ``<td>&nbsp;</td>`` flattened with spaces: ``35 \\xa0 \\xa0 2``). Padding glued to a
    number (`` \\xa0\\xa035``) is no token between spaces, so it is no blank."""
    return sum(1 for token in gap.split(" ")[1:-1] if token and not token.strip("\xa0\u3000"))


def _space_columns(gaps: list[str], ncols: int) -> list[int] | None:
    """Column index of each value of a space-separated row whose blank cells print as no-break spaces
    (``gaps[0]`` follows the row label); None when they do not fit the row."""
    cols, col = [], -1
    for gap in gaps:
        col += 1 + _space_blanks(gap)
        cols.append(col)
    return cols if cols[-1] < ncols else None


def _empty_lines(gap: str, nbsp_blank: bool = False) -> int:
    # by default only a truly empty line marks a blank cell: a line of no-break or ideographic spaces is
    # the filler some HTML scrapes print between cells (``118\n\xa0\n0``), while an empty cell prints a
    # bare line break; ``nbsp_blank``: such a line is a blank cell too (``<td>&nbsp;</td>``; see
    # :func:`_one_cell_per_line_columns`)
    blank = " \t\r\xa0\u3000" if nbsp_blank else " \t\r"
    return sum(1 for line in gap.split("\n")[1:-1] if not line.strip(blank))


def _only_line_breaks(gap: str) -> bool:
    """Nothing but whitespace in ``gap``, and page footers on lines of their own."""
    return all(not ln.strip(" \t\u3000\xa0\r\x0c") or is_page_marker_line(ln) for ln in gap.split("\n"))


def line_rhythm(text: str, spans: list[Span]) -> int | None:
    """Empty lines between a printed table's cells, read off consecutive spans (its column headers)
    that stand on lines of their own: the narrowest such gap. None when no two of them do."""
    gaps = [text[a.end:b.start] for a, b in zip(spans, spans[1:])]
    counts = [_empty_lines(g) for g in gaps if "\n" in g and not g.strip(" \t\u3000\xa0\r\n")]
    return min(counts) if counts else None


def line_columns(gaps: list[str], ncols: int, drifted_lines: list[int] | None = None,
                 rhythm: int | None = None, nbsp_blank: bool = False) -> list[int] | None:
    """Column index of each value in a row printed one cell per line (``gaps[0]`` is the gap after the
    row label, the others the gaps between values): a blank cell leaves an extra empty line.

    The row's narrowest gap between values is the rhythm; a wider gap holds blank cells, each either one
    whole rhythm (``0\\n\\n\\n\\n5`` in a ``\\n\\n`` rhythm) or one empty line (``0\\n\\n\\n5``: a
    scraper that prints an empty cell as a bare line break). Trailing blanks are not seen here: values
    that stop short leave the last cells null. ``drifted_lines[i]``: header cells cut out of gap i, each
    of which took one cell's place in the rhythm. ``rhythm``: the table's own (:func:`line_rhythm`),
    trusted over a row with fewer than two gaps between values, which may all hold blanks
    (``0\\n\\n20`` under a ``\\n`` rhythm is 0, blank, 20). ``nbsp_blank``: a line of no-break spaces
    counts as empty (see :func:`_empty_lines`). None unless every gap is whitespace with a line break.
    """
    if len(gaps) < (1 if rhythm is not None else 2) or not all("\n" in g and _only_line_breaks(g) for g in gaps[1:]):
        return None
    if len(gaps) == 1 and "\n" not in gaps[0]:
        return None  # one value on its label's line (a glued run: ``申请数量21710000218``): no line to read
    drifted_lines = drifted_lines or [0] * len(gaps)
    # a page footer between two cells breaks the rhythm there: that gap tells of no blank
    footers = [i > 0 and bool(g.strip(" \t\u3000\xa0\r\n")) for i, g in enumerate(gaps)]
    empty = [_empty_lines(g, nbsp_blank) for g in gaps]
    plain = [e for e, d, f in zip(empty[1:], drifted_lines[1:], footers[1:]) if not d and not f]
    if len(plain) < 2 and rhythm is not None:
        base = min(plain + [rhythm])
    elif plain:
        base = min(plain)
    else:
        return None
    # a drifted header's line, now empty, stood where a cell and one rhythm gap would stand
    empty = [max(e - d * (base + 1), 0) for e, d in zip(empty, drifted_lines)]
    cols, col = [], -1
    for i, e in enumerate(empty):
        if i == 0 and (gaps[0].strip(" \t\u3000\xa0\r\n") or "\n" not in gaps[0]) or footers[i]:
            e = base  # a label and its first value on one line, or something else between: no blank known
        extra = max(e - base, 0)
        blanks = extra // (base + 1) if extra % (base + 1) == 0 else extra
        col += 1 + blanks
        cols.append(col)
        if i == 0:
            leading = blanks
    over = cols[-1] - (ncols - 1)
    if 0 < over <= leading:
        # more empty lines before the first value than blank cells fit: the one that separates the header
        # from the table's first row is among them (总计\n\n\n\n\n\n\n9 over 15 cells, 10 values)
        cols = [c - over for c in cols]
    if cols[-1] >= ncols:
        return None
    return cols


def join_within_cells(text: str, spans: list[Span]) -> list[str] | None:
    """In a row whose cells are delimited (``|``, tab, line break), values separated only by spaces sit in
    one cell: ``1 0 |`` is the cell 10 whatever the tagger cut. None when the row shows no delimiters."""
    merged = merge_within_cells(text, spans)
    return None if merged is None else [s.text(text) for s in merged]


def merge_within_cells(text: str, spans: list[Span]) -> list[Span] | None:
    """The value spans of :func:`join_within_cells`, those in one cell merged into one span (its score
    the lowest of theirs). None when the values show no delimiters, or all are delimited."""
    gaps = [text[a.end:b.start] for a, b in zip(spans, spans[1:])]
    merged_rows = merged_row_lines(text, spans)
    delimited = [any(c in g for c in "|\t\n") or "<br" in g  # <br>: a line break in a cell
                 or text.rfind("\n", 0, a.start) + 1 in merged_rows for g, a in zip(gaps, spans)]
    if not any(delimited) or all(delimited):
        return None
    out = [spans[0]]
    for span, delim in zip(spans[1:], delimited):
        if delim:
            out.append(span)
        else:
            last = out[-1]
            scores = [x for x in (last.score, span.score) if x is not None]
            out[-1] = Span(last.start, span.end, "VALUE", min(scores) if scores else None)
    return out


def spaced_cells(text: str, spans: list[Span], ncols: int) -> list[str] | None:
    """A row printed in one stretch with single spaces between its cells (``3601 71 3836006``) that the
    tagger cut into fewer values than columns: when the stretch holds exactly one number per column, those
    are the cells — a reader takes the spaces as the cell borders, since no delimiter says otherwise and
    none of the numbers could be a spaced-out part of another (``00`` could). None otherwise."""
    stretch = text[spans[0].start:spans[-1].end]
    if any(c in stretch for c in "|\t\n") or "<br" in stretch:
        return None
    tokens = stretch.split()
    if len(tokens) != ncols or len(tokens) == len(spans):
        return None
    for tok in tokens:
        p = parse_value(tok)
        if p is None or p.value is None or (len(tok) > 1 and tok[0] == "0" and tok[1].isdigit()):
            return None
    return tokens


def merged_row_lines(text: str, spans: list[Span]) -> set[int]:
    """Starts of the markdown lines that merge k > 1 rows with spaces: every value cell (three or more)
    holds the same number k of spaced numbers (``| 236 872 79 | 15 1 0 | 0 0 0 | …``). There a space
    separates rows, not the digits of one number (as in ``| 1 58 |`` on a line of single numbers)."""
    by_line: dict[int, set[tuple[int, int]]] = {}
    for v in spans:
        if v.label != "VALUE":
            continue
        start = text.rfind("\n", 0, v.start) + 1
        end = text.find("\n", v.start)
        end = len(text) if end < 0 else end
        a, b = text.rfind("|", start, v.start), text.find("|", v.end, end)
        if a >= 0 and b >= 0:
            by_line.setdefault(start, set()).add((a, b))
    out = set()
    for start, cells in by_line.items():
        counts = {len(re.findall(r"\d+", text[a + 1:b])) if SPACED_NUMBERS.fullmatch(text[a + 1:b].strip(" \u3000\xa0"))
                  else 0 for a, b in cells}
        if text[start:].lstrip(" ").startswith("|") and len(cells) >= 3 and len(counts) == 1 and min(counts) > 1:
            out.add(start)
    return out


SPACED_NUMBERS = re.compile(r"\d+(?:[ \u3000\xa0]+\d+)+")


@dataclass
class RowFill:
    values: list[Number | None]
    units: list[str | None]
    status: str
    spans: list[Span]
    tokens: list[str] | None = None  # what the row was split from, when not the spans' texts (blank cells)
    shared: bool = False  # the spans hold the next rows too (their labels lost): not this row's alone


def fill_row(text: str, block: Block, spans: list[Span], label_end: int | None,
             drifted: list[Span] = (), rhythm: int | None = None) -> RowFill:  # type: ignore[assignment]
    """Spread a row's value spans over the block's columns (a review "row" is all three of its rows);
    ``drifted``: header cells printed among the values; ``rhythm``: the table's line rhythm
    (:func:`line_rhythm`)."""
    ncols = len(block.cols) * (len(block.rows) if block.table == "review" else 1)
    texts = [s.text(text) for s in spans]
    if len(spans) > ncols:
        texts = join_within_cells(text, spans) or texts
        if ncols == 1 and all(set(text[a.end:b.start]) <= {" ", "\u3000", "\xa0"} for a, b in zip(spans, spans[1:])):
            texts = ["".join(texts)]  # one cell to a row: numbers only spaces apart are its digits (9 4)
    units: list[str | None] = [None] * ncols
    if (blanked := _nbsp_glued_reading(text, block, spans, label_end, ncols)) is not None:
        return blanked
    if len(spans) == 1 and ncols > 1 and (identity_groups(block) or LEADING_ZERO.match(texts[0])):
        # one span that holds the whole row glued (``1.申请人…申请\n1000001``): the digits make the row
        # when they split one way only, or one way that adds up, rather than one cell and blanks
        sol = split_row(texts, ncols, identity_groups(block), signed_columns(block))
        if sol.status in ("forced", "solved"):
            return RowFill(sol.values, units, sol.status, spans)
    if len(spans) < ncols:
        line_start = text.rfind("\n", 0, spans[0].start) + 1
        # a markdown line: its value cells are its last ones; so too for a lone value after label cells that
        # a colspan doubled (``| （二）部分公开… | | 3 |  |  |  |  |  |  |``), where the table's rows end in
        # values (not in an empty cell that pads them to the table's width: ``| 收费 |  | -20 |  |``)
        on_md_line = "|" in text[spans[0].start:spans[-1].end] or \
            ("|" in text[line_start:spans[0].start] and _markdown_rows_end_in_values(text, line_start))
        cols = markdown_columns(text, spans, ncols) if on_md_line else None
        cols = cols or _one_cell_per_line_columns(text, block, label_end, spans, ncols, drifted, rhythm, texts)
        if cols is not None:
            cols = _money_in_amount_columns(block, cols, texts)
            vals: list[Number | None] = [None] * ncols
            for c, t in zip(cols, texts):
                p = parse_value(t)
                vals[c] = p.value if p else None
                units[c] = p.unit if p else None
            return RowFill(vals, units, "blanks", spans)
        texts = spaced_cells(text, spans, ncols) or texts
    sol = split_row(texts, ncols, identity_groups(block), signed_columns(block))
    if sol.status not in ("direct", "forced", "solved"):
        sol = _space_separated_reading(text, spans, ncols, block) or sol
    if sol.status == "short" and len(texts) < ncols:  # blanks with nothing to place them but units
        cols = _money_in_amount_columns(block, list(range(len(texts))), texts)
        if cols != list(range(len(texts))):
            vals = [None] * ncols
            for c, t in zip(cols, texts):
                p = parse_value(t)
                vals[c], units[c] = (p.value, p.unit) if p else (None, None)
            return RowFill(vals, units, "short", spans)
    if sol.status == "direct":
        for i, t in enumerate(texts[:ncols]):
            p = parse_value(t)
            units[i] = p.unit if p else None
    elif texts:  # glued: a unit stated at the end of the run belongs to the last cell
        p = parse_value(texts[-1])
        m = re.search(r"(万元|万|元)\s*$", texts[-1])
        units[-1] = (p.unit if p else None) or ({"万": "万元"}.get(m.group(1), m.group(1)) if m else None)
    return RowFill(sol.values, units, sol.status, spans)


_NBSP_RUN = re.compile(r"[\xa0\u3000]*")


def _nbsp_glued_reading(text: str, block: Block, spans: list[Span], label_end: int | None,
                        ncols: int) -> RowFill | None:
    """A row printed with no delimiter at all but a no-break space for each blank cell (HTML flattened
    with no separator, ``<td>&nbsp;</td>`` left as ``\\xa0``: ``82135\\xa0\\xa021859`` is 821, 35, blank,
    blank, 2, 1, 859): the runs split around the blanks, taken when one split exists or one adds up;
    when several do, the cells they agree on (the table's rules may settle the rest later). None when the
    row is not printed so, or its digits cannot make it."""
    if not any(sp.end < nxt.start for sp, nxt in zip(spans, spans[1:])) and \
            not _NBSP_RUN.match(text, spans[-1].end).group(0):  # type: ignore[union-attr]
        return None
    tokens: list[str] = []
    if label_end is not None and label_end <= spans[0].start:
        lead = text[label_end:spans[0].start]
        if lead.strip("\xa0\u3000"):
            return None
        tokens += [BLANK_CELL] * len(lead)
    for i, sp in enumerate(spans):
        gap = text[sp.end:spans[i + 1].start] if i + 1 < len(spans) else \
            _NBSP_RUN.match(text, sp.end).group(0)  # type: ignore[union-attr]
        if gap.strip("\xa0\u3000") or any(c in sp.text(text) for c in " \t\n\xa0\u3000|"):
            return None
        tokens += [sp.text(text)] + [BLANK_CELL] * len(gap)
    if BLANK_CELL not in tokens:
        return None
    sol = split_row(tokens, ncols, identity_groups(block), signed_columns(block))
    if sol.status not in ("direct", "forced", "solved", "ambiguous", "conflict"):
        return None
    units: list[str | None] = [None] * ncols
    if (p := parse_value(spans[-1].text(text))) is not None:
        filled = [i for i, v in enumerate(sol.values) if v is not None]
        units[filled[-1] if filled else ncols - 1] = p.unit
    return RowFill(sol.values, units, sol.status, spans, tokens)


# a line holding only no-break or ideographic spaces, and a number padded with them on its line
_NBSP_LINE = re.compile(r"\n[ \t]*[\xa0\u3000][ \t\xa0\u3000]*\r?(?=\n)")
_NBSP_PADDED = re.compile(r"\n[\xa0\u3000]+[+\-]?\d|\d[\xa0\u3000]+\r?\n")


def _one_cell_per_line_columns(text: str, block: Block, label_end: int | None, spans: list[Span], ncols: int,
                               drifted: list[Span], rhythm: int | None, texts: list[str]) -> list[int] | None:
    """:func:`delimited_columns`, deciding what a line of no-break spaces between a row's cells is.

    Two scrapes print such lines. An HTML table whose empty cells hold ``&nbsp;`` prints each as a line
    of its own: a blank cell (``821\\n35\\n\\xa0\\n\\xa0\\n2``). Word's HTML pads cells with no-break
    spaces and empty paragraphs: filler lines between cells (``规章\\n\\xa0\\xa0\\n\\xa0\\xa0\\xa00``).
    Where the two readings differ, the row's identity (总计 = the sum) decides when it holds under
    one of them only; else numbers padded with no-break spaces anywhere in the text tell of filler."""
    strict = _leading_blanks_as_lines(text, block, label_end, spans, ncols, texts,
                                      delimited_columns(text, label_end, spans, ncols, drifted, rhythm,
                                                        label_cell=block.table != "review"))
    start = spans[0].start if label_end is None else min(label_end, spans[0].start)
    if not _NBSP_LINE.search(text, start, spans[-1].end):
        return strict
    loose = delimited_columns(text, label_end, spans, ncols, drifted, rhythm, nbsp_blank=True,
                              label_cell=block.table != "review")
    if loose is None or loose == strict:
        return strict
    groups = identity_groups(block)
    if groups:
        fitting = [cols for cols in (strict, loose) if cols is not None and _adds_up(cols, texts, ncols, groups)]
        if len(fitting) == 1:
            return fitting[0]
    return strict if _NBSP_PADDED.search(text) else loose


def _leading_blanks_as_lines(text: str, block: Block, label_end: int | None, spans: list[Span], ncols: int,
                             texts: list[str], cols: list[int] | None) -> list[int] | None:
    """``cols`` of a row printed one cell per line, or the other reading of the blank cells before its
    first value when only that one keeps the row's identities.

    :func:`line_columns` reads extra empty lines that make whole rhythms as blank cells of one rhythm
    each (``\n\n`` per cell, 6 extra lines: 3 blanks), but a scrape that prints an empty cell as a bare
    line break leaves the same lines for twice as many (6, less the line that ends the header row: 5).
    Before the first value the two cannot be told apart by the lines (the gaps between values say
    which reading the row itself uses), nor, after a header row, from the line or two that may end it:
    there the identities decide, when exactly one reading keeps them (总计\n\n\n\n\n\n\n\n then ten
    values over the review table's fifteen cells)."""
    groups = identity_groups(block)
    if cols is None or not groups or label_end is None or label_end > spans[0].start or len(spans) < 2 \
            or _adds_up(cols, texts, ncols, groups):
        return cols
    gap = text[label_end:spans[0].start]
    between = [text[a.end:b.start] for a, b in zip(spans, spans[1:])]
    if gap.strip(" \t\u3000\xa0\r\n") or "\n" not in gap or not all(_only_line_breaks(g) and "\n" in g for g in between):
        return cols
    base = min(_empty_lines(g) for g in between)
    extra = _empty_lines(gap) - base
    if extra <= 0:
        return cols  # no blank cells told of before the first value
    # after a header row (the review table's values) a line or two may end that row, not stand for cells
    ends = (0, 1, 2) if block.table == "review" else (0,)
    options = set()
    for lead in {extra // (base + 1) if extra % (base + 1) == 0 else extra, extra}:
        over = lead + cols[-1] - cols[0] - (ncols - 1)
        if 0 < over <= lead:
            lead -= over  # the line that ends the header row is among them
        options |= {lead - e for e in ends if lead - e >= 0}
    fitting = [alt for alt in ([c - cols[0] + lead for c in cols] for lead in sorted(options))
               if alt != cols and alt[-1] < ncols and _adds_up(alt, texts, ncols, groups)]
    return fitting[0] if len(fitting) == 1 else cols


def _adds_up(cols: list[int], texts: list[str], ncols: int, groups: list[int]) -> bool:
    """Do the values in these columns satisfy every identity group (blank cells counting 0; a blank
    total tells nothing, so it fits)?"""
    vals: list[float | None] = [None] * ncols
    for c, t in zip(cols, texts):
        p = parse_value(t)
        vals[c] = p.value if p else None
    return _sums_hold(vals, groups)


def _space_separated_reading(text: str, spans: list[Span], ncols: int, block: Block) -> RowSolution | None:
    """A row printed in one stretch with single spaces at most of its cell borders (``179 11 80 138 4
    340``: 80 is two glued cells) that the tagger cut into spans across those spaces, so that the spans'
    digits read as no unique row: read every space as a cell border instead, and take that reading when
    exactly one split of its tokens satisfies the block's identities. None otherwise (no identity to
    decide by, a delimiter in the stretch, or no unique fitting split)."""
    groups = identity_groups(block)
    stretch = text[spans[0].start:spans[-1].end]
    if not groups or any(c in stretch for c in "|\t\n") or "<br" in stretch:
        return None
    tokens = stretch.split()
    if len(tokens) == len(spans) or len(tokens) > ncols:
        return None
    fitting = search_fillings(tokens, ncols, groups, signed=signed_columns(block))
    return RowSolution(fitting[0], "solved") if fitting is not None and len(fitting) == 1 else None


def line_slots(text: str, region: Region) -> dict[str, RowFill] | None:
    """Rows of a block printed one cell per line where each row puts its values either after its label or
    before it (PDF text orders a row's cells by position), blank cells left out but for the extra empty
    lines they leave in the table's rhythm (:func:`line_rhythm`).

    The cells, blanks included, are read as slots in order; a label takes the ``ncols`` slots right before
    it when they stand unclaimed, else the ``ncols`` right after it (the last row's trailing blanks leave
    no trace: they are blank). None unless the whole block reads this way: every gap only line breaks,
    every value one cell, every label a row of the block, and no slot left over."""
    block = region.block
    ncols, leaf = len(block.cols), _leaf_rows(block)
    rhythm = line_rhythm(text, region.headers)
    if rhythm is None or not region.items or region.header_end is None:
        return None
    tokens: list[Span | None | tuple[Span, str]] = []  # value span, None for a blank, (label, row)
    prev_end = region.header_end
    for span, match in region.items:
        gap = text[prev_end:span.start]
        lines = [ln.strip(" \t\u3000\xa0\r\x0c") for ln in gap.split("\n")]
        if "\n" not in gap or not all(not ln or is_page_marker_line(ln) for ln in lines):
            return None
        # a page footer between two cells breaks the rhythm there: it tells of no blank
        extra = 0 if any(lines) else _empty_lines(gap) - rhythm
        if extra < 0:
            return None
        tokens += [None] * (extra // (rhythm + 1) if extra % (rhythm + 1) == 0 else extra)
        if span.label == "VALUE":
            if parse_value(span.text(text)) is None:
                return None
            tokens.append(span)
        elif match is not None and match.row in leaf:
            tokens.append((span, match.row))
        else:
            return None
        prev_end = span.end
    rows: dict[str, list[Span | None]] = {}
    pool: list[Span | None] = []
    open_row: str | None = None
    for tok in tokens:
        if isinstance(tok, tuple):
            row = tok[1]
            if row in rows or (open_row is not None and len(rows[open_row]) < ncols):
                return None  # a row twice, or the row before stopped short
            if pool and len(pool) != ncols:
                return None
            rows[row], pool, open_row = pool, [], (None if pool else row)
        elif open_row is not None and len(rows[open_row]) < ncols:
            rows[open_row].append(tok)
        else:
            pool.append(tok)
    if pool or not rows:
        return None
    fills = {}
    for row, slots in rows.items():
        slots = slots + [None] * (ncols - len(slots))
        parsed = [parse_value(s.text(text)) if s is not None else None for s in slots]
        fills[row] = RowFill([p.value if p else None for p in parsed], [p.unit if p else None for p in parsed],
                             "blanks" if None in slots else "direct", [s for s in slots if s is not None])
    return fills


def _money_in_amount_columns(block: Block, cols: list[int], texts: list[str]) -> list[int]:
    """Move a value printed with a money unit (``0万元``) that the delimiters put in a count column to the
    next amount column (the blank is the count before it), where the order of the row allows."""
    if block.table == "review":
        return cols
    out = list(cols)
    for i, t in enumerate(texts):
        p = parse_value(t)
        if p is None or p.unit is None or block.cols[out[i]].kind == "amount":
            continue
        nxt = out[i + 1] if i + 1 < len(out) else len(block.cols)
        for c in range(out[i] + 1, nxt):
            if block.cols[c].kind == "amount":
                out[i] = c
                break
    return out


def _leaf_rows(block: Block) -> list[str]:
    return [r.key for r in block.rows]


def label_anchored(text: str, region: Region) -> tuple[dict[str, RowFill], list[Flag]]:
    """Rows from labels: values after their label; values before all labels fill unlabelled rows."""
    block = region.block
    order = _leaf_rows(block)
    segs = segments(region)
    flags: list[Flag] = []
    lead, labelled = segs[0], segs[1:]
    # A block that prints its values before its labels (PDF text): every label's values come before it.
    if lead.values and labelled and not labelled[-1].values:
        runs = [lead.values] + [s.values for s in labelled[:-1]]
        for seg, vals in zip(labelled, runs):
            seg.values = vals
        lead = Segment(None, None)
    _first_rows_of_headings(block, labelled)
    rows: dict[str, list[tuple[Segment, list[Span]]]] = {}
    for seg in labelled:
        if seg.row in order:
            rows.setdefault(seg.row, []).append((seg, seg.values))
        elif seg.values:
            flags.append(Flag("values_without_row", [], f"{len(seg.values)} values after heading {seg.row} "
                              f"with no row of this template at {seg.values[0].start}"))
    # Values before the first label: the rows above the first labelled row whose labels were lost.
    if lead.values:
        first = min((order.index(r) for r in rows), default=len(order))
        unlabelled = [r for r in order[:first] if r not in rows]
        _spread(lead, unlabelled, block, rows, flags)
    # A labelled run holding more than its row: later unlabelled rows lost their labels.
    per_row = len(block.cols)
    presplit: dict[str, RowFill] = {}
    for r in list(rows):
        seg, vals = rows[r][0]
        following = []
        for nxt in order[order.index(r) + 1:]:
            if nxt in rows:
                break
            following.append(nxt)
        if not following:
            continue
        merged = merge_within_cells(text, vals) if len(vals) > per_row else None
        if merged and len(merged) % per_row == 0 and len(vals) % per_row:
            vals = merged  # digits split by a space inside delimited cells (``| 4 1 |``): rows of whole cells
        if len(vals) > per_row and len(vals) % per_row == 0:
            chunks = [vals[j:j + per_row] for j in range(0, len(vals), per_row)]
        elif 1 < len(vals) <= len(following) + 1 and all(count_fillings([v.text(text)], per_row) for v in vals):
            chunks = [[v] for v in vals]  # glued rows: one run per row
        elif 1 < len(by_line := _by_line(text, vals)) <= len(following) + 1 \
                and any(c in text[vals[0].end:vals[-1].start] for c in "|\t") \
                and all(len(line) <= per_row for line in by_line):
            chunks = by_line  # markdown or tab-separated PDF text: one printed row per line, blanks and all
        elif 1 < len(by_spacer := _by_spacer_rows(text, vals)) <= len(following) + 1 \
                and all(len(part) <= per_row for part in by_spacer):
            chunks = by_spacer  # one cell per line ending `` |``: a row ends at its spacer line (``||``)
        elif 1 < len(by_cells := _by_cell_lines(text, vals, per_row)) <= len(following) + 1:
            chunks = by_cells  # the same, the spacer one pipe wide: a row ends after its ncols cell lines
        elif (lined := _lines_over_rows(text, block, seg.label_end, vals, len(following) + 1)) is not None:
            for nxt, fill in zip([r] + following, lined):
                presplit[nxt] = fill
                rows.pop(nxt, None)
            continue
        else:
            split = _split_over_rows([v.text(text) for v in vals], block, len(following) + 1)
            if split is not None:
                joined, status = split
                for nxt, cells in zip([r] + following, joined):
                    presplit[nxt] = RowFill(cells, [None] * per_row, status, vals, shared=True)
                    rows.pop(nxt, None)
            continue
        if len(chunks) - 1 <= len(following):
            rows[r] = [(seg, chunks[0])]
            for nxt, chunk in zip(following, chunks[1:]):
                rows[nxt] = [(Segment(nxt, chunk[0].start), chunk)]
    fills: dict[str, RowFill] = {}
    for r, entries in rows.items():
        # A label standing twice (a heading 三、… above the table, then the row): the one with values counts.
        with_values = [e for e in entries if e[1]] or entries
        seg, vals = with_values[0]
        if len(with_values) > 1:
            flags.append(Flag("row_repeated", [block.key(r, c) for c in block.cols],
                              f"row {r} is labelled {len(entries)} times with values; the first is used"))
        if vals:
            fills[r] = fill_row(text, block, vals, seg.label_end, rhythm=line_rhythm(text, region.headers))
    fills.update(presplit)
    return fills, flags


_SPACER_LINE = re.compile(r"(?m)^[ \t]*\|{2,}[ \t]*$")


def _by_spacer_rows(text: str, spans: list[Span]) -> list[list[Span]]:
    """The spans cut where a spacer line of pipes alone (``||``, ``|||``) stands between two of them."""
    parts: list[list[Span]] = []
    for s in spans:
        if not parts or _SPACER_LINE.search(text, parts[-1][-1].end, s.start):
            parts.append([s])
        else:
            parts[-1].append(s)
    return parts


_PIPE_CELL_END = re.compile(r"[ \t]*\|([ \t|]*)(?:\n|$)")  # group 1: an inline spacer's pipes, if any


def _by_cell_lines(text: str, spans: list[Span], ncols: int) -> list[list[Span]]:
    """Rows of a table printed one cell per line, each ending `` |`` (a blank cell: ``|`` alone), each
    row followed by a spacer line of pipes, counted off ``ncols`` cell lines at a time: a spacer only one
    pipe wide (``|``) looks like a blank cell, but a row that has all its cells cannot hold another, so
    it is the spacer (``… 0 |`` ``|`` ``|`` ``204 |``: the blank 总计, then the spacer); a spacer printed
    on a row's last line (``107 | |``) ends it too. [] unless every value ends its line with `` |`` and
    every line between them is pipes alone."""
    if not spans or not all(_PIPE_CELL_END.match(text, s.end) for s in spans):
        return []
    rows: list[list[Span]] = [[]]
    cells = 0
    for i, s in enumerate(spans):
        if i:
            gap = text[spans[i - 1].end:s.start]
            lines = gap.split("\n")[1:-1]
            if not all(set(line.strip()) <= {"|"} and line.strip() for line in lines):
                return []
            for line in lines:
                if cells == ncols or (len(line.strip()) > 1 and cells):
                    rows.append([])  # the row is full, or a spacer wider than a cell: the row ends here
                    cells = 0
                elif len(line.strip()) == 1:
                    cells += 1  # a blank cell
        if cells == ncols:
            rows.append([])
            cells = 0
        rows[-1].append(s)
        cells += 1
        if "|" in _PIPE_CELL_END.match(text, s.end).group(1):  # type: ignore[union-attr]
            rows.append([])  # ``107 | |``: the spacer printed on the row's last cell line
            cells = 0
    return [r for r in rows if r]


def _lines_over_rows(text: str, block: Block, label_end: int | None, spans: list[Span],
                     max_rows: int) -> list[RowFill] | None:
    """Rows printed one cell per line after one label, the next rows' labels lost, read by their blank
    lines across the rows (``0 0 0 0 0 0`` + an empty line + ``0 0 0 0 0 0``: each row's 总计 blank): the
    columns :func:`line_columns` gives the run over as many rows as it needs, cut into rows. None unless
    the run needs two rows or more, fills them in order and keeps every sum it shows."""
    per_row = len(block.cols)
    cols = delimited_columns(text, label_end, spans, per_row * max_rows)
    if cols is None or cols[-1] < per_row or any(_printed_row_break(text, a, b) for a, b in zip(spans, spans[1:])):
        return None
    n_rows = cols[-1] // per_row + 1
    fills = []
    for k in range(n_rows):
        vals: list[Number | None] = [None] * per_row
        mine = [(c - k * per_row, s) for c, s in zip(cols, spans) if c // per_row == k]
        for c, s in mine:
            p = parse_value(s.text(text))
            if p is None:
                return None
            vals[c] = p.value
        if not mine or not _sums_hold(vals, identity_groups(block)):
            return None
        fills.append(RowFill(vals, [None] * per_row, "blanks", [s for _, s in mine]))
    return fills


def _printed_row_break(text: str, a: Span, b: Span) -> bool:
    """Anything but line breaks and spaces between two values (a tab, a pipe, a page footer)."""
    return bool(text[a.end:b.start].strip(" \n\r\u3000\xa0")) or "\n" not in text[a.end:b.start]


def _by_line(text: str, spans: list[Span]) -> list[list[Span]]:
    """The spans cut where a line break stands between two of them."""
    lines: list[list[Span]] = []
    for s in spans:
        if lines and "\n" not in text[lines[-1][-1].end:s.start]:
            lines[-1].append(s)
        else:
            lines.append([s])
    return lines


def _split_over_rows(runs: list[str], block: Block, max_rows: int) -> tuple[list[list[Number | None]], str] | None:
    """Values too many for their row, glued in places, whose next rows lost their labels
    (``…禁止公开00000000000000`` over two rows; ``0 255 60 34 0 0 349 0597 2 92 0 0 691``): the rows they
    fill in the one way the text (and the rows' identities) allow, "solved"; or, when several ways fit
    the fewest rows that can hold them, the cells all those ways agree on (the rest null), "ambiguous" —
    never the first values left-aligned into the first row, which would be a guess. None when no number
    of rows fits."""
    per_row, groups, signed = len(block.cols), identity_groups(block), signed_columns(block)
    # "conflict": no one-row reading keeps the row's sum, so the run may well hold the next row too; so
    # too the one reading that fills the row ("forced") when it breaks the sum (``132 1501653 0 0351 …``)
    one = split_row(runs, per_row, groups, signed)
    if one.status not in ("unsolved", "extra", "conflict") and \
            not (one.status == "forced" and not _sums_hold(one.values, groups)):
        return None
    for m in range(2, max_rows + 1):
        sol = split_row(runs, per_row * m, groups * m, signed * m)
        rows = [sol.values[j:j + per_row] for j in range(0, per_row * m, per_row)]
        if sol.status in ("forced", "solved"):
            return rows, "solved"
        if sol.status == "ambiguous":
            return rows, "ambiguous"  # several ways to fill them: only what they share is known
        if sol.status not in ("unsolved", "extra"):
            return None  # too few for m rows
    return None


def _sums_hold(values: list[Number | None], groups: list[int]) -> bool:
    """Does each identity group of a row's values add up (a blank total tells nothing)?"""
    offset = 0
    for size in groups:
        part, total = values[offset:offset + size - 1], values[offset + size - 1]
        if total is not None and sum(v or 0 for v in part) != total:
            return False
        offset += size
    return True


def _first_rows_of_headings(block: Block, labelled: list[Segment]) -> None:
    """A heading row followed by values and then a later sub-row (``（三）不予公开`` 0 0 0 0 0 0 0
    ``2.其他法律行政法规禁止公开``): the values start at the first sub-row, whose label was lost — and so
    did those of the sub-rows before the next label (``（六）其他处理0130080212980051088 3.其他``: two rows
    glued, which the rows' identities then split)."""
    order = _leaf_rows(block)
    present = {seg.row for seg in labelled}
    for seg, nxt in zip(labelled, labelled[1:]):
        if not (seg.row or "").startswith("group:") or not 0 < len(seg.values):
            continue
        subs = [r.key for r in block.rows if r.parent == seg.row[len("group:"):]]
        k = subs.index(nxt.row) if nxt.row in subs else 0  # sub-rows whose labels were lost
        if k == 0 or any(r in present for r in subs[:k]) or len(seg.values) > len(block.cols) * k:
            continue
        if all(order.index(subs[j + 1]) == order.index(subs[j]) + 1 for j in range(k)):
            seg.row = subs[0]
            present.add(subs[0])


def _spread(lead: Segment, unlabelled: list[str], block: Block, rows: dict, flags: list[Flag]) -> None:
    per_row = len(block.cols)
    vals = lead.values
    if len(unlabelled) == 1:
        rows[unlabelled[0]] = [(lead, vals)]
    elif unlabelled and len(vals) == per_row * len(unlabelled):
        for j, r in enumerate(unlabelled):
            chunk = vals[per_row * j: per_row * (j + 1)]
            rows[r] = [(Segment(r, None), chunk)]
    elif vals:
        flags.append(Flag("values_without_row", [], f"{len(vals)} values before the first row label at "
                          f"{vals[0].start} could not be placed"))


_WEAK_GAP = re.compile(r"(?:[ \t\u3000\xa0]|<br\s*/?>)*\n?(?:[ \t\u3000\xa0]|<br\s*/?>)*")


def value_groups(text: str, values: list[Span], items: list[tuple[Span, RowMatch | None]]) -> list[list[Span]]:
    """Values printed together: separated by at most one line break, spaces, tabs or markdown ``<br>``,
    with no other span between them. A blank line or a ``|`` cell border starts a new group (in PDF text
    and OCR'd tables that is how one column's fragment ends and the next begins)."""
    others = sorted(s.start for s, _ in items if s.label != "VALUE")
    groups: list[list[Span]] = []
    for v in values:
        if groups:
            prev = groups[-1][-1]
            label_between = bisect.bisect_left(others, v.start) > bisect.bisect_left(others, prev.end)
            if not label_between and _WEAK_GAP.fullmatch(text[prev.end:v.start]):
                groups[-1].append(v)
                continue
        groups.append([v])
    return groups


def _is_column_block(text: str, run: list[list[Span]], ncols: int, row_sums: bool) -> bool:
    """Are these ``ncols`` groups of k values each (k > 1) k rows printed column by column?

    Yes when k differs from ``ncols`` (each group then cannot be a row). When k equals it, a block of
    rows printed line by line looks the same; rows whose last cell is the sum of the others (``row_sums``:
    the requests table's 总计) tell which reading it is: the one under which more rows add up."""
    k = len(run[0])
    if not (k > 1 and len(run) == ncols and all(len(g) == k for g in run)):
        return False
    if k != ncols:
        return True
    if not row_sums:
        return False
    parsed = [[parse_value(v.text(text)) for v in g] for g in run]
    if any(p is None or p.value is None for g in parsed for p in g):
        return False
    grid_ = [[p.value for p in g] for g in parsed]  # type: ignore[union-attr]

    def adding_up(rows: list[list]) -> int:
        return sum(1 for r in rows if sum(r[:-1]) == r[-1])

    return adding_up([list(col) for col in zip(*grid_)]) > adding_up(grid_)


def grid_rows(groups: list[list[Span]], ncols: int, text: str = "", row_sums: bool = False) -> list[list[Span]]:
    """Lay value groups out as rows: ``ncols`` groups of equal size k > 1 in a row are k rows printed
    column by column (see :func:`_is_column_block`); any other group is read row by row."""
    flat: list[Span] = []
    i = 0
    while i < len(groups):
        k = len(groups[i])
        run = groups[i:i + ncols]
        if _is_column_block(text, run, ncols, row_sums):
            for r in range(k):
                flat.extend(g[r] for g in run)
            i += ncols
        else:
            flat.extend(groups[i])
            i += 1
    return [flat[j:j + ncols] for j in range(0, len(flat), ncols)]


_DOUBTFUL_SCORE = 0.95  # a span's mean tag confidence below which the grid may drop it as stray


def grid(text: str, region: Region) -> dict[str, RowFill] | None:
    """Rows in template order from an exactly full grid of values; None if the counts do not fit."""
    block = region.block
    present = []
    for _, m in region.labels:
        key = m.row if m.row is not None else f"group:{m.group}"
        if key not in present:
            present.append(key)
    leaf = _leaf_rows(block)
    # Heading rows stand in for their sub-rows when the sub-rows are not printed (a 2021 report
    # printing （六）其他处理 as one row).
    parents = {r.parent for r in block.rows if r.key in present}
    rows_in_order = []
    for r in block.rows:
        if r.key in present:
            rows_in_order.append(r.key)
        elif r.parent and f"group:{r.parent}" in present and r.parent not in parents and \
                f"group:{r.parent}" not in rows_in_order:
            rows_in_order.append(f"group:{r.parent}")
    ncols = len(block.cols)
    if len(region.values) == ncols * len(leaf) and len(rows_in_order) != len(leaf):
        rows_in_order = leaf  # a full table whose lost labels the count makes up for
    values = region.values
    merged = merge_within_cells(text, values) if len(values) > ncols * len(rows_in_order) else None
    if merged and len(merged) == ncols * len(rows_in_order):
        values = merged  # digits split by a space inside delimited cells (``| 4 1 |``)
    extra = len(values) - ncols * len(rows_in_order)
    if 0 < extra <= 2 and all(v.score is not None for v in values):
        # A stray span or two (a page number, a digit of a label): drop the ones the tagger trusted least,
        # if it doubted them at all; values it is sure of (0.998) make the count wrong some other way
        # (blank cells), and dropping them would shift the rows after them.
        doubtful = sorted(values, key=lambda v: v.score)[:extra]  # type: ignore[arg-type, return-value]
        if all(v.score < _DOUBTFUL_SCORE for v in doubtful):  # type: ignore[operator]
            values = [v for v in values if v not in doubtful]
    if not rows_in_order or len(values) != ncols * len(rows_in_order):
        return None
    if any(parse_value(v.text(text)) is None for v in values):
        return None
    labels = [(sp, m) for sp, m in region.labels]
    if _printed_blank_rows(text, ncols, labels, values, [r for r in rows_in_order if r in leaf]):
        return None  # a full grid has no blank row: the count fits by chance (a row's label lost)
    rows = grid_rows(value_groups(text, values, region.items), ncols, text, block.table == "requests")
    if _grid_contradicts_labels(text, region, values, rows, rows_in_order):
        return None
    fills = {}
    for key, spans in zip(rows_in_order, rows):
        if key in leaf:
            fills[key] = fill_row(text, block, spans, None)
    return fills


def _grid_contradicts_labels(text: str, region: Region, values: list[Span], rows: list[list[Span]],
                             rows_in_order: list[str]) -> bool:
    """Do rows of the grid, printed row-wise right after a row label (on its line, or one cell per line
    below it), go to other rows than their labels name? Then the count fitted by chance (a row whose label was lost, and a blank row
    elsewhere) and the grid would shift every row in between. One such row is not enough: a label cut
    by a line break (``2. 其他`` / ``法律行政法规禁止公开``) can match the wrong row by itself."""
    position = {id(v): i for i, v in enumerate(values)}
    labels = sorted((sp, m) for sp, m in region.items if sp.label != "VALUE" and m is not None and m.row)
    label_ends = [sp.end for sp, _ in labels]
    contradicted = 0
    for key, spans in zip(rows_in_order, rows):
        idx = [position[id(v)] for v in spans]
        if not spans or idx != list(range(idx[0], idx[0] + len(idx))):
            continue  # a row of a block printed column by column: its label is elsewhere
        j = bisect.bisect_right(label_ends, spans[0].start) - 1
        if j < 0:
            continue
        gap = text[labels[j][0].end:spans[0].start]
        if not gap.strip(" \t\n|\u3000\xa0") and labels[j][1].row != key:
            contradicted += 1
    return contradicted >= 2


@dataclass
class PrintedRow:
    """One row as printed: its value spans, and for a row of a block printed column by column, which
    block (the index of that block's first row among the printed rows) — None for a row printed row-wise."""
    spans: list[Span]
    column_block: int | None = None


def row_units(groups: list[list[Span]], ncols: int, text: str = "", row_sums: bool = False,
              label_starts: list[int] | None = None) -> list[PrintedRow] | None:
    """Cut a region's value groups into printed rows, in reading order: a row printed row by row (its
    cells one per line, or all on one line), or each row of a block printed column by column (``ncols``
    groups of equal size k > 1: k rows). A row cut short by a label holds fewer spans (blank cells). None
    when the groups fit neither shape."""
    units: list[PrintedRow] = []
    i = 0
    pending: list[Span] = []

    def flush() -> None:
        if pending:
            units.append(PrintedRow(list(pending)))
            pending.clear()

    while i < len(groups):
        k = len(groups[i])
        run = groups[i:i + ncols]
        if _is_column_block(text, run, ncols, row_sums):
            flush()
            first = len(units)
            units.extend(PrintedRow([g[r] for g in run], first) for r in range(k))
            i += ncols
            continue
        if k == 1:
            if pending and label_starts and \
                    bisect.bisect_left(label_starts, groups[i][0].start) > bisect.bisect_left(label_starts, pending[-1].end):
                flush()  # a row label in between: the row before it stopped short (blank cells)
            if pending and text and _new_markdown_row(text, pending, groups[i][0]):
                flush()  # a markdown table prints a row per line: a row cut short holds blank cells
            pending.extend(groups[i])
            if len(pending) == ncols:
                flush()
        elif k % ncols == 0:
            flush()
            units.extend(PrintedRow(groups[i][j:j + ncols]) for j in range(0, k, ncols))
        else:
            return None
        i += 1
    flush()
    return units


def _new_markdown_row(text: str, pending: list[Span], nxt: Span) -> bool:
    """Does ``nxt`` start a new markdown table row (a later line starting with ``|``) after a row of
    several cells (``pending``'s last line holds two or more of them) on a line that also starts with ``|``?"""
    if "\n" not in text[pending[-1].end:nxt.start]:
        return False
    line_start = text.rfind("\n", 0, pending[-1].start) + 1
    on_line = [v for v in pending if v.start >= line_start]
    next_start = text.rfind("\n", 0, nxt.start) + 1
    return len(on_line) >= 2 and text[line_start:pending[-1].start].lstrip(" \t\u3000").startswith("|") \
        and text[next_start:nxt.start].lstrip(" \t\u3000").startswith("|")


def aligned(text: str, region: Region) -> dict[str, RowFill] | None:
    """Rows of PDF text where some row ranges come out column by column with their labels bunched
    elsewhere, and some rows are blank.

    The printed rows keep the template's order whatever happens to the labels. A row printed row by row
    right after its own label is an anchor; the printed rows between two anchors fill the template rows
    between them in order; a stretch with no printed row at all is blank. Where a stretch's count of
    printed rows differs from its count of template rows, a block printed column by column is anchored
    by the labels printed right after it (as PDF text prints a block's label column after its values),
    when they are as many consecutive template rows as the block has rows. None when the values cannot
    be cut into rows, the anchors are out of order, or a stretch's counts still differ (then nothing says
    which rows are blank)."""
    block = region.block
    ncols = len(block.cols)
    leaf = _leaf_rows(block)
    labels = sorted((s, m) for s, m in region.items if s.label != "VALUE" and m is not None)
    units = row_units(value_groups(text, region.values, region.items), ncols, text, block.table == "requests",
                      sorted(s.start for s, _ in region.items if s.label != "VALUE"))
    if not units:
        return None
    label_ends = [s.end for s, _ in labels]
    anchors: list[int | None] = []
    for unit in units:
        row = None
        if unit.column_block is None:
            j = bisect.bisect_right(label_ends, unit.spans[0].start) - 1
            if j >= 0 and not text[labels[j][0].end:unit.spans[0].start].strip(" \t\n|\u3000\xa0") \
                    and labels[j][1].row in leaf:  # right after its label (a markdown cell border between)
                row = leaf.index(labels[j][1].row)  # type: ignore[arg-type]
        anchors.append(row)
    fills = _fill_stretches(text, block, units, anchors, labels)
    if fills is None:
        readings = _column_block_anchors(text, units, anchors, labels, leaf)
        with_blocks = readings[0]
        # the first reading whose blocks' rows fit the row counts: the readings come with each block on
        # its earliest rows first, as its label column names them in the template's order
        fills = next((f for f in (_fill_stretches(text, block, units, r, labels) for r in readings if r != anchors)
                      if f is not None), None)
        for tried in (with_blocks, anchors):
            if fills is not None:
                break
            # A label that lands right before another row's values (a bunch of labels printed late, just
            # before a row whose own label was lost) anchors that row in the wrong place: keep the anchors
            # that can all hold, when one such set is largest, and let the row counts settle the rest.
            kept = _consistent_anchors(tried, len(leaf))
            if kept is not None and kept != tried:
                fills = _fill_stretches(text, block, units, kept, labels)
    return fills


def _consistent_anchors(anchors: list[int | None], n_rows: int) -> list[int | None] | None:
    """The largest subset of ``anchors`` (template row of each printed row, or None) that can all hold:
    each later anchor on a later template row, with no more printed rows between two anchors (or before
    the first, or after the last) than template rows. None when two different subsets are largest."""
    known = [(-1, -1)] + [(u, a) for u, a in enumerate(anchors) if a is not None] + [(len(anchors), n_rows)]
    # best[j]: (anchors kept on the best chain ending at j, how many chains reach that count, previous j)
    best: list[tuple[int, int, int] | None] = [(0, 1, -1)] + [None] * (len(known) - 1)
    for j in range(1, len(known)):
        u2, a2 = known[j]
        gain = 1 if j < len(known) - 1 else 0
        for i in range(j):
            if best[i] is None:
                continue
            u1, a1 = known[i]
            if a2 <= a1 or u2 - u1 > a2 - a1:
                continue
            count, ways, _ = best[i]  # type: ignore[misc]
            current = best[j]
            if current is None or count + gain > current[0]:
                best[j] = (count + gain, ways, i)
            elif count + gain == current[0]:
                best[j] = (current[0], current[1] + ways, current[2])
    end = best[-1]
    if end is None or end[1] > 1:
        return None
    out: list[int | None] = [None] * len(anchors)
    j = end[2]
    while j > 0:
        u, a = known[j]
        out[u] = a
        j = best[j][2]  # type: ignore[index]
    return out


def _column_block_anchors(text: str, units: list[PrintedRow], anchors: list[int | None],
                          labels: list[tuple[Span, RowMatch]], leaf: list[str]) -> list[list[int | None]]:
    """``anchors`` plus, for each block printed column by column and not anchored yet, the template rows
    named by the labels printed right after it (PDF text: the label column follows the values), else
    right before it (a markdown row merging k rows with ``<br>``: their labels in its first cell): when
    they are k consecutive template rows, k the block's count of rows.

    When neither fits because the label column after the block runs on with other rows' labels (a blank
    row's, or the labels of blocks printed before it: ``（七）总计`` then ``1.本机关不掌握…``), every
    window of k consecutive rows among the rows those labels name is a reading, earliest first; so this
    returns a list of readings, and :func:`aligned` keeps the first that the row counts fit."""
    readings = [list(anchors)]
    starts = sorted({u.column_block for u in units if u.column_block is not None})
    for first in starts:
        readings = [r for reading in readings for r in _anchor_block(text, units, first, reading, labels, leaf)][:32]
    return readings


def _anchor_block(text: str, units: list[PrintedRow], first: int, anchors: list[int | None],
                  labels: list[tuple[Span, RowMatch]], leaf: list[str]) -> list[list[int | None]]:
    """The readings of one column block for :func:`_column_block_anchors` (``anchors`` itself if none)."""
    out = list(anchors)
    members = [i for i, u in enumerate(units) if u.column_block == first]
    if any(out[i] is not None for i in members):
        return [out]
    begin = min(s.start for i in members for s in units[i].spans)
    end = max(s.end for i in members for s in units[i].spans)
    before = max(s.end for s in units[members[0] - 1].spans) if members[0] > 0 else -1
    after = min(s.start for s in units[members[-1] + 1].spans) if members[-1] + 1 < len(units) else None
    label_ends = [sp.end for sp, _ in labels if before <= sp.start < begin]
    # labels on the block's own line (the first cell of a merged markdown row) are its labels
    same_line = bool(label_ends) and "\n" not in text[label_ends[-1]:begin]
    following = _distinct_rows(labels, leaf, end, after)
    options = [following[:len(members)], _distinct_rows(labels, leaf, before, begin)[-len(members):]]
    if same_line:
        options.reverse()
    taken = {a for a in out if a is not None}
    for rows in options:
        idx = [leaf.index(r) for r in rows]
        if len(idx) == len(members) and idx == list(range(idx[0], idx[0] + len(idx))) \
                and not taken.intersection(idx):  # rows another printed row holds are not this block's
            for i, a in zip(members, idx):
                out[i] = a
            return [out]
    # stray labels among the block's label column: each window of consecutive rows they name
    named = sorted({leaf.index(r) for r in following} - taken)
    windows = [list(range(a, a + len(members))) for a in named
               if set(range(a, a + len(members))) <= set(named)]
    readings = []
    for idx in windows:
        reading = list(out)
        for i, a in zip(members, idx):
            reading[i] = a
        readings.append(reading)
    return readings or [out]


def _distinct_rows(labels: list[tuple[Span, RowMatch]], leaf: list[str], start: int, stop: int | None) -> list[str]:
    """The template rows the labels between ``start`` and ``stop`` name, in order, each once."""
    rows: list[str] = []
    for span, match in labels:
        if span.start >= start and (stop is None or span.start < stop) and match.row in leaf \
                and match.row not in rows:
            rows.append(match.row)  # type: ignore[arg-type]
    return rows


def _fill_stretches(text: str, block: Block, units: list[PrintedRow], anchors: list[int | None],
                    labels: list[tuple[Span, RowMatch]]) -> dict[str, RowFill] | None:
    """The rows of :func:`aligned` from the printed rows and their anchors (template row indices)."""
    leaf = _leaf_rows(block)
    label_ends = [s.end for s, _ in labels]
    known = [(u, a) for u, a in enumerate(anchors) if a is not None]
    if any(a2 <= a1 or u2 - u1 > a2 - a1 for (u1, a1), (u2, a2) in zip(known, known[1:])):
        return None
    fills: dict[str, RowFill] = {}
    bounds = [(-1, -1)] + known + [(len(units), len(leaf))]
    for (u1, a1), (u2, a2) in zip(bounds, bounds[1:]):
        if 0 <= u1:
            unit = units[u1]
            label_end = None if unit.column_block is not None else \
                labels[bisect.bisect_right(label_ends, unit.spans[0].start) - 1][0].end
            fills[leaf[a1]] = fill_row(text, block, unit.spans, label_end)
        gap_units, gap_rows = units[u1 + 1:u2], leaf[a1 + 1:a2]
        if gap_units and len(gap_units) < len(gap_rows):
            blank = _printed_blank_rows(text, len(block.cols), labels, [s for u in units for s in u.spans], gap_rows)
            if len(gap_rows) - len(blank) == len(gap_units):
                gap_rows = [r for r in gap_rows if r not in blank]
        if len(gap_units) == len(gap_rows):
            for r, unit in zip(gap_rows, gap_units):
                fills[r] = fill_row(text, block, unit.spans, None)
        elif gap_units:
            return None
    return fills


def _printed_blank_rows(text: str, ncols: int, labels: list[tuple[Span, RowMatch]], values: list[Span],
                        rows: list[str]) -> set[str]:
    """Those of ``rows`` printed blank: the row's label stands on its own line, followed by nothing but
    at least one empty line per column before the next label or value (``（七）总计`` then 15 line
    breaks, in one-cell-per-line text whose cells are a line apart), or ends a markdown line of
    nothing but empty cells, one per column at least, before the next label or value. Labels bunched in a PDF label column
    are a line or two apart, so they do not count."""
    starts = sorted([s.start for s, _ in labels] + [v.start for v in values])
    blank = set()
    for span, match in labels:
        if match.row not in rows:
            continue
        k = bisect.bisect_right(starts, span.start)
        gap = text[span.end:starts[k]] if k < len(starts) else ""
        if gap and not gap.strip(" \t\r\n\u3000\xa0") and gap.count("\n") > ncols:
            blank.add(match.row)
        line_end = text.find("\n", span.end)
        rest = text[span.end:line_end if line_end >= 0 else len(text)]
        if len(gap) > len(rest) and not rest.replace("|", "").strip(" \t\r\u3000\xa0") and rest.count("|") > ncols:
            blank.add(match.row)  # a markdown row of empty cells: ``| (七)总计 |  |  |  |  |  |  |  |``
    return blank


def build_tables(text: str, spans: list[Span], template_name: str,
                 section_starts: dict[int, int]) -> tuple[Tables, dict[str, Region]]:
    """Every cell of the template from the spans: values, stated units, per-cell confidence, flags."""
    template = get_template(template_name)
    regions = split_regions(text, spans, template, section_starts)
    cells: dict[str, Number | None] = {k: None for k in template.keys}
    units: dict[str, str] = {}
    confidence: dict[str, float] = {}
    flags: list[Flag] = []
    tables_status: dict[str, str] = {}
    pending: list[tuple[Block, str, RowFill]] = []  # glued rows their own identity left ambiguous
    for region in regions.values():
        block = region.block
        if block.table == "review":
            drifted = [s for s in spans if s.label == "COL_HEADER" and region.values and
                       region.values[0].start < s.start < region.values[-1].end]
            fills = {"*": fill_row(text, block, region.values, region.header_end, drifted)} \
                if region.values else {}
            region_flags: list[Flag] = []
        elif block.table == "active" and (slots := line_slots(text, region)) is not None:
            fills, region_flags = slots, []
        else:
            fills, region_flags = label_anchored(text, region)
            imperfect = region_flags or any(f.status not in ("direct",) for f in fills.values()) \
                or len(fills) < len({m.row for _, m in region.labels if m.row})
            if imperfect:
                alt = grid(text, region)
                if alt is not None:
                    fills, region_flags = alt, []
                elif region_flags or any(f.status == "extra" for f in fills.values()):
                    # Values the labels could not place: try reading the printed rows in template order.
                    rows = aligned(text, region)
                    if rows is not None:
                        fills, region_flags = rows, []
        flags += region_flags
        for row_key, fill in fills.items():
            keys = block.keys if row_key == "*" else [block.key(row_key, c) for c in block.cols]
            for key, value, unit in zip(keys, fill.values, fill.units):
                cells[key] = value
                col = template.column_of[key]
                if col.kind == "amount" and (unit or col.unit):
                    units[key] = unit or col.unit  # type: ignore[assignment]
            tables_status[f"{block.id}/{row_key}"] = fill.status
            scores = [s.score for s in fill.spans if s.score is not None]
            if scores:
                for key in keys:
                    confidence[key] = round(min(scores), 4)
            if fill.status in ("ambiguous", "conflict") and row_key != "*" and not fill.shared:
                # (a run shared with other rows cannot be re-split for one row by the other rules)
                pending.append((block, row_key, fill))
            if fill.status in _FLAGGED:
                kind, why = _FLAGGED[fill.status]
                undecided = [k for k, v in zip(keys, fill.values) if v is None] \
                    if fill.status in ("ambiguous", "conflict") else list(keys)
                flags.append(Flag(kind, undecided, f"{why}: {' | '.join(s.text(text) for s in fill.spans)}"))
        _declared_units(template, block, region, units)
    for block, row_key, values in resolve_by_rules(text, template, cells, pending):
        keys = [block.key(row_key, c) for c in block.cols]
        cells.update(zip(keys, values))
        tables_status[f"{block.id}/{row_key}"] = "solved"
        flags = [f for f in flags if not (f.kind == "glued_ambiguous" and set(f.keys) <= set(keys))]
    return Tables(cells, units, confidence, flags, tables_status), regions


def resolve_by_rules(text: str, template: Template, cells: dict[str, Number | None],
                     pending: list[tuple[Block, str, RowFill]], limit: int = 64,
                     conflict_limit: int = 2000) -> list[tuple[Block, str, list]]:
    """Glued rows left ambiguous by their own identity, settled by the template's other rules (a column
    balance or result sum whose other cells are known): a row is taken when exactly one of its readings
    breaks none of them. Repeats while rows get settled, since one settled row can settle another.

    A row that breaks its own sum (status "conflict") is read from all its splits against the other
    rules alone: the one split they allow is what was printed, and its own sum is then reported failing."""
    cells = dict(cells)
    settled = []
    progress = True
    while progress and pending:
        progress = False
        for item in list(pending):
            block, row_key, fill = item
            keys = [block.key(row_key, c) for c in block.cols]
            texts = fill.tokens or [s.text(text) for s in fill.spans]
            rules = [r for r in template.rules if set(r.keys) & set(keys)]
            if fill.status == "conflict":
                readings = search_fillings(texts, len(keys), (), want=conflict_limit + 1)
                rules = [r for r in rules if not set(r.keys) <= set(keys)]  # its own sum fails anyway
                if not readings or len(readings) > conflict_limit:
                    continue
            else:
                readings = search_fillings(texts, len(keys), identity_groups(block), want=limit + 1)
                if not readings or len(readings) > limit:
                    continue
            fitting = []
            failures = []
            for values in readings:
                trial = {**cells, **dict(zip(keys, values))}
                failures.append(sum(check_rule(r, trial).status == "fail" for r in rules))
                if not failures[-1]:
                    fitting.append(values)
            if fill.status == "conflict" and not fitting:
                # A table that breaks its own sums may break another one too: take the split that breaks
                # clearly fewer rules than every other (by two or more), or none.
                ranked = sorted(range(len(readings)), key=failures.__getitem__)
                if len(ranked) == 1 or failures[ranked[1]] - failures[ranked[0]] >= 2:
                    fitting = [readings[ranked[0]]]
            if len(fitting) == 1:
                cells.update(zip(keys, fitting[0]))
                settled.append((block, row_key, fitting[0]))
                pending.remove(item)
                progress = True
    return settled


_FLAGGED = {
    "ambiguous": ("glued_ambiguous", "glued run with several splits that fit the row; the cells they "
                  "disagree on left null"),
    "conflict": ("glued_ambiguous", "glued run with several splits, none of which fits the row's own sum "
                 "(the published row breaks it); the cells they disagree on left null"),
    "unsolved": ("glued_unsolved", "glued run that cannot fill the row"),
    "short": ("missing_values", "fewer values than columns; read left to right, the rest null"),
    "extra": ("extra_values", "more values than columns; the first ones are used"),
}


def _declared_units(template: Template, block: Block, region: Region, units: dict[str, str]) -> None:
    """A unit the official header states (本年收费金额（单位：万元）) applies once the block is printed."""
    if region.anchor is None:
        return
    for r in block.rows:
        for c in block.cols:
            if c.unit and block.key(r, c) not in units:
                units[block.key(r, c)] = c.unit
