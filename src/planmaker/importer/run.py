"""``planmaker import``: a received plan in, a campaign and a draft plan file out.

The result is composed once from memory, laid over the output folder as it will
be (``base.inputfile.Overlay``), before anything is written there, so that a
document the importer misreads fails here, with a message, instead of at the
clerk's first ``build``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from planmaker.base.errors import InputError, os_problem
from planmaker.base.inputfile import Overlay
from planmaker.importer.campaign import assemble
from planmaker.importer.dates import DateBook, guess_year
from planmaker.importer.jurisdiction import dominant_prefix, issuer_jurisdiction, speaker_for
from planmaker.importer.outline import outline
from planmaker.importer.planfile import LOCAL_PROFILE, build_plan, plan_text
from planmaker.importer.report import advice
from planmaker.importer.source import ImportRefused, read_source
from planmaker.importer.wording import Wording
from planmaker.inputs.catalog import Catalog


@dataclass
class ImportReport:
    """What an import did: the CLI prints it, ``--json`` and ``planmaker.api.import_plan`` return it."""

    recognised: list[str] = field(default_factory=list)          # “第N行 ……” where the line is known
    unplaced: list[tuple[int, str]] = field(default_factory=list)   # (line, 0 when none; what was kept as written)
    written: list[Path] = field(default_factory=list)
    jurisdiction: str = ""                                       # the issuer's name
    profile: str = ""                                            # as plan.yaml names it (an id, or ./辖区.yaml)
    advice: list[str] = field(default_factory=list)              # what to change before building for another place
    inferred: str = ""                                           # how the jurisdiction was found
    source: Path = Path()
    output: Path = Path()

    @property
    def plan(self) -> Path:
        return self.output / "plan.yaml"


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000)


def import_plan(path: Path, out_dir: Path, catalog: Catalog, profile: str | None = None,
                force: bool = False) -> ImportReport:
    """Import ``path`` into ``out_dir``; raises InputError naming the file (nothing written) when it cannot."""
    try:
        return _import(path, out_dir, catalog, profile, force)
    except ImportRefused as exc:
        raise InputError.single(str(exc), path) from None


def _import(path: Path, out_dir: Path, catalog: Catalog, profile: str | None, force: bool) -> ImportReport:
    existing = [n for n in ("campaign.yaml", "plan.yaml") if (out_dir / n).exists()]
    if existing and not force:
        raise ImportRefused(f"输出文件夹 {out_dir} 中已有 {'、'.join(existing)}：为免覆盖已修改的模板，"
                            "请换一个文件夹，或加 --force 覆盖")
    source = read_source(path)
    doc = outline(source.paras)
    everything = "\n".join(p.text for p in source.paras)
    speaker, made_for = _speakers(doc, everything, catalog, profile)
    _refer_to_profile(made_for or speaker, catalog, out_dir)
    book = DateBook(guess_year(re.sub(r"《[^》]*》|〔\d{4}〕", "", everything)))
    wording = Wording(speaker, book)
    result = assemble(doc, wording, source.lines, source.kind)
    superior_from = _superior(doc, wording, made_for)
    contacts_found = result.plan.get("contacts", [])
    plan = build_plan(doc, made_for or speaker, book, wording.parent_document,
                      contacts_found if made_for is None else [], own=made_for is None)
    _date_list(result.campaign, book)
    files = _files(result, speaker, path, plan_text(plan, path.name, superior_from))
    _verify(files, catalog, out_dir)
    report = ImportReport(jurisdiction=speaker.name, profile=str(plan.profile), inferred=speaker.inferred,
                          source=path, output=out_dir)
    report.advice = advice(plan, superior_from, made_for.name if made_for else "", bool(made_for and contacts_found))
    report.recognised = _recognised(doc, speaker, wording, result)
    report.unplaced = sorted(set(doc.notes + wording.notes + _other_places(source.paras, speaker)), key=lambda n: n[0])
    _write_all(out_dir, files)
    report.written.extend(out_dir / name for name in files)
    return report


def _speakers(doc, everything: str, catalog: Catalog, profile: str | None):
    """(whose words the text speaks, the place the plan file is made for when that is another).

    ``--profile`` names the issuer, unless the document's own lines (落款, title, masthead) name
    another: then the clerk of that place is making a plan of their own from what they received.
    The text is read as its issuer's, so that its words become variables, and the plan file is
    the named place's: neither the original's signature nor its 文号, the received plan as its
    superior document."""
    issuer = doc.issuer.text if doc.issuer else ""
    heads = (doc.masthead, doc.superior.get("issuer", ""))
    try:
        speaker = speaker_for(everything, doc.title, issuer, catalog, profile, heads)
        if not profile:
            return speaker, None
        named = issuer_jurisdiction((issuer, doc.title, *heads), catalog, dominant_prefix(everything))
        if named is None or named[0].name == speaker.name:
            return speaker, None
        original = speaker_for(everything, doc.title, issuer, catalog, None, heads)
    except InputError as exc:
        raise ImportRefused(str(exc).replace("错误：", "")) from None
    original.inferred = f"{original.inferred}；方案文件按 --profile 为{speaker.name}制定"
    return original, speaker


def _superior(doc, wording: Wording, made_for) -> str:
    """Where the plan file's parent_document comes from: the covering notice ("notice"), the document
    the preamble cites ("preamble"), or, for a plan made for another place, the received plan ("received")."""
    cited = wording.parent_document
    if doc.superior:
        # the covering notice is what a clerk who received it implements: the plan file's superior document
        wording.parent_document = dict(doc.superior)
        if cited:
            doc.notes.append((0, f"方案前言引用的《{cited['title']}》改为引用印发通知（parent_document），"
                                 "请核对"))
        return "notice"
    if made_for is not None:
        signer = doc.issuer.text if doc.issuer else wording.speaker.issuer
        wording.parent_document = {k: v for k, v in (("title", doc.title), ("issuer", signer),
                                                      ("number", doc.number)) if v}
        if cited:
            doc.notes.append((0, f"原方案前言引用的《{cited['title']}》改为引用原方案本身（parent_document）："
                                 f"{made_for.name}贯彻的是这份方案"))
        return "received"
    return "preamble" if cited else ""


def _write_all(out_dir: Path, files: dict[str, str]) -> None:
    """Every file under a temporary name first, then each renamed into place: a full or
    read-only disk leaves no empty plan.yaml behind to block the next import."""
    from planmaker.writing.output import atomic_write

    new = [name for name in files if not (out_dir / name).exists()]
    landed: list[str] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            atomic_write(out_dir / name, text.encode("utf-8"))
            landed.append(name)
    except OSError as exc:
        for name in landed:  # a half import would block the next one (已有 campaign.yaml)
            if name in new:
                (out_dir / name).unlink(missing_ok=True)
        raise InputError([os_problem(exc, out_dir, "无法写入导入结果")]) from None


def _refer_to_profile(speaker, catalog: Catalog, out_dir: Path) -> None:
    """A profile given as a file (--profile ./我县.yaml) is named in plan.yaml by its path from there."""
    if speaker.file is None:
        return
    known = catalog.profile_ids().get(speaker.profile_ref)
    if known is None or known.resolve() != speaker.file.resolve():
        speaker.profile_ref = os.path.relpath(speaker.file.resolve(), out_dir.resolve())


def _other_places(paras, speaker) -> list[tuple[int, str]]:
    """Places the text names that are not the issuer (宜春市卫健委): kept as written, and said."""
    from planmaker.importer.jurisdiction import places_in

    known = {speaker.name} | ({speaker.parent.name} if speaker.parent else set())
    notes, seen = [], set()
    for para in paras:
        for _, name in places_in(para.text):
            if name not in known and name not in seen:
                seen.add(name)
                notes.append((para.line, f"地名“{name}”不是发文辖区，按原文保留（如指上级，可改为 parent 的变量）"))
    return notes


def _date_list(campaign: dict, book: DateBook) -> None:
    named = [n for n in book.values if n not in ("start", "end", "signed")]
    if named:
        campaign["dates"] = named
        campaign["date_labels"] = {n: book.labels.get(n, n) for n in named}
    # keys in the order the campaign guide lists them
    order = ["name", "description", "title", "dates", "date_labels", "problems", "preamble", "sections", "tasks",
             "phases", "requirements", "task_title", "task_table", "annexes"]
    items = sorted(campaign.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    campaign.clear()
    campaign.update(items)


def _files(result, speaker, path: Path, plan: str) -> dict[str, str]:
    head = f"# 由 planmaker import 从 {path.name} 导入。请通读并按编写指南润色。\n"
    files = {"campaign.yaml": head + dump(result.campaign), "plan.yaml": plan}
    if speaker.local:
        files[LOCAL_PROFILE] = (f"# 发文辖区：由 planmaker import 按 {path.name} 的用语推断，请核对名称和部门。\n"
                                + dump(speaker.local))
    for name, data in result.files.items():
        files[name] = head + dump(data)
    for name, text in result.raw_annexes:
        files[name] = text + "\n"
    return files


def _verify(files: dict[str, str], catalog: Catalog, out_dir: Path) -> None:
    """Compose the plan and load its annexes (stats-N.yaml against their layouts) from ``files``
    laid over the output folder: what build will do there, before anything is written. A relative
    profile path (../我县.yaml) is found from the output folder, as build will find it, and every
    problem names the file as it will be there."""
    from planmaker.inputs.yamlfile import load_text
    from planmaker.kinds.making import make_job
    from planmaker.plan.resolve import resolve_data

    plan_path = out_dir / "plan.yaml"
    try:
        make_job(resolve_data(load_text(files["plan.yaml"], str(plan_path)), plan_path, catalog,
                              Overlay(out_dir, files)))
    except InputError as exc:
        raise ImportRefused("导入结果无法生成方案（这是 planmaker 的缺陷，请把原文件报告给维护者）：\n" + str(exc)) from None


def _recognised(doc, speaker, wording, result) -> list[str]:
    lines = [f"第{doc.title_para.line}行 标题：{doc.title}", f"发文辖区：{speaker.inferred}"]
    if wording.parent_document:
        pd = wording.parent_document
        lines.append(f"上级文件：《{pd['title']}》（{pd.get('number', '')}）")
    if doc.preamble:
        lines.append(f"第{doc.preamble[0].line}行 前言 {len(doc.preamble)} 段")
    lines.extend(result.recognised)
    for pid, p in wording.book.phases.items():
        lines.append(f"阶段 {pid}：{_when(p.get('start'))} — {_when(p.get('end'))}")
    named = dict(wording.book.values)
    if named:
        lines.append("日期：" + "；".join(f"{n}={_when(v)}" for n, v in named.items()))
    if doc.issuer:
        lines.append(f"第{doc.issuer.line}行 发文机关：{doc.issuer.text}")
    if doc.signed:
        lines.append(f"第{doc.signed.line}行 成文日期：{doc.signed.text}")
    return lines


def _when(value) -> str:
    return value.iso() if value else "未定（留空）"
