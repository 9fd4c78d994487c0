"""What wraps a plan as it is issued: the masthead (××卫生健康委员会文件, 柳卫发〔2021〕12号),
the covering notice (××关于印发《……方案》的通知, 主送, ……现印发给你们, its signature and date),
and the 版记 at the end (抄送：…… / ××办公室 2021年8月20日印发).  The plan inside is what is
imported; the notice becomes the plan file's superior document (its title, issuer, number and
date), and the rest is reported, not silently lost."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planmaker.importer.dates import arabic_date
from planmaker.importer.paragraphs import Para

_MASTHEAD = re.compile(r"^(?P<issuer>.{2,60}?)\s*文\s*件$")
NUMBER = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,12}〔(?:\d{4}|20__)〕\s*(?:\d+|__)\s*号$")
_SIGNER = re.compile(r"^签\s*发\s*人[:：]")
_NOTICE = re.compile(r"^(?P<issuer>.{0,80}?)关于(?P<verb>印发|转发|下发|发布)(?P<inner>.+?)的通知$")
_IMPRINT = re.compile(r"^抄\s*送[:：]|^.{2,40}(?:办公室|委员会|局|厅|部|司)\s+(?:\d{4}|20__)\s*年.{1,8}日\s*印发$")
_PUBLIC = re.compile(r"^[（(]此件.{2,20}[）)]$")
_DATE = re.compile(r"^(?:\d{4}|20__)年\d{1,2}月\d{1,2}日$")
ANNEX_LABEL = re.compile(r"^附\s*件\s*\d{0,2}\s*[:：]?$")


@dataclass
class Wrapping:
    number: str = ""
    masthead: str = ""                      # the issuer the masthead names (××卫生健康委员会)
    cover: list[Para] = field(default_factory=list)
    superior: dict = field(default_factory=dict)   # the covering notice as the plan's superior document
    notes: list[tuple[int, str]] = field(default_factory=list)
    summary: int = 0                        # which note sums the covering notice up


def unwrap(body: list[Para]) -> tuple[list[Para], Wrapping]:
    found = Wrapping()
    start = 0
    while start < len(body) and start < 6 and _head_line(body[start].text):
        text = body[start].text.replace(" ", "")
        if NUMBER.match(text):
            found.number = text
        masthead = _MASTHEAD.match(text)
        if masthead and not found.masthead:
            found.masthead = masthead.group("issuer")
        found.notes.append((body[start].line, f"版头“{body[start].text}”不属正文，未导入" +
                            ("（文号写入方案文件的 number）" if NUMBER.match(text) else "")))
        start += 1
    body = _cover(body[start:], found)
    while found.cover and _notice_title(body)[0] is not None:
        # a 转发 notice wraps the notice that 印发 the plan: the plan's own covering notice is the inner one
        outer, summary = dict(found.superior), found.summary
        found.number, found.cover = "", []
        inner = _cover(body, found)
        if not found.cover:
            found.superior = outer
            break
        line, _ = found.notes[summary]
        found.notes[summary] = (line, f"转发通知《{outer['title']}》" + (f"（{outer['number']}）" if outer.get("number") else "")
                                + f"（第{line}—{body[0].line - 1}行）不属方案正文，未导入；方案文件的 parent_document"
                                  " 为它所转发的通知")
        body = inner
    end = len(body)
    while end > 0 and (_IMPRINT.match(body[end - 1].text) or _PUBLIC.match(body[end - 1].text)):
        found.notes.append((body[end - 1].line, f"版记“{body[end - 1].text[:30]}”不属正文，未导入"))
        end -= 1
    return body[:end], found


def _head_line(text: str) -> bool:
    text = text.replace(" ", "")
    return bool(_MASTHEAD.match(text) or NUMBER.match(text) or _SIGNER.match(text))


def _notice_title(body: list[Para]) -> tuple[re.Match | None, int]:
    """The notice's title, over up to three lines; (match, lines it takes)."""
    text = ""
    for count, para in enumerate(body[:3], start=1):
        text += para.text.replace(" ", "")
        m = _NOTICE.match(text)
        if m:
            return m, count
        if len(text) > 120 or text.endswith(("：", ":", "。")):
            break
    return None, 0


