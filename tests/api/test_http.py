"""HTTP behaviour of the real server: error model, limits, keep-alive, static files, CORS,
WebSocket, metrics. Dialect-independent behaviour runs on SQLite only (lite_server). The write
these tests send is a real one: a signed-in patient recording a reading (POST observations)."""
import base64
import json
import os
import random
import socket
import struct
import time

import pytest

from conftest import SignedIn, assert_error, read_raw_responses, wait_until
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)

READING = {"metric": "heart_rate", "value": 72, "unit": "/min"}


def start_mail_server(start_server, database, smtp, *flags):
    return start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH, *flags)


def signed_in_patient(server, smtp, tmp_path, address="ana@example.org"):
    """A patient signed up, verified and signed in on `server`: `observations` is the path of
    their readings, `authorization` the header raw requests carry."""
    token, patient_id = Api(server, smtp, tmp_path).patient(address)
    patient = SignedIn(server, token)
    patient.id = patient_id
    patient.observations = f"/api/v1/patients/{patient_id}/observations"
    patient.authorization = b"Authorization: Bearer " + token.encode() + b"\r\n"
    return patient


@pytest.fixture
def patient(start_server, database, smtp, tmp_path):  # noqa: F811
    return signed_in_patient(start_mail_server(start_server, database, smtp), smtp, tmp_path)


@pytest.fixture
def lite_patient(start_server, sqlite_database, smtp, tmp_path):  # noqa: F811
    return signed_in_patient(start_mail_server(start_server, sqlite_database, smtp), smtp,
                             tmp_path)


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def test_healthz_answers_with_request_id_and_security_headers(lite_server):
    status, headers, body = lite_server.json("GET", "/healthz")
    assert status == 200
    assert body == {"status": "ok"}
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "no-store"
    assert "default-src 'self'" in headers["content-security-policy"]
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    first = headers["x-request-id"]
    _, again, _ = lite_server.request("GET", "/healthz")
    assert first and again["x-request-id"] != first


def test_request_id_is_kept_when_valid_and_replaced_when_not(lite_server):
    _, headers, _ = lite_server.request("GET", "/healthz", headers={"X-Request-Id": "abc-123.x_y"})
    assert headers["x-request-id"] == "abc-123.x_y"
    _, headers, _ = lite_server.request("GET", "/healthz", headers={"X-Request-Id": "bad id!" * 20})
    assert headers["x-request-id"] != "bad id!" * 20
    assert " " not in headers["x-request-id"]


def test_readyz_reaches_the_database(server):
    status, _, body = server.json("GET", "/readyz")
    assert status == 200
    assert body == {"status": "ready", "database": server.database.dialect}


def test_readyz_reports_503_when_postgresql_goes_away(start_server, postgres_database):
    server = start_server(postgres_database)
    assert server.json("GET", "/readyz")[0] == 200
    postgres_database.drop()
    status, _, body = server.json("GET", "/readyz")
    assert status == 503
    assert body["status"] == "unavailable"
    assert server.json("GET", "/healthz")[0] == 200  # alive, just not ready


def test_unknown_route_is_404_json(lite_server):
    for path in ("/api/v1/nothing", "/api", "/healthz/extra", "/fhir/R4/Patient"):
        status, headers, body = lite_server.json("GET", path)
        assert status == 404, path
        assert headers["content-type"] == "application/json"
        assert_error(body, "not_found")


def test_wrong_method_is_405_with_allow(lite_server):
    status, headers, body = lite_server.json("DELETE", "/api/v1/patients/1/observations")
    assert status == 405
    assert headers["allow"] == "GET, POST, HEAD"
    assert_error(body, "method_not_allowed")
    status, headers, _ = lite_server.json("PUT", "/healthz")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_head_answers_like_get_without_body(lite_server):
    status, headers, body = lite_server.request("HEAD", "/healthz")
    assert status == 200
    assert body == b""
    assert headers["content-length"] == str(len(b'{"status":"ok"}'))


def test_malformed_json_is_400_naming_body(lite_patient):
    for raw in ('{"metric":', "not json", "[1,2"):
        status, _, body = lite_patient.json("POST", lite_patient.observations, body=raw,
                                            headers={"Content-Type": "application/json"})
        assert status == 400, raw
        assert_error(body, "malformed_request", "body")
    status, _, body = lite_patient.json("POST", lite_patient.observations, body="",
                                        headers={"Content-Type": "application/json"})
    assert status == 400
    assert_error(body, "malformed_request", "body")


