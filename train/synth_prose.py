"""Prose of a synthetic report: agencies, titles, page chrome, signatures, dates and the sections' text.

The phrase banks are written for this generator (nothing is lifted from the dev reports). Sentences are
small templates with slots, rendered into :class:`~train.synth_doc.Seg` lists so that dates come out as
DATE pieces with their normalised value while everything else stays unlabelled — numbers in prose
(``主动公开政府信息 86 条``), document numbers (``〔2019〕31号``), phones, URLs, relative dates (``今年10月``),
bare months (``4月份``) and year-only mentions are deliberately frequent because they are not spans.

Slots: ``{we}`` (我局/我镇 …), ``{name}`` (full agency name), ``{short}``, ``{office}``, ``{higher}``,
``{platform}``, ``{domain}``, ``{site}``, ``{url}``, ``{phone}``, ``{zip}``, ``{addr}``, ``{docno}``,
``{doc}`` (a 《…》 title), ``{Y}`` ``{Y1}`` ``{Yp}`` (report year, next, previous), ``{n:a-b}`` (a number),
``{rel}`` (relative date, not a DATE), ``{date}`` / ``{date_m}`` (DATE, day / month precision, in the
report year), ``{date2}`` (a ``M月D日`` DATE whose year is the previous date's), ``{jan1}`` ``{dec31}``.
"""

from __future__ import annotations

import calendar
import random
import re
from dataclasses import dataclass, field

from .synth_doc import Seg

# --------------------------------------------------------------------------------------------------------
# Agencies

PROVINCES = ["河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省",
             "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
             "甘肃省", "青海省", "广西壮族自治区", "内蒙古自治区", "宁夏回族自治区"]
NAME_HEAD = list("青安平东西南北宝永长兴新龙云石清丰宁泰华嘉富金盛桃柳松枫鹤凤临双白黄红太望崇德和顺昌隆益福瑞广汉"
                 "秦阜溧洛邵岳衡郴汝淮沭泗睢濉宿灵璧盱海滨沅澧涟")
NAME_TAIL = list("河山江阳城源川岭溪湖泉林桥口州峰坪坝塘田原海水安平宁丰兴华乐庄沟港湾洲亭陵门台埠集店铺")
DEPARTMENTS = [
    ("发展和改革局", "我局"), ("发展和改革委员会", "我委"), ("教育局", "我局"), ("科学技术局", "我局"),
    ("工业和信息化局", "我局"), ("公安局", "我局"), ("民政局", "我局"), ("司法局", "我局"), ("财政局", "我局"),
    ("人力资源和社会保障局", "我局"), ("自然资源和规划局", "我局"), ("生态环境局", "我局"),
    ("住房和城乡建设局", "我局"), ("交通运输局", "我局"), ("水利局", "我局"), ("农业农村局", "我局"),
    ("商务局", "我局"), ("文化广电和旅游局", "我局"), ("卫生健康委员会", "我委"), ("退役军人事务局", "我局"),
    ("应急管理局", "我局"), ("审计局", "我局"), ("市场监督管理局", "我局"), ("统计局", "我局"),
    ("医疗保障局", "我局"), ("城市管理局", "我局"), ("林业局", "我局"), ("行政审批局", "我局"),
    ("人民政府办公室", "我办"), ("民族宗教事务局", "我局"), ("信访局", "我局"), ("数据资源管理局", "我局"),
]


@dataclass
class Agency:
    full: str  # as in a signature: 盘州市乌蒙镇人民政府
    short: str  # as a title may give it: 乌蒙镇
    we: str  # how the text refers to itself: 我镇
    office: str  # who compiles the report
    level: str  # 县 / 市 / 区 … of the government above, for phrases like 县委县政府
    region: str = ""  # the place the body serves (for its website and address)


def _place(rng: random.Random) -> str:
    return rng.choice(NAME_HEAD) + rng.choice(NAME_TAIL)


def make_agency(rng: random.Random) -> Agency:
    """A realistic reporting body: a town, a street office, a county or district government, a department."""
    city, county, town = _place(rng) + "市", _place(rng), _place(rng)
    kind = rng.choices(["town", "street", "county", "district", "dept_city", "dept_county", "zone", "province"],
                       weights=[24, 8, 10, 10, 16, 22, 4, 6])[0]
    if kind == "town":
        parent = rng.choice([county + "县", county + "市", city + county + "区"])
        unit = town + rng.choice(["镇", "镇", "镇", "乡"])
        return Agency(parent + unit + "人民政府", rng.choice([unit, unit + "人民政府"]), "我" + unit[-1],
                      unit[-1] + rng.choice(["党政办公室", "政府办公室", "党政综合办公室"]), "县", parent)
    if kind == "street":
        unit = town + "街道"
        return Agency(city + county + "区" + unit + "办事处", rng.choice([unit, unit + "办事处"]),
                      rng.choice(["我街道", "本街道"]), "街道党政办公室", "区", city + county + "区")
    if kind in ("county", "district"):
        suffix = "县" if kind == "county" else "区"
        unit = county + suffix
        prefix = rng.choice(["", city]) if kind == "district" else rng.choice(["", rng.choice(PROVINCES)])
        return Agency(prefix + unit + "人民政府", unit + "人民政府", "我" + suffix,
                      suffix + "政府办公室", "市", prefix + unit)
    if kind == "zone":
        unit = county + rng.choice(["经济技术开发区", "高新技术产业开发区", "综合实验区"]) + "管理委员会"
        return Agency(city + unit, unit, rng.choice(["我委", "管委会"]), "管委会党政办公室", "市", city)
    dept, we = rng.choice(DEPARTMENTS)
    if kind == "province":
        dept = dept.replace("局", "厅") if dept.endswith("局") and rng.random() < 0.6 else dept
        prov = rng.choice(PROVINCES)
        return Agency(prov + dept, prov + dept, we, we[-1] + "办公室", "省", prov)
    base = city if kind == "dept_city" else rng.choice([city, ""]) + county + rng.choice(["县", "区"])
    level = "市" if kind == "dept_city" else base[-1]
    return Agency(base + dept, rng.choice([base + dept, level + dept]), we, we[-1] + "办公室", level, base)


