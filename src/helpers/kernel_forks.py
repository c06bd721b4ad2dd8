"""Report kernels forked from a process that has already imported the kit.

Each notebook of ``framekit report`` runs in its own Python kernel, and a kernel started
afresh spends its first second importing: ipykernel and IPython before it answers (0.45 s),
then pandas, scikit-learn, Altair and the kit's modules in the notebook's first cells
(0.4-1.3 s of CPU each, measured on the 10,000-article bench). Five notebooks paid that five
times, on the same two cores as the notebooks' own work: a quarter of a rerun after adding ten
articles.

:class:`KernelForker` starts one process (``python -m helpers.kernel_forks MODULE...``) when
the report starts, in the notebooks' folder and with the report's environment; it imports
ipykernel and the given modules once, while the report checks the collection. Each kernel is
then a fork of it (:func:`os.fork`; memory pages shared until written), which starts its
ipykernel application at once. The kernel is the one ``python -m ipykernel_launcher -f
<connection file>`` would start: the same interpreter, arguments, working folder,
environment, ``sys.path`` and ``sys.argv``, a session of its own (its process group, which
interrupts and kills address), standard input from ``/dev/null``, its output to the report's
standard error, NumPy's global random state seeded afresh (Python's :mod:`random` reseeds
itself in a fork). Only modules are shared: the forking process runs no code of the
notebooks and holds no state of theirs, and each kernel runs one notebook and is killed.

:func:`helpers.report.build_report` falls back to starting kernels as jupyter_client does
whenever a kernel would differ from a fork: another command than this interpreter's
``-m ipykernel_launcher``, another working folder, environment variables that differ from
the forking process's (other than those jupyter_client sets for each kernel, see
:data:`KERNEL_ENV_PREFIXES`), no :func:`os.fork` or :func:`os.pidfd_open` (Windows, macOS),
or a forking process that has failed.

The report process watches a forked kernel through a pidfd (:func:`os.pidfd_open`), since
the kernel is the forking process's child, not its own: readable once the kernel has
exited. The forking process reaps its children, and exits when the report closes its
requests pipe (or dies); a kernel whose forking process has gone sees its parent become
``init`` and stops (ipykernel's parent poller).
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Environment variables that may differ between a forked kernel and the forking process:
#: read when the kernel starts, not when modules are imported.
RUNTIME_ENV = ("JPY_SESSION_NAME",)
#: Modules the forking process always imports: what ipykernel imports as a kernel starts
#: (its application, kernel and shell, the debugger and debugpy, IPython's debugger, completer
#: and stored-variables extension, the history's SQLite).
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger",
                  "IPython.core.debugger", "IPython.core.completerlib",
                  "IPython.extensions.storemagic", "sqlite3")


def can_fork() -> bool:
    """Whether this platform can fork kernels and watch them (:func:`os.fork`, pidfds)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(select, "poll")


