"""Hostile and broken input: profiles, campaigns and institution lists arrive by
e-mail and USB stick.  Templates run sandboxed, any text gives a valid document,
huge input fails fast, and --format pdf goes through one LibreOffice process."""

import os
import shutil
import stat
import subprocess
import tracemalloc
import zipfile
from html.parser import HTMLParser

import docx
import markdown as markdown_lib
import openpyxl
import pytest

from conftest import EXAMPLES, ROOT, docx_text, files_of_kind, manifest, run_cli, write_plan
from planmaker.base.errors import InputError
from planmaker.base.textclean import FORBIDDEN
from planmaker.inputs import yamlfile
from planmaker.office.docx_render import render_template
from planmaker.office.pdf import INSTALL_HINT

LIUZHOU = (EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")
GUANGXI = (EXAMPLES / "guangxi-2020" / "plan.yaml").read_text(encoding="utf-8")
CAMPAIGNS = ROOT / "templates" / "campaigns"
UNSAFE = ["{{ cycler.__init__.__globals__ }}", "{{ ''.__class__.__mro__ }}",
          "{{ lipsum.__globals__.os.system('touch MARKER') }}"]


def build(tmp_path, plan_text, *extra, name="plan"):
    plan = write_plan(tmp_path / name, plan_text)
    out = tmp_path / f"{name}-out"
    return run_cli("build", plan, "-o", out, *extra), out


def refused(result, out):
    assert result.exit_code == 2, result.output
    assert "未写入任何文件" in result.output
    assert not out.exists(), "refused input must leave no output folder"
    return result.output


def own_campaign(tmp_path, name, replace: dict[str, str], file="campaign.yaml"):
    folder = tmp_path / "campaigns"
    shutil.copytree(CAMPAIGNS / name, folder / name)
    path = folder / name / file
    text = path.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return folder, text


def own_profile(tmp_path, base: str, replace: dict[str, str], pid: str = "hostile"):
    folder = tmp_path / "profiles"
    folder.mkdir(exist_ok=True)
    text = (ROOT / "profiles" / f"{base}.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")
    return folder


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def html_text(markup: str) -> str:
    """The text a browser shows, entities decoded."""
    parts = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append
    parser.feed(markup)
    parser.close()
    return "".join(parts)


def xml_parts(path):
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")}


def assert_valid_xml_text(path):
    for name, xml in xml_parts(path).items():
        assert not FORBIDDEN.search(xml), f"{path.name}:{name} holds a character XML forbids"


# ------------------------------------------------------------------ sandbox

@pytest.mark.parametrize("payload", UNSAFE, ids=["globals", "mro", "os"])
def test_campaign_text_reaching_for_python_internals_is_refused(tmp_path, payload, monkeypatch):
    monkeypatch.chdir(tmp_path)
    campaigns, text = own_campaign(tmp_path, "unreasonable-exams",
                                   {'"{{ j.whole }}各级': f'"{payload}{{{{ j.whole }}}}各级'})
    result, out = build(tmp_path, LIUZHOU, "--campaigns", campaigns)
    output = refused(result, out)
    assert "campaign.yaml" in output and f"第{line_of(text, payload)}行" in output
    assert "sections[2].paragraphs[1]" in output
    assert "不安全的，已拒绝执行" in output and "__" in output
    assert not (tmp_path / "MARKER").exists(), "the template ran code"


@pytest.mark.parametrize("payload", UNSAFE[:2], ids=["globals", "mro"])
def test_annex_title_reaching_for_python_internals_is_refused(tmp_path, payload):
    campaigns, text = own_campaign(tmp_path, "medical-abuses-2020",
                                   {'title: "{{ j.name }}': f'title: "{payload}{{{{ j.name }}}}'},
                                   file="checklist.yaml")
    result, out = build(tmp_path, GUANGXI, "--campaigns", campaigns)
    output = refused(result, out)
    assert "checklist.yaml" in output and f"第{line_of(text, payload)}行" in output
    assert "不安全的，已拒绝执行" in output


def test_checklist_text_is_data_not_a_template(tmp_path):
    """Checklist items are printed as typed: braces in them run nothing."""
    campaigns, _ = own_campaign(tmp_path, "medical-abuses-2020",
                                {"- text: 无证行医": "- text: 无证行医{{ cycler.__init__.__globals__ }}"},
                                file="checklist.yaml")
    result, out = build(tmp_path, GUANGXI, "--campaigns", campaigns, "--only", "checklist")
    assert result.exit_code == 0, result.output
    (checklist,) = files_of_kind(out, "checklist")
    assert "无证行医{{ cycler.__init__.__globals__ }}" in docx_text(checklist)


@pytest.mark.parametrize("payload", UNSAFE[:2], ids=["globals", "mro"])
def test_docx_annex_template_reaching_for_python_internals_is_refused(tmp_path, payload):
    document = docx.Document()
    document.add_paragraph(f"附件 {payload}")
    template = tmp_path / "evil.docx"
    document.save(template)
    with pytest.raises(InputError) as caught:
        render_template(template, {}, "标题", "作者", __import__("datetime").datetime(2021, 1, 1))
    message = str(caught.value)
    assert "evil.docx" in message and "不安全的，已拒绝执行" in message


def test_checklist_template_outside_the_campaign_is_refused(tmp_path):
    (tmp_path / "secret.docx").write_bytes(b"")
    campaigns, text = own_campaign(tmp_path, "medical-abuses-2020",
                                   {"columns: [项目": f"template: {tmp_path / 'secret.docx'}\ncolumns: [项目"},
                                   file="checklist.yaml")
    result, out = build(tmp_path, GUANGXI, "--campaigns", campaigns)
    output = refused(result, out)
    assert "不能使用检查表模板" in output and f"第{line_of(text, 'template:')}行" in output


@pytest.mark.parametrize("campaign, old, new, says", [
    ("medical-abuses-2020", "source: stats-1.yaml", "source: ../outside/stats-1.yaml", "附件数据文件须在专项模板文件夹内"),
    ("clinical-conduct", "problems: problems.yaml", "problems: ../outside/problems.yaml", "问题清单文件须在专项模板文件夹内"),
])
def test_a_campaigns_data_file_outside_its_folder_is_refused(tmp_path, campaign, old, new, says):
    campaigns, text = own_campaign(tmp_path, campaign, {old: new})
    (campaigns / "outside").mkdir()
    source = CAMPAIGNS / campaign / old.split(": ")[1]
    (campaigns / "outside" / source.name).write_bytes(source.read_bytes())  # there, and still refused
    plan = GUANGXI.replace("campaign: medical-abuses-2020", f"campaign: {campaign}")
    result, out = build(tmp_path, plan, "--campaigns", campaigns)
    output = refused(result, out)
    assert f"campaign.yaml，第{line_of(text, new)}行" in output and says in output


@pytest.mark.parametrize("name", ["../checklist.docx", "../../../../etc/passwd", "checklist.yaml", "没有这个.docx"])
def test_checklist_template_must_be_a_docx_inside_the_campaign(tmp_path, name):
    campaigns, _ = own_campaign(tmp_path, "medical-abuses-2020",
                                {"columns: [项目": f"template: {name}\ncolumns: [项目"}, file="checklist.yaml")
    result, out = build(tmp_path, GUANGXI, "--campaigns", campaigns)
    output = refused(result, out)
    assert "检查表模板" in output and "专项模板文件夹内" in output


@pytest.mark.parametrize("payload, words", [
    ("{{ 'x' * 10**9 }}", "过长"),
    ("{{ 9**(9**9) }}", "乘方指数过大"),
    ("{% for i in range(99999) %}{% for k in range(99999) %}xx{% endfor %}{% endfor %}", "过长"),
], ids=["repeat", "power", "loops"])
def test_template_that_would_exhaust_memory_stops_at_once(tmp_path, payload, words):
    campaigns, text = own_campaign(tmp_path, "unreasonable-exams",
                                   {'"{{ j.whole }}各级': f'"{payload}{{{{ j.whole }}}}各级'})
    result, out = build(tmp_path, LIUZHOU, "--campaigns", campaigns)  # the limit stops it: no time is measured
    output = refused(result, out)
    assert words in output and "sections[2].paragraphs[1]" in output


# ------------------------------------------------------------------ any text, a valid document

SPECIALS = "&<>\"'"


def test_xml_special_characters_come_out_as_typed(tmp_path):
    """In the kinds that print the names and the task: the plan, the task table, the previews."""
    profiles = own_profile(tmp_path, "liuzhou", {
        # a made-up name: not in the national table, so the kind is stated
        "name: 柳州市": "name: '柳州市<&>\"''测试'\nkind: 地级市",
        "departments:\n": "departments:\n  health: {full: '柳州市卫生健康委员会&<\"''>', short: '市卫生健康委&<\"''>'}\n",
    })
    plan = LIUZHOU.replace("profile: liuzhou", "profile: hostile") + (
        "tasks:\n  add:\n    - {id: extra, title: '核查“A&B”<C> \"D\" ''E''', lead: [health]}\n")
    institutions = tmp_path / "list.csv"
    institutions.write_text('名称,类别\n"<某&某>""诊所""\'甲\'",诊所\n', encoding="utf-8")

    result, out = build(tmp_path, plan, "--profiles", profiles, "--only", "plan,tasks,preview")
    assert result.exit_code == 0, result.output
    name, task, dept = '柳州市<&>"\'测试', '核查“A&B”<C> "D" \'E\'', "市卫生健康委&<\"'>"
    (document,) = files_of_kind(out, "plan")
    text = docx_text(document)
    assert name in text and task in text and dept in text
    table = next(p for p in files_of_kind(out, "tasks") if p.suffix == ".docx")
    # a name too long for its column is broken over two lines in the cell, its characters as typed
    assert task in docx_text(table) and "卫生健康委&<\"'>" in docx_text(table).replace("\n", "")
    workbook = next(p for p in files_of_kind(out, "tasks") if p.suffix == ".xlsx")
    cells = [c for row in openpyxl.load_workbook(workbook).active.iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, str) and task in c for c in cells)
    assert any(isinstance(c, str) and "卫生健康委&<\"'>" in c.replace("\n", "") for c in cells)
    # Previews: what a reader sees is what was typed; the markup stays markup.
    markdown = next(p for p in files_of_kind(out, "preview") if p.suffix == ".md").read_text(encoding="utf-8")
    seen = html_text(markdown_lib.markdown(markdown, extensions=["attr_list"]))
    assert name in seen and task in seen
    html = next(p for p in files_of_kind(out, "preview") if p.suffix == ".html").read_text(encoding="utf-8")
    assert name in html_text(html) and task in html_text(html)
    assert "柳州市&lt;&amp;&gt;" in html and "&lt;C&gt;" in html and "<C>" not in html and "<&>" not in html

    result, out = build(tmp_path, GUANGXI, "--institutions", institutions, "--only", "checklist", name="gx")
    assert result.exit_code == 0, result.output
    checklists = [p for p in files_of_kind(out, "checklist") if p.parent != out]
    assert len(checklists) == 1
    assert "<某&某>\"诊所\"'甲'" in docx_text(checklists[0])


