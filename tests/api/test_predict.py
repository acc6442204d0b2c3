"""Risk prediction over HTTP and the batch `vitalis predict` command, with the shipped models
under models/. Prediction is dialect-independent, so these run on SQLite only."""
import csv
import io
import json
import math
import os
import pathlib
import subprocess

import pytest

from conftest import BIN, ROOT, assert_error, signed_in_admin

MODELS = ROOT / "models"
DATASETS = pathlib.Path(os.environ.get("VITALIS_DATASETS", ROOT.parent / "shared" / "datasets"))

DIABETES = {
    "pregnancies": 2, "glucose": 168, "blood_pressure": 72, "skin_thickness": 30,
    "insulin": 150, "bmi": 33.1, "diabetes_pedigree": 0.5, "age": 45,
}
HEART = {
    "age": 61, "sex": "male", "chest_pain_type": "asymptomatic", "resting_bp": 145,
    "cholesterol": 260, "fasting_glucose_high": False, "resting_ecg": "lv_hypertrophy",
    "max_heart_rate": 120, "exercise_angina": True, "st_depression": 2.1, "st_slope": "flat",
    "major_vessels": 2, "thalassemia": "reversible_defect",
}
STROKE = {
    "sex": "female", "age": 79, "hypertension": True, "heart_disease": False,
    "ever_married": "yes", "work_type": "self_employed", "residence": "rural",
    "avg_glucose": 174.1, "bmi": 24.0, "smoking_status": "never_smoked",
}


@pytest.fixture
def predict_server(start_server, sqlite_database, tmp_path):
    server = start_server(sqlite_database, f"--models={MODELS}", f"--datasets={DATASETS}")
    return signed_in_admin(server, tmp_path)


def test_predictions_need_a_signed_in_caller(predict_server):
    anonymous = predict_server.server
    for method, path in (("GET", "/api/v1/predictions"), ("POST", "/api/v1/predictions/heart"),
                         ("POST", "/api/v1/symptom-check"), ("GET", "/api/v1/air-quality/areas")):
        status, _, body = anonymous.json(method, path, json_body={} if method == "POST" else None)
        assert status == 401, (method, path, body)


def post(server, model, body):
    return server.json("POST", f"/api/v1/predictions/{model}", json_body=body)


def check_prediction(body, model, inputs):
    assert body["model"] == model
    metadata = json.loads((MODELS / model / "metadata.json").read_text())
    assert body["model_version"] == metadata["version"]
    assert body["confidence"]["level"] in ("enough", "low"), body["message"]
    assert 0 < body["probability"] < 1
    thresholds = metadata["thresholds"]
    expected = ("high" if body["probability"] >= thresholds["high"] else
                "moderate" if body["probability"] >= thresholds["moderate"] else "low")
    assert body["risk_class"] == expected
    contributions = body["contributions"]
    assert {c["feature"] for c in contributions} == {f["name"] for f in metadata["features"]}
    sizes = [abs(c["log_odds"]) for c in contributions]
    assert sizes == sorted(sizes, reverse=True)
    # SHAP values add up to the model's log-odds.
    assert math.isclose(body["base_log_odds"] + sum(c["log_odds"] for c in contributions),
                        body["log_odds"], abs_tol=1e-3)
    assert all(c["text"] for c in contributions)
    assert body["summary"] == [c["text"] for c in contributions[:len(body["summary"])]]
    given = {name for name, value in inputs.items() if value is not None}
    fixed = {field["feature"] for field in body["fixed"]}  # not asked: set by definition
    assert set(body["missing"]) == {f["name"] for f in metadata["features"]} - given - fixed


@pytest.mark.parametrize("model,inputs", [("diabetes", DIABETES), ("heart", HEART),
                                          ("stroke", STROKE)])
def test_prediction_with_every_input(predict_server, model, inputs):
    status, headers, body = post(predict_server, model, inputs)
    assert status == 200, body
    assert headers["content-type"] == "application/json"
    check_prediction(body, model, inputs)
    assert body["missing"] == [] and body["imputed"] == []


def test_explanations_speak_plainly_with_units(predict_server):
    status, _, body = post(predict_server, "diabetes", DIABETES)
    assert status == 200
    glucose = next(c for c in body["contributions"] if c["feature"] == "glucose")
    assert glucose["value"] == 168
    assert glucose["log_odds"] > 0
    assert glucose["label"] == "Glucose 2 hours after a glucose drink (OGTT)"
    assert glucose["text"].startswith(
        "Your glucose 2 hours after a glucose drink (OGTT) of 168 mg/dL raised the estimate")
    # No feature codes ("diabetes_pedigree") in what people read.
    for contribution in body["contributions"]:
        assert "_" not in contribution["text"], contribution["text"]


