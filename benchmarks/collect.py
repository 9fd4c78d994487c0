"""Benchmark: `planmaker collect` over 200 filled statistics forms.

柳州市 collects both forms (量化统计表一/二) from 100 subordinate units: its ten
real counties and districts plus 90 copies of their profiles (ids bench-…, names
marked 副本, only in a temporary folder) so that every form counts.  Each form is
built as `planmaker build` builds it, then filled with openpyxl; with
--libreoffice the filled forms are also saved once by LibreOffice (recalculated,
LibreOffice's cached values).  Only the collect command is timed, end to end in a
fresh process (start-up, reading, checking, summing, writing .xlsx/.docx/report).

Baseline, in the same run: only *opening* the same forms the straightforward
way, with openpyxl twice per file (formulas, then cached values), which is
what a collector needs from each form; no checking, summing or writing.

    PYTHONPATH=src python benchmarks/collect.py [--libreoffice] [--keep DIR]
    PYTHONPATH=src python benchmarks/collect.py --institutions 34000 [--workers 2]

--institutions N: a province's institutions each send their own form (the
problem-list campaign of benchmarks/batch.py, its institutions' own form, filled_by: institution), N forms in
all, collected by 广西 with `collect --institutions`, timed end to end in a fresh
process with its peak memory.  The forms are the institutions' own forms with
figures in every input cell, written by the prepared-workbook path (what
openpyxl writes for those figures, checked part for part on the first form;
formulas without cached values, as a script leaves them); the first 100 are
filled with openpyxl instead, from the form `build` wrote.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planmaker.collect.run import _forms  # noqa: E402
from planmaker.inputs.catalog import Catalog  # noqa: E402
from planmaker.kinds.making import document_time  # noqa: E402
from planmaker.kinds.stats import stats_xlsx  # noqa: E402
from planmaker.office.stats_layout import read_metadata  # noqa: E402
from planmaker.plan.resolve import resolve  # noqa: E402

COUNTIES = ["chengzhong", "liubei", "liucheng", "liujiang", "liunan", "luzhai", "rongan", "rongshui",
            "sanjiang", "yufeng"]
UNITS = 100
PLAN = "profile: {profile}\ncampaign: medical-abuses-2020\ndates: {{start: 2020-09, end: 2020-12, report: {report}}}\n"


def make_profiles(folder: Path) -> list[str]:
    """The ten real units and 90 marked copies of them, all under 柳州市."""
    bundled = ROOT / "profiles"
    ids = list(COUNTIES)
    folder.mkdir(parents=True)
    for n in range(UNITS - len(COUNTIES)):
        source = COUNTIES[n % len(COUNTIES)]
        text = (bundled / f"{source}.yaml").read_text(encoding="utf-8")
        name = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("name:"))
        text = text.replace(f"name: {name}", f"name: {name}（副本{n + 1:02d}）", 1)
        pid = f"bench-{n + 1:02d}-{source}"
        (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")
        ids.append(pid)
    return ids


def filled_forms(profiles: Path, ids: list[str], plans: Path, inbox: Path) -> list[Path]:
    catalog = Catalog([profiles])
    written = []
    for pid in ids:
        plan = plans / f"{pid}.yaml"
        plan.write_text(PLAN.format(profile=pid, report="2020-11-27"), encoding="utf-8")
        resolved = resolve(plan, catalog)
        for form in _forms(resolved):
            book = openpyxl.load_workbook(io.BytesIO(stats_xlsx(resolved, form.annex, document_time(resolved))))
            meta, cells = read_metadata(book)
            sheet = book[meta["sheet"]]
            rng = random.Random(f"{pid}/{form.form_id}")
            for cell in cells:
                if cell.kind == "input":
                    sheet[cell.ref] = round(rng.randint(0, 900) / 100, 2) if cell.decimals else rng.randint(0, 9)
            path = inbox / f"{pid}-{form.form_id}.xlsx"
            book.save(path)
            written.append(path)
    return written


def institution_forms(work: Path, n: int) -> tuple[Path, Path, Path, Path]:
    """N institutions' filled forms: (inbox, list, plan, campaigns folder)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from batch import PROVINCE_PLAN, problem_campaign

    from planmaker.office.stats_layout import cell_map
    from planmaker.office.xlsx_batch import prepare_workbooks
    from planmaker.office.xlsx_stats import info_measure
    from planmaker.plan.annexes import period_text

    campaigns = problem_campaign(work / "campaigns", PROVINCE_PLAN)
    plan = campaigns / "plan.yaml"
    resolved = resolve(plan, Catalog(campaign_dirs=[campaigns]))
    [form] = _forms(resolved)
    annex, when, inbox = form.annex, document_time(resolved), work / "收到"
    inbox.mkdir(parents=True, exist_ok=True)
    inputs = [c for c in cell_map(annex.spec) if c.kind == "input"]
    measure, period = info_measure(annex.spec), period_text(resolved)

    def render(v):
        return stats_xlsx(resolved, annex, when, values={c.ref: v[c.ref] for c in inputs},
                          more={"institution": v["unit"]}, unit=v["unit"], info_lines=v["info_lines"])

    prepared = prepare_workbooks(render, ["unit", *(c.ref for c in inputs)])
    names = work / "机构名单.csv"
    with names.open("w", encoding="utf-8") as handle:
        handle.write("名称,类别\n")
        for i in range(n):
            name = f"第{i + 1}号测试医疗机构"
            handle.write(f"{name},诊所\n")
            rng = random.Random(name)
            values = figures(rng, inputs)
            path = inbox / f"{i // 1000:03d}" / f"{name}.xlsx"
            path.parent.mkdir(exist_ok=True)
            fields = {"unit": name, "info_lines": measure(name, period)}
            if i < 100:  # as a clerk's script fills the form build wrote
                book = openpyxl.load_workbook(io.BytesIO(stats_xlsx(resolved, annex, when, more={"institution": name},
                                                                    unit=name, info_lines=fields["info_lines"])))
                for ref, value in values.items():
                    book[book.sheetnames[0]][ref] = value
                book.save(path)
                continue
            assert prepared.plain({**fields, **values})
            path.write_bytes(prepared.fill({**fields, **values}))
    return inbox, names, plan, campaigns


