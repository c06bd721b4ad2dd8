"""The report in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

Each page is opened from ``file://`` with the network off (offline emulation, a dead proxy and a
host resolver that resolves nothing). The test asserts that every chart container holds an SVG
or canvas, that the console logged no error and no exception, that nothing tried to load from
the network, and that the script-injection article's markup shows as text and runs nothing
(``alert``/``confirm``/``prompt`` are replaced by recorders before any page script runs).

Without Chromium the tests are skipped with the install command; under CI (``CI=true``) a
missing Chromium is a failure (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = ("headless Chromium not found: install Debian's package with "
                "`sudo apt-get install chromium` (.ci/run does this) to run the browser tests")
#: Injected before any page script: record instead of opening dialogs.
RECORD_DIALOGS = ("window.__fk_dialogs = [];"
                  "['alert', 'confirm', 'prompt'].forEach(function (name) {"
                  "  window[name] = function (m) { window.__fk_dialogs.push(name + ':' + m); };"
                  "});")
CHART_STATE = """JSON.stringify({
  charts: document.querySelectorAll('__SELECTOR__').length,
  drawn: Array.from(document.querySelectorAll('__SELECTOR__'))
              .filter(function (el) { return el.querySelector('svg, canvas'); }).length,
  dialogs: window.__fk_dialogs || [],
  text: document.body ? document.body.innerText : ''
})"""
#: The report's chart containers.
REPORT_CHARTS = ".framekit-chart"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def find_chromium() -> str | None:
    """The Chromium executable, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, with a DevTools websocket per page visit."""
    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    chrome = Chromium(exe)
    try:
        yield chrome
    finally:
        chrome.close()


class Chromium:
    """A headless Chromium process with the network disabled and a remote-debugging port.

    ``allow_loopback`` lets pages reach servers on 127.0.0.1 (a local JupyterLab); everything
    else still goes to a dead proxy and resolves nowhere.
    """

    def __init__(self, exe: str, *, allow_loopback: bool = False) -> None:
        self.profile = tempfile.mkdtemp(prefix="framekit-chromium-")
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-default-apps", "--mute-audio",
             "--proxy-server=127.0.0.1:9",
             "--proxy-bypass-list=" + ("127.0.0.1" if allow_loopback else "<-loopback>"),
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        self.port = int(port_file.read_text().split()[0])

    def visit(self, url: str, *, charts: str = REPORT_CHARTS, min_charts: int = 0,
              offline: bool = True, timeout: float = 30.0) -> dict:
        """Open ``url`` in a fresh tab; return chart counts, dialogs, text and console problems.

        Waits until at least ``min_charts`` elements match the ``charts`` selector and all of
        them hold an SVG or canvas (or ``timeout``).
        """
        import websocket

        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            target = json.load(response)
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=timeout,
                                         suppress_origin=True)
        session = _Session(ws)
        try:
            for method in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
                session.call(method)
            if offline:
                session.call("Network.emulateNetworkConditions", offline=True, latency=0,
                             downloadThroughput=-1, uploadThroughput=-1)
            session.call("Page.addScriptToEvaluateOnNewDocument", source=RECORD_DIALOGS)
            session.call("Page.navigate", url=url)
            session.wait_for("Page.loadEventFired", timeout)
            deadline = time.monotonic() + timeout
            while True:
                state = json.loads(session.call(
                    "Runtime.evaluate", expression=CHART_STATE.replace("__SELECTOR__", charts),
                    returnByValue=True)["result"]["value"])
                done = state["charts"] >= min_charts and state["drawn"] >= state["charts"]
                if done or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            time.sleep(0.3)  # let late console messages arrive
            session.call("Runtime.evaluate", expression="1")
        finally:
            ws.close()
            urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/json/close/{target['id']}", timeout=10).close()
        state["errors"] = session.errors
        state["requests"] = session.requests
        return state

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


class _Session:
    """Minimal DevTools protocol client over one websocket: calls and collected events."""

    def __init__(self, ws) -> None:
        self.ws, self.next_id = ws, 0
        self.events: list[dict] = []
        self.errors: list[str] = []
        self.requests: list[str] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._record(message)

    def wait_for(self, event: str, timeout: float) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            self._record(message)
            if message.get("method") == event:
                return
        raise TimeoutError(f"no {event} within {timeout} s")

    def _record(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method is None:
            return
        self.events.append(message)
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.errors.append(f"console.{params['type']}: {args}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append("exception: " + str(details.get("exception", {})
                                                   .get("description", details.get("text"))))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(LOCAL_SCHEMES):
                self.requests.append(url)
        elif method == "Page.javascriptDialogOpening":
            self.errors.append(f"dialog opened: {params.get('message')}")


def _pages(report: Path) -> list[Path]:
    return [report / "index.html", *sorted(report.glob("[0-9][0-9]_*.html"))]


def _expected_charts(page: Path) -> int:
    return len(re.findall(r'class="framekit-chart"', page.read_text("utf-8")))


def test_seed_report_pages_render_offline(browser, seed_report):
    pages = _pages(seed_report)
    assert len(pages) >= 2
    total = 0
    for page in pages:
        state = browser.visit(page.as_uri())
        assert state["errors"] == [], f"{page.name}: {state['errors']}"
        assert state["requests"] == [], f"{page.name} tried the network: {state['requests']}"
        assert state["dialogs"] == [], f"{page.name} ran script: {state['dialogs']}"
        assert state["charts"] == _expected_charts(page)
        assert state["drawn"] == state["charts"], f"{page.name}: charts not drawn"
        total += state["charts"]
    assert total >= len(pages) - 1, "every notebook page should carry at least one chart"


def test_injection_article_shows_markup_as_text_and_runs_nothing(browser, sample_report):
    seen_markup = set()
    for page in _pages(sample_report):
        state = browser.visit(page.as_uri())
        assert state["errors"] == [], f"{page.name}: {state['errors']}"
        assert state["dialogs"] == [], f"{page.name} ran injected script: {state['dialogs']}"
        assert state["requests"] == [], f"{page.name} tried the network: {state['requests']}"
        assert state["drawn"] == state["charts"]
        for markup in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"):
            if markup in state["text"]:
                seen_markup.add(markup)
    # The headline (index and corpus tables) and the body lines surface as literal text.
    assert "<script>alert(1)</script>" in seen_markup