# --------------------------------------------------------------------------------------------------------
# Dates

CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def collapsed_readings(digits: str) -> list[tuple[int, int]]:
    """Every (month, day) a collapsed ``MD`` digit string (no zero padding) can stand for."""
    out = []
    for i in range(1, len(digits)):
        m, d = digits[:i], digits[i:]
        if m[0] == "0" or d[0] == "0":
            continue
        mi, di = int(m), int(d)
        if 1 <= mi <= 12 and 1 <= di <= 31:
            out.append((mi, di))
    return out


def collapse_is_plausible(y: int, m: int, d: int, window: tuple[int, int]) -> bool:
    """``202048`` is only written where one reading falls in the months ``window`` of year ``y``."""
    readings = [(mi, di) for mi, di in collapsed_readings(f"{m}{d}")
                if window[0] <= mi <= window[1] and di <= calendar.monthrange(y, mi)[1]]
    return readings == [(m, d)]


def format_date(y: int, m: int, d: int | None, style: str) -> str:
    """One written form of a date; ``d`` None = month precision."""
    if d is None:
        return {"cn": f"{y}年{m}月", "cn_sp": f"{y} 年 {m} 月", "collapsed": f"{y}{m}月",
                "cn_num": f"{''.join(CN_DIGITS[int(c)] for c in str(y))}年{_cn_number(m)}月"}.get(style, f"{y}年{m}月")
    return {
        "cn": f"{y}年{m}月{d}日",
        "cn_sp": f"{y} 年 {m} 月 {d} 日",
        "cn_pad": f"{y}年{m:02d}月{d:02d}日",
        "iso": f"{y}-{m:02d}-{d:02d}",
        "dot": f"{y}.{m}.{d}",
        "collapsed": f"{y}{m}{d}",
        "cn_num": f"{''.join(CN_DIGITS[int(c)] for c in str(y))}年{_cn_number(m)}月{_cn_number(d)}日",
    }[style]


def date_value(y: int, m: int, d: int | None) -> str:
    return f"{y}-{m:02d}" if d is None else f"{y}-{m:02d}-{d:02d}"


def date_seg(y: int, m: int, d: int | None, style: str, suffix: str = "") -> Seg:
    return Seg(format_date(y, m, d, style) + suffix, "DATE", (), {"date": date_value(y, m, d)})


def random_day(rng: random.Random, y: int, months: tuple[int, int] = (1, 12)) -> tuple[int, int, int]:
    m = rng.randint(*months)
    return y, m, rng.randint(1, calendar.monthrange(y, m)[1])


# --------------------------------------------------------------------------------------------------------
# Phrase banks

HIGHER = {"县": ["县委、县政府", "县政府办公室", "县政务公开领导小组"], "市": ["市委、市政府", "市政府办公室", "市政务公开办"],
          "区": ["区委、区政府", "区政府办公室", "区政务公开办"], "省": ["省委、省政府", "省政府办公厅", "省政务公开办"]}
PLATFORMS = ["政府门户网站", "政府信息公开专栏", "政务新媒体", "官方微信公众号", "政务服务大厅公开栏", "村（居）务公开栏",
             "政府公报", "新闻发布会", "政务微博"]
DOMAINS = ["财政预决算", "重大建设项目", "公共资源配置", "社会救助", "乡村振兴", "生态环境", "安全生产", "食品药品监管",
           "教育医疗", "就业创业", "征地拆迁", "保障性住房", "涉农补贴", "行政执法", "疫情防控", "营商环境"]
DOC_TITLES = ["关于进一步加强政务公开工作的实施意见", "政府信息公开保密审查办法", "政务公开工作要点",
              "关于做好政府信息公开工作年度报告编制工作的通知", "政府信息公开申请办理工作规范", "政务新媒体管理办法",
              "关于全面推进基层政务公开标准化规范化工作的实施方案", "政策解读工作实施细则", "政务舆情回应工作制度",
              "政府信息依申请公开答复规范"]
