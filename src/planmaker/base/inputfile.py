"""The one way planmaker opens a file it was given: bounded and regular.

Everything a user or a received folder hands over (a plan, a profile, a
campaign's files, a manifest, a generated file compared for edits, a .docx or
.xlsx) may be a link to /dev/zero, a named pipe that blocks for ever, a
device, a link loop or a file of gigabytes.  Here a file is opened without
blocking, refused unless it is a regular file, and read no further than its
cap, which is checked on the size before any byte is read and again while
reading (a file may grow under us).  Every refusal is an InputError in Chinese
naming the file.  OOXML files (.docx, .xlsx) go through the zip guard too
(``read_zip``), whoever reads them.  Files not written yet can be laid over a
folder (``Overlay``) and are then read from memory, under the same caps."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Union

from planmaker.base.errors import InputError, Refusal, os_problem

PathLike = Union[str, Path, "os.PathLike[str]"]

MAX_TEXT_BYTES = 10 * 1024 * 1024  # a plan, a profile, a campaign's YAML: a few KB in practice
MAX_OFFICE_BYTES = 50 * 1024 * 1024  # a .docx or .xlsx as received

_KINDS = (
    (stat.S_ISDIR, "是一个文件夹而不是文件"),
    (stat.S_ISFIFO, "是命名管道（FIFO），不是普通文件"),
    (stat.S_ISCHR, "是设备文件（如 /dev/zero），不是普通文件"),
    (stat.S_ISBLK, "是块设备，不是普通文件"),
    (stat.S_ISSOCK, "是套接字，不是普通文件"),
)


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _cap_text(cap: int) -> str:
    return f"{cap // 1024 // 1024} MB" if cap >= 1024 * 1024 else f"{cap // 1024} KB"


def too_large(size: int, cap: int, path: PathLike, hint: str = "") -> InputError:
    return InputError.refused(f"文件过大（{_size_text(size)}），上限为 {_cap_text(cap)}{hint or '，请确认选对了文件'}",
                              _shown(path))


def _shown(path: PathLike) -> str:
    from planmaker.base.files import shown_path

    return shown_path(path)


def _refusal(exc: OSError, path: PathLike, what: str) -> InputError:
    """An OSError on opening or reading an input: refused, in Chinese, naming the file
    (a link loop, a name too long, no permission)."""
    problem = os_problem(exc, _shown(path), what)
    return InputError([Refusal(problem.message, problem.file)])


def open_regular(path: PathLike, what: str = "无法读取", follow: bool = True) -> int:
    """A descriptor open for reading on ``path``, which must be a regular file.

    ``O_NONBLOCK`` keeps a named pipe from blocking the open; it is cleared
    once the file is known to be regular.  ``follow=False`` refuses a link
    itself (a lock or journal in a folder someone else can write)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError.single("文件不存在", _shown(path)) from None
    except OSError as exc:
        if not follow and os.path.islink(path):
            raise InputError.refused("这是一个符号链接，planmaker 不会经由链接读写这个文件；请删去这个链接",
                                     _shown(path)) from None
        raise _refusal(exc, path, what) from None
    def refusal(mode: int) -> InputError | None:
        sentence = next((sentence for test, sentence in _KINDS if test(mode)), None)
        if sentence is None and not stat.S_ISREG(mode):
            sentence = "不是普通文件"
        return InputError.refused(f"{what}：{sentence}", _shown(path)) if sentence else None

    return kept_if_regular(fd, refusal)


def kept_if_regular(fd: int, refusal: Callable[[int], InputError | None]) -> int:
    """``fd``, opened with O_NONBLOCK so that a named pipe could not hang the open, made blocking once
    ``refusal`` finds nothing wrong with what it opened (given its st_mode); otherwise closed, and the
    refusal raised."""
    try:
        problem = refusal(os.fstat(fd).st_mode)
        if problem is not None:
            raise problem
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: PathLike, cap: int = MAX_TEXT_BYTES, what: str = "无法读取", hint: str = "") -> bytes:
    """The whole of ``path``, a regular file of at most ``cap`` bytes."""
    fd = open_regular(path, what)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > cap:
            raise too_large(size, cap, path, hint)
        try:
            data = handle.read(cap + 1)
        except OSError as exc:
            raise _refusal(exc, path, what) from None
    if len(data) > cap:  # it grew while we looked
        raise too_large(len(data), cap, path, hint)
    return data


