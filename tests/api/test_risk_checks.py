"""Honest risk checks and symptom triage, black-box on SQLite and PostgreSQL: questions that do
not apply are not asked or imputed (a man's pregnancies); prefill only from readings of the right
kind (LOINC) and from the record's diagnoses and conditions, saying where each value came from
and how old it is; "not enough information, add X and Y" instead of a number when most of the
model's importance would be guessed; a clinician's test results are marked as such; numbers
that are not numbers are a 422 naming the field in people's words; triage takes red flags,
critical readings of the last 24 hours and the severity given into account, with red flags and
critical rules coming from the monitoring rules (a rule added to the file flows through); the
symptom vocabulary and precautions are cleaned."""
import json

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


def patient(api, address, sex="female"):
    api.sign_up_patient(address, "Alex Sousa", sex=sex)
    api.verify(address)
    token, _, account = api.sign_in(address)
    return token, account["id"]


def predict(api, token, patient_id, model, body):
    return api.call("POST", f"/api/v1/patients/{patient_id}/predictions/{model}", token, body=body)


def importance(api, token, model):
    status, _, spec = api.call("GET", f"/api/v1/predictions/{model}", token)
    assert status == 200, spec
    return {i["name"]: i for i in spec["inputs"]}, spec


def test_a_mans_check_neither_asks_nor_imputes_pregnancies(api):
    token, patient_id = patient(api, "jose@example.org", sex="male")
    inputs, _ = importance(api, token, "diabetes")
    rule = inputs["pregnancies"]["not_asked_when"][0]
    assert rule["when"] == {"input": "sex", "levels": ["male"]} and rule["value"] == 0
    assert inputs["sex"]["context"] is True

    status, _, prefill = api.call("GET", f"/api/v1/patients/{patient_id}/predictions/diabetes/prefill",
                                  token)
    assert status == 200 and prefill["inputs"]["sex"] == "male"
    status, _, body = predict(api, token, patient_id, "diabetes",
                              {"glucose": 150, "insulin": 120, "bmi": 31})
    assert status == 201, body
    assert [f["feature"] for f in body["fixed"]] == ["pregnancies"]
    assert body["fixed"][0]["value"] == 0 and "men" in body["fixed"][0]["reason"]
    assert "pregnancies" not in body["missing"]
    assert all(i["feature"] != "pregnancies" for i in body["imputed"])
    pregnancies = next(c for c in body["contributions"] if c["feature"] == "pregnancies")
    assert pregnancies["imputed"] is False and "by definition" in pregnancies["text"]

    # A woman is asked (and the model estimates it when she leaves it out).
    token, woman = patient(api, "ana@example.org")
    status, _, body = predict(api, token, woman, "diabetes", {"glucose": 150, "insulin": 120})
    assert status == 201 and body["fixed"] == [] and "pregnancies" in body["missing"]


