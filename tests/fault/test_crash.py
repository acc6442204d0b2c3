"""kill -9 at random points under the mixed write load (workload.WRITERS), on SQLite and
PostgreSQL: after every restart each write the server acknowledged is in the database, the
SQLite file passes `PRAGMA integrity_check`, `vitalis audit verify` passes (workload.INVARIANTS)
and the server starts cleanly. VITALIS_FAULT_ROUNDS sets the rounds (20), VITALIS_FAULT_SEED
replays a run's kill points (its seed is printed)."""
import os
import time

from conftest import wait_until
from workload import FLAGS, Api, Clinic, Load, check_database, rng_from_env, smtp_sink

ROUNDS = int(os.environ.get("VITALIS_FAULT_ROUNDS", "20"))


def start_errors(server):
    """Error lines the server logged while starting (before it listened)."""
    lines = []
    for line in server.log_lines:
        if '"msg":"listening"' in line:
            break
        if '"level":"error"' in line:
            lines.append(line)
    return lines


def test_kill_9_under_load_loses_no_acknowledged_write(start_server, database, tmp_path):
    seed, rng = rng_from_env()
    with smtp_sink() as sink:
        flags = (f"--smtp-url=smtp://127.0.0.1:{sink.port}", *FLAGS)
        current = start_server(database, *flags)
        clinic = Clinic(Api(current, sink, tmp_path))
        load = Load(clinic, lambda: current.port)
        for number in range(1, ROUNDS + 1):
            context = f"round {number} of {ROUNDS} (seed {seed}, {database.dialect})"
            load.start()
            before = load.acknowledged()
            assert wait_until(lambda: load.acknowledged() > before + 3, 30), \
                f"{context}: the server acknowledged no write: {load.statuses}"
            time.sleep(rng.uniform(0.0, 0.8))
            current.expected_exit = None  # killed on purpose (sanitizer output is still checked)
            current.process.kill()
            current.wait()
            load.stop()
            problems = check_database(database.url, tmp_path, load)
            assert not problems, f"{context}: after kill -9:\n" + "\n".join(problems)
            current = start_server(database, *flags)
            assert not start_errors(current), f"{context}: restart logged errors:\n" + \
                "\n".join(start_errors(current))
        load.start()
        before = load.acknowledged()
        assert wait_until(lambda: load.acknowledged() > before + 3, 30)
        load.stop()
    problems = check_database(database.url, tmp_path, load)
    assert not problems, f"after the last restart (seed {seed}):\n" + "\n".join(problems)
    for name, keys in load.acked.items():
        assert keys, f"no {name} write was acknowledged in {ROUNDS} rounds: {load.statuses}, {load.last_refusal}"
    server_errors = {status: count for status, count in load.statuses.items() if status >= 500}
    assert not server_errors, f"5xx answers under load (seed {seed}): {load.statuses}, {load.last_refusal}"
    print(f"{database.dialect}: {ROUNDS} kills, {load.acknowledged()} acknowledged writes, "
          f"answers {load.statuses}, last refusals {load.last_refusal}")
