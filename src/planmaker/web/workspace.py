"""The workspace: an ordinary folder of plan folders, each a plan.yaml and its out/.

A plan is named in a URL by its folder's name, and only a name found by listing
the workspace is ever joined to it; a file asked for is resolved and must still
lie inside the workspace (a link pointing out of it is refused)."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from planmaker.base.errors import InputError
from planmaker.base.files import safe_filename
from planmaker.commands.new import PLAN_FILE
from planmaker.writing.output import manifest_entries, read_manifest

OUT = "out"
COLLECTED = "汇总"
CASCADED = "下发"
# A zip's entries carry this time, so that the same files make the same zip.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class Refused(Exception):
    """A request the page will not serve; the message is the clerk's."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Workspace:
    root: Path

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()

    def plans(self) -> list[str]:
        """The plan folders, by name."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if not p.name.startswith(".") and (p / PLAN_FILE).is_file() and self.inside(p / PLAN_FILE))

    def plan_dir(self, name: str) -> Path:
        """The folder of the plan named ``name``: one the listing found, never the request's text joined."""
        for found in self.plans():
            if found == name:
                return self.root / found
        raise Refused(f"工作文件夹中没有名为 “{name}” 的方案", 404)

    def inside(self, path: Path) -> bool:
        try:
            Path(path).resolve().relative_to(self.root)
            return True
        except (ValueError, OSError):
            return False

    def file(self, name: str, relative: str) -> Path:
        """A file of a plan's folder, refused unless it lies inside the workspace."""
        folder = self.plan_dir(name)
        if "\x00" in relative or relative.startswith(("/", "\\")) or ".." in Path(relative).parts:
            raise Refused("所要的文件不在工作文件夹之内，已拒绝", 403)
        path = folder / relative
        if not self.inside(path):
            raise Refused("所要的文件不在工作文件夹之内，已拒绝", 403)
        if not path.is_file():
            raise Refused(f"没有文件 “{relative}”", 404)
        return path

    def new_folder_name(self, title: str) -> str:
        """A folder name for a new plan, from its jurisdiction and campaign, numbered when taken."""
        stem = safe_filename(title, "新方案")
        name, number = stem, 1
        while (self.root / name).exists():
            number += 1
            name = f"{stem}（{number}）"
        return name

    def staging(self) -> Path:
        """A hidden folder inside the workspace to prepare a plan in, renamed into place when it is good."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".planmaker-new-", dir=self.root))

    def place(self, staged: Path, title: str) -> str:
        name = self.new_folder_name(title)
        os.rename(staged, self.root / name)
        return name


def built_files(out_dir: Path) -> list[str]:
    """The files the last build wrote, as its manifest lists them, that are still there."""
    entries = manifest_entries(read_manifest(out_dir))
    paths: list[str] = [path for e in entries if isinstance(path := e.get("path"), str)]
    root = out_dir.resolve()
    # a manifest edited by hand may name any path: only files inside the folder are offered
    return [p for p in paths if (out_dir / p).is_file() and root in (out_dir / p).resolve().parents]


def zip_folder(folder: Path, files: Iterable[str], prefix: str = ""):
    """A zip of ``files`` (relative to ``folder``) in a temporary file, rewound; the same files give the same bytes."""
    handle = tempfile.TemporaryFile()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in files:
            info = zipfile.ZipInfo(prefix + relative, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (folder / relative).read_bytes())
    handle.seek(0)
    return handle


def with_manifest(out_dir: Path) -> list[str]:
    files = built_files(out_dir)
    if not files:
        raise InputError.single("还没有生成文件：请先点击“生成全部文件”")
    return files + ["manifest.json"]
