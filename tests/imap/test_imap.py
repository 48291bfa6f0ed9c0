"""Mail read by `rapport mail` from a real IMAP server on loopback.

The server is Dovecot from the system packages (not ours, not a mock), started by each test
with a configuration in a temporary folder (see dovecot.py); mail "arrives" by IMAP APPEND.
Replies to mail Rapport sent go through a real SMTP server (aiosmtpd) first. Every `rapport`
call is a new process on the same file. Run by `make test` as
`RAPPORT_CLI=target/debug/rapport python -m unittest tests/imap/test_imap.py`.
"""

import email
import email.policy
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dovecot import PASSWORD, USER, Dovecot, free_port  # noqa: E402

CLI = os.environ.get("RAPPORT_CLI", "target/debug/rapport")


def mail(sender, to, subject, body="Hello.", message_id=None, date="Thu, 03 Dec 2026 10:00:00 +0000",
         extra=""):
    headers = ["From: %s" % sender, "To: %s" % to, "Subject: %s" % subject]
    if date:
        headers.append("Date: %s" % date)
    if message_id:
        headers.append("Message-ID: <%s>" % message_id)
    return "\n".join(headers) + "\n" + extra + "\n" + body + "\n"


class Case(unittest.TestCase):
    """A private Dovecot and a new data file for each test, and the CLI on that file."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "crm.db")
        self.server = Dovecot()
        self.addCleanup(self.server.stop)
        self.setup_mailbox()

    def tearDown(self):
        self.dir.cleanup()

    def setup_mailbox(self, *extra, port=None, security="none"):
        self.rapport(
            "mail", "setup", "--host", "127.0.0.1", "--port", str(port or self.server.port),
            "--security", security, "--user", USER, *extra,
        )

    def run_cli(self, *args, password=PASSWORD):
        return subprocess.run(
            [CLI, "--db", self.db, *args], capture_output=True, text=True, check=False,
            env={**os.environ, "TZ": "Europe/Berlin", "RAPPORT_IMAP_PASSWORD": password},
        )

    def rapport(self, *args):
        out = self.run_cli(*args)
        if out.returncode != 0:
            raise AssertionError(f"rapport {' '.join(args)} failed: {out.stderr}")
        return out.stdout.strip()

    def json(self, *args):
        return json.loads(self.rapport(*args, "--format", "json"))

    def sync(self):
        report = self.json("mail", "sync")
        return {f["folder"]: (f["seen"], f["stored"], f["known"]) for f in report["folders"]}


class Mailbox(Case):

    def test_mail_from_and_to_known_people_is_kept_on_their_timelines_and_nothing_else(self):
        account = self.rapport("accounts", "add", "--name", "Bakery Ltd", "--website",
                               "https://www.bakery.example")
        marta = self.rapport("contacts", "add", "--first-name", "Marta", "--last-name", "Baker",
                             "--email", "Marta@Bakery.example", "--account", account)
        lead = self.rapport("leads", "add", "--name", "Otto Lead", "--email", "otto@lead.example")
        d = self.server
        d.deliver(mail("Marta Baker <marta@bakery.example>", USER, "Order for Friday",
                       "Can you deliver 40 rolls?", "m1@bakery.example"))
        d.deliver(mail("Newsletter <news@shop.example>", USER, "Black Friday!", "Buy now",
                       "n1@shop.example"))
        d.deliver(mail("Otto <otto@lead.example>", USER, "Your offer", "Interested.", "o1@lead.example"))
        # A colleague at the customer's company, not in Rapport yet: the company's domain.
        d.deliver(mail("Jan <jan@bakery.example>", USER, "Invoice question", "Which invoice?",
                       "j1@bakery.example"))
        # Mail the user sent, in the Sent folder: outbound, on Marta's timeline.
        d.deliver(mail(USER, "marta@bakery.example", "Re: Order for Friday", "Yes, we can.",
                       "s1@crumb.example", extra="In-Reply-To: <m1@bakery.example>\n"), folder="Sent")
        flags_before = d.flags()

        self.assertEqual(self.sync(), {"INBOX": (4, 3, 0), "Sent": (1, 1, 0)})

        on_marta = self.json("mail", "messages", "--contact", marta)
        self.assertEqual([m["subject"] for m in on_marta], ["Re: Order for Friday", "Order for Friday"])
        reply, order = on_marta
        self.assertEqual((order["direction"], order["from_address"]), ("inbound", "marta@bakery.example"))
        self.assertEqual(reply["direction"], "outbound")
        self.assertEqual(reply["thread_id"], "m1@bakery.example", "the reply is in Marta's thread")
        self.assertEqual(order["at"], "2026-12-03T10:00:00.000Z")
        # The contact's company has the whole conversation, and Jan's mail by its domain.
        on_account = [m["subject"] for m in self.json("mail", "messages", "--account", account)]
        self.assertEqual(sorted(on_account), ["Invoice question", "Order for Friday", "Re: Order for Friday"])
        self.assertEqual([m["subject"] for m in self.json("mail", "messages", "--lead", lead)], ["Your offer"])
        # The text is the activity's notes, on the timeline like any e-mail.
        activities = self.json("activities", "list", "--contact", marta)
        self.assertIn("Can you deliver 40 rolls?", [a["notes"] for a in activities])
        # The newsletter was never stored.
        self.assertNotIn("Black Friday!", self.rapport("mail", "messages"))
        self.assertEqual(self.json("mail", "status")["messages"], 4)
        # Read only: not even the "seen" flag changed on the server.
        self.assertEqual(d.flags(), flags_before)

        # Nothing is read twice; new mail is read from where the last sync stopped.
        self.assertEqual(self.sync(), {"INBOX": (0, 0, 0), "Sent": (0, 0, 0)})
        d.deliver(mail("marta@bakery.example", USER, "Thanks", "Great.", "m2@bakery.example",
                       extra="References: <m1@bakery.example> <s1@crumb.example>\n"))
        self.assertEqual(self.sync(), {"INBOX": (1, 1, 0), "Sent": (0, 0, 0)})
        thanks = self.json("mail", "messages", "--contact", marta)[0]
        self.assertEqual((thanks["subject"], thanks["thread_id"]), ("Thanks", "m1@bakery.example"))
        thread = self.json("mail", "messages", "--thread", "m1@bakery.example")
        self.assertEqual(len(thread), 3)

    def test_the_same_message_in_two_folders_and_a_renumbered_folder_are_kept_once(self):
        self.rapport("contacts", "add", "--first-name", "Ada", "--last-name", "Lee",
                     "--email", "ada@lee.example")
        c = self.server.client()
        c.create("Archive")
        c.logout()
        self.setup_mailbox("--folder", "INBOX", "--folder", "Archive")
        message = mail("ada@lee.example", USER, "Contract", "Signed.", "a1@lee.example")
        self.server.deliver(message)
        self.server.deliver(message, folder="Archive")
        self.assertEqual(self.sync(), {"INBOX": (1, 1, 0), "Archive": (1, 0, 1)})

        # The server renumbers the folder (it was deleted and made again): everything in it is
        # read again, and what was kept already is recognised.
        c = self.server.client()
        c.delete("Archive")
        c.create("Archive")
        c.logout()
        self.server.deliver(message, folder="Archive")
        self.server.deliver(mail("ada@lee.example", USER, "Second", "More.", "a2@lee.example"),
                            folder="Archive")
        self.assertEqual(self.sync(), {"INBOX": (0, 0, 0), "Archive": (2, 1, 1)})
        self.assertEqual(self.json("mail", "status")["messages"], 2)

    def test_every_failure_to_connect_is_named_with_what_to_do(self):
        ok = self.json("mail", "test")
        self.assertTrue(ok["ok"])
        self.assertEqual(ok["reading"], ["INBOX", "Sent"], "the inbox and the folder marked Sent")

        def failure(*args, password=PASSWORD):
            out = self.run_cli("mail", "test", "--format", "json", *args, password=password)
            self.assertEqual(out.returncode, 1, out.stderr)
            report = json.loads(out.stdout)
            self.assertFalse(report["ok"])
            self.assertIn(report["message"], out.stderr)
            return report["stage"], report["message"]

        stage, message = failure(password="wrong")
        self.assertEqual(stage, "login")
        self.assertIn("refused the login for " + USER, message)
        self.assertIn("app password", message)

        self.setup_mailbox(security="tls")
        stage, message = failure()
        self.assertEqual(stage, "tls")
        self.assertIn("STARTTLS on port 143", message)

        self.setup_mailbox(port=free_port())
        stage, message = failure()
        self.assertEqual(stage, "connect")
        self.assertIn("check the port", message)

        self.rapport("mail", "setup", "--host", "no-such-host.invalid", "--user", USER)
        stage, message = failure()
        self.assertEqual(stage, "dns")
        self.assertIn("no-such-host.invalid was not found", message)

        self.setup_mailbox("--folder", "INBOX", "--folder", "Customers")
        stage, message = failure()
        self.assertEqual(stage, "folder")
        self.assertIn('no folder named "Customers"', message)
        self.assertIn("INBOX", message)
        # A sync reads the folders that exist and says which one it could not.
        out = self.run_cli("mail", "sync", "--format", "json")
        self.assertEqual(out.returncode, 1)
        report = json.loads(out.stdout)
        self.assertEqual([f["complete"] for f in report["folders"]], [True, False])
        self.assertIn("Customers", out.stderr)

        # No password anywhere: said before connecting.
        out = subprocess.run([CLI, "--db", self.db, "mail", "sync"], capture_output=True, text=True,
                             env={k: v for k, v in os.environ.items() if k != "RAPPORT_IMAP_PASSWORD"})
        self.assertNotEqual(out.returncode, 0)
        self.assertTrue("no password is stored" in out.stderr or "keyring" in out.stderr, out.stderr)

    def test_broken_and_unusual_messages_are_kept_with_what_could_be_read(self):
        self.rapport("contacts", "add", "--first-name", "Zoë", "--last-name", "Kowalska",
                     "--email", "zoe@kowalska.example")
        raw = [
            # No date, no Message-ID.
            b"From: zoe@kowalska.example\r\nTo: ann@crumb.example\r\nSubject: No date\r\n\r\nHi\r\n",
            # A legacy charset and an encoded subject.
            "From: =?iso-8859-2?Q?Zo=EB?= <zoe@kowalska.example>\r\nTo: ann@crumb.example\r\n"
            "Subject: =?iso-8859-2?Q?Za=BF=F3=B3=E6_g=EA=B6l=B1_ja=BC=F1?=\r\n"
            "Message-ID: <pl@kowalska.example>\r\nDate: Thu, 03 Dec 2026 11:00:00 +0100\r\n"
            "Content-Type: text/plain; charset=iso-8859-2\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".encode()
            + "Zażółć gęślą jaźń".encode("iso-8859-2") + b"\r\n",
            # 8-bit bytes in a header, an unknown charset, HTML with a script and a tracking pixel.
            b"From: zoe@kowalska.example\r\nTo: ann@crumb.example\r\nSubject: Caf\xc3\xa9 \xff\r\n"
            b"Message-ID: <html@kowalska.example>\r\nDate: Thu, 03 Dec 2026 12:00:00 +0000\r\n"
            b"Content-Type: text/html; charset=x-no-such-charset\r\n\r\n"
            b"<p onclick=\"steal()\">Price list</p><script>alert(1)</script>"
            b"<img src=\"https://track.example/pixel.gif\">\r\n",
            # A multipart that never closes, with an attachment.
            b"From: zoe@kowalska.example\r\nTo: ann@crumb.example\r\nSubject: Broken\r\n"
            b"Message-ID: <broken@kowalska.example>\r\nDate: Thu, 03 Dec 2026 13:00:00 +0000\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XYZ\r\n\r\n"
            b"--XYZ\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
            b"--XYZ\r\nContent-Type: application/pdf; name=offer.pdf\r\n"
            b"Content-Disposition: attachment; filename=offer.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            b"JVBERi0xLjQK\r\n",
            # An out-of-office answer.
            b"From: zoe@kowalska.example\r\nTo: ann@crumb.example\r\nSubject: Out of office\r\n"
            b"Auto-Submitted: auto-replied\r\nMessage-ID: <ooo@kowalska.example>\r\n"
            b"Date: Thu, 03 Dec 2026 14:00:00 +0000\r\n\r\nBack Monday.\r\n",
        ]
        for r in raw:
            self.server.deliver(r)
        self.assertEqual(self.sync(), {"INBOX": (5, 5, 0), "Sent": (0, 0, 0)})
        by_subject = {m["subject"]: m for m in self.json("mail", "messages")}
        self.assertIn("no readable date", by_subject["No date"]["problems"])
        self.assertTrue(by_subject["No date"]["message_id"].endswith("@no-message-id.rapport"))
        polish = self.json("mail", "get", by_subject["Zażółć gęślą jaźń"]["activity_id"])
        self.assertEqual(polish["text"], "Zażółć gęślą jaźń")
        self.assertEqual(polish["from_name"], "Zoë")
        html = self.json("mail", "get", by_subject[next(s for s in by_subject if s.startswith("Caf"))]["activity_id"])
        self.assertIn("Price list", html["html"])
        for gone in ("<script", "onclick", "alert(1)"):
            self.assertNotIn(gone, html["html"])
        self.assertIn("Price list", html["text"])
        broken = self.json("mail", "get", by_subject["Broken"]["activity_id"])
        self.assertIn("See the file.", broken["text"])
        self.assertEqual([(a["name"], a["type"]) for a in broken["attachments"]],
                         [("offer.pdf", "application/pdf")])
        self.assertTrue(by_subject["Out of office"]["automatic"])
        self.assertFalse(by_subject["Broken"]["automatic"])


class CuttingProxy:
    """A TCP relay to the IMAP server that drops the connection once the server has sent
    `cut_after` bytes: a laptop going offline in the middle of a sync."""

    def __init__(self, target_port, cut_after):
        import socket
        import threading

        self.target_port = target_port
        self.cut_after = cut_after
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        import socket
        import threading

        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.target_port))

        def up():
            try:
                while data := client.recv(65536):
                    server.sendall(data)
            except OSError:
                pass

        threading.Thread(target=up, daemon=True).start()
        sent = 0
        try:
            while sent < self.cut_after and (data := server.recv(4096)):
                client.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (client, server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.listener.close()


class Resilience(Case):
    """A connection lost midway, and a very large message."""


    def setup_mailbox(self, *extra, port=None):
        Case.setup_mailbox(self, "--folder", "INBOX", *extra, port=port)

    def test_a_connection_lost_midway_keeps_what_was_read_and_the_next_sync_goes_on(self):
        self.rapport("contacts", "add", "--first-name", "Ada", "--last-name", "Lee", "--email", "ada@lee.example")
        c = self.server.client()
        for i in range(450):
            raw = mail("ada@lee.example", USER, "Order %d" % i, "Please send %d rolls." % i, "o%d@lee.example" % i)
            c.append("INBOX", None, None, raw.replace("\n", "\r\n").encode())
        c.logout()
        # Offline after about a third of what the sync downloads.
        proxy = CuttingProxy(self.server.port, 120_000)
        self.setup_mailbox(port=proxy.port)
        out = self.run_cli("mail", "sync", "--format", "json")
        self.assertNotEqual(out.returncode, 0, "a sync cut short says so")
        self.assertIn("the next sync goes on from", out.stderr)
        kept_first = self.json("mail", "status")["messages"]
        self.assertLess(kept_first, 450)

        # Back online: the rest is read, nothing twice.
        self.setup_mailbox()
        report = self.sync()
        self.assertEqual(report["INBOX"][1] + kept_first, 450, report)
        self.assertEqual(self.json("mail", "status")["messages"], 450)
        ids = [m["message_id"] for m in self.json("mail", "messages", "--limit", "1000")]
        self.assertEqual(len(ids), len(set(ids)))

    def test_a_50_mb_attachment_is_listed_and_the_sync_goes_on(self):
        self.rapport("contacts", "add", "--first-name", "Ada", "--last-name", "Lee", "--email", "ada@lee.example")
        import base64

        payload = base64.encodebytes(os.urandom(50 * 1024 * 1024 * 3 // 4)).replace(b"\n", b"\r\n")
        big = (b"From: ada@lee.example\r\nTo: ann@crumb.example\r\nSubject: The big file\r\n"
               b"Message-ID: <big@lee.example>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
               b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
               b"--B\r\nContent-Type: text/plain\r\n\r\nThe scans.\r\n"
               b"--B\r\nContent-Type: application/zip; name=scans.zip\r\n"
               b"Content-Disposition: attachment; filename=scans.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
               + payload + b"--B--\r\n")
        self.server.deliver(big)
        self.server.deliver(mail("ada@lee.example", USER, "After the big one", "Small.", "small@lee.example"))
        self.assertEqual(self.sync(), {"INBOX": (2, 2, 0)})
        by_subject = {m["subject"]: m for m in self.json("mail", "messages")}
        files = by_subject["The big file"]["attachments"]
        self.assertEqual([f["name"] for f in files], ["scans.zip"])
        self.assertGreater(files[0]["size"], 37 * 1024 * 1024)
        self.assertIn("After the big one", by_subject)


class SupportAndLeads(Case):
    """Mail to the support address opens and continues tickets; to the capture address, leads."""


    def setup_mailbox(self, *extra):
        Case.setup_mailbox(self, "--support-address", "support@crumb.example",
                              "--capture-address", "hello@crumb.example", *extra)

    def test_a_mail_to_support_opens_a_ticket_and_the_customers_answers_join_it(self):
        d = self.server
        d.deliver(mail("Jan Nowak <jan@nowak.example>", "Crumb Support <support@crumb.example>",
                       "Oven broken", "The oven does not heat.", "t1@nowak.example",
                       date="Thu, 03 Dec 2026 08:30:00 +0000"))
        # An out-of-office to support opens nothing.
        d.deliver(mail("bot@away.example", "support@crumb.example", "Out of office", "Away.",
                       "ooo@away.example", extra="Auto-Submitted: auto-replied\n"))
        self.sync()
        tickets = self.json("tickets", "list", "--queue", "all")
        self.assertEqual(len(tickets), 1, tickets)
        ticket = self.json("tickets", "get", tickets[0]["id"])
        self.assertEqual((ticket["subject"], ticket["channel"], ticket["status"]),
                         ("Oven broken", "email", "new"))
        self.assertEqual(ticket["description"], "The oven does not heat.")
        # The sender was unknown: a contact is made for them, the ticket is theirs.
        self.assertEqual(ticket["contact_name"], "Jan Nowak")
        contact = self.json("contacts", "get", ticket["contact_id"])
        self.assertEqual([e["address"] for e in contact["emails"]], ["jan@nowak.example"])
        # The SLA clock counts from the mail's arrival, not from when Rapport read it.
        self.assertEqual(ticket["created_at"], "2026-12-03T08:30:00.000Z")
        number = ticket["number"]

        self.rapport("tickets", "update", ticket["id"], "--status", "waiting")
        # An answer in the thread, and another naming the ticket in its subject only.
        d.deliver(mail("jan@nowak.example", "support@crumb.example", "Re: Oven broken",
                       "It is model X200.", "t2@nowak.example", extra="In-Reply-To: <t1@nowak.example>\n"))
        d.deliver(mail("jan@nowak.example", "support@crumb.example", "Re: [#%d] photo" % number,
                       "Photo attached.", "t3@nowak.example"))
        self.sync()
        self.assertEqual(len(self.json("tickets", "list", "--queue", "all")), 1, "no second ticket")
        ticket = self.json("tickets", "get", ticket["id"])
        customer = [m["body"] for m in ticket["messages"] if m["kind"] == "customer"]
        self.assertEqual(customer, ["It is model X200.", "Photo attached."])
        self.assertEqual(ticket["status"], "open", "the customer's answer ends the wait")
        # Every mail of the conversation is on the ticket's and the contact's timelines.
        self.assertEqual(len(self.json("mail", "messages", "--contact", ticket["contact_id"])), 3)

    def test_a_mail_to_the_capture_address_becomes_a_lead_once(self):
        d = self.server
        d.deliver(mail("Ola Berg <ola@berg.example>", "hello@crumb.example", "Catering for 40?",
                       "Do you cater weddings?", "l1@berg.example"))
        d.deliver(mail("Ola Berg <ola@berg.example>", "hello@crumb.example", "Re: Catering for 40?",
                       "Also in June?", "l2@berg.example"))
        form = ("New form submission\n\nName: Piet de Vries\nE-mail: piet@vries.example\n"
                "Company: Vries Bakkerij\nPhone: +31 20 123 4567\nMessage: Please send prices,\n"
                "for 200 loaves a week.\n")
        d.deliver(mail("Website <forms@crumb.example>", "hello@crumb.example", "New contact form entry",
                       form, "f1@crumb.example"))
        self.sync()
        leads = {l["name"]: l for l in self.json("leads", "list")}
        self.assertEqual(sorted(leads), ["Ola Berg", "Piet de Vries"])
        ola = self.json("leads", "get", leads["Ola Berg"]["id"])
        self.assertEqual((ola["email"], ola["source"]), ("ola@berg.example", "E-mail"))
        self.assertIn("Do you cater weddings?", ola["notes"])
        self.assertEqual(len(self.json("mail", "messages", "--lead", ola["id"])), 2,
                         "the second mail is on the lead, not another lead")
        piet = self.json("leads", "get", leads["Piet de Vries"]["id"])
        self.assertEqual((piet["email"], piet["company"], piet["source"]),
                         ("piet@vries.example", "Vries Bakkerij", "Web form"))
        self.assertEqual(piet["phone"], "+31 20 123 4567")
        self.assertIn("for 200 loaves a week.", piet["notes"])


class Replies(Case):
    """A customer's answer to mail the outbox sent (through a real SMTP server)."""

    def setUp(self):
        from aiosmtpd.controller import Controller

        class Keep:
            def __init__(self):
                self.messages = []

            async def handle_DATA(self, server, session, envelope):
                self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        super().setUp()
        self.smtp_port = free_port()
        self.sent = Keep()
        self.smtp = Controller(self.sent, hostname="127.0.0.1", port=self.smtp_port)
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        self.rapport("outbox", "setup", "--host", "127.0.0.1", "--port", str(self.smtp_port),
                     "--security", "none", "--from", USER, "--from-name", "Ann from Crumb")

    def test_a_ticket_opened_by_mail_is_answered_by_mail_in_the_customers_thread(self):
        self.setup_mailbox("--support-address", "support@crumb.example")
        self.server.deliver(mail("Jan Nowak <jan@nowak.example>", "support@crumb.example", "Oven broken",
                                 "The oven does not heat.", "t1@nowak.example",
                                 date="Thu, 03 Dec 2026 08:30:00 +0000"))
        self.sync()
        ticket = self.json("tickets", "list", "--queue", "all")[0]
        number = ticket["number"]
        ticket = self.rapport("tickets", "get", ticket["id"], "--format", "json")
        ticket = json.loads(ticket)
        self.assertIsNone(ticket["first_responded_at"])

        # The reply waits in the outbox until it leaves; the first response is met only then.
        replied = self.json("tickets", "reply", ticket["id"], "--body", "A technician comes Monday.",
                            "--status", "waiting")
        reply = [m for m in replied["messages"] if m["kind"] == "reply"][0]
        self.assertEqual(reply["mail_status"], "queued")
        self.assertIsNone(replied["first_responded_at"])
        self.rapport("outbox", "send")
        self.assertEqual(len(self.sent.messages), 1)
        sent = self.sent.messages[0]
        self.assertEqual(sent["Subject"], "Re: [#%d] Oven broken" % number)
        self.assertIn("jan@nowak.example", str(sent["To"]))
        self.assertEqual(sent["In-Reply-To"], "<t1@nowak.example>")
        self.assertIn("<t1@nowak.example>", sent["References"])
        self.assertIsNone(sent["List-Unsubscribe"], "a reply to a customer is not bulk mail")
        self.assertIn("A technician comes Monday.", sent.get_body(("plain",)).get_content())
        ticket = self.json("tickets", "get", ticket["id"])
        self.assertIsNotNone(ticket["first_responded_at"], "answered when the reply left")
        self.assertEqual([m["mail_status"] for m in ticket["messages"] if m["kind"] == "reply"], ["sent"])

        # The customer answers the reply: it joins the ticket, which stops waiting.
        self.server.deliver(mail("jan@nowak.example", "support@crumb.example", "Re: Oven broken",
                                 "Monday is fine.", "t4@nowak.example",
                                 extra="In-Reply-To: %s\n" % sent["Message-ID"]))
        self.sync()
        ticket = self.json("tickets", "get", ticket["id"])
        self.assertEqual([m["body"] for m in ticket["messages"] if m["kind"] == "customer"], ["Monday is fine."])
        self.assertEqual(ticket["status"], "open")
        self.assertEqual(len(self.json("tickets", "list", "--queue", "all")), 1)

        # A reply given on the phone is recorded, not e-mailed.
        self.rapport("tickets", "reply", ticket["id"], "--body", "Called him.", "--no-email")
        self.rapport("outbox", "send")
        self.assertEqual(len(self.sent.messages), 1)

    def welcome(self, *people):
        """A one-step sequence's welcome sent to each (first, last, address); their ids and the
        welcome each got, by address."""
        self.rapport("templates", "add", "--name", "Welcome", "--subject", "Welcome {{first_name}}",
                     "--body", "Dear {{first_name}}.")
        self.rapport("templates", "add", "--name", "Offer", "--subject", "Offer for {{first_name}}",
                     "--body", "Our offer.")
        self.rapport("sequences", "add", "--name", "Follow-up", "--step", "Welcome:0", "--step", "Offer:3")
        ids = {}
        for first, last, address in people:
            ids[address] = self.rapport("contacts", "add", "--first-name", first, "--last-name", last,
                                        "--email", address)
            self.rapport("sequences", "enroll", "Follow-up", "--contact", ids[address], "--today", "2026-11-02")
        self.rapport("outbox", "send", "--today", "2026-11-02")
        sent = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in self.sent.messages}
        return ids, sent

    def test_a_hard_bounce_marks_the_address_and_the_outbox_stops_writing_to_it(self):
        ids, sent = self.welcome(("Bob", "Two", "bob@two.example"), ("Cy", "Three", "cy@three.example"))
        report = (
            "From: Mail Delivery System <MAILER-DAEMON@mx.two.example>\n"
            "To: %s\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn1@mx.two.example>\n"
            "Date: Mon, 02 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
            "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
            "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.two.example\n\n"
            "Final-Recipient: rfc822; %s\nAction: failed\nStatus: %s\n"
            "Diagnostic-Code: smtp; 550 5.1.1 <%s>: Recipient address rejected: User unknown\n"
            "--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: %s\nSubject: Welcome\n--B--\n"
        )
        # Bob's address does not exist; Cy's server only reports a delay.
        self.server.deliver(report % (USER, "bob@two.example", "5.1.1", "bob@two.example",
                                      sent["bob@two.example"]["Message-ID"]))
        self.server.deliver((report % (USER, "cy@three.example", "4.4.1", "cy@three.example",
                                       sent["cy@three.example"]["Message-ID"]))
                            .replace("dsn1@", "dsn2@").replace("Action: failed", "Action: delayed"))
        self.sync()
        kept = self.json("mail", "messages")
        self.assertEqual([m["subject"] for m in kept], ["Undelivered Mail Returned to Sender"],
                         "the delay notice is not kept")
        self.assertEqual(kept[0]["links"], [{"entity": "contacts", "id": ids["bob@two.example"]}])
        self.assertTrue(kept[0]["automatic"])

        self.rapport("outbox", "send", "--today", "2026-11-05")
        offers = [str(m["To"]) for m in self.sent.messages[2:]]
        self.assertEqual(len(offers), 1)
        self.assertIn("cy@three.example", offers[0], "nothing more goes to the bouncing address")
        skipped = self.json("outbox", "list", "--status", "skipped")
        self.assertEqual(len(skipped), 1)
        self.assertIn("the address bounced (5.1.1", skipped[0]["skip_reason"])
        self.assertIn("User unknown", skipped[0]["skip_reason"])
        # A bounce is no reply: Bob's sequence was not stopped as "replied".
        enrolments = {e["entity_id"]: e for e in self.json("sequences", "enrolments", "Follow-up")}
        self.assertNotEqual(enrolments[ids["bob@two.example"]]["stop_reason"], "replied")

    def test_an_unsubscribe_mail_and_an_answer_from_an_unknown_address(self):
        ids, sent = self.welcome(("Bob", "Two", "bob@two.example"), ("Cy", "Three", "cy@three.example"))
        # Cy presses the mail client's Unsubscribe button (a mail to the List-Unsubscribe address).
        self.assertEqual(sent["cy@three.example"]["List-Unsubscribe"], "<mailto:%s?subject=unsubscribe>" % USER)
        self.server.deliver(mail("cy@three.example", USER, "unsubscribe", "", "u1@three.example"))
        # Bob answers from his private address, which Rapport does not know.
        self.server.deliver(mail("Robert Two <robert@home.example>", USER, "Re: Welcome Bob", "Call me at home.",
                                 "r1@home.example", extra="In-Reply-To: %s\n" % sent["bob@two.example"]["Message-ID"]))
        # An unknown sender who answers nothing of ours is not kept at all.
        self.server.deliver(mail("spam@junk.example", USER, "Cheap pills", "", "s1@junk.example"))
        self.sync()
        cy = self.json("contacts", "get", ids["cy@three.example"])
        self.assertIsNotNone(cy["unsubscribed_since"])
        enrolments = {e["entity_id"]: e for e in self.json("sequences", "enrolments", "Follow-up")}
        self.assertEqual(enrolments[ids["cy@three.example"]]["stop_reason"], "unsubscribed")

        unmatched = self.json("mail", "unmatched")
        self.assertEqual([(m["from_address"], m["subject"]) for m in unmatched],
                         [("robert@home.example", "Re: Welcome Bob")])
        self.assertEqual(unmatched[0]["links"], [])
        made = self.rapport("mail", "resolve", unmatched[0]["activity_id"], "--as", "contact")
        robert = self.json("contacts", "get", made)
        self.assertEqual((robert["first_name"], robert["last_name"]), ("Robert", "Two"))
        self.assertEqual([m["subject"] for m in self.json("mail", "messages", "--contact", made)],
                         ["Re: Welcome Bob"])
        self.assertEqual(self.json("mail", "unmatched"), [])
        self.assertNotIn("Cheap pills", self.rapport("mail", "messages"))

    def test_a_reply_stops_the_sequence_and_an_out_of_office_does_not(self):
        for name in ("Welcome", "Offer"):
            self.rapport("templates", "add", "--name", name, "--subject", name + " for {{first_name}}",
                         "--body", "Dear {{first_name}}.")
        self.rapport("sequences", "add", "--name", "Follow-up", "--step", "Welcome:0", "--step", "Offer:3")
        bob = self.rapport("contacts", "add", "--first-name", "Bob", "--last-name", "Two",
                           "--email", "bob@two.example")
        cy = self.rapport("contacts", "add", "--first-name", "Cy", "--last-name", "Three",
                          "--email", "cy@three.example")
        for who in (bob, cy):
            self.rapport("sequences", "enroll", "Follow-up", "--contact", who, "--today", "2026-11-02")
        self.rapport("outbox", "send", "--today", "2026-11-02")
        welcome = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in self.sent.messages}
        self.assertEqual(sorted(welcome), ["bob@two.example", "cy@three.example"])

        # Bob answers the welcome; Cy's mailbox answers by itself.
        self.server.deliver(mail("bob@two.example", USER, "Re: Welcome for Bob", "Call me.",
                                 "r1@two.example", extra="In-Reply-To: %s\n" % welcome["bob@two.example"]["Message-ID"]))
        self.server.deliver(mail("cy@three.example", USER, "Out of office", "Away.", "r2@three.example",
                                 extra="In-Reply-To: %s\nAuto-Submitted: auto-replied\n"
                                 % welcome["cy@three.example"]["Message-ID"]))
        report = self.json("mail", "sync")
        self.assertEqual(report["folders"][0]["sequences_stopped"], 1)
        enrolments = {e["entity_id"]: e for e in self.json("sequences", "enrolments", "Follow-up")}
        self.assertEqual(enrolments[bob]["stop_reason"], "replied")
        self.assertEqual(enrolments[cy]["status"], "active")
        # Bob's answer is in the thread the welcome opened.
        answer = self.json("mail", "messages", "--contact", bob)[0]
        self.assertEqual(answer["thread_id"], welcome["bob@two.example"]["Message-ID"].strip("<>"))

        self.rapport("outbox", "send", "--today", "2026-11-05")
        offers = [str(m["To"]) for m in self.sent.messages[2:]]
        self.assertEqual(len(offers), 1)
        self.assertIn("cy@three.example", offers[0])


if __name__ == "__main__":
    unittest.main()
