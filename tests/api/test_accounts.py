"""Account management and access to records, black-box (issue 14): rejecting a doctor with the
reason emailed, disabling and enabling accounts (sessions end at once), the owner's sessions,
name, phone and email changes, verification that signs in, desk registration claimed by email
without pre-hijacking, doctors' access requests, break-glass by doctors (audited, shown to the
patient, time-limited), accent-insensitive doctor search, and error messages in people's
words. Emails go to a real SMTP server; every link in them must open a page of the web app."""
import http.cookies
import re
import time
import urllib.parse

import pytest

from conftest import assert_error, wait_until
from test_identity import FAST_HASH, PASSWORD, Api, Sink, smtp  # noqa: F401 (fixture)

PUBLIC_URL = "http://127.0.0.1:8080"  # the default --public-url
# Pages of the web app (web/src/App.tsx) that emails may open.
PAGES = {"/verify", "/reset", "/claim", "/signin", "/access", "/account"}


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def mail(sink, address, subject_word, count=1, timeout=15):
    """The count-th message to `address` whose subject has the word: (subject, text)."""
    def found():
        return len([m for m in sink.to(address) if subject_word in m["Subject"]]) >= count
    assert wait_until(found, timeout), f"no '{subject_word}' mail for {address}: " + \
        str([m["Subject"] for m in sink.to(address)])
    message = [m for m in sink.to(address) if subject_word in m["Subject"]][count - 1]
    return message["Subject"], message.get_body(preferencelist=("plain",)).get_content()


def link_in(text):
    """The one web-app link of a message, checked to open one of the app's pages."""
    links = re.findall(r"https?://\S+", text)
    assert len(set(links)) == 1, links
    link = urllib.parse.urlsplit(links[0])
    assert f"{link.scheme}://{link.netloc}" == PUBLIC_URL, links[0]
    assert link.path in PAGES, links[0]
    return link.path, dict(urllib.parse.parse_qsl(link.fragment))


def code_in(text):
    return re.search(r"^ {4}(\d{6})\r?$", text, re.M).group(1)


def session_of(headers):
    return http.cookies.SimpleCookie(headers["set-cookie"])["vitalis_refresh"].value


def pending_doctor(api, address, name="Dr Bruno Costa"):
    body = {"email": address, "password": PASSWORD, "full_name": name,
            "licence_number": "GMC-1234567", "specialty": "Cardiology",
            "clinic": "Lisbon Heart Clinic"}
    assert api.call("POST", "/api/v1/auth/signup/doctor", body=body)[0] == 202
    assert api.verify(address) == "pending_approval"


def doctor_id_of(api, admin, address, status):
    _, _, listed = api.call("GET", f"/api/v1/admin/doctors?status={status}", admin)
    return next(d["id"] for d in listed["items"] if d["email"] == address)


# --- administration ----------------------------------------------------------------------------

def test_admin_rejects_a_pending_doctor_and_the_reason_is_emailed(api):
    admin, _ = api.create_admin()
    pending_doctor(api, "bruno@example.org")
    doctor_id = doctor_id_of(api, admin, "bruno@example.org", "pending_approval")
    path = f"/api/v1/admin/doctors/{doctor_id}/reject"
    status, _, body = api.call("POST", path, admin, body={"reason": "no"})
    assert status == 422
    assert_error(body, "validation_failed", "reason")
    assert body["error"]["message"].startswith("Reason")
    reason = "Licence number not found in the medical register"
    status, _, body = api.call("POST", path, admin, body={"reason": reason})
    assert (status, body) == (200, {"id": doctor_id, "status": "rejected"})

    subject, text = mail(api.smtp, "bruno@example.org", "About your Vitalis doctor account")
    assert reason in text and reason not in subject
    assert link_in(text) == ("/signin", {})
    # Signing in says why, and nothing lets the refused doctor in.
    status, _, body = api.call("POST", "/api/v1/auth/signin",
                               body={"email": "bruno@example.org", "password": PASSWORD})
    assert status == 403 and reason in body["error"]["message"]
    _, _, pending = api.call("GET", "/api/v1/admin/doctors?status=pending_approval", admin)
    assert all(d["id"] != doctor_id for d in pending["items"])
    _, _, rejected = api.call("GET", "/api/v1/admin/doctors?status=rejected", admin)
    assert [d["id"] for d in rejected["items"]] == [doctor_id]
    assert rejected["items"][0]["status"] == "rejected"
    status, _, body = api.call("POST", path, admin, body={"reason": reason})
    assert status == 409
    assert_error(body, "conflict")
    _, _, audit = api.call("GET", "/api/v1/admin/audit?action=account.reject_doctor", admin)
    assert [e["reason"] for e in audit["items"]] == [reason]


