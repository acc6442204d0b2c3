#!/usr/bin/python3
"""Scheduling (src/care) against the budgets of DESIGN.md §5 on a generated clinic: loads the
directory and a long booking history straight into a SQLite file (or a throwaway PostgreSQL
database), starts `vitalis serve` and measures over HTTP:

  - free slots of one doctor over 14 days, with 1,000,000 appointments stored (random doctors);
  - the soonest free slots of a specialty across its 500 doctors (with and without a point);
  - booking distinct slots (wrk, 64 connections; every request a new slot of a 24-hour doctor);
  - the 200-way race: 200 patients send the same slot at once, round after round (one 201, the
    rest 409 with alternatives), each request's latency.

Prints a Markdown table (p50/p95/p99 in ms). Nothing here is a pass/fail assertion except that
the race books each slot exactly once and that the bookings succeed (it stops otherwise).

  bench/care.py [--bin build/release/vitalis] [--doctors 500] [--appointments 1000000]
                [--postgres URL] [--duration 10]

With --postgres, URL is an admin URL of a throwaway server (scripts/pg-test-server)."""
import argparse
import concurrent.futures
import csv
import datetime
import http.client
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
import zoneinfo

PASSWORD = "a sound passphrase"
LONDON = zoneinfo.ZoneInfo("Europe/London")
SLOT = 15 * 60
DAY_SLOTS = 32  # 09:00-17:00 in 15 minutes
BOOKERS = 64  # 24-hour doctors (and their patients) for the booking throughput
RACERS = 200


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def iso(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class Db:
    """Bulk rows into SQLite (executemany) or PostgreSQL (COPY through psql)."""

    def __init__(self, url, work):
        self.url, self.work = url, work
        self.lite = url.startswith("sqlite:")
        if self.lite:
            self.conn = sqlite3.connect(url[len("sqlite:"):])

    def rows(self, table, columns, rows):
        if self.lite:
            marks = ", ".join("?" for _ in columns)
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            self.conn.commit()
            return
        path = os.path.join(self.work, f"{table}.csv")
        with open(path, "w", newline="") as out:
            csv.writer(out).writerows(rows)
        subprocess.run(["psql", "-X", "-q", self.url, "-c",
                        f"\\copy {table} ({', '.join(columns)}) FROM '{path}' CSV"], check=True)

    def sql(self, statement):
        if self.lite:
            self.conn.executescript(statement)
            self.conn.commit()
        else:
            subprocess.run(["psql", "-X", "-q", self.url, "-c", statement], check=True)

    def value(self, query):
        if self.lite:
            return self.conn.execute(query).fetchone()[0]
        out = subprocess.run(["psql", "-X", "-At", self.url, "-c", query], check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()


def migrate_with_admin(db, binary, common, work):
    """Migrates the database and creates admin@example.org (PASSWORD) through the CLI; returns
    the admin's password hash, for generated accounts to share (one argon2id hash made, and each
    of them signs in with PASSWORD)."""
    subprocess.run([binary, "migrate", f"--database={db.url}"], check=True, cwd=work,
                   capture_output=True)
    subprocess.run([binary, "user", "create-admin", "--email=admin@example.org",
                    "--full-name=Bench Admin", *common], input=PASSWORD + "\n", text=True,
                   check=True, cwd=work, capture_output=True)
    return db.value("SELECT password_hash FROM accounts WHERE email = 'admin@example.org'")


def weekday_starts(first_day, days):
    """UTC starts of the 09:00-17:00 slots (London time) on the weekdays of [first_day, +days)."""
    out = []
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        nine = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)
        out.extend(int(nine.timestamp()) + k * SLOT for k in range(DAY_SLOTS))
    return out


def load(db, args, binary, common, work):
    started = time.time()
    password = migrate_with_admin(db, binary, common, work)
    now = "2026-01-01T00:00:00.000000Z"
    rng = random.Random(7)
    doctors = args.doctors
    patients = max(20000, RACERS + BOOKERS)
    accounts = [(f"d{n}@example.org", password, "doctor", "active", f"Dr Bench {n}", now)
                for n in range(doctors + BOOKERS + 1)]
    accounts += [(f"p{n}@example.org", password, "patient", "active", f"Patient {n}", now)
                 for n in range(patients)]
    db.rows("accounts", ["email", "password_hash", "role", "status", "full_name", "created_at"],
            accounts)
    first_doctor = int(db.value("SELECT MIN(id) FROM accounts WHERE role = 'doctor'"))
    first_patient = int(db.value("SELECT MIN(id) FROM accounts WHERE role = 'patient'"))
    db.sql("INSERT INTO patient_profiles (account_id, date_of_birth, sex) SELECT id, "
           "'1970-01-01', 'unknown' FROM accounts WHERE role = 'patient'")
    db.rows("care_specialties", ["name", "active"], [("Cardiology", 1), ("General practice", 1)])
    cardiology = int(db.value("SELECT id FROM care_specialties WHERE name = 'Cardiology'"))
    general = int(db.value("SELECT id FROM care_specialties WHERE name = 'General practice'"))
    # 40 clinics in two cities (London time), and one on UTC for the 24-hour doctors.
    clinics = []
    for n in range(40):
        lat, lon, city = (51.5, -0.12, "London") if n % 2 == 0 else (53.48, -2.24, "Manchester")
        clinics.append(("clinic", f"Bench clinic {n}", f"{n} High Street", city, "AB1 2CD",
                        lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.15, 0.15), "+44 20 1",
                        "Mon-Fri 09:00-17:00", "Europe/London", "", 1, now))
    clinics.append(("clinic", "Round the clock", "1 Night Street", "London", "AB1 2CD", 51.5,
                    -0.1, "+44 20 2", "Always", "Etc/UTC", "", 1, now))
    db.rows("care_clinics", ["kind", "name", "address", "city", "postcode", "latitude",
                             "longitude", "phone", "opening_hours", "time_zone", "services",
                             "active", "updated_at"], clinics)
    first_clinic = int(db.value("SELECT MIN(id) FROM care_clinics"))
    clinic_of = [first_clinic + n % 40 for n in range(doctors + 1)]
    night = first_clinic + 40
    # The specialty's doctors: weekdays 09:00-17:00 at one clinic each (the last is the race's).
    cardiologists = [first_doctor + n for n in range(doctors + 1)]
    bookers = [first_doctor + doctors + 1 + n for n in range(BOOKERS)]
    db.rows("care_practices", ["doctor_id", "clinic_id", "active"],
            [(d, clinic_of[n], 1) for n, d in enumerate(cardiologists)] +
            [(d, night, 1) for d in bookers])
    db.rows("care_doctor_specialties", ["doctor_id", "specialty_id"],
            [(d, cardiology) for d in cardiologists] + [(d, general) for d in bookers])
    hours = [(d, clinic_of[n], day, 540, 1020, 15, 0) for n, d in enumerate(cardiologists)
             for day in range(1, 6)]
    hours += [(d, night, day, 0, 1440, 15, 0) for d in bookers for day in range(1, 8)]
    db.rows("care_weekly_hours", ["doctor_id", "clinic_id", "weekday", "start_minute",
                                  "end_minute", "slot_minutes", "buffer_minutes"], hours)
    # The history: every weekday slot of the last weeks taken (completed), and 60 % of the next
    # three weeks' (booked), spread over the patients so none is in two places at once.
    today = datetime.date.today()
    per_doctor = args.appointments // doctors
    future = weekday_starts(today + datetime.timedelta(days=1), 21)
    past_needed = max(0, per_doctor - int(len(future) * 0.6))
    past_days = 7 * (past_needed // (5 * DAY_SLOTS) + 1)
    past = weekday_starts(today - datetime.timedelta(days=past_days), past_days)[-past_needed:]
    rows = []
    for index, starts in enumerate(past + future):
        booked = index >= len(past)
        for n, doctor in enumerate(cardiologists[:doctors]):
            if booked and rng.random() >= 0.6:
                continue
            patient = first_patient + (index * doctors + n) % patients
            rows.append((doctor, patient, clinic_of[n], starts, starts + SLOT, "in_person", "",
                         "booked" if booked else "completed", patient, now))
        if len(rows) >= 200000:
            db.rows("care_appointments", ["doctor_id", "patient_id", "clinic_id", "starts_at",
                                          "ends_at", "mode", "reason", "status", "booked_by",
                                          "booked_at"], rows)
            rows = []
    db.rows("care_appointments", ["doctor_id", "patient_id", "clinic_id", "starts_at", "ends_at",
                                  "mode", "reason", "status", "booked_by", "booked_at"], rows)
    stored = int(db.value("SELECT COUNT(*) FROM care_appointments"))
    print(f"loaded {len(accounts)} accounts, {stored} appointments in "
          f"{time.time() - started:.0f} s", flush=True)
    return cardiology, cardiologists, bookers, stored


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, token=None, body=None, headers=None):
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body)
            all_headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=all_headers)
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None


