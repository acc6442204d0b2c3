"""Identity and access, black-box: sign-up with codes delivered to a real SMTP server, sessions,
password reset, doctor approval, care team, consent grants, break-glass, the access log, the
audit chain, rate limits, and an authorization matrix over the live route table."""
import contextlib
import datetime
import email
import email.policy
import http.cookies
import json
import re
import socket
import statistics
import subprocess
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from conftest import (BIN, SignedIn, assert_error, enrol_second_factor, sign_in, wait_until)

PASSWORD = "a sound passphrase"
# Below the OWASP minimum, so the test-only switch must say so (refused at start otherwise).
FAST_HASH = ("--argon2-opslimit=1", "--argon2-memlimit-mb=8",
             "--test-only-weak-password-hashing=true")


class Sink:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]

    def code_for(self, address, subject_word, count=1, timeout=15):
        """The 6-digit code in the count-th message to `address` whose subject has the word."""
        def found():
            return len([m for m in self.to(address) if subject_word in m["Subject"]]) >= count
        assert wait_until(found, timeout), f"no '{subject_word}' mail for {address}: " + \
            str([m["Subject"] for m in self.to(address)])
        message = [m for m in self.to(address) if subject_word in m["Subject"]][count - 1]
        text = message.get_body(preferencelist=("plain",)).get_content()
        return re.search(r"\b(\d{6})\b", text).group(1)


@contextlib.contextmanager
def smtp_sink():
    """An SMTP server on a free loopback port that keeps what it receives (the Sink; .port)."""
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp():
    with smtp_sink() as sink:
        yield sink


class Api:
    """A running server plus the steps every test repeats."""

    def __init__(self, server, smtp, tmp_path):
        self.server = server
        self.smtp = smtp
        self.tmp_path = tmp_path

    def call(self, method, path, token=None, body=None, headers=None):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            return self.server.json(method, path, json_body=body, headers=headers)
        return self.server.json(method, path, headers=headers)

    def sign_up_patient(self, address, name="Ana Silva", **extra):
        body = {"email": address, "password": PASSWORD, "full_name": name,
                "date_of_birth": "1980-05-01", "sex": "female", **extra}
        status, _, reply = self.call("POST", "/api/v1/auth/signup/patient", body=body)
        assert status == 202, reply
        return reply

    def verify(self, address, subject_word="Confirm"):
        code = self.smtp.code_for(address, subject_word)
        status, _, reply = self.call("POST", "/api/v1/auth/verify-email",
                                     body={"email": address, "code": code})
        assert status == 200, reply
        return reply["status"]

    def sign_in(self, address, password=PASSWORD):
        # Answers the second step with the account's authenticator when it has one (conftest).
        status, headers, reply = sign_in(self.server, address, password)
        assert status == 200, reply
        cookie = http.cookies.SimpleCookie(headers["set-cookie"])["vitalis_refresh"]
        return reply["access_token"], cookie.value, reply["account"]

    def patient(self, address, name="Ana Silva"):
        self.sign_up_patient(address, name)
        self.verify(address)
        token, _, account = self.sign_in(address)
        return token, account["id"]

    def create_admin(self, address="admin@example.org"):
        result = subprocess.run(
            [BIN, "user", "create-admin", f"--email={address}", "--full-name=Ada Admin",
             f"--database={self.server.database.url}", *FAST_HASH],
            input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, cwd=self.tmp_path)
        assert result.returncode == 0, result.stderr
        token, _, account = self.sign_in(address)
        # Administrators must set up two-step sign-in before anything else.
        enrol_second_factor(SignedIn(self.server, token), address)
        return token, account["id"]

    def doctor(self, address, admin_token, name="Dr Bruno Costa"):
        body = {"email": address, "password": PASSWORD, "full_name": name,
                "licence_number": "GMC-1234567", "specialty": "Cardiology",
                "clinic": "Lisbon Heart Clinic"}
        status, _, _ = self.call("POST", "/api/v1/auth/signup/doctor", body=body)
        assert status == 202
        assert self.verify(address) == "pending_approval"
        _, _, pending = self.call("GET", "/api/v1/admin/doctors", admin_token)
        doctor_id = next(d["id"] for d in pending["items"] if d["email"] == address)
        status, _, _ = self.call("POST", f"/api/v1/admin/doctors/{doctor_id}/approve", admin_token)
        assert status == 200
        token, _, _ = self.sign_in(address)
        return token, doctor_id


@pytest.fixture
def api(start_server, database, smtp, tmp_path):
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


