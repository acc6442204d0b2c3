// Identity's SQL for access decisions, emergency access (break-glass by doctors and admins) and
// doctors' requests for access that the patient approves or declines. Every function runs in the
// caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "identity/model.hpp"

namespace vitalis::identity::sql {

// Everything a record access decision needs, in one statement (it runs on every record
// request): the patient's role, and the caller's active link, write grant and the reason of
// their latest active break-glass (NULL when none).
inline constexpr const char* kSelectRecordAccess =
    "SELECT a.role, "
    "(SELECT COUNT(*) FROM care_links l WHERE l.patient_id = a.id AND l.doctor_id = :actor1 "
    "AND l.revoked_at IS NULL), "
    "(SELECT COUNT(*) FROM write_grants g WHERE g.patient_id = a.id AND g.doctor_id = :actor2 "
    "AND g.status = 'active' AND g.expires_at > :now1), "
    "(SELECT b.reason FROM break_glass b WHERE b.actor_id = :actor3 AND b.patient_id = a.id "
    "AND b.expires_at > :now2 ORDER BY b.expires_at DESC LIMIT 1) "
    "FROM accounts a WHERE a.id = :patient";
inline constexpr const char* kSelectActiveBreakGlass =
    "SELECT reason FROM break_glass WHERE actor_id = :actor AND patient_id = :patient "
    "AND expires_at > :now ORDER BY id DESC LIMIT 1";

// Break-glass.
inline constexpr const char* kInsertBreakGlass =
    "INSERT INTO break_glass (actor_id, actor_role, patient_id, reason, created_at, expires_at) "
    "VALUES (:actor, :role, :patient, :reason, :at, :expires)";
inline constexpr const char* kSelectActiveBreakGlassDetail =
    "SELECT reason, created_at, expires_at FROM break_glass WHERE actor_id = :actor "
    "AND patient_id = :patient AND expires_at > :now ORDER BY expires_at DESC LIMIT 1";
inline constexpr const char* kSelectLatestGrantId =
    "SELECT id FROM write_grants WHERE patient_id = :patient AND doctor_id = :doctor "
    "ORDER BY id DESC LIMIT 1";

// Access requests. One pending request per doctor and patient (a partial unique index): a second
// one while the first is open inserts nothing.
inline constexpr const char* kInsertAccessRequest =
    "INSERT INTO access_requests (patient_id, doctor_id, status, message, requested_at) "
    "VALUES (:patient, :doctor, 'pending', :message, :at) "
    "ON CONFLICT (patient_id, doctor_id) WHERE status = 'pending' DO NOTHING RETURNING id";
inline constexpr const char* kSelectAccessRequest =
    "SELECT r.id, r.patient_id, r.doctor_id, a.full_name, d.specialty, d.clinic, r.status, "
    "r.message, r.requested_at, COALESCE(r.decided_at, '') FROM access_requests r "
    "JOIN accounts a ON a.id = r.doctor_id JOIN doctor_profiles d ON d.account_id = r.doctor_id "
    "WHERE r.id = :id";
inline constexpr const char* kSelectLatestAccessRequest =
    "SELECT r.id, r.patient_id, r.doctor_id, a.full_name, d.specialty, d.clinic, r.status, "
    "r.message, r.requested_at, COALESCE(r.decided_at, '') FROM access_requests r "
    "JOIN accounts a ON a.id = r.doctor_id JOIN doctor_profiles d ON d.account_id = r.doctor_id "
    "WHERE r.patient_id = :patient AND r.doctor_id = :doctor ORDER BY r.id DESC LIMIT 1";
inline constexpr const char* kSelectPendingAccessRequestId =
    "SELECT id FROM access_requests WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND status = 'pending'";
inline constexpr const char* kSelectPatientAccessRequests =
    "SELECT r.id, r.patient_id, r.doctor_id, a.full_name, d.specialty, d.clinic, r.status, "
    "r.message, r.requested_at, COALESCE(r.decided_at, '') FROM access_requests r "
    "JOIN accounts a ON a.id = r.doctor_id JOIN doctor_profiles d ON d.account_id = r.doctor_id "
    "WHERE r.patient_id = :patient ORDER BY r.id DESC LIMIT 50";
inline constexpr const char* kDecideAccessRequest =
    "UPDATE access_requests SET status = :status, decided_at = :at WHERE id = :id "
    "AND status = 'pending'";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// kSelectRecordAccess's row: the role of the account asked for, then the caller's active care
// links, active write grants, and the reason of their active break-glass on it (if any).
struct RecordAccessRow {
  std::string role;
  int links = 0, grants = 0;
  std::optional<std::string> break_glass_reason;
};
// Nothing when there is no such account.
std::optional<RecordAccessRow> record_access(db::Lease& lease, std::int64_t actor_id,
                                             std::int64_t patient_id, const std::string& now);
// The reason of the actor's newest break-glass on the patient still active at `now`.
std::optional<std::string> active_break_glass_reason(db::Lease& lease, std::int64_t actor_id,
                                                     std::int64_t patient_id,
                                                     const std::string& now);

// Break-glass.
void insert_break_glass(db::Lease& lease, std::int64_t actor_id, const std::string& actor_role,
                        std::int64_t patient_id, const BreakGlass& glass);
// The actor's break-glass on the patient that ends last, if one is active at `now`.
std::optional<BreakGlass> active_break_glass(db::Lease& lease, std::int64_t actor_id,
                                             std::int64_t patient_id, const std::string& now);
// The id of the doctor's newest write grant for the patient.
std::optional<std::int64_t> latest_grant_id(db::Lease& lease, std::int64_t patient_id,
                                            std::int64_t doctor_id);

// Access requests. Nothing when the doctor has a pending request for the patient already.
std::optional<std::int64_t> insert_access_request(db::Lease& lease, std::int64_t patient_id,
                                                  std::int64_t doctor_id,
                                                  const std::string& message,
                                                  const std::string& at);
std::optional<AccessRequest> access_request(db::Lease& lease, std::int64_t request_id);
std::optional<AccessRequest> latest_access_request(db::Lease& lease, std::int64_t patient_id,
                                                   std::int64_t doctor_id);
// The id of the doctor's pending request for the patient, if there is one.
std::optional<std::int64_t> pending_access_request_id(db::Lease& lease, std::int64_t patient_id,
                                                      std::int64_t doctor_id);
// The patient's newest 50 requests, newest first.
std::vector<AccessRequest> patient_access_requests(db::Lease& lease, std::int64_t patient_id);
// Conditional: false unless the request is pending.
bool decide_access_request(db::Lease& lease, std::int64_t request_id, const std::string& status,
                           const std::string& at);

}  // namespace vitalis::identity::store