DOC_PREFIX = ["政办发", "政办", "政发", "办发", "政办函", "府办发", "政字"]
SITE_WORDS = ["人民政府", "人民政府门户网站", "政府网", "政务公开网"]
RELATIVE = ["今年{m}月", "{m}月份", "年初", "年中", "上半年", "下半年", "第{q}季度", "今年以来", "去年{m}月", "{m}月中旬",
            "每月", "每季度"]

# Sentences of section 一, by topic: (sub-heading choices, sentences).
TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "lead": (
        ["加强组织领导", "高度重视，压实工作责任", "强化组织保障", "健全工作机制，落实主体责任", "领导重视，责任明确",
         "坚持党建引领，统筹推进政务公开"],
        ["{we}始终把政务公开工作摆上重要议事日程，成立了由主要负责同志任组长、分管负责同志任副组长的政务公开工作领导小组。",
         "领导小组办公室设在{office}，配备专（兼）职工作人员{n:1-5}名，负责政府信息公开的日常工作。",
         "全年召开专题会议{n:2-9}次，研究解决政务公开工作中遇到的困难和问题。",
         "{rel}，{we}召开政务公开工作推进会，对全年重点任务进行了再部署、再落实。",
         "将政务公开工作纳入年度综合考核，考核分值占比{n:2-6}%，形成了一级抓一级、层层抓落实的工作格局。",
         "主要负责同志多次听取政务公开工作汇报，分管负责同志具体抓，做到了有人管事、有人干事。",
         "按照{higher}的统一部署，{we}结合实际制定了年度政务公开工作要点，明确了{n:10-40}项具体任务及责任科室。",
         "坚持把政务公开与业务工作同研究、同部署、同落实，确保各项工作要求落到实处。",
         "因人员调整，{rel}及时调整了政务公开工作领导小组成员，确保工作不断档、不断线。",
         "各科室（站所）明确一名信息员，负责本单位信息的收集、报送和审核，形成了上下联动的工作网络。",
         "{date}，{we}召开党组（党委）会议专题听取政务公开工作情况汇报，对下一阶段工作提出了明确要求。",
         "把政务公开纳入干部述职评议内容，推动各项任务落地见效。"]),
    "rules": (
        ["完善制度建设", "健全制度体系", "规范工作流程", "强化制度保障", "建章立制，夯实基础"],
        ["先后制定完善了政府信息主动公开、依申请公开、保密审查、政策解读等{n:4-12}项工作制度。",
         "{date}，{we}印发《{doc}》（{docno}），进一步明确了公开的范围、程序和时限。",
         "严格落实“先审查、后公开”“一事一审”的保密审查要求，全年未发生泄密事件。",
         "对照{Y}年度政务公开工作要点，逐项建立任务台账，实行销号管理。",
         "修订《{doc}》，细化了受理、登记、审查、答复、归档等环节的办理要求。",
         "建立政务公开工作月调度机制，{rel}开展一次自查，发现问题及时整改。",
         "结合机构改革后的职能变化，重新编制了政府信息公开指南和公开目录，共梳理公开事项{n:30-400}项。",
         "制定《{doc}》，对信息发布的审核流程、责任分工作出具体规定。",
         "健全政府信息公开考核、社会评议和责任追究制度，推动工作规范化、常态化。",
         "严格执行《{doc}》（{docno}），确保每一条信息都有据可查、责任到人。"]),
    "active": (
        ["做好主动公开", "突出重点领域信息公开", "着力推进主动公开", "主动公开情况", "深化重点领域公开",
         "全面推进“五公开”"],
        ["{Y}年，{we}通过{platform}主动公开政府信息{n:20-3000}条，其中规范性文件{n:0-30}件，工作动态{n:10-900}条。",
         "全年共发布通知公告{n:5-200}条，人事信息{n:0-40}条，财政信息{n:1-30}条。",
         "围绕{domain}、{domain}等重点领域，及时准确发布相关政策文件和工作进展情况。",
         "在{platform}开设专栏{n:2-9}个，集中发布{domain}等方面的信息。",
         "严格按照政府信息公开目录做好信息发布工作，全年累计更新栏目内容{n:50-2000}余条。",
         "坚持以公开为常态、不公开为例外，做到应公开尽公开。",
         "全年发布政策解读材料{n:3-60}篇，通过图表、视频等多种形式解读政策{n:1-20}次。",
         "{date_m}，完成了政府信息公开目录的集中梳理，更新公开事项{n:20-300}项。",
         "及时公开{Y}年部门预算、{Yp}年部门决算和“三公”经费情况，公开率100%。",
         "主动公开权责清单{n:50-600}项，公共服务事项{n:10-200}项，并实行动态调整。",
         "通过{platform}发布{domain}信息{n:5-300}条，{domain}信息{n:5-300}条。",
         "在{date}前完成了上一年度部门决算的公开工作。",
         "对涉及群众切身利益的{domain}政策，坚持公开征求意见，全年开展公众参与活动{n:1-12}次。"]),
    "request": (
        ["规范依申请公开", "依申请公开情况", "提升依申请公开办理质量", "畅通依申请公开渠道", "依法做好依申请公开"],
        ["全年共受理政府信息公开申请{n:0-90}件，均在法定期限内予以答复，未收取任何费用。",
         "进一步规范依申请公开受理、审查、处理、答复等环节，严格执行答复文书标准化要求。",
         "对申请内容复杂的事项，及时会商法律顾问，确保答复依法依规。",
         "设立依申请公开受理点{n:1-5}个，公布受理电话和通讯地址，方便群众提出申请。",
         "{rel}，组织相关科室对依申请公开答复文书进行交叉评查，纠正不规范问题{n:1-9}处。",
         "本年度依申请公开办理工作平稳有序，未发生因答复不当引发的复议或诉讼。",
         "申请人通过信函、网络平台、当面等方式提交申请，其中网络平台申请{n:0-60}件，信函申请{n:0-30}件。",
         "坚持“一件一档”，对每件申请的登记、办理、答复情况全程留痕。",
         "对申请人要求获取的信息属于主动公开范围的，告知其获取方式和途径。",
         "加强与申请人的沟通，对申请内容不明确的，一次性告知补正事项。"]),
    "manage": (
        ["加强政府信息管理", "政府信息管理情况", "规范信息发布审核", "严格信息管理", "强化源头管理"],
        ["严格执行信息发布“三审三校”制度，所有信息经科室负责人、分管领导审核后方可发布。",
         "对{Yp}年以前制发的规范性文件进行了全面清理，废止{n:0-15}件，修改{n:0-10}件。",
         "建立政府信息公开台账，对公开信息实行动态管理，及时更新或撤下过时信息。",
         "加强对已公开信息中个人隐私内容的排查，全年检查网页{n:100-5000}个，整改问题{n:0-30}处。",
         "规范公文公开属性源头认定，拟文时同步明确“主动公开、依申请公开、不予公开”属性。",
         "对规范性文件实行统一登记、统一编号、统一公布，确保文件的合法性和有效性。",
         "{date_m}，{we}开展了政府信息公开专项检查，对发现的错链、空白栏目问题逐一整改。",
         "落实政策文件库建设要求，现行有效的规范性文件全部集中公开，并标注有效性。"]),
    "platform": (
        ["加强平台建设", "政府信息公开平台建设情况", "优化公开平台", "拓宽公开渠道，丰富公开方式",
         "发挥政府网站第一平台作用"],
        ["持续优化政府网站信息公开专栏，按照统一的栏目设置标准规范信息分类。",
         "全年政府网站发布信息{n:100-6000}条，政务新媒体发布信息{n:50-3000}条。",
         "开通运营政务新媒体账号{n:1-8}个，及时发布政策信息和便民服务内容。",
         "在政务服务大厅设置政府信息查阅点，配备电脑{n:1-6}台，方便群众查询。",
         "网站访问量累计达{n:10000-900000}人次，平台互动留言{n:10-600}条，均已按时回复。",
         "{rel}，{we}对网站栏目进行了全面改版，新增{domain}专题栏目。",
         "通过{platform}、{platform}等多种渠道同步发布信息，扩大了公开的覆盖面。",
         "在各村（社区）设置政务公开栏{n:5-60}块，定期更新公开内容。",
         "政务公开专区提供政策咨询、信息查阅等服务，全年接待群众{n:50-3000}人次。",
         "本报告的电子版可在{site}下载，也可到{office}查阅纸质文本。"]),
    "supervise": (
        ["强化监督保障", "政府信息公开监督保障情况", "加强业务培训", "抓好监督考核", "加强监督检查"],
        ["{date_m}，组织开展政务公开业务培训，参训人员{n:20-300}人次。",
         "自觉接受社会监督，全年未收到有关政府信息公开工作的投诉举报。",
         "邀请第三方机构对网站和政务新媒体进行常态化监测，发现问题立即整改。",
         "将政务公开工作纳入干部教育培训内容，不断提升工作人员的业务能力。",
         "建立责任追究制度，对不按规定公开信息的情形予以通报。",
         "{date}，{higher}对{we}政务公开工作进行了督查，对指出的问题已全部整改到位。",
         "全年开展政务公开专题培训{n:1-6}期，培训{n:30-400}人次，实现了工作人员全覆盖。",
         "在政府网站公布监督电话{phone}，畅通社会监督渠道。",
         "本年度{we}未发生因政府信息公开工作受到责任追究的情况。"]),
    "respond": (
        ["回应社会关切", "做好政策解读和回应", "加强政民互动", "提升回应实效"],
        ["坚持政策文件与解读材料同步组织、同步审签、同步发布，全年发布解读材料{n:2-50}篇。",
         "通过在线访谈、新闻发布会等形式回应社会关切{n:1-30}次。",
         "办理群众来信来访{n:10-500}件，按时办结率100%。",
         "密切关注涉及本部门的政务舆情，做到早发现、早研判、早回应。",
         "{date}，主要负责同志走进{platform}直播间，就{domain}等问题与群众在线交流。",
         "对“12345”热线转办的诉求件{n:20-2000}件全部按期办结，群众满意率达{n:90-99}%。"]),
}

