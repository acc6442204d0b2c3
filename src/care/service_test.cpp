// Care service and store on both dialects: the directory and its search, availability, and
// appointments: the database's overlap guards (different lengths, one patient with two doctors,
// updates, cancelled rows), 409 with alternatives, idempotency, reschedule atomicity, races.
#include "care/service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "care/store_appointments.hpp"
#include "care/store_diagnostics.hpp"
#include "db/migrate.hpp"
#include "db/rows.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/directory.hpp"
#include "identity/testing.hpp"
#include "notify/testing.hpp"

namespace vitalis::care {
namespace {

using identity::Caller;
using identity::Role;

// 2027-06-07 is a Monday; London is on BST (UTC+1).
constexpr std::int64_t kMonday = 1812326400;  // 2027-06-07T00:00:00Z
constexpr std::int64_t kHour = 3600;

class CareTest : public db::testing::DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    identity::init_crypto();
    pool_ = database_->open(8);
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(db::migrate(*pool_).ok());
    identity_ = std::make_unique<identity::IdentityService>(*pool_, identity::SecretKey::generate(),
                                                            identity::IdentityOptions{});
    records_ = std::make_unique<records::RecordsService>(*pool_, *identity_);
    service_ = std::make_unique<CareService>(*pool_, *identity_, *records_);
    service_->set_clock([this] { return now_.load(); });
    admin_ = caller("admin@example.org", "admin", Role::kAdmin);
    doctor_ = caller("dora@example.org", "doctor", Role::kDoctor, "Dora Düring");
    other_doctor_ = caller("olu@example.org", "doctor", Role::kDoctor, "Olu Okafor");
    patient_ = caller("pat@example.org", "patient", Role::kPatient);
    second_patient_ = caller("sam@example.org", "patient", Role::kPatient);
  }

  Caller caller(const std::string& email, const std::string& role, Role r,
                const std::string& name = "Test") {
    auto id = identity::testing::insert_account(*pool_, email, role, name);
    return Caller{{id, r, "s"}, identity::Client{"127.0.0.1"}};
  }

  ClinicInput clinic_input(const std::string& name, const std::string& city, double lat,
                           double lon) {
    ClinicInput input;
    input.kind = "clinic";
    input.name = name;
    input.address = "1 High Street";
    input.city = city;
    input.postcode = "AB1 2CD";
    input.latitude = lat;
    input.longitude = lon;
    input.phone = "+44 20 7946 0000";
    input.opening_hours = "Mon-Fri 08:00-18:00";
    input.time_zone = "Europe/London";
    input.services = std::vector<std::string>{"Cardiology clinic"};
    return input;
  }

  // A London clinic where both doctors practise, weekdays 09:00–12:00 local, 30-minute slots.
  std::int64_t open_clinic() {
    auto clinic = service_->create_clinic(admin_, clinic_input("Central", "London", 51.5, -0.12));
    EXPECT_TRUE(clinic.ok());
    auto cardiology = service_->add_specialty(admin_, "Cardiology");
    EXPECT_TRUE(cardiology.ok());
    for (const auto* doctor : {&doctor_, &other_doctor_}) {
      EXPECT_TRUE(
          service_->set_practice(admin_, doctor->account_id, {{clinic->id}, {cardiology->id}})
              .ok());
      std::vector<WeeklyHours> week;
      for (int day = 1; day <= 5; ++day) week.push_back({day, 540, 720, 30, 0});
      EXPECT_TRUE(service_->set_weekly_hours(*doctor, doctor->account_id, clinic->id, week).ok());
    }
    return clinic->id;
  }

  BookingInput booking(const Caller& doctor, std::int64_t starts_at, std::int64_t patient = 0) {
    BookingInput input;
    input.doctor_id = doctor.account_id;
    input.patient_id = patient;
    input.starts_at = starts_at;
    input.reason = "check-up";
    return input;
  }

  std::size_t booked_count(const Caller& doctor) {
    auto list = service_->doctor_agenda(admin_, doctor.account_id, kMonday - 7 * 86400,
                                        kMonday + 20 * 86400);
    EXPECT_TRUE(list.ok());
    std::size_t count = 0;
    for (const auto& a : *list) count += a.status == "booked" ? 1 : 0;
    return count;
  }

  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<records::RecordsService> records_;
  std::unique_ptr<CareService> service_;
  std::atomic<std::int64_t> now_{kMonday - 3 * 86400};
  Caller admin_, doctor_, other_doctor_, patient_, second_patient_;
};

TEST_P(CareTest, ClinicsAreValidatedAndSearchedByNameCitySpecialtyAndDistance) {
  auto bad = clinic_input("X", "London", 51.5, -0.1);
  bad.time_zone = "Europe/Atlantis";
  auto refused = service_->create_clinic(admin_, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "time_zone");
  bad = clinic_input("X", "London", 91, -0.1);
  EXPECT_EQ(service_->create_clinic(admin_, bad).error().field, "latitude");

  std::int64_t central = open_clinic();
  auto north =
      service_->create_clinic(admin_, clinic_input("Northern Heart", "Manchester", 53.48, -2.24));
  ASSERT_TRUE(north.ok());
  auto east = service_->create_clinic(admin_, clinic_input("East End", "London", 51.52, -0.05));
  ASSERT_TRUE(east.ok());

  DirectoryQuery query;
  query.city = "london";
  auto found = service_->search(patient_, query);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 2u);
  query = {};
  query.name = "during";  // a doctor's name, accents ignored
  found = service_->search(patient_, query);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().clinic.id, central);
  ASSERT_EQ(found->front().doctors.size(), 1u);
  EXPECT_EQ(found->front().doctors.front().specialties, std::vector<std::string>{"Cardiology"});
  query = {};
  query.specialty = "cardiology";
  found = service_->search(patient_, query);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().doctors.size(), 2u);
  // Nearest first from a point in east London, with distances; Manchester is out of range.
  query = {};
  query.latitude = 51.52;
  query.longitude = -0.06;
  query.radius_km = 30;
  found = service_->search(patient_, query);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ(found->at(0).clinic.id, east->id);
  EXPECT_LT(*found->at(0).distance_km, 1.0);
  EXPECT_NEAR(*found->at(1).distance_km, 4.9, 0.5);
  // Deactivated: out of the search, still there for admins.
  ClinicInput off;
  off.active = false;
  ASSERT_TRUE(service_->update_clinic(admin_, east->id, off).ok());
  EXPECT_EQ(service_->search(patient_, query)->size(), 1u);
  query.include_inactive = true;
  EXPECT_FALSE(service_->search(patient_, query).ok());
  EXPECT_EQ(service_->search(admin_, query)->size(), 2u);
}

