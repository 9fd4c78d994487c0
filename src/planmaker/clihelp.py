"""The command line's Chinese: Click's own messages from a gettext catalog, and
help laid out for wide characters.

* Click wraps every message it prints in gettext (``_("Missing argument")``).
  The catalog ``locale/zh_CN/LC_MESSAGES/messages.po`` (compiled to ``.mo``,
  both committed; scripts/click_catalog.py keeps them in step with Click) is
  the translation Click's modules use while planmaker's command line runs
  (``Group.main``), whatever the locale of the machine: planmaker speaks
  Chinese on a server whose LANG is C or en_US too.  Importing this module
  changes nothing in Click; the command line's classes (``Context``,
  ``Command``, ``Group``) carry the rest.
* Click's help formatter measures text with ``len()``: a Chinese character
  takes two columns on a terminal but counts one, so the columns slip, and a
  Chinese sentence has no spaces, so the wrapper breaks a long run of it
  anywhere, English words included ("ledg/er").  The formatter here measures
  display width, breaks between Chinese characters but never inside an ASCII
  word, keeps closing punctuation off the start of a line, and joins the
  lines of a docstring without a space where both sides are Chinese.
"""

from __future__ import annotations

import contextlib
import gettext
import re
import sys
import unicodedata
from pathlib import Path

import click

from planmaker.base.errors import InputError
from planmaker.cliout import InputFailure

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"  # the domain Click's ``gettext.gettext`` looks in
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion", "termui",
                  "types", "utils")


def catalog() -> gettext.NullTranslations:
    """The zh_CN catalog of Click's messages."""
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=["zh_CN"], fallback=True)


@contextlib.contextmanager
def chinese_messages():
    """Click's modules speak from the catalog while the block runs, and as before afterwards.  Click
    imported gettext's functions by name, so its modules' own ``_`` and ``ngettext`` are what it calls."""
    translation = catalog()
    saved = []
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        for attr, function in (("_", translation.gettext), ("ngettext", translation.ngettext)):
            if module is not None and hasattr(module, attr):
                saved.append((module, attr, vars(module)[attr]))
                vars(module)[attr] = function
    try:
        yield
    finally:
        for module, attr, function in reversed(saved):
            vars(module)[attr] = function


# ------------------------------------------------------------------ display width

_OPENING = set("（《「『【〈〔“‘([{")
_CLOSING = set("，。、；：？！）》」』】〉〕”’…,.;:?!)]}")


def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    return sum(char_width(ch) for ch in text) if not text.isascii() else len(text)


def _is_wide(ch: str) -> bool:
    return char_width(ch) == 2


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one: a space between them, none between two Chinese characters."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and not (_is_wide(text[-1]) and _is_wide(line[0])):
            text += " "
        text += line
    return text


_ATOM = re.compile(r"(\s+)|([^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+)|(.)", re.S)


def _atoms(text: str) -> list[tuple[bool, str]]:
    """Units a line may not break inside, each with whether a space stands before it:
    an ASCII word is one unit, a Chinese character another; closing punctuation
    sticks to the unit before it, opening punctuation to the unit after."""
    atoms: list[list] = []
    space = False
    glue_next = False
    for match in _ATOM.finditer(text):
        if match.group(1):
            space = True
            continue
        piece = match.group(0)
        if atoms and not space and (glue_next or piece[0] in _CLOSING):
            atoms[-1][1] += piece
        else:
            atoms.append([space, piece])
        glue_next = piece[-1] in _OPENING
        space = False
    return [(s, p) for s, p in atoms]


def wrap(text: str, limit: int) -> list[str]:
    """``text`` in lines of at most ``limit`` columns (a longer word is cut only if it must be)."""
    lines: list[str] = []
    line = ""
    for space, piece in _atoms(text):
        gap = " " if space and line else ""
        if line and width(line) + width(gap) + width(piece) > limit:
            lines.append(line)
            line, gap = "", ""
        while width(piece) > limit and not line:
            cut = _fit(piece, limit)
            lines.append(piece[:cut])
            piece = piece[cut:]
        line += gap + piece
    if line:
        lines.append(line)
    return lines


def _fit(text: str, limit: int) -> int:
    used = 0
    for i, ch in enumerate(text):
        used += char_width(ch)
        if used > limit:
            return max(i, 1)
    return len(text)


def paragraphs(text: str) -> list[tuple[bool, list[str]]]:
    """(kept as written, lines) for each blank-line separated paragraph; Click's
    ``\\b`` marker keeps a paragraph's lines as they are."""
    found = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            found.append((True, lines[1:]))
        else:
            found.append((False, lines))
    return found


def short_help(text: str, limit: int) -> str:
    """The first sentence of the first paragraph, cut to ``limit`` columns."""
    first = join_lines(paragraphs(text)[0][1]) if text.strip() else ""
    end = first.find("。")
    if end != -1:
        first = first[:end + 1]
    if width(first) > limit:
        first = first[:_fit(first, limit - 1)] + "…"
    return first


