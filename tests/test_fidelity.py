"""The generated plan reproduces its seed document."""

import difflib
import re

from conftest import docx_text, files_of_kind, seed_text, squash


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, squash(a), squash(b), autojunk=False).ratio()


def test_liuzhou_plan_matches_seed_001(liuzhou_out):
    (plan,) = files_of_kind(liuzhou_out, "plan")
    score = ratio(docx_text(plan), seed_text("001"))
    assert score >= 0.95, score


def test_liuzhou_plan_keeps_the_seed_dates(liuzhou_out):
    (plan,) = files_of_kind(liuzhou_out, "plan")
    text = docx_text(plan)
    for expected in ("2021年8月至2022年3月", "部署阶段（2021年8月）", "自查阶段（2021年9月—10月）",
                     "总结阶段（2022年1月—3月）", "于2021年10月1日及2022年3月1日前", "2021年8月20日"):
        assert expected in text
    assert re.search(r"《广西壮族自治区2021年开展不合理医疗检查专项治理行动工作方案》（桂卫医发〔2021〕12号）", text)