def test_control_characters_are_removed_with_a_warning_naming_the_field(tmp_path):
    profiles = own_profile(tmp_path, "liuzhou", {"name: 柳州市\n": 'name: 柳州市\n"issuer": "柳州市卫生\\f健康委员会\\v"\n'})
    plan = LIUZHOU.replace("profile: liuzhou", "profile: hostile").replace(
        "  title: 广西壮族", '  title: "\\x1b\\x01广西壮族')
    plan = plan.replace("工作方案\n  number:", '工作方案"\n  number:')
    result, out = build(tmp_path, plan, "--profiles", profiles)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("警告")]
    assert any("hostile.yaml" in w and "字段 issuer" in w and "U+000B、U+000C" in w for w in warnings), warnings
    assert any("plan.yaml" in w and "字段 parent_document.title" in w and "2 个" in w for w in warnings), warnings
    for path in out.rglob("*.docx"):
        docx.Document(str(path))
        assert_valid_xml_text(path)
    (document,) = files_of_kind(out, "plan")
    text = docx_text(document)
    assert "柳州市卫生健康委员会" in text and "《广西壮族自治区2021年" in text


def test_control_characters_in_an_institution_list_are_warned_per_cell(tmp_path):
    institutions = tmp_path / "list.csv"
    institutions.write_text("名称,类别,地址\n某某\x0c诊所,诊所,城中区\x0b\x1f某路1号\n", encoding="utf-8")
    result, out = build(tmp_path, GUANGXI, "--institutions", institutions, "--only", "checklist")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("警告")]
    assert any("list.csv" in w and "第2行" in w and "字段 名称" in w and "U+000C" in w for w in warnings), warnings
    assert any("第2行" in w and "字段 地址" in w and "2 个" in w for w in warnings), warnings
    (checklist,) = [p for p in files_of_kind(out, "checklist") if p.parent != out]
    assert checklist.name == "某某诊所.docx"
    assert "某某诊所" in docx_text(checklist) and "城中区某路1号" in docx_text(checklist)
    assert_valid_xml_text(checklist)


