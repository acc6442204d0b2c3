"""Alerts that help at once, black-box on SQLite and PostgreSQL: a critical reading or red-flag
symptom answers with urgent advice saying whether the care team was told; an implausible value
asks for confirmation with what was probably meant; patients are told of their own alerts
(in the app, and by email without health data); every link in the alert emails and
notifications is a page of the web app for its reader; existing readings are evaluated once
(demo data, `vitalis alerts evaluate`); acknowledged alerts keep who and when; the doctor's
patient list sorts by open alerts; messages name what people see."""
import re
import subprocess
import urllib.parse

import pytest

from conftest import BIN, ROOT, assert_error, wait_until
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)
from test_monitoring import ago, symptom_api  # noqa: F401 (symptom_api is a fixture)
from test_records import care_team, observations, record

PUBLIC_URL = "https://vitalis.example"
DOCTOR_SUBJECT = "A new alert on Vitalis"
PATIENT_SUBJECT = "Something in your Vitalis record needs attention"


@pytest.fixture
def api(symptom_api):
    """A server with the symptom vocabulary, mailing to the sink, links to PUBLIC_URL."""
    return symptom_api


def pressure(api, token, patient_id, systolic, diastolic, **delta):
    return record(api, token, patient_id, {"metric": "blood_pressure", "systolic": systolic,
                                           "diastolic": diastolic, "unit": "mmHg",
                                           "effective_at": ago(**delta)})


def mails(api, address, subject):
    return [m for m in api.smtp.to(address) if m["Subject"] == subject]


def body_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def body_html(message):
    return message.get_body(preferencelist=("html",)).get_content()


# --- the web app's pages (its route table), to check links against ---------------------------

def app_routes():
    """(pattern, role) of every route in web/src/App.tsx, the :section of a chart being one of
    web/src/pages/chartSections.ts."""
    app = (ROOT / "web" / "src" / "App.tsx").read_text()
    sections = re.findall(r"key: '(\w+)'",
                          (ROOT / "web" / "src" / "pages" / "chartSections.ts").read_text())
    routes = []
    for path, role in re.findall(r"\{\s*path: '([^']+)',(?:\s*role: '(\w+)'(?: as Role)?,)?",
                                 app):
        pattern = re.escape(path).replace(r"/:section", "/(" + "|".join(sections) + ")")
        pattern = re.sub(r":\w+", r"[^/]+", pattern)
        routes.append((re.compile("^" + pattern + "$"), role or None))
    assert len(routes) >= 10, routes
    return routes


def page_for(link, reader_role):
    """The app route a link opens for a reader of that role (None when it opens none)."""
    parsed = urllib.parse.urlparse(link)
    assert parsed.query == "" and parsed.fragment == "", link
    for pattern, role in app_routes():
        if pattern.match(parsed.path):
            return (parsed.path, role) if role in (None, reader_role) else None
    return None


# --- urgent advice ---------------------------------------------------------------------------

