"""The mailbox sync on a generated mailbox, against a private Dovecot on loopback.

    python3 tests/imap/bench_mail.py [--messages 10000] [--known 0.05] [--cli target/release/rapport]

Fills the inbox with N messages (written into Dovecot's Maildir, as delivery would), a share
of them from contacts Rapport knows, and times `rapport mail sync` twice: the first sync of
the whole mailbox, then an incremental one with nothing new. Prints the figures as JSON, with
the data file's growth per stored message. Run by `make bench-mail`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dovecot import PASSWORD, USER, Dovecot  # noqa: E402

BODY = ("Hello,\n\nthank you for the offer. We would like forty rolls on Friday and a cake "
        "on Saturday; please confirm the price.\n\nBest regards\n") * 3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--known", type=float, default=0.05)
    ap.add_argument("--cli", default="target/release/rapport")
    args = ap.parse_args()
    server = Dovecot()
    try:
        work = tempfile.mkdtemp(prefix="rapport-mail-bench-")
        db = os.path.join(work, "crm.db")
        env = {**os.environ, "RAPPORT_IMAP_PASSWORD": PASSWORD}

        def rapport(*a):
            return subprocess.run([args.cli, "--db", db, *a], check=True, capture_output=True,
                                  text=True, env=env).stdout

        contacts = 200
        csv = os.path.join(work, "people.csv")
        with open(csv, "w") as f:
            f.write("First Name,Last Name,E-mail\n")
            for i in range(contacts):
                f.write("Known,Person %d,known%d@customer.example\n" % (i, i))
        rapport("import", "contacts", csv)
        rapport("mail", "setup", "--host", "127.0.0.1", "--port", str(server.port),
                "--security", "none", "--user", USER)

        # Written straight into the Maildir (as the server's delivery would), then handed over.
        home = os.path.join(server.tmp, "home", USER, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(home, sub), exist_ok=True)
        every = max(1, round(1 / args.known)) if args.known > 0 else 0
        known = 0
        for i in range(args.messages):
            if every and i % every == 0:
                sender = "known%d@customer.example" % (known % contacts)
                known += 1
            else:
                sender = "someone%d@elsewhere.example" % i
            msg = ("From: %s\r\nTo: %s\r\nSubject: Order %d\r\nMessage-ID: <m%d@bench.example>\r\n"
                   "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\n\r\n%s" % (sender, USER, i, i, BODY.replace("\n", "\r\n")))
            with open(os.path.join(home, "new", "%d.bench" % i), "w", newline="") as f:
                f.write(msg)
        if os.getuid() == 0:
            subprocess.run(["chown", "-R", "dovecot:dovecot", os.path.join(server.tmp, "home")], check=True)

        size_before = os.path.getsize(db)
        t = time.perf_counter()
        first = json.loads(rapport("mail", "sync", "--format", "json"))
        first_s = time.perf_counter() - t
        rapport("backup", "--out", os.path.join(work, "checkpoint.db"))  # folds the WAL in
        size_after = os.path.getsize(db)
        t = time.perf_counter()
        rapport("mail", "sync", "--format", "json")
        again_s = time.perf_counter() - t
        stored = first["stored"]
        print(json.dumps({
            "messages": args.messages,
            "from_known_contacts": known,
            "headers_read": sum(f["seen"] for f in first["folders"]),
            "first_sync_s": round(first_s, 2),
            "stored": stored,
            "incremental_sync_nothing_new_s": round(again_s, 2),
            "file_growth_bytes_per_stored_message": round((size_after - size_before) / max(stored, 1)),
        }, indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
