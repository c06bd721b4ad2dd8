"""The offline HTML report: run every notebook on a collection and export each to a page.

Method
------
:func:`build_report` checks the collection first (``helpers.corpus.load_collection``: the folder
exists, ``sources.csv`` is readable, at least one article parses) and computes the per-article
tables into their cache (:mod:`helpers.article_tables`, all cores), then executes
``notebooks/NN_*.ipynb`` with papermill, side by side (one kernel per core: the notebooks are
independent; pages keep the notebooks' order) (Papermill, nteract; kernel ``python3``, working
folder ``notebooks/``) with the parameters ``collection`` (absolute folder) and ``tables_dir``
(``<out>/tables``; each notebook writes its tables there as CSV). Kernels talk to the report
over IPC sockets (no TCP port). Each executed notebook becomes ``<out>/<notebook>.html`` through
:func:`helpers.report_page.export_page` (sanitised outputs, code hidden, one inlined Vega bundle,
no CDN; pages work from ``file://`` with no network); the summary page ``index.html`` is written
by :mod:`helpers.report_index`. A failing notebook stops the report with a :class:`ReportError`
naming the notebook, the cell and the exception; its executed copy is kept for inspection.
Executed notebooks (with outputs) are kept in ``<out>/notebooks/`` for users who want to open
them in JupyterLab.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from traitlets import default

from helpers import paths

# helpers.export and helpers.report_page (pandas, Altair: 0.4 s) are imported where they are
# used, after the process that forks the kernels has started (helpers.kernel_forks).

#: Notebooks the report runs: ``NN_name.ipynb``, in name order.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
KERNEL_NAME = "python3"
_HEADING = re.compile(r"^#\s+(.+)$", re.M)


class ReportError(Exception):
    """The report cannot be built; ``str()`` is a one-line reason for the user."""


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """Return the report's notebooks (``NN_name.ipynb``) in ``folder``, in order."""
    return sorted(Path(folder or paths.NOTEBOOKS).glob(NOTEBOOK_GLOB))


def build_report(data_dir: Path, out_dir: Path, *, notebooks_dir: Path | None = None,
                 dask_address: str | None = None, refit: bool = False,
                 progress: bool = True) -> Path:
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
        collection (which fills the parse cache the notebooks read) and passed to the notebooks
        that declare a ``dask_address`` parameter.
    refit
        Fit the collection's models afresh instead of reusing the last run's fits (see
        :mod:`helpers.reuse`): passed as ``refit = True`` to the notebooks that declare it.
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
    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS).resolve()
    notebooks = list_notebooks(notebooks_dir)
    # The process that forks the kernels imports the kit while the collection is checked.
    forker = start_kernel_forker(notebooks_dir, notebooks) \
        if notebooks and data_dir.is_dir() else None
    try:
        return _build_report(data_dir, out_dir, notebooks_dir, notebooks, forker=forker,
                             dask_address=dask_address, refit=refit, progress=progress)
    finally:
        if forker is not None:
            forker.close()


def _build_report(data_dir: Path, out_dir: Path, notebooks_dir: Path, notebooks: list[Path],
                  *, forker, dask_address: str | None, refit: bool, progress: bool) -> Path:
    """:func:`build_report` once its notebooks are listed (and their kernels' forking
    process started, ``forker``: a :class:`helpers.kernel_forks.KernelForker` or ``None``)."""
    from helpers import report_index

    corpus = check_collection(data_dir, dask_address=dask_address)
    if notebooks:
        # Per-article tables once, on every core (or the Dask cluster), before the kernels
        # start: the notebooks then read them from the cache instead of computing them twice.
        from helpers.article_tables import compute_article_tables

        compute_article_tables(corpus, progress=None if progress else False, tables=())
    if not notebooks:
        raise ReportError(f"no notebooks (NN_name.ipynb) found in {notebooks_dir}")
    tables_dir = out_dir / "tables"
    _clear_previous(out_dir, tables_dir)
    titles = {nb.stem: read_title(nb) for nb in notebooks}
    parameters = {"collection": str(data_dir), "tables_dir": str(tables_dir)}
    executed_dir = out_dir / "notebooks"
    executed_dir.mkdir(exist_ok=True)

    from helpers.report_page import export_page

    def run(notebook: Path):
        start = time.perf_counter()
        extra = {"dask_address": dask_address} if dask_address and \
            declares_parameter(notebook, "dask_address") else {}
        if refit and declares_parameter(notebook, "refit"):
            extra["refit"] = True
        executed = _execute(notebook, executed_dir, out_dir, parameters=parameters | extra,
                            cwd=notebooks_dir, forker=forker)
        page = out_dir / f"{notebook.stem}.html"
        page.write_text(export_page(executed, title=titles[notebook.stem],
                                    collection=corpus.name, pages=titles), "utf-8")
        if progress:
            print(f"  {notebook.name} done in {time.perf_counter() - start:.1f} s",
                  file=sys.stderr, flush=True)
        return page.name

    if progress:
        print(f"Running {len(notebooks)} notebooks on {corpus.name} "
              f"({len(corpus.articles)} articles)...", file=sys.stderr, flush=True)
    # Notebooks are independent (each reads the parse cache filled above and writes its own
    # tables), so they run side by side, one kernel per core.
    with ThreadPoolExecutor(max_workers=count_kernels(len(notebooks))) as pool:
        futures = [pool.submit(run, notebook) for notebook in notebooks]
        errors = [f.exception() for f in futures if f.exception() is not None]
        if errors:  # report the first notebook (in order) that failed
            raise errors[0]
        pages = [(f.result(), titles[nb.stem]) for f, nb in zip(futures, notebooks, strict=True)]
    return report_index.write_index(corpus, out_dir, pages=pages, tables_dir=tables_dir)


