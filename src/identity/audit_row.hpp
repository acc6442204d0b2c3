// An audit-log row built by naming its parts instead of listing eleven fields in order:
//   append_audit(lease, key, audit::Row("auth.sign_in").actor(account).client(caller.client)
//                                .resource("account", account.id));
// Any module that writes audit rows uses it (IdentityService::audit_write / audit_record).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "identity/model.hpp"

namespace vitalis::identity::audit {

// One row, by default a success by nobody ("anonymous"), from no address, on no resource and no
// patient; each call sets one part and returns the row, so calls chain. A value: not shared.
class Row {
 public:
  explicit Row(std::string_view action) {
    entry_.action = std::string(action);
    entry_.actor_role = "anonymous";
    entry_.outcome = "success";
  }

  // Who acted: a signed-in caller, an account, or an id (none: unknown) with a role spelled out
  // (e.g. "unknown" when the role is not known yet).
  Row& actor(const Principal& principal) {
    return actor(principal.account_id, std::string(role_name(principal.role)));
  }
  Row& actor(const Account& account) {
    return actor(account.id, std::string(role_name(account.role)));
  }
  Row& actor(std::optional<std::int64_t> id, std::string role) {
    entry_.actor_id = id;
    entry_.actor_role = std::move(role);
    return *this;
  }
  // The server itself (a command line tool, a loader): no actor.
  Row& system() { return actor(std::nullopt, "system"); }
  // A signed-in caller acting from their address: actor and client address in one.
  Row& by(const Caller& caller) { return actor(caller).client(caller.client); }

  // Where the request came from.
  Row& client(const Client& client) { return client_address(client.address); }
  Row& client_address(std::string address) {
    entry_.client_address = std::move(address);
    return *this;
  }

  // What was acted on.
  Row& resource(std::string_view type, std::string_view id) {
    entry_.resource_type = std::string(type);
    entry_.resource_id = std::string(id);
    return *this;
  }
  Row& resource(std::string_view type, std::int64_t id) {
    return resource(type, std::to_string(id));
  }
  // Whose data: the row then shows in that patient's access log. Empty: nobody's.
  Row& patient(std::optional<std::int64_t> patient_id) {
    entry_.patient_id = patient_id;
    return *this;
  }

  // success (the default) | denied | failure.
  Row& outcome(std::string_view outcome) {
    entry_.outcome = std::string(outcome);
    return *this;
  }
  // Why it failed or was denied, or the break-glass reason; never health data.
  Row& reason(std::string reason) {
    entry_.reason = std::move(reason);
    return *this;
  }

  const AuditEntry& entry() const& { return entry_; }
  AuditEntry entry() && { return std::move(entry_); }
  // So that a row goes wherever an AuditEntry does (append_audit, AuditSealer::append).
  operator AuditEntry() const& { return entry_; }
  operator AuditEntry() && { return std::move(entry_); }

 private:
  AuditEntry entry_;
};

}  // namespace vitalis::identity::audit
