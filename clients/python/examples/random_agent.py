#!/usr/bin/env python3
"""A random agent over the remote env API: the shape of every agent loop with dojo_client.

It submits the competition's sample submission first (a valid, scored baseline), then takes random
actions until the episode ends or --steps are spent, and prints one line per step and a summary.

    DOJO_TOKEN=... python3 examples/random_agent.py --url http://127.0.0.1:8470 --competition iris-species@1

Run it from a checkout without installing: it puts ../src on sys.path.
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

import dojo_client  # noqa: E402

COPY_SAMPLE = """import os, shutil
data = os.environ.get("DOJO_DATA", "/data")
shutil.copy(os.path.join(data, "sample_submission.csv"), "submission.csv")
print("submitted the sample submission")
"""

RANDOM_ACTIONS = [
    ("request_info", {"info_type": "data_structure"}),
    ("request_info", {"info_type": "sample_submission"}),
    ("validate_code", {"code": "import os\nprint(sorted(os.listdir(os.environ.get('DOJO_DATA', '/data'))))"}),
    ("execute_code", {"code": COPY_SAMPLE}),
    ("get_history", {"last": 3}),
]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("DOJO_URL", dojo_client.DEFAULT_URL), help="the server (env DOJO_URL)")
    p.add_argument("--token", default=os.environ.get("DOJO_TOKEN", ""), help="bearer token (env DOJO_TOKEN)")
    p.add_argument("--competition", required=True, help="a prepared competition id, e.g. iris-species@1")
    p.add_argument("--steps", type=int, default=5, help="episode budget (max_steps)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    rng = random.Random(args.seed)
    total = 0.0
    try:
        with dojo_client.DojoEnv(args.competition, url=args.url, token=args.token, config={"max_steps": args.steps}) as env:
            obs, info = env.reset(seed=args.seed)
            print(f"episode {env.episode_id}: {obs['info']['task'].splitlines()[0]}")
            action = ("execute_code", {"code": COPY_SAMPLE})
            while True:
                obs, reward, terminated, truncated, info = env.step(action)
                total += reward
                err = obs.get("error") or {}
                print(
                    f"step {info['step']}: {obs['action']} -> {obs['status']}"
                    + (f" ({err.get('type')}: {err.get('message')})" if err else "")
                    + f", reward {reward:.4f}"
                )
                if terminated or truncated:
                    break
                action = rng.choice(RANDOM_ACTIONS)
            summary = {
                "episode_id": env.episode_id,
                "steps": info["step"],
                "total_reward": total,
                "best_raw_score": obs.get("best_raw_score"),
                "best_humanrank": obs.get("best_humanrank"),
                "terminated": terminated,
                "truncated": truncated,
            }
    except dojo_client.DojoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
