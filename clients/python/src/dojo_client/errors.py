"""Typed errors of the Dojo env API.

A call that fails raises a :class:`DojoError`. The server says which kind of failure it was in the
``Dojo-Error-Type`` response header and in a ``dojo.env.v1.Error`` detail of the body; the client maps
that type to a subclass, so a program can catch exactly what it can handle::

    try:
        env.step(action)
    except dojo_client.EpisodeClosed:
        env = dojo_client.DojoEnv.resume(env.episode_id)

Types the client does not know (a newer server) still raise :class:`DojoError`, with ``.type`` set to
the server's type. A mistake of the agent (failing code, a bad submission, an unknown action) is not an
error: ``step`` returns it in ``observation["error"]``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Mapping, Optional, Type

__all__ = [
    "DojoError",
    "DojoConnectionError",
    "DojoTimeoutError",
    "ProtocolError",
    "Unauthenticated",
    "NotFound",
    "EpisodeNotFound",
    "CompetitionNotFound",
    "PluginNotFound",
    "EpisodeClosed",
    "InvalidAction",
    "InvalidArgument",
    "ConfigError",
    "ResourceExhausted",
    "ServerBusy",
    "RequestTooLarge",
    "Unavailable",
    "PluginCrashed",
    "InternalError",
    "error_class",
]


class DojoError(Exception):
    """A failed call to the Dojo server.

    Attributes:
        type: the server's error type (``"episode_not_found"``, ``"server_busy"``, ...; see
            docs/api.md), or the client's own (``"connection"``, ``"timeout"``, ``"protocol"``).
        message: what went wrong.
        details: more about it (may be long: a traceback, a list of columns).
        causes: likely causes, each with its fix.
        status: the HTTP status, when there was a response.
        code: the Connect status code (``"not_found"``, ``"resource_exhausted"``, ...), when known.
        method: the API call that failed (``"Step"``).
    """

    #: The server's error type this class stands for; the base class stands for any.
    error_type = ""

    def __init__(
        self,
        message: str,
        *,
        type: Optional[str] = None,
        details: str = "",
        causes: Iterable[str] = (),
        status: Optional[int] = None,
        code: Optional[str] = None,
        method: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.type = type or self.error_type or "unknown"
        self.message = message
        self.details = details or ""
        self.causes = list(causes or ())
        self.status = status
        self.code = code
        self.method = method

    def __str__(self) -> str:
        head = f"{self.type}: {self.message}"
        if self.method:
            head = f"{self.method}: {head}"
        parts = [head]
        if self.details:
            parts.append(self.details)
        if self.causes:
            parts.append("likely causes: " + "; ".join(self.causes))
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(type={self.type!r}, message={self.message!r})"

    def to_dict(self) -> Dict[str, Any]:
        """The error as the server's JSON shape: type, message, details, causes."""
        return {"type": self.type, "message": self.message, "details": self.details, "causes": list(self.causes)}


class DojoConnectionError(DojoError, ConnectionError):
    """The server could not be reached, or the connection broke before a whole answer came back.

    A call that is safe to repeat (ListCompetitions, ListActions, GetHistory, ListEpisodes) has been
    retried before this is raised; any other call is not retried, because the server may have
    performed it: check with :meth:`Client.get_history` or :meth:`Client.list_episodes`.
    """

    error_type = "connection"


class DojoTimeoutError(DojoConnectionError, TimeoutError):
    """No answer within the client's timeout. A Step may still be running on the server: raise the
    client's ``timeout`` above the episode's ``exec_timeout_s``."""

    error_type = "timeout"


class ProtocolError(DojoError):
    """The server answered something that is not the env API's JSON (a proxy's page, a wrong URL)."""

    error_type = "protocol"


class Unauthenticated(DojoError):
    """No bearer token, or one the server does not accept (HTTP 401)."""

    error_type = "unauthenticated"


class NotFound(DojoError):
    """Something the call names does not exist (HTTP 404)."""

    error_type = "not_found"


class EpisodeNotFound(NotFound):
    """No such episode for this token: episodes belong to the token that created them."""

    error_type = "episode_not_found"


class CompetitionNotFound(NotFound):
    """The server has no competition of that id (see :meth:`Client.list_competitions`)."""

    error_type = "competition_not_found"


class PluginNotFound(NotFound):
    """An action or feedback plugin named in the episode's config is not installed."""

    error_type = "plugin_not_found"


class EpisodeClosed(DojoError):
    """The episode was closed (by the client, an idle timeout or a server restart); resume it with
    :meth:`DojoEnv.resume` or :meth:`Client.resume_episode`."""

    error_type = "episode_closed"


class InvalidAction(DojoError):
    """The call does not fit the episode's state, e.g. Step before Reset."""

    error_type = "invalid_action"


class InvalidArgument(DojoError):
    """A field of the request is wrong: an unknown field, a path outside the workspace, a bad value."""

    error_type = "invalid_argument"


