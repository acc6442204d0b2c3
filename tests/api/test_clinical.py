"""Clinical records, black-box: the clinical profile (address with area code, blood group,
allergies, conditions, medications), encounters, diagnoses and prescriptions written by doctors
with consent, the symptom tracker and its vocabulary, the timeline with keyset paging without gaps
or repeats while entries arrive, its filters and errors, and the export of the whole record."""
import base64
import os
import pathlib
import urllib.parse

import pytest

from conftest import ROOT, assert_error
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)
from test_records import care_team, record

DATASETS = pathlib.Path(os.environ.get("VITALIS_DATASETS", ROOT.parent / "shared" / "datasets"))


def start(start_server, database, smtp, tmp_path):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          f"--datasets={DATASETS}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


@pytest.fixture
def api(start_server, database, smtp, tmp_path):  # noqa: F811
    return start(start_server, database, smtp, tmp_path)


@pytest.fixture
def lite_api(start_server, sqlite_database, smtp, tmp_path):  # noqa: F811
    return start(start_server, sqlite_database, smtp, tmp_path)


def path(patient_id, what):
    return f"/api/v1/patients/{patient_id}/{what}"


def post(api, token, patient_id, what, body, expected=201):
    status, _, reply = api.call("POST", path(patient_id, what), token, body=body)
    assert status == expected, (what, body, reply)
    return reply


def get(api, token, patient_id, what, expected=200, **query):
    suffix = "?" + urllib.parse.urlencode(query) if query else ""
    status, _, reply = api.call("GET", path(patient_id, what) + suffix, token)
    assert status == expected, (what, query, reply)
    return reply


def audit(api, admin, action, patient_id):
    _, _, found = api.call("GET", f"/api/v1/admin/audit?action={action}&patient_id={patient_id}",
                           admin)
    return found["items"]


PROFILE = {"address_line1": "12 Upper Street", "address_line2": "Flat 3", "city": "London",
           "postcode": "n1 0pn", "area_code": "E09000019", "blood_group": "O-",
           "allergies": ["penicillin", "peanuts"], "conditions": ["asthma"],
           "medications": ["salbutamol inhaler"]}


