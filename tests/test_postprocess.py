"""The post-processor on small documents built from markup: sections, tables, values, checks, meta."""

from __future__ import annotations

import re

import pytest

from nianbao.infer.pipeline import build_record
from nianbao.infer.values import parse_value, split_row
from nianbao.template import get_template

from markup import markup


def V(x) -> str:
    return f"[[VALUE:{x}]]"


def R(x) -> str:
    return f"[[ROW_LABEL:{x}]]"


def H(x) -> str:
    return f"[[COL_HEADER:{x}]]"


def requests_table(template: str, values: dict[str, list[str]], cell_sep: str, row_sep: str,
                   group_labels: bool = True) -> str:
    """A requests table: header, then each row's label and its value cells."""
    block = get_template(template).block("requests")
    groups = {g.key: g.labels[0] for g in get_template(template).groups}
    out = [H("申请人情况"), cell_sep, H("自然人"), cell_sep, H("总计"), row_sep]
    seen = set()
    for r in block.rows:
        parent = r.parent
        if group_labels and parent and parent in groups and parent not in seen and parent != "results":
            out += [R(groups[parent]), cell_sep]
            seen.add(parent)
        if group_labels and parent == "results" and "results" not in seen:
            out += [R(groups["results"]), cell_sep]
            seen.add("results")
        out.append(R(r.labels[0]))
        row = values.get(r.key, ["0"] * 7)
        out += [cell_sep + V(v) if v is not None else cell_sep for v in row]
        out.append(row_sep)
    return "".join(out)


def doc(template: str, requests: str, active: str = "", review: str = "") -> tuple[str, list]:
    src = ("[[TITLE:某某县人民政府2021年政府信息公开工作年度报告]]\n"
           "[[SECTION:一、总体情况]]\n今年以来我县扎实推进政务公开。\n"
           "[[SECTION:二、主动公开政府信息情况]]\n" + active + "\n"
           "[[SECTION:三、收到和处理政府信息公开申请情况]]\n" + requests + "\n"
           "[[SECTION:四、政府信息公开行政复议、行政诉讼情况]]\n" + review + "\n"
           "[[SECTION:五、存在的主要问题及改进情况]]\n无。\n[[SECTION:六、其他需要报告的事项]]\n无。\n"
           "[[AGENCY:某某县人民政府]]\n[[DATE:2022年1月20日]]\n")
    return markup(src)


def requests_rows(template: str, a: int, b: int, m: int, with_total: bool = True):
    """The requests block, its row keys in order, a label per row, and made-up values per row (the six
    applicant cells, then their sum as 总计 when ``with_total``)."""
    t = get_template(template).block("requests")
    order = [r.key for r in t.rows]
    label = {r.key: r.labels[0] for r in t.rows}
    vals = {r: [str((i + a) * (j + b) % m) for j in range(6)] for i, r in enumerate(order)}
    for r in vals:
        vals[r].append(str(sum(int(x) for x in vals[r])) if with_total else None)
    return t, order, label, vals


def assert_rows(rec, block, order, vals) -> None:
    for r in order:
        got = [rec.cells[f"requests/{r}/{c.key}"] for c in block.cols]
        assert got == [None if v is None else int(v) for v in vals[r]], r


ACTIVE_2021 = ("[[TABLE_TITLE:第二十条第（一）项]]\n" + H("信息内容") + H("本年制发件数") + H("本年废止件数") + H("现行有效件数")
               + R("规章") + V("000") + R("行政规范性文件") + V("2433")
               + "[[TABLE_TITLE:第二十条第（五）项]]" + H("本年处理决定数量") + R("行政许可") + V("308")
               + "[[TABLE_TITLE:第二十条第（六）项]]" + R("行政处罚") + V("33") + R("行政强制") + V("0")
               + "[[TABLE_TITLE:第二十条第（八）项]]" + H("本年收费金额（单位：万元）") + R("行政事业性收费") + V("0"))


def test_glued_runs_are_split_by_the_identities_or_left_null():
    glued = {"new": ["690000069"], "granted": ["230000023"], "partial": ["9000009"],
             "unable.not_held": ["370000037"], "total": ["690000069"]}
    values = {k: v for k, v in glued.items()}
    req = requests_table("2021", values, "", "")
    # other rows: one glued run of seven zeros each
    text, spans = doc("2021", req.replace(V("0") * 7, V("0000000")), ACTIVE_2021,
                      H("结果维持") + V("10 0 1 200 0 0 0 0 0 0 00"))
    rec = build_record("x.txt", text, spans)
    assert rec.template == "2021"
    c = rec.cells
    assert [c[f"requests/new/{k}"] for k in ("natural", "business", "total")] == [69, 0, 69]
    assert c["requests/unable.not_held/natural"] == 37 and c["requests/unable.not_held/total"] == 37
    assert [c["active/rules/issued"], c["active/rules/repealed"], c["active/rules/in_force"]] == [0, 0, 0]
    # 2433 over three cells with no identity: 2,4,33 / 2,43,3 / 24,3,3 -> null and a flag, never a guess
    assert [c["active/normative/issued"], c["active/normative/in_force"]] == [None, None]
    assert any(f.kind == "glued_ambiguous" and "active/normative/issued" in f.keys for f in rec.flags)
    assert c["active/licensing/decisions"] == 308 and c["active/penalty/decisions"] == 33
    assert [c[f"review/reconsideration/{k}"] for k in ("upheld", "corrected", "other", "pending", "total")] == [1, 0, 0, 1, 2]
    assert rec.units == {"active/fees/amount": "万元"}
    assert rec.meta == {"agency": "某某县人民政府", "year": 2021}
    assert [d.value for d in rec.dates] == ["2022-01-20"]
    assert [s.n for s in rec.sections] == [1, 2, 3, 4, 5, 6]


def test_blank_cells_stay_null_and_rules_with_nulls_are_incomplete():
    values = {"new": ["3", "0", "0", "0", "0", "0", None], "total": [None] * 7}
    text, spans = doc("2019", requests_table("2019", values, "\n\n", "\n\n\n"))
    rec = build_record("x.txt", text, spans)
    assert rec.cells["requests/new/natural"] == 3
    assert rec.cells["requests/new/total"] is None
    assert all(rec.cells[f"requests/total/{c.key}"] is None for c in get_template("2019").block("requests").cols)
    status = {ch.id: ch.status for ch in rec.checks}
    assert status["requests.row_sum/new"] == "incomplete"
    assert status["requests.balance/natural"] == "incomplete"
    assert status["requests.row_sum/granted"] == "pass"


def test_tab_delimited_blank_cells_keep_their_columns():
    # The review table of a tab-separated PDF text: the reconsideration block is blank.
    review = (H("行政复议") + "\t" + H("行政诉讼") + "\n\t\t\t\t\t" + H("结 果 维 持") + "\n"
              + "\t\t\t\t\t" + "\t".join(V(x) for x in "0000000003") + "\n")
    text, spans = doc("2019", requests_table("2019", {}, "\t", "\n"), review=review)
    rec = build_record("x.txt", text, spans)
    assert [rec.cells[f"review/reconsideration/{k}"] for k in ("upheld", "total")] == [None, None]
    assert rec.cells["review/litigation_direct/upheld"] == 0
    assert rec.cells["review/litigation_after/total"] == 3
    assert {c.id: c.status for c in rec.checks}["review.sum/litigation_after"] == "fail"


def test_lost_row_label_filled_by_position_and_values_before_labels():
    active = ("[[TABLE_TITLE:第二十条第（一）项]]\n" + H("信息内容") + "\n" + H("本年新") + "\n"
              + V("6") + "\n" + V("6") + "\n" + V("6") + "\n" + R("规范性文件") + "\n" + V("0") + "\n" + V("0") + "\n" + V("0") + "\n"
              # a PDF block printing its value before its label
              + "[[TABLE_TITLE:第二十条第（五）项]]\n" + H("上一年项目数量") + "\n" + V("87") + "\n" + V("减3") + "\n" + V("84")
              + "\n\n" + R("其他对外管理服务项目") + "\n")
    text, spans = doc("2019", requests_table("2019", {}, " ", ""), active=active)
    rec = build_record("x.txt", text, spans)
    c = rec.cells
    assert [c["active/rules/new_made"], c["active/rules/total_published"]] == [6, 6]
    assert c["active/normative/new_published"] == 0
    assert [c["active/other_services/prev_items"], c["active/other_services/change"]] == [87, -3]
    assert c["active/licensing/prev_items"] is None  # not in the text: null, never a guess


@pytest.mark.parametrize("n_col_major", [10, 7])
def test_pdf_column_blocks_are_read_as_columns(n_col_major):
    # Rows 一 and 二 printed row by row, then the rows from (三)1 on printed column by column, their
    # labels in a bunch after the numbers. Seven rows of seven columns look like seven rows printed row by
    # row: the row sums (总计 = the six applicant columns) tell the two apart.
    t = get_template("2019").block("requests")
    order = [r.key for r in t.rows]
    col_major = order[4:4 + n_col_major]
    vals = {r: [str((i + 1) * (j + 1) % 5) for j in range(6)] for i, r in enumerate(order)}
    for r in vals:
        vals[r].append(str(sum(int(x) for x in vals[r])))
    parts = [H("自然人"), "\n\n", R("一、本年新收政府信息公开申请数量"), "\n\n"]
    parts += ["\n\n".join(V(v) for v in vals["new"]), "\n\n"]
    for r in order[1:4]:
        label = next(x for x in t.rows if x.key == r).labels[0]
        parts += [R(label), "\n\n", "\n\n".join(V(v) for v in vals[r]), "\n\n"]
    for c in range(7):
        parts += ["\n".join(V(vals[r][c]) for r in col_major), "\n\n"]
    parts += [R(next(x for x in t.rows if x.key == r).labels[0]) + "\n" for r in col_major]
    for r in order[4 + n_col_major:]:
        label = next(x for x in t.rows if x.key == r).labels[0]
        parts += ["\n", R(label), "\n\n", "\n\n".join(V(v) for v in vals[r]), "\n\n"]
    text, spans = doc("2019", "".join(parts))
    rec = build_record("x.txt", text, spans)
    for r in order:
        got = [rec.cells[f"requests/{r}/{c.key}"] for c in t.cols]
        assert got == [int(v) for v in vals[r]], r