TEST_P(CareTest, AvailabilityRulesAndExceptions) {
  std::int64_t clinic = open_clinic();
  // Only the doctor themself or an admin sets hours.
  EXPECT_EQ(service_->set_weekly_hours(other_doctor_, doctor_.account_id, clinic, {}).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(service_->set_weekly_hours(doctor_, doctor_.account_id, clinic, {{8, 540, 600, 30, 0}})
                .error()
                .field,
            "weekday");
  auto week = service_->free_slots(doctor_.account_id, kMonday, kMonday + 7 * 86400);
  ASSERT_TRUE(week.ok());
  EXPECT_EQ(week->size(), 30u);                             // 5 days × 6 slots
  EXPECT_EQ(week->front().starts_at, kMonday + 8 * kHour);  // 09:00 BST
  AvailabilityException leave{
      0, "leave", doctor_.account_id, 0, "2027-06-07", "2027-06-08", 0, 0, 0, 0, "away"};
  ASSERT_TRUE(service_->add_exception(doctor_, leave).ok());
  AvailabilityException closed{0, "closed", 0, clinic, "2027-06-11", "2027-06-11",
                               0, 0,        0, 0,      "holiday"};
  EXPECT_EQ(service_->add_exception(doctor_, closed).error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(service_->add_exception(admin_, closed).ok());
  week = service_->free_slots(doctor_.account_id, kMonday, kMonday + 7 * 86400);
  EXPECT_EQ(week->size(), 12u);  // Wednesday and Thursday only
  EXPECT_EQ(service_->free_slots(doctor_.account_id, kMonday, kMonday + 32 * 86400).error().field,
            "to");
  auto next = service_->next_free_slots(other_doctor_.account_id, kMonday, 3);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->size(), 3u);

  // The editor's view: sessions per clinic and the exceptions still to come.
  auto shown = service_->availability(doctor_, doctor_.account_id);
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->clinics.size(), 1u);
  EXPECT_EQ(shown->clinics[0].clinic_name, "Central");
  EXPECT_EQ(shown->clinics[0].time_zone, "Europe/London");
  EXPECT_EQ(shown->clinics[0].sessions.size(), 5u);
  ASSERT_EQ(shown->exceptions.size(), 2u);
  EXPECT_EQ(service_->availability(other_doctor_, doctor_.account_id).error().code,
            ErrorCode::kForbidden);
  // Removing: the doctor their leave, only admins a closure.
  std::int64_t leave_id = 0, closed_id = 0;
  for (const auto& e : shown->exceptions) (e.kind == "leave" ? leave_id : closed_id) = e.id;
  EXPECT_EQ(service_->remove_exception(doctor_, closed_id).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->remove_exception(other_doctor_, leave_id).error().code,
            ErrorCode::kForbidden);
  ASSERT_TRUE(service_->remove_exception(doctor_, leave_id).ok());
  EXPECT_EQ(service_->remove_exception(doctor_, leave_id).error().code, ErrorCode::kNotFound);
  week = service_->free_slots(doctor_.account_id, kMonday, kMonday + 7 * 86400);
  EXPECT_EQ(week->size(), 24u);  // Monday to Thursday: the clinic is still closed on Friday
  EXPECT_EQ(service_->availability(admin_, doctor_.account_id)->exceptions.size(), 1u);
}

