"""DojoEnv with and without gymnasium.

Gymnasium is not a dependency, and may not be installed where these tests run; a tiny fake
`gymnasium` package (the few names dojo_client uses) stands in for it in a child interpreter, since
dojo_client picks its base class at import time.
"""

import importlib.util
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

from _support import COMPETITION, SRC, TOKEN, URL

import dojo_client

FAKE_INIT = '''
"""A stand-in for gymnasium in dojo_client's tests: Env and two spaces, nothing else."""
from . import spaces


class Env:
    metadata = {}

    def reset(self, *, seed=None, options=None):
        self.seeded_with = seed  # the real Env seeds self.np_random here

    def close(self):
        pass
'''

FAKE_SPACES = '''
class Text:
    def __init__(self, max_length, *, min_length=1, charset="abc", seed=None):
        self.max_length, self.min_length, self.charset = max_length, min_length, set(charset)

    def contains(self, x):
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length and set(x) <= self.charset


class Dict:
    def __init__(self, spaces):
        self.spaces = dict(spaces)

    def contains(self, x):
        return isinstance(x, dict) and x.keys() == self.spaces.keys() and all(
            s.contains(x[k]) for k, s in self.spaces.items())
'''

CHILD = '''
import json, os, sys
import gymnasium
import dojo_client
from dojo_client import DojoEnv

assert dojo_client.HAS_GYMNASIUM
assert issubclass(DojoEnv, gymnasium.Env), DojoEnv.__mro__
url, token, competition = os.environ["DOJO_TEST_URL"], os.environ["DOJO_TEST_TOKEN"], os.environ["COMPETITION"]
with DojoEnv(competition, url=url, token=token, config={"max_steps": 3}) as env:
    assert isinstance(env, gymnasium.Env)
    assert isinstance(env.action_space, gymnasium.spaces.Dict)
    assert isinstance(env.observation_space, gymnasium.spaces.Text)
    obs, info = env.reset(seed=5)
    assert env.seeded_with == 5, "DojoEnv.reset must call gymnasium.Env.reset(seed=...)"
    assert env.observation_space.contains(json.dumps(obs)), obs
    # An action as the space holds it: params as JSON text.
    action = {"action": "request_info", "params": json.dumps({"info_type": "name"})}
    assert env.action_space.contains(action)
    obs, reward, terminated, truncated, info = env.step(action)
    assert obs["status"] == "ok", obs
    assert info["step"] == 1
print("gymnasium path ok")
'''


class GymnasiumTest(unittest.TestCase):
    def test_without_gymnasium_dojo_env_is_a_plain_class(self):
        if importlib.util.find_spec("gymnasium") is not None:
            import gymnasium

            self.assertTrue(dojo_client.HAS_GYMNASIUM)
            self.assertTrue(issubclass(dojo_client.DojoEnv, gymnasium.Env))
            return
        self.assertFalse(dojo_client.HAS_GYMNASIUM)
        self.assertEqual(dojo_client.DojoEnv.__mro__[1:], (object,))
        for name in ("reset", "step", "close", "render", "__enter__", "__exit__"):
            self.assertTrue(callable(getattr(dojo_client.DojoEnv, name)))

    @unittest.skipUnless(URL, "DOJO_TEST_URL is not set: no live `dojo serve` to test against")
    def test_with_gymnasium_dojo_env_is_a_gymnasium_env(self):
        with tempfile.TemporaryDirectory() as fake:
            os.mkdir(os.path.join(fake, "gymnasium"))
            with open(os.path.join(fake, "gymnasium", "__init__.py"), "w") as f:
                f.write(textwrap.dedent(FAKE_INIT))
            with open(os.path.join(fake, "gymnasium", "spaces.py"), "w") as f:
                f.write(textwrap.dedent(FAKE_SPACES))
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([fake, SRC]), PYTHONDONTWRITEBYTECODE="1",
                       COMPETITION=COMPETITION, DOJO_TEST_URL=URL, DOJO_TEST_TOKEN=TOKEN)
            run = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("gymnasium path ok", run.stdout)


if __name__ == "__main__":
    unittest.main()
