"""The forms being collected, and reading one filled-in form: its metadata,
its cells, its totals, and every problem with file, sheet and cell."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from planmaker.base.errors import InputError
from planmaker.base.files import sha256, shown_path
from planmaker.collect.cells import describe, input_value, number, number_text
from planmaker.inputs.catalog import Jurisdiction
from planmaker.inputs.stats_rules import Check, holds, rule_text, value
from planmaker.office import xlsx_read as xr
from planmaker.office.stats_layout import FORMAT, META_SHEET, UNIT_CELL, Cell
from planmaker.plan.annexes import Annex
from planmaker.plan.resolve import Resolved

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ods"}
MAX_FORM_BYTES = 20 * 1024 * 1024  # a filled form is some 20 KB

# Problem categories, in the order the report lists them.
FOREIGN = "foreign"  # not a form of this campaign, form, period or jurisdiction
CELL = "cell"  # a cell that is not a number the form allows
TOTAL = "total"  # a 合计 that disagrees with its parts
RULE = "rule"  # a hard rule of the form broken: not summed until corrected
DUPLICATE = "duplicate"  # a unit that sent the same form more than once
UNREADABLE = "unreadable"  # a folder that could not be listed
SOFT = "soft"  # a soft rule broken: summed, listed for checking
CATEGORY_TITLES = {
    FOREIGN: "不是本次统计表的文件",
    CELL: "填写有误的单元格",
    TOTAL: "合计与分项不符",
    DUPLICATE: "重复报送",
    RULE: "不符合校验规则（未计入汇总）",
    SOFT: "请核实的数字（已计入汇总）",
    UNREADABLE: "无法读取的文件夹",
}


@dataclass(frozen=True)
class Issue:
    category: str
    file: Path
    text: str
    where: str = ""  # "统计表二!D7"

    @property
    def soft(self) -> bool:
        return self.category == SOFT

    def __str__(self) -> str:
        place = f"［{self.where}］" if self.where else ""
        return f"{shown_path(self.file)}{place}：{self.text}"


@dataclass(slots=True)
class Submission:
    """One file identified as a subordinate's form.  A province collects tens of
    thousands: its figures are dropped once summed, and it has no __dict__."""

    path: Path
    unit_id: str
    unit: str
    form_id: str
    digest: str
    values: dict[str, Decimal] = field(default_factory=dict)  # input cell → value
    blanks: int = 0
    issues: list[Issue] = field(default_factory=list)
    included: bool = False
    institution: bool = False  # an institution's own form, not a jurisdiction's
    fingerprint: int = 0  # of the values, to tell a repeated form from a different one once they are dropped

    @property
    def hard_issues(self) -> list[Issue]:
        return [i for i in self.issues if not i.soft]


@dataclass
class FormResult:
    """One of the campaign's forms: what it expects and what was summed."""

    annex: Annex
    cells: list[Cell]
    sums: dict[str, tuple[list[str], str]]
    labels: dict[str, str]  # cell → "line · column", for messages
    version: str
    layout: dict[str, str]  # every label of the blank form below the title rows: cell → text
    checks: list[Check] = field(default_factory=list)  # the spec's rules on this form's cells
    submissions: list[Submission] = field(default_factory=list)
    missing: list[Jurisdiction] = field(default_factory=list)
    missing_institutions: list[str] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)  # every input and sum cell

    @property
    def form_id(self) -> str:
        return self.annex.spec.id

    @property
    def included(self) -> list[Submission]:
        return [s for s in self.submissions if s.included]

    @property
    def filled_by(self) -> str:
        return self.annex.spec.filled_by


@dataclass
class Collection:
    resolved: Resolved
    subordinates: list[Jurisdiction]
    files: list[Path]
    ignored: list[Path]
    forms: list[FormResult]
    issues: list[Issue]
    institutions: int | None = None  # how many the --institutions list names, None without one

    @property
    def missing(self) -> list[tuple[FormResult, Jurisdiction | str]]:
        """(form, subordinate jurisdiction or institution name) for each form not received."""
        found: list[tuple[FormResult, Jurisdiction | str]] = []
        for form in self.forms:
            found += [(form, unit) for unit in form.missing]
            found += [(form, name) for name in form.missing_institutions]
        return found

    @property
    def hard_issues(self) -> list[Issue]:
        return [i for i in self.issues if not i.soft]

    @property
    def clean(self) -> bool:
        """Complete: every form received and none refused (soft rules broken are only listed)."""
        return not self.hard_issues and not self.missing



FILLER_NAMES = {"institution": "各医疗机构", "jurisdiction": "各下级单位", "province": "省级单位",
                "prefecture": "市（州）级单位", "county": "县（区）级单位"}