def test_blank_cells_in_rows_printed_one_cell_per_line():
    # A blank cell leaves an extra empty line; the cells after it keep their columns.
    for cell_sep, blank in (("\n\n", "\n\n"), ("\n\n", "\n"), ("\n", "\n")):
        row = R("一、本年新收政府信息公开申请数量") + cell_sep + cell_sep.join(V(v) for v in "30") + cell_sep + blank \
            + cell_sep.join(V(v) for v in ("1", "0", "0", "4"))
        text, spans = doc("2019", H("自然人") + "\n\n" + row + "\n\n\n")
        c = build_record("x.txt", text, spans).cells
        got = [c[f"requests/new/{k}"] for k in ("natural", "business", "research", "nonprofit",
                                                  "legal_service", "other_org", "total")]
        assert got == [3, 0, None, 1, 0, 0, 4], (cell_sep, blank)


def test_pdf_column_blocks_with_a_blank_row_follow_the_template_order():
    # PDF text: rows 一 二 column by column before any label, then rows printed after their labels, the
    # results' sub-rows column by column with their labels bunched after, (七)总计 blank.
    t, order, label, vals = requests_rows("2019", 2, 1, 7)
    vals["total"] = [None] * 7
    vals["granted"][5] = None  # a blank cell: an empty line in the row's rhythm

    def columns(rows):
        return ["\n".join(V(vals[r][c]) for r in rows) + "\n\n" for c in range(7)]

    def row(r):
        return [R(label[r]), "\n\n"] + [V(v) + "\n\n" if v is not None else "\n\n" for v in vals[r]]

    parts = [H("自然人"), "\n\n"] + columns(order[:2]) + [R(label[r]) + "\n" for r in order[:2]]
    parts += row("granted") + row("partial") + columns(order[4:12]) + [R(label[r]) + "\n" for r in order[4:12]]
    for r in order[12:]:
        parts += ["\n"] + (row(r) if r != "total" else [R(label[r]), "\n\n\n\n"])
    text, spans = doc("2019", "".join(parts))
    rec = build_record("x.txt", text, spans)
    assert_rows(rec, t, order, vals)


def test_a_late_label_before_another_rows_values_does_not_anchor_them():
    # PDF text: rows 一 二 column by column, then the next six rows column by column and their labels;
    # only then 一's label (二's is lost), right before the values of row 5 (内部事务), whose own label is
    # lost too. Those values sit right after 一's label but cannot be row 一: eight printed rows come
    # before them. The printed rows keep the template's order; the later rows' labels anchor the rest.
    # (七)总计 is blank, so the values do not fill the whole grid.
    t, order, label, vals = requests_rows("2019", 3, 2, 9)
    vals["total"] = [None] * 7

    def columns(rows):
        return ["\n".join(V(vals[r][c]) for r in rows) + "\n\n" for c in range(7)]

    def row(r, with_label=True):
        return ([R(label[r]), "\n\n"] if with_label else []) + [V(v) + "\n\n" for v in vals[r]]

    parts = [H("自然人"), "\n\n"] + columns(order[:2]) + columns(order[2:8])
    parts += [R(label[r]) + "\n" for r in order[2:8]] + ["\n", R(label["new"]), "\n\n"]
    parts += row(order[8], with_label=False)
    for r in order[9:]:
        parts += row(r) if r != "total" else [R(label[r]), "\n\n\n\n\n\n\n\n"]
    text, spans = doc("2019", "".join(parts))
    assert_rows(build_record("x.txt", text, spans), t, order, vals)


def test_sections_missing_heading_and_misnumbered_subheading():
    src = ("[[SECTION:一、总体情况]]\n正文。\n[[TABLE_TITLE:第二十条第(一)项]]\n" + R("规章") + V("1") + V("1") + V("1")
           + "\n[[SECTION:三、收到和处理政府信息公开申请情况]]\n" + R("（七）总计") + V("0") * 7
           + "\n[[SECTION:、存在问题及改进情况]]\n问题。\n[[SECTION:三、下一步工作打算]]\n打算。\n")
    text, spans = markup(src)
    rec = build_record("x.txt", text, spans)
    got = [(s.n, s.start, s.heading) for s in rec.sections]
    assert got == [(1, 0, "一、总体情况"), (2, text.index("第二十条"), None),
                   (3, text.index("三、收到"), "三、收到和处理政府信息公开申请情况"),
                   (5, text.index("、存在"), "、存在问题及改进情况")]
    assert rec.sections[-1].end == len(text)


def test_not_a_report_and_no_table():
    text, spans = markup("今天天气很好，[[DATE:2020年4月8日]]我们去公园。")
    rec = build_record("x.txt", text, spans)
    assert rec.status == "not_a_report" and rec.error


@pytest.mark.parametrize("text,value,unit", [
    ("0", 0, None), ("1 0", 10, None), ("减37", -37, None), ("增52", 52, None), ("+52", 52, None),
    ("-21", -21, None), ("105.650万", 105.65, "万元"), ("45.82万元", 45.82, "万元"),
    ("176252079.43", 176252079.43, None), ("13575394432.52元", 13575394432.52, "元"), ("１２", 12, None),
])
def test_parse_value(text, value, unit):
    p = parse_value(text)
    assert p is not None and p.value == value and p.unit == unit


def test_a_printed_sign_goes_only_to_a_signed_column():
    # 上年项目数量 | 本年增/减 | 处理决定数量: ``315-430`` is 315,-4,30 or 315,-43,0 (never 31,5,-430)
    signed = [False, True, False]
    assert split_row(["315-430"], 3, signed=signed).values == [315, None, None]
    assert split_row(["315-430"], 3).values == [None, None, None]
    assert split_row(["450增750"], 3, signed=signed).values == [450, None, None]
    assert split_row(["12", "-5", "3"], 3, signed=signed).status == "direct"


def test_split_row_statuses():
    total = [7]  # one identity group: the last of seven cells is the sum of the others
    assert split_row(["690000069"], 7, total).values == [69, 0, 0, 0, 0, 0, 69]
    assert split_row(["1", "0", "0", "0", "0", "01"], 7, total).values == [1, 0, 0, 0, 0, 0, 1]
    assert split_row(["1000000"], 7, total).status == "forced"  # one split only, even if it fails the sum
    assert split_row(["2433"], 3).status == "ambiguous"
    assert split_row(["328291965元"], 2).status == "ambiguous"
    assert split_row(["0"] * 6, 7, total).status == "short"
    assert split_row(["12"], 7).status == "unsolved"
    # six digits for seven cells: no cell is known, not even the first (it is never a guess)
    assert split_row(["000000"], 7).values == [None] * 7
    # review row: three groups of five, totals pinned by the sums
    assert split_row(["10 0 1 200 0 0 0 0 0 0 00"], 15, [5, 5, 5]).values[:5] == [1, 0, 0, 1, 2]
    assert split_row(["3120015" + "00000" + "11002"], 15, [5, 5, 5]).values == \
        [3, 12, 0, 0, 15, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2]


def test_long_glued_runs_are_solved_fast_or_flagged():
    import time

    row = ["12345", "0", "0", "678", "0", "0", str(12345 + 678)]
    start = time.perf_counter()
    sol = split_row(["".join(row)], 7, [7])
    assert sol.values == [int(x) for x in row] and sol.status == "solved"
    long_active = split_row(["1234567890123456789012345"], 3)  # no identity: many readings, no search
    assert long_active.status == "ambiguous"
    assert time.perf_counter() - start < 5


def test_page_numbers_and_cell_fragments_and_column_rules():
    from nianbao.infer.tables import is_page_marker, join_within_cells
    from nianbao.spans import Span

    text = "0\n\n-3-\n\n第2页\n12"
    assert is_page_marker(text, Span(text.index("3"), text.index("3") + 1, "VALUE"))
    assert is_page_marker(text, Span(text.index("2页"), text.index("2页") + 1, "VALUE"))
    assert not is_page_marker(text, Span(0, 1, "VALUE"))
    assert is_page_marker("1\n第3頁\n", Span(3, 4, "VALUE"))  # traditional 頁
    row = "1 0 |\n1 |\n1 1 |"
    spans = [Span(m, m + 1, "VALUE") for m in (0, 2, 6, 10, 12)]
    assert join_within_cells(row, spans) == ["1 0", "1", "1 1"]
    # 110000011 over seven cells reads 11,0,…,11 or 1,10,0,…,11: both fit the row sum; the column balances
    # (new + carried over = total + carried forward) keep only the first.
    values = {"new": ["11", "0", "0", "0", "0", "0", "11"], "carried_forward": ["110000011"]}
    text, spans = doc("2019", requests_table("2019", values, " ", "\n"))
    rec = build_record("x.txt", text, spans)
    got = [rec.cells[f"requests/carried_forward/{c}"] for c in ("natural", "business", "total")]
    assert got == [11, 0, 11]
    assert not any(f.kind == "glued_ambiguous" for f in rec.flags)


def test_heading_pieces_are_joined_and_reach_back_to_the_line_start():
    text, spans = markup("正文。\n[[SECTION:四、]]政府信息公开行政复[[SECTION:议和行政诉讼情况]]\n内容\n、存在问题[[SECTION:及改进情况]]\n")
    from nianbao.infer.sections import heading_starts

    found = heading_starts(text, spans)
    assert found[4].start == text.index("四、") and found[4].end == text.index("\n内容")
    assert found[5].start == text.index("、存在")


def test_a_glued_row_that_breaks_its_own_sum_is_read_by_the_other_rules():
    # （七）总计 printed as 191000019 reads 19,1,0,0,0,0,19 (19 + 1 ≠ 19: the published row is wrong);
    # only that split matches the result rows above it, so it is taken and its own sum reported failing.
    values = {"granted": ["6", "1", "0", "0", "0", "0", "7"], "partial": ["13", "0", "0", "0", "0", "0", "13"],
              "total": ["191000019"]}
    text, spans = doc("2019", requests_table("2019", values, " ", "\n"))
    rec = build_record("x.txt", text, spans)
    got = [rec.cells[f"requests/total/{c.key}"] for c in get_template("2019").block("requests").cols]
    assert got == [19, 1, 0, 0, 0, 0, 19]
    status = {ch.id: ch.status for ch in rec.checks}
    assert status["requests.row_sum/total"] == "fail" and status["requests.result_sum/natural"] == "pass"
    # Nothing else to go by: the row stays null, with a flag that says the row breaks its own sum.
    text, spans = doc("2019", requests_table("2019", {"granted": ["191000019"]}, " ", "\n"))
    rec = build_record("x.txt", text, spans)
    assert rec.cells["requests/granted/natural"] is None
    assert any("own sum" in f.detail for f in rec.flags if "requests/granted/natural" in f.keys)