def test_control_characters_a_template_writes_are_removed_with_a_warning(tmp_path):
    campaigns, _ = own_campaign(tmp_path, "unreasonable-exams",
                                {'"{{ j.whole }}各级': '"{{ j.whole }}{{ \'\\\\x0c\' }}各级'})
    result, out = build(tmp_path, LIUZHOU, "--campaigns", campaigns, "--only", "plan")
    assert result.exit_code == 0, result.output
    assert "模板生成的文字含 1 个文档中不允许的控制字符（U+000C）" in result.output
    (document,) = files_of_kind(out, "plan")
    assert "全市各级各类医疗机构" in docx_text(document)
    assert_valid_xml_text(document)


# ------------------------------------------------------------------ huge and hostile input

def test_a_100_mb_yaml_file_is_refused_before_reading(tmp_path, monkeypatch):
    plan = tmp_path / "plan.yaml"
    with plan.open("wb") as handle:
        handle.write(LIUZHOU.encode("utf-8"))
        handle.truncate(100 * 1024 * 1024)  # sparse: costs no disk and no time
    reads = []
    original = type(plan).read_text
    monkeypatch.setattr(type(plan), "read_text", lambda self, *a, **k: reads.append(self) or original(self, *a, **k))
    tracemalloc.start()
    result = run_cli("build", plan, "-o", tmp_path / "out")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    output = refused(result, tmp_path / "out")
    assert "plan.yaml" in output and "文件过大（100.0 MB），上限为 1 MB" in output
    assert plan not in reads  # refused by its size, unread: fast on any machine, however loaded
    assert peak < 20 * 1024 * 1024


