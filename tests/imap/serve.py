"""Starts a private Dovecot for a test in another language (the real-window tests), delivers
the messages given as files, and, with --smtp, a loopback SMTP server (aiosmtpd) that writes
each message it receives into a folder. Prints {"port", "user", "password"[, "smtp_port",
"smtp_dir"]} as one line of JSON, and stops both when standard input closes.

    python3 tests/imap/serve.py [--smtp] [message.eml ...]
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dovecot import PASSWORD, USER, Dovecot, free_port  # noqa: E402


class Keep:
    """An aiosmtpd handler writing each message it accepts to DIR/<n>.eml."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.folder, "%d.eml" % self.count)
        with open(path + ".part", "wb") as f:
            f.write(envelope.content)
        os.replace(path + ".part", path)
        return "250 OK"


def main():
    args = sys.argv[1:]
    smtp = "--smtp" in args
    files = [a for a in args if a != "--smtp"]
    server = Dovecot()
    controller = None
    try:
        for path in files:
            with open(path, "rb") as f:
                server.deliver(f.read())
        info = {"port": server.port, "user": USER, "password": PASSWORD}
        if smtp:
            from aiosmtpd.controller import Controller

            folder = tempfile.mkdtemp(prefix="rapport-smtp-")
            info["smtp_port"] = free_port()
            info["smtp_dir"] = folder
            controller = Controller(Keep(folder), hostname="127.0.0.1", port=info["smtp_port"])
            controller.start()
        print(json.dumps(info), flush=True)
        sys.stdin.read()
    finally:
        if controller:
            controller.stop()
        server.stop()


if __name__ == "__main__":
    main()