def test_too_little_information_gives_what_to_add_not_a_number(api):
    token, patient_id = patient(api, "ana@example.org")
    inputs, spec = importance(api, token, "heart")
    assert spec["confidence_rule"]["insufficient_above"] == 0.5
    clinician = {name for name, i in inputs.items() if i["audience"] == "clinician"}
    assert clinician == {"resting_ecg", "max_heart_rate", "exercise_angina", "st_depression",
                         "st_slope", "major_vessels", "thalassemia"}
    # Everything a patient can tell: the exercise-test, fluoroscopy and thallium results that
    # carry most of the model's weight would be guessed.
    status, _, body = predict(api, token, patient_id, "heart", {
        "chest_pain_type": "atypical_angina", "resting_bp": 145, "cholesterol": 260,
        "fasting_glucose_high": False})
    assert status == 201, body
    assert body["probability"] is None and body["risk_class"] is None
    assert body["contributions"] == [] and body["summary"] == [] and body["log_odds"] is None
    assert body["confidence"]["level"] == "insufficient"
    assert body["confidence"]["guessed_share"] > 0.5
    assert body["message"].startswith("Not enough information for an estimate")
    added = [a["feature"] for a in body["add"]]
    assert 1 <= len(added) <= 3 and set(added) <= clinician
    guessed = sorted((inputs[name]["importance"] for name in body["missing"]), reverse=True)
    assert [inputs[name]["importance"] for name in added] == guessed[:len(added)]
    assert "ask your doctor" in body["message"]
    for a in body["add"]:
        assert a["label"] in body["message"]
    # Stored as such: no number in the history either.
    status, _, history = api.call("GET", f"/api/v1/patients/{patient_id}/predictions?model=heart",
                                  token)
    [stored] = history["items"]
    assert stored["probability"] is None and stored["risk_class"] is None
    assert "not enough information" in stored["summary"]

    # A clinician's results make it an estimate.
    status, _, full = predict(api, token, patient_id, "heart", {
        "chest_pain_type": "asymptomatic", "resting_ecg": "normal", "max_heart_rate": 120,
        "exercise_angina": True, "st_depression": 2.1, "st_slope": "flat", "major_vessels": 2,
        "thalassemia": "reversible_defect"})
    assert status == 201 and full["confidence"]["level"] == "enough", full
    assert 0 < full["probability"] < 1 and full["risk_class"] in ("low", "moderate", "high")


def test_risk_bands_follow_one_rule_for_every_model(api):
    token, _ = patient(api, "ana@example.org")
    for model in ("diabetes", "heart", "stroke"):
        _, spec = importance(api, token, model)
        bands = spec["risk_bands"]
        odds = lambda p: p / (1 - p)  # noqa: E731
        assert odds(bands["moderate"]) == pytest.approx(odds(bands["average"]) / 2)
        assert odds(bands["high"]) == pytest.approx(odds(bands["average"]) * 2)


def test_numbers_that_are_not_numbers_are_refused_in_peoples_words(api):
    token, patient_id = patient(api, "ana@example.org")
    for body, field, words in (
            ({"glucose": "47,5"}, "glucose",
             "Glucose 2 hours after a glucose drink (OGTT) must be a number in mg/dL"),
            ({"bmi": "abc"}, "bmi", "Body mass index (BMI) must be a number"),
            ({"bmi": 500}, "bmi", "Body mass index (BMI) must be from 12 to 80 kg/m² (you entered 500)")):
        status, _, reply = predict(api, token, patient_id, "diabetes", body)
        assert status == 422, reply
        assert_error(reply, "validation_failed", field)
        assert words in reply["error"]["message"]
    status, _, reply = predict(api, token, patient_id, "stroke", {"age": 40, "work_type": "children"})
    assert status == 422 and reply["error"]["field"] == "work_type"
    assert "under 18" in reply["error"]["message"]
    status, _, history = api.call("GET", f"/api/v1/patients/{patient_id}/predictions", token)
    assert history["items"] == []


