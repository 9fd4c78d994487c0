"""Nothing a user did is lost, and every write is recoverable (issue 14):
edits protected wherever they are, a journal that lets the next build finish
an interrupted one, a locked output folder, honest reports of partial writes."""

from __future__ import annotations

import errno
import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, manifest, run_cli
from planmaker.writing import output
from planmaker.writing.journal import JOURNAL, LOCK

LIUZHOU = EXAMPLES / "liuzhou-2021" / "plan.yaml"
GUANGXI = EXAMPLES / "guangxi-2020" / "plan.yaml"
HEADER = "名称,地址,类别,等级,性质\n"


def fill_disk_after(monkeypatch, files: int):
    """Every write after the first ``files`` fails as a full disk would; returns the real
    atomic_write, to put back."""
    real = output.atomic_write
    count = {"n": 0}

    def filling(path, data, durable=True):
        count["n"] += 1
        if count["n"] > files:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data, durable)

    monkeypatch.setattr(output, "atomic_write", filling)
    return real


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_manifest_matches(out: Path) -> None:
    """Every file the manifest lists holds what it says (the user's edited files are not listed)."""
    listed = {e["path"]: e["sha256"] for e in manifest(out)["files"]}
    found = snapshot(out)
    assert {p: found.get(p) for p in listed} == listed
    # The kept bases of the plan's files (writing/merging.py) are the folder's own state; nothing else is
    assert not any(p.endswith(".tmp") or ".planmaker" in p for p in found if not p.startswith(".planmaker-base/"))


def institutions(tmp_path: Path, *names: str, name="名单.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{n},某路1号,综合医院,二级,公立\n" for n in names), encoding="utf-8")
    return path


