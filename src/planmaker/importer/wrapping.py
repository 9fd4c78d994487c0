"""What wraps a plan as it is issued: the masthead (××卫生健康委员会文件, 柳卫发〔2021〕12号),
the covering notice (关于印发《……方案》的通知 ……现印发给你们), and the 版记 at the end
(抄送：…… / ××办公室 2021年8月20日印发).  The plan inside is what is imported; the number
goes to the plan file, and the rest is reported, not silently lost."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planmaker.importer.paragraphs import Para

_MASTHEAD = re.compile(r"^.{2,40}文\s*件$")
NUMBER = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,12}〔(?:\d{4}|20__)〕\s*(?:\d+|__)\s*号$")
_SIGNER = re.compile(r"^签\s*发\s*人[:：]")
_COVER = re.compile(r"^关于印发[《<]?(?P<inner>.+?)[》>]?的通知$")
_IMPRINT = re.compile(r"^抄\s*送[:：]|^.{2,40}(?:办公室|委员会|局)\s+(?:\d{4}|20__)\s*年.{1,8}日\s*印发$")


@dataclass
class Wrapping:
    number: str = ""
    cover: list[Para] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


def unwrap(body: list[Para]) -> tuple[list[Para], Wrapping]:
    found = Wrapping()
    start = 0
    while start < len(body) and start < 4 and (_MASTHEAD.match(body[start].text) or NUMBER.match(body[start].text)
                                                or _SIGNER.match(body[start].text)):
        if NUMBER.match(body[start].text):
            found.number = body[start].text.replace(" ", "")
        found.notes.append((body[start].line, f"版头“{body[start].text}”不属正文，未导入" +
                            ("（文号写入方案文件的 number）" if NUMBER.match(body[start].text) else "")))
        start += 1
    body = body[start:]
    body = _cover(body, found)
    end = len(body)
    while end > 0 and (_IMPRINT.match(body[end - 1].text) or re.match(r"^[（(]此件.{2,20}[）)]$", body[end - 1].text)):
        found.notes.append((body[end - 1].line, f"版记“{body[end - 1].text[:30]}”不属正文，未导入"))
        end -= 1
    return body[:end], found


def _cover(body: list[Para], found: Wrapping) -> list[Para]:
    """A covering notice: the plan starts where its own title (the notice's 《……》) does."""
    if not body:
        return body
    m = _COVER.match(body[0].text.replace(" ", ""))
    if not m:
        return body
    inner = m.group("inner")
    at = next((i for i, p in enumerate(body[1:], start=1) if p.text.replace(" ", "") in (inner, f"《{inner}》")), None)
    if at is None:
        return body
    found.cover = body[:at]
    found.notes.append((body[0].line, f"印发通知（第{body[0].line}—{body[at - 1].line}行）不属方案正文，未导入；"
                                      "其中的发文机关和日期用作落款"))
    return body[at:]
