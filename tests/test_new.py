"""`planmaker new`: a first plan without YAML, through its questions (answers
typed on standard input) or through flags alone (a script); with no terminal
it never waits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, manifest, run_cli
from planmaker import cli
from planmaker.commands import new as wizard
from planmaker.commands.check import check_plan
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.models import Plan
from planmaker.inputs.planfile import dump_plan
from planmaker.inputs.validation import parse_model
from planmaker.inputs.yamlfile import load_text


def _answered(monkeypatch, answers: str, *args: str, cwd: Path):
    """Run `planmaker new` as if at a terminal, the answers typed on standard input."""
    from click.testing import CliRunner

    monkeypatch.setattr(cli, "_terminal", lambda: True)
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli.main, ["new", *args], input=answers, catch_exceptions=False)


def test_new_through_its_questions_builds_the_plan(tmp_path, monkeypatch):
    answers = "\n".join([
        "柳州",                 # found by name: 柳州市 rather than 柳州市中医医院
        "1",                    # first campaign of the list
        "2024年5月",            # start month
        "广西壮族自治区不合理医疗检查专项治理行动工作方案",
        "桂卫医发〔2024〕3号",
        "",                     # issuer: the profile's
        "张三,0772-1234567；李四,0772-7654321",
    ]) + "\n"
    result = _answered(monkeypatch, answers, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    for question in ("辖区名称", "专项（序号或名称）", "开始月份", "上级文件标题", "上级文件文号", "发文单位", "联系人"):
        assert question in result.output, question
    plan = tmp_path / "新方案" / "plan.yaml"
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    catalog = Catalog()
    city = catalog.load_profile("liuzhou")
    fitting = [c.id for c in wizard.campaign_list(catalog) if not wizard.missing_departments(catalog, city, c)]
    first = fitting[0]
    assert "clean-hospital" not in fitting and "未列出" in result.output  # a hospital's campaign, not a city's
    assert data["profile"] == "liuzhou" and data["campaign"] == first
    assert str(data["dates"]["start"]) == "2024-05"
    assert data["parent_document"] == {"title": "广西壮族自治区不合理医疗检查专项治理行动工作方案",
                                       "number": "桂卫医发〔2024〕3号"}
    assert [c["name"] for c in data["contacts"]] == ["张三", "李四"]
    assert "# " in plan.read_text(encoding="utf-8")  # commented for the clerk
    assert not [p for p in check_plan(plan, Catalog()) if p.severity == "error"]
    kinds = {f["kind"] for f in manifest(tmp_path / "新方案" / "out")["files"]}
    assert "plan" in kinds


def test_new_asks_again_until_the_answers_are_usable(tmp_path, monkeypatch):
    answers = "\n".join(["柳州市中", "柳州市", "没有这个专项", "unreasonable-exams", "明年", "", "", "", ""]) + "\n"
    result = _answered(monkeypatch, answers, "--no-build", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "1. 柳州市中医医院" in result.output or "柳州市中医医院" in result.output
    assert "请输入 1 到" in result.output and "请写成 2024-05" in result.output
    data = yaml.safe_load((tmp_path / "新方案" / "plan.yaml").read_text(encoding="utf-8"))
    assert data["campaign"] == "unreasonable-exams" and data["dates"]["start"] is None


def test_new_from_flags_alone_never_asks(tmp_path):
    result = run_cli("new", "--profile", "融安县", "--campaign", "不合理医疗检查专项治理行动", "--start", "2021-09",
                     "--parent-title", "柳州市方案", "--parent-number", "柳卫发〔2021〕1号",
                     "--contact", "王五,0772-5123456", "-o", tmp_path / "融安")
    assert result.exit_code == 0, result.output
    assert "？" not in result.output and "：\n" not in result.output  # no question was put
    data = yaml.safe_load((tmp_path / "融安" / "plan.yaml").read_text(encoding="utf-8"))
    assert data["profile"] == "rongan" and data["campaign"] == "unreasonable-exams"
    assert (tmp_path / "融安" / "out" / "manifest.json").is_file()
    again = run_cli("new", "--profile", "rongan", "--campaign", "unreasonable-exams", "-o", tmp_path / "融安")
    assert again.exit_code == 2 and "已存在" in again.output


@pytest.mark.parametrize("args, words", [
    ((), "请用选项 --profile 给出"),
    (("--profile", "柳州市"), "请用选项 --campaign 给出"),
    (("--profile", "柳州"), "柳州市"),  # 柳州 alone is fine: 柳州市
    (("--profile", "朝阳"), "可指以下 4 个辖区"),
    # 广东省 is a unit of the national table: only a place that is none is unknown
    (("--profile", "乌有县", "--campaign", "unreasonable-exams"), "没有名为“乌有县”的辖区"),
    (("--profile", "liuzhou", "--campaign", "nope"), "未知的专项模板 “nope”"),
    (("--profile", "liuzhou", "--campaign", "unreasonable-exams", "--start", "五月"), "开始月份 “五月” 无法识别"),
], ids=["no-profile", "no-campaign", "short-name", "ambiguous", "unknown", "bad-campaign", "bad-month"])
def test_new_without_a_terminal_names_what_is_missing(tmp_path, args, words):
    result = run_cli("new", *args, "--no-build", "-o", tmp_path / "p")
    if words == "柳州市":
        assert result.exit_code == 2 and "--campaign" in result.output
        return
    assert result.exit_code == 2, result.output
    assert words in result.output and "未写入任何文件" in result.output
    assert "字段" not in result.output
    assert not (tmp_path / "p" / "plan.yaml").exists()


def test_new_with_no_terminal_exits_at_once_in_a_real_process(tmp_path):
    """A scheduler's job: stdin is not a terminal and stays open; the command must not wait on it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen([sys.executable, "-m", "planmaker", "new", "--no-build"], cwd=tmp_path,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = process.communicate(timeout=120)  # a hang guard, not a speed limit
    finally:
        process.kill()
    assert process.returncode == 2
    assert "--profile" in err.decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_new_at_a_real_terminal_asks(tmp_path):
    """The same questions at a pseudo-terminal, answered as they come."""
    import pty

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: planmaker at a terminal
        os.chdir(tmp_path)
        os.execve(sys.executable, [sys.executable, "-m", "planmaker", "new", "--no-build"], env)
    answers = iter(["雅安", "unreasonable-exams", "2024-03", "", "", "", ""])
    seen = b""
    deadline = time.monotonic() + 120  # a hang guard
    try:
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if seen.rstrip().endswith("：".encode()) or seen.rstrip().endswith(b"]:"):
                os.write(fd, (next(answers, "") + "\n").encode("utf-8"))
                seen += b"\n"
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen.decode("utf-8", "replace")
    data = yaml.safe_load((tmp_path / "新方案" / "plan.yaml").read_text(encoding="utf-8"))
    assert data["profile"] == "yaan" and str(data["dates"]["start"]) == "2024-03"