def sign_in(port, email, index):
    """A token for `email`, from a different forwarded address every 20 sign-ins (the per-address
    sign-in budget is 30 in ten minutes)."""
    forwarded = {"X-Forwarded-For": f"10.8.{index // 5000}.{(index // 20) % 250 + 1}"}
    status, reply = Client(port).call("POST", "/api/v1/auth/signin",
                                      body={"email": email, "password": PASSWORD},
                                      headers=forwarded)
    assert status == 200, reply
    return reply["access_token"]


def timed(client, path, token, count):
    timings = []
    for _ in range(count):
        begin = time.perf_counter()
        status, reply = client.call("GET", path() if callable(path) else path, token)
        timings.append((time.perf_counter() - begin) * 1000)
        assert status == 200, reply
    return timings


def race(port, tokens, doctor, starts):
    """Every token asks for the slot at once; returns (statuses, latencies ms)."""
    return race_post(port, tokens, "/api/v1/care/appointments",
                     {"doctor_id": doctor, "starts_at": iso(starts), "reason": "race"})


def race_post(port, tokens, path, body):
    """Every token sends `body` to `path` at once, each on its own open connection; returns
    (statuses, latencies ms)."""
    clients = [Client(port) for _ in tokens]
    for client in clients:
        client.conn.connect()
    barrier = threading.Barrier(len(tokens))

    def one(index):
        barrier.wait()
        begin = time.perf_counter()
        status, _ = clients[index].call("POST", path, tokens[index], body)
        return status, (time.perf_counter() - begin) * 1000

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        results = list(pool.map(one, range(len(tokens))))
    for client in clients:
        client.conn.close()
    return [s for s, _ in results], [t for _, t in results]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="build/release/vitalis")
    parser.add_argument("--doctors", type=int, default=500)
    parser.add_argument("--appointments", type=int, default=1000000)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="vitalis-care-bench-")
    pg_name = None
    if args.postgres:
        pg_name = "care_" + uuid.uuid4().hex[:8]
        subprocess.run(["psql", "-X", "-q", args.postgres, "-c", f"CREATE DATABASE {pg_name}"],
                       check=True)
        url = args.postgres.rsplit("/", 1)[0] + "/" + pg_name
    else:
        url = f"sqlite:{work}/vitalis.db"
    common = [f"--database={url}", "--argon2-opslimit=1", "--argon2-memlimit-mb=8",
              "--test-only-weak-password-hashing=true"]
    label = "PostgreSQL" if pg_name else "SQLite"
    db = Db(url, work)
    cardiology, cardiologists, bookers, stored = load(db, args, binary, common, work)

    server = subprocess.Popen([binary, "serve", "--port=0", "--web-root=",
                               "--trusted-proxies=127.0.0.1", "--reminder-seconds=3600",
                               f"--mail-dir={work}/mail", *common], cwd=work,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    port = None
    for line in server.stdout:
        if '"msg":"listening"' in line:
            port = json.loads(line)["port"]
            break
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
    rows = []
    try:
        client = Client(port)
        reader = sign_in(port, f"p{RACERS + BOOKERS}@example.org", 0)
        now = int(time.time())
        rng = random.Random(11)

        # Free slots of one doctor over the next 14 days.
        def free_path():
            doctor = rng.choice(cardiologists[:-1])
            return (f"/api/v1/care/doctors/{doctor}/slots?from={iso(now)}"
                    f"&to={iso(now + 14 * 86400)}")
        timed(client, free_path, reader, 20)  # warm-up
        t = timed(client, free_path, reader, args.requests)
        rows.append((f"free slots of one doctor, 14 days ({stored:,} appointments stored)", t))

        # The soonest slots of the specialty (next 10), anywhere and near a point in London.
        for name, query in (("anywhere", ""), ("within 50 km of a point", "&lat=51.5&lon=-0.12")):
            path = f"/api/v1/care/specialties/{cardiology}/slots?next=10{query}"
            timed(client, path, reader, 10)
            t = timed(client, path, reader, args.requests)
            rows.append((f"soonest 10 free slots of a specialty of {len(cardiologists)} "
                         f"doctors, {name}", t))

        # Booking distinct slots: each of the 64 patients books their own 24-hour doctor's next
        # quarter hours, from midnight (UTC) 40 days ahead (after the generated bookings and
        # the race's days), through wrk.
        tokens = [sign_in(port, f"p{RACERS + n}@example.org", RACERS + n) for n in range(BOOKERS)]
        first = (now // 86400 + 40) * 86400
        pairs = os.path.join(work, "pairs.txt")
        with open(pairs, "w") as out:
            for token, doctor in zip(tokens, bookers):
                out.write(f"{token} {doctor}\n")
        script = os.path.join(work, "book.lua")
        with open(script, "w") as out:
            for name in ("book_distinct.lua", "report.lua"):
                with open(os.path.join(here, "wrk", name)) as part:
                    out.write(part.read())
        before = int(db.value("SELECT COUNT(*) FROM care_appointments"))
        result = subprocess.run(
            ["wrk", "-t2", "-c64", f"-d{args.duration}s", "--latency", "-s", script,
             f"http://127.0.0.1:{port}/"], check=True, capture_output=True, text=True,
            env={**os.environ, "BOOK_PAIRS": pairs, "BOOK_FIRST": str(first), "BOOK_THREADS": "2"})
        line = next(l for l in result.stdout.splitlines() if l.startswith("RESULT"))
        fields = dict(part.split("=") for part in line.split()[1:])
        booked = int(db.value("SELECT COUNT(*) FROM care_appointments")) - before
        assert fields["non2xx"] == "0" and fields["errors"] == "0", result.stdout
        booking = (f"book distinct slots, wrk 64 connections ({booked:,} booked, "
                   f"{float(fields['rps']):,.0f}/s)")
        rows.append((booking, [float(fields["p50_ms"])], float(fields["p95_ms"]),
                     float(fields["p99_ms"])))

        # The 200-way race: one 201 per round, every other request a 409 with alternatives.
        racers = [sign_in(port, f"p{n}@example.org", n) for n in range(RACERS)]
        race_doctor = cardiologists[-1]
        latencies = []
        day = datetime.date.today() + datetime.timedelta(days=28)
        starts = weekday_starts(day, 7)
        for round_ in range(args.rounds):
            statuses, times = race(port, racers, race_doctor, starts[round_])
            assert statuses.count(201) == 1 and statuses.count(409) == RACERS - 1, statuses
            latencies += times
        rows.append((f"the {RACERS}-way race for one slot ({args.rounds} rounds: each one 201, "
                     f"{RACERS - 1} × 409 with alternatives)", latencies))
    finally:
        server.terminate()
        server.wait()
        if pg_name:
            subprocess.run(["psql", "-X", "-q", args.postgres, "-c",
                            f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"])
    print(f"\n{label}, {os.cpu_count()} cores; {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d}")
    print("| workload | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|")
    for row in rows:
        if len(row) == 4:
            name, (p50,), p95, p99 = row
        else:
            name, values = row
            p50, p95, p99 = (percentile(values, f) for f in (0.5, 0.95, 0.99))
        print(f"| {name} | {p50:.2f} | {p95:.2f} | {p99:.2f} |")


if __name__ == "__main__":
    main()
