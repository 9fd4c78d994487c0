"""Regenerating into a file the clerk edited: the kept base and the three-way merge.

Each build keeps what it generated for each of the plan's own .docx and .xlsx files (the base) in
``.planmaker-base/`` beside the manifest, named by the file's sha256: the parts a merge reads
(a .docx's text, ``word/document.xml``; a workbook's sheets and strings; not the styles, fonts
and thumbnail that make up most of a document), deflate-compressed in a small zip, some 6 KB for
a plan of 50 KB.  When the
clerk has edited a file since, the next build has three versions: the base (last generated),
the clerk's file, and the new one; office/docx_merge.py and office/xlsx_merge.py carry what
changed between the base and the new one into the clerk's file.  The merged file is written
atomically, after a journal line (writing/journal.py), so kill -9 leaves the clerk's file as it
was or as merged, never half.

What is kept: the bases of the files the manifest lists for the plan itself (the plan, its
annexes, their workbooks, the bundle), and nothing else: a build removes the
bases no file of the manifest has any more.  The per-institution copies of a batch (thousands of
files) are not kept: they are sent out and come back through ``planmaker collect``; an edited
copy among them is kept and the new one goes beside it, as before.

A merge that cannot be done safely (an unreadable file, a document restructured beyond
alignment, a workbook whose shape changed) is not done: the new version goes beside the
clerk's file as （新生成）, and the report says why.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from planmaker.base.errors import InputError
from planmaker.base.files import sha256
from planmaker.base.zipguard import check_zip
from planmaker.writing.atomic import atomic_write as _atomic_write

BASES = ".planmaker-base"
MERGEABLE = (".docx", ".xlsx")
AUTHOR = "planmaker"
TRACK, APPLY, OFF = "track", "apply", "off"
MODES = (TRACK, APPLY, OFF)


@dataclass(frozen=True)
class MergeSettings:
    """``mode``: track (tracked changes), apply (no marks) or off (the （新生成） copy);
    ``when``: the time every tracked change carries (the plan's document time: same input,
    same bytes)."""

    mode: str = TRACK
    when: dt.datetime = dt.datetime(2000, 1, 1)

    @property
    def date(self) -> str:
        return self.when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Merged:
    path: str
    changes: int
    conflicts: list[str]


def mergeable(relative: str) -> bool:
    return PurePosixPath(relative).suffix.lower() in MERGEABLE


_SKIPPED_PARTS = re.compile(r"^(docProps/|customXml/|word/(?!document\.xml$)|xl/(theme|styles|media|printerSettings))")
SUFFIX = ".base"


class BaseStore:
    """The bases, one small zip each, named by the sha256 of what was generated (which its
    comment repeats, so that a base is never taken for another file's)."""

    def __init__(self, out_dir: Path):
        self.folder = Path(out_dir) / BASES
        self.kept: set[str] = set()

    def save(self, data: bytes, digest: str) -> None:
        self.kept.add(digest)
        path = self.folder / f"{digest}{SUFFIX}"
        if path.exists():
            return
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as base:
            for info in source.infolist():
                if not _SKIPPED_PARTS.match(info.filename):
                    base.writestr(zipfile.ZipInfo(info.filename, info.date_time), source.read(info.filename),
                                  compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            base.comment = digest.encode("ascii")
        _atomic_write(path, out.getvalue(), durable=False)

    def load(self, digest: str) -> bytes | None:
        try:
            data = (self.folder / f"{digest}{SUFFIX}").read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as base:
                same = base.comment == digest.encode("ascii")
        except (OSError, zipfile.BadZipFile, ValueError, EOFError):
            return None
        return data if same else None

    def prune(self, keep: set[str]) -> None:
        """Remove the bases of files no manifest entry has any more."""
        keep = keep | self.kept
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.endswith(SUFFIX) and name[:-len(SUFFIX)] not in keep:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass


class Merger:
    """Called by writing.output.place for a file the clerk edited; records what it did in the report."""

    def __init__(self, out_dir: Path, settings: MergeSettings, report, journal=None,
                 previous: Iterable[Mapping[str, object]] = ()):
        """``previous``: the entries of the last build's manifest."""
        self.out_dir = out_dir
        self.settings = settings
        self.store = BaseStore(out_dir)
        self.report = report
        self.journal = journal
        # What the last build generated for each file, wherever it went: for a file whose new
        # version went beside it (no base then), the copy's.
        self.generated = {logical: digest for entry in previous
                          if isinstance(path := entry.get("path"), str)
                          and isinstance(logical := entry.get("logical", path), str)
                          and isinstance(digest := entry.get("sha256"), str)}

    def __call__(self, relative: str, target: Path, data: bytes, digest: str,
                 previous: str | tuple[str, ...] | None) -> bool:
        """Merge the new ``data`` into the clerk's file at ``target``; False when it is not merged
        (the caller then puts the new version beside it)."""
        if self.settings.mode == OFF or not mergeable(relative):
            return False
        bases = [previous] if isinstance(previous, str) else list(previous or ())
        if relative in self.generated and self.generated[relative] not in bases:
            bases.append(self.generated[relative])
        if digest in bases:  # nothing new since the clerk's copy was made: it stays as it is
            self.report.merged.append(Merged(relative, 0, []))
            return True
        base = next((found for found in map(self.store.load, bases) if found is not None), None)
        if base is None:
            return False  # no base kept (an older build): nothing to merge against
        try:
            check_zip(target, "文件")
            ours = target.read_bytes()
            result = self._merge(relative, base, ours, data)
        except (InputError, OSError) as exc:
            self.report.not_merged[relative] = _reason(exc)
            return False
        if result is None:
            return False
        merged, changes, conflicts = result
        if merged != ours:
            if self.journal is not None:
                self.journal.merging(relative, sha256(merged))
            _atomic_write(target, merged)
        self.report.merged.append(Merged(relative, changes, conflicts))
        return True

    def _merge(self, relative: str, base: bytes, ours: bytes, theirs: bytes):
        from planmaker.office.merging import MergeRefused

        try:
            if relative.lower().endswith(".docx"):
                from planmaker.office.docx_merge import merge_docx

                result = merge_docx(base, ours, theirs, self.settings.mode == TRACK, AUTHOR, self.settings.date)
            else:
                from planmaker.office.xlsx_merge import merge_xlsx

                result = merge_xlsx(base, ours, theirs)
        except MergeRefused as exc:
            self.report.not_merged[relative] = str(exc)
            return None
        except (ValueError, TypeError, KeyError, IndexError, AssertionError, RecursionError) as exc:
            self.report.not_merged[relative] = f"合并时出错（{type(exc).__name__}）"
            return None
        return result.data, result.changes, result.conflicts


def _reason(exc: Exception) -> str:
    if isinstance(exc, InputError) and exc.problems:
        return exc.problems[0].message
    return str(exc)
