"""Allergies and safe prescribing, black-box: structured allergies in the profile (plain texts
still accepted) with what each resolves to, prescriptions refused with 409 and each conflict in
plain words (allergy by ingredient, by class, by brand; duplicates of active prescriptions), an
override with a reason stored, audited and shown in lists, the timeline, the export and the
patient summary, unknown medicines allowed with a note, and the server without the medicines
table saying that brand names could not be resolved."""
from conftest import assert_error
from test_clinical import DATASETS, api, audit, get, path, post  # noqa: F401 (api: a fixture)
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)
from test_records import care_team

PENICILLIN = {"substance": "Penicillin", "reaction": "Anaphylaxis", "severity": "severe"}
PENICILLIN_WARNING = ("Recorded allergy: Penicillin (severe: Anaphylaxis). "
                      "Amoxicillin is a penicillin.")
AMOXICILLIN = {"medicine": "Amoxicillin", "strength": "500 mg", "dose": "1 capsule",
               "frequency": "three times a day", "duration": "7 days"}
OVERRIDE = "Allergist tested in 2024: tolerated amoxicillin without any reaction"


def put_profile(api, token, patient_id, body, expected=200):
    status, _, reply = api.call("PUT", path(patient_id, "profile"), token, body=body)
    assert status == expected, (body, reply)
    return reply


def clinic(api):
    """A patient, an admin, and the patient's doctor holding a write grant."""
    admin, _ = api.create_admin()
    patient, patient_id = api.patient("ana@example.org")
    doctor, doctor_id = care_team(api, patient, patient_id, admin, grant=True)
    return admin, patient, patient_id, doctor, doctor_id


def test_allergies_are_structured_and_say_what_they_resolve_to(api):  # noqa: F811
    _, patient, patient_id, doctor, _ = clinic(api)
    profile = get(api, patient, patient_id, "profile")
    assert profile["allergies"] == [] and profile["no_known_allergies"] is False

    saved = put_profile(api, patient, patient_id, {"allergies": [
        PENICILLIN, "Augmentin", {"substance": "peanuts", "reaction": "", "severity": "mild"},
        {"substance": "Ibuprofen"}]})
    allergies = saved["allergies"]
    assert [(a["substance"], a["reaction"], a["severity"]) for a in allergies] == [
        ("Penicillin", "Anaphylaxis", "severe"), ("Augmentin", None, "unknown"),
        ("peanuts", None, "mild"), ("Ibuprofen", None, "unknown")]
    penicillin, augmentin, peanuts, ibuprofen = (a["resolves_to"] for a in allergies)
    assert penicillin["checked"] and penicillin["ingredients"] == []
    assert [(c["id"], c["atc"]) for c in penicillin["classes"]] == [("penicillins", ["J01C"])]
    assert augmentin["ingredients"] == ["amoxicillin", "clavulanic acid"]
    assert [c["id"] for c in augmentin["classes"]] == ["penicillins"]
    assert ibuprofen["ingredients"] == ["ibuprofen"] and ibuprofen["classes"][0]["id"] == "nsaids"
    assert not peanuts["checked"] and "not checked" in peanuts["note"]
    assert get(api, doctor, patient_id, "profile")["allergies"] == allergies

    # What GET gives can be sent back as it is.
    assert put_profile(api, patient, patient_id, {"allergies": allergies})["allergies"] == allergies

    # "No known allergies" is a statement of its own, never beside a list.
    none = put_profile(api, patient, patient_id, {"no_known_allergies": True})
    assert none["no_known_allergies"] is True and none["allergies"] == []
    for body, field, words in [
            ({"allergies": ["latex"], "no_known_allergies": True}, "no_known_allergies",
             "\u201cNo known allergies\u201d"),
            ({"allergies": ["latex", {"substance": " "}]}, "allergies.1.substance",
             "Allergy 2: Substance is required"),
            ({"allergies": [{"substance": "latex", "severity": "fatal"}]},
             "allergies.0.severity", "Allergy 1: Severity must be"),
            ({"allergies": [{"substance": "latex", "reaction": 3}]}, "allergies.0.reaction", None),
            ({"allergies": [7]}, "allergies", None),
            ({"no_known_allergies": "yes"}, "no_known_allergies", None),
            ({"city": "x" * 101}, "city", "City must be at most 100 characters")]:
        status, _, reply = api.call("PUT", path(patient_id, "profile"), patient, body=body)
        assert status == 422, (body, reply)
        assert_error(reply, "validation_failed", field)
        if words:
            assert reply["error"]["message"].startswith(words), reply
    assert get(api, patient, patient_id, "profile")["no_known_allergies"] is True


