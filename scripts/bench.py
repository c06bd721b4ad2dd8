"""Benchmark framekit on synthetic collections of 1,000 and 10,000 articles (``make bench``).

The collections are made from the seed articles (data/raw/putin-xi-2022/): each synthetic
article takes one seed's parsed body, drops and shuffles paragraphs, makes light word edits
(British/American spellings, a dropped word) so not every sentence is an exact copy, adds a few
sentences of its own, and is assigned one of about 20 outlets in a sources.csv. Collections are
written once into the system temporary folder (deterministic seed) and reused between runs.

Stages are timed in this process with the parse and feature caches cold (they live in a private
temporary folder) and without the per-text memos of earlier stages, with peak memory (this
process plus its worker processes, proportional set size sampled by psutil) per stage. "report"
runs the code cells of each notebook in its own fresh process, as the report gives each notebook
a fresh kernel (parameters injected, tables written as CSV, displays discarded, charts
serialised with ``to_dict`` as the report does), on a cold cache: the whole report minus kernel
start-up and HTML export. As ``framekit report`` does, the per-article tables are computed first
(all cores) and the notebooks then run side by side, one per core, each taken in order by the
first free runner: the report's time is the first step plus the busiest runner's notebooks (its
wall-clock time without kernel start-up), and its memory that of its processes together. The
notebooks' times added up, as if they ran one after another, are printed too. Then 10
articles are added to the largest collection and the report runs again on the warm caches
(``incremental_pct``: its time over the full run's; the median of ``--reruns`` runs, 3 by
default, each from the caches the full run left); the notebooks then run again with
``refit = True`` (fitted models not reused, see ``helpers.reuse``), and the rerun's cost with
them refitting is printed too. Last, ``framekit report`` itself is timed the same way, full and
rerun, as a user runs it: kernel start-up, pages and index included (its own caches, removed
afterwards). The last line is one summary of the largest run::

    bench: n=10000 total_s=... peak_mb=... scaling=... lsh_recall=... incremental_pct=...

Usage: ``python scripts/bench.py [--sizes 1000,10000] [--quick] [--seed 7] [--folder DIR]
[--reruns 3] [--cells] [--incremental-only N]``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import io
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

OUTLETS: tuple[str, ...] = (
    "Wire Daily", "The Morning Ledger", "Harbour Times", "Valley Courier", "Capital Post",
    "Northern Echo Online", "Coastal Herald", "Metro Tribune", "Evening Standard-Bearer",
    "Global Desk", "Prairie News", "Riverside Gazette", "Summit Observer", "The Daily Lens",
    "Atlantic Wire", "Pacific Report", "Central Bulletin", "Highland Chronicle", "City Beat",
    "World Brief",
)
#: American -> British spellings used for light edits (applied one way or the other).
SPELLINGS: tuple[tuple[str, str], ...] = (
    ("defense", "defence"), ("organization", "organisation"), ("favor", "favour"),
    ("center", "centre"), ("program", "programme"), ("recognize", "recognise"),
    ("emphasized", "emphasised"), ("criticized", "criticised"), ("labor", "labour"),
    ("neighbors", "neighbours"),
)
#: Charts whose serialisation failed during a notebook run (reported, not fatal).
CHART_ERRORS: list[str] = []
#: ``(notebook, first line of the cell, seconds)`` of the cells that took over half a second.
SLOW_CELLS: list[tuple[str, str, float]] = []
#: Cells slower than this are listed by `--cells` (env FRAMEKIT_BENCH_SLOW_CELL to change).
SLOW_CELL_SECONDS = float(os.environ.get("FRAMEKIT_BENCH_SLOW_CELL", "0.5"))


# --------------------------------------------------------------------------- synthetic data
def _seed_material(seed_dir: Path) -> tuple[list[dict], list[str]]:
    """Parsed bodies of the seed articles and their vocabulary (for each article's own lines)."""
    from helpers.corpus import load_collection

    corpus = load_collection(seed_dir, use_cache=False)
    seeds = []
    for row in corpus.articles.itertuples(index=False):
        body = corpus.paragraphs[(corpus.paragraphs["article_id"] == row.article_id)
                                 & (corpus.paragraphs["kind"] == "body")]["text"].tolist()
        seeds.append({"headline": row.headline, "paragraphs": body})
    vocabulary = sorted({w for s in seeds for p in s["paragraphs"] for w in p.split()
                         if w.isalpha() and len(w) > 3 and w.islower()})
    return seeds, vocabulary


def _edit(sentence: str, rng: random.Random) -> str:
    """Light edit: swap a spelling, drop one word, or leave the sentence alone."""
    roll = rng.random()
    if roll < 0.15:
        for us, uk in SPELLINGS:
            if us in sentence:
                return sentence.replace(us, uk)
            if uk in sentence:
                return sentence.replace(uk, us)
    if roll < 0.3:
        words = sentence.split()
        if len(words) > 8:
            del words[rng.randrange(1, len(words) - 1)]
            return " ".join(words)
    return sentence


def _own_sentence(vocabulary: list[str], rng: random.Random) -> str:
    words = rng.sample(vocabulary, rng.randint(10, 18))
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


def synthesize_article(seeds: list[dict], vocabulary: list[str], index: int,
                       seed: int) -> tuple[str, str]:
    """Return ``(outlet, text)`` of synthetic article ``index`` (deterministic)."""
    from helpers.segment import split_sentences

    rng = random.Random(f"{seed}-{index}")
    base = seeds[index % len(seeds)]
    outlet = OUTLETS[rng.randrange(len(OUTLETS))]
    kept = [p for p in base["paragraphs"] if rng.random() < 0.8] or base["paragraphs"][:3]
    lead, rest = kept[:2], kept[2:]
    rng.shuffle(rest)
    paragraphs = []
    for paragraph in [*lead, *rest]:
        sentences = split_sentences(paragraph)
        paragraphs.append(" ".join(_edit(s, rng) for s in sentences))
    for _ in range(rng.randint(1, 3)):
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1),
                          " ".join(_own_sentence(vocabulary, rng) for _ in range(2)))
    headline = f"{base['headline']} ({outlet}, report {index})"
    return outlet, "\n\n".join([headline, *paragraphs]) + "\n"


