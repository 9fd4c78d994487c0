"""The per-institution batch: same documents as docxtpl, in parallel, in shards."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import EXAMPLES, run_cli
from planmaker.commands.build import render_all
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.models import Institution
from planmaker.office.docx_batch import prepare
from planmaker.office.docx_render import render_template
from planmaker.plan.resolve import resolve
from planmaker.writing.batch import BatchWriter, InstitutionDocs
from planmaker.writing.output import write_outputs

PLAN = EXAMPLES / "guangxi-2020" / "plan.yaml"
HEADER = ["名称", "地址", "类别", "等级", "性质", "联系人", "联系电话"]
CATEGORIES = ["综合医院", "乡镇卫生院", "诊所", "社区卫生服务中心", "专科医院", "门诊部"]


@pytest.fixture(scope="module")
def job() -> InstitutionDocs:
    _, [checklists] = render_all(resolve(PLAN, Catalog()), only=["checklist"], with_institutions=True)
    return checklists


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every member's CRC checks out
        return {name: archive.read(name) for name in archive.namelist()}


def all_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def institutions_csv(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(count):
            writer.writerow([f"机构{i}号" if i % 5 else f"卫生院{i}", f"某路{i}号", CATEGORIES[i % len(CATEGORIES)],
                             ["三级", "二级", ""][i % 3], ["公立", "民营"][i % 2], "（姓名）", f"0771-{i:07d}"])
    return path


HOSTILE = [
    Institution(name="柳州市工人医院", category="综合医院", grade="三级", ownership="公立",
                address="柳州市鱼峰区柳石路156号", contact="（姓名）", phone="0772-3824139"),
    Institution(name='A&B <诊所> "甲" \'乙\' ]]> &amp;', category="诊所", address="<w:t>", contact="&"),
    Institution(name="{{ 1 + 1 }} {% raw %} ☑", category="门诊部", ownership="民营"),
    Institution(name="〃", category="村卫生室"),  # a lone ditto would merge its cell: ordinary path
    Institution(name="x" * 500, category="体检中心"),
]


@pytest.mark.parametrize("institution", HOSTILE, ids=range(len(HOSTILE)))
def test_batch_matches_docxtpl_part_for_part(job, institution):
    prepared = prepare(job.render, job.keys)
    assert prepared is not None
    values = job.fields(institution)
    ordinary = job.render(values)  # docxtpl, the way every other annex is rendered
    if not prepared.plain(values):
        assert institution.name == "〃"
        return
    batch = prepared.fill(values)
    assert parts(batch) == parts(ordinary)
    text = all_text(batch)
    assert institution.name in text and institution.address in text
    title = docx.Document(io.BytesIO(batch)).core_properties.title
    # Word's title property holds 255 characters; a longer one is cut, not refused
    assert title.endswith(f"（{institution.name}）") or (len(title) == 255 and title.endswith("…"))


def test_ticked_boxes_come_through(job):
    prepared = prepare(job.render, job.keys)
    hospital = HOSTILE[0]
    text = all_text(prepared.fill(job.fields(hospital))).replace(" ", "")
    assert "综合医院☑" in text and "三级☑" in text and "公立☑" in text
    assert "专科医院□" in text and text.count("☑") == 3


def test_a_template_that_looks_inside_a_value_takes_the_ordinary_path(tmp_path, job):
    """{{ name | upper }}, {% if name == … %}: the batch cannot prepare it and renders each document."""
    from docx import Document

    template = tmp_path / "inspecting.docx"
    document = Document()
    document.add_paragraph("{{ name | upper }}")
    document.add_paragraph("{% if kind == '诊所' %}门诊类{% else %}其他{% endif %}")
    document.save(template)

    def render(values):
        import datetime as dt
        return render_template(template, values, "t", "a", dt.datetime(2020, 1, 1))

    assert prepare(render, ["name", "kind"]) is None
    inspecting = InstitutionDocs("checklist", "表", {}, render,
                                 lambda i: {"name": i.name, "kind": i.category}, ["name", "kind"])
    out = tmp_path / "out"
    institutions = [Institution(name="abc诊所", category="诊所"), Institution(name="def医院", category="综合医院")]
    write_outputs(out, [], {}, streams=[BatchWriter([inspecting], institutions)])
    texts = [[p.text for p in Document(out / "表" / f"{i.name}.docx").paragraphs] for i in institutions]
    assert texts == [["ABC诊所", "门诊类"], ["DEF医院", "其他"]]


def build_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_workers_and_shards_give_the_same_documents(tmp_path):
    source = institutions_csv(tmp_path / "机构.csv", 300)
    common = [PLAN, "--institutions", source, "--only", "checklist,plan"]
    assert run_cli("build", *common, "-o", tmp_path / "one", "--workers", "1").exit_code == 0
    assert run_cli("build", *common, "-o", tmp_path / "two", "--workers", "2").exit_code == 0
    one, two = build_files(tmp_path / "one"), build_files(tmp_path / "two")
    assert one == two
    folder = "附件2-检查表（按机构）"
    assert sum(path.startswith(folder) for path in one) == 300

    union: dict[str, bytes] = {}
    entries = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        result = run_cli("build", *common, "-o", out, "--shard", f"{k}/3", "--workers", "2")
        assert result.exit_code == 0, result.output
        files = build_files(out)
        manifest = json.loads(files.pop("manifest.json"))
        entries += manifest["files"]
        assert not set(files) & set(union)  # no document in two shards
        union.update(files)
    whole = dict(one)
    full_manifest = json.loads(whole.pop("manifest.json"))
    assert union == whole
    key = lambda e: e["path"]  # noqa: E731
    assert sorted(entries, key=key) == sorted(full_manifest["files"], key=key)


def test_namesakes_are_numbered_alike_in_every_shard(tmp_path):
    source = institutions_csv(tmp_path / "机构.csv", 40)
    rows = list(csv.reader(source.open(encoding="utf-8")))
    # Distinct names whose file names collide once made safe: 甲/乙 and 甲:乙 both become 甲_乙.
    rows[1][0], rows[2][0], rows[3][0] = "甲/乙", "甲:乙", "甲?乙"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    run_cli("build", PLAN, "--institutions", source, "--only", "checklist", "-o", tmp_path / "all")
    for k in (1, 2, 3):
        run_cli("build", PLAN, "--institutions", source, "--only", "checklist", "-o", tmp_path / "s",
                "--shard", f"{k}/3")
    names = lambda out: {p.name for p in (out / "附件2-检查表（按机构）").iterdir()}  # noqa: E731
    assert names(tmp_path / "all") == names(tmp_path / "s")
    assert {"甲_乙.docx", "甲_乙（2）.docx", "甲_乙（3）.docx"} <= names(tmp_path / "all")


@pytest.mark.parametrize("shard", ["0/3", "4/3", "1/0", "a/b", "2"])
def test_a_bad_shard_is_refused(tmp_path, shard):
    result = run_cli("build", PLAN, "-o", tmp_path / "out", "--shard", shard)
    assert result.exit_code == 2
    assert "--shard" in result.output and "K/N" in result.output
    assert not (tmp_path / "out").exists()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_when_asked(tmp_path, job, monkeypatch):
    institutions = [Institution(name=f"机构{i}", category="诊所") for i in range(200)]
    for progress in (False, True):
        terminal = Terminal()
        monkeypatch.setattr("sys.stderr", terminal)
        write_outputs(tmp_path / str(progress), [], {},
                      streams=[BatchWriter([job], institutions, progress=progress)])
        monkeypatch.undo()
        shown = terminal.getvalue()
        assert ("生成机构文件" in shown and "200/200" in shown) if progress else shown == ""


def test_cli_shows_no_progress_bar_on_a_pipe(tmp_path):
    """The checklists are a batch of their own: the bar is the batch writer's, whatever the kinds."""
    source = institutions_csv(tmp_path / "机构.csv", 100)
    result = run_cli("build", PLAN, "--institutions", source, "-o", tmp_path / "out", "--only", "checklist")
    assert result.exit_code == 0
    assert "生成机构文件" not in result.output
    assert "（100 个文件）" in result.output  # a folder of checklists is counted, not listed


