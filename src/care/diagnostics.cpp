// Care rules for diagnostic tests: the catalogue, what each centre offers and when, hourly
// places, bookings with a unique human-readable token (emailed to the patient), cancelling
// (the place returns) and check-in by token. The capacity guard is the database's
// (store_diagnostics.hpp): the service only reads the row count it answers.
#include <algorithm>
#include <cctype>
#include <chrono>

#include "care/service.hpp"
#include "care/slots.hpp"
#include "care/store.hpp"
#include "care/store_diagnostics.hpp"
#include "care/tokens.hpp"
#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "identity/directory.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"
#include "records/service.hpp"

namespace vitalis::care {

namespace {

using identity::Caller;
using identity::Role;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;
constexpr std::size_t kMaxReason = 500;

const std::vector<std::string>& categories() {
  static const std::vector<std::string> list{"blood", "imaging", "cardiac", "check_up", "other"};
  return list;
}

// Applies an admin's fields to a test; on create every field but preparation is required.
Status apply(DiagnosticTest& test, const TestInput& input, bool creating) {
  auto required = [&](const std::optional<std::string>& value, std::string_view field,
                      std::string& target, std::size_t longest) -> Status {
    if (!value) {
      if (creating)
        return Error::validation(std::string(field), std::string(field) + " is required");
      return Ok{};
    }
    if (value->empty() || value->size() > longest) {
      return Error::validation(std::string(field), std::string(field) + " must be 1 to " +
                                                       std::to_string(longest) + " characters");
    }
    target = *value;
    return Ok{};
  };
  if (auto ok = required(input.code, "code", test.code, 40); !ok.ok()) return ok;
  if (auto ok = required(input.name, "name", test.name, 200); !ok.ok()) return ok;
  if (auto ok = required(input.category, "category", test.category, 40); !ok.ok()) return ok;
  if (auto ok = required(input.currency, "currency", test.currency, 3); !ok.ok()) return ok;
  for (char c : test.code) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-')) {
      return Error::validation("code", "code uses lower-case letters, digits, - and _ only");
    }
  }
  if (std::find(categories().begin(), categories().end(), test.category) == categories().end()) {
    return Error::validation("category",
                             "category must be blood, imaging, cardiac, check_up or other");
  }
  if (test.currency.size() != 3 || !std::all_of(test.currency.begin(), test.currency.end(),
                                                [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Error::validation("currency", "currency is a three-letter ISO 4217 code, e.g. GBP");
  }
  if (input.preparation) {
    if (input.preparation->size() > 1000) {
      return Error::validation("preparation", "preparation is too long (1000 characters at most)");
    }
    test.preparation = *input.preparation;
  }
  if (input.duration_minutes) {
    if (*input.duration_minutes < 5 || *input.duration_minutes > 480) {
      return Error::validation("duration_minutes", "duration_minutes must be 5 to 480");
    }
    test.duration_minutes = *input.duration_minutes;
  } else if (creating) {
    return Error::validation("duration_minutes", "duration_minutes is required");
  }
  if (input.price_minor) {
    if (*input.price_minor < 0 || *input.price_minor > 100'000'000) {
      return Error::validation("price_minor",
                               "price_minor is a whole number of minor units (pence, cents), "
                               "from 0 to 100000000");
    }
    test.price_minor = *input.price_minor;
  } else if (creating) {
    return Error::validation("price_minor", "price_minor is required");
  }
  if (input.active) test.active = *input.active;
  // The stored number means an amount in its currency: a new currency needs its price too.
  if (!creating && input.currency && !input.price_minor) {
    return Error::validation("currency",
                             "give the price in the new currency too (price_minor with currency)");
  }
  return Ok{};
}

void audit_booking(const identity::IdentityService& identity, db::Lease& lease,
                   const Caller& caller, std::string_view action, const TestBooking& booking) {
  identity.audit_write(lease, caller,
                       identity::audit::Row(action)
                           .patient(booking.patient_id)
                           .resource("test_booking", booking.id));
}

// The booking when the caller is its patient or an admin; 404 otherwise.
// Admins, and doctors who practise at the centre, are its staff.
bool works_at(db::Lease& lease, const Caller& caller, std::int64_t centre_id) {
  if (caller.role == Role::kAdmin) return true;
  if (caller.role != Role::kDoctor) return false;
  auto clinics = store::clinics_of_doctor(lease, caller.account_id);
  return std::any_of(clinics.begin(), clinics.end(),
                     [&](const auto& clinic) { return clinic.first == centre_id; });
}

Result<TestBooking> visible(db::Lease& lease, const Caller& caller, std::int64_t id) {
  auto booking = store::find_booking(lease, id);
  if (!booking || (caller.role != Role::kAdmin && booking->patient_id != caller.account_id)) {
    return about(Error::not_found("no such test booking"), "booking_id");
  }
  return *booking;
}

}  // namespace

Result<std::vector<DiagnosticTest>> CareService::tests(const Caller& caller) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DiagnosticTest>> {
    auto list = store::tests(lease);
    if (caller.role != Role::kAdmin) {
      std::erase_if(list, [](const DiagnosticTest& test) { return !test.active; });
    }
    return list;
  });
}

