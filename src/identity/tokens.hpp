// Access tokens: compact JWS with HS256 (header.payload.signature, base64url), 15 minutes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "identity/crypto.hpp"
#include "identity/model.hpp"

namespace vitalis::identity {

struct AccessClaims {
  std::int64_t account_id = 0;
  Role role = Role::kPatient;
  std::string session_id;
  std::int64_t issued_at = 0;   // seconds since the epoch
  std::int64_t expires_at = 0;  // seconds since the epoch
};

// `key` is the access-token key: the server secret's for_purpose(key_purpose::kAccessToken).
std::string sign_access_token(const AccessClaims& claims, const SecretKey& key);

// Checks signature (under the access-token key), algorithm and expiry; kUnauthenticated with a
// reason otherwise.
Result<AccessClaims> verify_access_token(std::string_view token, const SecretKey& key,
                                         std::int64_t now_seconds);

// How a refresh token is stored: its HMAC under the refresh-token key derived from `root`.
std::string refresh_token_hash(const SecretKey& root, std::string_view token);

}  // namespace vitalis::identity
