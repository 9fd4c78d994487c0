"""The pipeline: load and resolve the plan, render every document in memory,
then write them all at once.  Nothing touches the output folder until every
document has rendered, so bad input leaves no half-written output.

The documents come from the kinds in the registry (kinds/registry.py); this
module knows none of them by name."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planmaker import __version__
from planmaker.base import notices
from planmaker.base.files import Artifact
from planmaker.base.inputfile import DISK, Overlay
from planmaker.base.versions import versions
from planmaker.checks.problems import refuse_errors
from planmaker.inputs.catalog import Catalog
from planmaker.kinds import registry
from planmaker.kinds.base import InstitutionDocs, Job, Kind
from planmaker.kinds.making import make_job
from planmaker.plan.inferred import notice_for
from planmaker.plan.resolve import Resolved, resolve
from planmaker.writing.output import WriteReport, write_outputs

if TYPE_CHECKING:
    from planmaker.writing.batch import BatchWriter

parse_only = registry.parse_only


@dataclass
class BuildResult:
    resolved: Resolved
    artifacts: list[Artifact]
    report: WriteReport


def render_all(resolved: Resolved, only: Iterable[str] | None = None, with_institutions: bool = False,
               also: Iterable[str] = ()) -> tuple[list[Artifact], list[InstitutionDocs]]:
    """Every document of the plan, in memory, and (``with_institutions``) the
    per-institution documents for the batch to write."""
    job = make_job(resolved, with_institutions)
    kinds = registry.chosen(only, also)
    return _plan_files(job, kinds), _institution_docs(job, kinds)


def _plan_files(job: Job, kinds: list[Kind]) -> list[Artifact]:
    """The plan's own files, from every kind that does not derive its files from the others'."""
    return [artifact for kind in kinds if not kind.derives for artifact in kind.files(job)]


def _institution_docs(job: Job, kinds: list[Kind]) -> list[InstitutionDocs]:
    return [docs for kind in kinds for docs in kind.institution_docs(job)]


def load_institutions(resolved: Resolved, institutions_file: Path | None):
    """The institutions to pre-fill checklists for: the file's (checked, then
    streamed from the file), else the profile's."""
    if institutions_file is not None:
        from planmaker.inputs.institutions import InstitutionFile
        return InstitutionFile(Path(institutions_file))
    return list(resolved.jurisdiction.institutions)


@dataclass(frozen=True)
class Rendered:
    """A plan's documents rendered in memory and its per-institution batch, ready to be written."""
    plan_path: Path
    resolved: Resolved
    artifacts: list[Artifact]
    batch: BatchWriter
    when: dt.datetime
    partial: bool


def render_plan(plan_path: Path, catalog: Catalog | None = None, only: Iterable[str] | None = None,
                institutions_file: Path | None = None, also: Iterable[str] = (), workers: int = 1,
                shard: tuple[int, int] = (1, 1), progress: object = False, overlay: Overlay = DISK) -> Rendered:
    """Everything of ``build`` but the writing: the plan resolved and refused if check finds errors,
    its own documents rendered, the per-institution batch ready to stream. ``overlay``: files not
    written yet, read before the disk (cascade's child plans, laid over their folders)."""
    from planmaker.writing.batch import BatchWriter

    catalog = catalog or Catalog()
    kinds = registry.chosen(only, also)
    for kind in kinds:
        kind.require()  # before any work: a missing tool is reported before anything is built
    resolved = resolve(Path(plan_path), catalog, overlay)
    refuse_errors(resolved)  # the plan check rejects is not built
    if (inferred := notice_for(resolved)) is not None:  # said once, with the other warnings, at the end
        notices.warn(inferred)
    institutions = load_institutions(resolved, institutions_file)
    resolved = dataclasses.replace(resolved, institutions=institutions)  # the coverage counts come from the list
    job = make_job(resolved, with_institutions=bool(institutions))
    artifacts = _plan_files(job, kinds) if shard[0] == 1 else []
    finishing = [kind for kind in kinds if kind.derives]
    for kind in finishing:
        artifacts += kind.derive(job, artifacts)

    def finish(group: list[Artifact]) -> list[Artifact]:  # each group of per-institution files, once written
        return [derived for kind in finishing for derived in kind.derive(job, group)]

    batch = BatchWriter(_institution_docs(job, kinds), institutions, workers, shard, progress,
                        finish if finishing else None)
    return Rendered(Path(plan_path), resolved, artifacts, batch, job.when,
                    partial=only is not None or shard != (1, 1))


def write_rendered(rendered: Rendered, out_dir: Path, force: bool = False, merge: str = "track") -> BuildResult:
    """The rendered plan written into ``out_dir`` (writing/output.py: edited files kept or merged)."""
    from planmaker.writing.merging import MergeSettings

    resolved = rendered.resolved
    meta = {
        "generator": f"planmaker {__version__}",
        "plan": rendered.plan_path.name,
        "profile": resolved.jurisdiction.id,
        "jurisdiction": resolved.jurisdiction.name,
        "campaign": resolved.campaign.id,
        "versions": versions(),
    }
    report = write_outputs(Path(out_dir), rendered.artifacts, meta, force=force, partial=rendered.partial,
                           streams=[rendered.batch], merge=MergeSettings(merge, rendered.when))
    return BuildResult(resolved, rendered.artifacts, report)


def build(plan_path: Path, out_dir: Path, catalog: Catalog | None = None,
          only: Iterable[str] | None = None, force: bool = False,
          institutions_file: Path | None = None, also: Iterable[str] = (), workers: int = 1,
          shard: tuple[int, int] = (1, 1), progress: object = False, merge: str = "track") -> BuildResult:
    """Build every document of the plan into ``out_dir``.

    ``shard`` (k, n) builds the k-th of n shares of the per-institution
    documents; the first share also builds the plan's own documents, so the
    shares together are exactly one whole build.  ``also`` names kinds that are
    not built by default (pdf, asked for with --format pdf).
    ``merge`` (track, apply or off) says what becomes of a .docx or .xlsx the
    clerk edited since the last build (writing/merging.py).
    ``progress``: True draws the terminal's bar; a callable (total) → an object with
    ``update(n)`` and ``render_finish()`` reports the batch to its caller (the page's bar).
    """
    from planmaker.writing.journal import FolderLock

    FolderLock(Path(out_dir)).refuse_if_busy()
    rendered = render_plan(plan_path, catalog, only, institutions_file, also, workers, shard, progress)
    return write_rendered(rendered, out_dir, force, merge)
