"""docs/编写专项模板.md, followed step by step: its example files are taken from the
guide itself, so the guide cannot drift from what planmaker does."""

import re
from pathlib import Path

import pytest

from conftest import ROOT, docx_text, files_of_kind, run_cli

GUIDE = ROOT / "docs" / "编写专项模板.md"
FILE_BLOCK = re.compile(r"<!-- 文件：(?P<name>[^ ]+) -->\s*```yaml\n(?P<body>.*?)```", re.S)


@pytest.fixture
def workdir(tmp_path) -> Path:
    """The guide's folder layout, with its files as the guide writes them."""
    blocks = FILE_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    assert [name for name, _ in blocks] == ["专项模板/示例专项/campaign.yaml", "plan.yaml"]
    for name, body in blocks:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return tmp_path


def test_readme_links_the_guide():
    assert "docs/编写专项模板.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_guide_example_checks_and_builds(workdir):
    result = run_cli("check", "plan.yaml", cwd=workdir)
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output
    result = run_cli("build", "plan.yaml", "-o", "输出", cwd=workdir)
    assert result.exit_code == 0, result.output
    out = workdir / "输出"
    (plan,) = files_of_kind(out, "plan")
    text = docx_text(plan)
    guide = GUIDE.read_text(encoding="utf-8")
    # what the guide says the output holds
    for promised in ("结合我县实际，制定本方案。", "（县卫健局负责）", "自查整改阶段（2023年5月—8月）"):
        assert promised in guide and promised in text, promised
    assert text.startswith("荥经县2023年示例专项整治实施方案")
    assert "覆盖60%以上" in text and "于8月25日前报送上级" in text
    assert "2、荥经县卫生健康局汇总自查情况" in text.replace("\n", "")
    assert {f.suffix for f in files_of_kind(out, "tasks")} == {".docx", ".xlsx"}


def test_guide_campaigns_folder_option(workdir):
    plan = workdir / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("./专项模板/示例专项", "示例专项"), encoding="utf-8")
    result = run_cli("check", "plan.yaml", "--campaigns", "专项模板", cwd=workdir)
    assert result.exit_code == 0, result.output
    result = run_cli("campaigns", "--dir", "专项模板", cwd=workdir)
    assert "示例专项" in result.output


# Each mistake of the guide's table, made in the guide's example, and the message it promises.
MISTAKES = [
    ("专项模板/示例专项/campaign.yaml", "{{ j.whole }}", "{{ j.wholee }}", "是否想写 “whole”"),
    ("专项模板/示例专项/campaign.yaml", "lead: [health]", "lead: [helth]", "是否想写 “health”"),
    ("专项模板/示例专项/campaign.yaml", "明确专人负责。", "明确专人负责，2023年5月前完成。", "专项模板中写了具体日期 “2023年5月”"),
    ("plan.yaml", "coverage: 60", "coverag: 60", "是否想写 “coverage”"),
    ("专项模板/示例专项/campaign.yaml", "- heading: 工作要求", "- heding: 工作要求", "是否想写 “heading”"),
]


@pytest.mark.parametrize("file, right, wrong, message", MISTAKES)
def test_check_reports_the_guides_mistakes(workdir, file, right, wrong, message):
    path = workdir / file
    text = path.read_text(encoding="utf-8")
    assert right in text
    path.write_text(text.replace(right, wrong, 1), encoding="utf-8")
    result = run_cli("check", "plan.yaml", cwd=workdir)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert message.split("“")[0].split("，")[0] in GUIDE.read_text(encoding="utf-8")
    # the message names the file and the line
    assert Path(file).name in result.output and "行" in result.output
