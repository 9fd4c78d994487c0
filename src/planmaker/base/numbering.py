"""Chinese numerals and the heading numbers of GB/T 9704 (一、 （一） 1. （1））."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_LARGE_UNITS = ("", "万", "亿", "万亿")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 100 → 一百, 101 → 一百零一, 110 → 一百一十, 10000 → 一万.

    Headings rarely pass 十几, but a plan may list a hundred tasks, an imported text a
    hundred “一、”: no count has a ceiling.  Past 万亿 the number is written in digits."""
    if n < 0:
        return "负" + chinese_number(-n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:  # 十, 十一 … 十九: the 一 of 一十 is not said alone
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n >= 10 ** 16:
        return str(n)
    groups = []
    while n:
        n, group = divmod(n, 10000)
        groups.append(group)
    text = ""
    zero = False  # a gap (零) waiting to be said before the next digit
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _group(group) + _LARGE_UNITS[index]
        zero = False
    return text[1:] if text.startswith("一十") else text  # 十万, not 一十万


def _group(n: int) -> str:
    """1 to 9999 within its group of four digits: 1010 → 一千零一十."""
    text = ""
    zero = False
    for power in (3, 2, 1, 0):
        digit = n // 10 ** power % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _SMALL_UNITS[power]
    return text


def heading_number(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"
