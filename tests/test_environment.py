"""environment.yml (conda users) and pyproject.toml (pip users) declare the same environment."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# conda-forge spells a few packages differently from PyPI
CONDA_NAMES = {"python-duckdb": "duckdb"}


def _split(requirement: str) -> tuple[str, str]:
    """'pandas>=2.1' -> ('pandas', '>=2.1'), names normalised as PyPI does."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement)
    if match is None:
        raise ValueError(f"cannot read requirement {requirement!r}")
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return CONDA_NAMES.get(name, name), match.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    return dict(_split(r) for r in requirements)


def conda_requirements() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    entries = [d for d in environment["dependencies"] if isinstance(d, str)]
    # packages conda-forge lacks come from PyPI in the pip section (the project itself aside)
    for section in (d["pip"] for d in environment["dependencies"] if isinstance(d, dict)):
        entries += [d for d in section if not d.startswith("-")]
    pairs = dict(_split(d) for d in entries)
    for tool in ("python", "pip"):
        pairs.pop(tool, None)
    return pairs


def test_same_packages_in_both_files():
    pip_side, conda_side = pyproject_requirements(), conda_requirements()
    assert sorted(set(pip_side) - set(conda_side)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda_side) - set(pip_side)) == [], "in environment.yml but not pyproject.toml"


def test_same_version_bounds_in_both_files():
    pip_side, conda_side = pyproject_requirements(), conda_requirements()
    differing = {
        name: (pip_side[name], conda_side[name])
        for name in pip_side
        if pip_side[name] != conda_side.get(name)
    }
    assert differing == {}


def test_same_python_in_both_files():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = [d for d in environment["dependencies"] if isinstance(d, str) and re.match(r"python\b(?!-)", d)]
    assert python == ["python" + project["requires-python"]]


def test_conda_installs_the_project_itself_with_pip():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1
    assert pip_sections[0][-1] == "-e .[test]"


@pytest.mark.parametrize("bad", ["", ">=1.0"])
def test_unreadable_requirement_is_reported(bad):
    with pytest.raises(ValueError, match="cannot read requirement"):
        _split(bad)


def test_lint_is_configured_and_runs_before_the_tests():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    assert config["line-length"] == 110
    assert {"E", "F", "W", "I", "B", "UP"} <= set(config["lint"]["select"])
    assert "*.ipynb" in config["format"]["exclude"]  # notebooks are built from their sources
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    steps = [
        script.index(step)
        for step in ("ruff check --no-cache .", "ruff format --check --no-cache .", "-m pytest")
    ]
    assert steps == sorted(steps)


def test_every_data_file_of_the_package_is_installed():
    # a non-editable install (pip install .) copies only the package data pyproject.toml lists
    import fnmatch
    import subprocess

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["crm_lessons"]
    tracked = subprocess.run(
        ["git", "ls-files", "crm_lessons"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    data = [Path(f).relative_to("crm_lessons").as_posix() for f in tracked if not f.endswith(".py")]
    missing = [f for f in data if not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert missing == [], "add these to [tool.setuptools.package-data] in pyproject.toml"
