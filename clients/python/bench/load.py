#!/usr/bin/env python3
"""Load driver for `dojo serve`: N concurrent episodes stepping trivial code, through dojo_client.

Each of --episodes threads creates an episode (session exec mode by default), resets it and takes
one warm-up step (the first execution starts the episode's interpreter), then all start together and
step --code with --action until --duration seconds have passed. An episode that runs out of steps is
reset (not timed). The result is one JSON object on stdout (or --out): steps, steps per second,
step latency percentiles as the client sees them (request sent to answer read), statuses.

internal/benchreport runs it against a `dojo serve` it starts (`make bench`); by hand:

    DOJO_TOKEN=... python3 bench/load.py --url http://127.0.0.1:8470 --competition toy-species@2 \\
        --episodes 8 --duration 5
"""

import argparse
import collections
import json
import os
import platform
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

import dojo_client  # noqa: E402


def quantile(sorted_values, q):
    """The q-quantile of sorted values, interpolating between the two nearest (as benchreport does)."""
    if not sorted_values:
        return 0.0
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (pos - lo) * (sorted_values[hi] - sorted_values[lo])


class Worker(threading.Thread):
    def __init__(self, i, args, client, start_barrier, clock):
        super().__init__(name=f"episode-{i}", daemon=True)
        self.args, self.client, self.barrier, self.clock = args, client, start_barrier, clock
        self.latencies = []
        self.statuses = collections.Counter()
        self.error_types = collections.Counter()
        self.failures = []
        self.resets = 0
        self.setup_error = None
        self.last_end = 0.0
        self.episode_id = ""

    def run(self):
        a = self.args
        config = {"exec_mode": a.exec_mode}
        if a.max_steps:
            config["max_steps"] = a.max_steps
        action = (a.action, {"code": a.code})
        env = None
        try:
            env = dojo_client.DojoEnv(a.competition, config=config, client=self.client)
            self.episode_id = env.episode_id
            env.reset()
            env.step(action)  # warm-up: starts the session interpreter
        except Exception as e:  # noqa: BLE001 - reported, and the run stops
            self.setup_error = e
            self.barrier.abort()
            self._close(env)
            return
        try:
            self.barrier.wait()
        except threading.BrokenBarrierError:
            self._close(env)
            return
        deadline = self.clock["deadline"]
        perf = time.perf_counter
        while perf() < deadline:
            t0 = perf()
            try:
                obs, _, terminated, truncated, _ = env.step(action)
            except dojo_client.DojoError as e:
                self.failures.append(f"{type(e).__name__}: {e.type}: {e.message}")
                if isinstance(e, (dojo_client.EpisodeClosed, dojo_client.EpisodeNotFound, dojo_client.DojoConnectionError)):
                    break
                continue
            t1 = perf()
            self.latencies.append(t1 - t0)
            self.last_end = t1
            self.statuses[obs.get("status", "?")] += 1
            if obs.get("error"):
                self.error_types[obs["error"].get("type", "?")] += 1
            if terminated or truncated:
                try:
                    env.reset()
                    self.resets += 1
                except dojo_client.DojoError as e:
                    self.failures.append(f"reset: {type(e).__name__}: {e}")
                    break
        self._close(env)

    @staticmethod
    def _close(env):
        if env is not None:
            try:
                env.close()
            except dojo_client.DojoError:
                pass


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("DOJO_URL", dojo_client.DEFAULT_URL), help="the server (env DOJO_URL)")
    p.add_argument("--token", default=os.environ.get("DOJO_TOKEN", ""), help="bearer token (env DOJO_TOKEN)")
    p.add_argument("--competition", default="toy-species@2")
    p.add_argument("--episodes", type=int, default=32, help="concurrent episodes, one client thread each")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of stepping, after setup")
    p.add_argument("--code", default="x = 1", help="the code every step runs")
    p.add_argument("--action", default="execute_code", help="execute_code or validate_code")
    p.add_argument("--exec-mode", default="session", choices=("session", "fresh"))
    p.add_argument("--max-steps", type=int, default=0, help="episode max_steps (0: the server's default)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds one call may take")
    p.add_argument("--out", default="", help="write the JSON result to this file instead of stdout")
    a = p.parse_args()
    if a.episodes < 1 or a.duration <= 0:
        p.error("--episodes must be at least 1 and --duration above 0")

    client = dojo_client.Client(a.url, a.token, timeout=a.timeout)
    clock = {}
    setup_start = time.perf_counter()

    def go():  # runs once, when every worker is ready: the timed window starts
        clock["start"] = time.perf_counter()
        clock["deadline"] = clock["start"] + a.duration

    barrier = threading.Barrier(a.episodes, action=go)
    workers = [Worker(i, a, client, barrier, clock) for i in range(a.episodes)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    client.close()

    broken = [w for w in workers if w.setup_error is not None]
    if broken:
        print(f"load: {len(broken)} of {a.episodes} episodes failed to start; first: {broken[0].setup_error}", file=sys.stderr)
        return 1
    start = clock["start"]
    end = max([w.last_end for w in workers] + [clock["deadline"]])
    lat = sorted(x for w in workers for x in w.latencies)
    statuses = sum((w.statuses for w in workers), collections.Counter())
    error_types = sum((w.error_types for w in workers), collections.Counter())
    failures = [f for w in workers for f in w.failures]
    window = end - start
    result = {
        "episodes": a.episodes,
        "exec_mode": a.exec_mode,
        "action": a.action,
        "code": a.code,
        "setup_s": start - setup_start,
        "duration_s": window,
        "steps": len(lat),
        "steps_per_s": len(lat) / window if window > 0 else 0.0,
        "latency_ms": {
            "p50": 1000 * quantile(lat, 0.50),
            "p90": 1000 * quantile(lat, 0.90),
            "p99": 1000 * quantile(lat, 0.99),
            "max": 1000 * (lat[-1] if lat else 0.0),
            "mean": 1000 * (sum(lat) / len(lat) if lat else 0.0),
        },
        "steps_per_episode": {"min": min(len(w.latencies) for w in workers), "max": max(len(w.latencies) for w in workers)},
        "resets": sum(w.resets for w in workers),
        "statuses": dict(statuses),
        "error_types": dict(error_types),
        "failures": len(failures),
        "failure_examples": failures[:5],
        "python": platform.python_version(),
    }
    text = json.dumps(result, indent=2, sort_keys=True)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    return 0 if not failures else 2


if __name__ == "__main__":
    sys.exit(main())
