"""The task-assignment table (任务分工表): one row a task, .docx and .xlsx."""

from __future__ import annotations

from pathlib import Path

from planmaker.base.files import Artifact
from planmaker.inputs import annex_kinds
from planmaker.inputs.models import Strict
from planmaker.kinds.base import AnnexKind, Job, annex_extra, annex_stem
from planmaker.kinds.forms import render, title_lines
from planmaker.office import cell_text, gbt9704
from planmaker.office.annex_forms import TaskRow, TaskTable
from planmaker.office.docx_render import DITTO, lines
from planmaker.plan.annexes import Annex, template_path
from planmaker.plan.compose import RenderedTask, render_tasks


def tasks_context(annex: Annex[Strict | None], rendered_tasks: list[RenderedTask]) -> TaskTable:
    """One row a task; a task of several subtasks takes a row each, its number
    and title once, on the first (the number cell merged down, as on paper)."""
    rows = []
    number = 0
    widths = gbt9704.TASK_DEADLINE_COLUMNS_MM if any(t.deadline for t in rendered_tasks) else gbt9704.TASK_COLUMNS_MM
    for task in rendered_tasks:
        later_part = task.part > 1
        number += 0 if later_part else 1
        rows.append(TaskRow(
            number=DITTO if later_part else str(number),
            task=task.body if later_part else task.heading + task.body,
            lead=lines("\n".join(cell_text.cell_lines(task.lead, widths[2]))),
            cooperate=lines("\n".join(cell_text.cell_lines(task.cooperate, widths[3]))),
            deadline=task.deadline,
        ))
    return TaskTable(annex.label, title_lines(annex.title), tuple(rows))


def tasks_template(rendered_tasks: list[RenderedTask]) -> Path:
    return template_path("tasks-deadline.docx" if any(t.deadline for t in rendered_tasks) else "tasks.docx")


class TasksKind(AnnexKind[None]):
    info = annex_kinds.TASKS
    key = info.key
    summary = "任务分工表（.docx 和 .xlsx）"

    def docx(self, job: Job, annex: Annex[None]) -> bytes:
        tasks = render_tasks(job.resolved)
        return render(job, tasks_template(tasks), tasks_context(annex, tasks), annex.title)

    def more_files(self, job: Job, annex: Annex[None]) -> list[Artifact]:
        from planmaker.office.xlsx_tasks import tasks_workbook

        data = tasks_workbook(annex.title, render_tasks(job.resolved), job.author, job.when)
        return [Artifact(f"{annex_stem(annex)}.xlsx", self.key, data, annex_extra(annex))]
