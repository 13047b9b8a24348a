"""Can the web app listen where it was told to? Checked before Gradio (and the model) load, so a busy or
invalid port is a one-line error at once instead of a traceback or Gradio's GRADIO_SERVER_PORT advice."""

from __future__ import annotations

import errno
import socket


class PortError(OSError):
    """The web app cannot listen on the address it was given."""


def check_port(host: str, port: int) -> None:
    """Fail at once, with a plain reason, when ``host:port`` cannot be bound (busy, privileged, bad host)."""
    if not 1 <= port <= 65535:
        raise PortError(f"port {port} is out of range: give a port between 1 and 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise PortError(f"cannot listen on {host}:{port}: unknown host ({exc.strerror})") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            reason = "the port is already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
            raise PortError(f"cannot listen on {host}:{port}: {reason}; choose another with --port") from None
