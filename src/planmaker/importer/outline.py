"""Recognising a plan's structure: title, preamble, numbered parts (一、),
their points (（一）), and the closing (contacts, annex note, issuer, date, annexes).

Everything below the second level (1.（1）一是……) stays inside its point's
text, line for line: the campaign reproduces it as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planmaker.importer.dates import arabic_date
from planmaker.importer.paragraphs import ImportRefused, Para
from planmaker.importer.units import task_table
from planmaker.importer.wrapping import ANNEX_LABEL, NUMBER, unwrap

L1 = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*")
L2 = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*")
DATE_LINE = re.compile(r"^(?:\d{4}|20__|__)\s*年\s*(?:\d{1,2}|__)\s*月\s*(?:\d{1,2}|__)\s*日$")
ANNEX_NOTE = re.compile(r"^附\s*件\s*[:：]")
ANNEX_START = re.compile(r"^附\s*[件表]\s*\d{0,2}\s*[:：]?\s*$|^附\s*[件表]\s*\d{1,2}\s*[:：]?\s*\S{2,40}$")
CONTACT = re.compile(r"^(?:.{0,20}联系人|联系电话|电话|电子邮箱|邮箱|传真)")
_ISSUER_END = re.compile(r"(?:局|委|委员会|厅|院|政府|办公室|小组|中心|办|部|医院|党组|党委|司|署|总局|综合司)$")
PHASE = re.compile(r"^(?P<name>[^（()）]{2,24}?)\s*(?P<open>[（(])(?P<when>[^（()）]*?(?:\d|__|XX|X)[^（()）]*?)"
                   r"(?P<close>[）)])(?P<stop>[。.]?)$")
# 第一阶段：2008年8月—2009年12月 (the dates after a colon, no brackets)
PHASE_COLON = re.compile(r"^(?P<name>[^（()）：:。，]{2,24}?)(?P<open>\s*[:：]\s*)(?P<when>[^（()）。，,；;：:]*?(?:\d|__|XX)"
                         r"[^（()）。，,；;：:]*?[年月日底末前])(?P<close>)(?P<stop>[。.]?)$")


def phase_match(heading: str) -> re.Match | None:
    return PHASE.match(heading) or PHASE_COLON.match(heading)


@dataclass
class Item:
    para: Para
    heading: str
    body: list[Para] = field(default_factory=list)
    runin: bool = True
    # a numbered paragraph of body text with no heading of its own (（一）各地要……，……)
    untitled: bool = False


@dataclass
class Section:
    para: Para
    heading: str
    paragraphs: list[Para] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    kind: str = "points"          # points, tasks, phases, requirements


@dataclass
class Annex:
    para: Para
    title: str
    rows: list[Para] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    title_para: Para
    preamble: list[Para] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    contacts: list[Para] = field(default_factory=list)
    annex_note: list[Para] = field(default_factory=list)
    issuer: Para | None = None
    signed: Para | None = None
    annexes: list[Annex] = field(default_factory=list)
    task_table: Annex | None = None      # a task table inside the body (序号、重点任务、牵头部门……)
    number: str = ""                     # the document number from the masthead (柳卫发〔2021〕12号)
    masthead: str = ""                   # the issuer the masthead names
    superior: dict = field(default_factory=dict)   # the covering notice: title, issuer, number, date
    signers: list[Para] = field(default_factory=list)   # every signing body of a joint plan, top first
    notes: list[tuple[int, str]] = field(default_factory=list)   # (line, what could not be placed)


def outline(paras: list[Para]) -> Outline:
    body = [p for p in paras if p.text.strip()]
    if not body:
        raise ImportRefused("文件中没有文字：可能是空白文档或扫描图片，请取得原方案的文字版本")
    body, wrapping = unwrap(body)
    if not body:
        raise ImportRefused("文件中只有版头或印发通知，没有方案正文")
    body, annexes = _split_annexes(body)
    notes: list[tuple[int, str]] = []
    title_para, body, number = _title(body, notes)
    result = Outline(title_para.text, title_para, annexes=annexes, number=wrapping.number or number,
                     masthead=wrapping.masthead, superior=wrapping.superior)
    result.notes.extend(wrapping.notes + notes)
    body = _closing(body, result)
    if wrapping.cover and result.signed is None:
        _closing(wrapping.cover, result)     # the plan is signed by its covering notice
    body = _body_tables(body, result)
    first = next((i for i, p in enumerate(body) if L1.match(p.text) and not p.cells), len(body))
    result.preamble = body[:first]
    section = None
    for para in body[first:]:
        match = L1.match(para.text) if not para.cells else None
        if match:
            section = _new_section(para, para.text[match.end():], result)
            result.sections.append(section)
        else:
            _add_to_section(section, para)
    for section in result.sections:
        section.kind = section_kind(section)
    _refuse_if_not_a_plan(result)
    return result


def _body_tables(body: list[Para], result: Outline) -> list[Para]:
    """A task table in the body becomes the campaign's task table; any other table is kept as text."""
    tables: dict[int, list[Para]] = {}
    for para in body:
        if para.cells:
            tables.setdefault(para.table, []).append(para)
    for number, rows in tables.items():
        if result.task_table is None and task_table([r.cells for r in rows]) is not None:
            at = body.index(rows[0])
            before = body[at - 1].text if at and "分工" in body[at - 1].text and len(body[at - 1].text) <= 60 else ""
            result.task_table = Annex(rows[0], before or "重点任务分工表", rows)
            body = [p for p in body if not (p.cells and p.table == number) and not (before and p is body[at - 1])]
        else:
            result.notes.append((rows[0].line, f"正文中的表格（{len(rows)} 行）按文字保留，每行一段，单元格以空格分隔"))
            for row in rows:
                row.text = "　".join(c for c in row.cells if c)
                row.cells = ()
    return body


