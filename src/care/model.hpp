// Plain types of the care domain: the directory (specialties, clinics, doctors' practices),
// availability (weekly hours, exceptions), free slots and appointments. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitalis::care {

struct Specialty {
  std::int64_t id = 0;
  std::string name;
  bool active = true;
};

// A clinic, hospital or diagnostic centre. Deactivated, never deleted (bookings point at it).
struct Clinic {
  std::int64_t id = 0;
  std::string kind;  // clinic | hospital | diagnostic_centre
  std::string name, address, city, postcode;
  double latitude = 0, longitude = 0;
  std::string phone, opening_hours;
  std::string time_zone;  // IANA, e.g. Europe/London
  std::vector<std::string> services;
  bool active = true;
  std::string updated_at;
};

// What an admin sends to create a clinic or change one; unset fields keep their value on edit.
struct ClinicInput {
  std::optional<std::string> kind, name, address, city, postcode, phone, opening_hours, time_zone;
  std::optional<double> latitude, longitude;
  std::optional<std::vector<std::string>> services;
  std::optional<bool> active;
};

// A doctor as the directory shows them (name from identity).
struct DirectoryDoctor {
  std::int64_t id = 0;
  std::string full_name;
  std::vector<std::string> specialties;
};

// A search hit: a clinic, its distance from the given point (km) and its matching doctors.
struct DirectoryEntry {
  Clinic clinic;
  std::optional<double> distance_km;
  std::vector<DirectoryDoctor> doctors;
};

struct DirectoryQuery {
  std::string name;       // part of a clinic's or doctor's name (accents and case ignored)
  std::string specialty;  // a specialty's name: clinics with a doctor of it
  std::string city;
  std::optional<double> latitude, longitude;  // with radius_km: nearest first
  double radius_km = 50;
  bool include_inactive = false;  // admins only
  int limit = 50;
};

// Where a doctor practises and in what (replaces both lists).
struct PracticeInput {
  std::vector<std::int64_t> clinic_ids;
  std::vector<std::int64_t> specialty_ids;
};

// One weekly session: ISO weekday (1 = Monday), local minutes after midnight.
struct WeeklyHours {
  int weekday = 1;
  int start_minute = 0, end_minute = 0;
  int slot_minutes = 15, buffer_minutes = 0;
};

// leave: the doctor is away on those local dates (clinic_id 0: at every clinic); extra: an
// extra session with its own hours; closed: the clinic is closed (no doctor).
struct AvailabilityException {
  std::int64_t id = 0;
  std::string kind;
  std::int64_t doctor_id = 0, clinic_id = 0;
  std::string first_day, last_day;  // local dates, YYYY-MM-DD, inclusive
  int start_minute = 0, end_minute = 0, slot_minutes = 0, buffer_minutes = 0;
  std::string note;
};

// A doctor's weekly sessions at one clinic they practise at.
struct ClinicSessions {
  std::int64_t clinic_id = 0;
  std::string clinic_name, time_zone;
  std::vector<WeeklyHours> sessions;
};

// What a doctor's availability editor shows: the weekly sessions at each of their clinics, and
// the leave, extra sessions and closures that still matter (ending yesterday or later).
struct Availability {
  std::vector<ClinicSessions> clinics;
  std::vector<AvailabilityException> exceptions;
};

// A bookable time: UTC Unix seconds, and the clinic it is at.
struct Slot {
  std::int64_t starts_at = 0, ends_at = 0;
  std::int64_t clinic_id = 0;
  bool operator==(const Slot&) const = default;
};

// "Soonest free slots in a specialty": across every doctor of the specialties given, from
// `from`, soonest first; with a point, only clinics within radius_km (and each slot's distance).
struct SoonestQuery {
  std::vector<std::int64_t> specialty_ids;
  std::int64_t from = 0;  // UTC seconds (never before now)
  int count = 10;
  std::optional<double> latitude, longitude;
  double radius_km = 50;
  std::int64_t except_doctor = 0;  // leave this doctor out (the 409's other doctors)
};

