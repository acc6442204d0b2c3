"""Scheduling (src/care) against the real binary on SQLite and PostgreSQL: the directory, doctors'
hours, free slots, booking with 409 alternatives, Idempotency-Key, reschedule and cancel, and
races over HTTP: many concurrent requests for one slot book it exactly once, and one patient
racing into two doctors' overlapping slots gets one of them. Every 4xx names its field."""
import concurrent.futures
import datetime

from test_identity import Api, smtp  # noqa: F401 (smtp is a fixture)
from test_identity import api  # noqa: F401 (fixture: both dialects)


def next_monday(days_ahead=14):
    day = datetime.date.today() + datetime.timedelta(days=days_ahead)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def at(day, hh, mm=0):
    """09:00 local in Europe/London on a winter/summer day, as UTC text."""
    offset = 1 if 3 < day.month < 11 else 0  # no booking test lands in a change-over week
    moment = datetime.datetime(day.year, day.month, day.day, hh - offset, mm,
                               tzinfo=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def field_of(reply):
    return reply["error"].get("field")


def setup_directory(api):
    admin, _ = api.create_admin()
    doctor, doctor_id = api.doctor("dora@example.org", admin, name="Dr Dora Düring")
    other, other_id = api.doctor("olu@example.org", admin, name="Dr Olu Okafor")
    status, _, reply = api.call("POST", "/api/v1/care/clinics", admin, body={
        "kind": "clinic", "name": "Central Heart", "address": "1 High St", "city": "London",
        "postcode": "EC1A 1BB", "latitude": 51.517, "longitude": -0.097, "phone": "+44 20 1",
        "opening_hours": "Mon-Fri 08:00-18:00", "time_zone": "Europe/Atlantis",
        "services": ["ECG"]})
    assert status == 422 and field_of(reply) == "time_zone", reply
    status, _, clinic = api.call("POST", "/api/v1/care/clinics", admin, body={
        "kind": "clinic", "name": "Central Heart", "address": "1 High St", "city": "London",
        "postcode": "EC1A 1BB", "latitude": 51.517, "longitude": -0.097, "phone": "+44 20 1",
        "opening_hours": "Mon-Fri 08:00-18:00", "time_zone": "Europe/London",
        "services": ["ECG"]})
    assert status == 201, clinic
    status, _, specialty = api.call("POST", "/api/v1/care/specialties", admin,
                                    body={"name": "Cardiology"})
    assert status == 201, specialty
    for doc_id, token in ((doctor_id, doctor), (other_id, other)):
        status, _, reply = api.call("PUT", f"/api/v1/care/doctors/{doc_id}/practice", admin,
                                    body={"clinic_ids": [clinic["id"]],
                                          "specialty_ids": [specialty["id"]]})
        assert status == 204, reply
        sessions = [{"weekday": d, "start": "09:00", "end": "12:00", "slot_minutes": 30}
                    for d in range(1, 6)]
        status, _, reply = api.call(
            "PUT", f"/api/v1/care/doctors/{doc_id}/clinics/{clinic['id']}/hours", token,
            body={"sessions": sessions})
        assert status == 204, reply
    return admin, (doctor, doctor_id), (other, other_id), clinic


def test_directory_slots_booking_and_alternatives(api):
    admin, (doctor, doctor_id), (other, other_id), clinic = setup_directory(api)
    patient, patient_id = api.patient("ana@example.org")
    # Search: by specialty, by name (accents ignored), nearest first with the distance.
    status, _, found = api.call("GET", "/api/v1/care/clinics?specialty=cardiology&name=during",
                                patient)
    assert status == 200 and len(found["items"]) == 1, found
    assert [d["full_name"] for d in found["items"][0]["doctors"]] == ["Dr Dora Düring"]
    status, _, found = api.call("GET", "/api/v1/care/clinics?lat=51.5&lon=-0.1&radius_km=10",
                                patient)
    assert status == 200 and 1 < found["items"][0]["distance_km"] < 3, found
    status, _, reply = api.call("GET", "/api/v1/care/clinics?lat=51.5", patient)
    assert status == 422 and field_of(reply) == "lon"

    monday = next_monday()
    # The soonest slots across the specialty's doctors, with distances from a point.
    status, _, listing = api.call("GET", "/api/v1/care/specialties", patient)
    cardiology = next(s["id"] for s in listing["items"] if s["name"] == "Cardiology")
    status, _, soonest = api.call(
        "GET", f"/api/v1/care/specialties/{cardiology}/slots?next=4&from={at(monday, 0)}"
        "&lat=51.5&lon=-0.1&radius_km=10", patient)
    assert status == 200 and len(soonest["items"]) == 4, soonest
    assert [s["starts_at"][:16] for s in soonest["items"]] == \
        [at(monday, 9)[:16]] * 2 + [at(monday, 9, 30)[:16]] * 2
    assert {s["doctor_id"] for s in soonest["items"][:2]} == {doctor_id, other_id}
    assert all(1 < s["distance_km"] < 3 and s["clinic_name"] == "Central Heart"
               for s in soonest["items"])
    for query, field in (("next=0", "next"), ("lat=51.5", "lon"), ("from=soon", "from"),
                         ("radius_km=900&lat=1&lon=1", "radius_km")):
        status, _, reply = api.call("GET", f"/api/v1/care/specialties/{cardiology}/slots?{query}",
                                    patient)
        assert status == 422 and field_of(reply) == field, (query, reply)
    status, _, reply = api.call("GET", "/api/v1/care/specialties/999999/slots", patient)
    assert status == 404 and field_of(reply) == "specialty_id", reply
    status, _, slots = api.call(
        "GET", f"/api/v1/care/doctors/{doctor_id}/slots?from={at(monday, 0)}&to={at(monday, 23)}",
        patient)
    assert status == 200 and len(slots["items"]) == 6, slots
    assert slots["items"][0]["starts_at"].startswith(at(monday, 9)[:16])
    status, _, reply = api.call(
        "GET", f"/api/v1/care/doctors/{doctor_id}/slots?from={at(monday, 0)}&to=2099-01-01T00:00:00Z",
        patient)
    assert status == 422 and field_of(reply) == "to"

    body = {"doctor_id": doctor_id, "starts_at": at(monday, 9), "reason": "chest pain"}
    status, _, booked = api.call("POST", "/api/v1/care/appointments", patient, body=body)
    assert status == 201, booked
    assert booked["status"] == "booked" and booked["patient_id"] == patient_id
    # The doctor joined the care team, so the doctor can read the appointments.
    status, _, listed = api.call("GET", f"/api/v1/patients/{patient_id}/appointments", doctor)
    assert status == 200 and [a["id"] for a in listed["items"]] == [booked["id"]]
    # Not a slot; taken (with alternatives); the patient busy with another doctor.
    status, _, reply = api.call("POST", "/api/v1/care/appointments", patient,
                                body={**body, "starts_at": at(monday, 9, 10)})
    assert status == 422 and field_of(reply) == "starts_at"
    second, _ = api.patient("carla@example.org", name="Carla Dias")
    status, _, reply = api.call("POST", "/api/v1/care/appointments", second, body=body)
    assert status == 409 and field_of(reply) == "starts_at", reply
    assert len(reply["error"]["suggestions"]) == 3
    # Alternatives to offer: the doctor's two nearest, and another cardiologist's soonest.
    offered = reply["error"]["alternatives"]
    assert [a["doctor_id"] for a in offered] == [doctor_id, doctor_id, other_id], offered
    assert offered[2]["doctor_name"] == "Dr Olu Okafor" and offered[2]["distance_km"] == 0
    assert [a["starts_at"] for a in offered[:2]] == reply["error"]["suggestions"][:2]
    status, _, reply = api.call("POST", "/api/v1/care/appointments", patient,
                                body={**body, "doctor_id": other_id})
    assert status == 409 and field_of(reply) == "patient_id", reply
    # Reschedule into a free slot, then cancel with a reason.
    status, _, moved = api.call("POST", f"/api/v1/care/appointments/{booked['id']}/reschedule",
                                patient, body={"starts_at": at(monday, 10)})
    assert status == 200 and moved["starts_at"].startswith(at(monday, 10)[:16]), moved
    status, _, reply = api.call("POST", f"/api/v1/care/appointments/{booked['id']}/cancel",
                                patient, body={})
    assert status == 422 and field_of(reply) == "reason"
    status, _, cancelled = api.call("POST", f"/api/v1/care/appointments/{booked['id']}/cancel",
                                    patient, body={"reason": "better"})
    assert status == 200 and cancelled["status"] == "cancelled"
    # The doctor's diary shows it; another doctor may not read it.
    status, _, diary = api.call(
        "GET", f"/api/v1/care/doctors/{doctor_id}/appointments?from={at(monday, 0)}&to={at(monday, 23)}",
        doctor)
    assert status == 200 and len(diary["items"]) == 1
    status, _, reply = api.call(
        "GET", f"/api/v1/care/doctors/{doctor_id}/appointments?from={at(monday, 0)}&to={at(monday, 23)}",
        other)
    assert status == 403 and field_of(reply) == "doctor_id"
    # Strangers get 404 for an appointment, naming it; admins book nobody.
    status, _, reply = api.call("POST", f"/api/v1/care/appointments/{booked['id']}/cancel",
                                second, body={"reason": "x"})
    assert status == 404 and field_of(reply) == "appointment_id"
    status, _, reply = api.call("POST", "/api/v1/care/appointments", admin, body=body)
    assert status == 403 and field_of(reply) == "doctor_id"


def test_availability_editor_shows_sessions_and_removes_leave(api):
    _, (doctor, doctor_id), (other, _), _ = setup_directory(api)
    path = f"/api/v1/care/doctors/{doctor_id}/availability"
    status, _, shown = api.call("GET", path, doctor)
    assert status == 200 and shown["clinics"][0]["clinic_name"] == "Central Heart", shown
    assert shown["clinics"][0]["time_zone"] == "Europe/London"
    assert [s["weekday"] for s in shown["clinics"][0]["sessions"]] == [1, 2, 3, 4, 5]
    assert shown["clinics"][0]["sessions"][0] == {
        "weekday": 1, "start": "09:00", "end": "12:00", "slot_minutes": 30, "buffer_minutes": 0}
    assert shown["exceptions"] == []
    status, _, reply = api.call("GET", path, other)
    assert status == 403 and field_of(reply) == "doctor_id", reply
    monday = next_monday()
    day_slots = (f"/api/v1/care/doctors/{doctor_id}/slots?from={at(monday, 0)}"
                 f"&to={at(monday, 23)}")
    status, _, leave = api.call("POST", "/api/v1/care/exceptions", doctor, body={
        "kind": "leave", "doctor_id": doctor_id, "first_day": monday.isoformat(),
        "last_day": monday.isoformat(), "note": "course"})
    assert status == 201, leave
    status, _, shown = api.call("GET", path, doctor)
    assert [e["id"] for e in shown["exceptions"]] == [leave["id"]]
    assert api.call("GET", day_slots, doctor)[2]["items"] == []
    status, _, reply = api.call("DELETE", f"/api/v1/care/exceptions/{leave['id']}", other)
    assert status == 403, reply
    status, _, _ = api.call("DELETE", f"/api/v1/care/exceptions/{leave['id']}", doctor)
    assert status == 204
    status, _, reply = api.call("DELETE", f"/api/v1/care/exceptions/{leave['id']}", doctor)
    assert status == 404 and field_of(reply) == "exception_id", reply
    assert len(api.call("GET", day_slots, doctor)[2]["items"]) == 6


def test_idempotency_key_books_once(api):
    _, (_, doctor_id), _, _ = setup_directory(api)
    patient, _ = api.patient("ana@example.org")
    monday = next_monday()
    body = {"doctor_id": doctor_id, "starts_at": at(monday, 11), "mode": "telehealth"}
    headers = {"Idempotency-Key": "retry-1"}
    first = api.call("POST", "/api/v1/care/appointments", patient, body=body, headers=headers)
    again = api.call("POST", "/api/v1/care/appointments", patient, body=body, headers=headers)
    assert first[0] == 201 and again[0] == 201
    assert again[2]["id"] == first[2]["id"]
    assert again[1].get("idempotent-replayed") == "true"
    status, _, reply = api.call("POST", "/api/v1/care/appointments", patient,
                                body={**body, "starts_at": at(monday, 11, 30)}, headers=headers)
    assert status == 422 and field_of(reply) == "Idempotency-Key"
    # Retries racing each other: every one answers the same booking, and one is stored.
    racing = {**body, "starts_at": at(monday, 9, 30)}

    def retry(_):
        return api.call("POST", "/api/v1/care/appointments", patient, body=racing,
                        headers={"Idempotency-Key": "retry-2"})
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(retry, range(20)))
    assert {status for status, _, _ in answers} == {201}, [a[2] for a in answers]
    assert len({reply["id"] for _, _, reply in answers}) == 1
    status, _, listed = api.call("GET", f"/api/v1/patients/{booked_patient(first)}/appointments",
                                 patient)
    assert status == 200
    assert sum(1 for a in listed["items"] if a["starts_at"].startswith(racing["starts_at"][:16])) == 1