def test_disabling_ends_every_session_at_once_and_enabling_restores_the_account(api):
    admin, admin_id = api.create_admin()
    token, patient_id = api.patient("ana@example.org")
    second, refresh, _ = api.sign_in("ana@example.org")
    assert api.call("GET", "/api/v1/me", token)[0] == 200
    path = f"/api/v1/admin/accounts/{patient_id}"
    status, _, body = api.call("POST", f"{path}/disable", admin, body={})
    assert status == 422
    assert_error(body, "validation_failed", "reason")
    reason = "Reported lost phone; account locked"
    status, _, summary = api.call("POST", f"{path}/disable", admin, body={"reason": reason})
    assert status == 200, summary
    assert summary["state"] == "disabled" and summary["disabled_reason"] == reason
    # The very next request with either access token fails, and so does the refresh token.
    for old in (token, second):
        status, _, body = api.call("GET", "/api/v1/me", old)
        assert status == 401
        assert_error(body, "unauthenticated")
    assert api.call("POST", "/api/v1/auth/refresh",
                    headers={"Cookie": f"vitalis_refresh={refresh}"})[0] == 401
    status, _, body = api.call("POST", "/api/v1/auth/signin",
                               body={"email": "ana@example.org", "password": PASSWORD})
    assert status == 403
    assert "disabled by an administrator" in body["error"]["message"]
    assert api.call("POST", f"{path}/disable", admin, body={"reason": reason})[0] == 409
    status, _, body = api.call("POST", f"/api/v1/admin/accounts/{admin_id}/disable", admin,
                               body={"reason": "testing myself"})
    assert status == 409  # an admin cannot lock themselves out
    _, _, listed = api.call("GET", "/api/v1/admin/accounts?status=disabled", admin)
    assert [a["id"] for a in listed["items"]] == [patient_id]

    status, _, summary = api.call("POST", f"{path}/enable", admin)
    assert status == 200 and summary["state"] == "active" and summary["disabled_reason"] is None
    assert api.call("POST", f"{path}/enable", admin)[0] == 409
    assert api.call("GET", "/api/v1/me", token)[0] == 401  # old sessions stay ended
    fresh, _, _ = api.sign_in("ana@example.org")
    assert api.call("GET", "/api/v1/me", fresh)[0] == 200
    _, _, audit = api.call("GET", f"/api/v1/admin/audit?actor_id={admin_id}", admin)
    actions = [e["action"] for e in audit["items"]]
    assert "account.disable" in actions and "account.enable" in actions


def test_admins_find_accounts_by_email_or_name(api):
    admin, _ = api.create_admin()
    _, ana = api.patient("ana@example.org", name="Ana Silva")
    api.patient("carla@example.org", name="Carla Dias")
    _, _, found = api.call("GET", "/api/v1/admin/accounts?query=SILVA", admin)
    assert [a["id"] for a in found["items"]] == [ana]
    _, _, patients = api.call("GET", "/api/v1/admin/accounts?role=patient&limit=1", admin)
    assert len(patients["items"]) == 1 and patients["next_before"]
    _, _, older = api.call(
        "GET", f"/api/v1/admin/accounts?role=patient&before={patients['next_before']}", admin)
    assert [a["id"] for a in older["items"]] == [ana]
    status, _, body = api.call("GET", "/api/v1/admin/accounts?role=nurse", admin)
    assert status == 422
    assert_error(body, "validation_failed", "role")


# --- the signed-in person's account ------------------------------------------------------------