def kernel_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment jupyter_client gives a kernel this process starts: ``env`` (default:
    this process's) with ``JPY_PARENT_PID``, the process's id."""
    return dict(os.environ if env is None else env, JPY_PARENT_PID=str(os.getpid()))


def _compared(env: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key not in RUNTIME_ENV}


class ForkedProcess:
    """A forked kernel, watched through a pidfd, with the part of :class:`subprocess.Popen`'s
    interface that jupyter_client's local provisioner uses.

    Parameters
    ----------
    pid
        The kernel's process id (a child of the forking process, leader of its own session).

    Notes
    -----
    The exit status belongs to the forking process, which reaps the kernel: ``returncode``
    is minus the last signal sent through :meth:`send_signal` (``kill``, ``terminate``), or
    ``0`` when the kernel exited on its own.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._signal: int | None = None
        self._pidfd: int | None = os.pidfd_open(pid)

    def _exited(self, timeout: float | None) -> bool:
        poller = select.poll()
        poller.register(self._pidfd, select.POLLIN)
        if not poller.poll(None if timeout is None else int(timeout * 1000)):
            return False
        os.close(self._pidfd)
        self._pidfd = None
        self.returncode = -self._signal if self._signal else 0
        return True

    def poll(self) -> int | None:
        """``None`` while the kernel runs, else its ``returncode``."""
        if self.returncode is None:
            self._exited(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel has exited; :class:`subprocess.TimeoutExpired` after
        ``timeout`` seconds."""
        if self.returncode is None and not self._exited(timeout):
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel unless it has exited."""
        if self.poll() is None:
            if signum in (signal.SIGKILL, signal.SIGTERM):
                self._signal = signum
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)


class KernelForker:
    """The process that imports the kit once and forks the report's kernels.

    Parameters
    ----------
    cwd
        The kernels' working folder (the notebooks' folder); the forking process runs there,
        so its imports find what a kernel's would.
    modules
        Modules to import before forking (besides :data:`KERNEL_MODULES`); one that fails to
        import is left for the notebook to import (and report).

    Notes
    -----
    Starting it costs the report nothing it waits for: the process imports while the report
    goes on; the first :meth:`fork` waits for the imports to end. Safe to call from several
    threads. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, cwd: str | os.PathLike[str], modules: Sequence[str] = ()) -> None:
        self.cwd = str(Path(cwd).resolve())
        # The kernels' environment, set before the imports: some variables are read as
        # modules are imported (ipykernel's JPY_PARENT_PID, the parent it watches).
        self.environment = kernel_environment()
        self._lock = threading.Lock()
        self._failed = False
        self._process = subprocess.Popen(
            [sys.executable, "-m", "helpers.kernel_forks", *KERNEL_MODULES, *modules],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=self.cwd, env=self.environment)

    def __enter__(self) -> KernelForker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def accepts(self, argv: Sequence[str], *, cwd: str | os.PathLike[str] | None,
                env: Mapping[str, str] | None) -> bool:
        """Whether a fork would be the kernel jupyter_client would start with these
        arguments: this interpreter's ``-m ipykernel_launcher``, in :attr:`cwd`, with the
        forking process's environment (:func:`kernel_environment` of the report's) but for
        :data:`RUNTIME_ENV`."""
        return (not self._failed and self._process.poll() is None
                and len(argv) >= 3 and list(argv[1:3]) == ["-m", "ipykernel_launcher"]
                and os.path.realpath(argv[0]) == os.path.realpath(sys.executable)
                and cwd is not None and str(Path(cwd).resolve()) == self.cwd
                and env is not None
                and _compared(kernel_environment(env)) == _compared(self.environment))

    def fork(self, argv: Sequence[str], *, env: Mapping[str, str]) -> ForkedProcess:
        """Fork a kernel: ``argv`` as for ``python -m ipykernel_launcher`` (the interpreter
        first), its whole environment ``env``.

        Raises
        ------
        OSError
            When the forking process has failed or could not fork (it is not used again).
        """
        request = json.dumps({"argv": list(argv), "env": dict(env)}).encode("utf-8") + b"\n"
        with self._lock:
            try:
                if self._failed:
                    raise OSError("the kernel forking process has failed")
                self._process.stdin.write(request)  # type: ignore[union-attr]
                self._process.stdin.flush()  # type: ignore[union-attr]
                reply = json.loads(self._process.stdout.readline() or b"{}")  # type: ignore
                if "pid" not in reply:
                    raise OSError(reply.get("error", "the kernel forking process has exited"))
                return ForkedProcess(int(reply["pid"]))
            except (OSError, ValueError) as exc:
                self._failed = True
                raise OSError(str(exc)) from exc

    def close(self) -> None:
        """Stop the forking process, at once (it may still be importing). Its kernels are
        stopped by their managers; one left running stops when it sees its parent gone."""
        with self._lock:
            self._failed = True
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None and not pipe.closed:
                    try:
                        pipe.close()
                    except OSError:
                        pass
            self._process.kill()
            self._process.wait()


def _reap_children(signum: int, frame: object) -> None:
    """SIGCHLD handler of the forking process: collect every exited kernel."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _run_kernel(request: dict, imported_env: Mapping[str, str | None], *, started: int,
                closing: Sequence[int]) -> None:
    """In the forked child: become ``python -m ipykernel_launcher ARGS`` and never return.

    The environment is the request's, changed as the forking process's imports changed
    theirs (``imported_env``: name -> value, ``None`` when removed). A byte on ``started``
    tells the forking process that the kernel leads its own session (its process group:
    what jupyter_client signals)."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # as jupyter_client's start_new_session
        os.write(started, b"1")
        for fd in (started, *closing):
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        for key, value in imported_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if "numpy" in sys.modules:  # its global random state is not reseeded by a fork
            sys.modules["numpy"].random.seed()
        import ipykernel_launcher

        sys.argv = [ipykernel_launcher.__file__, *request["argv"][3:]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001  (reported; the child must not return to the loop)
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(modules: Sequence[str]) -> None:
    """The forking process: import ``modules``, then fork a kernel for each request line.

    A request is one JSON line (``{"argv": [...], "env": {...}}``) on standard input; the
    reply is one JSON line on standard output (``{"pid": N}`` or ``{"error": "..."}``).
    Ends when standard input closes. Standard input and output are kept for the requests and
    replies only: the kernels read ``/dev/null`` and write to standard error.
    """
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    # What ipykernel_launcher does first: the working folder leaves sys.path (IPython puts
    # it back as "" when the shell starts).
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd():
        del sys.path[0]
    # Imports write nothing for the user: a kernel's start-up output goes nowhere either
    # (ipykernel captures it, nbclient passes it over), e.g. debugpy's note on frozen modules.
    stderr = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    before = dict(os.environ)
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001,S112  (the notebook imports it and says what fails)
            continue
    sys.stderr.flush()
    os.dup2(stderr, 2)
    os.close(stderr)
    # What the imports did to the environment (debugpy sets PYDEVD_USE_FRAME_EVAL), they
    # would have done in the kernel's: done again over each kernel's environment.
    imported_env = {key: os.environ.get(key) for key in set(before) | set(os.environ)
                    if os.environ.get(key) != before.get(key)}
    signal.signal(signal.SIGCHLD, _reap_children)
    for line in requests:
        try:
            request = json.loads(line)
            started, start = os.pipe()
            pid = os.fork()
        except (OSError, ValueError) as exc:
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
            continue
        if pid == 0:
            _run_kernel(request, imported_env, started=start,
                        closing=(requests.fileno(), replies.fileno(), started))
        os.close(start)
        os.read(started, 1)  # the kernel leads its own session (or has died) before its pid goes
        os.close(started)
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")


if __name__ == "__main__":
    serve(sys.argv[1:])
