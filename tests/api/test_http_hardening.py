"""HTTP-level findings of the security review (issue 16): WebSocket origins behind a proxy,
X-Forwarded-For over several header lines, the cap on open connections and who may read
/metrics. Dialect-independent: SQLite only."""
import http.client

from test_http import open_websocket, signed_in_patient, start_mail_server
from test_identity import Api, smtp  # noqa: F401 (smtp is a fixture)


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