@pytest.fixture
def lite_api(start_server, sqlite_database, smtp, tmp_path):
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def test_patient_sign_up_verify_sign_in_refresh_sign_out(api):
    api.sign_up_patient("ana@example.org")
    assert api.verify("ana@example.org") == "active"
    message = api.smtp.to("ana@example.org")[0]
    assert "Vitalis" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    token, refresh, account = api.sign_in("ana@example.org")
    assert account["role"] == "patient" and account["status"] == "active"
    status, _, me = api.call("GET", "/api/v1/me", token)
    assert status == 200 and me["email"] == "ana@example.org"

    # Refresh rotates the token; the old one is then refused and kills the whole family.
    status, headers, renewed = api.call("POST", "/api/v1/auth/refresh",
                                        headers={"Cookie": f"vitalis_refresh={refresh}"})
    assert status == 200, renewed
    new_refresh = http.cookies.SimpleCookie(headers["set-cookie"])["vitalis_refresh"].value
    assert new_refresh != refresh and renewed["access_token"] != token
    status, _, body = api.call("POST", "/api/v1/auth/refresh",
                               headers={"Cookie": f"vitalis_refresh={refresh}"})
    assert status == 401
    assert_error(body, "unauthenticated")
    status, _, _ = api.call("POST", "/api/v1/auth/refresh",
                            headers={"Cookie": f"vitalis_refresh={new_refresh}"})
    assert status == 401
    assert api.call("GET", "/api/v1/me", renewed["access_token"])[0] == 401
    # A browser that never signed in has no cookie: nothing to restore, and nothing failed.
    status, headers, body = api.call("POST", "/api/v1/auth/refresh")
    assert status == 204 and not body and "set-cookie" not in headers

    token, _, _ = api.sign_in("ana@example.org")
    assert api.call("POST", "/api/v1/auth/signout", token)[0] == 204
    status, _, body = api.call("GET", "/api/v1/me", token)
    assert status == 401
    assert_error(body, "unauthenticated")


def test_sign_out_everywhere_ends_every_session(lite_api):
    lite_api.sign_up_patient("ana@example.org")
    lite_api.verify("ana@example.org")
    first, _, _ = lite_api.sign_in("ana@example.org")
    second, _, _ = lite_api.sign_in("ana@example.org")
    assert lite_api.call("POST", "/api/v1/auth/signout-everywhere", first)[0] == 204
    assert lite_api.call("GET", "/api/v1/me", second)[0] == 401


def test_sign_up_never_reveals_whether_an_email_is_registered(lite_api):
    first = lite_api.sign_up_patient("ana@example.org")
    second = lite_api.sign_up_patient("ANA@example.org", name="Somebody Else")
    assert first == second == {"status": "accepted"}
    lite_api.smtp.code_for("ana@example.org", "Confirm")
    # The address was not proven yet, so the repeat asks its owner to choose a password (see
    # test_accounts.py: neither sign-up's password activates it); nothing else is sent.
    lite_api.smtp.code_for("ana@example.org", "Finish setting up")
    time.sleep(1.5)
    assert len(lite_api.smtp.to("ana@example.org")) == 2
    # Unknown and known emails get the same reset answer, and no mail for the unknown one.
    for address in ("ana@example.org", "nobody@example.org"):
        status, _, body = lite_api.call("POST", "/api/v1/auth/password-reset/request",
                                        body={"email": address})
        assert (status, body) == (202, {"status": "accepted"})
    time.sleep(1.5)
    assert lite_api.smtp.to("nobody@example.org") == []


def test_sign_up_validation_names_each_field(lite_api):
    base = {"email": "ana@example.org", "password": PASSWORD, "full_name": "Ana Silva",
            "date_of_birth": "1980-05-01", "sex": "female"}
    cases = [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "Password123"}, "password"),
        ({"full_name": "   "}, "full_name"),
        ({"date_of_birth": "2090-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1980-02-30"}, "date_of_birth"),
        ({"sex": "x"}, "sex"),
        ({"phone": "call me maybe"}, "phone"),
        ({"email": 42}, "email"),
    ]
    for change, field in cases:
        status, _, body = lite_api.call("POST", "/api/v1/auth/signup/patient",
                                        body={**base, **change})
        assert status == 422, (change, body)
        assert_error(body, "validation_failed", field)
    missing = dict(base)
    del missing["date_of_birth"]
    status, _, body = lite_api.call("POST", "/api/v1/auth/signup/patient", body=missing)
    assert status == 422
    assert_error(body, "validation_failed", "date_of_birth")
    status, _, body = lite_api.server.json("POST", "/api/v1/auth/signup/patient", body="{",
                                           headers={"Content-Type": "application/json"})
    assert status == 400
    status, _, body = lite_api.server.json("POST", "/api/v1/auth/signup/patient", body="{}",
                                           headers={"Content-Type": "text/plain"})
    assert status == 415
    time.sleep(1)
    assert lite_api.smtp.messages == []  # nothing was written for any rejected request