def count_kernels(notebooks: int) -> int:
    """How many notebooks the report runs at a time: one kernel per core (``os.cpu_count``),
    at most one per notebook, at least one. ``scripts/bench.py`` runs them as many at a time."""
    return max(1, min(notebooks, os.cpu_count() or 1))


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
    for cell in _read_cells(notebook):
        if cell.get("cell_type") == "markdown":
            match = _HEADING.search(_source(cell))
            if match:
                return match.group(1).strip()
            break
    return notebook.stem


def declares_parameter(notebook: Path, name: str) -> bool:
    """Whether the notebook's ``parameters`` cell assigns ``name`` (the report passes
    ``dask_address`` and ``refit`` only to the notebooks that declare them)."""
    pattern = re.compile(rf"^{re.escape(name)}\s*[:=]", re.M)
    return any("parameters" in cell.get("metadata", {}).get("tags", [])
               and pattern.search(_source(cell)) for cell in _read_cells(notebook))


def _read_cells(notebook: Path) -> list[dict]:
    """The cells of a notebook file, read as JSON (nbformat's validation of the whole file took
    0.15 s for the five notebooks before the kernels could start; papermill validates each
    notebook it runs). A notebook older than format 4 is converted by nbformat."""
    content = json.loads(notebook.read_text("utf-8"))
    if not isinstance(content, dict) or content.get("nbformat", 0) < 4:
        import nbformat

        content = nbformat.read(notebook, as_version=4)
    return [cell for cell in content.get("cells", []) if isinstance(cell, dict)]


def _source(cell: dict) -> str:
    """A cell's source as one text (the file may hold it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def start_kernel_forker(notebooks_dir: Path, notebooks: list[Path]):
    """Start the process that forks the report's kernels (:mod:`helpers.kernel_forks`),
    importing the kit modules the notebooks import; ``None`` where kernels cannot be forked."""
    from helpers import kernel_forks

    if not kernel_forks.can_fork():
        return None
    return kernel_forks.KernelForker(notebooks_dir, list_kit_modules(notebooks))


def list_kit_modules(notebooks: list[Path]) -> list[str]:
    """The kit's modules (``helpers``, ``helpers.*``) that the notebooks' code cells import,
    in order of first import: ``import helpers.x``, ``from helpers.x import y`` and
    ``from helpers import x`` (``helpers.x``, whether ``x`` is a module or not). A cell that
    is not Python (a magic, a syntax error) is skipped."""
    import ast

    modules: dict[str, None] = {}
    for notebook in notebooks:
        for cell in _read_cells(notebook):
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse(_source(cell))
            except (SyntaxError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module] + ([f"{node.module}.{alias.name}"
                                              for alias in node.names]
                                             if node.module == "helpers" else [])
                else:
                    continue
                modules.update(dict.fromkeys(
                    name for name in names if name == "helpers" or name.startswith("helpers.")))
    return list(modules)


def _kernel_manager_class(forker=None):
    """Kernels over IPC sockets (local, no TCP port, no plain-text warning); TCP on Windows.
    With ``forker`` (:class:`helpers.kernel_forks.KernelForker`), a kernel that a fork would
    start as jupyter_client would is forked from it."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    from helpers import kernel_forks

    if os.name == "nt":
        return AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            # One socket path prefix per kernel: kernels started side by side must not share
            # jupyter_client's default ("kernel-ipc" in the working folder).
            return os.path.join(tempfile.gettempdir(), f"framekit-{uuid.uuid4().hex}-ipc")

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before stopping it. The report stops a kernel
            # only once its notebook has ended or failed, when nothing runs that an interrupt
            # should stop, and a kernel still finishing the last cell's reply logs one as
            # "KeyboardInterrupt caught in kernel". Interrupts at other times still go.
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

        @default("client_factory")
        def _client_factory_default(self):
            return _ready_client_class()

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            env = kw.get("env", os.environ)
            provisioner = self.provisioner
            if forker is not None and type(provisioner) is LocalProvisioner and forker.accepts(
                    kernel_cmd, cwd=kw.get("cwd") or os.getcwd(), env=env):
                try:
                    process = forker.fork(kernel_cmd, env=kernel_forks.kernel_environment(env))
                except OSError:
                    pass  # started as jupyter_client starts it, below
                else:
                    provisioner.process = process
                    provisioner.pid = provisioner.pgid = process.pid  # leads its own session
                    provisioner.cwd = kw.get("cwd") or os.getcwd()
                    self._reconcile_connection_info(provisioner.connection_info)
                    return
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return IPCKernelManager