Result<DiagnosticTest> CareService::create_test(const Caller& admin, const TestInput& input) {
  DiagnosticTest test;
  if (auto ok = apply(test, input, true); !ok.ok()) return ok.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<DiagnosticTest> {
    db::Transaction tx(lease);
    auto id = store::insert_test(lease, test);
    if (!id) return about(Error::conflict("a test with this code exists already"), "code");
    test.id = *id;
    identity_.audit_write(lease, admin,
                          identity::audit::Row("care.test_create").resource("test", test.id));
    tx.commit();
    return test;
  });
}

Result<DiagnosticTest> CareService::update_test(const Caller& admin, std::int64_t test_id,
                                                const TestInput& input) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<DiagnosticTest> {
    db::Transaction tx(lease);
    auto test = store::find_test(lease, test_id);
    if (!test) return about(Error::not_found("no such test"), "test_id");
    if (auto ok = apply(*test, input, false); !ok.ok()) return ok.error();
    if (!store::update_test(lease, *test)) {  // the row exists: its new code is another's
      return about(Error::conflict("a test with this code exists already"), "code");
    }
    identity_.audit_write(lease, admin,
                          identity::audit::Row("care.test_update").resource("test", test_id));
    tx.commit();
    return *test;
  });
}

Status CareService::set_offers(const Caller& admin, std::int64_t centre_id,
                               const std::vector<TestOffer>& offers) {
  for (const auto& offer : offers) {
    if (offer.per_hour < 1 || offer.per_hour > 1000) {
      return Error::validation("per_hour", "per_hour must be 1 to 1000");
    }
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    auto centre = store::find_clinic(lease, centre_id);
    if (!centre) return about(Error::not_found("no such centre"), "centre_id");
    if (centre->kind != "diagnostic_centre") {
      return Error::validation("centre_id", "tests are offered by diagnostic centres only");
    }
    std::vector<std::int64_t> seen;
    for (const auto& offer : offers) {
      if (std::find(seen.begin(), seen.end(), offer.test_id) != seen.end()) {
        return Error::validation("test_id", "each test once");
      }
      seen.push_back(offer.test_id);
      auto test = store::find_test(lease, offer.test_id);
      if (!test || !test->active) {
        return Error::validation("test_id", "no active test " + std::to_string(offer.test_id));
      }
    }
    store::set_offers(lease, centre_id, offers);
    identity_.audit_write(lease, admin,
                          identity::audit::Row("care.offers_update").resource("clinic", centre_id));
    tx.commit();
    return Ok{};
  });
}

Status CareService::set_centre_hours(const Caller& admin, std::int64_t centre_id,
                                     const std::vector<CentreHours>& hours) {
  for (const auto& row : hours) {
    if (row.weekday < 1 || row.weekday > 7) {
      return Error::validation("weekday", "weekday must be 1 (Monday) to 7 (Sunday)");
    }
    if (row.start_minute < 0 || row.end_minute > 1440 || row.end_minute < row.start_minute + 60) {
      return Error::validation("end", "a session lasts at least one hour");
    }
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    auto centre = store::find_clinic(lease, centre_id);
    if (!centre) return about(Error::not_found("no such centre"), "centre_id");
    if (centre->kind != "diagnostic_centre") {
      return Error::validation("centre_id", "test hours are set for diagnostic centres only");
    }
    store::set_centre_hours(lease, centre_id, hours);
    identity_.audit_write(
        lease, admin,
        identity::audit::Row("care.centre_hours_update").resource("clinic", centre_id));
    tx.commit();
    return Ok{};
  });
}

