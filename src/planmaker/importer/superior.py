"""Words the issuer does not own, kept as written when its own words become variables.

A session of a party committee (省委十五届五次全体（扩大）会议) is that body's, not the level's
that a plan built elsewhere would put in its place; a count (全国31个省, 全省共查处126起) and a
sentence stating the past (2023年，全省共……) are facts about the issuer's area that another area
cannot inherit.  These are left as written and listed for the clerk to check."""

from __future__ import annotations

import re

from planmaker.base.history import historical_dates

# a level's committee, congress or government with a session number: 省委十五届五次全会, 市人大第三次会议
_SESSION = re.compile(r"(?:党委|[省市县区州盟旗]委|人大|政协|政府)"
                      r"(?=[一二三四五六七八九十]+届|第[一二三四五六七八九十\d]+次)")
# a level word followed by a count: 全国31个省, 全省126家
_COUNTED = re.compile(r"(?:全国|全省|全区|全市|全州|全盟|全县|全旗|我国|我省|我区|我市|我州|我县)"
                      r"(?=[共累计已有达]{0,3}\d|[共累计已有达]{0,3}[一二三四五六七八九十百千]+[个家所起例])")
_COUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:个|家|所|起|例|人|名|件|万|亿|%|％)")
_PAST = re.compile(r"截至|截止|累计|以来|(?<!\d)(?:19|20)\d\d\s*年(?![\d_X]*\s*月)")
_BEFORE_NAME = set("的和与及是在按照根据落实贯彻学习传达")
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")


# the centre's bodies: above every issuer, never one's own words to hand on
_CENTRE = re.compile(r"党中央|中共中央|国务院|全国人大|全国政协|中央纪委|中央和国家机关")


def kept_spans(text: str, year: int | None) -> list[tuple[int, int, str]]:
    """(start, end, why) of the stretches of ``text`` whose level words stay as written."""
    kept = [(m.start(), m.end(), "中央") for m in _CENTRE.finditer(text)]
    for m in _SESSION.finditer(text):
        start = m.start()
        while start > 0 and m.start() - start < 6 and "\u4e00" <= text[start - 1] <= "\u9fff" \
                and text[start - 1] not in _BEFORE_NAME:
            start -= 1    # the body's place name too (江西省委)
        kept.append((start, m.end(), f"“{text[start:m.end()]}”是该机构届次会议的名称"))
    kept += [(m.start(), m.end() + 3, f"“{text[m.start():m.end() + 3]}”是数字") for m in _COUNTED.finditer(text)]
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        past = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)\s*年", sentence)]
        stated = _COUNT.search(sentence) and (re.search(r"截至|截止|累计|以来", sentence)
                                              or (year and past and max(past) < year))
        if stated:
            kept.append((m.start(), m.end(), "这句是过往的统计数字"))
    return kept


def past_dates(text: str, year: int | None) -> list[tuple[int, int]]:
    return historical_dates(text, year)
