"""Per-article tables (map, cache, join) equal the helpers run on the whole collection."""

from __future__ import annotations

import shutil
from dataclasses import fields

import pandas as pd
import pytest

from helpers import actors, article_tables, frames, paths, quotes, readability, table_join, tone
from helpers.article_tables import compute_article_tables
from helpers.cache import read_snapshot, write_snapshot
from helpers.corpus import load_collection
from helpers.lexicons import load_lexicons


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "DATA_PROCESSED", tmp_path / "processed")
    return tmp_path / "processed"


def _whole_collection(corpus, lexicons) -> dict[str, pd.DataFrame]:
    tables = {
        "readability": readability.score_articles(corpus.paragraphs, corpus.articles),
        "paragraph_readability": readability.score_paragraphs(corpus.paragraphs,
                                                              corpus.articles),
        "sentence_lengths": readability.measure_sentence_lengths(corpus.paragraphs,
                                                                 corpus.articles),
        "mentions": actors.find_actor_mentions(corpus.sentences, lexicon=lexicons.actors),
        "candidates": actors.find_actor_candidates(corpus.sentences, lexicon=lexicons.actors),
        "frame_keywords": frames.find_frame_keywords(corpus.sentences, lexicon=lexicons.frames),
        "sentence_tone": tone.score_sentences(corpus.sentences),
    }
    tables["quotes"], tables["attributions"] = quotes.extract_quotes(
        corpus.paragraphs, actors=lexicons.actors, verbs=lexicons.verbs)
    return tables


@pytest.mark.parametrize("workers", [1, 2])
def test_joined_tables_equal_the_helpers_on_the_whole_collection(seed_dir, cache, workers):
    corpus = load_collection(seed_dir, use_cache=False)
    lexicons = load_lexicons(corpus.folder)
    expected = _whole_collection(corpus, lexicons)
    computed = compute_article_tables(corpus, workers=workers)
    cached = compute_article_tables(corpus, workers=workers)
    for name, table in expected.items():
        assert len(table), name  # the seeds exercise every table
        pd.testing.assert_frame_equal(getattr(computed, name), table, check_dtype=False,
                                      obj=name)
        pd.testing.assert_frame_equal(getattr(cached, name), table, check_dtype=False,
                                      obj=f"{name} (from the cache)")
    pd.testing.assert_frame_equal(cached.features, computed.features)


def test_counts_from_cached_tables_equal_counts_from_sentences(seed_corpus, cache):
    lexicons = load_lexicons(seed_corpus.folder)
    per_article = compute_article_tables(seed_corpus, workers=1)
    direct = actors.count_actor_mentions(seed_corpus.sentences, lexicon=lexicons.actors,
                                         suggest=5)
    joined = actors.count_actor_mentions(seed_corpus.sentences, lexicon=lexicons.actors,
                                         suggest=5, mentions=per_article.mentions,
                                         candidates=per_article.candidates)
    assert (direct["origin"] == "suggested").any()
    pd.testing.assert_frame_equal(joined, direct)
    pd.testing.assert_frame_equal(
        actors.suggest_actors(seed_corpus.sentences, lexicon=lexicons.actors,
                              candidates=per_article.candidates),
        actors.suggest_actors(seed_corpus.sentences, lexicon=lexicons.actors),
        check_dtype=False)
    scores = tone.score_sentences(seed_corpus.sentences)
    pd.testing.assert_frame_equal(
        tone.score_actor_tone(per_article.sentence_tone, lexicon=lexicons.actors,
                              mentions=per_article.mentions),
        tone.score_actor_tone(scores, lexicon=lexicons.actors))