OPENINGS = [
    "{Y}年，{we}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "紧紧围绕中心工作，扎实推进政务公开各项工作。",
    "{Y}年，在{higher}的正确领导下，{we}以提升政府透明度为目标，不断完善工作机制，推动政府信息公开工作取得新进展。",
    "一年来，{we}严格按照{higher}关于政务公开工作的部署要求，加强组织领导，健全制度机制，政府信息公开工作稳步推进。",
    "今年以来，{we}把政务公开作为建设法治政府、服务型政府的重要抓手，着力提高公开质量，取得了较好成效。",
    "{Y}年，{we}对照年度政务公开工作要点，聚焦群众关切，全面推进决策、执行、管理、服务、结果公开。",
]

PREAMBLE = [
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{higher}有关要求编制。",
    "本报告由{office}根据《中华人民共和国政府信息公开条例》的规定，结合{we}工作实际编制而成。",
    "按照《中华人民共和国政府信息公开条例》要求，现将{name}{Y}年度政府信息公开工作情况报告如下。",
    "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
    "存在的主要问题及改进情况、其他需要报告的事项。",
    "本报告中所列数据的统计期限自{jan1}起至{dec31}止。",
    "本报告所列数据统计时限为{jan1}至{dec31}。",
    "本报告电子版可在{site}（{url}）查阅或下载。",
    "如对本报告有任何疑问，请与{office}联系（地址：{addr}；邮编：{zip}；电话：{phone}）。",
    "如对本报告有疑问，请联系{office}，联系电话：{phone}，电子邮箱：{email}。",
]

