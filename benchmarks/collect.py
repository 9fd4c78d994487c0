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

from planmaker.commands.build import document_time  # noqa: E402
from planmaker.commands.collect import _forms  # noqa: E402
from planmaker.inputs.catalog import Catalog  # noqa: E402
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--libreoffice", action="store_true", help="先用 LibreOffice 打开并保存每张表")
    parser.add_argument("--keep", type=Path, help="在此文件夹中准备（并保留）数据")
    args = parser.parse_args()
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
