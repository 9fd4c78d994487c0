"""What ships works from an installed wheel, run outside the repository.

The wheel goes into a fresh virtual environment of its own; the libraries it
needs are the ones the tests run with, seen through a .pth file.  (A venv made
with --system-site-packages sees the base interpreter's packages, not those of
a virtual environment the tests may be running in, where the libraries are.)"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def _bin(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


@pytest.mark.slow
def test_demo_from_an_installed_wheel(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
                           cwd=ROOT, capture_output=True, text=True)
    if build.returncode != 0 and "No module named build" in build.stderr:
        pytest.skip("python -m build 未安装")
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = _bin(env_dir, "python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    libraries = [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and Path(p).is_dir()]
    (Path(purelib) / "_libraries_of_the_tests.pth").write_text("\n".join(libraries) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", str(wheel)], check=True)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run([str(_bin(env_dir, "planmaker")), "demo"], cwd=work, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
    out = work / "planmaker-demo"
    assert (out / "manifest.json").is_file()
    assert any(p.suffix == ".docx" for p in out.iterdir())
    where = subprocess.run([str(python), "-c", "import planmaker;print(planmaker.__file__)"],
                           cwd=work, capture_output=True, text=True, env=env).stdout
    assert str(env_dir) in where, where
    # what the wheel carries besides the code: Click's catalog and the JSON schemas
    shipped = subprocess.run([str(_bin(env_dir, "planmaker")), "build", "-h"], cwd=work, capture_output=True,
                             text=True, env={**env, "LANG": "C"}).stdout
    assert "用法：" in shipped and "显示本帮助并退出" in shipped
    schemas = Path(where.strip()).parent / "schemas"
    assert {p.name for p in schemas.glob("*.json")} >= {"build.schema.json", "error.schema.json"}
    # and the page of planmaker serve: its templates, style sheet and script, served from the wheel
    page = subprocess.run([str(python), "-c", SERVE_PAGE, str(work)], cwd=work, capture_output=True, text=True, env=env)
    assert page.returncode == 0 and page.stdout.split() == ["200", "200", "200"], page.stderr[-2000:]


SERVE_PAGE = """
import sys
from pathlib import Path
from planmaker.web.app import create_app
from planmaker.web.context import Settings
client = create_app(Settings(Path(sys.argv[1]))).test_client()
for path in ("/new", "/static/app.css", "/static/app.js"):
    print(client.get(path).status_code)
"""
