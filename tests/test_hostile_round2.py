"""The examples of issue 27 that the hostile corpus (hostile_cases.py) cannot show in-process:
memory under a cap (a child with RLIMIT_AS), standard output closed or full, Ctrl-C during a
batch, LC_ALL=C, umask 777; and the outcomes the corpus only bounds (a half import, the next
`new`, valid JSON, a fake LibreOffice, UTF-32, warnings naming real paths)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import planmaker
from planmaker.cli import main
from zipbombs import zip_bomb

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
SRC = str(Path(planmaker.__file__).resolve().parent.parent)
LIUZHOU = ROOT / "examples" / "liuzhou-2021" / "plan.yaml"
GUANGXI = ROOT / "examples" / "guangxi-2020" / "plan.yaml"
LIMIT_MB = 500
LIMIT_SECONDS = 10
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, str(HERE), os.environ.get("PYTHONPATH", "")])}
ENV.pop("PLANMAKER_DEBUG", None)


def run(*args, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "意外的问题" not in result.output, result.output
    return result


def planmaker_cli(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planmaker", *map(str, args)], env={**ENV, **(env or {})},
                          capture_output=True, timeout=120, **kwargs)


# ------------------------------------------------------------------ memory, in a child capped at 500 MB

CHILD = r"""
import json, resource, sys, time
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from click.testing import CliRunner
from planmaker.cli import main
results = {}
for name, args in json.loads(sys.argv[2]).items():
    began, cpu = time.perf_counter(), time.process_time()
    result = CliRunner().invoke(main, args)
    results[name] = {"exit": result.exit_code, "output": result.output, "seconds": time.perf_counter() - began,
                     "cpu": time.process_time() - cpu,
                     "exception": None if isinstance(result.exception, (SystemExit, type(None)))
                     else repr(result.exception)}
print(json.dumps(results, ensure_ascii=False))
"""


def inflating_docx(path: Path, megabytes: int) -> None:
    """A .docx of a few hundred KB whose document part inflates to ``megabytes``."""
    zip_bomb(path, "word/document.xml", megabytes, before=(("[Content_Types].xml", "<Types/>"),))


def huge_form(path: Path) -> None:
    """A filled statistics form whose sheet holds 1.6 million cells (some 40 MB of XML)."""
    from hostile_cases import rewrite_member
    from test_collect import filled

    path.write_bytes(filled("rongan", "form1"))
    rows = b"".join(b'<row r="%d">' % n + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, n) for c in (b"A", b"B", b"C",
                    b"D")) + b"</row>" for n in range(100, 400_100))
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", rows + b"</sheetData>"))


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    """The examples that exhaust memory when read without a bound, run under a 500 MB cap."""
    from test_collect import plan_for

    folder = tmp_path_factory.mktemp("capped")
    inflating_docx(folder / "膨胀.docx", 300)
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "random.yaml").symlink_to("/dev/urandom")
    for name in ("manifest", "generated"):
        out = folder / f"out-{name}"
        out.mkdir()
    with (folder / "out-manifest" / "manifest.json").open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    (folder / "out-generated" / "柳州市2021年开展不合理医疗检查专项治理行动工作方案.docx").symlink_to("/dev/zero")
    inbox = folder / "in"
    inbox.mkdir()
    huge_form(inbox / "rongan-form1.xlsx")
    commands = {
        "import-inflating-docx": ["import", str(folder / "膨胀.docx"), "-o", str(folder / "imported")],
        "plan-dev-zero": ["build", str(folder / "zero.yaml"), "-o", str(folder / "out-zero")],
        "plan-dev-random": ["check", str(folder / "random.yaml")],
        "manifest-200-mb": ["build", str(LIUZHOU), "-o", str(folder / "out-manifest"), "--only", "plan"],
        "generated-is-dev-zero": ["build", str(LIUZHOU), "-o", str(folder / "out-generated"), "--only", "plan"],
        "form-1.6-million-cells": ["collect", str(inbox), "--plan", str(plan_for("liuzhou", report="2020-12-04")),
                                   "-o", str(folder / "summed"), "--workers", "1"],
    }
    done = subprocess.run([sys.executable, "-c", CHILD, str(LIMIT_MB), json.dumps(commands)], env=ENV,
                          capture_output=True, text=True, timeout=600, cwd=folder)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder, json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.xdist_group("capped")  # the child under the cap runs every example once, on one worker
@pytest.mark.parametrize("name, exits, says", [
    ("import-inflating-docx", (2,), "压缩"),
    ("plan-dev-zero", (2,), "设备文件"),
    ("plan-dev-random", (2,), "设备文件"),
    ("manifest-200-mb", (0,), "无法读取上次生成的清单"),
    ("generated-is-dev-zero", (0,), "新生成"),
    ("form-1.6-million-cells", (1, 2), "过大"),
])
def test_unbounded_inputs_end_fast_under_500_mb(capped, name, exits, says):
    folder, results = capped
    result = results[name]
    assert result["exception"] is None, result
    # CPU seconds: the machine running the suite may be shared; a hang shows in the wall clock
    assert result["cpu"] < LIMIT_SECONDS and result["seconds"] < 6 * LIMIT_SECONDS, result
    assert result["exit"] in exits and says in result["output"], result["output"]
    assert "Traceback" not in result["output"] and "意外的问题" not in result["output"]
    if name == "generated-is-dev-zero":  # the link stays a link: the new version went beside it
        link = folder / "out-generated" / "柳州市2021年开展不合理医疗检查专项治理行动工作方案.docx"
        assert link.is_symlink() and os.readlink(link) == "/dev/zero"


# ------------------------------------------------------------------ output streams, signals, locale, umask

def test_stdout_closed_early_ends_quietly(tmp_path):
    shown = subprocess.run(f"'{sys.executable}' -m planmaker profiles 县 | head -1", shell=True, env=ENV,
                           capture_output=True, text=True, timeout=120)
    assert shown.stdout.count("\n") == 1 and "县" in shown.stdout
    assert "Traceback" not in shown.stderr and "意外的问题" not in shown.stderr and "Error" not in shown.stderr


def test_stdout_to_a_full_device_is_said_in_chinese():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "planmaker", "profiles", "县"], env=ENV, stdout=full,
                              stderr=subprocess.PIPE, timeout=120)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "无法输出结果：磁盘已满" in stderr, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


@pytest.mark.slow
def test_ctrl_c_during_a_batch_prints_no_worker_traceback(tmp_path):
    names = tmp_path / "名单.csv"
    names.write_text("名称,类别\n" + "".join(f"机构{n}号,诊所\n" for n in range(600)), encoding="utf-8")
    out = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, "-m", "planmaker", "build", str(GUANGXI), "-o", str(out), "--only", "checklist",
         "--institutions", str(names), "--workers", "2"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    batch = out / "附件2-检查表（按机构）"
    began = time.monotonic()
    while time.monotonic() - began < 90 and child.poll() is None:
        if batch.is_dir() and len(os.listdir(batch)) > 20:
            break
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, stderr = child.communicate(timeout=60)
    text = stderr.decode("utf-8")
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-3000:]
    rebuilt = run("build", GUANGXI, "-o", out, "--only", "checklist", "--institutions", names, "--workers", "1")
    assert rebuilt.exit_code == 0, rebuilt.output  # the next build completes what was cut short


CRASH = """
import planmaker.inputs.catalog as catalog
def broken(*args, **kwargs):
    raise RuntimeError("a defect")