PROBLEMS = [
    "公开内容的深度和广度还需进一步拓展", "部分科室对政务公开工作重视程度不够", "政策解读形式较为单一，解读质量有待提升",
    "信息更新的及时性有待加强", "依申请公开答复的规范性还需提高", "工作人员业务能力与新形势新要求还有差距",
    "政务新媒体运营水平不高，互动性不强", "基层政务公开标准化规范化建设仍需深化", "重点领域信息公开不够全面",
    "信息发布审核把关还存在薄弱环节",
]
FIXES = [
    "加强业务培训，提高工作人员的政策水平和业务能力", "严格落实信息发布审核制度，确保公开信息准确无误",
    "丰富政策解读形式，多运用图表、音视频等方式进行解读", "完善依申请公开工作流程，提高答复质量",
    "加大重点领域信息公开力度，及时回应群众关切", "加强政务新媒体管理，提升信息发布时效",
    "建立常态化自查机制，定期对公开栏目开展检查", "推动政务公开与业务工作深度融合",
]
FIX_DETAILS = [
    "通过集中培训、以会代训、外出学习等方式，全面提升工作人员的业务素质。",
    "进一步明确各科室的公开职责，做到信息及时报送、及时审核、及时发布。",
    "对公开栏目实行定期巡查，发现问题立即整改，确保栏目内容准确、更新及时。",
    "坚持问题导向，对群众反映集中的问题及时回应，增强公开的针对性和实效性。",
    "严格执行保密审查制度，杜绝涉密信息和个人隐私信息公开。",
    "把政务公开工作纳入年度目标考核，强化督查问责，确保各项任务落到实处。",
    "在{platform}开设政策解读专栏，增强解读的通俗性和可读性。",
    "定期分析依申请公开办理情况，总结经验，规范答复文书。",
]
PROBLEM_HEADINGS = ["（一）存在的主要问题", "（一）存在问题", "（一）主要问题", "（一）工作中存在的不足"]
FIX_HEADINGS = ["（二）改进措施", "（二）改进情况", "（二）下一步工作打算", "（二）改进方向"]
# A misnumbered sub-heading inside 五 looks like a top-level heading; it is not a SECTION.
MISNUMBERED = ["三、下一步工作打算", "二、改进措施", "三、下一步工作计划", "四、下一步工作思路", "二、整改措施"]

OTHER_MATTERS = [
    "无其他需要报告的事项。", "无。", "本年度无其他需要报告的事项。",
    "本机关{Y}年度未收取政府信息公开信息处理费。",
    "按照《政府信息公开信息处理费管理办法》规定，{we}本年度未收取信息处理费。",
    "{Y}年，{we}共办理人大代表建议{n:0-40}件、政协委员提案{n:0-40}件，办复率100%。",
    "{Y}年度，{we}发出收费通知的件数为0件，总金额为0元，实际收取的总金额为0元。",
    "{we}认真落实{Y}年政务公开工作要点，各项任务均已按要求完成。",
]
TABLE_NOTES = {
    2: ["（注：以上数据统计截至{Y}年12月31日。）", "本年度主动公开规范性文件情况详见上表。"],
    3: ["{Y}年，{we}共收到政府信息公开申请{n:0-90}件，均已按期办结。",
        "本年度依申请公开工作无逾期答复情况。"],
    4: ["{Y}年，{we}未发生因政府信息公开引起的行政复议、行政诉讼案件。",
        "本年度政府信息公开行政复议、行政诉讼案件均已按期办结。"],
}


# --------------------------------------------------------------------------------------------------------
# Rendering templates into pieces


@dataclass
class ProseContext:
    """What the prose of one document is about, and how it writes dates."""

    rng: random.Random
    agency: Agency
    year: int
    date_style: str = "cn"
    collapse_dates: bool = False  # damage: write some dates collapsed (202048)
    collapsed_made: int = 0
    site: str = ""
    url: str = ""
    slots: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = self.rng
        host = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 8)))
        self.url = rng.choice(["http://", "https://", ""]) + f"www.{host}.gov.cn"
        self.site = "“" + self.agency.region + rng.choice(SITE_WORDS) + "”"


