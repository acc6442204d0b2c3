"""The mixed write load of the fault-injection suite, and the checks that follow a fault.

One place for every module's writes: a `Writer` sends one kind of write and, after a fault, says
which of the writes the server acknowledged (a 2xx) are missing. `WRITERS` lists them;
`INVARIANTS` lists the checks over the whole database (the SQLite file is sound, the audit chain
verifies). A module that adds writes (bookings and orders here; chat next) adds its Writer to `WRITERS` and its
invariants (stock never below zero, no double booking) to `INVARIANTS`, and every fault test
(kill -9, PostgreSQL restart, disk full, soak) drives and checks them.
"""
import datetime
import http.client
import json
import random
import sqlite3
import subprocess
import threading
import time

from api_conftest import BIN
from test_identity import FAST_HASH, Api, smtp_sink  # noqa: F401 (re-exported for the tests)

PASSWORD = "correct horse battery staple"


def query(url, sql):
    """Rows of a query (lists of strings) on the database at `url`, read outside the server."""
    if url.startswith("sqlite:"):
        with sqlite3.connect(url[len("sqlite:"):], timeout=30) as conn:
            return [[str(value) for value in row] for row in conn.execute(sql).fetchall()]
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtF", "|", "-c", sql],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    return [line.split("|") for line in out.splitlines() if line]


def id_list(keys):
    return ",".join(str(int(key)) for key in keys) or "0"


class Clinic:
    """The accounts the load writes as: an admin, a patient, a doctor on the patient's care team
    holding an active write grant, and a second linked doctor (who requests grants)."""

    def __init__(self, api):
        self.admin, _ = api.create_admin()
        self.patient, self.patient_id = api.patient("ana@example.org")
        self.doctor, self.doctor_id = api.doctor("bruno@example.org", self.admin)
        self.asker, self.asker_id = api.doctor("carla@example.org", self.admin,
                                               name="Dr Carla Dias")
        for doctor_id in (self.doctor_id, self.asker_id):
            status, _, body = api.call("POST", f"/api/v1/patients/{self.patient_id}/care-team",
                                       self.patient, body={"doctor_id": doctor_id})
            assert status == 201, body
        status, _, pending = api.call("POST", f"/api/v1/patients/{self.patient_id}/write-grants",
                                      self.doctor)
        assert status == 202, pending
        status, _, active = api.call("POST", f"/api/v1/write-grants/{pending['id']}/approve",
                                     self.patient)
        assert status == 200 and active["status"] == "active", active
        # Scheduling: the doctor works every day, all day, in 15-minute slots at one clinic
        # (UTC, so that slot k is simply k quarter-hours after tomorrow's midnight).
        status, _, place = api.call("POST", "/api/v1/care/clinics", self.admin, body={
            "kind": "clinic", "name": "Load Clinic", "address": "1 Test Road", "city": "Testville",
            "postcode": "T1 1TT", "latitude": 51.5, "longitude": -0.1, "phone": "+44 20 0",
            "opening_hours": "always", "time_zone": "Etc/UTC", "services": []})
        assert status == 201, place
        status, _, reply = api.call("PUT", f"/api/v1/care/doctors/{self.doctor_id}/practice",
                                    self.admin, body={"clinic_ids": [place["id"]]})
        assert status == 204, reply
        status, _, reply = api.call(
            "PUT", f"/api/v1/care/doctors/{self.doctor_id}/clinics/{place['id']}/hours",
            self.doctor, body={"sessions": [
                {"weekday": day, "start": "00:00", "end": "23:45", "slot_minutes": 15}
                for day in range(1, 8)]})
        assert status == 204, reply
        tomorrow = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(1)
        self.first_slot = datetime.datetime(tomorrow.year, tomorrow.month, tomorrow.day,
                                            tzinfo=datetime.timezone.utc)
        # The pharmacy: one medicine with stock for the orders.
        status, _, item = api.call("POST", "/api/v1/pharmacy/items", self.admin, body={
            "name": "Load Paracetamol 500 mg Tablet", "composition": "Paracetamol (500mg)",
            "manufacturer": "Load Ltd", "price_minor": 120, "order_limit": 10})
        assert status == 201, item
        self.item_id = item["id"]
        self.expires_on = (tomorrow + datetime.timedelta(days=365)).isoformat()
        status, _, lot = api.call("POST", f"/api/v1/pharmacy/items/{self.item_id}/lots",
                                  self.admin, body={"batch": "LOAD-0", "quantity": 1000,
                                                    "expires_on": self.expires_on})
        assert status == 201, lot
        # Chat: the patient's conversation with the doctor, for the messages.
        status, _, conversation = api.call("POST", "/api/v1/chat/conversations", self.patient,
                                           body={"other_id": self.doctor_id})
        assert status == 201, conversation
        self.conversation_id = conversation["id"]


