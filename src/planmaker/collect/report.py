"""What a collection reports and writes: the report text, and the summed
forms (.xlsx to collect again one level up, and .docx)."""

from __future__ import annotations

from decimal import Decimal

from planmaker.base.files import Artifact, shown_path
from planmaker.base.numbering import chinese_number
from planmaker.collect.forms import CATEGORY_TITLES, RULE, SOFT, UNREADABLE, Collection, number_text

REPORT_FILE = "汇总报告.txt"

PROBLEMS_FILE = "问题清单.csv"
LISTED_WHEN_FOUND = {RULE, SOFT, UNREADABLE}  # sections the report has only when there is something in them
MISSING = "missing"


def _listed(lines: list[str], items: list[str], limit: int | None) -> None:
    """Each item on a line; past ``limit``, a count and where to read the rest."""
    shown = items if limit is None or len(items) <= limit else items[:limit]
    lines.extend(shown)
    if len(shown) < len(items):
        lines.append(f"  ……另有 {len(items) - len(shown)} 项，见 {REPORT_FILE} 和 {PROBLEMS_FILE}")


def _counts(collection: Collection) -> list[str]:
    own = collection.resolved.jurisdiction
    forms = collection.forms
    lines = [f"读取文件 {len(collection.files)} 个；计入汇总 {sum(len(f.included) for f in forms)} 个；"
             f"发现问题 {len(collection.issues) + len(collection.missing)} 处。"]
    if collection.subordinates:
        missing = sum(len(f.missing) for f in forms)
        lines.append(f"  应报送的下级单位 {len(collection.subordinates)} 个 × {len(forms)} 张表；未报送 {missing} 份。")
    if collection.institutions is not None:
        missing = sum(len(f.missing_institutions) for f in forms)
        lines.append(f"  应报送的机构 {collection.institutions} 家 × {len(forms)} 张表；未报送 {missing} 份。")
    if not collection.subordinates and collection.institutions is None:
        lines.append(f"  {own.name}的辖区配置没有下级单位（没有以 {own.id} 为 parent 的辖区配置），"
                     "也没有用 --institutions 给出机构名单，无法核对谁未报送。")
    for category, title in CATEGORY_TITLES.items():
        found = sum(1 for i in collection.issues if i.category == category)
        if found:
            lines.append(f"  {title}：{found} 处")
    return lines


def report_text(collection: Collection, limit: int | None = None) -> str:
    """The report: the counts first, then every problem and every file summed.
    ``limit`` lists at most that many lines a section (the screen; the file has them all)."""
    resolved = collection.resolved
    from planmaker.plan.annexes import period_text

    own = resolved.jurisdiction
    lines = [f"{own.name}统计表汇总报告",
             f"专项：{resolved.campaign.model.name}（{resolved.campaign.id}）　统计时段：{period_text(resolved)}",
             *_counts(collection), ""]
    section = 0

    def heading(text: str) -> None:
        nonlocal section
        section += 1
        lines.append(f"{chinese_number(section)}、{text}")

    missing = collection.missing
    also = "和机构" if collection.institutions is not None else ""
    heading(f"未报送的下级单位{also}（{len(missing)}）")
    if not missing:
        lines.append("  无。")
    for form in collection.forms:
        if form.missing:
            lines.append(f"  {form.annex.title}：{'、'.join(j.name for j in form.missing)}")
        if form.missing_institutions:
            lines.append(f"  {form.annex.title}，未报送的机构（{len(form.missing_institutions)}）：")
            _listed(lines, [f"    {name}" for name in form.missing_institutions], limit)
    for category, title in CATEGORY_TITLES.items():
        found = [i for i in collection.issues if i.category == category]
        if not found and category in LISTED_WHEN_FOUND:
            continue
        heading(f"{title}（{len(found)}）")
        _listed(lines, [f"  {issue}" for issue in found], limit) if found else lines.append("  无。")
    excluded = [s for f in collection.forms for s in f.submissions if not s.included]
    heading(f"未计入汇总的下级报表（{len(excluded)}）")
    _listed(lines, [f"  {s.unit}　{shown_path(s.path)}" for s in excluded], limit) if excluded else lines.append("  无。")
    heading("计入汇总的文件")
    for form in collection.forms:
        lines.append(f"  {form.annex.title}（{len(form.included)} 个）：")
        included = []
        for sub in sorted(form.included, key=lambda s: (s.institution, s.unit_id)):
            blanks = f"（{sub.blanks} 个空白单元格按 0 计）" if sub.blanks else ""
            included.append(f"    {sub.unit}　{shown_path(sub.path)}　sha256:{sub.digest[:12]}{blanks}")
        _listed(lines, included, limit)
    if collection.ignored:
        heading(f"已跳过的非表格文件（{len(collection.ignored)}）")
        _listed(lines, [f"  {shown_path(p)}" for p in collection.ignored], limit)
    lines.append("")
    soft = sum(1 for i in collection.issues if i.soft)
    if collection.clean and soft:
        lines.append(f"结论：全部下级均已报送，汇总完整；有 {soft} 处数字请核实（已计入汇总）。")
    elif collection.clean:
        lines.append("结论：全部下级均已报送，未发现问题，汇总完整。")
    else:
        lines.append("结论：有问题，汇总不完整。以上问题改正后请重新汇总，再向上级报送。")
    return "\n".join(lines) + "\n"