def test_sub_headings_in_parentheses_are_not_sections_and_chrome_is_not_the_agency():
    from nianbao.infer.meta import agency
    from nianbao.infer.sections import heading_starts

    text, spans = markup("[[SECTION:一、总体情况]]正文61条。二、主动公开政府信息情况(一)数量……"
                         "18651.06 ([[SECTION:二)主动公开政府信息的主要类别]]正文。[[SECTION:三、收到和处理政府信息公开申请情况]]")
    found = heading_starts(text, spans)
    assert found[2].start == text.index("二、主动")
    text, spans = markup("当前位置： 首页政务公开[[TITLE:某某局政府信息公开年报 某某县某某局2022年度政府信息公开工作年度报告]]"
                         "\n正文\n[[AGENCY:某某局]]\n")
    assert agency(text, spans) == "某某县某某局"


def test_markdown_rows_keep_blank_cells_in_their_columns():
    active = ("| [[TABLE_TITLE:第二十条第（五）项]] |\n| --- | --- | --- | --- |\n| " + H("信息内容") + " | "
              + H("上一年项目数量") + " | " + H("本年增/减") + " | " + H("处理决定数量") + " |\n| " + R("行政许可")
              + " |  | " + V("0") + " | " + V("16262") + " |\n")
    review = ("| " + H("行政复议") + " |  |  |  |  | " + H("行政诉讼") + " |\n| --- | --- |\n| " + H("总计") + " |\n"
              + "|  |  |  |  |  | " + " | ".join(V(x) for x in "0305800000") + " |\n")
    text, spans = doc("2019", requests_table("2019", {}, " ", "\n"), active=active, review=review)
    c = build_record("x.txt", text, spans).cells
    assert [c[f"active/licensing/{k}"] for k in ("prev_items", "change", "decisions")] == [None, 0, 16262]
    assert [c[f"review/reconsideration/{k}"] for k in ("upheld", "total")] == [None, None]
    assert [c[f"review/litigation_direct/{k}"] for k in ("upheld", "corrected", "pending", "total")] == [0, 3, 5, 8]


def test_cells_every_reading_of_an_ambiguous_run_agrees_on_are_kept():
    sol = split_row(["1212", "5"], 3)  # 12,12,5 / 121,2,5 / 1,212,5
    assert sol.status == "ambiguous" and sol.values == [None, None, 5]
    assert split_row(["2433"], 3).values == [None, None, None]  # 2,4,33 / 2,43,3 / 24,3,3


def test_values_after_a_heading_row_are_its_first_sub_row_whose_label_was_lost():
    block = get_template("2019").block("requests")
    first = next(r for r in block.rows if r.key == "denied.state_secret")
    values = {"denied.state_secret": ["1", "0", "0", "0", "0", "0", "1"],
              "carried_forward": ["0", "0", "0", "0", "0", "0", None]}  # the table is not a full grid
    req = requests_table("2019", values, "\n", "\n").replace(R(first.labels[0]) + "\n", "")
    text, spans = doc("2019", req)
    rec = build_record("x.txt", text, spans)
    got = [rec.cells[f"requests/denied.state_secret/{c.key}"] for c in block.cols]
    assert got == [1, 0, 0, 0, 0, 0, 1]
    assert not any(f.kind == "values_without_row" for f in rec.flags)


@pytest.mark.parametrize("text, year", [
    ("现将双田县人民政府2019年度政府信息公开工作情况报告如下。", 2019),
    ("本報告所列數據統計時限爲2024年01月01日至2024年12月31日。", 2024),
    ("一、总体情况\n2020年，在市政府办公室的正确领导下，我区……", 2020),
    ("一、总体情况\n一是做好政策解读。2020年2月26日，……", None),  # a date in the text is not the year reported
])
def test_report_year_without_a_title(text, year):
    from nianbao.infer.meta import report_year

    assert report_year(text, []) == year


def test_numbered_headings_win_over_sentence_fragments_and_inserted_sections():
    from nianbao.infer.meta import agency
    from nianbao.infer.sections import heading_starts

    # A layout that inserts 五、信息处理费收取情况: 六、存在的主要问题… is the template's section 5, and a
    # heading piece after the fee table's numbers does not pull them into it.
    text, spans = markup("[[SECTION:四、政府信息公开行政复议、行政诉讼情况]]000[[SECTION:五、信息处理费收取情况]]表000"
                         "[[SECTION:六、存在的主要问题和改进情况]]正文。[[SECTION:七、其他需要报告的事项]]无。")
    found = heading_starts(text, spans)
    assert found[5].start == text.index("六、存在") and found[5].end == text.index("正文。")
    assert found[6].start == text.index("七、其他")
    # The office that issued the document (…办公室 2020年1月26日印发) is not the reporting agency.
    text, spans = markup("[[TITLE:某某县经济发展局2019年政府信息公开工作年度报告]]\n正文\n[[AGENCY:某某县经济发展局]] 2020年1月20日\n"
                         "[[AGENCY:某某县经济发展局办公室]] 2020年1月26日印发\n")
    assert agency(text, spans) == "某某县经济发展局"


def test_a_label_standing_twice_takes_the_values_of_the_one_that_has_them():
    values = {"total": ["7", "0", "0", "0", "0", "0", "7"],
              "carried_forward": ["0", "0", "0", "0", "0", "0", None]}  # the table is not a full grid
    req = requests_table("2019", values, "\n", "\n")
    text, spans = doc("2019", "### " + R("（七）总计") + "\n" + req)  # a heading that repeats a row label
    rec = build_record("x.txt", text, spans)
    assert [rec.cells[f"requests/total/{c}"] for c in ("natural", "total")] == [7, 7]
    assert not any(f.kind == "row_repeated" for f in rec.flags)


def test_column_blocks_anchored_by_the_labels_printed_after_them():
    # PDF text: rows printed row-wise after their labels, then two blocks printed column by column, each
    # followed by its bunched labels, then (七)总计 blank (its label alone), then the last row. The blank
    # row leaves one fewer printed row than template rows after the last row-wise anchor; the labels after
    # each block say which rows it holds, so the blank one is 总计.
    t, order, label, vals = requests_rows("2021", 3, 2, 9)
    vals["total"] = [None] * 7
    first_block, second_block = order[10:14], order[14:-2]
    assert order[-2] == "total" and len(second_block) != len(t.cols)

    def row(r):
        return [R(label[r]), "\n\n"] + [V(v) + "\n\n" for v in vals[r]]

    def columns(rows):
        return ["\n".join(V(vals[r][c]) for r in rows) + "\n\n" for c in range(7)]

    parts = [H("自然人"), "\n\n"]
    for r in order[:10]:
        parts += row(r)
    parts += columns(first_block) + [R(label[r]) + "\n" for r in first_block] + ["\n"]
    parts += columns(second_block) + [R(label[r]) + "\n" for r in second_block]
    parts += [R(label["total"]), "\n\n"] + row(order[-1])
    text, spans = doc("2021", "".join(parts))
    rec = build_record("x.txt", text, spans)
    assert_rows(rec, t, order, vals)


def test_a_header_cell_drifted_into_the_review_values_takes_one_cell_of_the_rhythm():
    # The review table one cell per line, its whole 未经复议直接起诉 block blank (empty lines), and the last
    # block's 总计 header printed among its values: the header is no value and no blank.
    review_vals = ["314", "19", "0", "0", "333"] + [None] * 5 + ["183", "0", "4", "10", "197"]
    parts = ["[[TABLE_TITLE:行政复议]]\n", H("结果维持"), "\n\n"]
    for i, v in enumerate(review_vals):
        if i == 14:
            parts.append(H("总计") + "\n\n")
        parts.append((V(v) if v is not None else "") + "\n\n")
    text, spans = doc("2021", H("自然人") + R("一、本年新收政府信息公开申请数量") + V("0"), review="".join(parts))
    rec = build_record("x.txt", text, spans)
    got = [rec.cells[k] for k in get_template("2021").block("review").keys]
    assert got == [None if v is None else int(v) for v in review_vals]


def test_values_of_rows_that_lost_their_labels_glued_onto_the_row_before():
    # Glued layout: 3、… lost its label, so its digits follow 2、…'s (14 zeros over two rows: one split);
    # (二)部分公开 lost its label and its first cell is glued to its second (``0597``): 13 values, 14 cells.
    block = get_template("2021").block("requests")
    label = {r.key: r.labels[0] for r in block.rows}
    runs = {r.key: V("0000000") for r in block.rows}
    runs["denied.law_forbidden"] = V("00000000000000")
    runs["granted"] = " ".join(V(v) for v in "0 255 60 34 0 0 349 0597 2 92 0 0 691".split())
    lost = {"denied.security_stability", "partial"}
    # the lost rows' values are already in the runs before them
    req = H("自然人") + "".join(R(label[r.key]) + runs[r.key] + " " for r in block.rows if r.key not in lost)
    text, spans = doc("2021", req)
    c = build_record("x.txt", text, spans).cells
    cols = [col.key for col in block.cols]
    assert [c[f"requests/denied.law_forbidden/{k}"] for k in cols] == [0] * 7
    assert [c[f"requests/denied.security_stability/{k}"] for k in cols] == [0] * 7
    assert [c[f"requests/granted/{k}"] for k in cols] == [0, 255, 60, 34, 0, 0, 349]
    assert [c[f"requests/partial/{k}"] for k in cols] == [0, 597, 2, 92, 0, 0, 691]


def test_markdown_rows_merged_with_br_are_read_by_the_labels_before_them():
    # A markdown table where rows 3–7 of 不予公开 came out as one row, every cell holding five values
    # joined by <br>, their labels bunched in the first cell; the next row blank, its label lost. The
    # labels before the merged row say which rows it holds, so the blank row is the one after them.
    t, order, label, vals = requests_rows("2021", 1, 3, 11)
    merged = order[6:11]

    def line(r):
        return "| " + R(label[r]) + " | " + " | ".join(V(v) for v in vals[r]) + " |\n"

    md = "| " + H("自然人") + " | " + H("总计") + " |\n"
    md += "".join(line(r) for r in order[:6])
    md += "| " + "<br>".join(R(label[r]) for r in merged) + " | " + " | ".join(
        "<br>".join(V(vals[r][c]) for r in merged) for c in range(7)) + " |\n"
    vals[order[11]] = [None] * 7
    md += "|" + "  |" * 8 + "\n" + "".join(line(r) for r in order[12:])
    text, spans = doc("2021", md)
    rec = build_record("x.txt", text, spans)
    assert_rows(rec, t, order, vals)


def test_markdown_rows_with_a_blank_total_column_and_a_lost_label():
    # Markdown, 总计 blank in every row (a trailing empty cell), one row's label lost: its line is still its
    # row, and its cells are the line's last seven whatever label cells come first.
    t, order, label, vals = requests_rows("2021", 2, 5, 13, with_total=False)
    lost = order[9]
    vals[lost][4] = None

    def line(r):
        first = "|  |  |  |" if r == lost else "| " + R(label[r]) + " |"
        return first + "".join(f" {V(v)} |" if v is not None else "  |" for v in vals[r]) + "\n"

    text, spans = doc("2021", "| " + H("自然人") + " | " + H("总计") + " |\n" + "".join(line(r) for r in order))
    rec = build_record("x.txt", text, spans)
    assert_rows(rec, t, order, vals)


