"""Appointment emails against the real binary and a real SMTP server (aiosmtpd), on SQLite and
PostgreSQL: a confirmation with an iCalendar entry on book, reschedule and cancel (every entry
parsed with python3-icalendar), and reminders 3 hours and 1 hour before, each delivered once —
across a restart while one is due and, on PostgreSQL, with two servers sweeping one database.
The servers' clock is libfaketime's, moved forward through its timestamp file (the monotonic
clock stays real, so timers and sleeps are unaffected)."""
import datetime
import glob
import time

import icalendar
import pytest

from conftest import stop_and_check
from test_identity import FAST_HASH, Api, PASSWORD, smtp  # noqa: F401 (smtp is a fixture)

LIBFAKETIME = (glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1") or [None])[0]


class Clock:
    """The servers' shifted clock: an offset in seconds, read by libfaketime from a file."""

    def __init__(self, tmp_path):
        assert LIBFAKETIME, "libfaketime is not installed (scripts/install-deps)"
        self.file = tmp_path / "faketime"
        self.offset = 0
        self.file.write_text("+0s\n")

    def env(self):
        return {"LD_PRELOAD": LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE": str(self.file),
                "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                "ASAN_OPTIONS": "detect_leaks=1:verify_asan_link_order=0"}

    def now(self):
        return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=self.offset)

    def move_to(self, moment):
        """Moves the servers' clock so that it reads `moment` now (forward only)."""
        target = int((moment - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
        assert target >= self.offset
        self.offset = target
        self.file.write_text(f"+{target}s\n")


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def mails(smtp_sink, address, subject_word):
    return [m for m in smtp_sink.to(address) if subject_word in m["Subject"]]


def wait_for_mails(smtp_sink, address, subject_word, count, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline and len(mails(smtp_sink, address, subject_word)) < count:
        time.sleep(0.1)
    found = mails(smtp_sink, address, subject_word)
    assert len(found) >= count, (subject_word, [m["Subject"] for m in smtp_sink.to(address)])
    return found


def calendar_of(message):
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [part.get_content_type() for part in message.walk()]
    assert parts[0].get_filename() == "appointment.ics"
    calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_confirmations_and_reminders_once_across_restarts_and_servers(dialect, start_server,
                                                                      smtp, tmp_path):
    from conftest import Database
    database = Database(dialect, tmp_path)
    clock = Clock(tmp_path)
    flags = (f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH, "--reminder-hours=3,1",
             "--reminder-seconds=1", "--public-url=https://vitalis.example")
    started = []

    def start():
        started.append(start_server(database, *flags, env=clock.env()))
        return started[-1]
    try:
        server = start()
        api = Api(server, smtp, tmp_path)
        admin, _ = api.create_admin()
        doctor, doctor_id = api.doctor("dora@example.org", admin, name="Dr Dora Düring")
        patient, patient_id = api.patient("ana@example.org")
        status, _, clinic = api.call("POST", "/api/v1/care/clinics", admin, body={
            "kind": "clinic", "name": "Night Clinic", "address": "1 Dark St", "city": "London",
            "postcode": "N1 1AA", "latitude": 51.5, "longitude": -0.1, "phone": "+44 20 3",
            "opening_hours": "always", "time_zone": "Etc/UTC", "services": []})
        assert status == 201, clinic
        status, _, reply = api.call("PUT", f"/api/v1/care/doctors/{doctor_id}/practice", admin,
                                    body={"clinic_ids": [clinic["id"]]})
        assert status == 204, reply
        status, _, reply = api.call(
            "PUT", f"/api/v1/care/doctors/{doctor_id}/clinics/{clinic['id']}/hours", doctor,
            body={"sessions": [{"weekday": d, "start": "00:00", "end": "24:00",
                                "slot_minutes": 30} for d in range(1, 8)]})
        assert status == 204, reply
        # A slot four to four and a half hours ahead: no reminder is due when it is booked.
        now = clock.now()
        slot = (now + datetime.timedelta(hours=4)).replace(second=0, microsecond=0)
        slot += datetime.timedelta(minutes=(30 - slot.minute % 30) % 30)
        status, _, booked = api.call("POST", "/api/v1/care/appointments", patient, body={
            "doctor_id": doctor_id, "starts_at": iso(slot), "reason": "palpitations"})
        assert status == 201, booked

        confirmation = wait_for_mails(smtp, "ana@example.org", "is booked", 1)[0]
        calendar, event = calendar_of(confirmation)
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert event.decoded("DTSTART") == slot
        assert event.decoded("DTEND") == slot + datetime.timedelta(minutes=30)
        assert int(event["SEQUENCE"]) == 0
        assert "Dr Dora Düring" in str(event["SUMMARY"])
        assert str(event["UID"]) == f"appointment-{booked['id']}@vitalis.example"

        # Restart while the 3-hour reminder is due: the new process sends it, once.
        server.stop()
        clock.move_to(slot - datetime.timedelta(hours=3) + datetime.timedelta(seconds=30))
        servers = [start()]
        if dialect == "postgresql":  # two servers sweep one database
            servers.append(start())
        wait_for_mails(smtp, "ana@example.org", "Reminder", 1)
        time.sleep(4)  # several more sweeps of every server
        assert len(mails(smtp, "ana@example.org", "Reminder")) == 1

        clock.move_to(slot - datetime.timedelta(hours=1) + datetime.timedelta(seconds=30))
        wait_for_mails(smtp, "ana@example.org", "Reminder", 2)
        time.sleep(4)
        reminders = mails(smtp, "ana@example.org", "Reminder")
        assert len(reminders) == 2
        assert len({m["Message-ID"] for m in reminders}) == 2

        # Move it, then cancel it: each mail's entry replaces the one before (SEQUENCE).
        api = Api(servers[0], smtp, tmp_path)
        patient, _, _ = api.sign_in("ana@example.org", PASSWORD)
        later = slot + datetime.timedelta(hours=2)
        status, _, moved = api.call("POST", f"/api/v1/care/appointments/{booked['id']}/reschedule",
                                    patient, body={"starts_at": iso(later)})
        assert status == 200, moved
        _, event = calendar_of(wait_for_mails(smtp, "ana@example.org", "has moved", 1)[0])
        assert event.decoded("DTSTART") == later and int(event["SEQUENCE"]) == 1
        status, _, cancelled = api.call("POST", f"/api/v1/care/appointments/{booked['id']}/cancel",
                                        patient, body={"reason": "feeling better"})
        assert status == 200, cancelled
        calendar, event = calendar_of(wait_for_mails(smtp, "ana@example.org", "is cancelled", 1)[0])
        assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 2
        # Nothing clinical in any of them: not the reason given, not the one to cancel.
        for message in smtp.to("ana@example.org"):
            text = message.as_string()
            assert "palpitations" not in text and "feeling better" not in text
        stop_and_check(started)
    finally:
        for running in started:
            running.stop()
        database.drop()
