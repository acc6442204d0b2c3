// Row functions over the named queries in store_diagnostics.hpp.
#include "care/store_diagnostics.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::care::store {

namespace {

class TestReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.code));
    statement.exchange(soci::into(row_.name));
    statement.exchange(soci::into(row_.category));
    statement.exchange(soci::into(row_.duration_minutes));
    statement.exchange(soci::into(price_));
    statement.exchange(soci::into(row_.currency));
    statement.exchange(soci::into(row_.preparation));
    statement.exchange(soci::into(active_));
  }
  DiagnosticTest current() const {
    DiagnosticTest out = row_;
    out.id = id_;
    out.price_minor = price_;
    out.active = active_ != 0;
    return out;
  }

 private:
  DiagnosticTest row_;
  long long id_ = 0, price_ = 0;
  int active_ = 1;
};

class OfferReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(centre_));
    statement.exchange(soci::into(test_));
    statement.exchange(soci::into(per_hour_));
  }
  TestOffer current() const { return {centre_, test_, per_hour_}; }

 private:
  long long centre_ = 0, test_ = 0;
  int per_hour_ = 0;
};

class HoursReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.weekday));
    statement.exchange(soci::into(row_.start_minute));
    statement.exchange(soci::into(row_.end_minute));
  }
  CentreHours current() const { return row_; }

 private:
  CentreHours row_;
};

class TakenReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(starts_));
    statement.exchange(soci::into(booked_));
  }
  std::pair<std::int64_t, int> current() const { return {starts_, booked_}; }

 private:
  long long starts_ = 0;
  int booked_ = 0;
};

class BookingReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.token));
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(centre_));
    statement.exchange(soci::into(test_));
    statement.exchange(soci::into(starts_));
    statement.exchange(soci::into(price_));
    statement.exchange(soci::into(row_.currency));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(booked_by_));
    statement.exchange(soci::into(row_.booked_at));
    statement.exchange(soci::into(changed_by_, changed_by_ind_));
    statement.exchange(soci::into(changed_at_, changed_at_ind_));
    statement.exchange(soci::into(cancel_reason_, cancel_reason_ind_));
  }
  TestBooking current() const {
    TestBooking out = row_;
    out.id = id_;
    out.patient_id = patient_;
    out.centre_id = centre_;
    out.test_id = test_;
    out.starts_at = starts_;
    out.price_minor = price_;
    out.booked_by = booked_by_;
    if (changed_by_ind_ == soci::i_ok) out.changed_by = changed_by_;
    out.changed_at = changed_at_ind_ == soci::i_ok ? changed_at_ : std::string();
    out.cancel_reason = cancel_reason_ind_ == soci::i_ok ? cancel_reason_ : std::string();
    return out;
  }

 private:
  TestBooking row_;
  long long id_ = 0, patient_ = 0, centre_ = 0, test_ = 0, starts_ = 0, price_ = 0;
  long long booked_by_ = 0, changed_by_ = 0;
  std::string changed_at_, cancel_reason_;
  soci::indicator changed_by_ind_ = soci::i_null, changed_at_ind_ = soci::i_null,
                  cancel_reason_ind_ = soci::i_null;
};

}  // namespace

std::vector<DiagnosticTest> tests(db::Lease& lease) {
  return db::select_rows<TestReader>(lease, sql::kSelectTests, [](soci::statement&) {});
}

std::optional<DiagnosticTest> find_test(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<TestReader>(lease, sql::kSelectTest, db::uses(key));
}

std::optional<std::int64_t> insert_test(db::Lease& lease, const DiagnosticTest& test) {
  long long price = test.price_minor;
  int duration = test.duration_minutes, active = test.active ? 1 : 0;
  std::string code = test.code, name = test.name, category = test.category,
              currency = test.currency, preparation = test.preparation;
  auto id = db::first_value<long long>(
      lease, sql::kInsertTest,
      db::uses(code, name, category, duration, price, currency, preparation, active));
  if (!id) return std::nullopt;
  return static_cast<std::int64_t>(*id);
}

bool update_test(db::Lease& lease, const DiagnosticTest& test) {
  long long price = test.price_minor, id = test.id, self = test.id;
  int duration = test.duration_minutes, active = test.active ? 1 : 0;
  std::string code = test.code, name = test.name, category = test.category,
              currency = test.currency, preparation = test.preparation, taken = test.code;
  return db::execute(lease, sql::kUpdateTest,
                     db::uses(code, name, category, duration, price, currency, preparation, active,
                              id, taken, self)) == 1;
}

void set_offers(db::Lease& lease, std::int64_t centre_id, const std::vector<TestOffer>& offers) {
  long long centre = centre_id;
  db::run(lease, sql::kRetireOffers, db::uses(centre));
  for (const auto& offer : offers) {
    long long test = offer.test_id;
    int per_hour = offer.per_hour;
    db::run(lease, sql::kUpsertOffer, db::uses(centre, test, per_hour));
  }
}

std::vector<TestOffer> offers_of_centre(db::Lease& lease, std::int64_t centre_id) {
  long long centre = centre_id;
  return db::select_rows<OfferReader>(lease, sql::kSelectOffersOfCentre, db::uses(centre));
}

std::vector<TestOffer> offers_of_test(db::Lease& lease, std::int64_t test_id) {
  long long test = test_id;
  return db::select_rows<OfferReader>(lease, sql::kSelectOffersOfTest, db::uses(test));
}