def booked_patient(answer):
    return answer[2]["patient_id"]


def race(api, calls):
    """Sends every (token, body) at once; returns the statuses and replies."""
    def one(call):
        token, body = call
        status, _, reply = api.call("POST", "/api/v1/care/appointments", token, body=body)
        return status, reply
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(one, calls))


def test_races_over_http_book_one_slot_once(api):
    _, (_, doctor_id), (_, other_id), _ = setup_directory(api)
    patients = [api.patient(f"p{i}@example.org", name=f"Pat {i}")[0] for i in range(4)]
    monday = next_monday(21)
    body = {"doctor_id": doctor_id, "starts_at": at(monday, 9, 30)}
    # 200 concurrent requests for one slot from four patients: exactly one 201.
    results = race(api, [(patients[i % 4], body) for i in range(200)])
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == 199, statuses
    for status, reply in results:
        if status == 409:
            assert field_of(reply) in ("starts_at", "patient_id")
            assert 1 <= len(reply["error"]["suggestions"]) <= 3
    # One patient racing into two doctors' slots at the same time: one of them.
    lone = patients[1]
    slot = {"starts_at": at(monday, 10, 30)}
    results = race(api, [(lone, {**slot, "doctor_id": doctor_id}),
                         (lone, {**slot, "doctor_id": other_id})] * 10)
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 1, statuses