def figures(rng: random.Random, inputs) -> dict[str, object]:
    """Random figures that keep the form's rule: corrected (column 2) no more than found (column 1)."""
    values: dict[str, object] = {}
    found: dict[str, object] = {}
    for c in inputs:
        top = found[c.line_id] if c.column else 9
        values[c.ref] = (rng.randint(0, int(float(top) * 100)) / 100) if c.decimals else rng.randint(0, int(top))
        found[c.line_id] = values[c.ref]
    return values


def machine() -> str:
    """The cores and the load when measured: the machine may be shared."""
    load = os.getloadavg()
    return f"本机 {os.cpu_count()} 个 CPU 核，测量前 1 分钟平均负载 {load[0]:.1f}"


def collect_institutions(n: int, workers: int, work: Path) -> int:
    print(f"准备 {n:,} 家机构各自填好的统计表……", flush=True)
    started = time.perf_counter()
    inbox, names, plan, campaigns = institution_forms(work, n)
    print(f"（准备用时 {time.perf_counter() - started:.0f} 秒）", flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    print(machine(), flush=True)
    command = ["/usr/bin/time", "-f", "%M %U %S", sys.executable, "-c", "from planmaker.cli import main; main()",
               "collect", str(inbox), "--plan", str(plan), "--campaigns", str(campaigns), "--institutions",
               str(names), "--workers", str(workers), "-o", str(work / "汇总")]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak_kb, user, system = result.stderr.strip().splitlines()[-1].split()
    summary = [line for line in result.stdout.splitlines()[:8] if line.startswith(("读取文件", "  应报送"))]
    print("\n".join(summary))
    print(f"collect {n:,} 张机构统计表，{workers} 个进程：{elapsed:.1f} 秒，每个进程内存峰值 ≤ {int(peak_kb) / 1024:.0f} MB，"
          f"CPU {float(user) + float(system):.1f} 秒（用户 {float(user):.1f}、系统 {float(system):.1f}；"
          f"目标：60 秒、300 MB 以内；退出码 {result.returncode}）", flush=True)
    print(f"{machine()}；测量后负载 {os.getloadavg()[0]:.1f}（负载高于核数时，墙钟时间含等待 CPU 的时间，以 CPU 时间为准）",
          flush=True)
    sample = sorted(inbox.rglob("*.xlsx"))[::max(1, n // 300)]
    started = time.perf_counter()
    for path in sample:  # what a collector needs from each form, the straightforward way
        for data_only in (False, True):
            openpyxl.load_workbook(path, data_only=data_only).close()
    per_form = (time.perf_counter() - started) / len(sample)
    print(f"基准：用 openpyxl 打开表格（公式、缓存值各一次），抽 {len(sample)} 张，每张 {per_form * 1000:.1f} 毫秒，"
          f"{n:,} 张约 {per_form * n:.0f} 秒（单进程）；collect 全程为其 {elapsed / (per_form * n):.2f} 倍")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--libreoffice", action="store_true", help="先用 LibreOffice 打开并保存每张表")
    parser.add_argument("--keep", type=Path, help="在此文件夹中准备（并保留）数据")
    parser.add_argument("--institutions", type=int, metavar="N", help="N 家机构各报一张表，用 --institutions 汇总")
    parser.add_argument("--workers", type=int, default=2, help="与 --institutions 同用：collect 的进程数")
    args = parser.parse_args()
    if args.institutions:
        work = args.keep or Path(tempfile.mkdtemp(prefix="planmaker-bench-"))
        try:
            return collect_institutions(args.institutions, args.workers, work)
        finally:
            if args.keep is None:
                shutil.rmtree(work, ignore_errors=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="planmaker-bench-"))
    try:
        profiles, plans, inbox = work / "profiles", work / "plans", work / "收到"
        for folder in (plans, inbox):
            folder.mkdir(parents=True, exist_ok=True)
        print("准备 200 张已填写的统计表……", flush=True)
        forms = filled_forms(profiles, make_profiles(profiles), plans, inbox)
        if args.libreoffice:
            soffice = shutil.which("soffice") or shutil.which("libreoffice")
            if soffice is None:
                print("未安装 LibreOffice", file=sys.stderr)
                return 2
            converted = work / "libreoffice"
            subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless",
                            "--convert-to", "xlsx", "--outdir", str(converted), *map(str, forms)],
                           check=True, capture_output=True)
            inbox = converted
        city = plans / "liuzhou.yaml"
        city.write_text(PLAN.format(profile="liuzhou", report="2020-12-04"), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        command = [sys.executable, "-c", "from planmaker.cli import main; main()", "collect", str(inbox),
                   "--plan", str(city), "--profiles", str(profiles), "-o", str(work / "汇总")]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        summary = [line for line in result.stdout.splitlines() if line.startswith(("读取文件", "结论"))]
        print("\n".join(summary))
        print(f"汇总 {len(forms)} 张表用时 {elapsed:.2f} 秒（退出码 {result.returncode}，"
              f"{'LibreOffice 保存过' if args.libreoffice else 'openpyxl 填写，未重新计算'}）")
        started = time.perf_counter()
        for path in sorted(inbox.glob("*.xlsx")):
            for data_only in (False, True):
                openpyxl.load_workbook(path, data_only=data_only).close()
        baseline = time.perf_counter() - started
        print(f"基准：用 openpyxl 打开同样 {len(forms)} 张表（公式、缓存值各一次）{baseline:.2f} 秒；"
              f"collect 全程为其 {elapsed / baseline:.2f} 倍（目标：200 张 5 秒以内）")
        return 0 if result.returncode == 0 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