_RUN_ON_NUMBER = re.compile(r"^(?P<before>.*?)(?P<number>[\u4e00-\u9fff]{1,12}〔\d{4}〕\s*\d+\s*号)(?P<title>\S{6,})$")


def _title(body: list[Para], notes: list[tuple[int, str]]) -> tuple[Para, list[Para], str]:
    """The title line alone: “附件2” above it and a 文号 run on before it are not part of it."""
    number = ""
    while len(body) > 1 and ANNEX_LABEL.match(body[0].text.replace(" ", "")):
        notes.append((body[0].line, f"标题前的“{body[0].text}”不属标题，未导入"))
        body = body[1:]
    first = body[0]
    run_on = _RUN_ON_NUMBER.match(first.text.replace(" ", ""))
    if run_on:
        number = run_on.group("number")
        notes.append((first.line, f"标题前的“{run_on.group('before') + number}”不属标题：文号写入方案文件的 number"))
        first = Para(first.line, run_on.group("title"))
    elif len(body) > 1 and NUMBER.match(body[1].text.replace(" ", "")):
        number = body[1].text.replace(" ", "")
        notes.append((body[1].line, f"文号“{number}”写入方案文件的 number"))
        body = [first] + body[2:]
    if L1.match(first.text) or first.text.endswith("。") or len(first.text) > 80:
        raise ImportRefused("文件开头没有方案标题（如“××市……专项整治实施方案”），无法识别为实施方案")
    rest = body[1:]
    # a long title broken over two lines, as the seeds and many Word files have it
    while rest and len(rest) > 1 and _title_piece(first.text, rest[0].text) and not NUMBER.match(rest[0].text):
        first = Para(first.line, first.text + rest[0].text)
        rest = rest[1:]
    if rest and NUMBER.match(rest[0].text.replace(" ", "")) and not number:
        number = rest[0].text.replace(" ", "")
        notes.append((rest[0].line, f"文号“{number}”写入方案文件的 number"))
        rest = rest[1:]
    return first, rest, number


