// Identity's SQL for the care team and consent: care links (a doctor on a patient's care team)
// and write grants (a care-team doctor may write to the record for a while, with the patient's
// consent). Every function runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "identity/model.hpp"

namespace vitalis::identity::sql {

// Care links.
inline constexpr const char* kSelectActiveLink =
    "SELECT COUNT(*) FROM care_links WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND revoked_at IS NULL";
inline constexpr const char* kInsertLink =
    "INSERT INTO care_links (patient_id, doctor_id, source, created_at) "
    "VALUES (:patient, :doctor, :source, :at) "
    "ON CONFLICT (patient_id, doctor_id) WHERE revoked_at IS NULL DO NOTHING";
inline constexpr const char* kRevokeLink =
    "UPDATE care_links SET revoked_at = :at WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND revoked_at IS NULL";
inline constexpr const char* kSelectCareTeam =
    "SELECT a.id, a.full_name, a.email, a.status, d.licence_number, d.specialty, d.clinic "
    "FROM care_links l JOIN accounts a ON a.id = l.doctor_id "
    "JOIN doctor_profiles d ON d.account_id = a.id "
    "WHERE l.patient_id = :patient AND l.revoked_at IS NULL ORDER BY a.full_name, a.id";
// Write grants.
inline constexpr const char* kInsertWriteGrant =
    "INSERT INTO write_grants (patient_id, doctor_id, status, requested_at) "
    "VALUES (:patient, :doctor, 'pending', :at) RETURNING id";
#define VITALIS_WRITE_GRANT_ROWS                                                    \
  "SELECT g.id, g.patient_id, g.doctor_id, a.full_name, g.status, g.requested_at, " \
  "g.activated_at, g.expires_at FROM write_grants g JOIN accounts a ON a.id = g.doctor_id "
inline constexpr const char* kSelectWriteGrant = VITALIS_WRITE_GRANT_ROWS "WHERE g.id = :id";
// A patient's latest 100 grants, newest first, in one statement.
inline constexpr const char* kSelectPatientWriteGrants =
    VITALIS_WRITE_GRANT_ROWS "WHERE g.patient_id = :patient ORDER BY g.id DESC LIMIT 100";
#undef VITALIS_WRITE_GRANT_ROWS
inline constexpr const char* kRevokePendingPairGrants =
    "UPDATE write_grants SET status = 'revoked', revoked_at = :at WHERE patient_id = :patient "
    "AND doctor_id = :doctor AND status = 'pending'";
inline constexpr const char* kActivateWriteGrant =
    "UPDATE write_grants SET status = 'active', activated_at = :at, expires_at = :expires "
    "WHERE id = :id AND status = 'pending'";
inline constexpr const char* kRevokeWriteGrant =
    "UPDATE write_grants SET status = 'revoked', revoked_at = :at WHERE id = :id "
    "AND status <> 'revoked'";
inline constexpr const char* kRevokeDoctorGrants =
    "UPDATE write_grants SET status = 'revoked', revoked_at = :at WHERE patient_id = :patient "
    "AND doctor_id = :doctor AND status <> 'revoked'";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// Care links.
bool on_care_team(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id);
// Does nothing when the link is active already.
void insert_link(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                 const std::string& source, const std::string& at);
// false when there was no active link.
bool revoke_link(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                 const std::string& at);
// The doctors on the patient's care team, by name.
std::vector<DoctorSummary> care_team(db::Lease& lease, std::int64_t patient_id);

// Write grants. A new one is pending; returns its id.
std::int64_t insert_write_grant(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                                const std::string& at);
// The grant as stored (activated_at and expires_at empty when NULL); false when none.
bool write_grant(db::Lease& lease, std::int64_t grant_id, WriteGrant& grant);
// The patient's newest grants' ids (at most 100), newest first.
std::vector<WriteGrant> patient_write_grants(db::Lease& lease, std::int64_t patient_id);
void revoke_pending_pair_grants(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                                const std::string& at);
// Conditional: false unless the grant is pending.
bool activate_write_grant(db::Lease& lease, std::int64_t grant_id, const std::string& at,
                          const std::string& expires_at);
// Conditional: false when the grant is revoked already.
bool revoke_write_grant(db::Lease& lease, std::int64_t grant_id, const std::string& at);
// Every grant of the pair that is not revoked yet.
void revoke_doctor_grants(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                          const std::string& at);

}  // namespace vitalis::identity::store
