"""The README gives exactly two set-up commands, and CI runs the second."""

import re

from conftest import ROOT


def commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)


def test_two_setup_commands_and_ci_runs_the_test_one():
    setup, test = commands()[:2]
    assert "pip install" in setup and "planmaker demo" in setup and len(setup.strip().splitlines()) == 1
    assert "python -m pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test.strip() in ci


def test_the_page_starts_with_one_line_after_the_set_up():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.index("pip install -c constraints.txt . && planmaker demo")
    assert text.index("```\nplanmaker serve --open\n```") > setup
