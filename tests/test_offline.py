"""The suite runs offline: network access fails in this process and in every child process.

Every other test (parsing, readability's syllable dictionary, notebooks, the report) therefore
proves it needs no network; these tests prove the block itself works.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_outside_connections_are_blocked_in_the_test_process():
    with pytest.raises(OSError, match="network access blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=2)
    with pytest.raises(OSError, match="network access blocked"):
        socket.getaddrinfo("pypi.org", 443)


def test_child_processes_inherit_the_block():
    code = ("import socket\n"
            "try:\n"
            "    socket.create_connection(('93.184.216.34', 80), timeout=2)\n"
            "except OSError as exc:\n"
            "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert "network access blocked" in out


def test_loopback_stays_available_for_kernels():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=2)
        client.close()
    finally:
        server.close()
