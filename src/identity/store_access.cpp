// Row functions over the access decisions', break-glass and access requests' named queries
// (store_access.hpp).
#include "identity/store_access.hpp"

#include <soci/soci.h>

#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

namespace {

class RecordAccessReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.role));
    statement.exchange(soci::into(row_.links));
    statement.exchange(soci::into(row_.grants));
    statement.exchange(soci::into(reason_, reason_ind_));
  }
  RecordAccessRow current() const {
    RecordAccessRow row = row_;
    if (reason_ind_ == soci::i_ok) row.break_glass_reason = reason_;
    return row;
  }

 private:
  RecordAccessRow row_;
  std::string reason_;
  soci::indicator reason_ind_ = soci::i_null;
};

// The access-request queries' row (kSelectAccessRequest and its neighbours).
class AccessRequestReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(doctor_));
    statement.exchange(soci::into(row_.doctor_name));
    statement.exchange(soci::into(row_.specialty));
    statement.exchange(soci::into(row_.clinic));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.message));
    statement.exchange(soci::into(row_.requested_at));
    statement.exchange(soci::into(row_.decided_at));
  }
  AccessRequest current() const {
    AccessRequest row = row_;
    row.id = id_;
    row.patient_id = patient_;
    row.doctor_id = doctor_;
    return row;
  }

 private:
  AccessRequest row_;
  long long id_ = 0, patient_ = 0, doctor_ = 0;
};

std::optional<AccessRequest> one_request(db::Lease& lease, const char* query,
                                         std::initializer_list<long long> keys) {
  std::vector<long long> values(keys);
  return db::first_row<AccessRequestReader>(lease, query, [&](soci::statement& statement) {
    for (auto& value : values) statement.exchange(soci::use(value));
  });
}

}  // namespace

std::optional<RecordAccessRow> record_access(db::Lease& lease, std::int64_t actor_id,
                                             std::int64_t patient_id, const std::string& now) {
  long long patient = patient_id, actor = actor_id;
  // Parameters in order: actor1, actor2, now1, actor3, now2, patient.
  return db::first_row<RecordAccessReader>(lease, sql::kSelectRecordAccess,
                                           [&](soci::statement& statement) {
                                             statement.exchange(soci::use(actor));
                                             statement.exchange(soci::use(actor));
                                             statement.exchange(soci::use(now));
                                             statement.exchange(soci::use(actor));
                                             statement.exchange(soci::use(now));
                                             statement.exchange(soci::use(patient));
                                           });
}

std::optional<std::string> active_break_glass_reason(db::Lease& lease, std::int64_t actor_id,
                                                     std::int64_t patient_id,
                                                     const std::string& now) {
  long long actor = actor_id, patient = patient_id;
  return db::first_value<std::string>(lease, sql::kSelectActiveBreakGlass,
                                      [&](soci::statement& statement) {
                                        statement.exchange(soci::use(actor));
                                        statement.exchange(soci::use(patient));
                                        statement.exchange(soci::use(now));
                                      });
}

void insert_break_glass(db::Lease& lease, std::int64_t actor_id, const std::string& actor_role,
                        std::int64_t patient_id, const BreakGlass& glass) {
  long long actor = actor_id, patient = patient_id;
  db::run(lease, sql::kInsertBreakGlass, [&](soci::statement& statement) {
    statement.exchange(soci::use(actor));
    statement.exchange(soci::use(actor_role));
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(glass.reason));
    statement.exchange(soci::use(glass.started_at));
    statement.exchange(soci::use(glass.expires_at));
  });
}

std::optional<BreakGlass> active_break_glass(db::Lease& lease, std::int64_t actor_id,
                                             std::int64_t patient_id, const std::string& now) {
  long long actor = actor_id, patient = patient_id;
  BreakGlass row;
  std::optional<BreakGlass> out;
  db::for_each_row(
      lease, sql::kSelectActiveBreakGlassDetail,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(row.reason));
        statement.exchange(soci::into(row.started_at));
        statement.exchange(soci::into(row.expires_at));
        statement.exchange(soci::use(actor));
        statement.exchange(soci::use(patient));
        statement.exchange(soci::use(now));
      },
      [&] {
        if (!out) out = row;
      });
  return out;
}

std::optional<std::int64_t> latest_grant_id(db::Lease& lease, std::int64_t patient_id,
                                            std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id;
  return db::first_value<long long>(lease, sql::kSelectLatestGrantId,
                                    [&](soci::statement& statement) {
                                      statement.exchange(soci::use(patient));
                                      statement.exchange(soci::use(doctor));
                                    });
}

std::optional<std::int64_t> insert_access_request(db::Lease& lease, std::int64_t patient_id,
                                                  std::int64_t doctor_id,
                                                  const std::string& message,
                                                  const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  return db::first_value<long long>(lease, sql::kInsertAccessRequest,
                                    [&](soci::statement& statement) {
                                      statement.exchange(soci::use(patient));
                                      statement.exchange(soci::use(doctor));
                                      statement.exchange(soci::use(message));
                                      statement.exchange(soci::use(at));
                                    });
}

std::optional<AccessRequest> access_request(db::Lease& lease, std::int64_t request_id) {
  return one_request(lease, sql::kSelectAccessRequest, {request_id});
}

std::optional<AccessRequest> latest_access_request(db::Lease& lease, std::int64_t patient_id,
                                                   std::int64_t doctor_id) {
  return one_request(lease, sql::kSelectLatestAccessRequest, {patient_id, doctor_id});
}

std::optional<std::int64_t> pending_access_request_id(db::Lease& lease, std::int64_t patient_id,
                                                      std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id;
  return db::first_value<long long>(lease, sql::kSelectPendingAccessRequestId,
                                    [&](soci::statement& statement) {
                                      statement.exchange(soci::use(patient));
                                      statement.exchange(soci::use(doctor));
                                    });
}

std::vector<AccessRequest> patient_access_requests(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return db::select_rows<AccessRequestReader>(
      lease, sql::kSelectPatientAccessRequests,
      [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
}

bool decide_access_request(db::Lease& lease, std::int64_t request_id, const std::string& status,
                           const std::string& at) {
  long long id = request_id;
  return db::execute(lease, sql::kDecideAccessRequest, [&](soci::statement& statement) {
           statement.exchange(soci::use(status));
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(id));
         }) == 1;
}

}  // namespace vitalis::identity::store
