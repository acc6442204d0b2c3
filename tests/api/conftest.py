"""Fixtures for black-box API tests: the real vitalis binary on a free port, on SQLite files and
on fresh databases of the throwaway PostgreSQL server that scripts/run-tests starts."""
import base64
import hashlib
import hmac
import http.client
import json
import os
import pathlib
import re
import signal
import struct
import subprocess
import threading
import time
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("VITALIS_BIN", str(ROOT / "build" / "ci" / "vitalis"))
PG_ADMIN_URL = os.environ.get("VITALIS_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI") == "true"
# What the sanitizers of the ci build print when they find something (ASan, LSan, UBSan, TSan).
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
                     "ThreadSanitizer")


def psql(url, sql):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], check=True,
                   capture_output=True, text=True)


class Database:
    """A fresh database: a SQLite file in a temp dir, or a new PostgreSQL database."""

    def __init__(self, dialect, tmp_path):
        self.dialect = dialect
        self.name = None
        if dialect == "sqlite":
            self.url = f"sqlite:{tmp_path / 'vitalis.db'}"
            return
        if not PG_ADMIN_URL:
            if IN_CI:
                pytest.fail("CI=true but VITALIS_TEST_POSTGRES_URL is not set")
            pytest.skip("VITALIS_TEST_POSTGRES_URL not set (run through make test)")
        self.name = "api_" + uuid.uuid4().hex[:12]
        psql(PG_ADMIN_URL, f"CREATE DATABASE {self.name}")
        self.url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def drop(self):
        if self.name:
            psql(PG_ADMIN_URL, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


class Server:
    """One running `vitalis serve`; the port is read from its 'listening' log line.

    When the test ends, start_server stops it and fails the test unless it exited with
    `expected_exit` (0: SIGTERM is a clean stop) and printed no sanitizer report. A test that
    kills the server on purpose sets `server.expected_exit = None` (the exit code is then not
    checked; sanitizer reports still are)."""

    def __init__(self, database, tmp_path, *extra, web_root=None, env=None):
        self.database = database
        self.log_lines = []
        self.expected_exit = 0
        self._listening = threading.Event()
        if web_root is None:
            web_root = tmp_path / "web"
            web_root.mkdir(exist_ok=True)
            (web_root / "index.html").write_text("<!doctype html><title>Vitalis test</title>")
            (web_root / "assets").mkdir(exist_ok=True)
            (web_root / "assets" / "app-abc123.js").write_text("console.log('vitalis')")
        args = [BIN, "serve", "--port=0", f"--database={database.url}", f"--web-root={web_root}",
                "--threads=2", *extra]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, cwd=tmp_path,
                                        env=None if env is None else {**os.environ, **env})
        self.port = None
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        if not self._listening.wait(60):  # the shared test machine can be slow to start it
            self.process.kill()
            raise AssertionError("server did not start:\n" + "\n".join(self.log_lines))
        if self.port is None:
            raise AssertionError("server exited:\n" + "\n".join(self.log_lines))

    def _read_log(self):
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.log_lines.append(line)
            if '"msg":"listening"' in line:
                self.port = json.loads(line)["port"]
                self._listening.set()
        self._listening.set()

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, json_body=None):
        """One request on a new connection; returns (status, headers dict, body bytes)."""
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body)
            headers.setdefault("Content-Type", "application/json")
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def json(self, method, path, **kwargs):
        status, headers, body = self.request(method, path, **kwargs)
        return status, headers, (json.loads(body) if body else None)

    def signal(self, signum):
        self.process.send_signal(signum)

    def wait(self, timeout=30):
        return self.process.wait(timeout)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(10)  # the whole output, sanitizer reports included

    def problems(self):
        """Call after stop(): what went wrong in this run (an unexpected exit code, the lines of
        sanitizer reports); empty when nothing did."""
        found = []
        code = self.process.returncode
        if self.expected_exit is not None and code != self.expected_exit:
            found.append(f"vitalis serve exited with {code}, expected {self.expected_exit}"
                         + (" (killed after 30 s: SIGTERM did not stop it)" if code == -9 else ""))
        reports = [i for i, line in enumerate(self.log_lines)
                   if any(marker in line for marker in SANITIZER_REPORTS)]
        if reports:
            first = reports[0]
            found.append("sanitizer report in the server's output:\n" +
                         "\n".join(self.log_lines[max(0, first - 2):first + 60]))
        return found


def stop_and_check(servers):
    """Stops every server, then fails the test with what went wrong in any of them."""
    for server in servers:
        server.stop()
    problems = [f"server on port {server.port}: {problem}"
                for server in servers for problem in server.problems()]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    db = Database(request.param, tmp_path)
    yield db
    db.drop()


@pytest.fixture
def sqlite_database(tmp_path):
    return Database("sqlite", tmp_path)


@pytest.fixture
def postgres_database(tmp_path):
    db = Database("postgresql", tmp_path)
    yield db
    db.drop()