def test_a_merged_markdown_row_is_anchored_by_the_labels_in_its_first_cell():
    # Rows 一, 二 and (一) merged into one markdown line (three values per cell, joined by <br>; the heading
    # 三、本年度办理结果 among the labels), then (二)部分公开 blank with its label lost: the labels on the
    # merged line say which rows it holds, so the blank row is (二).
    t, order, label, vals = requests_rows("2021", 4, 1, 10)
    merged, blank = order[:3], order[3]
    assert blank == "partial"
    vals[blank] = [None] * 7
    vals[order[6]][2] = None  # and a blank cell further down: the values are no full grid
    first = "| " + "<br>".join([R(label["new"]), R(label["carried_over"]), R("三、本年度办理结果"), R(label["granted"])])
    md = "| " + H("自然人") + " | " + H("总计") + " |\n" + first + " | " + " | ".join(
        "<br>".join(V(vals[r][c]) for r in merged) for c in range(7)) + " |\n"
    md += "|  |  |" + "  |" * 7 + "\n"
    md += "".join("|  | " + R(label[r]) + " | " + " | ".join(V(v) if v is not None else "" for v in vals[r]) + " |\n"
                  for r in order[4:])
    text, spans = doc("2021", md)
    rec = build_record("x.txt", text, spans)
    assert_rows(rec, t, order, vals)


def test_a_row_label_cut_by_a_line_break_is_matched_by_its_first_words():
    from nianbao.infer.labels import match_row

    t = get_template("2021")
    assert match_row("4. 保护", t).row == "denied.third_party"  # only 保护第三方合法权益 starts so
    assert match_row("属于", t) is None  # 属于国家秘密, 属于三类内部事务信息 …: no one row
    # cut right after its numeral: the numeral and the first word start one printed label
    assert match_row("四、结", t).row == "carried_forward"
    assert match_row("（二）部", t).row == "partial"
    assert match_row("3.其", t).row == "other.misc"  # 3.其他 (其他处理): the only 3. starting with 其
    assert match_row("3.", t) is None  # a numeral alone says nothing


def test_a_row_printed_with_single_spaces_reads_one_number_per_column_when_the_count_fits():
    from nianbao.infer.tables import spaced_cells
    from nianbao.spans import Span

    # the tagger took 12 3 45 as one value of the three-column 规章 row: the spaces are its cell borders
    text, spans = doc("2021", requests_table("2021", {}, "", ""), ACTIVE_2021.replace(V("000"), V("12 3 45")))
    c = build_record("x.txt", text, spans).cells
    assert [c["active/rules/issued"], c["active/rules/repealed"], c["active/rules/in_force"]] == [12, 3, 45]
    # not when a group cannot be a number of its own (00), the count differs, or a delimiter is in between
    line = "0 00 5"
    assert spaced_cells(line, [Span(0, 6, "VALUE")], 3) is None
    assert spaced_cells("1 2 3 4", [Span(0, 7, "VALUE")], 3) is None
    assert spaced_cells("1 2\t3", [Span(0, 3, "VALUE"), Span(4, 5, "VALUE")], 3) is None
    assert spaced_cells("1 2 3", [Span(0, 3, "VALUE"), Span(4, 5, "VALUE")], 3) == ["1", "2", "3"]


def test_a_lost_label_and_a_blank_row_do_not_shift_the_rows_between_them():
    # the row 2.没有现成信息 lost its label and (七)总计 is blank: the counts fit a full grid by chance,
    # but the rows printed after their own labels say where each belongs
    block, order, label, vals = requests_rows("2021", 3, 5, 17)
    vals["total"] = [None] * 7
    req = requests_table("2021", vals, " | ", "\n").replace(R(label["unable.needs_creation"]), "")
    text, spans = doc("2021", req)
    assert_rows(build_record("x.txt", text, spans), block, order, vals)
    # reading the rows in label order (the full-grid reading) would shift them: it is refused
    from nianbao.infer.sections import heading_starts
    from nianbao.infer.tables import grid, split_regions

    starts = {n: s.start for n, s in heading_starts(text, spans).items()}
    assert grid(text, split_regions(text, spans, get_template("2021"), starts)["requests"]) is None


def test_spaces_in_a_cell_join_a_number_except_on_a_line_of_merged_rows():
    import re

    from nianbao.infer.tables import merge_within_cells, merged_row_lines
    from nianbao.spans import Span

    text = "| 1.甲 | 0 | 1 58 |\n| 2.乙<br>3.丙<br>4.丁 | 236 872 79 | 15 1 0 | 0 0 0 |"
    spans = [Span(m.start(), m.end(), "VALUE") for m in re.finditer(r"(?<![.\d])\d+(?![.\d])", text)]
    assert merged_row_lines(text, spans) == {text.index("| 2.")}
    got = [s.text(text) for s in merge_within_cells(text, spans)]
    assert got == ["0", "1 58", "236", "872", "79", "15", "1", "0", "0", "0", "0"]


def test_a_run_no_one_row_reading_of_which_adds_up_fills_the_next_row_that_lost_its_label():
    # 10000010000000 read as one row breaks its sum whatever the cuts (1,0,0,0,0,0,10000000 …); as this
    # row and the next (二、上年结转…, label lost) it reads one way only: 1,0,0,0,0,0,1 and seven zeros
    block = get_template("2021").block("requests")
    label = {r.key: r.labels[0] for r in block.rows}
    req = requests_table("2021", {"new": ["10000010000000"], "carried_over": []}, "", "")
    text, spans = doc("2021", req.replace(R(label["carried_over"]), ""))
    c = build_record("x.txt", text, spans).cells
    assert [c[f"requests/new/{k.key}"] for k in block.cols] == [1, 0, 0, 0, 0, 0, 1]
    assert [c[f"requests/carried_over/{k.key}"] for k in block.cols] == [0] * 7


def test_a_lone_value_with_a_money_unit_goes_to_the_amount_column_and_leaves_the_count_blank():
    active = ("[[TABLE_TITLE:第二十条第（九）项]]\n" + H("采购项目数量") + "\n" + H("采购总金额") + "\n"
              + R("政府集中采购") + "\n\n" + V("0万元") + "\n\n")
    rec = build_record("x.txt", *doc("2019", requests_table("2019", {}, "\n", "\n"), active))
    assert rec.cells["active/procurement/items"] is None
    assert rec.cells["active/procurement/amount"] == 0


def test_one_cell_per_line_rows_read_blanks_from_the_tables_rhythm():
    # Headers one per line (no empty line between): an empty line among the values is a blank cell even
    # where a row has too few values to show the rhythm itself.
    active = ("[[TABLE_TITLE:第二十条第（五）项]]\n" + H("信息内容") + "\n" + H("上一年项目数量") + "\n"
              + H("本年增/减") + "\n" + H("处理决定数量") + "\n" + R("行政许可") + "\n" + V("0") + "\n\n" + V("20")
              + "\n" + R("其他对外管理服务事项") + "\n" + V("3") + "\n\n" + V("0") + "\n\n"
              + "[[TABLE_TITLE:第二十条第（九）项]]\n" + H("信息内容") + "\n" + H("采购项目数量") + "\n"
              + H("采购总金额") + "\n" + R("政府集中采购") + "\n\n" + V("0") + "\n")
    text, spans = doc("2019", requests_table("2019", {}, "\n", "\n"), active=active)
    c = build_record("x.txt", text, spans).cells
    assert [c[f"active/licensing/{k}"] for k in ("prev_items", "change", "decisions")] == [0, None, 20]
    assert [c[f"active/other_services/{k}"] for k in ("prev_items", "change", "decisions")] == [3, None, 0]
    assert [c["active/procurement/items"], c["active/procurement/amount"]] == [None, 0]


def test_lines_of_no_break_spaces_between_cells_are_filler_not_blank_cells():
    # An HTML scrape prints &nbsp; lines between cells (118\n\xa0\n0); only an empty line is a blank cell.
    active = ("[[TABLE_TITLE:第二十条第（六）项]]\n" + H("信息内容") + "\n" + H("上一年项目数量") + "\n"
              + H("本年增/减") + "\n" + H("处理决定数量") + "\n" + R("行政处罚") + "\n" + V("118") + "\n\xa0\n"
              + V("0") + "\n\u3000\n" + V("5") + "\n" + R("行政强制") + "\n\u3000\n\n" + V("0") + "\n" + V("4") + "\n")
    text, spans = doc("2019", requests_table("2019", {}, "\n", "\n"), active=active)
    c = build_record("x.txt", text, spans).cells
    assert [c[f"active/penalty/{k}"] for k in ("prev_items", "change", "decisions")] == [118, 0, 5]
    assert [c[f"active/coercion/{k}"] for k in ("prev_items", "change", "decisions")] == [None, 0, 4]


def test_the_sentence_quoting_a_title_is_not_part_of_the_agency():
    from nianbao.infer.meta import agency

    text, spans = markup("结合我局工作实际，特向社会公布[[TITLE:某某县海坛片区管理局2023年政府信息公开工作年度报告]]。")
    assert agency(text, spans) == "某某县海坛片区管理局"


def test_a_title_that_opens_with_its_year_names_the_agency_after_it():
    from nianbao.infer.meta import agency

    # the tagger cut the two-line title in two and took the page chrome line above it into the first part
    text, spans = markup("[[TITLE:正文\n2025 年某某市某某区人民政府]]某[[TITLE:某街道政府信息\n公开工作年度报告]]\n正文。")
    assert agency(text, spans) == "某某市某某区人民政府某某街道"


def test_a_traditional_title_names_its_agency_as_printed():
    from nianbao.infer.meta import agency

    # the name ends at the report's words in traditional characters too (信息公開, 年度報告)
    text, spans = markup("[[TITLE:2019年上海市人民政府辦公廳政府信息公開工作年度報告]]\n"
                         "[[AGENCY:臨港]]新片區管理辦法。")
    assert agency(text, spans) == "上海市人民政府辦公廳"
    text, spans = markup("特向社會公佈[[TITLE:某某縣人民政府關於2023年政府信息公開工作年度報告]]。")
    assert agency(text, spans) == "某某縣人民政府"


def test_a_row_label_in_prose_before_its_tables_title_is_not_the_row():
    # The whole report on one line: the tagger read 行政处罚类15条 in the prose as a label and a value.
    active = ("其中土地出让类39条，" + R("行政处罚") + "类" + V("1") + "5条。[[TABLE_TITLE:第二十条第（六）项]]"
              + H("信息内容") + H("上一年项目数量") + H("本年增/减") + H("处理决定数量") + R("行政处罚") + V("300")
              + R("行政强制") + V("000"))
    text, spans = doc("2019", requests_table("2019", {}, "\n", "\n"), active=active)
    c = build_record("x.txt", text, spans).cells
    assert [c[f"active/penalty/{k}"] for k in ("prev_items", "change", "decisions")] == [3, 0, 0]


