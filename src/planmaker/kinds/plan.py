"""The implementation plan itself, in GB/T 9704 layout."""

from __future__ import annotations

from planmaker.base.files import Artifact
from planmaker.kinds.base import Job, Kind


class PlanKind(Kind):
    key = "plan"
    summary = "实施方案正文（.docx，GB/T 9704-2012 版式）"

    def files(self, job: Job) -> list[Artifact]:
        return [Artifact(f"{job.stem}.docx", self.key, job.plan_docx())]
