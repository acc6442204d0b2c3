"""Security checks that a mutant once weakened without any test noticing (issue 16; the mutants are
in scripts/mutants, listed in docs/RELIABILITY.md): who may approve and revoke a write grant,
grant and break-glass expiry, grants ending with the care link, the audit hash covering every
column, and refused reads of a record leaving an `access.denied` row."""
import datetime
import subprocess
import time

import pytest

from conftest import BIN
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)
from test_mail import query
from test_records import care_team


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def profile(patient_id):
    return f"/api/v1/patients/{patient_id}/profile"


def grants(api, patient, patient_id):
    """The patient's write grants as they see them: {id: status}."""
    status, _, listed = api.call("GET", f"/api/v1/patients/{patient_id}/write-grants", patient)
    assert status == 200, listed
    return {g["id"]: g["status"] for g in listed["items"]}


def can_write(api, doctor, patient_id):
    """Whether the doctor may change the patient's record (a harmless profile edit)."""
    status, _, body = api.call("PATCH", profile(patient_id), doctor,
                               body={"phone": "+351 900 000 000"})
    assert status in (200, 403), body
    return status == 200


def audit(api, admin, **filters):
    query_text = "&".join(f"{name}={value}" for name, value in filters.items())
    status, _, page = api.call("GET", f"/api/v1/admin/audit?{query_text}", admin)
    assert status == 200, page
    return page["items"]


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


# --- write grants: approve, revoke, expiry, care link ------------------------------------------

