"""Process lifecycle: migrations, CLI, graceful shutdown, and no lost writes on SIGTERM."""
import json
import signal
import socket
import subprocess
import threading
import time

from conftest import BIN, read_raw_responses, wait_until
from test_http import READING, signed_in_patient, start_mail_server
from test_identity import Api, smtp  # noqa: F401 (smtp is a fixture)


def run(*args, cwd=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_migrate_is_idempotent_and_recorded(database, tmp_path):
    first = run("migrate", f"--database={database.url}", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert '"msg":"migration applied"' in first.stderr
    second = run("migrate", f"--database={database.url}", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert '"msg":"migration applied"' not in second.stderr
    done = [json.loads(line) for line in second.stderr.splitlines() if '"migrations done"' in line]
    assert done[0]["applied"] == 0 and done[0]["version"] >= 1


def test_version_help_and_bad_flags(tmp_path):
    version = run("version")
    assert version.returncode == 0 and version.stdout.startswith("vitalis ")
    help_text = run("help", "serve").stdout
    for option in ("--database", "--port", "--threads", "--max-body", "--shutdown-timeout-ms",
                   "VITALIS_DATABASE", "VITALIS_PORT"):
        assert option in help_text
    bad = run("serve", "--port=notaport", cwd=tmp_path)
    assert bad.returncode == 2
    assert "--port" in bad.stderr
    unknown = run("serve", "--frobnicate=1", cwd=tmp_path)
    assert unknown.returncode == 2 and "--frobnicate" in unknown.stderr
    missing_db = run("migrate", "--database=postgresql://nobody@127.0.0.1:1/none", cwd=tmp_path)
    assert missing_db.returncode == 2 and "cannot open database" in missing_db.stderr


def test_environment_configures_when_no_flag(tmp_path, sqlite_database):
    env_db = tmp_path / "from_env.db"
    result = subprocess.run([BIN, "migrate"], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path, env={"VITALIS_DATABASE": f"sqlite:{env_db}"})
    assert result.returncode == 0, result.stderr
    assert env_db.exists()


def test_port_in_use_fails_clearly(start_server, sqlite_database, tmp_path):
    server = start_server(sqlite_database)
    clash = run("serve", f"--port={server.port}", f"--database=sqlite:{tmp_path / 'other.db'}",
                cwd=tmp_path)
    assert clash.returncode == 2
    assert "cannot listen" in clash.stderr


def test_sigterm_lets_in_flight_request_finish(start_server, database, smtp,  # noqa: F811
                                               tmp_path):
    server = start_mail_server(start_server, database, smtp)
    patient = signed_in_patient(server, smtp, tmp_path)
    idle = socket.create_connection(("127.0.0.1", server.port))
    busy = socket.create_connection(("127.0.0.1", server.port))
    payload = json.dumps({**READING, "value": 77}).encode()
    busy.sendall(b"POST " + patient.observations.encode() + b" HTTP/1.1\r\nHost: t\r\n"
                 + patient.authorization + b"Content-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(payload) + payload[:10])
    time.sleep(0.3)  # the header has been read: the request is in flight
    server.signal(signal.SIGTERM)
    # The idle keep-alive connection is closed and new connections are refused...
    idle.settimeout(5)
    assert idle.recv(1) == b""

    def refused():
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
            return False
        except OSError:
            return True
    assert wait_until(refused, 5)
    # ...but the in-flight request completes, and only then does the process exit.
    assert server.process.poll() is None
    busy.sendall(payload[10:])
    (head, body), = read_raw_responses(busy, 1)
    assert head.startswith("HTTP/1.1 201"), head
    assert "connection: close" in head.lower()
    assert json.loads(body)["items"][0]["value"] == 77
    assert server.wait(15) == 0
    assert any('"msg":"stopped"' in line for line in server.log_lines)


def test_sigterm_under_load_loses_no_acknowledged_write(start_server, database, smtp,  # noqa: F811
                                                        tmp_path):
    server = start_mail_server(start_server, database, smtp)
    patient = signed_in_patient(server, smtp, tmp_path)
    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker):
        count = 0
        while not stop.is_set():
            value = 60 + worker * 4 + count % 4  # a normal heart rate: which writer, and a count
            count += 1
            try:
                status, _, body = patient.json("POST", patient.observations,
                                               json_body={**READING, "value": value})
            except (OSError, ValueError, Exception):
                return  # the server went away mid-request: not acknowledged
            if status == 201:
                with lock:
                    acknowledged.append((body["items"][0]["id"], value))
            elif status != 503:
                raise AssertionError(f"unexpected status {status}")

    threads = [threading.Thread(target=writer, args=(idx,)) for idx in range(8)]
    for thread in threads:
        thread.start()
    assert wait_until(lambda: len(acknowledged) >= 50, 30)
    server.signal(signal.SIGTERM)
    assert server.wait(30) == 0
    stop.set()
    for thread in threads:
        thread.join(30)
    assert len(acknowledged) >= 50

    restarted = start_mail_server(start_server, server.database, smtp)
    token, _, _ = Api(restarted, smtp, tmp_path).sign_in("ana@example.org")
    for reading_id, value in acknowledged:
        status, _, body = restarted.json("GET", f"{patient.observations}/{reading_id}/history",
                                         headers={"Authorization": f"Bearer {token}"})
        assert status == 200, (reading_id, value)
        assert body["items"][0]["value"] == value