TEST_P(CareTest, TheDatabaseRefusesOverlapsWhateverTheirLengths) {
  std::int64_t clinic = open_clinic();
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  auto insert = [&](const Caller& doctor, const Caller& patient, std::int64_t from,
                    std::int64_t to) {
    Appointment row;
    row.doctor_id = doctor.account_id;
    row.patient_id = patient.account_id;
    row.clinic_id = clinic;
    row.starts_at = from;
    row.ends_at = to;
    row.mode = "in_person";
    row.status = "booked";
    row.booked_by = patient.account_id;
    row.booked_at = "2027-06-01T00:00:00.000000Z";
    db::Transaction tx(*lease);
    auto inserted = store::insert_appointment(*lease, row);
    if (inserted.overlap == store::Overlap::kNone) tx.commit();
    return inserted;
  };
  std::int64_t t = kMonday + 8 * kHour;
  auto first = insert(doctor_, patient_, t, t + 45 * 60);  // 45 minutes
  ASSERT_EQ(first.overlap, store::Overlap::kNone);
  // A 15-minute appointment inside the 45 minutes, another patient: the doctor is busy.
  EXPECT_EQ(insert(doctor_, second_patient_, t + 30 * 60, t + 45 * 60).overlap,
            store::Overlap::kDoctor);
  // The same patient with another doctor at an overlapping time: the patient is busy.
  EXPECT_EQ(insert(other_doctor_, patient_, t + 15 * 60, t + 75 * 60).overlap,
            store::Overlap::kPatient);
  // Back to back is fine.
  EXPECT_EQ(insert(doctor_, second_patient_, t + 45 * 60, t + 60 * 60).overlap,
            store::Overlap::kNone);
  // A move into another booked time is refused and leaves the row where it was.
  auto moved = [&](std::int64_t from, std::int64_t to) {
    db::Transaction tx(*lease);
    auto result = store::move_appointment(*lease, first.id, Slot{from, to, clinic}, 1, "x");
    if (result.overlap == store::Overlap::kNone) tx.commit();
    return result;
  };
  EXPECT_EQ(moved(t + 50 * 60, t + 70 * 60).overlap, store::Overlap::kDoctor);
  EXPECT_EQ(store::find_appointment(*lease, first.id)->starts_at, t);
  EXPECT_TRUE(moved(t + 2 * kHour, t + 3 * kHour).moved);
  // A cancelled appointment no longer holds its time.
  {
    db::Transaction tx(*lease);
    ASSERT_TRUE(store::set_status(*lease, first.id, "cancelled", 1, "x", "ill"));
    tx.commit();
  }
  EXPECT_EQ(insert(other_doctor_, patient_, t + 2 * kHour, t + 3 * kHour).overlap,
            store::Overlap::kNone);
  // A clash is found however long the earlier appointment, with a cancelled one starting
  // between it and the new one (SQLite's guard looks at the latest booked appointment that
  // starts before the new one ends).
  std::int64_t later = t + 5 * kHour;
  auto short_one = insert(doctor_, patient_, later + kHour, later + kHour + 900);
  ASSERT_EQ(short_one.overlap, store::Overlap::kNone);
  {
    db::Transaction tx(*lease);
    ASSERT_TRUE(store::set_status(*lease, short_one.id, "cancelled", 1, "x", "ill"));
    tx.commit();
  }
  ASSERT_EQ(insert(doctor_, second_patient_, later, later + 4 * kHour).overlap,
            store::Overlap::kNone);
  EXPECT_EQ(insert(doctor_, patient_, later + 3 * kHour, later + 3 * kHour + 900).overlap,
            store::Overlap::kDoctor);
  EXPECT_EQ(insert(other_doctor_, second_patient_, later - kHour, later + 900).overlap,
            store::Overlap::kPatient);
  EXPECT_EQ(insert(doctor_, patient_, later + 4 * kHour, later + 4 * kHour + 900).overlap,
            store::Overlap::kNone);
}

TEST_P(CareTest, BookingConflictsIdempotencyAndCareTeam) {
  open_clinic();
  std::int64_t nine = kMonday + 8 * kHour;
  auto first = service_->book(patient_, booking(doctor_, nine));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->appointment.ends_at - first->appointment.starts_at, 1800);
  // The booking put the doctor on the patient's care team.
  auto lease = pool_->acquire();
  EXPECT_TRUE(identity::directory::linked(*lease, patient_.account_id, doctor_.account_id));
  // Taken: 409 naming starts_at, with three alternatives nearest the time asked for.
  auto taken = service_->book(second_patient_, booking(doctor_, nine));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  EXPECT_EQ(taken.error().field, "starts_at");
  EXPECT_EQ(taken.error().suggestions,
            (std::vector<std::string>{"2027-06-07T08:30:00.000000Z", "2027-06-07T09:00:00.000000Z",
                                      "2027-06-07T09:30:00.000000Z"}));
  // The patient with another doctor at the same time: 409 naming patient_id.
  EXPECT_EQ(service_->book(patient_, booking(other_doctor_, nine)).error().field, "patient_id");
  // Not a slot: 422.
  EXPECT_EQ(service_->book(patient_, booking(doctor_, nine + 600)).error().field, "starts_at");
  // Patients book for themselves only; doctors only their own patients in their own diary.
  EXPECT_EQ(service_->book(patient_, booking(doctor_, nine + 3600, second_patient_.account_id))
                .error()
                .code,
            ErrorCode::kForbidden);
  EXPECT_EQ(service_->book(doctor_, booking(doctor_, nine + 3600, second_patient_.account_id))
                .error()
                .code,
            ErrorCode::kForbidden);
  EXPECT_TRUE(service_->book(doctor_, booking(doctor_, nine + 3600, patient_.account_id)).ok());

  // Idempotency: the same key answers the first booking again; a different request with it: 422.
  auto keyed = booking(other_doctor_, nine + 7200);
  keyed.idempotency_key = "k-1";
  auto once = service_->book(second_patient_, keyed);
  ASSERT_TRUE(once.ok());
  auto again = service_->book(second_patient_, keyed);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->appointment.id, once->appointment.id);
  EXPECT_EQ(booked_count(other_doctor_), 1u);
  keyed.starts_at += 1800;
  EXPECT_EQ(service_->book(second_patient_, keyed).error().field, "Idempotency-Key");
}

