"""Predictions for a patient, black-box on SQLite and PostgreSQL: inputs prefilled from the
record's latest readings and profile (the caller's own values win), each result stored in the
patient's history, the record's write rule on both the patient route and a body's "patient_id"
(storing is an addition to the record),
and nothing stored when the request fails."""
import datetime

import pytest

from conftest import assert_error
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)
from test_predict import DATASETS, MODELS
from test_records import care_team, record


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH,
                          f"--models={MODELS}", f"--datasets={DATASETS}")
    return Api(server, smtp, tmp_path)


def patient_with_readings(api, address="ana@example.org"):
    token, patient_id = api.patient(address)  # born 1980-05-01, female
    for body in ({"metric": "glucose", "value": 9.0, "unit": "mmol/L"},
                 {"metric": "blood_pressure", "systolic": 150, "diastolic": 95, "unit": "mm[Hg]"},
                 {"metric": "body_weight", "value": 92, "unit": "kg"},
                 {"metric": "body_height", "value": 170, "unit": "cm"},
                 {"metric": "total_cholesterol", "value": 6.0, "unit": "mmol/L"},
                 {"metric": "fasting_glucose", "value": 130, "unit": "mg/dL"}):
        record(api, token, patient_id, body)
    return token, patient_id


def age_on(date_of_birth, today=None):
    """Whole years since the birth date, today in UTC (the server's clock): never a fixed age,
    which would make the test fail on the next birthday."""
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    year, month, day = date_of_birth
    return today.year - year - ((today.month, today.day) < (month, day))


def predictions(patient_id, model=""):
    return f"/api/v1/patients/{patient_id}/predictions" + (f"/{model}" if model else "")


def by_feature(prefilled):
    return {item["feature"]: item for item in prefilled}


def test_prefill_reads_the_latest_values_of_the_record(api):
    token, patient_id = patient_with_readings(api)
    status, _, body = api.call("GET", predictions(patient_id, "diabetes") + "/prefill", token)
    assert status == 200, body
    inputs = body["inputs"]
    # A random glucose (2339-0) is not the model's 2-hour OGTT value: never prefilled as one.
    assert "glucose" not in inputs
    assert inputs["blood_pressure"] == 95
    assert inputs["bmi"] == pytest.approx(31.8)  # derived from 92 kg and 170 cm
    assert inputs["age"] == age_on(date_of_birth=(1980, 5, 1))
    assert inputs["sex"] == "female"  # decides which questions apply (pregnancies)
    assert "insulin" not in inputs
    bmi = by_feature(body["prefilled"])["bmi"]
    assert bmi["source"] == "observation" and bmi["code"] == "39156-5"
    assert bmi["observation_id"] > 0 and bmi["effective_at"] and bmi["age_days"] == 0
    assert "39156-5" in bmi["note"]

    status, _, heart = api.call("GET", predictions(patient_id, "heart") + "/prefill", token)
    assert status == 200
    assert heart["inputs"]["sex"] == "female" and heart["inputs"]["resting_bp"] == 150
    assert heart["inputs"]["fasting_glucose_high"] == "yes"
    assert heart["inputs"]["cholesterol"] == pytest.approx(232.0, abs=0.1)


def test_a_prediction_uses_the_record_and_is_stored_in_the_history(api):
    token, patient_id = patient_with_readings(api)
    status, _, first = api.call("POST", predictions(patient_id, "diabetes"), token,
                                body={"insulin": 150, "glucose": 100, "bmi": None})
    assert status == 201, first
    assert first["patient_id"] == patient_id and first["id"] > 0 and first["created_at"]
    used = by_feature(first["prefilled"])
    # The caller's own values win, and an explicit null leaves the record's value out.
    assert "glucose" not in used and "bmi" not in used and "blood_pressure" in used
    assert first["inputs"]["glucose"] == 100 and first["inputs"]["insulin"] == 150
    assert "bmi" in first["missing"]
    assert 0 < first["probability"] < 1 and first["contributions"]

    status, _, second = api.call("POST", predictions(patient_id, "heart"), token, body={})
    assert status == 201, second
    assert "cholesterol" in by_feature(second["prefilled"])

    status, _, history = api.call("GET", predictions(patient_id), token)
    assert status == 200
    assert [item["id"] for item in history["items"]] == [second["id"], first["id"]]
    stored = history["items"][1]
    assert stored["model"] == "diabetes" and stored["requested_by"] == patient_id
    assert stored["probability"] == pytest.approx(first["probability"])
    assert stored["risk_class"] == first["risk_class"] and "%" in stored["summary"]
    assert stored["result"]["inputs"]["glucose"] == 100

    status, _, only_heart = api.call("GET", predictions(patient_id) + "?model=heart", token)
    assert [item["id"] for item in only_heart["items"]] == [second["id"]]
    status, _, page = api.call("GET", predictions(patient_id) + "?limit=1", token)
    assert [item["id"] for item in page["items"]] == [second["id"]]
    status, _, rest = api.call("GET", predictions(patient_id) +
                               f"?limit=1&before={page['next_before']}", token)
    assert [item["id"] for item in rest["items"]] == [first["id"]] and rest["next_before"] is None


