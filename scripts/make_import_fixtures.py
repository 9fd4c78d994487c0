"""Write the .docx inputs of tests/test_import.py from seed plans.

    python scripts/make_import_fixtures.py

* auto-numbering.docx — seed 001 with its headings numbered by Word (numbering.xml):
  the paragraphs hold no typed “一、” or “（一）”.
* task-table.docx — seed 003 with annex 1 (任务分工) as a real Word table.
* libreoffice.docx — seed 004 第二篇 written by python-docx, then opened and saved
  again by LibreOffice (soffice --convert-to docx), as a clerk's LibreOffice would.
* libreoffice-numbering.docx — auto-numbering.docx saved again by LibreOffice, which writes
  the list numbers its own way (taiwaneseCountingThousand for 一、二、).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.oxml import parse_xml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from seed_plans import body_only, plans  # noqa: E402  (tests/ is put on the path just above)

OUT = ROOT / "tests" / "data" / "import"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
L1 = re.compile(r"^[一二三四五六七八九十]+、")
L2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
NUMBERING = f"""<w:abstractNum {W_NS} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""


def auto_numbering(text: str, path: Path) -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(NUMBERING))
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for line in _lines(text):
        for pattern, level in ((L1, 0), (L2, 1)):
            if pattern.match(line):
                paragraph = document.add_paragraph(pattern.sub("", line))
                ppr = paragraph._p.get_or_add_pPr()
                ppr.append(parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
                break
        else:
            document.add_paragraph(line)
    document.save(path)


def task_table(text: str, path: Path) -> None:
    document = docx.Document()
    body, annexes = body_only("003", text), text[len(body_only("003", text)):]
    for line in _lines(body):
        document.add_paragraph(line)
    annex_lines = annexes.split("附件2")[0].splitlines()
    document.add_paragraph("附件1")
    document.add_paragraph(next(line.strip() for line in annex_lines[1:] if line.strip()))
    rows = _text_rows([line for line in annex_lines if line.strip()][2:])
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row[:4]):
            table.cell(r, c).text = value
    document.save(path)


def _text_rows(lines: list[str]) -> list[list[str]]:
    cells: list[str] = []
    for line in lines:
        if line.startswith("\t"):
            cells.append(line.strip())
        elif cells:
            cells[-1] += "、" + line.strip()
    header, rows = cells[:4], []
    for cell in cells[4:]:
        if re.fullmatch(r"\d+", cell):
            rows.append([])
        rows[-1].append(cell)
    return [header] + rows


def libreoffice(text: str, path: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "python-docx.docx"
        document = docx.Document()
        for line in _lines(text):
            document.add_paragraph(line)
        document.save(source)
        resave(source, path)


def resave(source: Path, path: Path) -> None:
    """``source`` opened and saved as .docx by LibreOffice."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        sys.exit("需要 LibreOffice（soffice）")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        subprocess.run([binary, f"-env:UserInstallation=file://{scratch}/profile", "--headless", "--convert-to",
                        "docx:MS Word 2007 XML", "--outdir", str(out), str(source)], check=True, capture_output=True)
        shutil.copy(out / source.name, path)


def _lines(text: str) -> list[str]:
    """Paragraphs as a Word file has them: the seed's page-layout breaks inside sentences mended."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if out and not re.search(r"[。：；！？）)”]$|方案$", out[-1]) and not L1.match(line) and not L2.match(line) \
                and len(out[-1]) > 20:
            out[-1] += line
        else:
            out.append(line)
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    seeds = plans()
    auto_numbering(seeds["001"], OUT / "auto-numbering.docx")
    task_table(seeds["003"], OUT / "task-table.docx")
    libreoffice(seeds["004-二"], OUT / "libreoffice.docx")
    resave(OUT / "auto-numbering.docx", OUT / "libreoffice-numbering.docx")
    for name in ("auto-numbering.docx", "task-table.docx", "libreoffice.docx", "libreoffice-numbering.docx"):
        print(OUT / name)


if __name__ == "__main__":
    main()
