"""Files a browser sends, kept to bounds before any reader sees them.

A file's name from the request is shown back to the clerk, never used as a path:
each upload is saved under a name of our own, in a folder of our own, with a
suffix from the page's own list.  A name with a folder in it (``../``) is
refused, as are too many files and a file over the size allowed.  A zip (a
batch of forms) passes the command line's guard (base/zipguard.py) and is
unpacked member by member under names of our own; a member whose name climbs
out of the zip is refused."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from planmaker.base.zipguard import MAX_FILE_BYTES, MAX_UNPACKED_BYTES, check_zip
from planmaker.web.workspace import Refused

_UNSAFE_NAME = re.compile(r"[\\/\x00-\x1f]|^\.\.?$|^\.\.")


@dataclass
class Limits:
    max_file: int = MAX_FILE_BYTES  # one uploaded file
    max_files: int = 500  # files in one upload (or members of a zip)
    max_unpacked: int = MAX_UNPACKED_BYTES  # a zip's members together

    @property
    def max_request(self) -> int:
        """What the server reads of one request: every file at its largest, and the form around them.
        A request larger still is cut off before it is read."""
        return self.max_file * min(self.max_files, 20) + 1024 * 1024


@dataclass
class Received:
    """Uploaded files saved in a private folder: path → the name the clerk gave."""

    folder: Path
    names: dict[Path, str] = field(default_factory=dict)

    def shown(self, text: str) -> str:
        """``text`` with each private path replaced by the clerk's own file name."""
        for path, name in sorted(self.names.items(), key=lambda item: -len(str(item[0]))):
            text = text.replace(str(path), name).replace(f"“{path.name}”", f"“{name}”")
        return text.replace(str(self.folder) + "/", "")

    def single(self) -> tuple[Path, str]:
        """The one file a form for one file received (path, the clerk's name)."""
        if len(self.names) != 1:
            raise Refused(f"请只上传一个文件（收到 {len(self.names)} 个）")
        return next(iter(self.names.items()))

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def clean_name(name: str | None) -> str:
    """The name the browser sent, refused when it names a folder or is not a plain name."""
    name = (name or "").strip()
    if not name:
        raise Refused("没有选择文件")
    if _UNSAFE_NAME.search(name) or any(part == ".." for part in re.split(r"[\\/]", name)):
        raise Refused(f"文件名 “{name}” 含有文件夹或上级目录（../），已拒绝；请只上传文件本身")
    return name


def receive(files, suffixes: tuple[str, ...], limits: Limits, what: str = "文件") -> Received:
    """Save the uploaded ``files`` (werkzeug FileStorage) after checking names, suffixes, count and sizes."""
    files = [f for f in files if f and (f.filename or "").strip()]
    if not files:
        raise Refused(f"没有选择{what}")
    if len(files) > limits.max_files:
        raise Refused(f"一次最多上传 {limits.max_files} 个文件（选择了 {len(files)} 个）")
    received = Received(Path(tempfile.mkdtemp(prefix="planmaker-upload-")))
    try:
        for number, storage in enumerate(files, start=1):
            name = clean_name(storage.filename)
            suffix = PurePosixPath(name).suffix.lower()
            if suffix not in suffixes:
                raise Refused(f"“{name}” 不是可以上传的文件（可上传：{'、'.join(suffixes)}）")
            path = received.folder / f"{number:04d}{suffix}"
            _save(storage, path, name, limits)
            received.names[path] = name
    except BaseException:
        received.cleanup()
        raise
    return received


def _save(storage, path: Path, name: str, limits: Limits) -> None:
    size = 0
    with path.open("wb") as handle:
        while True:
            block = storage.stream.read(1 << 16)
            if not block:
                break
            size += len(block)
            if size > limits.max_file:
                raise Refused(f"“{name}” 过大（上限 {_mb(limits.max_file)}），请确认选对了文件", 413)
            handle.write(block)
    if size == 0:
        raise Refused(f"“{name}” 是空文件")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


def unpack_zips(received: Received, suffixes: tuple[str, ...], limits: Limits) -> None:
    """Replace each uploaded .zip by its members with ``suffixes`` (checked by the zip guard first)."""
    for path, name in list(received.names.items()):
        if path.suffix != ".zip":
            continue
        check_zip(path, "压缩包", max_file=limits.max_file, max_unpacked=limits.max_unpacked, shown=name)
        del received.names[path]
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            for member in members:
                inner = member.filename
                parts = re.split(r"[\\/]", inner)
                if inner.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", inner):
                    raise Refused(f"压缩包 “{name}” 中的 “{inner}” 指向压缩包之外（../ 或绝对路径），已拒绝整个压缩包")
            wanted = [m for m in members if PurePosixPath(m.filename).suffix.lower() in suffixes
                      and not PurePosixPath(m.filename).name.startswith(("~$", ".~lock", "."))]
            if len(received.names) + len(wanted) > limits.max_files:
                raise Refused(f"压缩包 “{name}” 中的文件过多（上限 {limits.max_files} 个）")
            for member in wanted:
                target = received.folder / f"{len(received.names) + 1:04d}-z{PurePosixPath(member.filename).suffix.lower()}"
                with archive.open(member) as source, target.open("wb") as handle:
                    shutil.copyfileobj(source, handle)
                received.names[target] = f"{name}/{member.filename}"
        path.unlink()
