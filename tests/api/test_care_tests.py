"""Diagnostic test centres (src/care) against the real binary on SQLite and PostgreSQL: the
catalogue, what a centre offers and when, hourly places, bookings with a unique token that the
email carries (and no test name), check-in by token, cancel returning the place, and a race over
HTTP in which 50 patients ask for an hour with 4 places and exactly 4 get one.
Every 4xx names its field."""
import concurrent.futures
import datetime
import re

from test_care import at, field_of, next_monday
from test_identity import FAST_HASH, PASSWORD, Api, smtp, wait_until  # noqa: F401 (smtp: fixture)
from test_identity import api  # noqa: F401 (fixture: both dialects)

TOKEN = re.compile(r"^[ACDEFHJKMNPRTUVWXY34679]{4}-[ACDEFHJKMNPRTUVWXY34679]{4}$")


def setup_centre(api, per_hour):
    admin, _ = api.create_admin()
    status, _, centre = api.call("POST", "/api/v1/care/clinics", admin, body={
        "kind": "diagnostic_centre", "name": "North Lab", "address": "2 Low St", "city": "London",
        "postcode": "N1 1AA", "latitude": 51.55, "longitude": -0.1, "phone": "+44 20 2",
        "opening_hours": "Mon-Fri 08:00-11:00", "time_zone": "Europe/London", "services": []})
    assert status == 201, centre
    body = {"code": "hba1c", "name": "HbA1c (average blood sugar)", "category": "blood",
            "duration_minutes": 10, "price_minor": 2500, "currency": "GBP",
            "preparation": "No need to fast."}
    status, _, reply = api.call("POST", "/api/v1/care/tests", admin, body={**body, "price_minor": 25.5})
    assert status == 422 and field_of(reply) == "price_minor", reply
    status, _, test = api.call("POST", "/api/v1/care/tests", admin, body=body)
    assert status == 201 and test["price_minor"] == 2500, test
    status, _, reply = api.call("POST", "/api/v1/care/tests", admin, body=body)
    assert status == 409 and field_of(reply) == "code", reply
    status, _, reply = api.call("PUT", f"/api/v1/care/centres/{centre['id']}/tests", admin,
                                body={"offers": [{"test_id": test["id"], "per_hour": 0}]})
    assert status == 422 and field_of(reply) == "per_hour", reply
    status, _, reply = api.call("PUT", f"/api/v1/care/centres/{centre['id']}/tests", admin,
                                body={"offers": [{"test_id": test["id"], "per_hour": per_hour}]})
    assert status == 204, reply
    sessions = [{"weekday": d, "start": "08:00", "end": "11:00"} for d in range(1, 6)]
    status, _, reply = api.call("PUT", f"/api/v1/care/centres/{centre['id']}/hours", admin,
                                body={"sessions": [{**sessions[0], "end": "08:30"}]})
    assert status == 422 and field_of(reply) == "end", reply
    status, _, reply = api.call("PUT", f"/api/v1/care/centres/{centre['id']}/hours", admin,
                                body={"sessions": sessions})
    assert status == 204, reply
    return admin, centre, test


def hours_path(centre, test, day):
    return (f"/api/v1/care/centres/{centre['id']}/tests/{test['id']}/hours"
            f"?from={at(day, 0)}&to={at(day, 23)}")


