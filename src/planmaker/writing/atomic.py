"""The lowest level of writing a file: every path kept inside the output folder, and every
file written under a temporary name and renamed into place."""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import tempfile
from pathlib import Path, PurePosixPath


def _inside(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts:
        raise PathRefused(f"输出路径越界：{relative}", relative)
    # Folders are resolved once each: a batch puts thousands of files in one.
    # Keyed by the absolute root: a relative one means another folder after a chdir.
    return _folder_inside(Path(os.path.abspath(root)), str(pure.parent)) / pure.name


@functools.lru_cache(maxsize=256)
def _folder_inside(root: Path, folder: str) -> Path:
    resolved_root = root.resolve()
    target = (resolved_root / folder).resolve()
    if target != resolved_root and resolved_root not in target.parents:
        raise PathRefused(f"输出文件夹中的 {folder} 是指向文件夹之外（{target}）的链接，不能写入；"
                          "请删去这个链接，或换一个输出文件夹", folder)
    return target


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` under a temporary name and rename it into place.

    ``durable`` also waits for the disk; a batch of a hundred thousand
    checklists skips that wait (an interrupted batch still leaves no
    half-written file, only a power cut could).
    """
    fd, temp = _temporary(path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


_temporary_numbers = itertools.count()


def _temporary(folder: Path) -> tuple[int, str]:
    """A new file in ``folder`` for writing, created with the mode any new file gets.

    Named by process and a counter rather than at random (tempfile.mkstemp):
    on a busy ext4 folder that is several times faster, which a batch notices.
    """
    for _attempt in range(2):
        temp = os.path.join(folder, f".planmaker-{os.getpid()}-{next(_temporary_numbers)}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), temp
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # left by an earlier process of the same number
            break
    fd, temp = tempfile.mkstemp(prefix=".planmaker-", suffix=".tmp", dir=folder)
    os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600
    return fd, temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


MAX_GENERATED_BYTES = 100 * 1024 * 1024  # no file of ours is near this; a larger one is not ours


def file_sha(path: Path, size: int | None = None) -> str | None:
    """The sha256 of what is at ``path`` now, None where nothing is.  What is not a
    regular file (a link, a named pipe, a device) or is larger than anything we make
    gets a mark instead: never ours, and never opened, so never read without end."""
    import stat

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return "(unreadable)"
    if stat.S_ISDIR(info.st_mode):
        return "(folder)"  # never ours to replace: place() refuses it
    if not stat.S_ISREG(info.st_mode):
        return "(link)" if stat.S_ISLNK(info.st_mode) else "(not a file)"
    if info.st_size > MAX_GENERATED_BYTES:
        return "(large)"
    if size is not None and info.st_size != size:
        return "(other size)"  # cannot hold the ``size`` bytes compared with it: not read
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    except OSError:
        return "(unreadable)"
    with os.fdopen(fd, "rb") as handle:
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        except OSError:
            return "(unreadable)"
    return digest.hexdigest()


class PathRefused(ValueError):
    """A generated file that cannot go where it should; args: (message, path)."""
