"""`planmaker serve`: the Click command.  Flask, the pages and whatever else the command needs
are imported when it runs, so that the rest of the command line starts as fast as before."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from planmaker import clihelp

option = functools.partial(click.option, cls=clihelp.Option)


def loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command(context_settings=clihelp.CONTEXT)
@option("--port", type=clihelp.Range(0, 65535), default=8765, metavar="端口",
        help="监听的端口（默认 8765；0 表示任选一个空闲端口）。")
@option("--workspace", type=click.Path(file_okay=False, path_type=Path), default=Path("."), metavar="文件夹",
        help="工作文件夹（默认当前文件夹）：其中每个含 plan.yaml 的子文件夹是一份方案，与命令行读写的是同一批文件。")
@option("--open", "open_browser", is_flag=True, help="启动后用默认浏览器打开页面。")
@option("--host", default="127.0.0.1", metavar="地址",
        help="监听的地址（默认 127.0.0.1，只有本机能访问）。其他地址必须同时给出 --token。")
@option("--token", is_flag=False, flag_value="", default=None, metavar="令牌",
        help="访问令牌：每个请求都必须带上（启动时显示含令牌的地址）。只写 --token 时随机生成一个。")
@option("--profiles", "profiles_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
        metavar="文件夹", help="另外查找辖区配置的文件夹（可多次给出）。")
@option("--campaigns", "campaigns_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
        metavar="文件夹", help="另外查找专项模板的文件夹（可多次给出）。")
def serve(port, workspace, open_browser, host, token, profiles_dirs, campaigns_dirs):
    """在浏览器中使用 planmaker：新建方案、导入上级文件、检查、生成并下载、按机构生成、汇总、下发。

    页面只在本机（127.0.0.1）提供，不需要联网；按 Ctrl+C 停止。"""
    from werkzeug.serving import make_server

    from planmaker.web.app import create_app
    from planmaker.web.context import Settings

    if token == "":
        import secrets

        token = secrets.token_urlsafe(18)
    if not loopback(host) and not token:
        click.echo(f"错误：--host {host} 让其他计算机也能访问页面，必须同时给出 --token（如 --token，随机生成一个）。",
                   err=True)
        sys.exit(2)
    workspace.mkdir(parents=True, exist_ok=True)
    app = create_app(Settings(workspace, token, profiles_dirs=tuple(profiles_dirs),
                              campaigns_dirs=tuple(campaigns_dirs)))
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        click.echo(f"错误：无法在 {host}:{port} 上启动：{exc.strerror or exc}（换一个端口：--port）", err=True)
        sys.exit(2)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_port}/" + (f"?token={token}" if token else "")
    click.echo(f"planmaker 页面已启动：{url}")
    click.echo(f"工作文件夹：{workspace.resolve()}")
    if not loopback(host):
        click.echo(f"注意：正在监听 {host}，其他计算机可以访问；每个请求都要带上令牌（地址中的 token=…）。")
    click.echo("按 Ctrl+C 停止。")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("已停止。")
