// Access tokens: compact JWS with HS256 (header.payload.signature, base64url), 15 minutes. The
// header names the signing key's id (`kid`, keyring.hpp), so a token stays valid across a key
// rotation while its key is in the ring.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "identity/crypto.hpp"
#include "identity/keyring.hpp"
#include "identity/model.hpp"

namespace vitalis::identity {

struct AccessClaims {
  std::int64_t account_id = 0;
  Role role = Role::kPatient;
  std::string session_id;
  std::int64_t issued_at = 0;   // seconds since the epoch
  std::int64_t expires_at = 0;  // seconds since the epoch
};

// `keys` are the access-token keys: the ring's for_purpose(key_purpose::kAccessToken). Signs
// with the newest, naming it in the header's `kid`.
std::string sign_access_token(const AccessClaims& claims, const KeyRing& keys);

// Checks algorithm, signature (under the ring's key the header's `kid` names; a header without
// one, from before key ids, under the oldest key) and expiry; kUnauthenticated with a reason
// otherwise. A key that left the ring (or is audit-only) signs nothing valid.
Result<AccessClaims> verify_access_token(std::string_view token, const KeyRing& keys,
                                         std::int64_t now_seconds);

// How a refresh token is stored: its HMAC under the newest refresh-token key derived from `root`.
std::string refresh_token_hash(const KeyRing& root, std::string_view token);
// What a presented refresh token may be stored as: its hash under each key of the ring, newest
// first (one look-up finds a session started before a rotation).
std::vector<std::string> refresh_token_hashes(const KeyRing& root, std::string_view token);

}  // namespace vitalis::identity
