"""One document per institution, for a whole province.

The institutions stream from their file (institutions.InstitutionFile), the
documents come from templates prepared once (docx_batch), and each finished
document goes straight to disk, so memory stays flat however long the list.
Work is split across processes (``workers``) and across machines
(``shard``): every shard reads the whole list, so that file names come out
the same as in a single run, and renders only its own share.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
import sys
import zipfile
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmaker.base.errors import InputError
from planmaker.kinds.base import InstitutionDocs
from planmaker.office.docx_batch import FieldValue, PreparedTemplate, prepare
from planmaker.writing.output import Known, Manifest, WriteReport, place

if TYPE_CHECKING:
    from planmaker.office.xlsx_batch import PreparedWorkbooks

CHUNK = 64  # documents per message to a worker: enough to make the message cheap
IN_FLIGHT_PER_WORKER = 4  # chunks queued ahead per worker; bounds memory, keeps workers busy
DERIVE_GROUP = 100  # documents handed at once to a kind that derives files: one LibreOffice run (one run of 300 failed at the 246th)


def parse_shard(text: str | None) -> tuple[int, int]:
    """"2/8" → (2, 8): the second of eight shares of the list."""
    if not text:
        return 1, 1
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        k = n = 0
    if not (n >= 1 and 1 <= k <= n):
        raise InputError.single(f"“{text}” 不是有效的分片：应写作 K/N，如 2/8 表示共 8 片中的第 2 片（1 ≤ K ≤ N）",
                                field="--shard")
    return k, n


def default_workers() -> int:
    return os.cpu_count() or 1


@dataclass
class _Work:
    job: int
    path: str
    name: str
    values: dict[str, FieldValue]


# What each worker process holds: set once by _start, read by _write_chunk.
_state: dict[str, Any] = {}


def _start(prepared, jobs, out_dir, known, force, journal=None) -> None:
    import multiprocessing
    import signal

    # Ctrl-C reaches every process of the terminal's group: the parent stops the batch and
    # ends its workers (Pool.terminate); a worker interrupted mid-file would only print a traceback.
    # Only a worker process ignores it: a batch run in the parent (one worker, or a web page's
    # thread, where signals cannot be set) stays interruptible.
    if multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state.update(prepared=prepared, jobs=jobs, out_dir=out_dir, known=known, force=force, journal=journal)


def _write_chunk(chunk: list[_Work]) -> list[tuple[str, str, str] | None]:
    """Write the documents of ``chunk``; None for one left to the parent process.

    A document the prepared template cannot take is rendered the ordinary way
    here when the worker has the jobs (a forked worker inherits them; a
    spawned one could not be sent their functions)."""
    results: list = []
    jobs = _state["jobs"]
    try:
        for work in chunk:
            prepared: PreparedTemplate | PreparedWorkbooks | None = _state["prepared"][work.job]
            if prepared is not None and prepared.plain(work.values):
                data = prepared.fill(work.values)
            elif jobs is not None:
                data = jobs[work.job].render(work.values)
            else:
                results.append(None)
                continue
            results.append(place(_state["out_dir"], work.path, data, _state["known"], _state["force"],
                                 durable=False, journal=_state["journal"]))
    except Exception as exc:
        raise ChunkFailed(results, exc) from None
    return results


class ChunkFailed(Exception):
    """A chunk stopped part way: args (the results before the failure, the failure)."""


def _same_parts(a: bytes, b: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(a)) as x, zipfile.ZipFile(io.BytesIO(b)) as y:
        return (sorted(x.namelist()) == sorted(y.namelist())
                and all(x.read(name) == y.read(name) for name in x.namelist()))


def _prepare(job: InstitutionDocs, sample: dict[str, FieldValue] | None) -> PreparedTemplate | PreparedWorkbooks | None:
    """The job's template cut at its fields, checked once against the ordinary path."""
    if job.keys is None:
        return None
    if job.suffix == ".xlsx":  # prepared per shape, each checked against openpyxl on its first document
        from planmaker.office.xlsx_batch import prepare_workbooks

        return prepare_workbooks(job.render, job.keys)
    prepared = prepare(job.render, job.keys)
    if prepared is None or sample is None or not prepared.plain(sample):
        return prepared
    # Belt and braces: the first document must match docxtpl's part for part,
    # or the whole batch takes the ordinary path.
    return prepared if _same_parts(prepared.fill(sample), job.render(sample)) else None


