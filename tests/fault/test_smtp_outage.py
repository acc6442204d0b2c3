"""The SMTP server down for a while, then back (aiosmtpd on the same port): every queued message
is delivered exactly once (counted by Message-ID), and the retries and their backoff show in
/metrics (vitalis_mail_*). The outage lasts VITALIS_FAULT_SMTP_DOWN_S seconds (15); the backoff is
made short with --outbox-retry-base-ms / --outbox-retry-max-ms so that a short outage sees
several rounds of it."""
import collections
import os
import re
import socket
import time

from aiosmtpd.controller import Controller

from conftest import wait_until
from test_identity import Sink
from workload import FLAGS, Client, SignUps, query

DOWN_SECONDS = float(os.environ.get("VITALIS_FAULT_SMTP_DOWN_S", "15"))
MESSAGES = 20


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mail_metrics(server):
    status, _, body = server.request("GET", "/metrics")
    assert status == 200
    return {name: float(value) for name, value in
            re.findall(r"^(vitalis_mail_\w+) (\S+)$", body.decode(), re.M)}


def test_mail_queued_while_smtp_is_down_is_delivered_once_when_it_returns(
        start_server, database, tmp_path):
    port = free_port()  # nothing listens there until the sink starts
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{port}",
                          "--outbox-retry-base-ms=500", "--outbox-retry-max-ms=2000",
                          "--outbox-max-attempts=100", *FLAGS)
    client = Client(lambda: server.port)
    sign_ups = SignUps(prefix="outage")
    addresses = []
    for n in range(MESSAGES):
        status, address = sign_ups.write(client, None, n)
        assert status == 202, client.last_body
        addresses.append(address)
    client.close()

    started = time.time()
    assert wait_until(lambda: mail_metrics(server)["vitalis_mail_retries_total"] >= MESSAGES,
                      timeout=DOWN_SECONDS + 30)
    # The backoff grows to its cap while the server stays down.
    assert wait_until(lambda: mail_metrics(server)["vitalis_mail_last_retry_backoff_seconds"]
                      == 2.0, timeout=DOWN_SECONDS + 30), mail_metrics(server)
    time.sleep(max(0.0, DOWN_SECONDS - (time.time() - started)))
    during = mail_metrics(server)
    assert during["vitalis_mail_sent_total"] == 0, during
    assert during["vitalis_mail_dead_total"] == 0, during
    assert during["vitalis_mail_retry_backoff_seconds_total"] >= \
        during["vitalis_mail_retries_total"] * 0.5, during
    assert any('"msg":"mail delivery failed"' in line for line in server.log_lines)

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert wait_until(lambda: len(sink.messages) >= MESSAGES, timeout=30), \
            f"{len(sink.messages)} of {MESSAGES} delivered after the SMTP server came back"
        time.sleep(3)  # room for a second copy, if any were to come
        with sink.lock:
            received = list(sink.messages)
    finally:
        controller.stop()

    ids = collections.Counter(message["Message-ID"] for _, message in received)
    assert all(ids.values()) and len(ids) == MESSAGES, ids
    assert max(ids.values()) == 1, [mid for mid, count in ids.items() if count > 1]
    recipients = sorted(rcpt for rcpts, _ in received for rcpt in rcpts)
    assert recipients == sorted(addresses)
    after = mail_metrics(server)
    assert after["vitalis_mail_sent_total"] == MESSAGES, after
    assert after["vitalis_mail_dead_total"] == 0 and after["vitalis_mail_uncertain_total"] == 0
    assert after["vitalis_mail_retries_total"] >= 2 * MESSAGES, after  # each waited more than once
    rows = query(database.url, "SELECT status, count(*) FROM outbox GROUP BY status")
    assert rows == [["sent", str(MESSAGES)]], rows
