"""The application: configuration, the guards every request passes, and the error pages.

Guards, in order: the Host header (loopback only, unless a token is set: a
page elsewhere cannot reach the server by renaming itself), the token (when
listening beyond this computer), and for every POST the form's CSRF token.
Every error is a page in Chinese; a traceback is never shown."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, redirect, render_template, request, session
from werkzeug.exceptions import HTTPException

from planmaker import __version__
from planmaker.base.errors import InputError
from planmaker.web.context import Settings, csrf_token, settings
from planmaker.web.jobs import Jobs
from planmaker.web.memo import Memo
from planmaker.web.workspace import Refused, Workspace

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
_STATUS_TEXT = {400: "请求有误", 403: "拒绝访问", 404: "找不到所要的页面或文件", 405: "不支持这种请求方式",
                413: "上传的内容过大", 500: "服务器出错"}


def create_app(settings: Settings) -> Flask:
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)  # sessions last as long as the server
    app.config.update(MAX_CONTENT_LENGTH=settings.limits.max_request, SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_HTTPONLY=True, TEMPLATES_AUTO_RELOAD=False)
    app.extensions["planmaker"] = settings
    app.extensions["planmaker.jobs"] = Jobs()
    app.extensions["planmaker.memo"] = Memo()
    app.extensions["planmaker.workspace"] = Workspace(settings.workspace)
    app.jinja_env.globals.update(version=__version__, csrf_token=csrf_token)
    app.before_request(_guard)
    app.after_request(_headers)
    app.register_error_handler(Exception, _error)
    from planmaker.web import pages_more, pages_plan

    app.register_blueprint(pages_plan.bp)
    app.register_blueprint(pages_more.bp)
    return app


def _guard():
    own = settings()
    host = request.host or ""
    host = host[:host.index("]") + 1] if host.startswith("[") and "]" in host else host.rsplit(":", 1)[0]
    if own.token is None and host not in LOOPBACK_NAMES:
        abort(403, "只接受本机的访问（地址应为 127.0.0.1 或 localhost）")
    if own.token is not None and not _token_ok(own.token):
        abort(403, "需要访问令牌：请使用启动 planmaker serve 时显示的完整地址（含 token=…）")
    if request.args.get("token") and request.method == "GET":
        # the token moves into the session cookie, and out of the address bar and the history
        from urllib.parse import urlencode

        query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
        return redirect(request.path + (f"?{query}" if query else ""))
    if request.method == "POST":
        sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400, "表单已过期或不是从本页提交的（缺少或不符的校验码），请刷新页面后重试")
    return None


def _token_ok(token: str) -> bool:
    given = request.args.get("token") or request.headers.get("X-Planmaker-Token") or ""
    if given and hmac.compare_digest(given, token):
        session["token"] = True
        return True
    return bool(session.get("token"))


def _headers(response):
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; form-action 'self'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _error(exc: Exception):
    """Every failure as a page in Chinese, with the status it deserves; never a traceback."""
    if isinstance(exc, Refused):
        return render_template("error.html", title="未能完成", messages=[exc.message]), exc.status
    if isinstance(exc, InputError):
        return render_template("error.html", title="输入有误", messages=[str(p) for p in exc.problems]), 400
    if isinstance(exc, HTTPException):
        code = exc.code or 500
        text = exc.description if isinstance(exc.description, str) and not exc.description.isascii() else ""
        return render_template("error.html", title=_STATUS_TEXT.get(code, "未能完成"),
                               messages=[text or _STATUS_TEXT.get(code, "请求未能完成")]), code
    if isinstance(exc, OSError):
        from planmaker.base.errors import os_problem

        return render_template("error.html", title="无法读写文件", messages=[str(os_problem(exc))]), 500
    from flask import current_app

    current_app.logger.exception("planmaker serve: %s", exc)
    return render_template("error.html", title="服务器出错",
                           messages=["处理请求时出错，未能完成。请返回重试；如果一再出现，请把命令行窗口中的信息告诉维护人员。"]), 500