def open_bytes(path: PathLike, cap: int = MAX_OFFICE_BYTES, what: str = "无法读取") -> io.BufferedReader:
    """A binary handle on ``path`` (regular, at most ``cap`` bytes by its size now)."""
    fd = open_regular(path, what)
    handle = os.fdopen(fd, "rb")
    size = os.fstat(fd).st_size
    if size > cap:
        handle.close()
        raise too_large(size, cap, path)
    return handle


def read_zip(path: PathLike, what: str = "文件", cap: int = MAX_OFFICE_BYTES) -> bytes:
    """An OOXML file's bytes, regular and within ``cap``, after the zip guard
    has measured every member (zip bombs, lying headers)."""
    from planmaker.base.zipguard import check_zip

    data = read_bytes(path, cap)
    check_zip(_Bytes(data), what, max_file=cap, shown=_shown(path))
    return data


class _Bytes:
    """Bytes in memory with the ``open("rb")`` the zip guard reads through."""

    def __init__(self, data: bytes):
        self._data = data

    def open(self, mode: str = "rb") -> IO[bytes]:
        return io.BytesIO(self._data)


def is_regular(path: Path) -> bool:
    """``path`` is a regular file (a link is followed), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def real_path(path: PathLike) -> Path:
    """``path`` with its links resolved, as far as they go: a link loop is left where it loops
    (Path.resolve raises RuntimeError on one before Python 3.13); opening it then says why."""
    return Path(os.path.realpath(path))


class Overlay:
    """The files of one folder that are not written yet, read from memory before the disk.

    ``planmaker import`` proves that what it will write builds before it writes it: its plan,
    campaign and annex files are laid over the output folder, so that a path relative to the
    plan (the profile beside the folder, the campaign at ``./``, the campaign's stats-N.yaml)
    is looked up where the files will be, and every problem names a file as it will be
    (``folder / name``, the folder as the caller named it).  ``planmaker cascade`` lays each
    child's plan file over the child's output folder in the same way.  It is passed to whatever reads
    (``inputs.yamlfile.load_file``, the catalog's loaders), never set process-wide; ``DISK``
    lays nothing over."""

    def __init__(self, folder: PathLike | None = None, files: Mapping[str, str | bytes] | None = None):
        self.folder = Path(folder) if folder is not None else None
        self._real = real_path(self.folder) if self.folder is not None else None
        self._files = {PurePosixPath(name).as_posix(): text.encode("utf-8") if isinstance(text, str) else text
                       for name, text in (files or {}).items()}

    def _inside(self, path: Path) -> Path | None:
        """``path`` (its links resolved) relative to the folder, if it is in it."""
        if self._real is None or (path != self._real and self._real not in path.parents):
            return None
        return path.relative_to(self._real)

    def name_of(self, path: PathLike) -> str | None:
        """The name in the folder of the file laid over at ``path``, if there is one (a link at
        that path on the disk is not followed: the file laid over will replace it)."""
        if not self._files:
            return None
        where = Path(path)
        inside = self._inside(real_path(where.parent) / where.name)
        name = inside.as_posix() if inside is not None else None
        return name if name in self._files else None

    def real(self, path: PathLike) -> Path:
        """``path`` with its links resolved (``real_path``); inside the folder, named from the
        folder as it was given."""
        name = self.name_of(path)
        real = real_path(path) if name is None or self._real is None else self._real / name
        inside = self._inside(real)
        return real if inside is None or self.folder is None else self.folder / inside

    def _on_disk(self, path: PathLike) -> Path:
        """Where ``path`` is on the disk once the folder exists: ``out/../我县.yaml`` is found
        before ``out`` is made (the OS would refuse it; ``real_path`` reads past a missing folder)."""
        return real_path(path) if self._real is not None else Path(path)

    def is_file(self, path: PathLike) -> bool:
        return self.name_of(path) is not None or is_regular(self._on_disk(path))

    def is_dir(self, path: PathLike) -> bool:
        inside = self._inside(real_path(path))
        if inside is not None and self._files:
            prefix = "" if inside == Path() else inside.as_posix() + "/"
            if any(name.startswith(prefix) for name in self._files):
                return True
        try:
            return self._on_disk(path).is_dir()
        except (OSError, ValueError):
            return False

    def read_bytes(self, path: PathLike, cap: int = MAX_TEXT_BYTES, what: str = "无法读取", hint: str = "") -> bytes:
        """A file laid over, within ``cap`` as one on the disk would have to be; else ``read_bytes``."""
        name = self.name_of(path)
        if name is None:
            return read_bytes(self._on_disk(path), cap, what, hint)
        data = self._files[name]
        if len(data) > cap:
            raise too_large(len(data), cap, path, hint)
        return data


DISK = Overlay()  # nothing laid over: every file as it is on the disk
