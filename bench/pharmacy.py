#!/usr/bin/python3
"""The pharmacy (src/pharmacy) against the budgets of DESIGN.md §5: imports the real medicines
table with `vitalis import medicines` into a SQLite file (or a throwaway PostgreSQL database),
stocks it, starts `vitalis serve` and measures over HTTP:

  - catalogue search on the 11,825-row table (11,498 items after duplicates), a mix of what
    people type: an ingredient, a prefix, a use, a brand with strength, a typo;
  - the same after 1,000,000 generated items are added (names, ingredients and uses drawn from
    the real table's words);
  - placing orders (wrk, 64 connections; each request a "buy now" order of one unit by one of 64
    patients, over 64 stocked items);
  - the 100-way race: 100 patients order the last 10 units of an item at once, round after round
    (exactly 10 placed, 90 told what is short), each request's latency.

Prints a Markdown table (p50/p95/p99 in ms). Nothing here is a pass/fail assertion except that
each race places exactly 10 orders and that the wrk orders succeed (it stops otherwise).

  bench/pharmacy.py [--bin build/release/vitalis] [--generated 1000000] [--postgres URL]
                    [--datasets ../shared/datasets] [--duration 10] [--requests 300]"""
import argparse
import datetime
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from care import (PASSWORD, Client, Db, migrate_with_admin, percentile, race_post,  # noqa: E402
                  sign_in, timed)

ORDERERS = 64
RACERS = 100
ROUNDS = 10
QUERIES = ["paracetamol", "para", "migraine", "amoxicillin", "cough syrup", "paracetmol",
           "dolo 650", "vitamin d3", "azithromycin 500", "pain relief", "ibuprofen", "crocin"]


def load_accounts(db, binary, common, work):
    password = migrate_with_admin(db, binary, common, work)
    admin = int(db.value("SELECT id FROM accounts WHERE email = 'admin@example.org'"))
    now = "2026-01-01T00:00:00.000000Z"
    db.rows("accounts", ["email", "password_hash", "role", "status", "full_name", "created_at"],
            [(f"p{n}@example.org", password, "patient", "active", f"Patient {n}", now)
             for n in range(ORDERERS + RACERS + 1)])
    db.sql("INSERT INTO patient_profiles (account_id, date_of_birth, sex) SELECT id, "
           "'1970-01-01', 'unknown' FROM accounts WHERE role = 'patient'")
    return admin


def stock(db, admin, item_ids, quantity, batch):
    """A lot of `quantity` for each item, with its `received` ledger row (straight into the
    tables: the bench's setup, checked by `vitalis pharmacy verify` at the end)."""
    now = "2026-01-01T00:00:00.000000Z"
    expires = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    db.rows("pharmacy_lots", ["item_id", "batch", "expires_on", "received_quantity", "supplier",
                              "cost_minor", "on_hand", "reserved", "received_at", "received_by"],
            [(i, batch, expires, quantity, "Bench", 100, quantity, 0, now, admin)
             for i in item_ids])
    db.sql("INSERT INTO pharmacy_ledger (lot_id, item_id, kind, on_hand_change, reserved_change, "
           "actor_id, at) SELECT id, item_id, 'received', on_hand, 0, received_by, received_at "
           f"FROM pharmacy_lots WHERE batch = '{batch}'")


def generate_items(db, count, seed=5):
    """`count` items whose words come from the real table: a brand-like name with a strength and
    form, one to three ingredients, one to two uses; folded search text as the service writes."""
    rng = random.Random(seed)
    names = [row.split("|") for row in db_rows(db, "SELECT search_name FROM pharmacy_items")]
    name_words = sorted({w for (n,) in names for w in n.split() if w.isalpha() and len(w) > 3})
    ingredients = sorted({w for (n,) in db_rows_split(db, "SELECT ingredients FROM pharmacy_items")
                          for w in n.split(" + ") if w})
    uses = sorted({u for (n,) in db_rows_split(db, "SELECT uses FROM pharmacy_items")
                   for u in n.split("\n") if u})
    forms = ["Tablet", "Capsule", "Syrup", "Injection", "Cream", "Drops", "Gel", "Suspension"]
    now = "2026-01-01T00:00:00.000000Z"
    started = time.time()
    batch = []
    for n in range(count):
        brand = rng.choice(name_words).capitalize() + rng.choice(["", "x", "on", "al", "ex"])
        strength = rng.choice([5, 10, 20, 25, 50, 100, 250, 500, 650, 1000])
        name = f"{brand} {strength} {rng.choice(forms)}"
        parts = rng.sample(ingredients, rng.choice([1, 1, 1, 2, 3]))
        use = rng.sample(uses, rng.choice([1, 2]))
        batch.append((f"gen|{n}", name, " + ".join(f"{p.title()} ({strength}mg)" for p in parts),
                      " + ".join(parts), "\n".join(use), "", "Generated Ltd", 100 + n % 5000,
                      "GBP", 0, 10, 1, name.lower(), " ".join(parts), " ".join(use).lower(), now,
                      now))
        if len(batch) == 50000:
            insert_items(db, batch)
            batch = []
            print(f"  generated {n + 1:,} items, {time.time() - started:.0f} s", flush=True)
    insert_items(db, batch)


