"""The commands a clerk types."""

import subprocess
import sys
from pathlib import Path

from conftest import manifest, run_cli


def test_help_is_in_chinese():
    result = run_cli("--help")
    assert result.exit_code == 0
    assert "用法：" in result.output and "命令：" in result.output and "选项：" in result.output
    for command in ("build", "check", "demo", "profiles", "campaigns", "cascade", "collect"):
        sub = run_cli(command, "--help")
        assert sub.exit_code == 0 and "用法：" in sub.output
        for english in ("Show this message", "[required]", "x>=", "<=x"):
            assert english not in sub.output, (command, english)


def test_demo_needs_no_input(tmp_path):
    result = run_cli("demo", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    out = tmp_path / "planmaker-demo"
    assert {f["kind"] for f in manifest(out)["files"]} >= {"plan", "preview"}


def test_demo_into_a_named_folder(tmp_path):
    result = run_cli("demo", "-o", tmp_path / "d")
    assert result.exit_code == 0 and (tmp_path / "d" / "manifest.json").is_file()


def test_profiles_lists_bundled_and_user_profiles(tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    (own / "my-county.yaml").write_text(
        "name: 测试县\nshort_name: 测试\nkind: 县\nparent: liuzhou\nissuer: 测试县卫生健康局\n",
        encoding="utf-8")
    result = run_cli("profiles", "--dir", own)
    assert result.exit_code == 0
    for expected in ("guangxi", "广西壮族自治区", "liuzhou", "rongan", "融安县", "sanjiang", "sichuan",
                     "yaan", "yucheng", "雨城区", "my-county", "测试县（县，上级：柳州市）"):
        assert expected in result.output, expected


def test_all_eleven_liuzhou_units_are_bundled():
    from planmaker.inputs.catalog import Catalog
    catalog = Catalog()
    city = catalog.load_profile("liuzhou")
    names = sorted(child.name for child in catalog.children_of(city))
    assert names == sorted(["城中区", "鱼峰区", "柳南区", "柳北区", "柳江区", "柳城县", "鹿寨县", "融安县",
                            "融水苗族自治县", "三江侗族自治县"])
    for child in catalog.children_of(city):
        assert child.level == "county" and child.parent.name == "柳州市"
        assert "柳州市卫生健康委员会" not in {d.full for d in child.departments.values()}


def test_campaigns_lists_bundled_campaigns():
    result = run_cli("campaigns")
    assert result.exit_code == 0 and "unreasonable-exams" in result.output
    folder = result.output.strip().splitlines()[-1].split("：", 1)[1]
    assert (Path(folder) / "checklist.docx").is_file()  # where a clerk copies the layout from


def test_help_is_fast_to_import():
    # planmaker --help must not import python-docx or openpyxl
    code = ("import sys, planmaker.cli; "
            "print(any(m.startswith(('docx', 'openpyxl', 'docxtpl', 'pydantic')) for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_mistyped_command_line_is_explained_in_chinese():
    cases = {
        ("build",): "缺少参数 PLAN",
        ("biuld",): "没有命令 biuld。 是否想写 'build'？",
        ("build", "x.yaml", "--forc"): "是否想写 '--force'",
        ("build", "x.yaml", "--workers", "0"): "--workers 的值无效：0 超出范围（至少为 1）",
        ("collect", "x"): "缺少选项 --plan",
        ("collect", "--plan", "p.yaml"): "缺少参数 文件或文件夹",
    }
    for args, expected in cases.items():
        result = run_cli(*args)
        assert result.exit_code == 2, args
        assert expected in result.output and "错误：" in result.output, (args, result.output)
        assert "Error" not in result.output
