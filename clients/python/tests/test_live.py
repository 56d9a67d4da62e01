"""Live tests against a running `dojo serve` (see _support.py for the environment they read)."""

import unittest

from _support import COMPETITION, COPY_SAMPLE, LiveTestCase, MAX_CODE_BYTES, MAX_EPISODES, MAX_REQUEST_BYTES, TOKEN, URL

import dojo_client
from dojo_client import DojoEnv, DojoVectorEnv


class EpisodeTest(LiveTestCase):
    def test_whole_episode_scores_a_submission_and_ends(self):
        config = {"max_steps": 10, "actions": ["files", "submit"], "seed": 7}
        with DojoEnv(COMPETITION, url=URL, token=TOKEN, config=config) as env:
            self.assertRegex(env.episode_id, r"^[0-9a-f]+$")
            self.assertEqual(env.episode["status"], "open")
            self.assertEqual(env.episode["config"]["max_steps"], 10)

            obs, info = env.reset(seed=42)
            self.assertEqual(obs["status"], "ok")
            self.assertIn("task", obs["info"])
            self.assertEqual(info["episode_id"], env.episode_id)
            for a in ("request_info", "execute_code", "get_history", "files", "submit"):
                self.assertIn(a, env.actions)

            obs, reward, terminated, truncated, info = env.step({"action": "request_info", "params": {"info_type": "name"}})
            self.assertEqual(obs["status"], "ok", obs)
            self.assertEqual((reward, terminated, truncated, info["step"]), (0.0, False, False, 1))

            # An agent's mistake is an observation, not an exception.
            obs, reward, terminated, truncated, info = env.step(("execute_code", {"code": "raise ValueError('boom')"}))
            self.assertEqual(obs["status"], "error")
            self.assertEqual(obs["execution"]["outcome"], "exit_nonzero", obs)
            self.assertIn("boom", obs["execution"]["stderr"])
            self.assertFalse(terminated or truncated)

            obs, reward, terminated, truncated, info = env.execute_code(COPY_SAMPLE)
            self.assertEqual(obs["status"], "ok", obs)
            sub = obs["submission"]
            self.assertTrue(sub["valid"], sub)
            self.assertEqual(sub["raw_score"], 0.5)
            self.assertGreater(reward, 0)
            self.assertEqual(obs["best_raw_score"], 0.5)
            self.assertEqual(obs["execution"]["stdout"], "copied\n")

            obs, _, _, _, info = env.step({"name": "get_history"})
            self.assertEqual(obs["status"], "ok", obs)
            self.assertEqual(info["step"], 4)

            obs, reward, terminated, truncated, info = env.step({"action": "submit", "params": {}})
            self.assertTrue(terminated, obs)
            self.assertFalse(truncated)
            self.assertTrue(obs["submission"]["valid"], obs)  # the final answer, scored
            self.assertGreater(reward, 0)

            # A step after the end is the agent's mistake too.
            obs, reward, terminated, truncated, _ = env.step(("request_info", {}))
            self.assertEqual(obs["error"]["type"], "invalid_action")
            self.assertTrue(terminated)

            events = env.history()
            self.assertEqual([e["type"] for e in events], ["reset"] + ["step"] * 5)
            self.assertEqual(events[3]["action"]["action"], "execute_code")
            self.assertEqual(len(env.history(last=2)), 2)
            self.assertTrue(env.episode["terminated"])
            episode_id = env.episode_id
        self.assertTrue(env.closed)
        c = self.client()
        self.assertEqual(c.get_history(episode_id)["episode"]["status"], "closed")
        env.close()  # closing twice is fine

    def test_max_steps_truncates(self):
        with DojoEnv(COMPETITION, url=URL, token=TOKEN, config={"max_steps": 2, "exec_mode": "session"}) as env:
            env.reset()
            _, _, terminated, truncated, _ = env.execute_code("x = 41")
            self.assertFalse(terminated or truncated)
            obs, _, terminated, truncated, _ = env.execute_code("x += 1\nprint(x)")
            self.assertEqual(obs["execution"]["stdout"], "42\n")  # session mode keeps x
            self.assertFalse(terminated)
            self.assertTrue(truncated)

    def test_resume_after_close(self):
        env = DojoEnv(COMPETITION, url=URL, token=TOKEN, config={"max_steps": 5})
        env.reset()
        env.request_info("name")
        env.close()
        with self.assertRaises(dojo_client.EpisodeClosed):
            self.client().step(env.episode_id, "request_info", {})
        with DojoEnv.resume(env.episode_id, url=URL, token=TOKEN) as again:
            self.assertEqual(again.episode_id, env.episode_id)
            self.assertIsNotNone(again.resume_observation)
            self.assertEqual(again.episode["step"], 1)
            _, _, _, _, info = again.request_info("name")
            self.assertEqual(info["step"], 2)


