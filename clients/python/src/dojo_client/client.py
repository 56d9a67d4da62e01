"""The raw calls of the Dojo env API over HTTP/JSON (Connect's unary protocol)."""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import threading
import time
import urllib.parse
from typing import Any, Dict, List, Mapping, Optional

from . import errors
from .errors import DojoConnectionError, DojoTimeoutError, ProtocolError

__all__ = ["Client", "DEFAULT_URL", "DEFAULT_TIMEOUT", "IDEMPOTENT_CALLS"]

#: The URL a client uses when none is given and ``DOJO_URL`` is unset: `dojo serve`'s default address.
DEFAULT_URL = "http://127.0.0.1:8470"

#: Seconds a call may take, by default. A Step runs agent code for up to the episode's
#: ``exec_timeout_s`` (10 minutes by default), so this is above that.
DEFAULT_TIMEOUT = 900.0

#: Calls without side effects: the client retries them when the connection fails.
IDEMPOTENT_CALLS = frozenset({"ListCompetitions", "ListActions", "GetHistory", "ListEpisodes"})

_SERVICE = "dojo.env.v1.EnvService"


class Client:
    """A connection to one `dojo serve`, for the raw calls of docs/api.md.

    Every method takes and returns plain JSON objects (dicts and lists), the shapes of
    docs/step.schema.json. The client is safe to share between threads: each thread keeps its own
    keep-alive HTTP connection.

    Args:
        url: the server, ``http://HOST:PORT`` (``https://`` works behind a TLS proxy, and a path
            prefix is kept). Defaults to ``$DOJO_URL``, else ``http://127.0.0.1:8470``.
        token: the bearer token. Defaults to ``$DOJO_TOKEN``; ``""`` sends none (for a server that
            allows unauthenticated loopback calls).
        timeout: seconds one call may take before :class:`DojoTimeoutError`.
        retries: how many times a call without side effects (:data:`IDEMPOTENT_CALLS`) is repeated
            after a connection failure. Other calls are never repeated: the server may have done them.
        backoff: seconds before the first retry, doubling each time.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 3,
        backoff: float = 0.2,
    ) -> None:
        url = url or os.environ.get("DOJO_URL") or DEFAULT_URL
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"url {url!r} is not http://HOST:PORT (or https://...)")
        self.url = url.rstrip("/")
        self.token = os.environ.get("DOJO_TOKEN", "") if token is None else token
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self._https = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port or (443 if self._https else 80)
        self._prefix = parsed.path.rstrip("/") + "/" + _SERVICE + "/"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._conns: List[http.client.HTTPConnection] = []
        self._closed = False

    def __repr__(self) -> str:
        return f"Client(url={self.url!r})"

    # The calls of dojo.env.v1.EnvService, in the order of docs/api.md.

    def list_competitions(self, prepared_only: bool = False) -> List[Dict[str, Any]]:
        """The competitions the server can play: id, title, metric, domain, split, prepared, loader,
        labels."""
        return self.call("ListCompetitions", {"prepared_only": bool(prepared_only)})["competitions"]

    def list_actions(self) -> List[Dict[str, Any]]:
        """The core actions and the custom action plugins: name, description, core, plugin,
        params_schema (a JSON Schema)."""
        return self.call("ListActions", {})["actions"]

    def create_episode(self, competition: str, config: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Creates an episode and returns it (``id``, ``status``, the effective ``config``, ...).

        ``config`` may set max_steps, max_time_s, exec_timeout_s, exec_mode ("fresh" or "session"),
        score_mode ("position" or "raw"), feedback, actions and seed, within the operator's limits.
        """
        body: Dict[str, Any] = {"competition": competition}
        if config:
            body["config"] = dict(config)
        return self.call("CreateEpisode", body)["episode"]

    def reset(
        self, episode_id: str, seed: Optional[int] = None, options: Optional[Mapping[str, Any]] = None
    ) -> Dict[str, Any]:
        """Starts (or restarts) an episode: ``{"observation": ..., "info": ...}``."""
        body: Dict[str, Any] = {"episode_id": episode_id}
        if seed is not None:
            body["seed"] = int(seed)
        if options:
            body["options"] = dict(options)
        return self.call("Reset", body)

    def step(self, episode_id: str, name: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Performs one action: ``{"step", "observation", "reward", "terminated", "truncated",
        "info"}``. A mistake of the agent comes back in ``observation["error"]``, not raised."""
        action: Dict[str, Any] = {"name": name}
        if params is not None:
            action["params"] = dict(params)
        return self.call("Step", {"episode_id": episode_id, "action": action})

    def get_history(self, episode_id: str, last: int = 0) -> Dict[str, Any]:
        """The episode's recorded events, oldest first, and the episode: ``{"events", "episode"}``.
        Does not use up a step; works on closed episodes."""
        body: Dict[str, Any] = {"episode_id": episode_id}
        if last:
            body["last"] = int(last)
        return self.call("GetHistory", body)

    def close_episode(self, episode_id: str) -> Dict[str, Any]:
        """Closes an episode (its sandbox stops; its history stays) and returns it."""
        return self.call("CloseEpisode", {"episode_id": episode_id})["episode"]

    def list_episodes(self) -> List[Dict[str, Any]]:
        """This token's episodes, open and closed, newest first."""
        return self.call("ListEpisodes", {})["episodes"]

    def resume_episode(self, episode_id: str) -> Dict[str, Any]:
        """Reopens a closed episode where its history ends: ``{"episode", "observation",
        "already_open"}``."""
        return self.call("ResumeEpisode", {"episode_id": episode_id})

    def healthz(self) -> Dict[str, Any]:
        """``GET /healthz``: ``{"status": "ok"}`` while the server serves (needs no token)."""
        status, _, body = self._send("GET", self._root_path("healthz"), None, {}, "healthz", retry=True)
        doc = _decode(body, "healthz")
        if status != 200:
            raise errors.Unavailable(f"server health is {doc.get('status', status)!r}", status=status, method="healthz")
        return doc

    # The transport.

    def call(self, method: str, body: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Calls ``dojo.env.v1.EnvService/<method>`` with a JSON body and returns the decoded answer.

        Raises a :class:`~dojo_client.errors.DojoError` subclass for a failed call and
        :class:`~dojo_client.errors.DojoConnectionError` when no answer came back.
        """
        payload = json.dumps(dict(body or {}), separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Connect-Protocol-Version": "1",
        }
        status, resp_headers, data = self._send(
            "POST", self._prefix + method, payload, headers, method, retry=method in IDEMPOTENT_CALLS, timeout=timeout
        )
        if status != 200:
            raise errors.from_response(status, resp_headers, data, method)
        return _decode(data, method)

    def _root_path(self, name: str) -> str:
        return self._prefix[: -len(_SERVICE) - 1] + name

    def _send(
        self,
        verb: str,
        path: str,
        payload: Optional[bytes],
        headers: Dict[str, str],
        method: str,
        *,
        retry: bool,
        timeout: Optional[float] = None,
    ):
        if self._closed:
            raise DojoConnectionError("the client is closed", method=method)
        headers = dict(headers)
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        attempts = 1 + (self.retries if retry else 0)
        last: Optional[DojoConnectionError] = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)))
            conn = self._connection(timeout)
            try:
                send_error: Optional[OSError] = None
                try:
                    conn.request(verb, path, body=payload, headers=headers)
                except (BrokenPipeError, ConnectionResetError) as e:
                    # A server refuses a body over its limit before reading it all, answers and
                    # closes: its answer (request_too_large) says more than the broken pipe.
                    send_error = e
                try:
                    resp = conn.getresponse()
                    data = resp.read()
                except (OSError, http.client.HTTPException):
                    if send_error is not None:
                        raise send_error
                    raise
                if send_error is not None:
                    self._discard(conn)
            except (socket.timeout, TimeoutError) as e:
                self._discard(conn)
                last = DojoTimeoutError(
                    f"no answer from {self.url} within {timeout or self.timeout:g} s",
                    causes=[
                        "the call may still be running on the server (a Step runs agent code up to exec_timeout_s)",
                        "raise the client's timeout",
                    ],
                    method=method,
                )
                last.__cause__ = e
            except (OSError, http.client.HTTPException) as e:
                self._discard(conn)
                last = DojoConnectionError(
                    f"cannot reach {self.url}: {e.__class__.__name__}: {e}",
                    causes=["check that `dojo serve` runs and listens on this host and port"],
                    method=method,
                )
                last.__cause__ = e
            else:
                if resp.will_close:
                    self._discard(conn)
                return resp.status, resp.headers, data
        assert last is not None
        raise last

    def _connection(self, timeout: Optional[float]) -> http.client.HTTPConnection:
        """This thread's keep-alive connection; a new one when the server closed the old one."""
        t = self.timeout if timeout is None else timeout
        conn: Optional[http.client.HTTPConnection] = getattr(self._local, "conn", None)
        if conn is not None and _dropped(conn):
            self._discard(conn)
            conn = None
        if conn is None:
            if self._https:
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=t)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=t)
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        conn.timeout = t
        if conn.sock is not None:
            conn.sock.settimeout(t)
        return conn

    def _discard(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        with self._lock:
            if conn in self._conns:
                self._conns.remove(conn)

    def close(self) -> None:
        """Closes every connection of every thread. Episodes stay open on the server."""
        with self._lock:
            conns, self._conns = self._conns, []
            self._closed = True
        for c in conns:
            c.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Whether an idle keep-alive connection was closed by the server: an idle HTTP/1.1 connection
    is readable only at EOF (or with junk), and either way cannot carry the next request."""
    sock = conn.sock
    if sock is None:
        return False
    try:
        if hasattr(select, "poll"):
            p = select.poll()
            p.register(sock, select.POLLIN)
            return bool(p.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _decode(data: bytes, method: str) -> Dict[str, Any]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ProtocolError(
            f"the answer is not JSON: {data[:200]!r}",
            causes=["check that the URL points at `dojo serve`"],
            method=method,
        ) from e
    if not isinstance(doc, dict):
        raise ProtocolError(f"the answer is not a JSON object: {data[:200]!r}", method=method)
    return doc
