"""dojo_client: the Python client of Dojo's remote env API (`dojo serve`, docs/api.md).

Standard library only. The pieces:

- :class:`DojoEnv`: one episode with Gymnasium's ``reset``/``step`` (a ``gymnasium.Env`` when
  gymnasium is installed);
- :class:`DojoVectorEnv`: N episodes stepped concurrently, results batched as lists;
- :class:`Client`: the raw calls (list_competitions, list_actions, create_episode, ...);
- :class:`DojoError` and its subclasses: the server's typed errors.

Quick start::

    from dojo_client import DojoEnv

    with DojoEnv("iris-species@1", url="http://127.0.0.1:8470", token="...") as env:
        obs, info = env.reset(seed=0)
        obs, reward, terminated, truncated, info = env.step(
            {"action": "execute_code", "params": {"code": "print(1)"}})
"""

from .client import DEFAULT_TIMEOUT, DEFAULT_URL, IDEMPOTENT_CALLS, Client
from .env import HAS_GYMNASIUM, DojoEnv, normalize_action
from .errors import (
    CompetitionNotFound,
    ConfigError,
    DojoConnectionError,
    DojoError,
    DojoTimeoutError,
    EpisodeClosed,
    EpisodeNotFound,
    InternalError,
    InvalidAction,
    InvalidArgument,
    NotFound,
    PluginCrashed,
    PluginNotFound,
    ProtocolError,
    RequestTooLarge,
    ResourceExhausted,
    ServerBusy,
    Unauthenticated,
    Unavailable,
    error_class,
)
from .vector import DojoVectorEnv

__version__ = "0.1.0"

__all__ = [
    "Client",
    "DojoEnv",
    "DojoVectorEnv",
    "HAS_GYMNASIUM",
    "DEFAULT_URL",
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_CALLS",
    "normalize_action",
    "error_class",
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
]
