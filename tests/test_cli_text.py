"""The command line's Chinese: Click's messages from the gettext catalog, and
help laid out by display width (clihelp.py)."""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys

import click
import pytest
from babel.messages.pofile import read_po

from conftest import ROOT, run_cli
from planmaker import clihelp

sys.path.insert(0, str(ROOT / "scripts"))
import click_catalog

COMMANDS = ("build", "check", "cascade", "collect", "demo", "new", "profiles", "campaigns")


def test_every_message_of_the_installed_click_is_translated():
    with click_catalog.PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    missing = [m for m in click_catalog.click_messages()
               if not catalog.get(m if isinstance(m, str) else m[0]) or
               not catalog.get(m if isinstance(m, str) else m[0]).string]
    assert not missing, f"python scripts/click_catalog.py --write, then translate: {missing}"


def test_the_compiled_catalog_is_the_po_file():
    with click_catalog.PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    assert click_catalog.MO.read_bytes() == click_catalog.mo_bytes(catalog), "python scripts/click_catalog.py --write"


def test_every_translation_keeps_the_placeholders_it_is_given():
    with click_catalog.PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    names = re.compile(r"\{(\w+)")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        given = set().union(*(names.findall(i) for i in ids))
        for string in strings:
            assert set(names.findall(string)) <= given, message.id  # format() would fail on another name


def test_click_speaks_chinese_whatever_the_locale():
    code = ("from planmaker.cli import main; main(['build'], prog_name='planmaker')")
    for lang in ("C", "en_US.UTF-8", "zh_CN.UTF-8"):
        env = {"PATH": "/usr/bin:/bin", "LANG": lang, "LANGUAGE": lang, "PYTHONPATH": str(ROOT / "src"),
               "PYTHONIOENCODING": "utf-8"}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                encoding="utf-8")
        assert result.returncode == 2
        assert "错误：缺少参数 PLAN" in result.stderr and "用法：planmaker build" in result.stderr, (lang, result.stderr)
        assert "Error" not in result.stderr and "Usage" not in result.stderr


def test_help_has_no_english_and_no_broken_words():
    for command in COMMANDS:
        for width in (60, 80, 100):
            result = run_cli(command, "--help", terminal_width=width)
            assert result.exit_code == 0
            text = result.output
            for english in ("Show this message", "[required]", "x>=", "<=x", "Options:", "Usage:", "env var"):
                assert english not in text, (command, english)
            for word in ("ledger", "selfcheck", "checklist", "calendar", "institutions", "manifest.json",
                         "LibreOffice", "--lead-days"):
                if word in run_cli(command, "--help", terminal_width=1000).output:
                    assert word in text, (command, width, word)  # never split over two lines


def test_help_columns_line_up_in_display_width():
    text = run_cli("build", "--help", terminal_width=80).output
    options = text.split("选项：\n", 1)[1].splitlines()
    starts = set()
    for line in options:
        if line.startswith("  -") and "  " in line.strip():
            term = re.match(r"  (\S.*?)  +", line)
            starts.add(clihelp.width(line[:term.end()]))
        elif line.strip():
            starts.add(len(line) - len(line.lstrip()))  # continuation lines: spaces only
        assert clihelp.width(line) <= 80, line
    assert len(starts) == 1, starts


@pytest.mark.parametrize("command, joined", [
    ("cascade", ["使用本级的部门名称，报送时限", "工作日。市的方案"]),
    ("collect", ["本级的各辖区。每个文件", "LibreOffice 填写均可。", "以及 .docx）和汇总报告.txt，报告",
                 "本时段或本级下级的文件", "不符；重复报送"]),
])
def test_wrapped_chinese_lines_join_without_a_space(command, joined):
    text = run_cli(command, "--help", terminal_width=1000).output
    for words in joined:
        assert words in text, words


def test_closing_punctuation_never_starts_a_line():
    text = "说明" * 20 + "，" + "这是一段很长的中文说明" * 6
    for limit in range(10, 60):
        for line in clihelp.wrap(text, limit):
            assert clihelp.width(line) <= limit and not line.startswith(("，", "。", "）"))
    assert clihelp.wrap("plan：实施方案（.docx）；ledger：整改台账", 20) == ["plan：实施方案", "（.docx）；ledger：", "整改台账"]


def test_old_option_names_still_work_but_are_not_shown(tmp_path):
    result = run_cli("profiles", "--dir", tmp_path)
    assert result.exit_code == 0 and "liuzhou" in result.output
    assert "--dir" not in run_cli("profiles", "--help").output
    assert "--profiles" in run_cli("profiles", "--help").output


def test_missing_input_of_collect_names_no_field(tmp_path):
    result = run_cli("collect", tmp_path / "nowhere", "--plan", ROOT / "examples" / "guangxi-2020" / "plan.yaml",
                     "-o", tmp_path / "o")
    assert result.exit_code == 2 and "找不到" in result.output
    assert "字段" not in result.output and "INPUTS" not in result.output


def test_the_catalog_speaks_while_the_command_line_runs():
    translation = clihelp.catalog()
    assert translation.gettext("Missing argument") == "缺少参数"
    assert gettext.translation("messages", str(clihelp.LOCALE_DIR), languages=["zh_CN"]).gettext("Usage:") == "用法："
    with clihelp.chinese_messages():
        assert click.core._("Usage:") == "用法："
        buffer = io.StringIO()
        click.UsageError("x").show(buffer)
    assert buffer.getvalue() == "错误：x\n"


def test_shell_completion_completes_commands_and_options():
    from click.testing import CliRunner

    from planmaker.cli import main
    for words, cword, expected in (("planmaker bu", "1", "plain,build"), ("planmaker build --pro", "2", "plain,--profiles"),
                                   ("planmaker ne", "1", "plain,new")):
        result = CliRunner().invoke(main, [], prog_name="planmaker",
                                    env={"_PLANMAKER_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword})
        assert expected in result.output, (words, result.output)


def test_importing_the_command_line_leaves_click_as_it_was():
    """Click speaks Chinese while planmaker's command line runs, through its own classes; a program that
    imports planmaker (planmaker.api, a web page) keeps Click's own messages and formatter."""
    import gettext

    import click.core

    import planmaker.cli  # noqa: F401

    assert click.Context.formatter_class is click.HelpFormatter
    assert click.core._ is gettext.gettext
    result = run_cli("build")
    assert "缺少参数" in result.output
    assert click.core._ is gettext.gettext