_SLOT = re.compile(r"\{(\w+)(?::([^}]*))?\}")


def render(ctx: ProseContext, template: str) -> list[Seg]:
    """One sentence template → pieces (DATE pieces labelled, the rest plain)."""
    out: list[Seg] = []
    pos = 0
    last_year = [ctx.year, 1, 1]  # the last full date written: a bare M月D日 after it takes its year
    for m in _SLOT.finditer(template):
        if m.start() > pos:
            out.append(Seg(template[pos:m.start()]))
        out.extend(_slot(ctx, m.group(1), m.group(2), last_year))
        pos = m.end()
    if pos < len(template):
        out.append(Seg(template[pos:]))
    return _merge_plain(out)


def _merge_plain(segs: list[Seg]) -> list[Seg]:
    out: list[Seg] = []
    for s in segs:
        if out and not s.label and not out[-1].label and not s.info and not out[-1].info:
            out[-1] = Seg(out[-1].text + s.text)
        else:
            out.append(s)
    return out


def _prose_date(ctx: ProseContext, y: int, m: int, d: int | None) -> Seg:
    rng = ctx.rng
    if ctx.collapse_dates and rng.random() < 0.6 and (d is None or collapse_is_plausible(y, m, d, (1, 12))):
        ctx.collapsed_made += 1
        return date_seg(y, m, d, "collapsed")
    return date_seg(y, m, d, ctx.date_style)


def _slot(ctx: ProseContext, name: str, arg: str | None, last_year: list[int]) -> list[Seg]:
    """The pieces one slot renders to."""
    rng, a, y = ctx.rng, ctx.agency, ctx.year
    simple = {
        "we": a.we, "name": a.full, "short": a.short, "office": a.office, "Y": str(y), "Y1": str(y + 1),
        "Yp": str(y - 1), "site": ctx.site, "url": ctx.url,
    }
    if name in simple:
        return [Seg(simple[name])]
    if name == "higher":
        return [Seg(rng.choice(HIGHER[a.level if a.level in HIGHER else "县"]))]
    if name == "platform":
        return [Seg(rng.choice(PLATFORMS))]
    if name == "domain":
        return [Seg(rng.choice(DOMAINS))]
    if name == "doc":
        return [Seg(rng.choice(DOC_TITLES))]
    if name == "docno":
        return [Seg(f"{a.short[:1]}{rng.choice(DOC_PREFIX)}〔{rng.choice([y, y, y - 1])}〕{rng.randint(1, 160)}号")]
    if name == "n":
        lo, hi = (int(x) for x in arg.split("-"))
        n = rng.randint(lo, hi) if rng.random() < 0.7 else int(lo + (hi - lo) * rng.random() ** 3)
        return [Seg(f" {n} " if ctx.date_style == "cn_sp" else str(n))]
    if name == "rel":
        return [Seg(rng.choice(RELATIVE).format(m=rng.randint(1, 12), q=rng.choice("一二三四")))]
    if name == "phone":
        return [Seg(f"0{rng.randint(310, 999)}-{rng.randint(3, 8)}{rng.randint(0, 9999999):07d}")]
    if name == "zip":
        return [Seg(f"{rng.randint(10, 85)}{rng.randint(0, 9999):04d}")]
    if name == "email":
        return [Seg("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) + rng.choice(
            ["@163.com", "@126.com", "@qq.com"]))]
    if name == "addr":
        return [Seg(a.region + _place(rng) + rng.choice(["路", "大道", "街"]) + f"{rng.randint(1, 300)}号")]
    if name == "date":
        yy, m, d = random_day(rng, y, (1, 11))
        last_year[:] = [yy, m, d]
        return [_prose_date(ctx, yy, m, d)]
    if name == "date_m":
        m = rng.randint(1, 12)
        return [_prose_date(ctx, y, m, None)]
    if name == "date2":  # later in the same year as the date before it, which gives its year
        yy, m0, d0 = last_year
        m = rng.randint(min(m0 + 1, 12), 12)  # {date} is drawn in January–November
        d = rng.randint(1, calendar.monthrange(yy, m)[1])
        return [Seg(f"{m}月{d}日", "DATE", (), {"date": date_value(yy, m, d)})]
    if name == "jan1":
        return [date_seg(y, 1, 1, ctx.date_style)]
    if name == "dec31":
        return [date_seg(y, 12, 31, ctx.date_style)]
    raise KeyError(name)


# --------------------------------------------------------------------------------------------------------
# Section bodies. A body is a list of paragraphs; a paragraph is a list of pieces.

Paragraph = list[Seg]

SUBHEAD_STYLES = ("paren", "paren_inline", "shi", "digit", "none")
PAREN_NUMS = "一二三四五六七八九十"


def _sentences(ctx: ProseContext, bank: list[str], k: int) -> Paragraph:
    picks = ctx.rng.sample(bank, min(k, len(bank)))
    out: Paragraph = []
    for t in picks:
        out.extend(render(ctx, t))
    return _merge_plain(out)


