"""Date mentions: normalising the text of a DATE span, and a regex finder of DATE spans.

The spec lists every date of month or day precision as ``YYYY-MM-DD`` / ``YYYY-MM``. Scraped reports lose
separators (``2020年4月8日`` → ``202048``), so collapsed forms are read too, but only where the reading is
not a guess: ``2021129`` may be 2021-01-29 or 2021-12-09 and is resolved only when exactly one of the two
is plausible for the report (see :func:`normalize_date`).

:func:`find_dates` follows the DATE rules of ``data/README.md``. It feeds the synthetic-corpus generator and
serves as a fallback next to the tagger; it is conservative rather than complete.
"""

from __future__ import annotations

import re
from datetime import date

from nianbao.textio import normalize_for_model

__all__ = ["normalize_date", "find_dates"]

MIN_YEAR, MAX_YEAR = 1990, 2035

# A reading: (year, month, day) with day None for month precision.
Reading = tuple[int, int, int | None]

# --------------------------------------------------------------------------------------------------------
# Chinese numerals (二〇二〇年四月八日)

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_YEAR = "〇○零O一二三四五六七八九"
_CN_NUM = "一二三四五六七八九十"


def _cn_number(run: str) -> str | None:
    """``二〇二〇`` → ``2020`` (digit by digit), ``十二`` → ``12``, ``三十一`` → ``31``; None if malformed."""
    if "十" not in run:
        digits = [_CN_DIGITS.get(ch) for ch in run]
        return None if None in digits else "".join(map(str, digits))
    tens, _, ones = run.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    t = _CN_DIGITS.get(tens, -1) if tens else 1
    o = _CN_DIGITS.get(ones, -1) if ones else 0
    if t < 1 or o < 0:
        return None
    return str(10 * t + o)


_CN_RUN = re.compile(f"[{_CN_YEAR}十]+")


def _arabic(s: str) -> str:
    """Replace Chinese-numeral runs by Arabic digits (only called on the short text of one date mention)."""
    return _CN_RUN.sub(lambda m: _cn_number(m.group()) or m.group(), s)


# --------------------------------------------------------------------------------------------------------
# Readings of one mention

_TIME_SUFFIX = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2})?\s*$")
# Year, optional 年 (lost in collapsed forms like 20208月), month, 月, optional day.
_YMD_CN = re.compile(r"(\d{4})年?(\d{1,2})月(?:(\d{1,2})[日号]?)?")
# ISO-like: the same separator twice, or year-month only.
_YMD_SEP = re.compile(r"(\d{4})([-/.])(\d{1,2})(?:\2(\d{1,2}))?")
# Collapsed: year glued to month+day digits (202048, 2021129, 20201231), 年 or a trailing 日 may survive.
_COLLAPSED = re.compile(r"(\d{4})年?(\d{2,4})[日号]?")
_MD_CN = re.compile(r"(\d{1,2})月(\d{1,2})[日号]")


def _valid(y: int, m: int, d: int | None) -> bool:
    if not MIN_YEAR <= y <= MAX_YEAR or not 1 <= m <= 12:
        return False
    if d is None:
        return True
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _split_collapsed(y: int, rest: str) -> list[Reading]:
    """Every calendar-valid (month, day) split of the digits after the year: ``129`` → 1-29 and 12-9."""
    out = []
    for i in (1, 2):
        month, day = rest[:i], rest[i:]
        if 1 <= len(day) <= 2 and _valid(y, int(month), int(day)):
            out.append((y, int(month), int(day)))
    return out


def _readings(text: str, context_year: int | None = None) -> list[Reading]:
    """All calendar-valid readings of one date mention (several only for collapsed forms)."""
    s = normalize_for_model(text).strip()  # full-width digits, traditional characters (號 → 号)
    s = _TIME_SUFFIX.sub("", s)  # a time after the date is part of the span, not of the value
    s = _arabic(re.sub(r"\s+", "", s))  # spaces inside (2020 年 1 月 1 日) and Chinese numerals

    def one(y: str, m: str, d: str | None) -> list[Reading]:
        reading = (int(y), int(m), int(d) if d else None)
        return [reading] if _valid(*reading) else []

    if m := _YMD_CN.fullmatch(s):
        return one(m[1], m[2], m[3])
    if m := _YMD_SEP.fullmatch(s):
        return one(m[1], m[3], m[4])
    if m := _COLLAPSED.fullmatch(s):
        return _split_collapsed(int(m[1]), m[2])
    if (m := _MD_CN.fullmatch(s)) and context_year is not None:
        return one(str(context_year), m[1], m[2])
    return []


def _format(reading: Reading) -> str:
    y, m, d = reading
    return f"{y:04d}-{m:02d}" if d is None else f"{y:04d}-{m:02d}-{d:02d}"


def normalize_date(text: str, report_year: int | None = None, context_year: int | None = None) -> str | None:
    """Normalise the text of a DATE span to ``YYYY-MM-DD`` or ``YYYY-MM``; None if it is not such a date.

    Accepted: ``2020年4月8日`` (spaces, full-width digits, traditional characters and ``号`` allowed),
    ``2021-02-08 11:13`` / ``2021/2/8`` / ``2021.02.08`` (a time is ignored), ``2020年8月``,
    ``二〇二〇年四月八日``, ``8月1日`` (year from ``context_year``: the date just before it in the sentence),
    and collapsed forms ``202048``, ``2021129``, ``20208月``. Years 1990–2035, calendar-checked.

    A collapsed form with two calendar-valid readings (``2021129``: 2021-01-29 or 2021-12-09) is resolved
    only when ``report_year`` is given and exactly one reading is plausible, i.e. lies between
    ``report_year``-01-01 and ``report_year+1``-06-30 (a report covers its year and is published in the first
    months after it). A form with a single valid reading is returned whatever the report year: there is
    nothing to choose between.
    """
    readings = list(dict.fromkeys(_readings(text, context_year)))
    if len(readings) > 1 and report_year is not None:
        low, high = date(report_year, 1, 1), date(report_year + 1, 6, 30)
        readings = [r for r in readings if low <= date(r[0], r[1], r[2] or 1) <= high]
    return _format(readings[0]) if len(readings) == 1 else None