def test_sign_up_refuses_common_passwords_and_the_name(lite_api):
    base = {"email": "ana@example.org", "full_name": "Ana Maria Silva",
            "date_of_birth": "1980-05-01", "sex": "female"}
    # From deep in the shipped list (config/common_passwords.txt), not among the old 60.
    status, _, body = lite_api.call("POST", "/api/v1/auth/signup/patient",
                                    body={**base, "password": "Fishfinger"})
    assert status == 422, body
    assert_error(body, "validation_failed", "password")
    assert "most common passwords" in body["error"]["message"]
    for same in ("Ana Maria Silva", "ana@example.org"):
        status, _, body = lite_api.call("POST", "/api/v1/auth/signup/patient",
                                        body={**base, "password": same})
        assert status == 422, (same, body)
        assert_error(body, "validation_failed", "password")
    status, _, body = lite_api.call("POST", "/api/v1/auth/signup/patient",
                                    body={**base, "password": "tulips under a violet sky"})
    assert status == 202, body


def test_password_hashing_below_the_owasp_minimum_is_refused_at_start(tmp_path):
    # Without the test-only switch, cheap argon2id settings stop the server before it serves.
    result = subprocess.run(
        [BIN, "serve", f"--database=sqlite:{tmp_path}/v.db", "--port=0",
         f"--secret-key-file={tmp_path}/secret.key", "--argon2-opslimit=1",
         "--argon2-memlimit-mb=8"],
        capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert result.returncode != 0
    assert "below the OWASP minimum" in result.stderr, result.stderr
    assert "--test-only-weak-password-hashing" in result.stderr


def test_the_test_only_hashing_switch_is_logged_loudly(lite_api):
    # lite_api runs with FAST_HASH: the server says so at start.
    assert any("TEST ONLY: password hashing below the OWASP minimum" in line
               for line in lite_api.server.log_lines)


def test_reset_and_resend_take_as_long_for_unknown_emails(lite_api):
    # A known (unverified) address makes a code and queues a mail in a committed transaction; an
    # unknown one only looks up. Both answers are held to the same floor, so their times match.
    known = [f"known{i}@example.org" for i in range(4)]
    for address in known:
        lite_api.sign_up_patient(address)
    unknown = [f"nobody{i}@example.org" for i in range(4)]

    def timed(path, address):
        started = time.perf_counter()
        status, _, body = lite_api.call("POST", path, body={"email": address})
        assert status == 202, body
        return time.perf_counter() - started

    for path in ("/api/v1/auth/password-reset/request", "/api/v1/auth/resend-verification"):
        known_times, unknown_times = [], []
        for mine, nobody in zip(known, unknown):
            known_times.append(timed(path, mine))
            unknown_times.append(timed(path, nobody))
        ratio = statistics.median(known_times) / statistics.median(unknown_times)
        assert 0.8 < ratio < 1.25, (path, known_times, unknown_times)


def test_wrong_codes_count_and_then_lock(lite_api):
    lite_api.sign_up_patient("ana@example.org")
    code = lite_api.smtp.code_for("ana@example.org", "Confirm")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        status, _, body = lite_api.call("POST", "/api/v1/auth/verify-email",
                                        body={"email": "ana@example.org", "code": wrong})
        assert status == 422
        assert_error(body, "validation_failed", "code")
    # Five failures lock code checks for this email (across all its codes) for a minute.
    for attempt in (code, "12ab56"):
        status, headers, body = lite_api.call("POST", "/api/v1/auth/verify-email",
                                              body={"email": "ana@example.org", "code": attempt})
        assert status == 429
        assert 0 < int(headers["retry-after"]) <= 60
        assert_error(body, "rate_limited")
    # A resend is allowed once a minute and delivers a new code (usable once the lock ends).
    status, _, _ = lite_api.call("POST", "/api/v1/auth/resend-verification",
                                 body={"email": "ana@example.org"})
    assert status == 202
    fresh = lite_api.smtp.code_for("ana@example.org", "Confirm", count=2)
    assert re.fullmatch(r"\d{6}", fresh)
    status, headers, _ = lite_api.call("POST", "/api/v1/auth/resend-verification",
                                       body={"email": "ana@example.org"})
    assert status == 429 and int(headers["retry-after"]) > 0


def test_sign_in_failures_are_uniform_then_rate_limited(lite_api):
    lite_api.sign_up_patient("ana@example.org")
    status, _, unverified = lite_api.call("POST", "/api/v1/auth/signin",
                                          body={"email": "ana@example.org", "password": PASSWORD})
    assert status == 403
    lite_api.verify("ana@example.org")
    status, _, unknown = lite_api.call("POST", "/api/v1/auth/signin",
                                       body={"email": "nobody@example.org", "password": PASSWORD})
    status2, _, wrong = lite_api.call("POST", "/api/v1/auth/signin",
                                      body={"email": "ana@example.org", "password": "wrong " * 3})
    assert status == status2 == 401
    assert unknown == wrong  # same answer whether or not the account exists
    for _ in range(4):  # five failures in a row block the account's sign-in
        lite_api.call("POST", "/api/v1/auth/signin",
                      body={"email": "ana@example.org", "password": "wrong " * 3})
    status, headers, body = lite_api.call("POST", "/api/v1/auth/signin",
                                          body={"email": "ana@example.org", "password": PASSWORD})
    assert status == 429, body
    assert int(headers["retry-after"]) >= 1
    assert_error(body, "rate_limited")


def test_password_reset_and_change(lite_api):
    token, _ = lite_api.patient("ana@example.org")
    status, _, _ = lite_api.call("POST", "/api/v1/auth/password-reset/request",
                                 body={"email": "ana@example.org"})
    assert status == 202
    code = lite_api.smtp.code_for("ana@example.org", "Reset")
    status, _, body = lite_api.call("POST", "/api/v1/auth/password-reset/confirm", body={
        "email": "ana@example.org", "code": code, "new_password": "short"})
    assert status == 422
    assert_error(body, "validation_failed", "new_password")
    new_password = "another sound passphrase"
    status, _, body = lite_api.call("POST", "/api/v1/auth/password-reset/confirm", body={
        "email": "ana@example.org", "code": code, "new_password": new_password})
    assert status == 200, body
    assert lite_api.call("GET", "/api/v1/me", token)[0] == 401  # old sessions ended
    status, _, _ = lite_api.call("POST", "/api/v1/auth/signin",
                                 body={"email": "ana@example.org", "password": PASSWORD})
    assert status == 401
    token, _, _ = lite_api.sign_in("ana@example.org", new_password)
    status, _, body = lite_api.call("POST", "/api/v1/auth/password", token, body={
        "current_password": "not it at all", "new_password": PASSWORD})
    assert status == 422
    assert_error(body, "validation_failed", "current_password")
    status, _, _ = lite_api.call("POST", "/api/v1/auth/password", token, body={
        "current_password": new_password, "new_password": PASSWORD})
    assert status == 204
    assert lite_api.call("GET", "/api/v1/me", token)[0] == 200  # this session stays
    lite_api.sign_in("ana@example.org", PASSWORD)


def test_doctor_waits_for_admin_approval(api):
    admin, _ = api.create_admin()
    body = {"email": "bruno@example.org", "password": PASSWORD, "full_name": "Dr Bruno Costa",
            "licence_number": "GMC-1234567", "specialty": "Cardiology", "clinic": "Heart Clinic"}
    assert api.call("POST", "/api/v1/auth/signup/doctor", body=body)[0] == 202
    status, _, bad = api.call("POST", "/api/v1/auth/signup/doctor",
                              body={**body, "email": "c@example.org", "licence_number": ""})
    assert status == 422
    assert_error(bad, "validation_failed", "licence_number")
    assert api.verify("bruno@example.org") == "pending_approval"
    status, _, body = api.call("POST", "/api/v1/auth/signin",
                               body={"email": "bruno@example.org", "password": PASSWORD})
    assert status == 403
    assert "approval" in body["error"]["message"]
    status, _, pending = api.call("GET", "/api/v1/admin/doctors?status=pending_approval", admin)
    assert [d["email"] for d in pending["items"]] == ["bruno@example.org"]
    doctor_id = pending["items"][0]["id"]
    assert api.call("POST", f"/api/v1/admin/doctors/{doctor_id}/approve", admin)[0] == 200
    status, _, body = api.call("POST", f"/api/v1/admin/doctors/{doctor_id}/approve", admin)
    assert status == 409
    assert_error(body, "conflict")
    assert api.call("POST", "/api/v1/admin/doctors/999999/approve", admin)[0] == 404
    assert api.call("GET", "/api/v1/admin/doctors?status=bogus", admin)[0] == 422
    token, _, account = api.sign_in("bruno@example.org")
    assert account["role"] == "doctor"
    assert api.smtp.to("bruno@example.org")[-1]["Subject"]


def test_consent_grants_gate_record_changes(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = api.doctor("bruno@example.org", admin)
    profile = f"/api/v1/patients/{patient_id}/profile"

    assert api.call("GET", profile, doctor)[0] == 403  # no care relationship yet
    status, _, directory = api.call("GET", "/api/v1/doctors?query=cardio", patient)
    assert [d["id"] for d in directory["items"]] == [doctor_id]
    status, _, body = api.call("POST", f"/api/v1/patients/{patient_id}/care-team", patient,
                               body={"doctor_id": 999999})
    assert status == 422
    assert_error(body, "validation_failed", "doctor_id")
    assert api.call("POST", f"/api/v1/patients/{patient_id}/care-team", patient,
                    body={"doctor_id": doctor_id})[0] == 201

    status, _, read = api.call("GET", profile, doctor)
    assert status == 200 and read["full_name"] == "Ana Silva"
    status, _, body = api.call("PATCH", profile, doctor, body={"phone": "+351 900 000 000"})
    assert status == 403
    assert "consent" in body["error"]["message"]

    status, _, grant = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
    assert status == 202 and grant["status"] == "pending"
    code = api.smtp.code_for("ana@example.org", "consent")
    _, _, grants = api.call("GET", f"/api/v1/patients/{patient_id}/write-grants", patient)
    assert grants["items"][0]["status"] == "pending"  # the patient sees the request in the app
    wrong = "000000" if code != "000000" else "111111"
    status, _, body = api.call("POST", f"/api/v1/write-grants/{grant['id']}/confirm", doctor,
                               body={"code": wrong})
    assert status == 422
    status, _, active = api.call("POST", f"/api/v1/write-grants/{grant['id']}/confirm", doctor,
                                 body={"code": code})
    assert status == 200 and active["status"] == "active" and active["expires_at"]
    status, _, changed = api.call("PATCH", profile, doctor, body={"phone": "+351 900 000 000"})
    assert status == 200 and changed["phone"] == "+351 900 000 000"

    assert api.call("DELETE", f"/api/v1/write-grants/{grant['id']}", patient)[0] == 204
    assert api.call("PATCH", profile, doctor, body={"phone": "+351 911 111 111"})[0] == 403

    # The patient can also approve a request in the app, without the code.
    _, _, second = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
    assert api.call("POST", f"/api/v1/write-grants/{second['id']}/approve", doctor)[0] == 403
    status, _, approved = api.call("POST", f"/api/v1/write-grants/{second['id']}/approve", patient)
    assert status == 200 and approved["status"] == "active"
    assert api.call("PATCH", profile, doctor, body={"phone": "+351 922 222 222"})[0] == 200

    # Removing the doctor from the care team ends reading and writing.
    assert api.call("DELETE", f"/api/v1/patients/{patient_id}/care-team/{doctor_id}",
                    patient)[0] == 204
    assert api.call("GET", profile, doctor)[0] == 403
    assert api.call("PATCH", profile, doctor, body={"phone": "1"})[0] == 403


def test_break_glass_and_the_access_log(api):
    admin, admin_id = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    profile = f"/api/v1/patients/{patient_id}/profile"
    status, _, body = api.call("GET", profile, admin)
    assert status == 403
    assert "break-glass" in body["error"]["message"]
    status, _, body = api.call("POST", "/api/v1/admin/break-glass", admin,
                               body={"patient_id": patient_id, "reason": "why"})
    assert status == 422
    assert_error(body, "validation_failed", "reason")
    reason = "Unconscious patient in A&E, record needed for allergies"
    status, _, glass = api.call("POST", "/api/v1/admin/break-glass", admin,
                                body={"patient_id": patient_id, "reason": reason})
    assert status == 201 and glass["expires_at"]
    assert api.call("GET", profile, admin)[0] == 200
    assert api.call("PATCH", profile, admin, body={"phone": "1"})[0] == 403  # read only

    status, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    assert status == 200
    reads = [e for e in log["items"] if e["action"] == "record.read"]
    assert reads and reads[0]["actor_id"] == admin_id and reads[0]["actor_name"] == "Ada Admin"
    assert reason in reads[0]["reason"]
    assert any(e["action"] == "access.break_glass" for e in log["items"])
    # The patient's own reads are not listed as accesses by others.
    api.call("GET", profile, patient)
    _, _, again = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    assert len(again["items"]) == len(log["items"])
    assert again["items"] and all(e["actor_id"] != patient_id for e in again["items"])
    # Paging by cursor.
    _, _, page = api.call("GET", f"/api/v1/patients/{patient_id}/access-log?limit=1", patient)
    assert len(page["items"]) == 1 and page["next_before"] == page["items"][0]["id"]
    assert api.call("GET", f"/api/v1/patients/{patient_id}/access-log?limit=0", patient)[0] == 422

    # The admin's audit search: each filter returns only the rows it names.
    status, _, audit = api.call("GET", f"/api/v1/admin/audit?patient_id={patient_id}", admin)
    assert status == 200 and audit["items"]
    assert {e["patient_id"] for e in audit["items"]} == {patient_id}
    assert {"access.break_glass", "record.read"} <= {e["action"] for e in audit["items"]}
    _, _, sign_ins = api.call("GET", "/api/v1/admin/audit?action=auth.sign_in", admin)
    assert sign_ins["items"] and {e["action"] for e in sign_ins["items"]} == {"auth.sign_in"}
    assert {e["outcome"] for e in sign_ins["items"]} == {"success"}
    _, _, by_admin = api.call("GET", f"/api/v1/admin/audit?actor_id={admin_id}", admin)
    assert by_admin["items"] and {e["actor_id"] for e in by_admin["items"]} == {admin_id}


def test_the_access_log_shows_staff_by_name_and_nobody_s_address_or_other_patients(api):
    admin, admin_id = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    other, other_id = api.patient("rui@example.org", name="Rui Costa")
    profile = f"/api/v1/patients/{patient_id}/profile"
    # Another patient tries the record: refused and audited in Ana's record.
    assert api.call("GET", profile, other)[0] == 404
    api.call("POST", "/api/v1/admin/break-glass", admin,
             body={"patient_id": patient_id, "reason": "Unconscious patient in A&E, allergies"})
    assert api.call("GET", profile, admin)[0] == 200
    status, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    assert status == 200 and log["items"]
    assert all(e["client_address"] == "" for e in log["items"])
    reads = [e for e in log["items"] if e["action"] == "record.read"]
    assert reads and reads[0]["actor_name"] == "Ada Admin" and reads[0]["actor_role"] == "admin"
    by_patients = [e for e in log["items"] if e["actor_role"] == "patient"]
    assert by_patients, log["items"]  # the refused attempt is listed ...
    assert all(e["actor_id"] is None and e["actor_name"] == "" for e in by_patients)
    assert "Rui Costa" not in str(log) and str(other_id) not in {str(e["actor_id"]) for e in
                                                                  log["items"]}
    # The admin's audit search still has everything.
    _, _, audit = api.call("GET", f"/api/v1/admin/audit?patient_id={patient_id}", admin)
    assert any(e["actor_id"] == other_id for e in audit["items"])
    assert all(e["client_address"] for e in audit["items"] if e["actor_id"] == admin_id)


def test_the_admin_audit_search_and_account_list_are_audited_reads(api):
    admin, admin_id = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    access_log = f"/api/v1/patients/{patient_id}/access-log"

    def reads_by_admin(action):
        items = api.call("GET", access_log, patient)[2]["items"]
        return [e for e in items if e["actor_id"] == admin_id and e["action"] == action]

    assert reads_by_admin("audit.search") == [] and reads_by_admin("account.list") == []
    # The audit search names Ana (her sign-up and sign-in rows): a read in her record.
    status, _, audit = api.call("GET", f"/api/v1/admin/audit?patient_id={patient_id}", admin)
    assert status == 200 and audit["items"]
    [search] = reads_by_admin("audit.search")
    assert search["resource_type"] == "audit_log" and search["actor_name"] == "Ada Admin"
    # The account list shows her name and address.
    status, _, accounts = api.call("GET", "/api/v1/admin/accounts?role=patient", admin)
    assert status == 200 and any(a["id"] == patient_id for a in accounts["items"])
    assert len(reads_by_admin("account.list")) == 1
    # A search naming no patient is still recorded, in nobody's record.
    api.call("GET", "/api/v1/admin/audit?action=no.such.action", admin)
    _, _, own = api.call("GET", f"/api/v1/admin/audit?actor_id={admin_id}&action=audit.search",
                         admin)
    assert any(e["patient_id"] is None for e in own["items"])


def test_audit_verify_detects_an_edited_row(api):
    admin, _ = api.create_admin()
    api.patient("ana@example.org")
    args = [BIN, "audit", "verify", f"--database={api.server.database.url}"]
    ok = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=api.tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "intact" in ok.stdout
    edit = "UPDATE audit_log SET outcome = 'denied' WHERE id = 2"
    if api.server.database.dialect == "sqlite":
        subprocess.run(["sqlite3", api.server.database.url.split(":", 1)[1], edit], check=True)
    else:
        subprocess.run(["psql", api.server.database.url, "-qc", edit], check=True)
    broken = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=api.tmp_path)
    assert broken.returncode == 1
    assert "row 2" in broken.stdout


# --- authorization matrix ------------------------------------------------------------------

CALLERS = ["anonymous", "owner", "other_patient", "linked_doctor", "unlinked_doctor", "admin"]
ALLOWED = {
    "public": set(CALLERS),
    "signed_in": set(CALLERS) - {"anonymous"},
    "setup": set(CALLERS) - {"anonymous"},
    "patient": {"owner", "other_patient"},
    "doctor": {"linked_doctor", "unlinked_doctor"},
    "admin": {"admin"},
    "staff": {"linked_doctor", "unlinked_doctor", "admin"},
    "record_read": {"owner", "linked_doctor"},
    "record_write": {"owner"},
    "record_owner": {"owner"},
    "record_doctor": {"linked_doctor"},
}
# Routes whose success would change the callers' state (sessions, care links, grants): their
# denials are checked here, their successes in the flow tests above.
STATEFUL = {("POST", "/api/v1/auth/signout"), ("POST", "/api/v1/auth/signout-everywhere"),
            ("POST", "/api/v1/auth/password"),
            ("DELETE", "/api/v1/patients/{patient_id}/care-team/{doctor_id}"),
            ("POST", "/api/v1/write-grants/{grant_id}/approve"),
            ("POST", "/api/v1/write-grants/{grant_id}/confirm"),
            ("DELETE", "/api/v1/write-grants/{grant_id}"),
            ("POST", "/api/v1/patients/{patient_id}/care-team"),
            ("DELETE", "/api/v1/me/sessions/{session_id}"),
            ("POST", "/api/v1/me/sessions/end-others"),
            ("POST", "/api/v1/admin/accounts/{account_id}/disable"),
            ("POST", "/api/v1/admin/accounts/{account_id}/enable"),
            ("POST", "/api/v1/admin/doctors/{doctor_id}/reject"),
            ("POST", "/api/v1/access-requests/{request_id}/approve"),
            ("POST", "/api/v1/access-requests/{request_id}/decline"),
            # Two-step sign-in: set-up changes the caller's sign-in (admins cannot turn theirs off)
            ("POST", "/api/v1/me/second-factor/enrol"),
            ("POST", "/api/v1/me/second-factor/confirm"),
            ("POST", "/api/v1/me/second-factor/disable"),
            ("POST", "/api/v1/me/second-factor/recovery-codes"),
            ("POST", "/api/v1/admin/accounts/{account_id}/second-factor/reset")}


# Care routes whose rule lets a role in and whose service then checks the finer rule (only the
# doctor themself or an admin sets hours or reads a diary or availability; admins book nobody): their denials by
# rule are checked here, the service's refusals in tests/api/test_care.py.
STATEFUL |= {("PUT", "/api/v1/care/doctors/{doctor_id}/clinics/{clinic_id}/hours"),
             ("GET", "/api/v1/care/doctors/{doctor_id}/appointments"),
             ("GET", "/api/v1/care/doctors/{doctor_id}/availability"),
             ("POST", "/api/v1/care/appointments")}


def expected_denial(rule, caller):
    if caller == "anonymous":
        return 401
    if rule.startswith("record") and caller == "other_patient":
        return 404  # another patient's record does not exist for you
    return 403


def test_authorization_matrix(api):
    admin, _ = api.create_admin()
    owner, owner_id = api.patient("ana@example.org")
    other, _ = api.patient("carla@example.org", name="Carla Dias")
    linked, linked_id = api.doctor("bruno@example.org", admin)
    unlinked, _ = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    assert api.call("POST", f"/api/v1/patients/{owner_id}/care-team", owner,
                    body={"doctor_id": linked_id})[0] == 201
    _, _, grant = api.call("POST", f"/api/v1/patients/{owner_id}/write-grants", linked)
    status, _, recorded = api.call("POST", f"/api/v1/patients/{owner_id}/observations", owner,
                                   body={"metric": "heart_rate", "value": 70, "unit": "/min"})
    assert status == 201, recorded
    observation_id = recorded["items"][0]["id"]
    # A pharmacy item with a lot, and an order of the owner's, so that the pharmacy routes reach
    # their service with ids that exist. The order routes' finer rule (its patient or an admin)
    # answers the other signed-in callers 404 "no such order", which the matrix accepts. The order
    # changes refuse what the matrix sends (an empty body: 422; approving a placed order: 409), so
    # none of them needs to be in STATEFUL; the OpenAPI session walks them one by one.
    status, _, item = api.call("POST", "/api/v1/pharmacy/items", admin,
                               body={"name": "Paracetamol 500mg Tablet", "price_minor": 250})
    assert status == 201, item
    expires = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    status, _, lot = api.call("POST", f"/api/v1/pharmacy/items/{item['id']}/lots", admin,
                              body={"batch": "M-1", "expires_on": expires, "quantity": 5})
    assert status == 201, lot
    status, _, cart = api.call("PUT", f"/api/v1/pharmacy/cart/items/{item['id']}", owner,
                               body={"quantity": 1})
    assert status == 200, cart
    status, _, order = api.call("POST", "/api/v1/pharmacy/orders", owner,
                                body={"fulfilment": "pickup"})
    assert status == 201, order
    # A conversation between the owner and her doctor: the chat routes' finer rule (its two
    # participants) answers everyone else 404 "no such conversation", which the matrix accepts.
    status, _, conversation = api.call("POST", "/api/v1/chat/conversations", owner,
                                       body={"other_id": linked_id})
    assert status == 201, conversation
    tokens = {"anonymous": None, "owner": owner, "other_patient": other, "linked_doctor": linked,
              "unlinked_doctor": unlinked, "admin": admin}
    values = {"patient_id": owner_id, "doctor_id": linked_id, "grant_id": grant["id"], "id": 1,
              "account_id": owner_id, "request_id": 999999, "session_id": "no-such-session",
              "observation_id": observation_id, "alert_id": 1, "diagnosis_id": 1,
              "prescription_id": 1,
              "model": "diabetes", "code": "E06000001", "clinic_id": 1, "appointment_id": 1,
              "test_id": 1, "centre_id": 1, "booking_id": 1, "exception_id": 1,
              "specialty_id": 1, "item_id": item["id"], "lot_id": lot["id"],
              "order_id": order["id"], "conversation_id": conversation["id"]}

    status, _, table = api.call("GET", "/api/v1/admin/routes", admin)
    assert status == 200
    routes = table["items"]
    assert len(routes) > 30
    for route in routes:
        assert route["access"] in ALLOWED, f"{route['method']} {route['path']} has no known rule"

    failures = []
    for route in routes:
        method, pattern, rule = route["method"], route["path"], route["access"]
        if route["websocket"] or rule == "public":
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), pattern)
        body = {} if method in ("POST", "PATCH", "PUT") else None
        for caller in CALLERS:
            allowed = caller in ALLOWED[rule]
            if allowed and (method, pattern) in STATEFUL:
                continue
            status, _, reply = api.call(method, path, tokens[caller], body=body)
            if allowed and status in (401, 403, 404) and not (
                    status == 404 and "no such" in json.dumps(reply) and "patient" not in pattern):
                failures.append(f"{caller} {method} {pattern}: {status} {reply}")
            if not allowed and status != expected_denial(rule, caller):
                failures.append(f"{caller} {method} {pattern}: expected "
                                f"{expected_denial(rule, caller)}, got {status} {reply}")
    assert not failures, "\n".join(failures)


