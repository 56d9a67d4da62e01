"""Unit tests: the action forms DojoEnv.step accepts."""

import unittest

import _support  # noqa: F401

from dojo_client import normalize_action


class NormalizeActionTest(unittest.TestCase):
    def test_accepted_forms(self):
        code = {"code": "x = 1"}
        for action in (
            {"action": "execute_code", "params": code},
            {"name": "execute_code", "params": code},
            {"action": "execute_code", "name": "execute_code", "params": code},
            ("execute_code", code),
            ["execute_code", code],
            {"action": "execute_code", "params": '{"code": "x = 1"}'},
        ):
            with self.subTest(action=action):
                self.assertEqual(normalize_action(action), ("execute_code", {"code": "x = 1"}))
        self.assertEqual(normalize_action("get_history"), ("get_history", None))
        self.assertEqual(normalize_action(("get_history",)), ("get_history", None))
        self.assertEqual(normalize_action({"action": "get_history", "params": ""}), ("get_history", None))

    def test_refused_forms(self):
        for action, exc in (
            ({"action": "a", "name": "b"}, ValueError),
            ({"action": "a", "parms": {}}, ValueError),
            ({"params": {}}, ValueError),
            ({"action": ""}, ValueError),
            ({"action": "a", "params": "not json"}, ValueError),
            ({"action": "a", "params": [1, 2]}, TypeError),
            (42, TypeError),
            ((), TypeError),
        ):
            with self.subTest(action=action):
                with self.assertRaises(exc):
                    normalize_action(action)


if __name__ == "__main__":
    unittest.main()
