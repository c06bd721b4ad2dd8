"""Loaded by every Python process the tests start (kernels included): blocks network access.

Only loopback and Unix-domain sockets are allowed (Jupyter kernels talk to their client over
loopback). Any other connection raises ``OSError``, so a test that downloads fails loudly.
"""

import socket

_ALLOWED_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0", ""}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _check(address):
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host not in _ALLOWED_HOSTS and not host.startswith("127."):
            raise OSError(f"network access blocked by the framekit test suite: {address!r}")


def _connect(self, address):
    _check(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _check(address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if host not in (None, *_ALLOWED_HOSTS) and not str(host).startswith("127."):
        raise OSError(f"network access blocked by the framekit test suite: lookup of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _connect
socket.socket.connect_ex = _connect_ex
socket.getaddrinfo = _getaddrinfo
