"""The browser tests' server serves as `micrograd-lesson serve` does, so the page they drive answers as a learner's."""

import http.client
import socket
from urllib.parse import urlsplit


def test_the_tests_server_sends_its_answers_at_once_as_serve_does(live_server, address):
    """Its connections have TCP_NODELAY, as asyncio sets on every connection of a server that binds its own address
    (serve's): without it, each small answer waits on the browser's delayed ACK (40 ms in Chromium)."""
    where = urlsplit(address)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    connection.request("GET", "/")
    assert connection.getresponse().read()
    served = [protocol.transport.get_extra_info("socket") for protocol in list(live_server.server_state.connections)]
    delays = [sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for sock in served]
    connection.close()
    assert delays and all(delays), delays
