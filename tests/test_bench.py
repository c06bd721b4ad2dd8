"""The benchmark's synthetic collections: deterministic, the documented shape (no timing here)."""

from __future__ import annotations

import csv
import importlib.util

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
