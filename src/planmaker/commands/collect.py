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
from dataclasses import dataclass, field
from decimal import Context, Decimal
from pathlib import Path

from planmaker import __version__
from planmaker.base.errors import InputError
from planmaker.base.files import Artifact, sha256
from planmaker.commands.output import WriteReport, write_outputs
from planmaker.inputs.catalog import Catalog, Jurisdiction
from planmaker.office import xlsx_read as xr
from planmaker.office.xlsx_stats import (
    FORMAT,
    HEAD_ROW,
    META_SHEET,
    Cell,
    cell_map,
    sum_cells,
)
from planmaker.plan.resolve import Resolved, resolve

REPORT_FILE = "汇总报告.txt"
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ods"}
_FIFTEEN = Context(prec=15)  # the digits Excel and LibreOffice keep and show

# Problem categories, in the order the report lists them.
FOREIGN = "foreign"  # not a form of this campaign, form, period or jurisdiction
CELL = "cell"  # a cell that is not a number the form allows
TOTAL = "total"  # a 合计 that disagrees with its parts
DUPLICATE = "duplicate"  # a unit that sent the same form more than once
CATEGORY_TITLES = {
    FOREIGN: "不是本次统计表的文件",
    CELL: "填写有误的单元格",
    TOTAL: "合计与分项不符",
    DUPLICATE: "重复报送",
}


@dataclass(frozen=True)
class Issue:
    category: str
    file: Path
    text: str
    where: str = ""  # "统计表二!D7"

    def __str__(self) -> str:
        place = f"［{self.where}］" if self.where else ""
        return f"{self.file}{place}：{self.text}"


@dataclass
class Submission:
    """One file identified as a subordinate's form."""

    path: Path
    unit_id: str
    unit: str
    form_id: str
    digest: str
    values: dict[str, Decimal] = field(default_factory=dict)  # input cell → value
    blanks: int = 0
    issues: list[Issue] = field(default_factory=list)
    included: bool = False


@dataclass
class FormResult:
    """One of the campaign's forms: what it expects and what was summed."""

    annex: object
    cells: list[Cell]
    sums: dict[str, tuple[list[str], str]]
    labels: dict[str, str]  # cell → "line · column", for messages
    version: str
    layout: dict[str, str]  # every label of the blank form below the title rows: cell → text
    submissions: list[Submission] = field(default_factory=list)
    missing: list[Jurisdiction] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)  # every input and sum cell

    @property
    def form_id(self) -> str:
        return self.annex.spec.id

    @property
    def included(self) -> list[Submission]:
        return [s for s in self.submissions if s.included]


@dataclass
class Collection:
    resolved: Resolved
    subordinates: list[Jurisdiction]
    files: list[Path]
    ignored: list[Path]
    forms: list[FormResult]
    issues: list[Issue]

    @property
    def missing(self) -> list[tuple[FormResult, Jurisdiction]]:
        return [(form, unit) for form in self.forms for unit in form.missing]

    @property
    def clean(self) -> bool:
        return not self.issues and not self.missing


# ------------------------------------------------------------------ gathering

def gather(inputs: list[Path], exclude: Path | None = None) -> tuple[list[Path], list[Path]]:
    """The files to read and the files skipped in the folders given.

    A file named on the command line is always read; in a folder, spreadsheets
    are read (an .xls or .ods is reported, not skipped: it may be a form saved
    in the wrong format) and other files are listed as skipped.  Lock files of
    Excel (~$…) and LibreOffice (.~lock…) and the output folder are left out."""
    problems = [f"找不到 “{path}”" for path in inputs if not path.exists()]
    if problems:
        raise InputError.single("；".join(problems), field="INPUTS")
    excluded = exclude.resolve() if exclude is not None else None
    files, ignored, seen = [], [], set()
    for path in inputs:
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in found:
            resolved = candidate.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            if path.is_dir():
                if excluded is not None and (resolved == excluded or excluded in resolved.parents):
                    continue
                if candidate.name.startswith(("~$", ".~lock")) or candidate.suffix.lower() not in SPREADSHEET_SUFFIXES:
                    ignored.append(candidate)
                    continue
            files.append(candidate)
    return files, ignored


