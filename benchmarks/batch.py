"""Per-institution checklists: planmaker's batch against a plain docxtpl loop and the floor.

    python benchmarks/batch.py 10000                 # one worker, docs/s and ratios
    python benchmarks/batch.py 10000 --workers 2     # also the batch with 2 processes
    python benchmarks/batch.py 100000 --memory       # peak memory of the batch (separate process)
    python benchmarks/batch.py 10000 --scaling       # N/10 against N: time must grow linearly
    python benchmarks/batch.py 10000 --kinds         # every per-institution kind, .xlsx too, against its floor
    python benchmarks/batch.py 34000 --province      # a province: every kind through `planmaker build`, time and memory

--kinds and --province use a problem-list campaign with a statistics form: the
bundled medical-abuses-2020 (checklist, and the institutions' own statistics form of tests/problem_campaign.py) with the problem list of
clinical-conduct (self-check and ledger), assembled in a temporary folder.

All three are timed in one run on the same machine, over the same template
(the checklist of examples/guangxi-2020) and the same synthetic institutions:

* planmaker: reading the institution list (CSV, checked then streamed) and
  writing every checklist through batch.BatchWriter, manifest included;
* docxtpl:   DocxTemplate(template).render(context).save(file) for each
  institution, the way a plain script would (over a sample of --loop-sample
  documents when N is large: at ~30 a second, 10,000 take minutes);
* floor:     writing N copies of one pre-rendered checklist, i.e. the cost
  of the files alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from problem_campaign import problem_campaign  # noqa: E402 -- shared with the county test

PLAN = ROOT / "examples" / "guangxi-2020" / "plan.yaml"
CATEGORIES = ["综合医院", "中医医院", "专科医院", "妇幼保健院", "乡镇卫生院", "社区卫生服务中心", "诊所", "门诊部",
              "村卫生室", "体检中心"]
GRADES = ["三级", "二级", "一级", "未定级", ""]
OWNERSHIPS = ["公立", "民营", ""]


def synthetic_institutions(path: Path, n: int, seed: int = 20201) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "地址", "类别", "等级", "性质", "联系人", "联系电话"])
        for i in range(n):
            writer.writerow([f"第{i + 1}号测试医疗机构", f"南宁市青秀区测试路{rng.randint(1, 999)}号",
                             rng.choice(CATEGORIES), rng.choice(GRADES), rng.choice(OWNERSHIPS),
                             "（姓名）", f"0771-{rng.randint(1000000, 9999999)}"])


PROVINCE_PLAN = "profile: guangxi\ncampaign: abuses-problems\ndates: {start: 2020-09, end: 2020-12, report: 2020-12-05}\n"


def label(job) -> str:
    return f"{job.kind} {job.suffix}"


def _jobs(kind: str | None = None, work: Path | None = None):
    """The checklist of guangxi-2020; with ``kind`` ("selfcheck .xlsx"), that kind of the problem-list campaign."""
    from planmaker.commands.build import render_all
    from planmaker.inputs.catalog import Catalog
    from planmaker.plan.resolve import resolve

    if kind is None:
        _, jobs = render_all(resolve(PLAN, Catalog()), only=["checklist"], with_institutions=True)
        return jobs
    folder = problem_campaign(work / "campaigns", PROVINCE_PLAN)
    _, jobs = render_all(resolve(folder / "plan.yaml", Catalog(campaign_dirs=[folder])), with_institutions=True)
    return [job for job in jobs if label(job) == kind]


def run_planmaker(institutions_csv: Path, out: Path, workers: int, kind: str | None = None) -> float:
    from planmaker.inputs.institutions import InstitutionFile
    from planmaker.writing.batch import BatchWriter
    from planmaker.writing.output import write_outputs

    jobs = _jobs(kind, institutions_csv.parent)
    start = time.perf_counter()
    institutions = InstitutionFile(institutions_csv)
    write_outputs(out, [], {"benchmark": "batch"}, streams=[BatchWriter(jobs, institutions, workers)])
    return time.perf_counter() - start


def run_docxtpl(institutions_csv: Path, out: Path, sample: int) -> tuple[float, int]:
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from planmaker.base.files import FileNames
    from planmaker.inputs.institution_terms import load_vocabulary
    from planmaker.inputs.institutions import InstitutionFile
    from planmaker.kinds.checklist import checklist_context
    from planmaker.plan import annexes as ax

    annex = _checklist_annex()
    vocabulary = load_vocabulary()
    template = ax.template_path(annex.spec.template)
    institutions = list(InstitutionFile(institutions_csv))[:sample]
    names = FileNames()
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for institution in institutions:
        context = checklist_context(annex, institution, vocabulary, label=False)
        document = DocxTemplate(str(template))
        document.render(context, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
        document.save(str(out / names.next(institution.name)))
    return time.perf_counter() - start, len(institutions)


def _checklist_annex():
    from planmaker.commands.build import make_job
    from planmaker.inputs.catalog import Catalog
    from planmaker.plan.resolve import resolve

    return next(a for a in make_job(resolve(PLAN, Catalog())).annexes if a.kind == "checklist")


def run_floor(institutions_csv: Path, out: Path, n: int, kind: str | None = None) -> float:
    [job] = _jobs(kind, institutions_csv.parent)
    from planmaker.inputs.institutions import InstitutionFile

    first = next(iter(InstitutionFile(institutions_csv)))
    data = job.render(job.fields(first))
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i in range(n):
        (out / f"{i}{job.suffix}").write_bytes(data)
    return time.perf_counter() - start


def _child(mode: str, n: int, workers: int, work: Path, kind: str | None = None) -> dict:
    """Run one measurement in a fresh process: its peak memory is its own."""
    result = subprocess.run([sys.executable, __file__, str(n), "--child", mode, "--workers", str(workers),
                             "--work", str(work), *(["--kind", kind] if kind else [])],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


KINDS = ["checklist .docx", "stats .xlsx", "selfcheck .docx", "selfcheck .xlsx", "ledger .docx", "ledger .xlsx"]


def every_kind(n: int, work: Path, repeat: int) -> None:
    """Each per-institution kind alone through the batch (one worker), against
    copying one finished file of that kind N times, alternating, in this run."""
    csv_path = work / f"institutions-{n}.csv"
    print(f"{'kind':18}{'files/s':>10}{'floor/s':>10}{'ratio':>8}   (median of {repeat}; targets ≥ 1,000/s and ≥ 50%)")
    for kind in KINDS:
        runs, floors = [], []
        for _ in range(repeat):
            runs.append(_child("planmaker", n, 1, work, kind))
            floors.append(run_floor(csv_path, work / "floor", n, kind))
            shutil.rmtree(work / "floor")
        run = _median(runs)
        rate, floor = n / run["seconds"], n / statistics.median(floors)
        print(f"{kind:18}{rate:>10,.0f}{floor:>10,.0f}{rate / floor:>8.0%}   "
              f"({run['seconds']:.2f} s, peak {run['peak_mb']:.0f} MB)", flush=True)


def province(n: int, work: Path) -> float:
    """`planmaker build --institutions` of a province: every per-institution kind, one worker, fresh process."""
    folder = problem_campaign(work / "campaigns", PROVINCE_PLAN)
    out = work / f"province-{n}"
    command = [sys.executable, "-c", "from planmaker.cli import main; main()", "build", str(folder / "plan.yaml"),
               "-o", str(out), "--campaigns", str(folder), "--institutions", str(work / f"institutions-{n}.csv"),
               "--workers", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *command], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kb, user, system = result.stderr.strip().splitlines()[-1].split()
    files = sum(len(f) for _, _, f in os.walk(out))
    print(f"province: {n:,} institutions, {files:,} files in {seconds:.1f} s ({files / seconds:,.0f} files/s), "
          f"peak memory {int(peak_kb) / 1024:.0f} MB, cpu {float(user) + float(system):.1f} s, "
          f"exit {result.returncode} (targets < 240 s, < 200 MB)", flush=True)
    shutil.rmtree(out)
    return seconds


def _median(results: list[dict]) -> dict:
    return sorted(results, key=lambda r: r["seconds"])[len(results) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of institutions")
    parser.add_argument("--workers", type=int, default=1, help="also time the batch with this many processes")
    parser.add_argument("--loop-sample", type=int, default=300, help="documents timed in the docxtpl loop")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the batch and the floor, the median reported (the disk is noisy)")
    parser.add_argument("--memory", action="store_true", help="only the batch, reporting peak memory")
    parser.add_argument("--scaling", action="store_true", help="time N/10 and N institutions")
    parser.add_argument("--kinds", action="store_true", help="every per-institution kind against its floor")
    parser.add_argument("--province", action="store_true", help="a whole build of every kind, time and memory")
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        csv_path = args.work / f"institutions-{args.n}.csv"
        out = Path(tempfile.mkdtemp(dir=args.work))
        seconds = run_planmaker(csv_path, out, args.workers, args.kind)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        files = sum(len(f) for _, _, f in os.walk(out)) - 1
        shutil.rmtree(out)  # untimed: the next run must not meet this one's writeback
        print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "worker_peak_mb": children_kb / 1024,
                          "files": files}))
        return

    work = Path(tempfile.mkdtemp(prefix="planmaker-bench-"))
    try:
        sizes = [max(1, args.n // 10), args.n] if args.scaling else [args.n]
        for n in sizes:
            synthetic_institutions(work / f"institutions-{n}.csv", n)
        n = args.n
        print(f"N = {n:,} institutions, template: checklist of {PLAN.relative_to(ROOT)}, "
              f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.repeat} runs")

        if args.kinds:
            every_kind(n, work, args.repeat)
            return
        if args.province and args.scaling:
            small, large = (province(size, work) for size in sizes)
            print(f"ratio {large / small:.2f} for 10x the institutions (target ≤ 11)")
            return
        if args.province:
            province(n, work)
            return
        if args.memory:
            result = _child("planmaker", n, args.workers, work)
            print(f"planmaker batch, {args.workers} worker(s): {result['seconds']:.1f} s, "
                  f"{n / result['seconds']:,.0f} docs/s, peak memory {result['peak_mb']:.0f} MB "
                  f"(each worker ≤ {result['worker_peak_mb']:.0f} MB), {result['files']:,} files")
            return
        if args.scaling:
            small, large = (_child("planmaker", size, 1, work) for size in sizes)
            ratio = large["seconds"] / small["seconds"]
            print(f"{sizes[0]:,}: {small['seconds']:.2f} s   {sizes[1]:,}: {large['seconds']:.2f} s   "
                  f"ratio {ratio:.2f} for 10x the institutions (target ≤ 11)")
            return

        csv_path = work / f"institutions-{n}.csv"
        # Batch and floor alternate, so that both meet the disk in the same moods.
        batches, floors = [], []
        for _k in range(args.repeat):
            batches.append(_child("planmaker", n, 1, work))
            floors.append(run_floor(csv_path, work / "floor", n))
            shutil.rmtree(work / "floor")
        batch = _median(batches)
        batch_rate = n / batch["seconds"]
        floor_seconds = statistics.median(floors)
        floor_rate = n / floor_seconds
        loop_seconds, loop_n = run_docxtpl(csv_path, work / "docxtpl", min(n, args.loop_sample))
        loop_rate = loop_n / loop_seconds
        print(f"{'':24}{'docs/s':>10}")
        print(f"{'planmaker, 1 worker':24}{batch_rate:>10,.0f}   ({batch['seconds']:.2f} s, peak {batch['peak_mb']:.0f} MB)")
        print(f"{'docxtpl loop':24}{loop_rate:>10,.1f}   ({loop_n:,} documents in {loop_seconds:.1f} s)")
        print(f"{'floor (copies)':24}{floor_rate:>10,.0f}   ({floor_seconds:.2f} s)")
        if args.workers > 1:
            parallel = _median([_child("planmaker", n, args.workers, work) for _ in range(args.repeat)])
            print(f"{f'planmaker, {args.workers} workers':24}{n / parallel['seconds']:>10,.0f}   "
                  f"({parallel['seconds']:.2f} s)")
        print(f"planmaker / docxtpl = {batch_rate / loop_rate:,.0f}x (target ≥ 30x); "
              f"planmaker / floor = {batch_rate / floor_rate:.0%} (target ≥ 50%); "
              f"1 worker ≥ 1,000 docs/s: {'yes' if batch_rate >= 1000 else 'NO'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
