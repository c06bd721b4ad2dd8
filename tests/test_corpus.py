"""load_collection: tables, sources.csv, the audit of every file, and the incremental cache."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import corpus as corpus_module
from helpers import paths
from helpers.cache import read_snapshot, write_snapshot
from helpers.corpus import CollectionError, load_collection

ARTICLE = """{headline}

{lead} The talks lasted three hours and ended with a joint statement on trade.

“We are pleased with the result,” the minister said. Officials from both sides attended.
"""


@pytest.fixture()
def isolated(tmp_path, monkeypatch):
    """A collection folder outside data/raw with its cache in a temporary folder."""
    monkeypatch.setattr(paths, "DATA_PROCESSED", tmp_path / "processed")
    folder = tmp_path / "event"
    folder.mkdir()
    return folder


def _write(folder, name, headline, lead="Leaders met on Monday."):
    (folder / name).write_text(ARTICLE.format(headline=headline, lead=lead), encoding="utf-8")


def test_seed_tables_have_the_documented_columns(seed_corpus):
    assert list(seed_corpus.articles.columns) == corpus_module.ARTICLE_COLUMNS
    assert list(seed_corpus.paragraphs.columns) == corpus_module.PARAGRAPH_COLUMNS
    assert list(seed_corpus.sentences.columns) == corpus_module.SENTENCE_COLUMNS
    assert len(seed_corpus.articles) == 5
    assert seed_corpus.outlets == ["Action News", "CBC News", "ITV News", "The Independent",
                                   "Unknown outlet (002_3309193dad904053)"]
    assert set(seed_corpus.audit["status"]) == {"parsed"}


def test_seed_sentences_are_body_sentences_in_order(seed_corpus):
    itv = seed_corpus.sentences[seed_corpus.sentences["outlet"] == "ITV News"]
    assert itv["position"].tolist() == list(range(len(itv)))
    assert itv["text"].iloc[0].startswith("Russia and China have pushed back against US pressure")
    assert not seed_corpus.sentences["text"].str.contains("Credit: AP").any()
    # word counts of the articles table add up from the paragraphs table
    body = seed_corpus.paragraphs[seed_corpus.paragraphs["kind"] == "body"]
    words = body.groupby("article_id")["words"].sum()
    assert (seed_corpus.articles.set_index("article_id")["words"] == words).all()


def test_sources_csv_sets_outlet_and_date(isolated):
    _write(isolated, "a.txt", "Summit ends with trade deal")
    (isolated / "sources.csv").write_text(
        "file,outlet,url,published\na.txt,Daily Planet,https://example.org/a,2023-05-06\n",
        encoding="utf-8")
    corpus = load_collection(isolated)
    row = corpus.articles.iloc[0]
    assert (row["outlet"], row["url"], row["published"]) == (
        "Daily Planet", "https://example.org/a", "2023-05-06")


def test_every_file_is_audited_parsed_skipped_or_duplicate(isolated):
    _write(isolated, "a.txt", "Summit ends with trade deal")
    shutil.copy(isolated / "a.txt", isolated / "b.txt")
    (isolated / "c.txt").write_text("", encoding="utf-8")
    (isolated / "d.pdf").write_bytes(b"%PDF-1.4")
    (isolated / "e.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    corpus = load_collection(isolated)
    audit = dict(zip(corpus.audit["source"], corpus.audit["status"], strict=True))
    assert audit == {"a.txt": "parsed", "b.txt": "duplicate", "c.txt": "skipped",
                     "d.pdf": "skipped", "e.txt": "skipped"}
    assert corpus.duplicates.to_dict("records") == [{"source": "b.txt", "duplicate_of": "a.txt"}]
    reasons = dict(zip(corpus.skipped["source"], corpus.skipped["reason"], strict=True))
    assert reasons["c.txt"] == "empty file"
    assert reasons["d.pdf"].startswith("unsupported extension '.pdf'")
    assert reasons["e.txt"].startswith("binary file")
    assert corpus.articles["article_id"].tolist() == ["a.txt"]


def test_only_new_or_changed_files_are_parsed_again(isolated):
    _write(isolated, "a.txt", "Summit ends with trade deal")
    _write(isolated, "b.txt", "Leaders agree on gas pipeline", lead="Ministers met on Tuesday.")
    first = load_collection(isolated)
    assert first.n_parsed_now == 2
    again = load_collection(isolated)
    assert again.n_parsed_now == 0
    assert again.articles.equals(first.articles)
    _write(isolated, "c.txt", "Protests follow summit", lead="Crowds gathered on Wednesday.")
    _write(isolated, "a.txt", "Summit ends with a trade deal")  # changed headline
    third = load_collection(isolated)
    assert third.n_parsed_now == 2
    assert sorted(third.articles["headline"]) == [
        "Leaders agree on gas pipeline", "Protests follow summit", "Summit ends with a trade deal"]
    # a changed sources.csv row is a change too
    (isolated / "sources.csv").write_text("file,outlet\nb.txt,Daily Planet\n", encoding="utf-8")
    fourth = load_collection(isolated)
    assert fourth.n_parsed_now == 1
    assert "Daily Planet" in fourth.outlets


def test_missing_folder_and_bad_sources_raise_collection_error(isolated, tmp_path):
    with pytest.raises(CollectionError, match="collection folder not found"):
        load_collection(tmp_path / "nowhere")
    _write(isolated, "a.txt", "Summit ends with trade deal")
    (isolated / "sources.csv").write_text("name;outlet\na.txt;X\n", encoding="utf-8")
    with pytest.raises(CollectionError, match="unreadable sources.csv: it needs a header row"):
        load_collection(isolated)
    (isolated / "sources.csv").write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(CollectionError, match="unreadable sources.csv: not a text file"):
        load_collection(isolated)


def test_parallel_parsing_gives_the_same_tables(isolated):
    for i in range(6):
        _write(isolated, f"a{i}.txt", f"Summit story number {i} ends", lead=f"Leaders met {i}.")
    serial = load_collection(isolated, use_cache=False, workers=1)
    parallel = load_collection(isolated, use_cache=False, workers=2)
    assert serial.articles.equals(parallel.articles)
    assert serial.sentences.equals(parallel.sentences)


def test_warm_load_reads_cached_rows_and_equals_a_cold_load(isolated, monkeypatch):
    import json

    import pandas as pd

    _write(isolated, "a.txt", "Leaders meet in Sochi")
    _write(isolated, "b.txt", "Talks end", lead="The talks ended. Nobody spoke after that.")
    cold = load_collection(isolated, use_cache=False)
    load_collection(isolated)  # fills the cache (entries hold the derived rows)
    entries = list(paths.cache_dir(isolated).glob("parsed/*.json"))
    assert entries and all("_rows" in json.loads(e.read_text("utf-8")) for e in entries)
    # An entry written before rows were cached is read, then rewritten with its rows.
    old = json.loads(entries[0].read_text("utf-8"))
    del old["_rows"]
    entries[0].write_text(json.dumps(old), "utf-8")
    (paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE).unlink()  # read the entries
    with monkeypatch.context() as patched:
        patched.setattr(corpus_module, "split_sentences",
                        lambda text: pytest.fail("a warm load must not split sentences"))
        with pytest.raises(pytest.fail.Exception):
            load_collection(isolated)
    load_collection(isolated)
    assert "_rows" in json.loads(entries[0].read_text("utf-8"))
    monkeypatch.setattr(corpus_module, "split_sentences",
                        lambda text: pytest.fail("a warm load must not split sentences"))
    warm = load_collection(isolated)
    for name in ("articles", "paragraphs", "sentences", "removed", "audit"):
        pd.testing.assert_frame_equal(getattr(warm, name), getattr(cold, name))


def _tables(corpus):
    return {name: getattr(corpus, name) for name in (
        "articles", "paragraphs", "sentences", "removed", "skipped", "duplicates", "audit")}


def _messy_folder(folder):
    _write(folder, "a.txt", "Summit ends with trade deal")
    _write(folder, "b.txt", "Talks end", lead="The talks ended. Nobody spoke after that.")
    shutil.copy(folder / "a.txt", folder / "c.txt")  # duplicate
    (folder / "d.txt").write_text("", encoding="utf-8")  # skipped: empty
    (folder / "e.pdf").write_bytes(b"%PDF-1.4")  # skipped: unsupported
    (folder / "sources.csv").write_text("file,outlet,published\nb.txt,Daily Planet,2022-09-15\n",
                                        encoding="utf-8")


def test_unchanged_folder_loads_from_the_snapshot_without_reading_entries(isolated,
                                                                        monkeypatch):
    import pandas as pd

    _messy_folder(isolated)
    cold = load_collection(isolated, use_cache=False)
    load_collection(isolated)  # writes the entries and the snapshot
    assert (paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE).exists()
    monkeypatch.setattr(corpus_module.Article, "from_cache",
                        lambda entry: pytest.fail("an unchanged folder must not read entries"))
    warm = load_collection(isolated)
    assert warm.n_parsed_now == 0
    for name, table in _tables(cold).items():
        pd.testing.assert_frame_equal(getattr(warm, name), table, obj=name)


def test_snapshot_is_not_used_when_a_file_or_sources_row_changes(isolated):
    import pandas as pd

    _messy_folder(isolated)
    load_collection(isolated)
    _write(isolated, "f.txt", "Protests follow summit", lead="Crowds gathered on Wednesday.")
    added = load_collection(isolated)
    assert added.n_parsed_now == 1 and "f.txt" in added.articles["article_id"].tolist()
    (isolated / "sources.csv").write_text("file,outlet\nb.txt,Evening Star\n", encoding="utf-8")
    renamed = load_collection(isolated)
    assert "Evening Star" in renamed.outlets and "Daily Planet" not in renamed.outlets
    (isolated / "f.txt").unlink()
    removed = load_collection(isolated)
    assert "f.txt" not in removed.articles["article_id"].tolist()
    for name, table in _tables(load_collection(isolated, use_cache=False)).items():
        pd.testing.assert_frame_equal(getattr(removed, name), table, obj=name)


def test_corrupt_or_old_snapshot_is_ignored(isolated):
    import numpy as np
    import pandas as pd

    _messy_folder(isolated)
    first = load_collection(isolated)
    snapshot = paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE
    snapshot.write_bytes(b"not an npz archive")
    again = load_collection(isolated)
    pd.testing.assert_frame_equal(again.sentences, first.sentences)
    with np.load(snapshot, allow_pickle=False) as archive:  # rewritten, readable again
        assert "__meta__" in archive
    from helpers.cache import read_snapshot, write_snapshot

    stored = read_snapshot(snapshot)
    stored["version"] = corpus_module.SNAPSHOT_VERSION - 1
    stored["articles"] = stored["articles"].assign(headline="stale")
    write_snapshot(snapshot, stored)
    assert load_collection(isolated).articles["headline"].tolist() == (
        first.articles["headline"].tolist())


def test_snapshot_load_with_a_dask_address_still_makes_it_the_sessions_cluster(isolated):
    from helpers import cluster

    _messy_folder(isolated)
    load_collection(isolated)  # snapshot written: the next load parses nothing
    try:
        warm = load_collection(isolated, dask_address="tcp://scheduler.invalid:8786")
        assert warm.n_parsed_now == 0
        assert cluster.active_dask_address() == "tcp://scheduler.invalid:8786"
    finally:
        cluster.use_dask(None)


def test_a_file_cached_under_another_name_is_parsed_under_its_own(isolated):
    # Outlets are guessed from file names here (no sources.csv), so an entry cached for the
    # same bytes under another name must not be reused.
    _write(isolated, "a.txt", "Summit ends with trade deal")
    shutil.copy(isolated / "a.txt", isolated / "c.txt")  # duplicate of a.txt
    assert load_collection(isolated).outlets == ["Unknown outlet (a)"]
    (isolated / "a.txt").unlink()  # c.txt is no longer a duplicate
    assert load_collection(isolated).outlets == ["Unknown outlet (c)"]
    (isolated / "c.txt").rename(isolated / "z.txt")
    renamed = load_collection(isolated)
    assert renamed.outlets == ["Unknown outlet (z)"] and renamed.n_parsed_now == 1
    _assert_equals_a_cold_load(renamed, isolated)


def _assert_equals_a_cold_load(corpus, folder):
    import pandas as pd

    for name, table in _tables(load_collection(folder, use_cache=False)).items():
        pd.testing.assert_frame_equal(getattr(corpus, name), table, obj=name)


def _load_counting_entry_reads(folder, monkeypatch):
    """Load ``folder`` (cache on) and return the corpus and the file names whose parse-cache
    entry was read."""
    read = []
    reader = corpus_module._read_entry

    def counting(path, name):
        read.append(name)
        return reader(path, name)

    with monkeypatch.context() as patched:
        patched.setattr(corpus_module, "_read_entry", counting)
        corpus = load_collection(folder)
    return corpus, sorted(read)


def test_changed_folder_reuses_the_snapshot_rows_and_reads_only_new_entries(isolated,
                                                                            monkeypatch):
    _messy_folder(isolated)
    load_collection(isolated)  # entries and snapshot of a, b, d (c duplicates a, e.pdf)
    # An added file, a changed file, and c.txt no longer a duplicate (a.txt changed): the
    # entry of c's bytes is read but was parsed as a.txt, so all three are parsed.
    _write(isolated, "f.txt", "Protests follow summit", lead="Crowds gathered on Wednesday.")
    _write(isolated, "a.txt", "Summit ends with a trade deal")
    corpus, read = _load_counting_entry_reads(isolated, monkeypatch)
    assert (read, corpus.n_parsed_now) == (["c.txt"], 3)
    _assert_equals_a_cold_load(corpus, isolated)
    # Changed sources rows (new cache keys): a url and a date where all were empty before.
    (isolated / "sources.csv").write_text(
        "file,outlet,url,published\nb.txt,Evening Star,,\n"
        "f.txt,Daily Planet,https://example.org/f,2022-09-16\n", encoding="utf-8")
    corpus, read = _load_counting_entry_reads(isolated, monkeypatch)
    assert (read, corpus.n_parsed_now) == ([], 2)
    assert corpus.articles["url"].notna().sum() == 1
    _assert_equals_a_cold_load(corpus, isolated)
    # A removed file and the first sources.csv again: b's first entry is read; no url is left.
    (isolated / "f.txt").unlink()
    (isolated / "sources.csv").write_text("file,outlet,published\nb.txt,Daily Planet,2022-09-15\n",
                                          encoding="utf-8")
    corpus, read = _load_counting_entry_reads(isolated, monkeypatch)
    assert (read, corpus.n_parsed_now) == (["b.txt"], 0)
    assert corpus.articles["url"].isna().all()
    _assert_equals_a_cold_load(corpus, isolated)
    # An added duplicate and an added empty file: nothing to read, one file to parse.
    shutil.copy(isolated / "b.txt", isolated / "g.txt")
    (isolated / "h.txt").write_text("  \n", encoding="utf-8")
    corpus, read = _load_counting_entry_reads(isolated, monkeypatch)
    assert (read, corpus.n_parsed_now) == ([], 1)
    assert corpus.duplicates["source"].tolist() == ["g.txt"]
    _assert_equals_a_cold_load(corpus, isolated)
    # Unchanged since: the snapshot alone.
    corpus, read = _load_counting_entry_reads(isolated, monkeypatch)
    assert (read, corpus.n_parsed_now) == ([], 0)
    _assert_equals_a_cold_load(corpus, isolated)


def test_snapshot_with_malformed_file_list_is_ignored(isolated):
    from helpers.cache import read_snapshot, write_snapshot

    _messy_folder(isolated)
    load_collection(isolated)
    snapshot = paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE
    stored = read_snapshot(snapshot)
    stored["files"] = [[name] for name, _ in stored["files"]]
    write_snapshot(snapshot, stored)
    _write(isolated, "f.txt", "Protests follow summit", lead="Crowds gathered on Wednesday.")
    _assert_equals_a_cold_load(load_collection(isolated), isolated)


@pytest.mark.parametrize(("row", "expected"), [
    (None, "d257dd2d7b65b4fd7128992f9747734e"),
    ({}, "d257dd2d7b65b4fd7128992f9747734e"),
    ({"file": "a.txt", "outlet": "Le Monde", "url": "", "published": "2022-02-04"},
     "36edac7eca4620ba3af80dcd9163c9c8"),
    ({"outlet": "Ü", "file": "b.txt"}, "5d380fb091019711b27fb665e21de154"),
])
def test_parse_cache_keys_stay_those_of_earlier_releases(monkeypatch, row, expected):
    """Keys of entries parsed by earlier releases stay valid (the hashes are those the key's
    first implementation gave; the sources row's keys in any order, non-ASCII kept)."""
    import helpers.parsing

    monkeypatch.setattr(helpers.parsing, "PARSER_VERSION", "v-test")
    assert corpus_module._cache_key("ab" * 32, row) == expected


def _count_reads(monkeypatch) -> list[str]:
    """Record the names of the files whose bytes are read."""
    reads: list[str] = []
    original = corpus_module.Path.read_bytes
    monkeypatch.setattr(corpus_module.Path, "read_bytes",
                        lambda self: reads.append(self.name) or original(self))
    return reads


def test_files_unchanged_since_they_were_hashed_are_not_read_again(isolated, monkeypatch):
    import time

    for name, headline in (("a.txt", "Summit ends"), ("b.txt", "Talks go on"),
                           ("c.txt", "Summit ends")):  # c.txt duplicates a.txt
        _write(isolated, name, headline)
    (isolated / "blank.txt").write_text("  \n", encoding="utf-8")
    cold = load_collection(isolated, use_cache=False)
    # Files changed less than RACY_SECONDS before they are hashed get no signature.
    first = load_collection(isolated)
    assert corpus_module._read_corpus_snapshot(
        paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE)["signatures"] == {}
    later = time.time_ns() + 10 * 10**9  # the same files, hashed 10 s later
    monkeypatch.setattr(corpus_module.time, "time_ns", lambda: later)
    _write(isolated, "d.txt", "New article")
    reads = _count_reads(monkeypatch)
    load_collection(isolated)  # every file hashed; d.txt also read to be parsed
    assert sorted(reads) == ["a.txt", "b.txt", "blank.txt", "c.txt", "d.txt", "d.txt"]
    stored = corpus_module._read_corpus_snapshot(
        paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE)["signatures"]
    assert sorted(stored) == ["a.txt", "b.txt", "blank.txt", "c.txt", "d.txt"]
    assert stored["blank.txt"][-1] is True and stored["a.txt"][-1] is False
    assert stored["a.txt"][-2] == stored["c.txt"][-2]  # same bytes, same SHA-256
    # Next load: nothing is read; the audit (duplicate, blank) and tables are as before.
    (isolated / "d.txt").unlink()
    reads.clear()
    warm = load_collection(isolated)
    assert reads == []
    for name in ("articles", "paragraphs", "sentences", "audit"):
        pd.testing.assert_frame_equal(getattr(warm, name), getattr(cold, name))
        pd.testing.assert_frame_equal(getattr(warm, name), getattr(first, name))
    # A changed file (same size; its change time moves on) is read and parsed again.
    time.sleep(0.05)
    text = (isolated / "b.txt").read_text("utf-8")
    (isolated / "b.txt").write_text(text.replace("Talks go on", "Talks go ON"), "utf-8")
    reads.clear()
    changed = load_collection(isolated)
    assert reads == ["b.txt", "b.txt"]  # hashed, then parsed
    assert "Talks go ON" in changed.articles["headline"].tolist()


def test_malformed_signatures_are_ignored(isolated, monkeypatch):
    import time

    _write(isolated, "a.txt", "Summit ends")
    later = time.time_ns() + 10 * 10**9
    monkeypatch.setattr(corpus_module.time, "time_ns", lambda: later)
    load_collection(isolated)
    snapshot = paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE
    data = read_snapshot(snapshot)
    record = data["signatures"]["a.txt"]
    reads = _count_reads(monkeypatch)
    for bad in ({"a.txt": record[:-1]}, {"a.txt": [str(v) for v in record]}, ["a.txt"]):
        write_snapshot(snapshot, {**data, "signatures": bad})
        assert corpus_module._read_corpus_snapshot(snapshot)["signatures"] == {}
        reads.clear()
        assert load_collection(isolated).articles["headline"].tolist() == ["Summit ends"]
        assert reads == ["a.txt"]  # hashed again (the snapshot's tables still serve)


@pytest.mark.parametrize("row", [
    {}, {"file": "a.txt", "outlet": "Le Monde", "url": "", "published": "2022-02-04"},
    {"outlet": 'Ü "quoted"\n\t\u2028 😀 \\', "file": "b.txt"}, {"b": "1", "a": "2", "A": "3"},
    {"file": "a.txt", "outlet": None}, {"n": 1}])
def test_row_json_is_json_dumps_with_sorted_keys(row):
    import json

    assert corpus_module._row_json(row) == json.dumps(row, sort_keys=True)


def _count_keys(monkeypatch) -> list[str]:
    """Record the SHA-256 of every file whose cache key is computed."""
    made: list[str] = []
    original = corpus_module._cache_key
    monkeypatch.setattr(corpus_module, "_cache_key",
                        lambda digest, row, version=None: made.append(digest)
                        or original(digest, row, version))
    return made


def _count_sources_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    original = corpus_module.read_sources
    monkeypatch.setattr(corpus_module, "read_sources",
                        lambda folder, **kw: reads.append(folder.name) or original(folder, **kw))
    return reads


def test_keys_of_files_unchanged_with_sources_unchanged_are_reused(isolated, monkeypatch):
    """An unchanged folder is keyed without reading sources.csv or hashing a key; a new file
    costs one key (and one read of sources.csv, for its row); a changed sources.csv or parser
    makes every key again. The tables equal a load without cache each time."""
    import time

    import helpers.parsing

    _messy_folder(isolated)
    later = time.time_ns() + 10 * 10**9  # hashed 10 s after the files were written
    monkeypatch.setattr(corpus_module.time, "time_ns", lambda: later)
    load_collection(isolated)
    keys, reads = _count_keys(monkeypatch), _count_sources_reads(monkeypatch)
    warm = load_collection(isolated)
    assert keys == [] and reads == []
    for name, table in _tables(load_collection(isolated, use_cache=False)).items():
        pd.testing.assert_frame_equal(getattr(warm, name), table, obj=name)
    # A new file: its key only (sources.csv is read for its row).
    _write(isolated, "f.txt", "Protests follow summit", lead="Crowds gathered on Wednesday.")
    keys.clear(), reads.clear()
    added = load_collection(isolated)
    assert len(keys) == 1 and reads == ["event"]
    assert "f.txt" in added.articles["article_id"].tolist()
    # sources.csv changed: every key is made again, with the new rows.
    (isolated / "sources.csv").write_text("file,outlet\nb.txt,Evening Star\n", encoding="utf-8")
    keys.clear(), reads.clear()
    renamed = load_collection(isolated)
    assert len(keys) == 4 and reads == ["event"]  # a, b, d (blank), f; c duplicates a
    assert "Evening Star" in renamed.outlets and "Daily Planet" not in renamed.outlets
    # A new parser version: every key again (no entry of the old parser is reused).
    monkeypatch.setattr(helpers.parsing, "PARSER_VERSION", "v-next")
    keys.clear()
    reparsed = load_collection(isolated)
    assert len(keys) == 4 and reparsed.n_parsed_now == 4
    for name, table in _tables(load_collection(isolated, use_cache=False)).items():
        pd.testing.assert_frame_equal(getattr(reparsed, name), table, obj=name)


def test_a_sources_csv_made_unreadable_still_fails_the_load(isolated, monkeypatch):
    import time

    _messy_folder(isolated)
    later = time.time_ns() + 10 * 10**9
    monkeypatch.setattr(corpus_module.time, "time_ns", lambda: later)
    load_collection(isolated)
    (isolated / "sources.csv").write_bytes(b"\xff\xfe\x00\x00garbage\x00")
    with pytest.raises(CollectionError, match="sources.csv"):
        load_collection(isolated)


def test_malformed_key_inputs_are_ignored(isolated, monkeypatch):
    import time

    _messy_folder(isolated)
    later = time.time_ns() + 10 * 10**9
    monkeypatch.setattr(corpus_module.time, "time_ns", lambda: later)
    load_collection(isolated)
    snapshot = paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE
    data = read_snapshot(snapshot)
    good = data["key_inputs"]
    assert good["sources"] and good["digests"].keys() == {"a.txt", "b.txt", "d.txt"}
    keys = _count_keys(monkeypatch)
    for bad in (None, {**good, "digests": ["a.txt"]}, {**good, "signature": [1, 2]},
                {k: v for k, v in good.items() if k != "parser"}, "x"):
        write_snapshot(snapshot, {**data, "key_inputs": bad})
        assert corpus_module._read_corpus_snapshot(snapshot)["key_inputs"] is None
        keys.clear()
        assert "Daily Planet" in load_collection(isolated).outlets
        assert len(keys) == 3  # every key made again (a, b, d)


def test_a_snapshot_rewritten_with_carried_text_codes_reads_back_as_a_cold_load(
        isolated, monkeypatch):
    """After a file is added among the others (rows reordered) and one is removed, the
    snapshot is written with the text codes carried from the last one (not found again) and
    reads back as the tables of a load without cache."""
    from helpers import cache as cache_module

    for name, headline in (("a.txt", "Summit ends"), ("c.txt", "Talks go on"),
                           ("d.txt", "Leaders part")):
        _write(isolated, name, headline)
    load_collection(isolated)
    _write(isolated, "b.txt", "Protests follow summit", lead="Crowds gathered on Wednesday.")
    (isolated / "d.txt").unlink()
    fitted: list[str] = []
    original = cache_module._fit_codes

    def spy(values, given):
        result = original(values, given)
        if given is not None and result is not None:
            fitted.append(values.name)
        return result

    monkeypatch.setattr(cache_module, "_fit_codes", spy)
    load_collection(isolated)
    # articles, paragraphs and sentences (no line was removed: that table is empty)
    assert fitted.count("article_id") == 3 and "text" in fitted
    stored = corpus_module._read_corpus_snapshot(
        paths.cache_dir(isolated) / corpus_module.SNAPSHOT_FILE)
    cold = load_collection(isolated, use_cache=False)
    assert stored["articles"]["article_id"].tolist() == ["a.txt", "b.txt", "c.txt"]
    for name in ("articles", "paragraphs", "sentences", "removed"):
        pd.testing.assert_frame_equal(stored[name], getattr(cold, name), check_exact=True,
                                      obj=name)
