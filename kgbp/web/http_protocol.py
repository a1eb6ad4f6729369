"""uvicorn's httptools protocol, reading a request that offers an upgrade the server does not take.

Java's HttpClient (Apache Jena's RDFConnection, and so every Jena client) offers HTTP/2 on
every plain-http request: `Connection: Upgrade, HTTP2-Settings` and `Upgrade: h2c`. A server
may ignore the offer and answer in HTTP/1.1 (RFC 9110 §7.8), which is what h11 does. httptools
(llhttp) instead stops at the end of the headers, as if the bytes after them were another
protocol: uvicorn hands the application an empty body and drops the rest of the connection's
bytes. A SPARQL query or an upload sent that way would be read as empty.

HttpProtocol answers such a request as plain HTTP/1.1: when the parser stops at an upgrade that
is not a WebSocket upgrade this server serves, the body is read with the request's own framing
(Content-Length or chunked), and whatever follows it is parsed as the next request.
"""

from __future__ import annotations

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

CONTINUATION_HEAD = b"POST / HTTP/1.1\r\n"  # a head that only frames the body; never seen by the app


class HttpProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that ignores an upgrade offer it does not take (h2c) and reads the body."""

    _reading_body = False  # the parser is reading the body of a request whose upgrade offer was ignored

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        try:
            self._feed(data)
        except httptools.HttpParserError:
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)

    def _feed(self, data: bytes) -> None:
        while data:
            try:
                self.parser.feed_data(data)
                return
            except httptools.HttpParserUpgrade as stop:
                if self._should_upgrade():  # a WebSocket upgrade this server serves
                    self.handle_websocket_upgrade()
                    return
                # the parser stopped after the headers of an upgrade offer and is ready for a new
                # message: give it a head carrying only this request's framing; its callbacks
                # (below) add what it reads to the request whose headers came first
                framing = self._body_framing()
                if framing:
                    self._reading_body = True
                    self.parser.feed_data(CONTINUATION_HEAD + framing + b"\r\n")
                data = data[stop.args[0]:]

    def _body_framing(self) -> bytes:
        """The headers that say how long the current request's body is (none: it has no body)."""
        out = b""
        for name, value in self.headers:
            if name == b"content-length" and value.strip() not in (b"", b"0"):
                out += b"Content-Length: " + value.strip() + b"\r\n"
            elif name == b"transfer-encoding":
                out += b"Transfer-Encoding: " + value.strip() + b"\r\n"
        return out

    # While the body is read, the continuation's head is not a request: the current one goes on.
    def on_message_begin(self) -> None:
        if not self._reading_body:
            super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        if not self._reading_body:
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._reading_body:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if not self._reading_body:
            super().on_headers_complete()

    def on_message_complete(self) -> None:
        if self._reading_body:
            self._reading_body = False
        elif self.parser.should_upgrade() and not self._should_upgrade() and self._body_framing():
            return  # the headers of an ignored upgrade offer: its body is still to be read
        super().on_message_complete()
