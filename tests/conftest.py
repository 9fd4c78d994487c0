"""Shared helpers: build a plan into a temporary folder and read what came out."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from planmaker.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The source documents (../shared/seeds when the repository was set up), kept with the
# tests so that a checkout anywhere can measure fidelity against them.
SEEDS = ROOT / "tests" / "seeds"
IN_CI = bool(os.environ.get("CI"))


def run_cli(*args: str, cwd: Path | None = None, **extra):
    """Run the command line in this process; ``extra`` goes to Click (``terminal_width=80``)."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **extra)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **extra)
    finally:
        os.chdir(old)


def write_plan(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def files_of_kind(out: Path, kind: str) -> list[Path]:
    return [out / f["path"] for f in manifest(out)["files"] if f["kind"] == kind]


def docx_paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def docx_text(path: Path) -> str:
    """All the text of a .docx, tables included, in document order."""
    document = docx.Document(str(path))
    parts = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in block.iter(docx.oxml.ns.qn("w:t"))))
        elif tag == "tbl":
            for cell_text in block.iter(docx.oxml.ns.qn("w:t")):
                parts.append(cell_text.text or "")
    return "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seed_text(prefix: str) -> str:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def libreoffice():
    """The soffice binary; a missing LibreOffice skips locally but fails in CI."""
    binary = soffice()
    if binary is None:
        if IN_CI:
            pytest.fail("CI 中必须安装 LibreOffice（.ci/run 负责安装）")
        pytest.skip("LibreOffice 未安装")
    return binary


def convert(binary: str, files: list[Path], out_dir: Path, fmt: str = "pdf") -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo-profile"
    subprocess.run(
        [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(out_dir), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )
    return [out_dir / (f.stem + "." + fmt) for f in files]


def run_into(tmp_path_factory, name: str, command: str, plan: Path) -> Path:
    """Run ``command`` on ``plan`` into a fresh folder (for fixtures shared by a module); it must succeed."""
    out = tmp_path_factory.mktemp(name)
    result = run_cli(command, plan, "-o", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def liuzhou_out(tmp_path_factory) -> Path:
    return run_into(tmp_path_factory, "liuzhou", "build", EXAMPLES / "liuzhou-2021" / "plan.yaml")