# ------------------------------------------------------------------ reading one file

def number(value: Decimal) -> Decimal:
    """A stored number as a spreadsheet shows it: 15 significant digits, so that
    Excel's ``0.30000000000000004`` is 0.3."""
    return _FIFTEEN.plus(value)


def _formula(text: str) -> str:
    return text.lstrip("=").replace("$", "").replace(" ", "").upper()


class _Reader:
    def __init__(self, resolved: Resolved, forms: dict[str, FormResult], subordinates: dict[str, Jurisdiction]):
        self.resolved = resolved
        self.forms = forms
        self.subordinates = subordinates
        start, end = resolved.dates["start"], resolved.dates["end"]
        self.period = f"{start.iso() if start else ''}/{end.iso() if end else ''}"

    def read(self, path: Path) -> tuple[Submission | None, Issue | None]:
        def foreign(text: str):
            return None, Issue(FOREIGN, path, text)

        try:
            data = path.read_bytes()
        except OSError as exc:
            return foreign(f"无法读取（{exc.strerror or exc}）")
        try:
            book = xr.Workbook(data)
            if META_SHEET not in book.sheet_names():
                return foreign("不是 planmaker 生成的统计表（没有 _planmaker 元数据工作表）")
            meta = book.key_values(META_SHEET)
            if meta.get("format") != FORMAT:
                return foreign(f"不是可汇总的 planmaker 统计表（格式为 “{meta.get('format', '')}”）")
            campaign = self.resolved.campaign.id
            if meta.get("campaign") != campaign:
                return foreign(f"属于另一专项 “{meta.get('campaign', '')}”（本次为 “{campaign}”）")
            form = self.forms.get(meta.get("form_id", ""))
            if form is None:
                return foreign(f"是统计表 “{meta.get('form_id', '')}”，本专项没有此表")
            if meta.get("template_version") != form.version:
                return foreign(f"{form.annex.title}的格式与本级的不同（由另一版本的专项模板生成），不能直接相加")
            if meta.get("period") != self.period:
                return foreign(f"统计时段为 “{meta.get('period', '')}”，本级为 “{self.period}”")
            unit_id, unit = meta.get("jurisdiction_id", ""), meta.get("jurisdiction", "")
            own = self.resolved.jurisdiction
            if unit_id == own.id:
                return foreign(f"是{own.name}本级的表，不是下级报送的")
            if unit_id not in self.subordinates:
                return foreign(f"填报单位 “{unit}” 不是{own.name}的下级单位")
            sheet = meta.get("sheet", "")
            if sheet not in book.sheet_names():
                return foreign(f"找不到工作表 “{sheet}”（工作表可能被改名或删除）")
            cells = book.cells(sheet)
        except xr.XlsxError as exc:
            return foreign(str(exc))
        moved = next(((ref, text) for ref, text in form.layout.items() if xr.text_of(cells.get(ref, xr.EMPTY)) != text),
                     None)
        if moved is not None:
            ref, text = moved
            found = xr.text_of(cells.get(ref, xr.EMPTY))
            return foreign(f"表格的行列与下发的表不一致（{sheet}!{ref} 应为 “{text[:20]}”，实为 “{found[:20]}”），"
                           "可能插入、删除或移动了行列，无法按位置汇总")
        submission = Submission(path, unit_id, self.subordinates[unit_id].name, form.form_id, sha256(data))
        self._check(submission, form, sheet, cells)
        return submission, None

    def _check(self, sub: Submission, form: FormResult, sheet: str, cells: dict[str, xr.RawCell]) -> None:
        def issue(category: str, ref: str, text: str):
            sub.issues.append(Issue(category, sub.path, f"{form.labels[ref]}：{text}", f"{sheet}!{ref}"))

        bad = set()
        for cell in form.cells:
            if cell.kind != "input":
                continue
            raw = cells.get(cell.ref, xr.EMPTY)
            value, problem = _input_value(raw, cell.decimals)
            if problem:
                issue(CELL, cell.ref, problem)
                bad.add(cell.ref)
            elif value is None:
                sub.blanks += 1
            sub.values[cell.ref] = value or Decimal(0)
        inputs = [c for c in form.cells if c.kind == "input"]
        if not bad and sub.blanks == len(inputs):
            sub.issues.append(Issue(CELL, sub.path, "整张表没有填写任何数字（如确实全部为零，请填写 0）", sheet))
            return
        computed = compute_totals(form, sub.values)
        for ref, (parts, formula) in form.sums.items():
            if _depends_on(ref, form.sums, bad):
                continue  # its parts are already reported
            raw = cells.get(ref, xr.EMPTY)
            expected = computed[ref]
            shown = _text(expected)
            if raw.kind == "n":
                if number(raw.value) != expected:
                    issue(TOTAL, ref, f"合计为 {_text(number(raw.value))}，各分项之和为 {shown}")
            elif raw.kind == "":
                if raw.formula is None:
                    if expected != 0:
                        issue(TOTAL, ref, f"合计单元格是空的（公式被删除），各分项之和为 {shown}")
                elif raw.formula and _formula(raw.formula) != _formula(formula):
                    issue(TOTAL, ref, f"合计公式被改为 “={raw.formula}”（应为 “{formula}”），各分项之和为 {shown}")
            elif not (raw.kind == "s" and not str(raw.value).strip() and expected == 0):
                issue(TOTAL, ref, f"合计单元格不是数字（{_describe(raw)}），各分项之和为 {shown}")


