"""NumPy's huge-page advice is off in a process that imported the kit, unless the user chose."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import paths

PROBE = ("import helpers, numpy; "
         "print(numpy._core.multiarray._set_madvise_hugepage(False))")  # the setting before


def _setting_after_import(**environment: str) -> str:
    env = {key: value for key, value in os.environ.items() if key != "NUMPY_MADVISE_HUGEPAGE"}
    env.update(environment, PYTHONPATH=str(paths.ROOT / "src"))
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            env=env, check=True)
    return result.stdout.strip()


def test_importing_the_kit_turns_the_advice_off():
    assert _setting_after_import() == "False"


def test_a_user_setting_is_left_as_numpy_read_it():
    assert _setting_after_import(NUMPY_MADVISE_HUGEPAGE="1") == "True"
    assert _setting_after_import(NUMPY_MADVISE_HUGEPAGE="0") == "False"


def test_the_switch_reports_what_numpy_did_before(monkeypatch):
    import numpy as np

    from helpers.page_advice import stop_hugepage_advice

    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    np._core.multiarray._set_madvise_hugepage(True)
    try:
        assert stop_hugepage_advice() is True
        assert stop_hugepage_advice() is False  # already off
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
        np._core.multiarray._set_madvise_hugepage(True)
        assert stop_hugepage_advice() is False  # the user's choice: left on
        assert np._core.multiarray._set_madvise_hugepage(False) is True
    finally:
        np._core.multiarray._set_madvise_hugepage(False)
