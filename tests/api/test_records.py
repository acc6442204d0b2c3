"""Records, black-box: observations recorded through the API with unit conversion, validation
errors naming their field, consent required for clinical writes, corrections that keep history,
cursor paging without gaps or repeats, audited reads, and the access matrix of the record rules."""
import urllib.parse

import pytest

from conftest import assert_error
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


@pytest.fixture
def lite_api(start_server, sqlite_database, smtp, tmp_path):  # noqa: F811
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def observations(patient_id):
    return f"/api/v1/patients/{patient_id}/observations"


def care_team(api, patient, patient_id, admin, address="bruno@example.org", grant=False):
    """A doctor linked to the patient, holding an active write grant when `grant`."""
    doctor, doctor_id = api.doctor(address, admin)
    assert api.call("POST", f"/api/v1/patients/{patient_id}/care-team", patient,
                    body={"doctor_id": doctor_id})[0] == 201
    if grant:
        status, _, pending = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
        assert status == 202
        status, _, active = api.call("POST", f"/api/v1/write-grants/{pending['id']}/approve",
                                     patient)
        assert status == 200 and active["status"] == "active"
    return doctor, doctor_id


def record(api, token, patient_id, body, expected=201):
    status, _, reply = api.call("POST", observations(patient_id), token, body=body)
    assert status == expected, reply
    return reply


def test_units_are_converted_and_flagged(api):
    patient, patient_id = api.patient("ana@example.org")

    glucose = record(api, patient, patient_id, {"code": "2339-0", "value": 5.5, "unit": "mmol/L",
                                                "effective_at": "2026-03-01T09:30:00+01:00"})
    [item] = glucose["items"]
    assert item["code"] == "2339-0" and item["metric"] == "glucose"
    assert item["value"] == pytest.approx(99.1) and item["unit"] == "mg/dL"
    assert item["original_value"] == 5.5 and item["original_unit"] == "mmol/L"
    assert item["flag"] == "normal" and item["source"] == "self_reported"
    assert item["effective_at"] == "2026-03-01T08:30:00.000000Z"
    assert item["recorded_by"] == patient_id and item["status"] == "final"
    assert item["supersedes"] is None

    chol = record(api, patient, patient_id, {"metric": "total_cholesterol", "value": 6.2,
                                             "unit": "mmol/L"})["items"][0]
    assert chol["value"] == pytest.approx(239.8) and chol["flag"] == "high"
    fever = record(api, patient, patient_id, {"metric": "body_temperature", "value": 104,
                                              "unit": "[degF]"})["items"][0]
    assert fever["value"] == pytest.approx(40.0) and fever["unit"] == "Cel"
    assert fever["flag"] == "high"  # critical only above 40.0
    spo2 = record(api, patient, patient_id, {"metric": "spo2", "value": 90, "unit": "%"})
    assert spo2["items"][0]["flag"] == "critical"

    pressure = record(api, patient, patient_id, {"metric": "blood_pressure", "systolic": 150,
                                                 "diastolic": 95, "unit": "mm[Hg]"})["items"]
    assert [(p["code"], p["value"], p["flag"]) for p in pressure] == [
        ("8480-6", 150, "high"), ("8462-4", 95, "high")]

    weight = record(api, patient, patient_id, {"metric": "body_weight", "value": 176.4,
                                               "unit": "[lb_av]"})["items"]
    assert len(weight) == 1 and weight[0]["value"] == pytest.approx(80.01)
    height = record(api, patient, patient_id, {"metric": "body_height", "value": 70,
                                               "unit": "[in_i]"})["items"]
    assert [h["code"] for h in height] == ["8302-2", "39156-5"]  # BMI derived from the pair
    assert height[0]["value"] == pytest.approx(177.8)
    assert height[1]["value"] == pytest.approx(25.3) and height[1]["unit"] == "kg/m2"
    assert height[1]["flag"] == "high"

    status, _, page = api.call("GET", observations(patient_id) + "?code=bmi", patient)
    assert status == 200 and [o["value"] for o in page["items"]] == [pytest.approx(25.3)]
    status, _, page = api.call("GET", observations(patient_id), patient)
    assert status == 200 and len(page["items"]) == 9 and page["next_before"] is None
    assert page["items"][-1]["code"] == "2339-0"  # latest first: the March reading is last