def write_collection(folder: Path, n: int, *, seed: int, seed_dir: Path,
                     start: int = 0) -> Path:
    """Write ``n`` synthetic articles (indices ``start`` ...) and sources.csv into ``folder``."""
    seeds, vocabulary = _seed_material(seed_dir)
    folder.mkdir(parents=True, exist_ok=True)
    sources = folder / "sources.csv"
    rows = []
    for index in range(start, start + n):
        outlet, text = synthesize_article(seeds, vocabulary, index, seed)
        name = f"a{index:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        rows.append((name, outlet, "", f"2022-02-{1 + index % 28:02d}"))
    new = not sources.exists()
    with sources.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["file", "outlet", "url", "published"])
        writer.writerows(rows)
    return folder


def ensure_collection(root: Path, n: int, *, seed: int, seed_dir: Path) -> Path:
    """The collection of ``n`` articles under ``root`` (written on first use, then reused)."""
    folder = root / f"synthetic-{n}-seed{seed}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_collection(folder, n, seed=seed, seed_dir=seed_dir)
        done.write_text("ok\n")
    return folder


# --------------------------------------------------------------------------- measuring
class PeakMemory:
    """Sample the memory of this process and its children (psutil) every 200 ms.

    Each process counts its proportional set size (PSS: private pages plus its share of the
    pages it shares), so worker processes forked from a large parent do not count the
    parent's pages again, as summing resident sizes (RSS) would; RSS where PSS is unavailable.
    """

    def __init__(self, pid: int | None = None, *, children_only: bool = False) -> None:
        import psutil

        self._process = psutil.Process(pid)  # this process by default
        self._children_only = children_only  # only its child processes (and theirs)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        with contextlib.suppress(Exception):
            total = 0 if self._children_only else _memory_of(self._process)
            for child in self._process.children(recursive=True):
                with contextlib.suppress(Exception):
                    total += _memory_of(child)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.2)  # reading PSS walks page tables: not too often

    def __enter__(self) -> PeakMemory:
        self.peak = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def _memory_of(process) -> int:
    """PSS of a process (RSS where the platform has no PSS)."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, OSError):
        return process.memory_info().rss


def measure(function: Callable[[], object]) -> tuple[object, float, float]:
    """Run ``function``; return ``(result, seconds, peak_mb)``."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
    return result, seconds, memory.peak / 2**20


