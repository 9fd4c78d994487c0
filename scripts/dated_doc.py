"""docs/随日期而变的用语.md from profiles/_dated.yaml: every dated phrase, its dates and its source.

    python scripts/dated_doc.py           # exit 1 when the page differs from the data
    python scripts/dated_doc.py --write   # rewrite the page
"""

from __future__ import annotations

import sys
from pathlib import Path

from planmaker.inputs import dated

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "随日期而变的用语.md"

HEADER = """# 随日期而变的用语

本页由 `python scripts/dated_doc.py --write` 从 `profiles/_dated.yaml` 生成，请改数据文件，不要手改本页
（`tests/test_dated_wording.py` 核对二者一致）。

方案按自己的日期取用下列用语：有成文日期（`dates.signed`）时按成文日期，否则按开始日期（`dates.start`），
只写了年度（`year`）时按该年7月1日。专项模板写 `{{ wording.congress }}` 等变量，不直接写这些词；
`planmaker check` 对用在日期之外的用语报错（内置专项）或警告（自编专项和方案文件中的文字），
`planmaker import` 把收到的方案中的这些用语换成变量。

| 变量 | 得到什么 |
|---|---|
| `{{ wording.congress }}` | 方案日期所贯彻的党代会和已闭幕的全会，如“党的二十大和二十届二中、三中全会”（一中全会不列）；方案无日期时为“党的__大和__届__全会” |
| `{{ wording.education }}` | 方案日期仍在提及的全党学习教育，没有时为空（模板用 `{% if wording.education %}` 包住整句） |
| `{{ wording.education_results }}` | 同上，连同“……成果”，如“‘不忘初心、牢记使命’主题教育漠视侵害群众利益问题专项整治成果” |
| `{{ wording.law('医师法') }}` | 该法规一脉中方案日期有效的一部，带书名号：2022年3月1日前为《中华人民共和国执业医师法》，此后为《中华人民共和国医师法》；尚未施行时为空。`short=True` 用简称 |
| `{{ wording.laws('医师法', '护士条例') }}` | 几部法规中方案日期有效的，依次相连；`sep='、'` 改用顿号 |
| `{{ wording.body('国家卫生健康委') }}` | 该机构一脉中方案日期所用的名称（简称；`short=False` 用全称） |
| `{{ cite('名称') }}` | 专项模板 `documents` 中说明的其他上级文件：方案文件 `documents` 给出标题和文号时为《标题》（文号），未给出时印作《____》，`check` 提示补写 |

“推断”表示未找到公开记录，日期按说明推定，请核实后在数据文件中写上依据。
"""


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _source(item) -> str:
    text = item.source or ""
    if item.inferred:
        text = ("**推断**：" + (item.note or "")) + (f"；{text}" if text else "")
    elif item.note:
        text += f"（{item.note}）"
    return text.replace("|", "｜")


def render(data: dated.DatedFile) -> str:
    out = [HEADER, "## 党代会和中央全会（`wording.congress`）\n", "| 会议 | 开始 | 闭幕 / 计入之日 | 依据 |", "|---|---|---|---|"]
    for congress in data.congresses:
        out.append(f"| 党的{congress.name} | {_day(congress.opened)} | {_day(congress.opened)} | {_source(congress)} |")
        for plenum in congress.plenums:
            out.append(f"| {congress.term}{plenum.number}中全会 | {_day(plenum.opened)} | {_day(plenum.closed)} | "
                       f"{_source(plenum)} |")
    out += ["", "## 全党学习教育（`wording.education`）\n", "| 名称 | 开始 | 结束 | 方案提及至 | 依据 |",
            "|---|---|---|---|---|"]
    for e in data.education:
        note = "；".join(filter(None, (e.cited_note,)))
        out.append(f"| {e.name} | {_day(e.start)} | {_day(e.until)} | {_day(e.cited_until)} | {_source(e)}"
                   f"{'；' + note if note else ''} |")
    out += ["", "## 法律法规（`wording.law`）\n", "| 名称（key） | 施行 | 废止 | 接替 | 依据 |", "|---|---|---|---|---|"]
    for law in data.laws:
        out.append(f"| 《{law.title}》（`{law.key}`） | {_day(law.effective)} | {_day(law.repealed)} | "
                   f"{law.successor or ''} | {_source(law)} |")
    out += ["", "## 机构名称（`wording.body`）\n", "| 名称（key） | 起用 | 停用 | 接替 | 依据 |", "|---|---|---|---|---|"]
    for body in data.bodies:
        out.append(f"| {body.name}（`{body.key}`） | {_day(body.from_)} | {_day(body.until)} | {body.successor or ''} | "
                   f"{_source(body)} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render(dated.load_dated())
    if "--write" in argv:
        PAGE.write_text(text, encoding="utf-8")
        return 0
    if not PAGE.is_file() or PAGE.read_text(encoding="utf-8") != text:
        print(f"{PAGE.name} 与 profiles/_dated.yaml 不一致：python scripts/dated_doc.py --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
