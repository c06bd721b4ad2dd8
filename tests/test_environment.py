"""environment.yml, requirements.lock and pyproject.toml describe the same installation."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers import paths

ROOT = paths.ROOT


def _name(requirement: str) -> str:
    """Normalised distribution name of a requirement string (PEP 503)."""
    name = re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_name(name)] = version
    return pins


def _environment_pip() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1
    return pip_sections[0]


def _pyproject_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return project["dependencies"] + project["optional-dependencies"]["dev"]


def test_lock_pins_every_pyproject_dependency_exactly():
    pins = _lock_pins()
    missing = [d for d in _pyproject_dependencies() if _name(d) not in pins]
    assert missing == []


def test_environment_yml_installs_the_locked_set_and_the_package():
    entries = _environment_pip()
    assert "-e ." in entries
    env_pins = {}
    for entry in entries:
        if entry == "-e .":
            continue
        name, version = entry.split("==")
        env_pins[_name(name)] = version
    assert env_pins == _lock_pins()


def test_environment_yml_names_the_same_packages_as_pyproject():
    env_names = {_name(e) for e in _environment_pip() if e != "-e ."}
    project_names = {_name(d) for d in _pyproject_dependencies()}
    assert project_names <= env_names


def test_lock_has_only_exact_pins():
    for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+!\-]+", line.strip()), line
