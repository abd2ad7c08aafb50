"""``pip install .`` gives a package that works outside the checkout (a Dask worker machine):
the team's data files travel inside it, and its release digest is the checkout's."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _runtime_requirements() -> list[str]:
    """requirements.txt's pins above the tests' section."""
    pins = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# Tests"):
            break
        if line.strip() and not line.startswith("#"):
            pins.append(line.strip())
    return pins


def test_the_package_pins_the_same_runtime_versions_as_requirements():
    assert PYPROJECT["project"]["dependencies"] == _runtime_requirements()


def test_every_package_and_every_team_data_file_is_shipped():
    from monitoring import data_files

    packages = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "monitoring").rglob("__init__.py")}
    assert set(PYPROJECT["tool"]["setuptools"]["packages"]) == packages | {"monitoring._data"}
    shipped = PYPROJECT["tool"]["setuptools"]["package-data"]["monitoring._data"]
    tracked = subprocess.run(["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert sorted(shipped) == sorted(Path(p).name for p in tracked)
    assert sorted(shipped) == [p.name for p in data_files.team_data_files()]


def test_a_built_copy_finds_its_data_and_runs_this_release(tmp_path):
    from monitoring.executors.release import release_digest

    build = tmp_path / "site"
    subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py", "-d", str(build)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    probe = ("import monitoring, monitoring.data_files as d; from monitoring.executors.release import release_digest; "
             "from monitoring.text.lexicons import slang_overrides; "
             "print(monitoring.__file__, d.IS_CHECKOUT, d.DATA_DIR, len(slang_overrides()), release_digest(), "
             "d.USER_DATA_DIR)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(build), "PANTAUISU_HOME": str(tmp_path / "home"), "PATH": ""})
    assert done.returncode == 0, done.stderr
    location, checkout, data_dir, slang, digest, home = done.stdout.split()
    assert Path(location).is_relative_to(build) and checkout == "False"
    assert Path(data_dir) == build / "monitoring" / "_data" and int(slang) > 50
    assert digest == release_digest() and Path(home) == tmp_path / "home"