def test_a_critical_reading_answers_at_once_with_advice_and_who_was_told(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin, grant=True)

    normal = record(api, patient, patient_id, {"metric": "spo2", "value": 97, "unit": "%"})
    assert normal["advice"] is None

    reply = record(api, patient, patient_id, {"metric": "spo2", "value": 88, "unit": "%"})
    assert [item["value"] for item in reply["items"]] == [88]
    advice = reply["advice"]
    assert advice["level"] == "emergency"
    assert advice["headline"] == "Your oxygen level is very low"
    assert any("call your emergency number now" in step for step in advice["do_now"])
    assert advice["findings"] == ["Oxygen saturation 88 % (below 92)"]
    assert advice["care_team_alerted"] is True and advice["care_team"] == "alerted"
    assert advice["alerted"] == ["Dr Bruno Costa"]
    assert advice["care_team_text"] == "Your care team has been told: Dr Bruno Costa."
    assert advice["rules"] == ["spo2_low"]

    # Again while the alert is open: the advice again, and the team was told before.
    again = record(api, patient, patient_id, {"metric": "spo2", "value": 87, "unit": "%"})
    assert again["advice"]["care_team"] == "already_alerted"
    assert again["advice"]["care_team_alerted"] is True

    # A doctor recording a crisis value reads words meant for them.
    crisis = record(api, doctor, patient_id, {"metric": "blood_pressure", "systolic": 192,
                                              "diastolic": 118, "unit": "mmHg"})
    assert crisis["advice"]["findings"] == ["Blood pressure 192/118 mmHg (180/120 or more)"]
    assert crisis["advice"]["care_team_text"].startswith("The patient's care team has been told")

    # Nobody on the care team: the answer says so instead of implying help is coming.
    alone, alone_id = api.patient("lia@example.org", name="Lia Alone")
    reply = record(api, alone, alone_id, {"metric": "glucose", "value": 2.4, "unit": "mmol/L"})
    advice = reply["advice"]
    assert advice["headline"] == "Your blood sugar is very low"
    assert advice["care_team_alerted"] is False and advice["care_team"] == "none"
    assert advice["alerted"] == []
    assert "nobody has been told" in advice["care_team_text"]
    assert advice["do_now"][0].startswith("Take 15 g of fast sugar now")


