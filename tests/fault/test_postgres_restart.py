"""PostgreSQL stopped under the mixed write load and started again (a cluster of this test's
own, scripts/pg-test-server on a private directory, never the shared one): while it is down the
server answers 503 (never a 500, never a crash), /readyz says unavailable, and once it is back
writes succeed again by themselves within seconds; no acknowledged write is lost. Twice: an
immediate stop (like a crash of the database server) and a fast shutdown."""
import os
import subprocess
import tempfile
import time
import types

import pytest

from conftest import ROOT, psql, wait_until
from workload import FLAGS, Api, Clinic, Load, check_database, smtp_sink

DOWN_SECONDS = float(os.environ.get("VITALIS_FAULT_PG_DOWN_S", "5"))
RECOVERY_SECONDS = 10  # "within seconds" of the database being back


class OwnPostgres:
    """A throwaway cluster (scripts/pg-test-server) that this test may stop and start."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vitalis-fault-pg.")
        started = subprocess.run([str(ROOT / "scripts" / "pg-test-server"), "start", self.dir],
                                 capture_output=True, text=True, timeout=120)
        if started.returncode != 0:
            pytest.fail(f"could not start a PostgreSQL cluster: {started.stderr}")
        self.admin_url = started.stdout.strip()
        self.port = self.admin_url.rsplit(":", 1)[1].split("/")[0]
        bindir = sorted(subprocess.run("ls -d /usr/lib/postgresql/*/bin", shell=True,
                                       capture_output=True, text=True).stdout.split())[-1]
        self.pg_ctl = [f"{bindir}/pg_ctl", "-D", f"{self.dir}/data"]
        if os.geteuid() == 0:
            self.pg_ctl = ["runuser", "-u", "postgres", "--", *self.pg_ctl]
        psql(self.admin_url, "CREATE DATABASE fault")
        self.url = self.admin_url.rsplit("/", 1)[0] + "/fault"

    def stop(self, mode):
        subprocess.run([*self.pg_ctl, "-m", mode, "-w", "stop"], check=True,
                       capture_output=True, timeout=60)

    def start(self):
        # The options scripts/pg-test-server starts it with.
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.dir} -c fsync=off -c max_connections=200")
        subprocess.run([*self.pg_ctl, "-l", f"{self.dir}/server.log", "-w", "-t", "30", "start",
                        "-o", options], check=True, capture_output=True, timeout=60)

    def destroy(self):
        subprocess.run([str(ROOT / "scripts" / "pg-test-server"), "stop", self.dir],
                       capture_output=True, timeout=120)


@pytest.fixture
def own_postgres():
    cluster = OwnPostgres()
    yield cluster
    cluster.destroy()


def test_postgres_restarted_under_load(own_postgres, start_server, tmp_path):
    database = types.SimpleNamespace(dialect="postgresql", url=own_postgres.url, name=None)
    with smtp_sink() as sink:
        server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{sink.port}", *FLAGS)
        clinic = Clinic(Api(server, sink, tmp_path))
        load = Load(clinic, lambda: server.port)
        load.start()
        try:
            for mode in ("immediate", "fast"):
                before = load.acknowledged()
                assert wait_until(lambda: load.acknowledged() > before + 10, 30), load.statuses
                own_postgres.stop(mode)
                down_since = time.time()
                status, _, body = server.json("GET", "/readyz")
                assert status == 503 and body["status"] == "unavailable", body
                counted = dict(load.statuses)
                time.sleep(DOWN_SECONDS)
                during = {code: n - counted.get(code, 0) for code, n in load.statuses.items()}
                errors = [line for line in server.log_lines if '"level":"error"' in line]
                assert during.get(503, 0) > 0 and not during.get(500), \
                    f"{mode}: not 503 while the database was down: {during} " \
                    f"{load.last_refusal}\n" + "\n".join(errors[-8:])
                assert server.process.poll() is None, f"{mode}: the server died"
                own_postgres.start()
                back_at = time.time()
                before = load.acknowledged()
                assert wait_until(lambda: load.acknowledged() > before, RECOVERY_SECONDS), \
                    f"{mode}: no write succeeded within {RECOVERY_SECONDS} s of the database " \
                    f"coming back: {load.statuses} {load.last_refusal}"
                recovered = time.time() - back_at
                assert wait_until(lambda: server.json("GET", "/readyz")[0] == 200, 10)
                print(f"{mode} stop: down {back_at - down_since:.1f} s, writes again "
                      f"{recovered:.2f} s after it was back")
        finally:
            load.stop()
    server_errors = {code: n for code, n in load.statuses.items() if code >= 500 and code != 503}
    assert not server_errors, f"answers other than 503 while the database was down: " \
        f"{load.statuses} {load.last_refusal}"
    assert 0 not in load.statuses, f"requests that got no answer: {load.statuses}"
    problems = check_database(database.url, tmp_path, load)
    assert not problems, "\n".join(problems)
    print(f"answers {load.statuses}")
