"""The offline HTML report: run every notebook on a collection and export each to a page.

Method
------
:func:`build_report` checks the collection first (``helpers.corpus.load_collection``: the folder
exists, ``sources.csv`` is readable, at least one article parses), then executes
``notebooks/NN_*.ipynb`` in order with papermill (Papermill, nteract; kernel ``python3``, working
folder ``notebooks/``) with the parameters ``collection`` (absolute folder) and ``tables_dir``
(``<out>/tables``; each notebook writes its tables there as CSV). Each executed notebook is
exported with nbconvert's ``lab`` template, code hidden, into ``<out>/<notebook>.html``; the
summary page ``index.html`` is written by :mod:`helpers.report_index`.

Safety and size. Article text is untrusted. Before export every code-cell output goes through
an allow-list sanitiser (bleach, via nbconvert's ``SanitizeHTML``): ``<script>``/``<style>``
elements are dropped, other tags outside the allow-list are stripped, event-handler attributes
and ``javascript:`` links removed; text that pandas or the helpers escaped stays literal text.
Charts are then turned into HTML by :mod:`helpers.charts.render` (spec as an escaped JSON data
island) and the page template replaces nbconvert's CDN scripts (require.js, MathJax, Mermaid,
widgets) with one inlined copy of Vega/Vega-Lite/vega-embed. Pages work from ``file://`` with
no network.
"""

from __future__ import annotations

import html
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import jinja2
from traitlets import default

from helpers import paths
from helpers.charts import render

#: Notebooks the report runs: ``NN_name.ipynb``, in name order.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
KERNEL_NAME = "python3"
#: Tags allowed in HTML/Markdown outputs (pandas tables, simple text markup).
ALLOWED_TAGS: frozenset[str] = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
    "ul",
})
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "*": ["class", "title"], "a": ["href", "title"], "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan"], "table": ["border"],
}
_DROP_ELEMENTS = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S)
_IPYNB_LINK = re.compile(r'href="([0-9A-Za-z_\-]+)\.ipynb(#[^"]*)?"')
_HEADING = re.compile(r"^#\s+(.+)$", re.M)
_CDN_SCRIPT = re.compile(r"<script[^>]+src=[\"']?(?:https?:)?//", re.I)

PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<script>{{ resources.framekit.bundle }}</script>
{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}<style>{{ resources.framekit.css }}</style>{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
<nav class="framekit-nav">{{ resources.framekit.nav }}</nav>
{%- endblock body_header -%}
{% block footer_js %}<script>{{ resources.framekit.embed }}</script>{% endblock footer_js %}
"""
PAGE_CSS = """
main { max-width: 1100px; margin: 0 auto; }
.framekit-nav { padding: 8px 16px; font: 14px Helvetica, Arial, sans-serif; }
.framekit-nav a { margin-right: 14px; }
.framekit-chart { margin: 8px 0 16px; }
"""


class ReportError(Exception):
    """The report cannot be built; ``str()`` is a one-line reason for the user."""


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """Return the report's notebooks (``NN_name.ipynb``) in ``folder``, in order."""
    return sorted(Path(folder or paths.NOTEBOOKS).glob(NOTEBOOK_GLOB))


def build_report(data_dir: Path, out_dir: Path, *, notebooks_dir: Path | None = None,
                 dask_address: str | None = None, progress: bool = True) -> Path:
    """Run every notebook on a collection and write ``index.html`` plus one page per notebook.

    Parameters
    ----------
    data_dir
        The collection folder (article files and optional ``sources.csv``).
    out_dir
        Output folder; created if needed. Receives ``index.html``, ``NN_name.html`` pages and
        ``tables/*.csv``.
    notebooks_dir
        Folder of ``NN_name.ipynb`` notebooks (default: the repository's ``notebooks/``).
    dask_address
        Dask scheduler address (``tcp://host:8786``) for per-article work: used to load the
        collection and passed to the notebooks as the ``dask_address`` parameter.
    progress
        Print one line per notebook to stderr.

    Returns
    -------
    Path
        The written ``index.html``.

    Raises
    ------
    ReportError
        With a one-line reason: no articles, unreadable collection, no notebooks, or the
        notebook and cell that failed.
    """
    from helpers import report_index

    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS).resolve()
    corpus = check_collection(data_dir, dask_address=dask_address)
    notebooks = list_notebooks(notebooks_dir)
    if not notebooks:
        raise ReportError(f"no notebooks (NN_name.ipynb) found in {notebooks_dir}")
    tables_dir = out_dir / "tables"
    _clear_previous(out_dir, tables_dir)
    titles = {nb.stem: read_title(nb) for nb in notebooks}
    pages: list[tuple[str, str]] = []
    parameters = {"collection": str(data_dir), "tables_dir": str(tables_dir)}
    if dask_address:
        parameters["dask_address"] = dask_address
    with tempfile.TemporaryDirectory(prefix="framekit-") as tmp:
        for number, notebook in enumerate(notebooks, start=1):
            start = time.perf_counter()
            if progress:
                print(f"[{number}/{len(notebooks)}] {notebook.name} ...", file=sys.stderr,
                      flush=True)
            executed = _execute(notebook, Path(tmp), out_dir, parameters=parameters,
                                cwd=notebooks_dir)
            page = out_dir / f"{notebook.stem}.html"
            page.write_text(export_page(executed, title=titles[notebook.stem],
                                        collection=corpus.name, pages=titles), "utf-8")
            pages.append((page.name, titles[notebook.stem]))
            if progress:
                print(f"      done in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return report_index.write_index(corpus, out_dir, pages=pages, tables_dir=tables_dir)


def check_collection(data_dir: Path, *, dask_address: str | None = None):
    """Load the collection once (this also fills the parse cache) or raise :class:`ReportError`."""
    from helpers.corpus import load_collection

    if not Path(data_dir).is_dir():
        raise ReportError(f"collection folder not found: {data_dir}")
    try:
        corpus = load_collection(data_dir, dask_address=dask_address)
    except Exception as exc:  # noqa: BLE001  (any failure here is the user's input)
        raise ReportError(_one_line(str(exc) or type(exc).__name__)) from exc
    if corpus.articles.empty:
        skipped = len(corpus.audit)
        detail = f" ({skipped} files skipped; see `framekit parse {data_dir}`)" if skipped else ""
        raise ReportError(f"no articles found in {data_dir}: add .txt, .md or .html files"
                          f"{detail}")
    return corpus


def read_title(notebook: Path) -> str:
    """The first ``# heading`` of a notebook's first markdown cell, else its file stem."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = _HEADING.search(cell.source)
            if match:
                return match.group(1).strip()
            break
    return notebook.stem


def export_page(nb, *, title: str, collection: str, pages: dict[str, str]) -> str:
    """Export an executed notebook to one self-contained, offline HTML page (code hidden).

    ``pages`` maps notebook stems to titles, for the navigation bar and for rewriting links
    between notebooks (``01_framing.ipynb`` becomes ``01_framing.html``).
    """
    from nbconvert import HTMLExporter

    sanitize_outputs(nb)
    render.add_chart_html(nb)
    nav = ['<a href="index.html">Summary</a>'] + [
        f'<a href="{html.escape(stem)}.html">{html.escape(name)}</a>'
        for stem, name in pages.items()]
    exporter = HTMLExporter(
        template_name="lab", template_file="framekit_page.html.j2",
        extra_loaders=[jinja2.DictLoader({"framekit_page.html.j2": PAGE_TEMPLATE})],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
    )
    resources = {
        "metadata": {"name": f"{title} — {collection}"},
        "framekit": {"bundle": render.read_vega_bundle(), "css": PAGE_CSS,
                     "embed": render.EMBED_SCRIPT, "nav": "".join(nav)},
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _IPYNB_LINK.sub(lambda m: _rewrite_link(m, pages), body)
    if _CDN_SCRIPT.search(body):
        raise ReportError(f"page '{title}' would load a script from the network")
    return body


def sanitize_outputs(nb) -> None:
    """Clean every HTML/Markdown output of ``nb`` in place (allow-list; see module docstring).

    Markdown outputs are rendered to HTML first (nbconvert's renderer keeps raw HTML and
    ``javascript:`` links), then cleaned like HTML outputs. Chart outputs (Vega-Lite JSON) are
    kept as data; other rich outputs (JavaScript, SVG, widgets) are dropped.
    """
    from nbconvert.filters.markdown import markdown2html
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML(
        tags=sorted(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES, strip=True,
        safe_output_keys={"metadata", "text/plain", "image/png", "image/jpeg",
                          "application/json", *render.VEGALITE_MIMES},
    )
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                markdown = data.pop("text/markdown")
                data.setdefault("text/html", markdown2html(_join(markdown)))
            if "text/html" in data:
                data["text/html"] = _DROP_ELEMENTS.sub("", _join(data["text/html"]))
        cell.outputs = sanitizer.sanitize_code_outputs(cell.outputs)


def _join(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def _rewrite_link(match: re.Match, pages: dict[str, str]) -> str:
    stem, anchor = match.group(1), match.group(2) or ""
    if stem in pages:
        return f'href="{stem}.html{anchor}"'
    return match.group(0)


def _kernel_manager_class():
    """Kernels over IPC sockets (local, no TCP port, no plain-text warning); TCP on Windows."""
    from jupyter_client.manager import AsyncKernelManager

    if os.name == "nt":
        return AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

    return IPCKernelManager


def _execute(notebook: Path, tmp: Path, out_dir: Path, *, parameters: dict[str, str],
             cwd: Path):
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    target = tmp / notebook.name
    try:
        pm.execute_notebook(
            str(notebook), str(target), kernel_name=KERNEL_NAME, progress_bar=False,
            parameters=parameters, cwd=str(cwd), log_output=False,
            kernel_manager_class=_kernel_manager_class(),
        )
    except PapermillExecutionError as exc:
        kept = out_dir / f"{notebook.stem}.failed.ipynb"
        if target.exists():
            kept.write_bytes(target.read_bytes())
        cell = _source_cell_number(target, exc.cell_index)
        raise ReportError(
            f"{notebook.name} failed at cell {cell}: {exc.ename}: {_one_line(exc.evalue)} "
            f"(executed copy: {kept})") from exc
    except Exception as exc:  # noqa: BLE001  (kernel could not start, unreadable notebook...)
        raise ReportError(f"{notebook.name} could not run: {type(exc).__name__}: "
                          f"{_one_line(str(exc))}") from exc
    return nbformat.read(target, as_version=4)


def _source_cell_number(executed: Path, cell_index: int) -> int:
    """1-based number of the failing cell in the source notebook (injected cell not counted)."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
    except Exception:  # noqa: BLE001
        return cell_index + 1
    injected = sum(1 for c in cells[:cell_index]
                   if "injected-parameters" in c.get("metadata", {}).get("tags", []))
    return cell_index + 1 - injected


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _clear_previous(out_dir: Path, tables_dir: Path) -> None:
    """Remove the CSV tables and pages of an earlier run (only files this module writes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables_dir.mkdir(exist_ok=True)
    for stale in [*tables_dir.glob("*.csv"), *out_dir.glob("[0-9][0-9]_*.html"),
                  *out_dir.glob("[0-9][0-9]_*.failed.ipynb")]:
        stale.unlink()

