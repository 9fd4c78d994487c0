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
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from planmaker.base.files import Artifact, safe_filename
from planmaker.inputs.annex_kinds import AnnexKindInfo
from planmaker.inputs.models import Institution, Strict
from planmaker.office.docx_batch import FieldValue
from planmaker.plan.annexes import Annex, annexes_of, is_of
from planmaker.plan.document import Document
from planmaker.plan.resolve import Resolved

if TYPE_CHECKING:
    from planmaker.inputs.institution_terms import Vocabulary

S = TypeVar("S", bound="Strict | None")
# The manifest's fields of a document (besides its path, kind and digest).
Extra = dict[str, str | int]


@dataclass
class InstitutionDocs:
    """The pre-filled documents of one annex, one per institution."""

    kind: str  # manifest kind
    folder: str  # inside the output folder
    extra: Extra  # manifest fields shared by every document of the annex
    render: Callable[[Mapping[str, FieldValue]], bytes]  # the ordinary path: an institution's fields in, the file out
    fields: Callable[[Institution], dict[str, FieldValue]]  # an institution's fields
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
    annexes: list[Annex[Strict | None]]
    plan: Document
    when: dt.datetime
    author: str
    kinds: Mapping[str, Kind]
    with_institutions: bool = False
    _docx: dict[str | int, bytes] = field(default_factory=dict)  # "plan", or an annex's number

    @property
    def stem(self) -> str:
        return safe_filename(self.plan.title)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        from planmaker.inputs.institution_terms import load_vocabulary

        return load_vocabulary()

    def annexes_of(self, kind: AnnexKindInfo[S]) -> list[Annex[S]]:
        return annexes_of(self.annexes, kind)

    def plan_docx(self) -> bytes:
        if "plan" not in self._docx:
            from planmaker.office.plan_docx import plan_docx

            self._docx["plan"] = plan_docx(self.plan, self.when)
        return self._docx["plan"]

    def annex_docx(self, annex: Annex[Strict | None]) -> bytes:
        if annex.number not in self._docx:
            kind = self.kinds[annex.kind]
            assert isinstance(kind, AnnexKind), annex.kind
            self._docx[annex.number] = kind.docx_of(self, annex)
        return self._docx[annex.number]


class Kind:
    """A kind of document.  Subclasses set ``key`` and ``summary`` and
    override what they make; the registry (kinds/registry.py) lists them."""

    key: ClassVar[str]
    summary: ClassVar[str]  # what the files are, in Chinese, for the help text
    # Built unless --only names other kinds.  A kind that is not (pdf) is asked
    # for by an option of its own.
    default: ClassVar[bool] = True
    # Derives its files from every other file of the build (``derive``): the
    # plan's own files at once, then the per-institution documents in bounded
    # groups as the batch writes them, so memory stays flat (the PDFs).
    derives: ClassVar[bool] = False

    def require(self) -> None:
        """Raise InputError when what the kind needs (a program) is missing."""

    def files(self, job: Job) -> list[Artifact]:
        return []

    def institution_docs(self, job: Job) -> list[InstitutionDocs]:
        return []

    def derive(self, job: Job, made: list[Artifact]) -> list[Artifact]:
        """Files made from ``made``; called once for the plan's own files and
        again for each group of per-institution documents."""
        return []


def annex_stem(annex: Annex[Strict | None]) -> str:
    return safe_filename(f"附件{annex.number}-{annex.title}")  # numbered even when alone: stable names


def annex_extra(annex: Annex[Strict | None]) -> Extra:
    return {"annex": annex.number, "title": annex.title}


class AnnexKind(Kind, Generic[S]):
    """A kind that lays out the campaign's annexes of its entry in the catalogue (``info``,
    inputs/annex_kinds.py); its methods get those annexes typed by the entry's model."""

    info: AnnexKindInfo[S]

    def docx(self, job: Job, annex: Annex[S]) -> bytes:
        raise NotImplementedError

    def docx_of(self, job: Job, annex: Annex[Strict | None]) -> bytes:
        """``docx`` of an annex from the plan's list, which must be of this kind."""
        if not is_of(annex, self.info):
            raise ValueError(f"annex {annex.number} is a {annex.kind}, not a {self.key}")
        return self.docx(job, annex)

    def more_files(self, job: Job, annex: Annex[S]) -> list[Artifact]:
        """Files beside the annex's .docx (its workbook)."""
        return []

    def annex_institution_docs(self, job: Job, annex: Annex[S]) -> list[InstitutionDocs]:
        return []

    def files(self, job: Job) -> list[Artifact]:
        made = []
        for annex in job.annexes_of(self.info):
            made.append(Artifact(f"{annex_stem(annex)}.docx", self.key, job.annex_docx(annex), annex_extra(annex)))
            made += self.more_files(job, annex)
        return made

    def institution_docs(self, job: Job) -> list[InstitutionDocs]:
        if not job.with_institutions:
            return []
        return [docs for annex in job.annexes_of(self.info) for docs in self.annex_institution_docs(job, annex)]
