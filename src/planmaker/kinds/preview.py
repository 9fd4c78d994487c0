"""Markdown and HTML previews carrying the same text as the .docx."""

from __future__ import annotations

import html

import markdown

from planmaker.base.files import Artifact
from planmaker.kinds.base import Job, Kind
from planmaker.plan.document import AnnexNote, Document, Heading, Paragraph

_CSS = """
body { max-width: 42em; margin: 2em auto; padding: 0 1em; line-height: 1.8;
       font-family: "仿宋_GB2312", "仿宋", FangSong, "Noto Serif CJK SC", serif; font-size: 16pt; }
h1 { text-align: center; font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal; }
h2 { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0; }
h3 { font-family: "楷体_GB2312", "楷体", KaiTi, serif; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
p strong { font-family: "楷体_GB2312", "楷体", KaiTi, serif; font-weight: normal; }
p.signature { text-align: right; text-indent: 0; margin-right: 4em; }
p.annex { margin-top: 1em; }
"""


def _escape(text: str) -> str:
    # Markdown would read *, _, #, [ and < in the plan's text as markup.
    out = html.escape(text, quote=False)
    for ch in "\\`*_[]#|":
        out = out.replace(ch, "\\" + ch)
    return out


def to_markdown(plan: Document) -> str:
    lines = [f"# {_escape(plan.title)}", ""]
    for block in plan.blocks:
        if isinstance(block, Heading):
            if block.level == 1:
                lines.append(f"## {_escape(block.lead)}")
            elif block.body:
                lines.append(f"**{_escape(block.lead)}**{_escape(block.body)}")
            else:
                lines.append(f"### {_escape(block.lead)}")
        elif isinstance(block, AnnexNote):
            lines.append("  \n".join(_escape(line) for line in block.lines()))
            lines.append("{: .annex }")
        elif isinstance(block, Paragraph):
            lines.append(_escape(block.text))
        lines.append("")
    if plan.signature:
        for text in (plan.signature.issuer, plan.signature.date):
            if text:
                lines += [_escape(text), "{: .signature }", ""]
    return "\n".join(lines)


def to_html(plan: Document, markdown_text: str | None = None) -> str:
    body = markdown.markdown(markdown_text or to_markdown(plan), extensions=["attr_list"])
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(plan.title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


class PreviewKind(Kind):
    key = "preview"
    summary = "同样内容的 Markdown 和 HTML 预览"

    def files(self, job: Job) -> list[Artifact]:
        markdown_text = to_markdown(job.plan)
        return [
            Artifact(f"{job.stem}.md", self.key, markdown_text.encode("utf-8"), {"format": "markdown"}),
            Artifact(f"{job.stem}.html", self.key, to_html(job.plan, markdown_text).encode("utf-8"), {"format": "html"}),
        ]