@pytest.fixture
def start_server(tmp_path):
    """Factory: start_server(database, *flags) -> Server, stopped after the test."""
    servers = []

    def start(database, *extra, **kwargs):
        server = Server(database, tmp_path, *extra, **kwargs)
        servers.append(server)
        return server

    yield start
    stop_and_check(servers)


@pytest.fixture
def server(start_server, database):
    return start_server(database)


@pytest.fixture
def lite_server(start_server, sqlite_database):
    """For HTTP-level behaviour that does not depend on the database dialect."""
    return start_server(sqlite_database)


def assert_error(body, code, field=None):
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"], body
    if field is not None:
        assert body["error"].get("field") == field, body


def read_raw_responses(sock, count, timeout=10):
    """Reads `count` HTTP responses (Content-Length framed) from a raw socket."""
    sock.settimeout(timeout)
    data = b""
    responses = []
    while len(responses) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return responses
            data += chunk
        head, rest = data.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1)) \
            if re.search(rb"(?i)content-length:", head) else 0
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        responses.append((head.decode(), rest[:length]))
        data = rest[length:]
    return responses


def wait_until(predicate, timeout=10, interval=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


ADMIN_PASSWORD = "a sound passphrase for the admin"


class SignedIn:
    """A server seen through a signed-in account: every request carries its bearer token."""

    def __init__(self, server, token):
        self.server = server
        self.token = token

    def _headers(self, kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def json(self, method, path, **kwargs):
        return self.server.json(method, path, headers=self._headers(kwargs), **kwargs)

    def request(self, method, path, **kwargs):
        return self.server.request(method, path, headers=self._headers(kwargs), **kwargs)

    def __getattr__(self, name):
        return getattr(self.server, name)


# --- two-step sign-in (TOTP, RFC 6238) -------------------------------------------------------
# What the tests' "authenticator app" knows: per (database, email), the secret, the last time
# step it answered with and the unused recovery codes.
AUTHENTICATORS = {}


def totp_code(secret, at=None, step=None):
    """The 6-digit RFC 6238 code (HMAC-SHA1, 30 s) of a base32 secret at unix time `at` (now)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30) if step is None else step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1000000:06d}"


def authenticator(server, email):
    return AUTHENTICATORS[(server.database.url, email)]


def next_code(server, email):
    """A code the server has not seen for this account: the next unused time step within the
    one-step drift it allows, else a recovery code."""
    app = authenticator(server, email)
    now = int(time.time() // 30)
    step = max(now - 1, app["last_step"] + 1)
    if step <= now + 1:
        app["last_step"] = step
        return totp_code(app["secret"], step=step)
    return app["recovery_codes"].pop()


def enrol_second_factor(signed_in, email):
    """Sets up two-step sign-in for a signed-in account as a person would with an app."""
    status, _, enrolment = signed_in.json("POST", "/api/v1/me/second-factor/enrol")
    assert status == 200, enrolment
    step = int(time.time() // 30)
    status, _, confirmed = signed_in.json("POST", "/api/v1/me/second-factor/confirm",
                                          json_body={"code": totp_code(enrolment["secret"],
                                                                       step=step)})
    assert status == 200, confirmed
    AUTHENTICATORS[(signed_in.server.database.url, email)] = {
        "secret": enrolment["secret"], "last_step": step,
        "recovery_codes": list(confirmed["recovery_codes"])}
    return enrolment["secret"], confirmed["recovery_codes"]


def sign_in(server, email, password, headers=None):
    """POST /auth/signin, answering the second step with the account's authenticator when the
    server asks for it: (status, headers, body) of the answer that carries the session."""
    status, answer_headers, body = server.json(
        "POST", "/api/v1/auth/signin", json_body={"email": email, "password": password},
        headers=headers)
    if status == 200 and body.get("status") == "second_factor_required":
        status, answer_headers, body = server.json(
            "POST", "/api/v1/auth/second-factor", headers=headers,
            json_body={"challenge": body["challenge"], "code": next_code(server, email)})
    return status, answer_headers, body


def signed_in_admin(server, tmp_path, address="admin@example.org"):
    """Creates an admin with `vitalis user create-admin`, signs in as them and sets up their
    two-step sign-in (administrators must have it), remembered for later sign-ins (sign_in)."""
    created = subprocess.run(
        [BIN, "user", "create-admin", f"--email={address}", "--full-name=Test Admin",
         f"--database={server.database.url}", "--argon2-opslimit=1", "--argon2-memlimit-mb=8",
         "--test-only-weak-password-hashing=true"],
        input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    status, _, body = sign_in(server, address, ADMIN_PASSWORD)
    assert status == 200, body
    admin = SignedIn(server, body["access_token"])
    if (server.database.url, address) not in AUTHENTICATORS:
        enrol_second_factor(admin, address)
    return admin