def test_wrong_content_type_is_415(lite_patient):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": content_type} if content_type else {}
        status, _, body = lite_patient.json("POST", lite_patient.observations,
                                            body=json.dumps(READING), headers=headers)
        assert status == 415, content_type
        assert_error(body, "unsupported_media_type", "Content-Type")


def test_invalid_values_are_422_naming_the_field(patient):
    cases = [
        ({"value": 72, "unit": "/min"}, "code"),
        ({"metric": "", "value": 72, "unit": "/min"}, "code"),
        ({"metric": "nonsense", "value": 72, "unit": "/min"}, "metric"),
        ({"metric": 7, "value": 72, "unit": "/min"}, "metric"),
        ({"metric": "heart_rate", "unit": "/min"}, "value"),
        ({"metric": "heart_rate", "value": 9999, "unit": "/min"}, "value"),
        ({"metric": "heart_rate", "value": "72", "unit": "/min"}, "value"),
        ({"metric": "heart_rate", "value": 72, "unit": "kg"}, "unit"),
        ({**READING, "effective_at": "yesterday"}, "effective_at"),
        ([1, 2], "body"),
    ]
    for payload, field in cases:
        status, _, body = patient.json("POST", patient.observations, json_body=payload)
        assert status == 422, payload
        assert_error(body, "validation_failed", field)
    status, _, body = patient.json("GET", patient.observations + "?limit=0")
    assert status == 422
    assert_error(body, "validation_failed", "limit")
    status, _, body = patient.json("GET", patient.observations + "/abc/history")
    assert status == 422
    assert_error(body, "validation_failed", "observation_id")
    # Nothing half-written: every rejected request left the record empty.
    assert patient.json("GET", patient.observations)[2] == {"items": [], "next_before": None}


def test_recorded_reading_round_trip(patient):
    status, _, created = patient.json("POST", patient.observations, json_body=READING)
    assert status == 201
    [reading] = created["items"]
    assert reading["metric"] == "heart_rate" and reading["value"] == 72
    assert reading["recorded_at"].endswith("Z")
    status, _, history = patient.json("GET", f"{patient.observations}/{reading['id']}/history")
    assert status == 200 and [item["id"] for item in history["items"]] == [reading["id"]]
    for value in (61, 62, 63):
        patient.json("POST", patient.observations, json_body={**READING, "value": value})
    status, _, listing = patient.json("GET", patient.observations + "?limit=2")
    assert [item["value"] for item in listing["items"]] == [63, 62]
    status, _, body = patient.json("GET", f"{patient.observations}/999999/history")
    assert status == 404
    assert_error(body, "not_found")


def test_oversized_body_is_413_and_leaves_nothing(start_server, sqlite_database, smtp,  # noqa: F811
                                                  tmp_path):
    server = start_mail_server(start_server, sqlite_database, smtp, "--max-body=1000")
    patient = signed_in_patient(server, smtp, tmp_path)
    big = json.dumps({**READING, "effective_at": "x" * 2000})
    status, headers, body = patient.json("POST", patient.observations, body=big,
                                         headers={"Content-Type": "application/json"})
    assert status == 413
    assert_error(body, "payload_too_large", "body")
    assert headers["connection"] == "close"
    # Chunked bodies have no Content-Length up front: the limit still holds while reading.
    sock = socket.create_connection(("127.0.0.1", server.port))
    chunk = b"x" * 600
    request = (b"POST " + patient.observations.encode() + b" HTTP/1.1\r\nHost: t\r\n"
               + patient.authorization + b"Content-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n")
    for _ in range(3):
        request += b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    request += b"0\r\n\r\n"
    sock.sendall(request)
    (head, body), = read_raw_responses(sock, 1)
    assert head.startswith("HTTP/1.1 413")
    sock.close()
    assert patient.json("GET", patient.observations)[2] == {"items": [], "next_before": None}
    # Within the limit, the same route works.
    assert patient.json("POST", patient.observations, json_body=READING)[0] == 201