class ConfigError(InvalidArgument):
    """The episode config asks for more than the operator allows, or names unknown values."""

    error_type = "config"


class ResourceExhausted(DojoError):
    """A server limit was reached (HTTP 429)."""

    error_type = "resource_exhausted"


class ServerBusy(ResourceExhausted):
    """``server.max_episodes`` episodes are open: close one, or wait for another to end."""

    error_type = "server_busy"


class RequestTooLarge(ResourceExhausted):
    """The request body, or the code an action carries, is over the server's size limit."""

    error_type = "request_too_large"


class Unavailable(DojoError):
    """The server is stopping, or a plugin it needs is restarting (HTTP 503): retry later."""

    error_type = "unavailable"


class PluginCrashed(Unavailable):
    """A plugin process died during the call; it restarts on next use, so the call may be retried."""

    error_type = "plugin_crashed"


class InternalError(DojoError):
    """The server failed (HTTP 500); the message says where."""

    error_type = "internal"


_BY_TYPE: Dict[str, Type[DojoError]] = {
    cls.error_type: cls
    for cls in (
        DojoConnectionError,
        DojoTimeoutError,
        ProtocolError,
        Unauthenticated,
        NotFound,
        EpisodeNotFound,
        CompetitionNotFound,
        PluginNotFound,
        EpisodeClosed,
        InvalidAction,
        InvalidArgument,
        ConfigError,
        ResourceExhausted,
        ServerBusy,
        RequestTooLarge,
        Unavailable,
        PluginCrashed,
        InternalError,
    )
}

# Connect status codes of responses that carry no Dojo error type (a transport refusal, a proxy),
# mapped to the nearest class.
_BY_CODE: Dict[str, Type[DojoError]] = {
    "unauthenticated": Unauthenticated,
    "not_found": NotFound,
    "invalid_argument": InvalidArgument,
    "failed_precondition": InvalidAction,
    "resource_exhausted": ResourceExhausted,
    "unavailable": Unavailable,
    "internal": InternalError,
}

# HTTP statuses of responses without a Connect body.
_BY_STATUS: Dict[int, Type[DojoError]] = {
    401: Unauthenticated,
    404: NotFound,
    413: RequestTooLarge,
    429: ResourceExhausted,
    502: Unavailable,
    503: Unavailable,
    504: Unavailable,
}


def error_class(error_type: str) -> Type[DojoError]:
    """The exception class for a server error type; :class:`DojoError` for a type the client does
    not know."""
    return _BY_TYPE.get(error_type, DojoError)


def from_response(status: int, headers: Mapping[str, str], body: bytes, method: str) -> DojoError:
    """Builds the typed error of a failed call from its HTTP status, headers and body.

    The ``dojo.env.v1.Error`` detail of the body is preferred (it is never cut); then the
    ``Dojo-Error`` header; then the Connect code; then the HTTP status alone.
    """
    doc: Any = None
    try:
        doc = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        doc = None
    code = doc.get("code") if isinstance(doc, dict) and isinstance(doc.get("code"), str) else None

    typed: Optional[Mapping[str, Any]] = None
    if isinstance(doc, dict):
        for d in doc.get("details") or ():
            if isinstance(d, dict) and d.get("type") == "dojo.env.v1.Error" and isinstance(d.get("debug"), dict):
                typed = d["debug"]
                break
    if typed is None:
        raw = _header(headers, "Dojo-Error")
        if raw:
            try:
                parsed = json.loads(raw)
                if isinstance(parsed, dict):
                    typed = parsed
            except ValueError:
                typed = None
    header_type = _header(headers, "Dojo-Error-Type")

    if typed is not None or header_type:
        typed = typed or {}
        etype = str(typed.get("type") or header_type)
        message = str(typed.get("message") or (doc.get("message") if isinstance(doc, dict) else "") or "")
        causes = typed.get("causes") or []
        cls = error_class(etype)
        return cls(
            message,
            type=etype,
            details=str(typed.get("details") or ""),
            causes=[str(c) for c in causes] if isinstance(causes, list) else [],
            status=status,
            code=code,
            method=method,
        )
    if code is not None:
        message = str(doc.get("message") or code)
        cls = _BY_CODE.get(code, DojoError)
        return cls(message, type=code, status=status, code=code, method=method)
    cls = _BY_STATUS.get(status, ProtocolError)
    text = body[:300].decode("utf-8", "replace").strip()
    return cls(
        f"HTTP {status} without a Connect error body" + (f": {text}" if text else ""),
        type=cls.error_type if cls is not ProtocolError else "protocol",
        causes=["check that the URL points at `dojo serve` (http://HOST:PORT), not at a proxy's error page"],
        status=status,
        method=method,
    )


def _header(headers: Mapping[str, str], name: str) -> str:
    get = getattr(headers, "get", None)
    value = get(name) if get is not None else None
    return value or ""
