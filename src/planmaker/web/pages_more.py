"""The pages of a plan's further jobs: every institution's documents (a batch with
its progress), collecting the filled forms, and handing the plan down (cascade)."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, send_file, url_for

from planmaker.base.files import sha256
from planmaker.collect.forms import SPREADSHEET_SUFFIXES
from planmaker.commands.build import build as run_build
from planmaker.commands.new import PLAN_FILE
from planmaker.web.context import catalog, jobs, settings, workspace
from planmaker.web.uploads import Received, receive, unpack_zips
from planmaker.web.workspace import CASCADED, COLLECTED, OUT, Refused, built_files, with_manifest, zip_folder
from planmaker.writing.output import atomic_write

bp = Blueprint("more", __name__)
FORMS = tuple(sorted(SPREADSHEET_SUFFIXES))  # what collect reads
LISTS = (".xlsx", ".csv")


# ------------------------------------------------------------------ every institution

@bp.post("/p/<name>/institutions")
def institutions(name: str):
    folder = workspace().plan_dir(name)
    received = receive(request.files.getlist("file"), LISTS, settings().limits, "机构名单")
    try:
        upload, _shown = received.single()
        target = _keep_list(folder, upload.read_bytes(), upload.suffix)
    finally:
        received.cleanup()
    profiles, campaigns = settings().profiles_dirs, settings().campaigns_dirs

    def work(job) -> list[str]:
        from planmaker.inputs.catalog import Catalog

        result = run_build(folder / PLAN_FILE, folder / OUT, Catalog(profiles, campaigns),
                           institutions_file=target, workers=1, progress=job)
        report = result.report
        return [f"已生成 {len(report.written)} 个文件，{len(report.unchanged)} 个未变化"
                + (f"，{len(report.kept)} 个被修改过的文件已保留（新版本写在旁边）" if report.kept else "")
                + f"；机构名单：{target.name}"]

    jobs().start(name, "为每家机构生成文件", work)
    return redirect(url_for("more.job", name=name), 303)


def _keep_list(folder, data: bytes, suffix: str):
    """The list, kept in the plan's folder so that a script can build the same batch again;
    a list of the same name with other contents is never replaced."""
    number = 1
    while True:
        target = folder / (f"机构名单{suffix}" if number == 1 else f"机构名单（{number}）{suffix}")
        if not target.exists() or sha256(target.read_bytes()) == sha256(data):
            atomic_write(target, data)
            return target
        number += 1


@bp.get("/p/<name>/job")
def job(name: str):
    workspace().plan_dir(name)
    current = jobs().get(name)
    if current is None:
        raise Refused("这个方案没有正在进行或刚完成的任务", 404)
    return render_template("job.html", name=name, job=current.status())


@bp.get("/p/<name>/job.json")
def job_status(name: str):
    workspace().plan_dir(name)
    current = jobs().get(name)
    return jsonify(current.status() if current else {"state": "none"})


# ------------------------------------------------------------------ collect

@bp.route("/p/<name>/collect", methods=["GET", "POST"])
def collect(name: str):
    from planmaker.collect.run import collect as run_collect
    from planmaker.collect.run import report_text, write

    folder = workspace().plan_dir(name)
    if request.method == "GET":
        return render_template("collect.html", name=name, result=None)
    limits = settings().limits
    received = receive(request.files.getlist("file"), FORMS + (".zip",), limits, "统计表")
    try:
        unpack_zips(received, FORMS, limits)
        if not received.names:
            raise Refused("上传的压缩包中没有统计表（.xlsx）")
        collection = run_collect([received.folder], folder / PLAN_FILE, catalog())
        report = write(collection, folder / COLLECTED)
        result = _collected(collection, report, received, report_text(collection))
    finally:
        received.cleanup()
    return render_template("collect.html", name=name, result=result, folder=COLLECTED)


def _collected(collection, report, received: Received, text: str) -> dict:
    from planmaker.collect.forms import number_text

    forms = []
    for form in collection.forms:
        totals = [(form.labels.get(c.ref, c.ref), number_text(form.totals.get(c.ref, 0))) for c in form.cells
                  if c.ref in form.totals][:40]
        missing = [unit.name for unit in form.missing] + list(form.missing_institutions)
        forms.append({"title": form.annex.title or form.form_id, "included": len(form.included), "totals": totals,
                      "missing": missing})
    return {
        "forms": forms,
        "missing": len(collection.missing),
        "issues": [received.shown(str(issue)) for issue in collection.issues],
        "files": sorted(set(report.written) | set(report.unchanged) | {beside for _, beside in report.kept}),
        "text": received.shown(text),
        "clean": collection.clean,
    }


@bp.get("/p/<name>/collected.zip")
def collected_zip(name: str):
    out = workspace().plan_dir(name) / COLLECTED
    handle = zip_folder(out, with_manifest(out))
    return send_file(handle, mimetype="application/zip", as_attachment=True, download_name=f"{name}-汇总.zip")


# ------------------------------------------------------------------ cascade

@bp.route("/p/<name>/cascade", methods=["GET", "POST"])
def cascade(name: str):
    from planmaker.commands.cascade import cascade as run_cascade
    from planmaker.commands.cascade import child_folder
    from planmaker.plan.resolve import resolve

    folder = workspace().plan_dir(name)
    parent = resolve(folder / PLAN_FILE, catalog())
    children = catalog().children_of(parent.jurisdiction)
    if request.method == "GET":
        return render_template("cascade.html", name=name, parent=parent, children=children,
                               folders=[child_folder(c) for c in children])
    chosen = set(request.form.getlist("child"))
    if not chosen & {child_folder(c) for c in children}:
        raise Refused("请至少选择一个下级辖区")
    result = run_cascade(folder / PLAN_FILE, folder / CASCADED, catalog())
    out = folder / CASCADED
    files = []
    for child, _plan, _built in result.children:
        prefix = child_folder(child)
        if prefix in chosen:
            files += [f"{prefix}/{f}" for f in [*built_files(out / prefix), "manifest.json", PLAN_FILE]]

    handle = zip_folder(out, files)
    return send_file(handle, mimetype="application/zip", as_attachment=True, download_name=f"{name}-下发.zip")