def test_refused_large_upload_still_receives_its_413(start_server, sqlite_database,
                                                     smtp, tmp_path):  # noqa: F811
    """The client keeps sending a body the server will not read; it must still get the 413
    (a plain close would reset the connection and destroy the response)."""
    server = start_mail_server(start_server, sqlite_database, smtp, "--max-body=1000")
    patient = signed_in_patient(server, smtp, tmp_path)
    sock = socket.create_connection(("127.0.0.1", server.port))
    body = b"x" * (3 * 1024 * 1024)
    sock.sendall(b"POST " + patient.observations.encode() + b" HTTP/1.1\r\nHost: t\r\n"
                 + patient.authorization + b"Content-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body))
    try:
        sock.sendall(body)
    except OSError:
        pass  # the server may stop reading once it has answered; the answer must still be there
    (head, payload), = read_raw_responses(sock, 1)
    assert head.startswith("HTTP/1.1 413"), head
    assert json.loads(payload)["error"]["code"] == "payload_too_large"
    sock.close()


def test_bad_query_encoding_is_400_naming_the_parameter(lite_patient):
    status, _, body = lite_patient.json("GET", lite_patient.observations + "?limit=%zz")
    assert status == 400
    assert_error(body, "malformed_request", "limit")


def test_expect_100_continue_is_honoured(lite_patient):
    sock = socket.create_connection(("127.0.0.1", lite_patient.port))
    payload = json.dumps(READING).encode()
    sock.sendall(b"POST " + lite_patient.observations.encode() + b" HTTP/1.1\r\nHost: t\r\n"
                 + lite_patient.authorization + b"Content-Type: application/json\r\n"
                 b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(payload))
    sock.settimeout(5)
    interim = sock.recv(1024)
    assert interim.startswith(b"HTTP/1.1 100 Continue")
    sock.sendall(payload)
    (head, body), = read_raw_responses(sock, 1)
    assert head.startswith("HTTP/1.1 201")
    sock.close()


def test_malformed_http_gets_400_and_server_survives(lite_server):
    sock = socket.create_connection(("127.0.0.1", lite_server.port))
    sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
    (head, body), = read_raw_responses(sock, 1)
    assert head.startswith("HTTP/1.1 400")
    assert json.loads(body)["error"]["code"] == "malformed_request"
    sock.close()
    assert lite_server.json("GET", "/healthz")[0] == 200


@pytest.mark.parametrize("encoding", [b"gzip", b"chunked, gzip", b"gzip, chunked", b"identity",
                                      b"chunked\r\nTransfer-Encoding: gzip"])
def test_transfer_encodings_other_than_chunked_are_refused(lite_patient, encoding):
    """A body whose end the server cannot find for sure (a coding other than a single "chunked")
    is refused with 400 and the connection closed, never read as a request without a body:
    otherwise the bytes after it would be taken as the next request (request smuggling)."""
    sock = socket.create_connection(("127.0.0.1", lite_patient.port))
    sneaked = (b"POST " + lite_patient.observations.encode() + b" HTTP/1.1\r\nHost: t\r\n"
               + lite_patient.authorization + b"Content-Type: application/json\r\n"
               b"Content-Length: " + str(len(json.dumps(READING))).encode() + b"\r\n\r\n"
               + json.dumps(READING).encode())
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + encoding
                 + b"\r\n\r\n" + sneaked)
    responses = read_raw_responses(sock, 2)  # the server closes after one: no second answer
    sock.close()
    [(head, body)] = responses
    assert head.startswith("HTTP/1.1 400"), head
    error = json.loads(body)["error"]
    assert error["code"] == "malformed_request"
    if b"\r\n" not in encoding:  # (two header lines are already refused by the HTTP parser)
        assert error["field"] == "Transfer-Encoding" and "Transfer-Encoding" in error["message"]
    assert "connection: close" in head.lower()
    # The request hidden in the body was not run.
    assert lite_patient.json("GET", lite_patient.observations)[2]["items"] == []


def test_content_length_and_chunked_together_are_refused(lite_patient):
    sock = socket.create_connection(("127.0.0.1", lite_patient.port))
    sock.sendall(b"POST " + lite_patient.observations.encode() + b" HTTP/1.1\r\nHost: t\r\n"
                 + lite_patient.authorization + b"Content-Type: application/json\r\n"
                 b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"0\r\n\r\n")
    [(head, _)] = read_raw_responses(sock, 2)
    sock.close()
    assert head.startswith("HTTP/1.1 400"), head
    assert lite_patient.json("GET", lite_patient.observations)[2]["items"] == []


def test_oversized_header_gets_431(lite_server):
    sock = socket.create_connection(("127.0.0.1", lite_server.port))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    (head, body), = read_raw_responses(sock, 1)
    assert head.startswith("HTTP/1.1 431")
    sock.close()