def test_a_huge_profile_is_refused_too(tmp_path):
    profiles = own_profile(tmp_path, "liuzhou", {})
    with (profiles / "hostile.yaml").open("ab") as handle:
        handle.write(b"# " + b"x" * (yamlfile.MAX_FILE_BYTES + 10) + b"\n")
    result, out = build(tmp_path, LIUZHOU.replace("profile: liuzhou", "profile: hostile"), "--profiles", profiles)
    output = refused(result, out)
    assert "hostile.yaml" in output and "文件过大" in output


def test_yaml_alias_bomb_fails_fast_with_bounded_memory(tmp_path):
    bomb = ["  lol0: &l0 [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]"]
    for level in range(1, 9):  # 10**9 values once expanded, from 80 aliases
        bomb.append(f"  lol{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    plan = LIUZHOU + "params:\n" + "\n".join(bomb) + "\n"
    tracemalloc.start()
    result, out = build(tmp_path, plan)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    output = refused(result, out)
    assert "plan.yaml" in output and "别名" in output and "拒绝读取以防内存耗尽" in output
    assert peak < 20 * 1024 * 1024, peak  # never expanded: memory, not time, shows it


@pytest.mark.parametrize("text, words", [
    ("a:\n" + "".join(" " * i + "- \n" for i in range(1, 1400)), "嵌套层次过深"),
    ("a: " + "[\n" * 5000 + "]" * 5000 + "\n", "嵌套层次过深"),
    ("".join(f"- {i}\n" for i in range(yamlfile.MAX_NODES + 10)), "内容过多"),
], ids=["indented", "brackets", "crowded"])
def test_deep_or_crowded_yaml_is_refused(tmp_path, text, words):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        yamlfile.load_file(path)
    assert words in str(caught.value) and "plan.yaml" in str(caught.value)


MILLION = "融" * 1_000_000


def _parsed_files(monkeypatch) -> list[str]:
    """The names of the files the YAML parser is given from now on."""
    parsed: list[str] = []
    original = yamlfile._load
    monkeypatch.setattr(yamlfile, "_load", lambda cls, text, name: parsed.append(name) or original(cls, text, name))
    return parsed


def test_a_huge_name_on_one_line_fails_before_parsing(tmp_path, monkeypatch):
    profiles = own_profile(tmp_path, "liuzhou", {"name: 柳州市": f"name: {MILLION[:300_000]}"})
    parsed = _parsed_files(monkeypatch)
    result, out = build(tmp_path, LIUZHOU.replace("profile: liuzhou", "profile: hostile"), "--profiles", profiles)
    assert not [name for name in parsed if name.endswith("hostile.yaml")]  # refused before the parser saw it
    output = refused(result, out)
    assert "hostile.yaml" in output and "第2行" in output and "这一行过长（300006 字" in output


def test_a_million_character_field_in_a_plan_fails_fast(tmp_path, monkeypatch):
    plan = tmp_path / "plan.yaml"
    plan.write_text(LIUZHOU + f"issuer: {MILLION}\n", encoding="utf-8")
    parsed = _parsed_files(monkeypatch)
    result = run_cli("build", plan, "-o", tmp_path / "out")
    assert str(plan) not in parsed  # refused by its size, before parsing
    output = refused(result, tmp_path / "out")
    assert "plan.yaml" in output and "文件过大（2.9 MB）" in output


def test_a_long_text_spread_over_many_lines_names_the_field(tmp_path):
    block = "".join(f"  {'融' * 500}\n" for _ in range(60))  # 30 000 characters and 60 line breaks
    plan = LIUZHOU + f"issuer: >\n{block}"
    result, out = build(tmp_path, plan)
    output = refused(result, out)
    assert f"第{len(LIUZHOU.splitlines()) + 1}行" in output and "字段 issuer" in output
    assert "文字过长（30060 字，上限 20000 字）" in output


def test_a_name_too_long_for_a_name_says_so(tmp_path):
    profiles = own_profile(tmp_path, "liuzhou", {"name: 柳州市": f"name: {'柳' * 2500}"})
    result, out = build(tmp_path, LIUZHOU.replace("profile: liuzhou", "profile: hostile"), "--profiles", profiles)
    output = refused(result, out)
    assert "hostile.yaml" in output and "字段 name" in output and "过长（2500 字，上限 2000 字）" in output


@pytest.mark.parametrize("length, words", [
    (1_000_000, "单元格内容过长"),
    (5000, "字段 名称：机构名称过长（5000 字，上限 200 字）"),
], ids=["million", "five-thousand"])
def test_a_huge_institution_name_fails_fast(tmp_path, length, words):
    institutions = tmp_path / "list.csv"
    institutions.write_text(f"名称,类别\n{MILLION[:length]},诊所\n", encoding="utf-8")
    result, out = build(tmp_path, GUANGXI, "--institutions", institutions)
    output = refused(result, out)
    assert "list.csv" in output and "第2行" in output and words in output


# ------------------------------------------------------------------ --format pdf

def _counting_soffice(tmp_path, real: str) -> tuple[str, object]:
    """A soffice on PATH that logs each start, then runs the real one."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "soffice.log"
    wrapper = folder / "soffice"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}", log


@pytest.mark.slow
def test_format_pdf_converts_every_document_in_one_soffice_process(tmp_path, libreoffice, monkeypatch):
    path, log = _counting_soffice(tmp_path, os.path.realpath(libreoffice))
    monkeypatch.setenv("PATH", path)
    result, out = build(tmp_path, LIUZHOU, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert len(log.read_text().splitlines()) == 1, "one soffice process for the whole build"

    entries = manifest(out)["files"]
    sources = [e["path"] for e in entries if e["path"].endswith((".docx", ".xlsx"))]
    pdfs = {e["path"]: e for e in entries if e["path"].endswith(".pdf")}
    assert len(sources) == 4 and len(pdfs) == len(sources)
    for source in sources:
        match = [e for e in pdfs.values() if e["source"] == source]
        assert len(match) == 1, source
        assert (out / match[0]["path"]).read_bytes().startswith(b"%PDF")
    plan_pdf = next(out / p for p, e in pdfs.items() if e["kind"] == "plan")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(plan_pdf), "-"], capture_output=True, text=True).stdout
        assert "柳州市2021年开展不合理医疗检查" in "".join(text.split())

    again, second = build(tmp_path, LIUZHOU, "--format", "pdf", name="again")
    assert again.exit_code == 0, again.output
    for name in pdfs:
        assert (out / name).read_bytes() == (second / name).read_bytes(), f"{name} differs between builds"


def test_format_pdf_without_libreoffice_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    result, out = build(tmp_path, LIUZHOU, "--format", "pdf")
    output = refused(result, out)
    assert INSTALL_HINT in output
    assert "apt-get install libreoffice-writer-nogui" in output and "LibreOffice" in output


def test_unknown_format_is_refused(tmp_path):
    result, out = build(tmp_path, LIUZHOU, "--format", "odt")
    output = refused(result, out)
    assert "未知的格式 “odt”" in output and "office、pdf" in output


def test_a_failing_libreoffice_leaves_nothing_half_written(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "soffice"
    fake.write_text("#!/bin/sh\necho 'source file could not be loaded' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    result, out = build(tmp_path, LIUZHOU, "--format", "pdf")
    output = refused(result, out)
    assert "LibreOffice 未能把" in output and "source file could not be loaded" in output


def test_a_hanging_libreoffice_is_stopped(tmp_path, monkeypatch):
    from planmaker.office import pdf

    def hang(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(pdf, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf.subprocess, "run", hang)
    result, out = build(tmp_path, LIUZHOU, "--format", "pdf")
    output = refused(result, out)
    assert "LibreOffice 在 120 秒内未能完成 PDF 转换" in output


def test_check_lists_removed_control_characters_and_refused_templates(tmp_path):
    plan = write_plan(tmp_path / "plan", LIUZHOU.replace("  title: 广西壮族", '  title: "\\f广西壮族').replace(
        "工作方案\n  number:", '工作方案"\n  number:'))
    result = run_cli("check", plan)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("警告" in line and "parent_document.title" in line and "U+000C" in line for line in lines[:-1])
    assert lines[-1].startswith("检查通过") and "个警告" in lines[-1]

    campaigns, _ = own_campaign(tmp_path, "unreasonable-exams",
                                {'"{{ j.whole }}各级': '"{{ cycler.__init__.__globals__ }}{{ j.whole }}各级'})
    result = run_cli("check", EXAMPLES / "liuzhou-2021" / "plan.yaml", "--campaigns", campaigns)
    assert result.exit_code == 1
    assert "sections[2].paragraphs[1]" in result.output and "不安全的，已拒绝执行" in result.output


def test_a_yaml_alias_that_contains_itself_is_refused(tmp_path):
    result, out = build(tmp_path, LIUZHOU + "params:\n  loop: &loop [1, *loop]\n")
    output = refused(result, out)
    assert f"第{len(LIUZHOU.splitlines()) + 2}行" in output and "形成循环" in output
