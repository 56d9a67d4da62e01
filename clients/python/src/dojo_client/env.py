"""DojoEnv: one remote episode with Gymnasium's interface."""

from __future__ import annotations

import json
import string
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .client import DEFAULT_TIMEOUT, Client
from .errors import EpisodeClosed, EpisodeNotFound

try:  # Gymnasium is optional: with it, DojoEnv is a gymnasium.Env and has spaces.
    import gymnasium as _gym
    from gymnasium import spaces as _spaces
except ImportError:  # pragma: no cover - which branch runs depends on the machine
    _gym = None
    _spaces = None

__all__ = ["DojoEnv", "HAS_GYMNASIUM", "normalize_action", "Observation", "StepResult"]

#: Whether gymnasium was importable when dojo_client was imported.
HAS_GYMNASIUM = _gym is not None

Observation = Dict[str, Any]
StepResult = Tuple[Observation, float, bool, bool, Dict[str, Any]]

# The base class: gymnasium.Env when installed, else a plain object with the same methods.
_Base: Any = _gym.Env if _gym is not None else object

# Upper bounds of the Text spaces: an action name, the JSON text of params (the server's default
# server.max_code_bytes), and the JSON text of an observation.
_MAX_ACTION_NAME = 64
_MAX_PARAMS_TEXT = 1 << 20
_MAX_OBSERVATION_TEXT = 1 << 26


def normalize_action(action: Any) -> Tuple[str, Optional[Dict[str, Any]]]:
    """Turns the accepted action forms into (name, params).

    Accepted: ``{"action": NAME, "params": {...}}`` or ``{"name": NAME, "params": {...}}`` (params
    may also be the JSON text of an object, as the Gymnasium action space samples it, or absent);
    a ``(name, params)`` tuple or list; a bare name string.
    """
    if isinstance(action, str):
        name, params = action, None
    elif isinstance(action, Mapping):
        unknown = set(action) - {"action", "name", "params"}
        if unknown:
            raise ValueError(f"action has unknown keys {sorted(unknown)}; use 'action' (or 'name') and 'params'")
        if "action" in action and "name" in action and action["action"] != action["name"]:
            raise ValueError(f"action names two actions: action={action['action']!r}, name={action['name']!r}")
        name = action.get("action", action.get("name"))
        params = action.get("params")
    elif isinstance(action, (tuple, list)) and 1 <= len(action) <= 2:
        name = action[0]
        params = action[1] if len(action) == 2 else None
    else:
        raise TypeError(
            f"an action is a dict {{'action': NAME, 'params': {{...}}}}, a (name, params) tuple or a name, not {type(action).__name__}"
        )
    if not isinstance(name, str) or not name:
        raise ValueError(f"action name must be a non-empty string, not {name!r}")
    if isinstance(params, (str, bytes)):
        try:
            params = json.loads(params) if params else None
        except ValueError as e:
            raise ValueError(f"params of {name} are text but not JSON: {e}") from e
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params of {name} must be a dict (a JSON object), not {type(params).__name__}")
    return name, (dict(params) if params is not None else None)