Result<CentreOffers> CareService::centre_offers(std::int64_t centre_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<CentreOffers> {
    auto centre = store::find_clinic(lease, centre_id);
    if (!centre || centre->kind != "diagnostic_centre") {
      return about(Error::not_found("no such diagnostic centre"), "centre_id");
    }
    CentreOffers out;
    out.offers = store::offers_of_centre(lease, centre_id);
    out.hours = store::centre_hours(lease, centre_id);
    return out;
  });
}

Result<std::vector<TestCentre>> CareService::centres_for_test(std::int64_t test_id,
                                                              std::optional<double> latitude,
                                                              std::optional<double> longitude) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<TestCentre>> {
    auto test = store::find_test(lease, test_id);
    if (!test || !test->active) return about(Error::not_found("no such test"), "test_id");
    std::vector<TestCentre> out;
    for (const auto& offer : store::offers_of_test(lease, test_id)) {
      auto centre = store::find_clinic(lease, offer.centre_id);
      if (!centre || !centre->active) continue;
      TestCentre entry{*centre, offer.per_hour, std::nullopt};
      if (latitude && longitude) {
        entry.distance_km =
            slots::distance_km(*latitude, *longitude, centre->latitude, centre->longitude);
      }
      out.push_back(std::move(entry));
    }
    std::stable_sort(out.begin(), out.end(), [](const TestCentre& a, const TestCentre& b) {
      if (a.distance_km && b.distance_km) return *a.distance_km < *b.distance_km;
      return a.centre.name < b.centre.name;
    });
    return out;
  });
}

Result<std::map<std::int64_t, std::string>> CareService::patient_names(
    const std::vector<std::int64_t>& ids) {
  return db::with_connection(pool_,
                             [&](db::Lease& lease) -> Result<std::map<std::int64_t, std::string>> {
                               return identity::directory::names(lease, ids);
                             });
}

std::vector<TestHour> CareService::hours_in(db::Lease& lease, std::int64_t centre_id,
                                            std::int64_t test_id, std::int64_t from,
                                            std::int64_t to) {
  auto centre = store::find_clinic(lease, centre_id);
  if (!centre || !centre->active) return {};
  auto offers = store::offers_of_centre(lease, centre_id);
  auto offer = std::find_if(offers.begin(), offers.end(),
                            [&](const TestOffer& o) { return o.test_id == test_id; });
  if (offer == offers.end()) return {};
  slots::ClinicAvailability availability{centre_id, centre->time_zone, {}, {}};
  for (const auto& row : store::centre_hours(lease, centre_id)) {
    availability.weekly.push_back({row.weekday, row.start_minute, row.end_minute, 60, 0});
  }
  availability.exceptions = store::closures(lease, centre_id, slots::format_day(from / kDay - 1));
  auto taken = store::taken(lease, centre_id, test_id, from, to);
  std::vector<TestHour> out;
  for (const auto& slot : slots::free_slots({availability}, {}, from, to, now_())) {
    TestHour hour{slot.starts_at, slot.ends_at, offer->per_hour, offer->per_hour};
    if (auto found = taken.find(slot.starts_at); found != taken.end()) {
      hour.left = std::max(0, offer->per_hour - found->second);
    }
    out.push_back(hour);
  }
  return out;
}

Result<std::vector<TestHour>> CareService::test_hours(std::int64_t centre_id, std::int64_t test_id,
                                                      std::int64_t from, std::int64_t to) {
  if (to <= from) return Error::validation("to", "to must be after from");
  if (to - from > kMaxSlotRangeDays * kDay) return Error::validation("to", "31 days at most");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<TestHour>> {
    return hours_in(lease, centre_id, test_id, from, to);
  });
}

