"""Mail from `rapport`, received by a real SMTP server on loopback.

The server is Python's `aiosmtpd` (not ours, not a mock), started by each test on a free port
of 127.0.0.1; what it receives is parsed with the standard `email` package. Every `rapport`
call is a new process on the same file, so each one is also an app restart. Run by
`make test` as `RAPPORT_CLI=target/debug/rapport python -m unittest tests/smtp/test_smtp.py`.
"""

import email
import email.policy
import json
import os
import socket
import subprocess
import tempfile
import unittest

from aiosmtpd.controller import Controller

CLI = os.environ.get("RAPPORT_CLI", "target/debug/rapport")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message; refuses recipients named refuse@..."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse@"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


class Mail(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "crm.db")
        self.port = free_port()
        self.inbox = Inbox()
        self.server = None
        self.rapport(
            "outbox", "setup", "--host", "127.0.0.1", "--port", str(self.port),
            "--security", "none", "--from", "sales@rapport-test.example",
            "--from-name", "Ann from Crumb",
        )

    def tearDown(self):
        self.stop()
        self.dir.cleanup()

    def start(self, **options):
        self.server = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.server.start()

    def stop(self):
        if self.server:
            self.server.stop()
            self.server = None

    def run_cli(self, *args):
        return subprocess.run(
            [CLI, "--db", self.db, *args], capture_output=True, text=True, check=False,
            env={**os.environ, "TZ": "Europe/Berlin"},
        )

    def rapport(self, *args):
        out = self.run_cli(*args)
        if out.returncode != 0:
            raise AssertionError(f"rapport {' '.join(args)} failed: {out.stderr}")
        return out.stdout.strip()

    def json(self, *args):
        return json.loads(self.rapport(*args, "--format", "json"))

    def contact(self, first, last, email_address=None, *extra):
        args = ["contacts", "add", "--first-name", first, "--last-name", last,
                "--account", "Crumb & Co", *extra]
        if email_address:
            args += ["--email", email_address]
        return self.rapport(*args)

    def test_a_promotion_arrives_with_its_merge_fields_and_is_logged_on_the_timeline(self):
        self.rapport("accounts", "add", "--name", "Crumb & Co", "--industry", "Bakery")
        zoe = self.contact("Zoë", "Baker", "zoe@crumb.example")
        self.contact("Otto", "Baker", "otto@crumb.example", "--unsubscribed", "yes")
        self.contact("Nina", "Baker")
        self.rapport("segments", "add", "--name", "Bakers", "--where", "industry is Bakery")
        self.assertEqual(self.rapport("segments", "count", "Bakers"), "3")
        self.rapport(
            "templates", "add", "--name", "Winter", "--subject",
            "Winter offer for {{company}}", "--body",
            "Hello {{first_name|there}},\n\n20 % off <all> bread at {{company}}.\n\n{{sender}}",
        )
        preview = self.json("promotions", "preview", "--template", "Winter", "--segment", "Bakers")
        self.assertEqual((preview["will_send"], preview["skipped"]), (1, 2))

        promo = self.rapport("promotions", "queue", "--name", "Winter 2026",
                             "--template", "Winter", "--segment", "Bakers")
        self.start()
        self.rapport("outbox", "send")

        self.assertEqual(len(self.inbox.messages), 1, "only Zoë may be e-mailed")
        # Nothing waits any more: the promotion is done.
        self.assertEqual(self.json("promotions", "list")[0]["status"], "done")
        rcpts, msg = self.inbox.messages[0]
        self.assertEqual(rcpts, ["zoe@crumb.example"])
        self.assertEqual(msg["Subject"], "Winter offer for Crumb & Co")
        self.assertIn("Zoë Baker", str(msg["To"]))
        self.assertIn("Ann from Crumb <sales@rapport-test.example>", str(msg["From"]))
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        # Mail clients offer an Unsubscribe button that writes to the sender.
        self.assertEqual(
            msg["List-Unsubscribe"], "<mailto:sales@rapport-test.example?subject=unsubscribe>"
        )
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        self.assertIn("Hello Zoë,", text)
        self.assertIn("20 % off <all> bread at Crumb & Co.", text)
        self.assertIn("Ann from Crumb", text)
        self.assertIn("20 % off &lt;all&gt; bread at Crumb &amp; Co.", html)

        progress = self.json("promotions", "progress", promo)
        self.assertEqual((progress["sent"], progress["skipped"], progress["queued"]), (1, 2, 0))
        skipped = self.json("outbox", "list", "--status", "skipped")
        self.assertEqual(sorted(m["skip_reason"] for m in skipped),
                         ["has no e-mail address", "unsubscribed"])
        # The sent message is an outbound e-mail on Zoë's timeline.
        sent = self.json("outbox", "list", "--status", "sent")[0]
        activity = self.json("activities", "get", sent["activity_id"])
        self.assertEqual((activity["kind"], activity["direction"]), ("email", "outbound"))
        self.assertEqual(activity["subject"], "Winter offer for Crumb & Co")
        self.assertIn(zoe, json.dumps(activity["links"]))
        # Sending again sends nothing twice.
        self.rapport("outbox", "send")
        self.assertEqual(len(self.inbox.messages), 1)

    def test_offline_messages_wait_and_go_once_the_server_is_back(self):
        ada = self.contact("Ada", "Baker", "ada@crumb.example")
        self.rapport("templates", "add", "--name", "Hello", "--subject", "Hi {{first_name}}",
                     "--body", "Hello {{first_name}}.")
        self.rapport("sequences", "add", "--name", "Welcome", "--step", "Hello:0")
        self.rapport("sequences", "enroll", "Welcome", "--contact", ada)

        # No server listens: the send fails with the reason, and the message waits.
        out = self.run_cli("outbox", "send")
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn("could not reach the server", out.stderr)
        waiting = self.json("outbox", "list")
        self.assertEqual(len(waiting), 1)
        self.assertEqual((waiting[0]["status"], waiting[0]["attempts"]), ("queued", 1))
        self.assertIsNotNone(waiting[0]["next_attempt_at"])
        self.assertIn("could not reach the server", waiting[0]["last_error"])
        # Its back-off has not passed: sending now leaves it waiting, tried no more.
        self.start()
        self.rapport("outbox", "send")
        self.assertEqual(self.inbox.messages, [])
        # Meanwhile replies are set to go to another address.
        self.rapport(
            "outbox", "setup", "--host", "127.0.0.1", "--port", str(self.port),
            "--security", "none", "--from", "sales@rapport-test.example",
            "--reply-to", "ann@rapport-test.example",
        )
        # "Try again now", then it goes, once.
        self.assertEqual(self.rapport("outbox", "retry"), "1")
        self.rapport("outbox", "send")
        self.rapport("outbox", "send")
        self.assertEqual(len(self.inbox.messages), 1)
        msg = self.inbox.messages[0][1]
        self.assertEqual(msg["Subject"], "Hi Ada")
        self.assertEqual(msg["Reply-To"], "ann@rapport-test.example")
        self.assertEqual(
            msg["List-Unsubscribe"], "<mailto:ann@rapport-test.example?subject=unsubscribe>"
        )
        self.assertEqual(self.json("outbox", "list")[0]["status"], "sent")

    def test_a_refused_recipient_fails_with_the_servers_reason(self):
        bad = self.contact("Rex", "Fuse", "refuse@crumb.example")
        good = self.contact("Gil", "Good", "gil@crumb.example")
        self.rapport("templates", "add", "--name", "Hello", "--subject", "Hi {{first_name}}",
                     "--body", "Hello.")
        self.rapport("sequences", "add", "--name", "Welcome", "--step", "Hello:0")
        self.rapport("sequences", "enroll", "Welcome", "--contact", bad)
        self.rapport("sequences", "enroll", "Welcome", "--contact", good)
        self.start()
        out = self.run_cli("outbox", "send")
        self.assertEqual(out.returncode, 1)
        self.assertIn("550", out.stderr)
        self.assertIn("User unknown", out.stderr)
        failed = self.json("outbox", "list", "--status", "failed")
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["to_address"], "refuse@crumb.example")
        self.assertIn("User unknown", failed[0]["last_error"])
        # The other recipient was not held up by the refusal.
        self.assertEqual([r for r, _ in self.inbox.messages], [["gil@crumb.example"]])

    def test_an_address_this_server_cannot_take_fails_alone(self):
        # A server without SMTPUTF8 (many are) cannot take an accented address.
        mael = self.contact("Maël", "Núñez", "maël.núñez@crumb.example")
        others = [self.contact(n, "Good", f"{n.lower()}@crumb.example") for n in ("Gil", "Ida")]
        self.rapport("templates", "add", "--name", "Hello", "--subject", "Hi {{first_name}}",
                     "--body", "Hello.")
        self.rapport("sequences", "add", "--name", "Welcome", "--step", "Hello:0")
        for who in [mael, *others]:
            self.rapport("sequences", "enroll", "Welcome", "--contact", who)
        self.start(enable_SMTPUTF8=False)
        out = self.run_cli("outbox", "send")
        self.assertEqual(out.returncode, 1)
        self.assertIn("outside plain ASCII", out.stderr)
        failed = self.json("outbox", "list", "--status", "failed")
        self.assertEqual([m["to_address"] for m in failed], ["maël.núñez@crumb.example"])
        self.assertIn("SMTPUTF8", failed[0]["last_error"])
        # Everyone else got theirs in the same run.
        self.assertEqual(sorted(r[0] for r, _ in self.inbox.messages),
                         ["gil@crumb.example", "ida@crumb.example"])
        # Through a server that speaks SMTPUTF8, the same message goes when retried.
        self.stop()
        self.start(enable_SMTPUTF8=True)
        self.assertEqual(self.rapport("outbox", "retry", failed[0]["id"]), "1")
        self.rapport("outbox", "send")
        self.assertEqual(self.inbox.messages[-1][0], ["maël.núñez@crumb.example"])
        self.assertEqual(self.inbox.messages[-1][1]["Subject"], "Hi Maël")

    def test_a_sequence_sends_each_step_on_its_day_and_stops_on_reply_and_unsubscribe(self):
        for name in ("Welcome", "Product info", "Offer"):
            self.rapport("templates", "add", "--name", name,
                         "--subject", name + " for {{first_name}}", "--body", "Dear {{first_name}}.")
        self.rapport("sequences", "add", "--name", "Follow-up",
                     "--step", "Welcome:0", "--step", "Product info:2", "--step", "Offer:3")
        ann = self.contact("Ann", "One", "ann@crumb.example")
        bob = self.contact("Bob", "Two", "bob@crumb.example")
        cy = self.contact("Cy", "Three", "cy@crumb.example")
        for who in (ann, bob, cy):
            self.rapport("sequences", "enroll", "Follow-up", "--contact", who,
                         "--today", "2026-11-02")
        self.start()

        def send_on(day):
            before = len(self.inbox.messages)
            self.rapport("outbox", "send", "--today", day)
            return sorted((r[0], m["Subject"]) for r, m in self.inbox.messages[before:])

        self.assertEqual(send_on("2026-11-02"), [
            ("ann@crumb.example", "Welcome for Ann"),
            ("bob@crumb.example", "Welcome for Bob"),
            ("cy@crumb.example", "Welcome for Cy"),
        ])
        self.assertEqual(send_on("2026-11-03"), [])
        self.assertEqual(send_on("2026-11-04"), [
            ("ann@crumb.example", "Product info for Ann"),
            ("bob@crumb.example", "Product info for Bob"),
            ("cy@crumb.example", "Product info for Cy"),
        ])
        # Bob replies; Cy unsubscribes.
        self.rapport("sequences", "reply", "--contact", bob, "--subject", "Re: Product info")
        self.rapport("sequences", "unsubscribe", "--contact", cy)
        # The server is down on the 7th, when the offer is due: it waits, and goes on the 8th.
        self.stop()
        out = self.run_cli("outbox", "send", "--today", "2026-11-07")
        self.assertEqual(out.returncode, 1)
        self.start()
        self.rapport("outbox", "retry")
        self.assertEqual(send_on("2026-11-08"), [("ann@crumb.example", "Offer for Ann")])
        self.assertEqual(send_on("2026-11-20"), [])

        enrolments = {e["entity_id"]: e for e in self.json("sequences", "enrolments", "Follow-up")}
        self.assertEqual(enrolments[ann]["status"], "completed")
        self.assertEqual(enrolments[bob]["stop_reason"], "replied")
        self.assertEqual(enrolments[cy]["stop_reason"], "unsubscribed")
        self.assertEqual(len(self.inbox.messages), 7, "3 welcomes, 3 product infos, 1 offer")

    def test_a_quote_and_an_invoice_are_emailed_with_their_pdf_and_the_quote_is_marked_sent(self):
        self.rapport("company", "--name", "Crumb & Co", "--address", "Mehlweg 1\\n10115 Berlin")
        self.rapport("accounts", "add", "--name", "Zoë's Café")
        account = self.json("accounts", "list")[0]["id"]
        zoe = self.rapport("contacts", "add", "--first-name", "Zoë", "--last-name", "Baker",
                           "--email", "zoe@cafe.example", "--account-id", account)
        quote = self.rapport("quotes", "create", "--account-id", account, "--contact-id", zoe,
                             "--currency", "EUR", "--line", "Sourdough loaf:40@4.50")
        number = self.json("quotes", "get", quote)["number"]

        # Offline: the quote waits in the outbox and stays a draft until its mail leaves.
        out = self.run_cli("quotes", "send", quote, "--email", "--format", "json")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["status"], "queued")
        self.assertEqual(self.json("quotes", "get", quote)["status"], "draft")
        self.start()
        self.rapport("outbox", "retry")
        self.rapport("outbox", "send")
        self.assertEqual(self.json("quotes", "get", quote)["status"], "sent")
        rcpts, msg = self.inbox.messages[0]
        self.assertEqual(rcpts, ["zoe@cafe.example"])
        self.assertEqual(msg["Subject"], "Quote %s from Crumb & Co" % number)
        self.assertIn("Dear Zoë,", msg.get_body(("plain",)).get_content())
        self.assertIsNone(msg["List-Unsubscribe"])
        files = [p for p in msg.iter_attachments()]
        self.assertEqual([(f.get_filename(), f.get_content_type()) for f in files],
                         [("%s.pdf" % number, "application/pdf")])
        self.assertTrue(files[0].get_content().startswith(b"%PDF-"))
        # The mail is on the contact's and the account's timelines.
        self.assertIn("Quote %s" % number, [a["subject"].split(" from")[0] for a in
                                            self.json("activities", "list", "--account", account)])

        self.rapport("quotes", "accept", quote)
        invoice = self.rapport("orders", "invoice", quote)
        inv_number = self.json("invoices", "get", invoice)["number"]
        self.rapport("templates", "add", "--name", "Invoice letter", "--subject",
                     "Your invoice, {{first_name}}", "--body", "Hello {{first_name}}, thank you!")
        sent = self.json("invoices", "send", invoice, "--template", "Invoice letter")
        self.assertEqual((sent["status"], sent["to_address"]), ("sent", "zoe@cafe.example"))
        _, msg = self.inbox.messages[1]
        self.assertEqual(msg["Subject"], "Your invoice, Zoë")
        self.assertEqual([f.get_filename() for f in msg.iter_attachments()], ["%s.pdf" % inv_number])

        # A contact without an address is said before anything is queued.
        nina = self.rapport("contacts", "add", "--first-name", "Nina", "--last-name", "Flour",
                            "--account-id", account)
        other = self.rapport("quotes", "create", "--account-id", account, "--contact-id", nina,
                             "--currency", "EUR", "--line", "Rye:1@3")
        out = self.run_cli("quotes", "send", other, "--email")
        self.assertEqual(out.returncode, 2)
        self.assertIn("Nina Flour has no e-mail address", out.stderr)


if __name__ == "__main__":
    unittest.main()
