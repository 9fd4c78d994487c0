"""Every problem of a resolved plan, as `check` lists them; and the errors among them that stop `build`."""

from __future__ import annotations

from planmaker.base.errors import InputError, Problem
from planmaker.checks.campaign import campaign_problems, is_bundled
from planmaker.checks.dates import date_problems
from planmaker.checks.render import render_problems
from planmaker.checks.slips import text_problems as slips
from planmaker.checks.wording import plan_problems
from planmaker.inputs.catalog import Catalog
from planmaker.plan.document import Document
from planmaker.plan.inferred import notice_for
from planmaker.plan.resolve import Resolved


def every_problem(resolved: Resolved, document: Document, catalog: Catalog) -> list[Problem]:
    """In the order check prints them: the inferred names, the campaign, the dates, the wording of
    the composed plan, its slips, then what rendering every document reports."""
    inferred = notice_for(resolved)
    return (([inferred] if inferred else []) + campaign_problems(resolved, catalog)
            + date_problems(resolved) + plan_problems(resolved, document, is_bundled(resolved))
            + slips(document, resolved) + render_problems(resolved))


def refuse_errors(resolved: Resolved) -> None:
    """What `build` does with the plan's problems: errors stop it, in check's words."""
    # the words a campaign should not hard-code are for check to list: a draft (an import) still builds
    errors = [p for p in campaign_problems(resolved, lint=False) + date_problems(resolved) if p.severity == "error"]
    if errors:
        raise InputError(errors + [Problem(f"planmaker check {resolved.plan_file} 列出全部问题；改正后再生成")])
