"""The plans inside the seed files, each cut out by its own text (a seed may hold several)."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"
# seed 002 is one line of text: its plans are cut where their titles start
SEED_002_TITLES = ["2023年在有关纠正医药购销领域不正之风通用实施方案为", "医院清廉医院创建行动工作方案为",
                   "2023年关于开展医药领域腐败问题集中整治活动方案根据", "医疗领域深入整治群众身边腐败和作风问题工作方案根据"]
SEED_004_TITLE = "开展医疗卫生方面损害群众利益行为专项整治实施方案"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def plans() -> dict[str, str]:
    """Each seed plan by key: 000-一 … 000-六, 001, 002-1 … 002-4, 003, 004-一 … 004-四."""
    out = {}
    parts = re.split(r"^篇([一二三四五六])：", seed("000"), flags=re.MULTILINE)
    for num, body in zip(parts[1::2], parts[2::2]):
        out[f"000-{num}"] = body.strip()
    out["001"] = seed("001").strip()
    text = seed("002")
    starts = [text.index(title, 30) for title in SEED_002_TITLES] + [len(text)]
    for k, (a, b) in enumerate(pairwise(starts), start=1):
        out[f"002-{k}"] = text[a:b].strip()
    out["003"] = seed("003").strip()
    parts = re.split(rf"^{SEED_004_TITLE}【第(.)篇】\s*$", seed("004"), flags=re.MULTILINE)
    for num, body in zip(parts[1::2], parts[2::2]):
        out[f"004-{num}"] = SEED_004_TITLE + "\n" + body.split("上一篇")[0].strip()
    return out


def body_only(key: str, text: str) -> str:
    """The plan without the annexes printed after its signature (seed 003 has four)."""
    if key == "003":
        return text[:re.search(r"^\s*附件1\s*$", text, flags=re.MULTILINE).start()]
    return text
