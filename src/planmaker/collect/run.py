"""Collecting the statistics forms that subordinate units filled in, and summing
them into the collecting jurisdiction's own forms for the level above.

The collecting jurisdiction is named by its plan file (the one its blank forms
were built from): the plan gives the profile, the campaign, the period, the
forms' titles and the expected subordinates (the profiles whose ``parent`` is
the plan's profile).  Each file is identified by the ``_planmaker`` metadata
sheet of the form, never by its name or layout.

Nothing is guessed.  A file that is not one of this campaign's forms, a cell
that is not a number the form allows, a 合计 that disagrees with its parts, a
unit that sent the same form twice: each is reported with file, sheet and cell,
and the file is left out of the sum.  Blank input cells count as 0 (the form's
own 合计 formulas treat them so); a form with no number at all is reported.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from planmaker import __version__
from planmaker.base.errors import InputError
from planmaker.base.files import shown_path
from planmaker.base.versions import versions
from planmaker.collect.forms import (
    CATEGORY_TITLES,
    DUPLICATE,
    SPREADSHEET_SUFFIXES,
    UNREADABLE,
    Collection,
    FormReader,
    FormResult,
    Issue,
    Submission,
    compute_totals,
    number,
)
from planmaker.collect.report import REPORT_FILE, render, report_text  # noqa: F401  (the command's API)
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.stats_rules import expand
from planmaker.office.stats_layout import Layout, sum_cells
from planmaker.plan.annexes import collected_annexes
from planmaker.plan.resolve import Resolved, resolve
from planmaker.writing.output import WriteReport, write_outputs

# ------------------------------------------------------------------ gathering

def gather(inputs: list[Path], exclude: Path | None = None) -> tuple[list[Path], list[Path], list[Issue]]:
    """The files to read, the files skipped and the folders that could not be listed.

    A file named on the command line is always read; in a folder, spreadsheets
    are read (an .xls or .ods is reported, not skipped: it may be a form saved
    in the wrong format) and other files are listed as skipped.  Lock files of
    Excel (~$…) and LibreOffice (.~lock…) are left out, and so is the output
    folder where it lies inside a folder read; an output folder that holds the
    folder read (collect 汇总/收件 -o 汇总) takes nothing away from it."""
    problems = [f"找不到 “{shown_path(path)}”" for path in inputs if not path.exists()]
    if problems:
        raise InputError.single("；".join(problems))
    excluded = exclude.resolve() if exclude is not None else None
    for path in inputs:
        inbox = path.resolve()
        if path.is_dir() and excluded is not None and (excluded == inbox or inbox in excluded.parents):
            raise InputError.single(
                f"输出文件夹 {shown_path(exclude)} 在收到的统计表所在的文件夹 {shown_path(path)} 之内：汇总表会混进"
                "待汇总的文件中；请用 -o 另指一个文件夹（如与收件文件夹并列的“汇总”）", field="-o")
    files: list[Path] = []
    ignored: list[Path] = []
    unreadable: list[Issue] = []
    seen: set[tuple[int, int] | Path] = set()
    for path in inputs:
        found = _walk(path, unreadable) if path.is_dir() else [(path, _identity(path))]
        for candidate, identity in sorted(found, key=lambda pair: pair[0]):
            if identity in seen:
                continue
            seen.add(identity)
            if path.is_dir():
                if candidate.name.startswith(("~$", ".~lock")) or candidate.suffix.lower() not in SPREADSHEET_SUFFIXES:
                    ignored.append(candidate)
                    continue
            files.append(candidate)
    return files, ignored, unreadable


def _identity(path: Path) -> tuple[int, int] | Path:
    try:
        status = path.stat()
    except OSError:
        return path.resolve()
    return status.st_dev, status.st_ino


def _walk(folder: Path, unreadable: list[Issue]) -> list[tuple[Path, tuple[int, int] | Path]]:
    """(file, its identity) for every file below ``folder``; a subfolder that cannot be
    listed is reported, not passed over (its unit would seem not to have sent anything).
    A province's tens of thousands of forms: one directory read a folder, a stat only
    for links (the same file reached twice is read once)."""
    import os

    found: list[tuple[Path, tuple[int, int] | Path]] = []
    pending = [folder]
    while pending:
        top = pending.pop()
        try:
            device = os.stat(top).st_dev
            with os.scandir(top) as entries:
                listed = list(entries)
        except OSError as error:
            unreadable.append(Issue(UNREADABLE, top, f"无法打开此文件夹（{error.strerror or error}），其中的表未读取；"
                                                     "请检查权限后重新汇总"))
            continue
        for entry in listed:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                elif entry.is_symlink():
                    if os.path.isfile(entry.path):
                        found.append((Path(entry.path), _identity(Path(entry.path))))
                elif entry.is_file(follow_symlinks=False):
                    found.append((Path(entry.path), (device, entry.inode())))
            except OSError:
                continue
    return found


# ------------------------------------------------------------------ the whole collection

def _forms(resolved: Resolved) -> list[FormResult]:
    from planmaker.kinds.making import titled_annexes
    from planmaker.kinds.stats import spec_version

    forms = []
    for annex in collected_annexes(titled_annexes(resolved)):
        spec = annex.spec
        layout = Layout(spec)
        texts = {row.key: f"{row.line.text}·{row.sub.text}" if row.sub else row.line.text for row in layout.rows}
        cells = layout.cells()
        labels = {c.ref: f"{texts[c.line_id]}／{spec.columns[c.column].replace(chr(10), '')}" for c in cells}
        checks = expand(spec, {(c.line_id, c.column): c.ref for c in cells}, texts)
        forms.append(FormResult(annex, cells, sum_cells(spec), labels, spec_version(annex),
                                form_labels(layout), checks))
    return forms


def form_labels(layout: Layout) -> dict[str, str]:
    """The labels of the blank form as its layout places them (headers, line texts, units, footer):
    a filled form must have each in the same cell, or its numbers are not where the cell map says.
    Row by row, as a sheet is read: the first label out of place is the one reported."""
    return {label.ref: label.text for label in sorted(layout.labels(), key=lambda x: (x.row, x.col)) if label.text}


def expected_institutions(path: Path | None) -> list[str] | None:
    """The names on an --institutions list (checked whole first, as build checks it)."""
    if path is None:
        return None
    from planmaker.inputs.institutions import InstitutionFile

    return [institution.name for institution in InstitutionFile(Path(path))]


# What each reading process holds: set before the pool forks, read by _read.
_reader: dict[str, FormReader] = {}
CHUNK = 16  # forms per message to a reading process


def _read(path: Path):
    return _reader["reader"].read(path)


def read_all(reader: FormReader, files: list[Path], workers: int = 1):
    """(submission, problem) for each file, in the files' order; ``workers``
    processes parse them in parallel (forked: they inherit the reader)."""
    from planmaker.writing.batch import start_method

    workers = min(workers, max(1, len(files) // CHUNK))
    if workers <= 1 or start_method() != "fork":
        yield from map(reader.read, files)
        return
    import multiprocessing

    _reader["reader"] = reader
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_read, files, CHUNK)
    finally:
        _reader.clear()


def _fingerprint(values: dict[str, Decimal]) -> int:
    """Equal for equal figures (Decimal's hash is its value's), to tell a copy sent twice from
    a different form once the figures are dropped; a worker process shares the hash seed."""
    return hash(tuple(sorted(values.items())))


def _add(totals: dict[str, Decimal], values: dict[str, Decimal], sign: int = 1) -> None:
    for ref, value in values.items():
        totals[ref] += value if sign > 0 else -value


def collect(inputs: list[Path], plan_path: Path, catalog: Catalog | None = None,
            exclude: Path | None = None, institutions_file: Path | None = None, workers: int = 1) -> Collection:
    """Read, check and sum every form in ``inputs``.  Each form's numbers are
    added as it is read and then dropped, so memory does not grow with its
    numbers; a unit that sent a form twice is settled at the end (the first
    copy, already added, is read again to take it out when the copies differ)."""
    catalog = catalog or Catalog()
    resolved = resolve(Path(plan_path), catalog)
    forms = _forms(resolved)
    if not forms:
        raise InputError.single(f"专项 “{resolved.campaign.id}” 没有统计表，无可汇总", plan_path, None, "campaign")
    names = expected_institutions(institutions_file)
    files, ignored, unreadable = gather([Path(p) for p in inputs], exclude)
    subordinates = catalog.children_of(resolved.jurisdiction)  # once: the units expected, by id
    reader = FormReader(resolved, {f.form_id: f for f in forms}, {j.id: j for j in subordinates},
                        set(names) if names is not None else None)
    by_form = {f.form_id: f for f in forms}
    totals = {f.form_id: {c.ref: Decimal(0) for c in f.cells if c.kind == "input"} for f in forms}
    per_unit: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    issues: list[Issue] = list(unreadable)
    for submission, problem in read_all(reader, files, workers):
        if problem is not None:
            issues.append(problem)
            continue
        form = by_form[submission.form_id]
        form.submissions.append(submission)
        issues.extend(submission.issues)
        copies = per_unit[(form.form_id, submission.unit_id)]
        copies.append(submission)
        if not any(not i.soft for i in submission.issues) and len(copies) == 1:
            _add(totals[form.form_id], submission.values)
            submission.included = True
        submission.fingerprint = _fingerprint(submission.values)
        submission.values = {}
    for (form_id, _), copies in per_unit.items():
        if len(copies) > 1:
            issues.append(_settle(reader, by_form[form_id], copies, totals[form_id]))
    for form in forms:
        seen = {unit_id for (form_id, unit_id) in per_unit if form_id == form.form_id}
        form.missing = [j for j in subordinates if j.id not in seen]
        if form.filled_by == "institution":
            form.missing_institutions = [n for n in names or () if f"机构/{n}" not in seen]
        form.totals = compute_totals(form, {ref: number(v) for ref, v in totals[form.form_id].items()})
    order = list(CATEGORY_TITLES)
    issues.sort(key=lambda i: (order.index(i.category), str(i.file), i.where))
    return Collection(resolved, subordinates, files, ignored, forms, issues,
                      len(names) if names is not None else None)


def _settle(reader: FormReader, form: FormResult, copies: list[Submission], totals: dict[str, Decimal]) -> Issue:
    """A unit that sent the same form more than once: counted once when every
    copy is sound and the numbers agree, else not at all."""
    same = all(not s.hard_issues for s in copies) and len({s.fingerprint for s in copies}) == 1
    first = copies[0]
    if first.included and not same:
        again, _ = reader.read(first.path)
        if again is not None:  # it was read once already; it is read the same way again
            _add(totals, again.values, -1)
        first.included = False
    names = "、".join(shown_path(s.path) for s in copies)
    note = "各份数字相同，只计入一份" if same else "各份数字不同，均未计入汇总，请确认后只保留一份"
    return Issue(DUPLICATE, first.path, f"{first.unit}的{form.annex.title}报送了 {len(copies)} 份（{names}）：{note}")


def write(collection: Collection, out_dir: Path, force: bool = False) -> WriteReport:
    resolved = collection.resolved
    meta = {
        "generator": f"planmaker {__version__}",
        "command": "collect",
        "plan": resolved.plan_file.name,
        "profile": resolved.jurisdiction.id,
        "jurisdiction": resolved.jurisdiction.name,
        "campaign": resolved.campaign.id,
        "complete": collection.clean,
        "versions": versions(),
    }
    return write_outputs(Path(out_dir), render(collection), meta, force=force)