def test_higher_risk_inputs_give_a_higher_probability(predict_server):
    _, _, low = post(predict_server, "heart", {"age": 35, "sex": "female",
                                                "chest_pain_type": "non_anginal_pain",
                                                "max_heart_rate": 180, "exercise_angina": False,
                                                "st_depression": 0, "st_slope": "up",
                                                "major_vessels": 0, "thalassemia": "normal"})
    _, _, high = post(predict_server, "heart", HEART)
    assert low["probability"] < high["probability"]
    assert low["risk_class"] == "low" and high["risk_class"] == "high"


def test_explanations_are_relative_to_the_average_patient(predict_server):
    # A child's age lowers stroke risk whatever kind of model is shipped (for a linear model the
    # raw w * x would always "raise" it).
    status, _, body = post(predict_server, "stroke", {"age": 12, "avg_glucose": 90})
    assert status == 200, body
    age = next(c for c in body["contributions"] if c["feature"] == "age")
    assert age["log_odds"] < 0
    assert "lowered the estimate" in age["text"]
    _, _, old = post(predict_server, "stroke", {"age": 80, "avg_glucose": 90})
    age = next(c for c in old["contributions"] if c["feature"] == "age")
    assert age["log_odds"] > 0


def test_missing_inputs_are_imputed_and_listed(predict_server):
    inputs = {"glucose": 150, "bmi": 31.0, "age": 50, "insulin": None}
    status, _, body = post(predict_server, "diabetes", inputs)
    assert status == 200, body
    check_prediction(body, "diabetes", inputs)
    imputed = {field["feature"]: field for field in body["imputed"]}
    assert set(imputed) <= set(body["missing"])
    assert "insulin" in imputed
    assert 10 <= imputed["insulin"]["value"] <= 1000
    assert imputed["insulin"]["display"].endswith("µU/mL")
    insulin = next(c for c in body["contributions"] if c["feature"] == "insulin")
    assert insulin["imputed"] is True and "was not given; the model assumed" in insulin["text"]


def test_units_are_converted(predict_server):
    rest = {"age": 40, "bmi": 30, "insulin": 100}
    _, _, mg = post(predict_server, "diabetes", {"glucose": 126.1, **rest})
    status, _, mmol = post(predict_server, "diabetes",
                           {"glucose": {"value": 7.0, "unit": "mmol/L"}, **rest})
    assert status == 200, mmol
    assert math.isclose(mg["probability"], mmol["probability"], abs_tol=1e-3)


@pytest.mark.parametrize("inputs,field", [
    ({"glucose": 1000}, "glucose"),
    ({"glucose": -5}, "glucose"),
    ({"glucose": "high"}, "glucose"),
    ({"glucose": "47,5"}, "glucose"),
    ({"bmi": "abc"}, "bmi"),
    ({"glucose": {"value": 7, "unit": "g/L"}}, "glucose"),
    ({"pregnancies": 2.5}, "pregnancies"),
    ({"sugar": 100}, "sugar"),
    ({}, "inputs"),
    ({"age": None}, "inputs"),
    ({"patient_id": "17"}, "patient_id"),
])
def test_invalid_inputs_are_422_naming_the_field(predict_server, inputs, field):
    status, _, body = post(predict_server, "diabetes", inputs)
    assert status == 422, body
    assert_error(body, "validation_failed", field)


def test_invalid_levels_are_422(predict_server):
    status, _, body = post(predict_server, "stroke", {"age": 50, "work_type": "astronaut"})
    assert status == 422
    assert_error(body, "validation_failed", "work_type")
    assert "private" in body["error"]["message"]
    status, _, body = post(predict_server, "heart", {"age": 50, "exercise_angina": 3})
    assert status == 422
    assert_error(body, "validation_failed", "exercise_angina")


def test_body_that_is_not_an_object_is_422(predict_server):
    status, _, body = post(predict_server, "stroke", [1, 2, 3])
    assert status == 422
    assert_error(body, "validation_failed", "body")


def test_malformed_json_is_400(predict_server):
    status, _, body = predict_server.json(
        "POST", "/api/v1/predictions/diabetes", body='{"glucose": 1',
        headers={"Content-Type": "application/json"})
    assert status == 400
    assert_error(body, "malformed_request", "body")
    status, _, body = predict_server.json(
        "POST", "/api/v1/predictions/diabetes", body="",
        headers={"Content-Type": "application/json"})
    assert status == 400
    assert_error(body, "malformed_request", "body")