def test_prefill_from_the_right_readings_diagnoses_and_conditions(api):
    token, patient_id = patient(api, "ana@example.org")
    admin, _ = api.create_admin()
    doctor, _ = care_team(api, token, patient_id, admin, grant=True)
    record(api, token, patient_id, {"metric": "glucose", "value": 250, "unit": "mg/dL"})
    record(api, token, patient_id, {"metric": "hba1c", "value": 7.0, "unit": "%"})
    path = f"/api/v1/patients/{patient_id}/diagnoses"
    status, _, diagnosis = api.call("POST", path, doctor, body={
        "description": "Essential hypertension", "icd10_code": "I10", "status": "active",
        "diagnosed_at": "2025-01-10T09:00:00Z"})
    assert status == 201, diagnosis
    status, _, _ = api.call("POST", path, doctor, body={
        "description": "Atrial fibrillation", "icd10_code": "I48.0", "status": "resolved",
        "diagnosed_at": "2024-01-10T09:00:00Z"})
    assert status == 201
    prefill = f"/api/v1/patients/{patient_id}/predictions/stroke/prefill"
    status, _, body = api.call("GET", prefill, token)
    assert status == 200, body
    items = {item["feature"]: item for item in body["prefilled"]}
    assert body["inputs"]["hypertension"] == "yes"
    assert items["hypertension"]["source"] == "diagnosis"
    assert items["hypertension"]["code"] == "I10"
    assert items["hypertension"]["diagnosis_id"] == diagnosis["id"]
    assert items["hypertension"]["age_days"] > 300
    assert "heart_disease" not in body["inputs"]  # resolved: says nothing now
    # Average glucose from HbA1c (ADAG), not the random 250 mg/dL.
    assert body["inputs"]["avg_glucose"] == pytest.approx(28.7 * 7.0 - 46.7, abs=0.06)
    assert items["avg_glucose"]["code"] == "4548-4" and items["avg_glucose"]["age_days"] == 0
    status, _, diabetes = api.call(
        "GET", f"/api/v1/patients/{patient_id}/predictions/diabetes/prefill", token)
    assert "glucose" not in diabetes["inputs"]

    # A condition in the profile counts too; a negated one does not.
    profile = f"/api/v1/patients/{patient_id}/profile"
    assert api.call("PUT", profile, token,
                    body={"conditions": ["Heart failure", "No diabetes"]})[0] == 200
    status, _, body = api.call("GET", prefill, token)
    items = {item["feature"]: item for item in body["prefilled"]}
    assert items["heart_disease"]["source"] == "condition"
    assert items["heart_disease"]["text"] == "Heart failure"
    assert items["heart_disease"]["age_days"] == 0
    # The prediction uses them and says so.
    status, _, made = predict(api, token, patient_id, "stroke", {"smoking_status": "never_smoked"})
    assert status == 201, made
    assert made["inputs"]["hypertension"] == "yes" and made["inputs"]["heart_disease"] == "yes"
    assert {p["source"] for p in made["prefilled"]} >= {"diagnosis", "condition", "observation"}


def symptom_check(api, token, patient_id, body):
    return api.call("POST", f"/api/v1/patients/{patient_id}/symptom-checks", token, body=body)


def test_severe_chest_pain_is_never_self_care(api):
    token, patient_id = patient(api, "ana@example.org")
    status, _, anonymous = api.call("POST", "/api/v1/symptom-check", token,
                                    body={"symptoms": ["chest_pain"], "severity": 9})
    assert status == 200, anonymous
    assert anonymous["triage"]["level"] == "emergency"
    assert anonymous["triage"]["action"] == "Call your emergency number now."
    assert any("Chest pain at 9 of 10" in r for r in anonymous["triage"]["reasons"])

    status, _, saved = symptom_check(api, token, patient_id,
                                     {"symptoms": ["chest_pain"], "severity": 9})
    assert status == 201, saved
    assert saved["triage"]["level"] == "emergency"
    # The saved check raised the alert; with nobody on the care team, the answer says so.
    assert saved["advice"]["care_team"] == "none"
    assert "no doctor on your care team" in saved["advice"]["care_team_text"]
    assert anonymous.get("advice") is None
    status, _, history = api.call(
        "GET", f"/api/v1/patients/{patient_id}/predictions?model=symptom_check", token)
    assert history["items"][0]["risk_class"] == "emergency"
    # Minutes later, a check of something mild still remembers the chest pain logged today.
    status, _, later = symptom_check(api, token, patient_id, {"symptoms": ["itching"], "severity": 2})
    assert status == 201 and later["triage"]["level"] == "emergency", later
    assert any("chest pain at 9 of 10" in r for r in later["triage"]["reasons"])


