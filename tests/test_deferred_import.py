"""Deferred imports: a stand-in module imports the real one when first used, and only then."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import deferred_import

SRC = Path(deferred_import.__file__).resolve().parent.parent


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """A package ``fk_fake`` (with a submodule) that counts its imports in a file."""
    package = tmp_path / "fk_fake"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent("""
        from pathlib import Path
        _marker = Path(__file__).with_name("imports.txt")
        _marker.write_text(_marker.read_text() + "x" if _marker.exists() else "x")
        value = 41
        def add(n):
            return value + n
    """))
    (package / "sub.py").write_text("answer = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    for name in ("fk_fake", "fk_fake.sub"):
        sys.modules.pop(name, None)


def _imports(package: Path) -> int:
    marker = package / "imports.txt"
    return len(marker.read_text()) if marker.exists() else 0


def test_stand_in_imports_the_module_once_at_first_use(fake_package):
    assert deferred_import.defer_module("fk_fake") is True
    import fk_fake  # binds the stand-in: nothing runs

    assert _imports(fake_package) == 0
    assert deferred_import.is_deferred("fk_fake")
    assert fk_fake.add(1) == 42  # first use: the real module is imported
    assert _imports(fake_package) == 1
    assert not deferred_import.is_deferred("fk_fake")
    assert fk_fake.value == 41 and sys.modules["fk_fake"].value == 41
    import fk_fake as again  # the real module now

    assert again is sys.modules["fk_fake"] and again is not fk_fake
    assert _imports(fake_package) == 1


def test_setting_an_attribute_sets_it_on_the_real_module(fake_package):
    deferred_import.defer_module("fk_fake")
    import fk_fake

    fk_fake.value = 1
    assert _imports(fake_package) == 1
    assert sys.modules["fk_fake"].value == 1
    assert fk_fake.add(1) == 2  # the real module's function sees the value set


def test_submodule_import_through_the_stand_in(fake_package):
    deferred_import.defer_module("fk_fake")
    import fk_fake.sub

    assert fk_fake.sub.answer == 42
    assert _imports(fake_package) == 1


def test_imported_or_missing_modules_are_left_alone(fake_package):
    import fk_fake

    assert deferred_import.defer_module("fk_fake") is False
    assert sys.modules["fk_fake"] is fk_fake
    assert deferred_import.defer_module("fk_no_such_module_anywhere") is False
    assert "fk_no_such_module_anywhere" not in sys.modules


def _fresh_python(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]])}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, check=True, timeout=120)
    return done.stdout.strip()


def test_readability_does_not_import_nltk_scipy_stats_or_sklearn():
    """textstat's ``import nltk`` gets the stand-in; the kit's readability never uses it."""
    out = _fresh_python("""
        import sys
        from helpers import readability
        readability.score_text("The committee postponed its decision. Officials declined.")
        print(sorted(m for m in ("nltk", "scipy.stats", "sklearn") if m in sys.modules
                     and type(sys.modules[m]).__name__ != "_DeferredModule"))
    """)
    assert out == "[]"


def test_textstat_reaches_real_nltk_through_the_stand_in():
    """textstat's own syllable count reads the CMU dictionary through NLTK: the same count as
    in a process where NLTK was imported first."""
    code = """
        import sys
        {first}
        import textstat
        from textstat.backend.utils import _get_cmudict
        count = textstat.syllable_count("extraordinary pronunciation")
        print(count, _get_cmudict.nltk.data is sys.modules["nltk"].data,
              type(sys.modules["nltk"]).__name__)
    """
    deferred = _fresh_python(code.format(first="import helpers"))
    eager = _fresh_python(code.format(first="import nltk, helpers"))
    assert deferred == eager == "11 True module"