Result<TestBooking> CareService::book_test(const Caller& caller, std::int64_t centre_id,
                                           std::int64_t test_id, std::int64_t starts_at) {
  if (caller.role != Role::kPatient) {
    return about(Error::forbidden("patients book tests for themselves"), "patient_id");
  }
  if (starts_at <= now_()) return Error::validation("starts_at", "starts_at must be in the future");
  bool full = false;
  auto booked = db::with_connection(pool_, [&](db::Lease& lease) -> Result<TestBooking> {
    auto test = store::find_test(lease, test_id);
    if (!test || !test->active) return about(Error::not_found("no such test"), "test_id");
    auto hours = hours_in(lease, centre_id, test_id, starts_at - kHour, starts_at + kHour);
    auto hour = std::find_if(hours.begin(), hours.end(),
                             [&](const TestHour& h) { return h.starts_at == starts_at; });
    if (hour == hours.end()) {
      return Error::validation("starts_at",
                               "this centre does not take bookings for this test at this time");
    }
    auto centre = store::find_clinic(lease, centre_id);
    TestBooking row;
    row.patient_id = caller.account_id;
    row.centre_id = centre_id;
    row.test_id = test_id;
    row.starts_at = starts_at;
    row.price_minor = test->price_minor;
    row.currency = test->currency;
    row.status = "booked";
    row.booked_by = caller.account_id;
    row.booked_at = stamp();
    db::Transaction tx(lease);
    if (auto earlier =
            store::find_active_booking(lease, row.patient_id, centre_id, test_id, starts_at)) {
      return *earlier;  // a double tap: the booking already made (nothing new to write)
    }
    // The booking row first: its unique index makes a concurrent request of the same patient
    // for the same hour wait for this one and then insert nothing, so it never holds a place
    // that another patient is then refused. A token already in use (about one chance in 10^10)
    // draws another.
    for (int attempt = 0; attempt < 5 && row.id == 0; ++attempt) {
      row.token = new_booking_token();
      if (auto id = store::insert_booking(lease, row)) {
        row.id = *id;
      } else if (auto earlier = store::find_active_booking(lease, row.patient_id, centre_id,
                                                           test_id, starts_at)) {
        return *earlier;  // the patient's own concurrent request won (nothing written here)
      }
    }
    if (row.id == 0) return Error::internal();
    if (!store::reserve(lease, centre_id, test_id, starts_at, hour->capacity)) {
      full = true;
      return Error::conflict("full");  // rolled back: the booking row goes too
    }
    audit_booking(identity_, lease, caller, "test_booking.create", row);
    if (auto contact = identity::directory::patient_contact(lease, row.patient_id);
        contact && notify::is_plain_address(contact->email)) {
      auto message = notify::render("test_booked",
                                    {{"name", contact->full_name},
                                     {"token", row.token},
                                     {"centre", centre->name},
                                     {"address", centre->address + ", " + centre->city},
                                     {"when", slots::local_time_text(centre->time_zone, starts_at)},
                                     {"link", public_url_ + "/tests"}},
                                    contact->email);
      if (!message.ok()) return message.error();
      notify::enqueue(lease, *message);
    }
    tx.commit();
    return row;
  });
  if (full) {
    Error error = Error::conflict("this hour is fully booked: choose another");
    error.field = "starts_at";
    auto next = test_hours(centre_id, test_id, starts_at, starts_at + 14 * kDay);
    if (next.ok()) {
      for (const auto& hour : *next) {
        if (hour.left > 0 && error.suggestions.size() < 3) {
          error.suggestions.push_back(
              format_rfc3339(TimePoint(std::chrono::seconds(hour.starts_at))));
        }
      }
    }
    return error;
  }
  return booked;
}

Result<TestBooking> CareService::cancel_test(const Caller& caller, std::int64_t booking_id,
                                             const std::string& reason) {
  if (reason.empty()) return Error::validation("reason", "say why the test is cancelled");
  if (reason.size() > kMaxReason) return Error::validation("reason", "reason is too long");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<TestBooking> {
    db::Transaction tx(lease);
    auto booking = visible(lease, caller, booking_id);
    if (!booking.ok()) return booking;
    std::string at = stamp();
    if (!store::set_booking_status(lease, booking_id, "cancelled", caller.account_id, at, reason)) {
      return about(Error::conflict("only a booked test can be cancelled"), "status");
    }
    store::release(lease, booking->centre_id, booking->test_id, booking->starts_at);
    booking->status = "cancelled";
    booking->changed_by = caller.account_id;
    booking->changed_at = at;
    booking->cancel_reason = reason;
    audit_booking(identity_, lease, caller, "test_booking.cancel", *booking);
    tx.commit();
    return booking;
  });
}

