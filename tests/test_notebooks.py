"""Every shipped notebook: no outputs committed, a literal `parameters` cell, no machine paths."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from helpers import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))


def test_the_ordered_notebooks_exist():
    names = [nb.stem for nb in NOTEBOOKS]
    assert names[:4] == ["00_corpus", "01_framing", "02_readability", "03_topics"]
    assert all(re.fullmatch(r"\d\d_[a-z_]+", name) for name in names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_holds_typed_literals_only(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    names = []
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), ast.dump(node)
        assert isinstance(node.value, ast.Constant), f"{node.target.id} is not a literal"
        names.append(node.target.id)
    assert names[:2] == ["collection", "tables_dir"]
    assert "putin-xi-2022" in tagged[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_uses_no_machine_paths_and_no_sys_path(path):
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert not re.search(r"(/work/|/tmp/|/root/|/home/|C:\\\\)", source)
    assert "sys.path" not in source and "os.chdir" not in source
    assert "nltk.download" not in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_a_title_and_links_to_its_neighbour(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert ".ipynb)" in first.source
