"""Unit tests: typed errors from the server's answers."""

import json
import unittest

import _support  # noqa: F401  (puts src/ on sys.path)

import dojo_client
from dojo_client import errors


def connect_body(code, etype, message, details="", causes=()):
    debug = {"type": etype, "message": message, "causes": list(causes)}
    if details:
        debug["details"] = details
    return json.dumps(
        {
            "code": code,
            "message": f"{etype}: {message}",
            "details": [{"type": "dojo.env.v1.Error", "value": "AAAA", "debug": debug}],
        }
    ).encode()


class FromResponseTest(unittest.TestCase):
    def test_every_documented_type_maps_to_its_class(self):
        cases = {
            "unauthenticated": dojo_client.Unauthenticated,
            "episode_not_found": dojo_client.EpisodeNotFound,
            "episode_closed": dojo_client.EpisodeClosed,
            "server_busy": dojo_client.ServerBusy,
            "request_too_large": dojo_client.RequestTooLarge,
            "invalid_argument": dojo_client.InvalidArgument,
            "config": dojo_client.ConfigError,
            "invalid_action": dojo_client.InvalidAction,
            "competition_not_found": dojo_client.CompetitionNotFound,
            "plugin_not_found": dojo_client.PluginNotFound,
            "plugin_crashed": dojo_client.PluginCrashed,
            "unavailable": dojo_client.Unavailable,
            "internal": dojo_client.InternalError,
        }
        for etype, cls in cases.items():
            with self.subTest(etype=etype):
                err = errors.from_response(400, {"Dojo-Error-Type": etype}, connect_body("x", etype, "m"), "Step")
                self.assertIs(type(err), cls)
                self.assertEqual(err.type, etype)
                self.assertIsInstance(err, dojo_client.DojoError)

    def test_body_detail_wins_over_the_cut_header(self):
        body = connect_body("invalid_argument", "invalid_argument", "bad path", details="x" * 5000, causes=["fix it"])
        header = json.dumps({"type": "invalid_argument", "message": "bad path", "details": "x... (cut)"})
        err = errors.from_response(400, {"Dojo-Error-Type": "invalid_argument", "Dojo-Error": header}, body, "Step")
        self.assertEqual(len(err.details), 5000)
        self.assertEqual(err.causes, ["fix it"])
        self.assertEqual((err.status, err.code, err.method), (400, "invalid_argument", "Step"))
        self.assertIn("Step: invalid_argument: bad path", str(err))
        self.assertIn("likely causes: fix it", str(err))

    def test_header_alone_is_enough(self):
        header = json.dumps({"type": "server_busy", "message": "16 episodes are open", "causes": ["close one"]})
        err = errors.from_response(429, {"Dojo-Error": header}, b"", "CreateEpisode")
        self.assertIsInstance(err, dojo_client.ServerBusy)
        self.assertIsInstance(err, dojo_client.ResourceExhausted)
        self.assertEqual(err.causes, ["close one"])

    def test_unknown_type_is_a_plain_dojo_error_keeping_the_type(self):
        err = errors.from_response(500, {"Dojo-Error-Type": "sandbox_init"}, connect_body("internal", "sandbox_init", "no cgroup"), "Reset")
        self.assertIs(type(err), dojo_client.DojoError)
        self.assertEqual(err.type, "sandbox_init")
        self.assertEqual(err.message, "no cgroup")

    def test_connect_code_without_dojo_type(self):
        body = json.dumps({"code": "resource_exhausted", "message": "message larger than max"}).encode()
        err = errors.from_response(429, {}, body, "Step")
        self.assertIs(type(err), dojo_client.ResourceExhausted)
        self.assertEqual(err.type, "resource_exhausted")

    def test_not_connect_at_all(self):
        err = errors.from_response(502, {}, b"<html>Bad Gateway</html>", "Step")
        self.assertIsInstance(err, dojo_client.Unavailable)
        self.assertIn("Bad Gateway", err.message)
        err = errors.from_response(418, {}, b"teapot", "Step")
        self.assertIsInstance(err, dojo_client.ProtocolError)

    def test_hierarchy(self):
        self.assertTrue(issubclass(dojo_client.ConfigError, dojo_client.InvalidArgument))
        self.assertTrue(issubclass(dojo_client.EpisodeNotFound, dojo_client.NotFound))
        self.assertTrue(issubclass(dojo_client.RequestTooLarge, dojo_client.ResourceExhausted))
        self.assertTrue(issubclass(dojo_client.DojoConnectionError, ConnectionError))
        self.assertTrue(issubclass(dojo_client.DojoTimeoutError, TimeoutError))
        self.assertTrue(issubclass(dojo_client.DojoTimeoutError, dojo_client.DojoConnectionError))
        self.assertIs(dojo_client.error_class("no_such_type"), dojo_client.DojoError)
        e = dojo_client.EpisodeClosed("closed", causes=["resume"])
        self.assertEqual(e.to_dict(), {"type": "episode_closed", "message": "closed", "details": "", "causes": ["resume"]})


if __name__ == "__main__":
    unittest.main()
