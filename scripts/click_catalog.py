"""Click's own messages in Chinese: extract them from the installed Click,
keep the translations of src/planmaker/locale/zh_CN/LC_MESSAGES/messages.po,
and compile messages.mo next to it (both are committed; a test holds them to
each other and to the installed Click).

    python scripts/click_catalog.py            # report untranslated messages
    python scripts/click_catalog.py --write    # update the .po and compile the .mo
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

FOLDER = Path(__file__).resolve().parent.parent / "src" / "planmaker" / "locale" / "zh_CN" / "LC_MESSAGES"
PO = FOLDER / "messages.po"
MO = FOLDER / "messages.mo"
# Passed through _() as a variable, so not found by extraction.
EXTRA = ["required"]


def click_messages() -> list[str | tuple[str, str]]:
    folder = Path(click.__file__).parent
    found: dict[object, None] = {}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    for _name, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[("**.py", "python")], keywords=keywords):
        found[message] = None
    for extra in EXTRA:
        found[extra] = None
    return list(found)


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main() -> int:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    missing = [m for m in click_messages() if not (catalog.get(m if isinstance(m, str) else m[0]) or None)
               or not catalog.get(m if isinstance(m, str) else m[0]).string]
    for message in missing:
        print(f"untranslated: {message!r}")
    if "--write" in sys.argv:
        for message in missing:
            catalog.add(message, "" if isinstance(message, str) else ("",))
        with PO.open("wb") as handle:
            write_po(handle, catalog, width=120, omit_header=False, sort_output=False)
        MO.write_bytes(mo_bytes(catalog))
        print(f"written: {MO}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