def test_a_conflict_refuses_with_409_and_an_override_is_stored_audited_and_shown(api):  # noqa: F811
    admin, patient, patient_id, doctor, doctor_id = clinic(api)
    put_profile(api, patient, patient_id, {"allergies": [PENICILLIN]})

    status, _, refused = api.call("POST", path(patient_id, "prescriptions"), doctor,
                                  body=AMOXICILLIN)
    assert status == 409, refused
    assert refused["error"]["code"] == "conflict"
    [conflict] = refused["error"]["conflicts"]
    assert conflict["message"] == PENICILLIN_WARNING
    assert conflict["kind"] == "allergy" and conflict["match"] == "class"
    assert conflict["class"]["id"] == "penicillins" and conflict["ingredient"] == "amoxicillin"
    assert conflict["allergy"] == {"substance": "Penicillin", "reaction": "Anaphylaxis",
                                   "severity": "severe"}
    assert get(api, doctor, patient_id, "prescriptions")["items"] == []  # nothing written

    # The brand and the brand's allergy: the medicines table resolves both.
    status, _, brand = api.call("POST", path(patient_id, "prescriptions"), doctor,
                                body={**AMOXICILLIN, "medicine": "Augmentin 625 Duo"})
    assert status == 409
    assert brand["error"]["conflicts"][0]["message"].endswith(
        "Augmentin 625 Duo contains amoxicillin, a penicillin.")

    status, _, short = api.call("POST", path(patient_id, "prescriptions"), doctor,
                                body={**AMOXICILLIN, "override_reason": "ok"})
    assert status == 422
    assert_error(short, "validation_failed", "override_reason")
    assert short["error"]["message"].startswith("Reason for the override")

    stored = post(api, doctor, patient_id, "prescriptions",
                  {**AMOXICILLIN, "override_reason": OVERRIDE})
    assert stored["override"] == {"reason": OVERRIDE, "warnings": [PENICILLIN_WARNING]}
    assert stored["check"]["conflicts"][0]["message"] == PENICILLIN_WARNING
    [listed] = get(api, doctor, patient_id, "prescriptions")["items"]
    assert listed["override"]["reason"] == OVERRIDE and "check" not in listed
    [item] = get(api, patient, patient_id, "timeline", types="prescription")["items"]
    assert f"prescribed despite a safety warning ({OVERRIDE})" in item["summary"]
    status, _, exported = api.call("GET", path(patient_id, "export"), patient)
    assert exported["prescriptions"][0]["override"]["warnings"] == [PENICILLIN_WARNING]
    summary = get(api, doctor, patient_id, "summary")
    assert [m["override"]["reason"] for m in summary["medicines"]] == [OVERRIDE]

    [overridden] = audit(api, admin, "prescription.override", patient_id)
    assert overridden["actor_id"] == doctor_id and overridden["resource_id"] == str(stored["id"])
    assert OVERRIDE not in str(overridden)  # the reason is health data: not in the audit log


def test_duplicates_class_relatives_and_unknown_medicines(api):  # noqa: F811
    _, patient, patient_id, doctor, _ = clinic(api)
    put_profile(api, patient, patient_id, {"allergies": [
        {"substance": "ibuprofen", "reaction": "wheezing", "severity": "moderate"}]})

    first = post(api, doctor, patient_id, "prescriptions", {
        "medicine": "Amlodipine", "strength": "5 mg", "dose": "1 tablet",
        "frequency": "once a day"})
    assert first["override"] is None and first["check"]["conflicts"] == []
    status, _, duplicate = api.call("POST", path(patient_id, "prescriptions"), doctor, body={
        "medicine": "amlodipine besylate", "strength": "10 mg", "dose": "1 tablet",
        "frequency": "once a day"})
    assert status == 409
    [conflict] = duplicate["error"]["conflicts"]
    assert conflict["kind"] == "duplicate" and conflict["prescription_id"] == first["id"]
    assert conflict["message"].startswith("Already prescribed and active: Amlodipine 5 mg")

    status, _, relative = api.call("POST", path(patient_id, "prescriptions"), doctor, body={
        "medicine": "Naproxen", "dose": "1 tablet", "frequency": "twice a day"})
    assert status == 409
    assert relative["error"]["conflicts"][0]["match"] == "related_class"
    assert "also an NSAID" in relative["error"]["conflicts"][0]["message"]

    unknown = post(api, doctor, patient_id, "prescriptions", {
        "medicine": "Zyxorin", "dose": "1 tablet", "frequency": "once a day"})
    assert unknown["check"]["medicine_understood"] is False
    assert "is not a medicine this server knows" in unknown["check"]["notes"][0]
    assert unknown["override"] is None

    # Validation in people's words; the field code stays for the form.
    status, _, missing = api.call("POST", path(patient_id, "prescriptions"), doctor,
                                  body={"dose": "1", "frequency": "daily"})
    assert status == 422 and missing["error"]["field"] == "medicine"
    assert missing["error"]["message"] == "Medicine is required"


