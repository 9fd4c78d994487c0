"""The command line.  Commands stay thin: each parses its options, calls one
plain function, and reports in Chinese (or in JSON with --json: cliout.py).
Click's own messages and the help layout are in clihelp.py.  Heavy modules
(python-docx, openpyxl) are imported inside the commands so that
``planmaker --help`` answers at once."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from planmaker import __version__, clihelp, cliout
from planmaker.base.errors import InputError, Refusal
from planmaker.clihelp import CONTEXT, Group, Range
from planmaker.cliout import EXIT_BAD_INPUT, EXIT_PROBLEMS, emit_json, json_option, report_build, say, verbosity_options
from planmaker.web.command import serve

option = functools.partial(click.option, cls=clihelp.Option)
argument = functools.partial(click.argument, cls=clihelp.Argument)


def _catalog(profiles_dirs, campaigns_dirs):
    from planmaker.inputs.catalog import Catalog

    return Catalog(profiles_dirs, campaigns_dirs)


def _formats(formats: str) -> list[str]:
    """--format office,pdf → the kinds to add to the default ones (pdf)."""
    chosen = {f.strip().lower() for f in formats.split(",") if f.strip()}
    unknown = chosen - {"office", "pdf"}
    if unknown:
        raise InputError.single(f"--format 未知的格式 “{'、'.join(sorted(unknown))}”（可选：office、pdf）")
    return sorted(chosen - {"office"})


class KindsOption(clihelp.Option):
    """--only, whose help lists the kinds in the registry when it is shown
    (not at start-up: the registry imports every kind)."""

    def get_help_record(self, ctx):
        from planmaker.kinds.registry import help_text

        self.help = f"只生成这些类别，用逗号分隔。{help_text()}。"
        return super().get_help_record(ctx)


def _dirs_option(name: str, dest: str, envvar: str, text: str, *aliases: str):
    """A folder option that may be given several times, or as ``envvar`` (folders separated by os.pathsep)."""
    return option(name, *aliases, dest, multiple=True, type=clihelp.PathType(file_okay=False, path_type=Path),
                  hidden_names=aliases, envvar=envvar, show_envvar=True, metavar="文件夹", help=text,
                  callback=cliout.usable_folders)


profile_dirs_option = _dirs_option("--profiles", "profiles_dirs", "PLANMAKER_PROFILES",
                                   "另外查找辖区配置的文件夹（可多次给出），优先于自带配置。")
campaign_dirs_option = _dirs_option("--campaigns", "campaigns_dirs", "PLANMAKER_CAMPAIGNS",
                                    "另外查找专项模板的文件夹（可多次给出），优先于自带模板。")


def output_option(default: str, text: str):
    return option("-o", "--output", "out_dir", type=clihelp.PathType(file_okay=False, path_type=Path),
                  default=Path(default), metavar="文件夹", help=text)


force_option = option("--force", is_flag=True, help="覆盖上次生成后被手工修改过的文件。")


@click.group(cls=Group, context_settings=CONTEXT, help="planmaker：由辖区配置和专项模板生成专项整治的全套文件。")
@click.version_option(__version__, message="planmaker %(version)s")
@verbosity_options
@click.pass_context
def main(ctx):
    from planmaker.base import notices

    cliout.usable_temporary_folder()

    # Warnings raised while loading and rendering are printed once the command ends.
    bucket = ctx.with_resource(notices.collecting())
    ctx.call_on_close(lambda: [click.echo(str(p), err=True) for p in bucket])


@main.command()
@argument("plan", type=clihelp.PathType(dir_okay=False, path_type=Path))
@output_option("out", "输出文件夹（默认 out）。")
@option("--only", metavar="类别", cls=KindsOption)
@force_option
@option("--format", "formats", default="office", metavar="格式", envvar="PLANMAKER_FORMAT", show_envvar=True,
              help="office（默认，.docx 和 .xlsx）；pdf：另外用 LibreOffice 为每个 .docx/.xlsx 生成 PDF。")
@option("--institutions", "institutions_file", type=clihelp.PathType(dir_okay=False, path_type=Path),
              metavar="文件", help="医疗机构名单（.csv 或 .xlsx），为每家机构生成预填的检查表、自查表、整改台账和本机构的统计表。")
@option("--workers", type=Range(min=1), metavar="N", envvar="PLANMAKER_WORKERS", show_envvar=True,
              help="按机构生成文件时并行的进程数（默认：本机 CPU 核数）。")
@option("--shard", metavar="K/N",
              help="只生成机构名单的第 K 片（共 N 片），供多台机器分担同一批任务；各片输出合起来正好是完整的一批。"
                   "第 1 片同时生成方案本身的文件。")
@option("--merge", type=click.Choice(["track", "apply", "off"]), default="track", show_default=True,
        help="上次生成后被手工修改过的 .docx/.xlsx：track 把新版本的改动合并进去并标为修订（可逐条接受或拒绝）；"
             "apply 直接合并、不标修订；off 不合并，新版本另存为“（新生成）”副本。")
@profile_dirs_option
@campaign_dirs_option
@json_option
@verbosity_options
def build(plan, out_dir, only, force, formats, institutions_file, workers, shard, merge, profiles_dirs,
          campaigns_dirs, as_json):
    """按方案文件 PLAN 生成实施方案、附件（任务分工表、检查表、统计表）、合订本、预览和 manifest.json。"""
    from planmaker.commands import summary
    from planmaker.commands.build import build as run_build
    from planmaker.commands.build import parse_only
    from planmaker.writing.batch import default_workers, parse_shard

    result = run_build(plan, out_dir, _catalog(profiles_dirs, campaigns_dirs),
                       only=parse_only(only), force=force, institutions_file=institutions_file,
                       also=_formats(formats), workers=workers or default_workers(),
                       shard=parse_shard(shard), progress=sys.stderr.isatty() and not as_json, merge=merge)
    emit_json(summary.build(plan, out_dir, result)) if as_json else report_build(result, out_dir)


@main.command()
@argument("plan", type=clihelp.PathType(dir_okay=False, path_type=Path))
@profile_dirs_option
@campaign_dirs_option
@json_option
@verbosity_options
def check(plan, profiles_dirs, campaigns_dirs, as_json):
    """检查方案文件 PLAN 及其辖区配置和专项模板，列出发现的全部问题。

    没有错误时退出码为 0，发现错误时为 1（只有警告时仍为 0）。"""
    from planmaker.commands import summary
    from planmaker.commands.check import check_plan

    problems = check_plan(plan, _catalog(profiles_dirs, campaigns_dirs))
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    if as_json:
        emit_json(summary.check(plan, problems))
    else:
        for problem in problems:
            click.echo(str(problem))
        if errors:
            say(f"发现 {len(errors)} 个错误、{warnings} 个警告。")
        else:
            say(f"检查通过（{warnings} 个警告）。" if warnings else "检查通过，未发现问题。")
    if errors:
        # A template over its budget or a broken file: the input is refused, as by build.
        sys.exit(EXIT_BAD_INPUT if any(isinstance(p, Refusal) for p in errors) else EXIT_PROBLEMS)


@main.command()
@argument("plan", type=clihelp.PathType(dir_okay=False, path_type=Path))
@output_option("cascade", "输出文件夹（默认 cascade），每个下级一个子文件夹。")
@option("--lead-days", type=Range(0, 60), default=5, metavar="天数",
              help="下级的报送时限比上级提前的工作日数（默认 5）。")
@option("--only", metavar="类别", cls=KindsOption)
@option("--force", is_flag=True, help="覆盖上次生成后被手工修改过的文件（包括下级的方案文件）。")
@profile_dirs_option
@campaign_dirs_option
@verbosity_options
def cascade(plan, out_dir, lead_days, only, force, profiles_dirs, campaigns_dirs):
    """由上级的方案文件 PLAN 为每个下级辖区生成方案文件和全套文件。

    每个下级：引用上级方案的标题和文号，沿用同一专项的任务，使用本级的部门名称，
    报送时限比上级提前 --lead-days 个工作日。市的方案下发到各县（区），省的方案下发到各市。
    给出 --only 时，各下级只生成这些类别的文件（方案文件总是生成）。"""
    from planmaker.commands.build import parse_only
    from planmaker.commands.cascade import cascade as run_cascade

    result = run_cascade(plan, out_dir, _catalog(profiles_dirs, campaigns_dirs), lead_days, force,
                         parse_only(only))
    for original, beside in result.plans.kept:
        click.echo(f"注意：{out_dir / original} 已被修改过，保留原文件，按原文件生成；新版本写在 {out_dir / beside}")
    for child, plan_file, built in result.children:
        changed = len(built.report.written) + len(built.report.kept)
        say(f"{child.name}：{plan_file}，生成 {changed} 个文件，{len(built.report.unchanged)} 个未变化")
    say(f"共 {len(result.children)} 个下级辖区。")


@main.command()
@output_option("planmaker-demo", "输出文件夹（默认 planmaker-demo）。")
@force_option
@verbosity_options
def demo(out_dir, force):
    """用自带示例（柳州市2021年不合理医疗检查专项治理）生成全套文件，无需任何输入。"""
    from planmaker.base import resources
    from planmaker.commands.build import build as run_build

    plan = resources.examples_dir() / "liuzhou-2021" / "plan.yaml"
    result = run_build(plan, out_dir, force=force)
    report_build(result, out_dir)


@main.command()
@option("--profile", metavar="辖区", help="辖区：名称或配置名（如 柳州市、liuzhou）。")
@option("--campaign", metavar="专项", help="专项模板：名称或配置名（见 planmaker campaigns）。")
@option("--start", metavar="年-月", help="专项开始月份（如 2024-05）；写空字符串 \"\" 表示暂不确定。")
@option("--parent-title", metavar="标题", help="所贯彻的上级文件的标题（没有时写 \"\"）。")
@option("--parent-number", metavar="文号", help="上级文件的文号，如 桂卫医发〔2021〕12号。")
@option("--issuer", metavar="单位", help="发文单位（默认：辖区配置中的发文单位）。")
@option("--contact", "contacts", multiple=True, metavar="姓名,电话",
              help="联系人，如 “张三,0772-1234567”（可多次给出）。")
@option("--no-contacts", is_flag=True, help="不写联系人，也不询问。")
@output_option("新方案", "写入方案文件和生成文件的文件夹（默认 新方案）：方案文件为其中的 plan.yaml，文件生成在其中的 out。")
@option("--no-build", is_flag=True, help="只写方案文件，不生成文件。")
@force_option
@profile_dirs_option
@campaign_dirs_option
@verbosity_options
def new(profile, campaign, start, parent_title, parent_number, issuer, contacts, no_contacts, out_dir, no_build,
        force, profiles_dirs, campaigns_dirs):
    """逐项询问，写出带注释的方案文件 plan.yaml 并生成全套文件，无需会写 YAML。

    每个问题都有对应的选项，给出的不再询问；没有终端（脚本、定时任务）时从不等待输入，缺少必需的回答
    （--profile、--campaign）时报错，退出码为 2。"""
    from planmaker.commands import new as wizard

    answers = wizard.Answers(profile, campaign, start, parent_title, parent_number, issuer,
                             [] if no_contacts else (list(contacts) or None))
    ask = _ask if _terminal() else None
    plan = wizard.complete(answers, _catalog(profiles_dirs, campaigns_dirs), ask, click.echo)
    path = wizard.write_plan(out_dir, wizard.plan_text(plan), force, wizard.profile_text(plan))
    say(f"方案文件：{path}")
    if no_build:
        return
    from planmaker.commands.build import build as run_build

    result = run_build(path, out_dir / "out", _catalog(profiles_dirs, campaigns_dirs), force=force)
    report_build(result, out_dir / "out")
    say(f"修改 {path} 后运行 planmaker build {path} -o {out_dir / 'out'} 重新生成。")


def _terminal() -> bool:
    """Someone to ask: standard input is a terminal."""
    return click.get_text_stream("stdin").isatty()


def _ask(question: str, default: str) -> str:
    return click.prompt(question, default=default, show_default=bool(default), prompt_suffix="：")


@main.command()
@_dirs_option("--profiles", "profiles_dirs", "PLANMAKER_PROFILES",
              "另外列出此文件夹中的辖区配置（可多次给出）。", "--dir")
@json_option
@argument("query", required=False, metavar="[关键字]")
def profiles(profiles_dirs, as_json, query):
    """列出可用的辖区配置（自带的和指定文件夹中的）；给出关键字时，按名称的一部分或代码的开头查找全国的辖区，
    找到的辖区可直接写在方案文件的 profile 中（名称、代码或路径）。"""
    from planmaker.cliout import print_profiles
    from planmaker.commands import summary

    catalog = _catalog(profiles_dirs, ())
    if query:
        found = catalog.search(query.strip())
        rows = [catalog.load_profile(pid or code) for code, _path, kind, pid in found
                if kind not in catalog.vocabulary.refused]
    else:
        rows = _each_profile(catalog)
    if as_json:
        emit_json(summary.profiles(rows))
    elif query:
        _print_found(found, query)
    else:
        print_profiles(rows)
        click.echo("全国的省级、地级、县级辖区不用写配置，方案文件可直接写名称、代码或路径；"
                   "用 planmaker profiles 关键字 查找。")


def _each_profile(catalog) -> list:
    """Every profile that loads; one that does not is reported and left out, not the end of the list."""
    from planmaker.base import notices
    from planmaker.base.errors import Problem

    rows = []
    for pid in catalog.profile_ids():
        try:
            rows.append(catalog.load_profile(pid))
        except InputError as exc:
            for problem in exc.problems:
                notices.warn(Problem(f"{problem.message}（配置 {pid} 无法读取，未列出）", problem.file, problem.line,
                                     problem.field))
    return rows


def _print_found(found, query: str) -> None:
    if not found:
        click.echo(f"没有名称含“{query}”或代码以“{query}”开头的辖区。")
        raise SystemExit(1)
    for code, path, kind, pid in found:
        own = f"  配置：{pid}" if pid else ""
        click.echo(f"{code or '—':6}  {path}（{kind}）{own}")
    click.echo(f"共 {len(found)} 个。")


@main.command()
@_dirs_option("--campaigns", "campaigns_dirs", "PLANMAKER_CAMPAIGNS",
              "另外列出此文件夹中的专项模板（可多次给出）。", "--dir")
@json_option
def campaigns(campaigns_dirs, as_json):
    """列出可用的专项模板（自带的和指定文件夹中的）。"""
    from planmaker.base.resources import templates_dir
    from planmaker.cliout import print_campaigns
    from planmaker.commands import summary

    catalog = _catalog((), campaigns_dirs)
    loaded = [catalog.load_campaign(cid) for cid in catalog.campaign_ids()]
    layouts = templates_dir() / "annexes"
    emit_json(summary.campaigns(loaded, layouts)) if as_json else print_campaigns(loaded, layouts)


@main.command()
@argument("inputs", nargs=-1, required=True, type=clihelp.PathType(path_type=Path), metavar="文件或文件夹...")
@option("--plan", "plan", required=True, type=clihelp.PathType(dir_okay=False, path_type=Path), metavar="方案文件",
              help="本级的方案文件（生成空白统计表时用的 plan.yaml）：确定本级辖区、专项、统计时段和应报送的下级。")
@output_option("汇总", "输出文件夹（默认 汇总）。")
@force_option
@option("--institutions", "institutions_file", type=clihelp.PathType(dir_okay=False, path_type=Path), metavar="文件",
        help="本级的医疗机构名单（.csv 或 .xlsx）：每家机构应报送一份（build --institutions 生成的）统计表。")
@option("--workers", type=Range(min=1), metavar="N", help="并行读取表格的进程数（默认：本机 CPU 核数）。")
@profile_dirs_option
@campaign_dirs_option
@json_option
@verbosity_options
def collect(inputs, plan, out_dir, force, institutions_file, workers, profiles_dirs, campaigns_dirs, as_json):
    """汇总下级报送的统计表（.xlsx，可给文件或文件夹，文件夹内逐层查找）。

    本级由 --plan 给出的方案文件确定；应报送的下级是辖区配置中上级（parent）为本级的各辖区。
    每个文件按表内隐藏的 planmaker 信息识别（与文件名无关），用 Excel、WPS 或 LibreOffice
    填写均可。输出与空白表格式相同的汇总表（.xlsx，可再交上一级汇总；以及 .docx）和
    汇总报告.txt，报告同时显示在屏幕上，列出：未报送的下级；不是本专项、本表、本时段或
    本级下级的文件；不是不小于 0 的整数（允许小数的项目除外）的单元格；合计与分项不符；
    重复报送；以及计入汇总的文件。有问题的文件不计入汇总；空白单元格按 0 计。

    退出码：0 全部报送且无问题；1 发现问题（汇总表仍会生成，但不完整）；2 输入有误，未写入任何文件。"""
    from planmaker.collect.run import collect as run_collect
    from planmaker.collect.run import report_text, write
    from planmaker.commands import summary
    from planmaker.writing.batch import default_workers

    collection = run_collect(list(inputs), plan, _catalog(profiles_dirs, campaigns_dirs), exclude=out_dir,
                             institutions_file=institutions_file, workers=workers or default_workers())
    result = write(collection, out_dir, force=force)
    if as_json:
        emit_json(summary.collect(plan, out_dir, collection, result))
    else:
        say(report_text(collection, limit=LISTED_ON_SCREEN), nl=False)
        for original, beside in result.kept:
            click.echo(f"注意：{out_dir / original} 在上次生成后被修改过，已保留原文件；"
                       f"新版本写在 {out_dir / beside}（如要覆盖，请加 --force）", err=True)
        say(f"汇总表和报告已写入：{out_dir}")
    if not collection.clean:
        sys.exit(EXIT_PROBLEMS)


LISTED_ON_SCREEN = 30  # lines a section of the collect report shows on screen; the file has them all


# ------------------------------------------------------------------ import (issue 13)

@main.command("import")
@argument("file", type=clihelp.PathType(dir_okay=False, path_type=Path))
@option("-o", "--output", "out_dir", type=clihelp.PathType(file_okay=False, path_type=Path), required=True,
        metavar="文件夹", help="写入专项模板（campaign.yaml）和方案文件（plan.yaml）的文件夹。")
@option("--profile", metavar="辖区", help="发文辖区（辖区配置的名称或 id，如 liuzhou、柳州市）；不写时按落款和正文推断。")
@option("--force", is_flag=True, help="输出文件夹中已有 campaign.yaml 或 plan.yaml 时覆盖它们。")
@profile_dirs_option
@json_option
@verbosity_options
def import_(file, out_dir, profile, force, profiles_dirs, as_json):
    """把收到的上级方案 FILE 导入为专项模板和方案文件草稿：Word（.docx、.doc）、WPS（.wps）、
    带文字层的 PDF、纯文本（.txt、.md）；收到的是《关于印发……的通知》时，导入其中的方案。

    写出的 plan.yaml 可直接 planmaker build；屏幕上列出识别到的内容，以及未能归类、按原文保留的内容（注明行号）。

    文件无法导入时（空文件、图片或没有文字层的扫描件、没有 LibreOffice 时的 .doc/.wps、不是实施方案）
    说明原因，退出码为 2，不写入任何文件。"""
    from planmaker.commands import summary
    from planmaker.importer.report import report_text
    from planmaker.importer.run import import_plan

    report = import_plan(file, out_dir, _catalog(profiles_dirs, ()), profile=profile, force=force)
    emit_json(summary.import_(report)) if as_json else say(report_text(report, out_dir), nl=False)


main.add_command(serve)  # planmaker serve: the page (web/command.py)
