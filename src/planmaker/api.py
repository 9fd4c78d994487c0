"""planmaker as a library: the jobs of the command line as functions.

    from planmaker import api

    result = api.build("plan.yaml", "out")
    for path in result.report.written: ...

    problems = api.check("plan.yaml")            # a list, never raises for the plan's faults
    errors = [p for p in problems if p.severity == "error"]

Every function takes paths as ``str`` or ``pathlib.Path``, and the extra
folders of profiles and campaigns the command line takes with ``--profiles``
and ``--campaigns`` (searched before the bundled ones).  None of them prints,
asks or exits: what the command line prints is in the result, and what makes
it exit with code 2 is raised as :class:`InputError`.

Errors
------
:class:`InputError`
    Input that cannot be used: a plan, profile or campaign with a fault, a
    missing file, an unknown kind in ``only``, LibreOffice missing for
    ``formats=["pdf"]``, a file ``import_plan`` cannot read as a plan.  ``error.problems`` lists each as a :class:`Problem`
    (``message``, ``file``, ``line``, ``field``, ``severity``); nothing was
    written.  ``check`` returns these problems instead of raising.
``OSError``
    The output folder cannot be written (permissions, disk full).  Files are
    written under temporary names and renamed, so none is left half-written.

Documented in docs/Python接口.md; the JSON form of each result is
:mod:`planmaker.commands.summary`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from planmaker.base.errors import InputError, Problem
from planmaker.commands.build import BuildResult
from planmaker.commands.cascade import DEFAULT_LEAD_DAYS, CascadeResult
from planmaker.importer.run import ImportReport
from planmaker.writing.output import WriteReport

if TYPE_CHECKING:
    from planmaker.collect.forms import Collection

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["BuildResult", "CascadeResult", "CollectResult", "ImportReport", "InputError", "Problem", "WriteReport",
           "build", "cascade", "check", "collect", "import_plan", "summary"]


def _catalog(profiles: Sequence[PathLike], campaigns: Sequence[PathLike]):
    from planmaker.inputs.catalog import Catalog

    return Catalog([Path(p) for p in profiles], [Path(c) for c in campaigns])


def build(plan: PathLike, output: PathLike, *, only: Iterable[str] | None = None, formats: Iterable[str] = (),
          force: bool = False, institutions: PathLike | None = None, workers: int = 1,
          profiles: Sequence[PathLike] = (), campaigns: Sequence[PathLike] = (), merge: str = "track") -> BuildResult:
    """Build every document of ``plan`` into ``output`` (``planmaker build``).

    ``only``: the kinds to build (``["plan", "tasks"]``; default all, see
    ``planmaker build --help``).  ``formats``: ``["pdf"]`` adds PDF copies
    (needs LibreOffice).  ``institutions``: a .csv or .xlsx list for the
    per-institution documents, built by ``workers`` processes.  A .docx or
    .xlsx edited since the last build gets the new version merged into it
    (``merge``: ``"track"`` as tracked changes, ``"apply"`` without marks);
    with ``merge="off"``, or where a merge cannot be done safely, it is kept
    and the new version written beside it, unless ``force``.  Returns the
    resolved plan, the documents and the :class:`WriteReport` (``written``,
    ``unchanged``, ``kept``, ``merged``).
    Raises :class:`InputError`."""
    from planmaker.commands.build import build as run
    from planmaker.kinds.registry import parse_only

    chosen = parse_only(",".join(only)) if only is not None else None
    return run(Path(plan), Path(output), _catalog(profiles, campaigns), only=chosen, force=force,
               institutions_file=Path(institutions) if institutions is not None else None,
               also=_formats(formats), workers=workers, merge=_merge_mode(merge))


def _merge_mode(merge: str) -> str:
    from planmaker.writing.merging import MODES

    if merge not in MODES:
        raise InputError.single(f"未知的合并方式 “{merge}”（可选：{'、'.join(MODES)}）", field="merge")
    return merge


def _formats(formats: Iterable[str]) -> list[str]:
    chosen = {f.strip().lower() for f in formats} - {"office"}
    if chosen - {"pdf"}:
        raise InputError.single(f"未知的格式 “{'、'.join(sorted(chosen - {'pdf'}))}”（可选：office、pdf）")
    return sorted(chosen)


def check(plan: PathLike, *, profiles: Sequence[PathLike] = (),
          campaigns: Sequence[PathLike] = ()) -> list[Problem]:
    """Every problem of ``plan``, its profile and its campaign (``planmaker check``):
    errors and warnings (``problem.severity``).  An empty list: nothing to fix.
    Raises nothing for the plan's own faults: they are in the list."""
    from planmaker.commands.check import check_plan

    return check_plan(Path(plan), _catalog(profiles, campaigns))