def _title_piece(title: str, line: str) -> bool:
    return (len(line) <= 30 and not re.search(r"[。，,；：:]", line) and not L1.match(line) and not L2.match(line)
            and len(title) + len(line) <= 70 and not title.endswith(("方案", "意见", "通知", "办法", "计划", "细则")))


def _split_annexes(body: list[Para]) -> tuple[list[Para], list[Annex]]:
    start = next((i for i, p in enumerate(body) if i > 3 and ANNEX_START.match(p.text) and not p.cells), None)
    if start is None:
        return body, []
    annexes: list[Annex] = []
    for para in body[start:]:
        if ANNEX_START.match(para.text) and not para.cells and re.match(r"^附\s*[件表]\s*\d", para.text) or not annexes:
            annexes.append(Annex(para, ""))
        elif not annexes[-1].title and not para.cells:
            annexes[-1].title = para.text
        else:
            annexes[-1].rows.append(para)
    return body[:start], annexes


def _closing(body: list[Para], result: Outline) -> list[Para]:
    """Take the date, the issuer, the annex note and the contacts off the end."""
    end = len(body)
    if end and DATE_LINE.match(arabic_date(body[end - 1].text).replace(" ", "")):
        result.signed = body[end - 1]
        end -= 1
        # a joint plan is signed by each of its bodies, one a line
        while end and len(result.signers) < 4 and _signer(body[end - 1].text):
            result.signers.insert(0, body[end - 1])
            end -= 1
        if result.signers:
            first = result.signers[0]
            result.issuer = Para(first.line, "　".join(p.text.strip() for p in result.signers))
    note = next((i for i in range(max(0, end - 12), end) if ANNEX_NOTE.match(body[i].text)), None)
    if note is not None:
        result.annex_note = body[note:end]
        end = note
    start = end
    while start > 0 and CONTACT.match(body[start - 1].text) and len(body[start - 1].text) <= 80:
        start -= 1
    result.contacts = body[start:end]
    return body[:start]


def _signer(last: str) -> bool:
    return (len(last) <= 40 and not re.search(r"[。，,；;：:]", last) and not L1.match(last)
            and not L2.match(last) and bool(_ISSUER_END.search(last)))


def _new_section(para: Para, heading: str, result: Outline) -> Section:
    heading = heading.strip()
    rest = ""
    stop = heading.find("。")
    if len(heading) > 30 and 0 < stop <= 30:
        heading, rest = heading[:stop + 1], heading[stop + 1:]
    elif len(heading) > 30:
        start = _TEXT_START.search(heading, 4)
        if start and start.start() <= 30:
            # a heading run into its text without a stop (a web page's copy): cut where the text begins
            heading, rest = heading[:start.start()], heading[start.start():]
            result.notes.append((para.line, f"第一层标题与正文连写，按“{rest[:2]}……”分开：标题为“{heading}”，请核对"))
        else:
            result.notes.append((para.line, f"第一层标题与正文连写，无法分开，整段作为标题：{heading[:20]}……"))
    section = Section(para, heading)
    if rest:
        section.paragraphs.append(Para(para.line, rest))
    return section


_TEXT_START = re.compile(r"到(?:\d{4}|20__)年|为切实|为进一步|为全面|为深入|根据|按照|通过|以习近平|坚持|围绕|结合|立足|深入贯彻|全面贯彻|"
                         r"要充分|充分认识|各级各类")


def _add_to_section(section: Section | None, para: Para) -> None:
    match = L2.match(para.text) if not para.cells else None
    if section is None:
        return
    if match:
        text = para.text[match.end():].strip()
        heading, rest = split_runin(text)
        if body_text(heading) and (not rest or heading.endswith("。")):
            section.items.append(Item(para, "", [Para(para.line, text)], untitled=True))
        else:
            section.items.append(Item(para, heading, [Para(para.line, rest)] if rest else [], runin=bool(rest)))
    elif section.items:
        section.items[-1].body.append(para)
    else:
        section.paragraphs.append(para)


