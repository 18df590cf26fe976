"""Meta of a report: the reporting agency and the reported year, from TITLE and AGENCY spans."""

from __future__ import annotations

import re

from nianbao.spans import Span
from nianbao.template import fold, simplify_char

_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
_REPORT_PHRASE = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:政府|政务)?信息公开(?:工作)?(?:情况)?(?:年度)?报告")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日?\s*(?:起)?\s*(?:至|到|—|-|－|~)\s*\1\s*年\s*12\s*月\s*31")
# The overview's opening words: 一、总体情况 2020年，我局…
_OVERVIEW_YEAR = re.compile(r"[一1][、.．]\s*(?:总体|总述|概述|概况)[^\n。]{0,6}?\s*((?:19|20)\d{2})\s*年\s*(?:度)?\s*[，,以来]")
_AGENCY_TAIL = re.compile(r"[\s,，:：]*(关于)?[\s,，:：]*$")
_ISSUED = re.compile(r"\s*(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?\s*印发")
_NAME_END = re.compile(r"(?:政府|政务)?信息公开|年度报告|工作报告")
_NOT_A_NAME = re.compile(r"信息公开|年报|报告|当前位置|首页")
# Words of the sentence a title is quoted in (特向社会公布某某局2023年…报告): the name starts after them.
_LEAD_IN = re.compile(r"^.*(?:公布|发布|现将|特向|编制|印发)")


def report_year(text: str, spans: list[Span]) -> int | None:
    """The year the report is about: from its title, else from a "20XX年政府信息公开…年度报告" phrase."""
    for s in spans:
        if s.label == "TITLE":
            m = _TITLE_YEAR.search(fold(s.text(text)))
            if m:
                return int(m.group(1))
    head = fold(text[:3000])
    # or its statistics period (自X年1月1日起至X年12月31日), or the year the overview opens with
    m = _REPORT_PHRASE.search(head) or _PERIOD.search(head) or _OVERVIEW_YEAR.search(head)
    return int(m.group(1)) if m else None


def _clause_start(text: str, pos: int, limit: int = 12) -> int:
    """Start of the run of Chinese characters that ``pos`` is in (at most ``limit`` back): the beginning of
    an agency name whose first characters the tagger left out of the title (重慶市潼|南區…)."""
    back = pos
    while back > 0 and pos - back < limit and "\u4e00" <= text[back - 1] <= "\u9fff":
        back -= 1
    return back


def _simplified(text: str) -> str:
    """Traditional characters simplified one for one (offsets kept), for the patterns below; the name
    itself is returned as the text prints it."""
    return "".join(simplify_char(ch) for ch in text)


def _name_before_year(before: str) -> str:
    """The name in the part of a title before its year: without a trailing 关于, the words of a sentence
    quoting the title, and page chrome before it on the line (the last whitespace-free run)."""
    before = before[:_AGENCY_TAIL.search(_simplified(before)).start()].strip()  # type: ignore[union-attr]
    lead = _LEAD_IN.match(_simplified(before))
    head = before[lead.end():] if lead else before
    return head.split()[-1] if head.split() else head


def agency(text: str, spans: list[Span]) -> str | None:
    """The reporting body as the text names it: the longest name among signatures, 发布机构 fields and the
    part of the title before its year (a title often shortens the name the signature gives in full)."""
    names = []
    for s in spans:
        t = s.text(text)
        if s.label == "AGENCY":
            if not _ISSUED.match(text, s.end):  # 某某局办公室 2020年1月26日印发: the issuing office
                names.append(t.strip())
        elif s.label == "TITLE":
            begin = _clause_start(text, s.start)
            t = text[begin:s.end]  # a title the tagger caught only in part
            m = re.search(r"(?:19|20)\d{2}\s*年", t)
            named_after = None
            if m and not t[t.rfind("\n", 0, m.start()) + 1:m.start()].strip():
                # the year opens its line (2025年上海市黄浦区人民政府打浦桥街道政府信息\n公开工作年度报告):
                # the name may follow it, up to the report's words, across the title's line breaks
                after = re.sub(r"\s+", "", text[begin + m.end():begin + m.end() + 80])
                cut = _NAME_END.search(_simplified(after))
                named_after = after[:cut.start()] if cut and cut.start() >= 2 else None
            if named_after:
                names.append(named_after)
            elif m and m.start() > 0:
                # The last whitespace-free run before the year: page chrome (当前位置：首页政务公开…年报 )
                # can stand before the title on the same line.
                names.append(_name_before_year(t[:m.start()]))
    names = [n for n in names if len(n) >= 2 and not _NOT_A_NAME.search(_simplified(n))]
    if not names:
        return None
    return max(names, key=len)