def cascade(plan: PathLike, output: PathLike, *, lead_days: int = DEFAULT_LEAD_DAYS, force: bool = False,
            only: Iterable[str] | None = None, profiles: Sequence[PathLike] = (),
            campaigns: Sequence[PathLike] = ()) -> CascadeResult:
    """A plan file and every document (or those of the kinds ``only`` names, as in :func:`build`)
    for each subordinate of ``plan``'s jurisdiction, one folder each in ``output``
    (``planmaker cascade``); deadlines ``lead_days`` working days before the parent's.
    Raises :class:`InputError`."""
    from planmaker.commands.cascade import cascade as run
    from planmaker.kinds.registry import parse_only

    if not 0 <= lead_days <= 60:
        raise InputError.single(f"lead_days 应在 0 到 60 之间（给出的是 {lead_days}）")
    chosen = parse_only(",".join(only)) if only is not None else None
    return run(Path(plan), Path(output), _catalog(profiles, campaigns), lead_days, force, chosen)


@dataclass
class CollectResult:
    """What was read and summed (``collection``: files, forms with their totals,
    issues, missing subordinates) and what was written (``report``; None when
    nothing was asked to be written).  ``complete``: every subordinate reported
    and no issue was found."""

    collection: Collection
    report: WriteReport | None

    @property
    def complete(self) -> bool:
        return bool(self.collection.clean)


def collect(inputs: Sequence[PathLike], plan: PathLike, output: PathLike | None = None, *, force: bool = False,
            profiles: Sequence[PathLike] = (), campaigns: Sequence[PathLike] = ()) -> CollectResult:
    """Sum the statistics forms in ``inputs`` (files or folders) for the jurisdiction
    of ``plan`` (``planmaker collect``), and write the summed forms and the report
    into ``output`` unless it is None.  A faulty file is reported in
    ``result.collection.issues`` and left out of the sum, not raised.
    Raises :class:`InputError` for a plan that cannot be used or a missing input."""
    from planmaker.collect.run import collect as run
    from planmaker.collect.run import write

    out = Path(output) if output is not None else None
    collection = run([Path(p) for p in inputs], Path(plan), _catalog(profiles, campaigns), exclude=out)
    report = write(collection, out, force=force) if out is not None else None
    return CollectResult(collection, report)


def import_plan(file: PathLike, output: PathLike, *, profile: str | None = None, force: bool = False,
                profiles: Sequence[PathLike] = ()) -> ImportReport:
    """Import a received plan (.docx, .txt or .md) into ``output`` as a campaign and a
    draft plan file (``planmaker import``).  ``profile``: the issuing jurisdiction (id,
    name or a profile's path); found from the document when None.  An existing
    campaign.yaml or plan.yaml in ``output`` is overwritten only with ``force``.
    Returns the :class:`ImportReport` the command prints (``recognised``, ``unplaced``
    with their lines, ``written``, ``jurisdiction``, ``profile``).
    Raises :class:`InputError` when the file cannot be imported; nothing is written then."""
    from planmaker.importer.run import import_plan as run

    return run(Path(file), Path(output), _catalog(profiles, ()), profile=profile, force=force)


def summary(result: BuildResult | CollectResult | ImportReport | list[Problem], plan: PathLike | None = None,
            output: PathLike | None = None) -> dict:
    """The JSON document ``--json`` prints for a result (schemas in planmaker/schemas);
    ``plan`` names the plan of a build, a check or a collection (an import's report knows its files)."""
    from planmaker.commands import summary as documents

    if isinstance(result, ImportReport):
        return documents.import_(result)
    if plan is None:
        raise TypeError("summary() needs the plan of a build, a check or a collection")
    if isinstance(result, BuildResult):
        return documents.build(Path(plan), Path(output or "."), result)
    if isinstance(result, CollectResult):
        return documents.collect(Path(plan), Path(output or "."), result.collection, result.report or WriteReport())
    return documents.check(Path(plan), list(result))
