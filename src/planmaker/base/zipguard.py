"""Zip files (.docx, .xlsx) refused by size and compression before they are read.

A zip bomb is small on disk and enormous when read: its central directory
says so, and the directory is all that is read here.  Python's zipfile never
inflates a member past the size the directory gives, so a header that lies
about its size cannot make a member larger than checked."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path
from typing import IO, Protocol

from planmaker.base.errors import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # an Office document's XML packs 5 to 20 times; beyond 100 it is built to explode
MAX_MEMBERS = 10_000


class Openable(Protocol):
    """A private copy of the user's file (anything that opens for reading, as a Path does)."""

    def open(self, mode: str) -> IO[bytes]: ...


def check_zip(path: Path | str | Openable, what: str = "文件", max_file: int = MAX_FILE_BYTES,
              max_unpacked: int = MAX_UNPACKED_BYTES, shown: Path | str | None = None,
              unreadable_ok: bool = False) -> None:
    """Raise InputError unless ``path`` is a zip of sane size and compression;
    messages name ``shown`` (the user's file, when ``path`` is a copy of it).
    ``path`` is a path, or anything with ``open("rb")`` (a private copy).
    ``unreadable_ok``: a file that is no zip at all is left to the caller's reader to describe."""
    path = Path(path) if isinstance(path, str) else path
    name = shown if shown is not None else path if isinstance(path, Path) else None
    gap = " " if what[:1].isascii() else ""  # 无法读取 Excel 文件
    if isinstance(path, Path) and path.exists() and not path.is_file():
        raise InputError.refused(f"{what}不是一个文件", name)
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)  # a file, or bytes already read (base/inputfile.py)
    except FileNotFoundError:
        raise InputError.refused(f"{what}不存在", name) from None
    except OSError as exc:
        raise InputError.refused(f"无法读取{gap}{what}：{exc.strerror or exc}", name) from None
    if size > max_file:
        raise InputError.refused(f"{what}过大（{size / 1024 / 1024:.1f} MB，上限 {max_file // 1024 // 1024} MB），"
                                "请确认选对了文件", name)
    try:
        with path.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        if unreadable_ok:
            return
        raise InputError.refused(f"无法读取{gap}{what}：文件已损坏或不是 Office 文档（不是有效的 zip 压缩包）；"
                                 "请在 Word、Excel 或 WPS 中打开后另存再试", name) from None
    if len(members) > MAX_MEMBERS:
        raise InputError.refused(f"{what}中的部件过多（{len(members)} 个），不像 Office 文档", name)
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise InputError.refused(f"{what}中的 {member.filename} 压缩比异常（{ratio:.0f} 倍，上限 {MAX_RATIO} 倍），"
                                    "疑似“压缩炸弹”，已拒绝读取", name)
    if total > max_unpacked:
        raise InputError.refused(f"{what}解压后过大（{total / 1024 / 1024:.0f} MB，上限 "
                                f"{max_unpacked // 1024 // 1024} MB），已拒绝读取", name)
    lying = _lying_member(path, max_unpacked)
    if lying:
        raise InputError.refused(f"{what}中的 {lying} 与压缩包目录中记录的大小或校验值不符（文件已损坏，或是故意"
                                 "伪造的“压缩炸弹”），已拒绝读取", name)


CHUNK = 1 << 20


def _lying_member(path: Path | Openable, max_unpacked: int) -> str | None:
    """The first member whose content is not what the directory says (size or CRC), if any.

    Every member is inflated once, a megabyte at a time, and counted: Python's
    zipfile inflates up to 2 GB in one step when a whole member is read at
    once, so a directory that lies about a size must be caught here, where
    every step is small, before any reader trusts it."""
    total = 0
    current = "部件"
    try:
        with path.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            for member in archive.infolist():
                current = member.filename
                with archive.open(member) as stream:
                    size = 0
                    while True:
                        block = stream.read(CHUNK)
                        if not block:
                            break
                        size += len(block)
                        total += len(block)
                        if size > member.file_size or total > max_unpacked:
                            return member.filename
                if size != member.file_size:
                    return member.filename
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return current
    return None
