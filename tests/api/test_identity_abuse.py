"""Identity against abuse, black-box: lock-outs that a bogus request cannot lift, sign-up of an
address before its owner (pre-hijacking), and lock-outs that a stranger cannot impose on an
account's owner from elsewhere (issue 16)."""
import pytest

from conftest import assert_error
from test_identity import FAST_HASH, PASSWORD, Api, smtp  # noqa: F401 (smtp is a fixture)


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811 (smtp is the fixture above)
    # Behind a trusted proxy, so a test can speak from any client address (X-Forwarded-For).
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          "--trusted-proxies=127.0.0.1", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def linked_doctor_with_grant(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = api.doctor("bruno@example.org", admin)
    assert api.call("POST", f"/api/v1/patients/{patient_id}/care-team", patient,
                    body={"doctor_id": doctor_id})[0] == 201
    status, _, grant = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
    assert status == 202
    return doctor, patient, patient_id, grant, api.smtp.code_for("ana@example.org", "consent")


def test_confirming_a_bogus_grant_never_lifts_the_consent_code_lock_out(api):
    doctor, _, _, grant, code = linked_doctor_with_grant(api)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        status, _, _ = api.call("POST", f"/api/v1/write-grants/{grant['id']}/confirm", doctor,
                                body={"code": wrong})
        assert status == 422
    # A grant that does not exist used to count as a success and reset the doctor's failures, so
    # guessing could go on for ever; now it is the fifth failure and locks the doctor out.
    status, _, _ = api.call("POST", "/api/v1/write-grants/999999/confirm", doctor,
                            body={"code": wrong})
    assert status == 404
    status, headers, body = api.call("POST", f"/api/v1/write-grants/{grant['id']}/confirm",
                                     doctor, body={"code": code})
    assert status == 429, body
    assert int(headers["retry-after"]) >= 1
    assert_error(body, "rate_limited")


def test_confirming_a_grant_that_is_not_pending_counts_as_a_failure(api):
    doctor, patient, patient_id, grant, code = linked_doctor_with_grant(api)
    assert api.call("POST", f"/api/v1/write-grants/{grant['id']}/confirm", doctor,
                    body={"code": code})[0] == 200
    status, _, second = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
    assert status == 202
    fresh = api.smtp.code_for("ana@example.org", "consent", count=2)
    wrong = "000000" if fresh != "000000" else "111111"
    for _ in range(4):
        assert api.call("POST", f"/api/v1/write-grants/{second['id']}/confirm", doctor,
                        body={"code": wrong})[0] == 422
    # The first grant is active, not pending: 409, and a failure (it used to reset the count).
    assert api.call("POST", f"/api/v1/write-grants/{grant['id']}/confirm", doctor,
                    body={"code": code})[0] == 409
    assert api.call("POST", f"/api/v1/write-grants/{second['id']}/confirm", doctor,
                    body={"code": fresh})[0] == 429


def sign_in_from(api, address, email, password):
    return api.call("POST", "/api/v1/auth/signin", body={"email": email, "password": password},
                    headers={"X-Forwarded-For": address})


def test_a_strangers_failed_sign_ins_do_not_lock_the_owner_out_elsewhere(api):
    api.patient("ana@example.org")
    for _ in range(5):
        assert sign_in_from(api, "203.0.113.9", "ana@example.org", "wrong " * 3)[0] == 401
    # The stranger's address is locked out of this account, even with the right password ...
    status, headers, body = sign_in_from(api, "203.0.113.9", "ana@example.org", PASSWORD)
    assert status == 429, body
    assert int(headers["retry-after"]) >= 1
    # ... and so is the rest of its IPv6 /64, but the owner at home is not.
    for _ in range(5):
        assert sign_in_from(api, "2001:db8:5:5::1", "ana@example.org", "wrong " * 3)[0] == 401
    assert sign_in_from(api, "2001:db8:5:5::abcd", "ana@example.org", PASSWORD)[0] == 429
    status, _, body = sign_in_from(api, "198.51.100.20", "ana@example.org", PASSWORD)
    assert status == 200, body
    assert sign_in_from(api, "2001:db8:5:6::1", "ana@example.org", PASSWORD)[0] == 200


def test_guessing_spread_over_many_addresses_stops_at_the_accounts_ceiling(api):
    api.sign_up_patient("ana@example.org")
    api.verify("ana@example.org")
    # 50 password checks per account and hour across all addresses.
    answers = [sign_in_from(api, f"203.0.113.{n}", "ana@example.org", "wrong " * 3)[0]
               for n in range(1, 51)]
    assert answers == [401] * 50
    status, headers, body = sign_in_from(api, "198.51.100.77", "ana@example.org", PASSWORD)
    assert status == 429, body
    assert_error(body, "rate_limited")
    assert int(headers["retry-after"]) > 60


def test_an_address_signed_up_first_by_an_attacker_ends_with_the_owners_password(api):
    attacker, owner = "an attacker's passphrase", "the owner's own passphrase"
    body = {"email": "ana@example.org", "full_name": "Ana Silva", "date_of_birth": "1980-05-01",
            "sex": "female"}
    assert api.call("POST", "/api/v1/auth/signup/patient",
                    body={**body, "password": attacker})[0] == 202
    first = api.smtp.code_for("ana@example.org", "Confirm")
    # The owner signs up too: the same answer, and a mail with a code to choose a password (the
    # account keeps no password from either sign-up until the mailbox's reader chooses one).
    assert api.call("POST", "/api/v1/auth/signup/patient",
                    body={**body, "password": owner})[0] == 202
    code = api.smtp.code_for("ana@example.org", "Finish setting up")
    assert api.call("POST", "/api/v1/auth/verify-email",
                    body={"email": "ana@example.org", "code": first})[0] == 422
    status, _, claimed = api.call("POST", "/api/v1/auth/claim", body={
        "email": "ana@example.org", "code": code, "new_password": owner})
    assert status == 200, claimed
    assert api.call("POST", "/api/v1/auth/signin",
                    body={"email": "ana@example.org", "password": attacker})[0] == 401
    api.sign_in("ana@example.org", owner)