# ------------------------------------------------------------------ reading one file

def _formula(text: str) -> str:
    return text.lstrip("=").replace("$", "").replace(" ", "").upper()


class FormReader:
    def __init__(self, resolved: Resolved, forms: dict[str, FormResult], subordinates: dict[str, Jurisdiction],
                 institutions: set[str] | None = None):
        self.resolved = resolved
        self.forms = forms
        self.subordinates = subordinates
        self.institutions = institutions  # names on the --institutions list
        start, end = resolved.dates["start"], resolved.dates["end"]
        self.period = f"{start.iso() if start else ''}/{end.iso() if end else ''}"

    def read(self, path: Path) -> tuple[Submission | None, Issue | None]:
        def foreign(text: str):
            return None, Issue(FOREIGN, path, text)

        data = _read_form(path)
        if isinstance(data, str):
            return foreign(data)
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
            sheet = meta.get("sheet", "")
            if sheet not in book.sheet_names():
                return foreign(f"找不到工作表 “{sheet}”（工作表可能被改名或删除）")
            if book.sheet_state(sheet) != "visible":
                return foreign(f"元数据指向的工作表 “{sheet}” 是隐藏的：填报单位看不到其中的数字，不能汇总")
            cells = book.cells(sheet)
        except xr.XlsxError as exc:
            return foreign(str(exc))
        unit_id, refused = self._reporting_unit(meta, cells, sheet, form)
        if refused:
            return foreign(refused)
        moved = next(((ref, text) for ref, text in form.layout.items() if xr.text_of(cells.get(ref, xr.EMPTY)) != text),
                     None)
        if moved is not None:
            ref, text = moved
            found = xr.text_of(cells.get(ref, xr.EMPTY))
            return foreign(f"表格的行列与下发的表不一致（{sheet}!{ref} 应为 “{text[:20]}”，实为 “{found[:20]}”），"
                           "可能插入、删除或移动了行列，无法按位置汇总")
        institution = meta.get("institution", "")
        submission = Submission(path, unit_id, institution or self.subordinates[unit_id].name,
                                form.form_id, sha256(data), institution=bool(institution))
        self._check(submission, form, sheet, cells)
        return submission, None

    def _reporting_unit(self, meta: dict[str, str], cells, sheet: str, form: FormResult) -> tuple[str, str]:
        """(the subordinate's id, or why the form is refused).

        A summed form names its jurisdiction in the metadata.  A blank form,
        sent down and filled in there, names it where the clerk wrote it, in
        the 填报单位 cell: full or short name (柳州市, 柳州); left empty on a
        form a subordinate built from its own plan, it is that subordinate's."""
        own = self.resolved.jurisdiction
        institution = meta.get("institution", "")
        if institution and form.filled_by != "institution":
            return "", f"是机构 “{institution}” 填写的{form.annex.title}，此表由{FILLER_NAMES[form.filled_by]}填报，不由机构填报"
        if institution:  # an institution's own form: whose it is, and whether it is on the list
            problem = self._institution_problem(institution, meta.get("issuer_id", ""), meta.get("issuer", ""))
            return ("", problem) if problem else (f"机构/{institution}", "")
        unit_id, unit = meta.get("jurisdiction_id", ""), meta.get("jurisdiction", "")
        if not unit_id:
            unit = re.sub(r"\s+|（盖章）|\(盖章\)", "", xr.text_of(cells.get(UNIT_CELL, xr.EMPTY)))
            issuer = meta.get("issuer_id", "")
            if not unit and issuer in self.subordinates:
                # a subordinate's own form (from its own plan), filled in by itself
                return issuer, ""
            if not unit and issuer and issuer != own.id:
                return "", f"填报单位 “{meta.get('issuer', issuer)}” 不是{own.name}的下级单位"
            if not unit:
                return "", f"没有填写填报单位（{sheet}!{UNIT_CELL}），不知道是哪个下级报送的"
            unit_id = next((i for i, j in self.subordinates.items()
                            if unit in {j.name, j.short_name, j.full_name}), "")
            if not unit_id:
                return "", f"填报单位 “{unit}” 不是{own.name}的下级单位"
            if issuer in self.subordinates and issuer != unit_id:
                # a subordinate's own form claiming another's name, or its metadata edited (issue 14)
                return "", _disagree(unit, meta.get("issuer", issuer))
        else:
            shown = re.sub(r"\s+|（盖章）|\(盖章\)", "", xr.text_of(cells.get(UNIT_CELL, xr.EMPTY)))
            named = self.subordinates.get(unit_id)
            names = {unit} | ({named.name, named.short_name, named.full_name} if named else set())
            if shown and not any(n and (shown.startswith(n) or n.startswith(shown)) for n in names):
                # the hidden sheet edited to claim another unit's form (issue 14)
                return "", _disagree(shown, unit)
        if unit_id == own.id:
            return "", f"是{own.name}本级的表，不是下级报送的"
        if unit_id not in self.subordinates:
            return "", f"填报单位 “{unit}” 不是{own.name}的下级单位"
        return unit_id, ""

    def _institution_problem(self, institution: str, unit_id: str, unit: str) -> str | None:
        own = self.resolved.jurisdiction
        if unit_id != own.id:
            return f"是{unit or unit_id}的机构 “{institution}” 的表，不是{own.name}的机构报送的"
        if self.institutions is None:
            return f"是机构 “{institution}” 的表：汇总机构报送的表，请用 --institutions 给出机构名单"
        if institution not in self.institutions:
            return f"填报单位 “{institution}” 不在机构名单中"
        return None

    def _check(self, sub: Submission, form: FormResult, sheet: str, cells: dict[str, xr.RawCell]) -> None:
        def issue(category: str, ref: str, text: str):
            sub.issues.append(Issue(category, sub.path, f"{form.labels[ref]}：{text}", f"{sheet}!{ref}"))

        bad = set()
        for cell in form.cells:
            if cell.kind != "input":
                continue
            raw = cells.get(cell.ref, xr.EMPTY)
            value, problem = input_value(raw, cell.decimals, cells)
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
        for ref, (_parts, formula) in form.sums.items():
            if bad and _depends_on(ref, form.sums, bad):
                continue  # its parts are already reported
            raw = cells.get(ref, xr.EMPTY)
            expected = computed[ref]
            shown = number_text(expected)
            if raw.kind == "n":
                if number(raw.value) != expected:
                    issue(TOTAL, ref, f"合计为 {number_text(number(raw.value))}，各分项之和为 {shown}")
            elif raw.kind == "":
                if raw.formula is None:
                    if expected != 0:
                        issue(TOTAL, ref, f"合计单元格是空的（公式被删除），各分项之和为 {shown}")
                elif raw.formula and _formula(raw.formula) != _formula(formula):
                    issue(TOTAL, ref, f"合计公式被改为 “={raw.formula}”（应为 “{formula}”），各分项之和为 {shown}")
            elif not (raw.kind == "s" and not str(raw.value).strip() and expected == 0):
                issue(TOTAL, ref, f"合计单元格不是数字（{describe(raw)}），各分项之和为 {shown}")
        self._rules(sub, form, sheet, computed, bad)

    def _rules(self, sub: Submission, form: FormResult, sheet: str, values: dict[str, Decimal],
               bad: set[str]) -> None:
        """Each rule of the form checked on its cells; one not checkable for a bad cell is left out."""
        spec = form.annex.spec
        for check in form.checks:
            if bad and any(ref in bad or _depends_on(ref, form.sums, bad) for ref in check.refs):
                continue
            left, right = value(check.left, values), value(check.right, values)
            if holds(check.rule.op, left, right):
                continue
            soft = check.rule.severity == "soft"
            where = f"（{check.scope}）" if check.scope else ""
            text = (f"不符合规则“{rule_text(check.rule, spec)}”{where}：左边为 {number_text(number(left))}，"
                    f"右边为 {number_text(number(right))}" + ("，已计入汇总，请核实" if soft else "，请改正后重新报送"))
            sub.issues.append(Issue(SOFT if soft else RULE, sub.path, text, f"{sheet}!{check.at}"))


def _read_form(path: Path) -> bytes | str:
    """The file's bytes, or why it was not read: refused by size before it is read (a zip's
    directory and every part's inflation are bounded by the reader, xlsx_read)."""
    from planmaker.base.inputfile import open_regular

    try:
        with open(open_regular(path), "rb") as handle:  # a named pipe or a device is refused, not waited on
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FORM_BYTES:
                return f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_FORM_BYTES // 1024 // 1024} MB），不像统计表，未读取"
            return handle.read(MAX_FORM_BYTES + 1)
    except InputError as exc:
        return exc.problems[0].message
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"


def _disagree(shown: str, hidden: str) -> str:
    return (f"表上的填报单位是 “{shown}”，表内隐藏的元数据却是 “{hidden}”：二者不符，无法确定是哪个单位的表，"
            "请核实后用下发的空白表重新填报")


def _depends_on(ref: str, sums: dict[str, tuple[list[str], str]], bad: set[str]) -> bool:
    parts = sums.get(ref, ([], ""))[0]
    return any(p in bad or _depends_on(p, sums, bad) for p in parts)


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
