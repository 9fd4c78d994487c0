"""Writing generated files safely.

* Every file is written to a temporary name and renamed into place, so an
  interrupted build never leaves half a document.
* A file the user edited since the last build (its sha256 differs from the
  manifest) is never overwritten unless asked: the new version goes beside it.
* Every path stays inside the output folder, whatever a title or an
  institution is called.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
_MAX_NAME_BYTES = 180
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_filename(name: str, fallback: str = "未命名") -> str:
    """A file name that is safe on Windows, macOS and Linux and stays one name."""
    name = unicodedata.normalize("NFC", name)
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" .")
    if not name or set(name) <= {"_", "."}:
        name = fallback
    if _RESERVED.match(name):
        name = "_" + name
    encoded = name.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        name = encoded[:_MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip(" .")
    return name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Artifact:
    path: str  # relative, with forward slashes
    kind: str
    data: bytes
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (user's file, new version)


def _inside(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts:
        raise ValueError(f"输出路径越界：{relative}")
    target = (root / Path(*pure.parts)).resolve()
    if root.resolve() not in target.parents:
        raise ValueError(f"输出路径越界：{relative}")
    return target


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".planmaker-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; give the file the mode any new file would get.
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _file_sha(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _beside(path: str) -> str:
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}（新生成）{pure.suffix}"))


def write_outputs(out_dir: Path, artifacts: list[Artifact], meta: dict[str, Any],
                  force: bool = False, partial: bool = False) -> WriteReport:
    """Write ``artifacts`` and the manifest; ``partial`` keeps the manifest
    entries of files this run did not produce (a build with --only)."""
    out_dir = Path(out_dir)
    previous = read_manifest(out_dir)
    known = {entry.get("logical", entry["path"]): entry["sha256"]
             for entry in previous.get("files", []) if "path" in entry and "sha256" in entry}
    report = WriteReport()
    entries = []
    for artifact in artifacts:
        digest = sha256(artifact.data)
        target = _inside(out_dir, artifact.path)
        current = _file_sha(target)
        path = artifact.path
        if current == digest:
            report.unchanged.append(path)
        elif current is None or force or known.get(artifact.path) == current:
            atomic_write(target, artifact.data)
            report.written.append(path)
        else:
            # The user changed this file (or it was never ours): keep it.
            path = _beside(artifact.path)
            beside = _inside(out_dir, path)
            if _file_sha(beside) != digest:
                atomic_write(beside, artifact.data)
            report.kept.append((artifact.path, path))
        entry = {"path": path, "kind": artifact.kind, "sha256": digest, **artifact.extra}
        if path != artifact.path:
            entry["logical"] = artifact.path
        entries.append(entry)
    if partial:
        produced = {a.path for a in artifacts}
        entries += [entry for entry in previous.get("files", [])
                    if entry.get("logical", entry.get("path")) not in produced
                    and (out_dir / entry.get("path", "")).is_file()]
    manifest = {**meta, "files": entries}
    data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if _file_sha(out_dir / MANIFEST) != sha256(data):
        atomic_write(out_dir / MANIFEST, data)
    return report
