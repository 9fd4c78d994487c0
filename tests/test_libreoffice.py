"""A real consumer opens what we write: LibreOffice converts it to PDF."""

import subprocess

import pytest

from conftest import convert, files_of_kind


@pytest.mark.slow
def test_plan_converts_to_pdf(libreoffice, liuzhou_out, tmp_path):
    (plan,) = files_of_kind(liuzhou_out, "plan")
    (pdf,) = convert(libreoffice, [plan], tmp_path / "pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    if info.returncode == 0:
        pages = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1])
        assert 4 <= pages <= 9, pages
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    if text.returncode == 0:
        flat = "".join(text.stdout.split())
        assert "工作目标" in flat and "—1—" in flat
