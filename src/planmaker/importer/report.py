"""What the importer tells the clerk: what it recognised, what it kept as
written (with the line it came from), and what to do next."""

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
    lines.append("本级照此制定方案：复制 plan.yaml，把 profile 改为本级辖区、dates 改为本级日期，"
                 "在 parent_document 中写上这份方案的标题和文号")
    return "\n".join(lines) + "\n"