def test_concurrent_refreshes_with_one_token_never_both_succeed(api):
    api.sign_up_patient("ana@example.org")
    api.verify("ana@example.org")
    for _ in range(3):
        _, refresh, _ = api.sign_in("ana@example.org")
        results = []

        def refresh_once():
            status, _, _ = api.call("POST", "/api/v1/auth/refresh",
                                    headers={"Cookie": f"vitalis_refresh={refresh}"})
            results.append(status)
        threads = [threading.Thread(target=refresh_once) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == len(threads), results  # every thread got an answer
        assert results.count(200) <= 1, results
        assert set(results) <= {200, 401}, results


def test_parallel_sign_ins_from_one_address_stop_exactly_at_its_limit(api):
    # 30 sign-ins per address per 10 minutes. Attempts that arrive together are counted one by
    # one (on SQLite they share group commits), so exactly 30 are checked and the rest refused.
    statuses = []

    def attempt(number):
        statuses.append(api.call("POST", "/api/v1/auth/signin", body={
            "email": f"nobody{number}@example.org", "password": "wrong " * 3})[0])
    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 30 + [429] * 10, statuses


def test_code_errors_do_not_reveal_accounts_and_parallel_guesses_are_capped(api):
    api.sign_up_patient("ana@example.org")
    code = api.smtp.code_for("ana@example.org", "Confirm")
    answers = []
    for address in ("ana@example.org", "nobody@example.org"):
        for bad in ("x", "000000" if code != "000000" else "111111"):
            answers.append(api.call("POST", "/api/v1/auth/password-reset/confirm", body={
                "email": address, "code": bad, "new_password": "another sound passphrase"})[::2])
    assert all(answer == answers[0] for answer in answers), answers
    # Many wrong guesses at once: the correct code still fails afterwards (locked), and at most
    # five guesses were ever checked against the code.
    wrong = "000000" if code != "000000" else "111111"
    statuses = []

    def guess():
        statuses.append(api.call("POST", "/api/v1/auth/verify-email",
                                 body={"email": "ana@example.org", "code": wrong})[0])
    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == len(threads) and set(statuses) <= {422, 429}, statuses
    status, _, _ = api.call("POST", "/api/v1/auth/verify-email",
                            body={"email": "ana@example.org", "code": code})
    assert status in (422, 429)


def test_trusted_proxy_forwards_the_client_address(start_server, sqlite_database, smtp, tmp_path):
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          "--trusted-proxies=127.0.0.1", *FAST_HASH)
    api = Api(server, smtp, tmp_path)
    admin, _ = api.create_admin()
    api.call("POST", "/api/v1/auth/signin", body={"email": "x@example.org", "password": "y" * 12},
             headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.5"})
    _, _, audit = api.call("GET", "/api/v1/admin/audit?action=auth.sign_in", admin)
    failed = [e for e in audit["items"] if e["outcome"] == "failure"]
    assert failed and failed[0]["client_address"] == "203.0.113.5"
