"""Benchmark: merging a regenerated plan into the clerk's edited copy (issue 24: under 1 s).

雅安市's plan (examples/yaan-exams) is built, and built again with every date one month later.  The
clerk's copy of the first build has 20 edits made with python-docx (words changed in dated and
undated paragraphs, sentences appended, paragraphs rewritten, deleted, added and made bold).  Timed:
the three-way merge of the plan .docx and of the bundle (the plan with its task table), as build
does it (office.docx_merge.merge_docx: reading the three packages, aligning, writing tracked changes,
checking that rejecting them gives the clerk's text back, writing the package), best and median of
several runs in this process.

    PYTHONPATH=src python benchmarks/merge.py [--runs 7]
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "yaan-exams" / "plan.yaml"
STEM = "雅安市2021年医疗机构突出问题专项整治实施方案"
LIMIT = 1.0


def later(text: str) -> str:
    import calendar

    def shift(match: re.Match) -> str:
        year, month = int(match.group(1)), int(match.group(2)) + 1
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        if match.group(3) is None:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{min(int(match.group(3)), calendar.monthrange(year, month)[1]):02d}"

    return re.sub(r"\b(20\d\d)-(\d\d)(?:-(\d\d))?\b", shift, text)


def twenty_edits(data: bytes) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = [p for p in document.paragraphs if len(p.text) > 6]
    step = max(1, len(paragraphs) // 20)
    for n, p in enumerate(paragraphs[::step][:20]):
        kind = n % 5
        if kind == 0:
            p.runs[0].text = p.runs[0].text[:3] + "（改）" + p.runs[0].text[4:]
        elif kind == 1:
            p.add_run("（办公室补充）")
        elif kind == 2:
            p.runs[0].text = f"办公室改写的第{n}段。"
            for run in p.runs[1:]:
                run.text = ""
        elif kind == 3:
            p.insert_paragraph_before(f"办公室新加的第{n}段。")
        else:
            for run in p.runs:
                run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from planmaker.api import build
    from planmaker.office.docx_merge import merge_docx

    with tempfile.TemporaryDirectory(prefix="planmaker-merge-bench-") as folder:
        work = Path(folder)
        (work / "first.yaml").write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
        (work / "second.yaml").write_text(later(PLAN.read_text(encoding="utf-8")), encoding="utf-8")
        for name in ("first", "second"):
            build(work / f"{name}.yaml", work / name)
        worst = 0.0
        for name in (f"{STEM}.docx", f"{STEM}（含附件）.docx"):
            base, theirs = (work / "first" / name).read_bytes(), (work / "second" / name).read_bytes()
            ours = twenty_edits(base)
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                result = merge_docx(base, ours, theirs, True, "planmaker", "2021-09-30T00:00:00Z")
                times.append(time.perf_counter() - began)
            worst = max(worst, statistics.median(times))
            print(f"{name}: 20 edits, {result.changes} changes, {len(result.conflicts)} conflicts; "
                  f"merge best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms")
    print(f"{'OK' if worst < LIMIT else 'TOO SLOW'}: median under {LIMIT:.0f} s")
    return 0 if worst < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
