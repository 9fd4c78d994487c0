"""What a collection reports and writes: the report text, and the summed
forms (.xlsx to collect again one level up, and .docx)."""

from __future__ import annotations

from decimal import Decimal

from planmaker.base.files import Artifact, shown_path
from planmaker.commands.collect_forms import CATEGORY_TITLES, Collection, number_text

REPORT_FILE = "汇总报告.txt"

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
    lines.extend(f"  {s.unit}　{shown_path(s.path)}" for s in excluded) if excluded else lines.append("  无。")
    heading("计入汇总的文件")
    for form in collection.forms:
        lines.append(f"  {form.annex.title}（{len(form.included)} 个）：")
        for sub in sorted(form.included, key=lambda s: s.unit_id):
            blanks = f"（{sub.blanks} 个空白单元格按 0 计）" if sub.blanks else ""
            lines.append(f"    {sub.unit}　{shown_path(sub.path)}　sha256:{sub.digest[:12]}{blanks}")
    if collection.ignored:
        heading(f"已跳过的非表格文件（{len(collection.ignored)}）")
        lines.extend(f"  {shown_path(p)}" for p in collection.ignored)
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
        texts = [number_text(form.totals[c.ref]) for c in form.cells]
        rows = [texts[k:k + ncols] for k in range(0, len(texts), ncols)]
        data = stats_docx(resolved, annex, author, when, rows)
        artifacts.append(Artifact(f"{name}.docx", "stats", data, extra))
    artifacts.append(Artifact(REPORT_FILE, "report", report_text(collection).encode("utf-8")))
    return artifacts
