"""The command line.  Commands stay thin: each parses its options, calls one
plain function, and reports in Chinese.  Heavy modules (python-docx, openpyxl)
are imported inside the commands so that ``planmaker --help`` answers at once."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from planmaker import __version__
from planmaker.base.errors import InputError

EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2

_HEADINGS = {"Usage:": "用法：", "Options": "选项", "Commands": "命令", "Arguments": "参数"}


class ChineseFormatter(click.HelpFormatter):
    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args, prefix or "用法：")

    def write_heading(self, heading):
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, *args, **kwargs):
        # Click appends "[required]" and "[x>=1]" in English to an option's help.
        super().write_dl([(term, _chinese_extras(text)) for term, text in rows], *args, **kwargs)


def _chinese_extras(text: str) -> str:
    text = text.replace("[required]", "［必填］")
    text = re.sub(r"\[(\d+)<=x<=(\d+)\]", r"［\1～\2］", text)
    return re.sub(r"\[x>=(\d+)\]", r"［至少 \1］", text)


click.Context.formatter_class = ChineseFormatter
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Command(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)


class Group(click.Group):
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, args=None, prog_name=None, **extra):
        # Click reports a mistyped command line in English ("Error: Missing
        # argument 'PLAN'."); a clerk gets it in Chinese, with the same exit code.
        extra.pop("standalone_mode", None)
        try:
            return super().main(args, prog_name, standalone_mode=False, **extra)
        except click.UsageError as error:
            if error.ctx is not None:
                click.echo(error.ctx.get_usage(), err=True)
                click.echo(f"查看帮助：{error.ctx.command_path} -h", err=True)
            click.echo(f"\n错误：{_chinese_usage(error.format_message())}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)


_USAGE = [
    (r"Missing argument '(.+?)'\.", r"缺少参数 \1。"),
    (r"Missing option '(.+?)'\.", r"缺少选项 \1。"),
    (r"No such option:? '?([^'\s]+)'?\.?\s*\(?(?:Did you mean (?:one of: )?(.+?)\?\)?)?$", None),
    (r"No such command '(.+?)'\.(?: Did you mean '(.+?)'\?)?$", None),
    (r"Option '(.+?)' requires an argument\.", r"选项 \1 后面需要一个值。"),
    (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数：\1。"),
    (r"Invalid value for '(.+?)': (.+?) is not in the range x>=(\d+)\.", r"\1 的值 \2 无效：至少为 \3。"),
    (r"Invalid value for '(.+?)': (.+?) is not in the range (\d+)<=x<=(\d+)\.", r"\1 的值 \2 无效：应在 \3 到 \4 之间。"),
    (r"Invalid value for '(.+?)': '(.+?)' is not a valid integer(?: range)?\.", r"\1 的值 “\2” 不是整数。"),
    (r"Invalid value for '(.+?)': (.+)", r"\1 的值无效：\2"),
]


def _chinese_usage(message: str) -> str:
    for pattern, replacement in _USAGE:
        match = re.match(pattern, message, re.DOTALL)
        if match is None:
            continue
        if replacement is not None:
            return match.expand(replacement)
        what = "命令" if "command" in pattern else "选项"
        hint = f"是否想写 {match.group(2).replace(chr(39), '').replace(', ', '、')}？" if match.group(2) else ""
        return f"没有{what} {match.group(1)}。{hint}"
    return message

_HELP = "显示本帮助并退出。"


def _catalog(profiles_dirs, campaigns_dirs):
    from planmaker.inputs.catalog import Catalog

    return Catalog(profiles_dirs, campaigns_dirs)


def _formats(formats: str) -> list[str]:
    """--format office,pdf → the kinds to add to the default ones (pdf)."""
    chosen = {f.strip().lower() for f in formats.split(",") if f.strip()}
    unknown = chosen - {"office", "pdf"}
    if unknown:
        _fail(InputError.single(f"未知的格式 “{'、'.join(sorted(unknown))}”（可选：office、pdf）", field="--format"))
    return sorted(chosen - {"office"})


def _fail(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    click.echo("未写入任何文件。", err=True)
    sys.exit(EXIT_BAD_INPUT)


class KindsOption(click.Option):
    """--only, whose help lists the kinds in the registry when it is shown
    (not at start-up: the registry imports every kind)."""

    def get_help_record(self, ctx):
        from planmaker.kinds.registry import help_text

        self.help = f"只生成这些类别，用逗号分隔。{help_text()}。"
        return super().get_help_record(ctx)


profile_dirs_option = click.option(
    "--profiles", "profiles_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    metavar="文件夹", help="另外查找辖区配置的文件夹（可多次给出），优先于自带配置。")
campaign_dirs_option = click.option(
    "--campaigns", "campaigns_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    metavar="文件夹", help="另外查找专项模板的文件夹（可多次给出），优先于自带模板。")


@click.group(cls=Group, context_settings=CONTEXT, help="planmaker：由辖区配置和专项模板生成专项整治的全套文件。")
@click.help_option("-h", "--help", help=_HELP)
@click.version_option(__version__, message="planmaker %(version)s", help="显示版本并退出。")
@click.pass_context
def main(ctx):
    from planmaker.base import notices

    # Warnings raised while loading and rendering are printed once the command ends.
    bucket = ctx.with_resource(notices.collecting())
    ctx.call_on_close(lambda: [click.echo(str(p), err=True) for p in bucket])


_LISTED_PER_FOLDER = 10  # beyond this, a folder's new files are counted rather than listed


def _report(result, out_dir: Path) -> None:
    report = result.report
    by_folder: dict[str, list[str]] = {}
    for path in report.written:
        by_folder.setdefault(path.rpartition("/")[0], []).append(path)
    for folder, paths in by_folder.items():
        if folder and len(paths) > _LISTED_PER_FOLDER:
            click.echo(f"已生成：{out_dir / folder}{os.sep}（{len(paths)} 个文件）")
            continue
        for path in paths:
            click.echo(f"已生成：{out_dir / path}")
    if report.unchanged:
        click.echo(f"未变化：{len(report.unchanged)} 个文件")
    for original, beside in report.kept:
        click.echo(f"注意：{out_dir / original} 在上次生成后被修改过，已保留原文件；"
                   f"新版本写在 {out_dir / beside}（如要覆盖，请加 --force）")
    click.echo(f"清单：{out_dir / 'manifest.json'}")


@main.command()
@click.help_option("-h", "--help", help=_HELP)
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), metavar="文件夹", help="输出文件夹（默认 out）。")
@click.option("--only", metavar="类别", cls=KindsOption)
@click.option("--force", is_flag=True, help="覆盖上次生成后被手工修改过的文件。")
@click.option("--format", "formats", default="office", metavar="格式",
              help="office（默认，.docx 和 .xlsx）；pdf：另外用 LibreOffice 为每个 .docx/.xlsx 生成 PDF。")
@click.option("--institutions", "institutions_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="文件", help="医疗机构名单（.csv 或 .xlsx），为每家机构生成预填的检查表、自查表和整改台账。")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="按机构生成文件时并行的进程数（默认：本机 CPU 核数）。")
@click.option("--shard", metavar="K/N",
              help="只生成机构名单的第 K 片（共 N 片），供多台机器分担同一批任务；各片输出合起来正好是完整的一批。"
                   "第 1 片同时生成方案本身的文件。")
@profile_dirs_option
@campaign_dirs_option
def build(plan, out_dir, only, force, formats, institutions_file, workers, shard, profiles_dirs, campaigns_dirs):
    """按方案文件 PLAN 生成实施方案、附件（任务分工表、检查表、统计表）、合订本、预览和 manifest.json。"""
    from planmaker.commands.batch import default_workers, parse_shard
    from planmaker.commands.build import build as run_build
    from planmaker.commands.build import parse_only

    try:
        result = run_build(plan, out_dir, _catalog(profiles_dirs, campaigns_dirs),
                           only=parse_only(only), force=force, institutions_file=institutions_file,
                           also=_formats(formats), workers=workers or default_workers(),
                           shard=parse_shard(shard), progress=sys.stderr.isatty())
    except InputError as exc:
        _fail(exc)
    _report(result, out_dir)


@main.command()
@click.help_option("-h", "--help", help=_HELP)
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@profile_dirs_option
@campaign_dirs_option
def check(plan, profiles_dirs, campaigns_dirs):
    """检查方案文件 PLAN 及其辖区配置和专项模板，列出发现的全部问题。

    没有错误时退出码为 0，发现错误时为 1（只有警告时仍为 0）。"""
    from planmaker.commands.check import check_plan

    problems = check_plan(plan, _catalog(profiles_dirs, campaigns_dirs))
    for problem in problems:
        click.echo(str(problem))
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    if errors:
        click.echo(f"发现 {len(errors)} 个错误、{warnings} 个警告。")
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"检查通过（{warnings} 个警告）。" if warnings else "检查通过，未发现问题。")


@main.command()
@click.help_option("-h", "--help", help=_HELP)
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("cascade"), metavar="文件夹", help="输出文件夹（默认 cascade），每个下级一个子文件夹。")
@click.option("--lead-days", type=click.IntRange(0, 60), default=5, metavar="天数",
              help="下级的报送时限比上级提前的工作日数（默认 5）。")
@click.option("--force", is_flag=True, help="覆盖上次生成后被手工修改过的文件（包括下级的方案文件）。")
@profile_dirs_option
@campaign_dirs_option
def cascade(plan, out_dir, lead_days, force, profiles_dirs, campaigns_dirs):
    """由上级的方案文件 PLAN 为每个下级辖区生成方案文件和全套文件。

    每个下级：引用上级方案的标题和文号，沿用同一专项的任务，使用本级的部门名称，
    报送时限比上级提前 --lead-days 个工作日。市的方案下发到各县（区），省的方案下发到各市。"""
    from planmaker.commands.cascade import cascade as run_cascade

    try:
        result = run_cascade(plan, out_dir, _catalog(profiles_dirs, campaigns_dirs), lead_days, force)
    except InputError as exc:
        _fail(exc)
    for original, beside in result.plans.kept:
        click.echo(f"注意：{out_dir / original} 已被修改过，保留原文件，按原文件生成；新版本写在 {out_dir / beside}")
    for child, plan_file, built in result.children:
        changed = len(built.report.written) + len(built.report.kept)
        click.echo(f"{child.name}：{plan_file}，生成 {changed} 个文件，{len(built.report.unchanged)} 个未变化")
    click.echo(f"共 {len(result.children)} 个下级辖区。")


@main.command()
@click.help_option("-h", "--help", help=_HELP)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("planmaker-demo"), metavar="文件夹", help="输出文件夹（默认 planmaker-demo）。")
@click.option("--force", is_flag=True, help="覆盖上次生成后被手工修改过的文件。")
def demo(out_dir, force):
    """用自带示例（柳州市2021年不合理医疗检查专项治理）生成全套文件，无需任何输入。"""
    from planmaker.base import resources
    from planmaker.commands.build import build as run_build

    plan = resources.examples_dir() / "liuzhou-2021" / "plan.yaml"
    try:
        result = run_build(plan, out_dir, force=force)
    except InputError as exc:
        _fail(exc)
    _report(result, out_dir)


@main.command()
@click.help_option("-h", "--help", help=_HELP)
@click.option("--dir", "dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="文件夹", help="另外列出此文件夹中的辖区配置（可多次给出）。")
@click.argument("query", required=False, metavar="[关键字]")
def profiles(dirs, query):
    """列出可用的辖区配置（自带的和指定文件夹中的）；给出关键字时，按名称的一部分或代码的开头查找全国的辖区，
    找到的辖区可直接写在方案文件的 profile 中（名称、代码或路径）。"""
    catalog = _catalog(dirs, ())
    if query:
        _search_profiles(catalog, query)
        return
    rows = []
    try:
        for pid in catalog.profile_ids():
            j = catalog.load_profile(pid)
            parent = j.parent.name if j.parent else "—"
            rows.append((pid, j.name, j.kind, parent, str(j.file)))
    except InputError as exc:
        _fail(exc)
    width = max(len(r[0]) for r in rows) if rows else 0
    for pid, name, kind, parent, path in rows:
        click.echo(f"{pid.ljust(width)}  {name}（{kind}，上级：{parent}）  {path}")
    click.echo("全国的省级、地级、县级辖区不用写配置，方案文件可直接写名称、代码或路径；"
               "用 planmaker profiles 关键字 查找。")


def _search_profiles(catalog, query: str) -> None:
    try:
        rows = catalog.search(query.strip())
    except InputError as exc:
        _fail(exc)
    if not rows:
        click.echo(f"没有名称含“{query}”或代码以“{query}”开头的辖区。")
        raise SystemExit(1)
    for code, path, kind, pid in rows:
        own = f"  配置：{pid}" if pid else ""
        click.echo(f"{code or '—':6}  {path}（{kind}）{own}")
    click.echo(f"共 {len(rows)} 个。")


@main.command()
@click.help_option("-h", "--help", help=_HELP)
@click.option("--dir", "dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="文件夹", help="另外列出此文件夹中的专项模板（可多次给出）。")
def campaigns(dirs):
    """列出可用的专项模板（自带的和指定文件夹中的）。"""
    catalog = _catalog((), dirs)
    try:
        for cid in catalog.campaign_ids():
            loaded = catalog.load_campaign(cid)
            click.echo(f"{cid}  {loaded.model.name}：{loaded.model.description}  {loaded.file}")
    except InputError as exc:
        _fail(exc)
    from planmaker.base.resources import templates_dir

    # Where a clerk finds checklist.docx to copy into a campaign and edit in Word.
    click.echo(f"\n自带的附件版式（.docx）：{templates_dir() / 'annexes'}")


@main.command()
@click.help_option("-h", "--help", help=_HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或文件夹...")
@click.option("--plan", "plan", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="方案文件",
              help="本级的方案文件（生成空白统计表时用的 plan.yaml）：确定本级辖区、专项、统计时段和应报送的下级。")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("汇总"), metavar="文件夹", help="输出文件夹（默认 汇总）。")
@click.option("--force", is_flag=True, help="覆盖上次生成后被手工修改过的文件。")
@profile_dirs_option
@campaign_dirs_option
def collect(inputs, plan, out_dir, force, profiles_dirs, campaigns_dirs):
    """汇总下级报送的统计表（.xlsx，可给文件或文件夹，文件夹内逐层查找）。

    本级由 --plan 给出的方案文件确定；应报送的下级是辖区配置中上级（parent）为本级的各辖区。
    每个文件按表内隐藏的 planmaker 信息识别（与文件名无关），用 Excel、WPS 或 LibreOffice
    填写均可。输出与空白表格式相同的汇总表（.xlsx，可再交上一级汇总；以及 .docx）和
    汇总报告.txt，报告同时显示在屏幕上，列出：未报送的下级；不是本专项、本表、本时段或
    本级下级的文件；不是不小于 0 的整数（允许小数的项目除外）的单元格；合计与分项不符；
    重复报送；以及计入汇总的文件。有问题的文件不计入汇总；空白单元格按 0 计。

    退出码：0 全部报送且无问题；1 发现问题（汇总表仍会生成，但不完整）；2 输入有误，未写入任何文件。"""
    from planmaker.commands.collect import collect as run_collect
    from planmaker.commands.collect import report_text, write

    try:
        collection = run_collect(list(inputs), plan, _catalog(profiles_dirs, campaigns_dirs), exclude=out_dir)
        result = write(collection, out_dir, force=force)
    except InputError as exc:
        _fail(exc)
    click.echo(report_text(collection), nl=False)
    for original, beside in result.kept:
        click.echo(f"注意：{out_dir / original} 在上次生成后被修改过，已保留原文件；"
                   f"新版本写在 {out_dir / beside}（如要覆盖，请加 --force）")
    click.echo(f"汇总表和报告已写入：{out_dir}")
    if not collection.clean:
        sys.exit(EXIT_PROBLEMS)