def test_suggested_actor_inside_a_cached_sentence_is_matched_jointly():
    """A sentence naming a lexicon actor and a suggested one is matched again as a whole."""
    sentences = pd.DataFrame({
        "article_id": ["a", "a", "b", "b", "c"], "outlet": ["A", "A", "B", "B", "C"],
        "paragraph": [0, 1, 0, 1, 0], "position": [0, 1, 0, 1, 0],
        "text": ["Putin met Kevin Rudd in Sochi.", "Later Kevin Rudd left.",
                 "Then Kevin Rudd spoke.", "Putin smiled.", "He left with Kevin Rudd."],
        "words": [6, 4, 4, 2, 5]})
    lexicon = {"Putin": ["Putin"]}
    cached = actors.find_actor_mentions(sentences, lexicon=lexicon)
    direct = actors.count_actor_mentions(sentences, lexicon=lexicon, suggest=1)
    joined = actors.count_actor_mentions(sentences, lexicon=lexicon, suggest=1, mentions=cached)
    pd.testing.assert_frame_equal(joined, direct)
    rudd = direct.set_index(["outlet", "actor"]).loc[("A", "Kevin Rudd")]
    assert (rudd["mentions"], rudd["origin"]) == (2, "suggested")
    assert rudd["first_position"] == 0.0


def _seed_subset(seed_dir, folder, n: int) -> tuple:
    """A collection folder with the first ``n`` seed articles and sources.csv; the folder and
    every seed file name (sorted)."""
    folder.mkdir()
    names = sorted(p.name for p in seed_dir.glob("*.txt"))
    for name in names[:n]:
        shutil.copy(seed_dir / name, folder / name)
    shutil.copy(seed_dir / "sources.csv", folder / "sources.csv")
    return folder, names


def test_only_new_articles_are_analysed_on_a_rerun(seed_dir, tmp_path, cache, monkeypatch):
    folder, names = _seed_subset(seed_dir, tmp_path / "event", 3)
    first = compute_article_tables(load_collection(folder), workers=1)
    analysed: list[str] = []
    original = article_tables.analyse_articles

    def spy(payloads, **kwargs):
        analysed.extend(p["article_id"] for p in payloads)
        return original(payloads, **kwargs)

    monkeypatch.setattr(article_tables, "analyse_articles", spy)
    for name in names[3:]:
        shutil.copy(seed_dir / name, folder / name)
    both = compute_article_tables(load_collection(folder), workers=1)
    assert analysed == names[3:]
    kept = both.features[both.features["article_id"].isin(names[:3])].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, first.features)
    # Editing a lexicon analyses every article again.
    (folder / "actors.yml").write_text(
        "actors:\n  Rudd: [Kevin Rudd]\n  IOC: [Winter Olympics, opening ceremony]\n", "utf-8")
    analysed.clear()
    edited = compute_article_tables(load_collection(folder), workers=1)
    assert sorted(analysed) == names
    assert "IOC" in set(edited.mentions["actor"])  # not the joined snapshot of the old lexicon
    assert "IOC" not in set(both.mentions["actor"])


def test_keyword_context_is_rebuilt_from_the_sentence(cache, tmp_path):
    folder = tmp_path / "event"
    folder.mkdir()
    text = ("Headline of the day\n\n" + "x " * 40 + "troops massed at the border while "
            + "y " * 40 + "\n")
    (folder / "a.txt").write_text(text, "utf-8")
    corpus = load_collection(folder)
    lexicons = load_lexicons(folder)
    joined = compute_article_tables(corpus, workers=1).frame_keywords
    cached = compute_article_tables(corpus, workers=1).frame_keywords
    direct = frames.find_frame_keywords(corpus.sentences, lexicon=lexicons.frames)
    row = cached[cached["keyword"] == "troops"].iloc[0]
    assert row["left"] == ("x " * 25)[:50] and len(row["left"]) == 50
    assert row["right"].startswith(" massed at the border")
    pd.testing.assert_frame_equal(cached, direct, check_dtype=False)
    pd.testing.assert_frame_equal(joined, direct, check_dtype=False)