def test_the_written_plan_is_the_same_for_the_same_answers():
    catalog = Catalog()
    answers = wizard.Answers("liuzhou", "medical-abuses-2020", "2020-09", "", None, None, [])
    first = wizard.plan_text(wizard.complete(answers, catalog, None, print))
    second = wizard.plan_text(wizard.complete(answers, catalog, None, print))
    assert first == second and "phases:" in first


def _sinan(catalog: Catalog, start: str, *more) -> wizard.NewPlan:
    county = catalog.load_found(catalog.candidates("思南县")[0])  # from the national table: its issuer inferred
    return wizard.NewPlan(county, catalog.load_campaign("chaos-leadership"), start, *more)


def test_the_plan_file_is_a_dumped_plan_that_dumps_back_the_same():
    catalog = Catalog()
    full = _sinan(catalog, "2024-05", "上级方案：“标题”", "桂卫医发〔2024〕3号", "某某委员会",
                  [wizard.parse_contact("张三,0772-1234567,a@b.cn", "health")])
    for new in (full, _sinan(catalog, "")):
        text = wizard.plan_text(new)
        plan = parse_model(Plan, load_text(text, "plan.yaml"), "plan.yaml")
        assert plan == wizard.new_plan(new)
        assert dump_plan(plan, wizard.plan_header(new), wizard.plan_notes(new)) == text
    # what `new` wrote by hand before it dumped a Plan, read back: the same plan
    assert wizard.new_plan(full) == Plan.model_validate({
        "profile": "贵州省/铜仁市/思南县", "campaign": "chaos-leadership", "issuer": "某某委员会",
        "dates": {"start": "2024-05", "end": "evaluation.end", "signed": None, "summary_due": None},
        "phases": {"rectification": {"start": "start", "end": "rectification.start"},
                   "evaluation": {"start": "rectification.end + 1 month", "end": "evaluation.start"}},
        "parent_document": {"title": "上级方案：“标题”", "number": "桂卫医发〔2024〕3号"},
        "contacts": [{"unit": "health", "name": "张三", "phone": "0772-1234567", "email": "a@b.cn"}]})
    assert wizard.new_plan(_sinan(catalog, "")) == Plan.model_validate({
        "profile": "贵州省/铜仁市/思南县", "campaign": "chaos-leadership",
        "dates": {"start": None, "end": None, "signed": None, "summary_due": None},
        "phases": {"rectification": {}, "evaluation": {}}})


def test_the_plan_file_keeps_the_clerks_comments():
    catalog = Catalog()
    blank = wizard.plan_text(_sinan(catalog, ""))
    lines = blank.splitlines()
    assert lines[0] == "# 思南县：医疗乱象专项整治（责任领导和责任科室）"
    assert "profile: 贵州省/铜仁市/思南县  # 辖区：思南县" in lines
    assert "  start: null  # 专项开始（只写到月）" in lines and "  summary_due: null  # 报送专项整治行动总结" in lines
    assert "  rectification: {}  # 自查和集中整治阶段" in lines
    assert any(line.startswith("# 注意：发文单位“思南县卫生健康局”是按县的标准名称推断的") for line in lines)
    # what the clerk leaves out stays as an example to fill in, commented out
    assert "# parent_document:" in lines and "#   - {unit: health, name: 张三, phone: 0772-0000000}" in lines
    dated = wizard.plan_text(_sinan(catalog, "2024-05"))
    assert "# 各阶段的起止：先按每阶段一个月排列，请按实际修改（写法见上）。" in dated
    assert "  evaluation:  # 评估总结阶段" in dated.splitlines()


@pytest.mark.parametrize("text, month", [("2024-5", "2024-05"), ("2024年5月", "2024-05"), ("202405", "2024-05"),
                                         (" 2024/12 ", "2024-12"), ("", "")])
def test_start_month_written_as_clerks_write_it(text, month):
    assert wizard.parse_month(text) == month