def test_book_mail_check_in_and_cancel(api):
    admin, centre, test = setup_centre(api, per_hour=2)
    patient, patient_id = api.patient("ana@example.org")
    status, _, catalogue = api.call("GET", "/api/v1/care/tests", patient)
    assert status == 200 and [t["code"] for t in catalogue["items"]] == ["hba1c"]
    status, _, found = api.call("GET", f"/api/v1/care/tests/{test['id']}/centres?lat=51.5&lon=-0.1",
                                patient)
    assert status == 200 and found["items"][0]["id"] == centre["id"], found
    assert 5 < found["items"][0]["distance_km"] < 6.5
    monday = next_monday()
    status, _, hours = api.call("GET", hours_path(centre, test, monday), patient)
    assert status == 200 and len(hours["items"]) == 3, hours
    eight = hours["items"][0]["starts_at"]
    assert eight.startswith(at(monday, 8)[:16]) and hours["items"][0]["left"] == 2

    body = {"centre_id": centre["id"], "test_id": test["id"], "starts_at": eight}
    status, _, reply = api.call("POST", "/api/v1/care/test-bookings", patient,
                                body={**body, "starts_at": at(monday, 8, 30)})
    assert status == 422 and field_of(reply) == "starts_at", reply
    status, _, reply = api.call("POST", "/api/v1/care/test-bookings", patient,
                                body={**body, "test_id": None})
    assert status == 422 and field_of(reply) == "test_id", reply
    status, _, booked = api.call("POST", "/api/v1/care/test-bookings", patient, body=body)
    assert status == 201 and TOKEN.match(booked["token"]), booked
    assert booked["patient_id"] == patient_id and booked["status"] == "booked"
    # The email: the token, the place, the local time; never the test.
    assert wait_until(lambda: api.smtp.to("ana@example.org") and any(
        "booking is confirmed" in m["Subject"] for m in api.smtp.to("ana@example.org")))
    mail = [m for m in api.smtp.to("ana@example.org") if "booking" in m["Subject"]][0]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert booked["token"] in text and "North Lab" in text and "(Europe/London)" in text
    assert "HbA1c" not in mail.as_string()
    # The patient's list (a record read); another patient sees nothing of it.
    status, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/test-bookings", patient)
    assert status == 200 and [b["token"] for b in mine["items"]] == [booked["token"]]
    other, _ = api.patient("carla@example.org", name="Carla Dias")
    status, _, reply = api.call("POST", f"/api/v1/care/test-bookings/{booked['id']}/cancel",
                                other, body={"reason": "x"})
    assert status == 404 and field_of(reply) == "booking_id", reply
    # Check-in: staff only; a malformed token names the field; not on the day: 409.
    status, _, reply = api.call("POST", "/api/v1/care/test-bookings/check-in", patient,
                                body={"token": booked["token"]})
    assert status == 403, reply
    status, _, reply = api.call("POST", "/api/v1/care/test-bookings/check-in", admin,
                                body={"token": "0000"})
    assert status == 422 and field_of(reply) == "token", reply
    status, _, reply = api.call("POST", "/api/v1/care/test-bookings/check-in", admin,
                                body={"token": booked["token"].lower().replace("-", " ")})
    assert status == 409 and field_of(reply) == "token" and "is for" in reply["error"]["message"]
    # Cancel returns the place.
    status, _, reply = api.call("POST", f"/api/v1/care/test-bookings/{booked['id']}/cancel",
                                patient, body={})
    assert status == 422 and field_of(reply) == "reason", reply
    status, _, cancelled = api.call("POST", f"/api/v1/care/test-bookings/{booked['id']}/cancel",
                                    patient, body={"reason": "cannot come"})
    assert status == 200 and cancelled["status"] == "cancelled", cancelled
    status, _, hours = api.call("GET", hours_path(centre, test, monday), patient)
    assert hours["items"][0]["left"] == 2
    # The centre's list: admins (and staff who practise there).
    status, _, listed = api.call(
        "GET", f"/api/v1/care/centres/{centre['id']}/test-bookings?from={at(monday, 0)}"
               f"&to={at(monday, 23)}", admin)
    assert status == 200 and len(listed["items"]) == 1, listed


def many_patients(api, count):
    """`count` verified patients, each signing up from an address of its own (the server trusts
    this host as a proxy), since one address may sign up only 20 times an hour."""
    tokens = []
    for index in range(count):
        address = f"p{index}@example.org"
        forwarded = {"X-Forwarded-For": f"10.9.{index // 250}.{index % 250 + 1}"}
        status, _, reply = api.call("POST", "/api/v1/auth/signup/patient", headers=forwarded,
                                    body={"email": address, "password": PASSWORD,
                                          "full_name": f"Pat {index}",
                                          "date_of_birth": "1980-05-01", "sex": "female"})
        assert status == 202, reply
        status, _, reply = api.call("POST", "/api/v1/auth/verify-email", headers=forwarded,
                                    body={"email": address,
                                          "code": api.smtp.code_for(address, "Confirm")})
        assert status == 200, reply
        tokens.append(reply["access_token"])
    return tokens


