"""The pages of one plan: start it (answer the questions, or import the superior's
document), look at it (check's notices, the pages), build it and take the files."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

from flask import Blueprint, redirect, render_template, request, send_file, url_for

from planmaker.base.errors import InputError
from planmaker.commands.build import build as run_build
from planmaker.commands.check import check_plan
from planmaker.commands.new import PLAN_FILE, campaign_list
from planmaker.web import forms
from planmaker.web.context import catalog, jobs, memo, settings, workspace
from planmaker.web.uploads import receive
from planmaker.web.workspace import OUT, Refused, built_files, with_manifest, zip_folder
from planmaker.writing.output import atomic_write, read_manifest

bp = Blueprint("plan", __name__)
IMPORTABLE = (".docx", ".doc", ".wps", ".pdf", ".txt", ".md")


@bp.get("/")
def index():
    return render_template("index.html", plans=workspace().plans(), root=workspace().root)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = forms.NewForm.read(request.form) if request.method == "POST" else forms.NewForm.empty()
    if request.method == "GET" and request.args.get("profile"):
        form.values["profile"] = request.args["profile"].strip()
    if form.picked and request.form.get("action") != "find":
        found = [(form.values["profile"], form.values["profile"])]  # the choice stays made
    else:
        found = forms.candidates(catalog(), form.values["profile"]) if form.values["profile"] else []
    if request.method == "POST" and request.form.get("action") == "create":
        plan = forms.answers(form, catalog())
        if plan is not None:
            staged = workspace().staging()
            if forms.checked_plan(form, plan, staged, catalog()):
                name = workspace().place(staged, f"{plan.jurisdiction.name}-{plan.campaign.model.name}")
                folder = workspace().plan_dir(name)
                run_build(folder / PLAN_FILE, folder / OUT, catalog())
                return redirect(url_for("plan.show", name=name, made=1), 303)
    campaigns = memo().get("campaigns", lambda: (campaign_list(catalog()), list(catalog().campaign_dirs)))
    return render_template("new.html", form=form, found=found, campaigns=campaigns)


@bp.route("/import", methods=["GET", "POST"])
def import_():
    if request.method == "GET":
        return render_template("import.html", messages=[], profile="")
    from planmaker.importer.run import import_plan

    profile = (request.form.get("profile") or "").strip() or None
    received = receive(request.files.getlist("file"), IMPORTABLE, settings().limits, "上级文件")
    try:
        source, shown = received.single()
        staged = workspace().staging()
        try:
            report = import_plan(source, staged, catalog(), profile=profile)
        except InputError as exc:
            shutil.rmtree(staged, ignore_errors=True)
            messages = [received.shown(str(p)) for p in exc.problems]
            return render_template("import.html", messages=messages, profile=profile or ""), 400
        title = shown.rsplit(".", 1)[0]
        name = workspace().place(staged, f"{report.jurisdiction or '导入'}-{title}")
    finally:
        received.cleanup()
    return render_template("imported.html", report=report, name=name, shown=shown)


@bp.get("/p/<name>/")
def show(name: str):
    folder = workspace().plan_dir(name)
    problems = checked(folder)
    out = folder / OUT
    manifest = read_manifest(out)
    files = built_files(out)
    own = [f for f in files if "/" not in f]
    try:
        campaign = catalog().load_campaign(str(manifest.get("campaign"))).model.name if manifest else ""
    except InputError:
        campaign = str(manifest.get("campaign", ""))
    return render_template("plan.html", name=name, problems=problems, files=files, manifest=manifest,
                           campaign=campaign,
                           own_files=own, per_count=len(files) - len(own),
                           plan_file=(folder / PLAN_FILE).resolve(), job=jobs().get(name),
                           made=request.args.get("made"), built=request.args.get("built"))


def checked(folder: Path) -> list:
    """`planmaker check`'s problems, remembered until a file the check read changes."""

    def check():
        from planmaker.plan.resolve import resolve

        problems = check_plan(folder / PLAN_FILE, catalog())
        depends = [folder, *settings().profiles_dirs, *settings().campaigns_dirs]
        try:
            resolved = resolve(folder / PLAN_FILE, catalog())
            depends += [resolved.campaign.folder] + ([resolved.jurisdiction.file] if resolved.jurisdiction.file else [])
        except InputError:
            pass
        return problems, depends

    return memo().get(f"check:{folder}", check)


