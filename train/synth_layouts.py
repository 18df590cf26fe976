"""Layouts: the ways a scrape flattens a report (prose and tables) into text.

Each layout turns the document's blocks (chrome lines, title, paragraphs, section headings, tables,
signature) into a flat :class:`~train.synth_doc.Seg` list:

- ``lines``: one cell per line with blank lines between, rows separated by extra blank lines;
- ``pipe``: each cell on its own line ending with `` |``, ``|||`` spacer rows, ``|`` for an empty cell;
- ``tabs``: PDF text, a row per line, cells tab-separated, long labels continued on the next line,
  spaced-out header characters (``自 然 人``);
- ``glued``: HTML flattened into one paragraph, cells glued with no delimiter (``规章000``) or with single
  spaces that do not always follow cell boundaries (``1 0 0 0 0 01``);
- ``pdf_columns``: PDF text with hard-wrapped prose, page footers, values of some row ranges in
  column-major blocks with their labels bunched apart, interleaved multi-line header cells;
- ``markdown``: OCR'd markdown pipe tables, with some row ranges merged into one row (``<br>``) or their
  labels detached from their numbers, page footers inside.

Glued runs: a run of cells with no delimiter is one VALUE piece covering all its keys. With spaces, each
space-separated token is a piece (a token holding several cells is a glued piece) — unless two or more
tokens hold several cells, in which case the spacing is erratic and the whole run is one piece
(``10 0 1 200 0 0 0 0 0 0 00``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .synth_doc import Seg
from .synth_tables import Cell, Table, TRow

LAYOUTS = ("lines", "pipe", "tabs", "glued", "pdf_columns", "markdown")


@dataclass
class DocBlock:
    kind: str  # chrome | title | para | heading | anchor | table | signature
    segs: list[Seg] = field(default_factory=list)
    table: Table | None = None


def cell_seg(cell: Cell, text: str | None = None) -> Seg:
    t = cell.text if text is None else text
    return Seg(t, cell.label if t else None, cell.keys)


def _footer(rng: random.Random, page: int) -> str:
    return rng.choice(["-{}-", "- {} -", "— {} —", "—{}—", "第{}页"]).format(page)


class Layout:
    """Base: blocks joined by a separator; subclasses render paragraphs and tables their own way."""

    name = "base"
    block_sep = "\n\n"

    def __init__(self, rng: random.Random):
        self.rng = rng

    def render(self, blocks: list[DocBlock]) -> list[Seg]:
        out: list[Seg] = []
        for b in blocks:
            if b.kind == "anchor":
                out.extend(b.segs)
                continue
            piece = self.table(b.table) if b.kind == "table" else getattr(self, b.kind)(b.segs)
            out.extend(piece)
            out.append(Seg(self.sep_after(b)))
        return self.finish(out)

    def sep_after(self, block: DocBlock) -> str:
        return self.block_sep

    def finish(self, segs: list[Seg]) -> list[Seg]:
        return segs

    # default renderings
    def chrome(self, segs: list[Seg]) -> list[Seg]:
        return segs

    def title(self, segs: list[Seg]) -> list[Seg]:
        return segs

    def para(self, segs: list[Seg]) -> list[Seg]:
        return segs

    def heading(self, segs: list[Seg]) -> list[Seg]:
        return segs

    def signature(self, segs: list[Seg]) -> list[Seg]:
        return segs

    def table(self, table: Table) -> list[Seg]:
        raise NotImplementedError


# --------------------------------------------------------------------------------------------------------
# lines


class LinesLayout(Layout):
    """Every cell on its own line, blank lines between (HTML table cells as paragraphs)."""

    name = "lines"

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.pad_lines = rng.random() < 0.5
        self.indent = rng.choice(["", "", "    "])
        self.trailing = rng.random() < 0.5
        self.cell_sep = rng.choice(["\n\n", "\n\n", "\n"])
        self.nbsp = rng.random() < 0.25  # cells padded with no-break / ideographic spaces, filler lines

    def _filler(self) -> str:
        if self.nbsp and self.rng.random() < 0.3:
            return self.rng.choice(["\xa0\xa0", "\u3000", "\xa0"]) + "\n"
        return ""

    def _cell(self, cell: Cell) -> list[Seg]:
        if not cell.text:
            return [Seg(self._filler() + "\n")]
        pad = "\xa0" * self.rng.randint(0, 6) if self.nbsp and cell.kind == "value" else ""
        return [Seg(self._filler() + pad), cell_seg(cell), Seg(self.cell_sep)]

    def _trail(self) -> str:
        return " " * self.rng.choice([0, 0, 3, 4, 7]) if self.trailing else ""

    def para(self, segs):
        return [Seg(self.indent)] + segs + [Seg(self._trail())]

    def heading(self, segs):
        return segs + [Seg(self._trail())]

    def title(self, segs):
        return [Seg(self.indent)] + segs

    def signature(self, segs):
        pad = " " * self.rng.choice([0, 16, 23, 25])
        return [Seg(pad)] + [Seg("\n\n" + pad) if s.text == "\n" else s for s in segs]

    def table(self, table):
        out: list[Seg] = []
        for row in table.rows:
            for cell in row.cells:
                if cell.kind in ("gone", "span") or (cell.kind == "pad" and not self.pad_lines):
                    continue
                out += self._cell(cell)
            out.append(Seg("\n" * self.rng.choice([0, 1, 1, 2])))
        out[-1] = Seg("")
        return out


# --------------------------------------------------------------------------------------------------------
# pipe


class PipeLayout(Layout):
    """Each cell on its own line ending with `` |``; spacer rows of pipes; ``|`` for an empty cell."""

    name = "pipe"
    block_sep = "\n"

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.inline_spacer = rng.random() < 0.35

    def _spacer(self, width: int) -> str:
        return "|" * max(1, width + self.rng.choice([-1, 0, 0, 1]))

    def table(self, table):
        out: list[Seg] = []
        for row in table.rows:
            cells = [c for c in row.cells if c.kind not in ("gone", "span")]
            for cell in cells:
                out += [cell_seg(cell), Seg(" |\n")] if cell.text else [Seg("|\n")]
            width = max(1, sum(1 for c in row.cells if c.kind == "span") + self.rng.choice([0, 1, 2]))
            if self.rng.random() < 0.8:
                spacer = self._spacer(width)
                if self.inline_spacer and out and out[-1].text == " |\n":
                    out[-1] = Seg(" | " + spacer + "\n")
                else:
                    out.append(Seg(spacer + "\n"))
        out.append(Seg(""))
        return _strip_last_newline(out)


def _strip_last_newline(out: list[Seg]) -> list[Seg]:
    for i in range(len(out) - 1, -1, -1):
        if out[i].text:
            if not out[i].label and out[i].text.endswith("\n"):
                out[i] = Seg(out[i].text[:-1])
            break
    return out


# --------------------------------------------------------------------------------------------------------
# tabs


class TabsLayout(Layout):
    """PDF text: a row per line, tab-separated; long labels wrap onto the next line; spaced header chars."""

    name = "tabs"

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.spaced_headers = rng.random() < 0.6
        self.break_labels = rng.random() < 0.7

    def _header_text(self, cell: Cell) -> str:
        if self.spaced_headers and cell.kind == "col" and 2 <= len(cell.text) <= 6 and self.rng.random() < 0.8:
            return " ".join(cell.text)
        return cell.text

    def table(self, table):
        out: list[Seg] = []
        rng = self.rng
        for row in table.rows:
            line: list[Seg] = []
            cont: tuple[int, Seg] | None = None
            for i, cell in enumerate(row.cells):
                if i:
                    line.append(Seg("\t"))
                text = self._header_text(cell) if row.role == "header" else cell.text
                if (cell.kind == "row" and self.break_labels and len(text) >= 8 and rng.random() < 0.12
                        and cont is None):
                    k = rng.randint(3, len(text) - 2)
                    cont = (i, cell_seg(cell, text[k:]))
                    text = text[:k]
                elif cell.kind in ("row", "group") and len(text) >= 8 and rng.random() < 0.15:
                    k = rng.randint(3, len(text) - 2)
                    if " " not in text[k - 1:k + 1]:
                        text = text[:k] + " " + text[k:]  # a wrap inside the cell, one span
                line.append(cell_seg(cell, text) if cell.text else Seg(""))
            trailing = "\t" * rng.choice([0, 0, 1, 2, 3]) if row.role != "data" or rng.random() < 0.3 else ""
            out += line + [Seg(trailing + "\n")]
            if cont is not None:
                gap = "\n" if rng.random() < 0.5 else ""
                out += [Seg(gap + "\t" * cont[0]), cont[1], Seg("\t" * rng.randint(0, 7) + "\n")]
        return _strip_last_newline(out)


# --------------------------------------------------------------------------------------------------------
# glued


class GluedLayout(Layout):
    """HTML flattened into one paragraph: no line breaks, cells glued or single-spaced."""

    name = "glued"

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.block_join = rng.choice(["", "", " "])
        self.header_sep = rng.choice(["", " "])
        self.value_style = rng.choice(["glued", "glued", "spaced"])

    def render(self, blocks):
        chrome = [b for b in blocks if b.kind == "chrome"]
        body = [b for b in blocks if b.kind != "chrome"]
        out: list[Seg] = []
        for b in chrome:
            out += b.segs + [Seg("\n")]
        for i, b in enumerate(body):
            if b.kind == "anchor":
                out.extend(b.segs)
                continue
            if b.kind == "table":
                out += self.table(b.table)
            elif b.kind == "signature":
                out += [Seg(" ") if s.text == "\n" else s for s in b.segs]
            else:
                out += [Seg(s.text.replace("\n", " "), s.label, s.keys, s.info) for s in b.segs]
            out.append(Seg(self.block_join if b.kind != "signature" else ""))
        return out

    def table(self, table):
        rng = self.rng
        header_sep = self.header_sep if rng.random() < 0.8 else rng.choice(["", " "])
        out: list[Seg] = [Seg(header_sep)]
        run: list[Cell] = []
        style = self.value_style if rng.random() < 0.85 else rng.choice(["glued", "spaced"])
        label_sep = rng.choice(["", "", " "])

        def flush():
            if run:
                out.append(Seg(label_sep))
                out.extend(self._run(run, style))
                out.append(Seg(rng.choice(["", "", " "])))
                run.clear()

        for row in table.rows:
            for cell in row.cells:
                if not cell.text:
                    continue
                if cell.kind == "value":
                    run.append(cell)
                    continue
                flush()
                out += [cell_seg(cell), Seg(header_sep if cell.kind in ("col", "title") else "")]
        flush()
        return out

    def _run(self, cells: list[Cell], style: str) -> list[Seg]:
        keys = tuple(k for c in cells for k in c.keys)
        if style == "glued" or len(cells) == 1:
            return [Seg("".join(c.text for c in cells), "VALUE", keys)]
        # spaced: a space at most cell boundaries; the dropped ones glue neighbouring cells into tokens
        tokens: list[list[Cell]] = [[cells[0]]]
        p_drop = self.rng.choice([0.05, 0.1, 0.25])
        for c in cells[1:]:
            if self.rng.random() < p_drop:
                tokens[-1].append(c)
            else:
                tokens.append([c])
        if sum(len(t) > 1 for t in tokens) >= 2:  # erratic spacing: the whole run is one piece
            return [Seg(" ".join("".join(c.text for c in t) for t in tokens), "VALUE", keys)]
        out: list[Seg] = []
        for i, t in enumerate(tokens):
            if i:
                out.append(Seg(" "))
            out.append(Seg("".join(c.text for c in t), "VALUE", tuple(k for c in t for k in c.keys)))
        return out


# --------------------------------------------------------------------------------------------------------
# pdf_columns


NO_LINE_START = set("，。、；：）》”’！？")  # typesetting keeps these off the start of a line


def wrap_segs(segs: list[Seg], width: int, rng: random.Random) -> list[Seg]:
    """Hard-wrap prose at ``width`` characters, never inside a labelled piece."""
    out: list[Seg] = []
    col = 0
    for s in segs:
        if s.label or not s.text:
            out.append(s)
            col += len(s.text)
            continue
        buf = []
        for ch in s.text:
            if ch == "\n":
                col = -1
            elif col >= width and ch not in NO_LINE_START:
                buf.append("\n")
                col = 0
            buf.append(ch)
            col += 1
        out.append(Seg("".join(buf)))
    return out


def interleave_headers(cells: list[Cell], width: int) -> list[Seg]:
    """Multi-line header cells side by side, as PDF text gives them: line i holds the i-th fragment of
    every cell that has one (``社会 法律⏎商业 科研⏎公益 服务 其他``); each fragment is a COL_HEADER."""
    frags = [[c.text[i:i + width] for i in range(0, len(c.text), width)] for c in cells if c.text]
    if not frags:
        return []
    height = max(len(f) for f in frags)
    offsets = [(height - len(f)) // 2 for f in frags]
    out: list[Seg] = []
    for line in range(height):
        items = [f[line - o] for f, o in zip(frags, offsets) if 0 <= line - o < len(f)]
        for j, text in enumerate(items):
            if j:
                out.append(Seg(" "))
            out.append(Seg(text, "COL_HEADER"))
        out.append(Seg("\n"))
    return out


class PdfColumnsLayout(Layout):
    """PDF text where some row ranges come out column by column, labels apart from their numbers."""

    name = "pdf_columns"
    block_sep = "\n"

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.width = rng.randint(26, 36)
        self.page_lines = rng.randint(30, 42)
        self.page = rng.randint(1, 2)
        self.lines = rng.randint(0, 20)  # lines of the current page already used

    def para(self, segs):
        return self._paginate(wrap_segs(segs, self.width, self.rng) + [Seg("\n")])

    def sep_after(self, block: DocBlock) -> str:
        return "" if block.kind == "para" else "\n"

    def heading(self, segs):
        self.lines += 1
        if self.lines >= self.page_lines:
            return segs + [Seg("\n" + self._footer_seg().text.strip("\n") + "\n")]
        return segs

    def _footer_seg(self) -> Seg:
        self.page += 1
        self.lines = 0
        return Seg("\n" + _footer(self.rng, self.page) + "\n\n")

    def _paginate(self, segs: list[Seg]) -> list[Seg]:
        """Insert page footers into wrapped prose after every ``page_lines`` lines."""
        out: list[Seg] = []
        for s in segs:
            if s.label or "\n" not in s.text:
                out.append(s)
                continue
            buf = ""
            for ch in s.text:
                buf += ch
                if ch == "\n":
                    self.lines += 1
                    if self.lines >= self.page_lines:
                        buf += self._footer_seg().text
            out.append(Seg(buf))
        return out

    def _maybe_footer(self, rows: int) -> list[Seg]:
        """Inside a table: printed rows use up the page; a footer lands between two chunks."""
        self.lines += rows
        if self.lines >= self.page_lines:
            f = self._footer_seg()
            return [Seg("\n" + f.text.lstrip("\n"))]
        return []

    def _label(self, cell: Cell) -> list[Seg]:
        """A label, wrapped over lines when long (one ROW_LABEL per line fragment)."""
        text = cell.text
        w = self.rng.randint(12, 18)
        if len(text) <= w + 2 or self.rng.random() < 0.5:
            return [cell_seg(cell)]
        out = []
        for i in range(0, len(text), w):
            if i:
                out.append(Seg("\n"))
            out.append(cell_seg(cell, text[i:i + w]))
        return out

    def _value_line(self, cell: Cell) -> list[Seg]:
        return [cell_seg(cell)] if cell.text else []

    def table(self, table):
        if table.table == "active":
            return self._active(table)
        if table.table == "requests":
            return self._requests(table)
        return self._review(table)

    def _active(self, table: Table) -> list[Seg]:
        rng, out = self.rng, []
        sep = rng.choice(["\n", "\n\n"])
        for row in table.rows:
            if row.role == "title":
                out += [cell_seg(row.cells[0]), Seg("\n")]
            elif row.role == "header":
                for c in row.cells:
                    if c.text:
                        out += [cell_seg(c), Seg(sep)]
            else:
                out += self._row_major(row, values_first=rng.random() < 0.35, sep=sep)
            out += self._maybe_footer(1)
        return out

    def _row_major(self, row: TRow, values_first: bool = False, sep: str = "\n\n") -> list[Seg]:
        """Label(s) then the values, one per line (values first: the active table's PDF order)."""
        labels: list[Seg] = []
        for c in row.labels:
            if c.text:
                labels += self._label(c) + [Seg(sep)]
        values: list[Seg] = []
        for c in row.values:
            values += self._value_line(c) + [Seg(sep)]
        return values + labels if values_first else labels + values

    def _column_major(self, rows: list[TRow]) -> tuple[list[Seg], list[Seg]]:
        """Values column by column (one block per column), and the rows' labels bunched together."""
        values: list[Seg] = []
        for j in range(len(rows[0].values)):
            for i, r in enumerate(rows):
                values += [cell_seg(r.values[j]), Seg("\n" if i < len(rows) - 1 else "\n\n")]
        groups = [c for r in rows for c in r.labels if c.kind == "group" and c.text]
        labels = [c for r in rows for c in r.labels if c.kind == "row" and c.text]
        for g in groups:  # a group heading lands somewhere inside its bunch, as PDF text order has it
            labels.insert(self.rng.randint(0, len(labels)), g)
        bunch: list[Seg] = []
        for i, c in enumerate(labels):
            bunch += self._label(c)
            bunch.append(Seg("\n\n" if self.rng.random() < 0.25 or i == len(labels) - 1 else "\n"))
        return values, bunch

    def _requests(self, table: Table) -> list[Seg]:
        rng = self.rng
        header = [r for r in table.rows if r.role == "header"]
        data = [r for r in table.rows if r.role == "data"]
        top = [c for c in header[0].cells if c.text]
        rng.shuffle(top)
        out: list[Seg] = []
        for c in top:
            out += self._label_like_header(c) + [Seg("\n\n")]
        mid = [c for c in header[1].cells if c.text]
        width = rng.choice([2, 2, 4])
        orgs = [c for c in header[2].cells if c.text]
        if len(mid) >= 2 and rng.random() < 0.6:
            mid[0], mid[1] = mid[1], mid[0]
        for c in mid[:-1]:
            out += [cell_seg(c), Seg("\n")]
        out += [Seg("\n")] + interleave_headers(orgs, width) + [Seg("\n")]
        out += [cell_seg(mid[-1]), Seg("\n\n")] if mid else []
        deferred: list[Seg] = []
        i = 0
        while i < len(data):
            k = rng.choice([1, 1, 2, 3, 4, 6, 8, 10])
            chunk = data[i:i + k]
            i += len(chunk)
            column_ok = len(chunk) > 1 and all(c.kind == "value" for r in chunk for c in r.values)
            if column_ok and rng.random() < 0.7:
                values, bunch = self._column_major(chunk)
                out += values
                if rng.random() < 0.3:
                    deferred += bunch  # the labels turn up after the next rows
                    out += self._maybe_footer(len(chunk))
                    continue
                out += bunch
            else:
                for r in chunk:
                    out += self._row_major(r)
            out += deferred + self._maybe_footer(len(chunk))
            deferred = []
        return out + deferred

    def _label_like_header(self, cell: Cell) -> list[Seg]:
        text = cell.text
        if len(text) > 20 and self.rng.random() < 0.7:
            k = self.rng.randint(12, len(text) - 4)
            return [cell_seg(cell, text[:k]), Seg("\n"), cell_seg(cell, text[k:])]
        return [cell_seg(cell)]

    def _review(self, table: Table) -> list[Seg]:
        rng = self.rng
        head1, head2, head3, data = table.rows
        out: list[Seg] = []
        for c in head1.cells + [c for c in head2.cells if len(c.text) > 4]:
            if c.text:
                out += [cell_seg(c), Seg(rng.choice(["\n", "\n\n"]))]
        subs = [c for c in head2.cells if 0 < len(c.text) <= 4] + [c for c in head3.cells if c.text]
        moved = None
        if subs and subs[-1].text == "总计" and rng.random() < 0.5:
            moved = subs.pop()  # the last header cell drifts into the values, as PDF order has it
        out += [Seg("\n")] + interleave_headers(subs, 2) + [Seg("\n")]
        values = data.values
        footer_at = rng.randrange(len(values)) if self.lines + 4 >= self.page_lines else -1
        for j, c in enumerate(values):
            if moved is not None and j == len(values) - 1:
                out += [cell_seg(moved), Seg("\n\n")]
            if j == footer_at:
                out += [Seg(self._footer_seg().text.lstrip("\n"))]
            out += ([cell_seg(c)] if c.text else []) + [Seg("\n\n")]
        return out + self._maybe_footer(4)


# --------------------------------------------------------------------------------------------------------
# markdown


class MarkdownLayout(Layout):
    """OCR output as markdown: pipe tables, some row ranges merged or with labels apart, footers inside."""

    name = "markdown"

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.hashes = rng.random() < 0.5
        self.page_every = rng.randint(35, 70)
        self.page = 1

    def title(self, segs):
        return [Seg("# ")] + segs if self.hashes else segs

    def heading(self, segs):
        return [Seg("## ")] + segs if self.hashes else segs

    def _row(self, cells: list[list[Seg]]) -> list[Seg]:
        out = [Seg("|")]
        for c in cells:
            out += [Seg(" ")] + c + [Seg(" |")]
        return out + [Seg("\n")]

    def _cells(self, row: TRow) -> list[list[Seg]]:
        return [[cell_seg(c)] if c.text else [] for c in row.cells]

    def table(self, table):
        rng = self.rng
        out: list[Seg] = []
        rows = list(table.rows)
        width = max(len(r.cells) for r in rows)
        if rows[0].role == "title" and rng.random() < 0.5:
            out += [cell_seg(rows[0].cells[0]), Seg("\n\n")]
            rows = rows[1:]
        first = True
        i = 0
        while i < len(rows):
            row = rows[i]
            merge = (table.table == "requests" and row.role == "data" and rng.random() < 0.12)
            if merge:
                chunk = [r for r in rows[i:i + rng.randint(2, 5)] if r.role == "data"]
                if all(c.kind == "value" and " " not in c.text for r in chunk for c in r.values):
                    out += self._merged(chunk)
                    i += len(chunk)
                    continue
            if row.role == "data" and any(c.text for c in row.labels) and rng.random() < 0.06:
                # label detached: values first in a row of their own, the label in the next
                cells = self._cells(row)
                label_cells = [c if rc.kind in ("row", "group") else [] for c, rc in zip(cells, row.cells)]
                value_cells = [[] if rc.kind in ("row", "group") else c for c, rc in zip(cells, row.cells)]
                out += self._row(value_cells) + self._row(label_cells[:len(row.labels) + 1])
            else:
                out += self._row(self._cells(row))
            if first:
                out.append(Seg("|" + " --- |" * width + "\n"))
                first = False
            i += 1
            if rng.random() < 1 / self.page_every:
                self.page += 1
                out.append(Seg("\n" + _footer(rng, self.page) + "\n\n"))
                if rng.random() < 0.5:
                    out.append(Seg("|" + " --- |" * width + "\n"))
        return _strip_last_newline(out)

    def _merged(self, chunk: list[TRow]) -> list[Seg]:
        """Several rows OCR'd as one: each cell holds the rows' texts joined by <br> (or spaces)."""
        joiner = self.rng.choice(["<br>", "<br>", " "])
        labels = [c for r in chunk for c in r.labels if c.text]
        label_cell: list[Seg] = []
        for j, c in enumerate(labels):
            if j:
                label_cell.append(Seg("<br>"))
            label_cell.append(cell_seg(c))
        cols: list[list[Seg]] = []
        for j in range(len(chunk[0].values)):
            cell: list[Seg] = []
            for i, r in enumerate(chunk):
                if i:
                    cell.append(Seg(joiner))
                cell.append(cell_seg(r.values[j]))
            cols.append(cell)
        return self._row([label_cell] + cols)


LAYOUT_CLASSES = {cls.name: cls for cls in (LinesLayout, PipeLayout, TabsLayout, GluedLayout, PdfColumnsLayout,
                                            MarkdownLayout)}


def make_layout(name: str, rng: random.Random) -> Layout:
    return LAYOUT_CLASSES[name](rng)