# --------------------------------------------------------------------------- notebooks
def run_notebooks(collection: Path, notebooks: list[Path], *, refit: bool = False
                  ) -> dict[str, float]:
    """Execute the notebooks' code cells in-process; return seconds per notebook.

    ``refit`` sets ``refit = True`` in the notebooks that declare it (``framekit report
    --refit``: fitted models are not reused).

    What a kernel has loaded before the first cell (IPython) is imported before the clock
    starts; what it has not is imported by the cells, on the clock: the notebook is read as
    JSON (nbformat would load jsonschema, which altair needs), and no helper module is
    imported to empty its memos (:func:`forget_memos`).
    """
    import json

    import IPython  # noqa: F401  (a kernel's start-up imports it)

    times = {}
    tables = tempfile.mkdtemp(prefix="framekit-bench-tables-")  # tables are written, as in a report
    for path in notebooks:
        forget_memos()  # each notebook of a report runs in a fresh kernel
        cells = json.loads(Path(path).read_text("utf-8"))["cells"]
        namespace: dict = {"__name__": "__bench__"}
        start = time.perf_counter()
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) \
                else cell["source"]
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                source += f"\ncollection = {str(collection)!r}\ntables_dir = {tables!r}\n"
                if refit and "refit" in source:
                    source += "refit = True\n"
            cell_start = time.perf_counter()
            _exec_cell(source, namespace, f"{path.name}[{index}]")  # (cell in tracebacks)
            if (cell_seconds := time.perf_counter() - cell_start) > SLOW_CELL_SECONDS:
                first = next((line for line in source.splitlines()
                              if line.strip() and not line.startswith(("#", "from ", "import "))),
                             "(imports)")
                SLOW_CELLS.append((path.stem, first[:70], cell_seconds))
        times[path.stem] = time.perf_counter() - start
    shutil.rmtree(tables, ignore_errors=True)
    return times


def run_report(collection: Path, notebooks: list[Path], cache_root: Path, *,
               refit: bool = False, prepare: bool = True) -> tuple[dict[str, float], float, float]:
    """Run the report's steps as ``framekit report`` runs them, each notebook in a fresh Python
    process as the report gives each a fresh kernel.

    First, as the report does before starting kernels, one process loads the collection and
    computes the per-article tables (all cores). Then the notebooks run side by side, as many
    at a time as the report runs kernels (:func:`helpers.report.count_kernels`: one per core),
    taken in order by whichever runner is free, as the report's thread pool takes them.

    Returns
    -------
    tuple
        The seconds of the first step and of each notebook (its cells, imports included;
        interpreter start-up excluded, as kernel start-up is; measured while the others run);
        the peak memory in MB of the report's processes together (the processes running at a
        time, with their workers; this process does not count); and the report's time: the
        first step plus the busiest runner's notebooks (the wall-clock time of the report
        without kernel start-up). ``refit`` runs the notebooks as ``framekit report --refit``
        does; ``prepare=False`` skips the first step.
    """
    import json
    import queue
    import subprocess

    from helpers.report import count_kernels

    def run(command: list[str]) -> dict[str, float]:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        stdout, stderr = child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"{command[2:]} failed:\n{stderr[-3000:]}")
        result = json.loads(stdout.strip().splitlines()[-1])
        with lock:
            CHART_ERRORS.extend(result.pop("_chart_errors", []))
            SLOW_CELLS.extend(tuple(cell) for cell in result.pop("_slow_cells", []))
        return result

    lock = threading.Lock()
    times: dict[str, float] = {}
    first = 0.0
    peak = 0.0
    if prepare:  # as `framekit report` does: the per-article tables once, on all cores
        with PeakMemory(children_only=True) as memory:
            times.update(run([sys.executable, __file__, "--prepare-only", str(collection),
                              "--cache", str(cache_root)]))
        first = sum(times.values())
        peak = memory.peak / 2**20
    waiting: queue.SimpleQueue = queue.SimpleQueue()
    for notebook in notebooks:
        waiting.put(notebook)
    busy: list[float] = []  # each runner's seconds of notebooks
    results: dict[Path, dict[str, float]] = {}
    failures: list[BaseException] = []

    def runner() -> None:
        seconds = 0.0
        while not failures:
            try:
                notebook = waiting.get_nowait()
            except queue.Empty:
                break
            try:
                result = run([sys.executable, __file__, "--notebooks-only", str(collection),
                              "--cache", str(cache_root), *(["--refit"] if refit else []),
                              str(notebook)])
            except BaseException as exc:  # noqa: BLE001 (re-raised below)
                failures.append(exc)
                break
            results[notebook] = result
            seconds += sum(result.values())
        with lock:
            busy.append(seconds)

    runners = [threading.Thread(target=runner) for _ in range(count_kernels(len(notebooks)))]
    with PeakMemory(children_only=True) as memory:
        for thread in runners:
            thread.start()
        for thread in runners:
            thread.join()
    if failures:
        raise failures[0]
    for notebook in notebooks:  # in the notebooks' order
        times.update(results[notebook])
    return times, max(peak, memory.peak / 2**20), first + max(busy, default=0.0)