@pytest.mark.parametrize("source, n, starts_at", [
    # the tagger took 年主动公开政府信息 from a sentence; the numbered heading glued before it is section 2
    ("[[SECTION:一、总体情况]]正文，群众反馈。二、主动公开政府信息情况正文。2019[[SECTION:年主动公开政府信息]]"
     "118条。[[SECTION:三、收到和处理政府信息公开申请情况]]", 2, "二、主动"),
    # 四、 cut short by the tagger, and the same words in the sentence after it
    ("[[SECTION:三、收到和处理政府信息公开申请情况]]表。[[SECTION:四、政府信息公开行政复议与行政]]诉讼情况"
     "2022年，未有[[SECTION:政府信息公开行政复议及行政诉讼有关情况]]。[[SECTION:五、存在的主要问题及改进情况]]", 4, "四、"),
    # 一、 under words that are not the template's is still section 1; 七、 keeps its numeral
    ("报告如下（电话：0591-23107633）。一、年度工作核心成效（一）主动公开多点发力。"
     "[[SECTION:二、主动公开政府信息情况]]表。[[SECTION:五、]]当前问题。七、[[SECTION:其他需]]说明事项无。", 1, "一、年度"),
    ("报告如下（电话：0591-23107633）。一、年度工作核心成效（一）主动公开多点发力。"
     "[[SECTION:二、主动公开政府信息情况]]表。[[SECTION:五、]]当前问题。七、[[SECTION:其他需]]说明事项无。", 6, "七、"),
], ids=["fragment-in-sentence", "cut-heading-and-sentence", "first-section-own-words", "numeral-seven"])
def test_numbered_headings_beat_sentences_and_sections_may_have_words_of_their_own(source, n, starts_at):
    from nianbao.infer.sections import heading_starts

    text, spans = markup(source)
    assert heading_starts(text, spans)[n].start == text.index(starts_at)


def test_a_label_wrapped_over_lines_ends_on_its_last_line():
    from nianbao.infer.tables import split_regions

    block = get_template("2019").block("requests")
    first = block.rows[0].labels[0]  # 一、本年新收政府信息公开申请数量
    values = {r.key: [str(i + 1), "0", "0", "2", "0", "0", None] for i, r in enumerate(block.rows)}  # 总计 blank
    req = requests_table("2019", values, "\n\n", "\n\n\n").replace(
        R(first), R(first[:13]) + "\n" + R(first[13:]))
    text, spans = doc("2019", req)
    regions = split_regions(text, spans, get_template("2019"), {})
    wrapped = next(s for s, m in regions["requests"].labels if m.row == "new")
    assert text[wrapped.start:wrapped.end] == first[:13] + "\n" + first[13:]
    cells = build_record("x.txt", text, spans).cells
    assert [cells[f"requests/new/{c.key}"] for c in block.cols] == [1, 0, 0, 2, 0, 0, None]
    # a numbered fragment is the next row's label, not the rest of this one
    text, spans = markup(R("6、属于四类") + "\t1\t0\t0\t0\t0\t0\t1\n" + R("过程性信息") + "\t\t\n" + R("7、属于行政") + "\t0")
    labels = split_regions(text, spans, get_template("2019"), {})["requests"].labels
    assert [(text[s.start:s.end], m.row) for s, m in labels] == [
        ("6、属于四类", "denied.process_info"), ("过程性信息", "denied.process_info"),
        ("7、属于行政", "denied.enforcement_file")]  # too cut to match, its number names it


def test_pdf_rows_that_put_their_values_before_or_after_their_label_keep_their_blanks():
    # one cell per line, an empty line between cells; a blank cell leaves one more; the penalty row
    # prints its values before its label, the coercion row after it
    active = ("[[TABLE_TITLE:第二十条第（六）项]]\n" + H("信息内容") + "\n\n" + H("上一年项目数量") + "\n\n"
              + H("本年增/减") + "\n\n" + H("处理决定数量") + "\n\n\n\n" + V("-26") + "\n\n" + V("13981") + "\n\n"
              + R("行政处罚") + "\n\n" + R("行政强制") + "\n\n" + V("34") + "\n\n\n\n" + V("35292") + "\n\n\n"
              + "[[TABLE_TITLE:第二十条第（八）项]]\n" + H("信息内容") + "\n\n" + H("上一年项目数量") + "\n\n"
              + H("本年增/减") + "\n\n" + R("行政事业性收费") + "\n\n" + V("0") + "\n")
    text, spans = doc("2019", requests_table("2019", {}, "\n", "\n"), active=active)
    c = build_record("x.txt", text, spans).cells
    assert [c[f"active/penalty/{k}"] for k in ("prev_items", "change", "decisions")] == [None, -26, 13981]
    assert [c[f"active/coercion/{k}"] for k in ("prev_items", "change", "decisions")] == [34, None, 35292]
    assert [c["active/fees/prev_items"], c["active/fees/change"]] == [0, None]  # a trailing blank


def test_a_column_block_takes_its_rows_from_the_labels_after_it_in_template_order():
    # PDF text: two rows printed column by column, then the label column, with the label of the blank
    # row after them (予以公开) standing first; the next row printed row by row after its label
    block = get_template("2019").block("requests")
    label = {r.key: r.labels[0] for r in block.rows}
    cols = [["5", "2"], ["1", "0"], ["0", "0"], ["0", "0"], ["0", "0"], ["0", "0"], ["6", "2"]]
    values = "\n\n".join("\n".join(V(v) for v in col) for col in cols)
    req = (H("申请人情况") + "\n" + H("自然人") + "\n" + H("总计") + "\n\n" + values + "\n\n"
           + R(label["granted"]) + "\n\n\n\n\n\n\n\n" + R(label["new"]) + "\n" + R(label["carried_over"]) + "\n\n"
           + R(label["partial"]) + "\n\n" + "\n\n".join(V(v) for v in "3100004") + "\n")
    text, spans = doc("2019", req)
    c = build_record("x.txt", text, spans).cells
    assert [c[f"requests/partial/{k.key}"] for k in block.cols] == [3, 1, 0, 0, 0, 0, 4]
    assert [c[f"requests/new/{k.key}"] for k in block.cols] == [5, 1, 0, 0, 0, 0, 6]
    assert [c[f"requests/carried_over/{k.key}"] for k in block.cols] == [2, 0, 0, 0, 0, 0, 2]
    assert c["requests/granted/natural"] is None


def test_a_column_block_never_takes_rows_another_printed_row_holds():
    # PDF text: a block printed column by column and its labels; then two more blocks, their labels
    # bunched after the second one. The middle block has no labels of its own after it, and the labels
    # before it are the first block's.
    block = get_template("2019").block("requests")
    label = {r.key: r.labels[0] for r in block.rows}

    def column_block(*keys):
        return "\n\n".join("\n".join(V(v) for v in col) for col in zip(*(rows[k] for k in keys))) + "\n\n"

    keys = ("new", "carried_over", "granted", "partial", "denied.state_secret", "denied.law_forbidden")
    rows = {k: [str(i + 1), "0", "0", "0", "0", "1", str(i + 2)] for i, k in enumerate(keys)}
    req = (H("申请人情况") + "\n" + H("自然人") + "\n" + H("总计") + "\n\n" + column_block("new", "carried_over")
           + "\n".join(R(label[k]) for k in ("new", "carried_over")) + "\n\n"
           + column_block("granted", "partial") + column_block("denied.state_secret", "denied.law_forbidden")
           + "\n".join(R(label[k]) for k in ("denied.state_secret", "denied.law_forbidden", "granted", "partial"))
           + "\n\n" + R(label["total"]) + "\n")
    text, spans = doc("2019", req)
    c = build_record("x.txt", text, spans).cells
    for key, row in rows.items():
        assert [c[f"requests/{key}/{col.key}"] for col in block.cols] == [int(v) for v in row], key


def test_a_column_block_whose_label_column_runs_on_takes_the_rows_the_counts_fit():
    # PDF text: blocks printed column by column; after the last two blocks, the blank (七)总计's label,
    # then both blocks' labels. The rows those labels name hold several windows of six rows; only one
    # leaves the three rows before it to the block before it.
    block = get_template("2019").block("requests")
    label = {r.key: r.labels[0] for r in block.rows}
    leaf = [r.key for r in block.rows if r.key in {k.split("/")[1] for k in block.keys}]
    rows = {k: [str(i + 1), "0", "0", "0", "0", "1", str(i + 2)] for i, k in enumerate(leaf) if k != "total"}

    def column_block(keys):
        return "\n\n".join("\n".join(V(v) for v in col) for col in zip(*(rows[k] for k in keys))) + "\n\n"

    def labels(keys):
        return "\n".join(R(label[k]) for k in keys) + "\n\n"

    first, denied = leaf[1:4], leaf[4:12]
    unable, rest = leaf[12:15], leaf[15:21]
    assert leaf[21:] == ["total", "carried_forward"]
    req = (H("申请人情况") + "\n" + H("自然人") + "\n" + H("总计") + "\n\n" + R(label["new"]) + "\n\n"
           + "\n\n".join(V(v) for v in rows["new"]) + "\n\n" + column_block(first) + labels(first)
           + column_block(denied) + labels(denied) + column_block(unable) + column_block(rest)
           + R(label["total"]) + "\n" + "\n" * 14 + labels(unable + rest)
           + R(label["carried_forward"]) + "\n\n" + "\n\n".join(V(v) for v in rows["carried_forward"]) + "\n")
    text, spans = doc("2019", req)
    c = build_record("x.txt", text, spans).cells
    for key, row in rows.items():
        assert [c[f"requests/{key}/{col.key}"] for col in block.cols] == [int(v) for v in row], key
    assert all(c[f"requests/total/{col.key}"] is None for col in block.cols)


def test_empty_lines_before_a_rows_first_value_count_as_blanks_only_as_far_as_they_fit():
    from nianbao.infer.tables import line_columns

    # one empty line separates the header from the table, five more are the blank 行政复议 cells
    gaps = ["\n" * 7] + ["\n"] * 9
    assert line_columns(gaps, 15) == list(range(5, 15))
    assert line_columns(["\n\n"] + ["\n"] * 9, 15) == list(range(1, 11))  # fewer: as the lines say
    review = ("[[COL_HEADER:行政复议]]\n[[COL_HEADER:行政诉讼]]\n[[COL_HEADER:总计]]" + "\n" * 7
              + "\n".join(V(v) for v in "9202800000") + "\n")
    text, spans = doc("2019", requests_table("2019", {}, "\n", "\n"), review=review)
    c = build_record("x.txt", text, spans).cells
    assert c["review/reconsideration/total"] is None
    assert [c[f"review/litigation_direct/{k}"] for k in ("upheld", "corrected", "other", "pending", "total")] \
        == [9, 2, 0, 2, 8]