class Writer:
    """One kind of write. `write(client, clinic, n)` sends the n-th write and returns
    (status, key): the key names what was written (an id) when the status is 2xx. `missing(url,
    clinic, acked, attempted)` returns the descriptions of acknowledged writes not found in the
    database; `attempted` holds every key sent, answered or not, for writers whose later writes
    replace earlier ones."""

    name = "?"
    weight = 1  # relative share of the load

    def write(self, client, clinic, n):
        raise NotImplementedError

    def missing(self, url, clinic, acked, attempted):
        raise NotImplementedError


class IdWriter(Writer):
    """A write that creates one row with an id; `table` holds it."""

    table = ""

    def missing(self, url, clinic, acked, attempted):
        keys = sorted(set(acked))
        found = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found |= {int(row[0]) for row in
                      query(url, f"SELECT id FROM {self.table} WHERE id IN ({id_list(chunk)})")}
        return [f"{self.table} id {key}" for key in keys if key not in found]


class Observations(IdWriter):
    name, table, weight = "observation", "observations", 3

    def write(self, client, clinic, n):
        status, body = client.post(f"/api/v1/patients/{clinic.patient_id}/observations",
                                   clinic.patient, {"metric": "body_weight",
                                                    "value": 60 + (n % 400) / 10, "unit": "kg"})
        return status, (body["items"][0]["id"] if status == 201 else None)


class Symptoms(IdWriter):
    name, table = "symptom", "symptom_entries"

    def write(self, client, clinic, n):
        status, body = client.post(f"/api/v1/patients/{clinic.patient_id}/symptoms",
                                   clinic.patient, {"free_text": "a dull headache",
                                                    "severity": 1 + n % 6})
        return status, (body["id"] if status == 201 else None)


class Prescriptions(IdWriter):
    name, table = "prescription", "prescriptions"

    def write(self, client, clinic, n):
        # Stopped at once, so that the prescribing check never finds a duplicate to refuse.
        status, body = client.post(f"/api/v1/patients/{clinic.patient_id}/prescriptions",
                                   clinic.doctor, {"medicine": f"Testamine {n}", "dose": "1 tablet",
                                                   "frequency": "daily", "status": "stopped"})
        return status, (body["id"] if status == 201 else None)


class WriteGrants(IdWriter):
    name, table = "write grant request", "write_grants"

    def write(self, client, clinic, n):
        status, body = client.post(f"/api/v1/patients/{clinic.patient_id}/write-grants",
                                   clinic.asker, None)
        return status, (body["id"] if status == 202 else None)


class SignUps(Writer):
    """Patient sign-ups: `202` means the account is stored (and its mail queued)."""

    name = "sign-up"

    def __init__(self, prefix="load"):
        self.prefix = prefix

    def write(self, client, clinic, n):
        address = f"{self.prefix}-{n}@example.org"
        status, _ = client.post("/api/v1/auth/signup/patient", None, {
            "email": address, "password": PASSWORD, "full_name": f"Load Patient {n}",
            "date_of_birth": "1990-01-01", "sex": "unknown"})
        return status, (address if status == 202 else None)

    def missing(self, url, clinic, acked, attempted):
        found = set()
        keys = sorted(set(acked))
        for start in range(0, len(keys), 500):
            quoted = ",".join(f"'{key}'" for key in keys[start:start + 500])
            found |= {row[0] for row in query(url, f"SELECT email FROM accounts "
                                                   f"WHERE email IN ({quoted})")}
        return [f"account {key}" for key in keys if key not in found]


