"""Report kernels forked from a process that imported the kit (:mod:`helpers.kernel_forks`):
a forked kernel is the kernel jupyter_client would start, the report falls back to starting
kernels itself, and the kernel client's readiness check."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import types
from pathlib import Path
from queue import Empty

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import kernel_forks, report
from helpers.report import build_report, list_kit_modules

SAMPLE = Path(__file__).resolve().parent / "data" / "collections" / "brackwater-flood"
KERNEL = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}

#: Run first in each notebook: what the kernel is, written next to the report's tables.
FACTS = """
import json, os, sys
from pathlib import Path
facts = {
    "forked": "helpers.corpus" in sys.modules,  # imported by the forking process, not here
    "cwd": os.getcwd(),
    "argv0": sys.argv[0],
    "path": sys.path,
    "env": {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"},
    "session_leader": os.getsid(0) == os.getpid() == os.getpgid(0),
    "parent_alive": os.getppid() != 1,
}
import numpy
facts["random"] = numpy.random.random(3).tolist()
Path(tables_dir).parent.joinpath(NAME + ".json").write_text(json.dumps(facts))
"""


def _write_notebooks(folder: Path) -> Path:
    folder.mkdir()
    for name in ("00_first", "01_second"):
        nb = new_notebook(metadata=KERNEL)
        params = new_code_cell('collection: str = ""\ntables_dir: str = ""')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [new_markdown_cell(f"# {name}"), params,
                    new_code_cell(f"NAME = {name!r}\n" + FACTS),
                    new_code_cell("from helpers import corpus\nassert corpus.load_collection")]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _facts(out: Path) -> dict[str, dict]:
    return {name: json.loads((out / f"{name}.json").read_text()) for name in
            ("00_first", "01_second")}


@pytest.mark.slow
@pytest.mark.skipif(not kernel_forks.can_fork(), reason="kernels are forked on Linux only")
def test_a_forked_kernel_is_the_kernel_jupyter_client_starts(tmp_path, monkeypatch):
    notebooks = _write_notebooks(tmp_path / "notebooks")
    build_report(SAMPLE, tmp_path / "forked", notebooks_dir=notebooks, progress=False)
    monkeypatch.setattr(kernel_forks, "can_fork", lambda: False)
    build_report(SAMPLE, tmp_path / "plain", notebooks_dir=notebooks, progress=False)
    forked, plain = _facts(tmp_path / "forked"), _facts(tmp_path / "plain")
    for name in forked:
        assert forked[name].pop("forked") is True and plain[name].pop("forked") is False
        random = forked[name].pop("random"), plain[name].pop("random")
        assert forked[name] == plain[name]
        assert forked[name]["cwd"] == str(notebooks.resolve())
        assert forked[name]["session_leader"] and forked[name]["parent_alive"]
        assert forked[name]["env"]["JPY_PARENT_PID"] == str(os.getpid())
    # NumPy's global random state is seeded in each kernel, not copied from the forking process
    assert len({tuple(facts["random"]) for facts in _facts(tmp_path / "forked").values()}) == 2
    assert random[0] != random[1]


@pytest.mark.slow
@pytest.mark.skipif(not kernel_forks.can_fork(), reason="kernels are forked on Linux only")
def test_the_report_starts_kernels_itself_when_a_fork_fails(tmp_path, monkeypatch):
    def fail(self, argv, *, env):
        raise OSError("no fork today")

    monkeypatch.setattr(kernel_forks.KernelForker, "fork", fail)
    notebooks = _write_notebooks(tmp_path / "notebooks")
    build_report(SAMPLE, tmp_path / "out", notebooks_dir=notebooks, progress=False)
    assert [facts["forked"] for facts in _facts(tmp_path / "out").values()] == [False, False]


@pytest.mark.skipif(not kernel_forks.can_fork(), reason="kernels are forked on Linux only")
def test_forker_accepts_only_what_jupyter_client_would_start_the_same(tmp_path):
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "k.json")]
    env = dict(os.environ)
    with kernel_forks.KernelForker(tmp_path, ["json"]) as forker:
        assert forker.accepts(argv, cwd=tmp_path, env=env)
        assert forker.accepts(argv, cwd=tmp_path, env=env | {"JPY_SESSION_NAME": "x"})
        assert not forker.accepts(argv, cwd=tmp_path, env=env | {"FRAMEKIT_ROOT": "/else"})
        assert not forker.accepts(argv, cwd=tmp_path / "sub", env=env)
        assert not forker.accepts(["/usr/bin/python3", *argv[1:]], cwd=tmp_path, env=env)
        assert not forker.accepts([sys.executable, "-m", "other_kernel", *argv[3:]],
                                  cwd=tmp_path, env=env)
        assert not forker.accepts(argv, cwd=None, env=env)
    assert not forker.accepts(argv, cwd=tmp_path, env=env)  # closed
    with pytest.raises(OSError):
        forker.fork(argv, env=kernel_forks.kernel_environment())


@pytest.mark.skipif(not kernel_forks.can_fork(), reason="kernels are forked on Linux only")
def test_forked_process_is_watched_and_killed_like_a_popen(tmp_path):
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "k.json")]
    with kernel_forks.KernelForker(tmp_path) as forker:
        process = forker.fork(argv, env=kernel_forks.kernel_environment())
        assert process.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.01)
        assert os.getpgid(process.pid) == process.pid  # leads its own session already
        process.kill()
        assert process.wait(timeout=30) == -signal.SIGKILL
        assert process.poll() == -signal.SIGKILL
        process.kill()  # no error once it has exited


def test_kit_modules_are_read_from_the_notebooks_imports(tmp_path):
    nb = new_notebook(metadata=KERNEL)
    nb.cells = [new_markdown_cell("import helpers.not_code"),
                new_code_cell("import helpers.corpus\nfrom helpers import charts, paths\n"
                              "import pandas as pd\nfrom helpers.export import write_table"),
                new_code_cell("%matplotlib inline\nimport helpers.magic_cell"),
                new_code_cell("def f():\n    from helpers.align import align_sentences\n"
                              "from helpers import charts")]
    nbformat.write(nb, tmp_path / "00_a.ipynb")
    assert list_kit_modules([tmp_path / "00_a.ipynb"]) == [
        "helpers.corpus", "helpers", "helpers.charts", "helpers.paths", "helpers.export",
        "helpers.align"]


class _Channel:
    """A channel whose messages are given in advance (``Empty`` for a pause)."""

    def __init__(self, messages: list) -> None:
        self.messages = messages

    async def get_msg(self, timeout: float | None = None) -> dict:
        message = self.messages.pop(0)
        if message is Empty:
            raise Empty
        return message


def _status(state: str, parent: str) -> dict:
    return {"msg_type": "status", "content": {"execution_state": state},
            "parent_header": {"msg_id": parent}}


def test_ready_client_asks_again_until_iopub_shows_its_request_done():
    """The first request is answered before IOPub is connected (only the welcome comes):
    the client asks again, and is ready at the idle status of a request of its own."""
    client_class = report._ready_client_class()
    sent, handled = [], []
    reply = {"msg_type": "kernel_info_reply", "content": {}, "parent_header": {}}
    fake = types.SimpleNamespace(
        shell_channel=_Channel([reply, reply]),
        iopub_channel=_Channel([{"msg_type": "iopub_welcome", "content": {},
                                 "parent_header": {}}, Empty,
                                _status("busy", "k2"), _status("idle", "other"),
                                _status("idle", "k2"), _status("idle", "left for nbclient")]))
    fake.kernel_info = lambda: sent.append(f"k{len(sent) + 1}") or sent[-1]
    fake._handle_kernel_info_reply = handled.append

    async def alive() -> bool:
        return True

    fake._async_is_alive = alive
    fake._idle_after = types.MethodType(client_class._idle_after, fake)
    asyncio.run(client_class.wait_for_ready(fake, timeout=10))
    assert sent == ["k1", "k2"] and handled == [reply]
    assert fake.iopub_channel.messages == [_status("idle", "left for nbclient")]
