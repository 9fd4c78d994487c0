"""Writing generated files safely.

* Every file is written to a temporary name and renamed into place, so an
  interrupted build never leaves half a document.
* A file the user edited since the last build (its sha256 differs from the
  manifest) is never overwritten unless asked: the new version goes beside it.
* Every path stays inside the output folder, whatever a title or an
  institution is called.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from planmaker.base.files import Artifact, sha256

MANIFEST = "manifest.json"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (user's file, new version)

    def record(self, artifact_path: str, path: str, outcome: str) -> None:
        if outcome == WRITTEN:
            self.written.append(path)
        elif outcome == UNCHANGED:
            self.unchanged.append(path)
        else:
            self.kept.append((artifact_path, path))


def _inside(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts:
        raise ValueError(f"输出路径越界：{relative}")
    # Folders are resolved once each: a batch puts thousands of files in one.
    # Keyed by the absolute root: a relative one means another folder after a chdir.
    return _folder_inside(Path(os.path.abspath(root)), str(pure.parent)) / pure.name


@functools.lru_cache(maxsize=256)
def _folder_inside(root: Path, folder: str) -> Path:
    resolved_root = root.resolve()
    target = (resolved_root / folder).resolve()
    if target != resolved_root and resolved_root not in target.parents:
        raise ValueError(f"输出路径越界：{folder}")
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


WRITTEN, UNCHANGED, KEPT = "written", "unchanged", "kept"


def place(out_dir: Path, relative: str, data: bytes, known: dict[str, str], force: bool,
          durable: bool = True) -> tuple[str, str, str]:
    """Put one generated file in the output folder, keeping the user's edits.

    Returns the path it went to (beside the user's file when that was edited
    since the last build), its sha256 and what happened: WRITTEN, UNCHANGED or KEPT.
    """
    digest = sha256(data)
    target = _inside(out_dir, relative)
    current = _file_sha(target)
    if current == digest:
        return relative, digest, UNCHANGED
    if current is None or force or known.get(relative) == current:
        atomic_write(target, data, durable)
        return relative, digest, WRITTEN
    # The user changed this file (or it was never ours): keep it.
    path = _beside(relative)
    beside = _inside(out_dir, path)
    if _file_sha(beside) != digest:
        atomic_write(beside, data, durable)
    return path, digest, KEPT


class Manifest:
    """manifest.json, written entry by entry: a province's batch lists a
    hundred thousand files, which need not all be held in memory at once."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self._entries = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.produced: set[str] = set()

    def add(self, artifact_path: str, path: str, kind: str, digest: str, extra: dict[str, Any]) -> None:
        entry = {"path": path, "kind": kind, "sha256": digest, **extra}
        if path != artifact_path:
            entry["logical"] = artifact_path
        self.produced.add(artifact_path)
        self._entries.write(_entry_text(entry))

    def close(self, meta: dict[str, Any], carried: list[dict[str, Any]]) -> None:
        for entry in carried:
            self.add(entry.get("logical", entry["path"]), entry["path"], entry["kind"], entry["sha256"],
                     {k: v for k, v in entry.items() if k not in ("path", "kind", "sha256", "logical")})
        head = json.dumps({**meta, "files": []}, ensure_ascii=False, indent=2)
        target = self.out_dir / MANIFEST
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fd, temp = _temporary(self.out_dir)
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as handle:
                def emit(text: str) -> None:
                    data = text.encode("utf-8")
                    digest.update(data)
                    handle.write(data)

                emit(head[:head.rindex("[]")] + "[")
                self._entries.seek(0)
                first = True
                text: list[str] = []
                for line in self._entries:
                    if line == "    {\n":
                        text.append("\n" if first else ",\n")
                        first = False
                    text.append(line.rstrip("\n") + ("" if line == "    }\n" else "\n"))
                    if len(text) > 4096:
                        emit("".join(text))
                        text.clear()
                emit("".join(text) + ("]\n}\n" if first else "\n  ]\n}\n"))
            self._entries.close()
            if _file_sha(target) == digest.hexdigest():
                os.unlink(temp)
            else:
                os.replace(temp, target)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise


def _entry_text(entry: dict[str, Any]) -> str:
    """One manifest entry laid out as json.dumps(manifest, indent=2) lays it out.

    Json never leaves a raw line break inside a string, so each line is
    layout.  Flat entries (all of planmaker's) are written with the C encoder;
    json's indenting encoder is pure Python and a batch writes a hundred
    thousand entries."""
    if all(isinstance(v, (str, int, float, bool, type(None))) for v in entry.values()):
        fields = ",\n".join(f"      {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                            for k, v in entry.items())
        return f"    {{\n{fields}\n    }}\n"
    return "    " + json.dumps(entry, ensure_ascii=False, indent=2).replace("\n", "\n    ") + "\n"


def write_outputs(out_dir: Path, artifacts: list[Artifact], meta: dict[str, Any],
                  force: bool = False, partial: bool = False, streams=()) -> WriteReport:
    """Write ``artifacts`` and the manifest; ``partial`` keeps the manifest
    entries of files this run did not produce (a build with --only).

    Each of ``streams`` writes files of its own (the per-institution batch):
    it is called with the previous build's checksums, ``force``, the report
    and the manifest.
    """
    out_dir = Path(out_dir)
    previous = read_manifest(out_dir)
    known = {entry.get("logical", entry["path"]): entry["sha256"]
             for entry in previous.get("files", []) if "path" in entry and "sha256" in entry}
    report = WriteReport()
    manifest = Manifest(out_dir)
    for artifact in artifacts:
        path, digest, outcome = place(out_dir, artifact.path, artifact.data, known, force)
        report.record(artifact.path, path, outcome)
        manifest.add(artifact.path, path, artifact.kind, digest, artifact.extra)
    for stream in streams:
        stream(out_dir, known, force, report, manifest)
    carried = []
    if partial:
        carried = [entry for entry in previous.get("files", [])
                   if entry.get("logical", entry.get("path")) not in manifest.produced
                   and (out_dir / entry.get("path", "")).is_file()]
    manifest.close(meta, carried)
    return report