def test_sessions_are_listed_and_ended_one_by_one_or_all_others(api):
    api.sign_up_patient("ana@example.org")
    # Confirming the email signs that device in: it is one of the sessions.
    code = api.smtp.code_for("ana@example.org", "Confirm")
    status, headers, reply = api.call("POST", "/api/v1/auth/verify-email",
                                      body={"email": "ana@example.org", "code": code},
                                      headers={"User-Agent": "Chrome on Android"})
    assert status == 200
    devices = {"Chrome on Android": (reply["access_token"], session_of(headers))}
    for agent in ("Firefox on Linux", "Safari on iPhone"):
        status, headers, reply = api.call(
            "POST", "/api/v1/auth/signin", body={"email": "ana@example.org", "password": PASSWORD},
            headers={"User-Agent": agent})
        assert status == 200
        devices[agent] = (reply["access_token"], session_of(headers))
    laptop, _ = devices["Firefox on Linux"]
    status, _, listed = api.call("GET", "/api/v1/me/sessions", laptop)
    assert status == 200
    by_agent = {s["user_agent"]: s for s in listed["items"]}
    assert set(by_agent) == set(devices)
    assert [s["current"] for s in listed["items"]].count(True) == 1
    assert by_agent["Firefox on Linux"]["current"]
    for session in listed["items"]:
        assert session["client_address"] == "127.0.0.1"
        assert session["started_at"] <= session["last_used_at"]

    # A refresh keeps the device's session (same id and start), with a later "last used".
    phone_token, phone_cookie = devices["Safari on iPhone"]
    time.sleep(0.01)
    status, _, renewed = api.call("POST", "/api/v1/auth/refresh",
                                  headers={"Cookie": f"vitalis_refresh={phone_cookie}",
                                           "User-Agent": "Safari on iPhone"})
    assert status == 200
    _, _, again = api.call("GET", "/api/v1/me/sessions", laptop)
    phone = next(s for s in again["items"] if s["user_agent"] == "Safari on iPhone")
    assert phone["id"] == by_agent["Safari on iPhone"]["id"]
    assert phone["started_at"] == by_agent["Safari on iPhone"]["started_at"]
    assert phone["last_used_at"] > by_agent["Safari on iPhone"]["last_used_at"]

    # End one from another device: its access token fails at once.
    assert api.call("DELETE", f"/api/v1/me/sessions/{phone['id']}", laptop)[0] == 204
    assert api.call("GET", "/api/v1/me", renewed["access_token"])[0] == 401
    assert api.call("DELETE", f"/api/v1/me/sessions/{phone['id']}", laptop)[0] == 404
    assert api.call("DELETE", "/api/v1/me/sessions/not-a-session", laptop)[0] == 404
    # All others: only this device is left.
    assert api.call("POST", "/api/v1/me/sessions/end-others", laptop)[0] == 204
    assert api.call("GET", "/api/v1/me", devices["Chrome on Android"][0])[0] == 401
    _, _, left = api.call("GET", "/api/v1/me/sessions", laptop)
    assert [s["user_agent"] for s in left["items"]] == ["Firefox on Linux"]
    # Ending this device's own session signs it out (the cookie is cleared too).
    status, headers, _ = api.call("DELETE", f"/api/v1/me/sessions/{left['items'][0]['id']}",
                                  laptop)
    assert status == 204 and "Max-Age=0" in headers["set-cookie"]
    assert api.call("GET", "/api/v1/me", laptop)[0] == 401


def test_names_are_unicode_normalised_and_refuse_hidden_text_and_links(api):
    token, _ = api.patient("ana@example.org")
    # A decomposed "é" (e + combining acute) is stored composed (NFC), so it is one spelling.
    status, _, me = api.call("PATCH", "/api/v1/me", token, body={"full_name": "Jose\u0301 Silva"})
    assert status == 200, me
    assert me["full_name"] == "Jos\u00e9 Silva"
    for name in ("Ana \u202eavliS", "Ana\u200bSilva", "<a href=x>Ana</a>",
                 "Visit https://evil.example", "Dr Evil.com", "Bruno C\u043esta"):
        status, _, body = api.call("PATCH", "/api/v1/me", token, body={"full_name": name})
        assert status == 422, (name, body)
        assert_error(body, "validation_failed", "full_name")
    base = {"email": "rui@example.org", "password": PASSWORD, "date_of_birth": "1957-03-09",
            "sex": "male"}
    status, _, body = api.call("POST", "/api/v1/auth/signup/patient",
                               body={**base, "full_name": "Rui \u2067Costa"})
    assert status == 422, body
    assert_error(body, "validation_failed", "full_name")
    status, _, body = api.call("POST", "/api/v1/auth/signup/patient",
                               body={**base, "email": "rui\u202e@example.org", "full_name": "Rui"})
    assert status == 422, body
    assert_error(body, "validation_failed", "email")
    _, _, me = api.call("GET", "/api/v1/me", token)
    assert me["full_name"] == "Jos\u00e9 Silva"


