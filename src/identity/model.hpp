// Plain types of the identity domain: roles, accounts, the authenticated principal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vitalis::identity {

enum class Role { kPatient, kDoctor, kAdmin };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

enum class AccountStatus { kUnverified, kPendingApproval, kActive, kDisabled };

struct Account {
  std::int64_t id = 0;
  std::string email;
  Role role = Role::kPatient;
  std::string status;  // unverified | pending_approval | active | disabled
  std::string full_name;
  std::string created_at;
};

// Who is calling: set on the request by the authentication middleware.
struct Principal {
  std::int64_t account_id = 0;
  Role role = Role::kPatient;
  std::string session_id;
  // Set by the record rules when this request reaches `emergency_patient_id` through
  // break-glass: its reason goes into the audit rows of the request's reads.
  std::int64_t emergency_patient_id = 0;
  std::string emergency_reason{};
};

}  // namespace vitalis::identity
