"""Date normalisation and the regex DATE-span finder."""

from __future__ import annotations

import pytest

from nianbao.infer.dates import find_dates, normalize_date


@pytest.mark.parametrize(
    "text, value",
    [
        ("2020年4月8日", "2020-04-08"),
        ("2020 年 1 月 1 日", "2020-01-01"),
        ("2020 年 12 月\n31 日", "2020-12-31"),
        ("2021-02-08 11:13", "2021-02-08"),
        ("2021-02-08 11:13:05", "2021-02-08"),
        ("2021/2/8", "2021-02-08"),
        ("2021.02.08", "2021-02-08"),
        ("2020年8月", "2020-08"),
        ("2020年08月", "2020-08"),
        ("2020年4月8号", "2020-04-08"),
        ("2020年4月8號", "2020-04-08"),  # traditional 號
        ("２０２０年４月８日", "2020-04-08"),  # full-width digits
        ("２０２１－０２－０８", "2021-02-08"),
        ("二〇二〇年四月八日", "2020-04-08"),
        ("二○二○年十二月三十一日", "2020-12-31"),
        ("二O二一年十月二十日", "2021-10-20"),
        ("2020年1月1日 10:00", "2020-01-01"),
        # collapsed forms with a single calendar-valid reading
        ("202048", "2020-04-08"),
        ("20201231", "2020-12-31"),
        ("20200408", "2020-04-08"),
        ("20208月", "2020-08"),
        ("202012月", "2020-12"),
    ],
)
def test_normalize_date(text, value):
    assert normalize_date(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "2021-02-30",  # no such day
        "2021年13月",
        "2020年",  # year only
        "1989年4月8日",  # outside 1990–2035
        "2036-01-01",
        "今年10月",
        "4月份",
        "〔2019〕31号",
        "",
        "8月1日",  # no year and no context year
        "20211301",
    ],
)
def test_normalize_date_rejects(text):
    assert normalize_date(text) is None


def test_month_day_takes_context_year():
    assert normalize_date("8月1日", context_year=2019) == "2019-08-01"
    assert normalize_date("8月1日", report_year=2019) is None  # the report year is not the sentence's year
    assert normalize_date("2月30日", context_year=2019) is None


def test_collapsed_ambiguous_without_report_year():
    # 2021129: 2021-01-29 or 2021-12-09; 2020128: 2020-01-28 or 2020-12-08.
    assert normalize_date("2021129") is None
    assert normalize_date("2020128") is None


def test_collapsed_resolved_by_plausibility():
    # A 2020 report is published by mid-2021: 2021-12-09 is implausible, 2021-01-29 is not.
    assert normalize_date("2021129", report_year=2020) == "2021-01-29"
    # A 2021 report: both 2021-01-29 and 2021-12-09 lie in its window.
    assert normalize_date("2021129", report_year=2021) is None
    # Both readings of 2020128 lie in a 2020 report's window; neither in a 2023 report's.
    assert normalize_date("2020128", report_year=2020) is None
    assert normalize_date("2020128", report_year=2023) is None
    # 2019 report: window 2019-01-01 … 2020-06-30 keeps 2020-01-28 only.
    assert normalize_date("2020128", report_year=2019) == "2020-01-28"


def test_single_reading_needs_no_plausibility():
    assert normalize_date("202048", report_year=2023) == "2020-04-08"
    assert normalize_date("20201231", report_year=2020) == "2020-12-31"


def _found(text: str) -> list[str]:
    return [text[s:e] for s, e in find_dates(text)]


@pytest.mark.parametrize(
    "text, dates",
    [
        ("统计期限自2020年1月1日起至2020年12月31日止。", ["2020年1月1日", "2020年12月31日"]),
        ("统计期限自 2020 年 1 月 1 日起至 2020 年 12 月 31 日止。", ["2020 年 1 月 1 日", "2020 年 12 月 31 日"]),
        ("发布时间: 2021-02-08 11:13 字体:[]", ["2021-02-08 11:13"]),
        ("时间：2021/2/8，来源", ["2021/2/8"]),
        ("于2021.02.08发布", ["2021.02.08"]),
        ("二是做好两个清单20208月,我镇", ["20208月"]),
        ("三是抓好业务培训。202048,我镇分别", ["202048"]),
        ("盘州市乌蒙镇人民政府\n          2021129", ["2021129"]),
        ("二〇二〇年四月八日印发", ["二〇二〇年四月八日"]),
        ("２０２０年４月８日", ["２０２０年４月８日"]),
        ("2020年8月,我镇", ["2020年8月"]),
        # month-day lent a year by a date shortly before in the same sentence
        ("2019年5月1日起，降低医保缴费基数，8月1日起，贫困人口", ["2019年5月1日", "8月1日"]),
        ("自2020年1月1日至12月31日止", ["2020年1月1日", "12月31日"]),
        ("2019年5月1日起。8月1日起", ["2019年5月1日"]),  # 8月1日 is in another sentence
        ("2019年5月1日起，" + "降低医保缴费基数" * 6 + "，8月1日起", ["2019年5月1日"]),  # too far back
    ],
)
def test_find_dates(text, dates):
    assert _found(text) == dates


@pytest.mark.parametrize(
    "text",
    [
        "2020年政府信息公开工作年度报告",  # year only
        "今年10月,我市举办了培训",  # relative
        "今年10月1日起施行",
        "我市于4月份开始",  # bare month
        "根据《通知》（黔府办发〔2019〕31号）",  # document number
        "电话：0591-2021129",  # phone numbers
        "联系电话：2021129，",
        "邮编：350400",
        "采购总金额202048元",  # amount
        "申请数量 2021129二、上年结转",  # glued table values before the next row label
        "| 2021129 | 0 |",
        "第2021129号",
        "http://x.gov.cn/zfxxgknb/202001/t20200117_8.html",
        "8月1日起施行",  # month-day with no year anywhere
        "2020年1-6月",
        "12202048,",  # inside a longer digit run
        "1.35元",
    ],
)
def test_find_dates_rejects(text):
    assert _found(text) == []


def test_find_dates_offsets_are_into_the_original_text():
    text = "（重慶）２０２０年４月８日，2021-02-08"
    assert find_dates(text) == [(4, 13), (14, 24)]
