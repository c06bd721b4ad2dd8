"""``framekit report``: pages and tables on two collections, escaping, offline pages, failures.

The seed and made-up reports are built once per session (``seed_report`` / ``sample_report`` in
conftest) and shared with the browser test. Unit tests of the sanitiser and the page export run
on handmade notebooks without a kernel.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import cli, paths
from helpers.charts import render
from helpers.report import ReportError, build_report, list_notebooks
from helpers.report_page import export_page, sanitize_outputs

SAMPLE = Path(__file__).resolve().parent / "data" / "collections" / "brackwater-flood"
_WRITE_TABLE = re.compile(r"write_table\([^,]+,\s*[\"']([A-Za-z0-9_\-]+)[\"']")
#: The oldest Vega-Lite 5 vl-convert ships; JupyterLab 4.6 bundles 5.6.1.
JUPYTERLAB_VEGALITE = "5.8"
MAX_PAGE_BYTES = 2_500_000
INJECTIONS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


class _Tags(HTMLParser):
    """Collect script tags, event-handler attributes and link targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[tuple[str, str]] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        self.handlers += [(tag, k) for k in attrs if k.startswith("on")]
        for key in ("href", "src", "action"):
            if attrs.get(key):
                self.hrefs.append(attrs[key])


def _parse(page: Path) -> _Tags:
    tags = _Tags()
    tags.feed(page.read_text("utf-8"))
    return tags


