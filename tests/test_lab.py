"""``make lab`` for real: JupyterLab starts on localhost, lists the notebooks, runs the kernel.

The server starts the way the Makefile's ``lab`` target starts it (root folder ``notebooks/``),
on a free loopback port with a random token. Through its REST API the test checks that every
shipped notebook is listed and opens as a notebook, that the ``python3`` kernel spec is this
environment's interpreter, and that a kernel started by the server imports ``helpers`` from
this checkout. The server is always stopped.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import paths

pytestmark = pytest.mark.slow
START_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Lab:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.base}{path}", data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None


@contextmanager
def run_lab(root: Path, runtime: Path):
    """Start JupyterLab on ``root`` (loopback, free port, random token); stop it on exit."""
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    log = runtime / "lab.log"
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # containers and CI run as root
    with log.open("wb") as sink:
        proc = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, env=env)
    client = _Lab(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                client.request("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT:.0f} s")
                time.sleep(0.5)
        yield client
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on ``notebooks/`` (as ``make lab`` runs it), stopped afterwards."""
    with run_lab(paths.NOTEBOOKS, tmp_path_factory.mktemp("jupyter-runtime")) as client:
        yield client


def test_lab_lists_every_notebook(lab):
    status, listing = lab.request("GET", "/api/contents")
    assert status == 200
    listed = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
    shipped = {p.name for p in paths.NOTEBOOKS.glob("*.ipynb")}
    assert shipped, "no notebooks shipped"
    assert shipped <= listed
    first = sorted(shipped)[0]
    status, model = lab.request("GET", f"/api/contents/{first}")
    assert model["type"] == "notebook"
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"


def test_lab_python3_kernel_is_this_environment(lab):
    _, specs = lab.request("GET", "/api/kernelspecs")
    assert "python3" in specs["kernelspecs"]
    argv = specs["kernelspecs"]["python3"]["spec"]["argv"]
    executable = Path(argv[0])
    if not executable.is_absolute():  # a kernel.json with bare "python" runs from the env's PATH
        executable = Path(sys.executable).parent / argv[0]
    assert executable.resolve().parent == Path(sys.executable).resolve().parent


def test_lab_kernel_imports_the_project(lab):
    import websocket

    status, kernel = lab.request("POST", "/api/kernels", {"name": "python3"})
    assert status == 201
    url = (lab.base.replace("http://", "ws://") + f"/api/kernels/{kernel['id']}/channels"
           f"?token={lab.token}")
    ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": "import helpers.charts, altair\n"
                                "print(helpers.__file__, altair.renderers.active)",
                        "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        printed, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed += message["content"]["text"]
            if message["msg_type"] == "error":
                pytest.fail("\n".join(message["content"]["traceback"]))
            if message["msg_type"] == "status" and \
                    message["content"]["execution_state"] == "idle" and printed:
                break
    finally:
        ws.close()
        lab.request("DELETE", f"/api/kernels/{kernel['id']}")
    module, renderer = printed.split()
    assert Path(module).resolve().is_relative_to(paths.ROOT / "src")
    assert renderer == "framekit"


def test_lab_draws_framekit_charts_offline(tmp_path):
    """A notebook saved with a chart output shows the chart in JupyterLab, with no network."""
    import altair as alt
    import nbformat
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_notebook, new_output
    from test_browser import INSTALL_HINT, Chromium, find_chromium

    from helpers import charts

    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    table = pd.DataFrame({"outlet": ["CBC News", "ITV News"], "words": [952, 630]})
    chart = alt.Chart(table, title="Words").mark_bar().encode(
        x="words:Q", y="outlet:N", color=charts.outlet_color(), tooltip=["outlet", "words"])
    bundle, metadata = chart._repr_mimebundle_()
    root = tmp_path / "root"
    root.mkdir()
    nb = new_notebook(cells=[new_code_cell("chart", execution_count=1, outputs=[
        new_output("display_data", data=bundle, metadata=metadata)])])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, root / "chart.ipynb")
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    with run_lab(root, runtime) as server:
        browser = Chromium(exe, allow_loopback=True)
        try:
            state = browser.visit(f"{server.base}/lab/tree/chart.ipynb?token={server.token}",
                                  charts=".jp-RenderedVegaLite", min_charts=1, offline=False,
                                  timeout=60)
        finally:
            browser.close()
    assert state["charts"] == 1 and state["drawn"] == 1, "JupyterLab did not draw the chart"
    assert "CBC News" in state["text"]
    assert [u for u in state["requests"] if not u.startswith(server.base)] == []
