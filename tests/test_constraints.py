"""Installs that give the same bytes: constraints.txt pins the tested versions,
CI and the README install with it, and the byte-identity test runs against
exactly those versions (in CI it fails when they are not the installed ones)."""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from conftest import IN_CI, ROOT, manifest
from planmaker.base.versions import DOCUMENT_LIBRARIES, versions

# Every library whose version can move a byte of a document.
BYTES_DEPEND_ON = DOCUMENT_LIBRARIES + ("lxml", "Jinja2", "docxcompose", "icalendar", "Markdown", "PyYAML",
                                        "chinesecalendar", "MarkupSafe")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line} should pin one version (name==version)"
            found[_name(name)] = version
    return found


def differing() -> list[str]:
    pinned = pins()
    return [f"{name} {metadata.version(name)} (constraints.txt: {pinned[_name(name)]})" for name in BYTES_DEPEND_ON
            if metadata.version(name) != pinned[_name(name)]]


def test_every_dependency_is_pinned():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {_name(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]) for requirement in wanted}
    assert names <= set(pins()), names - set(pins())
    assert {_name(n) for n in BYTES_DEPEND_ON} <= set(pins())


def test_ci_and_the_readme_install_the_constrained_versions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)[:2]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for text in blocks + [ci]:
        assert "pip install -c constraints.txt" in text, text


def test_the_tests_run_with_the_constrained_versions():
    """The byte-identity table holds for these versions; in CI they must be the installed ones."""
    moved = differing()
    if moved and not IN_CI:
        pytest.skip("与 constraints.txt 不同的版本：" + "；".join(moved))
    assert not moved, moved


def test_the_manifest_records_what_made_the_files(liuzhou_out):
    recorded = manifest(liuzhou_out)["versions"]
    assert recorded == versions()
    assert set(recorded) == {"planmaker", "python-docx", "docxtpl", "openpyxl"}
    assert all(re.fullmatch(r"\d+(\.\d+)+\S*", v) for v in recorded.values()), recorded
