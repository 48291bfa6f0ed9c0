"""A real IMAP server for the tests: Dovecot from the system packages, run privately.

Each `Dovecot()` writes a configuration into a temporary folder (its own run, state and mail
folders, a test user with a plain password, plain IMAP on a free port of 127.0.0.1), starts
the server from it and stops it on `stop()`. Mail "arrives" by IMAP APPEND with Python's
imaplib, as another mail client would put it there.
"""

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

USER = "ann@crumb.example"
PASSWORD = "secret-imap-password"

CONFIG = """
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dovecot_binary():
    for path in (shutil.which("dovecot"), "/usr/sbin/dovecot"):
        if path and os.path.exists(path):
            return path
    raise RuntimeError(
        "Dovecot is not installed: make test installs it (Debian package dovecot-imapd)"
    )


class Dovecot:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="rapport-imap-")
        os.chmod(self.tmp, 0o755)
        d = self.tmp
        self.port = free_port()
        for sub in ("run", "state", "home"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        if os.getuid() == 0:
            # As root, Dovecot's mail processes need a user of their own.
            mail = pwd.getpwnam("dovecot")
            uid, gid = mail.pw_uid, mail.pw_gid
            login_user, internal_user, internal_group = "dovenull", "dovecot", "dovecot"
        else:
            uid, gid = os.getuid(), os.getgid()
            me = pwd.getpwuid(uid).pw_name
            login_user = internal_user = me
            internal_group = pwd.getpwuid(uid).pw_name
        with open(os.path.join(d, "users"), "w") as f:
            f.write("%s:{PLAIN}%s\n" % (USER, PASSWORD))
        with open(os.path.join(d, "dovecot.conf"), "w") as f:
            f.write(CONFIG.format(
                d=d, port=self.port, uid=uid, gid=gid, login_user=login_user,
                internal_user=internal_user, internal_group=internal_group,
            ))
        if os.getuid() == 0:
            subprocess.run(["chown", "-R", "%d:%d" % (uid, gid), os.path.join(d, "home")], check=True)
        subprocess.run([dovecot_binary(), "-c", os.path.join(d, "dovecot.conf")], check=True)
        deadline = time.time() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("Dovecot did not start: " + self.log())
                time.sleep(0.05)

    def log(self):
        try:
            with open(os.path.join(self.tmp, "dovecot.log")) as f:
                return f.read()
        except OSError:
            return "(no log)"

    def client(self):
        c = imaplib.IMAP4("127.0.0.1", self.port)
        c.login(USER, PASSWORD)
        return c

    def deliver(self, raw, folder="INBOX"):
        """Puts a message (bytes or str) into a folder, as the mail server would on arrival."""
        if isinstance(raw, str):
            raw = raw.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
        c = self.client()
        try:
            typ, data = c.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            c.logout()

    def flags(self, folder="INBOX"):
        """Every message's flags in a folder, to check that nothing was marked or moved."""
        c = self.client()
        try:
            c.select(folder, readonly=True)
            typ, data = c.fetch("1:*", "(FLAGS)")
            return [d.decode() for d in data if d]
        finally:
            c.logout()

    def stop(self):
        pid_file = os.path.join(self.tmp, "run", "master.pid")
        try:
            with open(pid_file) as f:
                pid = int(f.read().strip())
            os.kill(pid, 15)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except OSError:
                    break
                time.sleep(0.05)
        except (OSError, ValueError):
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)