def _number(style: str, i: int, rng: random.Random, lose: bool) -> str:
    """The numbering of sub-heading ``i`` (0-based) in ``style``; ``lose``: the numeral fell off."""
    num = PAREN_NUMS[i]
    if style in ("paren", "paren_inline"):
        form = rng.choice(["（{}）", "({})"])
        return form.format("") if lose and rng.random() < 0.3 else ("" if lose else form.format(num))
    if style == "shi":
        return "是" if lose else num + "是"
    if style == "digit":
        return f"{i + 1}" if lose else f"{i + 1}{rng.choice(['.', '、', '．'])}"
    return ""


def general_section(ctx: ProseContext, style: str, lose_numerals: set[int]) -> list[Paragraph]:
    """Section 一: an opening, then topics with sub-headings in the document's style."""
    rng = ctx.rng
    paras: list[Paragraph] = []
    if rng.random() < 0.75:
        paras.append(render(ctx, rng.choice(OPENINGS)))
    topics = rng.sample(list(TOPICS), rng.randint(4, 7))
    for i, topic in enumerate(topics):
        heads, bank = TOPICS[topic]
        head = rng.choice(heads)
        num = _number(style, i, rng, i in lose_numerals)
        body = _sentences(ctx, bank, rng.randint(2, 6))
        if style == "paren":
            paras.append([Seg(num + head)])
            paras.append(body)
        elif style == "none":
            paras.append(body)
        else:
            paras.append([Seg(num + head + "。")] + body)
    return paras


def preamble(ctx: ProseContext) -> list[Paragraph]:
    """The paragraph(s) before 一: legal basis, statistics period (dates), where to ask."""
    rng = ctx.rng
    picks = [PREAMBLE[rng.choice([0, 1, 2])]]
    if rng.random() < 0.6:
        picks.append(PREAMBLE[3])
    if rng.random() < 0.8:
        picks.append(PREAMBLE[rng.choice([4, 5])])
    if rng.random() < 0.5:
        picks.append(PREAMBLE[6])
    if rng.random() < 0.5:
        picks.append(PREAMBLE[rng.choice([7, 8])])
    if rng.random() < 0.15:
        picks.append("其中，{date}起，{we}对公开目录进行了调整，{date2}起按新目录发布信息。")
    para: Paragraph = []
    for t in picks:
        para.extend(render(ctx, t))
    return [_merge_plain(para)] if rng.random() < 0.6 else [render(ctx, t) for t in picks]


def problems_section(ctx: ProseContext, style: str, misnumbered: bool) -> list[Paragraph]:
    """Section 五: problems, then improvements; ``misnumbered``: the second part is headed 三、… (not a SECTION)."""
    rng = ctx.rng
    probs = rng.sample(PROBLEMS, rng.randint(2, 4))
    fixes = rng.sample(FIXES, rng.randint(2, 5))
    enum = rng.choice(["shi", "digit", "plain"])

    def items(xs: list[str]) -> str:
        if enum == "shi":
            return "；".join(f"{PAREN_NUMS[i]}是{x}" for i, x in enumerate(xs)) + "。"
        if enum == "digit":
            return "".join(f"{i + 1}.{x}。" for i, x in enumerate(xs))
        return "，".join(xs) + "。"

    lead = render(ctx, rng.choice([
        "{Y}年，{we}政府信息公开工作取得了一定成效，但也存在一些不足：",
        "对照上级要求和群众期盼，{we}政务公开工作仍存在一些差距，主要是：",
        "在看到成绩的同时，我们也清醒地认识到存在的问题：",
    ]))
    fix_lead = render(ctx, rng.choice([
        "{Y1}年，{we}将重点做好以下工作：", "针对上述问题，下一步将采取以下措施：", "下一步，{we}将着力抓好以下几个方面："]))
    if enum != "plain" and rng.random() < 0.6:  # one paragraph per measure, each with a sentence or two
        fix_paras = [[Seg(f"{PAREN_NUMS[i]}是{x}。" if enum == "shi" else f"{i + 1}.{x}。")]
                     + _sentences(ctx, FIX_DETAILS, rng.randint(1, 2)) for i, x in enumerate(fixes)]
    else:
        fix_paras = [[Seg(items(fixes))]]
    paras: list[Paragraph] = []
    if style == "paren" or misnumbered:
        paras.append([Seg(rng.choice(PROBLEM_HEADINGS))])
        paras.append(lead + [Seg(items(probs))])
        paras.append([Seg(rng.choice(MISNUMBERED) if misnumbered else rng.choice(FIX_HEADINGS))])
    else:
        paras.append(lead + [Seg(items(probs))])
    paras.append(fix_lead + (fix_paras[0] if len(fix_paras) == 1 else []))
    if len(fix_paras) > 1:
        paras += fix_paras
    return paras


def other_section(ctx: ProseContext) -> list[Paragraph]:
    k = ctx.rng.choice([1, 1, 1, 2, 3])
    return [render(ctx, t) for t in ctx.rng.sample(OTHER_MATTERS, k)]


