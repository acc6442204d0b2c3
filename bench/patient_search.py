#!/usr/bin/python3
"""Patient search among N generated patients (default 100,000): loads them straight into the
database with no search index, starts `vitalis serve` (which backfills search_name and the name
words at start), signs a doctor in and times GET /api/v1/patients for typical queries, one
request at a time over keep-alive. Prints p50/p95 per query.

  bench/patient_search.py [--bin build/release/vitalis] [--patients 100000] [--postgres URL]

With --postgres, URL is an admin URL of a throwaway server (scripts/pg-test-server); a fresh
database is created there and dropped afterwards."""
import argparse
import csv
import http.client
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid

GIVEN = ["María", "José", "Ana", "Anna", "João", "Zoë", "Jean-Pierre", "Müller", "Søren", "Łucja",
         "Mohammed", "Wei", "Aiko", "Olga", "Chloé", "François", "Günther", "Ines", "Mateo",
         "Nuno", "Sofia", "Liam", "Noah", "Emma", "Olivia", "Ava", "Mia", "Lucas", "Hugo", "Léa"]
FAMILY = ["García", "Silva", "Costa", "Müller", "Schmidt", "O'Brien", "Nguyen", "Kowalski",
          "Dubois", "Rossi", "Smith", "Jones", "Novák", "Hansen", "Yılmaz", "Fernández", "Pereira",
          "Martins", "Ribeiro", "Lopes", "Santos", "Oliveira", "Wagner", "Becker", "Hoffmann",
          "Ferreira", "Almeida", "Sousa", "Gomes", "Carvalho"]
PASSWORD = "a sound passphrase"
QUERIES = [{"query": "m"}, {"query": "ma"}, {"query": "mar"}, {"query": "maria"},
           {"query": "jose garc"}, {"query": "MÜLLER"}, {"query": "zz"}, {"query": "ko"},
           {"linked": "true"}, {"linked": "true", "query": "s"}, {"linked": "false", "query": "an"},
           {"query": "12345"}]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="build/release/vitalis")
    parser.add_argument("--patients", type=int, default=100000)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="vitalis-search-")
    pg_name = None
    if args.postgres:
        pg_name = "search_" + uuid.uuid4().hex[:8]
        subprocess.run(["psql", args.postgres, "-qc", f"CREATE DATABASE {pg_name}"], check=True)
        url = args.postgres.rsplit("/", 1)[0] + "/" + pg_name
    else:
        url = f"sqlite:{work}/vitalis.db"
    common = [f"--database={url}", "--argon2-opslimit=1", "--argon2-memlimit-mb=8",
              "--test-only-weak-password-hashing=true"]
    subprocess.run([binary, "migrate", f"--database={url}"], check=True, cwd=work,
                   capture_output=True)
    subprocess.run([binary, "user", "create-admin", "--email=doc@example.org",
                    "--full-name=Dr Bench", *common], input=PASSWORD + "\n", text=True,
                   check=True, cwd=work, capture_output=True)

    rng = random.Random(7)
    rows = [(f"p{n}@example.org", "x", "patient", "active",
             f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "2026-01-01T00:00:00.000000Z")
            for n in range(args.patients)]
    started = time.time()
    if pg_name:
        path = os.path.join(work, "accounts.csv")
        with open(path, "w", newline="") as out:
            csv.writer(out).writerows(rows)
        sql = (f"\\copy accounts (email, password_hash, role, status, full_name, created_at) "
               f"FROM '{path}' CSV")
        subprocess.run(["psql", url, "-qc", sql], check=True)
        run_sql = lambda statement: subprocess.run(["psql", url, "-qc", statement], check=True)
    else:
        db = sqlite3.connect(f"{work}/vitalis.db")
        db.executemany("INSERT INTO accounts (email, password_hash, role, status, full_name, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.commit()
        run_sql = lambda statement: (db.executescript(statement), db.commit())
    run_sql("INSERT INTO patient_profiles (account_id, date_of_birth, sex) SELECT id, "
            "'1970-01-01', 'unknown' FROM accounts WHERE role = 'patient';"
            "UPDATE accounts SET role = 'doctor' WHERE email = 'doc@example.org';"
            "INSERT INTO care_links (patient_id, doctor_id, source, created_at) SELECT a.id, d.id, "
            "'bench', '2026-01-01' FROM accounts a, accounts d WHERE d.email = 'doc@example.org' "
            "AND a.role = 'patient' AND a.id % 500 = 0;")
    print(f"loaded {args.patients} patients in {time.time() - started:.1f} s")

    server = subprocess.Popen([binary, "serve", "--port=0", "--web-root=", "--threads=1", *common],
                              cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    port = None
    started = time.time()
    for line in server.stdout:
        if '"msg":"listening"' in line:
            port = json.loads(line)["port"]
            break
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
    print(f"server up (search index backfilled) in {time.time() - started:.1f} s")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("POST", "/api/v1/auth/signin", body=json.dumps(
            {"email": "doc@example.org", "password": PASSWORD}),
            headers={"Content-Type": "application/json"})
        token = json.loads(conn.getresponse().read())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        print("| query | hits | p50 ms | p95 ms |\n|---|---:|---:|---:|")
        for params in QUERIES:
            path = "/api/v1/patients?" + urllib.parse.urlencode(params)
            timings = []
            for _ in range(args.requests):
                begin = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                timings.append((time.perf_counter() - begin) * 1000)
                assert response.status == 200, body
            hits = len(json.loads(body)["items"])
            print(f"| `{urllib.parse.urlencode(params)}` | {hits} | "
                  f"{percentile(timings, 0.5):.2f} | {percentile(timings, 0.95):.2f} |")
    finally:
        server.terminate()
        server.wait()
        print(f"database: {url}")
        if pg_name and not args.keep:
            subprocess.run(["psql", args.postgres, "-qc",
                            f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"])


if __name__ == "__main__":
    main()
