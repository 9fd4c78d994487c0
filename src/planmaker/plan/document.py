"""The implementation plan as a sequence of blocks, before any file format.

The .docx, the Markdown and the HTML are all written from one ``Document``,
so the three carry the same text by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Heading:
    """A numbered heading; with ``body`` it runs into its paragraph."""

    level: int
    number: str
    text: str
    body: str = ""

    @property
    def lead(self) -> str:
        return self.number + self.text

    @property
    def full_text(self) -> str:
        return self.lead + self.body


@dataclass(frozen=True)
class AnnexNote:
    """GB/T 9704 7.3.4: “附件：” and the annex names, numbered when there are several.

    The number takes the full-width point (1．), as in the standard's example
    pages: with a half-width one, “1.2020年……” reads as the number 1.2020."""

    titles: tuple[str, ...]

    def entries(self) -> list[tuple[str, str]]:
        """(what stands before the name, the name), one pair an annex."""
        if len(self.titles) == 1:
            return [("附件：", self.titles[0])]
        return [(("附件：" if i == 0 else "") + f"{i + 1}．", t) for i, t in enumerate(self.titles)]

    def lines(self) -> list[str]:
        return [prefix + name for prefix, name in self.entries()]


@dataclass(frozen=True)
class Signature:
    issuer: str
    date: str


@dataclass(frozen=True)
class Masthead:
    """版头: the issuers' names (several for a joint document), what follows them (文件), the number."""

    issuers: tuple[str, ...]
    suffix: str
    number: str
    signers: tuple[str, ...] = ()  # 签发人 (7.2.6), for a document sent up


@dataclass(frozen=True)
class Imprint:
    """版记: the organs copied, the printing office and the date it printed."""

    cc: tuple[str, ...]
    printer: str
    date: str


Block = Paragraph | Heading | AnnexNote


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    signature: Signature | None = None
    number: str = ""
    masthead: Masthead | None = None
    imprint: Imprint | None = None

    def text_lines(self) -> list[str]:
        """The document's text, one paragraph a line, as a reader sees it."""
        lines = [self.title]
        for block in self.blocks:
            if isinstance(block, Heading):
                lines.append(block.full_text)
            elif isinstance(block, AnnexNote):
                lines.extend(block.lines())
            else:
                lines.append(block.text)
        if self.signature:
            lines.extend(x for x in (self.signature.issuer, self.signature.date) if x)
        return lines