def test_a_critical_reading_of_the_last_day_makes_the_check_urgent(api):
    token, patient_id = patient(api, "ana@example.org")
    record(api, token, patient_id, {"metric": "spo2", "value": 88, "unit": "%"})
    status, _, saved = symptom_check(api, token, patient_id,
                                     {"symptoms": ["headache"], "severity": 3})
    assert status == 201, saved
    assert saved["triage"]["level"] == "emergency"
    assert any("88 %" in r for r in saved["triage"]["reasons"])
    # Only what the request gives counts without a record.
    status, _, anonymous = api.call("POST", "/api/v1/symptom-check", token,
                                    body={"symptoms": ["headache"], "severity": 3})
    assert anonymous["triage"]["level"] == "self_care"
    # A doctor's check reads the same findings, and the read is in the patient's access log.
    admin, _ = api.create_admin()
    doctor, doctor_id = care_team(api, token, patient_id, admin, grant=True)
    # A red-flag symptom with a care team: they are told, by name, in the same answer.
    status, _, flagged = symptom_check(api, token, patient_id,
                                       {"symptoms": ["chest_pain", "breathlessness"], "severity": 8})
    assert status == 201, flagged
    assert flagged["advice"]["care_team"] == "alerted", flagged["advice"]
    assert flagged["advice"]["alerted"] == ["Dr Bruno Costa"]
    assert "Your care team has been told: Dr Bruno Costa" in flagged["advice"]["care_team_text"]
    status, _, by_doctor = symptom_check(api, doctor, patient_id,
                                         {"symptoms": ["headache"], "severity": 3})
    assert status == 201 and by_doctor["triage"]["level"] == "emergency", by_doctor
    status, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", token)
    assert any(e["actor_id"] == doctor_id and e["resource_type"] == "critical_findings"
               for e in log["items"])


def test_own_words_are_logged_and_severity_still_counts(api):
    token, patient_id = patient(api, "ana@example.org")
    status, _, saved = symptom_check(api, token, patient_id,
                                     {"other_symptoms": ["toothache"], "severity": 9})
    assert status == 201, saved
    assert saved["conditions"] == [] and saved["triage"]["level"] == "urgent"
    assert saved["other_symptoms"] == ["toothache"]
    status, _, tracked = api.call("GET", f"/api/v1/patients/{patient_id}/symptoms", token)
    assert [e["free_text"] for e in tracked["items"]] == ["toothache"]
    status, _, reply = symptom_check(api, token, patient_id, {"severity": 3})
    assert status == 422 and reply["error"]["field"] == "symptoms"


def test_critical_rules_added_to_the_rules_file_flow_through(start_server, sqlite_database, smtp,  # noqa: F811
                                                             tmp_path):
    rules = json.loads((MODELS.parent / "config" / "alert_rules.json").read_text())
    rules["rules"].append({"id": "headache_red_flag", "title": "A sudden severe headache",
                           "severity": "critical", "kind": "symptom", "symptoms": ["headache"],
                           "advice": "call_now", "source": "a test of the rules file"})
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules))
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH,
                          f"--models={MODELS}", f"--datasets={DATASETS}", f"--alert-rules={path}")
    api = Api(server, smtp, tmp_path)
    token, _ = patient(api, "ana@example.org")
    status, _, body = api.call("POST", "/api/v1/symptom-check", token,
                               body={"symptoms": ["headache"], "severity": 8})
    assert status == 200 and body["triage"]["level"] == "emergency", body


def test_vocabulary_and_precautions_are_cleaned(api):
    token, _ = patient(api, "ana@example.org")
    status, _, vocabulary = api.call("GET", "/api/v1/symptoms/vocabulary", token)
    keys = {item["key"] for item in vocabulary["items"]}
    labels = {item["label"] for item in vocabulary["items"]}
    assert "cold_hands_and_feet" in keys and "cold_hands_and_feets" not in keys
    assert "Scarring" in labels and "Scurring" not in labels
    assert "extra_marital_contacts" not in keys
    status, _, body = api.call("POST", "/api/v1/symptom-check", token, body={"symptoms": [
        "headache", "chest_pain", "dizziness", "loss_of_balance", "lack_of_concentration"]})
    assert status == 200
    hypertension = next(c for c in body["conditions"] if c["condition"] == "Hypertension")
    assert "salt baths" not in hypertension["precautions"]
    assert "eat less salt" in hypertension["precautions"]