def test_old_readings_are_not_used(api):
    token, patient_id = api.patient("ana@example.org")
    record(api, token, patient_id, {"metric": "glucose", "value": 200, "unit": "mg/dL",
                                    "effective_at": "2021-01-01T08:00:00Z"})
    status, _, body = api.call("GET", predictions(patient_id, "diabetes") + "/prefill", token)
    assert status == 200 and "glucose" not in body["inputs"] and "age" in body["inputs"]


def test_a_failed_prediction_stores_nothing(api):
    token, patient_id = patient_with_readings(api)
    status, _, body = api.call("POST", predictions(patient_id, "diabetes"), token,
                               body={"glucose": -5})
    assert status == 422
    assert_error(body, "validation_failed", "glucose")
    status, _, body = api.call("POST", predictions(patient_id, "diabetes"), token,
                               body={"patient_id": patient_id})
    assert status == 422
    assert_error(body, "validation_failed", "patient_id")
    for path, code in ((predictions(patient_id, "sugar"), 404),
                       (predictions(patient_id, "sugar") + "/prefill", 404)):
        method = "GET" if path.endswith("prefill") else "POST"
        status, _, body = api.call(method, path, token, body={} if method == "POST" else None)
        assert status == code, body
    status, _, body = api.call("GET", predictions(patient_id) + "?model=sugar", token)
    assert status == 422 and body["error"]["field"] == "model"
    status, _, body = api.call("GET", predictions(patient_id) + "?limit=0", token)
    assert status == 422 and body["error"]["field"] == "limit"
    status, _, history = api.call("GET", predictions(patient_id), token)
    assert history["items"] == []


def test_a_body_patient_id_follows_the_record_write_rule(api):
    token, patient_id = patient_with_readings(api)
    other, other_id = api.patient("eva@example.org", name="Eva Lima")
    admin, _ = api.create_admin()
    stranger, _ = api.doctor("carla@example.org", admin, name="Dr Carla Reis")
    reader, _ = care_team(api, token, patient_id, admin, address="rui@example.org")
    doctor, doctor_id = care_team(api, token, patient_id, admin, grant=True)

    def ask(caller, patient):
        return api.call("POST", "/api/v1/predictions/diabetes", caller,
                        body={"patient_id": patient, "insulin": 120})

    status, _, own = ask(token, patient_id)
    assert status == 201 and own["patient_id"] == patient_id and own["prefilled"]
    assert ask(other, patient_id)[0] == 404          # another patient: not even its existence
    assert ask(stranger, patient_id)[0] == 403       # a doctor off the care team
    assert ask(admin, patient_id)[0] == 403          # admins need break-glass
    # Storing a check adds to the record: reading it is not enough (a linked doctor without the
    # patient's consent, or an admin or doctor through break-glass), on either route.
    status, _, refused = ask(reader, patient_id)
    assert status == 403, refused
    assert api.call("POST", predictions(patient_id, "diabetes"), reader,
                    body={"insulin": 120})[0] == 403
    glass = api.call("POST", f"/api/v1/patients/{patient_id}/break-glass", stranger,
                     body={"reason": "Collapsed in clinic; checking her risk factors"})
    assert glass[0] == 201, glass
    assert ask(stranger, patient_id)[0] == 403
    assert api.call("POST", predictions(patient_id, "heart"), stranger, body={})[0] == 403
    status, _, linked = ask(doctor, patient_id)       # with the patient's consent to add
    assert status == 201
    for bad in ("7", 0, -1, 1.5):
        status, _, body = ask(token, bad)
        assert status == 422, body
        assert_error(body, "validation_failed", "patient_id")

    status, _, history = api.call("GET", predictions(patient_id), token)
    assert {item["requested_by"] for item in history["items"]} == {patient_id, doctor_id}
    # The doctor's use of the record shows in the patient's access log.
    status, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", token)
    assert status == 200
    actions = {(entry["actor_id"], entry["action"], entry["resource_type"])
               for entry in log["items"]}
    assert (doctor_id, "record.read", "prefill") in actions
    assert (doctor_id, "record.create", "prediction") in actions
    assert ask(other, other_id)[0] == 201


