"""Template bombs: campaign text and a campaign's own checklist .docx, each
written to exhaust time or memory or to crash the renderer (issue 14).
Shared by test_template_bombs.py (in-process) and its memory test (a child
process, run as ``python template_bombs.py``)."""

from __future__ import annotations

import json
import shutil
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from zipbombs import zip_bomb

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = ROOT / "templates" / "campaigns"
EXAMPLES = ROOT / "examples"

BOMBS = {
    "power": "{{ 9**(9**9) }}",
    "repeat": "{{ 'x'*10**9 }}",
    "range": "{% for i in range(10**9) %}{% endfor %}",
    "lipsum": "{{ lipsum(10**6) }}",
    "silent-loops": "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
    "string-loops": "{% set s = 'ab' * 9999 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
    "macro-recursion": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}",
    "macro-fork": "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(60) }}",
    "replace": "{% set s = 'x' * 99999 %}{{ s | replace('x', s) }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "squaring": "{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
    "format-width": "{{ '{:>999999999}'.format('x') }}",
    "percent-width": "{{ '%999999999s' % 'x' }}",
    "center": "{{ 'x' | center(999999999) }}",
    "join": "{{ (['x' * 9999] * 9999) | join }}",
    "divide": "{{ 1 / 0 }}",
}

# Templates that would allocate gigabytes in one operation before any budget
# counted (issue 27): the sandbox measures the arguments of repetition, padding,
# format widths (literal or taken from an argument), translate, list growth and
# the printing of nested lists, and refuses before the allocation is made.
ALLOCATING = {
    "bytes-repeat": "{{ ('xxxxxxx'.encode('ascii') * 500000000) | length }}",
    "bytes-center": "{{ 'x'.encode('ascii').center(1500000000) }}",
    "bytes-zfill": "{{ '1'.encode('ascii').zfill(1500000000) }}",
    "bytes-ljust": "{{ 'x'.encode('ascii').ljust(1500000000) }}",
    "bytes-add": "{% set b = 'x'.encode('ascii') * 2999999 %}{{ (b + b) | length }}",
    "method-center": "{{ 'x'.center(1500000000) }}",
    "method-rjust": "{{ 'x'.rjust(1500000000) }}",
    "method-zfill": "{{ '1'.zfill(1500000000) }}",
    "nested-format-width": "{{ '{:{}}'.format('x', 10**9) }}",
    "indexed-format-width": "{{ '{0:>{1}}'.format('x', 10**9) }}",
    "named-format-width": "{{ '{:{w}}'.format('x', w=10**9) }}",
    "format-map-width": "{{ '{a:{w}}'.format_map({'a': 'x', 'w': 10**9}) }}",
    "star-width": "{{ '%*s' % (10**9, 'x') }}",
    "star-precision": "{{ '%.*f' % (10**9, 1.0) }}",
    "format-filter-star": "{{ '%*s' | format(10**9, 'x') }}",
    "translate-long": "{{ ('a' * 100000).translate({97: 'x' * 10000}) }}",
    "translate-list": "{{ ('a' * 100000).translate(['y' * 1000] * 200) }}",
    "list-of-lists-printed": "{{ [[1] * 1999999] * 1999999 }}",
    "list-of-lists-joined": "{{ (['x' * 1999999] * 1999999) | join | length }}",
    "list-of-lists-string": "{{ (['x' * 1999999] * 1999999) | string | length }}",
    "list-of-lists-tojson": "{{ (['x' * 1999999] * 1999999) | tojson | length }}",
    "list-of-lists-summed": "{{ ([[1] * 1000000] * 1000000) | sum(start=[]) | length }}",
    "list-in-percent": "{{ '%s' % ([['x' * 1999999] * 1999999],) }}",
    "list-extend-doubling": "{% set l = [1] %}{% for i in range(60) %}{{ l.extend(l) }}{% endfor %}",
    "list-holds-itself": "{% set l = [1] %}{{ l.append(l) }}{{ l }}",
    "list-concat-printed": "{{ [1] * 1999999 ~ 'a' }}",
}

# The ones issue 14 names, run through check and build in a child process whose
# memory is measured (test_template_bombs.py); the hostile corpus runs them all.
ISSUE_BOMBS = ("power", "repeat", "range", "lipsum", "silent-loops", "macro-recursion", "replace")

# Broken .docx files: not a zip, broken XML, a zip bomb.
BROKEN_DOCX = ["not-a-zip", "broken-xml", "zip-bomb"]


def campaign_with_text(folder: Path, payload: str) -> Path:
    """The unreasonable-exams campaign with ``payload`` in a paragraph."""
    campaigns = folder / "campaigns"
    shutil.copytree(CAMPAIGNS / "unreasonable-exams", campaigns / "unreasonable-exams")
    path = campaigns / "unreasonable-exams" / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    old = '"{{ j.whole }}各级'
    assert old in text
    path.write_text(text.replace(old, '"' + payload.replace('"', "'") + '{{ j.whole }}各级', 1), encoding="utf-8")
    return campaigns


