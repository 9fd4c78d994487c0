"""Previews, manifest, determinism and safe regeneration."""

import hashlib
import html.parser
import re

import pytest

from conftest import EXAMPLES, docx_text, files_of_kind, manifest, run_cli, squash, write_plan

GOOD = (EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("style", "title")

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def test_manifest_shape(liuzhou_out):
    data = manifest(liuzhou_out)
    kinds = sorted(f["kind"] for f in data["files"])
    assert kinds == ["bundle", "calendar", "plan", "preview", "preview", "tasks", "tasks"]
    for entry in data["files"]:
        path = liuzhou_out / entry["path"]
        assert path.is_file()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert data["profile"] == "liuzhou" and data["campaign"] == "unreasonable-exams"


def test_previews_carry_the_same_text_as_the_docx(liuzhou_out):
    plan_text = squash(docx_text(files_of_kind(liuzhou_out, "plan")[0]))
    previews = {p.suffix: p.read_text(encoding="utf-8") for p in files_of_kind(liuzhou_out, "preview")}
    parser = _Text()
    parser.feed(previews[".html"])
    assert squash("".join(parser.parts)) == plan_text
    markdown = re.sub(r"^\{:.*\}$", "", previews[".md"], flags=re.M)
    markdown = re.sub(r"[#*\\]", "", markdown)
    assert squash(markdown) == plan_text


def test_markup_characters_in_the_text_are_escaped(tmp_path):
    """The preview's markup and the plan's text (the task table's cells: test_hostile.py)."""
    extra = ("tasks:\n  add:\n    - id: odd\n      title: '治理 *星号* 与 <b>尖括号</b> & 符号'\n"
             "      lead: [health]\n")
    plan = write_plan(tmp_path, GOOD + extra)
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--only", "plan,preview").exit_code == 0
    html_file = next(p for p in files_of_kind(out, "preview") if p.suffix == ".html")
    page = html_file.read_text(encoding="utf-8")
    assert "&lt;b&gt;尖括号&lt;/b&gt; &amp; 符号" in page and "*星号*" in page
    assert "治理 *星号* 与 <b>尖括号</b> & 符号" in docx_text(files_of_kind(out, "plan")[0])


def test_two_builds_give_identical_bytes(liuzhou_out, tmp_path):
    """The session's build of the example (read only) and a second one."""
    plan = EXAMPLES / "liuzhou-2021" / "plan.yaml"
    first, second = liuzhou_out, tmp_path / "b"
    assert run_cli("build", plan, "-o", second).exit_code == 0
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()
    for entry in manifest(first)["files"]:
        assert (first / entry["path"]).read_bytes() == (second / entry["path"]).read_bytes()


def test_rebuild_rewrites_only_what_changed(tmp_path):
    plan = write_plan(tmp_path, GOOD)
    out = tmp_path / "out"
    run_cli("build", plan, "-o", out)
    again = run_cli("build", plan, "-o", out)
    count = len(manifest(out)["files"])
    assert "已生成" not in again.output and f"未变化：{count}" in again.output
    plan.write_text(GOOD.replace("signed: start.first + 19 days", "signed: start.first + 22 days"), encoding="utf-8")
    moved = run_cli("build", plan, "-o", out)
    for suffix in ("工作方案.docx", "工作方案.md", "工作方案.html", "（含附件）.docx"):
        assert suffix + "\n" in moved.output
    assert "2021年8月23日" in docx_text(files_of_kind(out, "plan")[0])


def test_an_edited_file_is_kept_and_the_new_version_goes_beside_it_with_merge_off(tmp_path):
    """One edited file, the plan's (every kind in a batch: test_batch.py, test_safe_writes.py)."""
    plan = write_plan(tmp_path, GOOD)
    out = tmp_path / "out"
    run_cli("build", plan, "-o", out, "--only", "plan")
    (docx_path,) = files_of_kind(out, "plan")
    import docx
    document = docx.Document(str(docx_path))
    document.add_paragraph("科室手工补充的一段话。")
    document.save(str(docx_path))
    edited = docx_path.read_bytes()

    plan.write_text(GOOD.replace("signed: start.first + 19 days", "signed: start.first + 22 days"), encoding="utf-8")
    result = run_cli("build", plan, "-o", out, "--merge", "off", "--only", "plan")
    assert result.exit_code == 0
    assert "已保留原文件" in result.output and "--force" in result.output
    assert docx_path.read_bytes() == edited
    beside = docx_path.with_name(docx_path.stem + "（新生成）.docx")
    assert beside.is_file() and "2021年8月23日" in docx_text(beside)

    forced = run_cli("build", plan, "-o", out, "--force", "--only", "plan")
    assert forced.exit_code == 0
    assert "科室手工补充" not in docx_text(docx_path)
    assert "2021年8月23日" in docx_text(docx_path)


def test_no_temporary_files_are_left(liuzhou_out):
    assert [p.name for p in liuzhou_out.glob(".planmaker-*")] in ([], [".planmaker-base"])
    assert not list(liuzhou_out.rglob("*.tmp"))


def test_only_builds_the_named_kinds(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", EXAMPLES / "liuzhou-2021" / "plan.yaml", "-o", out, "--only", "preview")
    assert result.exit_code == 0
    assert {f["kind"] for f in manifest(out)["files"]} == {"preview"}
    bad = run_cli("build", EXAMPLES / "liuzhou-2021" / "plan.yaml", "-o", tmp_path / "x", "--only", "plna")
    assert bad.exit_code == 2 and "plna" in bad.output


def test_a_partial_build_keeps_the_other_files_in_the_manifest(tmp_path):
    """… and keeps the manifest's order: a partial build that changes nothing leaves manifest.json as it
    was, byte for byte (a clerk's backup or sync sees no change), and one kind built after another
    gives the manifest that building both at once gives."""
    plan = EXAMPLES / "liuzhou-2021" / "plan.yaml"
    out = tmp_path / "out"
    run_cli("build", plan, "-o", out)
    whole = (out / "manifest.json").read_bytes()
    run_cli("build", plan, "-o", out, "--only", "preview")
    assert (out / "manifest.json").read_bytes() == whole
    assert sorted(f["kind"] for f in manifest(out)["files"]) == ["bundle", "calendar", "plan", "preview", "preview",
                                                                  "tasks", "tasks"]
    again = run_cli("build", plan, "-o", out)
    assert "已保留原文件" not in again.output
    for folder, parts in (("one-by-one", ["plan", "tasks"]), ("together", ["plan,tasks"])):
        for kinds in parts:
            assert run_cli("build", plan, "-o", tmp_path / folder, "--only", kinds).exit_code == 0
    assert (tmp_path / "one-by-one" / "manifest.json").read_bytes() == \
        (tmp_path / "together" / "manifest.json").read_bytes()


@pytest.mark.slow
def test_every_kind_is_byte_identical_across_builds(tmp_path):
    plan = EXAMPLES / "guangxi-2020" / "plan.yaml"
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_cli("build", plan, "-o", first).exit_code == 0
    assert run_cli("build", plan, "-o", second).exit_code == 0
    entries = manifest(first)["files"]
    assert {e["kind"] for e in entries} >= {"plan", "preview", "tasks", "checklist", "stats", "bundle", "calendar"}
    assert entries == manifest(second)["files"]


def test_an_interrupted_write_leaves_the_old_file_and_no_fragment(tmp_path, monkeypatch):
    import os

    from planmaker.writing import output

    target = tmp_path / "doc.docx"
    target.write_bytes(b"old")

    def broken_fsync(fd):
        raise KeyboardInterrupt  # the clerk pressed Ctrl+C mid-write

    monkeypatch.setattr(os, "fsync", broken_fsync)
    try:
        output.atomic_write(target, b"new content")
    except KeyboardInterrupt:
        pass
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_relative_output_folder_follows_the_working_directory(tmp_path):
    """The same relative -o in two working directories is two folders (in one process)."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        result = run_cli("build", EXAMPLES / "liuzhou-2021" / "plan.yaml", "-o", "输出", "--only", "plan",
                         cwd=tmp_path / name)
        assert result.exit_code == 0, result.output
        assert "新生成" not in result.output
        written = [p.name for p in (tmp_path / name / "输出").iterdir()]
        assert any(n.endswith("工作方案.docx") for n in written), written