def test_a_sub_row_label_cut_too_short_to_match_is_named_by_its_number():
    # a tab-separated row broken over lines: 5.属于 | values | 三类内部事务信息 on the next line
    block = get_template("2019").block("requests")
    req = requests_table("2019", {}, "\t", "\n").replace(
        R("5.属于三类内部事务信息") + "\t" + "\t".join(V("0") for _ in range(7)),
        R("5.属于") + "\t" + "\t".join(V(v) for v in "3000003") + "\n\n\t\t" + R("三类内部事务信息") + "\t")
    assert R("5.属于") in req
    text, spans = doc("2019", req)
    c = build_record("x.txt", text, spans).cells
    assert [c[f"requests/denied.internal_affairs/{col.key}"] for col in block.cols] == [3, 0, 0, 0, 0, 0, 3]
    assert [c[f"requests/denied.third_party/{col.key}"] for col in block.cols] == [0] * 7


def test_a_page_footer_between_cells_keeps_the_rows_blanks_readable():
    from nianbao.infer.tables import line_columns

    gaps = ["\n" * 12] + ["\n\n"] * 8 + ["\n\n- 5 -\n\n"]  # 5 blank cells, then 10 values
    assert line_columns(gaps, 15) == list(range(5, 15))
    assert line_columns(["\n\n", "\n\n", "\n\n第3页\n"], 4) == [0, 1, 2]  # a footer tells of no blank
    assert line_columns(["\n"] + ["\n正文\n"], 3) is None  # words between cells: not a cell column


def test_a_one_column_row_reads_numbers_only_spaces_apart_as_one_cell():
    active = ("[[TABLE_TITLE:第二十条第（五）项]]\n" + H("信息内容") + "\n" + H("本年处理决定数量") + "\n"
              + R("行政许可") + "\n" + V("9") + " " + V("4") + "\n")
    text, spans = doc("2021", requests_table("2021", {}, "\n", "\n"), active=active)
    assert build_record("x.txt", text, spans).cells["active/licensing/decisions"] == 94


def test_consistent_anchors_keep_the_largest_set_that_can_hold_and_never_pick_between_equals():
    from nianbao.infer.tables import _consistent_anchors

    # eight printed rows before one anchored on template row 0: that anchor cannot hold
    assert _consistent_anchors([None] * 8 + [0, None, None, None, None, 13], 14) == [None] * 13 + [13]
    assert _consistent_anchors([0, 1, None, 3], 4) == [0, 1, None, 3]  # all hold: all kept
    assert _consistent_anchors([1, 1], 3) is None  # either could be right: nothing says which


def test_a_space_separated_row_the_tagger_cut_across_its_spaces_is_read_by_the_spaces():
    # 179 11 80 138 4 340: spaces at most cell borders, 80 is two glued cells (8, 0); the tagger's spans
    # (179 | 11 80 | 138 4 340) read as digit runs give no unique row, the spaces with the sum give one
    label = R("1.属于国家秘密")
    req = requests_table("2021", {}, "", "").replace(label + V("0") * 7,
                                                    label + V("179") + " " + V("11 80") + " " + V("138 4 340"))
    text, spans = doc("2021", req, ACTIVE_2021)
    c = build_record("x.txt", text, spans).cells
    keys = ("natural", "business", "research", "nonprofit", "legal_service", "other_org", "total")
    assert [c[f"requests/denied.state_secret/{k}"] for k in keys] == [179, 11, 8, 0, 138, 4, 340]


def test_a_missing_overview_heading_starts_section_one_at_the_first_prose_after_the_title():
    # PDF text that dropped 一、总体情况: the title, then straight into the overview's first sentence
    src = ("[[TITLE:某某县人民政府2021年政府信息公开工作年度报告]]\n（2022年1月20日）\n2021年，我县扎实推进政务公开。\n"
           "[[SECTION:二、主动公开政府信息情况]]\n" + ACTIVE_2021 + "\n[[SECTION:三、收到和处理政府信息公开申请情况]]\n"
           + requests_table("2021", {}, "", "") + "\n")
    text, spans = markup(src)
    sections = build_record("x.txt", text, spans).sections
    assert (sections[0].n, sections[0].start, sections[0].heading) == (1, text.index("2021年，我县"), None)
    # with its heading, section 1 starts there as before
    text, spans = markup(src.replace("）\n2021年", "）\n[[SECTION:一、总体情况]]\n2021年"))
    assert build_record("x.txt", text, spans).sections[0].start == text.index("一、总体情况")


REQUEST_COLS = ("natural", "business", "research", "nonprofit", "legal_service", "other_org", "total")


def requests_labels_2021() -> dict[str, str]:
    """Row key -> printed label of the 2021 requests table."""
    return {r.key: r.labels[0] for r in get_template("2021").block("requests").rows}


def requests_rows_read(requests: str, *rows: str) -> list[list]:
    """The cells read from a 2021 report with this requests table, one list per named row."""
    text, spans = doc("2021", requests, ACTIVE_2021)
    c = build_record("x.txt", text, spans).cells
    return [[c[f"requests/{r}/{k}"] for k in REQUEST_COLS] for r in rows]


def test_lines_of_no_break_spaces_are_blank_cells_or_filler_as_the_scrape_shows():
    # HTML ``<td>&nbsp;</td>`` flattened one cell per line: each line of no-break spaces is a blank cell
    rows = requests_labels_2021()
    cells = {"new": ["821", "35", None, None, "2", "1", "859"], "carried_over": ["18"] + [None] * 5 + ["18"]}
    req = re.sub(r"\n(?=\n)", "\n\xa0", requests_table("2021", cells, "\n", "\n"))
    assert "\n[[VALUE:35]]\n\xa0\n\xa0\n[[VALUE:2]]" in req
    assert requests_rows_read(req, "new", "carried_over") == [[821, 35, None, None, 2, 1, 859],
                                                              [18, None, None, None, None, None, 18]]
    # Word's HTML: numbers padded with no-break spaces, filler lines between some cells: no blanks
    filler = (R(rows["new"]) + "\n\xa0\xa0" + V("5") + "\n\xa0\n\xa0\xa0\xa0" + V("0") + "\n" + V("0")
              + "\n\u3000\n\xa0" + V("0") + "\n" + V("1") + "\n" + V("0") + "\n\xa0\n\xa0\xa0" + V("6"))
    plain = requests_table("2021", {}, "\n", "\n")
    zeros = R(rows["new"]) + "\n" + "\n".join(V("0") for _ in range(7))
    assert zeros in plain
    assert requests_rows_read(plain.replace(zeros, filler), "new") == [[5, 0, 0, 0, 1, 0, 6]]


def test_space_separated_rows_read_no_break_space_tokens_as_blank_cells():
    # HTML flattened with spaces: ``<td>&nbsp;</td>`` prints `` \xa0 `` between the cells around it
    rows = requests_labels_2021()
    plain = requests_table("2021", {}, " ", " ")
    zeros = {k: R(rows[k]) + "".join(" " + V("0") for _ in range(7)) for k in ("new", "carried_over")}
    assert all(z in plain for z in zeros.values())
    req = plain.replace(zeros["new"], R(rows["new"]) + " " + V("821") + " " + V("35") + " \xa0 \xa0 " + V("2")
                        + " " + V("1") + " " + V("859"))
    # a row whose blanks all follow its values: the blanks after them end the row exactly
    req = req.replace(zeros["carried_over"], R(rows["carried_over"]) + " " + V("14") + " " + V("2") + " \xa0" * 5)
    assert requests_rows_read(req, "new", "carried_over") == [[821, 35, None, None, 2, 1, 859],
                                                              [14, 2, None, None, None, None, None]]


def test_a_whole_row_glued_into_one_span_on_the_line_after_its_label_is_split():
    # one cell per line elsewhere, but this row's cells glued: 1,0,0,0,0,0,1 (not 1000001 and six blanks)
    rows = requests_labels_2021()
    plain = requests_table("2021", {}, "\n", "\n")
    zeros = R(rows["other.no_correction"]) + "".join("\n" + V("0") for _ in range(7))
    assert zeros in plain
    req = plain.replace(zeros, R(rows["other.no_correction"]) + "\n" + V("1000001"))
    assert requests_rows_read(req, "other.no_correction") == [[1, 0, 0, 0, 0, 0, 1]]


def test_markdown_rows_as_html2text_and_markdownify_print_them():
    rows = requests_labels_2021()

    def table(lines):
        return (H("申请人情况") + "\n" + H("自然人") + "\n" + H("总计") + "\n" + "\n".join(lines) + "\n"
                + "".join(R(rows[k]) + "| " + "| ".join(V("0") for _ in range(7)) + "\n"
                          for k in rows if k not in ("new", "carried_over", "granted")))

    # html2text: no opening bar, a blank last cell is the spaces after the last bar (after a heading cell)
    h2t = table([R(rows["new"]) + "| " + V("821") + "| " + V("35") + "|  |  | " + V("2") + "| " + V("1") + "| "
                 + V("859") + "  ",
                 R(rows["carried_over"]) + "| " + V("18") + "|  |  |  |  |  | " + V("18") + "  ",
                 R("三、本年度办理结果") + "| " + R(rows["granted"]) + "| " + V("258") + "| " + V("12") + "|  |  | " + V("1") + "| " + V("1")
                 + "|    "])
    assert requests_rows_read(h2t, "new", "granted") == [[821, 35, None, None, 2, 1, 859],
                                                         [258, 12, None, None, 1, 1, None]]
    # markdownify: a colspan doubles the label's cell; the lone value is in the first of the last 7 cells
    mdf = table(["| " + R(rows["new"]) + " | | " + V("821") + " | " + V("35") + " |  |  | " + V("2") + " | "
                 + V("1") + " | " + V("859") + " |",
                 "| " + R(rows["carried_over"]) + " | | " + V("3") + " |  |  |  |  |  |  |",
                 "| " + R(rows["granted"]) + " | " + " | ".join(V("0") for _ in range(7)) + " |"])
    assert requests_rows_read(mdf, "carried_over") == [[3, None, None, None, None, None, None]]