Result<TestBooking> CareService::check_in(const Caller& caller, std::string_view token) {
  auto normal = normalise_token(token);
  if (!normal.ok()) return normal.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<TestBooking> {
    db::Transaction tx(lease);
    auto booking = store::find_booking_by_token(lease, *normal);
    if (!booking) return about(Error::not_found("no booking has this token"), "token");
    if (!works_at(lease, caller, booking->centre_id)) {
      return about(Error::forbidden("staff of this centre check its bookings in"), "token");
    }
    if (booking->status != "booked") {
      return about(
          Error::conflict(booking->status == "checked_in" ? "this booking is checked in already"
                                                          : "this booking was cancelled"),
          "token");
    }
    std::int64_t now = now_();
    if (now < booking->starts_at - 2 * kHour || now >= booking->starts_at + 12 * kHour) {
      auto centre = store::find_clinic(lease, booking->centre_id);
      return about(Error::conflict("this booking is for " +
                                   slots::local_time_text(centre ? centre->time_zone : "UTC",
                                                          booking->starts_at)),
                   "token");
    }
    std::string at = stamp();
    if (!store::set_booking_status(lease, booking->id, "checked_in", caller.account_id, at, "")) {
      return about(Error::conflict("this booking is checked in already"), "token");
    }
    booking->status = "checked_in";
    booking->changed_by = caller.account_id;
    booking->changed_at = at;
    audit_booking(identity_, lease, caller, "test_booking.check_in", *booking);
    tx.commit();
    return *booking;
  });
}

Result<TestResults> CareService::record_test_results(
    const Caller& caller, std::int64_t booking_id,
    const std::vector<records::ObservationInput>& results) {
  if (results.empty()) return Error::validation("results", "give at least one result");
  if (results.size() > 50) return Error::validation("results", "50 results at most");
  // Each result checked first, so the message says which one is at fault.
  for (std::size_t index = 0; index < results.size(); ++index) {
    Status ok = Ok{};
    if (auto checked = records::validate_observation(results[index]); !checked.ok()) {
      ok = checked.error();
    } else if (auto when = records::effective_time(results[index].effective_at); !when.ok()) {
      ok = when.error();
    }
    if (!ok.ok()) {
      Error error = ok.error();
      error.field =
          "results[" + std::to_string(index) + "]." + (error.field.empty() ? "value" : error.field);
      error.message = "Result " + std::to_string(index + 1) + ": " + error.message;
      return error;
    }
  }
  auto booking = db::with_connection(pool_, [&](db::Lease& lease) -> Result<TestBooking> {
    auto found = store::find_booking(lease, booking_id);
    if (!found || !works_at(lease, caller, found->centre_id)) {
      return about(Error::not_found("no such test booking at a centre you work at"), "booking_id");
    }
    return *found;
  });
  if (!booking.ok()) return booking.error();
  if (booking->status != "checked_in") {
    return about(Error::conflict(booking->status == "cancelled"
                                     ? "this booking was cancelled: it has no results"
                                     : "check the patient in before recording results"),
                 "status");
  }
  std::string at = stamp();
  auto recorded = records_.record_all(
      caller, booking->patient_id, results,
      [&](db::Lease& lease, const std::vector<records::Observation>& stored) -> Status {
        for (const auto& observation : stored) {
          store::insert_result(lease, booking->id, observation.id, caller.account_id, at);
        }
        audit_booking(identity_, lease, caller, "test_booking.results", *booking);
        return Ok{};
      });
  if (!recorded.ok()) return recorded.error();
  return TestResults{*booking, std::move(recorded).value()};
}

Result<std::vector<TestBooking>> CareService::patient_test_bookings(std::int64_t patient_id,
                                                                    std::int64_t from, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<TestBooking>> {
    return store::patient_bookings(lease, patient_id, from, limit);
  });
}

Result<std::vector<TestBooking>> CareService::centre_test_bookings(const Caller& caller,
                                                                   std::int64_t centre_id,
                                                                   std::int64_t from,
                                                                   std::int64_t to) {
  if (to <= from) return Error::validation("to", "to must be after from");
  if (to - from > kMaxSlotRangeDays * kDay) return Error::validation("to", "31 days at most");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<TestBooking>> {
    if (!works_at(lease, caller, centre_id)) {
      return about(Error::forbidden("staff of this centre see its bookings"), "centre_id");
    }
    return store::centre_bookings(lease, centre_id, from, to);
  });
}

}  // namespace vitalis::care
