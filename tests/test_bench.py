"""The benchmark's synthetic collections: deterministic, the documented shape (no timing here)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

from helpers import paths

spec = importlib.util.spec_from_file_location("bench", paths.ROOT / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_synthesizer_is_deterministic_and_writes_sources(tmp_path, seed_dir):
    first = bench.write_collection(tmp_path / "one", 4, seed=3, seed_dir=seed_dir)
    second = bench.write_collection(tmp_path / "two", 4, seed=3, seed_dir=seed_dir)
    names = sorted(p.name for p in first.glob("*.txt"))
    assert names == ["a00000.txt", "a00001.txt", "a00002.txt", "a00003.txt"]
    for name in names:
        assert (first / name).read_text("utf-8") == (second / name).read_text("utf-8")
    other = bench.write_collection(tmp_path / "three", 1, seed=4, seed_dir=seed_dir)
    assert (other / "a00000.txt").read_text("utf-8") != (first / "a00000.txt").read_text("utf-8")
    with (first / "sources.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["file"] for r in rows] == names
    assert {r["outlet"] for r in rows} <= set(bench.OUTLETS)
    # realistic lengths: each article keeps most of a seed body plus its own sentences
    assert all(300 < len((first / n).read_text("utf-8").split()) < 2000 for n in names)


def test_clearing_memos_imports_no_helper_module():
    """A notebook's imports stay on its clock: emptying the memos of a fresh process imports
    nothing (it once imported scikit-learn, about a second, before the clock started)."""
    import subprocess
    import sys

    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('bench', {str(spec.origin)!r})\n"
            "bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)\n"
            "before = set(sys.modules)\n"
            "bench.forget_memos()\n"
            "print(sorted(m for m in set(sys.modules) - before))\n"
            "print('sklearn' in sys.modules, 'helpers.align' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines() == ["[]", "False False"]


def test_notebook_cells_run_from_the_json_with_parameters(tmp_path):
    import json

    notebook = tmp_path / "01_try.ipynb"
    cells = [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
              "source": ["collection = 'x'\n", "tables_dir = ''\n"]},
             {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
             {"cell_type": "code", "metadata": {},
              "source": "from pathlib import Path\n"
                        "Path(tables_dir, 'seen.txt').write_text(collection)\n"}]
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                    "nbformat_minor": 5}), "utf-8")
    written = []
    original = bench.shutil.rmtree
    bench.shutil.rmtree = lambda folder, **kw: written.append(
        (Path(folder) / "seen.txt").read_text()) or original(folder, **kw)
    try:
        times = bench.run_notebooks(tmp_path / "collection", [notebook])
    finally:
        bench.shutil.rmtree = original
    assert list(times) == ["01_try"] and times["01_try"] >= 0
    assert written == [str(tmp_path / "collection")]