class DojoEnv(_Base):  # type: ignore[misc, valid-type]
    """One episode on a `dojo serve`, with Gymnasium's interface.

    Creating a DojoEnv creates the episode on the server; :meth:`reset` starts its sandbox.
    Observations and infos are plain dicts (docs/step.schema.json). Use it as a context manager, or
    call :meth:`close`, so the server's sandbox stops.

    Args:
        competition: a competition id, e.g. ``"iris-species@1"`` (see ``Client.list_competitions``).
        url, token, timeout: as for :class:`Client` (``$DOJO_URL`` and ``$DOJO_TOKEN`` by default).
        config: the episode config (max_steps, exec_mode, score_mode, feedback, actions, seed, ...).
        client: share an existing :class:`Client` instead (url, token and timeout are then ignored).

    With gymnasium installed, ``action_space`` is ``Dict({"action": Text, "params": Text})`` (params
    as the JSON text of an object, which :meth:`step` accepts like a dict) and ``observation_space``
    is ``Text``, the JSON text of an observation. They describe the shapes for tools that need a
    space; the real constraints are the actions' JSON Schemas (``Client.list_actions``).
    """

    metadata: Dict[str, Any] = {"render_modes": []}

    def __init__(
        self,
        competition: str,
        url: Optional[str] = None,
        token: Optional[str] = None,
        config: Optional[Mapping[str, Any]] = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        client: Optional[Client] = None,
        _episode: Optional[Dict[str, Any]] = None,
    ) -> None:
        self._owns_client = client is None
        self.client = client if client is not None else Client(url, token, timeout=timeout)
        try:
            episode = _episode if _episode is not None else self.client.create_episode(competition, config)
        except BaseException:
            if self._owns_client:
                self.client.close()
            raise
        #: The episode as the server last described it (id, status, step, config, ...).
        self.episode: Dict[str, Any] = episode
        #: The episode's id, for :meth:`resume` and the raw calls.
        self.episode_id: str = episode["id"]
        self.competition: str = episode.get("competition", competition)
        #: The info of the last reset: actions, budgets, the sandbox's isolation report.
        self.reset_info: Dict[str, Any] = {}
        #: The observation ResumeEpisode answered, for an env made by :meth:`resume`.
        self.resume_observation: Optional[Observation] = None
        self.closed = False
        if _spaces is not None:
            self.action_space = _spaces.Dict(
                {
                    "action": _spaces.Text(
                        max_length=_MAX_ACTION_NAME, min_length=1, charset=string.ascii_lowercase + string.digits + "_-."
                    ),
                    "params": _spaces.Text(max_length=_MAX_PARAMS_TEXT, min_length=0, charset=string.printable),
                }
            )
            self.observation_space = _spaces.Text(max_length=_MAX_OBSERVATION_TEXT, min_length=0, charset=string.printable)

    @classmethod
    def resume(
        cls,
        episode_id: str,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        client: Optional[Client] = None,
    ) -> "DojoEnv":
        """Reopens an episode (closed by the client, an idle timeout or a server restart) where its
        history ends, and returns it ready to step: no reset needed. The observation ResumeEpisode
        answered is in ``resume_observation`` (None when the episode was still open)."""
        c = client if client is not None else Client(url, token, timeout=timeout)
        try:
            resp = c.resume_episode(episode_id)
        except BaseException:
            if client is None:
                c.close()
            raise
        env = cls(resp["episode"].get("competition", ""), client=c, _episode=resp["episode"])
        env._owns_client = client is None
        env.resume_observation = resp.get("observation") or None
        return env

    @property
    def actions(self) -> List[str]:
        """The actions this episode takes (known after reset)."""
        return list(self.reset_info.get("actions") or self.episode.get("config", {}).get("actions") or [])

    def reset(self, *, seed: Optional[int] = None, options: Optional[Mapping[str, Any]] = None) -> Tuple[Observation, Dict[str, Any]]:
        """Starts or restarts the episode: Gymnasium's ``reset(seed, options) -> (obs, info)``.

        The observation carries the task (``obs["info"]["task"]``); the info the episode id,
        actions, budgets and the sandbox's isolation report.
        """
        if _gym is not None:
            super().reset(seed=seed)
        resp = self.client.reset(self.episode_id, seed=seed, options=options)
        self.reset_info = dict(resp.get("info") or {})
        return resp.get("observation") or {}, dict(self.reset_info)

    def step(self, action: Any) -> StepResult:
        """Performs one action: Gymnasium's ``step(action) -> (obs, reward, terminated, truncated,
        info)``.

        ``action`` is ``{"action": "execute_code", "params": {"code": "..."}}`` (``"name"`` works
        for ``"action"``), or ``("execute_code", {"code": "..."})``. A mistake of the agent is
        ``obs["status"] == "error"`` with ``obs["error"]`` saying which; a failed call raises a
        :class:`~dojo_client.DojoError`. ``info`` holds the server's info and ``"step"``, the steps
        taken since reset.
        """
        name, params = normalize_action(action)
        resp = self.client.step(self.episode_id, name, params)
        info = dict(resp.get("info") or {})
        info["step"] = resp.get("step", 0)
        return (
            resp.get("observation") or {},
            float(resp.get("reward") or 0.0),
            bool(resp.get("terminated")),
            bool(resp.get("truncated")),
            info,
        )

    # Shorthands for the core actions.

    def execute_code(self, code: str) -> StepResult:
        """``step({"action": "execute_code", "params": {"code": code}})``: runs the code and scores
        the submission file it writes."""
        return self.step(("execute_code", {"code": code}))

    def validate_code(self, code: str) -> StepResult:
        """Checks and runs code without scoring a submission."""
        return self.step(("validate_code", {"code": code}))

    def request_info(self, info_type: str = "all") -> StepResult:
        """Asks for the task's overview, data structure, sample submission, ... (one step)."""
        return self.step(("request_info", {"info_type": info_type}))

    def history(self, last: int = 0) -> List[Dict[str, Any]]:
        """The episode's recorded events (``{"type": "reset"|"step", "step", "action", "result",
        ...}``), oldest first; ``last`` keeps only the last so many. Does not use up a step."""
        resp = self.client.get_history(self.episode_id, last=last)
        if resp.get("episode"):
            self.episode = resp["episode"]
        return list(resp.get("events") or [])

    def render(self) -> None:
        """Nothing to render: observations are text."""
        return None

    def close(self) -> None:
        """Closes the episode on the server (its sandbox stops; its history stays, and
        :meth:`resume` reopens it), then the client if the env made it. Closing twice, or an
        episode already closed, is fine."""
        if self.closed:
            return
        try:
            self.episode = self.client.close_episode(self.episode_id)
        except (EpisodeClosed, EpisodeNotFound):
            pass
        # Any other failure (the server unreachable) propagates and leaves the env open, so close
        # can be called again.
        self.closed = True
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> "DojoEnv":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc_type is None:
            self.close()
        else:
            try:  # the call's own error matters more than a failure to close after it
                self.close()
            except Exception:
                pass
        return False

    def __repr__(self) -> str:
        return f"DojoEnv(competition={self.competition!r}, episode_id={self.episode_id!r}, url={self.client.url!r})"