@functools.cache
def _ready_client_class():
    """jupyter_client's asynchronous kernel client, ready once the kernel is idle again after
    answering a ``kernel_info`` request on both channels.

    jupyter_client's client, once the kernel has answered and a message has come on IOPub
    within 0.2 s (else it asks again: a subscriber connected late misses messages), reads
    IOPub until it is quiet for 0.2 s: 0.2-0.4 s before every notebook's first cell. This one
    asks again after 0.05 s without a message and stops at the kernel's ``idle`` status for
    one of its requests, its last message on IOPub for them. The messages
    it leaves (those of other requests, if it asked more than once) are passed over by
    nbclient, which takes only the replies to what it sends.
    """
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyKernelClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            requests: set[str] = set()
            while True:
                requests.add(self.kernel_info())
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if reply["msg_type"] == "kernel_info_reply" and \
                            await self._idle_after(requests):
                        self._handle_kernel_info_reply(reply)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        wait_for_ready = _async_wait_for_ready  # (the name nbclient calls, bound in the class)

        async def _idle_after(self, requests: set[str]) -> bool:
            """Read IOPub up to the ``idle`` status of one of ``requests``; ``False`` when
            nothing comes for 0.05 s (IOPub connected too late for them, or not yet: the
            kernel is asked again, and answers in milliseconds)."""
            while True:
                try:
                    message = await self.iopub_channel.get_msg(timeout=0.05)
                except Empty:
                    return False
                if (message["msg_type"] == "status"
                        and message["content"].get("execution_state") == "idle"
                        and message["parent_header"].get("msg_id") in requests):
                    return True

    return ReadyKernelClient


def _execute(notebook: Path, executed_dir: Path, out_dir: Path, *,
             parameters: dict[str, str], cwd: Path, forker=None):
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    target = executed_dir / notebook.name
    try:
        # The executed copy is written once, when the notebook ends or fails, rather than
        # before and after every cell (papermill's default): rewriting a notebook with its
        # charts 100 times took 4 s of the report's time on the 10,000-article bench. The
        # kernel is stopped at once when its notebook has ended (its cells write their files
        # before they end; nothing of the kit runs at exit): a kernel holding a large
        # collection took 0.5 s to stop gracefully.
        pm.execute_notebook(
            str(notebook), str(target), kernel_name=KERNEL_NAME, progress_bar=False,
            parameters=parameters, cwd=str(cwd), log_output=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=_kernel_manager_class(forker),
            shutdown_kernel="immediate",
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
    from helpers.export import ROWS_FOLDER

    out_dir.mkdir(parents=True, exist_ok=True)
    tables_dir.mkdir(exist_ok=True)
    for stale in [*tables_dir.glob("*.csv"), *tables_dir.glob("*.csv.gz"),
                  *(tables_dir / ROWS_FOLDER).glob("*.json"),
                  *out_dir.glob("[0-9][0-9]_*.html"),
                  *out_dir.glob("[0-9][0-9]_*.failed.ipynb"),
                  *(out_dir / "notebooks").glob("[0-9][0-9]_*.ipynb")]:
        stale.unlink()

