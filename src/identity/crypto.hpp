// Cryptography for identity, all on libsodium: argon2id password hashes, HMAC-SHA256 for
// access tokens and for hashing one-time codes and refresh tokens (each with its own key derived
// from the server secret), and random tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base64.hpp"
#include "core/error.hpp"

namespace vitalis::identity {

// Initialises libsodium; call once at start-up (idempotent, thread-safe).
void init_crypto();

// argon2id cost. Interactive is libsodium's INTERACTIVE profile (~100 ms, 64 MiB here).
struct PasswordCost {
  std::uint64_t opslimit = 2;
  std::size_t memlimit = 64u * 1024 * 1024;
};

// Slow by design: call from a blocking-work thread, never a network thread.
std::string hash_password(std::string_view password, const PasswordCost& cost);
bool verify_password(const std::string& hash, std::string_view password);
// True when the stored hash was made with other parameters than `cost` (re-hash on sign-in).
bool needs_rehash(const std::string& hash, const PasswordCost& cost);

// The purposes the server secret serves through derived keys (SecretKey::for_purpose), so a
// value made for one purpose (a code hash, a token signature) means nothing for another. The
// root key's own HMAC seals only the audit chain (rows written before per-purpose keys existed
// are sealed with it, and `audit verify` checks them all with it).
namespace key_purpose {
inline constexpr std::string_view kAccessToken = "access";  // access-token signatures
inline constexpr std::string_view kCode = "codes";          // one-time code hashes
inline constexpr std::string_view kRefresh = "refresh";     // refresh-token hashes
inline constexpr std::string_view kOutbox = "outbox";       // encryption of queued mail
inline constexpr std::string_view kTotp = "totp";           // sealing of TOTP secrets
}  // namespace key_purpose

// The server's secret (32 bytes), used for token signatures and keyed hashes.
class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;
  // From base64url text (43 characters); nullopt when malformed.
  static std::optional<SecretKey> from_text(std::string_view text);
  static SecretKey generate();
  std::string to_text() const;

  // HMAC-SHA256 of data, hex-encoded: how codes and refresh tokens are stored.
  std::string keyed_hash(std::string_view data) const;
  // Raw 32-byte HMAC-SHA256 (for token signatures).
  std::string mac(std::string_view data) const;
  // A 32-byte key for one purpose (1–8 characters, e.g. "outbox"), derived with libsodium's
  // crypto_kdf (BLAKE2b; the purpose is the context, subkey 1): another purpose, or this key's
  // HMACs, tell nothing about it. Throws std::invalid_argument on an empty or longer purpose.
  std::string derive(std::string_view purpose) const;
  // derive(purpose) as a key, whose mac and keyed_hash are that purpose's. One BLAKE2b block:
  // cheaper than the HMAC it then computes.
  SecretKey for_purpose(std::string_view purpose) const;
  // XChaCha20-Poly1305 under this key: nonce ‖ ciphertext ‖ tag (raw bytes), binding
  // `associated` (e.g. the owner's id) so a box moved elsewhere does not open. open() is nullopt
  // for a box made under another key or associated data, or changed.
  std::string seal(std::string_view plain, std::string_view associated) const;
  std::optional<std::string> open(std::string_view box, std::string_view associated) const;

 private:
  unsigned char bytes_[kSize] = {};
};

// Loads the key from `path`, creating it (mode 0600, its folder 0700) only when nothing exists
// there. A key file that exists but cannot be read is an error, never replaced: a new key would
// leave the audit chain unverifiable.
Result<SecretKey> load_or_create_secret(const std::string& path);
// Loads an existing key; never creates one (audit verify).
Result<SecretKey> load_secret(const std::string& path);

// 32 random bytes, base64url without padding: session ids, refresh tokens.
std::string random_token();
// A uniformly random 6-digit code, "000000"–"999999".
std::string random_code();

// Constant-time comparison of equal-length strings.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace vitalis::identity