class ClientTest(LiveTestCase):
    def test_lists(self):
        c = self.client()
        comps = c.list_competitions(prepared_only=True)
        self.assertIn(COMPETITION, [x["id"] for x in comps])
        self.assertTrue(all(x["prepared"] for x in comps))
        actions = {a["name"]: a for a in c.list_actions()}
        self.assertTrue(actions["execute_code"]["core"])
        self.assertEqual(actions["execute_code"]["params_schema"]["required"], ["code"])
        self.assertEqual(c.healthz(), {"status": "ok"})
        ep = c.create_episode(COMPETITION, {"max_steps": 3})
        try:
            self.assertEqual(c.list_episodes()[0]["id"], ep["id"])  # newest first
        finally:
            c.close_episode(ep["id"])


class ErrorTest(LiveTestCase):
    def test_bad_token_is_unauthenticated(self):
        c = dojo_client.Client(URL, "not-a-token-of-this-server", retries=0)
        self.addCleanup(c.close)
        with self.assertRaises(dojo_client.Unauthenticated) as cm:
            c.list_episodes()
        self.assertEqual(cm.exception.status, 401)
        self.assertTrue(cm.exception.causes)
        with self.assertRaises(dojo_client.Unauthenticated):
            DojoEnv(COMPETITION, url=URL, token="")

    def test_unknown_episode(self):
        c = self.client()
        with self.assertRaises(dojo_client.EpisodeNotFound) as cm:
            c.get_history("0123456789abcdef")
        self.assertEqual(cm.exception.type, "episode_not_found")
        self.assertEqual(cm.exception.status, 404)
        with self.assertRaises(dojo_client.EpisodeNotFound):
            DojoEnv.resume("0123456789abcdef", url=URL, token=TOKEN)

    def test_unknown_competition_and_bad_config(self):
        c = self.client()
        with self.assertRaises(dojo_client.CompetitionNotFound):
            c.create_episode("no-such-competition@1")
        with self.assertRaises(dojo_client.InvalidArgument) as cm:
            c.create_episode(COMPETITION, {"max_steps": 10**6})
        self.assertIn(cm.exception.type, ("config", "invalid_argument"))
        with self.assertRaises(dojo_client.InvalidArgument):
            c.create_episode(COMPETITION, {"max_stepz": 3})

    def test_step_errors_do_not_use_up_a_step(self):
        with DojoEnv(COMPETITION, url=URL, token=TOKEN, config={"max_steps": 5, "actions": ["files"]}) as env:
            with self.assertRaises(dojo_client.InvalidAction):
                env.request_info()  # before reset
            env.reset()
            with self.assertRaises(dojo_client.InvalidArgument) as cm:
                env.step({"action": "files", "params": {"op": "read", "path": "../episode.json"}})
            self.assertIn("..", cm.exception.message)
            self.assertTrue(cm.exception.causes)
            if MAX_CODE_BYTES:
                with self.assertRaises(dojo_client.RequestTooLarge) as cm:
                    env.execute_code("x = 1\n" * (MAX_CODE_BYTES // 6 + 1))
                self.assertEqual(cm.exception.status, 429)
            if MAX_REQUEST_BYTES:
                # Far over the limit: the server answers before reading the body and hangs up; the
                # client still reports its answer, not a broken pipe.
                big = {"action": "files", "params": {"op": "write", "path": "big.txt", "content": "x" * (MAX_REQUEST_BYTES * 256)}}
                with self.assertRaises(dojo_client.RequestTooLarge) as cm:
                    env.step(big)
                self.assertIn("request body", cm.exception.message)
            _, _, _, _, info = env.request_info("name")
            self.assertEqual(info["step"], 1)

    @unittest.skipUnless(MAX_EPISODES, "DOJO_TEST_MAX_EPISODES is not set")
    def test_server_busy_past_max_episodes(self):
        c = self.client()
        made = []
        try:
            for _ in range(MAX_EPISODES - len(self.open_episodes(c))):
                made.append(c.create_episode(COMPETITION, {"max_steps": 2})["id"])
            with self.assertRaises(dojo_client.ServerBusy) as cm:
                c.create_episode(COMPETITION)
            self.assertEqual(cm.exception.status, 429)
            self.assertIsInstance(cm.exception, dojo_client.ResourceExhausted)
        finally:
            for i in made:
                c.close_episode(i)
        c.close_episode(c.create_episode(COMPETITION)["id"])  # room again


class VectorTest(LiveTestCase):
    def test_four_episodes_step_concurrently_and_autoreset(self):
        config = {"max_steps": 2, "exec_mode": "session"}
        with DojoVectorEnv(COMPETITION, 4, url=URL, token=TOKEN, config=config) as envs:
            self.assertEqual(len(envs), 4)
            self.assertEqual(len(set(envs.episode_ids)), 4)
            obs, infos = envs.reset(seed=10)
            self.assertEqual([o["status"] for o in obs], ["ok"] * 4)
            self.assertEqual([i["episode_id"] for i in infos], envs.episode_ids)

            actions = [("execute_code", {"code": "x = %d" % i}) for i in range(4)]
            obs, rewards, terminated, truncated, infos = envs.step(actions)
            self.assertEqual(rewards, [0.0] * 4)
            self.assertEqual(truncated, [False] * 4)

            show = [{"action": "execute_code", "params": {"code": "print(x)"}}] * 4
            obs, rewards, terminated, truncated, infos = envs.step(show)
            self.assertEqual([o["execution"]["stdout"] for o in obs], ["%d\n" % i for i in range(4)])
            self.assertEqual(truncated, [True] * 4)
            self.assertEqual(terminated, [False] * 4)

            # Next-step autoreset: the action is ignored, the sub-envs start over.
            obs, rewards, terminated, truncated, infos = envs.step(show)
            self.assertEqual([o["action"] for o in obs], ["reset"] * 4)
            self.assertTrue(all(i["autoreset"] for i in infos))
            self.assertEqual((rewards, terminated, truncated), ([0.0] * 4, [False] * 4, [False] * 4))

            obs, *_ = envs.step(show)  # a fresh interpreter: x is gone
            self.assertTrue(all("NameError" in o["execution"]["stderr"] for o in obs), obs)

            steps = envs.call(lambda e: e.history(last=1)[0]["step"])
            self.assertEqual(steps, [1] * 4)
            ids = envs.episode_ids
        c = self.client()
        closed = {e["id"]: e["status"] for e in c.list_episodes()}
        self.assertEqual([closed[i] for i in ids], ["closed"] * 4)

    def test_failure_of_one_sub_env_names_it(self):
        with DojoVectorEnv(COMPETITION, 2, url=URL, token=TOKEN, config={"max_steps": 3}) as envs:
            envs.reset()
            self.client().close_episode(envs.episode_ids[1])
            with self.assertRaises(dojo_client.EpisodeClosed) as cm:
                envs.step([("request_info", {"info_type": "name"})] * 2)
            self.assertEqual(cm.exception.sub_env, 1)
            self.assertEqual(envs.envs[0].history(last=1)[0]["step"], 1)  # the other one stepped


if __name__ == "__main__":
    unittest.main()