def test_air_quality_of_the_patients_area(api):
    token, patient_id = api.patient("ana@example.org")
    admin, _ = api.create_admin()
    doctor, _ = care_team(api, token, patient_id, admin)
    unlinked, _ = api.doctor("carla@example.org", admin, name="Dr Carla Reis")
    where = f"/api/v1/patients/{patient_id}/air-quality"

    status, _, none = api.call("GET", where, doctor)
    assert status == 200 and none["area_code"] is None and none["area"] is None
    assert "area_code" in none["note"] and "not a personal risk" in none["meaning"]

    profile = f"/api/v1/patients/{patient_id}/profile"
    assert api.call("PUT", profile, token, body={"area_code": "E09000019"})[0] == 200
    status, _, shown = api.call("GET", where, doctor)
    assert status == 200 and shown["area_code"] == "E09000019"
    area = shown["area"]
    assert area["code"] == "E09000019" and area["name"] == "Islington"
    assert area["latest"]["percent"] > 0 and area["rank"]["of"] > 300
    assert area["trend"]["percent_points_per_year"] is not None and area["new_method"]
    status, _, same = api.call("GET", "/api/v1/air-quality/areas/E09000019", token)
    assert {k: same[k] for k in ("latest", "rank", "trend")} == {
        k: area[k] for k in ("latest", "rank", "trend")}

    assert api.call("PUT", profile, token, body={"area_code": "W06000015"})[0] == 200
    status, _, welsh = api.call("GET", where, token)
    assert status == 200 and welsh["area"] is None and "English" in welsh["note"]
    assert api.call("GET", where, unlinked)[0] == 403


def test_a_saved_symptom_check_goes_to_the_symptom_tracker_and_the_history(api):
    token, patient_id = api.patient("ana@example.org")
    admin, _ = api.create_admin()
    doctor, _ = care_team(api, token, patient_id, admin)  # linked, no write grant
    checks = f"/api/v1/patients/{patient_id}/symptom-checks"
    body = {"symptoms": ["itching", "skin_rash", "nodal_skin_eruptions"], "severity": 4,
            "onset_at": "2026-11-20T08:00:00Z", "notes": "after gardening"}

    status, _, saved = api.call("POST", checks, token, body=body)
    assert status == 201, saved
    assert saved["conditions"][0]["condition"] == "Fungal infection"
    assert saved["triage"]["level"] in ("self_care", "see_a_doctor")
    assert len(saved["symptom_entry_ids"]) == 3 and saved["id"] > 0

    status, _, tracked = api.call("GET", f"/api/v1/patients/{patient_id}/symptoms", token)
    assert status == 200
    entries = {item["symptom"]: item for item in tracked["items"]}
    assert set(entries) == {"itching", "skin_rash", "nodal_skin_eruptions"}
    assert {item["id"] for item in tracked["items"]} == set(saved["symptom_entry_ids"])
    assert all(item["severity"] == 4 and item["notes"] == "after gardening" and
               item["onset_at"].startswith("2026-11-20T08:00:00") and
               item["source"] == "self_reported" for item in tracked["items"])

    status, _, history = api.call("GET", f"/api/v1/patients/{patient_id}/predictions"
                                  "?model=symptom_check", token)
    [stored] = history["items"]
    assert stored["id"] == saved["id"] and stored["probability"] is None
    assert stored["risk_class"] == saved["triage"]["level"]
    assert "Fungal infection" in stored["summary"]
    assert stored["result"]["symptom_entry_ids"] == saved["symptom_entry_ids"]

    # All or nothing: a bad field stores neither symptoms nor the check.
    for bad, field in [({**body, "severity": 11}, "severity"), ({**body, "severity": None},
                       "severity"), ({**body, "symptoms": ["itching", "moonburn"]}, "symptoms"),
                       ({**body, "symptoms": []}, "symptoms"), ({**body, "mood": 3}, "mood"),
                       ({**body, "onset_at": "yesterday"}, "onset_at"),
                       ({**body, "notes": 5}, "notes")]:
        status, _, reply = api.call("POST", checks, token, body=bad)
        assert status == 422, (bad, reply)
        assert_error(reply, "validation_failed", field)
    # Writing symptoms needs the write rule: a linked doctor without consent is refused.
    assert api.call("POST", checks, doctor, body=body)[0] == 403
    assert len(api.call("GET", f"/api/v1/patients/{patient_id}/symptoms", token)[2]["items"]) == 3
    assert len(api.call("GET", f"/api/v1/patients/{patient_id}/predictions", token)[2]["items"]) == 1


def test_predictions_join_the_timeline_and_the_export(api):
    token, patient_id = patient_with_readings(api)
    status, _, made = api.call("POST", predictions(patient_id, "diabetes"), token,
                               body={"glucose": 150, "insulin": 120})
    assert status == 201 and made["probability"] is not None, made
    timeline = f"/api/v1/patients/{patient_id}/timeline"
    status, _, page = api.call("GET", timeline + "?types=prediction", token)
    assert status == 200, page
    [item] = page["items"]
    assert item["kind"] == "prediction" and item["id"] == made["id"]
    assert item["occurred_at"] == made["created_at"] and "%" in item["summary"]
    assert item["entry"]["result"]["probability"] == made["probability"]
    status, _, everything = api.call("GET", timeline, token)
    assert everything["items"][0]["kind"] == "prediction"  # the newest entry
    status, _, exported = api.call("GET", f"/api/v1/patients/{patient_id}/export", token)
    assert status == 200
    assert [p["id"] for p in exported["predictions"]] == [made["id"]]