def problems_csv(collection: Collection) -> bytes:
    """Every problem, one a row, for a spreadsheet or a script: 类别, 表, 单位, 文件, 位置, 说明."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["类别", "类别说明", "表", "单位", "文件", "位置", "说明"])
    for form, unit in collection.missing:
        name = unit if isinstance(unit, str) else unit.name
        writer.writerow([MISSING, "未报送", form.annex.title, name, "", "", "未收到此表"])
    for issue in collection.issues:
        writer.writerow([issue.category, CATEGORY_TITLES[issue.category], "", "", str(issue.file), issue.where,
                         issue.text])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read it as UTF-8


def _cell_value(value: Decimal, decimals: bool):
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def status_line(collection: Collection, form) -> str:
    """How complete a summed form is, printed under its title: what is sent upwards says so itself."""
    expected = len(collection.subordinates) + (
        collection.institutions or 0 if form.filled_by == "institution" else 0)
    received = len({s.unit_id for s in form.submissions})
    refused = len({s.unit_id for s in form.submissions if not s.included})
    names = [j.name for j in form.missing] + list(form.missing_institutions)
    wrong = f"，其中 {refused} 份有误未计入汇总" if refused else ""
    if not expected:
        return f"已报 {received} 份{wrong}（未给出应报单位名单，无法核对是否报齐）"
    if not names and not refused:
        return f"应报 {expected} 份，全部报齐"
    if not names:
        return f"应报 {expected} 份、已报 {received} 份{wrong}"
    shown = "、".join(names[:10]) + (f"等 {len(names)} 个（名单见{PROBLEMS_FILE}）" if len(names) > 10 else "")
    return f"应报 {expected} 份、已报 {received} 份{wrong}，未报单位：{shown}"


def render(collection: Collection) -> list[Artifact]:
    """The summed forms (.xlsx and .docx) and the report, in memory."""
    from planmaker.base.files import safe_filename
    from planmaker.kinds.making import document_time
    from planmaker.kinds.stats import stats_docx, stats_xlsx

    resolved = collection.resolved
    when = document_time(resolved)
    author = resolved.issuer
    artifacts = []
    for form in collection.forms:
        annex = form.annex
        name = safe_filename(f"{annex.label}-{annex.title}（汇总）")
        units = sorted(form.included, key=lambda s: (s.institution, s.unit_id))
        more = {  # institutions are counted, not named: a province's would overflow a cell
            "collected_units": "、".join(s.unit for s in units if not s.institution),
            "collected_institutions": str(sum(1 for s in units if s.institution)),
            "collected_files": str(len(units)),
            "complete": "yes" if collection.clean else "no",
        }
        values = {c.ref: _cell_value(form.totals[c.ref], c.decimals) for c in form.cells if c.kind == "input"}
        extra = {"annex": annex.number, "title": annex.title, "form": form.form_id,
                 "sources": [str(s.path) for s in units]}
        status = status_line(collection, form)
        artifacts.append(Artifact(f"{name}.xlsx", "stats", stats_xlsx(resolved, annex, when, values, more,
                                                                       status=status), extra))
        ncols = len(annex.spec.columns)
        texts = [number_text(form.totals[c.ref]) for c in form.cells]
        rows = [texts[k:k + ncols] for k in range(0, len(texts), ncols)]
        data = stats_docx(resolved, annex, author, when, rows, status=status)
        artifacts.append(Artifact(f"{name}.docx", "stats", data, extra))
    artifacts.append(Artifact(REPORT_FILE, "report", report_text(collection).encode("utf-8")))
    artifacts.append(Artifact(PROBLEMS_FILE, "report", problems_csv(collection)))
    return artifacts
