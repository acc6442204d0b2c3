#!/usr/bin/python3
"""The chat (src/chat, issue 19) against its budgets, with the load client bench/chat_load.cpp
(build/release/bench/chat_load; this script builds nothing). Loads patients, their doctors, the
care links and one conversation per pair straight into a SQLite file (and a throwaway PostgreSQL
database for the cross-process run), starts `vitalis serve` (a fresh one per workload) and runs:

  - idle: 10,000 authenticated sockets held (one per account, 5,000 patient-doctor pairs); the
    server's RSS (/proc/PID/status) before and after, divided by the sockets;
  - latency: 1,000 patients send 1,000 messages/s in all to their doctors; each message carries
    its send time, the doctor's socket computes the end-to-end delay (p50/p95/p99);
  - throughput: 64 patients send as fast as acknowledgements allow (8 in flight each); stored =
    acks, delivered = `message` events at receiving sockets (each doctor has 2 devices);
  - cross: two `vitalis serve` on one PostgreSQL database, patients on A and doctors on B, at
    1,000 messages/s (delivery through LISTEN/NOTIFY).

Prints a Markdown table; the client's RESULT lines go to standard error.

  bench/chat.py [--bin build/release/vitalis] [--client build/release/bench/chat_load]
                [--modes idle,latency,throughput,cross] [--duration 20] [--sockets 10000]
                [--rate 1000] [--postgres URL]

With --postgres, URL is an admin URL of a throwaway server; otherwise the cross run starts one
with scripts/pg-test-server."""
import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from care import PASSWORD, Db, migrate_with_admin  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = "2026-01-01T00:00:00.000000Z"
BUDGETS = {
    "idle": "< 16 KB per socket",
    "latency": "p99 < 50 ms at 1,000 messages/s",
    "throughput": "≥ 5,000 stored/s, ≥ 10,000 delivered/s",
    "cross": "p99 < 100 ms",
}


def load(db, binary, common, work, pairs):
    """Patients p0..p{pairs-1} and doctors d0.., each pair linked (care team) and with one
    conversation; writes the pairs file the client reads."""
    started = time.time()
    password = migrate_with_admin(db, binary, common, work)
    rows = []
    for n in range(pairs):
        rows.append((f"p{n}@example.org", password, "patient", "active", f"Patient {n}", NOW))
        rows.append((f"d{n}@example.org", password, "doctor", "active", f"Dr Bench {n}", NOW))
    db.rows("accounts", ["email", "password_hash", "role", "status", "full_name", "created_at"],
            rows)
    pair = ("FROM accounts p JOIN accounts d ON d.email = 'd' || substr(p.email, 2) "
            "WHERE p.role = 'patient' AND p.email LIKE 'p%@example.org'")
    db.sql("INSERT INTO patient_profiles (account_id, date_of_birth, sex) SELECT id, "
           "'1970-01-01', 'unknown' FROM accounts WHERE role = 'patient'")
    db.sql(f"INSERT INTO care_links (patient_id, doctor_id, source, created_at) "
           f"SELECT p.id, d.id, 'bench', '{NOW}' {pair}")
    db.sql(f"INSERT INTO chat_conversations (patient_id, doctor_id, started_by, started_at) "
           f"SELECT p.id, d.id, p.id, '{NOW}' {pair}")
    db.sql("INSERT INTO chat_members (conversation_id, account_id) "
           "SELECT id, patient_id FROM chat_conversations "
           "UNION ALL SELECT id, doctor_id FROM chat_conversations")
    path = os.path.join(work, "pairs.txt")
    with open(path, "w") as out:
        for n in range(pairs):
            out.write(f"p{n}@example.org d{n}@example.org\n")
    print(f"loaded {2 * pairs} accounts and {pairs} conversations into {db.url.split(':')[0]} "
          f"in {time.time() - started:.1f} s", file=sys.stderr, flush=True)
    return path


