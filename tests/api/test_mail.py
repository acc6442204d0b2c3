"""Email delivery through the outbox, against a real SMTP server on loopback (aiosmtpd) and the
.eml transport: `vitalis mail test`, SMTP AUTH, STARTTLS refusal, and the crash between "the
server accepted the message" and "recorded as sent", which must never lead to a second copy."""
import email
import email.policy
import json
import os
import pathlib
import socket
import sqlite3
import subprocess
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import BIN, PG_ADMIN_URL, wait_until

RECIPIENT = "ada@example.org"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self, credentials=None):
        self.messages = []
        self.logins = []
        self._lock = threading.Lock()
        self.port = free_port()
        kwargs = {}
        if credentials is not None:
            self._credentials = credentials
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False,
                      "auth_required": True}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        password = auth_data.password.decode()
        ok = (login, password) == self._credentials
        with self._lock:
            self.logins.append((login, ok))
        return AuthResult(success=ok)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Recipients named for the test: refused for good, or refused for now.
        if address.startswith("refused@"):
            return "550 5.1.1 Mailbox unavailable"
        if address.startswith("busy@"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "data": envelope.original_content})
        if envelope.rcpt_tos == ["hangup@example.org"]:
            # The whole message arrived, then the connection drops before the answer.
            server.transport.close()
        return "250 Message accepted for delivery"

    def received(self):
        with self._lock:
            return list(self.messages)

    def stop(self):
        self.controller.stop()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    yield sink
    sink.stop()


