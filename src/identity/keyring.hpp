// The deployment's key ring (issue 16): the secret key file holds a list of server secrets,
// newest first, each with a short id. The newest signs, hashes and seals everything new; the
// older ones still check what they made (access tokens by the `kid` in their header, refresh and
// code hashes by trying each, sealed mail and the audit rows by their key id), so a rotation
// signs nobody out and the audit chain verifies across it.
//
// File formats. A file of one line holding one base64url key (what every release before key
// rotation wrote, and what a first start still creates) is a ring of one key. `vitalis keys
// rotate` writes the ring format, atomically (a temporary file renamed into place, mode 0600):
//
//   vitalis-keyring 1
//   <id> <created, RFC 3339> <active|audit-only> <key, base64url>     (newest first)
//
// A key's id is derived from it (the first 8 hex digits of a keyed BLAKE2b), so a line whose id
// does not match its key is refused as corrupt. An "audit-only" key was retired (`vitalis keys
// retire`) while audit rows it sealed remain: it verifies those rows and nothing else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "identity/crypto.hpp"

namespace vitalis::identity {

namespace key_purpose {
inline constexpr std::string_view kAuditAnchor = "anchor";  // the audit chain's head checkpoint
}  // namespace key_purpose

class KeyRing {
 public:
  struct Key {
    std::string id;  // 8 hex digits, derived from the key (KeyRing::id_of)
    SecretKey key;
    std::string created_at;  // RFC 3339; for a one-line file, when that file was last written
    bool audit_only = false;
  };

  // A ring of one key (a first start, tests). Implicit: code that holds one SecretKey passes it
  // wherever a ring is expected.
  KeyRing(const SecretKey& key);  // NOLINT(google-explicit-constructor)

  // The id a key goes by: 8 hex digits of BLAKE2b keyed with it over a fixed label. Reveals
  // nothing of the key.
  static std::string id_of(const SecretKey& key);

  // Parses either file format; `legacy_created` dates a one-line file's key.
  static Result<KeyRing> parse(std::string_view text, std::string_view legacy_created = {});
  // The ring format (always, even for one key).
  std::string to_text() const;

  const SecretKey& newest() const { return keys_.front().key; }
  const std::string& newest_id() const { return keys_.front().id; }
  // The key with this id, or nullptr. The empty id names the oldest key: audit rows written
  // before rows recorded their key (migration 0016) were all sealed with the original key.
  const SecretKey* find(std::string_view id) const;
  const std::vector<Key>& keys() const { return keys_; }

  // The same ids with each key replaced by its derived key for `purpose`
  // (SecretKey::for_purpose): a ring of access-token keys, of code keys, ...
  KeyRing for_purpose(std::string_view purpose) const;
  // Only the keys that still sign, hash and open (not audit-only).
  KeyRing active() const;

  // Prepends a new random key (created now); returns its id.
  std::string rotate();
  // Marks the key audit-only, or drops it when `drop`. Refuses the newest key and unknown ids.
  Status retire(std::string_view id, bool drop);

 private:
  KeyRing() = default;
  std::vector<Key> keys_;  // newest first, never empty
};

// The whole text of an existing key file. Not found, or a file that exists but cannot be read
// (never replaced: see load_or_create_secret), are errors.
Result<std::string> read_key_file(const std::string& path);
// Loads the ring; never creates a key.
Result<KeyRing> load_key_ring(const std::string& path);
// Loads the ring, creating a one-key file (load_or_create_secret) only where nothing exists.
Result<KeyRing> load_or_create_key_ring(const std::string& path);
// Replaces the file atomically with the ring format (mode 0600).
Status save_key_ring(const std::string& path, const KeyRing& ring);

// Writes `text` to `path` through a temporary file (mode 0600) that is synced and renamed into
// place, so a reader sees the old or the new text, never a part. Also the audit anchor's writer.
Status replace_file(const std::string& path, const std::string& text);

}  // namespace vitalis::identity