def _depends_on(ref: str, sums: dict[str, tuple[list[str], str]], bad: set[str]) -> bool:
    parts = sums.get(ref, ([], ""))[0]
    return any(p in bad or _depends_on(p, sums, bad) for p in parts)


def _describe(raw: xr.RawCell) -> str:
    if raw.kind == "s":
        text = str(raw.value)
        return f"文字 “{text[:20]}{'…' if len(text) > 20 else ''}”"
    if raw.kind == "b":
        return f"逻辑值 {xr.text_of(raw)}"
    if raw.kind == "e":
        return f"错误值 {raw.value}"
    if raw.kind == "d":
        return f"日期 {raw.value}"
    return xr.text_of(raw)


def _input_value(raw: xr.RawCell, decimals: bool) -> tuple[Decimal | None, str | None]:
    """(value or None for blank, problem or None)."""
    if raw.kind == "":
        if raw.formula is not None:
            return None, f"公式 “={raw.formula}” 没有计算结果（请在 Excel 或 LibreOffice 中打开、保存后再报送，或直接填写数字）"
        return None, None
    if raw.kind == "s" and not str(raw.value).strip():
        return None, None
    if raw.kind != "n":
        return None, f"不是数字，而是{_describe(raw)}"
    value = number(raw.value)
    if value < 0:
        return None, f"{_text(value)} 是负数（应为不小于 0 的数）"
    if not decimals and value != value.to_integral_value():
        return None, f"{_text(value)} 不是整数（此项只能填写不小于 0 的整数）"
    return value, None


def compute_totals(form: FormResult, values: dict[str, Decimal]) -> dict[str, Decimal]:
    """Input values plus every 合计, a 合计 of 合计s included."""
    totals = dict(values)

    def total(ref: str) -> Decimal:
        if ref not in totals:
            totals[ref] = number(sum((total(p) for p in form.sums[ref][0]), Decimal(0)))
        return totals[ref]

    for ref in form.sums:
        total(ref)
    return totals


def _text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


# ------------------------------------------------------------------ the whole collection