def forget_memos() -> None:
    """Empty the per-text memos (tokens, VADER scores, matching keys, lexicon matchers) that a
    fresh kernel would not have, so earlier stages do not speed up the notebooks.

    Only modules already imported are touched: importing them here would take their imports
    (scikit-learn and SciPy, about a second) out of the timed cells of a fresh process."""
    modules = sys.modules
    if (vectorize := modules.get("helpers.vectorize")) is not None:
        vectorize._TOKEN_MEMO.clear()
    if (tone := modules.get("helpers.tone")) is not None:
        tone.score_text.cache_clear()
    if (align := modules.get("helpers.align")) is not None:
        align.normalize_sentence.cache_clear()
        align._LAST_KEYS.clear()
        align._fold_spelling.cache_clear()
    if (cache := modules.get("helpers.cache")) is not None:
        cache.LAST_RESULTS.clear()
    if (lexicons := modules.get("helpers.lexicons")) is not None:
        lexicons._compile_matcher.cache_clear()


def _exec_cell(source: str, namespace: dict, name: str) -> None:
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, name, "exec"), namespace)  # noqa: S102 (the kit's own notebooks)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)  # noqa: S307
            if hasattr(value, "to_dict") and type(value).__module__.startswith("altair"):
                try:
                    value.to_dict()
                except Exception as exc:  # a chart the report could not render: record it
                    CHART_ERRORS.append(f"{name}: {source.strip().splitlines()[-1]}: "
                                        f"{type(exc).__name__}: {str(exc).splitlines()[0]}")


# --------------------------------------------------------------------------- baselines
def time_textstat_naive(texts: list[str]) -> float:
    """textstat called once per metric per article (metric by metric, as a user would)."""
    import textstat

    metrics = ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "smog_index",
               "coleman_liau_index", "automated_readability_index",
               "dale_chall_readability_score", "linsear_write_formula", "text_standard",
               "syllable_count", "lexicon_count", "sentence_count", "difficult_words")
    start = time.perf_counter()
    for metric in metrics:
        for text in texts:
            getattr(textstat, metric)(text)
    return time.perf_counter() - start


def compare_alignment(sentences) -> dict:
    """Exact all-pairs alignment vs the kit's LSH path on the same sentences."""
    from helpers.align import AlignSettings, align_sentences

    key = ["article_a", "position_a", "article_b", "position_b"]
    exact, exact_s, _ = measure(lambda: align_sentences(
        sentences, settings=AlignSettings(method="exact")))
    lsh, lsh_s, _ = measure(lambda: align_sentences(
        sentences, settings=AlignSettings(method="lsh")))
    truth = set(map(tuple, exact[key].to_numpy().tolist()))
    found = set(map(tuple, lsh[key].to_numpy().tolist()))
    recall = len(truth & found) / len(truth) if truth else 1.0
    return {"exact_s": exact_s, "lsh_s": lsh_s, "exact_pairs": len(truth),
            "lsh_pairs": len(found), "recall": recall}


