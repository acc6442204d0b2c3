"""Monitoring, black-box on SQLite and PostgreSQL: chart series (raw and downsampled), trends,
alerts from the rules file raised exactly once and delivered to each linked doctor (in-app and
through a real SMTP server), the alerts inbox, notifications, and the doctor's patient search."""
import datetime
import json
import subprocess
import threading
import urllib.parse

import pytest

from conftest import BIN, assert_error, wait_until
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)
from test_records import care_team, observations, record

ALERT_SUBJECT = "A new alert on Vitalis"


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          "--public-url=https://vitalis.example", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def ago(**delta):
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(**delta)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def pressure(api, token, patient_id, systolic, diastolic, **delta):
    return record(api, token, patient_id, {"metric": "blood_pressure", "systolic": systolic,
                                           "diastolic": diastolic, "unit": "mm[Hg]",
                                           "effective_at": ago(**delta)})


def query(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


def alert_mails(api, address):
    return [m for m in api.smtp.to(address) if m["Subject"] == ALERT_SUBJECT]


# --- series and trends ---------------------------------------------------------------------

def test_series_are_raw_when_few_and_bucketed_in_the_database_when_many(api):
    patient, patient_id = api.patient("ana@example.org")
    for day in range(12):
        record(api, patient, patient_id, {"metric": "heart_rate", "value": 60 + day,
                                          "unit": "/min", "effective_at": ago(days=12 - day)})
    series = observations(patient_id) + "/series"

    status, _, reply = api.call("GET", query(series, code="heart_rate", **{"from": ago(days=30)}),
                                patient)
    assert status == 200, reply
    [raw] = reply["series"]
    assert raw["code"] == "8867-4" and raw["unit"] == "/min" and raw["mode"] == "raw"
    assert [p["mean"] for p in raw["points"]] == list(range(60, 72))
    assert all(p["count"] == 1 and p["min"] == p["max"] == p["mean"] for p in raw["points"])

    status, _, reply = api.call("GET", query(series, code="8867-4", points=4,
                                             **{"from": ago(days=13), "to": ago(days=0)}), patient)
    assert status == 200, reply
    [bucketed] = reply["series"]
    assert bucketed["mode"] == "buckets" and 1 <= len(bucketed["points"]) <= 4
    assert bucketed["bucket_seconds"] >= 13 * 86400 / 4
    assert sum(p["count"] for p in bucketed["points"]) == 12
    assert bucketed["points"][0]["min"] == 60 and bucketed["points"][-1]["max"] == 71
    assert min(p["min"] for p in bucketed["points"]) == 60
    for point in bucketed["points"]:
        assert point["min"] <= point["mean"] <= point["max"]
    times = [p["time"] for p in bucketed["points"]]
    assert times == sorted(times)

    # The range limits the readings.
    status, _, reply = api.call("GET", query(series, code="heart_rate",
                                             **{"from": ago(days=3, hours=12)}), patient)
    assert [p["mean"] for p in reply["series"][0]["points"]] == [69, 70, 71]


def test_blood_pressure_has_one_series_per_code_and_trends_have_slopes(api):
    patient, patient_id = api.patient("ana@example.org")
    for day, systolic in enumerate([120, 122, 124, 126]):
        pressure(api, patient, patient_id, systolic, 80, days=4 - day)
    status, _, reply = api.call("GET", query(observations(patient_id) + "/series",
                                             code="blood_pressure"), patient)
    assert status == 200, reply
    assert [s["code"] for s in reply["series"]] == ["8480-6", "8462-4"]
    assert [p["mean"] for p in reply["series"][0]["points"]] == [120, 122, 124, 126]

    status, _, reply = api.call("GET", query(observations(patient_id) + "/trend",
                                             code="blood_pressure", readings=3), patient)
    assert status == 200, reply
    systolic, diastolic = reply["trends"]
    assert systolic["n"] == 3 and systolic["slope_per_day"] == pytest.approx(2.0, abs=0.01)
    assert systolic["direction"] == "rising"
    assert systolic["first"]["value"] == 122 and systolic["last"]["value"] == 126
    assert diastolic["direction"] == "stable" and diastolic["slope_per_day"] == pytest.approx(0)

    status, _, reply = api.call("GET", query(observations(patient_id) + "/trend",
                                             code="heart_rate", days=7), patient)
    assert reply["trends"][0]["n"] == 0
    assert reply["trends"][0]["direction"] == "insufficient_data"
    assert reply["trends"][0]["slope_per_day"] is None


def test_series_and_trend_errors_name_the_field_and_reads_are_audited(api):
    patient, patient_id = api.patient("ana@example.org")
    series = observations(patient_id) + "/series"
    trend = observations(patient_id) + "/trend"
    # A far bound is a valid query, not an overflow of the system clock (which ends in 2262).
    status, _, reply = api.call("GET", query(series, code="spo2", **{
        "from": "0001-01-01T00:00:00Z", "to": "9999-12-31T00:00:00Z"}), patient)
    assert status == 200, reply
    for path, field in [(series, "code"), (query(series, code="mood"), "code"),
                        (query(series, code="spo2", points=1), "points"),
                        (query(series, code="spo2", points="x"), "points"),
                        (query(series, code="spo2", **{"from": "yesterday"}), "from"),
                        (query(series, code="spo2", to="2026-13-01T00:00:00Z"), "to"),
                        (query(series, code="spo2", **{"from": ago(days=1), "to": ago(days=2)}),
                         "from"),
                        (trend, "code"), (query(trend, code="spo2", days=0), "days"),
                        (query(trend, code="spo2", readings=1), "readings"),
                        (query(trend, code="spo2", days=3, readings=3), "days")]:
        status, _, reply = api.call("GET", path, patient)
        assert status == 422, (path, reply)
        assert_error(reply, "validation_failed", field)

    admin, _ = api.create_admin()
    doctor, _ = care_team(api, patient, patient_id, admin)
    assert api.call("GET", query(series, code="spo2"), doctor)[0] == 200
    assert api.call("GET", query(trend, code="spo2"), doctor)[0] == 200
    _, _, log = api.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    read = [e["resource_type"] for e in log["items"] if e["action"] == "record.read"]
    assert "observation_series" in read and "observation_trend" in read


# --- alerts --------------------------------------------------------------------------------

def test_an_alert_is_raised_once_mailed_once_to_each_linked_doctor_and_again_after_resolve(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    first, first_id = care_team(api, patient, patient_id, admin, "bruno@example.org")
    second, _ = care_team(api, patient, patient_id, admin, "carla@example.org")
    outsider, _ = api.doctor("dora@example.org", admin, name="Dr Dora Reis")

    # Normal and isolated high readings raise nothing.
    pressure(api, patient, patient_id, 118, 76, days=6)
    pressure(api, patient, patient_id, 150, 85, days=40)
    pressure(api, patient, patient_id, 135, 92, days=5)
    record(api, patient, patient_id, {"metric": "spo2", "value": 97, "unit": "%"})
    _, _, inbox = api.call("GET", "/api/v1/alerts", first)
    assert inbox["items"] == []

    pressure(api, patient, patient_id, 145, 88, days=4)
    for hours in range(8):  # many qualifying readings, one alert
        pressure(api, patient, patient_id, 165, 102, hours=72 - hours)
    _, _, inbox = api.call("GET", "/api/v1/alerts", first)
    [alert] = inbox["items"]
    assert alert["rule_id"] == "bp_stage2" and alert["status"] == "open"
    assert alert["patient_id"] == patient_id and alert["patient_name"] == "Ana Silva"
    assert alert["severity"] == "high" and alert["trigger_type"] == "observation"
    assert api.call("GET", "/api/v1/alerts", second)[2]["items"] == [alert]
    assert api.call("GET", "/api/v1/alerts", outsider)[2]["items"] == []
    _, _, own = api.call("GET", f"/api/v1/patients/{patient_id}/alerts", patient)
    assert [a["id"] for a in own["items"]] == [alert["id"]]

    for address in ("bruno@example.org", "carla@example.org"):
        assert wait_until(lambda: len(alert_mails(api, address)) == 1, 15), address
        text = alert_mails(api, address)[0].get_body(preferencelist=("plain",)).get_content()
        assert "https://vitalis.example/doctor/alerts" in text
        for secret in ("Ana", "Silva", "pressure", "165", "stage"):
            assert secret not in text and secret not in alert_mails(api, address)[0]["Subject"]
    assert alert_mails(api, "dora@example.org") == []

    # In-app: one notification per linked doctor, marked read by its owner only.
    _, _, notes = api.call("GET", "/api/v1/notifications", first)
    [note] = notes["items"]
    assert note["alert_id"] == alert["id"] and note["read_at"] is None
    assert api.call("POST", f"/api/v1/notifications/{note['id']}/read", second)[0] == 404
    assert api.call("POST", f"/api/v1/notifications/{note['id']}/read", first)[0] == 200
    assert api.call("POST", f"/api/v1/notifications/{note['id']}/read", first)[0] == 200
    assert api.call("GET", "/api/v1/notifications", first)[2]["items"][0]["read_at"]
    assert len(api.call("GET", "/api/v1/notifications", second)[2]["items"]) == 1
    assert api.call("GET", "/api/v1/notifications", outsider)[2]["items"] == []

    # Acknowledge and resolve: linked doctors only, each step once.
    assert api.call("POST", f"/api/v1/alerts/{alert['id']}/acknowledge", outsider)[0] == 403
    assert api.call("POST", "/api/v1/alerts/999999/acknowledge", first)[0] == 404
    status, _, acked = api.call("POST", f"/api/v1/alerts/{alert['id']}/acknowledge", first)
    assert status == 200 and acked["status"] == "acknowledged"
    assert acked["acknowledged_by"] == first_id
    assert api.call("POST", f"/api/v1/alerts/{alert['id']}/acknowledge", second)[0] == 409
    assert api.call("GET", "/api/v1/alerts", first)[2]["items"] == []
    assert len(api.call("GET", "/api/v1/alerts?status=acknowledged", first)[2]["items"]) == 1
    pressure(api, patient, patient_id, 170, 104, hours=1)  # still unresolved: nothing new
    assert len(api.call("GET", f"/api/v1/patients/{patient_id}/alerts", patient)[2]["items"]) == 1
    status, _, resolved = api.call("POST", f"/api/v1/alerts/{alert['id']}/resolve", second)
    assert status == 200 and resolved["status"] == "resolved" and resolved["resolved_at"]
    assert api.call("POST", f"/api/v1/alerts/{alert['id']}/resolve", first)[0] == 409

    # After resolving, the next qualifying reading raises it again (and mails again).
    pressure(api, patient, patient_id, 168, 101, hours=0)
    _, _, again = api.call("GET", "/api/v1/alerts", first)
    assert [a["rule_id"] for a in again["items"]] == ["bp_stage2"]
    assert again["items"][0]["id"] != alert["id"]
    assert wait_until(lambda: len(alert_mails(api, "carla@example.org")) == 2, 15)
    _, _, history = api.call("GET", f"/api/v1/patients/{patient_id}/alerts", patient)
    assert [a["status"] for a in history["items"]] == ["open", "resolved"]
    assert [a["status"] for a in api.call(
        "GET", f"/api/v1/patients/{patient_id}/alerts?status=resolved", patient)[2]["items"]] == \
        ["resolved"]


def test_glucose_and_spo2_rules_follow_their_thresholds_and_corrections_count(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    fasting = {"metric": "fasting_glucose", "unit": "mg/dL"}
    record(api, patient, patient_id, {**fasting, "value": 125, "effective_at": ago(days=20)})
    record(api, patient, patient_id, {**fasting, "value": 130, "effective_at": ago(days=10)})
    record(api, patient, patient_id, {"metric": "glucose", "value": 200, "unit": "mg/dL"})
    assert api.call("GET", "/api/v1/alerts", doctor)[2]["items"] == []
    record(api, patient, patient_id, {**fasting, "value": 7.2, "unit": "mmol/L"})  # 129.7 mg/dL
    record(api, patient, patient_id, {"metric": "spo2", "value": 92, "unit": "%"})
    assert [a["rule_id"] for a in api.call("GET", "/api/v1/alerts", doctor)[2]["items"]] == \
        ["fasting_glucose_diabetic"]
    # A correction is checked like a new reading.
    [typo] = record(api, patient, patient_id, {"metric": "spo2", "value": 98, "unit": "%"})["items"]
    status, _, _ = api.call("POST", observations(patient_id) + f"/{typo['id']}/corrections",
                            patient, body={"value": 91, "unit": "%", "reason": "misread"})
    assert status == 201
    assert [a["rule_id"] for a in api.call("GET", "/api/v1/alerts", doctor)[2]["items"]] == \
        ["spo2_low", "fasting_glucose_diabetic"]


def test_alert_routes_validate_their_parameters(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    for path, field in [("/api/v1/alerts?status=closed", "status"),
                        ("/api/v1/alerts?cursor=0", "cursor"),
                        ("/api/v1/alerts?limit=500", "limit"),
                        (f"/api/v1/patients/{patient_id}/alerts?status=x", "status"),
                        ("/api/v1/notifications?cursor=-1", "cursor")]:
        status, _, reply = api.call("GET", path, doctor)
        assert status == 422, (path, reply)
        assert_error(reply, "validation_failed", field)
    status, _, reply = api.call("POST", "/api/v1/alerts/abc/resolve", doctor, body={})
    assert status == 422
    assert_error(reply, "validation_failed", "alert_id")


# --- patient search ------------------------------------------------------------------------

def test_doctors_find_patients_by_name_prefix_ignoring_case_and_accents(api):
    admin, admin_id = api.create_admin()
    jose, jose_id = api.patient("jose@example.org", name="José García López")
    anna, anna_id = api.patient("anna@example.org", name="Anna Müller")
    _, jp_id = api.patient("jp@example.org", name="Jean-Pierre O'Brien")
    _, joseph_id = api.patient("joseph@example.org", name="Joseph Adams")
    doctor, doctor_id = care_team(api, jose, jose_id, admin)
    api.sign_up_patient("unverified@example.org", "Josefa Unverified")

    def search(token=doctor, **params):
        status, _, reply = api.call("GET", query("/api/v1/patients", **params), token)
        assert status == 200, (params, reply)
        return reply

    # A doctor finds by name only their own patients (issue 16); others by patient number.
    assert [p["id"] for p in search(query="jose")["items"]] == [jose_id]
    assert [p["id"] for p in search(admin, query="jose")["items"]] == [jose_id, joseph_id]
    assert search(query="anna")["items"] == []
    assert [p["id"] for p in search(admin, query="MÜLLER")["items"]] == [anna_id]
    assert [p["id"] for p in search(admin, query="muller")["items"]] == [anna_id]
    assert [p["id"] for p in search(query="gar")["items"]] == [jose_id]
    assert [p["id"] for p in search(query="lopez")["items"]] == [jose_id]
    assert [p["id"] for p in search(admin, query="pierre")["items"]] == [jp_id]
    assert [p["id"] for p in search(admin, query="obrien")["items"]] == [jp_id]
    assert [p["id"] for p in search(query="Jo Ga")["items"]] == [jose_id]
    assert search(query="ose")["items"] == []  # prefixes of words, not infixes
    assert search(query="unverified")["items"] == []
    assert [p["id"] for p in search(query=str(anna_id))["items"]] == [anna_id]

    [hit] = search(query="josé g")["items"]
    assert hit == {"id": jose_id, "full_name": "José García López", "date_of_birth": "1980-05-01",
                   "sex": "female", "linked": True, "open_alerts": 0, "last_reading_at": None}
    [other] = search(query=str(anna_id))["items"]
    assert other["linked"] is False and other["open_alerts"] is None

    assert [p["id"] for p in search(linked="true")["items"]] == [jose_id]
    assert [p["id"] for p in search(linked="true", query="jo")["items"]] == [jose_id]
    assert [p["id"] for p in search(linked="false", query=str(joseph_id))["items"]] == [joseph_id]
    assert search(linked="false", query=str(jose_id))["items"] == []
    status, _, reply = api.call("GET", query("/api/v1/patients", linked="false", query="jo"), doctor)
    assert status == 422
    assert_error(reply, "validation_failed", "query")
    assert search(linked="true", query="anna")["items"] == []

    # Cursor paging: no gaps, no repeats.
    seen, cursor = [], None
    while True:
        params = {"query": "j", "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = search(admin, **params)
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted([jose_id, jp_id, joseph_id])

    # Admins search too (no alert counts); patients cannot.
    assert [p["id"] for p in search(admin, query="jose")["items"]] == [jose_id, joseph_id]
    found = search(admin, query="j")["items"]
    assert sorted(p["id"] for p in found) == sorted([jose_id, jp_id, joseph_id])
    assert all(p["open_alerts"] is None for p in found)
    assert api.call("GET", "/api/v1/patients?query=jose", jose)[0] == 403

    for params, field in [({}, "query"), ({"linked": "maybe"}, "linked"),
                          ({"query": "jo", "limit": 0}, "limit"),
                          ({"query": "jo", "cursor": "zz"}, "cursor")]:
        status, _, reply = api.call("GET", query("/api/v1/patients", **params), doctor)
        assert status == 422, (params, reply)
        assert_error(reply, "validation_failed", field)
    status, _, reply = api.call("GET", "/api/v1/patients?linked=true", admin)
    assert_error(reply, "validation_failed", "linked")

    # Audited as a search, without what was searched for: one row for the search, and one in
    # the record of every patient shown who is not the searcher's own (issue 16), so that
    # patient's access log shows it.
    _, _, audit = api.call("GET", "/api/v1/admin/audit?action=patient.search&limit=200", admin)
    assert audit["items"] and "jose" not in str(audit).lower()
    shown = {(e["actor_id"], e["patient_id"]) for e in audit["items"] if e["patient_id"]}
    assert all(e["resource_id"] == str(e["patient_id"] or "") for e in audit["items"])
    assert (doctor_id, anna_id) in shown and (doctor_id, joseph_id) in shown
    assert (doctor_id, jose_id) not in shown  # the doctor's own patient
    assert {(admin_id, p) for p in (jose_id, anna_id, jp_id, joseph_id)} <= shown
    _, _, anna_log = api.call("GET", f"/api/v1/patients/{anna_id}/access-log", anna)
    assert any(e["action"] == "patient.search" for e in anna_log["items"]), anna_log


def test_open_alert_counts_show_in_the_doctors_list(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    record(api, patient, patient_id, {"metric": "spo2", "value": 88, "unit": "%"})
    [hit] = api.call("GET", "/api/v1/patients?linked=true", doctor)[2]["items"]
    assert hit["id"] == patient_id and hit["open_alerts"] == 1


def test_concurrent_qualifying_readings_raise_one_alert(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    statuses = []

    def low_oxygen():
        statuses.append(api.call("POST", observations(patient_id), patient,
                                 body={"metric": "spo2", "value": 88, "unit": "%"})[0])
    threads = [threading.Thread(target=low_oxygen) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 8
    assert len(api.call("GET", "/api/v1/alerts", doctor)[2]["items"]) == 1
    assert len(api.call("GET", "/api/v1/notifications", doctor)[2]["items"]) == 1
    assert wait_until(lambda: len(alert_mails(api, "bruno@example.org")) == 1, 15)


def test_a_new_rule_is_a_data_file_not_code(start_server, sqlite_database, smtp,  # noqa: F811
                                            tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{
        "id": "tachycardia", "title": "Resting heart rate over 120 twice in 2 days",
        "severity": "moderate", "kind": "observation",
        "any_of": [{"code": "8867-4", "comparator": ">", "threshold": 120}],
        "min_count": 2, "window_days": 2}]}))
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          f"--alert-rules={rules}", *FAST_HASH)
    api = Api(server, smtp, tmp_path)
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    record(api, patient, patient_id, {"metric": "spo2", "value": 85, "unit": "%"})
    record(api, patient, patient_id, {"metric": "heart_rate", "value": 130, "unit": "/min"})
    assert api.call("GET", "/api/v1/alerts", doctor)[2]["items"] == []
    record(api, patient, patient_id, {"metric": "heart_rate", "value": 125, "unit": "/min"})
    assert [a["rule_id"] for a in api.call("GET", "/api/v1/alerts", doctor)[2]["items"]] == \
        ["tachycardia"]


def test_a_broken_rules_file_stops_the_server_naming_the_field(sqlite_database, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text('{"rules": [{"id": "x", "title": "X", "severity": "high", '
                     '"kind": "observation", "any_of": [{"code": "8867-4", "comparator": "~", '
                     '"threshold": 1}]}]}')
    result = subprocess.run([BIN, "serve", "--port=0", f"--database={sqlite_database.url}",
                             f"--alert-rules={rules}"], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert "alert rule 1: comparator" in result.stderr


@pytest.fixture
def symptom_api(start_server, database, smtp, tmp_path):  # noqa: F811
    from test_predict import DATASETS  # the symptom vocabulary comes from the shared datasets
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          "--public-url=https://vitalis.example", f"--datasets={DATASETS}",
                          *FAST_HASH)
    return Api(server, smtp, tmp_path)


def test_symptom_entries_raise_the_symptom_rules_once(symptom_api):
    api = symptom_api
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    symptoms = f"/api/v1/patients/{patient_id}/symptoms"

    def log(body):
        status, _, reply = api.call("POST", symptoms, patient, body=body)
        assert status == 201, reply

    def open_rules():
        items = api.call("GET", "/api/v1/alerts", doctor)[2]["items"]
        return sorted(a["rule_id"] for a in items)

    log({"symptom": "headache", "severity": 4})
    log({"free_text": "sore knee", "severity": 7})
    assert open_rules() == []
    log({"free_text": "sore knee", "severity": 9})
    log({"symptom": "headache", "severity": 10})  # still open: not raised twice
    assert open_rules() == ["symptom_very_severe"]
    log({"symptom": "headache", "severity": 8})
    assert open_rules() == ["symptom_severe", "symptom_very_severe"]
    log({"symptom": "chest_pain", "severity": 2})  # a red flag whatever its severity
    log({"symptom": "breathlessness", "severity": 3})
    assert open_rules() == ["symptom_red_flag", "symptom_severe", "symptom_very_severe"]
    alert = next(a for a in api.call("GET", "/api/v1/alerts", doctor)[2]["items"]
                 if a["rule_id"] == "symptom_red_flag")
    assert alert["trigger_type"] == "symptom" and alert["severity"] == "critical"
    assert wait_until(lambda: len(alert_mails(api, "bruno@example.org")) == 3, 15)
    assert len(api.call("GET", "/api/v1/notifications", doctor)[2]["items"]) == 3