class ChineseFormatter(click.HelpFormatter):
    """Click's help formatter, measuring display width and wrapping Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else click.formatting._("Usage:"))

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        limit = max(self.width - self.current_indent, 11)
        blocks = []
        for kept, lines in paragraphs(text):
            body = [line.rstrip() for line in lines] if kept else wrap(join_lines(lines), limit)
            blocks.append("\n".join(indent + line for line in body))
        self.write("\n\n".join(blocks) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            self.write(indent + term)
            if not text:
                self.write("\n")
                continue
            if width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            limit = max(self.width - first_col - self.current_indent, 10)
            lines = [line for kept, block in paragraphs(text)
                     for line in (block if kept else wrap(join_lines(block), limit))]
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Context(click.Context):
    """Help laid out by display width (Click's formatter measures with len())."""

    formatter_class = ChineseFormatter


class Command(click.Command):
    """A command whose unusable input (InputError, raised anywhere below) becomes one InputFailure:
    the exception owns its exit code and its message, and Click shows it once."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self.short_help or self.help or "", limit)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise InputFailure(exc, self.name or "", bool(ctx.params.get("as_json"))) from None


class Group(click.Group):
    command_class = Command
    context_class = Context

    def main(self, *args, **kwargs):
        with chinese_messages():
            return super().main(*args, **kwargs)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        """A defect reaches the clerk as one Chinese sentence and the path of a
        log holding the traceback, exit code 2 (PLANMAKER_DEBUG=1: the traceback)."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise
        except BrokenPipeError:
            # `planmaker profiles 县 | head`: the reader has all it wanted.
            _silence_stdout()
            sys.exit(1)
        except OSError as exc:
            if exc.filename is not None or exc.errno is None:
                raise _unexpected() from None
            # Only the output streams are written without a file name: stdout to /dev/full, a full disk.
            from planmaker.base.errors import os_problem

            _silence_stdout()
            _say(f"错误：无法输出结果：{os_problem(exc).message.split('：', 1)[-1]}")
            sys.exit(2)
        except RuntimeError as exc:
            if not str(exc).startswith("Symlink loop from"):  # pathlib's, before Python 3.13
                raise _unexpected() from None
            _say(f"错误：{str(exc).removeprefix('Symlink loop from ').strip(chr(39))}：符号链接层数过多或指向自身")
            _say("未写入任何文件。")
            sys.exit(2)
        except Exception:
            raise _unexpected() from None


def _silence_stdout() -> None:
    """Standard output cannot be written: what is still buffered goes nowhere, so that
    Python's own flush at exit adds no English message of its own."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _say(text: str) -> None:
    """One line on standard error, in whatever encoding it takes (LC_ALL=C: escaped, never a crash)."""
    try:
        click.echo(text, err=True)
    except (UnicodeEncodeError, OSError):
        try:
            stream = sys.stderr.buffer if hasattr(sys.stderr, "buffer") else None
            if stream is not None:
                stream.write((text + "\n").encode("utf-8", "backslashreplace"))
                stream.flush()
        except (OSError, ValueError):
            pass


def _unexpected() -> SystemExit:
    """A defect reported as one sentence and a log; the SystemExit to raise."""
    import os

    if os.environ.get("PLANMAKER_DEBUG"):
        raise
    _say(f"错误：出现了意外的问题（程序缺陷），命令未能完成。详细信息已写入 {log_unexpected()}，"
         "请把这个文件发给维护人员。")
    return SystemExit(2)


def log_unexpected() -> str:
    """The traceback of the exception being handled, in a file of its own; its path."""
    import os
    import tempfile
    import time
    import traceback

    text = f"planmaker，{time.strftime('%Y-%m-%d %H:%M:%S')}\n命令行：{sys.argv!r}\n\n{traceback.format_exc()}"
    for prefix in ("planmaker-错误-", "planmaker-error-"):  # a file system that takes only ASCII (LC_ALL=C)
        try:
            fd, path = tempfile.mkstemp(prefix=prefix, suffix=".log")
        except UnicodeEncodeError:
            continue
        except OSError:
            break
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(text)
        except OSError:
            break
        return path
    return "（无法写入日志文件）"


class PathType(click.Path):
    """A path option whose kind (file, directory) is put in words when a message is made, not when the
    option is declared: Click's words are the catalog's only while the command line runs."""

    @property
    def name(self) -> str:
        return str(click.types._(self._kind))

    @name.setter
    def name(self, value: str) -> None:
        self._kind = value


class Range(click.IntRange):
    """An integer range whose help and errors say 至少 1 or 0～60 (Click builds "x>=1" without gettext)."""

    def _describe_range(self) -> str:
        if self.max is None:
            return f"至少为 {self.min}"
        if self.min is None:
            return f"至多为 {self.max}"
        return f"{self.min}～{self.max}"




class Option(click.Option):
    """An option named in errors as the user types it (``--workers``, not
    ``'--workers' (env var: 'PLANMAKER_WORKERS')``), and which may keep old names
    working but out of the help (``--dir`` for ``--profiles``)."""

    def __init__(self, *args, hidden_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hidden_names = set(hidden_names)

    def get_error_hint(self, ctx) -> str:
        return " / ".join(name for name in self.opts if name not in self.hidden_names)

    def get_help_record(self, ctx):
        shown, self.opts = self.opts, [name for name in self.opts if name not in self.hidden_names]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


class Argument(click.Argument):
    def get_error_hint(self, ctx) -> str:
        return (self.make_metavar(ctx) if ctx is not None else self.human_readable_name).rstrip(".…")
