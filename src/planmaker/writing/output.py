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
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from planmaker.base import notices
from planmaker.base.errors import InputError, Problem, os_problem
from planmaker.base.files import Artifact, sha256
from planmaker.writing.atomic import PathRefused, _inside, _temporary, atomic_write, file_sha
from planmaker.writing.journal import FolderLock, Journal

MANIFEST = "manifest.json"
# What builds of ours put at each path: its sha256, or several (a build that did not finish).
Known = dict[str, "str | tuple[str, ...]"]
# An entry of manifest.json as read back: JSON from a file a clerk may have edited, trusted in nothing.
Entry = dict[str, object]


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (user's file, new version)
    merged: list = field(default_factory=list)  # writing.merging.Merged: the user's file, merged
    not_merged: dict[str, str] = field(default_factory=dict)  # the user's file → why it was not

    def record(self, artifact_path: str, path: str, outcome: str) -> None:
        if outcome == WRITTEN:
            self.written.append(path)
        elif outcome == UNCHANGED:
            self.unchanged.append(path)
        elif outcome == KEPT:
            self.kept.append((artifact_path, path))


MAX_MANIFEST_BYTES = 50 * 1024 * 1024  # a batch of 100 000 institutions lists some 30 MB


def read_manifest(out_dir: Path) -> dict[str, object]:
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


def manifest_entries(manifest: Mapping[str, object]) -> list[Entry]:
    """The entries of a manifest's ``files`` that are JSON objects."""
    files = manifest.get("files", [])
    return [entry for entry in files if isinstance(entry, dict)] if isinstance(files, list) else []


BESIDE = "（新生成{}）"
MAX_BESIDE = 99


def _beside(path: str, number: int = 1) -> str:
    pure = PurePosixPath(path)
    mark = BESIDE.format("" if number == 1 else number)
    return str(pure.with_name(f"{pure.stem}{mark}{pure.suffix}"))


def _ours(known: Known, path: str, current: str | None) -> bool:
    """Whether ``current`` is what a build of ours last put at ``path``."""
    value = known.get(path)
    return value == current if isinstance(value, str) else value is not None and current in value


WRITTEN, UNCHANGED, KEPT, MERGED = "written", "unchanged", "kept", "merged"


def place(out_dir: Path, relative: str, data: bytes, known: Known, force: bool,
          durable: bool = True, journal=None, merge=None) -> tuple[str, str, str]:
    """Put one generated file in the output folder, keeping the user's edits.

    Returns the path it went to (beside the user's file when that was edited
    since the last build), its sha256 and what happened: WRITTEN, UNCHANGED or
    KEPT, or MERGED (``merge``, a writing.merging.Merger, carried the new
    version into the user's file).  ``known`` maps each path to what a build of ours wrote there; a
    file holding anything else is the user's, wherever it is, the copies
    beside edited files included, and is never overwritten without ``force``.
    """
    digest = sha256(data)
    target = _inside(out_dir, relative)
    current = file_sha(target)
    if current == digest:
        return relative, digest, UNCHANGED
    if current is None or (force and current != "(folder)") or _ours(known, relative, current):
        _land(out_dir, relative, target, data, digest, durable, journal)
        return relative, digest, WRITTEN
    if merge is not None and current != "(folder)" and merge(relative, target, data, digest, known.get(relative)):
        return relative, digest, MERGED
    # The user changed this file (or it was never ours): keep it, and put
    # the new version beside it, in the first copy that is not the user's too.
    for number in range(1, MAX_BESIDE + 1):
        path = _beside(relative, number)
        beside = _inside(out_dir, path)
        found = file_sha(beside)
        if found == digest:
            return path, digest, KEPT
        if found is None or _ours(known, path, found):
            _land(out_dir, path, beside, data, digest, durable, journal)
            return path, digest, KEPT
    raise PathRefused(f"{relative} 及其旁边的 {MAX_BESIDE} 个“（新生成）”副本都被手工修改过，无处写入新版本；"
                      "请整理后重新生成，或加 --force 覆盖", relative)


def _land(out_dir: Path, relative: str, target: Path, data: bytes, digest: str, durable: bool, journal) -> None:
    if journal is not None:
        journal.landing(relative, digest)  # before the temporary file: the next build finds both
    atomic_write(target, data, durable)


class Manifest:
    """manifest.json, written entry by entry: a province's batch lists a
    hundred thousand files, which need not all be held in memory at once."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self._entries = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogateescape")
        self.produced: set[str] = set()  # logical paths
        self.paths: set[str] = set()  # where they went
        self._added: list[str] = []  # the entries' paths, in the order written

    def add(self, artifact_path: str, path: str, kind: str, digest: str, extra: Mapping[str, object]) -> None:
        entry: Entry = {"path": path, "kind": kind, "sha256": digest, **extra}
        if path != artifact_path:
            entry["logical"] = artifact_path
        self.produced.add(artifact_path)
        self.paths.add(path)
        self._added.append(path)
        self._entries.write(_entry_text(entry))

    def close(self, meta: Mapping[str, object], carried: list[Entry], order: Sequence[str] | None = None) -> None:
        """Write manifest.json.  ``order``, for a partial build: the paths of the manifest it updates, in
        their order.  Each entry keeps its place there and the new ones follow, so that a partial build
        that changed nothing leaves the manifest as it was, and one kind built after another gives the
        manifest that building both at once gives."""
        for entry in carried:  # each with its path, kind and sha256: _carried took only those
            path = str(entry["path"])
            self.add(str(entry.get("logical", path)), path, str(entry["kind"]), str(entry["sha256"]),
                     {k: v for k, v in entry.items() if k not in ("path", "kind", "sha256", "logical")})
        head = json.dumps({**meta, "files": []}, ensure_ascii=False, indent=2)
        target = self.out_dir / MANIFEST
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fd, temp = _temporary(self.out_dir)
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as handle:
                def emit(text: str) -> None:
                    # A name that is not UTF-8 (a plan file from a Windows archive) stays
                    # JSON: its undecodable bytes are written as \udcxx escapes.
                    data = text.encode("utf-8", "backslashreplace")
                    digest.update(data)
                    handle.write(data)

                emit(head[:head.rindex("[]")] + "[")
                blocks: Iterable[str] = self._texts()
                if order is not None:
                    blocks = _kept_in_place(list(blocks), self._added, order)
                first = True
                text: list[str] = []
                for block in blocks:
                    text.append(("\n" if first else ",\n") + block)
                    first = False
                    if len(text) > 1024:
                        emit("".join(text))
                        text.clear()
                emit("".join(text) + ("]\n}\n" if first else "\n  ]\n}\n"))
            self._entries.close()
            if file_sha(target, os.path.getsize(temp)) == digest.hexdigest():
                os.unlink(temp)
            else:
                os.replace(temp, target)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def _texts(self) -> Iterator[str]:
        """Each entry's text as written, in order, without its last line break."""
        self._entries.seek(0)
        lines: list[str] = []
        for line in self._entries:
            if line == "    {\n" and lines:  # an entry's first line: nested ones are indented further
                yield "".join(lines)[:-1]
                lines.clear()
            lines.append(line)
        if lines:
            yield "".join(lines)[:-1]


def _kept_in_place(entries: list[str], paths: list[str], order: Sequence[str]) -> list[str]:
    """``entries`` (of ``paths``) in the places their paths have in ``order``, the others after, as they came."""
    place = {path: number for number, path in enumerate(order)}
    ranked = sorted(range(len(entries)), key=lambda i: (place.get(paths[i], len(place)), i))
    return [entries[i] for i in ranked]


def _entry_text(entry: Entry) -> str:
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


def write_outputs(out_dir: Path, artifacts: list[Artifact], meta: Mapping[str, object],
                  force: bool = False, partial: bool = False, streams=(), merge=None) -> WriteReport:
    """Write ``artifacts`` and the manifest; ``partial`` keeps the manifest
    entries of files this run did not produce (a build with --only).

    Each of ``streams`` writes files of its own (the per-institution batch):
    it is called with the previous build's checksums, ``force``, the report,
    the manifest and the journal.

    The folder is locked throughout, and every file is journaled before it
    lands (writing/journal.py): a build killed at any moment is completed or
    rolled back by the next one.

    ``merge`` (writing.merging.MergeSettings) carries the new version of a
    .docx or .xlsx the user edited into it; without it, the new version
    goes beside the user's file.  Either way the base is kept for next time.
    """
    out_dir = Path(out_dir)
    created = not out_dir.exists()
    try:
        return _write_locked(out_dir, artifacts, meta, force, partial, streams, merge)
    except InputError as error:
        if created and not error.wrote:
            _remove_if_empty(out_dir)  # refused before anything landed: no trace left
        raise


def _write_locked(out_dir: Path, artifacts: list[Artifact], meta: Mapping[str, object], force: bool, partial: bool,
                  streams, settings) -> WriteReport:
    from planmaker.writing.merging import Merger, mergeable

    with FolderLock(out_dir):
        journal = Journal(out_dir)
        landed = journal.recover()
        previous = read_manifest(out_dir)
        known = _known(previous, landed)
        report = WriteReport()
        manifest = Manifest(out_dir)
        merger = Merger(out_dir, settings, report, journal, manifest_entries(previous)) if settings is not None else None
        try:
            for artifact in artifacts:
                path, digest, outcome = place(out_dir, artifact.path, artifact.data, known, force, journal=journal,
                                              merge=merger)
                if merger is not None and mergeable(artifact.path):  # once placed: a refused build leaves none
                    merger.store.save(artifact.data, digest)
                report.record(artifact.path, path, outcome)
                manifest.add(artifact.path, path, artifact.kind, digest, artifact.extra)
            for stream in streams:
                stream(out_dir, known, force, report, manifest, journal)
            carried = _carried(out_dir, previous, landed, manifest) if partial else []
            order = [str(e.get("path")) for e in manifest_entries(previous)] if partial else None
            manifest.close(meta, carried, order)
            if merger is not None:
                merger.store.prune({sha for e in carried if isinstance(sha := e.get("sha256"), str)})
            _roll_back(out_dir, landed, manifest.paths | {str(e["path"]) for e in carried}, previous)
        except (OSError, PathRefused, InputError) as exc:
            if isinstance(exc, OSError):
                problems = [os_problem(exc, out_dir)]
            else:
                problems = exc.problems if isinstance(exc, InputError) else [Problem(exc.args[0], out_dir)]
            error = _unfinished(problems, report)
            if not error.wrote and not landed:
                journal.finish()  # nothing landed: nothing to recover
            raise error from None
        journal.finish()
    return report


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _unfinished(problems: list[Problem], report: WriteReport) -> InputError:
    """The error of a build stopped part way, saying what it had written."""
    error = InputError(problems)
    error.wrote = len(report.written) + len(report.kept)
    return error


def _known(previous: Mapping[str, object], landed: dict[str, str]) -> Known:
    """{path: sha256 (or several)}: what builds of ours put where, by the
    last manifest and by the journal of a build that did not finish."""
    known: Known = {}
    for entry in manifest_entries(previous):
        path, digest = entry.get("path"), entry.get("sha256")
        if isinstance(path, str) and isinstance(digest, str):
            known[path] = digest
    for path, digest in landed.items():
        old = known.get(path)
        known[path] = digest if old in (None, digest) else (old, digest) if isinstance(old, str) else (*old, digest)
    return known


def _carried(out_dir: Path, previous: Mapping[str, object], landed: dict[str, str],
             manifest: Manifest) -> list[Entry]:
    """The previous manifest's entries for files this (partial) build did not produce."""
    carried = []
    for entry in manifest_entries(previous):
        relative = entry.get("path")
        if not (isinstance(relative, str) and "sha256" in entry and "kind" in entry):
            continue
        if entry.get("logical", relative) in manifest.produced or relative in manifest.paths:
            continue
        path = _inside(out_dir, relative)
        if not path.is_file():
            continue
        if relative in landed and file_sha(path) == landed[relative]:
            entry = {**entry, "sha256": landed[relative]}  # rewritten by the build that did not finish
        carried.append(entry)
    return carried


def _roll_back(out_dir: Path, landed: dict[str, str], listed: set[str], previous: Mapping[str, object]) -> None:
    """Delete what an unfinished build wrote that neither manifest lists,
    where the file still holds exactly what it wrote."""
    if not landed:
        return
    before = {entry.get("path") for entry in manifest_entries(previous)}
    for path, digest in landed.items():
        if path in listed or path in before:
            continue
        target = _inside(out_dir, path)
        if file_sha(target) == digest:
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