def expected_tables() -> set[str]:
    """Table names every notebook writes (``write_table(df, "name", ...)`` in its code)."""
    names = set()
    for notebook in list_notebooks():
        nb = nbformat.read(notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                names.update(_WRITE_TABLE.findall(cell.source))
    return names


def chart_specs(page: Path) -> list[dict]:
    """The Vega-Lite specs embedded in a report page."""
    return render.read_chart_specs(page.read_text("utf-8"))


# --- the seed report ----------------------------------------------------------------------


@pytest.mark.slow
def test_seed_report_has_one_page_per_notebook_and_every_table(seed_report):
    notebooks = list_notebooks()
    assert notebooks, "no notebooks to report on"
    for notebook in notebooks:
        assert (seed_report / f"{notebook.stem}.html").is_file()
    tables = {p.stem for p in (seed_report / "tables").glob("*.csv")}
    assert {"articles", "removed"} <= tables
    assert expected_tables() <= tables
    articles = (seed_report / "tables" / "articles.csv").read_text("utf-8").splitlines()
    assert articles[0].startswith("article_id,")
    assert len(articles) == 1 + 5


@pytest.mark.slow
def test_seed_pages_are_offline_small_and_inline_vega_once(seed_report):
    for page in sorted(seed_report.glob("[0-9][0-9]_*.html")):
        text = page.read_text("utf-8")
        tags = _parse(page)
        assert not [s for s in tags.scripts if s.get("src")], f"{page.name} loads a script"
        assert not re.search(r"<link[^>]+href=\"?(?:https?:)?//", text), f"{page.name}: remote CSS"
        assert text.count("window.vegaEmbed=") == 1, f"{page.name}: Vega bundle not inlined once"
        assert page.stat().st_size < MAX_PAGE_BYTES
        assert ".ipynb\"" not in text, f"{page.name}: a link still points at a notebook"


@pytest.mark.slow
def test_seed_charts_compile_with_jupyterlabs_vegalite5(seed_report):
    import vl_convert as vlc

    specs = [s for page in seed_report.glob("[0-9][0-9]_*.html") for s in chart_specs(page)]
    assert specs
    for spec in specs:
        vega = vlc.vegalite_to_vega(render.to_vegalite5(spec), vl_version=JUPYTERLAB_VEGALITE)
        assert vega["marks"], spec.get("title")


@pytest.mark.slow
def test_seed_index_summarises_and_links(seed_report):
    text = (seed_report / "index.html").read_text("utf-8")
    tags = _parse(seed_report / "index.html")
    assert tags.scripts == []
    assert "<strong>5</strong> articles" in text
    for outlet in ("ITV News", "CBC News", "The Independent", "Action News"):
        assert outlet in text
    assert "small sample" in text
    for notebook in list_notebooks():
        assert f"{notebook.stem}.html" in tags.hrefs
    for table in (seed_report / "tables").glob("*.csv"):
        assert f"tables/{table.name}" in tags.hrefs


# --- the made-up collection -----------------------------------------------------------------


@pytest.mark.slow
def test_sample_report_writes_every_table_for_three_outlets(sample_report):
    tables = {p.stem for p in (sample_report / "tables").glob("*.csv")}
    assert expected_tables() | {"articles", "removed"} <= tables
    index = (sample_report / "index.html").read_text("utf-8")
    assert "<strong>4</strong> articles from <strong>3</strong> outlets" in index
    assert "Coastline News" in index  # outlet of the saved HTML page, from its metadata
    assert "editor-notes.docx" in index and "unsupported extension" in index


@pytest.mark.slow
def test_sample_report_escapes_article_markup_everywhere(sample_report):
    index = (sample_report / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    for page in [sample_report / "index.html", *sample_report.glob("[0-9][0-9]_*.html")]:
        text = page.read_text("utf-8")
        for markup in INJECTIONS:
            assert markup not in text, f"{page.name} carries raw {markup}"
        tags = _parse(page)
        assert tags.handlers == [], f"{page.name}: {tags.handlers}"
        assert not [h for h in tags.hrefs if h.strip().lower().startswith("javascript:")]
        # Only the kit's scripts: the Vega bundle, the embed script and JSON spec islands.
        for script in tags.scripts:
            assert set(script) <= {"type", "class", "data-target"}
            assert script.get("type") in (None, "application/json")


# --- failures ---------------------------------------------------------------------------------


def test_report_refuses_a_folder_without_articles(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.4")
    status = cli.main(["report", "--data", str(empty), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert err.startswith("framekit: error: no articles found in ")
    assert "\n" not in err


def test_report_refuses_a_missing_folder(tmp_path):
    with pytest.raises(ReportError, match="collection folder not found"):
        build_report(tmp_path / "nowhere", tmp_path / "out")


def test_report_refuses_an_unreadable_sources_csv(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(SAMPLE, folder)
    (folder / "sources.csv").write_text("outlet;url\nX;Y\n", "utf-8")
    with pytest.raises(ReportError, match="unreadable sources.csv"):
        build_report(folder, tmp_path / "out")


@pytest.mark.slow
def test_failing_notebook_is_named_with_its_cell(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                "display_name": "Python 3"}})
    params = new_code_cell('collection: str = ""\ntables_dir: str = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell("# Broken"), params, new_code_cell("x = 1"),
                new_code_cell("raise ValueError('boom')")]
    nbformat.write(nb, notebooks / "00_broken.ipynb")
    with pytest.raises(ReportError) as info:
        build_report(SAMPLE, tmp_path / "out", notebooks_dir=notebooks, progress=False)
    message = str(info.value)
    assert message.startswith("00_broken.ipynb failed at cell 4: ValueError: boom")
    assert "\n" not in message
    assert (tmp_path / "out" / "00_broken.failed.ipynb").is_file()


@pytest.mark.slow
def test_report_kernels_are_shut_down_without_an_interrupt(monkeypatch):
    """A finished notebook's kernel gets the shutdown request only: jupyter_client interrupts a
    kernel before shutting it down, and a kernel still finishing its last reply logs that as
    "KeyboardInterrupt caught in kernel" in the report's output. Other interrupts still go."""
    import asyncio

    from jupyter_client.manager import KernelManager

    from helpers import report

    sent = []

    async def interrupt(self):  # stands for jupyter_client's (which signals the kernel)
        sent.append(self.shutting_down)

    monkeypatch.setattr(KernelManager, "_async_interrupt_kernel", interrupt)

    async def run() -> None:
        manager = report._kernel_manager_class()(kernel_name=report.KERNEL_NAME)
        await manager.start_kernel()
        try:
            await manager._async_interrupt_kernel()  # e.g. a cell past its time limit
        finally:
            await manager.shutdown_kernel()
        assert not await manager.is_alive()

    asyncio.run(run())
    assert sent == [False]  # the interrupt asked for, and none from the shutdown


@pytest.mark.slow
def test_refit_reaches_the_notebooks_that_declare_it(tmp_path):
    """``build_report(refit=True)`` (``framekit report --refit``) sets ``refit = True`` in a
    notebook whose parameters cell has ``refit``, and leaves the others alone."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    kernel = {"kernelspec": {"name": "python3", "language": "python",
                             "display_name": "Python 3"}}
    for name, declared, check in [("00_fits", "\nrefit: bool = False", "assert refit is True"),
                                  ("01_plain", "", "assert 'refit' not in globals()")]:
        nb = new_notebook(metadata=kernel)
        params = new_code_cell('collection: str = ""\ntables_dir: str = ""' + declared)
        params.metadata["tags"] = ["parameters"]
        nb.cells = [new_markdown_cell(f"# {name}"), params, new_code_cell(check)]
        nbformat.write(nb, notebooks / f"{name}.ipynb")
    build_report(SAMPLE, tmp_path / "out", notebooks_dir=notebooks, refit=True, progress=False)
    with pytest.raises(ReportError, match="00_fits.ipynb failed"):
        build_report(SAMPLE, tmp_path / "out2", notebooks_dir=notebooks, progress=False)


# --- rerun with a new article -----------------------------------------------------------------


def test_adding_an_article_parses_only_the_new_file(tmp_path):
    from helpers.corpus import load_collection

    folder = tmp_path / "flood"
    shutil.copytree(SAMPLE, folder)
    new = folder / "04_echo_readers_react.txt"
    held_back = new.read_bytes()
    new.unlink()
    first = load_collection(folder)
    assert len(first.articles) == 3
    new.write_bytes(held_back)
    second = load_collection(folder)
    assert second.n_parsed_now == 1
    assert len(second.articles) == 4
    shutil.rmtree(paths.cache_dir(folder), ignore_errors=True)


@pytest.mark.slow
def test_a_rerun_after_adding_an_article_writes_the_tables_of_a_fresh_report(tmp_path,
                                                                               sample_report):
    """The second report reads parses, per-article entries and joined-table snapshots of the
    first and computes only the new article; every table equals a report built in one go."""
    folder = tmp_path / "flood"
    shutil.copytree(SAMPLE, folder)
    new = folder / "04_echo_readers_react.txt"
    held_back = new.read_bytes()
    new.unlink()
    try:
        build_report(folder, tmp_path / "first", progress=False)
        assert list((paths.cache_dir(folder) / "joined").glob("*.npz"))
        new.write_bytes(held_back)
        build_report(folder, tmp_path / "second", progress=False)
    finally:
        shutil.rmtree(paths.cache_dir(folder), ignore_errors=True)
    fresh = sorted(p.name for p in (sample_report / "tables").iterdir() if p.is_file())
    assert fresh == sorted(p.name for p in (tmp_path / "second" / "tables").iterdir()
                           if p.is_file())
    assert "frame_keywords.csv" in fresh and "article_features.csv" in fresh
    for name in fresh:
        assert (tmp_path / "second" / "tables" / name).read_bytes() == \
            (sample_report / "tables" / name).read_bytes(), name


def test_titles_and_parameters_read_from_the_notebook_file(tmp_path):
    from helpers import report

    nb = new_notebook()
    params = new_code_cell('collection: str = ""\nrefit: bool = False')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell("Intro\n# 07 · Wire copy\nmore"), params,
                new_code_cell("dask_address = 'x'")]
    path = tmp_path / "07_wire.ipynb"
    nbformat.write(nb, path)  # (nbformat writes each source as a list of lines)
    assert report.read_title(path) == "07 · Wire copy"
    assert report.declares_parameter(path, "refit")
    assert report.declares_parameter(path, "collection")
    assert not report.declares_parameter(path, "dask_address")  # (outside the parameters cell)
    nb.cells = [new_code_cell("x = 1"), new_markdown_cell("# Not the first markdown")]
    nb.cells.insert(1, new_markdown_cell("no heading here"))
    nbformat.write(nb, path)
    assert report.read_title(path) == "07_wire"  # the first markdown cell has no heading
    old = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_text_cell("markdown", source="# Old format")])])
    path.write_text(nbformat.v3.writes_json(old), "utf-8")  # (format 3: cells in worksheets)
    assert report.read_title(path) == "Old format"


# --- sanitiser and page export on handmade notebooks (no kernel) -----------------------------


def _display(data: dict) -> nbformat.NotebookNode:
    return new_output("display_data", data=data)


def test_sanitize_outputs_drops_scripts_handlers_and_javascript_links():
    cell = new_code_cell("x", outputs=[
        _display({"text/html": '<div><style>p{}</style><table class="dataframe"><tr><td>'
                               '&lt;script&gt;alert(1)&lt;/script&gt;</td></tr></table>'
                               '<script>alert(2)</script><img src=x onerror="alert(3)">'
                               '<a href="javascript:alert(4)">x</a></div>',
                  "text/plain": "df"}),
        _display({"text/markdown": "Said <script>alert(5)</script> [a](javascript:alert(6))"}),
        _display({"application/javascript": "alert(7)", "text/plain": "js"}),
        _display({render.VEGALITE_MIME: {"mark": "bar"}, "text/plain": "Chart"}),
    ])
    nb = new_notebook(cells=[cell])
    sanitize_outputs(nb)
    html_out = nb.cells[0].outputs[0]["data"]["text/html"]
    assert '<table class="dataframe">' in html_out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_out  # escaped text stays text
    for gone in ("alert(2)", "onerror", "javascript:", "<style", "<img"):
        assert gone not in html_out
    markdown = nb.cells[0].outputs[1]["data"]
    assert "text/markdown" not in markdown  # rendered to HTML, then cleaned
    assert markdown["text/html"].strip() == "<p>Said  <a>a</a></p>"
    assert "application/javascript" not in nb.cells[0].outputs[2]["data"]
    assert nb.cells[0].outputs[3]["data"][render.VEGALITE_MIME] == {"mark": "bar"}


def test_export_page_inlines_vega_once_and_rewrites_notebook_links():
    spec = {"mark": "bar", "data": {"values": [{"t": "</script><script>alert(1)</script>"}]},
            "encoding": {"x": {"field": "t", "type": "nominal"}}}
    nb = new_notebook(cells=[
        new_markdown_cell("# 01 Demo\n\nBack to [the corpus](00_corpus.ipynb)."),
        new_code_cell("chart", outputs=[_display({render.VEGALITE_MIME: spec})]),
        new_code_cell("chart", outputs=[_display({render.VEGALITE_MIME: spec})]),
    ])
    page = export_page(nb, title="01 Demo", collection="demo",
                       pages={"00_corpus": "00 Corpus", "01_demo": "01 Demo"})
    assert page.count("window.vegaEmbed=") == 1
    assert page.count('class="framekit-chart"') == 2
    assert 'href="00_corpus.html"' in page and "00_corpus.ipynb" not in page
    assert "</script><script>alert(1)" not in page
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page
    assert not re.search(r"<script[^>]+src=", page)
