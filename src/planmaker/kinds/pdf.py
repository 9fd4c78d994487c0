"""PDF copies of every .docx and .xlsx of the build, through LibreOffice.

Asked for with ``--format pdf`` rather than built by default: it needs
LibreOffice, and takes seconds where the rest takes a fraction of one."""

from __future__ import annotations

from planmaker.base.files import Artifact
from planmaker.kinds.base import Job, Kind


class PdfKind(Kind):
    key = "pdf"
    summary = "每个 .docx 和 .xlsx 的 PDF（用 --format pdf 要求，需要 LibreOffice）"
    default = False
    needs_files = True

    def require(self) -> None:
        from planmaker.office.pdf import require_soffice

        require_soffice()

    def derive(self, job: Job, made: list[Artifact]) -> list[Artifact]:
        from planmaker.office.pdf import to_pdf

        return to_pdf(made, job.when)