def test_name_and_phone_changes(api):
    token, patient_id = api.patient("ana@example.org")
    status, _, me = api.call("PATCH", "/api/v1/me", token,
                             body={"full_name": "  Ana Sofia Silva ", "phone": "+351 912 345 678"})
    assert status == 200, me
    assert me["full_name"] == "Ana Sofia Silva" and me["phone"] == "+351 912 345 678"
    _, _, again = api.call("GET", "/api/v1/me", token)
    assert again["full_name"] == "Ana Sofia Silva" and again["phone"] == "+351 912 345 678"
    status, _, body = api.call("PATCH", "/api/v1/me", token, body={"full_name": " "})
    assert status == 422
    assert_error(body, "validation_failed", "full_name")
    assert "Full name" in body["error"]["message"] or "full name" in body["error"]["message"]
    status, _, body = api.call("PATCH", "/api/v1/me", token, body={"phone": "call me"})
    assert status == 422
    assert_error(body, "validation_failed", "phone")
    assert body["error"]["message"].startswith("Phone")
    admin, _ = api.create_admin()
    status, _, body = api.call("PATCH", "/api/v1/me", admin, body={"phone": "+351 1"})
    assert status == 422
    assert_error(body, "validation_failed", "phone")


def test_changing_the_email_needs_a_code_from_the_new_address_and_tells_the_old_one(api):
    token, _ = api.patient("ana@example.org")
    api.patient("carla@example.org", name="Carla Dias")
    status, _, body = api.call("POST", "/api/v1/me/email", token,
                               body={"email": "ana.new@example.org",
                                     "current_password": "not my password"})
    assert status == 422
    assert_error(body, "validation_failed", "current_password")
    status, _, body = api.call("POST", "/api/v1/me/email", token,
                               body={"email": "carla@example.org", "current_password": PASSWORD})
    assert status == 409
    assert_error(body, "conflict", "email")
    status, _, _ = api.call("POST", "/api/v1/me/email", token,
                            body={"email": "Ana.New@example.org", "current_password": PASSWORD})
    assert status == 202
    _, text = mail(api.smtp, "ana.new@example.org", "Confirm your new email")
    code = code_in(text)
    assert link_in(text) == ("/account", {"email": "ana.new@example.org", "code": code})
    _, _, me = api.call("GET", "/api/v1/me", token)
    assert me["email"] == "ana@example.org" and me["pending_email"] == "ana.new@example.org"

    wrong = "000000" if code != "000000" else "111111"
    status, _, body = api.call("POST", "/api/v1/me/email/confirm", token, body={"code": wrong})
    assert status == 422
    assert_error(body, "validation_failed", "code")
    status, _, me = api.call("POST", "/api/v1/me/email/confirm", token, body={"code": code})
    assert status == 200, me
    assert me["email"] == "ana.new@example.org" and me["pending_email"] is None
    _, text = mail(api.smtp, "ana@example.org", "email address was changed")
    assert "a***@example.org" in text and "ana.new@example.org" not in text
    assert link_in(text) == ("/signin", {})
    assert api.call("POST", "/api/v1/auth/signin",
                    body={"email": "ana@example.org", "password": PASSWORD})[0] == 401
    api.sign_in("ana.new@example.org")
    assert api.call("POST", "/api/v1/me/email/confirm", token, body={"code": code})[0] == 422