def _forms(resolved: Resolved) -> list[FormResult]:
    from planmaker.commands.build import make_job
    from planmaker.kinds.stats import spec_version

    forms = []
    for annex in make_job(resolved).annexes:
        if annex.kind != "stats":
            continue
        spec = annex.spec
        texts = {}
        for g, group in enumerate(spec.groups):
            for i, line in enumerate(group.lines):
                for k, sub in enumerate(line.subs or [None]):
                    entry = sub or line
                    key = entry.id or f"@{g + 1}.{i + 1}" + (f".{k + 1}" if sub else "")
                    texts[key] = f"{line.text}·{sub.text}" if sub else line.text
        cells = cell_map(spec)
        labels = {c.ref: f"{texts[c.line_id]}／{spec.columns[c.column]}" for c in cells}
        forms.append(FormResult(annex, cells, sum_cells(spec), labels, spec_version(annex),
                                _layout(resolved, annex)))
    return forms


def _layout(resolved: Resolved, annex) -> dict[str, str]:
    """The labels of the blank form as planmaker builds it (headers, line texts, units,
    footer): a filled form must have each in the same cell, or its numbers are not
    where the cell map says."""
    from planmaker.commands.build import document_time
    from planmaker.kinds.stats import stats_xlsx

    book = xr.Workbook(stats_xlsx(resolved, annex, document_time(resolved)))
    sheet = book.sheet_names()[0]
    labels = {}
    for ref, cell in book.cells(sheet).items():
        if cell.kind == "s" and xr.split_ref(ref)[1] >= HEAD_ROW:
            labels[ref] = cell.value
    return labels


def collect(inputs: list[Path], plan_path: Path, catalog: Catalog | None = None,
            exclude: Path | None = None) -> Collection:
    catalog = catalog or Catalog()
    resolved = resolve(Path(plan_path), catalog)
    forms = _forms(resolved)
    if not forms:
        raise InputError.single(f"专项 “{resolved.campaign.id}” 没有统计表，无可汇总", plan_path, None, "campaign")
    files, ignored = gather([Path(p) for p in inputs], exclude)
    subordinates = catalog.children_of(resolved.jurisdiction)
    reader = _Reader(resolved, {f.form_id: f for f in forms}, {j.id: j for j in subordinates})
    by_form = {f.form_id: f for f in forms}
    issues: list[Issue] = []
    for path in files:
        submission, problem = reader.read(path)
        if problem is not None:
            issues.append(problem)
        else:
            by_form[submission.form_id].submissions.append(submission)

    for form in forms:
        per_unit: dict[str, list[Submission]] = defaultdict(list)
        for sub in form.submissions:
            per_unit[sub.unit_id].append(sub)
        for unit_id, subs in per_unit.items():
            for sub in subs:
                issues.extend(sub.issues)
            good = [s for s in subs if not s.issues]
            if len(subs) > 1:
                same = len(good) == len(subs) and len({tuple(sorted(s.values.items())) for s in subs}) == 1
                names = "、".join(str(s.path) for s in subs)
                note = ("各份数字相同，只计入一份" if same else "各份数字不同，均未计入汇总，请确认后只保留一份")
                issues.append(Issue(DUPLICATE, subs[0].path,
                                    f"{subs[0].unit}的{form.annex.title}报送了 {len(subs)} 份（{names}）：{note}"))
                good = good[:1] if same else []
            for sub in good:
                sub.included = True
        seen = set(per_unit)
        form.missing = [j for j in subordinates if j.id not in seen]
        totals = {c.ref: Decimal(0) for c in form.cells if c.kind == "input"}
        for sub in form.included:
            for ref, value in sub.values.items():
                totals[ref] += value
        form.totals = compute_totals(form, {ref: number(v) for ref, v in totals.items()})
    order = list(CATEGORY_TITLES)
    issues.sort(key=lambda i: (order.index(i.category), str(i.file), i.where))
    return Collection(resolved, subordinates, files, ignored, forms, issues)


# ------------------------------------------------------------------ report and outputs

