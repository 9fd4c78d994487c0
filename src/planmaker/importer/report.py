"""What the importer tells the clerk: what it recognised, what it kept as
written (with the line it came from), and what to do next, above all what of the
original issuer's to change before the plan is built for another place."""

from __future__ import annotations

from pathlib import Path


def report_text(report, out_dir: Path) -> str:
    lines = ["识别到："]
    lines += [f"  {line}" for line in report.recognised]
    if report.unplaced:
        lines.append(f"未能归类（已按原文保留，请核对，共 {len(report.unplaced)} 处）：")
        for line, what in report.unplaced:
            where = f"第{line}行 " if line else ""
            if what.startswith("请核对："):
                lines.append(f"  请核对：{where}{what[4:]}")
            else:
                lines.append(f"  {where}{what}")
    else:
        lines.append("全部内容均已归类。")
    for path in report.written:
        lines.append(f"已写入：{path}")
    plan = out_dir / "plan.yaml"
    lines.append(f"下一步：planmaker check {plan}；planmaker build {plan} -o 输出"
                 "（润色方法见 docs/编写专项模板.md 第十四节）")
    lines.extend(getattr(report, "advice", []))
    return "\n".join(lines) + "\n"


def advice(plan, superior_from: str, made_for: str = "", contacts_dropped: bool = False) -> list[str]:
    """What to change in plan.yaml before building it for another place: each field that is the
    original issuer's, by name and value (the same words plan.yaml says beside it)."""
    if made_for:
        lines = [f"方案文件已按 --profile 为{made_for}制定：原方案的落款和文号未写入，落款为{made_for}的发文机关；"
                 "parent_document 为" + ("原方案的印发通知" if superior_from == "notice" else "原方案本身")]
        if contacts_dropped:
            lines.append("  原方案的联系人未写入：请在 plan.yaml 的 contacts 中写上本级联系人")
        lines.append("  请把 plan.yaml 的 dates（起止、成文日期、报送时限）改为本级日期")
        return lines
    lines = ["为其他辖区（如本级）照此制定方案：复制 plan.yaml，把 profile 改为该辖区，并："]
    if plan.issuer:
        lines.append(f"  删去 issuer: {plan.issuer}（原方案的落款；不删则落款仍印原发文机关）")
    elif plan.issuer == "":
        lines.append("  删去 issuer: ''（原方案没有落款；不删则不印发文机关）")
    if plan.number:
        lines.append(f"  删去 number: {plan.number}（原方案的文号；本级文号由本级编写）")
    parent = plan.parent_document
    if superior_from == "notice" and parent is not None:
        lines.append(f"  parent_document 是原方案的印发通知（{parent.number or parent.title}）：本级贯彻的正是它则保留，"
                     "否则改为本级依据的上级文件")
    else:
        if parent is not None:
            lines.append(f"  parent_document 是原方案依据的上级文件（{parent.number or parent.title}）：")
        lines.append("  在 parent_document 中写上这份方案的标题、文号和发文机关（本级据以制定）")
    lines.append("  dates 改为本级日期" + ("，contacts 改为本级联系人" if plan.contacts else ""))
    lines.append("  或者导入时用 --profile 指明本级辖区，planmaker 照此写好上述各项")
    return lines