def test_summary_is_one_audited_read_that_follows_the_record(api):  # noqa: F811
    admin, patient, patient_id, doctor, doctor_id = clinic(api)
    summary = get(api, doctor, patient_id, "summary")
    assert summary["patient"]["full_name"] == "Ana Silva"
    assert summary["patient"]["date_of_birth"] == "1980-05-01"
    assert 44 <= summary["patient"]["age"] <= 60 and summary["patient"]["sex"] == "female"
    assert summary["allergies"] == [] and summary["no_known_allergies"] is False
    assert summary["problems"] == [] and summary["medicines"] == []
    assert summary["brand_names_available"] is True

    put_profile(api, patient, patient_id, {"allergies": [PENICILLIN]})
    diagnosis = post(api, doctor, patient_id, "diagnoses", {"description": "Hypertension",
                                                            "icd10_code": "I10"})
    medicine = post(api, doctor, patient_id, "prescriptions", {
        "medicine": "Ramipril", "strength": "5 mg", "dose": "1 capsule", "frequency": "daily"})
    summary = get(api, doctor, patient_id, "summary")
    assert [(a["substance"], a["severity"]) for a in summary["allergies"]] == [
        ("Penicillin", "severe")]
    assert [p["id"] for p in summary["problems"]] == [diagnosis["id"]]
    assert [m["id"] for m in summary["medicines"]] == [medicine["id"]]

    api.call("POST", path(patient_id, f"diagnoses/{diagnosis['id']}/resolve"), doctor,
             body={"reason": "controlled without medicine"})
    api.call("POST", path(patient_id, f"prescriptions/{medicine['id']}/stop"), doctor,
             body={"reason": "cough"})
    summary = get(api, patient, patient_id, "summary")
    assert summary["problems"] == [] and summary["medicines"] == []

    reads = [r for r in audit(api, admin, "record.read", patient_id)
             if r["resource_type"] == "patient_summary"]
    assert {r["actor_id"] for r in reads} == {doctor_id, patient_id}
    stranger, _ = api.doctor("carla@example.org", admin, name="Dr Carla Dias")
    assert api.call("GET", path(patient_id, "summary"), stranger)[0] == 403
    assert api.call("GET", path(patient_id, "summary"), None)[0] == 401

    status, _, routes = api.call("GET", "/api/v1/admin/routes", admin)
    rules = {(r["method"], r["path"]): r["access"] for r in routes["items"]}
    assert rules[("GET", "/api/v1/patients/{patient_id}/summary")] == "record_read"


def test_without_the_medicines_table_brand_names_are_said_to_be_unresolved(
        start_server, sqlite_database, smtp, tmp_path):  # noqa: F811
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                          f"--datasets={tmp_path / 'no-datasets'}", *FAST_HASH)
    api = Api(server, smtp, tmp_path)
    assert any("medicines table not loaded" in line for line in server.log_lines)
    _, patient, patient_id, doctor, _ = clinic(api)
    saved = put_profile(api, patient, patient_id, {"allergies": ["Augmentin", "penicillin"]})
    augmentin, penicillin = (a["resolves_to"] for a in saved["allergies"])
    assert not augmentin["checked"] and "medicines table is not loaded" in augmentin["note"]
    assert penicillin["checked"]  # classes and generic names work without the table

    stored = post(api, doctor, patient_id, "prescriptions", {
        "medicine": "Clavulanic acid", "dose": "1 tablet", "frequency": "daily"})
    notes = " ".join(stored["check"]["notes"])
    assert "Augmentin" in notes and "Brand names cannot be looked up" in notes
    assert stored["check"]["brand_names_available"] is False
    status, _, refused = api.call("POST", path(patient_id, "prescriptions"), doctor,
                                  body=AMOXICILLIN)
    assert status == 409  # the class allergy still works
    assert get(api, doctor, patient_id, "summary")["brand_names_available"] is False
    assert DATASETS.exists()  # the other tests of this file did use the real table