VALIDATION = [
    ({"code": "1234-5", "value": 1, "unit": "%"}, "code"),
    ({"metric": "mood", "value": 1, "unit": "%"}, "metric"),
    ({"value": 1, "unit": "%"}, "code"),
    ({"code": "2339-0", "value": 5.5, "unit": "mmol"}, "unit"),
    ({"code": "2339-0", "value": 5.5}, "unit"),
    ({"code": "2339-0", "unit": "mg/dL"}, "value"),
    ({"code": "2339-0", "value": "high", "unit": "mg/dL"}, "value"),
    ({"code": "8480-6", "value": 20, "unit": "mm[Hg]"}, "value"),
    ({"code": "8480-6", "value": 400, "unit": "mm[Hg]"}, "value"),
    ({"metric": "spo2", "value": 101, "unit": "%"}, "value"),
    ({"metric": "body_weight", "value": -3, "unit": "kg"}, "value"),
    ({"metric": "blood_pressure", "systolic": 80, "diastolic": 120, "unit": "mm[Hg]"}, "diastolic"),
    ({"metric": "blood_pressure", "systolic": 400, "diastolic": 80, "unit": "mm[Hg]"}, "systolic"),
    ({"metric": "blood_pressure", "systolic": 120, "unit": "mm[Hg]"}, "diastolic"),
    ({"metric": "blood_pressure", "systolic": 120, "diastolic": 80, "unit": "psi"}, "unit"),
    ({"metric": "heart_rate", "value": 70, "unit": "/min", "effective_at": "last tuesday"},
     "effective_at"),
    ({"metric": "heart_rate", "value": 70, "unit": "/min", "effective_at": "2999-01-01T00:00:00Z"},
     "effective_at"),
    ({"code": "8867-4", "metric": "heart_rate", "value": 70, "unit": "/min"}, "metric"),
    ([1, 2, 3], "body"),
]


def test_each_validation_error_names_its_field(lite_api):
    api = lite_api
    patient, patient_id = api.patient("ana@example.org")
    for body, field in VALIDATION:
        status, _, reply = api.call("POST", observations(patient_id), patient, body=body)
        assert status == 422, (body, reply)
        assert_error(reply, "validation_failed", field)
    for query, field in [("limit=0", "limit"), ("limit=201", "limit"), ("before=abc", "before"),
                         ("before=999999", "before"), ("code=nope", "code")]:
        status, _, reply = api.call("GET", observations(patient_id) + "?" + query, patient)
        assert status == 422, (query, reply)
        assert_error(reply, "validation_failed", field)
    status, _, reply = api.server.json("POST", observations(patient_id), body="{",
                                       headers={"Authorization": f"Bearer {patient}",
                                                "Content-Type": "application/json"})
    assert status == 400
    # Nothing invalid was stored.
    _, _, page = api.call("GET", observations(patient_id), patient)
    assert page["items"] == []