def test_an_edited_checklist_survives_a_batch_rebuild(tmp_path):
    source = institutions_csv(tmp_path / "机构.csv", 10)
    out = tmp_path / "out"
    args = ["build", PLAN, "--institutions", source, "--only", "checklist", "-o", out]
    assert run_cli(*args).exit_code == 0
    edited = out / "附件2-检查表（按机构）" / "卫生院0.docx"
    edited.write_bytes(edited.read_bytes() + b"\0")
    result = run_cli(*args)
    assert "卫生院0.docx 在上次生成后被修改过" in result.output
    assert edited.read_bytes().endswith(b"\0")
    assert (edited.parent / "卫生院0（新生成）.docx").is_file()
    assert "未变化" in result.output


@pytest.mark.slow
def test_selfcheck_and_ledger_per_institution_match_docxtpl():
    resolved = resolve(EXAMPLES / "county-conduct" / "plan.yaml", Catalog())
    _, jobs = render_all(resolved, only=["selfcheck", "ledger"], with_institutions=True)
    docx_jobs = [job for job in jobs if job.suffix == ".docx"]
    assert {job.kind for job in docx_jobs} == {"selfcheck", "ledger"}
    for job in docx_jobs:
        prepared = prepare(job.render, job.keys)
        assert prepared is not None, job.kind
        for institution in HOSTILE[:3]:
            values = job.fields(institution)
            assert parts(prepared.fill(values)) == parts(job.render(values))
            assert institution.name in all_text(prepared.fill(values))


@pytest.mark.slow
def test_spawned_workers_as_on_windows_give_the_same_documents(tmp_path, monkeypatch):
    """Where workers are spawned they get the prepared templates by pickling, not the jobs."""
    source = institutions_csv(tmp_path / "机构.csv", 150)
    rows = list(csv.reader(source.open(encoding="utf-8")))
    rows[5][0] = "〃"  # a document for the ordinary path: left to the parent process
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    common = [PLAN, "--institutions", source, "--only", "checklist"]
    assert run_cli("build", *common, "-o", tmp_path / "fork", "--workers", "2").exit_code == 0
    monkeypatch.setattr("planmaker.writing.batch.start_method", lambda: "spawn")
    result = run_cli("build", *common, "-o", tmp_path / "spawn", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert build_files(tmp_path / "fork") == build_files(tmp_path / "spawn")
    assert (tmp_path / "spawn" / "附件2-检查表（按机构）" / "〃.docx").is_file()