def more_files():
    """Thousands of sockets: the soft open-file limit up to the hard one (as `ulimit -n`)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def settle_disk():
    """Each workload starts with the previous one's writes on disk: the kernel flushing them
    (the idle run alone writes 10,000 sessions) during the next one made its commits' fsyncs
    wait behind them."""
    os.sync()
    time.sleep(2)


class Server:
    """One `vitalis serve` on a free port, its log in the work directory."""

    def __init__(self, binary, work, common, name, max_connections):
        self.log = os.path.join(work, f"{name}.log")
        # Every server runs in `work`: they share var/secret.key, so a token of one is good on
        # the other (as in a deployment).
        self.process = subprocess.Popen(
            [binary, "serve", "--port=0", "--web-root=", "--trusted-proxies=127.0.0.1",
             f"--max-connections={max_connections}", "--chat-email-after-seconds=86400",
             f"--mail-dir={work}/mail", *common], cwd=work, stdout=open(self.log, "w"),
            stderr=subprocess.STDOUT, preexec_fn=more_files)
        self.port = None
        for _ in range(600):
            with open(self.log) as lines:
                for line in lines:
                    if '"msg":"listening"' in line:
                        self.port = json.loads(line)["port"]
            if self.port or self.process.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            self.process.kill()
            raise SystemExit(f"{name} did not start:\n" + open(self.log).read())
        self.pid = self.process.pid

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_client(client, args):
    print("  chat_load " + " ".join(args), file=sys.stderr, flush=True)
    result = subprocess.run([client, *args], capture_output=True, text=True,
                            preexec_fn=more_files)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        raise SystemExit(f"chat_load failed ({result.returncode})")
    line = next(l for l in result.stdout.splitlines() if l.startswith("RESULT"))
    print("  " + line, file=sys.stderr, flush=True)
    return dict(part.split("=", 1) for part in line.split()[1:])


def cpu_text(r):
    """Where the CPU went during the measured window, in % of one core (2 cores: 200 %)."""
    db = f", PostgreSQL {r['db_cpu_pct']} %" if r.get("db_cpu_pct", "0") != "0" else ""
    return (f"CPU: server {r['server_cpu_pct']} %{db}, client {r['client_cpu_pct']} %, "
            f"other programs {r['other_cpu_pct']} %")


def row_for(mode, r, args):
    if mode == "idle":
        kb = float(r["bytes_per_socket"]) / 1024
        return (f"{int(r['sockets']):,} idle authenticated sockets ({int(r['pairs']) * 2:,} "
                f"accounts): server RSS {int(r['rss_before_kb']) / 1024:.0f} → "
                f"{int(r['rss_after_kb']) / 1024:.0f} MiB",
                f"**{kb:.1f} KiB per socket** (slope from a tenth of them: "
                f"{float(r['slope_bytes_per_socket']) / 1024:.1f} KiB; after {args.hold:.0f} s "
                f"held: {float(r['held_bytes_per_socket']) / 1024:.1f} KiB, "
                f"{int(r['still_open']):,} still open); outside RSS, kernel slab "
                f"{float(r['slab_bytes_per_socket']) / 1024:.1f} KiB and TCP buffers "
                f"{float(r['tcp_kernel_bytes_per_socket']) / 1024:.1f} KiB per socket end; "
                f"opened and authenticated {float(r['sockets_open_per_s']):,.0f}/s")
    if mode in ("latency", "cross"):
        where = ("patients on server A, doctors on server B, PostgreSQL"
                 if mode == "cross" else "SQLite")
        return (f"end-to-end delivery at {float(r['rate']):,.0f} messages/s ({where}; "
                f"{int(r['pairs']):,} conversations, sent {float(r['sent_per_s']):,.0f}/s, "
                f"{r['delivered']}/{r['expected_deliveries']} delivered)",
                f"p50 {float(r['p50_ms']):.1f} / p95 {float(r['p95_ms']):.1f} / "
                f"**p99 {float(r['p99_ms']):.1f} ms** (max {float(r['max_ms']):.1f}; ack p99 "
                f"{float(r['ack_p99_ms']):.1f}; {r['late_sends']} sends over 10 ms late); "
                + cpu_text(r))
    return (f"throughput, SQLite ({r['senders']} senders × {r['window']} in flight; "
            f"{r['deliveries_per_message']} receiving sockets per message)",
            f"**{float(r['stored_per_s']):,.0f} stored/s, {float(r['delivered_per_s']):,.0f} "
            f"delivered/s**; " + cpu_text(r))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="build/release/vitalis")
    parser.add_argument("--client", default="build/release/bench/chat_load")
    parser.add_argument("--modes", default="idle,latency,throughput,cross")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--sockets", type=int, default=10000)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--latency-pairs", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=64)
    parser.add_argument("--window", type=int, default=8)
    parser.add_argument("--receivers", type=int, default=2,
                        help="throughput: sockets per doctor (each receives every message)")
    parser.add_argument("--hold", type=float, default=40)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    modes = args.modes.split(",")
    binary, client = os.path.abspath(args.bin), os.path.abspath(args.client)
    for path in (binary, client):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path}: build the release preset first (make bench)")
    work = tempfile.mkdtemp(prefix="vitalis-chat-bench-")
    load_at_start = os.getloadavg()
    common_hash = ["--argon2-opslimit=1", "--argon2-memlimit-mb=8",
                   "--test-only-weak-password-hashing=true"]
    pairs = max(args.sockets // 2, args.latency_pairs, args.senders)
    rows = []
    servers = []
    pg_dir = pg_name = None
    try:
        sqlite_modes = [m for m in modes if m != "cross"]
        if sqlite_modes:
            url = f"sqlite:{work}/chat.db"
            common = [f"--database={url}", *common_hash]
            pairs_file = load(Db(url, work), binary, common, work, pairs)
            for run, mode in enumerate(sqlite_modes):
                print(f"==> chat {mode} (SQLite)", file=sys.stderr, flush=True)
                settle_disk()
                server = Server(binary, work, common, f"sqlite-{mode}", args.sockets + 256)
                servers.append(server)
                base = [f"--mode={mode}", f"--port={server.port}", f"--pairs-file={pairs_file}",
                        f"--password={PASSWORD}", f"--server-pid={server.pid}",
                        f"--address-prefix=10.{10 + run}"]
                if mode == "idle":
                    extra = [f"--sockets={args.sockets}", f"--hold={args.hold}"]
                elif mode == "latency":
                    extra = [f"--pairs={args.latency_pairs}", f"--rate={args.rate}",
                             f"--duration={args.duration}"]
                else:
                    extra = [f"--pairs={args.senders}", f"--window={args.window}",
                             f"--doctor-devices={args.receivers}", f"--duration={args.duration}"]
                result = run_client(client, base + extra)
                server.stop()
                servers.remove(server)
                rows.append((mode, *row_for(mode, result, args)))
        if "cross" in modes:
            print("==> chat cross-process (PostgreSQL, two servers)", file=sys.stderr, flush=True)
            admin_url = args.postgres
            if not admin_url:
                pg_dir = tempfile.mkdtemp(prefix="vitalis-chat-pg-")
                admin_url = subprocess.run([os.path.join(HERE, "..", "scripts", "pg-test-server"),
                                            "start", pg_dir], check=True, capture_output=True,
                                           text=True).stdout.strip()
            pg_name = "chat_" + uuid.uuid4().hex[:8]
            subprocess.run(["psql", "-X", "-q", admin_url, "-c", f"CREATE DATABASE {pg_name}"],
                           check=True)
            url = admin_url.rsplit("/", 1)[0] + "/" + pg_name
            db_pid = []
            if pg_dir:
                with open(os.path.join(pg_dir, "data", "postmaster.pid")) as pid_file:
                    db_pid = [f"--db-pid={pid_file.readline().strip()}"]
            common = [f"--database={url}", *common_hash]
            pg_work = os.path.join(work, "pg")
            os.makedirs(pg_work)
            pairs_file = load(Db(url, pg_work), binary, common, pg_work, args.latency_pairs)
            settle_disk()
            a = Server(binary, pg_work, common, "postgres-a", 4096)
            servers.append(a)
            b = Server(binary, pg_work, common, "postgres-b", 4096)
            servers.append(b)
            result = run_client(client, [
                "--mode=cross", f"--port={a.port}", f"--port-b={b.port}",
                f"--pairs-file={pairs_file}", f"--password={PASSWORD}",
                f"--server-pid={a.pid},{b.pid}", f"--pairs={args.latency_pairs}",
                f"--rate={args.rate}", f"--duration={args.duration}", *db_pid])
            rows.append(("cross", *row_for("cross", result, args)))
    finally:
        for server in servers:
            server.stop()
        if pg_name and args.postgres:
            subprocess.run(["psql", "-X", "-q", args.postgres, "-c",
                            f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"])
        if pg_dir:
            subprocess.run([os.path.join(HERE, "..", "scripts", "pg-test-server"), "stop",
                            pg_dir])
        subprocess.run(["rm", "-rf", work])
    print(f"\nChat, {os.cpu_count()} cores; "
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; load average "
          f"at the start {load_at_start[0]:.1f}, at the end {os.getloadavg()[0]:.1f}")
    print("| workload | result | budget |\n|---|---|---|")
    for mode, name, figure in rows:
        print(f"| {name} | {figure} | {BUDGETS[mode]} |")


if __name__ == "__main__":
    main()