TEST_P(CareTest, SoonestSlotsAcrossASpecialtyWithDistancesAndAsAlternatives) {
  now_ = kMonday - 86400;                // Sunday
  std::int64_t central = open_clinic();  // both doctors: Cardiology, London, 09:00 BST on
  auto north =
      service_->create_clinic(admin_, clinic_input("Northern Heart", "Manchester", 53.48, -2.24));
  ASSERT_TRUE(north.ok());
  auto specialties = service_->specialties();
  ASSERT_EQ(specialties->size(), 1u);
  std::int64_t cardiology = specialties->front().id;
  Caller early = caller("mo@example.org", "doctor", Role::kDoctor, "Mo Early");
  ASSERT_TRUE(service_->set_practice(admin_, early.account_id, {{north->id}, {cardiology}}).ok());
  // Mondays 08:00–09:00 in Manchester: an hour before London opens.
  ASSERT_TRUE(
      service_->set_weekly_hours(early, early.account_id, north->id, {{1, 480, 540, 30, 0}}).ok());
  std::int64_t nine = kMonday + 8 * kHour, eight = kMonday + 7 * kHour;

  SoonestQuery query;
  query.specialty_ids = {cardiology};
  query.count = 4;
  auto found = service_->soonest_slots(query);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 4u);
  // Soonest first across doctors and clinics; no point, no distance.
  EXPECT_EQ(found->at(0).slot.starts_at, eight);
  EXPECT_EQ(found->at(0).doctor_id, early.account_id);
  EXPECT_EQ(found->at(0).clinic_name, "Northern Heart");
  EXPECT_EQ(found->at(0).doctor_name, "Mo Early");
  EXPECT_FALSE(found->at(0).distance_km.has_value());
  EXPECT_EQ(found->at(1).slot.starts_at, eight + 1800);
  EXPECT_EQ(found->at(2).slot.starts_at, nine);
  EXPECT_EQ(found->at(3).slot.starts_at, nine);
  EXPECT_NE(found->at(2).doctor_id, found->at(3).doctor_id);

  // From a point in London (30 km): Manchester is out of reach; distances are given.
  query.latitude = 51.52;
  query.longitude = -0.06;
  query.radius_km = 30;
  found = service_->soonest_slots(query);
  ASSERT_EQ(found->size(), 4u);
  for (const auto& slot : *found) {
    EXPECT_EQ(slot.slot.clinic_id, central);
    ASSERT_TRUE(slot.distance_km.has_value());
    EXPECT_NEAR(*slot.distance_km, 4.6, 0.5);
  }
  EXPECT_EQ(found->at(0).slot.starts_at, nine);

  // A booked slot and a doctor on leave are not offered.
  ASSERT_TRUE(service_->book(patient_, booking(doctor_, nine)).ok());
  found = service_->soonest_slots(query);
  EXPECT_EQ(found->at(0).slot.starts_at, nine);
  EXPECT_EQ(found->at(0).doctor_id, other_doctor_.account_id);
  EXPECT_EQ(found->at(1).slot.starts_at, nine + 1800);

  // Taken: the 409 offers the doctor's two nearest and another cardiologist's soonest nearby.
  std::vector<DoctorSlot> alternatives;
  auto taken = service_->book(second_patient_, booking(doctor_, nine), &alternatives);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().suggestions.size(), 3u);
  ASSERT_EQ(alternatives.size(), 3u);
  EXPECT_EQ(alternatives[0].doctor_id, doctor_.account_id);
  EXPECT_EQ(alternatives[1].doctor_id, doctor_.account_id);
  EXPECT_EQ(alternatives[0].clinic_name, "Central");
  EXPECT_EQ(alternatives[0].doctor_name, "Dora Düring");
  EXPECT_NEAR(*alternatives[0].distance_km, 0.0, 0.01);
  EXPECT_EQ(alternatives[2].doctor_id, other_doctor_.account_id);
  EXPECT_EQ(alternatives[2].slot.starts_at, nine);

  AvailabilityException leave{
      0, "leave", other_doctor_.account_id, 0, "2027-06-07", "2027-06-07", 0, 0, 0, 0, "away"};
  ASSERT_TRUE(service_->add_exception(other_doctor_, leave).ok());
  found = service_->soonest_slots(query);
  for (const auto& slot : *found) EXPECT_EQ(slot.doctor_id, doctor_.account_id);
  query.except_doctor = doctor_.account_id;
  found = service_->soonest_slots(query);
  ASSERT_FALSE(found->empty());
  EXPECT_EQ(found->front().doctor_id, other_doctor_.account_id);
  EXPECT_EQ(found->front().slot.starts_at, nine + 86400);  // Tuesday

  // A doctor whose account is disabled is not offered.
  ASSERT_TRUE(identity_->disable_account(admin_, other_doctor_.account_id, "left the clinic").ok());
  EXPECT_TRUE(service_->soonest_slots(query)->empty());
  query.specialty_ids.clear();
  EXPECT_EQ(service_->soonest_slots(query).error().field, "specialty_id");
}

TEST_P(CareTest, AClinicKeepsItsKindAndItsZoneWhileBookingsAreAhead) {
  std::int64_t clinic = open_clinic();
  ClinicInput kind;
  kind.kind = "diagnostic_centre";
  EXPECT_EQ(service_->update_clinic(admin_, clinic, kind).error().field, "kind");
  std::int64_t nine = kMonday + 8 * kHour;
  auto booked = service_->book(patient_, booking(doctor_, nine));
  ASSERT_TRUE(booked.ok());
  ClinicInput zone;
  zone.time_zone = "Europe/Lisbon";
  auto refused = service_->update_clinic(admin_, clinic, zone);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().field, "time_zone");
  EXPECT_NE(refused.error().message.find("1 appointments"), std::string::npos);
  ASSERT_TRUE(service_->cancel(patient_, booked->appointment.id, "moving away").ok());
  auto moved = service_->update_clinic(admin_, clinic, zone);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->time_zone, "Europe/Lisbon");
}

