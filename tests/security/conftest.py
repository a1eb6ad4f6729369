"""A loopback listener that records every connection, and a secret file, for the suites that
prove no request makes the server reach out or read a local file."""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass
class Listener:
    """A plain TCP server on 127.0.0.1 (ephemeral port): every connection is counted and
    answered with the secret, so an answer that carried it would show a fetch happened."""

    sock: socket.socket
    secret: str
    heard: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/ctx"

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.heard.append(conn.recv(4096) or b"(connected)")
                    body = f'{{"@context": {{"leak": "{self.secret}"}}}}'.encode()
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/ld+json\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
                except OSError:
                    self.heard.append(b"(connected)")


@pytest.fixture(scope="session")
def secret() -> str:
    return "kgbp-secret-" + secrets.token_hex(8)


@pytest.fixture(scope="session")
def secret_file(tmp_path_factory: pytest.TempPathFactory, secret: str) -> Path:
    path = tmp_path_factory.mktemp("private") / "secret.txt"
    path.write_text(f'<http://x/{secret}> <http://x/p> "{secret}" .\n{{"@context": {{"k": "{secret}"}}}}\n')
    return path


@pytest.fixture(scope="session")
def listener(secret: str) -> Iterator[Listener]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    found = Listener(sock, secret)
    thread = threading.Thread(target=found.serve, daemon=True)
    thread.start()
    yield found
    sock.close()
    thread.join(timeout=5)