def test_clinical_writes_need_the_patients_consent(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    other, _ = api.patient("carla@example.org", name="Carla Dias")
    doctor, doctor_id = care_team(api, patient, patient_id, admin)
    unlinked, _ = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    reading = {"metric": "heart_rate", "value": 64, "unit": "/min"}
    record(api, patient, patient_id, reading)

    # Linked doctor without a grant: may read, may not write.
    status, _, page = api.call("GET", observations(patient_id), doctor)
    assert status == 200 and len(page["items"]) == 1
    status, _, reply = api.call("POST", observations(patient_id), doctor, body=reading)
    assert status == 403 and "consent" in reply["error"]["message"]
    # Unlinked doctor, other patient, admin without break-glass, anonymous.
    for token, expected in [(unlinked, 403), (other, 404), (admin, 403), (None, 401)]:
        assert api.call("GET", observations(patient_id), token)[0] == expected
        assert api.call("POST", observations(patient_id), token, body=reading)[0] == expected

    status, _, pending = api.call("POST", f"/api/v1/patients/{patient_id}/write-grants", doctor)
    assert status == 202
    assert api.call("POST", f"/api/v1/write-grants/{pending['id']}/approve", patient)[0] == 200
    clinical = record(api, doctor, patient_id, {"code": "8480-6", "value": 16, "unit": "kPa"})
    [item] = clinical["items"]
    assert item["source"] == "clinical" and item["recorded_by"] == doctor_id
    assert item["value"] == 120 and item["original_value"] == 16 and item["original_unit"] == "kPa"

    # Revoking the grant ends clinical writes again.
    assert api.call("DELETE", f"/api/v1/write-grants/{pending['id']}", patient)[0] == 204
    assert api.call("POST", observations(patient_id), doctor, body=reading)[0] == 403
    _, _, page = api.call("GET", observations(patient_id), patient)
    assert sorted(o["source"] for o in page["items"]) == ["clinical", "self_reported"]

    # Each read is audited once (not per observation) and shown to the patient.
    _, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    doctor_reads = [e for e in log["items"] if e["actor_id"] == doctor_id
                    and e["action"] == "record.read" and e["resource_type"] == "observations"]
    assert len(doctor_reads) == 1
    writes = [e for e in log["items"] if e["actor_id"] == doctor_id
              and e["action"] == "record.create"]
    assert [w["resource_id"] for w in writes] == [str(item["id"])]


def test_corrections_keep_history(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = care_team(api, patient, patient_id, admin, grant=True)
    [original] = record(api, doctor, patient_id, {"code": "8480-6", "value": 185,
                                                  "unit": "mm[Hg]",
                                                  "effective_at": "2026-03-01T08:00:00Z"})["items"]
    assert original["flag"] == "critical"
    path = f"{observations(patient_id)}/{original['id']}"

    for body, field in [({"unit": "mm[Hg]", "reason": "typo"}, "value"),
                        ({"value": 135, "reason": "typo"}, "unit"),
                        ({"value": 135, "unit": "mm[Hg]"}, "reason"),
                        ({"value": 135, "unit": "kg", "reason": "typo"}, "unit"),
                        ({"value": 500, "unit": "mm[Hg]", "reason": "typo"}, "value")]:
        status, _, reply = api.call("POST", path + "/corrections", doctor, body=body)
        assert status == 422, (body, reply)
        assert_error(reply, "validation_failed", field)

    # The patient cannot correct a clinical entry.
    status, _, _ = api.call("POST", path + "/corrections", patient,
                            body={"value": 120, "unit": "mm[Hg]", "reason": "I feel fine"})
    assert status == 403
    status, _, corrected = api.call("POST", path + "/corrections", doctor,
                                    body={"value": 135, "unit": "mm[Hg]",
                                          "reason": "entered the wrong patient's reading"})
    assert status == 201, corrected
    [fixed] = corrected["items"]
    assert fixed["supersedes"] == original["id"] and fixed["value"] == 135
    assert fixed["effective_at"] == original["effective_at"] and fixed["flag"] == "high"
    assert fixed["correction_reason"] == "entered the wrong patient's reading"

    status, _, reply = api.call("POST", path + "/corrections", doctor,
                                body={"value": 140, "unit": "mm[Hg]", "reason": "again"})
    assert status == 409, reply
    assert api.call("POST", f"{observations(patient_id)}/999999/corrections", doctor,
                    body={"value": 140, "unit": "mm[Hg]", "reason": "x"})[0] == 404

    for entry in (original, fixed):
        status, _, history = api.call(
            "GET", f"{observations(patient_id)}/{entry['id']}/history", patient)
        assert status == 200
        assert [(h["id"], h["status"], h["value"]) for h in history["items"]] == [
            (original["id"], "corrected", 185), (fixed["id"], "final", 135)]
        assert history["items"][1]["recorded_by"] == doctor_id
    _, _, page = api.call("GET", observations(patient_id), patient)
    assert [o["id"] for o in page["items"]] == [fixed["id"]]  # the current value only

    # Patients correct their own self-reported entries (and the doctor may not).
    [own] = record(api, patient, patient_id, {"metric": "body_weight", "value": 700,
                                              "unit": "[lb_av]", "confirmed": True})["items"]
    own_path = f"{observations(patient_id)}/{own['id']}/corrections"
    assert api.call("POST", own_path, doctor,
                    body={"value": 70, "unit": "kg", "reason": "typo"})[0] == 403
    status, _, mine = api.call("POST", own_path, patient,
                               body={"value": 70, "unit": "kg", "reason": "typed pounds as kilos"})
    assert status == 201 and mine["items"][0]["source"] == "self_reported"


def test_paging_has_no_gaps_or_repeats_while_entries_arrive(api):
    patient, patient_id = api.patient("ana@example.org")
    expected = []
    for index in range(23):
        day = 1 + index // 4  # several entries share a time; the id breaks ties
        [item] = record(api, patient, patient_id, {
            "metric": "heart_rate", "value": 50 + index, "unit": "/min",
            "effective_at": f"2026-02-{day:02d}T07:00:00Z"})["items"]
        expected.append(item["id"])
    seen, before, pages = [], None, 0
    while True:
        query = {"limit": 5}
        if before:
            query["before"] = before
        status, _, page = api.call(
            "GET", observations(patient_id) + "?" + urllib.parse.urlencode(query), patient)
        assert status == 200, page
        pages += 1
        seen += page["items"]
        # A new reading arrives between pages: it is newer, so it never shifts later pages.
        record(api, patient, patient_id, {"metric": "heart_rate", "value": 99, "unit": "/min"})
        before = page["next_before"]
        if before is None:
            break
    assert pages == 5
    assert [o["id"] for o in seen] == sorted(expected, key=lambda i: (expected.index(i) // 4, i),
                                              reverse=True)
    assert len({o["id"] for o in seen}) == 23
    assert [o["value"] for o in seen] == list(range(72, 49, -1))


def test_readings_filter_by_metric_and_taken_before(api):
    """The readings list jumps to a date (`to`, a date includes that day) and one metric, then
    pages on from there with the usual cursor."""
    patient, patient_id = api.patient("ana@example.org")
    for day in range(1, 11):
        record(api, patient, patient_id, {"metric": "heart_rate", "value": 60 + day, "unit": "/min",
                                          "effective_at": f"2023-05-{day:02d}T08:00:00Z"})
        record(api, patient, patient_id, {"metric": "spo2", "value": 90 + day % 10, "unit": "%",
                                          "effective_at": f"2023-05-{day:02d}T08:05:00Z"})

    def page(**query):
        status, _, reply = api.call(
            "GET", observations(patient_id) + "?" + urllib.parse.urlencode(query), patient)
        assert status == 200, reply
        return reply

    first = page(code="heart_rate", to="2023-05-04", limit=2)
    assert [o["value"] for o in first["items"]] == [64, 63]
    assert len(first["items"]) == 2 and all(o["metric"] == "heart_rate" for o in first["items"])
    rest = page(code="heart_rate", to="2023-05-04", limit=5, before=first["next_before"])
    assert [o["value"] for o in rest["items"]] == [62, 61] and rest["next_before"] is None
    # An exact time is exclusive; every metric when no code is given.
    mixed = page(to="2023-05-02T08:05:00Z", limit=10)
    assert [(o["metric"], o["value"]) for o in mixed["items"]] == [
        ("heart_rate", 62), ("spo2", 91), ("heart_rate", 61)]
    status, _, error = api.call("GET", observations(patient_id) + "?to=last+week", patient)
    assert status == 422
    assert_error(error, "validation_failed", "to")


def test_records_routes_state_their_rules(lite_api):
    admin, _ = lite_api.create_admin()
    status, _, table = lite_api.call("GET", "/api/v1/admin/routes", admin)
    assert status == 200
    rules = {(r["method"], r["path"]): r["access"] for r in table["items"]}
    base = "/api/v1/patients/{patient_id}/observations"
    assert rules[("POST", base)] == "record_write"
    assert rules[("GET", base)] == "record_read"
    assert rules[("POST", base + "/{observation_id}/corrections")] == "record_write"
    assert rules[("GET", base + "/{observation_id}/history")] == "record_read"


def test_access_matrix_of_the_records_routes(lite_api):
    api = lite_api
    admin, _ = api.create_admin()
    owner, owner_id = api.patient("ana@example.org")
    other, _ = api.patient("carla@example.org", name="Carla Dias")
    linked, _ = care_team(api, owner, owner_id, admin)
    unlinked, _ = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    [entry] = record(api, owner, owner_id, {"metric": "heart_rate", "value": 70,
                                            "unit": "/min"})["items"]
    base = observations(owner_id)
    # Bodies that pass the rule and then fail validation, so allowed calls change nothing.
    routes = [("GET", base, None, {"owner", "linked"}),
              ("POST", base, {}, {"owner"}),
              ("GET", f"{base}/{entry['id']}/history", None, {"owner", "linked"}),
              ("POST", f"{base}/{entry['id']}/corrections", {}, {"owner"})]
    tokens = {"anonymous": None, "owner": owner, "other": other, "linked": linked,
              "unlinked": unlinked, "admin": admin}
    denied = {"anonymous": 401, "other": 404, "linked": 403, "unlinked": 403, "admin": 403}
    failures = []
    for method, path, body, allowed in routes:
        for caller, token in tokens.items():
            status, _, reply = api.call(method, path, token, body=body)
            expected = (200 if method == "GET" else 422) if caller in allowed else denied[caller]
            if status != expected:
                failures.append(f"{caller} {method} {path}: expected {expected}, got {status} "
                                f"{reply}")
    assert not failures, "\n".join(failures)
    _, _, history = api.call("GET", f"{base}/{entry['id']}/history", owner)
    assert [h["status"] for h in history["items"]] == ["final"]  # nothing was changed