TEST_P(CareTest, RescheduleCancelAndOutcome) {
  open_clinic();
  std::int64_t nine = kMonday + 8 * kHour;
  auto mine = service_->book(patient_, booking(doctor_, nine));
  auto theirs = service_->book(second_patient_, booking(doctor_, nine + 1800));
  ASSERT_TRUE(mine.ok() && theirs.ok());
  // Into a taken slot: 409 with alternatives, and the appointment keeps its time.
  auto refused = service_->reschedule(patient_, mine->appointment.id, nine + 1800);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(refused.error().suggestions.empty());
  auto list = service_->patient_appointments(patient_.account_id, 0, 10);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().starts_at, nine);
  // Into a free one: one row, moved.
  auto moved = service_->reschedule(patient_, mine->appointment.id, nine + 3600);
  ASSERT_TRUE(moved.ok());
  list = service_->patient_appointments(patient_.account_id, 0, 10);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().starts_at, nine + 3600);
  // Strangers see nothing; a reason is required; the freed slot can be booked again.
  EXPECT_EQ(service_->cancel(second_patient_, mine->appointment.id, "x").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->cancel(patient_, mine->appointment.id, "").error().field, "reason");
  ASSERT_TRUE(service_->cancel(patient_, mine->appointment.id, "feeling better").ok());
  EXPECT_EQ(service_->cancel(patient_, mine->appointment.id, "again").error().code,
            ErrorCode::kConflict);
  EXPECT_TRUE(service_->book(second_patient_, booking(doctor_, nine + 3600)).ok());
  // Outcomes: by the doctor, once the appointment has started.
  EXPECT_EQ(service_->set_outcome(doctor_, theirs->appointment.id, "completed").error().field,
            "status");
  now_ = nine + 1800 + 60;
  EXPECT_EQ(
      service_->set_outcome(second_patient_, theirs->appointment.id, "completed").error().code,
      ErrorCode::kForbidden);
  auto done = service_->set_outcome(doctor_, theirs->appointment.id, "no_show");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, "no_show");
}

