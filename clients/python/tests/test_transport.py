"""Unit tests of the HTTP transport against tiny local socket servers (loopback only)."""

import socket
import threading
import unittest

import _support  # noqa: F401

import dojo_client


class RawServer:
    """A TCP server on 127.0.0.1 that hands each connection to handler(conn) in a thread."""

    def __init__(self, handler):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.handler = handler
        self.accepted = 0
        self.lock = threading.Lock()
        self.threads = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
            t = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def _handle(self, conn):
        try:
            self.handler(conn)
        finally:
            conn.close()

    def close(self):
        self.sock.close()
        for t in self.threads:
            t.join(timeout=10)


def read_request(conn):
    """Reads one HTTP request with a Content-Length body; returns its first line."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        body += conn.recv(65536)
    return head.split(b"\r\n")[0].decode()


def respond(conn, status, body, headers=()):
    lines = ["HTTP/1.1 %s" % status, "Content-Length: %d" % len(body), "Content-Type: application/json"]
    lines += list(headers)
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


class TransportTest(unittest.TestCase):
    def serve(self, handler):
        s = RawServer(handler)
        self.addCleanup(s.close)
        return s

    def test_idempotent_calls_are_retried_on_connection_failure_others_are_not(self):
        s = self.serve(lambda conn: None)  # accepts, then hangs up without an answer
        c = dojo_client.Client(s.url, "t" * 16, retries=2, backoff=0)
        self.addCleanup(c.close)
        with self.assertRaises(dojo_client.DojoConnectionError) as cm:
            c.list_actions()
        self.assertEqual(cm.exception.method, "ListActions")
        self.assertEqual(s.accepted, 3)
        with self.assertRaises(dojo_client.DojoConnectionError):
            c.step("ep", "execute_code", {"code": "x = 1"})
        self.assertEqual(s.accepted, 4)

    def test_refused_connection(self):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()  # nothing listens there now
        c = dojo_client.Client("http://127.0.0.1:%d" % port, "", retries=1, backoff=0)
        with self.assertRaises(dojo_client.DojoConnectionError) as cm:
            c.list_episodes()
        self.assertIsInstance(cm.exception, ConnectionError)
        self.assertIn("cannot reach", str(cm.exception))

    def test_keep_alive_connection_is_reused_and_replaced_when_the_server_drops_it(self):
        closed = threading.Event()

        def handler(conn):
            # Two requests on one connection, then the server closes it while idle.
            for _ in range(2):
                if read_request(conn) is None:
                    return
                respond(conn, "200 OK", b'{"episodes": []}')
            conn.shutdown(socket.SHUT_RDWR)
            closed.set()

        s = self.serve(handler)
        c = dojo_client.Client(s.url, "t" * 16, retries=0)
        self.addCleanup(c.close)
        c.list_episodes()
        c.list_episodes()
        self.assertEqual(s.accepted, 1)
        self.assertTrue(closed.wait(30))
        # Step is never retried: it works only because the dropped connection is noticed before use.
        self.assertEqual(c.call("Step", {"episode_id": "x"}), {"episodes": []})
        self.assertEqual(s.accepted, 2)

    def test_timeout(self):
        release = threading.Event()

        def handler(conn):
            read_request(conn)
            release.wait(30)

        s = self.serve(handler)
        self.addCleanup(release.set)
        c = dojo_client.Client(s.url, "t" * 16, timeout=0.2, retries=0)
        self.addCleanup(c.close)
        with self.assertRaises(dojo_client.DojoTimeoutError) as cm:
            c.step("ep", "execute_code", {"code": "import time; time.sleep(60)"})
        self.assertIn("timeout", str(cm.exception))

    def test_answers_that_are_not_the_api(self):
        def handler(conn):
            read_request(conn)
            respond(conn, "200 OK", b"<html>hello</html>", ["Connection: close"])

        s = self.serve(handler)
        c = dojo_client.Client(s.url, "t" * 16)
        self.addCleanup(c.close)
        with self.assertRaises(dojo_client.ProtocolError):
            c.list_actions()

    def test_sends_the_token_and_json(self):
        seen = {}

        def handler(conn):
            data = conn.recv(65536)
            seen["request"] = data
            respond(conn, "200 OK", b'{"actions": []}', ["Connection: close"])

        s = self.serve(handler)
        c = dojo_client.Client(s.url + "/prefix/", "secret-token-0123456789")
        self.addCleanup(c.close)
        self.assertEqual(c.list_actions(), [])
        req = seen["request"].decode()
        self.assertTrue(req.startswith("POST /prefix/dojo.env.v1.EnvService/ListActions HTTP/1.1"), req)
        self.assertIn("Authorization: Bearer secret-token-0123456789", req)
        self.assertIn("Content-Type: application/json", req)

    def test_bad_url(self):
        with self.assertRaises(ValueError):
            dojo_client.Client("127.0.0.1:8470", "")


if __name__ == "__main__":
    unittest.main()
