"""Predictions for a patient, black-box on SQLite and PostgreSQL: inputs prefilled from the
record's latest readings and profile (the caller's own values win), each result stored in the
patient's history, the record's read rule on both the patient route and a body's "patient_id",
and nothing stored when the request fails."""
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


def predictions(patient_id, model=""):
    return f"/api/v1/patients/{patient_id}/predictions" + (f"/{model}" if model else "")


def by_feature(prefilled):
    return {item["feature"]: item for item in prefilled}


def test_prefill_reads_the_latest_values_of_the_record(api):
    token, patient_id = patient_with_readings(api)
    status, _, body = api.call("GET", predictions(patient_id, "diabetes") + "/prefill", token)
    assert status == 200, body
    inputs = body["inputs"]
    assert inputs["glucose"] == pytest.approx(162.2, abs=0.1)  # 9.0 mmol/L in mg/dL
    assert inputs["blood_pressure"] == 95
    assert inputs["bmi"] == pytest.approx(31.8)  # derived from 92 kg and 170 cm
    assert 45 <= inputs["age"] <= 46
    assert "sex" not in inputs and "insulin" not in inputs
    glucose = by_feature(body["prefilled"])["glucose"]
    assert glucose["source"] == "observation" and glucose["code"] == "2339-0"
    assert glucose["observation_id"] > 0 and glucose["effective_at"]

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


def test_a_body_patient_id_follows_the_record_read_rule(api):
    token, patient_id = patient_with_readings(api)
    other, other_id = api.patient("eva@example.org", name="Eva Lima")
    admin, _ = api.create_admin()
    stranger, _ = api.doctor("carla@example.org", admin, name="Dr Carla Reis")
    doctor, doctor_id = care_team(api, token, patient_id, admin)

    def ask(caller, patient):
        return api.call("POST", "/api/v1/predictions/diabetes", caller,
                        body={"patient_id": patient, "insulin": 120})

    status, _, own = ask(token, patient_id)
    assert status == 201 and own["patient_id"] == patient_id and own["prefilled"]
    assert ask(other, patient_id)[0] == 404          # another patient: not even its existence
    assert ask(stranger, patient_id)[0] == 403       # a doctor off the care team
    assert ask(admin, patient_id)[0] == 403          # admins need break-glass
    status, _, linked = ask(doctor, patient_id)       # a linked doctor may read, so may ask
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