TEST_P(CareTest, ConcurrentBookingsOfOneSlotBookOnce) {
  open_clinic();
  std::int64_t nine = kMonday + 8 * kHour;
  std::vector<Caller> patients;
  for (int i = 0; i < 8; ++i) {
    patients.push_back(caller("p" + std::to_string(i) + "@example.org", "patient", Role::kPatient));
  }
  std::atomic<int> booked{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (const auto& patient : patients) {
    threads.emplace_back([&, patient] {
      auto result = service_->book(patient, booking(doctor_, nine));
      if (result.ok())
        ++booked;
      else if (result.error().code == ErrorCode::kConflict)
        ++conflicts;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(booked.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
  EXPECT_EQ(booked_count(doctor_), 1u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, CareTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

// --- confirmations and reminders --------------------------------------------------------------

// The messages queued of one kind.
std::vector<notify::Message> mails(db::Pool& pool, const std::string& kind) {
  std::vector<notify::Message> out;
  for (auto& message : notify::testing::outbox_messages(pool)) {
    if (message.kind == kind) out.push_back(std::move(message));
  }
  return out;
}

TEST_P(CareTest, BookRescheduleAndCancelMailTheirCalendarEntries) {
  open_clinic();
  std::int64_t nine = kMonday + 8 * kHour;
  auto booked = service_->book(patient_, booking(doctor_, nine));
  ASSERT_TRUE(booked.ok());
  auto confirmations = mails(*pool_, "appointment_booked");
  ASSERT_EQ(confirmations.size(), 1u);
  EXPECT_EQ(confirmations[0].to, "pat@example.org");
  EXPECT_NE(confirmations[0].text.find("Dora Düring"), std::string::npos);
  EXPECT_NE(confirmations[0].text.find("Mon 07 Jun 2027, 09:00 (Europe/London)"),
            std::string::npos);
  ASSERT_EQ(confirmations[0].attachments.size(), 1u);
  const auto& ics = confirmations[0].attachments[0];
  EXPECT_EQ(ics.filename, "appointment.ics");
  EXPECT_NE(ics.data.find("DTSTART:20270607T080000Z"), std::string::npos) << ics.data;
  EXPECT_NE(ics.data.find("SEQUENCE:0"), std::string::npos);
  ASSERT_TRUE(service_->reschedule(patient_, booked->appointment.id, nine + 3600).ok());
  auto moved = mails(*pool_, "appointment_moved");
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_NE(moved[0].attachments.at(0).data.find("DTSTART:20270607T090000Z"), std::string::npos);
  EXPECT_NE(moved[0].attachments.at(0).data.find("SEQUENCE:1"), std::string::npos);
  ASSERT_TRUE(service_->cancel(patient_, booked->appointment.id, "chest pain gone").ok());
  auto cancelled = mails(*pool_, "appointment_cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_NE(cancelled[0].attachments.at(0).data.find("METHOD:CANCEL"), std::string::npos);
  EXPECT_NE(cancelled[0].attachments.at(0).data.find("SEQUENCE:2"), std::string::npos);
  // No reason in any mail: "check-up" and "chest pain gone" are the patient's health.
  for (const auto& message : notify::testing::outbox_messages(*pool_)) {
    for (const std::string* part : {&message.subject, &message.text, &message.html}) {
      EXPECT_EQ(part->find("check-up"), std::string::npos) << message.kind;
      EXPECT_EQ(part->find("chest pain"), std::string::npos) << message.kind;
    }
  }
}

TEST_P(CareTest, RemindersGoOutOnceEachEvenFromTwoServersAtOnce) {
  open_clinic();
  std::int64_t nine = kMonday + 8 * kHour;  // booked three days ahead (now_ = kMonday - 3 days)
  auto early = service_->book(patient_, booking(doctor_, nine));
  ASSERT_TRUE(early.ok());
  // A second server on the same database, with the same clock.
  CareService other(*pool_, *identity_, *records_);
  other.set_clock([this] { return now_.load(); });
  auto sweep_both = [&] {
    CareService::ReminderReport first, second;
    std::thread a([&] { first = service_->send_due_reminders({24, 2}); });
    std::thread b([&] { second = other.send_due_reminders({24, 2}); });
    a.join();
    b.join();
    return std::pair{first.sent + second.sent, first.skipped + second.skipped};
  };
  EXPECT_EQ(sweep_both(), (std::pair{0, 0}));  // nothing due three days ahead
  now_ = nine - 23 * kHour;
  EXPECT_EQ(sweep_both(), (std::pair{1, 0}));  // the 24-hour reminder, once
  EXPECT_EQ(sweep_both(), (std::pair{0, 0}));
  // Booked at 21:00 the evening before: its 24-hour reminder is skipped, not sent.
  now_ = nine - 11 * kHour;
  auto late = service_->book(second_patient_, booking(doctor_, nine + 1800));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(sweep_both(), (std::pair{0, 1}));
  now_ = nine - 1 * kHour;
  EXPECT_EQ(sweep_both(), (std::pair{2, 0}));  // both 2-hour reminders
  EXPECT_EQ(sweep_both(), (std::pair{0, 0}));
  auto reminders = mails(*pool_, "appointment_reminder");
  ASSERT_EQ(reminders.size(), 3u);
  EXPECT_TRUE(reminders[0].attachments.empty());
  EXPECT_NE(reminders[0].text.find("Dora Düring"), std::string::npos);
}

TEST_P(CareTest, ARescheduledAppointmentIsRemindedOfItsNewTime) {
  open_clinic();
  std::int64_t nine = kMonday + 8 * kHour;
  auto booked = service_->book(patient_, booking(doctor_, nine));
  ASSERT_TRUE(booked.ok());
  now_ = nine - 23 * kHour;
  EXPECT_EQ(service_->send_due_reminders({24}).sent, 1);
  // Moved to the next day, two days before: its 24-hour reminder comes again for that day.
  ASSERT_TRUE(service_->reschedule(patient_, booked->appointment.id, nine + 86400).ok());
  EXPECT_EQ(service_->send_due_reminders({24}).sent, 0);
  now_ = nine + 86400 - 23 * kHour;
  EXPECT_EQ(service_->send_due_reminders({24}).sent, 1);
  // Cancelled: no more reminders.
  ASSERT_TRUE(service_->cancel(patient_, booked->appointment.id, "away").ok());
  now_ = nine + 86400 - kHour;
  EXPECT_EQ(service_->send_due_reminders({24, 2}).sent, 0);
}

// --- diagnostic tests -------------------------------------------------------------------------

class DiagnosticsTest : public CareTest {
 protected:
  // A London diagnostic centre taking bookings weekdays 08:00–11:00 local (three hours), where
  // Dora practises, offering HbA1c with `per_hour` places an hour.
  void open_centre(int per_hour) {
    auto input = clinic_input("North Lab", "London", 51.55, -0.1);
    input.kind = "diagnostic_centre";
    auto centre = service_->create_clinic(admin_, input);
    ASSERT_TRUE(centre.ok());
    centre_ = centre->id;
    TestInput test;
    test.code = "hba1c";
    test.name = "HbA1c (average blood sugar)";
    test.category = "blood";
    test.duration_minutes = 10;
    test.price_minor = 2500;
    test.currency = "GBP";
    test.preparation = "No need to fast.";
    auto made = service_->create_test(admin_, test);
    ASSERT_TRUE(made.ok()) << made.error().message;
    test_ = made->id;
    ASSERT_TRUE(service_->set_offers(admin_, centre_, {{centre_, test_, per_hour}}).ok());
    std::vector<CentreHours> week;
    for (int day = 1; day <= 5; ++day) week.push_back({day, 480, 660});
    ASSERT_TRUE(service_->set_centre_hours(admin_, centre_, week).ok());
    ASSERT_TRUE(service_->set_practice(admin_, doctor_.account_id, {{centre_}, {}}).ok());
  }

  int left_at(std::int64_t starts_at) {
    auto hours = service_->test_hours(centre_, test_, starts_at, starts_at + kHour);
    EXPECT_TRUE(hours.ok());
    return hours.ok() && hours->size() == 1 ? hours->front().left : -1;
  }

  std::int64_t centre_ = 0, test_ = 0;
};

TEST_P(DiagnosticsTest, CatalogueAndCentresAreValidated) {
  TestInput bad;
  bad.code = "x-ray";
  bad.name = "X-ray";
  bad.category = "imaging";
  bad.duration_minutes = 15;
  bad.price_minor = -1;
  bad.currency = "GBP";
  EXPECT_EQ(service_->create_test(admin_, bad).error().field, "price_minor");
  bad.price_minor = 4000;
  bad.currency = "pounds";
  EXPECT_EQ(service_->create_test(admin_, bad).error().field, "currency");
  bad.currency = "GBP";
  bad.category = "scan";
  EXPECT_EQ(service_->create_test(admin_, bad).error().field, "category");
  bad.category = "imaging";
  ASSERT_TRUE(service_->create_test(admin_, bad).ok());
  EXPECT_EQ(service_->create_test(admin_, bad).error().field, "code");  // taken
  // Only diagnostic centres offer tests; hours are whole hours at least.
  auto clinic = service_->create_clinic(admin_, clinic_input("GP", "London", 51.5, -0.1));
  ASSERT_TRUE(clinic.ok());
  EXPECT_EQ(service_->set_offers(admin_, clinic->id, {}).error().field, "centre_id");
  open_centre(2);
  EXPECT_EQ(service_->set_centre_hours(admin_, centre_, {{1, 480, 500}}).error().field, "end");
  EXPECT_EQ(service_->set_offers(admin_, centre_, {{centre_, 999, 2}}).error().field, "test_id");
  // Monday 2027-06-07 in BST: 08:00, 09:00 and 10:00 local are 07:00–09:00 UTC.
  auto hours = service_->test_hours(centre_, test_, kMonday, kMonday + 86400);
  ASSERT_TRUE(hours.ok());
  ASSERT_EQ(hours->size(), 3u);
  EXPECT_EQ(hours->front().starts_at, kMonday + 7 * kHour);
  EXPECT_EQ(hours->front().left, 2);
  // Found by the test, nearest first with the distance.
  auto centres = service_->centres_for_test(test_, 51.5, -0.1);
  ASSERT_TRUE(centres.ok());
  ASSERT_EQ(centres->size(), 1u);
  EXPECT_NEAR(*centres->front().distance_km, 5.6, 0.5);
  // A retired test is out of the catalogue for patients, still there for admins.
  TestInput off;
  off.active = false;
  ASSERT_TRUE(service_->update_test(admin_, test_, off).ok());
  EXPECT_EQ(service_->tests(patient_)->size(), 1u);
  auto all = service_->tests(admin_);
  ASSERT_EQ(all->size(), 2u);
  // A new code another test has is refused, naming code, and changes nothing; a test keeps its
  // own code through an edit of another field.
  const auto& other = all->front().id == test_ ? all->back() : all->front();
  TestInput rename;
  rename.code = other.code;
  rename.price_minor = 1;
  auto clash = service_->update_test(admin_, test_, rename);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(clash.error().field, "code");
  TestInput currency;
  currency.currency = "EUR";  // without a price in euros: refused
  EXPECT_EQ(service_->update_test(admin_, other.id, currency).error().field, "currency");
  TestInput price;
  price.price_minor = 4200;
  auto priced = service_->update_test(admin_, other.id, price);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->code, other.code);
  auto after = service_->tests(admin_);
  ASSERT_TRUE(after.ok());
  for (const auto& test : *after) {
    EXPECT_NE(test.price_minor, 1) << "the refused edit changed " << test.code;
  }
}

TEST_P(DiagnosticsTest, BookingTakesPlacesUntilTheHourIsFullAndCancellingGivesThemBack) {
  open_centre(2);
  std::int64_t eight = kMonday + 7 * kHour;
  auto first = service_->book_test(patient_, centre_, test_, eight);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(std::regex_match(
      first->token, std::regex("[ACDEFHJKMNPRTUVWXY34679]{4}-[ACDEFHJKMNPRTUVWXY34679]{4}")))
      << first->token;
  EXPECT_EQ(first->price_minor, 2500);
  // The same patient again: the booking made, not a second place.
  auto again = service_->book_test(patient_, centre_, test_, eight);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(left_at(eight), 1);
  auto second = service_->book_test(second_patient_, centre_, test_, eight);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->token, first->token);
  EXPECT_EQ(left_at(eight), 0);
  // Full: 409 naming starts_at, with the next hours that have places.
  auto third_patient = caller("tia@example.org", "patient", Role::kPatient);
  auto full = service_->book_test(third_patient, centre_, test_, eight);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kConflict);
  EXPECT_EQ(full.error().field, "starts_at");
  ASSERT_FALSE(full.error().suggestions.empty());
  EXPECT_EQ(full.error().suggestions.front().substr(0, 19), "2027-06-07T08:00:00");
  // Not an hour the centre offers; doctors and admins book no tests.
  EXPECT_EQ(service_->book_test(third_patient, centre_, test_, eight + 1800).error().field,
            "starts_at");
  EXPECT_EQ(service_->book_test(doctor_, centre_, test_, eight).error().code,
            ErrorCode::kForbidden);
  // Cancelling returns the place; strangers get 404; a reason is required.
  EXPECT_EQ(service_->cancel_test(third_patient, first->id, "x").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->cancel_test(patient_, first->id, "").error().field, "reason");
  ASSERT_TRUE(service_->cancel_test(patient_, first->id, "cannot come").ok());
  EXPECT_EQ(service_->cancel_test(patient_, first->id, "again").error().code, ErrorCode::kConflict);
  EXPECT_EQ(left_at(eight), 1);
  EXPECT_TRUE(service_->book_test(third_patient, centre_, test_, eight).ok());
  EXPECT_EQ(service_->patient_test_bookings(patient_.account_id, 0, 10)->size(), 1u);
  // The email has the token, the place and the time, never the test.
  bool mailed = false;
  for (const auto& message : notify::testing::outbox_messages(*pool_)) {
    if (message.kind != "test_booked" || message.to != "pat@example.org") continue;
    mailed = true;
    EXPECT_NE(message.text.find(first->token), std::string::npos);
    EXPECT_NE(message.text.find("North Lab"), std::string::npos);
    EXPECT_NE(message.text.find("Mon 07 Jun 2027, 08:00 (Europe/London)"), std::string::npos);
    EXPECT_EQ(message.text.find("HbA1c"), std::string::npos);
    EXPECT_EQ(message.html.find("HbA1c"), std::string::npos);
  }
  EXPECT_TRUE(mailed);
}

TEST_P(DiagnosticsTest, ABookedTestIsRemindedWithItsToken) {
  open_centre(3);
  std::int64_t eight = kMonday + 7 * kHour;
  auto booked = service_->book_test(patient_, centre_, test_, eight);
  ASSERT_TRUE(booked.ok());
  now_ = eight - 20 * kHour;
  auto report = service_->send_due_reminders({24, 2});
  EXPECT_EQ(report.sent, 1);
  EXPECT_EQ(service_->send_due_reminders({24, 2}).sent, 0);
  auto reminders = mails(*pool_, "test_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_NE(reminders[0].text.find(booked->token), std::string::npos);
  EXPECT_EQ(reminders[0].text.find("HbA1c"), std::string::npos);
}

TEST_P(DiagnosticsTest, StaffCheckInByTokenOnTheDay) {
  open_centre(3);
  std::int64_t eight = kMonday + 7 * kHour;
  auto booked = service_->book_test(patient_, centre_, test_, eight);
  ASSERT_TRUE(booked.ok());
  std::string typed = booked->token;
  typed.erase(typed.find('-'), 1);
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(*normalise_token(typed), booked->token);
  EXPECT_EQ(normalise_token("K0QX-M4PD").error().field, "token");  // 0 is never in a token
  // Too early (three days before); a doctor elsewhere may not; unknown tokens are 404.
  EXPECT_EQ(service_->check_in(admin_, typed).error().code, ErrorCode::kConflict);
  now_ = eight - kHour;
  EXPECT_EQ(service_->check_in(other_doctor_, typed).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->check_in(admin_, "AAAA-AAAA").error().code, ErrorCode::kNotFound);
  auto in = service_->check_in(doctor_, typed);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->status, "checked_in");
  EXPECT_EQ(service_->check_in(admin_, booked->token).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_->cancel_test(patient_, booked->id, "late").error().code, ErrorCode::kConflict);
  // The centre's list: its staff and admins.
  EXPECT_EQ(
      service_->centre_test_bookings(other_doctor_, centre_, kMonday, kMonday + 86400).error().code,
      ErrorCode::kForbidden);
  EXPECT_EQ(service_->centre_test_bookings(doctor_, centre_, kMonday, kMonday + 86400)->size(), 1u);
}

TEST_P(DiagnosticsTest, ResultsBecomeThePatientsObservationsLinkedToTheBooking) {
  open_centre(3);
  std::int64_t eight = kMonday + 7 * kHour;
  auto booked = service_->book_test(patient_, centre_, test_, eight);
  ASSERT_TRUE(booked.ok());
  auto result = [](const std::string& code, double value, const std::string& unit) {
    records::ObservationInput input;
    input.metric = code;
    input.value = value;
    input.unit = unit;
    return input;
  };
  std::vector<records::ObservationInput> results{result("4548-4", 6.1, "%"),
                                                 result("2093-3", 5.2, "mmol/L")};
  // Not before the patient has checked in; not by staff of another centre, nor the patient.
  auto early = service_->record_test_results(doctor_, booked->id, results);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);
  EXPECT_EQ(early.error().field, "status");
  now_ = eight - kHour;
  ASSERT_TRUE(service_->check_in(doctor_, booked->token).ok());
  EXPECT_EQ(service_->record_test_results(other_doctor_, booked->id, results).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->record_test_results(patient_, booked->id, results).error().code,
            ErrorCode::kNotFound);
  // A bad second result names itself, and nothing of the first is stored.
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  auto bad = results;
  bad[1].unit = "furlongs";
  auto refused = service_->record_test_results(doctor_, booked->id, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "results[1].unit");
  EXPECT_TRUE(store::result_ids(*lease, booked->id).empty());
  EXPECT_TRUE(records_->page(patient_.account_id, {})->items.empty());
  // Recorded: clinical entries in the patient's record, each linked to the booking.
  auto stored = service_->record_test_results(doctor_, booked->id, results);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  ASSERT_EQ(stored->recorded.stored.size(), 2u);
  EXPECT_EQ(stored->recorded.stored[0].source, "clinical");
  EXPECT_EQ(stored->recorded.stored[1].unit, "mg/dL");  // converted to the canonical unit
  std::vector<std::int64_t> ids{stored->recorded.stored[0].id, stored->recorded.stored[1].id};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(store::result_ids(*lease, booked->id), ids);
  EXPECT_EQ(records_->page(patient_.account_id, {})->items.size(), 2u);
  // Admins may record them too.
  EXPECT_TRUE(
      service_->record_test_results(admin_, booked->id, {result("718-7", 13.5, "g/dL")}).ok());
  EXPECT_EQ(store::result_ids(*lease, booked->id).size(), 3u);
  EXPECT_EQ(service_->record_test_results(admin_, booked->id, {}).error().field, "results");
}

TEST_P(DiagnosticsTest, ConcurrentBookingsNeverExceedTheHoursPlaces) {
  open_centre(3);
  std::int64_t nine = kMonday + 8 * kHour;
  std::vector<Caller> patients;
  for (int i = 0; i < 12; ++i) {
    patients.push_back(caller("t" + std::to_string(i) + "@example.org", "patient", Role::kPatient));
  }
  std::atomic<int> booked{0}, full{0};
  std::vector<std::thread> threads;
  for (const auto& patient : patients) {
    threads.emplace_back([&, patient] {
      auto result = service_->book_test(patient, centre_, test_, nine);
      if (result.ok())
        ++booked;
      else if (result.error().code == ErrorCode::kConflict)
        ++full;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(booked.load(), 3);
  EXPECT_EQ(full.load(), 9);
  EXPECT_EQ(left_at(nine), 0);
  auto list = service_->centre_test_bookings(admin_, centre_, kMonday, kMonday + 86400);
  ASSERT_TRUE(list.ok());
  std::set<std::string> tokens;
  for (const auto& booking : *list) tokens.insert(booking.token);
  EXPECT_EQ(tokens.size(), 3u);
}

// 100,000 bookings, each with a fresh token: the table's unique index refuses a repeat, and the
// booking draws another (as book_test does). With 23^8 tokens a repeat is expected about one run
// in sixteen; whenever it happens, nothing is lost and every stored token is distinct.
TEST_P(DiagnosticsTest, TokensStayUniqueOverAHundredThousandBookings) {
  open_centre(1);
  constexpr int kBookings = 100'000;
  int retried = 0;
  auto stored = db::with_connection(*pool_, [&](db::Lease& lease) -> Result<std::int64_t> {
    db::Transaction tx(lease);
    for (int index = 0; index < kBookings; ++index) {
      TestBooking row;
      row.patient_id = patient_.account_id;
      row.centre_id = centre_;
      row.test_id = test_;
      row.starts_at = kMonday + index * kHour;  // distinct hours: only the token can clash
      row.currency = "GBP";
      row.booked_by = patient_.account_id;
      row.booked_at = "2027-06-01T00:00:00Z";
      for (;;) {
        row.token = new_booking_token();
        if (store::insert_booking(lease, row)) break;
        ++retried;
      }
    }
    tx.commit();
    return db::number(lease, "SELECT COUNT(DISTINCT token) FROM care_test_bookings",
                      [](soci::statement&) {});
  });
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(*stored, kBookings) << retried << " clashes were retried";
}

INSTANTIATE_TEST_SUITE_P(Dialects, DiagnosticsTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::care
