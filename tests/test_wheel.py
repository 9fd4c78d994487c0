"""What ships works from an installed wheel, run outside the repository."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT


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
    # system site packages provide the dependencies; the wheel itself is what is tested
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)], check=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "--no-deps", "--no-index", "--quiet", str(wheel)], check=True)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(env_dir / "bin" / "planmaker"), "demo"], cwd=work, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
    out = work / "planmaker-demo"
    assert (out / "manifest.json").is_file()
    assert any(p.suffix == ".docx" for p in out.iterdir())
    where = subprocess.run([str(env_dir / "bin" / "python"), "-c", "import planmaker;print(planmaker.__file__)"],
                           cwd=work, capture_output=True, text=True, env=env).stdout
    assert str(env_dir) in where, where
