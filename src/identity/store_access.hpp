// Identity's SQL for emergency access (break-glass by doctors and admins) and doctors' requests
// for access that the patient approves or declines.
#pragma once

namespace vitalis::identity::sql {

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
