"""YAML through libyaml where PyYAML has it, with the same data, the same
lines and the same errors as the pure-Python loader."""

from __future__ import annotations

import pytest

from conftest import ROOT
from planmaker.base.errors import InputError
from planmaker.inputs import yamlfile

pytestmark = pytest.mark.skipif(yamlfile._CLoader is None, reason="PyYAML 未带 libyaml")

BUNDLED = sorted(p for folder in ("templates", "profiles", "examples", "docs", "tests/data")
                 for p in (ROOT / folder).rglob("*.y*ml"))


def located(value):
    """The data with every line it remembers, to compare two loads."""
    if isinstance(value, dict):
        return ("map", value.start_line, sorted(value.lines.items()),
                [(key, type(key), located(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", value.start_line, list(value.lines), [located(item) for item in value])
    return (type(value).__name__, value)


def test_there_are_bundled_files_to_compare():
    assert len(BUNDLED) > 40


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_libyaml_gives_the_same_data_and_lines(path):
    text = path.read_text(encoding="utf-8-sig")
    fast = yamlfile.load_text(text, str(path), yamlfile._CLoader)
    slow = yamlfile.load_text(text, str(path), yamlfile._Loader)
    assert located(fast) == located(slow)


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "a: 1\nb: [1, 2\n",
    "a:\n  b: 1\n c: 2\n",
    "a: 1\na: 2\n",
    "a: *nothing\n",
    "a: &x [1, *x]\n",
    "\ta: 1\n",
    "a: b: c\n",
    "a: \"\\q\"\n",
    "a: " + "[" * 3000 + "]" * 3000 + "\n",
    "".join(f"- &a{i} [x]\n" for i in range(yamlfile.MAX_ALIASES + 1)) + "".join(
        f"- *a{i}\n" for i in range(yamlfile.MAX_ALIASES + 1)),
    "".join(f"- {i}\n" for i in range(2005)),
], ids=["bracket", "indent", "duplicate", "undefined-alias", "recursive", "tab", "colon", "escape", "deep",
        "aliases", "crowded"])
def test_the_same_error_either_way(text, monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_NODES", 2000)  # "crowded": the limit, met sooner
    errors = []
    for loader in (None, yamlfile._Loader):
        with pytest.raises(InputError) as caught:
            yamlfile.load_text(text, "plan.yaml", loader)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    assert "plan.yaml" in errors[0]


def test_a_file_libyaml_reads_is_read_by_libyaml(monkeypatch):
    calls = []
    original = yamlfile._load
    monkeypatch.setattr(yamlfile, "_load", lambda cls, *a: calls.append(cls) or original(cls, *a))
    yamlfile.load_file(ROOT / "examples" / "liuzhou-2021" / "plan.yaml")
    assert calls == [yamlfile._CLoader]