def test_glued_rows_with_a_no_break_space_for_each_blank_cell_split_around_the_blanks():
    # HTML flattened with no separator: digits glued, ``<td>&nbsp;</td>`` left as one \xa0 each
    rows = requests_labels_2021()
    plain = requests_table("2021", {}, "", "")
    zeros = {k: R(rows[k]) + V("0") * 7 for k in ("new", "carried_over", "granted")}
    assert all(z in plain for z in zeros.values())
    req = (plain.replace(zeros["new"], R(rows["new"]) + V("82135") + "\xa0\xa0" + V("21859"))
           .replace(zeros["carried_over"], R(rows["carried_over"]) + V("18") + "\xa0" * 5 + V("18"))
           .replace(zeros["granted"], R(rows["granted"]) + V("25812") + "\xa0\xa0" + V("11") + "\xa0"))
    new, carried, granted = requests_rows_read(req, "new", "carried_over", "granted")
    assert new == [821, 35, None, None, 2, 1, 859]  # the only split whose total adds up
    assert carried == [18, None, None, None, None, None, 18]
    # a blank total settles nothing: 258|12 or 2|5812 …; never the reading without the blanks
    assert granted[:4] == [None, None, None, None] and granted[6] is None


def test_two_sub_rows_that_lost_their_labels_after_a_heading_are_split_by_their_sums():
    # （六）其他处理 0130080212980051088 3.其他: the runs of 1. and 2. glued, their labels lost
    rows = requests_labels_2021()
    req = requests_table("2021", {}, "", "")
    lost = R(rows["other.no_correction"]) + V("0") * 7 + R(rows["other.no_fee"]) + V("0") * 7
    assert lost in req
    got = requests_rows_read(req.replace(lost, V("0130080212980051088")), "other.no_correction", "other.no_fee",
                             "other.misc")
    assert got == [[0, 13, 0, 0, 8, 0, 21], [29, 8, 0, 0, 51, 0, 88], [0] * 7]


def test_a_tab_row_whose_next_row_lost_its_label_keeps_its_blank_total():
    # PDF text, a row per line, the 总计 column blank: 一、… 0 0 0 0 0 0 ⇥ / ⇥ 1 2 3 4 5 6 ⇥ (二、… lost)
    rows = requests_labels_2021()
    req = requests_table("2021", {}, "\t", "\t\n")

    def row(label, vals):
        return (R(label) if label else "") + "".join("\t" + V(v) for v in vals) + "\t\n"

    new, carried = row(rows["new"], "0" * 7), row(rows["carried_over"], "0" * 7)
    assert new + carried in req
    req = req.replace(new + carried, row(rows["new"], "100000") + row(None, "123456"))
    assert requests_rows_read(req, "new", "carried_over") == [[1, 0, 0, 0, 0, 0, None], [1, 2, 3, 4, 5, 6, None]]


def test_a_pipe_row_whose_next_row_lost_its_label_ends_at_its_spacer_line():
    # one cell per line ending " |", "|" for a blank cell, "||" spacer rows: 7、… then 8、… without its label
    rows = requests_labels_2021()

    def row(label, vals, spacer):
        return (R(label) + " |\n" if label else "") + "".join(V(v) + " |\n" for v in vals) + "|\n" + spacer + "\n"

    req = requests_table("2021", {}, "\n", "\n")
    enforcement = R(rows["denied.enforcement_file"]) + "".join("\n" + V("0") for _ in range(7)) + "\n"
    inquiry = R(rows["denied.inquiry"]) + "".join("\n" + V("0") for _ in range(7)) + "\n"
    assert enforcement + inquiry in req
    req = req.replace(enforcement + inquiry, row(rows["denied.enforcement_file"], ["103", "40", "0", "0", "18", "0"], "||")
                      + row(None, ["54", "52", "2", "0", "62", "0"], "||||"))
    assert requests_rows_read(req, "denied.enforcement_file", "denied.inquiry") == [[103, 40, 0, 0, 18, 0, None],
                                                                                  [54, 52, 2, 0, 62, 0, None]]


def test_a_span_with_a_leading_zero_is_glued_cells_not_one_cell():
    # seven spans for seven cells, but 090 and 04 cannot be one cell each: the row is glued, here two
    # rows (the second lost its label), so one row cannot hold it
    texts = ["621", "0", "090", "2265265022", "10", "04", "677"]
    assert split_row(texts, 7, [7]).status != "direct"
    assert split_row(["621", "0", "0", "9", "0", "22", "652"], 7, [7]).status == "direct"
    two = split_row(texts, 14, [7, 7])
    assert two.status in ("forced", "solved")
    assert two.values[:7] == [621, 0, 0, 9, 0, 22, 652] and sum(two.values[7:13]) == two.values[13]


def _distinct_rows_2021() -> dict[str, list[str]]:
    """Each requests row of 2021 its own values (row i: i+1, 1, 0, 0, 0, 0, i+2), so a shift shows."""
    block = get_template("2021").block("requests")
    return {r.key: [str(i + 1), "1", "0", "0", "0", "0", str(i + 2)] for i, r in enumerate(block.rows)}


def _first_two_rows_column_by_column(req: str, cells: dict[str, list[str]]) -> str:
    """The requests table with its first two rows printed as PDF text prints a block: column by column
    (a blank line between columns), their two labels after it."""
    rows = requests_labels_2021()
    start, end = req.index(R(rows["new"])), req.index(R("三、本年度办理结果"))
    block = "".join(V(a) + "\n" + V(b) + "\n\n" for a, b in zip(cells["new"], cells["carried_over"]))
    return req[:start] + block + R(rows["new"]) + "\n" + R(rows["carried_over"]) + "\n\n" + req[end:]


def _read_all(req: str) -> dict[str, list]:
    keys = [r.key for r in get_template("2021").block("requests").rows]
    return dict(zip(keys, requests_rows_read(req, *keys)))


def test_a_lost_label_and_a_blank_row_do_not_shift_cells_one_per_line_into_a_full_grid():
    # one cell per line, a blank line between, the first two rows column by column (PDF text): 2．没有现成
    # 信息… lost its label and （七）总计 is blank, so
    # the values count as a full grid of the rows whose labels are printed; the labels right above each
    # row say otherwise
    cells = _distinct_rows_2021()
    cells["total"] = [None] * 7
    rows = requests_labels_2021()
    req = requests_table("2021", cells, "\n\n", "\n\n").replace(R(rows["unable.needs_creation"]), "")
    got = _read_all(_first_two_rows_column_by_column(req, cells))
    want = {k: [int(v) if v is not None else None for v in vals] for k, vals in cells.items()}
    assert got == want


def test_a_label_followed_by_a_blank_line_per_cell_is_a_blank_row():
    # （六）3.其他 lost its label; （七）总计 is printed with nothing after it but seven blank lines: the
    # unlabelled values are 3.其他's, and 总计 is blank
    cells = _distinct_rows_2021()
    cells["total"] = [None] * 7
    rows = requests_labels_2021()
    req = requests_table("2021", cells, "\n\n", "\n\n").replace(R(rows["other.misc"]), "")
    req = _first_two_rows_column_by_column(req, cells)
    got = _read_all(req)
    assert got["other.misc"] == [int(v) for v in cells["other.misc"]]
    assert got["total"] == [None] * 7 and got["carried_forward"] == [int(v) for v in cells["carried_forward"]]


def test_a_row_label_wrapped_after_its_values_names_its_row():
    # PDF text with tabs: ``2．其他法 ⇥ 0 ⇥ 0 ⇥ 0 ⇥ 36 …`` and the label's second line alone below it;
    # ``2．其他法`` alone reads as （六）3.其他, whose own label was lost
    rows = requests_labels_2021()
    req = requests_table("2021", {}, "\t", "\t\n")
    line = R(rows["denied.law_forbidden"]) + "".join("\t" + V("0") for _ in range(7)) + "\t\n"
    assert line in req
    wrapped = R("2．其他法") + "".join("\t" + V(v) for v in ["0", "0", "0", "36", "0", "0"]) + \
        "\t\n\n\t\t" + R("律行政法规禁止公开") + "\n"  # 总计 blank
    misc = R(rows["other.misc"]) + "".join("\t" + V("0") for _ in range(7))
    assert misc in req
    req = req.replace(line, wrapped).replace(misc, "\t\t" + "".join("\t" + V(v) for v in "1200003"))  # label lost
    got = requests_rows_read(req, "denied.law_forbidden", "other.misc")
    assert got == [[0, 0, 0, 36, 0, 0, None], [1, 2, 0, 0, 0, 0, 3]]


def test_markdown_rows_cut_short_stay_rows_when_the_printed_rows_are_aligned():
    # | 一、… | 6 values |  | then |  | 6 values |  | (二、… lost its label), and the last two rows merged
    # into one with <br>, so the rows are read in template order: each markdown line is one row
    rows = requests_labels_2021()
    keys = list(rows)
    vals = {k: [str(10 * i + j) for j in range(1, 7)] + [str(sum(10 * i + j for j in range(1, 7)))]
            for i, k in enumerate(keys)}
    vals["new"][6] = vals["carried_over"][6] = ""

    def line(label, cells):
        return "| " + (R(label) if label else "") + " | " + " | ".join(V(c) if c else "" for c in cells) + " |\n"

    body = [line(rows["new"], vals["new"]), line(None, vals["carried_over"])]
    body += [line(rows[k], vals[k]) for k in keys[2:-2]]
    last, after = keys[-2], keys[-1]
    body.append("| " + R(rows[last]) + "<br>" + R(rows[after]) + " | " +
                " | ".join(V(a) + "<br>" + V(b) for a, b in zip(vals[last], vals[after])) + " |\n")
    req = H("申请人情况") + " | " + H("自然人") + " | " + H("总计") + "\n" + "".join(body)
    got = requests_rows_read(req, "new", "carried_over", "granted")
    want = [[int(c) if c else None for c in vals[k]] for k in ("new", "carried_over", "granted")]
    assert got == want


def _zero_rows(sep: str, *keys: str) -> str:
    """The text :func:`requests_table` prints for these consecutive 2021 rows of zeros, cells ``sep`` apart."""
    rows = requests_labels_2021()
    return "".join(R(rows[k]) + "".join(sep + V("0") for _ in range(7)) + "\n" for k in keys)