def build(out: Path, *extra, plan=GUANGXI):
    return run_cli("build", plan, "-o", out, "--only", "checklist", "--workers", "1", *extra)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A clean build of three institutions, for comparison."""
    base = tmp_path_factory.mktemp("clean")
    names = institutions(base, "甲医院", "乙医院", "丙医院")
    out = base / "out"
    assert build(out, "--institutions", names).exit_code == 0
    return names, snapshot(out)


# ------------------------------------------------------------------ edits protected

def test_an_edited_new_version_copy_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    names = institutions(tmp_path, "甲医院")
    assert build(out, "--institutions", names).exit_code == 0
    mine = out / "附件2-检查表（按机构）" / "甲医院.docx"
    mine.write_bytes(b"my edits")
    names.write_text(names.read_text(encoding="utf-8").replace("某路1号", "某路2号"), encoding="utf-8")
    first = build(out, "--institutions", names)
    copy = mine.with_name("甲医院（新生成）.docx")
    assert copy.exists() and "修改过" in first.output
    copy.write_bytes(b"my edits to the copy")
    names.write_text(names.read_text(encoding="utf-8").replace("某路2号", "某路3号"), encoding="utf-8")
    second = build(out, "--institutions", names)
    assert second.exit_code == 0, second.output
    assert mine.read_bytes() == b"my edits"
    assert copy.read_bytes() == b"my edits to the copy", "the edited copy was overwritten"
    assert mine.with_name("甲医院（新生成2）.docx").exists()
    assert_manifest_matches(out)


def test_an_institution_named_like_a_new_version_copy_keeps_its_own_file(tmp_path):
    out = tmp_path / "out"
    names = institutions(tmp_path, "甲医院", "甲医院（新生成）")
    assert build(out, "--institutions", names).exit_code == 0
    folder = out / "附件2-检查表（按机构）"
    own = {e["institution"]: e["path"] for e in manifest(out)["files"] if "institution" in e}
    assert own["甲医院（新生成）"] != "附件2-检查表（按机构）/甲医院（新生成）.docx"
    (folder / "甲医院.docx").write_bytes(b"edited")
    names.write_text(names.read_text(encoding="utf-8").replace("某路1号", "某路9号"), encoding="utf-8")
    assert build(out, "--institutions", names).exit_code == 0
    beside = folder / "甲医院（新生成）.docx"
    theirs = out / own["甲医院（新生成）"]
    assert beside.exists() and theirs.exists() and beside.read_bytes() != theirs.read_bytes()
    assert_manifest_matches(out)


def test_a_manifest_saved_with_a_bom_is_read(tmp_path):
    out = tmp_path / "out"
    assert build(out, plan=LIUZHOU).exit_code == 0
    text = (out / "manifest.json").read_text(encoding="utf-8")
    (out / "manifest.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    again = run_cli("build", LIUZHOU, "-o", out)
    assert again.exit_code == 0
    assert "修改过" not in again.output and not list(out.rglob("*新生成*"))


def test_an_unreadable_manifest_keeps_every_file_and_says_so(tmp_path):
    out = tmp_path / "out"
    assert build(out, plan=LIUZHOU).exit_code == 0
    before = snapshot(out)
    (out / "manifest.json").write_text("{ not json", encoding="utf-8")
    again = run_cli("build", LIUZHOU, "-o", out, "--only", "checklist")
    assert again.exit_code == 0
    assert "无法读取上次生成的清单" in again.output
    assert all(snapshot(out)[p] == d for p, d in before.items() if p != "manifest.json")


# ------------------------------------------------------------------ interrupted builds

def test_a_full_disk_part_way_says_what_was_written_and_the_next_build_finishes(tmp_path, clean, monkeypatch):
    names, expected = clean
    out = tmp_path / "out"
    real = fill_disk_after(monkeypatch, 2)
    result = build(out, "--institutions", names)
    assert result.exit_code == 2
    assert "磁盘已满" in result.output and "已写入 2 个文件" in result.output
    assert "未写入任何文件" not in result.output and "Traceback" not in result.output
    assert (out / JOURNAL).exists() and not (out / LOCK).exists()
    monkeypatch.setattr(output, "atomic_write", real)
    again = build(out, "--institutions", names)
    assert again.exit_code == 0, again.output
    assert "修改过" not in again.output
    assert snapshot(out) == expected


def test_leftovers_of_a_killed_build_are_swept_and_its_extra_files_rolled_back(tmp_path, clean):
    names, expected = clean
    out = tmp_path / "out"
    assert build(out, "--institutions", names).exit_code == 0
    folder = out / "附件2-检查表（按机构）"
    # What a build killed part way leaves: a temporary file, a file no manifest lists,
    # a file rewritten with other content, all journaled; and a user's file it never touched.
    (folder / ".planmaker-99999-7.tmp").write_bytes(b"half")
    (out / ".planmaker-99999-8.tmp").write_bytes(b"half a manifest")
    (folder / "丁医院.docx").write_bytes(b"written by the killed build")
    (folder / "甲医院.docx").write_bytes(b"rewritten by the killed build")
    (folder / "用户自己的.docx").write_bytes(b"mine")
    records = [{"d": "附件2-检查表（按机构）"},
               {"f": "附件2-检查表（按机构）/丁医院.docx", "s": hashlib.sha256(b"written by the killed build").hexdigest()},
               {"f": "附件2-检查表（按机构）/甲医院.docx", "s": hashlib.sha256(b"rewritten by the killed build").hexdigest()},
               {"f": "附件2-检查表（按机构）/用户自己的.docx", "s": "0" * 64}]
    (out / JOURNAL).write_text("".join(json.dumps(r) + "\n" for r in records) + '{"f": "torn', encoding="ascii")
    again = build(out, "--institutions", names)
    assert again.exit_code == 0, again.output
    assert "修改过" not in again.output
    found = snapshot(out)
    assert found.pop("附件2-检查表（按机构）/用户自己的.docx") == hashlib.sha256(b"mine").hexdigest()
    assert found == expected


def test_the_list_saved_during_a_build_changes_nothing_in_that_build(tmp_path, clean, monkeypatch):
    names, expected = clean
    mine = tmp_path / "名单.csv"
    mine.write_bytes(names.read_bytes())
    from planmaker.inputs import institutions as module

    original = module.InstitutionFile.__init__

    def then_saved(self, *args, **kwargs):
        original(self, *args, **kwargs)
        mine.write_text("名称,类别\n,\n坏行,不存在的类别\n", encoding="utf-8")  # the clerk saves a new version

    monkeypatch.setattr(module.InstitutionFile, "__init__", then_saved)
    out = tmp_path / "out"
    result = build(out, "--institutions", mine)
    assert result.exit_code == 0, result.output
    assert snapshot(out) == expected


# ------------------------------------------------------------------ the lock

def hold_lock(folder: Path) -> subprocess.Popen:
    """Another process holding the folder, as a running build does."""
    code = ("import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode()); print('held', flush=True); "
            "time.sleep(60)")
    folder.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", code, str(folder / LOCK)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl")
def test_a_second_build_into_a_locked_folder_is_refused_and_a_killed_holder_frees_it(tmp_path):
    out = tmp_path / "out"
    holder = hold_lock(out)
    try:
        refused = run_cli("build", LIUZHOU, "-o", out)
        assert refused.exit_code == 2
        assert str(out) in refused.output and "正在由另一次生成" in refused.output
        assert "Traceback" not in refused.output
        assert sorted(p.name for p in out.iterdir()) == [LOCK]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    began = time.monotonic()
    after = run_cli("build", LIUZHOU, "-o", out)
    assert after.exit_code == 0, after.output
    assert time.monotonic() - began < 60  # no waiting on the dead holder
    assert not (out / LOCK).exists()
    assert_manifest_matches(out)


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl")
def test_a_lock_taken_between_check_and_write_still_refuses(tmp_path, monkeypatch):
    """The quick refusal at the start is a courtesy; the lock at writing time is the rule."""
    from planmaker.writing import journal

    out = tmp_path / "out"
    holder = hold_lock(out)
    monkeypatch.setattr(journal.FolderLock, "refuse_if_busy", lambda self: None)
    try:
        refused = run_cli("build", LIUZHOU, "-o", out)
        assert refused.exit_code == 2 and "正在由另一次生成" in refused.output
        assert sorted(p.name for p in out.iterdir()) == [LOCK]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


# ------------------------------------------------------------------ cascade

@pytest.mark.slow
def test_cascade_with_one_broken_county_plan_writes_nothing(tmp_path):
    out = tmp_path / "cascade"
    assert run_cli("cascade", LIUZHOU, "-o", out).exit_code == 0
    before = snapshot(out)
    plan = out / "rongan" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\ndates_typo: 1\n", encoding="utf-8")
    edited = snapshot(out)
    city = tmp_path / "plan.yaml"
    city.write_text(LIUZHOU.read_text(encoding="utf-8").replace("start: 2021-08", "start: 2021-07"), encoding="utf-8")
    result = run_cli("cascade", city, "-o", out)
    assert result.exit_code == 2
    assert "rongan" in result.output and "plan.yaml" in result.output and "未写入任何文件" in result.output
    assert snapshot(out) == edited != before


@pytest.mark.slow
def test_cascade_stopped_part_way_by_the_disk_says_exactly_what_it_wrote(tmp_path, monkeypatch):
    fill_disk_after(monkeypatch, 40)
    result = run_cli("cascade", LIUZHOU, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "磁盘已满" in result.output and "已写入 40 个文件" in result.output
    assert "已完成的下级" in result.output and "未写入任何文件" not in result.output


@pytest.mark.slow
def test_a_failure_in_one_worker_reports_exactly_the_files_all_workers_wrote(tmp_path, monkeypatch):
    names = institutions(tmp_path, *[f"机构{i}" for i in range(600)])
    real = output.atomic_write

    def failing(path, data, durable=True):
        if Path(path).name == "机构300.docx":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data, durable)

    monkeypatch.setattr(output, "atomic_write", failing)  # forked workers inherit it
    out = tmp_path / "out"
    result = run_cli("build", GUANGXI, "-o", out, "--only", "checklist", "--workers", "2", "--institutions", names)
    assert result.exit_code == 2, result.output
    written = list(out.rglob("*.docx"))
    assert 1 < len(written) < 601
    assert f"已写入 {len(written)} 个文件" in result.output
    monkeypatch.setattr(output, "atomic_write", real)
    again = run_cli("build", GUANGXI, "-o", out, "--only", "checklist", "--workers", "2", "--institutions", names)
    assert again.exit_code == 0 and "修改过" not in again.output
    assert_manifest_matches(out)
    assert len(list(out.rglob("*.docx"))) == 601


@pytest.mark.slow
def test_cascade_with_a_county_profile_lacking_a_role_writes_nothing(tmp_path):
    """The last county in order lacks a department the campaign's tasks name: before, the other
    counties were written and then "未写入任何文件" was said."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (EXAMPLES.parent / "profiles" / "yufeng.yaml").read_text(encoding="utf-8")
    # a profile states only what differs from its kind's defaults: here, that it has no insurance bureau
    lacking = text.replace("departments:\n", "departments:\n  insurance: null\n", 1)
    assert lacking != text
    (profiles / "yufeng.yaml").write_text(lacking, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("cascade", LIUZHOU, "-o", out, "--profiles", profiles)
    assert result.exit_code == 2, result.output
    assert "yufeng.yaml" in result.output or "鱼峰区" in result.output
    assert "未写入任何文件" in result.output
    assert not out.exists()


def test_json_says_how_many_files_were_written_before_the_disk_filled(tmp_path, monkeypatch):
    import jsonschema

    from planmaker.commands.summary import schema_path

    fill_disk_after(monkeypatch, 3)
    result = run_cli("build", LIUZHOU, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["written"] is True and document["written_files"] == 3
    jsonschema.validate(document, json.loads(schema_path("error").read_text(encoding="utf-8")))
