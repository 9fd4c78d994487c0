"""The interface every kind of document implements, and the job they share.

A kind renders the plan's own copy of its documents (``files``), may give
one document per institution for the batch (``institution_docs``), and may
derive files from all the others (``derive``: the PDFs).  Kinds that lay out
an annex of the campaign (``annexes: - kind: stats``) are ``AnnexKind``s: one
.docx per annex, plus whatever else they add (the workbook)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from planmaker.base.files import Artifact, safe_filename
from planmaker.plan.annexes import Annex
from planmaker.plan.document import Document
from planmaker.plan.resolve import Resolved


@dataclass
class InstitutionDocs:
    """The pre-filled documents of one annex, one per institution."""

    kind: str  # manifest kind
    folder: str  # inside the output folder
    extra: dict[str, Any]  # manifest fields shared by every document of the annex
    render: Callable[[Mapping[str, Any]], bytes]  # the ordinary path: an institution's fields in, the file out
    fields: Callable[[Any], dict[str, Any]]  # an institution's fields
    # The names of the fields, the same for every institution, when they are
    # all text the template only prints; None renders every document the ordinary way.
    keys: list[str] | None = field(default_factory=list)
    suffix: str = ".docx"


@dataclass
class Job:
    """One build: the resolved plan and what its kinds share.

    The plan's .docx and each annex's .docx are rendered once, when first
    asked for, so that the bundle and the PDFs reuse the very same bytes."""

    resolved: Resolved
    annexes: list[Annex]
    plan: Document
    when: dt.datetime
    author: str
    kinds: Mapping[str, Kind]
    with_institutions: bool = False
    _docx: dict[Any, bytes] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return safe_filename(self.plan.title)

    @cached_property
    def vocabulary(self):
        from planmaker.inputs.institution_terms import load_vocabulary

        return load_vocabulary()

    def annexes_of(self, key: str) -> list[Annex]:
        return [annex for annex in self.annexes if annex.kind == key]

    def plan_docx(self) -> bytes:
        if "plan" not in self._docx:
            from planmaker.office.plan_docx import plan_docx

            self._docx["plan"] = plan_docx(self.plan, self.when)
        return self._docx["plan"]

    def annex_docx(self, annex: Annex) -> bytes:
        if annex.number not in self._docx:
            kind = self.kinds[annex.kind]
            assert isinstance(kind, AnnexKind), annex.kind
            self._docx[annex.number] = kind.docx(self, annex)
        return self._docx[annex.number]


class Kind:
    """A kind of document.  Subclasses set ``key`` and ``summary`` and
    override what they make; the registry (kinds/registry.py) lists them."""

    key: ClassVar[str]
    summary: ClassVar[str]  # what the files are, in Chinese, for the help text
    # Built unless --only names other kinds.  A kind that is not (pdf) is asked
    # for by an option of its own.
    default: ClassVar[bool] = True
    # Derives its files from every other file of the build, the per-institution
    # documents included, so the batch renders them into memory for it.
    needs_files: ClassVar[bool] = False

    def require(self) -> None:
        """Raise InputError when what the kind needs (a program) is missing."""

    def files(self, job: Job) -> list[Artifact]:
        return []

    def institution_docs(self, job: Job) -> list[InstitutionDocs]:
        return []

    def derive(self, job: Job, made: list[Artifact]) -> list[Artifact]:
        return []


def annex_stem(annex: Annex) -> str:
    return safe_filename(f"附件{annex.number}-{annex.title}")  # numbered even when alone: stable names


def annex_extra(annex: Annex) -> dict[str, Any]:
    return {"annex": annex.number, "title": annex.title}


class AnnexKind(Kind):
    """A kind that lays out the campaign's annexes of its key."""

    def docx(self, job: Job, annex: Annex) -> bytes:
        raise NotImplementedError

    def more_files(self, job: Job, annex: Annex) -> list[Artifact]:
        """Files beside the annex's .docx (its workbook)."""
        return []

    def annex_institution_docs(self, job: Job, annex: Annex) -> list[InstitutionDocs]:
        return []

    def files(self, job: Job) -> list[Artifact]:
        made = []
        for annex in job.annexes_of(self.key):
            made.append(Artifact(f"{annex_stem(annex)}.docx", self.key, job.annex_docx(annex), annex_extra(annex)))
            made += self.more_files(job, annex)
        return made

    def institution_docs(self, job: Job) -> list[InstitutionDocs]:
        if not job.with_institutions:
            return []
        return [docs for annex in job.annexes_of(self.key) for docs in self.annex_institution_docs(job, annex)]
