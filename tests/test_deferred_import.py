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


def test_a_submodule_can_be_deferred(fake_package):
    """``fk_fake.sub`` deferred: its package is imported to find it, ``import fk_fake.sub``
    and ``from fk_fake import sub`` bind the stand-in, and the first attribute read imports
    the submodule (once)."""
    sub = fake_package / "sub.py"
    sub.write_text("from pathlib import Path\n"
                   "_m = Path(__file__).with_name('sub_imports.txt')\n"
                   "_m.write_text(_m.read_text() + 'x' if _m.exists() else 'x')\n"
                   "answer = 42\n")
    assert deferred_import.defer_module("fk_fake.sub") is True
    import fk_fake.sub
    from fk_fake import sub as bound

    marker = fake_package / "sub_imports.txt"
    assert not marker.exists() and deferred_import.is_deferred("fk_fake.sub")
    assert bound.answer == 42 and fk_fake.sub.answer == 42
    assert marker.read_text() == "x" and not deferred_import.is_deferred("fk_fake.sub")
    sys.modules.pop("fk_fake.sub", None)


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


def test_framing_modules_leave_scipy_stats_deferred_and_it_works_when_used():
    """Notebook 01's modules (scikit-learn among them) import SciPy's statistics only as the
    stand-in; reading it, directly or through scikit-learn, imports the real module."""
    out = _fresh_python("""
        import sys
        import helpers
        from helpers import (actors, align, attribution, coverage, distinctive, frames, leads,
                             quotes, similarity, tone)
        from helpers.deferred_import import is_deferred
        print(is_deferred("scipy.stats"))
        import numpy as np
        from sklearn.preprocessing import PowerTransformer  # box-cox uses scipy.stats
        fitted = PowerTransformer(method="box-cox").fit(np.array([[1.0], [2.0], [3.0]]))
        from scipy import stats
        print(round(float(stats.norm.ppf(0.975)), 6), round(float(fitted.lambdas_[0]), 6),
              type(sys.modules["scipy.stats"]).__name__)
    """)
    assert out.splitlines()[0] == "True"
    eager = _fresh_python("""
        import numpy as np
        from sklearn.preprocessing import PowerTransformer
        print(round(float(PowerTransformer(method="box-cox").fit(
            np.array([[1.0], [2.0], [3.0]])).lambdas_[0]), 6))
    """)
    assert out.splitlines()[1] == f"1.959964 {eager} module"


def test_stand_in_tells_its_file_without_importing(fake_package):
    """ipykernel lists ``module.__file__`` of every loaded module when a kernel starts: in a
    kernel forked from a process that imported the kit (helpers.kernel_forks) that must not
    import the deferred modules."""
    assert deferred_import.defer_module("fk_fake")
    stand_in = sys.modules["fk_fake"]
    assert hasattr(stand_in, "__file__")
    assert stand_in.__file__ == str(fake_package / "__init__.py")
    assert deferred_import.is_deferred("fk_fake") and _imports(fake_package) == 0
    assert stand_in.add(1) == 42 and sys.modules["fk_fake"].__file__ == stand_in.__file__