// A free slot of one doctor of a specialty, with who and where.
struct DoctorSlot {
  Slot slot;
  std::int64_t doctor_id = 0;
  std::string doctor_name, clinic_name;
  std::optional<double> distance_km;
};

struct Appointment {
  std::int64_t id = 0;
  std::int64_t doctor_id = 0, patient_id = 0, clinic_id = 0;
  std::int64_t starts_at = 0, ends_at = 0;  // UTC Unix seconds
  std::string mode;                         // in_person | telehealth
  std::string reason;
  std::string status;  // booked | completed | no_show | cancelled
  std::int64_t booked_by = 0;
  std::string booked_at;
  std::optional<std::int64_t> changed_by;
  std::string changed_at, cancel_reason;
  int revision = 0;  // raised by every change (a calendar entry's SEQUENCE)
};

struct BookingInput {
  std::int64_t doctor_id = 0, patient_id = 0, clinic_id = 0;  // clinic 0: the slot's clinic
  std::int64_t starts_at = 0;
  std::string mode = "in_person";
  std::string reason;
  std::string idempotency_key;  // empty: none
};

// A booking's answer: `replayed` when an earlier request with the same Idempotency-Key made it.
struct Booked {
  Appointment appointment;
  bool replayed = false;
};

// --- diagnostic tests -------------------------------------------------------------------------

// A test of the catalogue (blood panel, HbA1c, X-ray, MRI, check-up...). Prices are integers in
// minor currency units (pence, cents). Deactivated, never deleted (bookings point at it).
struct DiagnosticTest {
  std::int64_t id = 0;
  std::string code;      // short stable name, e.g. "hba1c"
  std::string name;      // as patients read it, e.g. "HbA1c (average blood sugar)"
  std::string category;  // blood | imaging | cardiac | check_up | other
  int duration_minutes = 15;
  std::int64_t price_minor = 0;
  std::string currency;     // ISO 4217, e.g. "GBP"
  std::string preparation;  // e.g. "Do not eat for 8 hours before the test." ("" none)
  bool active = true;
};

// What an admin sends to create a test or change one; unset fields keep their value on edit.
struct TestInput {
  std::optional<std::string> code, name, category, currency, preparation;
  std::optional<int> duration_minutes;
  std::optional<std::int64_t> price_minor;
  std::optional<bool> active;
};

// A test a centre offers, with how many may start in each hour.
struct TestOffer {
  std::int64_t centre_id = 0, test_id = 0;
  int per_hour = 1;
};

// One weekly session a centre takes bookings: ISO weekday, local minutes after midnight.
struct CentreHours {
  int weekday = 1;
  int start_minute = 0, end_minute = 0;
};

// What a diagnostic centre offers and the weekly hours it takes test bookings.
struct CentreOffers {
  std::vector<TestOffer> offers;
  std::vector<CentreHours> hours;
};

// A centre offering a test: its places per hour, and its distance when a point was given.
struct TestCentre {
  Clinic centre;
  int per_hour = 0;
  std::optional<double> distance_km;
};

// An hour of a test at a centre, with the places left (UTC Unix seconds).
struct TestHour {
  std::int64_t starts_at = 0, ends_at = 0;
  int capacity = 0, left = 0;
};

struct TestBooking {
  std::int64_t id = 0;
  std::string token;  // e.g. "K7RX-M4PD": unique, shown in the app and the email
  std::int64_t patient_id = 0, centre_id = 0, test_id = 0;
  std::int64_t starts_at = 0;  // the hour's start, UTC Unix seconds
  std::int64_t price_minor = 0;
  std::string currency;
  std::string status;  // booked | checked_in | cancelled
  std::int64_t booked_by = 0;
  std::string booked_at;
  std::optional<std::int64_t> changed_by;
  std::string changed_at, cancel_reason;
};

}  // namespace vitalis::care