# --------------------------------------------------------------------------------------------------------
# Finder

# Horizontal space, plus at most one line break (a PDF line may wrap inside a date).
_SP = r"[^\S\n]*(?:\n[^\S\n]*)?"
_TIME = r"(?:(?:[^\S\n]+|T)\d{1,2}:\d{2}(?::\d{2})?(?!\d))?"
_YEAR = r"(?:19|20)\d{2}"
# Chinese characters that may follow a collapsed date: not numerals (next row label 二、…) and not units or
# counters (a glued number such as 202048元 or 2021129件 is an amount, 2021129号 a document number).
_NOT_AFTER_COLLAPSED = "〇零一二三四五六七八九十百千万亿元件条人个次项篇期户家名余多米吨亩台套册本张部号位所"

_PATTERNS = [
    # 2021-02-08 11:13, 2021/2/8, 2021.02.08 — not inside dotted numbers, paths or version strings.
    re.compile(rf"(?<![0-9A-Za-z./\-]){_YEAR}([-/.])\d{{1,2}}\1\d{{1,2}}(?!\d|[./\-]\d){_TIME}"),
    # 2020年4月8日, 2020 年 1 月 1 日, 2020年8月, and 20208月 (年 lost: then no space is allowed there).
    re.compile(
        rf"(?<![0-9A-Za-z]){_YEAR}(?:{_SP}年{_SP})?\d{{1,2}}{_SP}月(?:{_SP}\d{{1,2}}{_SP}[日号])?{_TIME}"
    ),
    # 二〇二〇年四月八日, 二O二O年十二月
    re.compile(rf"[{_CN_YEAR}]{{4}}{_SP}年{_SP}[{_CN_NUM}]{{1,3}}{_SP}月(?:{_SP}[{_CN_NUM}]{{1,3}}{_SP}[日号])?"),
    # Collapsed 202048, 2021129, 2020128日: a 6-8 digit run on its own, followed by a clause break, the end
    # of the text, or Chinese text that is not a numeral or a unit.
    re.compile(
        rf"(?<![0-9A-Za-z./\-〔\[(_+#]){_YEAR}\d{{2,4}}"
        rf"(?:日|(?=[，,。；;：:！!？?、）)\s]|$|[\u4e00-\u9fff](?<![{_NOT_AFTER_COLLAPSED}])))"
    ),
]
_COLLAPSED_PATTERN = _PATTERNS[3]
# Collapsed runs near these words are phone, postcode or account numbers.
_NUMBER_WORDS = re.compile(r"电话|传真|热线|邮编|编码|号码|手机|账号|QQ|qq|Tel|tel|TEL")
# A month-day without a year (8月1日): not after 年, which would make it relative (今年/同年8月1日).
_MONTH_DAY = re.compile(rf"(?<![0-9年])\d{{1,2}}{_SP}月{_SP}\d{{1,2}}{_SP}[日号]{_TIME}")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
# How far back a dated mention may stand and still give its year to a month-day in the same sentence.
_MONTH_DAY_REACH = 40


def _in_table(t: str, start: int, end: int) -> bool:
    """A `|` or tab close by means the digits are table cells (glued values), not prose."""
    window = t[max(0, start - 20) : end + 20]
    return "|" in window or "\t" in window


def find_dates(text: str) -> list[tuple[int, int]]:
    """Find DATE spans (start, end) in ``text`` by regex, following the span scheme's DATE rules.

    Works on :func:`normalize_for_model` output (same length, so offsets carry over) so full-width digits and
    traditional characters need no patterns of their own. Never matches year-only mentions (``2020年``),
    relative dates (``今年10月``), bare months (``4月份``) or document numbers (``〔2019〕31号``).
    """
    t = normalize_for_model(text)
    found: list[tuple[int, int, Reading]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(t):
            start, end = m.span()
            if pattern is _COLLAPSED_PATTERN and (
                _in_table(t, start, end) or _NUMBER_WORDS.search(t, max(0, start - 12), start)
            ):
                continue
            readings = _readings(m.group())
            if readings:
                found.append((start, end, readings[0]))
    found = _drop_overlaps(found)

    # Month-day without a year: only where a dated mention stands shortly before in the same sentence;
    # it then lends its year (and so does each month-day in turn: 5月1日、6月1日、8月1日).
    for m in _MONTH_DAY.finditer(t):
        start, end = m.span()
        if any(s < end and start < e for s, e, _ in found):
            continue
        before = [f for f in found if f[1] <= start]
        if not before:
            continue
        _, prev_end, (year, _, _) = max(before, key=lambda f: f[1])
        if start - prev_end > _MONTH_DAY_REACH or _SENTENCE_BREAK.search(t, prev_end, start):
            continue
        readings = _readings(m.group(), context_year=year)
        if readings:
            found.append((start, end, readings[0]))
            found.sort()
    return sorted((s, e) for s, e, _ in found)


def _drop_overlaps(found: list[tuple[int, int, Reading]]) -> list[tuple[int, int, Reading]]:
    """Keep the longest of overlapping matches (the earliest on a tie)."""
    kept: list[tuple[int, int, Reading]] = []
    for f in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(f[1] <= s or e <= f[0] for s, e, _ in kept):
            kept.append(f)
    return sorted(kept)
