// Identity service: accounts, email verification, sessions, password reset, doctor approval,
// care relationships, consent (write) grants, break-glass, and the access decisions every other
// module asks for. Knows nothing of HTTP. Safe for concurrent use: all state is in the database.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/audit.hpp"
#include "identity/audit_sealer.hpp"
#include "identity/crypto.hpp"
#include "identity/model.hpp"

namespace vitalis::identity {

struct IdentityOptions {
  PasswordCost password_cost;
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::chrono::seconds code_ttl{10 * 60};
  int code_attempts = 5;
  std::chrono::seconds resend_interval{60};
  std::chrono::seconds write_grant_ttl{60 * 60};
  std::chrono::seconds break_glass_ttl{60 * 60};
};

// Where a request came from: for the audit log and per-address rate limits.
struct Client {
  std::string address;
};

struct PatientSignUp {
  std::string email, password, full_name, date_of_birth, sex, phone;
};
struct DoctorSignUp {
  std::string email, password, full_name, licence_number, specialty, clinic;
};

struct Tokens {
  std::string access_token;
  std::int64_t expires_in = 0;  // seconds
  std::string refresh_token;
  std::int64_t refresh_expires_in = 0;
  std::string session_id;  // the new session (server side; not sent to clients)
  Account account;
};

struct DoctorSummary {
  std::int64_t id = 0;
  std::string full_name, email, status, licence_number, specialty, clinic;
};

struct PatientProfile {
  std::int64_t id = 0;
  std::string full_name, email, date_of_birth, sex, phone;
};

struct WriteGrant {
  std::int64_t id = 0;
  std::int64_t patient_id = 0, doctor_id = 0;
  std::string doctor_name, status, requested_at, activated_at, expires_at;
};

// What a principal may do with one patient's record.
enum class RecordAccess { kNone, kRead, kReadWrite };

class IdentityService {
 public:
  IdentityService(db::Pool& pool, SecretKey key, IdentityOptions options);
  ~IdentityService();

  const SecretKey& key() const { return key_; }
  const IdentityOptions& options() const { return options_; }

  // Sign-up answers the same whether or not the email is registered.
  Status sign_up_patient(const PatientSignUp& input, const Client& client);
  Status sign_up_doctor(const DoctorSignUp& input, const Client& client);
  // Returns the account's status afterwards: "active" or "pending_approval".
  Result<std::string> verify_email(const std::string& email, const std::string& code,
                                   const Client& client);
  Status resend_verification(const std::string& email, const Client& client);

  Result<Tokens> sign_in(const std::string& email, const std::string& password,
                         const Client& client);
  Result<Tokens> refresh(const std::string& refresh_token, const Client& client);
  Status sign_out(const Principal& principal, const Client& client);
  Status sign_out_everywhere(const Principal& principal, const Client& client);
  Status request_password_reset(const std::string& email, const Client& client);
  Status reset_password(const std::string& email, const std::string& code,
                        const std::string& new_password, const Client& client);
  Status change_password(const Principal& principal, const std::string& current,
                         const std::string& new_password, const Client& client);

  // Verifies the bearer token and that its session is still live.
  Result<Principal> authenticate(std::string_view bearer_token);
  Result<Account> account(std::int64_t id);

  // Admin.
  Result<Account> create_admin(const std::string& email, const std::string& password,
                               const std::string& full_name);
  Result<std::vector<DoctorSummary>> list_doctors(const std::string& status);
  Status approve_doctor(const Principal& admin, std::int64_t doctor_id, const Client& client);
  Result<std::string> break_glass(const Principal& admin, std::int64_t patient_id,
                                  const std::string& reason, const Client& client);
  Result<std::vector<AuditEntry>> search_audit(const AuditFilter& filter);

  // Access decisions (the one place they are made).
  Result<RecordAccess> record_access(const Principal& principal, std::int64_t patient_id);
  // Appends a successful change by `principal` to the audit log inside the caller's write
  // transaction (so the row commits or rolls back with the change). `patient_id` empty: no
  // patient's data (e.g. a search).
  void audit_write(db::Lease& lease, const Principal& principal, const Client& client,
                   std::optional<std::int64_t> patient_id, std::string_view action,
                   std::string_view resource_type, std::string resource_id) const;
  // Records a read or write of a patient's data, or a denied attempt, in the audit log; returns
  // after the row has committed (batched with concurrent callers), or at once inside an
  // AuditHold, which then carries the outcome (audit_sealer.hpp). Call it holding no lease.
  // No patient_id: a read that names no one patient (e.g. a search).
  Status audit_record(const Principal& principal, const Client& client,
                      std::optional<std::int64_t> patient_id, std::string_view action,
                      std::string_view resource_type, std::string_view resource_id,
                      std::string_view outcome);

  // Patient profile (the identity part of the record).
  Result<PatientProfile> update_phone(const Principal& principal, std::int64_t patient_id,
                                      const std::string& phone, const Client& client);

  // Care team and consent.
  Result<std::vector<DoctorSummary>> directory(const std::string& query);
  Status link_doctor(const Principal& patient, std::int64_t doctor_id, const Client& client);
  Status unlink_doctor(const Principal& patient, std::int64_t doctor_id, const Client& client);
  Result<std::vector<DoctorSummary>> care_team(std::int64_t patient_id);
  Result<WriteGrant> request_write_grant(const Principal& doctor, std::int64_t patient_id,
                                         const Client& client);
  Result<WriteGrant> confirm_write_grant(const Principal& doctor, std::int64_t grant_id,
                                         const std::string& code, const Client& client);
  Result<WriteGrant> approve_write_grant(const Principal& patient, std::int64_t grant_id,
                                         const Client& client);
  Status revoke_write_grant(const Principal& principal, std::int64_t grant_id,
                            const Client& client);
  Result<std::vector<WriteGrant>> write_grants(std::int64_t patient_id);
  Result<std::vector<AuditEntry>> access_log(std::int64_t patient_id, std::int64_t before_id,
                                             int limit);

 private:
  // Issues a fresh one-time code (retiring older ones) and queues the email that carries it,
  // in the caller's transaction; `vars` gets "code" and "minutes" added.
  Status mail_code(db::Lease& lease, std::int64_t account_id, const char* purpose,
                   std::int64_t subject_id, std::string_view kind,
                   std::map<std::string, std::string> vars, const std::string& to);

  // The part of sign-up shared by all roles: rate limit, hash, account row, the role's profile
  // row (add_profile), the verification code and its email, the audit row — one transaction.
  Status sign_up(const std::string& email, const std::string& password,
                 const std::string& full_name, Role role, const Client& client,
                 const std::function<void(db::Lease&, long long)>& add_profile);

  db::Pool& pool_;
  SecretKey key_;
  IdentityOptions options_;
  std::string dummy_hash_;  // verified against when an email is unknown, to equalise timing
  std::unique_ptr<AuditSealer> sealer_;  // last: uses pool_ and key_; sealed on destruction
};

}  // namespace vitalis::identity
