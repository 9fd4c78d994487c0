"""Where the bundled profiles, campaigns and examples live.

In an installed wheel they are copied into ``planmaker/_data``; in a checkout
(or an editable install) they are the folders at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # planmaker/


def data_root() -> Path:
    installed = _PACKAGE / "_data"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent.parent


def profiles_dir() -> Path:
    return data_root() / "profiles"


def campaigns_dir() -> Path:
    return data_root() / "templates" / "campaigns"


def templates_dir() -> Path:
    return data_root() / "templates"


def examples_dir() -> Path:
    return data_root() / "examples"