def test_profile_holds_address_area_blood_group_and_lists(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    profile = get(api, patient, patient_id, "profile")
    assert profile["full_name"] == "Ana Silva" and profile["date_of_birth"] == "1980-05-01"
    assert profile["blood_group"] == "unknown" and profile["area_code"] is None
    assert profile["allergies"] == [] and profile["updated_at"] is None

    status, _, saved = api.call("PUT", path(patient_id, "profile"), patient, body=PROFILE)
    assert status == 200, saved
    assert saved["postcode"] == "N1 0PN" and saved["area_code"] == "E09000019"
    assert [a["substance"] for a in saved["allergies"]] == ["penicillin", "peanuts"]
    assert saved["blood_group"] == "O-"
    assert saved["email"] == "ana@example.org" and saved["updated_at"]
    assert get(api, patient, patient_id, "profile") == saved

    # PUT replaces the clinical part as a whole.
    status, _, replaced = api.call("PUT", path(patient_id, "profile"), patient,
                                   body={"city": "Leeds", "allergies": ["latex"]})
    assert status == 200
    assert replaced["city"] == "Leeds" and replaced["address_line1"] == ""
    assert [a["substance"] for a in replaced["allergies"]] == ["latex"]
    assert replaced["conditions"] == []
    assert replaced["blood_group"] == "unknown"

    for body, field in [({"area_code": "London"}, "area_code"),
                        ({"area_code": "E0900001"}, "area_code"),
                        ({"blood_group": "C+"}, "blood_group"),
                        ({"allergies": "penicillin"}, "allergies"),
                        ({"allergies": [1]}, "allergies"),
                        ({"conditions": [""]}, "conditions"),
                        ({"medications": ["x"] * 51}, "medications"),
                        ({"city": 5}, "city"),
                        ({"postcode": "x" * 17}, "postcode")]:
        status, _, reply = api.call("PUT", path(patient_id, "profile"), patient, body=body)
        assert status == 422, (body, reply)
        assert_error(reply, "validation_failed", field)
    assert get(api, patient, patient_id, "profile") == replaced  # nothing half-written

    # A linked doctor reads; writing needs the patient's consent.
    doctor, doctor_id = care_team(api, patient, patient_id, admin)
    assert get(api, doctor, patient_id, "profile")["city"] == "Leeds"
    assert api.call("PUT", path(patient_id, "profile"), doctor, body=PROFILE)[0] == 403
    status, _, pending = api.call("POST", path(patient_id, "write-grants"), doctor)
    assert status == 202
    assert api.call("POST", f"/api/v1/write-grants/{pending['id']}/approve", patient)[0] == 200
    status, _, by_doctor = api.call("PUT", path(patient_id, "profile"), doctor, body=PROFILE)
    assert status == 200 and by_doctor["medications"] == ["salbutamol inhaler"]

    updates = audit(api, admin, "record.update", patient_id)
    assert [(u["actor_id"], u["resource_type"]) for u in updates][:1] == [
        (doctor_id, "patient_profile")]
    reads = [r for r in audit(api, admin, "record.read", patient_id)
             if r["resource_type"] == "patient_profile"]
    assert any(r["actor_id"] == doctor_id for r in reads)


def test_doctors_with_consent_write_encounters_diagnoses_and_prescriptions(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    other, other_id = api.patient("carla@example.org", name="Carla Dias")
    visit = {"occurred_at": "2026-03-01T09:00:00Z", "type": "consultation",
             "reason": "Tiredness and thirst", "notes": "Fasting glucose ordered.\nReview in 2 weeks."}
    doctor, doctor_id = care_team(api, patient, patient_id, admin)
    # Linked without a grant: may read, may not write.
    post(api, doctor, patient_id, "encounters", visit, expected=403)
    assert get(api, doctor, patient_id, "encounters")["items"] == []
    # The patient passes the record rule but does not write clinical entries.
    reply = post(api, patient, patient_id, "encounters", visit, expected=403)
    assert "doctor" in reply["error"]["message"]

    status, _, pending = api.call("POST", path(patient_id, "write-grants"), doctor)
    assert api.call("POST", f"/api/v1/write-grants/{pending['id']}/approve", patient)[0] == 200
    encounter = post(api, doctor, patient_id, "encounters", visit)
    assert encounter["doctor_id"] == doctor_id and encounter["type"] == "consultation"
    assert encounter["occurred_at"] == "2026-03-01T09:00:00.000000Z"
    assert encounter["notes"].endswith("Review in 2 weeks.")

    diagnosis = post(api, doctor, patient_id, "diagnoses", {
        "description": "Type 2 diabetes mellitus", "icd10_code": "e11.9",
        "encounter_id": encounter["id"], "diagnosed_at": "2026-03-15T10:00:00Z"})
    assert diagnosis["icd10_code"] == "E11.9" and diagnosis["status"] == "active"
    assert diagnosis["encounter_id"] == encounter["id"] and diagnosis["recorded_by"] == doctor_id
    uncoded = post(api, doctor, patient_id, "diagnoses", {"description": "Seasonal rhinitis",
                                                          "status": "resolved"})
    assert uncoded["icd10_code"] is None and uncoded["status"] == "resolved"

    prescription = post(api, doctor, patient_id, "prescriptions", {
        "medicine": "Metformin", "strength": "500 mg", "dose": "1 tablet",
        "frequency": "twice daily", "duration": "3 months", "instructions": "With meals",
        "encounter_id": encounter["id"], "prescribed_at": "2026-03-15T10:05:00Z"})
    assert prescription["status"] == "active" and prescription["prescribed_by"] == doctor_id

    # An encounter of another record cannot be linked.
    _, other_doctor_id = doctor, doctor_id
    elsewhere = [("diagnoses", {"description": "x", "encounter_id": 999999}),
                 ("prescriptions", {"medicine": "x", "dose": "1", "frequency": "daily",
                                    "encounter_id": 999999})]
    for what, body in elsewhere:
        assert_error(post(api, doctor, patient_id, what, body, expected=422), "validation_failed",
                     "encounter_id")

    invalid = [
        ("encounters", {"type": "consultation"}, "reason"),
        ("encounters", {"reason": "x", "type": "party"}, "type"),
        ("encounters", {"reason": "x", "type": "other", "occurred_at": "2999-01-01T00:00:00Z"},
         "occurred_at"),
        ("encounters", {"reason": "x", "type": "other", "notes": 3}, "notes"),
        ("diagnoses", {"icd10_code": "E11.9"}, "description"),
        ("diagnoses", {"description": "x", "icd10_code": "diabetes"}, "icd10_code"),
        ("diagnoses", {"description": "x", "status": "cured"}, "status"),
        ("diagnoses", {"description": "x", "encounter_id": "one"}, "encounter_id"),
        ("diagnoses", {"description": "x", "diagnosed_at": "yesterday"}, "diagnosed_at"),
        ("prescriptions", {"dose": "1", "frequency": "daily"}, "medicine"),
        ("prescriptions", {"medicine": "x", "frequency": "daily"}, "dose"),
        ("prescriptions", {"medicine": "x", "dose": "1"}, "frequency"),
        ("prescriptions", {"medicine": "x", "dose": "1", "frequency": "daily",
                           "status": "paused"}, "status"),
        ("prescriptions", [1], "body"),
    ]
    for what, body, field in invalid:
        assert_error(post(api, doctor, patient_id, what, body, expected=422), "validation_failed",
                     field)

    # Later changes keep when, by whom and why; only active entries end, once.
    stop = path(patient_id, f"prescriptions/{prescription['id']}/stop")
    resolve = path(patient_id, f"diagnoses/{uncoded['id']}/resolve")
    assert_error(api.call("POST", stop, doctor, body={})[2], "validation_failed", "reason")
    assert api.call("POST", stop, patient, body={"reason": "I feel better"})[0] == 403
    status, _, stopped = api.call("POST", stop, doctor, body={"reason": "side effects"})
    assert status == 200, stopped
    assert stopped["status"] == "stopped" and stopped["ended_by"] == doctor_id
    assert stopped["end_reason"] == "side effects" and stopped["ended_at"]
    assert api.call("POST", stop, doctor, body={"reason": "again"})[0] == 409
    assert api.call("POST", resolve, doctor, body={"reason": "x"})[0] == 409  # created resolved
    status, _, resolved = api.call("POST", path(patient_id, f"diagnoses/{diagnosis['id']}/resolve"),
                                   doctor, body={"reason": "HbA1c normal for a year"})
    assert status == 200 and resolved["status"] == "resolved"
    assert api.call("POST", path(patient_id, "diagnoses/999999/resolve"), doctor,
                    body={"reason": "x"})[0] == 404
    assert api.call("POST", path(patient_id, "prescriptions/abc/stop"), doctor,
                    body={"reason": "x"})[0] == 422
    diagnosis, prescription = resolved, stopped

    encounters = get(api, patient, patient_id, "encounters")
    assert [e["id"] for e in encounters["items"]] == [encounter["id"]]
    assert encounters["next_cursor"] is None
    diagnoses = get(api, patient, patient_id, "diagnoses")["items"]
    assert [d["id"] for d in diagnoses] == [uncoded["id"], diagnosis["id"]]  # latest first
    assert get(api, patient, patient_id, "prescriptions")["items"] == [prescription]
    # Another patient's record does not exist for you, and it is empty.
    get(api, other, patient_id, "encounters", expected=404)
    assert get(api, other, other_id, "diagnoses")["items"] == []

    # Each write audited with its entry, each list read audited once.
    updates = audit(api, admin, "record.update", patient_id)
    assert {(u["resource_type"], u["resource_id"]) for u in updates} == {
        ("diagnosis", str(diagnosis["id"])), ("prescription", str(prescription["id"]))}
    creates = audit(api, admin, "record.create", patient_id)
    assert {(c["resource_type"], c["resource_id"]) for c in creates} == {
        ("encounter", str(encounter["id"])), ("diagnosis", str(diagnosis["id"])),
        ("diagnosis", str(uncoded["id"])), ("prescription", str(prescription["id"]))}
    reads = {r["resource_type"] for r in audit(api, admin, "record.read", patient_id)}
    assert {"encounters", "diagnoses", "prescriptions"} <= reads


def test_symptom_tracker_with_vocabulary_and_free_text(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    status, _, vocabulary = api.call("GET", "/api/v1/symptoms/vocabulary", patient)
    assert status == 200
    keys = {item["key"]: item["label"] for item in vocabulary["items"]}
    # 132 columns in the dataset; fluid_overload is named twice; five entries that are not
    # symptoms are left out by the symptom checker's corrections (config/symptom_corrections.csv).
    assert len(keys) == 126
    assert keys["skin_rash"] == "Skin rash" and keys["chest_pain"] == "Chest pain"
    assert api.call("GET", "/api/v1/symptoms/vocabulary", None)[0] == 401

    own = post(api, patient, patient_id, "symptoms", {
        "symptom": "headache", "severity": 6, "onset_at": "2026-03-02T07:30:00Z",
        "notes": "worse in the morning"})
    assert own["symptom"] == "headache" and own["free_text"] is None
    assert own["source"] == "self_reported" and own["recorded_by"] == patient_id
    free = post(api, patient, patient_id, "symptoms", {"free_text": "tingling in left foot",
                                                       "severity": 3})
    assert free["symptom"] is None and free["free_text"] == "tingling in left foot"
    assert post(api, patient, patient_id, "symptoms",
                {"symptom": "Chest Pain", "severity": 9})["symptom"] == "chest_pain"

    for body, field in [({"severity": 5}, "symptom"),
                        ({"symptom": "headache", "free_text": "also dizzy", "severity": 5},
                         "symptom"),
                        ({"symptom": "sneezing_fits", "severity": 5}, "symptom"),
                        ({"symptom": "headache"}, "severity"),
                        ({"symptom": "headache", "severity": 0}, "severity"),
                        ({"symptom": "headache", "severity": 11}, "severity"),
                        ({"symptom": "headache", "severity": 5.5}, "severity"),
                        ({"symptom": "headache", "severity": "bad"}, "severity"),
                        ({"symptom": "headache", "severity": 5, "onset_at": "2999-01-01T00:00:00Z"},
                         "onset_at")]:
        assert_error(post(api, patient, patient_id, "symptoms", body, expected=422),
                     "validation_failed", field)

    doctor, _ = care_team(api, patient, patient_id, admin, grant=True)
    clinical = post(api, doctor, patient_id, "symptoms", {"symptom": "cough", "severity": 4})
    assert clinical["source"] == "clinical"
    listed = get(api, doctor, patient_id, "symptoms", limit=2)
    assert len(listed["items"]) == 2 and listed["next_cursor"]
    rest = get(api, doctor, patient_id, "symptoms", limit=2, cursor=listed["next_cursor"])
    ids = [s["id"] for s in listed["items"] + rest["items"]]
    assert sorted(ids) == sorted([own["id"], free["id"], clinical["id"]] +
                                 [i for i in ids if i not in (own["id"], free["id"],
                                                              clinical["id"])])
    assert len(ids) == len(set(ids)) == 4 and ids[-1] == own["id"]  # the oldest onset is last


def make_timeline(api, doctor, patient, patient_id):
    """Entries of every kind on a few days, several at the very same time."""
    made = []
    for day in range(1, 6):
        at = f"2026-02-{day:02d}T08:00:00Z"
        made.append(("observation", record(api, patient, patient_id, {
            "metric": "heart_rate", "value": 60 + day, "unit": "/min",
            "effective_at": at})["items"][0]["id"]))
        made.append(("symptom", post(api, patient, patient_id, "symptoms", {
            "symptom": "headache", "severity": day, "onset_at": at})["id"]))
        made.append(("encounter", post(api, doctor, patient_id, "encounters", {
            "type": "follow_up", "reason": f"review {day}", "occurred_at": at})["id"]))
        if day % 2:
            made.append(("diagnosis", post(api, doctor, patient_id, "diagnoses", {
                "description": "Hypertension", "icd10_code": "I10", "diagnosed_at": at})["id"]))
            # Three different medicines: the same one twice would be a duplicate (409).
            medicine = {1: "Amlodipine", 3: "Ramipril", 5: "Bisoprolol"}[day]
            made.append(("prescription", post(api, doctor, patient_id, "prescriptions", {
                "medicine": medicine, "strength": "5 mg", "dose": "1 tablet",
                "frequency": "once daily", "prescribed_at": at})["id"]))
    return made


def test_timeline_pages_without_gaps_or_repeats_while_entries_arrive(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin, grant=True)
    made = make_timeline(api, doctor, patient, patient_id)
    assert len(made) == 21
    seen, cursor, pages, newer, older = [], None, 0, [], []
    while True:
        query = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = get(api, patient, patient_id, "timeline", **query)
        pages += 1
        for item in page["items"]:
            assert item["entry"]["id"] == item["id"] and item["summary"]
        seen += [(item["kind"], item["id"], item["occurred_at"]) for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        # Between pages: a new entry (newer than the cursor: not on later pages) and a
        # back-dated one (older than everything so far: it must still show up, once).
        newer.append(("symptom", post(api, patient, patient_id, "symptoms",
                                      {"symptom": "cough", "severity": 2})["id"]))
        older.append(("encounter", post(api, doctor, patient_id, "encounters", {
            "type": "other", "reason": "late entry",
            "occurred_at": f"2026-01-{28 - pages:02d}T08:00:00Z"})["id"]))
    assert pages >= 6
    keys = [(kind, entry_id) for kind, entry_id, _ in seen]
    assert len(keys) == len(set(keys)), "no entry twice"
    assert set(made) <= set(keys), "no gaps"
    assert set(older) <= set(keys), "back-dated entries that arrived while paging show up"
    assert not set(newer) & set(keys), "newer entries do not shift later pages"
    assert [at for _, _, at in seen] == sorted((at for _, _, at in seen), reverse=True)
    # Ties at one time: by kind, then id, descending.
    first_day = [(k, i) for k, i, at in seen if at.startswith("2026-02-05")]
    assert first_day == sorted(first_day, reverse=True)
    assert {k for k, _ in first_day} == {"symptom", "prescription", "observation", "encounter",
                                         "diagnosis"}


def test_timeline_filters_summaries_and_errors(lite_api):
    api = lite_api
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin, grant=True)
    make_timeline(api, doctor, patient, patient_id)
    # A corrected observation shows only in its final form.
    [bp] = record(api, patient, patient_id, {"metric": "heart_rate", "value": 150, "unit": "/min",
                                             "effective_at": "2026-02-06T08:00:00Z"})["items"]
    status, _, fixed = api.call("POST", path(patient_id, f"observations/{bp['id']}/corrections"),
                                patient, body={"value": 105, "unit": "/min", "reason": "typo"})
    assert status == 201

    everything = get(api, patient, patient_id, "timeline", limit=200)["items"]
    observations = [i for i in everything if i["kind"] == "observation"]
    assert len(observations) == 6 and bp["id"] not in [i["id"] for i in observations]
    assert observations[0]["summary"] == "Heart rate 105 /min"
    kinds = {}
    for item in everything:
        kinds.setdefault(item["kind"], item)  # the latest of each kind
    assert kinds["diagnosis"]["summary"] == "Hypertension (I10)"
    assert kinds["prescription"]["summary"] == "Bisoprolol 5 mg, 1 tablet once daily"
    assert kinds["symptom"]["summary"] == "Headache, severity 5/10"
    assert kinds["encounter"]["summary"] == "Follow up: review 5"

    only = get(api, patient, patient_id, "timeline", types="diagnosis,prescription")["items"]
    assert {i["kind"] for i in only} == {"diagnosis", "prescription"} and len(only) == 6
    window = get(api, patient, patient_id, "timeline", **{"from": "2026-02-02", "to": "2026-02-03"})
    assert {i["occurred_at"][:10] for i in window["items"]} == {"2026-02-02", "2026-02-03"}
    assert len(window["items"]) == 3 + 5  # day 3 also has a diagnosis and a prescription
    exact = get(api, patient, patient_id, "timeline", **{
        "from": "2026-02-05T08:00:00Z", "to": "2026-02-05T08:00:00.000001Z", "types": "symptom"})
    assert [i["occurred_at"] for i in exact["items"]] == ["2026-02-05T08:00:00.000000Z"]

    # Far dates are valid bounds (and cursors), not an overflow past the system clock's 2262.
    far = get(api, patient, patient_id, "timeline", **{"from": "0001-01-01", "to": "9999-12-31"})
    assert len(far["items"]) == len(get(api, patient, patient_id, "timeline")["items"])
    far_cursor = base64.urlsafe_b64encode(
        b"9999-12-31T00:00:00.000000Z|observation|1").decode().rstrip("=")
    after_far = get(api, patient, patient_id, "timeline", cursor=far_cursor)["items"]
    assert after_far == get(api, patient, patient_id, "timeline")["items"]

    forged = base64.urlsafe_b64encode(b"2026-02-01T08:00:00.000000Z|secret|1").decode().rstrip("=")
    for query, field in [({"types": "observation,alien"}, "types"), ({"types": ""}, "types"),
                         ({"cursor": "!!!"}, "cursor"), ({"cursor": forged}, "cursor"),
                         ({"from": "March"}, "from"), ({"to": "2026-13-01"}, "to"),
                         ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),
                         ({"limit": 0}, "limit"), ({"limit": 201}, "limit"),
                         ({"limit": "ten"}, "limit")]:
        reply = get(api, patient, patient_id, "timeline", expected=422, **query)
        assert_error(reply, "validation_failed", field)
    assert_error(get(api, patient, patient_id, "encounters", expected=422, cursor="x"),
                 "validation_failed", "cursor")


def test_export_is_the_whole_record_for_the_patient_only(api):
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, _ = care_team(api, patient, patient_id, admin, grant=True)
    assert api.call("PUT", path(patient_id, "profile"), patient, body=PROFILE)[0] == 200
    made = make_timeline(api, doctor, patient, patient_id)
    [original] = record(api, doctor, patient_id, {"code": "8480-6", "value": 185,
                                                  "unit": "mm[Hg]"})["items"]
    status, _, fixed = api.call("POST", path(patient_id, f"observations/{original['id']}/corrections"),
                                doctor, body={"value": 135, "unit": "mm[Hg]", "reason": "typo"})
    assert status == 201

    status, headers, exported = api.call("GET", path(patient_id, "export"), patient)
    assert status == 200, exported
    disposition = headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"vitalis-record-")
    assert disposition.endswith(".json\"") and str(patient_id) in disposition
    assert exported["patient_id"] == patient_id and exported["profile"]["area_code"] == "E09000019"
    assert [a["substance"] for a in exported["profile"]["allergies"]] == ["penicillin", "peanuts"]
    for kind, key in [("observation", "observations"), ("encounter", "encounters"),
                      ("diagnosis", "diagnoses"), ("prescription", "prescriptions"),
                      ("symptom", "symptoms")]:
        ids = {entry["id"] for entry in exported[key]}
        assert {i for k, i in made if k == kind} <= ids, kind
    history = [o for o in exported["observations"] if o["code"] == "8480-6"]
    assert [(o["status"], o["value"]) for o in history] == [("corrected", 185), ("final", 135)]
    assert history[1]["correction_reason"] == "typo"

    for token, expected in [(doctor, 403), (admin, 403), (None, 401)]:
        assert api.call("GET", path(patient_id, "export"), token)[0] == expected
    exports = audit(api, admin, "record.export", patient_id)
    assert [(e["actor_id"], e["resource_type"]) for e in exports] == [(patient_id, "record")]


def test_clinical_routes_state_their_rules(lite_api):
    admin, _ = lite_api.create_admin()
    status, _, table = lite_api.call("GET", "/api/v1/admin/routes", admin)
    assert status == 200
    rules = {(r["method"], r["path"]): r["access"] for r in table["items"]}
    base = "/api/v1/patients/{patient_id}"
    assert rules[("GET", base + "/profile")] == "record_read"
    assert rules[("PUT", base + "/profile")] == "record_write"
    for what in ("encounters", "diagnoses", "prescriptions", "symptoms"):
        assert rules[("POST", f"{base}/{what}")] == "record_write"
        assert rules[("GET", f"{base}/{what}")] == "record_read"
    assert rules[("POST", base + "/diagnoses/{diagnosis_id}/resolve")] == "record_write"
    assert rules[("POST", base + "/prescriptions/{prescription_id}/stop")] == "record_write"
    assert rules[("GET", base + "/timeline")] == "record_read"
    assert rules[("GET", base + "/export")] == "record_owner"
    assert rules[("GET", "/api/v1/symptoms/vocabulary")] == "signed_in"