# --------------------------------------------------------------------------- the run
def run_size(folder: Path, cache_root: Path, notebooks: list[Path], *,
             show_cells: bool = False) -> dict:
    """Time every stage on one collection with cold caches; return stage -> (s, peak_mb)."""
    from helpers import actors, coverage, frames, paths, quotes, readability, similarity, tone
    from helpers import topics as topic_models
    from helpers.align import align_sentences
    from helpers.corpus import load_collection
    from helpers.features import compute_article_features
    from helpers.lexicons import load_lexicons
    from helpers.vectorize import fit_tfidf

    shutil.rmtree(cache_root, ignore_errors=True)
    paths.DATA_PROCESSED = cache_root
    stages: dict[str, tuple[float, float]] = {}

    def stage(name, function):
        forget_memos()  # every stage starts cold
        result, seconds, peak = measure(function)
        stages[name] = (seconds, peak)
        print(f"  {name:<22} {seconds:9.2f} s  {peak:8.0f} MB", flush=True)
        return result

    corpus = stage("ingest+parse", lambda: load_collection(folder, progress=False))
    lexicons = load_lexicons(corpus.folder)
    stage("features (parallel)", lambda: compute_article_features(corpus))
    stage("readability", lambda: readability.score_articles(corpus.paragraphs, corpus.articles))
    stage("actors", lambda: actors.count_actor_mentions(corpus.sentences,
                                                        lexicon=lexicons.actors))
    stage("quotes", lambda: quotes.extract_quotes(corpus.paragraphs, actors=lexicons.actors,
                                                  verbs=lexicons.verbs))
    stage("frames", lambda: frames.count_frames(corpus.sentences, lexicon=lexicons.frames))
    stage("tone", lambda: tone.summarise_tone(tone.score_sentences(corpus.sentences)))
    texts = corpus.sentences.groupby("article_id")["text"].agg(" ".join).tolist()
    stage("tfidf", lambda: fit_tfidf(texts))
    matches = stage("alignment", lambda: align_sentences(corpus.sentences))
    stage("coverage (facts)", lambda: coverage.cluster_facts(corpus.sentences, matches))
    stage("similarity", lambda: similarity.compare_articles(corpus.sentences, corpus.articles))
    stage("topics", lambda: topic_models.fit_topics(corpus.paragraphs, seed=0))
    shutil.rmtree(cache_root, ignore_errors=True)
    times, report_peak, report_s = run_report(folder, notebooks, cache_root)
    stages["report (notebooks)"] = (report_s, report_peak)
    print(f"  {'report (notebooks)':<22} {report_s:9.2f} s  {report_peak:8.0f} MB  "
          f"(notebooks side by side; {sum(times.values()):.1f} s one after another)", flush=True)
    for name, seconds in times.items():
        print(f"    {name:<20} {seconds:9.2f} s", flush=True)
    for error in dict.fromkeys(CHART_ERRORS):
        print(f"    chart error: {error}", flush=True)
    CHART_ERRORS.clear()
    print_slow_cells(show_cells)
    return {"stages": stages, "n": len(corpus.articles), "corpus": corpus,
            "report_sum": sum(times.values())}


def print_table(results: dict[int, dict]) -> None:
    sizes = sorted(results)
    print("\nstage                   " + "".join(f"{f'n={n} s':>12}{'art/s':>9}{'MB':>7}"
                                                for n in sizes) + "   ratio")
    for stage in results[sizes[0]]["stages"]:
        line = f"{stage:<24}"
        for n in sizes:
            seconds, peak = results[n]["stages"][stage]
            line += f"{seconds:12.2f}{n / seconds if seconds else 0:9.0f}{peak:7.0f}"
        if len(sizes) > 1:
            first, last = (results[n]["stages"][stage][0] for n in (sizes[0], sizes[-1]))
            line += f"   {last / first if first else float('nan'):6.1f}"
        print(line)