def report_text(collection: Collection) -> str:
    resolved = collection.resolved
    from planmaker.plan.annexes import period_text

    own = resolved.jurisdiction
    lines = [f"{own.name}统计表汇总报告",
             f"专项：{resolved.campaign.model.name}（{resolved.campaign.id}）　统计时段：{period_text(resolved)}",
             f"读取文件 {len(collection.files)} 个；计入汇总 {sum(len(f.included) for f in collection.forms)} 个；"
             f"发现问题 {len(collection.issues) + len(collection.missing)} 处。",
             ""]
    section = 0

    def heading(text: str) -> None:
        nonlocal section
        section += 1
        lines.append(f"{'一二三四五六七八九十'[section - 1]}、{text}")

    heading(f"未报送的下级单位（{len(collection.missing)}）")
    if not collection.subordinates:
        lines.append(f"  {own.name}的辖区配置没有下级单位（没有以 {own.id} 为 parent 的辖区配置），无法核对谁未报送。")
    elif not collection.missing:
        lines.append("  无。")
    for form in collection.forms:
        if form.missing:
            lines.append(f"  {form.annex.title}：{'、'.join(j.name for j in form.missing)}")
    for category, title in CATEGORY_TITLES.items():
        found = [i for i in collection.issues if i.category == category]
        heading(f"{title}（{len(found)}）")
        lines.extend(f"  {issue}" for issue in found) if found else lines.append("  无。")
    excluded = [s for f in collection.forms for s in f.submissions if not s.included]
    heading(f"未计入汇总的下级报表（{len(excluded)}）")
    lines.extend(f"  {s.unit}　{s.path}" for s in excluded) if excluded else lines.append("  无。")
    heading("计入汇总的文件")
    for form in collection.forms:
        lines.append(f"  {form.annex.title}（{len(form.included)} 个）：")
        for sub in sorted(form.included, key=lambda s: s.unit_id):
            blanks = f"（{sub.blanks} 个空白单元格按 0 计）" if sub.blanks else ""
            lines.append(f"    {sub.unit}　{sub.path}　sha256:{sub.digest[:12]}{blanks}")
    if collection.ignored:
        heading(f"已跳过的非表格文件（{len(collection.ignored)}）")
        lines.extend(f"  {p}" for p in collection.ignored)
    lines.append("")
    if collection.clean:
        lines.append("结论：全部下级均已报送，未发现问题，汇总完整。")
    else:
        lines.append("结论：有问题，汇总不完整。以上问题改正后请重新汇总，再向上级报送。")
    return "\n".join(lines) + "\n"


def _cell_value(value: Decimal, decimals: bool):
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def render(collection: Collection) -> list[Artifact]:
    """The summed forms (.xlsx and .docx) and the report, in memory."""
    from planmaker.base.files import safe_filename
    from planmaker.commands.build import document_time
    from planmaker.kinds.stats import stats_docx, stats_xlsx

    resolved = collection.resolved
    when = document_time(resolved)
    author = resolved.plan.issuer if resolved.plan.issuer is not None else resolved.jurisdiction.issuer
    artifacts = []
    for form in collection.forms:
        annex = form.annex
        name = safe_filename(f"{annex.label}-{annex.title}（汇总）")
        units = sorted(form.included, key=lambda s: s.unit_id)
        more = {
            "collected_units": "、".join(s.unit for s in units),
            "collected_files": str(len(units)),
            "complete": "no" if collection.missing or collection.issues else "yes",
        }
        values = {c.ref: _cell_value(form.totals[c.ref], c.decimals) for c in form.cells if c.kind == "input"}
        extra = {"annex": annex.number, "title": annex.title, "form": form.form_id,
                 "sources": [str(s.path) for s in units]}
        artifacts.append(Artifact(f"{name}.xlsx", "stats", stats_xlsx(resolved, annex, when, values, more), extra))
        ncols = len(annex.spec.columns)
        texts = [_text(form.totals[c.ref]) for c in form.cells]
        rows = [texts[k:k + ncols] for k in range(0, len(texts), ncols)]
        data = stats_docx(resolved, annex, author, when, rows)
        artifacts.append(Artifact(f"{name}.docx", "stats", data, extra))
    artifacts.append(Artifact(REPORT_FILE, "report", report_text(collection).encode("utf-8")))
    return artifacts


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
    }
    return write_outputs(Path(out_dir), render(collection), meta, force=force)
