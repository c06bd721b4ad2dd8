"""`framekit parse ... --json` keeps the contract of DESIGN.md exactly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from helpers.cli import main

CONTRACT_KEYS = ["source", "status", "reason", "outlet", "headline", "standfirst", "byline",
                 "published", "paragraphs", "removed", "language", "url"]


def _parse_json(capsys, *argv):
    assert main(["parse", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_parse_folder_prints_one_object_per_file_with_contract_keys(capsys, seed_dir):
    result = _parse_json(capsys, str(seed_dir))
    assert len(result) == 5
    for item in result:
        assert list(item) == CONTRACT_KEYS
        assert item["status"] == "ok" and item["reason"] is None
        assert all(isinstance(p, str) for p in item["paragraphs"])
        assert all(set(r) == {"text", "reason"} for r in item["removed"])
        assert item["published"] is None or len(item["published"]) == 10
    by_name = {item["source"].rsplit("/", 1)[-1]: item for item in result}
    independent = by_name["003_cc906ff750dbd3fe.txt"]
    assert (independent["outlet"], independent["byline"], independent["published"]) == (
        "The Independent", "Andrew Osborn", "2022-02-04")
    assert by_name["004_b77093630cce5372.txt"]["published"] is None  # nav-bar date ignored
    assert by_name["004_b77093630cce5372.txt"]["outlet"] == "Action News"


def test_parse_mixed_inputs_skips_with_reasons(capsys, tmp_path, seed_dir):
    good = tmp_path / "a_good.txt"
    shutil.copy(seed_dir / "003_cc906ff750dbd3fe.txt", good)
    shutil.copy(good, tmp_path / "b_copy.txt")
    (tmp_path / "empty.md").write_text("   \n", encoding="utf-8")
    (tmp_path / "pic.jpg").write_bytes(b"\xff\xd8\xff")
    result = _parse_json(capsys, str(tmp_path))
    status = {item["source"].rsplit("/", 1)[-1]: (item["status"], item["reason"])
              for item in result}
    assert status["a_good.txt"] == ("ok", None)
    assert status["b_copy.txt"][0] == "skipped"
    assert status["b_copy.txt"][1] == f"duplicate: same content as {good}"
    assert status["empty.md"] == ("skipped", "empty file")
    assert status["pic.jpg"][0] == "skipped"
    assert status["pic.jpg"][1].startswith("unsupported extension '.jpg'")
    # no outlet in a folder without sources.csv: readable fallback label
    assert result[[i["source"] for i in result].index(str(good))]["outlet"]


def test_parse_with_explicit_sources_csv(capsys, tmp_path, seed_dir):
    sources = tmp_path / "my-sources.csv"
    sources.write_text("file,outlet,url,published\n"
                       "002_3309193dad904053.txt,Example Wire,https://example.org/x,2022-02-05\n",
                       encoding="utf-8")
    [item] = _parse_json(capsys, str(seed_dir / "002_3309193dad904053.txt"),
                         "--sources", str(sources))
    assert (item["outlet"], item["url"], item["published"]) == (
        "Example Wire", "https://example.org/x", "2022-02-05")


def test_missing_path_is_a_one_line_error(capsys, tmp_path):
    assert main(["parse", str(tmp_path / "nope.txt"), "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("framekit: error: no such file or folder:") and err.count("\n") == 1


@pytest.mark.slow
def test_console_script_runs_offline(seed_dir):
    framekit = shutil.which("framekit", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert framekit, "the framekit console script is installed with the package"
    out = subprocess.run([framekit, "parse", str(seed_dir), "--json"], capture_output=True,
                         text=True, check=True, timeout=120)
    assert len(json.loads(out.stdout)) == 5


@pytest.mark.slow
def test_output_cut_short_by_the_reader_ends_quietly(tmp_path):
    # `framekit parse DIR --json | head -c 100`: no traceback when the pipe closes early. The
    # output (about 200 KB) is larger than a pipe's buffer (64 KB), so the writer is still
    # writing when the reader goes away, whatever the timing.
    for i in range(40):
        sentences = " ".join(f"Article {i} reports finding number {j} in the city." for j in
                             range(60))
        (tmp_path / f"a{i:02d}.txt").write_text(f"Headline number {i}\n\n{sentences}\n", "utf-8")
    framekit = shutil.which("framekit", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert len(subprocess.run([framekit, "parse", str(tmp_path), "--json"], capture_output=True,
                              check=True).stdout) > 2 * 65536
    process = subprocess.Popen([framekit, "parse", str(tmp_path), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(100).startswith(b"[")
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


def test_report_passes_refit_and_defaults_to_reuse(monkeypatch, tmp_path):
    import helpers.report

    calls = []

    def fake_build_report(data, out, **options):
        calls.append(options)
        return out / "index.html"

    monkeypatch.setattr(helpers.report, "build_report", fake_build_report)
    for extra in (["--refit"], []):
        assert main(["report", "--data", str(tmp_path), "--out", str(tmp_path / "o"), "--quiet",
                     *extra]) == 0
    assert [c["refit"] for c in calls] == [True, False]
