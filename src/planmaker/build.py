"""The pipeline: load and resolve the plan, render every document in memory,
then write them all at once.  Nothing touches the output folder until every
document has rendered, so bad input leaves no half-written output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .catalog import Catalog
from .compose import compose_plan
from .document import Document
from .errors import InputError
from .ooxml import EPOCH
from .output import Artifact, WriteReport, safe_filename, write_outputs
from .resolve import Resolved, resolve


@dataclass
class BuildResult:
    resolved: Resolved
    artifacts: list[Artifact]
    report: WriteReport


def document_time(resolved: Resolved) -> dt.datetime:
    """The timestamp stamped into files: the plan's own date, never the clock."""
    for name in ("signed", "start"):
        value = resolved.dates.get(name)
        if value is not None:
            return dt.datetime.combine(value.first_day, dt.time())
    return EPOCH


def _plan_artifacts(resolved: Resolved, plan: Document) -> list[Artifact]:
    from .plan_docx import plan_docx
    from .preview import to_html, to_markdown

    stem = safe_filename(plan.title)
    markdown_text = to_markdown(plan)
    return [
        Artifact(f"{stem}.docx", "plan", plan_docx(plan, document_time(resolved))),
        Artifact(f"{stem}.md", "preview", markdown_text.encode("utf-8"), {"format": "markdown"}),
        Artifact(f"{stem}.html", "preview", to_html(plan, markdown_text).encode("utf-8"), {"format": "html"}),
    ]


# kind → producer; the plan and its previews always come together.
PRODUCERS: dict[str, Callable[[Resolved, Document], list[Artifact]]] = {
    "plan": _plan_artifacts,
}
KINDS = ("plan", "preview")


def render_all(resolved: Resolved, only: Iterable[str] | None = None) -> list[Artifact]:
    wanted = set(only) if only else None
    plan = compose_plan(resolved)
    artifacts: list[Artifact] = []
    for producer in PRODUCERS.values():
        artifacts.extend(producer(resolved, plan))
    if wanted is not None:
        artifacts = [a for a in artifacts if a.kind in wanted]
    return artifacts


def parse_only(text: str | None) -> list[str] | None:
    if not text:
        return None
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError.single(f"未知的文件类别 “{'、'.join(unknown)}”（可选：{'、'.join(KINDS)}）",
                                field="--only")
    return kinds


def build(plan_path: Path, out_dir: Path, catalog: Catalog | None = None,
          only: Iterable[str] | None = None, force: bool = False) -> BuildResult:
    catalog = catalog or Catalog()
    resolved = resolve(Path(plan_path), catalog)
    artifacts = render_all(resolved, only)
    meta = {
        "generator": f"planmaker {__version__}",
        "plan": Path(plan_path).name,
        "profile": resolved.jurisdiction.id,
        "jurisdiction": resolved.jurisdiction.name,
        "campaign": resolved.campaign.id,
    }
    report = write_outputs(Path(out_dir), artifacts, meta, force=force, partial=only is not None)
    return BuildResult(resolved, artifacts, report)