def test_race_for_the_last_places_of_an_hour(start_server, database, smtp, tmp_path):
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH,
                          "--trusted-proxies=127.0.0.1")
    api = Api(server, smtp, tmp_path)
    _, centre, test = setup_centre(api, per_hour=4)
    patients = many_patients(api, 50)
    monday = next_monday(21)
    body = {"centre_id": centre["id"], "test_id": test["id"], "starts_at": at(monday, 9)}

    def book(token):
        status, _, reply = api.call("POST", "/api/v1/care/test-bookings", token, body=body)
        return status, reply
    # 50 patients at once for an hour with 4 places: exactly 4 booked, the rest told it is full
    # and offered the next hours with places.
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(book, patients))
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 4, statuses
    assert statuses.count(409) == 46, statuses
    assert len({reply["token"] for status, reply in results if status == 201}) == 4
    for status, reply in results:
        if status == 409:
            assert field_of(reply) == "starts_at"
            assert reply["error"]["suggestions"], reply
    # A winner asking again (a double tap, four at once) gets its own booking, takes nothing more.
    winner = patients[statuses.index(201)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        again = list(pool.map(book, [winner] * 4))
    assert {status for status, _ in again} == {201}, again
    assert len({reply["token"] for _, reply in again}) == 1
    status, _, hours = api.call("GET", hours_path(centre, test, monday), patients[0])
    nine = [h for h in hours["items"] if h["starts_at"].startswith(at(monday, 9)[:16])][0]
    assert nine["left"] == 0 and nine["capacity"] == 4


def test_results_become_the_patients_observations_linked_to_the_booking(api):
    """Staff record a checked-in test's results: they become the patient's clinical observations
    (converted to canonical units), all or none, and a bad result names itself."""
    admin, _ = api.create_admin()
    status, _, centre = api.call("POST", "/api/v1/care/clinics", admin, body={
        "kind": "diagnostic_centre", "name": "Night Lab", "address": "3 Late St", "city": "London",
        "postcode": "N1 2AA", "latitude": 51.55, "longitude": -0.1, "phone": "+44 20 3",
        "opening_hours": "Always", "time_zone": "Etc/UTC", "services": []})
    assert status == 201, centre
    status, _, test = api.call("POST", "/api/v1/care/tests", admin, body={
        "code": "lipids", "name": "Lipid profile", "category": "blood", "duration_minutes": 10,
        "price_minor": 3000, "currency": "GBP", "preparation": "Do not eat for 8 hours before."})
    assert status == 201, test
    status, _, reply = api.call("PUT", f"/api/v1/care/centres/{centre['id']}/tests", admin,
                                body={"offers": [{"test_id": test["id"], "per_hour": 2}]})
    assert status == 204, reply
    status, _, reply = api.call("PUT", f"/api/v1/care/centres/{centre['id']}/hours", admin, body={
        "sessions": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(1, 8)]})
    assert status == 204, reply
    patient, patient_id = api.patient("ana@example.org")
    hour = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).replace(
        minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, _, booked = api.call("POST", "/api/v1/care/test-bookings", patient, body={
        "centre_id": centre["id"], "test_id": test["id"], "starts_at": hour})
    assert status == 201, booked
    path = f"/api/v1/care/test-bookings/{booked['id']}/results"
    good = [{"code": "2093-3", "value": 5.2, "unit": "mmol/L"},
            {"code": "hba1c", "value": 6.1, "unit": "%"}]
    # Not before check-in; not by the patient.
    status, _, reply = api.call("POST", path, admin, body={"results": good})
    assert status == 409 and field_of(reply) == "status", reply
    status, _, reply = api.call("POST", "/api/v1/care/test-bookings/check-in", admin,
                                body={"token": booked["token"]})
    assert status == 200, reply
    status, _, reply = api.call("POST", path, patient, body={"results": good})
    assert status == 403, reply
    # A bad result names itself; nothing of the good one is stored.
    for results, field in (([good[0], {**good[1], "value": "high"}], "results[1].value"),
                           ([good[0], {**good[1], "unit": "furlongs"}], "results[1].unit"),
                           ([{"value": 1, "unit": "%"}], "results[0].code"),
                           ([], "results")):
        status, _, reply = api.call("POST", path, admin, body={"results": results})
        assert status == 422 and field_of(reply) == field, (results, reply)
    status, _, listed = api.call("GET", f"/api/v1/patients/{patient_id}/observations", patient)
    assert status == 200 and listed["items"] == [], listed
    status, _, stored = api.call("POST", path, admin, body={"results": good})
    assert status == 201, stored
    assert stored["booking"]["id"] == booked["id"] and stored["advice"] is None
    assert [(o["code"], o["unit"], o["source"]) for o in stored["observations"]] == \
        [("2093-3", "mg/dL", "clinical"), ("4548-4", "%", "clinical")]
    status, _, listed = api.call("GET", f"/api/v1/patients/{patient_id}/observations", patient)
    assert sorted(o["id"] for o in listed["items"]) == \
        sorted(o["id"] for o in stored["observations"])
