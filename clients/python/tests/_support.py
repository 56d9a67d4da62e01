"""Shared setup of the dojo_client tests.

The unit tests need nothing. The live tests need a running `dojo serve` and read it from the
environment (cmd/dojo/pyclient_test.go starts one and sets these):

    DOJO_TEST_URL            http://127.0.0.1:PORT
    DOJO_TEST_TOKEN          a token the server accepts
    DOJO_TEST_COMPETITION    a prepared competition (default toy-species@2)
    DOJO_TEST_MAX_EPISODES   the server's server.max_episodes
    DOJO_TEST_MAX_CODE_BYTES the server's server.max_code_bytes
    DOJO_TEST_MAX_REQUEST_BYTES the server's server.max_request_bytes

Without DOJO_TEST_URL the live tests are skipped.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

URL = os.environ.get("DOJO_TEST_URL", "")
TOKEN = os.environ.get("DOJO_TEST_TOKEN", "")
COMPETITION = os.environ.get("DOJO_TEST_COMPETITION", "toy-species@2")
MAX_EPISODES = int(os.environ.get("DOJO_TEST_MAX_EPISODES", "0") or 0)
MAX_CODE_BYTES = int(os.environ.get("DOJO_TEST_MAX_CODE_BYTES", "0") or 0)
MAX_REQUEST_BYTES = int(os.environ.get("DOJO_TEST_MAX_REQUEST_BYTES", "0") or 0)

# Code that writes a valid submission: the competition's sample submission, copied.
COPY_SAMPLE = (
    "import os, shutil\n"
    "shutil.copy(os.path.join(os.environ.get('DOJO_DATA', '/data'), 'sample_submission.csv'), 'submission.csv')\n"
    "print('copied')\n"
)


class LiveTestCase(unittest.TestCase):
    """A test against the server named by DOJO_TEST_URL."""

    @classmethod
    def setUpClass(cls):
        if not URL:
            raise unittest.SkipTest("DOJO_TEST_URL is not set: no live `dojo serve` to test against")
        super().setUpClass()

    def client(self, **kw):
        import dojo_client

        c = dojo_client.Client(URL, TOKEN, **kw)
        self.addCleanup(c.close)
        return c

    def open_episodes(self, client):
        return [e for e in client.list_episodes() if e["status"] == "open"]
