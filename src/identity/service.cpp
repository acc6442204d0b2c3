// The identity service's construction and its plain account lookup. The capabilities live in one
// file each (service.hpp lists them); they share the inside declared in internal.hpp.
#include "identity/service.hpp"

#include "identity/internal.hpp"

namespace vitalis::identity {

IdentityService::IdentityService(db::Pool& pool, const KeyRing& keys, IdentityOptions options)
    : pool_(pool),
      key_(keys.active()),
      access_keys_(key_.for_purpose(key_purpose::kAccessToken)),
      options_(options),
      limiter_(pool_),
      sealer_(std::make_unique<AuditSealer>(pool_, key_)) {
  dummy_hash_ = hash_password("not a real password, used for timing", options_.password_cost);
}

IdentityService::~IdentityService() = default;

Result<Account> IdentityService::account(std::int64_t id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Account> {
    AccountRow row;
    if (!account_by_id(lease, id, row)) return Error::not_found("no such account");
    return row.account;
  });
}

}  // namespace vitalis::identity
