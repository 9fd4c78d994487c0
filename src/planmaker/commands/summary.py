"""What each command reports, as plain data for ``--json`` (and for library
callers).  Each document follows a JSON Schema shipped in the package
(``planmaker/schemas/<command>.schema.json``, described in docs/JSON输出.md);
``schema`` names it and its version, so a script can refuse a document it does
not know.  Paths are written as the command was given them (relative stays
relative), with ``/`` inside the output folder."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from planmaker import __version__
from planmaker.base.errors import Problem

SCHEMA_VERSION = 1
# A document as json.dumps takes it: its values are text, numbers, lists and documents.
Document = dict[str, object]


def _head(command: str, ok: bool) -> Document:
    return {"schema": f"planmaker.{command}/{SCHEMA_VERSION}", "command": command, "planmaker": __version__,
            "ok": ok}


def problem(p: Problem) -> Document:
    return {"severity": p.severity, "message": p.message, "file": str(p.file) if p.file else None,
            "line": p.line, "field": p.field, "text": str(p)}


def error(command: str, problems: list[Problem], wrote: int = 0) -> Document:
    """Input that could not be used (exit code 2): nothing was written; or a
    command stopped part way (a full disk), having written ``wrote`` files."""
    document: Document = {**_head(command, False), "schema": f"planmaker.error/{SCHEMA_VERSION}", "written": bool(wrote),
                "problems": [problem(p) for p in problems]}
    if wrote:
        document["written_files"] = wrote
    return document


def check(plan: Path, problems: list[Problem]) -> Document:
    errors = sum(1 for p in problems if p.severity == "error")
    return {**_head("check", errors == 0), "plan": str(plan), "errors": errors,
            "warnings": len(problems) - errors, "problems": [problem(p) for p in problems]}


def _report(report, out_dir: Path) -> Document:
    why = getattr(report, "not_merged", {})
    return {"output": str(out_dir), "manifest": str(out_dir / "manifest.json"),
            "written": list(report.written), "unchanged": list(report.unchanged),
            "kept": [{"file": original, "new": beside,
                      **({"reason": why[original]} if original in why else {})}
                     for original, beside in report.kept]}


def build(plan: Path, out_dir: Path, result) -> Document:
    resolved = result.resolved
    return {**_head("build", True), "plan": str(plan), "profile": resolved.jurisdiction.id,
            "jurisdiction": resolved.jurisdiction.name, "campaign": resolved.campaign.id,
            "inferred_departments": [{"role": role, "name": name} for role, name in resolved.inferred_departments],
            **_report(result.report, out_dir),
            "merged": [{"file": m.path, "changes": m.changes, "conflicts": list(m.conflicts)}
                       for m in result.report.merged],
            "counts": {"written": len(result.report.written), "unchanged": len(result.report.unchanged),
                       "kept": len(result.report.kept), "merged": len(result.report.merged)}}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def collect(plan: Path, out_dir: Path, collection, report) -> Document:
    resolved = collection.resolved
    forms = [{
        "id": form.form_id, "title": form.annex.title,
        "included": [{"unit": s.unit_id, "name": s.unit, "file": str(s.path), "sha256": s.digest,
                      "blanks": s.blanks} for s in sorted(form.included, key=lambda s: s.unit_id)],
        "missing": [{"unit": j.id, "name": j.name} for j in form.missing],
        **({"missing_institutions": form.missing_institutions} if collection.institutions is not None else {}),
        "totals": {ref: _number(value) for ref, value in form.totals.items()},
    } for form in collection.forms]
    return {**_head("collect", collection.clean), "plan": str(plan), "profile": resolved.jurisdiction.id,
            "jurisdiction": resolved.jurisdiction.name, "campaign": resolved.campaign.id,
            "files": [str(p) for p in collection.files], "skipped": [str(p) for p in collection.ignored],
            "forms": forms,
            "issues": [{"category": i.category, "file": str(i.file), "where": i.where or None, "message": i.text}
                       for i in collection.issues],
            **_report(report, out_dir)}


def profiles(rows: list) -> Document:
    """``rows``: the loaded jurisdictions."""
    return {**_head("profiles", True), "profiles": [{
        "id": j.id, "name": j.name, "kind": j.kind, "level": j.level,
        "parent": j.parent.id if j.parent else None, "parent_name": j.parent.name if j.parent else None,
        "file": str(j.file) if j.file else ""} for j in rows]}


def campaigns(loaded: list, layouts: Path) -> Document:
    return {**_head("campaigns", True), "campaigns": [{
        "id": c.id, "name": c.model.name, "description": c.model.description, "file": str(c.file)}
        for c in loaded], "annex_layouts": str(layouts)}


def _placed(text: str) -> Document:
    """“第12行 附件……” → its line and the rest; lines the importer knows no place for have none."""
    m = re.match(r"^第(\d+)行\s*", text)
    return {"line": int(m.group(1)), "text": text[m.end():]} if m else {"line": None, "text": text}


def import_(report) -> Document:
    """``report``: the importer's ImportReport."""
    return {**_head("import", True), "source": str(report.source), "output": str(report.output),
            "plan": str(report.plan), "jurisdiction": report.jurisdiction, "profile": report.profile,
            "inferred": report.inferred,
            "recognised": [_placed(text) for text in report.recognised],
            "unplaced": [{"line": line or None, "text": text} for line, text in report.unplaced],
            "written": [str(path) for path in report.written],
            "advice": [line.strip() for line in report.advice],
            "counts": {"recognised": len(report.recognised), "unplaced": len(report.unplaced),
                       "written": len(report.written)}}


def schema_path(name: str) -> Path:
    """The JSON Schema of a document (``check``, ``build``, ``collect``, ``profiles``, ``campaigns``, ``import``,
    ``error``)."""
    return Path(__file__).resolve().parent.parent / "schemas" / f"{name}.schema.json"