class BatchWriter:
    """Writes the per-institution documents during write_outputs (a "stream")."""

    def __init__(self, jobs: list[InstitutionDocs], institutions: Iterable, workers: int = 1,
                 shard: tuple[int, int] = (1, 1), progress: Any = False, finish=None):
        self.jobs = jobs
        self.institutions = institutions
        self.workers = max(1, workers)
        self.shard = shard
        self.progress = progress
        # Files derived from groups of written documents (the PDFs): called with
        # at most DERIVE_GROUP documents at a time, read back from disk.
        self.finish = finish

    def _work(self) -> Iterable[_Work]:
        from planmaker.base.files import FileNames

        names = FileNames("")
        k, n = self.shard
        for index, institution in enumerate(self.institutions):
            filename = names.next(institution.name)  # every shard names every institution alike
            if index % n != k - 1:
                continue
            for number, job in enumerate(self.jobs):
                yield _Work(number, f"{job.folder}/{filename}{job.suffix}", institution.name, job.fields(institution))

    def artifacts(self) -> list:
        """The documents in memory instead of on disk (for what must see them all, e.g. PDF export)."""
        from planmaker.base.files import Artifact

        result = []
        prepared: dict[int, PreparedTemplate | PreparedWorkbooks | None] = {}
        for item in self._work():
            job = self.jobs[item.job]
            if item.job not in prepared:
                prepared[item.job] = _prepare(job, item.values)
            fast = prepared[item.job]
            data = fast.fill(item.values) if fast and fast.plain(item.values) else job.render(item.values)
            result.append(Artifact(item.path, job.kind, data, {**job.extra, "institution": item.name}))
        return result

    def check_first(self) -> None:
        """Render the first institution's documents, in memory (a dry run)."""
        for item in itertools.islice(self._work(), len(self.jobs)):
            self.jobs[item.job].render(item.values)

    def _share(self) -> int:
        k, n = self.shard
        total = len(self.institutions)
        return (total - k) // n + 1 if total >= k else 0

    def __call__(self, out_dir: Path, known: Known, force: bool, report: WriteReport,
                 manifest: Manifest, journal=None) -> None:
        if not self.jobs:
            return
        work = iter(self._work())
        head = list(itertools.islice(work, len(self.jobs)))  # the first institution, one item per job
        if not head:
            return
        prepared = [_prepare(job, item.values) for job, item in zip(self.jobs, head)]
        chunks = _chunks(itertools.chain(head, work), CHUNK)
        total = self._share() * len(self.jobs)
        # progress: True for the terminal's bar, or a callable (total) → a bar of the caller's (the page's)
        bar = (self.progress if callable(self.progress) else _progress)(total) if self.progress else None
        failure = None
        written: list[tuple[str, str, str, dict]] = []
        try:
            for chunk, results in self._results(chunks, prepared, out_dir, known, force, total, journal):
                if isinstance(results, ChunkFailed):  # record what landed, then stop
                    results, failure = results.args[0], failure or results.args[1]
                for work_item, result in zip(chunk, results):
                    if result is None:
                        job = self.jobs[work_item.job]
                        result = place(out_dir, work_item.path, job.render(work_item.values), known, force,
                                       durable=False, journal=journal)
                    path, digest, outcome = result
                    job = self.jobs[work_item.job]
                    report.record(work_item.path, path, outcome)
                    extra = {**job.extra, "institution": work_item.name}
                    manifest.add(work_item.path, path, job.kind, digest, extra)
                    if self.finish is not None:
                        written.append((work_item.path, path, job.kind, extra))
                        if len(written) >= DERIVE_GROUP:
                            self._derive(written, out_dir, known, force, report, manifest, journal)
                if bar is not None:
                    bar.update(len(chunk))
            if failure is not None:
                raise failure
            if written:
                self._derive(written, out_dir, known, force, report, manifest, journal)
        finally:
            if bar is not None:
                bar.render_finish()

    def _derive(self, written, out_dir: Path, known, force, report: WriteReport, manifest: Manifest,
                journal=None) -> None:
        """Hand a group of written documents to ``finish`` and write what it derives."""
        from planmaker.base.files import Artifact

        group = [Artifact(logical, kind, (Path(out_dir) / path).read_bytes(), extra)
                 for logical, path, kind, extra in written]
        written.clear()
        for derived in self.finish(group):
            path, digest, outcome = place(out_dir, derived.path, derived.data, known, force, durable=False,
                                          journal=journal)
            report.record(derived.path, path, outcome)
            manifest.add(derived.path, path, derived.kind, digest, derived.extra)

    def _results(self, chunks, prepared, out_dir, known, force, total, journal):
        workers = min(self.workers, max(1, -(-total // CHUNK)))
        if workers == 1:
            _start(prepared, self.jobs, out_dir, known, force, journal)
            try:
                for chunk in chunks:
                    outcome = _outcome(_write_chunk, chunk)
                    yield chunk, outcome
                    if isinstance(outcome, ChunkFailed):
                        return
            finally:
                _state.clear()
            return
        method = start_method()
        fork = method == "fork"
        context = multiprocessing.get_context(method)
        with context.Pool(workers, _start, (prepared, self.jobs if fork else None, out_dir, known, force, journal)) as pool:
            pending: deque = deque()
            for chunk in chunks:
                pending.append((chunk, pool.apply_async(_write_chunk, (chunk,))))
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    chunk, result = pending.popleft()
                    outcome = _outcome(result.get, chunk)
                    if isinstance(outcome, ChunkFailed):
                        break  # the chunks already sent are finished and counted below
                    yield chunk, outcome
            else:
                outcome = None
            if isinstance(outcome, ChunkFailed):
                # Every chunk in flight has written its files: all of them go in
                # the report and the manifest before the failure is raised.
                for other, result in pending:
                    late = _outcome(result.get, other)
                    yield other, (ChunkFailed(late.args[0], outcome.args[1]) if isinstance(late, ChunkFailed)
                                  else late)
                yield chunk, outcome
                return
            while pending:
                chunk, result = pending.popleft()
                yield chunk, _outcome(result.get, chunk)


def _outcome(get, chunk):
    """The chunk's results, or the ChunkFailed that carries those it had."""
    try:
        return get(chunk) if get is _write_chunk else get()
    except ChunkFailed as failed:
        return failed


def start_method() -> str:
    """fork on Linux (workers inherit the prepared templates and the jobs);
    spawn elsewhere, where fork is missing (Windows) or unsafe (macOS)."""
    return "fork" if sys.platform == "linux" else "spawn"


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _progress(total: int):
    import click

    bar = click.progressbar(length=total, label="生成机构文件", file=sys.stderr, show_pos=True,
                            show_eta=True, width=30)
    bar.render_progress()
    return bar