@bp.route("/p/<name>/edit", methods=["GET", "POST"])
def edit(name: str):
    """plan.yaml as text: saved only when `check` finds no error, and only over the text it was loaded from."""
    path = workspace().plan_dir(name) / PLAN_FILE
    current = path.read_bytes()
    text = current.decode("utf-8-sig", errors="replace")
    problems, saved = [], False
    if request.method == "POST":
        text = request.form.get("text", "").replace("\r\n", "\n")
        if request.form.get("loaded") != hashlib.sha256(current).hexdigest():
            raise Refused("方案文件在打开本页后已在别处被修改（例如用编辑器或脚本），未保存；请重新打开本页再改", 409)
        trial = path.with_name(f".{PLAN_FILE}.网页检查.yaml")
        atomic_write(trial, text.encode("utf-8"))
        try:
            problems = [dataclasses.replace(p, file=path) if p.file and Path(p.file).name == trial.name else p
                        for p in check_plan(trial, catalog())]
        finally:
            trial.unlink(missing_ok=True)
        if not any(p.severity == "error" for p in problems):
            atomic_write(path, text.encode("utf-8"))
            current, saved = text.encode("utf-8"), True
    return render_template("edit.html", name=name, text=text, lines=text.splitlines(), problems=problems,
                           saved=saved, loaded=hashlib.sha256(current).hexdigest(),
                           bad_lines={p.line for p in problems if p.line and p.file == path})


@bp.post("/p/<name>/build")
def build(name: str):
    """`planmaker build plan.yaml -o out`: the same edit-safe writing (an edited file is kept, the new one beside it)."""
    folder = workspace().plan_dir(name)
    result = run_build(folder / PLAN_FILE, folder / OUT, catalog())
    if request.form.get("download") == "zip":
        return _zip(name)
    kept = len(result.report.kept)
    return redirect(url_for("plan.show", name=name, built=f"{len(result.report.written)}-{kept}"), 303)


@bp.get("/p/<name>/out.zip")
def download_zip(name: str):
    return _zip(name)


def _zip(name: str):
    out = workspace().plan_dir(name) / OUT
    handle = zip_folder(out, with_manifest(out))
    return send_file(handle, mimetype="application/zip", as_attachment=True, download_name=f"{name}.zip")


@bp.get("/p/<name>/file/<path:relative>")
def file(name: str, relative: str):
    path = workspace().file(name, relative)
    inline = path.suffix.lower() in (".html", ".png", ".pdf") and request.args.get("view") == "1"
    response = send_file(path, as_attachment=not inline, download_name=path.name, max_age=0)
    if path.suffix.lower() == ".html":
        response.headers["Content-Security-Policy"] = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                                                           "img-src data:; frame-ancestors 'self'")
    return response


@bp.get("/p/<name>/pages")
def pages(name: str):
    from planmaker.web import preview

    out = workspace().plan_dir(name) / OUT
    files = built_files(out)
    if not files:
        raise Refused("还没有生成文件：请先在方案页点击“生成全部文件”")
    shown = preview.pages(out, files, request.args.get("images") == "1", workspace().root / preview.CACHE)
    return render_template("pages.html", name=name, shown=shown, can_render=preview.can_render())


@bp.get("/p/<name>/page/<digest>/<int:number>.png")
def page_image(name: str, digest: str, number: int):
    from planmaker.web import preview

    workspace().plan_dir(name)
    return send_file(preview.image(workspace().root / preview.CACHE, digest, number), mimetype="image/png",
                     max_age=3600)
