"""Mail is not readable at rest (issue 16): whoever copies the database (a backup, a replica)
finds neither the one-time codes nor the addresses of queued mail, and nothing of mail already
sent; the mail itself arrives intact over SMTP, and the code in it works. Also: rows an older
release queued in clear are still sent after the upgrade, then erased; a message that cannot be
decrypted (the secret key file was swapped) is abandoned, never sent garbled."""
import datetime
import re
import shutil

import pytest

from conftest import wait_until
from test_identity import FAST_HASH, Api, smtp_sink
from test_upgrade import FIXTURES, load_fixture, query, run

ADDRESS = "ana.rest@example.org"
NAME = "Ana Restrepo"


@pytest.fixture
def smtp():
    with smtp_sink() as sink:
        yield sink


def sqlite_path(database):
    return database.url.removeprefix("sqlite:")


def outbox_values(database):
    """Every value of every outbox row, as text (NULL left out)."""
    rows = query(database, "SELECT * FROM outbox")
    return "|".join(value for row in rows for value in row if value is not None)


def file_bytes(database):
    """The database as a backup would copy it: the main file and any WAL beside it."""
    path = sqlite_path(database)
    data = b""
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as handle:
                data += handle.read()
        except FileNotFoundError:
            pass
    return data


def test_a_verification_code_is_never_in_the_database_but_arrives_and_works(
        start_server, sqlite_database, smtp, tmp_path):
    # 1. Sign up while the SMTP server is unreachable: the mail stays queued.
    queued_server = start_server(sqlite_database, "--smtp-url=smtp://127.0.0.1:1", *FAST_HASH)
    Api(queued_server, smtp, tmp_path).sign_up_patient(ADDRESS, name=NAME)
    assert wait_until(lambda: query(sqlite_database, "SELECT status, attempts FROM outbox")
                      == [("pending", "1")], timeout=10)
    queued_server.stop()
    backup = file_bytes(sqlite_database)  # a copy of the database while the mail waits
    while_queued = outbox_values(sqlite_database)
    assert "verify_email" in while_queued  # the row is there and readable as such
    for secret in (ADDRESS, NAME, "Confirm your email"):
        assert secret not in while_queued

    # 2. The SMTP server is back: the queued mail goes out, intact.
    query(sqlite_database, "UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'")
    api = Api(start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                           *FAST_HASH), smtp, tmp_path)
    code = smtp.code_for(ADDRESS, "Confirm")
    message = smtp.to(ADDRESS)[0]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert NAME in text and f"    {code}" in text
    assert wait_until(lambda: query(sqlite_database, "SELECT status FROM outbox")
                      == [("sent",)], timeout=10)

    # 3. Neither the copy taken while it waited nor the database now holds the code or address.
    for snapshot in (backup, file_bytes(sqlite_database)):
        assert f"code={code}".encode() not in snapshot
        assert f"    {code}".encode() not in snapshot
        assert f"{code}</p>".encode() not in snapshot
    after = outbox_values(sqlite_database)
    for secret in (code, ADDRESS, NAME, "Confirm your email"):
        assert secret not in after
    assert query(sqlite_database, "SELECT kind, status, attempts, sealed, recipient, text FROM "
                                  "outbox") == [("verify_email", "sent", "2", None, "", "")]

    # 4. The code from the mail verifies the address.
    assert api.verify(ADDRESS) == "active"


def test_a_message_that_cannot_be_decrypted_is_abandoned_not_sent(start_server, sqlite_database,
                                                                  smtp, tmp_path):
    queued_server = start_server(sqlite_database, "--smtp-url=smtp://127.0.0.1:1", *FAST_HASH)
    Api(queued_server, smtp, tmp_path).sign_up_patient(ADDRESS, name=NAME)
    assert wait_until(lambda: query(sqlite_database, "SELECT status FROM outbox")
                      == [("pending",)], timeout=10)
    queued_server.stop()
    query(sqlite_database, "UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'")
    # Another key file than the one the mail was sealed with.
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          f"--secret-key-file={tmp_path / 'other' / 'secret.key'}", *FAST_HASH)
    assert wait_until(lambda: query(sqlite_database, "SELECT status FROM outbox")
                      == [("dead",)], timeout=10), server.log_lines
    assert smtp.to(ADDRESS) == [] and smtp.messages == []
    (error,), = query(sqlite_database, "SELECT last_error FROM outbox")
    assert "cannot be decrypted" in error
    assert wait_until(lambda: any('"mail delivery abandoned"' in line and "cannot be decrypted"
                                  in line for line in server.log_lines), timeout=5)
    logs = "\n".join(server.log_lines)
    assert ADDRESS not in logs and NAME not in logs
    assert query(sqlite_database, "SELECT sealed, recipient FROM outbox") == [(None, "")]


def test_mail_queued_in_clear_before_the_upgrade_is_sent_then_erased(database, start_server, smtp,
                                                                     tmp_path):
    key = tmp_path / "secret.key"
    shutil.copy(FIXTURES / "secret.key", key)
    key.chmod(0o600)
    load_fixture(database)  # the previous release: every row in clear, eleven of them sent
    # Queued just now (within the retention), by the old release: in clear.
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    query(database,
          "INSERT INTO outbox (id, recipient, subject, text, html, kind, status, attempts, "
          "next_attempt_at, created_at) VALUES (100, 'late@example.org', 'Reset your Vitalis "
          "password', 'your code 771133', '<p>771133</p>', 'password_reset', 'pending', 0, "
          f"'{now}', '{now}')")
    # Reset and email-change codes of mail already sent, readable before.
    sent_codes = set(re.findall(r"code=(\d{6})", outbox_values(database)))
    assert len(sent_codes) >= 2

    migrated = run("migrate", f"--database={database.url}", "--log-level=warn")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    # The mail already sent keeps its kind, status and times, and nothing of what it said.
    assert query(database, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND recipient = '' "
                           "AND subject = '' AND text = '' AND html = ''") == [("11",)]
    erased = outbox_values(database)
    assert not any(f"code={code}" in erased or f"    {code}" in erased for code in sent_codes)
    if database.dialect == "sqlite":  # not left behind in free space either (secure_delete)
        assert not any(f"code={code}".encode() in file_bytes(database) for code in sent_codes)
    assert "@demo.vitalis.test" not in outbox_values(database)

    server = start_server(database, f"--secret-key-file={key}",
                          f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    assert wait_until(lambda: len(smtp.to("late@example.org")) == 1, timeout=10), server.log_lines
    message = smtp.to("late@example.org")[0]
    assert "your code 771133" in message.get_body(preferencelist=("plain",)).get_content()
    assert message["Subject"] == "Reset your Vitalis password"
    assert wait_until(lambda: query(database, "SELECT status FROM outbox WHERE id = 100")
                      == [("sent",)], timeout=5)
    assert "771133" not in outbox_values(database)
    assert "late@example.org" not in outbox_values(database)
