"""The three-way alignment (base/merge3.py) on lists of strings, without building a plan."""

from __future__ import annotations

from planmaker.base import merge3
from planmaker.base.merge3 import CONFLICT, DROP, GONE, INSERT, KEEP, UPDATE, Step


def actions(base: list[str], ours: list[str], theirs: list[str]) -> list[tuple[str, str | None, str | None]]:
    return [(s.action, ours[s.ours] if s.ours is not None else None, theirs[s.theirs] if s.theirs is not None else None)
            for s in merge3.merge(base, ours, theirs)]


def test_a_paragraph_only_the_new_version_changed_is_updated():
    base = ["一、时间", "2021年9月1日起。", "二、范围"]
    theirs = ["一、时间", "2021年10月1日起。", "二、范围"]
    assert [a for a, _, _ in actions(base, base, theirs)] == [KEEP, UPDATE, KEEP]


def test_the_clerks_edit_next_to_a_changed_date_is_no_conflict():
    base = ["标题", "2021年9月1日起。", "一是形式多样宣传。", "结尾"]
    ours = ["标题", "2021年9月1日起。", "一是形式丰富宣传。", "结尾"]
    theirs = ["标题", "2021年10月1日起。", "一是形式多样宣传。", "结尾"]
    assert actions(base, ours, theirs) == [(KEEP, "标题", "标题"), (UPDATE, "2021年9月1日起。", "2021年10月1日起。"),
                                           (KEEP, "一是形式丰富宣传。", "一是形式多样宣传。"), (KEEP, "结尾", "结尾")]


def test_both_changed_is_a_conflict_and_additions_land_in_place():
    base = ["甲", "乙在9月", "丙"]
    ours = ["新加", "甲", "乙改写了", "丙"]
    theirs = ["甲", "乙在10月", "丙", "丁"]
    assert actions(base, ours, theirs) == [(KEEP, "新加", None), (KEEP, "甲", "甲"), (CONFLICT, "乙改写了", "乙在10月"),
                                           (KEEP, "丙", "丙"), (INSERT, None, "丁")]


def test_deletions_on_either_side():
    base = ["甲", "乙", "丙", "丁"]
    ours = ["甲", "丙", "丁"]  # the clerk deleted 乙
    theirs = ["甲", "乙（新）", "丙"]  # the new version changed 乙 and removed 丁
    steps = merge3.merge(base, ours, theirs)
    assert Step(GONE, 1, None, 1) in steps
    assert [s.action for s in steps if s.ours is not None] == [KEEP, KEEP, DROP]


def test_pairing_by_similarity_when_counts_differ():
    pairs = merge3.pair(["第一段很长的文字", "第二段"], ["第一段很长的文字（改）", "插入", "第二段"])
    assert pairs == [(0, 0), (None, 1), (1, 2)]