def test_chunked_join_and_a_corrupt_entry_give_the_same_tables(seed_dir, cache, monkeypatch):
    corpus = load_collection(seed_dir, use_cache=False)
    whole = compute_article_tables(corpus, workers=1)
    entries = sorted((cache).rglob("articles/*.json"))
    assert len(entries) == 5
    entries[0].write_text("{not json", "utf-8")  # recomputed and rewritten when joined
    monkeypatch.setattr(table_join, "JOIN_CHUNK", 2)  # 5 articles in 3 chunks
    for snapshot in cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/*.npz"):
        snapshot.unlink()  # join every entry again
    chunked = compute_article_tables(corpus, workers=1)
    for name in ("features", "readability", "paragraph_readability", "mentions", "quotes",
                 "frame_keywords", "sentence_tone"):
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name), obj=name)
    assert entries[0].read_text("utf-8").startswith("{\"features\"")


def _all_tables(per_article) -> dict[str, pd.DataFrame]:
    return {f.name: getattr(per_article, f.name)
            for f in fields(article_tables.ArticleTables)}


def _spy_entry_reads(monkeypatch) -> list[str]:
    """Record the file name of every cache entry read from now on."""
    read: list[str] = []
    original = article_tables.read_cache_entry

    def spy(path):
        read.append(path.name)
        return original(path)

    monkeypatch.setattr(article_tables, "read_cache_entry", spy)
    return read


def test_a_rerun_joins_only_new_articles_from_entries_and_equals_a_full_join(
        seed_dir, tmp_path, cache, monkeypatch):
    folder, names = _seed_subset(seed_dir, tmp_path / "event", 4)
    compute_article_tables(load_collection(folder), workers=1)
    snapshots = sorted(p.name for p in cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/*.npz"))
    assert len(snapshots) == 10  # nine tables and the features
    # Add one article, remove one, and rename an outlet (its entries stay valid).
    shutil.copy(seed_dir / names[4], folder / names[4])
    (folder / names[0]).unlink()
    sources = pd.read_csv(folder / "sources.csv", dtype=str, keep_default_na=False)
    renamed = sources.loc[sources["file"] == names[1], "outlet"].iloc[0]
    sources.loc[sources["file"] == names[1], "outlet"] = "Renamed Outlet"
    sources.to_csv(folder / "sources.csv", index=False)
    read = _spy_entry_reads(monkeypatch)
    corpus = load_collection(folder)
    rerun = _all_tables(compute_article_tables(corpus, workers=1))
    assert len(read) == 1  # the new article's entry; the others come from the snapshots
    for snapshot in cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/*.npz"):
        snapshot.unlink()
    full = _all_tables(compute_article_tables(corpus, workers=1))
    assert len(read) == 1 + 4
    for name, table in full.items():
        assert len(table), name
        pd.testing.assert_frame_equal(rerun[name], table, obj=name)
        assert names[0] not in set(table["article_id"])
        assert names[4] in set(table["article_id"])
        if "outlet" in table:
            outlets = set(table.loc[table["article_id"] == names[1], "outlet"])
            assert outlets == {"Renamed Outlet"} != {renamed}, name


def test_a_snapshot_missing_few_articles_is_kept_and_their_entries_read_again(
        seed_dir, tmp_path, cache, monkeypatch):
    """Within REWRITE_SHARE of the collection, a rerun does not rewrite the snapshots: the next
    join reads the missing article's entry again; the tables always equal a full join."""
    from helpers import cache as cache_module

    folder, names = _seed_subset(seed_dir, tmp_path / "event", 3)
    compute_article_tables(load_collection(folder), workers=1)
    snapshots = sorted(cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/*.npz"))
    before = {path: path.read_bytes() for path in snapshots}
    monkeypatch.setattr(cache_module, "REWRITE_SHARE", 0.25)  # 1 of 4 articles is within it
    shutil.copy(seed_dir / names[3], folder / names[3])
    read = _spy_entry_reads(monkeypatch)
    corpus = load_collection(folder)
    for run in (1, 2):  # the snapshots stay: each join reads the new article's entry again
        rerun = _all_tables(compute_article_tables(corpus, workers=1))
        assert len(read) == run
        assert all(path.read_bytes() == before[path] for path in snapshots)
    shutil.copy(seed_dir / names[4], folder / names[4])  # 2 of 5 missing: rewritten
    corpus = load_collection(folder)
    grown = _all_tables(compute_article_tables(corpus, workers=1))
    assert len(read) == 2 + 2
    assert all(path.read_bytes() != before[path] for path in snapshots)
    _all_tables(compute_article_tables(corpus, workers=1))
    assert len(read) == 4  # the rewritten snapshots hold every article
    for path in snapshots:
        path.unlink()
    full = _all_tables(compute_article_tables(corpus, workers=1))
    for name, table in full.items():
        pd.testing.assert_frame_equal(grown[name], table, check_exact=True, obj=name)
        assert names[3] in set(rerun[name]["article_id"]), name
        four = table[table["article_id"] != names[4]].reset_index(drop=True)
        if name != "readability":  # (the others keep their order without the fifth article)
            pd.testing.assert_frame_equal(rerun[name], four, check_exact=True, obj=name)


def test_snapshots_rewritten_with_carried_codes_equal_those_of_a_cold_join(
        seed_dir, tmp_path, cache, monkeypatch):
    """After adding an article (among the others: rows are reordered), removing one and
    renaming an outlet, the rewritten snapshots (text codes carried over, not found again)
    read back as those of a join of every entry."""
    from helpers import cache as cache_module

    folder, names = _seed_subset(seed_dir, tmp_path / "event", 5)
    (folder / names[3]).unlink()
    compute_article_tables(load_collection(folder), workers=1)
    shutil.copy(seed_dir / names[3], folder / names[3])
    (folder / names[0]).unlink()
    sources = pd.read_csv(folder / "sources.csv", dtype=str, keep_default_na=False)
    sources.loc[sources["file"] == names[2], "outlet"] = "Renamed Outlet"
    sources.to_csv(folder / "sources.csv", index=False)
    fitted: list[tuple[str, bool]] = []
    original = cache_module._fit_codes

    def spy(values, given):
        result = original(values, given)
        fitted.append((values.name, given is not None and result is not None))
        return result

    monkeypatch.setattr(cache_module, "_fit_codes", spy)
    corpus = load_collection(folder)
    rerun = _all_tables(compute_article_tables(corpus, workers=1))
    snapshots = sorted(cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/*.npz"))
    carried = [name for name, used in fitted if used]
    assert {"article_id", "outlet", "text", "actor", "left", "right", "keyword",
            "speaker"} <= set(carried)
    # every joined table but the features, and the four tables of the corpus snapshot
    assert carried.count("article_id") == 9 + 4
    written = {path.name: read_snapshot(path) for path in snapshots}
    for path in snapshots:
        path.unlink()
    cold = _all_tables(compute_article_tables(corpus, workers=1))
    for path in snapshots:
        again = read_snapshot(path)
        assert again.keys() == written[path.name].keys()
        pd.testing.assert_frame_equal(written[path.name]["table"], again["table"],
                                      check_exact=True, obj=path.name)
        assert written[path.name]["keys"] == again["keys"]
        assert written[path.name]["outlets"] == again["outlets"]
    for name, table in cold.items():
        pd.testing.assert_frame_equal(rerun[name], table, check_exact=True, obj=name)
    assert "Renamed Outlet" in set(rerun["mentions"]["outlet"])


def test_an_unreadable_or_old_snapshot_is_rebuilt(seed_dir, cache):
    corpus = load_collection(seed_dir, use_cache=False)
    whole = _all_tables(compute_article_tables(corpus, workers=1))
    folder = next(cache.rglob(article_tables.SNAPSHOT_FOLDER))
    (folder / "mentions.npz").write_bytes(b"not a snapshot")
    write_snapshot(folder / "quotes.npz", {"version": -1, "keys": {},
                                                          "table": pd.DataFrame()})
    again = _all_tables(compute_article_tables(corpus, workers=1))
    for name, table in whole.items():
        pd.testing.assert_frame_equal(again[name], table, obj=name)
    assert read_snapshot(folder / "quotes.npz")["version"] == table_join.SNAPSHOT_VERSION
    assert len(read_snapshot(folder / "mentions.npz")["table"]) == \
        len(whole["mentions"])


def test_cache_keys_stay_those_of_earlier_releases():
    """Keys written by earlier releases stay valid (hand-made corpus; the hashes are those
    the key's first implementation gave): an article without paragraphs, a missing language
    and headline, non-ASCII text."""
    from types import SimpleNamespace

    articles = pd.DataFrame({
        "article_id": ["a.txt", "b.txt", "c.txt"], "outlet": ["X", "Y", "X"],
        "language": ["en", None, "fr"], "headline": ["Héadline", None, "T"],
        "content_hash": ["h1", "h2", "h3"]})
    paragraphs = pd.DataFrame({"article_id": ["a.txt", "a.txt", "c.txt"],
                               "kind": ["body", "subhead", "body"],
                               "text": ["Un été.", "Sub", "x"]})
    keys = article_tables._cache_keys(SimpleNamespace(articles=articles, paragraphs=paragraphs),
                                      "lex")
    assert keys == {"a.txt": "5c0835a495b03f5536b701555d6ab0e9",
                    "b.txt": "efb4ffe65873f5371207acd27f1a34c4",
                    "c.txt": "8c2bc6811b9785894de13166bcb12998"}
    none = SimpleNamespace(articles=articles.iloc[0:0], paragraphs=paragraphs.iloc[0:0])
    assert article_tables._cache_keys(none, "lex") == {}


def test_cache_keys_hash_missing_and_unordered_paragraph_values_as_written():
    """A key hashes the head then each paragraph's ``"\\x00<kind>\\x01<text>"`` as
    formatted text (a missing value as ``nan`` or ``None``), in the order of the paragraphs,
    whether or not the articles' rows are contiguous."""
    import hashlib
    from types import SimpleNamespace

    articles = pd.DataFrame({"article_id": ["b.txt", "a.txt"], "outlet": ["X", "Y"],
                             "language": ["en", "en"], "headline": ["H", None],
                             "content_hash": ["h2", "h1"]})
    paragraphs = pd.DataFrame({
        "article_id": ["a.txt", "b.txt", "a.txt"], "kind": ["body", None, "body"],
        "text": pd.Series(["Un été.", None, "x"], dtype=object)})
    keys = article_tables._cache_keys(SimpleNamespace(articles=articles, paragraphs=paragraphs),
                                      "lex")

    def by_hand(head: str, pieces: list[str]) -> str:
        digest = hashlib.sha256(head.encode())
        for piece in pieces:
            digest.update(piece.encode())
        return digest.hexdigest()[:32]

    version = article_tables.TABLES_VERSION
    assert keys == {
        "b.txt": by_hand(f"{version}|lex|h2|en|H", ["\x00nan\x01None"]),
        "a.txt": by_hand(f"{version}|lex|h1|en|None", ["\x00body\x01Un été.", "\x00body\x01x"])}


def test_an_unchanged_join_reads_no_entry_and_a_renamed_outlet_is_refreshed(
        seed_dir, tmp_path, cache, monkeypatch):
    folder, _ = _seed_subset(seed_dir, tmp_path / "event", 5)
    first = _all_tables(compute_article_tables(load_collection(folder), workers=1))
    read: list[str] = []
    monkeypatch.setattr(article_tables, "read_cache_entry",
                        lambda path: read.append(path.name))  # no entry may be read
    again = _all_tables(compute_article_tables(load_collection(folder), workers=1))
    assert read == []
    for name, table in first.items():
        pd.testing.assert_frame_equal(again[name], table, obj=name)
    sources = pd.read_csv(folder / "sources.csv", dtype=str, keep_default_na=False)
    sources["outlet"] = "One Outlet"  # the articles' keys do not change
    sources.to_csv(folder / "sources.csv", index=False)
    for _ in range(2):  # refreshed from the snapshots, then from the rewritten snapshots
        renamed = _all_tables(compute_article_tables(load_collection(folder), workers=1))
        assert read == []
        for name, table in renamed.items():
            if "outlet" in table:
                assert set(table["outlet"]) == {"One Outlet"}, name
            if name != "readability":  # (sorted by outlet)
                pd.testing.assert_frame_equal(
                    renamed[name].drop(columns="outlet", errors="ignore"),
                    first[name].drop(columns="outlet", errors="ignore"), obj=name)
    snapshot = read_snapshot(next(cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/mentions.npz")))
    assert set(snapshot["outlets"].values()) == {"One Outlet"}


def test_a_features_snapshot_of_rows_is_still_read_then_written_as_a_table(
        seed_dir, tmp_path, cache, monkeypatch):
    """Features snapshots written before held each article's values (``rows``)."""
    folder, names = _seed_subset(seed_dir, tmp_path / "event", 4)
    first = compute_article_tables(load_collection(folder), workers=1, tables=("features",))
    path = next(cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/features.npz"))
    snap = read_snapshot(path)
    values = snap["table"].drop(columns=["article_id", "outlet", "language"])
    rows = dict(zip(snap["table"]["article_id"], values.to_dict("records"), strict=True))
    write_snapshot(path, {"version": snap["version"], "keys": snap["keys"], "rows": rows})
    shutil.copy(seed_dir / names[4], folder / names[4])
    read: list[str] = []
    original = article_tables.read_cache_entry
    monkeypatch.setattr(article_tables, "read_cache_entry",
                        lambda path: read.append(path.name) or original(path))
    corpus = load_collection(folder)
    rerun = compute_article_tables(corpus, workers=1, tables=("features",)).features
    assert len(read) == 1  # the new article only
    assert "table" in read_snapshot(path) and "rows" not in read_snapshot(path)
    path.unlink()
    full = compute_article_tables(corpus, workers=1, tables=("features",)).features
    pd.testing.assert_frame_equal(rerun, full)
    pd.testing.assert_frame_equal(rerun.iloc[:4], first.features)
    assert rerun["quotes"].dtype == "int64" and rerun["tone_mean"].dtype == "float64"


def test_a_features_snapshot_with_text_values_is_rebuilt(seed_dir, cache):
    corpus = load_collection(seed_dir, use_cache=False)
    whole = compute_article_tables(corpus, workers=1, tables=("features",)).features
    path = next(cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/features.npz"))
    snap = read_snapshot(path)
    write_snapshot(path, {**snap, "table": snap["table"].assign(words="many")})
    again = compute_article_tables(corpus, workers=1, tables=("features",)).features
    pd.testing.assert_frame_equal(again, whole)
    assert read_snapshot(path)["table"]["words"].dtype == "int64"


def test_features_are_joined_only_when_asked_for(seed_dir, tmp_path, cache, monkeypatch):
    folder, _ = _seed_subset(seed_dir, tmp_path / "event", 3)
    corpus = load_collection(folder)
    # () analyses and caches every article but joins nothing: no entry is read back and no
    # snapshot written (the step before a report's notebooks).
    read = _spy_entry_reads(monkeypatch)
    nothing = compute_article_tables(corpus, workers=1, tables=())
    assert read == []
    assert not list(cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/*.npz"))
    assert len(list(cache.rglob(f"{article_tables._CACHE_FOLDER}/*.json"))) == 3
    assert all(getattr(nothing, f.name).empty for f in fields(table_join.ArticleTables))
    # A table without the features leaves them empty, and writes no features snapshot.
    mentions = compute_article_tables(corpus, workers=1, tables=("mentions",))
    assert mentions.features.empty and len(mentions.mentions) > 0
    assert sorted(p.name for p in cache.rglob(f"{article_tables.SNAPSHOT_FOLDER}/*.npz")) \
        == ["mentions.npz"]
    # Asked for, they are the default join's.
    alone = compute_article_tables(corpus, workers=1, tables=("features",))
    assert alone.mentions.empty
    assert alone.features["article_id"].tolist() == corpus.articles["article_id"].tolist()
    default = compute_article_tables(corpus, workers=1)
    pd.testing.assert_frame_equal(alone.features, default.features)