# a heading is a phrase: one that runs on past this, over a comma or semicolon, is a paragraph of text
HEADING_LENGTH = 30


def body_text(text: str) -> bool:
    """A point that is a paragraph of text, not a heading: longer than a heading, and over a comma or
    semicolon (“（一）各地要加强组织领导，明确责任分工；……”)."""
    return len(text) > HEADING_LENGTH and bool(re.search(r"[，,；;]", text))


# “……完善行动（责任科室：党办）1．具体措施：……”: a heading run into its first numbered measure
_FIRST_MEASURE = re.compile(r"(?<=[）)\u4e00-\u9fff])\s*(?=1\s*[.．、]\s*[\u4e00-\u9fff])")


def split_runin(text: str) -> tuple[str, str]:
    """A point's heading and the text run into it: “治理……行为。对未取得……”."""
    text = text.strip()
    stop = text.find("。")
    colon = min((i for i in (text.find("："), text.find(":")) if i >= 0), default=-1)
    dated = PHASE_COLON.match(text[:stop + 1] if stop >= 0 else text)
    if dated:
        return text[:dated.end()], text[dated.end():]
    if 0 <= colon <= 10 and (stop < 0 or colon < stop) and len(text) > colon + 1:
        return text[:colon + 1], text[colon + 1:]
    measure = _FIRST_MEASURE.search(text, 4)
    if measure and measure.start() <= 60 and (stop < 0 or measure.start() < stop):
        return text[:measure.start()], text[measure.start():]
    phase = re.match(r"^[^（(。]{2,24}[（(][^（）()]{0,20}(?:\d|__|XX)[^（）()]{0,20}[年月日][^（）()]{0,20}[）)]", text)
    if phase and len(text) > phase.end() and text[phase.end()] not in "。.":
        return phase.group(0), text[phase.end():]
    if 0 <= stop <= 45 and len(text) > stop + 1:
        return text[:stop + 1], text[stop + 1:]
    return text, ""


_TASKS = re.compile(r"任务|行动|整治重点|整治内容|工作措施|主要措施|重点工作|具体措施")
_REQUIREMENTS = re.compile(r"要求|保障|组织实施|组织领导")


def section_kind(section: Section) -> str:
    if not section.items:
        return "paragraphs"
    if all(phase_match(item.heading) for item in section.items):
        return "phases"
    if _TASKS.search(section.heading) and not _REQUIREMENTS.search(section.heading):
        return "tasks"
    if _REQUIREMENTS.search(section.heading):
        return "requirements"
    return "points"


_PLAN_WORDS = re.compile(r"方案|计划|意见|办法|细则|要点")
_MEETING = re.compile(r"会议|参会|报名|议程|会期|报到|住宿")
_PLAN_HEADINGS = re.compile(r"任务|目标|步骤|阶段|要求|措施|范围|内容|重点|时间安排|保障|组织")


def _refuse_if_not_a_plan(result: Outline) -> None:
    headings = [s.heading for s in result.sections]
    meeting = sum(bool(_MEETING.search(h)) for h in headings)
    if re.search(r"召开.{0,30}会议|会议的?通知|会议通知", result.title) or meeting >= 2:
        raise ImportRefused(f"“{result.title}” 是会议通知，不是实施方案：只能导入专项整治的实施方案或工作方案")
    planlike = sum(bool(_PLAN_HEADINGS.search(h)) for h in headings)
    if len(headings) < 2 or (not _PLAN_WORDS.search(result.title) and planlike < 2):
        raise ImportRefused(f"“{result.title[:40]}” 不像一份实施方案：没有找到“一、二、……”编号的工作目标、任务、"
                            "实施步骤或工作要求")