def run_vitalis(tmp_path, *args, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([BIN, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env=env)


def mail_test(tmp_path, database, *flags, env_extra=None, to=RECIPIENT):
    return run_vitalis(tmp_path, "mail", "test", f"--to={to}",
                       f"--database={database.url}", *flags, env_extra=env_extra)


def log_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def query(database, sql):
    """Rows of a query on the test database, as lists of strings."""
    if database.dialect == "sqlite":
        path = database.url[len("sqlite:"):]
        with sqlite3.connect(path) as conn:
            return [[str(value) for value in row] for row in conn.execute(sql).fetchall()]
    out = subprocess.run(["psql", database.url, "-v", "ON_ERROR_STOP=1", "-qAtF", "|", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def add_pending(database, recipient):
    """Inserts a due message straight into the outbox, as a committed enqueue() would."""
    query(database,
          "INSERT INTO outbox (recipient, subject, text, html, kind, status, attempts, "
          f"next_attempt_at, created_at) VALUES ('{recipient}', 'Vitalis test message', "
          "'hello', '', 'test_message', 'pending', 0, '2000-01-01T00:00:00.000000Z', "
          "'2000-01-01T00:00:00.000000Z')")


def assert_both_parts(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == RECIPIENT
    assert message["From"] == "Vitalis <no-reply@vitalis.local>"
    assert message["Subject"] == "Vitalis test message"
    assert message["MIME-Version"] == "1.0"
    assert message["Date"]
    assert message["Message-ID"].startswith("<outbox.")
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "This is a test message from Vitalis" in parts["text/plain"]
    assert "<html" in parts["text/html"] and "the mail settings" in parts["text/html"]
    return message


def test_mail_test_delivers_both_parts_over_smtp(tmp_path, database, smtp_sink):
    result = mail_test(tmp_path, database, f"--smtp-url={smtp_sink.url}")
    assert result.returncode == 0, result.stderr
    assert f"sent via {smtp_sink.url}" in result.stdout
    assert wait_until(lambda: len(smtp_sink.received()) == 1, timeout=5)
    received = smtp_sink.received()[0]
    assert received["from"] == "no-reply@vitalis.local"
    assert received["to"] == [RECIPIENT]
    message = assert_both_parts(received["data"])
    outbox_id = message["Message-ID"].split(".")[1]
    assert query(database, f"SELECT status, attempts FROM outbox WHERE id = {outbox_id}") == \
        [["sent", "1"]]
    # Logs name the message by id and kind, never by recipient or content.
    assert RECIPIENT not in result.stderr
    assert "This is a test message" not in result.stderr
    sent = [line for line in log_lines(result.stderr) if line["msg"] == "mail sent"]
    assert sent and sent[0]["kind"] == "test_message"


# aiosmtpd warns about AUTH without TLS; on loopback in a test that is the point.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_auth_works_and_the_password_is_never_printed(tmp_path, sqlite_database):
    sink = SmtpSink(credentials=("vitalis", "pa55-word-xyz"))
    try:
        # This sink offers no TLS: plain AUTH only because the test turns STARTTLS off by name.
        result = mail_test(tmp_path, sqlite_database, f"--smtp-url={sink.url}",
                           "--smtp-user=vitalis", "--smtp-starttls=false",
                           env_extra={"VITALIS_SMTP_PASSWORD": "pa55-word-xyz"})
        assert result.returncode == 0, result.stderr
        assert len(sink.received()) == 1
        assert ("vitalis", True) in sink.logins
        assert "pa55-word-xyz" not in result.stdout + result.stderr

        wrong = mail_test(tmp_path, sqlite_database, f"--smtp-url={sink.url}",
                          "--smtp-user=vitalis", "--smtp-password=not-the-password",
                          "--smtp-starttls=false")
        assert wrong.returncode == 1
        assert "mail not delivered" in wrong.stderr
        assert "not-the-password" not in wrong.stdout + wrong.stderr
        assert len(sink.received()) == 1
        assert query(sqlite_database, "SELECT status FROM outbox ORDER BY id") == \
            [["sent"], ["dead"]]
    finally:
        sink.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_password_is_never_sent_in_clear_by_default(tmp_path, sqlite_database):
    """With credentials, smtp:// requires STARTTLS unless turned off by name: against a server
    without TLS nothing is sent and no AUTH is tried, so the password never crosses in clear."""
    sink = SmtpSink(credentials=("vitalis", "pa55-word-xyz"))
    try:
        for extra in (["--smtp-user=vitalis", "--smtp-password=pa55-word-xyz"],
                      []):
            url = sink.url if extra else sink.url.replace("smtp://", "smtp://vitalis:pa55-word-xyz@")
            result = mail_test(tmp_path, sqlite_database, f"--smtp-url={url}", *extra)
            assert result.returncode == 1, result.stderr
            assert "mail not delivered" in result.stderr
            assert "pa55-word-xyz" not in result.stdout + result.stderr
        assert sink.received() == [] and sink.logins == []
    finally:
        sink.stop()


def test_required_starttls_is_never_skipped(tmp_path, sqlite_database, smtp_sink):
    # The sink offers no STARTTLS: a sender that requires it must refuse to send in clear.
    result = mail_test(tmp_path, sqlite_database, f"--smtp-url={smtp_sink.url}",
                       "--smtp-starttls=true")
    assert result.returncode == 1
    assert "mail not delivered" in result.stderr
    assert smtp_sink.received() == []


def test_unreachable_server_fails_with_a_clear_message(tmp_path, sqlite_database):
    port = free_port()  # closed again: nothing listens there
    result = mail_test(tmp_path, sqlite_database, f"--smtp-url=smtp://user:hunter22@127.0.0.1:{port}")
    assert result.returncode == 1
    assert f"mail not delivered via smtp://user:***@127.0.0.1:{port}" in result.stderr
    assert "hunter22" not in result.stdout + result.stderr


def test_bad_mail_settings_are_refused(tmp_path, sqlite_database):
    for flags in (["--smtp-url=http://127.0.0.1:25"], ["--outbox-max-attempts=0"],
                  ["--mail-from=not an address"]):
        result = mail_test(tmp_path, sqlite_database, *flags)
        assert result.returncode == 2, flags
        assert result.stderr.startswith("vitalis: ")
    missing = run_vitalis(tmp_path, "mail", "test", f"--database={sqlite_database.url}")
    assert missing.returncode == 2 and "--to" in missing.stderr
    no_action = run_vitalis(tmp_path, "mail", f"--to={RECIPIENT}")
    assert no_action.returncode == 2


def test_without_smtp_mail_is_written_as_eml(tmp_path, database):
    result = mail_test(tmp_path, database, "--mail-dir=outgoing")
    assert result.returncode == 0, result.stderr
    files = list((tmp_path / "outgoing").iterdir())
    assert len(files) == 1 and files[0].suffix == ".eml"  # no temp file left behind
    assert files[0].stat().st_mode & 0o077 == 0  # holds one-time codes: owner only
    raw = files[0].read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert_both_parts(raw)
    written = [line for line in log_lines(result.stderr) if line["msg"] == "mail written"]
    assert len(written) == 1
    assert pathlib.Path(tmp_path / written[0]["path"]).resolve() == files[0].resolve()
    assert written[0]["kind"] == "test_message"
    assert RECIPIENT not in result.stderr


def test_crash_after_the_server_accepted_never_sends_twice(tmp_path, database, smtp_sink,
                                                           start_server):
    # 1. The sender dies between the SMTP server's "250 accepted" and recording it as sent.
    crashed = mail_test(tmp_path, database, f"--smtp-url={smtp_sink.url}",
                        env_extra={"VITALIS_FAILPOINT": "outbox_after_send"})
    assert crashed.returncode == 86, crashed.stderr
    assert len(smtp_sink.received()) == 1
    assert query(database, "SELECT id, status FROM outbox") == [["1", "sending"]]

    # 2. A restarted server finds the row left in `sending`, marks it uncertain, sends nothing.
    server = start_server(database, f"--smtp-url={smtp_sink.url}",
                          "--outbox-sending-timeout-ms=100")
    assert wait_until(lambda: any('"outbox message uncertain"' in line and '"outbox_id":1' in line
                                  for line in server.log_lines), timeout=10), server.log_lines

    # 3. Mail still flows: a new message is delivered by the background sender.
    add_pending(database, "bob@example.org")
    assert wait_until(lambda: len(smtp_sink.received()) == 2, timeout=10), server.log_lines
    assert wait_until(lambda: query(database, "SELECT status FROM outbox WHERE id = 2") ==
                      [["sent"]], timeout=5)
    server.stop()

    received = smtp_sink.received()
    assert [message["to"] for message in received] == [[RECIPIENT], ["bob@example.org"]]
    assert query(database, "SELECT status, attempts FROM outbox WHERE id = 1") == \
        [["uncertain", "1"]]


def test_lost_answer_after_the_whole_message_is_uncertain_not_resent(tmp_path, sqlite_database,
                                                                     smtp_sink):
    result = mail_test(tmp_path, sqlite_database, f"--smtp-url={smtp_sink.url}",
                       to="hangup@example.org")
    assert result.returncode == 1
    assert "delivery uncertain" in result.stderr
    assert len(smtp_sink.received()) == 1
    assert query(sqlite_database, "SELECT status FROM outbox") == [["uncertain"]]


def test_server_retries_temporary_refusals_and_drops_permanent_ones(tmp_path, database,
                                                                    smtp_sink, start_server):
    server = start_server(database, f"--smtp-url={smtp_sink.url}")
    add_pending(database, "refused@example.org")
    add_pending(database, "busy@example.org")
    add_pending(database, "carol@example.org")
    assert wait_until(lambda: query(database, "SELECT status, attempts FROM outbox ORDER BY id")
                      == [["dead", "1"], ["pending", "1"], ["sent", "1"]], timeout=10), \
        query(database, "SELECT * FROM outbox")
    (error,), = query(database, "SELECT last_error FROM outbox WHERE recipient LIKE 'busy@%'")
    assert "451" in error
    (next_attempt,), = query(database,
                             "SELECT next_attempt_at FROM outbox WHERE recipient LIKE 'busy@%'")
    assert next_attempt > "2001"  # pushed into the future by the backoff
    assert [message["to"] for message in smtp_sink.received()] == [["carol@example.org"]]
    assert wait_until(lambda: all(any(f'"msg":"{msg}"' in line for line in server.log_lines)
                                  for msg in ("mail delivery abandoned", "mail delivery failed",
                                              "mail sent")), timeout=5), server.log_lines
    logs = "\n".join(server.log_lines)
    for address in ("refused@", "busy@", "carol@"):
        assert address not in logs