def insert_items(db, rows):
    db.rows("pharmacy_items", ["source_key", "name", "composition", "ingredients", "uses",
                               "side_effects", "manufacturer", "price_minor", "currency",
                               "prescription_only", "order_limit", "active", "search_name",
                               "search_ingredients", "search_uses", "created_at", "updated_at"],
            rows)


def db_rows(db, query):
    if db.lite:
        return ["|".join(str(v) for v in row) for row in db.conn.execute(query).fetchall()]
    out = subprocess.run(["psql", "-X", "-At", db.url, "-c", query], check=True,
                         capture_output=True, text=True)
    return out.stdout.splitlines()


def db_rows_split(db, query):
    if db.lite:
        return [(row[0],) for row in db.conn.execute(query).fetchall()]
    out = subprocess.run(["psql", "-X", "-At", "-R", "\x1e", db.url, "-c", query], check=True,
                         capture_output=True, text=True)
    return [(row,) for row in out.stdout.split("\x1e") if row]


def search_timings(client, token, count):
    paths = {q: f"/api/v1/pharmacy/items?q={urllib.parse.quote(q)}" for q in QUERIES}
    for path in paths.values():
        timed(client, path, token, 2)  # warm-up
    rng = random.Random(3)
    by_query = {q: [] for q in QUERIES}
    for _ in range(count):
        query = rng.choice(QUERIES)
        by_query[query] += timed(client, paths[query], token, 1)
    print("  by query (p50 / max ms): " + ", ".join(
        f"{q} {percentile(t, 0.5):.1f}/{max(t):.1f}" for q, t in by_query.items() if t),
        flush=True)
    return [t for times in by_query.values() for t in times]


