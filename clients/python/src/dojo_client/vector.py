"""DojoVectorEnv: N remote episodes stepped concurrently."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union

from .client import DEFAULT_TIMEOUT, Client
from .env import DojoEnv, Observation

__all__ = ["DojoVectorEnv"]

T = TypeVar("T")


class DojoVectorEnv:
    """N episodes of one competition on one server, reset and stepped concurrently.

    Each sub-env is a :class:`DojoEnv`; one call fans out to all of them on a thread pool (the
    server runs them in parallel, each in its own sandbox) and returns when every one has answered.
    The results are batched as lists, index ``i`` for sub-env ``i``::

        with DojoVectorEnv("iris-species@1", 4, config={"exec_mode": "session"}) as envs:
            obs, infos = envs.reset(seed=0)          # seeds 0, 1, 2, 3
            obs, rewards, terminated, truncated, infos = envs.step([action] * 4)

    Autoreset (``autoreset=True``, the default) follows Gymnasium 1.x's next-step mode: the step
    that ends a sub-env's episode returns its final observation as usual; on the *next* ``step``
    that sub-env is reset instead of stepped (its action is ignored) and returns the reset
    observation with reward 0.0, ``terminated=truncated=False`` and ``info["autoreset"] = True``.
    With ``autoreset=False`` every action goes to the server, which answers a step after the end
    with an ``invalid_action`` observation; call :meth:`reset_at` yourself.

    A failed call of one sub-env raises its :class:`~dojo_client.DojoError`, with ``sub_env`` set to
    its index, after every other sub-env's call has finished (their steps were taken).

    Args:
        competition: the competition id every sub-env plays.
        n: the number of sub-envs (episodes); the server's ``max_episodes`` bounds it.
        url, token, config, timeout: as for :class:`DojoEnv`; one :class:`Client` is shared.
        autoreset: reset finished sub-envs on their next step, as above.
    """

    def __init__(
        self,
        competition: str,
        n: int,
        url: Optional[str] = None,
        token: Optional[str] = None,
        config: Optional[Mapping[str, Any]] = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        autoreset: bool = True,
        client: Optional[Client] = None,
    ) -> None:
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        self.num_envs = n
        self.autoreset = autoreset
        self._owns_client = client is None
        self.client = client if client is not None else Client(url, token, timeout=timeout)
        self._pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="dojo-vector")
        self.envs: List[DojoEnv] = []
        self._done = [False] * n
        self.closed = False
        created: List[Optional[DojoEnv]] = [None] * n
        try:
            self._fan(lambda i: created.__setitem__(i, DojoEnv(competition, config=config, client=self.client)))
        except BaseException:
            for e in created:
                if e is not None:
                    try:
                        e.close()
                    except Exception:
                        pass
            self._shutdown()
            raise
        self.envs = [e for e in created if e is not None]

    @property
    def episode_ids(self) -> List[str]:
        """The sub-envs' episode ids, in order."""
        return [e.episode_id for e in self.envs]

    def reset(
        self,
        *,
        seed: Union[None, int, Sequence[Optional[int]]] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> Tuple[List[Observation], List[Dict[str, Any]]]:
        """Resets every sub-env: ``(observations, infos)``. An int seed gives sub-env ``i`` the seed
        ``seed + i``; a list gives one seed each."""
        if seed is None or isinstance(seed, int):
            seeds: List[Optional[int]] = [None if seed is None else seed + i for i in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"{len(seeds)} seeds for {self.num_envs} sub-envs")
        out = self._fan(lambda i: self.envs[i].reset(seed=seeds[i], options=options))
        self._done = [False] * self.num_envs
        return [o for o, _ in out], [info for _, info in out]

    def reset_at(self, i: int, *, seed: Optional[int] = None, options: Optional[Mapping[str, Any]] = None) -> Tuple[Observation, Dict[str, Any]]:
        """Resets sub-env ``i`` alone."""
        out = self.envs[i].reset(seed=seed, options=options)
        self._done[i] = False
        return out

    def step(
        self, actions: Sequence[Any]
    ) -> Tuple[List[Observation], List[float], List[bool], List[bool], List[Dict[str, Any]]]:
        """Steps every sub-env with its action (any form :meth:`DojoEnv.step` takes):
        ``(observations, rewards, terminated, truncated, infos)``, each a list of ``num_envs``."""
        actions = list(actions)
        if len(actions) != self.num_envs:
            raise ValueError(f"{len(actions)} actions for {self.num_envs} sub-envs")

        def one(i: int):
            if self.autoreset and self._done[i]:
                obs, info = self.envs[i].reset()
                self._done[i] = False
                info = dict(info)
                info["autoreset"] = True
                return obs, 0.0, False, False, info
            res = self.envs[i].step(actions[i])
            self._done[i] = res[2] or res[3]
            return res

        out = self._fan(one)
        return (
            [r[0] for r in out],
            [r[1] for r in out],
            [r[2] for r in out],
            [r[3] for r in out],
            [r[4] for r in out],
        )

    def call(self, fn: Callable[[DojoEnv], T]) -> List[T]:
        """Calls ``fn(sub_env)`` on every sub-env concurrently and returns the results in order,
        e.g. ``envs.call(lambda e: e.history(last=1))``."""
        return self._fan(lambda i: fn(self.envs[i]))

    def _fan(self, fn: Callable[[int], T]) -> List[T]:
        futures = [self._pool.submit(fn, i) for i in range(self.num_envs)]
        results: List[Any] = []
        first: Optional[BaseException] = None
        for i, f in enumerate(futures):
            try:
                results.append(f.result())
            except BaseException as e:  # wait for the others before raising
                results.append(None)
                if first is None:
                    try:
                        e.sub_env = i  # type: ignore[attr-defined]
                    except AttributeError:
                        pass
                    first = e
        if first is not None:
            raise first
        return results

    def close(self) -> None:
        """Closes every episode and the thread pool. The first failure to close is raised after
        all were tried."""
        if self.closed:
            return
        try:
            if self.envs:
                self._fan(lambda i: self.envs[i].close())
        finally:
            self.closed = True
            self._shutdown()

    def _shutdown(self) -> None:
        self._pool.shutdown(wait=True)
        if self._owns_client:
            self.client.close()

    def __len__(self) -> int:
        return self.num_envs

    def __enter__(self) -> "DojoVectorEnv":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc_type is None:
            self.close()
        else:
            try:
                self.close()
            except Exception:
                pass
        return False

    def __repr__(self) -> str:
        return f"DojoVectorEnv(num_envs={self.num_envs}, url={self.client.url!r})"