def test_garbage_from_many_clients_never_crashes_the_server(lite_server):
    rng = random.Random(1234)
    for _ in range(60):
        sock = socket.create_connection(("127.0.0.1", lite_server.port))
        kind = rng.randrange(4)
        if kind == 0:
            payload = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        elif kind == 1:
            payload = b"GET /" + bytes(rng.randrange(33, 127) for _ in range(50)) + b" HTTP/1.1\r\n\r\n"
        elif kind == 2:
            payload = b"POST /api/v1/patients/1/observations HTTP/1.1\r\nContent-Length: -5\r\n\r\n"
        else:
            payload = (b"POST /api/v1/patients/1/observations HTTP/1.1\r\n"
                       b"Transfer-Encoding: chunked\r\n\r\n"
                       b"zz\r\nboom\r\n")
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(5)
            while sock.recv(65536):
                pass
        except OSError:
            pass
        sock.close()
    assert lite_server.json("GET", "/healthz")[0] == 200
    assert lite_server.process.poll() is None


def test_keep_alive_and_pipelining_answer_in_order(lite_patient):
    sock = socket.create_connection(("127.0.0.1", lite_patient.port))
    payload = json.dumps(READING).encode()
    sock.sendall(
        b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: one\r\n\r\n"
        b"POST " + lite_patient.observations.encode() + b" HTTP/1.1\r\nHost: t\r\n"
        + lite_patient.authorization + b"X-Request-Id: two\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
        b"GET /api/v1/nothing HTTP/1.1\r\nHost: t\r\nX-Request-Id: three\r\n\r\n"
        b"GET /readyz HTTP/1.1\r\nHost: t\r\nX-Request-Id: four\r\n\r\n" % (len(payload), payload))
    responses = read_raw_responses(sock, 4)
    assert [head.split("\r\n")[0] for head, _ in responses] == [
        "HTTP/1.1 200 OK", "HTTP/1.1 201 Created", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"]
    ids = [next(line.split(": ")[1] for line in head.split("\r\n") if line.lower().startswith("x-request-id"))
           for head, _ in responses]
    assert ids == ["one", "two", "three", "four"]
    # The same connection is still usable afterwards.
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    assert read_raw_responses(sock, 1)[0][0].startswith("HTTP/1.1 200")
    sock.close()


def test_idle_and_slow_header_connections_are_closed(start_server, sqlite_database):
    server = start_server(sqlite_database, "--idle-timeout-ms=300", "--header-timeout-ms=300")
    idle = socket.create_connection(("127.0.0.1", server.port))
    idle.settimeout(5)
    started = time.time()
    assert idle.recv(1) == b""
    assert time.time() - started < 3
    slow = socket.create_connection(("127.0.0.1", server.port))
    slow.sendall(b"GET /healthz HTTP/1.1\r\nHo")
    slow.settimeout(5)
    assert slow.recv(1) == b""
    assert server.json("GET", "/healthz")[0] == 200


def test_static_files_types_etag_and_spa_fallback(lite_server):
    status, headers, body = lite_server.request("GET", "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Vitalis test" in body
    status, headers, body = lite_server.request("GET", "/assets/app-abc123.js")
    assert status == 200
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert "immutable" in headers["cache-control"]
    etag = headers["etag"]
    status, headers, body = lite_server.request("GET", "/assets/app-abc123.js",
                                                headers={"If-None-Match": etag})
    assert status == 304 and body == b""
    status, headers, body = lite_server.request("GET", "/patients/17/timeline")
    assert status == 200 and b"Vitalis test" in body
    status, _, body = lite_server.json("GET", "/assets/missing.js")
    assert status == 404
    assert_error(body, "not_found")
    status, _, _ = lite_server.request("GET", "/assets/%2e%2e/%2e%2e/conftest.py")
    assert status == 404


def test_cors_allows_only_configured_origins(start_server, sqlite_database):
    server = start_server(sqlite_database, "--cors-origins=https://app.example")
    _, headers, _ = server.request("GET", "/healthz", headers={"Origin": "https://app.example"})
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert headers["vary"] == "Origin"
    _, headers, _ = server.request("GET", "/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in headers
    status, headers, _ = server.request("OPTIONS", "/api/v1/patients/1/observations", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert status == 204
    assert headers["access-control-allow-methods"] == "POST"
    assert headers["access-control-allow-origin"] == "https://app.example"
    status, _, body = server.json("OPTIONS", "/api/v1/patients/1/observations", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert status == 403
    assert_error(body, "forbidden", "Origin")


def websocket_frame(text):
    payload = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def read_websocket_frame(sock):
    head = sock.recv(2)
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", sock.recv(2))[0]
    data = b""
    while len(data) < length:
        data += sock.recv(length - len(data))
    return opcode, data


def open_websocket(port, extra_headers=b""):
    """Sends a WebSocket upgrade for /ws/echo; returns the socket and the raw answer's head."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET /ws/echo HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n".encode()
                 + extra_headers + b"\r\n")
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(1024)
        if not chunk:
            break
        response += chunk
    return sock, response


def test_websocket_echo(lite_patient):
    # A program (no Origin) and a page of this server's own address (Origin matching Host).
    for origin in (b"", b"Origin: http://t\r\n"):
        sock, response = open_websocket(lite_patient.port, lite_patient.authorization + origin)
        assert response.startswith(b"HTTP/1.1 101"), response
        for message in ("hello", "ünïcödé", "x" * 300):
            sock.sendall(websocket_frame(message))
            opcode, data = read_websocket_frame(sock)
            assert opcode == 1 and data.decode() == message
        sock.close()
    # Without the upgrade the route explains itself.
    status, _, body = lite_patient.json("GET", "/ws/echo")
    assert status == 400
    assert_error(body, "malformed_request", "Upgrade")


def test_websocket_upgrades_pass_the_access_rule_and_the_origin_check(lite_patient):
    """An upgrade runs the route's middleware like any request: anonymous callers get 401; and
    a web page of another site (a browser sends its Origin, and no CORS preflight guards a
    WebSocket) gets 403, so it cannot open a socket with the user's credentials."""
    sock, response = open_websocket(lite_patient.port)
    sock.close()
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 401"), response
    sock, response = open_websocket(lite_patient.port, b"Authorization: Bearer forged\r\n")
    sock.close()
    assert response.startswith(b"HTTP/1.1 401"), response
    sock, response = open_websocket(
        lite_patient.port, lite_patient.authorization + b"Origin: https://evil.example\r\n")
    sock.close()
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403"), response
    assert b"connection: close" in head.lower()
    assert b'"field":"Origin"' in body.replace(b" ", b"")
    assert lite_patient.json("GET", "/healthz")[0] == 200


def test_websocket_client_that_never_reads_is_disconnected(lite_patient):
    """A client that sends but never reads its echoes would grow the server's queue until the
    process dies: past a bounded queue it is disconnected, and the server carries on."""
    sock, response = open_websocket(lite_patient.port, lite_patient.authorization)
    assert response.startswith(b"HTTP/1.1 101"), response
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    frame = websocket_frame("y" * 60000)
    sent, dropped = 0, False
    try:
        while sent < 200 * 1024 * 1024:
            sock.sendall(frame)
            sent += len(frame)
    except (ConnectionResetError, BrokenPipeError):
        dropped = True  # the server let go (a timeout would not count: it raises otherwise)
    sock.close()
    assert dropped, f"still connected after {sent} bytes"
    assert lite_patient.json("GET", "/healthz")[0] == 200
    assert lite_patient.process.poll() is None


def test_metrics_count_requests_by_route_and_status(lite_server):
    for _ in range(3):
        lite_server.request("GET", "/healthz")
    lite_server.request("GET", "/api/v1/nope")
    status, headers, body = lite_server.request("GET", "/metrics")
    assert status == 200
    assert headers["content-type"].startswith("text/plain; version=0.0.4")
    text = body.decode()
    assert 'vitalis_http_requests_total{method="GET",route="/healthz",status="200"} 3' in text
    assert 'vitalis_http_requests_total{method="ANY",route="unmatched",status="404"} 1' in text
    assert 'vitalis_http_request_duration_seconds_count{method="GET",route="/healthz"} 3' in text
    assert 'le="+Inf"' in text


def test_access_log_has_one_line_per_request_and_no_bodies(lite_patient):
    secret = "Patient has condition XYZ-SECRET"
    lite_patient.request("POST", f"/api/v1/patients/{lite_patient.id}/symptoms",
                         json_body={"free_text": "tiredness", "severity": 3, "notes": secret},
                         headers={"X-Request-Id": "log-check-1"})
    assert wait_until(lambda: any("log-check-1" in line for line in lite_patient.log_lines), 5)
    lines = [json.loads(line) for line in lite_patient.log_lines if "log-check-1" in line]
    assert len(lines) == 1
    entry = lines[0]
    assert entry["msg"] == "request" and entry["status"] == 201
    assert entry["route"] == "/api/v1/patients/{patient_id}/symptoms"
    assert isinstance(entry["duration_us"], int)
    assert all(secret not in line for line in lite_patient.log_lines)