def test_verifying_an_email_signs_the_patient_in(api):
    api.sign_up_patient("ana@example.org")
    _, text = mail(api.smtp, "ana@example.org", "Confirm")
    code = code_in(text)
    assert link_in(text) == ("/verify", {"email": "ana@example.org", "code": code})
    status, headers, body = api.call("POST", "/api/v1/auth/verify-email",
                                     body={"email": "ana@example.org", "code": code})
    assert status == 200, body
    assert body["status"] == "active" and body["token_type"] == "Bearer"
    assert body["account"]["email"] == "ana@example.org"
    assert body["account"]["status"] == "active"
    assert session_of(headers)
    status, _, me = api.call("GET", "/api/v1/me", body["access_token"])
    assert status == 200 and me["role"] == "patient"
    # A doctor is not signed in: they wait for approval.
    pending_doctor(api, "bruno@example.org")
    code = api.smtp.code_for("bruno@example.org", "Confirm")
    api.call("POST", "/api/v1/auth/resend-verification", body={"email": "bruno@example.org"})
    status, headers, body = api.call("POST", "/api/v1/auth/verify-email",
                                     body={"email": "bruno@example.org", "code": code})
    assert status == 422  # already verified: codes are single-use
    _, text = mail(api.smtp, "bruno@example.org", "Confirm")
    assert link_in(text)[0] == "/verify"


def test_verifying_a_doctor_answers_pending_without_a_session(api):
    body = {"email": "bruno@example.org", "password": PASSWORD, "full_name": "Dr Bruno Costa",
            "licence_number": "GMC-1234567", "specialty": "Cardiology", "clinic": "Heart Clinic"}
    assert api.call("POST", "/api/v1/auth/signup/doctor", body=body)[0] == 202
    code = api.smtp.code_for("bruno@example.org", "Confirm")
    status, headers, reply = api.call("POST", "/api/v1/auth/verify-email",
                                      body={"email": "bruno@example.org", "code": code})
    assert (status, reply) == (200, {"status": "pending_approval"})
    assert "set-cookie" not in headers


# --- desk registration and claiming ------------------------------------------------------------