def race(port, tokens, item):
    return race_post(port, tokens, "/api/v1/pharmacy/orders",
                     {"items": [{"item_id": item, "quantity": 1}]})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="build/release/vitalis")
    parser.add_argument("--generated", type=int, default=1000000)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--datasets", default="../shared/datasets")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    datasets = os.path.abspath(args.datasets)
    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="vitalis-pharmacy-bench-")
    pg_name = None
    if args.postgres:
        pg_name = "pharmacy_" + uuid.uuid4().hex[:8]
        subprocess.run(["psql", "-X", "-q", args.postgres, "-c", f"CREATE DATABASE {pg_name}"],
                       check=True)
        url = args.postgres.rsplit("/", 1)[0] + "/" + pg_name
    else:
        url = f"sqlite:{work}/vitalis.db"
    common = [f"--database={url}", "--argon2-opslimit=1", "--argon2-memlimit-mb=8",
              "--test-only-weak-password-hashing=true"]
    label = "PostgreSQL" if pg_name else "SQLite"
    db = Db(url, work)
    admin = load_accounts(db, binary, common, work)
    started = time.time()
    subprocess.run([binary, "import", "medicines", f"--database={url}", f"--datasets={datasets}"],
                   check=True, cwd=work, capture_output=True)
    real = int(db.value("SELECT COUNT(*) FROM pharmacy_items"))
    print(f"imported {real:,} items in {time.time() - started:.0f} s", flush=True)
    first_item = int(db.value("SELECT MIN(id) FROM pharmacy_items"))
    orderable = list(range(first_item, first_item + ORDERERS))
    raced = list(range(first_item + ORDERERS, first_item + ORDERERS + ROUNDS))
    stock(db, admin, orderable, 100000, "BENCH")
    stock(db, admin, raced, 10, "RACE")
    if db.lite:
        db.sql("ANALYZE")

    def serve():
        server = subprocess.Popen([binary, "serve", "--port=0", "--web-root=",
                                   "--trusted-proxies=127.0.0.1", f"--mail-dir={work}/mail",
                                   *common], cwd=work, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        for line in server.stdout:
            if '"msg":"listening"' in line:
                port = int(line.split('"port":')[1].split(",")[0].split("}")[0])
                break
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        return server, port

    rows = []
    server, port = serve()
    try:
        client = Client(port)
        reader = sign_in(port, f"p{ORDERERS + RACERS}@example.org", 0)
        rows.append((f"catalogue search, {real:,} items (the medicines table)",
                     search_timings(client, reader, args.requests)))

        # Placing orders: wrk, each request a buy-now order of one unit.
        tokens = [sign_in(port, f"p{n}@example.org", n) for n in range(ORDERERS)]
        pairs = os.path.join(work, "pairs.txt")
        with open(pairs, "w") as out:
            for token, item in zip(tokens, orderable):
                out.write(f"{token} {item}\n")
        script = os.path.join(work, "order.lua")
        with open(script, "w") as out:
            for name in ("order_buy_now.lua", "report.lua"):
                with open(os.path.join(here, "wrk", name)) as part:
                    out.write(part.read())
        before = int(db.value("SELECT COUNT(*) FROM pharmacy_orders"))
        result = subprocess.run(
            ["wrk", "-t2", "-c64", f"-d{args.duration}s", "--latency", "-s", script,
             f"http://127.0.0.1:{port}/"], check=True, capture_output=True, text=True,
            env={**os.environ, "ORDER_PAIRS": pairs, "ORDER_THREADS": "2"})
        line = next(l for l in result.stdout.splitlines() if l.startswith("RESULT"))
        fields = dict(part.split("=") for part in line.split()[1:])
        placed = int(db.value("SELECT COUNT(*) FROM pharmacy_orders")) - before
        assert fields["non2xx"] == "0" and fields["errors"] == "0", result.stdout
        rows.append((f"placing orders, wrk 64 connections ({placed:,} placed, "
                     f"{float(fields['rps']):,.0f}/s)", [float(fields["p50_ms"])],
                     float(fields["p95_ms"]), float(fields["p99_ms"])))

        # The 100-way race for the last 10 units, round after round.
        racers = [sign_in(port, f"p{ORDERERS + n}@example.org", ORDERERS + n)
                  for n in range(RACERS)]
        latencies = []
        for item in raced:
            statuses, times = race(port, racers, item)
            assert statuses.count(201) == 10 and statuses.count(409) == RACERS - 10, statuses
            latencies += times
        rows.append((f"the {RACERS}-way race for the last 10 units ({ROUNDS} rounds: each 10 × "
                     f"201, {RACERS - 10} × 409 with the shortage)", latencies))
    finally:
        server.terminate()
        server.wait()

    if args.generated > 0:
        started = time.time()
        generate_items(db, args.generated)
        total = int(db.value("SELECT COUNT(*) FROM pharmacy_items"))
        print(f"generated items: {total:,} in all, {time.time() - started:.0f} s", flush=True)
        # What `vitalis import medicines` does after a load (the generated rows bypass it).
        if db.lite:
            db.sql("INSERT INTO pharmacy_search (pharmacy_search) VALUES ('optimize'); "
                   "INSERT INTO pharmacy_name_search (pharmacy_name_search) VALUES ('optimize'); "
                   "ANALYZE")
        else:
            db.sql("ANALYZE")
        server, port = serve()
        try:
            client = Client(port)
            reader = sign_in(port, f"p{ORDERERS + RACERS}@example.org", 1)
            rows.append((f"catalogue search, {total:,} items (the table and generated ones)",
                         search_timings(client, reader, args.requests)))
        finally:
            server.terminate()
            server.wait()

    verified = subprocess.run([binary, "pharmacy", "verify", f"--database={url}"], cwd=work,
                              capture_output=True, text=True)
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
    print(f"\npharmacy verify after the bench: {verified.stdout.strip() or verified.stderr[-300:]}")


if __name__ == "__main__":
    main()
