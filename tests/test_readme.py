"""The README gives exactly two set-up commands, and CI runs the second."""

import re

from conftest import ROOT


def commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)


def test_two_setup_commands_and_ci_runs_the_test_one():
    setup, test = commands()[:2]
    assert "pip install" in setup and "planmaker demo" in setup
    assert "python -m pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test.strip() in ci