def test_only_the_patient_can_approve_a_write_grant(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    other, _ = api.patient("carla@example.org", name="Carla Dias")
    doctor, _ = care_team(api, patient, patient_id, admin)
    status, _, pending = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
    assert status == 202, pending
    approve = f"/api/v1/write-grants/{pending['id']}/approve"

    # Another patient's grant does not exist for you, and stays pending.
    status, _, body = api.call("POST", approve, other)
    assert status == 404, body
    assert grants(api, patient, patient_id) == {pending["id"]: "pending"}
    assert not can_write(api, doctor, patient_id)
    assert audit(api, admin, action="consent.grant") == []

    status, _, approved = api.call("POST", approve, patient)
    assert status == 200 and approved["status"] == "active", approved
    assert can_write(api, doctor, patient_id)


def test_only_the_requesting_doctor_can_confirm_a_write_grant(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    other_doctor, other_doctor_id = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    status, _, pending = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
    assert status == 202, pending
    code = api.smtp.code_for("ana@example.org", "consent")
    confirm = f"/api/v1/write-grants/{pending['id']}/confirm"

    # Even with the right code, another doctor's request does not exist for you.
    status, _, body = api.call("POST", confirm, other_doctor, body={"code": code})
    assert status == 404, body
    assert grants(api, patient, patient_id) == {pending["id"]: "pending"}
    [denied] = audit(api, admin, action="consent.confirm")
    assert (denied["actor_id"], denied["outcome"]) == (other_doctor_id, "denied"), denied

    status, _, active = api.call("POST", confirm, doctor, body={"code": code})
    assert status == 200 and active["status"] == "active", active


def test_a_stranger_cannot_revoke_a_write_grant(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    other, _ = api.patient("carla@example.org", name="Carla Dias")
    doctor, doctor_id = care_team(api, patient, patient_id, admin, grant=True)
    stranger_doctor, _ = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    [grant_id] = grants(api, patient, patient_id)
    revoke = f"/api/v1/write-grants/{grant_id}"

    for who, token in [("another patient", other), ("another doctor", stranger_doctor),
                       ("an admin", admin)]:
        status, _, body = api.call("DELETE", revoke, token)
        assert status == 404, (who, body)
        assert grants(api, patient, patient_id) == {grant_id: "active"}, who
        assert can_write(api, doctor, patient_id), who
    # A refused revoke changes nothing, so it writes no consent.revoke row (it is not audited).
    assert audit(api, admin, action="consent.revoke") == []

    # The grant's doctor may give it up, and then it is revoked for good.
    assert api.call("DELETE", revoke, doctor)[0] == 204
    assert grants(api, patient, patient_id) == {grant_id: "revoked"}
    assert not can_write(api, doctor, patient_id)
    [revoked] = audit(api, admin, action="consent.revoke")
    assert (revoked["actor_id"], revoked["patient_id"]) == (doctor_id, patient_id)
    assert revoked["resource_id"] == str(grant_id)


def test_a_write_grant_past_its_end_allows_no_writes(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin, grant=True)
    [grant_id] = grants(api, patient, patient_id)
    assert can_write(api, doctor, patient_id)

    # The grant's lifetime is not an option: move its end a minute into the past instead.
    ended = rfc3339(now() - datetime.timedelta(minutes=1))
    query(api.server.database,
          f"UPDATE write_grants SET expires_at = '{ended}' WHERE id = {grant_id}")
    assert not can_write(api, doctor, patient_id)
    assert grants(api, patient, patient_id) == {grant_id: "expired"}
    assert api.call("GET", profile(patient_id), doctor)[0] == 200  # still on the care team


def test_a_write_grant_ends_with_the_care_link(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = care_team(api, patient, patient_id, admin, grant=True)
    [grant_id] = grants(api, patient, patient_id)
    assert can_write(api, doctor, patient_id)

    link = f"/api/v1/patients/{patient_id}/care-team"
    assert api.call("DELETE", f"{link}/{doctor_id}", patient)[0] == 204
    assert api.call("POST", link, patient, body={"doctor_id": doctor_id})[0] == 201
    # Back on the care team, the doctor reads again, but the old consent is gone.
    assert api.call("GET", profile(patient_id), doctor)[0] == 200
    assert not can_write(api, doctor, patient_id)
    assert grants(api, patient, patient_id) == {grant_id: "revoked"}


@pytest.mark.parametrize("actor", ["admin", "doctor"])
def test_break_glass_ends_when_its_time_is_up(start_server, database, smtp, tmp_path,  # noqa: F811
                                              actor):
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH,
                          "--break-glass-seconds=2")
    api = Api(server, smtp, tmp_path)
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    reason = "Unconscious patient in A&E, record needed for allergies"
    if actor == "admin":
        token = admin
        path, body = "/api/v1/admin/break-glass", {"patient_id": patient_id, "reason": reason}
    else:
        token, _ = api.doctor("bruno@example.org", admin)  # not on the care team
        path, body = f"/api/v1/patients/{patient_id}/break-glass", {"reason": reason}
    status, _, glass = api.call("POST", path, token, body=body)
    assert status == 201, glass
    ends = datetime.datetime.fromisoformat(glass["expires_at"].replace("Z", "+00:00"))
    assert datetime.timedelta(0) < ends - now() <= datetime.timedelta(seconds=2)
    assert api.call("GET", profile(patient_id), token)[0] == 200

    time.sleep(max((ends - now()).total_seconds(), 0) + 0.1)
    status, _, body = api.call("GET", profile(patient_id), token)
    assert status == 403, body


# --- the audit log ------------------------------------------------------------------------------

def verify_audit(api):
    args = [BIN, "audit", "verify", f"--database={api.server.database.url}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=api.tmp_path)


def literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def columns(database):
    if database.dialect == "sqlite":
        return [row[1] for row in query(database, "PRAGMA table_info(audit_log)")]
    return [row[0] for row in query(database, "SELECT column_name FROM information_schema.columns"
                                              " WHERE table_name = 'audit_log'"
                                              " ORDER BY ordinal_position")]


def test_the_audit_hash_covers_every_column(api):
    admin, _ = api.create_admin()
    _, patient_id = api.patient("ana@example.org")
    reason = "Unconscious patient in A&E, record needed for allergies"
    assert api.call("POST", "/api/v1/admin/break-glass", admin,
                    body={"patient_id": patient_id, "reason": reason})[0] == 201
    assert api.call("GET", profile(patient_id), admin)[0] == 200
    # A break-glass read: every column has a value (actor, patient, resource, reason, address).
    [entry] = audit(api, admin, action="record.read", patient_id=patient_id)
    assert entry["reason"] and entry["actor_id"] and entry["client_address"], entry
    row = entry["id"]
    assert verify_audit(api).returncode == 0

    database = api.server.database
    names = [name for name in columns(database) if name != "id"]  # the id orders the chain
    assert {"at", "actor_id", "actor_role", "action", "resource_type", "resource_id",
            "patient_id", "client_address", "outcome", "reason", "prev_hash", "hash"} <= set(names)
    undetected = []
    for name in names:
        [[text]] = query(database, f"SELECT {name} FROM audit_log WHERE id = {row}")
        original = int(text) if name in ("actor_id", "patient_id") else text
        edited = original + 1000 if isinstance(original, int) else original + "x"
        query(database, f"UPDATE audit_log SET {name} = {literal(edited)} WHERE id = {row}")
        broken = verify_audit(api)
        if broken.returncode != 1 or f"BROKEN at row {row}:" not in broken.stdout:
            undetected.append(f"{name}: {broken.returncode} {broken.stdout.strip()}")
        query(database, f"UPDATE audit_log SET {name} = {literal(original)} WHERE id = {row}")
        intact = verify_audit(api)
        assert intact.returncode == 0, (name, intact.stdout, intact.stderr)
    assert not undetected, "edits that `audit verify` did not notice:\n" + "\n".join(undetected)


def test_refused_reads_of_a_record_are_audited(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    other, other_id = api.patient("carla@example.org", name="Carla Dias")
    stranger, stranger_id = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    assert audit(api, admin, action="access.denied") == []

    assert api.call("GET", profile(patient_id), stranger)[0] == 403
    assert api.call("GET", profile(patient_id), other)[0] == 404
    assert api.call("GET", profile(patient_id), patient)[0] == 200
    denied = audit(api, admin, action="access.denied", patient_id=patient_id)
    assert [(e["actor_id"], e["actor_role"]) for e in denied] == [(other_id, "patient"),
                                                                   (stranger_id, "doctor")]
    for entry in denied:
        assert entry["patient_id"] == patient_id and entry["outcome"] == "denied", entry
        assert (entry["resource_type"], entry["resource_id"]) == (
            "route", "/api/v1/patients/{patient_id}/profile"), entry
