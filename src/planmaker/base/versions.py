"""The versions that made a build: planmaker's and those of the libraries that
write the documents' bytes.  The manifest records them, so that two builds
that differ can be told apart by what made them (the same input gives the same
bytes with the same versions: constraints.txt lists the tested ones)."""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

from planmaker import __version__

# The libraries whose versions decide the bytes of the .docx and .xlsx files.
DOCUMENT_LIBRARIES = ("python-docx", "docxtpl", "openpyxl")


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    found = {"planmaker": __version__}
    for name in DOCUMENT_LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - a dependency, always installed
            found[name] = "unknown"
    return found
