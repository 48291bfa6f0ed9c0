"""Starts a private Dovecot for a test in another language (the real-window tests), delivers
the messages given as files, prints {"port", "user", "password"} as one line of JSON, and
stops the server when standard input closes.

    python3 tests/imap/serve.py [message.eml ...]
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dovecot import PASSWORD, USER, Dovecot  # noqa: E402


def main():
    server = Dovecot()
    try:
        for path in sys.argv[1:]:
            with open(path, "rb") as f:
                server.deliver(f.read())
        print(json.dumps({"port": server.port, "user": USER, "password": PASSWORD}), flush=True)
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