void set_centre_hours(db::Lease& lease, std::int64_t centre_id,
                      const std::vector<CentreHours>& hours) {
  long long centre = centre_id;
  db::run(lease, sql::kDeleteCentreHours, db::uses(centre));
  for (const auto& row : hours) {
    int weekday = row.weekday, start = row.start_minute, end = row.end_minute;
    db::run(lease, sql::kInsertCentreHours, db::uses(centre, weekday, start, end));
  }
}

std::vector<CentreHours> centre_hours(db::Lease& lease, std::int64_t centre_id) {
  long long centre = centre_id;
  return db::select_rows<HoursReader>(lease, sql::kSelectCentreHours, db::uses(centre));
}

bool reserve(db::Lease& lease, std::int64_t centre_id, std::int64_t test_id, std::int64_t starts_at,
             int capacity) {
  long long centre = centre_id, test = test_id, starts = starts_at;
  int places = capacity;
  db::run(lease, sql::kEnsureCapacity, db::uses(centre, test, starts, places));
  return db::execute(lease, sql::kReserve, db::uses(centre, test, starts)) == 1;
}

void release(db::Lease& lease, std::int64_t centre_id, std::int64_t test_id,
             std::int64_t starts_at) {
  long long centre = centre_id, test = test_id, starts = starts_at;
  db::run(lease, sql::kRelease, db::uses(centre, test, starts));
}

std::map<std::int64_t, int> taken(db::Lease& lease, std::int64_t centre_id, std::int64_t test_id,
                                  std::int64_t from, std::int64_t to) {
  long long centre = centre_id, test = test_id, start = from, end = to;
  std::map<std::int64_t, int> out;
  for (auto [starts, booked] :
       db::select_rows<TakenReader>(lease, sql::kSelectTaken, db::uses(centre, test, start, end))) {
    out[starts] = booked;
  }
  return out;
}

std::optional<std::int64_t> insert_booking(db::Lease& lease, const TestBooking& row) {
  long long patient = row.patient_id, centre = row.centre_id, test = row.test_id;
  long long starts = row.starts_at, price = row.price_minor, by = row.booked_by;
  std::string token = row.token, currency = row.currency, at = row.booked_at;
  auto id = db::first_value<long long>(
      lease, sql::kInsertBooking,
      db::uses(token, patient, centre, test, starts, price, currency, by, at));
  if (!id) return std::nullopt;
  return static_cast<std::int64_t>(*id);
}

std::optional<TestBooking> find_booking(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<BookingReader>(lease, sql::kSelectBooking, db::uses(key));
}

std::optional<TestBooking> find_booking_by_token(db::Lease& lease, const std::string& token) {
  std::string key = token;
  return db::first_row<BookingReader>(lease, sql::kSelectBookingByToken, db::uses(key));
}

std::optional<TestBooking> find_active_booking(db::Lease& lease, std::int64_t patient_id,
                                               std::int64_t centre_id, std::int64_t test_id,
                                               std::int64_t starts_at) {
  long long patient = patient_id, centre = centre_id, test = test_id, starts = starts_at;
  return db::first_row<BookingReader>(lease, sql::kSelectActiveBooking,
                                      db::uses(patient, centre, test, starts));
}

std::vector<TestBooking> patient_bookings(db::Lease& lease, std::int64_t patient_id,
                                          std::int64_t from, int limit) {
  long long patient = patient_id, start = from;
  return db::select_rows<BookingReader>(lease, sql::kSelectPatientBookings,
                                        db::uses(patient, start, limit));
}

std::vector<TestBooking> centre_bookings(db::Lease& lease, std::int64_t centre_id,
                                         std::int64_t from, std::int64_t to) {
  long long centre = centre_id, start = from, end = to;
  return db::select_rows<BookingReader>(lease, sql::kSelectCentreBookings,
                                        db::uses(centre, start, end));
}

std::vector<TestBooking> due_test_bookings(db::Lease& lease, std::int64_t now, int hours) {
  long long from = now, until = now + hours * 3600LL;
  int within = hours;
  return db::select_rows<BookingReader>(lease, sql::kSelectDueTestBookings,
                                        db::uses(from, until, within));
}

bool set_booking_status(db::Lease& lease, std::int64_t id, const std::string& status,
                        std::int64_t by, const std::string& at, const std::string& reason) {
  long long key = id, actor = by;
  std::string text = reason, what = status, when = at;
  soci::indicator reason_ind = reason.empty() ? soci::i_null : soci::i_ok;
  return db::execute(lease, sql::kSetBookingStatus, [&](soci::statement& statement) {
           statement.exchange(soci::use(what));
           statement.exchange(soci::use(actor));
           statement.exchange(soci::use(when));
           statement.exchange(soci::use(text, reason_ind));
           statement.exchange(soci::use(key));
         }) == 1;
}

void insert_result(db::Lease& lease, std::int64_t booking_id, std::int64_t observation_id,
                   std::int64_t by, const std::string& at) {
  long long booking = booking_id, observation = observation_id, who = by;
  std::string when = at;
  db::run(lease, sql::kInsertResult, db::uses(booking, observation, who, when));
}

std::vector<std::int64_t> result_ids(db::Lease& lease, std::int64_t booking_id) {
  long long booking = booking_id;
  std::vector<std::int64_t> out;
  long long id = 0;
  db::for_each_row(
      lease, sql::kSelectResults,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::use(booking));
      },
      [&] { out.push_back(id); });
  return out;
}

}  // namespace vitalis::care::store
