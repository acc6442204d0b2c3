"""Two-step sign-in (TOTP, RFC 6238, with recovery codes): set-up and confirmation, the step
after the password, a code accepted once, recovery codes once each, the challenge's attempt
limit and the lock-out, administrators forced to set it up (and unable to turn it off), an
administrator's reset of a patient's lost phone, and the audit rows of each."""
import subprocess
import time

import pytest

from conftest import (BIN, SignedIn, assert_error, authenticator, enrol_second_factor, next_code,
                      sign_in, signed_in_admin, totp_code)
from test_identity import FAST_HASH, PASSWORD, Api, smtp  # noqa: F401 (smtp is a fixture)


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811 (smtp is the fixture above)
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def password_step(api, email, password=PASSWORD):
    status, _, body = api.call("POST", "/api/v1/auth/signin",
                               body={"email": email, "password": password})
    assert status == 200, body
    return body


def second_step(api, challenge, code):
    return api.call("POST", "/api/v1/auth/second-factor",
                    body={"challenge": challenge, "code": code})


def audit_rows(admin, action):
    status, _, body = admin.json("GET", f"/api/v1/admin/audit?action={action}&limit=200")
    assert status == 200, body
    return body["items"]


def test_a_patient_sets_it_up_and_then_signs_in_with_a_code_used_once(api, tmp_path):
    token, patient_id = api.patient("ana@example.org")
    me = SignedIn(api.server, token)
    status, _, state = me.json("GET", "/api/v1/me/second-factor")
    assert status == 200
    assert state == {"enabled": False, "pending": False, "required": False,
                     "recovery_codes_left": 0}

    # Set-up: a secret for the app; nothing changes at sign-in until a code confirms it.
    status, _, enrolment = me.json("POST", "/api/v1/me/second-factor/enrol")
    assert status == 200, enrolment
    secret = enrolment["secret"]
    assert len(secret) == 32 and secret.isalnum() and secret.isupper()  # 160 bits in base32
    assert enrolment["otpauth_uri"] == (
        f"otpauth://totp/Vitalis:ana@example.org?secret={secret}&issuer=Vitalis")
    assert me.json("GET", "/api/v1/me/second-factor")[2]["pending"] is True
    assert "access_token" in password_step(api, "ana@example.org")
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    status, _, body = me.json("POST", "/api/v1/me/second-factor/confirm",
                              json_body={"code": wrong})
    assert status == 422
    assert_error(body, "validation_failed", "code")
    step = int(time.time() // 30)
    status, _, confirmed = me.json("POST", "/api/v1/me/second-factor/confirm",
                                   json_body={"code": totp_code(secret, step=step)})
    assert status == 200, confirmed
    codes = confirmed["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    status, _, state = me.json("GET", "/api/v1/me/second-factor")
    assert state == {"enabled": True, "pending": False, "required": False,
                     "recovery_codes_left": 10}
    # A second set-up cannot replace the active one.
    assert me.json("POST", "/api/v1/me/second-factor/enrol")[0] == 409

    # The password alone no longer signs in: it answers a challenge.
    challenge = password_step(api, "ana@example.org")
    assert challenge["status"] == "second_factor_required"
    assert "access_token" not in challenge and challenge["expires_in"] == 300
    # The confirming code was spent: the same time step is refused.
    status, _, body = second_step(api, challenge["challenge"], totp_code(secret, step=step))
    assert status == 422, body
    status, headers, signed = second_step(api, challenge["challenge"],
                                          totp_code(secret, step=step + 1))
    assert status == 200, signed
    assert signed["account"]["id"] == patient_id and "vitalis_refresh=" in headers["set-cookie"]
    assert api.call("GET", "/api/v1/me", signed["access_token"])[0] == 200
    # The challenge is finished; a new sign-in with the same code is a replay.
    assert second_step(api, challenge["challenge"], totp_code(secret, step=step + 2))[0] == 401
    again = password_step(api, "ana@example.org")
    status, _, body = second_step(api, again["challenge"], totp_code(secret, step=step + 1))
    assert status == 422, body

    # A recovery code works once, typed loosely.
    status, _, signed = second_step(api, again["challenge"], " " + codes[0].upper() + " ")
    assert status == 200, signed
    third = password_step(api, "ana@example.org")
    assert second_step(api, third["challenge"], codes[0])[0] == 422
    assert second_step(api, third["challenge"], codes[1])[0] == 200
    status, _, state = me.json("GET", "/api/v1/me/second-factor")
    assert state["recovery_codes_left"] == 8

    # The audit trail: set-up, confirmation, each second step and the recovery codes used.
    admin, _ = api.create_admin()
    admin = SignedIn(api.server, admin)
    mine = lambda action: [r for r in audit_rows(admin, action)  # noqa: E731
                           if r["actor_id"] == patient_id]
    assert [r["outcome"] for r in mine("auth.second_factor_enrol")] == ["success"]
    assert [(r["outcome"], r["reason"]) for r in mine("auth.second_factor_confirm")] == [
        ("success", "two-step sign-in on; 10 recovery codes issued"), ("failure", "wrong code")]
    second = [(r["outcome"], r["reason"]) for r in mine("auth.second_factor")]
    assert second == [("success", "recovery code"),
                      ("failure", "recovery code: wrong or used recovery code"),
                      ("success", "recovery code"),
                      ("failure", "authenticator app: code already used"),
                      ("success", "authenticator app"),
                      ("failure", "authenticator app: code already used")]
    assert [r["reason"] for r in mine("auth.recovery_code_used")] == [
        "8 recovery codes left", "9 recovery codes left"]
    assert len(mine("auth.second_factor_challenge")) == 3
    assert [r["reason"] for r in mine("auth.sign_in")][:3] == [
        "with second factor: recovery code", "with second factor: recovery code",
        "with second factor: authenticator app"]


def test_wrong_codes_end_the_challenge_and_lock_sign_in_out(api):
    token, _ = api.patient("ana@example.org")
    secret, _ = enrol_second_factor(SignedIn(api.server, token), "ana@example.org")
    challenge = password_step(api, "ana@example.org")["challenge"]
    right = totp_code(secret, step=int(time.time() // 30) + 1)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        status, _, body = second_step(api, challenge, wrong)
        assert status == 422, body
    # Five tries: the challenge is dead, even for the right code.
    status, _, body = second_step(api, challenge, right)
    assert status == 401, body
    assert "Sign in again" in body["error"]["message"]
    # And the failures locked this account out of sign-in from this address.
    status, _, body = api.call("POST", "/api/v1/auth/signin",
                               body={"email": "ana@example.org", "password": PASSWORD})
    assert status == 429, body
    # An unknown challenge is simply refused.
    assert second_step(api, "no-such-challenge", right)[0] == 401


def test_an_admin_must_set_it_up_before_anything_else_and_cannot_turn_it_off(api):
    status, _, _ = api.call("GET", "/api/v1/admin/doctors")
    assert status == 401
    # create-admin, then the first sign-in with the password alone.
    created = subprocess.run(
        [BIN, "user", "create-admin", "--email=root@example.org", "--full-name=Rita Root",
         f"--database={api.server.database.url}", *FAST_HASH],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, cwd=api.tmp_path)
    assert created.returncode == 0, created.stderr
    admin = SignedIn(api.server, password_step(api, "root@example.org")["access_token"])
    for method, path in (("GET", "/api/v1/admin/doctors"), ("GET", "/api/v1/admin/accounts"),
                         ("GET", "/api/v1/admin/audit"), ("GET", "/api/v1/me/sessions"),
                         ("GET", "/api/v1/doctors")):
        status, _, body = admin.json(method, path)
        assert status == 403, (path, body)
        assert body["error"]["reason"] == "second_factor_required"
        assert body["error"]["message"] == (
            "Administrators must set up two-step sign-in before continuing.")
    assert admin.json("GET", "/api/v1/me")[0] == 200
    status, _, state = admin.json("GET", "/api/v1/me/second-factor")
    assert state["required"] is True and state["enabled"] is False
    # Setting it up frees the same session at once.
    _, codes = enrol_second_factor(admin, "root@example.org")
    assert admin.json("GET", "/api/v1/admin/doctors")[0] == 200
    # Administrators cannot turn it off, but can replace their recovery codes.
    status, _, body = admin.json("POST", "/api/v1/me/second-factor/disable",
                                 json_body={"password": PASSWORD, "code": "123456"})
    assert status == 403, body
    status, _, renewed = admin.json("POST", "/api/v1/me/second-factor/recovery-codes",
                                    json_body={"code": next_code(api.server, "root@example.org")})
    assert status == 200, renewed
    assert len(renewed["recovery_codes"]) == 10 and not set(renewed["recovery_codes"]) & set(codes)
    challenge = password_step(api, "root@example.org")["challenge"]
    assert second_step(api, challenge, codes[0])[0] == 422  # the old set is gone
    assert second_step(api, challenge, renewed["recovery_codes"][0])[0] == 200
    rows = audit_rows(admin, "auth.recovery_codes_regenerate")
    assert [r["reason"] for r in rows] == ["old recovery codes replaced"]


def test_a_patient_turns_it_off_with_password_and_code_and_an_admin_resets_a_lost_phone(api):
    token, patient_id = api.patient("ana@example.org")
    me = SignedIn(api.server, token)
    enrol_second_factor(me, "ana@example.org")
    status, _, body = me.json("POST", "/api/v1/me/second-factor/disable",
                              json_body={"password": "not the password", "code": "123456"})
    assert status == 422 and body["error"]["field"] == "password", body
    status, _, body = me.json("POST", "/api/v1/me/second-factor/disable", json_body={
        "password": PASSWORD, "code": next_code(api.server, "ana@example.org")})
    assert status == 204, body
    assert "access_token" in password_step(api, "ana@example.org")

    # On again, then the phone is lost: an administrator resets it and ends the sessions.
    enrol_second_factor(me, "ana@example.org")
    status, _, signed = sign_in(api.server, "ana@example.org", PASSWORD)
    assert status == 200, signed
    admin_token, _ = api.create_admin()
    admin = SignedIn(api.server, admin_token)
    path = f"/api/v1/admin/accounts/{patient_id}/second-factor/reset"
    status, _, body = admin.json("POST", path, json_body={"reason": "x"})
    assert status == 422, body
    status, _, body = admin.json("POST", path, json_body={
        "reason": "lost phone; identity checked at the front desk"})
    assert status == 204, body
    assert api.call("GET", "/api/v1/me", signed["access_token"])[0] == 401
    assert "access_token" in password_step(api, "ana@example.org")
    assert admin.json("POST", path, json_body={"reason": "once more please"})[0] == 409
    # Not an administrator's, and not by anyone else.
    admin_id = admin.json("GET", "/api/v1/me")[2]["id"]
    status, _, _ = admin.json("POST", f"/api/v1/admin/accounts/{admin_id}/second-factor/reset",
                              json_body={"reason": "lost phone, checked"})
    assert status == 403
    rows = audit_rows(admin, "account.second_factor_reset")
    assert [(r["resource_id"], r["reason"]) for r in rows] == [
        (str(patient_id), "lost phone; identity checked at the front desk")]
    rows = [r for r in audit_rows(admin, "auth.second_factor_disable")
            if r["actor_id"] == patient_id]
    assert [r["outcome"] for r in rows] == ["success"]


def test_conftest_sign_in_answers_the_second_step_for_admins(server, tmp_path):
    admin = signed_in_admin(server, tmp_path)
    assert admin.json("GET", "/api/v1/admin/doctors")[0] == 200
    for _ in range(3):  # more sign-ins than time steps allow: recovery codes stand in
        status, _, body = sign_in(server, "admin@example.org", "a sound passphrase for the admin")
        assert status == 200, body
    assert len(authenticator(server, "admin@example.org")["recovery_codes"]) >= 8
