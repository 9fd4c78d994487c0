"""`check` does what `build` will do: every document of the plan is rendered
in memory, the per-institution ones for a sample institution, so that a
template's mistake (a misspelt {{ institution.nmae }}, a loop that never
ends) is reported by `check`, in Chinese, naming the file and the field,
rather than by `build` half way through a province."""

from __future__ import annotations

from planmaker.base.errors import InputError, Problem
from planmaker.inputs.models import Institution
from planmaker.kinds import registry
from planmaker.kinds.making import make_job
from planmaker.plan.resolve import Resolved


def sample_institution(vocabulary) -> Institution:
    """An institution with every field filled, as a list would give it."""
    def first(terms) -> str:
        return terms[0].name if terms else ""

    return Institution(name="示例医院", address="示例路1号", category=first(vocabulary.categories),
                       grade=first(vocabulary.grades), ownership=first(vocabulary.ownerships),
                       contact="（姓名）", phone="0000-0000000")


def render_problems(resolved: Resolved) -> list[Problem]:
    """What rendering every default kind of document (and one institution's) reports."""
    try:
        job = make_job(resolved, with_institutions=True)
        sample = sample_institution(job.vocabulary)
        made = []
        kinds = registry.chosen(None)
        for kind in kinds:
            if kind.derives:
                continue
            made += kind.files(job)
            for docs in kind.institution_docs(job):
                docs.render(docs.fields(sample))
        for kind in kinds:
            if kind.derives:
                kind.derive(job, made)
    except InputError as exc:
        return exc.problems
    return []