def campaign_with_checklist(folder: Path, payload: str | None = None, broken: str | None = None) -> Path:
    """The medical-abuses-2020 campaign with a checklist .docx of its own, holding ``payload``."""
    campaigns = folder / "campaigns"
    campaign = campaigns / "medical-abuses-2020"
    shutil.copytree(CAMPAIGNS / "medical-abuses-2020", campaign)
    template = campaign / "own-checklist.docx"
    if broken == "not-a-zip":
        template.write_bytes(b"This is not a Word document.\n" * 100)
    elif broken == "zip-bomb":
        zip_bomb(template, "word/document.xml", 256)  # 256 MB of zeros, about 250 KB packed
    else:
        with zipfile.ZipFile(ROOT / "templates" / "annexes" / "checklist.docx") as source, \
                zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "word/document.xml":
                    text = data.decode("utf-8")
                    if broken == "broken-xml":
                        text = text.replace("</w:body>", "<w:p><w:r></w:body>")
                    else:
                        text = text.replace("{{ institution.name }}", escape(payload or ""), 1)
                    data = text.encode("utf-8")
                target.writestr(item, data)
    path = campaign / "checklist.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("columns: [项目", "template: own-checklist.docx\ncolumns: [项目", 1), encoding="utf-8")
    return campaigns


def cases():
    """(id, where, payload or broken kind) for each bomb issue 14 names."""
    for name in ISSUE_BOMBS:
        payload = BOMBS[name]
        yield f"campaign-{name}", "campaign", payload
        yield f"docx-{name}", "docx", payload
    for broken in BROKEN_DOCX:
        yield f"docx-{broken}", "broken", broken


def setup(folder: Path, where: str, what: str) -> tuple[list[str], list[str]]:
    """The check and build command lines for one bomb."""
    folder.mkdir(parents=True, exist_ok=True)
    if where == "campaign":
        campaigns = campaign_with_text(folder, what)
        plan = EXAMPLES / "liuzhou-2021" / "plan.yaml"
        only = ["--only", "plan"]
    else:
        campaigns = campaign_with_checklist(folder, *((what, None) if where == "docx" else (None, what)))
        plan = EXAMPLES / "guangxi-2020" / "plan.yaml"
        only = ["--only", "checklist"]
    common = [str(plan), "--campaigns", str(campaigns)]
    return ["check", *common], ["build", *common, "-o", str(folder / "out"), *only]


def run_all(folder: Path) -> dict:
    """Run every bomb through check and build in this process: exit codes, seconds, output."""
    from click.testing import CliRunner

    from planmaker.cli import main

    results = {}
    for name, where, what in cases():
        for command in setup(folder / name, where, what):
            began = time.perf_counter()
            result = CliRunner().invoke(main, command)
            results[f"{name} {command[0]}"] = {
                "exit": result.exit_code, "seconds": time.perf_counter() - began, "output": result.output,
                "exception": repr(result.exception) if result.exit_code not in (0, 1, 2) else None}
    return results


def render_each(limit_mb: int) -> dict:
    """Every template of BOMBS and ALLOCATING rendered by the sandbox in this process, whose
    address space is capped at ``limit_mb``: what each ended with, and how long it took."""
    import resource

    from planmaker.office.docx_render import MAX_RENDERED_CHARS
    from planmaker.plan import template_budget
    from planmaker.plan.sandbox import Sandbox, TemplateProblem, budget

    resource.setrlimit(resource.RLIMIT_AS, (limit_mb * 1024 * 1024, limit_mb * 1024 * 1024))
    env = Sandbox()
    real_budget = template_budget.TIME_BUDGET
    results = {}
    # the budget of campaign text, and the larger one of a .docx template
    for key, source, limit in [(k, v, limit) for k, v in {**BOMBS, **ALLOCATING}.items()
                               for limit in (None, MAX_RENDERED_CHARS)]:
        name = key if limit is None else f"{key}@docx"
        # The .docx pass differs in the size limit only: a bomb the clock stops has shown the
        # real time budget in the first pass, and here it ends in half a second.
        template_budget.TIME_BUDGET = real_budget if limit is None else 0.5
        began = time.process_time()
        try:
            with budget(*(() if limit is None else (limit,))):
                env.from_string(source).render()
            ended = "rendered"
        except TemplateProblem as problem:
            ended = f"refused: {problem}"
        except MemoryError:
            ended = "MemoryError"
        except Exception as exc:
            ended = f"{type(exc).__name__}: {exc}"
        results[name] = {"ended": ended, "seconds": time.process_time() - began}
    return results


if __name__ == "__main__" and sys.argv[1] == "--sandbox":
    print(json.dumps(render_each(int(sys.argv[2])), ensure_ascii=False))
elif __name__ == "__main__":
    import resource

    outcome = run_all(Path(sys.argv[1]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"results": outcome, "max_rss_kb": peak}, ensure_ascii=False))
