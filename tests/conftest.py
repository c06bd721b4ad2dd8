"""Shared fixtures: no network anywhere, seed collection loaded once, notebooks run once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from helpers import paths

TESTS = Path(__file__).resolve().parent
OFFLINE = TESTS / "offline"
SEED = paths.DATA_RAW / paths.DEFAULT_COLLECTION

# Block the network in this process and in every child (kernels, the report command).
sys.path.insert(0, str(OFFLINE))
import sitecustomize  # noqa: E402,F401  (patches socket on import)

os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(OFFLINE)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The folder of the default collection."""
    return SEED


@pytest.fixture(scope="session")
def seed_corpus():
    """The seed collection loaded once per session (with a private cache folder)."""
    from helpers.corpus import load_collection

    return load_collection(SEED)


@pytest.fixture(scope="session")
def executed_notebook(seed_report):
    """A notebook as executed by the session's seed report (nbformat node).

    Usage: ``nb = executed_notebook("01_framing")``. The report ran every notebook once, with
    papermill in a fresh kernel with the network blocked, on the seed collection; the tables
    folder is available as ``nb.metadata["framekit_tables_dir"]``.
    """
    import nbformat

    def read(name: str):
        nb = nbformat.read(seed_report / "notebooks" / f"{name}.ipynb", as_version=4)
        nb.metadata["framekit_tables_dir"] = str(seed_report / "tables")
        return nb

    return read


#: The made-up second collection (three outlets, a saved HTML page, a script-injection article).
SAMPLE = TESTS / "data" / "collections" / "brackwater-flood"


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory) -> Path:
    """``framekit report`` built once per session on the seed collection: the output folder."""
    from helpers.report import build_report

    out = tmp_path_factory.mktemp("report-seed")
    _forget_fits(SEED)
    build_report(SEED, out, progress=False)
    return out


def _forget_fits(collection: Path) -> None:
    """Remove a collection's saved model fits, so its report fits afresh as a first run does
    (the tests read the wording of a fresh fit; an earlier session may have left a fit)."""
    import shutil

    from helpers.reuse import FITS_FOLDER

    shutil.rmtree(paths.cache_dir(collection) / FITS_FOLDER, ignore_errors=True)


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> Path:
    """``framekit report`` built once per session on the made-up collection: the output folder."""
    from helpers.report import build_report

    out = tmp_path_factory.mktemp("report-sample")
    _forget_fits(SAMPLE)
    build_report(SAMPLE, out, progress=False)
    return out
