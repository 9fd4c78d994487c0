"""Importing a 20-page plan (issue 13: under 2 s), as text and as a Word file.

    python benchmarks/import.py

The plan is made here from seed 001's sentences: 8 parts of 7 points each,
about 13,500 characters, which GB/T 9704's 22 lines of 28 characters make 20
pages.  Each figure is the median of 5 runs of the whole command in a fresh
process (start-up included), beside `python -c pass` on the same machine.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from planmaker.cli import main; main()"]
PAGE_CHARS = 22 * 28
NUMBERS = "一二三四五六七八九十"
HEADINGS = ["工作目标", "工作范围", "重点任务", "实施步骤", "工作要求", "保障措施", "组织机构", "监督检查"]


def sentences() -> list[str]:
    seed = next((ROOT / "tests" / "seeds").glob("001_*.txt")).read_text(encoding="utf-8")
    return [s + "。" for s in seed.replace("\n", "").split("。") if len(s) > 40 and "年" not in s]


def plan_lines() -> list[str]:
    pool = sentences()
    lines = ["柳州市2021年开展不合理医疗检查专项治理行动工作方案", pool[0]]
    k = 0
    for n, heading in enumerate(HEADINGS):
        lines.append(f"{NUMBERS[n]}、{heading}")
        for m in range(7):
            if heading == "实施步骤":
                lines.append(f"（{NUMBERS[m]}）第{NUMBERS[m]}阶段（2021年{m + 8 if m < 5 else 12}月）。"
                             + pool[k % len(pool)])
            else:
                lines.append(f"（{NUMBERS[m]}）" + "".join(pool[(k + i) % len(pool)] for i in range(3)))
            k += 2
    return lines + ["柳州市卫生健康委员会", "2021年8月20日"]


def timed(command: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="planmaker-import-bench-"))
    try:
        lines = plan_lines()
        text = work / "plan.txt"
        text.write_text("\n".join(lines) + "\n", encoding="utf-8")
        word = work / "plan.docx"
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        document.save(word)
        chars = sum(len(line) for line in lines)
        baseline = timed([sys.executable, "-c", "pass"], 7)
        print(f"plan: {chars} characters, about {chars / PAGE_CHARS:.0f} pages")
        print(f"python -c pass                  {baseline:6.3f} s (baseline)")
        for source in (text, word):
            took = timed(CLI + ["import", str(source), "-o", str(work / "out"), "--force"])
            print(f"planmaker import {source.name:<14} {took:6.3f} s  {took / baseline:5.1f}x baseline  "
                  f"target < 2 s: {'yes' if took < 2 else 'NO'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
