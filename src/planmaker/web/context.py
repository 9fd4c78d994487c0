"""What every page reaches for: the server's settings, its workspace and jobs, a catalog a
request, the CSRF token of the session.  Kept apart from app.py, which imports the pages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, g, session

from planmaker.inputs.catalog import Catalog
from planmaker.web.jobs import Jobs
from planmaker.web.memo import Memo
from planmaker.web.uploads import Limits
from planmaker.web.workspace import Workspace


@dataclass
class Settings:
    workspace: Path
    token: str | None = None  # required on every request when set
    limits: Limits = field(default_factory=Limits)
    profiles_dirs: tuple[Path, ...] = ()
    campaigns_dirs: tuple[Path, ...] = ()


def settings() -> Settings:
    return current_app.extensions["planmaker"]


def workspace() -> Workspace:
    return current_app.extensions["planmaker.workspace"]


def jobs() -> Jobs:
    return current_app.extensions["planmaker.jobs"]


def memo() -> Memo:
    return current_app.extensions["planmaker.memo"]


def catalog() -> Catalog:
    """One catalog a request: what it reads once stays read for the request only, as for one command."""
    if "catalog" not in g:
        own = settings()
        g.catalog = Catalog(own.profiles_dirs, own.campaigns_dirs)
    return g.catalog


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]
