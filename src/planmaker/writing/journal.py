"""What makes every write of a build recoverable: a lock and a journal.

* The output folder is locked while a build writes to it (an OS lock on
  ``.planmaker.lock``, released by the OS when the process dies, kill -9
  included): a second build into the same folder is refused at once.
* Before a file is renamed into place, one line naming it and its sha256 is
  appended to ``.planmaker-journal`` (and, before the first temporary file in a
  folder, a line naming the folder).  The lines go to the operating system as
  they are written, so they survive the process being killed.  The journal is
  removed once the manifest is written.

The merged version of a file the user edited (writing/merging.py) is journaled
too, before it is renamed into place, with a line recovery takes nothing from:
the file holds the user's text either way (as it was, or merged), so it stays
the user's and the next build merges again, which changes nothing more.

A build that finds a journal was preceded by one that did not finish.  It
removes that build's temporary files, takes the files the journal names as
its own wherever they still hold what was journaled (so they are neither
"edited" nor kept beside), completes the files it produces again and rolls
back, by deleting them, the ones it does not produce and no manifest lists.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path, PurePosixPath

from planmaker.base.errors import InputError, os_problem
from planmaker.base.inputfile import kept_if_regular

LOCK = ".planmaker.lock"
JOURNAL = ".planmaker-journal"
TEMPORARY = ".planmaker-*.tmp"


class FolderLock:
    """An exclusive, non-blocking lock on an output folder, as a context manager."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / LOCK
        self._fd: int | None = None

    def refuse_if_busy(self) -> None:
        """Refuse at once, before any work, when a build holds the folder now
        (the lock itself is taken only when writing begins)."""
        if os.name == "nt":
            return
        try:
            fd = own_file(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            holder = _read_pid(fd)
            if holder and holder != os.getpid() and _alive(holder):
                import fcntl

                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise self._busy(holder) from None
                except OSError:  # no locks on this file system: the lock taken for writing decides
                    pass
        finally:
            os.close(fd)

    def _busy(self, holder: int | None) -> InputError:
        who = f"（进程 {holder}）" if holder else ""
        return InputError.single(
            f"输出文件夹 {self.out_dir} 正在由另一次生成{who}写入；两次生成不能同时写同一文件夹，"
            "请等它结束后再运行，或换一个输出文件夹", field="-o")

    def __enter__(self) -> FolderLock:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError([os_problem(exc, self.out_dir, "无法创建输出文件夹")]) from None
        while True:
            try:
                fd = own_file(self.path, os.O_RDWR | os.O_CREAT)
            except OSError as exc:
                raise InputError([os_problem(exc, self.out_dir, "无法在输出文件夹中写入")]) from None
            if not _try_lock(fd):
                holder = _read_pid(fd)
                os.close(fd)
                raise self._busy(holder)
            # The holder before us may have removed the file after we opened it:
            # then our lock is on a file no one else will open.  Start again.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if os.name == "nt":  # Windows will not remove an open file
            os.close(fd)
            _quietly_unlink(self.path)
        else:  # removed while still held, so no one can lock it in between
            _quietly_unlink(self.path)
            os.close(fd)


MAX_RECORD = 8192  # one journal line: a path and a digest


def own_file(path: Path, flags: int) -> int:
    """``path`` opened with ``flags``, never through a link and only if it is a regular file:
    a lock or journal that someone replaced by a link to another file is refused, not written
    through (InputError); a missing file is FileNotFoundError, as from os.open."""
    import stat

    nofollow = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | nofollow, 0o666)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if os.path.islink(path):
            raise _not_ours(path, "是一个符号链接") from None
        raise InputError([os_problem(exc, path, "无法在输出文件夹中写入")]) from None
    return kept_if_regular(fd, lambda mode: None if stat.S_ISREG(mode) else _not_ours(path, "不是普通文件"))


def _not_ours(path: Path, what: str) -> InputError:
    return InputError.refused(f"输出文件夹中的 {Path(path).name} {what}；planmaker 不会经由它写入别处的文件。"
                              "请删去它（没有生成正在进行时，删去是安全的）后再运行", Path(path).parent)


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        # A file system without locks (some network shares): the PID in the
        # file decides, and a dead process holds nothing.
        holder = _read_pid(fd)
        return holder is None or holder == os.getpid() or not _alive(holder)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0) if hasattr(os, "pread") else b""
        return int(text.decode("ascii").strip() or 0) or None
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _quietly_unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class Journal:
    """The append-only record of the files a build is putting in place.

    Picklable: a worker process (fork or spawn) opens its own handle on
    first use and appends to the same file."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / JOURNAL
        self._fd: int | None = None
        self._pid: int | None = None
        self._folders: set[str] = set()

    def __getstate__(self):
        return {"out_dir": self.out_dir, "path": self.path}

    def __setstate__(self, state) -> None:
        self.out_dir, self.path = state["out_dir"], state["path"]
        self._fd, self._pid, self._folders = None, None, set()

    def recover(self) -> dict[str, str]:
        """The files an unfinished earlier build journaled ({path: sha256}),
        after removing the temporary files it left."""
        landed: dict[str, str] = {}
        folders = {"."}
        try:
            with os.fdopen(own_file(self.path, os.O_RDONLY), encoding="ascii", errors="replace") as handle:
                for line in iter(lambda: handle.readline(MAX_RECORD), ""):
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue  # the line being written when the build was killed
                    if not isinstance(record, dict):
                        continue
                    if _inside(record.get("d")):
                        folders.add(record["d"])
                    elif _inside(record.get("f")) and isinstance(record.get("s"), str):
                        landed[record["f"]] = record["s"]
        except FileNotFoundError:
            pass
        for folder in folders:
            _sweep(self.out_dir / folder)
        return landed

    def _ensure_open(self) -> None:
        if self._pid != os.getpid():
            self._fd = own_file(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0))
            self._pid = os.getpid()
            self._folders = set()

    def _write(self, record: dict) -> None:
        # One write() per line: it reaches the OS whole, and several
        # processes appending to the file do not interleave within a line.
        assert self._fd is not None
        os.write(self._fd, (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii"))

    def landing(self, relative: str, digest: str) -> None:
        """Called before ``relative`` gets its temporary file and is renamed into place."""
        folder = relative.rpartition("/")[0] or "."
        self._ensure_open()
        if folder not in self._folders:
            self._write({"d": folder})
            self._folders.add(folder)
        self._write({"f": relative, "s": digest})

    def merging(self, relative: str, digest: str) -> None:
        """Called before the merged version of a user's file is renamed into place.  Recovery
        takes nothing from it: the file holds the user's text either way (as it was, or merged),
        so it stays the user's; the line makes the folder's temporary files swept."""
        folder = relative.rpartition("/")[0] or "."
        self._ensure_open()
        if folder not in self._folders:
            self._write({"d": folder})
            self._folders.add(folder)
        self._write({"m": relative, "s": digest})

    def finish(self) -> None:
        """The manifest is written: the journal has nothing left to say."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
        _quietly_unlink(self.path)


def _inside(relative) -> bool:
    """A journaled path that stays in the output folder (a damaged journal names nothing else)."""
    if not isinstance(relative, str) or not relative or "\\" in relative or "\x00" in relative:
        return False
    pure = PurePosixPath(relative)
    return not pure.is_absolute() and ".." not in pure.parts and not re.match(r"^[A-Za-z]:", relative)


def _sweep(folder: Path) -> None:
    try:
        leftovers = list(folder.glob(TEMPORARY))
    except OSError:
        return
    for path in leftovers:
        if path.is_file() and not path.is_symlink():
            _quietly_unlink(path)