def table_note(ctx: ProseContext, n: int) -> list[Paragraph]:
    return [render(ctx, ctx.rng.choice(TABLE_NOTES[n]))]


# --------------------------------------------------------------------------------------------------------
# Title, chrome, signature


def title_segs(ctx: ProseContext, two_lines: bool) -> list[Seg]:
    """The report's title: one TITLE piece (even across a line break), agency first."""
    rng, a, y = ctx.rng, ctx.agency, ctx.year
    who = rng.choice([a.full, a.full, a.short])
    year = f"{y} 年" if rng.random() < 0.15 else f"{y}年"
    tail = rng.choice(["政府信息公开工作年度报告", "政府信息公开工作年度报告", "度政府信息公开工作年度报告",
                       "政府信息公开年度报告"])
    middle = "关于" if rng.random() < 0.08 else ""
    sep = rng.choice(["\n", "\n", "\n\n"]) if two_lines else (" " if rng.random() < 0.1 else "")
    text = who + sep + middle + year + tail
    return [Seg(text, "TITLE", (), {"agency_len": len(who)})]


def chrome_segs(ctx: ProseContext, title: list[Seg], with_agency_field: bool) -> list[list[Seg]]:
    """Lines of page chrome before the body: breadcrumbs, publish time (a DATE), 标题:/发布机构: fields."""
    rng, y = ctx.rng, ctx.year
    py, pm, pd = random_day(rng, y + 1, (1, 3))
    stamp = f"{py}-{pm:02d}-{pd:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    when = Seg(stamp, "DATE", (), {"date": date_value(py, pm, pd)})
    title_copy = Seg(title[0].text.replace("\n", " "), "TITLE", (), dict(title[0].info))
    style = rng.choice(["portal", "fields", "breadcrumb"])
    lines: list[list[Seg]] = []
    if style == "portal":
        menu = rng.sample(["法定主动\n公开内容", "政府信息\n公开年报", "政府信息\n公开指南", "政府信息\n公开制度", "机构概况"],
                          rng.randint(1, 3))
        lines += [[Seg(m)] for m in menu]
        lines.append([title_copy])
        lines.append([Seg("发布时间: "), when, Seg(rng.choice([" 字体:[]", " 字体：[大 中 小]", "", " 浏览次数："
                                                              + str(rng.randint(10, 3000))]))])
    elif style == "fields":
        agency = [Seg(ctx.agency.full, "AGENCY", (), {"where": "field"})] if with_agency_field else []
        lines.append([Seg("标题: "), title_copy])
        lines.append([Seg("发布时间: "), when])
        lines.append([Seg("文号: ")])
        lines.append([Seg("发布机构: ")] + agency)
        lines.append([Seg("栏目: 政府信息公开年报")])
        lines.append([Seg("原文链接: " + ctx.url + f"/zwgk/xxgk/ndbg/{py}{pm:02d}/t{py}{pm:02d}{pd:02d}_{rng.randint(1000, 99999)}.html")])
        lines.append([Seg("=" * 20 + " 正文 " + "=" * 20)])
    else:
        crumbs = rng.choice(["当前位置：首页 > 政务公开 > 政府信息公开年报", "当前位置：首页>信息公开>年度报告",
                             "您当前所在位置：首页 » 政府信息公开 » 年报"])
        lines.append([Seg(crumbs)])
        lines.append([title_copy])
        lines.append([Seg(rng.choice(["来源：", "信息来源："]) + ctx.agency.short + "  时间："), when,
                      Seg(rng.choice(["", "  【字体：大 中 小】", "  打印本页  关闭窗口", " --> 微信 微博 QQ空间"]))])
        if rng.random() < 0.4:
            lines.append([Seg(rng.choice(["分享到：", "相关链接：", "【我要纠错】【打印】【关闭】", "文字版 全真版 文件下载"]))])
    return lines


def signature_segs(ctx: ProseContext, collapse: bool) -> list[Seg]:
    """Agency (AGENCY) and date (DATE) closing the report; the date falls early in the next year."""
    rng, y = ctx.rng, ctx.year + 1
    _, m, d = random_day(rng, y, (1, 3))
    if collapse and collapse_is_plausible(y, m, d, (1, 4)):
        ctx.collapsed_made += 1
        style = "collapsed"
    else:
        style = rng.choices(["cn", "cn_sp", "iso", "cn_num", "cn_pad"], weights=[70, 8, 6, 8, 8])[0]
    return [Seg(ctx.agency.full, "AGENCY", (), {"where": "signature"}), Seg("\n"), date_seg(y, m, d, style)]


def collapsed_sentence(ctx: ProseContext) -> Paragraph:
    """A sentence that carries a collapsed date for sure (used when the damage asked for one and none came)."""
    rng, y = ctx.rng, ctx.year
    m, d = rng.randint(1, 9), rng.randint(1, 28)
    while not collapse_is_plausible(y, m, d, (1, 12)):
        m, d = rng.randint(1, 9), rng.randint(1, 28)
    ctx.collapsed_made += 1
    day, rest = rng.choice([(d, "，{we}组织开展了政务公开专题培训。"), (None, "，{we}完成了公开目录的更新。")])
    return [date_seg(y, m, day, "collapsed")] + render(ctx, rest)
