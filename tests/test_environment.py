"""The environment files agree with pyproject.toml and the lock; repo2docker reads binder/."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from paper_lib import paths

pytestmark = pytest.mark.machinery  # no result here depends on the CPU or BLAS kernel (.ci/run)

ROOT = paths.ROOT


def pins(requirements):
    """``{name: version}`` from 'name==version' strings."""
    found = {}
    for item in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)\s*", item)
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def project_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return pins(project["dependencies"]), pins(project["optional-dependencies"]["lab"])


def conda_pins(path):
    doc = yaml.safe_load(path.read_text())
    pip = next(d["pip"] for d in doc["dependencies"] if isinstance(d, dict) and "pip" in d)
    python = next(d for d in doc["dependencies"] if isinstance(d, str) and d.startswith("python="))
    return pins(pip), python


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    every = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    assert len(pins(every)) == len(set(every)), "every dependency pinned with =="


def test_environment_files_agree_with_pyproject():
    runtime, lab = project_pins()
    for path in (ROOT / "environment.yml", ROOT / "binder" / "environment.yml"):
        found, python = conda_pins(path)
        assert found == {**runtime, **lab}, f"{path.name} differs from pyproject.toml"
        assert python == "python=3.11"


def test_lock_files_agree_with_pyproject():
    runtime, _ = project_pins()
    for lock in ("figures.lock", "site.lock", "test.lock", "mlp.lock"):
        locked = pins(line.split("\\")[0] for line in (ROOT / "requirements" / lock).read_text().splitlines()
                      if "==" in line and not line.startswith("#"))
        for name, version in runtime.items():
            assert locked.get(name) == version, f"{lock}: {name} {locked.get(name)} != pyproject {version}"


def test_the_mlp_lock_takes_the_cpu_build_of_torch_and_agrees_with_the_test_lock():
    """The extra 'mlp' (make recompute) pins CHGNet and PyTorch's CPU build, and every package it shares with
    the test environment at the test lock's version, so installing it beside the tests changes nothing."""
    def locked(name):
        return pins(line.split("\\")[0] for line in (ROOT / "requirements" / name).read_text().splitlines()
                    if "==" in line and not line.startswith("#"))

    mlp, test = locked("mlp.lock"), locked("test.lock")
    extra = pins(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["mlp"])
    assert mlp["chgnet"] == extra["chgnet"]
    assert mlp["torch"] == extra["torch"] + "+cpu", "the CPU build of torch, not a CUDA one"
    assert not any(name.startswith(("nvidia-cu", "triton")) for name in mlp), "no CUDA libraries"
    assert {n: v for n, v in mlp.items() if n in test} == {n: test[n] for n in mlp if n in test}


def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    runtime, _ = project_pins()
    for name, pinned in runtime.items():
        assert version(name) == pinned, name


def test_repo2docker_makes_a_dockerfile_from_binder(tmp_path):
    exe = shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent))
    assert exe, "jupyter-repo2docker is a test dependency"
    out = subprocess.run([exe, "--no-build", "--no-run", "--debug", str(ROOT)], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    dockerfile = out.stdout + out.stderr
    assert "binder/postBuild" in dockerfile and "binder/start" in dockerfile
    assert "environment.yml" in dockerfile, "repo2docker uses binder/environment.yml"