def test_wrong_content_type_is_415(predict_server):
    status, _, body = predict_server.json(
        "POST", "/api/v1/predictions/diabetes", body="glucose=100",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415
    assert_error(body, "unsupported_media_type")


def test_unknown_model_is_404(predict_server):
    status, _, body = post(predict_server, "cancer", {"age": 50})
    assert status == 404
    assert_error(body, "not_found")
    status, _, body = predict_server.json("GET", "/api/v1/predictions/cancer")
    assert status == 404


def test_wrong_method_is_405(predict_server):
    status, headers, body = predict_server.json("DELETE", "/api/v1/predictions/diabetes")
    assert status == 405
    assert "POST" in headers["allow"]


def test_oversized_body_is_413(predict_server):
    inputs = dict(DIABETES, padding="x" * 20000)
    status, _, body = post(predict_server, "diabetes", inputs)
    assert status == 413
    assert_error(body, "payload_too_large")


def test_models_and_their_inputs_are_described(predict_server):
    status, _, body = predict_server.json("GET", "/api/v1/predictions")
    assert status == 200
    assert [(m["model"], m["available"]) for m in body["models"]] == [
        ("diabetes", True), ("heart", True), ("stroke", True)]
    status, _, body = predict_server.json("GET", "/api/v1/predictions/diabetes")
    assert status == 200
    glucose = next(i for i in body["inputs"] if i["name"] == "glucose")
    assert glucose["unit"] == "mg/dL" and glucose["min"] == 40 and glucose["max"] == 400
    assert body["thresholds"]["moderate"] < body["thresholds"]["high"]
    assert "twice" in body["risk_bands"]["definition"]


def test_server_without_models_starts_and_answers_503(start_server, sqlite_database, tmp_path):
    server = signed_in_admin(start_server(sqlite_database, f"--models={tmp_path / 'no-models'}",
                                          f"--datasets={tmp_path / 'no-datasets'}"), tmp_path)
    status, _, body = post(server, "heart", HEART)
    assert status == 503
    assert_error(body, "unavailable")
    status, _, body = server.json("POST", "/api/v1/symptom-check",
                                  json_body={"symptoms": ["itching"]})
    assert status == 503
    assert_error(body, "unavailable")
    status, _, body = server.json("GET", "/api/v1/air-quality/areas?query=hart")
    assert status == 503
    for message in ("prediction model not loaded", "symptom checker not loaded",
                    "air-quality data not loaded"):
        assert any(message in line for line in server.log_lines), message
    status, _, body = server.json("GET", "/healthz")
    assert status == 200


# Batch scoring: `vitalis predict --model NAME --input FILE.csv --output OUT.csv`.

STROKE_CSV = (
    "id,gender,age,hypertension,heart_disease,ever_married,work_type,Residence_type,"
    "avg_glucose_level,bmi,smoking_status,stroke\r\n"
    "1,Male,67,0,1,Yes,Private,Urban,228.69,36.6,formerly smoked,1\r\n"
    "2,Female,12,0,0,No,children,Rural,80.1,N/A,Unknown,0\r\n"
    "3,Other,80,1,1,Yes,Self-employed,Rural,250.0,N/A,smokes,1\r\n"
)


def run_predict(tmp_path, model, text, *extra):
    source = tmp_path / "input.csv"
    source.write_text(text)
    out = tmp_path / "out.csv"
    result = subprocess.run([BIN, "predict", f"--model={model}", f"--input={source}",
                             f"--output={out}", f"--models={MODELS}", *extra],
                            capture_output=True, text=True, timeout=60)
    return result, out


def test_batch_scoring_writes_one_row_per_input_in_order(tmp_path, predict_server):
    result, out = run_predict(tmp_path, "stroke", STROKE_CSV)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == ["row", "probability", "risk_class"]
    assert [r["row"] for r in rows] == ["1", "2", "3"]
    assert all(0 < float(r["probability"]) < 1 for r in rows)
    assert all(r["risk_class"] in {"low", "moderate", "high"} for r in rows)
    # The child is far below the older adults with vascular risk factors.
    assert float(rows[1]["probability"]) < float(rows[0]["probability"])
    assert float(rows[1]["probability"]) < float(rows[2]["probability"])
    # Same numbers as the API for the same patient.
    _, _, body = post(predict_server, "stroke", {
        "sex": "male", "age": 67, "hypertension": False, "heart_disease": True,
        "ever_married": "yes", "work_type": "private", "residence": "urban",
        "avg_glucose": 228.69, "bmi": 36.6, "smoking_status": "formerly_smoked"})
    assert math.isclose(float(rows[0]["probability"]), body["probability"], abs_tol=1e-5)


def test_batch_scoring_follows_the_dataset_missing_conventions(tmp_path):
    text = ("Pregnancies,Glucose,BloodPressure,SkinThickness,Insulin,BMI,"
            "DiabetesPedigreeFunction,Age,Outcome\n"
            "1,150,70,0,0,32.0,0.4,45,1\n"
            "1,150,70,,,32.0,0.4,45,1\n")
    result, out = run_predict(tmp_path, "diabetes", text)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2
    # A zero skin fold or insulin means "not measured", exactly like an empty cell.
    assert rows[0]["probability"] == rows[1]["probability"]


@pytest.mark.parametrize("model,text,message", [
    ("diabetes", "Glucose,Age\n100,40\n", "Pregnancies"),
    ("stroke", STROKE_CSV.replace("Private", "Astronaut"), "work_type"),
    ("cancer", STROKE_CSV, "unknown model"),
])
def test_batch_scoring_rejects_bad_input(tmp_path, model, text, message):
    result, out = run_predict(tmp_path, model, text)
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


# Symptom checker: POST /api/v1/symptom-check.

def test_symptom_check_suggests_conditions_with_advice(predict_server):
    status, _, body = predict_server.json("POST", "/api/v1/symptom-check", json_body={
        "symptoms": ["itching", "skin rash", "nodal_skin_eruptions"]})
    assert status == 200, body
    assert body["symptoms"] == ["itching", "skin_rash", "nodal_skin_eruptions"]
    top = body["conditions"][0]
    assert top["condition"] == "Fungal infection"
    assert 0.5 < top["probability"] <= 1
    assert top["description"] and top["precautions"]
    probabilities = [c["probability"] for c in body["conditions"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert body["triage"]["level"] == "self_care"
    assert body["triage"]["action"].startswith("Self-care is probably enough")
    assert "not a diagnosis" in body["notice"]


def test_symptom_check_red_flags_are_urgent(predict_server):
    status, _, body = predict_server.json("POST", "/api/v1/symptom-check", json_body={
        "symptoms": ["chest_pain", "breathlessness", "sweating"]})
    assert status == 200, body
    assert body["triage"]["level"] == "urgent"
    assert any("Chest pain" in reason for reason in body["triage"]["reasons"])


def test_symptom_list_is_published(predict_server):
    status, _, body = predict_server.json("GET", "/api/v1/symptom-check/symptoms")
    assert status == 200
    # 131 in the dataset; five entries that are not symptoms are left out (corrections table).
    assert len(body["symptoms"]) == 126 and "skin_rash" in body["symptoms"]


@pytest.mark.parametrize("payload,field", [
    ({"symptoms": ["itching", "purple_ears"]}, "symptoms"),
    ({"symptoms": []}, "symptoms"),
    ({"symptoms": "itching"}, "symptoms"),
    ({"symptoms": [1, 2]}, "symptoms"),
    ({}, "symptoms"),
    ({"symptoms": ["itching"], "age": 40}, "age"),
    ({"symptoms": ["itching"], "severity": 11}, "severity"),
    ({"symptoms": ["itching"], "severity": "bad"}, "severity"),
    (["itching"], "body"),
])
def test_symptom_check_rejects_bad_input(predict_server, payload, field):
    status, _, body = predict_server.json("POST", "/api/v1/symptom-check", json_body=payload)
    assert status == 422, body
    assert_error(body, "validation_failed", field)


def test_symptom_check_needs_json(predict_server):
    status, _, body = predict_server.json("POST", "/api/v1/symptom-check", body="itching",
                                          headers={"Content-Type": "text/plain"})
    assert status == 415
    status, _, body = predict_server.json("POST", "/api/v1/symptom-check", body="{",
                                          headers={"Content-Type": "application/json"})
    assert status == 400


# Air-quality aid: GET /api/v1/air-quality/areas?query= and /areas/{code}.

def test_air_quality_search_and_detail(predict_server):
    status, _, body = predict_server.json("GET", "/api/v1/air-quality/areas?query=hartle")
    assert status == 200, body
    assert [a["code"] for a in body["items"]] == ["E06000001"]
    assert "not a personal risk" in body["meaning"]
    status, _, area = predict_server.json("GET", "/api/v1/air-quality/areas/E06000001")
    assert status == 200, area
    assert area["name"] == "Hartlepool"
    assert area["latest"] == {"year": 2021, "percent": 4.54, "method": "new"}
    assert 1 <= area["rank"]["position"] <= area["rank"]["of"]
    assert len(area["old_method"]) == 10 and area["old_method"][0] == {"year": 2010, "percent": 4.7}
    trend = area["trend"]
    assert trend["low"] < trend["percent_points_per_year"] < trend["high"]
    assert trend["years"] == 10


def test_air_quality_errors(predict_server):
    status, _, body = predict_server.json("GET", "/api/v1/air-quality/areas/E99999999")
    assert status == 404
    assert_error(body, "not_found")
    for query in ("", "?query=", "?query=a"):
        status, _, body = predict_server.json("GET", f"/api/v1/air-quality/areas{query}")
        assert status == 422, query
        assert_error(body, "validation_failed", "query")
    status, _, body = predict_server.json("GET", "/api/v1/air-quality/areas?query=%zz")
    assert status == 400