def test_a_red_flag_symptom_rated_9_answers_with_advice(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    care_team(api, patient, patient_id, admin)
    symptoms = f"/api/v1/patients/{patient_id}/symptoms"

    status, _, calm = api.call("POST", symptoms, patient, body={"symptom": "headache",
                                                               "severity": 3})
    assert status == 201 and calm["advice"] is None

    status, _, chest = api.call("POST", symptoms, patient, body={"symptom": "chest_pain",
                                                                "severity": 9})
    assert status == 201, chest
    assert chest["symptom"] == "chest_pain" and chest["severity"] == 9
    advice = chest["advice"]
    assert advice["level"] == "emergency" and advice["headline"] == "This needs help now"
    assert advice["do_now"][0].startswith("Call your emergency number now")
    assert sorted(advice["rules"]) == ["symptom_red_flag", "symptom_very_severe"]
    assert "Red-flag symptom: Chest pain, severity 9/10" in advice["findings"]
    assert advice["care_team_alerted"] is True and advice["alerted"] == ["Dr Bruno Costa"]

    status, _, knee = api.call("POST", symptoms, patient, body={"free_text": "knee pain",
                                                               "severity": 10})
    assert status == 201
    assert knee["advice"]["level"] == "urgent"
    assert knee["advice"]["findings"] == ["knee pain, severity 10/10"]


# --- implausible values ------------------------------------------------------------------------

def test_an_implausible_value_asks_for_confirmation_with_what_was_probably_meant(api):
    patient, patient_id = api.patient("ana@example.org")
    body = {"metric": "glucose", "value": 2000, "unit": "mg/dL"}
    reply = record(api, patient, patient_id, body, expected=422)
    assert_error(reply, "confirmation_required", "value")
    assert reply["error"]["suggestions"] == ["200"]
    assert "Did you mean 200 mg/dL?" in reply["error"]["message"]
    assert api.call("GET", observations(patient_id), patient)[2]["items"] == []

    kept = record(api, patient, patient_id, {**body, "confirmed": True})
    assert [item["value"] for item in kept["items"]] == [2000]
    assert kept["advice"]["rules"] == ["glucose_very_high"]

    # A pair names the half that looks wrong; a value in the other unit is suggested in this one.
    reply = record(api, patient, patient_id, {"metric": "blood_pressure", "systolic": 1200,
                                              "diastolic": 80, "unit": "mmHg"}, expected=422)
    assert_error(reply, "validation_failed", "systolic")
    reply = record(api, patient, patient_id, {"metric": "blood_pressure", "systolic": 128,
                                              "diastolic": 25, "unit": "mmHg"}, expected=422)
    assert reply["error"]["code"] == "confirmation_required"
    assert reply["error"]["field"] == "diastolic"
    reply = record(api, patient, patient_id, {"metric": "glucose", "value": 110,
                                              "unit": "mmol/L"}, expected=422)
    assert reply["error"]["suggestions"][0] == "6.11"  # 110 mg/dL
    reply = record(api, patient, patient_id, {**body, "confirmed": "yes"}, expected=422)
    assert_error(reply, "validation_failed", "confirmed")


# --- patients told, links, names ------------------------------------------------------------

def high_pressure_alert(api):
    """Ana, on Dr Costa's care team, with three high readings: one alert, told to both."""
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = care_team(api, patient, patient_id, admin)
    for systolic, diastolic, days in [(150, 92, 9), (145, 95, 5), (160, 100, 1)]:
        pressure(api, patient, patient_id, systolic, diastolic, days=days)
    return patient, patient_id, doctor, doctor_id


def test_patients_are_told_of_their_own_alerts_and_emails_carry_no_health_data(api):
    patient, patient_id, doctor, _ = high_pressure_alert(api)

    [own] = api.call("GET", "/api/v1/notifications", patient)[2]["items"]
    assert own["kind"] == "own_alert"
    assert own["title"] == ("Your blood pressure has been high on several readings. "
                            "Your care team has been told.")
    assert own["link"] == "/dashboard" and own["patient_name"] == "Ana Silva"
    [alert] = api.call("GET", f"/api/v1/patients/{patient_id}/alerts", patient)[2]["items"]
    assert alert["title"] == "3 readings ≥ 140/90 in 14 days, latest 160/100"
    assert own["alert_id"] == alert["id"]

    # The doctor's notification names the patient and opens their chart.
    [note] = api.call("GET", "/api/v1/notifications", doctor)[2]["items"]
    assert note["patient_name"] == "Ana Silva" and note["title"] == alert["title"]
    assert note["link"] == f"/doctor/patients/{patient_id}/summary"

    assert wait_until(lambda: len(mails(api, "ana@example.org", PATIENT_SUBJECT)) == 1, 15)
    [message] = mails(api, "ana@example.org", PATIENT_SUBJECT)
    text = body_text(message)
    assert "needs attention" in text and f"{PUBLIC_URL}/dashboard" in text
    for secret in ("160", "100", "140", "pressure", "blood", "Ana", "Silva", "hypert"):
        for part in (text, body_html(message), message["Subject"]):
            assert secret.lower() not in part.lower(), (secret, part)
    assert wait_until(lambda: len(mails(api, "bruno@example.org", DOCTOR_SUBJECT)) == 1, 15)


def test_a_doctors_notifications_are_audited_reads_of_the_patients_they_name(api):
    patient, patient_id, doctor, doctor_id = high_pressure_alert(api)
    access_log = f"/api/v1/patients/{patient_id}/access-log"

    def notification_reads():
        items = api.call("GET", access_log, patient)[2]["items"]
        return [e for e in items
                if e["action"] == "record.read" and e["resource_type"] == "notifications"]

    assert notification_reads() == []
    [note] = api.call("GET", "/api/v1/notifications", doctor)[2]["items"]
    assert note["patient_id"] == patient_id
    [read] = notification_reads()
    assert read["actor_id"] == doctor_id and read["actor_role"] == "doctor"
    # The patient's own notifications write no row (they are the patient's own).
    api.call("GET", "/api/v1/notifications", patient)
    assert len(notification_reads()) == 1


def test_every_link_in_alert_emails_and_notifications_opens_a_page_for_its_reader(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin)
    record(api, patient, patient_id, {"metric": "spo2", "value": 85, "unit": "%"})
    status, _, _ = api.call("POST", f"/api/v1/patients/{patient_id}/symptoms", patient,
                            body={"symptom": "chest_pain", "severity": 5})
    assert status == 201

    links = []  # (link, reader's role)
    for token, role in ((patient, "patient"), (doctor, "doctor")):
        items = api.call("GET", "/api/v1/notifications", token)[2]["items"]
        assert len(items) == 2, items
        links += [(item["link"], role) for item in items]
    for address, subject, role in (("ana@example.org", PATIENT_SUBJECT, "patient"),
                                   ("bruno@example.org", DOCTOR_SUBJECT, "doctor")):
        assert wait_until(lambda: len(mails(api, address, subject)) == 2, 15), address
        for message in mails(api, address, subject):
            found = re.findall(r"https?://\S+", body_text(message))
            found += re.findall(r'href="([^"]+)"', body_html(message))
            assert found, body_text(message)
            for link in found:
                assert link.startswith(PUBLIC_URL + "/"), link
                links.append((link[len(PUBLIC_URL):], role))
    assert len(links) >= 8
    for link, role in links:
        assert page_for(link, role), f"{link} is not a page of the app for a {role}"
    # The old email link led nowhere.
    assert page_for("/alerts", "doctor") is None


# --- existing data, acknowledgement, the patient list --------------------------------------

def test_existing_readings_are_evaluated_after_demo_data_and_by_the_command(  # noqa: F811
        start_server, database, smtp, tmp_path):
    load = subprocess.run([BIN, "demo-data", f"--database={database.url}", "--patients=3",
                           *FAST_HASH], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert load.returncode == 0, load.stderr
    raised = int(re.search(r"alerts raised over the demo readings: (\d+)", load.stdout).group(1))
    assert raised >= 1, load.stdout
    again = subprocess.run([BIN, "alerts", "evaluate", f"--database={database.url}"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert re.search(r"\b0 alerts raised", again.stdout), again.stdout  # idempotent

    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    api = Api(server, smtp, tmp_path)
    status, _, reply = api.call("POST", "/api/v1/auth/signin",
                                body={"email": "patient@demo.vitalis.test",
                                      "password": "vitalis-demo-2026"})
    assert status == 200, reply
    token, patient_id = reply["access_token"], reply["account"]["id"]
    alerts = api.call("GET", f"/api/v1/patients/{patient_id}/alerts", token)[2]["items"]
    bp = [a for a in alerts if a["rule_id"] == "bp_stage2"]
    assert len(bp) == 1, alerts
    assert re.fullmatch(r"\d+ readings ≥ 140/90 in 14 days, latest \d+/\d+", bp[0]["title"])
    assert len(api.call("GET", "/api/v1/notifications", token)[2]["items"]) == len(alerts)


def test_acknowledged_alerts_stay_visible_with_who_and_when(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = care_team(api, patient, patient_id, admin)
    record(api, patient, patient_id, {"metric": "heart_rate", "value": 150, "unit": "/min"})
    [alert] = api.call("GET", "/api/v1/alerts?status=unresolved", doctor)[2]["items"]
    assert alert["title"] == "Heart rate 150 per minute" and alert["acknowledged_by_name"] is None

    status, _, acked = api.call("POST", f"/api/v1/alerts/{alert['id']}/acknowledge", doctor)
    assert status == 200
    assert acked["acknowledged_by"] == doctor_id
    assert acked["acknowledged_by_name"] == "Dr Bruno Costa" and acked["acknowledged_at"]
    # Out of the open list, still in the unresolved one, and on the patient's side.
    assert api.call("GET", "/api/v1/alerts", doctor)[2]["items"] == []
    [still] = api.call("GET", "/api/v1/alerts?status=unresolved", doctor)[2]["items"]
    assert still["status"] == "acknowledged"
    assert still["acknowledged_by_name"] == "Dr Bruno Costa"
    assert still["acknowledged_at"] == acked["acknowledged_at"]
    [own] = api.call("GET", f"/api/v1/patients/{patient_id}/alerts", patient)[2]["items"]
    assert own["acknowledged_by_name"] == "Dr Bruno Costa"

    status, _, resolved = api.call("POST", f"/api/v1/alerts/{alert['id']}/resolve", doctor)
    assert resolved["resolved_by_name"] == "Dr Bruno Costa"
    assert resolved["acknowledged_by_name"] == "Dr Bruno Costa"
    assert api.call("GET", "/api/v1/alerts?status=unresolved", doctor)[2]["items"] == []
    status, _, reply = api.call("GET", "/api/v1/alerts?status=closed", doctor)
    assert_error(reply, "validation_failed", "status")


def test_the_doctors_patient_list_puts_open_alerts_first_with_the_last_reading(api):
    admin, _ = api.create_admin()
    calm, calm_id = api.patient("anna@example.org", name="Anna Calm")
    worried, worried_id = api.patient("zoe@example.org", name="Zoe Worried")
    doctor, doctor_id = care_team(api, calm, calm_id, admin)
    assert api.call("POST", f"/api/v1/patients/{worried_id}/care-team", worried,
                    body={"doctor_id": doctor_id})[0] == 201
    record(api, calm, calm_id, {"metric": "heart_rate", "value": 70, "unit": "/min",
                                "effective_at": ago(days=2)})
    record(api, worried, worried_id, {"metric": "spo2", "value": 86, "unit": "%"})

    status, _, page = api.call("GET", "/api/v1/patients?linked=true&sort=alerts", doctor)
    assert status == 200, page
    assert [p["id"] for p in page["items"]] == [worried_id, calm_id]
    assert [p["open_alerts"] for p in page["items"]] == [1, 0]
    assert page["items"][1]["last_reading_at"].startswith(ago(days=2)[:10])
    by_name = api.call("GET", "/api/v1/patients?linked=true", doctor)[2]["items"]
    assert [p["id"] for p in by_name] == [calm_id, worried_id]
    # One per page: the cursor keeps the triage order.
    first = api.call("GET", "/api/v1/patients?linked=true&sort=alerts&limit=1", doctor)[2]
    second = api.call("GET", "/api/v1/patients?linked=true&sort=alerts&limit=1&cursor=" +
                      urllib.parse.quote(first["next_cursor"]), doctor)[2]
    assert [p["id"] for p in first["items"] + second["items"]] == [worried_id, calm_id]
    # Not the caller's patients: no reading times.
    other, _ = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    [hit] = api.call("GET", f"/api/v1/patients?query={worried_id}", other)[2]["items"]
    assert hit["last_reading_at"] is None and hit["open_alerts"] is None
    for params in ("sort=alerts&query=zoe", "linked=true&sort=age"):
        status, _, reply = api.call("GET", "/api/v1/patients?" + params, doctor)
        assert_error(reply, "validation_failed", "sort")


def test_validation_messages_name_what_people_see(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = api.doctor("bruno@example.org", admin)
    cases = [({"metric": "heart_rate", "value": 70, "unit": "/min", "effective_at": "tuesday"},
              "effective_at", "When must be a date and time"),
             ({"metric": "heart_rate", "value": 70, "unit": "/min",
               "effective_at": "2999-01-01T00:00:00Z"}, "effective_at",
              "When cannot be in the future"),
             ({"metric": "heart_rate", "unit": "/min"}, "value", "Value is required"),
             ({"metric": "blood_pressure", "systolic": 120, "unit": "mmHg"}, "diastolic",
              "Diastolic is required"),
             ({"metric": "heart_rate", "value": 1000, "unit": "/min"}, "value",
              "Heart rate must be from 20 to 300 per minute"),
             ({"metric": "heart_rate", "value": 70, "unit": "bpmx"}, "unit", "Unit 'bpmx'"),
             ({"metric": "mood", "value": 3, "unit": "/min"}, "metric", "Measurement 'mood'")]
    for body, field, start in cases:
        reply = record(api, patient, patient_id, body, expected=422)
        assert_error(reply, "validation_failed", field)
        message = reply["error"]["message"]
        assert message.startswith(start), (body, message)
        assert "effective_at" not in message and "mm[Hg]" not in message, message
    status, _, reply = api.call("GET", "/api/v1/patients", doctor)
    assert_error(reply, "validation_failed", "query")
    assert reply["error"]["message"] == "Enter a name or a patient number"
