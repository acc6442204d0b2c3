"""HTTP-level findings of the security review (issue 16): WebSocket origins behind a proxy,
X-Forwarded-For over several header lines, the cap on open connections and who may read
/metrics. Dialect-independent: SQLite only."""
import http.client

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
