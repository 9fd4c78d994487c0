"""Text that every consumer accepts.

XML 1.0, and so every .docx and .xlsx, forbids most C0 control characters;
they arrive with text pasted from other programs (a form feed from a PDF, a
vertical tab from a Word table).  Word refuses a file that contains one, so
they are removed — with a warning naming the field, never silently."""

from __future__ import annotations

import re

# Tab, line feed and carriage return are allowed; the rest of C0, the lone
# surrogates and U+FFFE/U+FFFF are not.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> tuple[str, int]:
    """The text without XML-forbidden characters, and how many were removed."""
    cleaned, count = FORBIDDEN.subn("", text)
    return cleaned, count


def describe(text: str) -> str:
    names = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    return "、".join(names)
