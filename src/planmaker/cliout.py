"""What the commands print: prose for a clerk, JSON for a script (``--json``),
less with ``-q`` and more with ``-v``.

Verbosity is a number kept in the Click context: 0 normal, below 0 quiet
(only errors and warnings), above 0 verbose (every file, unchanged ones too).
With ``--json`` the document is the only thing on standard output; warnings
and errors go to standard error as always, and input that cannot be used
gives an error document (schema ``planmaker.error``) with exit code 2."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import NoReturn

import click

from planmaker.base.errors import InputError

EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
_KEY = "planmaker.verbosity"
_LISTED_PER_FOLDER = 10  # beyond this, a folder's new files are counted rather than listed


def _count(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        ctx.meta[_KEY] = ctx.meta.get(_KEY, 0) + (value if param.name == "verbose" else -value)


def verbosity_options(function):
    """-q/--quiet and -v/--verbose, on the group and on each command (``planmaker -q build`` or ``build -q``)."""
    function = click.option("-v", "--verbose", count=True, expose_value=False, callback=_count,
                            help="多显示：列出每个文件，包括未变化的。")(function)
    return click.option("-q", "--quiet", count=True, expose_value=False, callback=_count,
                        help="少显示：只显示错误和警告。")(function)


json_option = click.option("--json", "as_json", is_flag=True,
                           help="以 JSON 输出结果（格式见 docs/JSON输出.md），供脚本读取。")


def verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_KEY, 0) if ctx is not None else 0


def say(text: str = "", **kwargs) -> None:
    """Prose that -q silences."""
    if verbosity() >= 0:
        click.echo(text, **kwargs)


def emit_json(document: dict) -> None:
    click.echo(json_text(document))


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(document: dict) -> str:
    """The document as JSON that is valid UTF-8 whatever it holds: a file name that is not
    UTF-8 (GBK, from a Windows archive) carries its bytes as lone surrogates, which are
    written as \\udcXX escapes, never as the raw bytes."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class InputFailure(click.ClickException):
    """Input that cannot be used: every problem, what was written (nothing, or how much before a full
    disk stopped it), exit code 2; with --json also the error document on standard output."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, error: InputError, command: str = "", as_json: bool = False) -> None:
        super().__init__(str(error))
        self.error, self.command, self.as_json = error, command, as_json

    def show(self, file=None) -> None:
        if self.as_json:
            from planmaker.commands import summary

            emit_json(summary.error(self.command, self.error.problems, self.error.wrote))
        for problem in self.error.problems:
            click.echo(str(problem), err=True)
        if self.error.wrote:  # stopped part way (a full disk): say so, never "nothing written"
            click.echo(f"已写入 {self.error.wrote} 个文件后停止；问题解决后重新运行同一命令，会接着完成"
                       "（清单 manifest.json 届时更新）。", err=True)
        else:
            click.echo("未写入任何文件。", err=True)


def fail(exc: InputError, command: str = "", as_json: bool = False) -> NoReturn:
    """Stop the command on ``exc`` (for what a command finds itself; InputError raised below is
    turned into the same InputFailure by clihelp.Command)."""
    raise InputFailure(exc, command, as_json)


def report_written(report, out_dir: Path) -> None:
    """The files a build (or collect) wrote, unchanged and kept beside the user's."""
    verbose = verbosity() > 0
    by_folder: dict[str, list[str]] = {}
    for path in report.written:
        by_folder.setdefault(path.rpartition("/")[0], []).append(path)
    for folder, paths in by_folder.items():
        if folder and len(paths) > _LISTED_PER_FOLDER and not verbose:
            say(f"已生成：{out_dir / folder}{os.sep}（{len(paths)} 个文件）")
            continue
        for path in paths:
            say(f"已生成：{out_dir / path}")
    if verbose:
        for path in report.unchanged:
            say(f"未变化：{out_dir / path}")
    elif report.unchanged:
        say(f"未变化：{len(report.unchanged)} 个文件")
    for merged in getattr(report, "merged", ()):
        say(merged_line(merged, out_dir))
    not_merged = getattr(report, "not_merged", {})
    for original, beside in report.kept:
        why = f"未能合并（{not_merged[original]}），" if original in not_merged else ""
        click.echo(f"注意：{out_dir / original} 在上次生成后被修改过，已保留原文件；{why}"
                   f"新版本写在 {out_dir / beside}（如要覆盖，请加 --force）", err=verbosity() < 0)


def merged_line(merged, out_dir: Path) -> str:
    """One merged file: its changes and, one by one, where both sides changed the same place."""
    if not merged.changes and not merged.conflicts:
        return f"已合并：{out_dir / merged.path}（您修改过的文件已含新版本的全部内容，未改动）"
    lines = [f"已合并：{out_dir / merged.path}（{merged.changes} 处改动，{len(merged.conflicts)} 处冲突）"]
    lines += [f"  冲突：{where}（保留了您的文字，新版本另起一段标为修订插入）" if "!" not in where
              else f"  冲突：{where}（保留了填写的内容）" for where in merged.conflicts]
    return "\n".join(lines)


def report_build(result, out_dir: Path) -> None:
    report_written(result.report, out_dir)
    say(f"清单：{out_dir / 'manifest.json'}")


def print_profiles(rows) -> None:
    width = max(len(j.id) for j in rows) if rows else 0
    for j in rows:
        parent = j.parent.name if j.parent else "—"
        click.echo(f"{j.id.ljust(width)}  {j.name}（{j.kind}，上级：{parent}）  {j.file}")


def print_campaigns(loaded, layouts: Path) -> None:
    for campaign in loaded:
        click.echo(f"{campaign.id}  {campaign.model.name}：{campaign.model.description}  {campaign.file}")
    # Where a clerk finds checklist.docx to copy into a campaign and edit in Word.
    click.echo(f"\n自带的附件版式（.docx）：{layouts}")


# ------------------------------------------------------------------ what must be usable before a command starts

def usable_folders(ctx, param, folders):
    """Each folder given can at least be looked at: a path too long, a link loop or a folder
    without permission is said here, by its option, not found out deep in the catalog."""
    import errno

    for folder in folders:
        try:
            os.stat(folder)
        except FileNotFoundError:
            continue
        except OSError as exc:
            from planmaker.base.errors import os_problem

            reason = os_problem(exc, None, "无法读取").message
            shown = str(folder) if len(str(folder)) <= 120 else str(folder)[:60] + "…" + str(folder)[-40:]
            if exc.errno == errno.ENAMETOOLONG:
                shown = f"{shown}（共 {len(str(folder))} 个字符）"
            raise click.BadParameter(f"{reason}：{shown}", ctx=ctx, param=param) from None
    return folders


def usable_temporary_folder() -> None:
    """Institution lists, the manifest, PDF conversion and .doc/.wps imports work in the temporary folder:
    when there is none to write in, say so first, rather than fail deep inside a command."""
    import tempfile

    try:
        tempfile.gettempdir()
    except OSError:
        fail(InputError.single("找不到可写的临时文件夹（已试过环境变量 TMPDIR、TEMP、TMP 所指的文件夹和 /tmp 等）："
                               "请把环境变量 TMPDIR 设为一个可写的文件夹后再运行", field="TMPDIR"))
