"""Render documents to PNG pages, to look at them as a clerk would before printing.

    python scripts/render_pages.py out/*.docx out/*.xlsx -o pages/          # every page, 60 dpi
    python scripts/render_pages.py out/方案.docx -o pages/ --dpi 100 --first 1 --last 2
    python scripts/render_pages.py --readme          # the README's pictures (docs/pages/), from the examples

.docx and .xlsx go through one LibreOffice run with planmaker's own font set-up
(the same PDFs as ``planmaker build --format pdf``); a .pdf is rendered as it
is.  Each page becomes ``<name>-<page>.png`` (poppler's pdftoppm).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from pagecheck import convert  # noqa: E402  (tests/pagecheck.py: one soffice run for all)


def render(files: list[Path], out: Path, dpi: int, first: int | None, last: int | None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        office = [f for f in files if f.suffix in (".docx", ".xlsx")]
        pdfs = convert(office, Path(tmp)) if office else {}
        pdfs.update({f: f for f in files if f.suffix == ".pdf"})
        for source, pdf in pdfs.items():
            name = source.stem + ("（表格）" if source.suffix == ".xlsx" else "")
            pages = ["-f", str(first)] if first else []
            pages += ["-l", str(last)] if last else []
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), *pages, str(pdf), str(out / name)], check=True)
    return sorted(out.glob("*.png"))


# the README's pictures: (example, the file's name ends with, page, picture)
README_PAGES = (
    ("liuzhou-2021", "工作方案.docx", 1, "plan-page-1.png"),
    ("guangxi-2020", "统计表二.docx", 1, "stats-form-page-1.png"),
    ("county-conduct", "自查表.docx", 1, "selfcheck-page-1.png"),
    ("county-conduct", "整改台账.docx", 1, "ledger-page-1.png"),
)


def readme_pages(dpi: int = 60) -> list[Path]:
    """Build the examples the README shows and render its pictures into docs/pages/."""
    from click.testing import CliRunner

    from planmaker.cli import main as cli

    target = ROOT / "docs" / "pages"
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for example, ending, page, picture in README_PAGES:
            out = Path(tmp) / example
            if not out.exists():
                result = CliRunner().invoke(cli, ["build", str(ROOT / "examples" / example / "plan.yaml"), "-o", str(out)])
                if result.exit_code:
                    raise SystemExit(result.output)
            source, = [f for f in out.glob("*.docx") if f.name.endswith(ending)]
            pages = render([source], Path(tmp) / "png" / picture, dpi, page, page)
            shutil.copyfile(pages[0], target / picture)
            written.append(target / picture)
    return written


def main() -> None:
    if sys.argv[1:] == ["--readme"]:
        for page in readme_pages():
            print(page)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help=".docx, .xlsx or .pdf")
    parser.add_argument("-o", "--out", type=Path, required=True, help="folder for the PNG pages")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--first", type=int, help="first page to render")
    parser.add_argument("--last", type=int, help="last page to render")
    args = parser.parse_args()
    if not shutil.which("pdftoppm"):
        raise SystemExit("需要 poppler-utils 中的 pdftoppm")
    for page in render(args.files, args.out, args.dpi, args.first, args.last):
        print(page)


if __name__ == "__main__":
    main()
