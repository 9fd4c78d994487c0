"""Importing what a clerk receives (issue 22): a 30-page text PDF under 5 s, a .doc under 10 s
including LibreOffice; the PDF with ruled tables as its annexes too (pdfplumber reads the pages
that have rules).

    python benchmarks/import_received.py

The plan is benchmarks/import.py's (seed 001's sentences), made longer until LibreOffice lays it out
on at least 30 pages; LibreOffice makes the PDF and the .doc from its .docx (not timed).  Each figure
is the median of 3 runs of the whole command in a fresh process (start-up and, for the .doc, starting
LibreOffice with a profile of its own included), beside `python -c pass` on the same machine.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("import_bench", HERE / "import.py")
assert _spec and _spec.loader
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def lines(copies: int) -> list[str]:
    """The 20-page plan with its parts repeated: 八、…… on to 二十四、…… ."""
    base = bench.plan_lines()
    body, closing = base[2:-2], base[-2:]
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
               "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四"]
    out, part = base[:2], 0
    for _ in range(copies):
        for line in body:
            if line[1] == "、" or line[2] == "、":
                out.append(numbers[part] + "、" + line.split("、", 1)[1])
                part += 1
            else:
                out.append(line)
    return out + closing


def annex_tables(document) -> None:
    """A task table over several pages and a statistics form, ruled, as the plan's two annexes."""
    document.add_paragraph("附件1")
    document.add_paragraph("重点任务分工表")
    rows = [("序号", "重点任务", "牵头单位", "配合单位")]
    rows += [(str(k), f"开展第{k}项重点整治任务，建立问题清单并逐项整改", "市卫生健康委", "市医疗保障局") for k in range(1, 61)]
    _table(document, rows)
    document.add_paragraph("附件2")
    document.add_paragraph("医疗机构检查情况统计表")
    _table(document, [("类别", "项目", "应检查", "已检查", "发现问题")]
           + [("检查情况" if k == 0 else "", f"第{k + 1}类机构", "", "", "") for k in range(12)])


def _table(document, rows) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text


def write_plan(path: Path, tables: bool) -> None:
    document = docx.Document()
    for line in lines(2):
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.first_line_indent = docx.shared.Pt(32)
    if tables:
        annex_tables(document)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.size = docx.shared.Pt(16)
    document.save(str(path))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="planmaker-import-bench-"))
    try:
        source = work / "plan.docx"
        write_plan(source, tables=False)
        write_plan(work / "tables.docx", tables=True)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            sys.exit("LibreOffice (soffice) is needed to make the PDF and the .doc")
        for fmt, docs in (("pdf", [source, work / "tables.docx"]), ("doc", [source])):
            subprocess.run([soffice, f"-env:UserInstallation={(work / 'lo').as_uri()}", "--headless",
                            "--convert-to", fmt, "--outdir", str(work), *map(str, docs)], check=True, capture_output=True)
        pages = len(pdfium.PdfDocument(str(work / "plan.pdf")))
        with_tables = len(pdfium.PdfDocument(str(work / "tables.pdf")))
        baseline = bench.timed([sys.executable, "-c", "pass"], 5)
        print(f"plan: {pages} pages as PDF; with its two ruled tables as annexes: {with_tables} pages")
        print(f"python -c pass                  {baseline:6.3f} s (baseline)")
        for name, target in (("plan.pdf", 5), ("tables.pdf", 5), ("plan.doc", 10)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            took = bench.timed(bench.CLI + ["import", str(work / name), "-o", str(work / "out"), "--force"], 3)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # processor time of the command and LibreOffice: what a busy machine's wall clock hides
            cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / 3
            print(f"planmaker import {name:<14} {took:6.3f} s  (processor {cpu:5.2f} s)  "
                  f"target < {target} s: {'yes' if took < target else 'NO'}")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