catalog.Catalog.profile_ids = broken
from planmaker.cli import main
main(["profiles"], prog_name="planmaker")
"""


def test_crash_handler_names_its_log_under_the_c_locale(tmp_path):
    done = subprocess.run([sys.executable, "-c", CRASH], env={**ENV, "LC_ALL": "C", "PYTHONUTF8": "0",
                                                             "TMPDIR": str(tmp_path)},
                          capture_output=True, timeout=120)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "Traceback" not in stderr and "UnicodeEncodeError" not in stderr, stderr
    logs = list(tmp_path.glob("planmaker-*.log"))
    assert len(logs) == 1 and str(logs[0]) in stderr and "a defect" in logs[0].read_text(encoding="utf-8")


@pytest.mark.slow
def test_umask_777_builds_or_says_why(tmp_path):
    out = tmp_path / "out"
    for _ in range(2):  # the second build reads back files made with no permission bits
        done = subprocess.run(f"umask 777; '{sys.executable}' -m planmaker build '{LIUZHOU}' -o '{out}' --only plan",
                              shell=True, env=ENV, capture_output=True, timeout=120)
        stderr = done.stderr.decode("utf-8")
        assert "Traceback" not in stderr and "意外的问题" not in stderr, stderr
        assert done.returncode == 0 or "错误" in stderr


def test_no_writable_temporary_folder_is_said_first(monkeypatch, tmp_path):
    import tempfile

    def none_usable():
        raise FileNotFoundError(errno.ENOENT, "No usable temporary directory found")

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "_get_default_tempdir", none_usable)
    result = run("build", LIUZHOU, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "找不到可写的临时文件夹" in result.output and "TMPDIR" in result.output
    assert not (tmp_path / "out").exists()


def test_a_5000_character_profiles_variable_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("PLANMAKER_PROFILES", "甲" * 5000)
    result = run("profiles")
    assert result.exit_code == 2 and "过长" in result.output and len(result.output) < 1000


# ------------------------------------------------------------------ outcomes

RECEIVED = ("柳州市卫生健康委员会关于开展医疗检查专项治理的实施方案\n为规范医疗行为，制定本方案。\n"
            "一、工作目标\n规范医疗行为。\n二、工作要求\n各单位认真落实。\n")

def test_import_onto_a_full_disk_leaves_nothing_that_blocks_the_next(monkeypatch, tmp_path):
    from planmaker.writing import output

    source = tmp_path / "方案.txt"
    source.write_text(RECEIVED, encoding="utf-8")
    real = output.atomic_write

    def full(path, data, durable=True):
        if Path(path).name == "plan.yaml":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data, durable)

    monkeypatch.setattr(output, "atomic_write", full)
    result = run("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 2 and "磁盘已满" in result.output and "未写入任何文件" in result.output
    assert not [p for p in (tmp_path / "imported").iterdir() if p.suffix == ".yaml"]
    monkeypatch.setattr(output, "atomic_write", real)
    again = run("import", source, "-o", tmp_path / "imported")
    assert again.exit_code == 0 and (tmp_path / "imported" / "plan.yaml").stat().st_size > 0, again.output


def test_import_warnings_name_the_output_folder_not_a_deleted_scratch_copy(monkeypatch, tmp_path):
    import planmaker.plan.resolve as resolve_module
    from planmaker.base import notices
    from planmaker.base.errors import Problem

    original = resolve_module.resolve_data

    def warning_resolve(raw, path, catalog, *args, **kwargs):
        notices.warn(Problem("一条警告", path, 3, "dates.start"))
        return original(raw, path, catalog, *args, **kwargs)

    monkeypatch.setattr(resolve_module, "resolve_data", warning_resolve)
    source = tmp_path / "方案.txt"
    source.write_text(RECEIVED, encoding="utf-8")
    result = run("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    assert "一条警告" in result.output and str(tmp_path / "imported" / "plan.yaml") in result.output
    assert "planmaker-import-" not in result.output


def test_new_with_a_5000_character_parent_title_leaves_nothing(tmp_path):
    args = ["new", "--profile", "liuzhou", "--campaign", "unreasonable-exams", "--start", "2021-08", "--no-build",
            "-o", tmp_path / "新方案"]
    refused = run(*args, "--parent-title", "长" * 5000)
    assert refused.exit_code == 2 and "上限" in refused.output and "未写入任何文件" in refused.output
    assert not (tmp_path / "新方案" / "plan.yaml").exists()
    made = run(*args, "--parent-title", "关于开展专项治理的通知")
    assert made.exit_code == 0 and (tmp_path / "新方案" / "plan.yaml").exists(), made.output


def test_json_is_valid_utf8_for_a_gbk_file_name(tmp_path):
    name = "方案".encode("gbk").decode("utf-8", "surrogateescape") + ".yaml"
    plan = tmp_path / name
    plan.write_bytes(LIUZHOU.read_bytes())
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(tmp_path / "out"), "--only", "plan", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout_bytes.decode("utf-8"))  # strict: raw GBK bytes would fail here
    assert name in json.dumps(document, ensure_ascii=False)


def test_a_fake_soffice_writing_empty_pdfs_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\nout="$2"; shift 2\nmkdir -p "$out"\n'
                    'for f in "$@"; do : > "$out/${f%.*}.pdf"; done\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    result = run("build", LIUZHOU, "-o", tmp_path / "out", "--only", "plan", "--format", "pdf")
    assert result.exit_code == 2 and "是空文件" in result.output and "未写入任何文件" in result.output, result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("encoding, bom", [("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff")])
def test_a_utf32_text_is_read_as_utf32(tmp_path, encoding, bom):
    from planmaker.importer.source import read_source

    source = tmp_path / "方案.txt"
    source.write_bytes(bom + "柳州市关于开展医疗检查专项治理的实施方案\n一、工作目标\n".encode(encoding))
    assert read_source(source).paras[0].text == "柳州市关于开展医疗检查专项治理的实施方案"


def test_every_errno_is_said_in_chinese():
    from planmaker.base.errors import os_problem

    for code in (errno.EFBIG, errno.ENOSPC, errno.ENXIO, errno.ESTALE, errno.EOVERFLOW):
        message = os_problem(OSError(code, os.strerror(code), "/x")).message
        assert os.strerror(code) not in message and not any("a" <= c <= "z" for c in message.split("：")[-1]), message
    assert "文件过大" in os_problem(OSError(errno.EFBIG, "File too large", "/x")).message


def test_chinese_numbers_have_no_ceiling():
    from planmaker.base.numbering import chinese_number, heading_number

    assert [chinese_number(n) for n in (99, 100, 101, 110, 1000, 1010, 10000, 100000, 100010000)] == [
        "九十九", "一百", "一百零一", "一百一十", "一千", "一千零一十", "一万", "十万", "一亿零一万"]
    assert heading_number(1, 150) == "一百五十、" and heading_number(2, 101) == "（一百零一）"


def test_the_lock_and_the_journal_are_never_written_through_a_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's\n", encoding="utf-8")
    for name in (".planmaker.lock", ".planmaker-journal"):
        out = tmp_path / f"out{name}"
        out.mkdir()
        (out / name).symlink_to(victim)
        result = run("build", LIUZHOU, "-o", out, "--only", "plan")
        assert result.exit_code == 2 and "符号链接" in result.output and name in result.output
        assert victim.read_text(encoding="utf-8") == "the user's\n"
