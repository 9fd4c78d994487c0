"""Shared helpers: build a plan into a temporary folder and read what came out."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
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


def pytest_collection_modifyitems(items):
    """A test that starts LibreOffice takes seconds: it is slow, whether or not it says so."""
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
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


def run_into(tmp_path_factory, name: str, command: str, plan: Path, *extra: str) -> Path:
    """Run ``command`` on ``plan`` into a fresh folder (for fixtures shared by a module); it must succeed.
    ``extra``: more options (``"--only", "plan"``)."""
    out = tmp_path_factory.mktemp(name)
    result = run_cli(command, plan, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return out


# What the suite may leave in the checkout: caches of Python, pytest and hypothesis.
_CACHES = ("__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", ".egg-info")


def _checkout_files() -> set[str] | None:
    """Every path in the checkout that git does not track (ignored ones too), caches aside; None outside git."""
    try:
        listed = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    return {line[3:] for line in listed.stdout.splitlines() if not any(c in line for c in _CACHES)}


_session: list[pytest.TempPathFactory] = []


def session_folder(name: str) -> Path:
    """A new folder for the whole session (for helpers that are not fixtures), which pytest owns and clears."""
    return _session[0].mktemp(name)


@pytest.fixture(scope="session", autouse=True)
def hermetic(tmp_path_factory):
    """Every test keeps to its tmp_path.  The temporary files of planmaker and of the programs it starts
    go to a temp folder of the session's own, which must be empty again at the end (a test cannot pass
    because the machine's temp folder holds a file from an earlier run), and the checkout gains no file."""
    _session.append(tmp_path_factory)
    private = tmp_path_factory.mktemp("temp")
    saved = {name: os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")}
    os.environ.update(TMPDIR=str(private), TEMP=str(private), TMP=str(private))
    tempfile.tempdir = None
    before = _checkout_files()
    yield private
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    tempfile.tempdir = None
    left = sorted(str(p.relative_to(private)) for p in private.rglob("*"))
    assert not left, f"测试留下了临时文件（{private}）：{left[:20]}"
    after = _checkout_files()
    if before is not None and after is not None:
        grown = sorted(after - before)
        assert not grown, f"测试在仓库中写入了文件：{grown[:20]}"


@pytest.fixture
def own_temp_folder(tmp_path, monkeypatch) -> Path:
    """An empty temp folder of the test's own (TMPDIR), so that the test can see what was left in it."""
    temp = tmp_path / "临时"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    assert Path(tempfile.gettempdir()) == temp
    return temp


@pytest.fixture(scope="session")
def liuzhou_out(tmp_path_factory) -> Path:
    return run_into(tmp_path_factory, "liuzhou", "build", EXAMPLES / "liuzhou-2021" / "plan.yaml")


@pytest.fixture(scope="session")
def example_builds(tmp_path_factory) -> dict[str, Path]:
    """Every bundled example built as it is and with a small institution list (scripts/example_hashes.py):
    {build: its output folder}.  The hash table and the page test read the same builds; both are in the
    xdist group "examples", so one worker builds them once."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from example_hashes import build_examples

    return build_examples(tmp_path_factory.mktemp("examples"))