def test_a_run_over_two_rows_that_several_splits_fit_keeps_only_what_they_share():
    # spaces that do not follow the cells: ``4323 0 997 237 90 4756 9 701 0 12 138 58918`` is
    # 1．本机关不掌握… and the next row, whose label was lost (99|7, 5|8|9|18…); the tagger cut it at the
    # spaces, so eleven values stand after one label. Several splits fit both rows' sums: the cells they
    # disagree on are null and flagged, and no value is guessed into the wrong column.
    rows = requests_labels_2021()
    req = requests_table("2021", {}, " ", "\n")
    pair = _zero_rows(" ", "unable.not_held", "unable.needs_creation")
    assert pair in req
    run = "4323 0 997 237 90 4756 9 701 0 12 138 58918".split(" ")
    req = req.replace(pair, R(rows["unable.not_held"]) + "".join(" " + V(v) for v in run) + "\n")
    text, spans = doc("2021", req, ACTIVE_2021)
    record = build_record("x.txt", text, spans)
    got = [[record.cells[f"requests/{r}/{k}"] for k in REQUEST_COLS] for r in ("unable.not_held", "unable.needs_creation")]
    assert got[0][:2] == [4323, 0] and got[0][2:4] == [None, None] and got[0][4:] == [237, 90, 4756]
    assert 997 not in got[0] + got[1]
    flagged = {k for f in record.flags if f.kind == "glued_ambiguous" for k in f.keys}
    assert "requests/unable.not_held/research" in flagged


def test_blank_cells_before_the_first_value_read_as_bare_line_breaks_when_only_that_adds_up():
    # one cell per line a blank line apart; the 行政复议 cells blank, each printed as a bare line break,
    # after the header row's own line: 总计 then eight line breaks, then ten values for fifteen cells.
    # Read as whole rhythms the six extra lines are three blanks and break two sums; as lines they are
    # five, and every sum holds.
    headers = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
               "复议后起诉"]
    values = ["0", "0", "0", "2", "2", "0", "23", "166", "2", "191"]
    review = "\n\n".join(H(h) for h in headers) + "\n" * 8 + "\n\n".join(V(v) for v in values) + "\n"
    text, spans = doc("2021", requests_table("2021", {}, "\n\n", "\n\n"), ACTIVE_2021, review)
    cells = build_record("x.txt", text, spans).cells
    got = [[cells[f"review/{r}/{c}"] for c in ("upheld", "corrected", "other", "pending", "total")]
           for r in ("reconsideration", "litigation_direct", "litigation_after")]
    assert got == [[None] * 5, [0, 0, 0, 2, 2], [0, 23, 166, 2, 191]]
    # the header row ended by one more line, the last five cells blank: the extra line is no blank cell
    review = "\n\n".join(H(h) for h in headers) + "\n" * 3 + "\n\n".join(V(v) for v in values) + "\n" * 8
    text, spans = doc("2021", requests_table("2021", {}, "\n\n", "\n\n"), ACTIVE_2021, review)
    cells = build_record("x.txt", text, spans).cells
    got = [[cells[f"review/{r}/{c}"] for c in ("upheld", "corrected", "other", "pending", "total")]
           for r in ("reconsideration", "litigation_direct", "litigation_after")]
    assert got == [[0, 0, 0, 2, 2], [0, 23, 166, 2, 191], [None] * 5]


def test_pipe_cells_one_per_line_count_off_rows_whose_spacer_is_one_pipe_wide():
    # ``4.保护第三方… |`` six values, ``|`` (blank 总计), ``|`` (a spacer one pipe wide), then the next
    # row's values (5.属于三类… lost its label) and a spacer printed on its last line (``107 | |``)
    rows = requests_labels_2021()
    req = requests_table("2021", {}, "\n", "\n")
    pair = _zero_rows("\n", "denied.third_party", "denied.internal_affairs")
    assert pair in req
    cell = lambda v: (V(v) + " |\n") if v else "|\n"  # noqa: E731
    piped = (R(rows["denied.third_party"]) + " |\n" + "".join(cell(v) for v in ["223", "7", "0", "0", "6", "0", ""])
             + "|\n" + "".join(cell(v) for v in ["204", "136", "", "0", "3", "0"]) + V("343") + " | |\n")
    got = requests_rows_read(req.replace(pair, piped), "denied.third_party", "denied.internal_affairs")
    assert got == [[223, 7, 0, 0, 6, 0, None], [204, 136, None, 0, 3, 0, 343]]


def test_a_full_grid_drops_one_stray_value_only_when_the_tagger_doubted_it():
    from nianbao.infer.pipeline import heading_starts
    from nianbao.infer.tables import grid, split_regions
    from nianbao.spans import Span

    cells = _distinct_rows_2021()
    rows = requests_labels_2021()
    req = requests_table("2021", cells, "\n\n", "\n\n")
    stray_at = R(rows["granted"])
    req = req.replace(stray_at, V("7") + "\n\n" + stray_at)  # a number between two rows, none of theirs
    text, spans = doc("2021", req, ACTIVE_2021)
    stray = next(s for s in spans if s.label == "VALUE" and text[s.start:s.end] == "7"
                 and text[s.end:s.end + 4] == "\n\n（一")

    def read(stray_score: float):
        scored = [Span(s.start, s.end, s.label, stray_score if s == stray else 0.998) for s in spans]
        heads = heading_starts(text, scored)
        region = split_regions(text, scored, get_template("2021"), {n: h.start for n, h in heads.items()})["requests"]
        return grid(text, region)

    doubted = read(0.61)
    assert doubted is not None and [v for v in doubted["granted"].values] == [int(v) for v in cells["granted"]]
    assert read(0.997) is None  # a value it was sure of: the count is off some other way, no grid


def test_markdown_rows_merged_with_a_lost_label_and_a_row_of_empty_cells_keep_their_places():
    # A 2019 markdown table: one row merges 二、… to 2.其他… with <br> (（一）予以公开 lost its label, so
    # six labels, two of them headings, over five values a cell); （七）总计 is a line of empty cells; the
    # values of （六）其他处理 stand on the line above its label.
    block = get_template("2019").block("requests")
    label = {r.key: r.labels[0] for r in block.rows}
    value = {r.key: [str(i + 1)] + ["0"] * 5 + [str(i + 1)] for i, r in enumerate(block.rows)}

    def row(key, lead="|  |  | "):
        return lead + R(label[key]) + " | " + " | ".join(V(v) for v in value[key]) + " |\n"

    def merged(labels, keys):
        cells = [R(x) for x in labels]
        return ("| " + "<br>".join(cells) + " | " +
                " | ".join("<br>".join(V(value[k][c]) for k in keys) for c in range(7)) + " |\n")

    first = ["carried_over", "granted", "partial", "denied.state_secret", "denied.law_forbidden"]
    table = (H("申请人情况") + " | " + H("自然人") + " | " + H("总计") + " |\n" + row("new", "| ")
             + merged([label["carried_over"], "三、本年度办理结果", label["partial"], "（三）不予公开",
                       label["denied.state_secret"], label["denied.law_forbidden"]], first)
             + "".join(row(k) for k in [r.key for r in block.rows][6:20])
             + "|  |  | " + " | ".join(V(v) for v in value["other"]) + " |\n"
             + "|  | " + R(label["other"]) + " |\n"
             + "|  | " + R(label["total"]) + " |" + "  |" * 7 + "\n" + row("carried_forward", "| "))
    src = ("[[TITLE:某某县人民政府2019年政府信息公开工作年度报告]]\n[[SECTION:一、总体情况]]\n今年以来我县扎实推进政务公开。\n"
           "[[SECTION:三、收到和处理政府信息公开申请情况]]\n" + table + "\n[[SECTION:四、政府信息公开行政复议、行政诉讼情况]]\n无。\n")
    text, spans = markup(src)
    record = build_record("x.txt", text, spans)
    assert record.template == "2019"
    got = {r.key: [record.cells[f"requests/{r.key}/{c}"] for c in REQUEST_COLS] for r in block.rows}
    want = {k: [int(v) for v in vals] for k, vals in value.items()}
    want["total"] = [None] * 7
    assert got == want


def test_a_run_whose_one_row_reading_breaks_its_sum_is_read_over_the_next_row_that_lost_its_label():
    # ``132 1501653 0 0351 254011 700272`` after 1.信访举报…: six spans make seven cells one way only
    # (132, 1501653, 0, 0, 351, 254011, 700272), which breaks the row's sum; over two rows (2.重复申请
    # lost its label) exactly one split keeps both sums
    rows = requests_labels_2021()
    req = requests_table("2021", {}, " ", "\n")
    pair = _zero_rows(" ", "not_processed.petition", "not_processed.duplicate")
    assert pair in req
    run = ["132", "1501653", "0", "0351", "254011", "700272"]
    req = req.replace(pair, R(rows["not_processed.petition"]) + "".join(" " + V(v) for v in run) + "\n")
    assert requests_rows_read(req, "not_processed.petition", "not_processed.duplicate") == \
        [[132, 150, 16, 53, 0, 0, 351], [254, 0, 11, 7, 0, 0, 272]]


def test_rows_one_cell_per_line_after_one_label_are_cut_by_their_blank_lines():
    # （一）予以公开, six values, an empty line (its 总计 blank), six more values (（二）部分公开 lost its
    # label), another empty line: two rows whose totals are blank, not one row and a shifted one
    rows = requests_labels_2021()
    req = requests_table("2021", {}, "\n\n", "\n\n")
    pair = R(rows["granted"]) + "".join("\n\n" + V("0") for _ in range(7)) + "\n\n" + \
        R(rows["partial"]) + "".join("\n\n" + V("0") for _ in range(7)) + "\n\n"
    assert pair in req
    run = "".join("\n\n" + V(v) for v in "120000") + "\n\n" + "".join("\n\n" + V(v) for v in "300400") + "\n\n\n\n"
    got = requests_rows_read(req.replace(pair, R(rows["granted"]) + run), "granted", "partial")
    assert got == [[1, 2, 0, 0, 0, 0, None], [3, 0, 0, 4, 0, 0, None]]


def test_a_tab_row_that_lost_its_label_starts_with_the_empty_label_cell():
    # PDF text with tabs: ``政府集中采购`` lost, its line ``⇥68⇥⇥``: the first tab ends the empty label
    # cell, so 68 is the 采购项目数量 and the amount is blank (a review row has no label cell: there a
    # leading tab is a blank first cell)
    procurement = ("[[TABLE_TITLE:第二十条第（九）项]]\n" + H("信息内容") + "\t" + H("采购项目数量") + "\t"
                   + H("采购总金额") + "\t\t\n\t" + V("68") + "\t\t\n")
    src = ("[[TITLE:某某县人民政府2019年政府信息公开工作年度报告]]\n[[SECTION:一、总体情况]]\n今年以来我县扎实推进政务公开。\n"
           "[[SECTION:二、主动公开政府信息情况]]\n" + procurement +
           "[[SECTION:三、收到和处理政府信息公开申请情况]]\n" + requests_table("2019", {}, "\t", "\t\n") +
           "\n[[SECTION:四、政府信息公开行政复议、行政诉讼情况]]\n无。\n")
    record = build_record("x.txt", *markup(src))
    assert record.template == "2019"
    assert (record.cells["active/procurement/items"], record.cells["active/procurement/amount"]) == (68, None)