def test_desk_registration_is_claimed_by_email_and_never_pre_hijacked(api):
    admin, _ = api.create_admin()
    doctor, doctor_id = api.doctor("bruno@example.org", admin)
    other, _ = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    desk = {"full_name": "Rui Costa", "date_of_birth": "1957-03-09", "sex": "male",
            "phone": "+351 913 000 111", "email": "Rui@example.org"}
    status, _, body = api.call("POST", "/api/v1/patients", doctor,
                               body={**desk, "date_of_birth": "09/03/1957"})
    assert status == 422
    assert_error(body, "validation_failed", "date_of_birth")
    assert body["error"]["message"].startswith("Date of birth")
    status, _, patient = api.call("POST", "/api/v1/patients", doctor, body=desk)
    assert status == 201, patient
    assert patient["status"] == "unclaimed" and patient["email"] == "rui@example.org"
    assert patient["phone"] == "+351 913 000 111" and patient["sex"] == "male"
    patient_id = patient["id"]
    # The registering doctor is on the care team at once.
    status, _, profile = api.call("GET", f"/api/v1/patients/{patient_id}/profile", doctor)
    assert status == 200 and profile["date_of_birth"] == "1957-03-09"
    _, text = mail(api.smtp, "rui@example.org", "Finish setting up")
    assert "Dr Bruno Costa registered you at Lisbon Heart Clinic" in text
    first_code = code_in(text)
    assert link_in(text) == ("/claim", {"email": "rui@example.org", "code": first_code})
    _, _, accounts = api.call("GET", "/api/v1/admin/accounts?query=rui", admin)
    assert accounts["items"][0]["state"] == "unclaimed"

    # Until claimed nobody signs in, whatever the password.
    assert api.call("POST", "/api/v1/auth/signin",
                    body={"email": "rui@example.org", "password": PASSWORD})[0] == 401
    # A stranger signing up with the address gets the usual answer; their password is kept
    # nowhere, and the owner of the mailbox is sent a fresh code instead.
    attacker = "an attacker's passphrase"
    status, _, body = api.call("POST", "/api/v1/auth/signup/patient", body={
        "email": "rui@example.org", "password": attacker, "full_name": "Mallory",
        "date_of_birth": "1990-01-01", "sex": "other"})
    assert (status, body) == (202, {"status": "accepted"})
    _, text = mail(api.smtp, "rui@example.org", "Finish setting up", count=2)
    assert api.call("POST", "/api/v1/auth/signin",
                    body={"email": "rui@example.org", "password": attacker})[0] == 401
    # Another doctor cannot register (and so link themselves to) the same person.
    status, _, body = api.call("POST", "/api/v1/patients", other, body=desk)
    assert status == 409
    assert_error(body, "conflict", "email")
    assert api.call("GET", f"/api/v1/patients/{patient_id}/profile", other)[0] == 403
    # The same doctor registering again (the email went astray) sends a new code.
    status, _, again = api.call("POST", "/api/v1/patients", doctor, body=desk)
    assert status == 200 and again["id"] == patient_id and again["created"] is False
    _, text = mail(api.smtp, "rui@example.org", "Finish setting up", count=3)
    code = code_in(text)
    assert api.call("POST", "/api/v1/auth/claim", body={
        "email": "rui@example.org", "code": first_code, "new_password": "rui's own passphrase"
    })[0] == 422  # older codes stop working

    status, _, body = api.call("POST", "/api/v1/auth/claim", body={
        "email": "rui@example.org", "code": code, "new_password": "short"})
    assert status == 422
    assert_error(body, "validation_failed", "new_password")
    status, headers, claimed = api.call("POST", "/api/v1/auth/claim", body={
        "email": "rui@example.org", "code": code, "new_password": "rui's own passphrase"})
    assert status == 200, claimed
    assert claimed["status"] == "active" and claimed["account"]["id"] == patient_id
    assert session_of(headers)
    assert api.call("GET", "/api/v1/me", claimed["access_token"])[0] == 200
    api.sign_in("rui@example.org", "rui's own passphrase")
    assert api.call("POST", "/api/v1/auth/signin",
                    body={"email": "rui@example.org", "password": attacker})[0] == 401
    assert api.call("POST", "/api/v1/auth/claim", body={
        "email": "rui@example.org", "code": code, "new_password": attacker})[0] == 422
    # Once claimed, a desk registration of the address is refused like any existing account.
    assert api.call("POST", "/api/v1/patients", doctor, body=desk)[0] == 409
    _, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log",
                         claimed["access_token"])
    assert any(e["action"] == "account.desk_register" and e["actor_id"] == doctor_id
               for e in log["items"])


def test_a_repeated_sign_up_lets_neither_password_activate_the_account(api):
    api.sign_up_patient("ana@example.org")
    first = api.smtp.code_for("ana@example.org", "Confirm")
    attacker = "an attacker's passphrase"
    api.call("POST", "/api/v1/auth/signup/patient", body={
        "email": "ana@example.org", "password": attacker, "full_name": "Mallory",
        "date_of_birth": "1990-01-01", "sex": "other"})
    _, text = mail(api.smtp, "ana@example.org", "Finish setting up")
    # The verification code no longer activates a password someone else may have chosen.
    assert api.call("POST", "/api/v1/auth/verify-email",
                    body={"email": "ana@example.org", "code": first})[0] == 422
    for password in (PASSWORD, attacker):
        assert api.call("POST", "/api/v1/auth/signin",
                        body={"email": "ana@example.org", "password": password})[0] == 401
    status, _, claimed = api.call("POST", "/api/v1/auth/claim", body={
        "email": "ana@example.org", "code": code_in(text), "new_password": "ana's real passphrase"})
    assert status == 200 and claimed["account"]["full_name"] == "Ana Silva"
    api.sign_in("ana@example.org", "ana's real passphrase")


# --- access requests and break-glass -----------------------------------------------------------