def _cover(body: list[Para], found: Wrapping) -> list[Para]:
    """A covering notice: the plan starts where its own title (the notice's 《……》) does."""
    m, count = _notice_title(body)
    if m is None:
        return body
    inner = m.group("inner").strip("《》<>")
    at = next((i for i in range(count, len(body)) if _is_title(body, i, inner)), None)
    if at is None:
        return body
    cover, plan = body[:at], body[at:]
    while plan and ANNEX_LABEL.match(plan[0].text.replace(" ", "")):
        plan = plan[1:]    # “附件” above the plan's title: the notice's, not the plan's
    # a title inside a title is marked 〈〉: the superior document is printed within 《》
    title = "".join(p.text.replace(" ", "") for p in body[:count]).replace("《", "〈").replace("》", "〉")
    found.cover = cover
    found.superior = {"title": title}
    # joint issuers, a space apart in the title, are named one after another with 、
    spaced = _NOTICE.match(re.sub(r"\s+", "、", "".join(p.text.strip() for p in body[:count])))
    issuer = (spaced.group("issuer") if spaced else m.group("issuer")) or found.masthead or _signature(cover[count:])
    signers = _signers(cover[count:])
    if len(signers) > 1 and issuer.replace("、", "") == "".join(signers):
        issuer = "、".join(signers)   # run together in the title (a PDF drops the space): as the 落款 names them
    if issuer:
        found.superior["issuer"] = issuer
        if re.search(r"[、\s]|等\d*部门", issuer):
            found.superior["joint"] = True
    number = next((p.text.replace(" ", "") for p in cover[count:count + 1] if NUMBER.match(p.text.replace(" ", ""))), "")
    if found.number or number:   # the masthead's, or a 文号 under the notice's title (as a web page prints it)
        found.superior["number"] = found.number or number
        found.number = ""
    signed = next((arabic_date(p.text).replace(" ", "") for p in reversed(cover)
                   if _DATE.match(arabic_date(p.text).replace(" ", ""))), "")
    if signed:
        found.superior["date"] = signed
    dropped = cover[count:]
    found.summary = len(found.notes)
    found.notes.append((body[0].line, f"{m.group('verb')}通知（第{body[0].line}—{cover[-1].line}行）不属方案正文，未导入："
                                      f"标题、发文机关、文号和日期写入方案文件的 parent_document（上级文件）"))
    for para in dropped:
        found.notes.append((para.line, f"{m.group('verb')}通知的文字“{_short(para.text)}”不属方案正文，未导入"))
    return plan


def _is_title(body: list[Para], i: int, inner: str) -> bool:
    """The plan's own title at ``i`` (over one or two lines), or “附件” just above it."""
    want = _plain(inner)
    text = _plain(body[i].text).strip("《》")
    if text == want or (len(text) >= 6 and want.startswith(text) and i + 1 < len(body)
                        and (text + _plain(body[i + 1].text)).strip("《》") == want):
        return True
    return bool(ANNEX_LABEL.match(text)) and i + 1 < len(body) and _is_title(body, i + 1, inner)


def _plain(text: str) -> str:
    """A title as compared: without spaces, a title inside it marked 《》 however it was (〈〉 in a title)."""
    return re.sub(r"\s+", "", text).replace("〈", "《").replace("〉", "》")


_BODY_END = re.compile(r"(?:局|委|委员会|厅|院|政府|办公室|小组|中心|办|部|党组|党委|司|署)$")


def _signers(paras: list[Para]) -> list[str]:
    """The notice's signing bodies, one a line above its date (a joint notice's 落款)."""
    at = next((k for k, p in enumerate(paras) if _DATE.match(arabic_date(p.text).replace(" ", ""))), None)
    found: list[str] = []
    for para in reversed(paras[:at] if at else []):
        text = para.text.strip()
        if len(text) > 40 or not _BODY_END.search(text) or re.search(r"[，。：；,:;]", text):
            break
        found.insert(0, text)
    return found


def _signature(paras: list[Para]) -> str:
    """The notice's signing body: the line above its date."""
    for k, para in enumerate(paras):
        if _DATE.match(arabic_date(para.text).replace(" ", "")) and k:
            return paras[k - 1].text.strip()
    return ""


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "……"