@contextlib.contextmanager
def ten_articles_added(n: int, args) -> Iterator[Path]:
    """The collection of ``n`` articles with 10 more (numbered from ``n``) while the block runs;
    afterwards the 10 files are removed and ``sources.csv`` is as it was. Yields the folder."""
    from helpers import paths

    seed_dir = paths.DATA_RAW / paths.DEFAULT_COLLECTION
    folder = ensure_collection(args.folder, n, seed=args.seed, seed_dir=seed_dir)
    sources = (folder / "sources.csv").read_text("utf-8")
    try:
        write_collection(folder, 10, seed=args.seed, seed_dir=seed_dir, start=n)
        yield folder
    finally:
        for index in range(n, n + 10):
            (folder / f"a{index:05d}.txt").unlink(missing_ok=True)
        (folder / "sources.csv").write_text(sources, "utf-8")


def rerun_with_new_articles(n: int, args, notebooks: list[Path], cache_root: Path
                            ) -> tuple[float, float, float]:
    """Add 10 articles to the collection of ``n`` (caches warm from its full report) and rerun
    the report, then run its notebooks again with ``refit = True``, as ``framekit report
    --refit`` would after the same first step; the collection is restored afterwards.

    A rerun lasts 10-30 s, so a shared machine's speed, which changes from minute to minute,
    moves it by a tenth or more. It is run ``args.reruns`` times, each from a copy of the
    caches as the full report left them (a second rerun on the caches of the first would
    find the new articles done), and the median is taken (the notebooks' times of the
    median run); each run's time is printed.

    Returns
    -------
    tuple
        The rerun's seconds (:func:`run_report`'s report time), the seconds with the
        notebooks refitting, and the rerun's first step and notebooks added up.
    """
    from helpers import paths
    from helpers.report import declares_parameter

    paths.DATA_PROCESSED = cache_root
    pristine = cache_root.with_name(cache_root.name + "-after-full-report")
    repeats = max(1, args.reruns)
    try:
        if repeats > 1:
            shutil.rmtree(pristine, ignore_errors=True)
            shutil.copytree(cache_root, pristine)
        with ten_articles_added(n, args) as folder:
            runs: list[tuple[dict[str, float], float]] = []
            cells: list[list[tuple[str, str, float]]] = []
            for repeat in range(repeats):
                if repeat:
                    shutil.rmtree(cache_root)
                    shutil.copytree(pristine, cache_root)
                SLOW_CELLS.clear()
                times, _, report_s = run_report(folder, notebooks, cache_root)
                runs.append((times, report_s))
                cells.append(list(SLOW_CELLS))
            median = sorted(range(repeats), key=lambda k: runs[k][1])[repeats // 2]
            rerun, rerun_s = runs[median]
            SLOW_CELLS.clear()
            # Then the notebooks again with fitted models not reused, as `framekit report --refit`
            # would run them after the same first step.
            refit, _, refit_s = run_report(folder, notebooks, cache_root, refit=True, prepare=False)
            refit_s += rerun["prepare (parse, tables)"]
            SLOW_CELLS[:0] = cells[median]  # (the median run's slow cells, then the refit's)
    finally:
        shutil.rmtree(pristine, ignore_errors=True)
    if repeats > 1:
        print("    reruns: " + ", ".join(f"{seconds:.1f} s" for _, seconds in runs)
              + f" (median {rerun_s:.1f} s); one notebook after another: "
              + ", ".join(f"{sum(times.values()):.1f} s" for times, _ in runs), flush=True)
    for name, seconds in rerun.items():
        print(f"    rerun {name:<20} {seconds:9.2f} s", flush=True)
    fitting = {nb.stem for nb in notebooks if declares_parameter(nb, "refit")}
    for name, seconds in refit.items():
        if name in fitting:
            print(f"    rerun {name:<20} {seconds:9.2f} s with refit = True", flush=True)
    print_slow_cells(args.cells)
    return rerun_s, refit_s, sum(rerun.values())


def time_real_report(n: int, args) -> tuple[float, float]:
    """``framekit report`` as a user runs it (kernels started, pages and index written) on the
    collection of ``n``: from cold caches, then after adding 10 articles (``args.reruns``
    times, each from the caches the full report left; the median). Its caches are the
    command's own (``data/processed/``), removed afterwards, and so are its pages.

    Returns
    -------
    tuple
        The full report's seconds and the rerun's (wall clock).
    """
    import subprocess

    from helpers import paths

    seed_dir = paths.DATA_RAW / paths.DEFAULT_COLLECTION
    folder = ensure_collection(args.folder, n, seed=args.seed, seed_dir=seed_dir)
    cache = paths.ROOT / "data" / "processed" / paths.cache_dir(folder).name
    pristine = args.folder / "real-report-cache"
    out = args.folder / "real-report"

    def report() -> float:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "helpers.cli", "report", "--data",
                               str(folder), "--out", str(out)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"framekit report failed:\n{done.stderr[-3000:]}")
        return time.perf_counter() - start

    try:
        shutil.rmtree(cache, ignore_errors=True)
        full = report()
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.copytree(cache, pristine)
        reruns = []
        with ten_articles_added(n, args):
            for _ in range(max(1, args.reruns)):
                shutil.rmtree(cache)
                shutil.copytree(pristine, cache)
                reruns.append(report())
    finally:
        for path in (cache, pristine, out):
            shutil.rmtree(path, ignore_errors=True)
    rerun = sorted(reruns)[len(reruns) // 2]
    print(f"framekit report as run (kernels started, pages written), n={n}: full {full:.1f} s; "
          f"after adding 10 articles " + ", ".join(f"{s:.1f} s" for s in reruns)
          + f" (median {rerun:.1f} s = {100 * rerun / full:.1f}% of the full report)", flush=True)
    return full, rerun


def print_slow_cells(show: bool) -> None:
    """Print (when asked) and forget the slow cells of the last report run."""
    if show:
        for notebook, line, seconds in SLOW_CELLS:
            print(f"      {seconds:7.2f} s  {notebook}: {line}", flush=True)
    SLOW_CELLS.clear()


def run_incremental_only(n: int, args, notebooks: list[Path]) -> int:
    """The report on ``n`` articles from cold caches, then rerun after adding 10."""
    from helpers import paths

    seed_dir = paths.DATA_RAW / paths.DEFAULT_COLLECTION
    folder = ensure_collection(args.folder, n, seed=args.seed, seed_dir=seed_dir)
    cache_root = args.folder / "cache"
    shutil.rmtree(cache_root, ignore_errors=True)
    paths.DATA_PROCESSED = cache_root
    times, peak, full_s = run_report(folder, notebooks, cache_root)
    print(f"report n={n}: {full_s:.1f} s (notebooks side by side; {sum(times.values()):.1f} s "
          f"one after another), peak {peak:.0f} MB")
    for name, seconds in times.items():
        print(f"    {name:<20} {seconds:9.2f} s", flush=True)
    print_slow_cells(args.cells)
    print_incremental(n, full_s, sum(times.values()),
                      *rerun_with_new_articles(n, args, notebooks, cache_root))
    time_real_report(n, args)
    return 0


def print_incremental(n: int, full_s: float, full_sum: float, rerun_s: float, refit_s: float,
                      rerun_sum: float) -> float:
    """Print the rerun's cost (and with models refitted, and with the notebooks' times added
    up as if they ran one after another); return its percentage."""
    incremental = 100 * rerun_s / full_s
    print(f"incremental: +10 articles to n={n}, rerun {rerun_s:.1f} s = {incremental:.1f}% of "
          f"the full run ({full_s:.1f} s); with refit = True (topics fitted afresh) "
          f"{refit_s:.1f} s = {100 * refit_s / full_s:.1f}%; one notebook after another "
          f"{rerun_sum:.1f} s of {full_sum:.1f} s = {100 * rerun_sum / full_sum:.1f}%")
    return incremental


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated collection sizes")
    parser.add_argument("--quick", action="store_true", help="sizes 200,1000 (a fast check)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic collections")
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "framekit-bench",
                        help="where synthetic collections are written and reused")
    parser.add_argument("--cells", action="store_true",
                        help="also list the notebook cells that took over half a second")
    parser.add_argument("--reruns", type=int, default=3,
                        help="times the rerun after adding 10 articles is timed (median)")
    parser.add_argument("--incremental-only", type=int, metavar="N",
                        help="only time the report on N articles, cold and after adding 10")
    parser.add_argument("--notebooks-only", type=Path, metavar="COLLECTION",
                        help=argparse.SUPPRESS)  # internal: run_report's child process
    parser.add_argument("--prepare-only", type=Path, metavar="COLLECTION",
                        help=argparse.SUPPRESS)  # internal: the report's step before kernels
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--refit", action="store_true", help=argparse.SUPPRESS)  # with the above
    parser.add_argument("notebooks", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare_only:
        import json

        from helpers import paths as helper_paths

        helper_paths.DATA_PROCESSED = args.cache
        start = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):
            from helpers.article_tables import compute_article_tables
            from helpers.corpus import load_collection

            compute_article_tables(load_collection(args.prepare_only), tables=())
        print(json.dumps({"prepare (parse, tables)": time.perf_counter() - start,
                          "_chart_errors": []}))
        return 0
    if args.notebooks_only:
        import json

        from helpers import paths as helper_paths

        helper_paths.DATA_PROCESSED = args.cache
        with contextlib.redirect_stderr(io.StringIO()):
            times = run_notebooks(args.notebooks_only, args.notebooks, refit=args.refit)
        print(json.dumps({**times, "_chart_errors": CHART_ERRORS, "_slow_cells": SLOW_CELLS}))
        return 0
    from helpers import paths

    if args.incremental_only:
        return run_incremental_only(args.incremental_only, args, notebooks=sorted(
            paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
    sizes = [200, 1000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    seed_dir = paths.DATA_RAW / paths.DEFAULT_COLLECTION
    notebooks = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    cache_root = args.folder / "cache"
    results = {}
    for n in sizes:
        folder = ensure_collection(args.folder, n, seed=args.seed, seed_dir=seed_dir)
        print(f"\n== n={n}: {folder}", flush=True)
        results[n] = run_size(folder, cache_root, notebooks, show_cells=args.cells)
    print_table(results)
    small, large = sizes[0], sizes[-1]
    scaling = (results[large]["stages"]["report (notebooks)"][0]
               / results[small]["stages"]["report (notebooks)"][0])

    # Baselines on the 1,000-article collection (or the smallest size).
    base_n = 1000 if 1000 in results else small
    corpus = results[base_n]["corpus"]
    body = corpus.paragraphs[corpus.paragraphs["kind"] == "body"]
    texts = body.groupby("article_id")["text"].agg("\n".join).tolist()
    naive_s = time_textstat_naive(texts)
    kit_s = results[base_n]["stages"]["readability"][0]
    all_s = results[base_n]["stages"]["features (parallel)"][0]
    print(f"\nbaseline textstat once per metric per article, n={base_n}: {naive_s:.1f} s; "
          f"kit readability (same measures plus MTLD/MATTR, one process): {kit_s:.1f} s; "
          f"speed-up {naive_s / kit_s:.1f}x (all per-article tables on all cores: {all_s:.1f} s)")
    alignment = compare_alignment(corpus.sentences)
    print(f"baseline exact all-pairs alignment, n={base_n} ({len(corpus.sentences)} sentences): "
          f"{alignment['exact_s']:.1f} s, {alignment['exact_pairs']} pairs; LSH "
          f"{alignment['lsh_s']:.1f} s, {alignment['lsh_pairs']} pairs; speed-up "
          f"{alignment['exact_s'] / alignment['lsh_s']:.1f}x; recall {alignment['recall']:.3f}")

    full_s, _ = results[large]["stages"]["report (notebooks)"]
    incremental = print_incremental(large, full_s, results[large]["report_sum"],
                                    *rerun_with_new_articles(large, args, notebooks, cache_root))
    time_real_report(large, args)
    peak = max(p for _, p in results[large]["stages"].values())
    print(f"bench: n={large} total_s={full_s:.1f} peak_mb={peak:.0f} scaling={scaling:.2f} "
          f"lsh_recall={alignment['recall']:.3f} incremental_pct={incremental:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
