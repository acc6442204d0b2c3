"""The SQLite database on a small filesystem this test makes (tmpfs, mounted as root or through
`sudo -n`; without either the test fails, it never skips) filled up under the write load: writes
answer 503 (never a 500) with a clear log line, the file stays sound (integrity_check, audit
verify), and writes succeed again by themselves once space returns; no acknowledged write is
lost. PostgreSQL on a full disk is not tested (docs/RELIABILITY.md says why)."""
import os
import subprocess
import time
import types

import pytest

from conftest import wait_until
from workload import FLAGS, Api, Clinic, Load, Observations, Symptoms, check_database, smtp_sink

SIZE_MB = 16


def as_root(*command):
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=60)


@pytest.fixture
def small_filesystem(tmp_path):
    path = tmp_path / "small"
    path.mkdir()
    mounted = as_root("mount", "-t", "tmpfs", "-o",
                      f"size={SIZE_MB}m,mode=0700,uid={os.getuid()},gid={os.getgid()}",
                      "tmpfs", str(path))
    if mounted.returncode != 0:
        pytest.fail("the disk-full test needs to mount a small tmpfs (run as root, or with "
                    f"passwordless sudo): mount said: {mounted.stderr.strip()}", pytrace=False)
    yield path
    if as_root("umount", str(path)).returncode != 0:
        as_root("umount", "-l", str(path))


def fill(path):
    """Fills the filesystem at `path` (a file of zeros until ENOSPC); returns the file."""
    filler = path / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (256 * 1024, 4096, 512):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_answers_503_and_recovers(small_filesystem, start_server, tmp_path):
    database = types.SimpleNamespace(dialect="sqlite",
                                     url=f"sqlite:{small_filesystem / 'vitalis.db'}", name=None)
    with smtp_sink() as sink:
        server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{sink.port}", *FLAGS)
        clinic = Clinic(Api(server, sink, tmp_path))
        load = Load(clinic, lambda: server.port, writers=[Observations, Symptoms])
        load.start()
        try:
            before = load.acknowledged()
            assert wait_until(lambda: load.acknowledged() > before + 10, 30), load.statuses
            filler = fill(small_filesystem)
            assert wait_until(lambda: load.statuses.get(503, 0) >= 10, 60), \
                f"no 503 on a full disk: {load.statuses} {load.last_refusal}"
            full_lines = [line for line in server.log_lines if "disk is full" in line]
            assert full_lines, "no log line says the disk is full:\n" + \
                "\n".join(server.log_lines[-20:])
            assert '"level":"error"' in full_lines[0], full_lines[0]
            print("log:", full_lines[0])
            assert server.process.poll() is None, "the server died on a full disk"
            assert not check_database(database.url, tmp_path), "unsound while full"
            filler.unlink()
            freed_at = time.time()
            before = load.acknowledged()
            assert wait_until(lambda: load.acknowledged() > before + 10, 15), \
                f"writes did not resume when space returned: {load.statuses} {load.last_refusal}"
            print(f"writes again {time.time() - freed_at:.2f} s after space returned")
        finally:
            load.stop()
    unexpected = {code: n for code, n in load.statuses.items() if code not in (200, 201, 503)}
    assert not unexpected, f"answers other than 201 and 503: {load.statuses} {load.last_refusal}"
    problems = check_database(database.url, tmp_path, load)
    assert not problems, "\n".join(problems)
    print(f"answers {load.statuses}")
