"""HTTP-level findings of the security review (issue 16): WebSocket origins behind a proxy,
X-Forwarded-For over several header lines, the cap on open connections and who may read
/metrics. Dialect-independent: SQLite only."""
import http.client
import json
import os
import socket
import subprocess

import pytest

from conftest import BIN, wait_until
from test_http import open_websocket, signed_in_patient, start_mail_server
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)


def test_websocket_accepts_the_public_urls_origin_behind_a_proxy(start_server, sqlite_database,
                                                                 smtp, tmp_path):  # noqa: F811
    """A reverse proxy that rewrites Host to its upstream ("t" here) still serves the page from
    --public-url: that origin may open a WebSocket; other sites still may not."""
    server = start_mail_server(start_server, sqlite_database, smtp,
                               "--public-url=https://Clinic.Example/vitalis/")
    patient = signed_in_patient(server, smtp, tmp_path)
    sock, response = open_websocket(server.port,
                                    patient.authorization + b"Origin: https://clinic.example\r\n")
    sock.close()
    assert response.startswith(b"HTTP/1.1 101"), response
    for foreign in (b"https://evil.example", b"http://clinic.example",
                    b"https://clinic.example.evil.example"):
        sock, response = open_websocket(server.port,
                                        patient.authorization + b"Origin: " + foreign + b"\r\n")
        sock.close()
        assert response.startswith(b"HTTP/1.1 403"), (foreign, response)


def test_several_forwarded_for_lines_are_one_list(start_server, sqlite_database, smtp,
                                                   tmp_path):  # noqa: F811
    """A client sends its own X-Forwarded-For line and the trusted proxy adds another instead of
    extending it: the lines are one list (RFC 9110 §5.3), so the client is the proxy's hop in the
    last line, not whatever the client claimed in the first."""
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          "--trusted-proxies=127.0.0.1", *FAST_HASH)
    api = Api(server, smtp, tmp_path)
    admin, _ = api.create_admin()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = b'{"email": "x@example.org", "password": "yyyyyyyyyyyy"}'
    conn.putrequest("POST", "/api/v1/auth/signin")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(len(body)))
    conn.putheader("X-Forwarded-For", "198.51.100.7")  # the client's claim
    conn.putheader("X-Forwarded-For", "203.0.113.5")   # added by the trusted proxy
    conn.endheaders(body)
    assert conn.getresponse().status == 401
    conn.close()
    _, _, audit = api.call("GET", "/api/v1/admin/audit?action=auth.sign_in", admin)
    failed = [e for e in audit["items"] if e["outcome"] == "failure"]
    assert failed and failed[0]["client_address"] == "203.0.113.5", failed


def test_connections_over_the_cap_get_503_and_are_counted(start_server, sqlite_database):
    """With --max-connections=4, four idle connections fill the server: each further one is
    answered 503 with Retry-After and closed at once, logged once for the burst and counted in
    /metrics; once a connection closes, new ones are served again."""
    server = start_server(sqlite_database, "--max-connections=4")
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(4)]
    # Each is registered when accepted; a request on each shows all four are being served.
    for sock in held:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        sock.settimeout(10)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    for _ in range(3):
        extra = socket.create_connection(("127.0.0.1", server.port))
        extra.settimeout(10)
        answer = b""
        while chunk := extra.recv(4096):
            answer += chunk
        extra.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 503"), answer
        assert b"\r\nretry-after: 1" in head.lower() and b"connection: close" in head.lower()
        assert json.loads(body)["error"]["code"] == "unavailable"
    assert wait_until(lambda: any("connection limit reached" in line
                                  for line in server.log_lines), 5)
    held.pop().close()

    # The server notices the close a moment later; until then a try may still be refused
    # (a 503, or a reset when the request was sent before the refusal closed the socket).
    answers = []

    def metrics_served():
        try:
            answers.append(server.request("GET", "/metrics"))
        except (ConnectionError, http.client.HTTPException):
            answers.append((503, {}, b""))
        return answers[-1][0] == 200
    assert wait_until(metrics_served, 10)
    refused = 3 + sum(status == 503 for status, _, _ in answers)
    text = answers[-1][2].decode()
    assert f"vitalis_http_connections_refused_total {refused}\n" in text
    # One warning for the whole burst, not one per refused connection.
    assert sum("connection limit reached" in line for line in server.log_lines) == 1
    assert "vitalis_http_max_connections 4\n" in text
    assert wait_until(lambda: any("accepting connections again" in line
                                  for line in server.log_lines), 5)
    for sock in held:
        sock.close()


def test_metrics_without_a_token_answer_this_host_only(start_server, sqlite_database):
    """No token configured: a program on this host reads /metrics; a request a proxy forwarded
    (even a proxy on this host, which connects from loopback) gets 403, and so does a client a
    trusted proxy names."""
    server = start_server(sqlite_database)
    assert server.request("GET", "/metrics")[0] == 200
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        status, _, body = server.request("GET", "/metrics", headers={header: "198.51.100.7"})
        assert status == 403, header
        assert json.loads(body)["error"]["code"] == "forbidden"
    proxied = start_server(sqlite_database, "--trusted-proxies=127.0.0.1")
    status, _, _ = proxied.request("GET", "/metrics", headers={"X-Forwarded-For": "198.51.100.7"})
    assert status == 403
    assert proxied.request("GET", "/healthz", headers={"X-Forwarded-For": "198.51.100.7"})[0] == 200


@pytest.mark.parametrize("source", ["flag", "file", "env"])
def test_metrics_with_a_token_need_it_from_everyone(start_server, sqlite_database, tmp_path,
                                                    monkeypatch, source):
    token = "metrics-" + os.urandom(12).hex()
    if source == "flag":
        server = start_server(sqlite_database, f"--metrics-token={token}")
    elif source == "file":
        path = tmp_path / "metrics.token"
        path.write_text(token + "\n")
        server = start_server(sqlite_database, f"--metrics-token-file={path}")
    else:
        monkeypatch.setenv("VITALIS_METRICS_TOKEN", token)
        server = start_server(sqlite_database)
    for authorization in (None, "Bearer wrong-token-of-some-length", f"Basic {token}", token):
        headers = {"Authorization": authorization} if authorization else {}
        status, reply_headers, body = server.request("GET", "/metrics", headers=headers)
        assert status == 401, authorization
        assert reply_headers["www-authenticate"] == 'Bearer realm="metrics"'
        assert json.loads(body)["error"]["code"] == "unauthenticated"
    status, _, body = server.request("GET", "/metrics",
                                     headers={"Authorization": f"Bearer {token}",
                                              "X-Forwarded-For": "198.51.100.7"})
    assert status == 200 and b"vitalis_http_requests_total" in body
    assert all(token not in line for line in server.log_lines)


def test_a_short_or_unreadable_metrics_token_stops_the_server(tmp_path, sqlite_database):
    for flag in ("--metrics-token=tooShort15chars", f"--metrics-token-file={tmp_path / 'none'}"):
        done = subprocess.run([BIN, "serve", "--port=0", f"--database={sqlite_database.url}", flag],
                              capture_output=True, text=True, timeout=30, cwd=tmp_path)
        assert done.returncode != 0, flag
        assert "metrics-token" in done.stderr + done.stdout
        assert "tooShort15chars" not in done.stderr + done.stdout
