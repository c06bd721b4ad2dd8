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
def executed_notebook(tmp_path_factory):
    """Run a notebook on the seed collection once per session and return it (nbformat node).

    Usage: ``nb = executed_notebook("01_framing")``. The notebook runs with papermill in a fresh
    kernel with the network blocked, ``tables_dir`` pointing at a temporary folder available as
    ``nb.metadata["framekit_tables_dir"]``.
    """
    import nbformat
    import papermill as pm

    cache: dict[str, object] = {}
    out_dir = tmp_path_factory.mktemp("executed")

    def run(name: str):
        if name not in cache:
            tables = out_dir / f"{name}-tables"
            target = out_dir / f"{name}.ipynb"
            pm.execute_notebook(
                str(paths.NOTEBOOKS / f"{name}.ipynb"), str(target),
                parameters={"collection": str(SEED), "tables_dir": str(tables)},
                kernel_name="python3", progress_bar=False, cwd=str(out_dir),
            )
            nb = nbformat.read(target, as_version=4)
            nb.metadata["framekit_tables_dir"] = str(tables)
            cache[name] = nb
        return cache[name]

    return run


#: The made-up second collection (three outlets, a saved HTML page, a script-injection article).
SAMPLE = TESTS / "data" / "collections" / "brackwater-flood"


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory) -> Path:
    """``framekit report`` built once per session on the seed collection: the output folder."""
    from helpers.report import build_report

    out = tmp_path_factory.mktemp("report-seed")
    build_report(SEED, out, progress=False)
    return out


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> Path:
    """``framekit report`` built once per session on the made-up collection: the output folder."""
    from helpers.report import build_report

    out = tmp_path_factory.mktemp("report-sample")
    build_report(SAMPLE, out, progress=False)
    return out