def test_a_doctor_asks_for_access_and_the_patient_approves_or_declines(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = api.doctor("bruno@example.org", admin)
    other, other_id = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    profile = f"/api/v1/patients/{patient_id}/profile"
    status, _, body = api.call("GET", profile, doctor)
    assert status == 403 and "Ask the patient for access" in body["error"]["message"]
    _, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/my-access", doctor)
    assert mine["access"] == "none" and mine["care_team"] is False
    assert mine["access_request"] is None and mine["break_glass"] is None
    assert api.call("GET", "/api/v1/patients/999999/my-access", doctor)[0] == 404

    path = f"/api/v1/patients/{patient_id}/access-requests"
    status, _, asked = api.call("POST", path, doctor,
                                body={"message": "I am your new cardiologist at the clinic"})
    assert status == 202 and asked["status"] == "pending"
    assert asked["doctor_name"] == "Dr Bruno Costa" and asked["specialty"] == "Cardiology"
    subject, text = mail(api.smtp, "ana@example.org", "asks to see your Vitalis record")
    assert "Dr Bruno Costa" in text and "Dr Bruno Costa" not in subject
    assert link_in(text) == ("/access", {})
    status, _, again = api.call("POST", path, doctor, body={})
    assert status == 202 and again["id"] == asked["id"]  # one open request, one email
    _, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/my-access", doctor)
    assert mine["access_request"]["status"] == "pending"

    _, _, listed = api.call("GET", path, patient)
    assert [r["id"] for r in listed["items"]] == [asked["id"]]
    assert listed["items"][0]["message"] == "I am your new cardiologist at the clinic"
    assert api.call("GET", path, doctor)[0] == 403  # the list is the patient's
    other_patient, _ = api.patient("carla@example.org", name="Carla Dias")
    assert api.call("POST", f"/api/v1/access-requests/{asked['id']}/approve",
                    other_patient)[0] == 404
    status, _, approved = api.call("POST", f"/api/v1/access-requests/{asked['id']}/approve",
                                   patient)
    assert status == 200 and approved["status"] == "approved" and approved["decided_at"]
    assert api.call("GET", profile, doctor)[0] == 200
    _, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/my-access", doctor)
    assert mine["access"] == "read" and mine["care_team"] is True
    _, _, team = api.call("GET", f"/api/v1/patients/{patient_id}/care-team", patient)
    assert [d["id"] for d in team["items"]] == [doctor_id]
    assert api.call("POST", f"/api/v1/access-requests/{asked['id']}/decline",
                    patient)[0] == 409
    assert api.call("POST", path, doctor, body={})[0] == 409  # already on the care team

    _, _, declined = api.call("POST", path, other, body={})
    status, _, body = api.call("POST", f"/api/v1/access-requests/{declined['id']}/decline",
                               patient)
    assert status == 200 and body["status"] == "declined"
    assert api.call("GET", profile, other)[0] == 403
    _, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/my-access", other)
    assert mine["access_request"]["status"] == "declined"
    _, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    assert {e["actor_id"] for e in log["items"] if e["action"] == "access.request"} == \
        {doctor_id, other_id}


@pytest.fixture
def short_glass_api(start_server, database, smtp, tmp_path):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          "--break-glass-seconds=4", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def test_doctor_break_glass_is_audited_shown_to_the_patient_and_expires(short_glass_api):
    api = short_glass_api
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = api.doctor("bruno@example.org", admin)
    linked, linked_id = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    api.call("POST", f"/api/v1/patients/{patient_id}/care-team", patient,
             body={"doctor_id": linked_id})
    profile = f"/api/v1/patients/{patient_id}/profile"
    path = f"/api/v1/patients/{patient_id}/break-glass"
    status, _, body = api.call("POST", path, doctor, body={"reason": "urgent"})
    assert status == 422
    assert_error(body, "validation_failed", "reason")
    assert body["error"]["message"].startswith("Reason")
    assert api.call("POST", path, linked, body={"reason": "already on the team"})[0] == 409
    assert api.call("POST", path, patient, body={"reason": "patients cannot"})[0] == 403
    reason = "Collapsed in A&E, unconscious; need allergies and medicines"
    status, _, glass = api.call("POST", path, doctor, body={"reason": reason})
    assert status == 201, glass
    assert glass["reason"] == reason and glass["started_at"] < glass["expires_at"]

    status, _, read = api.call("GET", profile, doctor)
    assert status == 200 and read["full_name"] == "Ana Silva"
    status, _, body = api.call("PATCH", profile, doctor, body={"phone": "1"})
    assert status == 403 and "read this record, not change it" in body["error"]["message"]
    _, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/my-access", doctor)
    assert mine["access"] == "read" and mine["emergency"] is True
    assert mine["break_glass"]["expires_at"] == glass["expires_at"]
    assert mine["server_time"] < glass["expires_at"]

    _, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    opened = [e for e in log["items"] if e["action"] == "access.break_glass"]
    assert [(e["actor_id"], e["actor_name"], e["reason"]) for e in opened] == \
        [(doctor_id, "Dr Bruno Costa", reason)]
    reads = [e for e in log["items"] if e["action"] == "record.read" and
             e["actor_id"] == doctor_id]
    assert reads and reads[0]["reason"] == "break-glass: " + reason
    subject, text = mail(api.smtp, "ana@example.org", "opened in an emergency")
    assert "Dr Bruno Costa" in text and reason not in text  # the reason may be clinical
    assert link_in(text) == ("/access", {})

    # The time limit holds: afterwards the doctor is refused again.
    assert wait_until(lambda: api.call("GET", profile, doctor)[0] == 403, timeout=10,
                      interval=0.5)
    _, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/my-access", doctor)
    assert mine["access"] == "none" and mine["break_glass"] is None


def test_admin_break_glass_answers_its_time_limit(api):
    admin, _ = api.create_admin()
    _, patient_id = api.patient("ana@example.org")
    status, _, glass = api.call("POST", "/api/v1/admin/break-glass", admin, body={
        "patient_id": patient_id, "reason": "Patient unconscious in A&E, record needed"})
    assert status == 201
    assert glass["patient_id"] == patient_id and glass["expires_at"] > glass["started_at"]
    _, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/my-access", admin)
    assert mine["access"] == "read" and mine["emergency"] is True


# --- search and messages -----------------------------------------------------------------------

def test_doctor_search_ignores_accents_and_case(api):
    admin, _ = api.create_admin()
    body = {"email": "jose@example.org", "password": PASSWORD, "full_name": "Dr José Müller",
            "licence_number": "OM-55555", "specialty": "Cardiologia",
            "clinic": "Clínica São João"}
    assert api.call("POST", "/api/v1/auth/signup/doctor", body=body)[0] == 202
    api.verify("jose@example.org")
    doctor_id = doctor_id_of(api, admin, "jose@example.org", "pending_approval")
    api.call("POST", f"/api/v1/admin/doctors/{doctor_id}/approve", admin)
    patient, _ = api.patient("ana@example.org")
    for query in ("jose muller", "JOSÉ", "Muller", "sao joao", "clinica", "joao cardio"):
        status, _, found = api.call("GET", "/api/v1/doctors?query=" + urllib.parse.quote(query),
                                    patient)
        assert status == 200
        assert [d["id"] for d in found["items"]] == [doctor_id], query
    _, _, none = api.call("GET", "/api/v1/doctors?query=jose+neurology", patient)
    assert none["items"] == []


def test_validation_messages_name_what_people_see(api):
    base = {"email": "ana@example.org", "password": PASSWORD, "full_name": "Ana Silva",
            "date_of_birth": "1980-05-01", "sex": "female"}
    cases = [({"full_name": "  "}, "full_name", "full name"),
             ({"date_of_birth": "2090-01-01"}, "date_of_birth", "Date of birth"),
             ({"sex": "x"}, "sex", "Sex"),
             ({"phone": "call me"}, "phone", "Phone"),
             ({"password": "short"}, "password", "Password"),
             ({"email": "nope"}, "email", "Email")]
    for change, field, words in cases:
        status, _, body = api.call("POST", "/api/v1/auth/signup/patient", body={**base, **change})
        assert status == 422
        assert_error(body, "validation_failed", field)
        message = body["error"]["message"]
        assert words in message and "_" not in message, message
    missing = dict(base)
    del missing["date_of_birth"]
    _, _, body = api.call("POST", "/api/v1/auth/signup/patient", body=missing)
    assert_error(body, "validation_failed", "date_of_birth")
    assert body["error"]["message"] == "Enter the date of birth."