class Bookings(IdWriter):
    """The patient books the doctor's slots; about three writes aim at each slot, so they race
    and the database lets one in (the others get 409)."""

    name, table = "booking", "care_appointments"

    def write(self, client, clinic, n):
        slot = n // 3
        starts = clinic.first_slot + datetime.timedelta(days=slot // 95,
                                                        minutes=15 * (slot % 95))
        status, body = client.post("/api/v1/care/appointments", clinic.patient, {
            "doctor_id": clinic.doctor_id, "starts_at": starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": "check-up"})
        return status, (body["id"] if status == 201 else None)


class Orders(Writer):
    """The patient orders one unit (cart, then the order with an Idempotency-Key); every tenth
    order is cancelled at once (its unit returns through the ledger) and every hundredth of this
    writer's writes receives 100 more units instead (the admin), so stock lasts a soak (at most 99
    of 100 writes take a unit). One patient has one cart, so
    this writer's steps run one at a time. Keys: ("order", id), ("cancel", id), ("lot", id)."""

    name = "order"

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0  # this writer's own count (a soak gives it every k-th n, not all of them)

    def write(self, client, clinic, n):
        with self.lock:
            self.count += 1
            if self.count % 100 == 0:
                status, body = client.post(f"/api/v1/pharmacy/items/{clinic.item_id}/lots",
                                           clinic.admin, {"batch": f"LOAD-{n}", "quantity": 100,
                                                          "expires_on": clinic.expires_on})
                return status, (("lot", body["id"]) if status == 201 else None)
            status, _ = client.put(f"/api/v1/pharmacy/cart/items/{clinic.item_id}",
                                   clinic.patient, {"quantity": 1})
            if status != 200:
                return status, None
            status, body = client.call("POST", "/api/v1/pharmacy/orders", clinic.patient, {},
                                       headers={"Idempotency-Key": f"load-{n}"})
            if status != 201:
                return status, None
            if self.count % 10 != 1:
                return status, ("order", body["id"])
            status, _ = client.post(f"/api/v1/pharmacy/orders/{body['id']}/cancel",
                                    clinic.patient, {"reason": "load"})
            return status, (("cancel", body["id"]) if status == 200 else ("order", body["id"]))

    def missing(self, url, clinic, acked, attempted):
        problems = []
        for kind, table in (("order", "pharmacy_orders"), ("lot", "pharmacy_lots")):
            keys = sorted({key for k, key in acked if k in (kind, "cancel" if kind == "order"
                                                             else kind)})
            found = set()
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                found |= {int(row[0]) for row in
                          query(url, f"SELECT id FROM {table} WHERE id IN ({id_list(chunk)})")}
            problems += [f"{table} id {key}" for key in keys if key not in found]
        cancelled = sorted({key for k, key in acked if k == "cancel"})
        for start in range(0, len(cancelled), 500):
            chunk = cancelled[start:start + 500]
            open_orders = query(url, f"SELECT id FROM pharmacy_orders WHERE id IN "
                                     f"({id_list(chunk)}) AND status <> 'cancelled'")
            problems += [f"order {row[0]} was cancelled (acknowledged) but is not"
                         for row in open_orders]
        return problems


class Messages(IdWriter):
    """Chat messages, alternately from the patient and the doctor, each with its client id; a
    retry after a crash with the same id would be answered with the stored message (200)."""

    name, table = "message", "chat_messages"

    def write(self, client, clinic, n):
        token = clinic.patient if n % 2 else clinic.doctor
        status, body = client.post(f"/api/v1/chat/conversations/{clinic.conversation_id}/messages",
                                   token, {"client_id": f"load-{n}", "text": f"message {n}"})
        return status, (body["id"] if status in (200, 201) else None)


class Allergies(Writer):
    """The profile replaced as a whole with one allergy: afterwards the stored allergy is the last
    acknowledged one or one sent after it (whose answer was lost)."""

    name = "allergy list"

    def write(self, client, clinic, n):
        status, _ = client.put(f"/api/v1/patients/{clinic.patient_id}/profile", clinic.patient,
                               {"allergies": [f"substance {n}"]})
        return status, (n if status == 200 else None)

    def missing(self, url, clinic, acked, attempted):
        if not acked:
            return []
        last = max(acked)
        allowed = {f"substance {n}" for n in attempted if n >= last}
        stored = [row[0] for row in query(
            url, f"SELECT substance FROM patient_allergies WHERE patient_id = {clinic.patient_id}")]
        if len(stored) == 1 and stored[0] in allowed:
            return []
        return [f"allergies {stored}, expected one of the writes from 'substance {last}' on"]


# The server flags the load needs besides the SMTP URL: cheap password hashes, and 127.0.0.1
# trusted as a proxy so that each request can come from its own address (Client).
FLAGS = (*FAST_HASH, "--trusted-proxies=127.0.0.1")

WRITERS = [Observations, Symptoms, Prescriptions, WriteGrants, SignUps, Bookings, Orders,
           Allergies, Messages]


def sqlite_integrity(url, tmp_path):
    if not url.startswith("sqlite:"):
        return []
    rows = query(url, "PRAGMA integrity_check")
    return [] if rows == [["ok"]] else [f"PRAGMA integrity_check: {rows}"]


def audit_chain(url, tmp_path):
    result = subprocess.run([BIN, "audit", "verify", f"--database={url}"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    if result.returncode == 0:
        return []
    return [f"vitalis audit verify exited {result.returncode}: {result.stdout[-2000:]}"
            f"{result.stderr[-2000:]}"]


def no_double_booking(url, tmp_path):
    """No two active appointments of one doctor, or of one patient, overlap in time: in start
    order, none starts before the latest end of those before it (one sorted pass per doctor or
    patient, not a self-join: the soak stores hundreds of thousands for one doctor)."""
    problems = []
    for who in ("doctor_id", "patient_id"):
        rows = query(url, "SELECT id, latest_end FROM (SELECT id, starts_at, MAX(ends_at) OVER "
                          f"(PARTITION BY {who} ORDER BY starts_at, id ROWS BETWEEN UNBOUNDED "
                          "PRECEDING AND 1 PRECEDING) AS latest_end FROM care_appointments "
                          "WHERE status = 'booked') AS ordered WHERE latest_end > starts_at "
                          "LIMIT 5")
        problems += [f"appointment {a} starts before an earlier one of the same {who} ends "
                     f"({b})" for a, b in rows]
    return problems


def pharmacy_verify(url, tmp_path):
    """Every lot's stock equals its ledger, and every order holds what its status says
    (`vitalis pharmacy verify`); stock is never negative by the database's CHECKs."""
    result = subprocess.run([BIN, "pharmacy", "verify", f"--database={url}"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    if result.returncode == 0:
        return []
    return [f"vitalis pharmacy verify exited {result.returncode}: {result.stdout[-2000:]}"
            f"{result.stderr[-2000:]}"]


def chat_order(url, tmp_path):
    """Every conversation's messages are numbered 1, 2, 3... without a gap or a repeat, up to
    the conversation's last seq (the order both sides see)."""
    rows = query(url, "SELECT c.id, c.last_seq, COUNT(m.id), COALESCE(MAX(m.seq), 0) FROM "
                      "chat_conversations c LEFT JOIN chat_messages m ON m.conversation_id = c.id "
                      "GROUP BY c.id, c.last_seq HAVING COUNT(m.id) <> c.last_seq OR "
                      "COALESCE(MAX(m.seq), 0) <> c.last_seq LIMIT 5")
    return [f"conversation {c}: last seq {last}, {count} messages, highest seq {top}"
            for c, last, count, top in rows]


# Whole-database checks after every fault: each returns a list of problems (empty: fine).
INVARIANTS = [sqlite_integrity, audit_chain, no_double_booking, pharmacy_verify, chat_order]


class Client:
    """JSON over one keep-alive connection to whichever server is current (`target()` gives the
    port); a refused or dropped connection is status 0."""

    _lock = threading.Lock()
    _sent = 0

    def __init__(self, target, timeout=15):
        self.target = target
        self.timeout = timeout
        self.conn = None
        self.port = None
        self.last_body = None

    def call(self, method, path, token, body, headers=None):
        # Each request from another client address (the server trusts 127.0.0.1 as a proxy:
        # FLAGS), so that per-address limits (20 sign-ups an hour) do not stop the load.
        with Client._lock:
            Client._sent += 1
            sent = Client._sent
        headers = {**(headers or {}), "Content-Type": "application/json",
                   "X-Forwarded-For": f"10.{sent >> 16 & 255}.{sent >> 8 & 255}.{sent & 255}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        port = self.target()
        try:
            if self.conn is None or self.port != port:
                self.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
                self.port = port
            self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                              headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            self.last_body = json.loads(data) if data else None
            return response.status, self.last_body
        except (OSError, http.client.HTTPException, ValueError):
            self.close()
            return 0, None

    def post(self, path, token, body):
        return self.call("POST", path, token, body)

    def put(self, path, token, body):
        return self.call("PUT", path, token, body)

    def get(self, path, token):
        return self.call("GET", path, token, None)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Load:
    """Threads sending the WRITERS' writes to the current server until stopped. Every answer is
    counted by status; `acked[name]` holds the keys of 2xx answers, `attempted[name]` every key
    tried (writers number their writes, so a key is known before the answer)."""

    def __init__(self, clinic, target, writers=None, threads_per_writer=1, pause=0.0):
        self.clinic = clinic
        self.target = target
        self.writers = [cls() for cls in (writers or WRITERS)]
        self.threads_per_writer = threads_per_writer
        self.pause = pause
        self.lock = threading.Lock()
        self.acked = {w.name: [] for w in self.writers}
        self.attempted = {w.name: [] for w in self.writers}
        self.statuses = {}
        self.last_refusal = {}  # writer name -> (status, body) of its last non-2xx answer
        self.counter = 0
        self._stop = threading.Event()
        self._threads = []

    def _next(self):
        with self.lock:
            self.counter += 1
            return self.counter

    def _run(self, writer):
        client = Client(self.target)
        try:
            while not self._stop.is_set():
                n = self._next()
                with self.lock:
                    self.attempted[writer.name].append(n)
                status, key = writer.write(client, self.clinic, n)
                with self.lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if 200 <= status < 300:
                        self.acked[writer.name].append(key)
                    elif status:
                        self.last_refusal[writer.name] = (status, client.last_body)
                if status == 0 or status >= 500:
                    time.sleep(0.05)  # the server is down or refusing: do not spin
                elif status == 429:
                    time.sleep(0.5)  # a limit by design (write-grant requests per doctor)
                elif self.pause:
                    time.sleep(self.pause)
        finally:
            client.close()

    def start(self):
        self._stop.clear()
        self._threads = []
        for writer in self.writers:
            for _ in range(max(1, self.threads_per_writer * writer.weight)):
                thread = threading.Thread(target=self._run, args=(writer,), daemon=True)
                thread.start()
                self._threads.append(thread)

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(30)
        assert not any(thread.is_alive() for thread in self._threads), "a load thread hung"

    def acknowledged(self):
        with self.lock:
            return sum(len(keys) for keys in self.acked.values())

    def missing(self, url):
        """Every acknowledged write not found in the database at `url`."""
        problems = []
        for writer in self.writers:
            with self.lock:
                acked = list(self.acked[writer.name])
                attempted = list(self.attempted[writer.name])
            problems += [f"{writer.name}: {item}" for item in
                         writer.missing(url, self.clinic, acked, attempted)]
        return problems


def check_database(url, tmp_path, load=None):
    """After a fault: the acknowledged writes are all there and every invariant holds."""
    problems = load.missing(url) if load is not None else []
    for invariant in INVARIANTS:
        problems += invariant(url, tmp_path)
    return problems


def rng_from_env(name="VITALIS_FAULT_SEED"):
    """A random generator whose seed is printed (and can be given back through the
    environment to replay a run)."""
    import os
    seed = int(os.environ.get(name) or random.SystemRandom().randrange(1, 10**9))
    print(f"fault seed: {seed} (replay with {name}={seed})")
    return seed, random.Random(seed)
