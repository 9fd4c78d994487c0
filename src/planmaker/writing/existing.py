"""What is in an output folder already: the checksum of a file there, found without
following a link or opening a pipe or device, and the previous build's manifest, read
within a size cap (writing/output.py compares both with what it is about to write)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from planmaker.base import notices
from planmaker.base.errors import InputError, Problem

MANIFEST = "manifest.json"

MAX_GENERATED_BYTES = 100 * 1024 * 1024  # no file of ours is near this; a larger one is not ours
MAX_MANIFEST_BYTES = 50 * 1024 * 1024  # a batch of 100 000 institutions lists some 30 MB


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


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The previous build's manifest; a BOM (Notepad saves one) is fine."""
    from planmaker.base.inputfile import read_bytes

    try:
        data = json.loads(read_bytes(out_dir / MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8-sig"))
    except InputError as exc:
        if not (out_dir / MANIFEST).exists() and not (out_dir / MANIFEST).is_symlink():
            return {}
        reason = exc.problems[0].message if exc.problems else ""
        notices.warn(Problem(f"无法读取上次生成的清单（{reason}），本次把已有的文件都当作手工修改过的文件保留",
                             out_dir / MANIFEST, severity="warning"))
        return {}
    except (ValueError, OSError, RecursionError):
        notices.warn(Problem("无法读取上次生成的清单，本次把已有的文件都当作手工修改过的文件保留", out_dir / MANIFEST,
                             severity="warning"))
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("files", []), list) else {}
